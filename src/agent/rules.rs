//! A profile's status rules, compiled: regular expressions over the lowest
//! rows of a pane's screen that say the agent is waiting for input, working,
//! or idle. They are data (from the profile's YAML), never code, because every
//! agent changes its screen between versions and a user must be able to fix a
//! rule without a new grove.
//!
//! Only the lowest `rows` non-blank rows are searched: an agent's status line
//! and input box live at the bottom, and prose higher up that happens to
//! contain "esc to interrupt" must not make an idle agent look busy.

use regex::Regex;

use crate::config::StatusConfig;

/// What a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Screen,
    Title,
}

/// Which state a rule stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Waiting,
    Working,
    Idle,
}

impl RuleKind {
    pub fn key(self) -> &'static str {
        match self {
            RuleKind::Waiting => "waiting",
            RuleKind::Working => "working",
            RuleKind::Idle => "idle",
        }
    }
}

/// The first rule that matched, and the text it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub kind: RuleKind,
    pub source: Source,
    /// Index of the rule in its list (`working[1]`).
    pub index: usize,
    /// What the rule matched on screen, trimmed to a readable length.
    pub text: String,
}

impl RuleMatch {
    /// The reason a status carries: which rule, and what it saw.
    pub fn reason(&self) -> String {
        let (what, list) = match self.source {
            Source::Screen => ("screen shows", ""),
            Source::Title => ("title is", "title "),
        };
        format!(
            "{what} {:?} ({list}{} rule {})",
            self.text,
            self.kind.key(),
            self.index + 1
        )
    }
}

/// A rule that does not compile, for the config's error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRule {
    pub kind: RuleKind,
    pub source: Source,
    pub index: usize,
    pub message: String,
}

/// One profile's compiled rules.
#[derive(Debug, Clone, Default)]
pub struct StatusRules {
    rows: usize,
    screen: Lists,
    title: Lists,
}

/// One list of rules per state.
#[derive(Debug, Clone, Default)]
struct Lists {
    waiting: Vec<Regex>,
    working: Vec<Regex>,
    idle: Vec<Regex>,
}

