//! Agent status end to end: the real `grove` binary and server, real PTYs,
//! and agents that are real processes. Scripted fake agents (small `sh`
//! scripts with their own status rules in `.grove.yaml`) go through a turn
//! that the test paces with gate files, so every state holds until the test
//! has seen it; `grove ls --json` must follow with the right `state`,
//! `reason` and `attention`, `grove send` must type a prompt as one bracketed
//! paste and Enter, the dashboard must mark and ring for finished work, and
//! the attention hook must run. The real agents (Claude Code, Codex, Gemini
//! CLI, opencode, aider) run offline against the agents lab's mock LLM with
//! the built-in status rules, each skipped when it is not installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use grove::pane::{Pane, PaneSize};
use support::grove::Server;
use support::pane::{TIMEOUT, installed, note, wait_for_screen, wait_until};
use support::repo::TestRepo;
use support::status::{
    MockLlm, Timeline, poll_workspace, wait_for_state, wait_for_workspace,
    wait_for_workspace_showing,
};

const SIZE: PaneSize = PaneSize {
    rows: 40,
    cols: 160,
};
const PREFIX: &[u8] = b"\x02";

/// A scripted agent: `READY>` when idle; a spinner saying `esc to interrupt`
/// while it works, until the test creates the gate file
/// `$GATES/$GROVE_WORKSPACE.N` (which it then removes); for a prompt starting
/// with `ask`, `Allow? (y/n)` between two pieces of work; `quit` exits with
/// code 7.
const TURN_AGENT: &str = r#"gates=$1
work() {
  while [ ! -e "$gates/$GROVE_WORKSPACE.$1" ]; do
    printf '\r- thinking (esc to interrupt)'; sleep 0.1
    printf '\r| thinking (esc to interrupt)'; sleep 0.1
  done
  rm -f "$gates/$GROVE_WORKSPACE.$1"
  printf '\r\033[K'
}
echo "turn agent in $GROVE_WORKSPACE"
printf 'READY> '
while IFS= read -r line; do
  case $line in
    quit) echo bye; exit 7 ;;
    ask*) work 1; printf 'Allow? (y/n) '; IFS= read -r answer; echo "answer: $answer"; work 2 ;;
    *) work 1 ;;
  esac
  echo "done: $line"
  printf 'READY> '
done
"#;

/// The turn agent's status rules: only the last row counts.
const TURN_RULES: &str = r#"    status:
      rows: 1
      waiting: ["Allow\\? \\(y/n\\)"]
      working: ["esc to interrupt"]
      idle: ["^READY>"]
"#;

/// Records every byte it reads, raw, to `$1/$GROVE_WORKSPACE.in`, after
/// asking for bracketed paste. No status rules: output decides.
const RECORDER_AGENT: &str = r#"stty raw -echo
printf '\033[?2004hREADY> '
exec cat > "$1/$GROVE_WORKSPACE.in"
"#;

/// Busy (a spinner with a working rule) until the gate file
/// `$1/$GROVE_WORKSPACE.gate` exists, then asks for bracketed paste, shows
/// its idle prompt and records every byte it reads, including anything
/// typed while it was busy (the terminal is raw from the start).
const SLOW_AGENT: &str = r#"stty raw -echo
printf 'slow agent starting\r\n'
while [ ! -e "$1/$GROVE_WORKSPACE.gate" ]; do
  printf '\r- loading (esc to interrupt)'; sleep 0.1
  printf '\r| loading (esc to interrupt)'; sleep 0.1
done
printf '\r\033[K\033[?2004hREADY> '
exec cat > "$1/$GROVE_WORKSPACE.in"
"#;

/// Shows its idle prompt a moment before it asks for bracketed paste, as
/// Gemini CLI sets its "Ready" title about 100 ms before it does, then
/// records every byte it reads.
const LATE_PASTE_AGENT: &str = r#"stty raw -echo
printf 'READY> '
sleep 0.5
printf '\033[?2004h'
exec cat > "$1/$GROVE_WORKSPACE.in"
"#;

/// The rules of [`SLOW_AGENT`], [`PAUSING_AGENT`] and [`LATE_PASTE_AGENT`].
const LOADING_RULES: &str = r#"    status:
      rows: 1
      working: ["esc to interrupt"]
      idle: ["^READY>"]
"#;

/// Quiet for two seconds after its banner, with nothing a rule knows on
/// screen (as opencode is while it loads), then like [`SLOW_AGENT`] asks
/// for bracketed paste, shows its idle prompt and records its input.
const PAUSING_AGENT: &str = r#"stty raw -echo
printf 'loading, quietly\r\n'
sleep 2
printf '\033[?2004hREADY> '
exec cat > "$1/$GROVE_WORKSPACE.in"
"#;

/// Writes `script` to the test's directory and makes it the repository's
/// default agent profile `fake`, run as `sh SCRIPT DIR` where DIR is the
/// test's directory (gates and recordings); `extra` is appended to the
/// profile (status rules), `top` to the config (attention). Returns DIR.
fn use_script_agent(t: &TestRepo, script: &str, extra: &str, top: &str) -> PathBuf {
    let dir = t.dir.path().join("agent");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("agent.sh");
    std::fs::write(&path, script).unwrap();
    let config = format!(
        "agent: fake\nagents:\n  fake:\n    command: [\"sh\", \"{}\", \"{}\"]\n{extra}{top}",
        path.display(),
        dir.display()
    );
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
    dir
}

/// Lets the turn agent in `name` past its `n`th piece of work.
fn open_gate(dir: &Path, name: &str, n: u32) {
    std::fs::write(dir.join(format!("{name}.{n}")), "").unwrap();
}

fn state(t: &TestRepo, name: &str, state: &str, timeline: &mut Timeline) -> serde_json::Value {
    wait_for_state(t, name, state, TIMEOUT, timeline)
}

