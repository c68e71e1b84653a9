use super::*;
use crate::config::TitleRules;

fn rules() -> StatusRules {
    StatusRules::compile(&StatusConfig {
        rows: 4,
        waiting: vec!["Do you want to proceed\\?".into()],
        working: vec!["esc to interrupt".into(), "(?i)thinking".into()],
        idle: vec!["\\? for shortcuts".into()],
        title: TitleRules {
            working: vec!["^[⠀-⣿] ".into()],
            ..TitleRules::default()
        },
    })
    .unwrap()
}

/// The built-in profile `agent`'s rules.
fn builtin(agent: &str) -> StatusRules {
    let config = crate::config::Config::builtin().unwrap();
    StatusRules::compile(&config.agents[agent].status).unwrap()
}

#[test]
fn waiting_beats_working_beats_idle() {
    let r = rules();
    let m = r
        .matches("✢ Thinking… (esc to interrupt)\n? for shortcuts", "")
        .unwrap();
    assert_eq!(
        (m.kind, m.index, m.text.as_str()),
        (RuleKind::Working, 0, "esc to interrupt")
    );
    let m = r
        .matches("Do you want to proceed?\n esc to interrupt", "")
        .unwrap();
    assert_eq!(m.kind, RuleKind::Waiting);
    assert_eq!(
        m.reason(),
        "screen shows \"Do you want to proceed?\" (waiting rule 1)"
    );
    assert_eq!(
        r.matches("? for shortcuts", "").unwrap().kind,
        RuleKind::Idle
    );
    assert_eq!(r.matches("THINKING hard", "").unwrap().index, 1);
    assert_eq!(r.matches("$ ls", ""), None);
    // A busy title beats an idle screen (Codex streams under an idle footer).
    let m = r.matches("? for shortcuts", "⠋ project").unwrap();
    assert_eq!((m.kind, m.source), (RuleKind::Working, Source::Title));
    assert_eq!(m.reason(), "title is \"⠋\" (title working rule 1)");
}

/// opencode in an 80-column pane wraps its footer, with the directory
/// between `ctrl+p` and `commands`: its idle rule still sees it, and
/// the working footer is still working.
#[test]
fn opencode_is_idle_with_its_footer_wrapped() {
    let r = builtin("opencode");
    let idle = "   /root/src/repo-e696d280/p-       74 ctrl+p          \n   opencode-1721                                                commands        ";
    assert_eq!(r.matches(idle, "").map(|m| m.kind), Some(RuleKind::Idle));
    // Unwrapped, the reason quotes the whole hint.
    let wide = "  ~/src/repo   74  ctrl+p commands";
    let m = r.matches(wide, "").unwrap();
    assert_eq!(
        (m.kind, m.text.as_str()),
        (RuleKind::Idle, "ctrl+p commands")
    );
    let working = "   ■■■⬝⬝⬝⬝⬝  esc interrupt          tab agents  ctrl+p commands";
    assert_eq!(
        r.matches(working, "").map(|m| m.kind),
        Some(RuleKind::Working)
    );
}

/// Claude's renderer can leave an old footer row on screen after
/// resizes (its own bytes draw it; tmux shows the same). Only the last
/// row's footer says whether it works: this screen, seen in a grove
/// pane after a burst of new workspaces, is idle.
#[test]
fn claude_is_idle_under_an_old_footer_left_on_screen() {
    let r = builtin("claude");
    let garbled = "●─The mock tool ran. Done - back to you.\n  esc to interrupt · ← for agents   ● high · /effort\n✻ Worked for 4s\n\n\n❯  \n──────────────────────\n  ? for shortcuts · ← for agents";
    assert_eq!(r.matches(garbled, "").map(|m| m.kind), Some(RuleKind::Idle));
    let working = "✢ Harmonizing… (1s · ↓ 7 tokens)\n\n──────────────────────\n❯  \n──────────────────────\n  esc to interrupt · ← for agents";
    let m = r.matches(working, "").unwrap();
    assert_eq!(m.kind, RuleKind::Working);
    assert_eq!(m.text, "esc to interrupt · ← for agents");
}