impl Lists {
    fn compile(
        source: Source,
        waiting: &[String],
        working: &[String],
        idle: &[String],
    ) -> Result<Lists, BadRule> {
        let compile = |kind: RuleKind, patterns: &[String]| {
            patterns
                .iter()
                .enumerate()
                .map(|(index, pattern)| {
                    Regex::new(pattern).map_err(|error| BadRule {
                        kind,
                        source,
                        index,
                        message: error.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Lists {
            waiting: compile(RuleKind::Waiting, waiting)?,
            working: compile(RuleKind::Working, working)?,
            idle: compile(RuleKind::Idle, idle)?,
        })
    }

    fn of(&self, kind: RuleKind) -> &[Regex] {
        match kind {
            RuleKind::Waiting => &self.waiting,
            RuleKind::Working => &self.working,
            RuleKind::Idle => &self.idle,
        }
    }

    fn is_empty(&self) -> bool {
        self.waiting.is_empty() && self.working.is_empty() && self.idle.is_empty()
    }
}

/// The most characters of matched text a reason quotes.
const MAX_QUOTED: usize = 60;

/// The group of a rule whose text the reason quotes instead of the whole
/// match: a rule that must see a dialog's options under its question
/// quotes the question.
const QUOTE_GROUP: &str = "quote";

/// What a reason quotes of `found`: its `quote` group if the rule has one,
/// on one line (a question can wrap in a narrow pane), cut to
/// [`MAX_QUOTED`] characters.
fn quoted(rule: &Regex, found: regex::Match<'_>, haystack: &str) -> String {
    let part = match rule
        .capture_names()
        .flatten()
        .any(|name| name == QUOTE_GROUP)
    {
        true => rule
            .captures_at(haystack, found.start())
            .and_then(|groups| groups.name(QUOTE_GROUP))
            .map_or(found.as_str(), |group| group.as_str()),
        false => found.as_str(),
    };
    let words: Vec<&str> = part.split_whitespace().collect();
    words.join(" ").chars().take(MAX_QUOTED).collect()
}

impl StatusRules {
    pub fn compile(config: &StatusConfig) -> Result<StatusRules, BadRule> {
        let title = &config.title;
        Ok(StatusRules {
            rows: config.rows,
            screen: Lists::compile(
                Source::Screen,
                &config.waiting,
                &config.working,
                &config.idle,
            )?,
            title: Lists::compile(Source::Title, &title.waiting, &title.working, &title.idle)?,
        })
    }

    /// How many of the lowest non-blank rows the rules read.
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.screen.is_empty() && self.title.is_empty()
    }

    /// Whether some rule can say "idle".
    pub fn knows_idle(&self) -> bool {
        !(self.screen.idle.is_empty() && self.title.idle.is_empty())
    }

    /// The first match in the order waiting, working, idle (the screen,
    /// then the title, for each): an approval dialog drawn over a busy agent
    /// is a question for the user, and a busy agent still shows its (idle)
    /// input box.
    pub fn matches(&self, tail: &str, title: &str) -> Option<RuleMatch> {
        [RuleKind::Waiting, RuleKind::Working, RuleKind::Idle]
            .into_iter()
            .flat_map(|kind| {
                [(Source::Screen, tail), (Source::Title, title)]
                    .map(|(source, text)| (kind, source, text))
            })
            .find_map(|(kind, source, text)| {
                let lists = match source {
                    Source::Screen => &self.screen,
                    Source::Title => &self.title,
                };
                lists.of(kind).iter().enumerate().find_map(|(index, rule)| {
                    let found = rule.find(text)?;
                    let text = quoted(rule, found, text);
                    Some(RuleMatch {
                        kind,
                        source,
                        index,
                        text,
                    })
                })
            })
    }
}

#[cfg(test)]
mod tests {
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
        let config = crate::config::Config::builtin().unwrap();
        let r = StatusRules::compile(&config.agents["opencode"].status).unwrap();
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
        let config = crate::config::Config::builtin().unwrap();
        let r = StatusRules::compile(&config.agents["claude"].status).unwrap();
        let garbled = "●─The mock tool ran. Done - back to you.\n  esc to interrupt · ← for agents   ● high · /effort\n✻ Worked for 4s\n\n\n❯  \n──────────────────────\n  ? for shortcuts · ← for agents";
        assert_eq!(r.matches(garbled, "").map(|m| m.kind), Some(RuleKind::Idle));
        let working = "✢ Harmonizing… (1s · ↓ 7 tokens)\n\n──────────────────────\n❯  \n──────────────────────\n  esc to interrupt · ← for agents";
        let m = r.matches(working, "").unwrap();
        assert_eq!(m.kind, RuleKind::Working);
        assert_eq!(m.text, "esc to interrupt · ← for agents");
    }

    /// Claude's questions as they showed in 40- to 200-column panes: a
    /// tool's permission (wrapped), AskUserQuestion, the trust dialog of
    /// 2.x, leaving plan mode and a new file. Before these rules all but
    /// the new file read as "done" or "starting".
    /// And its footers in each permission mode, which had no idle rule.
    #[test]
    fn claude_waits_on_every_kind_of_question_in_every_mode() {
        let config = crate::config::Config::builtin().unwrap();
        let r = StatusRules::compile(&config.agents["claude"].status).unwrap();
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
                "Enter to select · ↑/↓ to navigate",
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

    /// Under ~55 columns opencode lays its footer out in columns and
    /// `esc interrupt` breaks over rows; `ctrl+p` alone then said "idle"
    /// about a working agent: a false "done". These are its footers at 50
    /// and 46 columns, working, and at 46 idle.
    #[test]
    fn opencode_is_working_with_its_footer_in_columns() {
        let config = crate::config::Config::builtin().unwrap();
        let r = StatusRules::compile(&config.agents["opencode"].status).unwrap();
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
}