fn reason(workspace: &serde_json::Value) -> &str {
    workspace["reason"].as_str().unwrap()
}

/// The bytes a prompt arrives as in a program that enabled bracketed paste.
fn pasted(text: &str) -> Vec<u8> {
    [b"\x1b[200~", text.as_bytes(), b"\x1b[201~"].concat()
}

/// Waits until `path` holds `expected.len()` bytes, then compares.
fn assert_recorded(path: &Path, expected: &[u8]) {
    let deadline = Instant::now() + TIMEOUT;
    let recorded = loop {
        let recorded = std::fs::read(path).unwrap_or_default();
        if recorded.len() >= expected.len() || Instant::now() > deadline {
            break recorded;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(
        recorded.escape_ascii().to_string(),
        expected.escape_ascii().to_string(),
        "the bytes {} received",
        path.display()
    );
}

#[test]
fn status_follows_a_scripted_agent_through_a_turn() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let gates = use_script_agent(&t, TURN_AGENT, TURN_RULES, "");
    t.grove_ok(&["new", "solo"]);
    let mut timeline = Timeline::default();

    let w = state(&t, "solo", "idle", &mut timeline);
    assert_eq!(reason(&w), "screen shows \"READY>\" (idle rule 1)");
    // Idle from the start is not finished work: nobody is needed.
    assert_eq!(w["attention"], false, "{w:#}");
    let created = w["created"].as_u64().unwrap();
    assert!(w["state_since"].as_u64().unwrap() >= created, "{w:#}");

    t.grove_ok(&["send", "solo", "ask first, then go"]);
    let w = state(&t, "solo", "working", &mut timeline);
    assert_eq!(
        reason(&w),
        "screen shows \"esc to interrupt\" (working rule 1)"
    );
    assert_eq!(w["attention"], false, "{w:#}");

    open_gate(&gates, "solo", 1);
    let w = state(&t, "solo", "waiting", &mut timeline);
    assert_eq!(reason(&w), "screen shows \"Allow? (y/n)\" (waiting rule 1)");
    assert_eq!(w["attention"], true, "{w:#}");

    t.grove_ok(&["send", "solo", "y"]);
    let w = state(&t, "solo", "working", &mut timeline);
    // A look between `answer: y` and the spinner finds the question gone
    // and an empty last row: working, for that reason instead.
    let why = reason(&w);
    assert!(
        why.contains("working rule 1") || why == "the question is gone and it prints again",
        "{w:#}"
    );
    assert_eq!(w["attention"], false, "{w:#}");

    open_gate(&gates, "solo", 2);
    let w = state(&t, "solo", "idle", &mut timeline);
    assert_eq!(reason(&w), "screen shows \"READY>\" (idle rule 1)");
    // Finished while nobody looked.
    assert_eq!(w["attention"], true, "{w:#}");

    t.grove_ok(&["send", "solo", "quit"]);
    let w = state(&t, "solo", "exited", &mut timeline);
    assert_eq!(reason(&w), "exited with code 7");
    assert_eq!(w["status"], "exited", "{w:#}");
    assert_eq!(w["exit"], "exited with code 7", "{w:#}");
    // It ended while nobody looked: news, as finished work is.
    assert_eq!(w["attention"], true, "{w:#}");
    assert!(w["state_since"].is_null(), "{w:#}");
}

#[test]
fn send_types_one_bracketed_paste_and_enter_without_a_dashboard() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = use_script_agent(&t, RECORDER_AGENT, "", "");
    t.grove_ok(&["new", "rec"]);
    let mut timeline = Timeline::default();
    // Quiet after its prompt: it has asked for bracketed paste by now.
    let w = state(&t, "rec", "idle", &mut timeline);
    assert!(reason(&w).starts_with("no output for"), "{w:#}");

    let record = dir.join("rec.in");
    let prompt = "Fix the \"login\" bug, don't break 'logout'.\n\
                  Not a command: $(touch pwned) `id` $HOME \\n\n\
                  \tindented with a tab\n\
                  last line";
    let out = t.grove_ok(&["send", "rec", prompt]);
    assert_eq!(out, "typed the prompt into rec\n");
    let mut expected = [pasted(prompt), b"\r".to_vec()].concat();
    assert_recorded(&record, &expected);
    let worktree = PathBuf::from(t.workspace_json("rec")["path"].as_str().unwrap());
    assert!(!worktree.join("pwned").exists(), "a shell read the prompt");

    // --no-enter leaves the text in the input: the next prompt follows it
    // with no Enter in between. `-` reads the prompt from stdin, without the
    // trailing newline.
    t.grove_ok(&["send", "rec", "--no-enter", "draft: "]);
    expected.extend(pasted("draft: "));
    assert_recorded(&record, &expected);
    let out = t.grove_stdin(&["send", "rec", "-"], b"from stdin\nsecond line\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    expected.extend(pasted("from stdin\nsecond line"));
    expected.push(b'\r');
    assert_recorded(&record, &expected);

    // An empty prompt is bad usage, given or piped.
    let out = t.grove(&t.root, &["send", "rec", ""]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = t.grove_stdin(&["send", "rec", "-"], b"\n");
    assert_eq!(out.status.code(), Some(2), "{out:?}");

    // No such workspace, and no running agent: exit 1, one line that says so.
    let one_line = |out: &std::process::Output, says: &str| {
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("grove: "), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    };
    one_line(&t.grove(&t.root, &["send", "nosuch", "hi"]), "nosuch");
    t.grove_ok(&["kill", "rec"]);
    wait_for_workspace(&t, "rec", "stopped", TIMEOUT, &mut timeline, |w| {
        w["status"] == "stopped"
    });
    one_line(
        &t.grove(&t.root, &["send", "rec", "hi"]),
        "rec has no running agent",
    );
    // Nothing else reached the agent: no second Enter, no stray keys.
    assert_eq!(std::fs::read(&record).unwrap(), expected);
}

/// The sidebar's first line for workspace `name`: `○ name  No changes`
/// (the panes to the right of the sidebar's `│` are cut off).
fn sidebar_line<'s>(screen: &'s str, name: &str) -> Option<&'s str> {
    screen
        .lines()
        .filter_map(|l| l.split('│').next())
        .find(|l| l.split_whitespace().nth(1) == Some(name))
}