/// Claude's questions as they showed in 40- to 200-column panes: a
/// tool's permission (wrapped), AskUserQuestion (one question, and
/// several with multiple choice), the trust dialog of
/// 2.x, leaving plan mode and a new file. Before these rules all but
/// the new file read as "done" or "starting".
/// And its footers in each permission mode, which had no idle rule.
#[test]
fn claude_waits_on_every_kind_of_question_in_every_mode() {
    let r = builtin("claude");
    for (screen, index, quote) in [
        (
            "   Claude wants to fetch content from\n   example.com\n\n Do you want to allow Claude to fetch\n this content?\n ❯ 1. Yes\n   2. Yes, and don't ask again for\n      example.com\n   3. No, and tell Claude what to do\n      differently (esc)",
            0,
            "Do you want to allow Claude to fetch this content?",
        ),
        (
            " Do you want to create notes.txt?\n ❯ 1. Yes\n   2.Yes, allow all edits during this session\n     (shift+tab)\n   3. No\n\n Esc to cancel · Tab to amend",
            0,
            "Do you want to create notes.txt?",
        ),
        (
            " Do you want to make this edit to\n src/net/tcp.rs?\n   1. Yes\n ❯ 2. Yes, allow all edits during this session",
            0,
            "Do you want to make this edit to src/net/tcp.rs?",
        ),
        (
            "Which colour should the button be?\n\n❯ 1. Red\n     A red button\n  2. Blue\n     A blue button\n  3. Type something.\n────────────────────────────────────────\n  4. Chat about this\n\nEnter to select · ↑/↓ to navigate · Esc\nto cancel",
            3,
            "Enter to select ·",
        ),
        (
            "❯ 1. [ ] Cheese\n  Melted\n     Next\n──────────────────────────────────────────────────────\n  4. Chat about this\nEnter to select · Tab/Arrow keys to navigate · Esc to\ncancel",
            3,
            "Enter to select ·",
        ),
        (
            " Claude Code'll be able to read, edit, and execute files here.\n\n Security guide\n\n ❯ 1. Yes, I trust this folder\n   2. No, exit\n\n Enter to confirm · Esc to cancel",
            1,
            "Yes, I trust this folder",
        ),
        (
            "● I will run a command.\n\n──────────────────────────────────────────────────────\n Exit plan mode?\n\n  Claude wants to exit plan mode\n\n  ❯ 1. Yes\n    2. No",
            2,
            "Exit plan mode?",
        ),
        (
            " Claude has written up a plan and is ready to execute. Would you like to proceed?\n\n ❯ 1. Yes, and auto-accept edits\n   2. Yes, and manually approve edits\n   3. No, keep planning",
            2,
            "Would you like to proceed?",
        ),
    ] {
        let m = r.matches(screen, "").unwrap();
        assert_eq!(
            (m.kind, m.index, m.text.as_str()),
            (RuleKind::Waiting, index, quote)
        );
    }
    // Idle and working in each permission mode: the footer names the
    // mode where `? for shortcuts` was.
    for mode in [
        "⏸ plan mode on (shift+tab to cycle)",
        "⏵⏵ accept edits on (shift+tab to cycle)",
        "⏵⏵ bypass permissions on (shift+tab to cycle)",
    ] {
        let idle = format!("❯  \n──────────\n  {mode} · ← for agents");
        assert_eq!(
            r.matches(&idle, "").map(|m| m.kind),
            Some(RuleKind::Idle),
            "{mode}"
        );
        let busy = format!("❯  \n──────────\n  {mode} · esc to interrupt · ← for agents");
        assert_eq!(
            r.matches(&busy, "").map(|m| m.kind),
            Some(RuleKind::Working),
            "{mode}"
        );
    }
    // The same words in its prose, with no options under them: done.
    let prose = "● Done. Do you want to add tests too?\n  Would you like to proceed?\n\n❯  \n──────────\n  ? for shortcuts";
    assert_eq!(r.matches(prose, "").map(|m| m.kind), Some(RuleKind::Idle));
}

