//! The scripting commands end to end, with the real `grove` binary and server
//! and scripted agents in real PTYs: `grove capture` (text, SGR escapes,
//! scrollback, an exited agent's last screen), `grove wait` (`--until`,
//! `--any-needs-me`, `--timeout`) and `grove events --json`. Commands that
//! block (`wait`, `events`) run as child processes started before the state
//! they wait for is brought about; every wait has a deadline.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::grove::{GROVE, Server};
use support::pane::{TIMEOUT, wait_until};
use support::repo::TestRepo;

/// `--timeout` of every `grove wait` a test expects to return: longer than
/// [`TIMEOUT`], so the test's own deadline says what went wrong first.
const WAIT_TIMEOUT: &str = "60";

/// No status rules: output decides (printing is working, quiet is idle).
const NO_RULES: &str = "";

/// An agent profile: its name, its `sh` script (run as `sh SCRIPT DIR`, DIR
/// being the test's agent directory) and its `status:` block (YAML lines at
/// the profile's indentation, or empty).
struct Profile<'a> {
    name: &'a str,
    script: &'a str,
    status: &'a str,
}

/// Writes the profiles' scripts and a `.grove.yaml` naming them (the first
/// is the default agent); returns the agent directory (gate files).
fn use_profiles(t: &TestRepo, profiles: &[Profile<'_>]) -> PathBuf {
    let dir = t.dir.path().join("agents");
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = format!("agent: {}\nagents:\n", profiles[0].name);
    for profile in profiles {
        let path = dir.join(format!("{}.sh", profile.name));
        std::fs::write(&path, profile.script).unwrap();
        config.push_str(&format!(
            "  {}:\n    command: [\"sh\", \"{}\", \"{}\"]\n{}",
            profile.name,
            path.display(),
            dir.display(),
            profile.status
        ));
    }
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `grove capture args…`, which must succeed.
fn capture(t: &TestRepo, args: &[&str]) -> String {
    let mut argv = vec!["capture"];
    argv.extend_from_slice(args);
    t.grove_ok(&argv)
}

/// Captures `name` until the text satisfies `check`; returns it.
fn wait_for_capture(t: &TestRepo, name: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let text = capture(t, &[name]);
        if check(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; {name} shows\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The entry of workspace `name` in `grove ls --json`.
fn listed(t: &TestRepo, name: &str) -> serde_json::Value {
    let listing: serde_json::Value = serde_json::from_str(&t.grove_ok(&["ls", "--json"])).unwrap();
    listing["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == name)
        .unwrap_or_else(|| panic!("no workspace {name} in {listing:#}"))
        .clone()
}

/// Waits until `grove ls --json` shows `name` in `state`.
fn wait_for_state(t: &TestRepo, name: &str, state: &str) -> serde_json::Value {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let w = listed(t, name);
        if w["state"] == state {
            return w;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {name} to be {state}; it is {w:#}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `grove` child process, killed if the test ends before it does.
struct GroveChild {
    child: Child,
    args: Vec<String>,
}

impl GroveChild {
    /// Starts `grove args…` in the repository with piped output.
    fn spawn(t: &TestRepo, args: &[&str]) -> GroveChild {
        let child = Command::new(GROVE)
            .args(args)
            .current_dir(&t.root)
            .envs(t.grove_env())
            .env_remove("GROVE_LOG")
            .env_remove("GROVE_PANE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        GroveChild {
            child,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits (with a deadline) for the child to end and returns its output.
    fn finish(mut self) -> Output {
        let deadline = Instant::now() + TIMEOUT;
        while self.running() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let output = self.take_output();
                panic!(
                    "grove {:?} did not return; stdout {:?}, stderr {:?}",
                    self.args,
                    stdout(&output),
                    stderr(&output)
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.take_output()
    }

    fn take_output(&mut self) -> Output {
        let mut out = Vec::new();
        let mut err = Vec::new();
        if let Some(mut pipe) = self.child.stdout.take() {
            std::io::Read::read_to_end(&mut pipe, &mut out).unwrap();
        }
        if let Some(mut pipe) = self.child.stderr.take() {
            std::io::Read::read_to_end(&mut pipe, &mut err).unwrap();
        }
        Output {
            status: self.child.wait().unwrap(),
            stdout: out,
            stderr: err,
        }
    }
}

impl Drop for GroveChild {
    fn drop(&mut self) {
        if self.running() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---------------------------------------------------------------- capture

/// Prints a coloured word and a plain one, then waits.
const COLOUR_AGENT: &str = r#"printf 'status: \033[1;31mred alert\033[0m and \033[32mgreen\033[0m plain tail\n'
exec sleep 100000
"#;

#[test]
fn capture_gives_the_screen_as_text_or_with_its_colours() {
    let t = TestRepo::new();
    let _server = Server(&t);
    use_profiles(
        &t,
        &[Profile {
            name: "colour",
            script: COLOUR_AGENT,
            status: NO_RULES,
        }],
    );
    t.grove_ok(&["new", "paint"]);
    let plain = wait_for_capture(&t, "paint", "the coloured line", |s| {
        s.contains("plain tail")
    });
    assert_eq!(plain, "status: red alert and green plain tail\n");
    assert!(!plain.contains('\x1b'), "{plain:?}");

    let sgr = capture(&t, &["paint", "--escapes"]);
    assert!(sgr.contains('\x1b'), "no escapes in {sgr:?}");
    // Without the escapes it is the same text.
    assert_eq!(strip_sgr(&sgr), plain, "{sgr:?}");
    // Bold red before "red alert", green before "green", and the colour
    // reset before the text that follows each.
    let red = sgr.find("red alert").unwrap();
    let green = sgr.find("green").unwrap();
    let before_red = last_sgr(&sgr[..red]).unwrap_or_else(|| panic!("{sgr:?}"));
    assert!(
        has_params(&before_red, &["1", "31"]),
        "{before_red:?} in {sgr:?}"
    );
    let before_green = last_sgr(&sgr[red..green]).unwrap_or_else(|| panic!("{sgr:?}"));
    assert!(
        has_params(&before_green, &["32"]) && !has_params(&before_green, &["31"]),
        "{before_green:?} in {sgr:?}"
    );
    let tail = sgr.find(" plain tail").unwrap();
    assert!(
        last_sgr(&sgr[green..tail]).is_some(),
        "the colour runs on into the plain text: {sgr:?}"
    );
    // The short form is the same flag.
    assert_eq!(capture(&t, &["paint", "-e"]), sgr);
}

/// `text` without its CSI … m sequences.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("\x1b[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('m')
            .unwrap_or_else(|| panic!("unended SGR in {text:?}"));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The parameters of the last SGR sequence in `text`.
fn last_sgr(text: &str) -> Option<String> {
    let start = text.rfind("\x1b[")?;
    let params = &text[start + 2..];
    Some(params[..params.find('m')?].to_owned())
}

fn has_params(params: &str, wanted: &[&str]) -> bool {
    let given: Vec<&str> = params.split(';').collect();
    wanted.iter().all(|w| given.contains(w))
}

/// Prints 200 numbered lines into a 24-row pane, then waits.
const COUNTING_AGENT: &str = r#"i=1
while [ $i -le 200 ]; do printf 'line %03d\n' $i; i=$((i + 1)); done
exec sleep 100000
"#;

fn numbered(range: std::ops::RangeInclusive<u32>) -> String {
    range.map(|i| format!("line {i:03}\n")).collect()
}

#[test]
fn capture_history_includes_the_lines_that_scrolled_off() {
    let t = TestRepo::new();
    let _server = Server(&t);
    use_profiles(
        &t,
        &[Profile {
            name: "count",
            script: COUNTING_AGENT,
            status: NO_RULES,
        }],
    );
    t.grove_ok(&["new", "count"]);
    // 24 rows: lines 178-200 and the empty row the cursor is on.
    let screen = wait_for_capture(&t, "count", "the last line", |s| s.contains("line 200"));
    assert_eq!(screen, numbered(178..=200));

    let ten = capture(&t, &["count", "--history", "10"]);
    assert_eq!(ten, numbered(168..=200));
    // More history than there is: all of it, once, in order.
    let all = capture(&t, &["count", "--history", "1000"]);
    assert_eq!(all, numbered(1..=200));
    // Exactly the scrollback, and one line of it.
    assert_eq!(capture(&t, &["count", "--history", "177"]), all);
    assert_eq!(
        capture(&t, &["count", "--history", "1"]),
        numbered(177..=200)
    );
    // Asking for history does not move anything: the screen is the same.
    assert_eq!(capture(&t, &["count"]), screen);
}

/// Says goodbye and exits with code 3.
const EXITING_AGENT: &str = r#"printf 'working on it\n'
IFS= read -r line
printf 'goodbye after %s\n' "$line"
exit 3
"#;

#[test]
fn capture_shows_an_exited_agents_last_screen() {
    let t = TestRepo::new();
    let _server = Server(&t);
    use_profiles(
        &t,
        &[Profile {
            name: "leaver",
            script: EXITING_AGENT,
            status: NO_RULES,
        }],
    );
    t.grove_ok(&["new", "leaver"]);
    wait_for_capture(&t, "leaver", "the banner", |s| s.contains("working on it"));
    t.grove_ok(&["send", "leaver", "the end"]);
    let waited = t.grove(
        &t.root,
        &[
            "wait",
            "leaver",
            "--until",
            "exited",
            "--timeout",
            WAIT_TIMEOUT,
        ],
    );
    assert!(waited.status.success(), "{waited:?}");
    assert_eq!(listed(&t, "leaver")["status"], "exited");

    let last = capture(&t, &["leaver"]);
    // The typed line was echoed by the terminal, then the goodbye.
    assert_eq!(last, "working on it\nthe end\ngoodbye after the end\n");
    let sgr = capture(&t, &["leaver", "--escapes", "--history", "5"]);
    assert_eq!(strip_sgr(&sgr), last);
}

#[test]
fn capture_of_an_unknown_workspace_is_one_line_and_exit_2() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "known"]);
    let out = t.grove(&t.root, &["capture", "nosuch"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("grove: "), "{err}");
    assert!(err.contains("nosuch"), "{err}");
    // A name grove could never have made is bad usage too, before asking.
    let out = t.grove(&t.root, &["capture", "../up"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(stderr(&out).lines().count(), 1, "{out:?}");
}

// ------------------------------------------------------------------ wait

/// Busy (a spinner saying `esc to interrupt`) after each line it reads,
/// until the test creates `$1/$GROVE_WORKSPACE.go` (which it removes); then
/// quiet. A line `ask` makes it ask `Allow? (y/n)` and read the answer;
/// `quit` exits with code 7.
const TURN_AGENT: &str = r#"gates=$1
echo "turn agent in $GROVE_WORKSPACE"
while IFS= read -r line; do
  case $line in
    quit) echo bye; exit 7 ;;
    ask) printf 'Allow? (y/n) '; IFS= read -r answer; echo "answer: $answer"; continue ;;
  esac
  while [ ! -e "$gates/$GROVE_WORKSPACE.go" ]; do
    printf '\r- thinking (esc to interrupt)'; sleep 0.1
    printf '\r| thinking (esc to interrupt)'; sleep 0.1
  done
  rm -f "$gates/$GROVE_WORKSPACE.go"
  printf '\r\033[Kfinished: %s\n' "$line"
done
"#;

/// Working while the spinner shows; nothing says idle: quiet does.
const TURN_RULES: &str = "    status:
      rows: 1
      waiting: []
      working: [\"esc to interrupt\"]
      idle: []
";

/// A waiting rule and nothing else, over the lowest five rows.
const ASKER_RULES: &str = concat!(
    "    status: { rows: 5, waiting: [\"Allow\\\\?\"], working: [], idle: [], ",
    "title: { waiting: [], working: [], idle: [] } }\n",
);

fn turn_agent(t: &TestRepo) -> PathBuf {
    use_profiles(
        t,
        &[Profile {
            name: "turn",
            script: TURN_AGENT,
            status: TURN_RULES,
        }],
    )
}

fn open_gate(dir: &Path, name: &str) {
    std::fs::write(dir.join(format!("{name}.go")), "").unwrap();
}

#[test]
fn wait_until_idle_returns_when_the_agent_goes_quiet() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let gates = turn_agent(&t);
    t.grove_ok(&["new", "quiet"]);
    wait_for_capture(&t, "quiet", "the banner", |s| s.contains("turn agent in"));
    t.grove_ok(&["send", "quiet", "build it"]);
    let w = wait_for_state(&t, "quiet", "working");
    assert!(
        w["reason"].as_str().unwrap().contains("working rule 1"),
        "{w:#}"
    );

    let mut waiter = GroveChild::spawn(
        &t,
        &[
            "wait",
            "quiet",
            "--until",
            "idle",
            "--timeout",
            WAIT_TIMEOUT,
        ],
    );
    // The agent works until the gate opens: the wait cannot have answered.
    wait_for_capture(&t, "quiet", "the spinner", |s| s.contains("thinking"));
    assert!(waiter.running(), "{:?}", waiter.take_output());
    assert_eq!(listed(&t, "quiet")["state"], "working");

    open_gate(&gates, "quiet");
    let out = waiter.finish();
    assert!(out.status.success(), "{out:?}");
    let line = stdout(&out);
    assert!(
        line.starts_with("quiet idle: no status rule matches and no output for "),
        "{line:?}"
    );
    assert_eq!(line.lines().count(), 1, "{line:?}");
    assert!(stderr(&out).is_empty(), "{out:?}");
    assert!(capture(&t, &["quiet"]).contains("finished: build it"));
    // Already idle: answered at once.
    let again = t.grove(
        &t.root,
        &[
            "wait",
            "quiet",
            "--until",
            "idle",
            "--timeout",
            WAIT_TIMEOUT,
        ],
    );
    assert!(again.status.success(), "{again:?}");
    assert!(stdout(&again).starts_with("quiet idle: "), "{again:?}");
}

#[test]
fn wait_until_exited_prints_how_the_agent_exited() {
    let t = TestRepo::new();
    let _server = Server(&t);
    turn_agent(&t);
    t.grove_ok(&["new", "leaving"]);
    wait_for_capture(&t, "leaving", "the banner", |s| s.contains("turn agent in"));
    let waiter = GroveChild::spawn(
        &t,
        &[
            "wait",
            "leaving",
            "--until",
            "exited",
            "--timeout",
            WAIT_TIMEOUT,
        ],
    );
    t.grove_ok(&["send", "leaving", "quit"]);
    let out = waiter.finish();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout(&out), "leaving exited: exited with code 7\n");
    assert_eq!(listed(&t, "leaving")["exit"], "exited with code 7");
}

#[test]
fn wait_timeout_on_a_state_that_never_comes_exits_1_with_the_last_state() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "calm"]);
    let idle = t.grove(
        &t.root,
        &["wait", "calm", "--until", "idle", "--timeout", WAIT_TIMEOUT],
    );
    assert!(idle.status.success(), "{idle:?}");
    let reason = listed(&t, "calm")["reason"].as_str().unwrap().to_owned();

    // The fake agent has no rules and never rings: it never waits.
    let out = t.grove(
        &t.root,
        &["wait", "calm", "--until", "waiting", "--timeout", "0.5"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err, format!("grove: timed out; calm is idle: {reason}\n"));

    // --any-needs-me says nobody is waiting.
    let out = t.grove(&t.root, &["wait", "--any-needs-me", "--timeout", "0.5"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = stderr(&out);
    assert_eq!(err, "grove: timed out; no agent is waiting\n", "{out:?}");
}

#[test]
fn wait_usage_errors_exit_2() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "calm"]);
    for args in [
        &["wait", "calm"][..],
        &["wait", "--until", "idle"],
        &["wait", "calm", "--any-needs-me"],
        &["wait", "--any-needs-me", "--until", "waiting"],
        &["wait", "calm", "--until", "idle", "--timeout", "-1"],
        &["wait", "calm", "--until", "sleeping"],
    ] {
        let out = t.grove(&t.root, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
    // An unknown workspace is bad usage too, and answered at once.
    let out = t.grove(
        &t.root,
        &[
            "wait",
            "nosuch",
            "--until",
            "idle",
            "--timeout",
            WAIT_TIMEOUT,
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("nosuch"), "{out:?}");
}

/// Asks `Allow? (y/n)` after reading a line, then reports the answer.
const ASKER_AGENT: &str = r#"echo "asker in $GROVE_WORKSPACE"
IFS= read -r line
printf 'about to %s\nAllow? (y/n) ' "$line"
IFS= read -r answer
echo "answer: $answer"
exec sleep 100000
"#;

#[test]
fn wait_any_needs_me_returns_the_workspace_whose_agent_asks() {
    let t = TestRepo::new();
    let _server = Server(&t);
    use_profiles(
        &t,
        &[
            Profile {
                name: "turn",
                script: TURN_AGENT,
                status: TURN_RULES,
            },
            Profile {
                name: "asker",
                script: ASKER_AGENT,
                status: ASKER_RULES,
            },
        ],
    );
    t.grove_ok(&["new", "bystander"]);
    t.grove_ok(&["new", "asking", "--agent", "asker"]);
    wait_for_capture(&t, "asking", "the banner", |s| s.contains("asker in"));
    wait_for_capture(&t, "bystander", "the banner", |s| {
        s.contains("turn agent in")
    });

    let waiter = GroveChild::spawn(&t, &["wait", "--any-needs-me", "--timeout", WAIT_TIMEOUT]);
    t.grove_ok(&["send", "bystander", "ask"]);
    t.grove_ok(&["send", "asking", "deploy"]);
    let out = waiter.finish();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        stdout(&out),
        "asking waiting: screen shows \"Allow?\" (waiting rule 1)\n"
    );
    // The bystander printed the same question, but its profile has no
    // waiting rule: it is never the one.
    wait_for_capture(&t, "bystander", "its question", |s| {
        s.contains("Allow? (y/n)")
    });
    assert_ne!(listed(&t, "bystander")["state"], "waiting");
}

/// Like [`ASKER_AGENT`], but once answered it clears the screen: the
/// question is gone.
const CLEARING_ASKER: &str = r#"echo "asker in $GROVE_WORKSPACE"
IFS= read -r line
printf 'about to %s\nAllow? (y/n) ' "$line"
IFS= read -r answer
printf '\033[H\033[2Janswer: %s\n' "$answer"
exec sleep 100000
"#;

#[test]
fn an_answered_question_no_longer_needs_me() {
    let t = TestRepo::new();
    let _server = Server(&t);
    use_profiles(
        &t,
        &[Profile {
            name: "asker",
            script: CLEARING_ASKER,
            status: ASKER_RULES,
        }],
    );
    t.grove_ok(&["new", "asking"]);
    wait_for_capture(&t, "asking", "the banner", |s| s.contains("asker in"));
    t.grove_ok(&["send", "asking", "deploy"]);
    let out = t.grove(
        &t.root,
        &[
            "wait",
            "asking",
            "--until",
            "waiting",
            "--timeout",
            WAIT_TIMEOUT,
        ],
    );
    assert!(out.status.success(), "{out:?}");

    t.grove_ok(&["send", "asking", "y"]);
    let screen = wait_for_capture(&t, "asking", "the answer", |s| s.contains("answer: y"));
    assert_eq!(screen, "answer: y\n");
    // Nothing on screen asks any more, and the agent is quiet: idle.
    let out = t.grove(
        &t.root,
        &["wait", "asking", "--until", "idle", "--timeout", "20"],
    );
    assert!(out.status.success(), "{out:?}");
    let out = t.grove(&t.root, &["wait", "--any-needs-me", "--timeout", "0.5"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn wait_until_exited_returns_when_the_agent_is_killed() {
    let t = TestRepo::new();
    let _server = Server(&t);
    turn_agent(&t);
    t.grove_ok(&["new", "doomed"]);
    wait_for_capture(&t, "doomed", "the banner", |s| s.contains("turn agent in"));
    let waiter = GroveChild::spawn(
        &t,
        &[
            "wait",
            "doomed",
            "--until",
            "exited",
            "--timeout",
            WAIT_TIMEOUT,
        ],
    );
    t.grove_ok(&["kill", "doomed"]);
    assert_eq!(listed(&t, "doomed")["status"], "stopped");
    // The agent's process is gone: a wait for its end must not outlive it,
    // whether it answers "exited" or says the agent was stopped.
    let out = waiter.finish();
    assert!(
        stdout(&out).starts_with("doomed ") || stderr(&out).contains("doomed"),
        "{out:?}"
    );
}

// ---------------------------------------------------------------- events

/// `grove events --json` as a child, its lines read on a thread.
struct EventStream {
    child: GroveChild,
    lines: mpsc::Receiver<String>,
    seen: Vec<serde_json::Value>,
}

impl EventStream {
    fn start(t: &TestRepo) -> EventStream {
        let mut child = GroveChild::spawn(t, &["events", "--json"]);
        let out = child.child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        EventStream {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads events until one satisfies `check`; returns it.
    fn until(
        &mut self,
        what: &str,
        check: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + TIMEOUT;
        if let Some(found) = self.seen.iter().find(|e| check(e)) {
            return found.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(_) => panic!(
                    "no event {what} (running: {}); saw\n{}",
                    self.child.running(),
                    self.dump()
                ),
            };
            let event: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
            self.seen.push(event.clone());
            if check(&event) {
                return event;
            }
        }
    }

    fn dump(&self) -> String {
        let lines: Vec<String> = self.seen.iter().map(|e| e.to_string()).collect();
        lines.join("\n")
    }
}

fn is(event: &serde_json::Value, kind: &str, workspace: &str) -> bool {
    event["type"] == kind && event["workspace"] == workspace
}

/// Starts `grove events --json` once workspace `first`'s agent runs, and
/// returns when the stream is subscribed: until it reports something, keep
/// making something to report (a new file in `first`'s worktree, which the
/// git watcher reports).
fn subscribed_events(t: &TestRepo) -> EventStream {
    let worktree = PathBuf::from(listed(t, "first")["path"].as_str().unwrap());
    let mut events = EventStream::start(t);
    let deadline = Instant::now() + TIMEOUT;
    for n in 0.. {
        std::fs::write(worktree.join(format!("poke-{n}")), "").unwrap();
        if let Ok(line) = events.lines.recv_timeout(Duration::from_millis(500)) {
            events.seen.push(serde_json::from_str(&line).unwrap());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "grove events reported nothing (running: {})",
            events.child.running()
        );
    }
    events
}

#[test]
fn events_stream_creation_status_changes_and_removal_as_json_lines() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let gates = turn_agent(&t);
    // `grove events` never starts a server: "first" does.
    t.grove_ok(&["new", "first"]);
    let mut events = subscribed_events(&t);

    t.grove_ok(&["new", "second"]);
    let created = events.until("creating second", |e| is(e, "workspace_created", "second"));
    wait_for_capture(&t, "second", "the banner", |s| s.contains("turn agent in"));
    t.grove_ok(&["send", "second", "do the thing"]);
    let working = events.until("second working", |e| {
        is(e, "status", "second") && e["state"] == "working"
    });
    assert_eq!(
        working["reason"], "screen shows \"esc to interrupt\" (working rule 1)",
        "{working}"
    );
    assert!(
        working["from"] == "starting" || working["from"] == "idle",
        "{working}"
    );
    open_gate(&gates, "second");
    // The prompt waited for the agent to be ready, so "second" may have
    // gone from starting to idle before it worked: the idle that counts is
    // the one after the work.
    let idle = events.until("second idle after working", |e| {
        is(e, "status", "second") && e["state"] == "idle" && e["from"] == "working"
    });
    assert!(
        idle["reason"]
            .as_str()
            .unwrap()
            .starts_with("no status rule matches and no output for"),
        "{idle}"
    );
    t.grove_ok(&["kill", "second"]);
    t.grove_ok(&["rm", "second"]);
    let removed = events.until("removing second", |e| is(e, "workspace_removed", "second"));

    // An agent that ends by itself: its exit is a status change.
    wait_for_state(&t, "first", "idle");
    t.grove_ok(&["send", "first", "quit"]);
    let exited = events.until("first exiting", |e| {
        is(e, "status", "first") && e["state"] == "exited"
    });
    assert_eq!(exited["reason"], "exited with code 7", "{exited}");
    assert_eq!(exited["from"], "idle", "{exited}");

    // Every line: valid JSON (checked as read) with type, time and repo.
    let repo = t.root.to_str().unwrap();
    for event in &events.seen {
        assert!(event["type"].is_string(), "{event}");
        assert!(event["time"].is_u64(), "{event}");
        assert_eq!(event["repo"], repo, "{event}");
        assert!(
            event["workspace"] == "first" || event["workspace"] == "second",
            "{event}"
        );
    }
    // In the order it happened.
    let position = |e: &serde_json::Value| events.seen.iter().position(|s| s == e).unwrap();
    assert!(position(&created) < position(&working));
    assert!(position(&working) < position(&idle));
    assert!(position(&idle) < position(&removed));
    assert!(position(&removed) < position(&exited));

    // The stream runs until stopped.
    assert!(events.child.running(), "{}", events.dump());
    events.child.child.kill().unwrap();
    events.child.child.wait().unwrap();
    wait_until("the stream's reader to see the end", || {
        matches!(
            events.lines.recv_timeout(Duration::from_millis(10)),
            Err(mpsc::RecvTimeoutError::Disconnected)
        )
    });
}

#[test]
fn events_report_an_agent_stopped_by_grove_kill() {
    let t = TestRepo::new();
    let _server = Server(&t);
    turn_agent(&t);
    t.grove_ok(&["new", "first"]);
    wait_for_state(&t, "first", "idle");
    let mut events = subscribed_events(&t);
    t.grove_ok(&["kill", "first"]);
    assert_eq!(listed(&t, "first")["status"], "stopped");
    let stopped = events.until("first stopping", |e| is(e, "status", "first"));
    assert_eq!(stopped["from"], "idle", "{stopped}");
}

#[test]
fn events_without_a_server_fail_with_one_line() {
    let t = TestRepo::new();
    let out = t.grove(&t.root, &["events", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no grove server is running"), "{err}");
}