fn bells(dashboard: &Pane) -> u64 {
    dashboard.with_emulator(|e| e.bells())
}

#[test]
fn finished_work_in_another_pane_is_marked_rings_and_is_one_key_away() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let gates = use_script_agent(&t, TURN_AGENT, TURN_RULES, "");
    t.grove_ok(&["new", "alpha"]);
    t.grove_ok(&["new", "beta"]);
    let dashboard = t.dashboard(&[], SIZE);
    // A second dashboard, in a terminal that shows desktop notifications.
    let wezterm = t.dashboard_in(&[], SIZE, &[("TERM_PROGRAM", "WezTerm")]);
    wait_for_screen(&dashboard, "both agents", |s| {
        s.contains("turn agent in alpha") && s.contains("turn agent in beta")
    });
    wait_for_screen(&wezterm, "both agents", |s| {
        s.contains("turn agent in beta")
    });
    let mut timeline = Timeline::default();
    state(&t, "alpha", "idle", &mut timeline);
    state(&t, "beta", "idle", &mut timeline);

    // The dashboard has alpha focused; beta works and finishes.
    t.grove_ok(&["send", "beta", "build it"]);
    state(&t, "beta", "working", &mut timeline);
    // Its pane's bottom border says why.
    wait_for_screen(&dashboard, "beta's reason on its border", |s| {
        s.contains("╰ screen shows \"esc to interrupt\" (working rule 1) ")
    });
    let before = bells(&dashboard);
    open_gate(&gates, "beta", 1);
    let w = state(&t, "beta", "idle", &mut timeline);
    assert_eq!(w["attention"], true, "{w:#}");
    let screen = wait_for_screen(&dashboard, "beta marked done, unseen", |s| {
        sidebar_line(s, "beta").is_some_and(|l| l.contains('✓'))
            && s.contains("beta needs you")
            && s.contains("╰ screen shows \"READY>\" (idle rule 1) ")
    });
    assert!(
        sidebar_line(&screen, "alpha").is_some_and(|l| !l.contains('✓')),
        "{screen}"
    );
    wait_until("the dashboard to ring", || bells(&dashboard) > before);
    let notices = std::cell::RefCell::new(Vec::new());
    wait_until("the other dashboard to notify", || {
        let mut notices = notices.borrow_mut();
        notices.extend(wezterm.with_emulator_mut(|e| e.take_notifications()));
        notices.iter().any(|n| n.body == "grove: beta is done")
    });
    assert_eq!(bells(&wezterm), 0, "a notification, not a bell");
    drop(wezterm);
    assert_eq!(t.workspace_json("alpha")["attention"], false);

    // C-b a jumps to it, and looking at it clears "unseen".
    dashboard.write(PREFIX).unwrap();
    dashboard.write(b"a").unwrap();
    wait_for_workspace(&t, "beta", "seen", TIMEOUT, &mut timeline, |w| {
        w["attention"] == false
    });
    wait_for_screen(&dashboard, "no one needing the user", |s| {
        !s.contains("needs you") && sidebar_line(s, "beta").is_some_and(|l| !l.contains('✓'))
    });
    // Keys now go to beta.
    dashboard.write(b"quit\r").unwrap();
    state(&t, "beta", "exited", &mut timeline);
    assert_eq!(t.workspace_json("alpha")["state"], "idle");
}

/// An agent that exits while the user looks elsewhere (it crashed, or
/// finished and quit) is news: marked, rung and counted like finished
/// work, until the user looks at it.
#[test]
fn an_agent_that_exits_unwatched_needs_you_until_seen() {
    let t = TestRepo::new();
    let _server = Server(&t);
    use_script_agent(&t, TURN_AGENT, TURN_RULES, "");
    t.grove_ok(&["new", "alpha"]);
    t.grove_ok(&["new", "beta"]);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_screen(&dashboard, "both agents", |s| {
        s.contains("turn agent in alpha") && s.contains("turn agent in beta")
    });
    let mut timeline = Timeline::default();
    state(&t, "beta", "idle", &mut timeline);

    let before = bells(&dashboard);
    t.grove_ok(&["send", "beta", "quit"]);
    let w = state(&t, "beta", "exited", &mut timeline);
    assert_eq!(w["attention"], true, "{w:#}");
    assert_eq!(reason(&w), "exited with code 7", "{w:#}");
    wait_for_screen(&dashboard, "beta counted as needing the user", |s| {
        s.contains("beta needs you") && s.contains("exited: exited with code 7")
    });
    wait_until("the dashboard to ring", || bells(&dashboard) > before);
    assert_eq!(t.workspace_json("alpha")["attention"], false);

    // C-b a goes to it; looking clears it, and it stays exited.
    dashboard.write(PREFIX).unwrap();
    dashboard.write(b"a").unwrap();
    wait_for_workspace(&t, "beta", "seen", TIMEOUT, &mut timeline, |w| {
        w["attention"] == false && w["state"] == "exited"
    });
    wait_for_screen(&dashboard, "no one needing the user", |s| {
        !s.contains("needs you")
    });
}