/// The trust dialogs of codex 0.169 and gemini 0.61, as a new
/// worktree showed them in a 54-column pane (the gemini one from its
/// options up, the question being above the rows read); both agents
/// draw their idle screen first, so unmatched they read as idle and a
/// first prompt's Enter answered them.
#[test]
fn codex_and_gemini_wait_on_their_trust_dialogs() {
    for (agent, screen) in [
        (
            "codex",
            "  /tmp/h6/repo\n  Trust this folder? Codex can read, edit, and run files here, subject to your\n  permission settings. Folder settings can run code automatically, even without\n  a model request. Continue only if you trust these files. Your trust decision\n  will be saved.\n› 1. Trust and continue\n  2. Back to Agent Command Center\n  enter continue · esc back",
        ),
        (
            "gemini",
            " │ behalf or change the behavior of the CLI.        │\n │                                                  │\n │ ● 1. Trust folder (tgem2)                        │\n │   2. Trust parent folder (repo-56484f58)         │\n │   3. Don't trust                                 │\n │                                                  │\n ╰──────────────────────────────────────────────────╯",
        ),
        (
            "gemini",
            " │ Do you trust the files in this folder?           │\n │                                                  │\n │ Trusting a folder allows Gemini CLI to load its  │",
        ),
    ] {
        let m = builtin(agent).matches(screen, "◇  Ready (tgem2)").unwrap();
        assert_eq!(m.kind, RuleKind::Waiting, "{agent}: {screen}");
    }
}

/// opencode 1.18's question tool, as it showed in a 168-column pane, and
/// the same question once answered (kept in the transcript, idle).
#[test]
fn opencode_waits_on_its_question_tool() {
    let r = builtin("opencode");
    let asking = "     → Asked 1 question\n     ▣  Build · Mock Model\n  ┃\n  ┃  Which colour should the button be?\n  ┃\n  ┃  1. Red\n  ┃     A red button\n  ┃  2. Blue\n  ┃     A blue button\n  ┃  3. Type your own answer\n  ┃\n  ┃  ↑↓ select  enter submit  esc dismiss";
    let m = r.matches(asking, "").unwrap();
    assert_eq!((m.kind, m.index), (RuleKind::Waiting, 1));
    let answered = "  ┃  Which colour should the button be?\n  ┃  Red\n     The mock tool ran. Done - back to you.\n     ▣  Build · Mock Model · 20.4s\n  ┃  Build · Mock Model Mock LLM\n  ╹▀▀▀▀▀▀▀▀▀▀▀▀\n   /tmp/h6/oq     51  ctrl+p commands";
    assert_eq!(
        r.matches(answered, "").map(|m| m.kind),
        Some(RuleKind::Idle)
    );
}

/// Under ~55 columns opencode lays its footer out in columns and
/// `esc interrupt` breaks over rows; `ctrl+p` alone then said "idle"
/// about a working agent: a false "done". These are its footers at 50
/// and 46 columns, working, and at 46 idle.
#[test]
fn opencode_is_working_with_its_footer_in_columns() {
    let r = builtin("opencode");
    for working in [
        "   ■■■■⬝⬝⬝⬝  esc       tab agentsctrl+p\n             interrupt           commands",
        "   ⬝⬝⬝⬝⬝⬝⬝⬝  esc    tab      ctrl+p\n             interrupagents   commands\n             t",
    ] {
        let m = r.matches(working, "").unwrap();
        assert_eq!((m.kind, m.index), (RuleKind::Working, 1), "{working}");
    }
    let idle = "  ╹▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀\n           tab agents  ctrl+p commands\n  /tmp/h5/repo:master          1.18.33";
    assert_eq!(r.matches(idle, "").map(|m| m.kind), Some(RuleKind::Idle));
}

#[test]
fn a_bad_pattern_names_its_list_and_index() {
    let error = StatusRules::compile(&StatusConfig {
        rows: 4,
        waiting: vec![],
        working: vec!["ok".into(), "(unclosed".into()],
        idle: vec![],
        title: TitleRules::default(),
    })
    .unwrap_err();
    assert_eq!((error.kind, error.index), (RuleKind::Working, 1));
    assert_eq!(error.source, Source::Screen);
    assert!(error.message.contains("unclosed"), "{}", error.message);
}