/// Prompts sent while another waits queue behind it and go in one at a
/// time, in order: `new --prompt` and a `grove send` right after it.
#[test]
fn prompts_sent_together_go_in_one_after_the_other() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = use_script_agent(&t, LATE_PASTE_AGENT, LOADING_RULES, "");
    t.grove_ok(&["new", "both", "--prompt", "first"]);
    t.grove_ok(&["send", "both", "second"]);
    assert_recorded(
        &dir.join("both.in"),
        &[
            pasted("first"),
            b"\r".to_vec(),
            pasted("second"),
            b"\r".to_vec(),
        ]
        .concat(),
    );
}

/// `grove send` into an idle agent answers once the agent has taken the
/// prompt up, so a `grove wait --until idle` after it waits for the turn.
#[test]
fn send_then_wait_waits_for_the_turn() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let gates = use_script_agent(&t, TURN_AGENT, TURN_RULES, "");
    t.grove_ok(&["new", "alpha"]);
    let mut timeline = Timeline::default();
    state(&t, "alpha", "idle", &mut timeline);
    t.grove_ok(&["send", "alpha", "build it"]);
    let w = t.workspace_json("alpha");
    assert_eq!(w["state"], "working", "{w:#}");
    let waiting = std::thread::spawn({
        let root = t.root.clone();
        let env = t.grove_env();
        move || {
            std::process::Command::new(support::grove::GROVE)
                .args(["wait", "alpha", "--until", "idle"])
                .current_dir(root)
                .envs(env)
                .output()
                .unwrap()
        }
    });
    open_gate(&gates, "alpha", 1);
    let out = waiting.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        t.grove_ok(&["capture", "alpha"]).contains("done: build it"),
        "{stdout}"
    );
}

/// `prefix t` types a prompt into the focused agent; the dashboard says so
/// until it is in, and no longer.
#[test]
fn prefix_t_types_a_prompt_into_the_focused_agent() {
    let t = TestRepo::new();
    let _server = Server(&t);
    use_script_agent(&t, TURN_AGENT, TURN_RULES, "");
    t.grove_ok(&["new", "alpha"]);
    let dashboard = t.dashboard(&[], SIZE);
    let mut timeline = Timeline::default();
    state(&t, "alpha", "idle", &mut timeline);
    // Keys typed before the dashboard is up are lost with the terminal's
    // pending input when it goes raw.
    wait_for_screen(&dashboard, "alpha's pane, idle", |s| {
        s.contains("READY>") && s.contains("alpha · fake · idle")
    });
    dashboard.write(PREFIX).unwrap();
    dashboard.write(b"t").unwrap();
    wait_for_screen(&dashboard, "the prompt box", |s| {
        s.contains("Prompt for alpha")
    });
    dashboard.write(b"build it\r").unwrap();
    let w = state(&t, "alpha", "working", &mut timeline);
    assert!(reason(&w).contains("working rule 1"), "{w:#}");
    wait_for_screen(
        &dashboard,
        "the prompt typed, and the line saying so gone",
        |s| s.contains("build it") && !s.contains("typing the prompt"),
    );
}

#[test]
fn the_attention_hook_runs_when_an_agent_waits_and_when_it_is_done() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let log = t.dir.path().join("hook.log");
    let hook = format!(
        "attention:\n  hook: 'echo \"$GROVE_WORKSPACE $GROVE_STATE $GROVE_REASON\" >> \"{}\"'\n",
        log.display()
    );
    let gates = use_script_agent(&t, TURN_AGENT, TURN_RULES, &hook);
    t.grove_ok(&["new", "hooked"]);
    let mut timeline = Timeline::default();
    state(&t, "hooked", "idle", &mut timeline);

    t.grove_ok(&["send", "hooked", "ask me"]);
    state(&t, "hooked", "working", &mut timeline);
    open_gate(&gates, "hooked", 1);
    state(&t, "hooked", "waiting", &mut timeline);
    let lines = || -> Vec<String> {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    };
    wait_until("the hook to run", || !lines().is_empty());
    assert_eq!(
        lines(),
        ["hooked waiting screen shows \"Allow? (y/n)\" (waiting rule 1)"]
    );

    t.grove_ok(&["send", "hooked", "y"]);
    state(&t, "hooked", "working", &mut timeline);
    open_gate(&gates, "hooked", 2);
    state(&t, "hooked", "idle", &mut timeline);
    wait_until("the hook to run again", || lines().len() >= 2);
    assert_eq!(
        lines()[1],
        "hooked done screen shows \"READY>\" (idle rule 1)"
    );
}

#[test]
fn a_prompt_given_to_new_is_typed_only_once_the_agent_is_idle() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = use_script_agent(&t, SLOW_AGENT, LOADING_RULES, "");
    let prompt = "add tests\nfor \"everything\"";
    t.grove_ok(&["new", "slow", "--prompt", prompt]);
    let mut timeline = Timeline::default();
    let w = state(&t, "slow", "working", &mut timeline);
    assert!(reason(&w).contains("working rule 1"), "{w:#}");

    std::fs::write(dir.join("slow.gate"), "").unwrap();
    state(&t, "slow", "idle", &mut timeline);
    // Anything typed while it was busy would be recorded first, and typed
    // without brackets: it had not asked for them yet.
    assert_recorded(
        &dir.join("slow.in"),
        &[pasted(prompt), b"\r".to_vec()].concat(),
    );
}

/// A profile with rules knows what its agent's prompt looks like: an agent
/// that is still loading, quietly, is not ready for the prompt yet.
#[test]
fn a_prompt_given_to_new_waits_through_a_quiet_start() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = use_script_agent(&t, PAUSING_AGENT, LOADING_RULES, "");
    let prompt = "add tests\nfor \"everything\"";
    t.grove_ok(&["new", "quiet", "--prompt", prompt]);
    let mut timeline = Timeline::default();
    wait_for_workspace(
        &t,
        "quiet",
        "idle by its rule",
        TIMEOUT,
        &mut timeline,
        |w| w["state"] == "idle" && reason(w).contains("idle rule 1"),
    );
    assert_recorded(
        &dir.join("quiet.in"),
        &[pasted(prompt), b"\r".to_vec()].concat(),
    );
}

/// A first-run screen no rule knows (a theme to choose, a login): it asks
/// for one key, then clears the screen, asks for bracketed paste, shows its
/// idle prompt and records what it reads.
const SETUP_AGENT: &str = r#"stty raw -echo
printf 'Choose a theme\r\n  1. dark\r\n  2. light\r\nchoice: '
dd bs=1 count=1 of="$1/$GROVE_WORKSPACE.choice" 2>/dev/null
printf '\033[2J\033[H\033[?2004hREADY> '
exec cat > "$1/$GROVE_WORKSPACE.in"
"#;

/// An agent that stops on a screen its profile does not know is not left
/// "starting" for good: once the start's patience runs out it waits for
/// the user, who is told why, and the prompt given to `new` is held until
/// the question is answered and the agent is ready, not typed into it.
#[test]
fn a_start_on_a_screen_no_rule_knows_asks_for_the_user() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = use_script_agent(&t, SETUP_AGENT, LOADING_RULES, "");
    let prompt = "add tests";
    t.grove_ok(&["new", "setup", "--prompt", prompt]);
    let mut timeline = Timeline::default();
    let w = wait_for_state(
        &t,
        "setup",
        "waiting",
        grove::agent::status::START_PATIENCE + TIMEOUT,
        &mut timeline,
    );
    assert!(
        reason(&w).starts_with("no status rule knows its screen"),
        "{w:#}"
    );
    assert_eq!(w["attention"], true, "{w:#}");
    // dd makes its file as it starts, and fills it once it reads a key.
    let choice = std::fs::read(dir.join("setup.choice")).unwrap_or_default();
    assert_eq!(
        choice.escape_ascii().to_string(),
        "",
        "what the setup screen read before it was answered"
    );

    t.grove_ok(&["send", "setup", "--key", "1"]);
    state(&t, "setup", "idle", &mut timeline);
    assert_eq!(std::fs::read(dir.join("setup.choice")).unwrap(), b"1");
    assert_recorded(
        &dir.join("setup.in"),
        &[pasted(prompt), b"\r".to_vec()].concat(),
    );
}

/// Idle as `READY> ` after a second of loading; a line `pick` makes it
/// work for half a second, then stop on a dialog no rule knows (`Pick a
/// model:`) and read the answer. Every line it reads goes to
/// `$1/$GROVE_WORKSPACE.log`.
const DIALOG_AGENT: &str = r#"log="$1/$GROVE_WORKSPACE.log"
sleep 1
printf 'READY> '
while IFS= read -r line; do
  echo "read: $line" >> "$log"
  if [ "$line" = pick ]; then
    for i in 1 2 3 4 5; do printf '\r- thinking (esc to interrupt)'; sleep 0.1; done
    printf '\r\033[KPick a model:\r\n  1. fast\r\n  2. smart\r\nchoice? '
    IFS= read -r answer
    echo "answer: $answer" >> "$log"
  fi
  printf 'READY> '
done
"#;

/// A turn that stops on a dialog its profile does not know is a question,
/// not the end of the turn: the prompt queued behind it is not typed into
/// the dialog (where it would have answered it), only after the user has.
#[test]
fn a_turn_that_stops_on_a_dialog_no_rule_knows_holds_the_next_prompt() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = use_script_agent(&t, DIALOG_AGENT, LOADING_RULES, "");
    t.grove_ok(&["new", "dlg", "--prompt", "pick"]);
    // Sent while the agent loads, so queued behind `pick` (a prompt sent
    // to a busy agent is typed at once, as typing ahead would be); it
    // answers once it is typed.
    let mut second = std::process::Command::new(support::grove::GROVE)
        .args(["send", "dlg", "second"])
        .current_dir(&t.root)
        .envs(t.grove_env())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut timeline = Timeline::default();
    let w = state(&t, "dlg", "waiting", &mut timeline);
    assert!(
        reason(&w).starts_with("no status rule knows its screen"),
        "{w:#}"
    );
    let log = || std::fs::read_to_string(dir.join("dlg.log")).unwrap_or_default();
    assert_eq!(log(), "read: pick\n", "{}", timeline.lines());
    assert!(second.try_wait().unwrap().is_none(), "second was typed");

    t.grove_ok(&["send", "dlg", "--key", "1", "--key", "Enter"]);
    let out = second.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    wait_until("the queued prompt to arrive after the answer", || {
        log() == "read: pick\nanswer: 1\nread: second\n"
    });
}

/// An agent that draws its idle screen before it reads pastes gets its
/// prompt as a paste: typed at once it would arrive as keys, Enter with it,
/// which Gemini CLI takes without the Enter.
#[test]
fn a_prompt_waits_for_an_idle_agent_to_ask_for_bracketed_paste() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = use_script_agent(&t, LATE_PASTE_AGENT, LOADING_RULES, "");
    let prompt = "add tests";
    t.grove_ok(&["new", "late", "--prompt", prompt]);
    assert_recorded(
        &dir.join("late.in"),
        &[pasted(prompt), b"\r".to_vec()].concat(),
    );
    // `grove send` into an agent that is still starting waits as well.
    t.grove_ok(&["new", "early"]);
    t.grove_ok(&["send", "early", prompt]);
    assert_recorded(
        &dir.join("early.in"),
        &[pasted(prompt), b"\r".to_vec()].concat(),
    );
}

/// `grove send` answers once the prompt is typed; into an agent that stops
/// before it is ready, it fails and says so instead of waiting.
#[test]
fn send_fails_when_the_agent_stops_before_it_is_ready() {
    let t = TestRepo::new();
    let _server = Server(&t);
    // Quiet while it loads: starting, as far as its rules can tell.
    use_script_agent(&t, "sleep 1; exit 3\n", LOADING_RULES, "");
    t.grove_ok(&["new", "gone"]);
    let out = t.grove(&t.root, &["send", "gone", "hello"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("gone's agent stopped before the prompt was typed"),
        "{stderr}"
    );
}

/// The agents lab: `run_agent.sh` and `mock_llm.py`.
const LAB: &str = "/work/shared/agents-lab";
/// Real agents start node or Python and talk to the mock: slower than a
/// script, and a passing test still never waits this long.
const AGENT_TIMEOUT: Duration = Duration::from_secs(60);
/// Held while a real agent runs.
static REAL_AGENTS: Mutex<()> = Mutex::new(());
/// The dashboard the real agents run in: 30 rows, because in a taller one
/// opencode's first screen escapes its rules (the ignored test at the end).
const REAL_SIZE: PaneSize = PaneSize {
    rows: 30,
    cols: 160,
};

/// How a real agent is driven: the keys that approve its tool call (typed
/// into a dashboard that has it focused), the keys that quit it (one at a
/// time, until it exits), arguments for the agent, the mock's options,
/// extra environment, and files its home needs.
struct RealAgent {
    profile: &'static str,
    approve: &'static [u8],
    args: &'static [&'static str],
    /// More arguments for `grove new`.
    new_args: &'static [&'static str],
    /// The mock LLM: the lab's, or `tests/fixtures/agents/mock_dialogs.py`.
    mock: PathBuf,
    quit: &'static [&'static [u8]],
    mock_args: &'static [&'static str],
    env: Vec<(&'static str, String)>,
    home_files: &'static [(&'static str, &'static str)],
}

impl RealAgent {
    fn new(profile: &'static str, approve: &'static [u8], quit: &'static [&'static [u8]]) -> Self {
        RealAgent {
            profile,
            approve,
            quit,
            args: &[],
            new_args: &[],
            mock: Path::new(LAB).join("mock_llm.py"),
            mock_args: &[],
            env: Vec::new(),
            home_files: &[],
        }
    }
}

/// Why a real-agent test cannot run here, if it cannot.
fn lab_missing(program: &str) -> Option<String> {
    for file in ["run_agent.sh", "mock_llm.py"] {
        if !Path::new(LAB).join(file).is_file() {
            return Some(format!("{LAB}/{file} is missing"));
        }
    }
    for needed in ["python3", program] {
        if installed(needed).is_none() && !Path::new(needed).is_file() {
            return Some(format!("{needed} is not installed"));
        }
    }
    None
}

/// A throw-away HOME for the agent, outside /tmp: Codex refuses to put its
/// helper binaries under a temporary directory (tests/fixtures/agents/).
fn agent_home(agent: &str) -> tempfile::TempDir {
    let base = std::env::var_os("HOME").map_or_else(std::env::temp_dir, |home| {
        Path::new(&home).join(".cache/grove-e2e")
    });
    std::fs::create_dir_all(&base).unwrap();
    tempfile::Builder::new()
        .prefix(&format!("{agent}-"))
        .tempdir_in(base)
        .unwrap()
}

/// Starts a real agent offline in workspace `lab`, with a dashboard of
/// `size` attached (keys for approvals and quitting go through it), and runs
/// `body`. The agent's HOME, the mock LLM and the server are gone afterwards,
/// also when `body` panics. Returns without running `body`, saying why, when
/// the agent or the lab is missing.
fn with_real_agent(agent: RealAgent, size: PaneSize, body: impl FnOnce(&TestRepo, &Pane)) {
    let name = agent.profile;
    let program = match name {
        "aider" => "/work/aider-venv/bin/aider",
        other => other,
    };
    if let Some(why) = lab_missing(program) {
        note(&format!("skipping the {name} test: {why}"));
        return;
    }
    // One real agent at a time: several node processes at once slow a small
    // machine down beyond what grove's Enter delay and the deadlines allow.
    let _one_at_a_time = REAL_AGENTS.lock().unwrap_or_else(PoisonError::into_inner);
    let home = agent_home(name);
    for (file, contents) in agent.home_files {
        std::fs::write(home.path().join(file), contents).unwrap();
    }
    let t = TestRepo::new();
    let mock = MockLlm::start(&agent.mock, agent.mock_args, &t.dir.path().join("mock.log"));
    let _server = Server(&t);
    // Worktrees under a known directory: the agent's AGENT_WORK must name
    // its worktree before the worktree exists.
    let trees = t.dir.path().join("trees");
    std::fs::create_dir_all(&trees).unwrap();
    let trees = trees.canonicalize().unwrap();
    let mut env = vec![
        ("MOCK_URL", mock.url()),
        ("AGENT_HOME", home.path().display().to_string()),
        ("AGENT_WORK", trees.join("lab").display().to_string()),
        ("NO_PROXY", "127.0.0.1,localhost".to_owned()),
        ("no_proxy", "127.0.0.1,localhost".to_owned()),
    ];
    env.extend(agent.env);
    let env: String = env
        .iter()
        .map(|(key, value)| format!("      {key}: \"{value}\"\n"))
        .collect();
    let args: String = agent.args.iter().map(|a| format!(", \"{a}\"")).collect();
    // Only the command and its environment change: the built-in status
    // rules are what is tested.
    let config = format!(
        "workspace:\n  root: \"{}\"\nagents:\n  {name}:\n    command: [\"{LAB}/run_agent.sh\", \"{name}\"{args}]\n    resume: []\n    env:\n{env}",
        trees.display()
    );
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();

    let dashboard = t.dashboard(&[], size);
    wait_for_screen(&dashboard, "an empty dashboard", |s| {
        s.contains("no workspaces")
    });
    let new_args = [&["new", "lab", "--agent", name], agent.new_args].concat();
    t.grove_ok(&new_args);
    body(&t, &dashboard);
}

/// Waits for `lab` to be in `state`; for `idle`, an idle rule must say so
/// (the agent shows its input box), not only quiet output.
fn expect_real(t: &TestRepo, dashboard: &Pane, state: &str, timeline: &mut Timeline) {
    let check = |w: &serde_json::Value| {
        w["state"] == state && (state != "idle" || reason(w).contains("idle rule"))
    };
    let show = || dashboard.contents();
    wait_for_workspace_showing(t, "lab", state, AGENT_TIMEOUT, timeline, check, &show);
}

/// Checks that `lab`'s reason quotes `quote`; otherwise fails with the
/// states it went through and its screen, which tell a rule that missed
/// from a state that changed under the test.
fn expect_reason(t: &TestRepo, quote: &str, timeline: &Timeline) {
    let now = t.workspace_json("lab");
    assert!(
        reason(&now).contains(quote),
        "{now:#}\nit went through\n{}\n{}",
        timeline.lines(),
        t.grove_ok(&["capture", "lab"])
    );
}

/// How long an agent may stay idle after `grove send` before the test
/// takes it that the Enter was lost.
const ENTER_TAKEN: Duration = Duration::from_secs(10);

/// Types `prompt` into the agent with `grove send` and waits until it has
/// left its idle state. grove pastes once the agent is ready and presses
/// Enter 150 ms after the paste. Before prompts waited for bracketed paste,
/// Gemini CLI sometimes took the text without its Enter; should an agent
/// still leave the prompt in its input box, Enter is pressed again from the
/// dashboard, and the test says so: what is tested here is the status
/// (`grove send` itself is tested byte for byte above).
fn send_prompt(t: &TestRepo, dashboard: &Pane, prompt: &str, timeline: &mut Timeline) {
    t.grove_ok(&["send", "lab", prompt]);
    if poll_workspace(t, "lab", ENTER_TAKEN, timeline, |w| w["state"] != "idle").is_err() {
        note(&format!(
            "the agent is still idle {} s after `grove send {prompt:?}`; pressing Enter again\n{}",
            ENTER_TAKEN.as_secs(),
            dashboard.contents()
        ));
        dashboard.write(b"\r").unwrap();
    }
}

/// Runs a real agent through the recorded scenario
/// (tests/fixtures/agents/README.md) and checks that `grove ls --json`
/// follows it with the profile's built-in rules: idle; a prompt makes it
/// work, then idle; a prompt that asks for a tool makes it wait; approving
/// makes it work, then idle; quitting ends it.
fn real_agent_turns(agent: RealAgent) {
    let name = agent.profile;
    let approve = agent.approve;
    let quit = agent.quit;
    with_real_agent(agent, REAL_SIZE, |t, dashboard| {
        let mut timeline = Timeline::default();
        let expect = |state: &str, timeline: &mut Timeline| {
            expect_real(t, dashboard, state, timeline);
        };

        expect("idle", &mut timeline);
        send_prompt(t, dashboard, "Please say hello", &mut timeline);
        expect("working", &mut timeline);
        expect("idle", &mut timeline);

        let tool = "MOCK_TOOL: please run the mock command";
        send_prompt(t, dashboard, tool, &mut timeline);
        expect("waiting", &mut timeline);
        dashboard.write(approve).unwrap();
        expect("working", &mut timeline);
        expect("idle", &mut timeline);

        // Claude and Gemini quit on a second Ctrl-C while they say "press it
        // again"; Codex and opencode on the first.
        for key in quit {
            dashboard.write(key).unwrap();
            let exited = || t.workspace_json("lab")["state"] == "exited";
            wait_until("the agent to exit or ask for the key again", || {
                exited() || dashboard.contents().contains("again to exit")
            });
            if exited() {
                break;
            }
        }
        expect("exited", &mut timeline);
        note(&format!(
            "{name} under grove went through:\n{}",
            timeline.lines()
        ));
        let exited = t.workspace_json("lab");
        assert_eq!(reason(&exited), "exited with code 0", "{exited:#}");
    });
}

#[test]
fn claude_goes_idle_working_waiting_and_exits() {
    real_agent_turns(RealAgent::new("claude", b"\r", &[b"\x03", b"\x03"]));
}

/// In plan mode claude's idle footer says `⏸ plan mode on` where it says
/// `? for shortcuts` otherwise; before the idle rule knew it, such an agent
/// stayed "starting" and a prompt for it waited 30 s.
#[test]
fn claude_in_plan_mode_is_idle_by_its_rule_and_takes_a_prompt() {
    let mut agent = RealAgent::new("claude", b"\r", &[b"\x03", b"\x03"]);
    agent.args = &["--permission-mode", "plan"];
    with_real_agent(agent, REAL_SIZE, |t, dashboard| {
        let mut timeline = Timeline::default();
        expect_real(t, dashboard, "idle", &mut timeline);
        let idle = t.workspace_json("lab");
        assert!(reason(&idle).contains("plan mode on"), "{idle:#}");
        send_prompt(t, dashboard, "Please say hello", &mut timeline);
        expect_real(t, dashboard, "working", &mut timeline);
        expect_real(t, dashboard, "idle", &mut timeline);
    });
}

/// Every new worktree is a folder the agent has not been told to trust, so
/// it asks first (codex and gemini after drawing their idle screen). That
/// is waiting, and the first prompt waits for the answer instead of being
/// typed into the dialog, whose Enter would trust the folder and drop the
/// prompt. `says` is what the waiting reason quotes of the dialog.
fn asks_to_trust_a_new_worktree_and_gets_its_prompt_after(mut agent: RealAgent, says: &str) {
    agent.env.push(("AGENT_TRUST", "0".to_owned()));
    agent.new_args = &["--prompt", "Please say hello"];
    with_real_agent(agent, REAL_SIZE, |t, dashboard| {
        let mut timeline = Timeline::default();
        expect_real(t, dashboard, "waiting", &mut timeline);
        expect_reason(t, says, &timeline);
        let screen = t.grove_ok(&["capture", "lab"]);
        assert!(!screen.contains("Please say hello"), "{screen}");
        // Enter takes the dialog's first choice: trust.
        dashboard.write(b"\r").unwrap();
        expect_real(t, dashboard, "working", &mut timeline);
        expect_real(t, dashboard, "idle", &mut timeline);
        let screen = t.grove_ok(&["capture", "lab"]);
        assert!(screen.contains("Please say hello"), "{screen}");
    });
}

#[test]
fn claude_asks_to_trust_a_new_worktree_and_gets_its_prompt_after() {
    let agent = RealAgent::new("claude", b"\r", &[b"\x03", b"\x03"]);
    asks_to_trust_a_new_worktree_and_gets_its_prompt_after(agent, "trust this folder");
}

#[test]
fn codex_asks_to_trust_a_new_worktree_and_gets_its_prompt_after() {
    let agent = RealAgent::new("codex", b"y", &[b"\x03", b"\x03"]);
    asks_to_trust_a_new_worktree_and_gets_its_prompt_after(agent, "Trust this folder?");
}

#[test]
fn gemini_asks_to_trust_a_new_worktree_and_gets_its_prompt_after() {
    let agent = RealAgent::new("gemini", b"\r", &[b"\x03", b"\x03"]);
    asks_to_trust_a_new_worktree_and_gets_its_prompt_after(agent, "folder");
}

/// Asks the agent for each `(prompt, quote)`: a dialog whose waiting reason
/// quotes `quote`; Enter takes its first answer and the turn ends idle.
fn dialogs_are_waiting(mut agent: RealAgent, dialogs: &[(&str, &str)]) {
    agent.mock =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agents/mock_dialogs.py");
    with_real_agent(agent, REAL_SIZE, |t, dashboard| {
        let mut timeline = Timeline::default();
        expect_real(t, dashboard, "idle", &mut timeline);
        for (prompt, quote) in dialogs {
            send_prompt(t, dashboard, prompt, &mut timeline);
            expect_real(t, dashboard, "waiting", &mut timeline);
            expect_reason(t, quote, &timeline);
            dashboard.write(b"\r").unwrap();
            expect_real(t, dashboard, "working", &mut timeline);
            expect_real(t, dashboard, "idle", &mut timeline);
        }
    });
}

/// Before their rules these read as "done": AskUserQuestion and WebFetch.
#[test]
fn claude_waits_on_its_question_and_fetch_dialogs() {
    let agent = RealAgent::new("claude", b"\r", &[b"\x03", b"\x03"]);
    dialogs_are_waiting(
        agent,
        &[
            ("MOCK_ASK: ask me", "Enter to select"),
            ("MOCK_FETCH: read it", "allow Claude to fetch this content"),
        ],
    );
}

/// Leaving plan mode asks "Exit plan mode?" under claude's `✳`
/// title: the title stops saying "working", so the screen is read.
#[test]
fn claude_waits_on_leaving_plan_mode() {
    let mut agent = RealAgent::new("claude", b"\r", &[b"\x03", b"\x03"]);
    agent.args = &["--permission-mode", "plan"];
    dialogs_are_waiting(agent, &[("MOCK_PLAN: plan it", "Exit plan mode?")]);
}

/// opencode's question tool read as "done" (agent-deck#255 for another tool).
#[test]
fn opencode_waits_on_its_question_tool() {
    let agent = RealAgent::new("opencode", b"\r", &[b"\x03"]);
    dialogs_are_waiting(agent, &[("MOCK_ASK: ask me", "Type your own answer")]);
}

#[test]
fn codex_goes_idle_working_waiting_and_exits() {
    real_agent_turns(RealAgent::new("codex", b"y", &[b"\x03", b"\x03"]));
}

#[test]
fn gemini_goes_idle_working_waiting_and_exits() {
    real_agent_turns(RealAgent::new("gemini", b"\r", &[b"\x03", b"\x03"]));
}

#[test]
fn opencode_goes_idle_working_waiting_and_exits() {
    real_agent_turns(RealAgent::new("opencode", b"\r", &[b"\x03", b"\x03"]));
}

/// aider makes no model call after running an approved command; the mock's
/// command sleeps so that running it is a busy phase to see.
#[test]
fn aider_goes_idle_working_waiting_and_exits() {
    let mut agent = RealAgent::new("aider", b"y\r", &[b"/exit\r"]);
    agent.mock_args = &[
        "--tool-cmd",
        "sleep 3; echo hello-from-mock-tool > mock_tool_output.txt",
    ];
    agent.env = vec![
        ("AIDER_BIN", "/work/aider-venv/bin/aider".to_owned()),
        ("LITELLM_LOCAL_MODEL_COST_MAP", "True".to_owned()),
    ];
    agent.home_files = &[(
        ".aider.model.metadata.json",
        r#"{"openai/mock-model": {"max_tokens": 8192, "max_input_tokens": 128000,
 "max_output_tokens": 8192, "input_cost_per_token": 0.0, "output_cost_per_token": 0.0,
 "litellm_provider": "openai", "mode": "chat"}}"#,
    )];
    real_agent_turns(agent);
}

/// opencode centres its first screen in the pane: in a pane of 38 rows (a
/// 40-row dashboard) the idle footer (`ctrl+p commands`) is 13 rows above
/// the last drawn row, one more than the profile reads, and grove can only
/// guess from quiet output that it is ready.
#[test]
fn opencode_first_screen_is_idle_by_its_rule_in_a_40_row_dashboard() {
    let agent = RealAgent::new("opencode", b"\r", &[b"\x03"]);
    with_real_agent(agent, SIZE, |t, dashboard| {
        expect_real(t, dashboard, "idle", &mut Timeline::default());
    });
}
