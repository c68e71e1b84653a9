//! Helpers for the agent-status tests: a workspace's entry in
//! `grove ls --json`, waiting for its `state` with a deadline (and keeping
//! every state and reason seen on the way, for the failure message), `grove`
//! with text on stdin, and the agents lab's mock LLM as a guard that stops it
//! when the test ends, also on a panic.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::grove::GROVE;
use super::repo::TestRepo;

/// How often `grove ls --json` is asked again while waiting.
const POLL: Duration = Duration::from_millis(100);

impl TestRepo {
    /// The entry of workspace `name` in `grove ls --json`.
    pub fn workspace_json(&self, name: &str) -> serde_json::Value {
        let listing = self.grove_ok(&["ls", "--json"]);
        let json: serde_json::Value = serde_json::from_str(&listing).unwrap();
        json["workspaces"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .unwrap_or_else(|| panic!("no workspace {name} in\n{listing}"))
            .clone()
    }

    /// Runs `grove args…` with `input` on its stdin.
    pub fn grove_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        let mut child = Command::new(GROVE)
            .args(args)
            .current_dir(&self.root)
            .envs(self.grove_env())
            .env_remove("GROVE_LOG")
            .env_remove("GROVE_PANE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }
}

/// The states and reasons a workspace went through while a test watched it,
/// in order; a reason that differs only in the text a rule quoted (a
/// spinner's frame) is not a new entry.
#[derive(Debug, Default)]
pub struct Timeline {
    seen: Vec<(String, String)>,
}

impl Timeline {
    fn record(&mut self, workspace: &serde_json::Value) {
        let state = workspace["state"].as_str().unwrap_or("?");
        let reason = workspace["reason"].as_str().unwrap_or("?");
        let key = format!("{state}: {}", unquoted(reason));
        if self.seen.last().map(|(k, _)| k) != Some(&key) {
            self.seen.push((key, format!("{state}: {reason}")));
        }
    }

    pub fn lines(&self) -> String {
        let lines: Vec<&str> = self.seen.iter().map(|(_, line)| line.as_str()).collect();
        lines.join("\n")
    }
}

/// `reason` without what it quotes: `screen shows "…" (working rule 1)`
/// becomes `screen shows  (working rule 1)`.
fn unquoted(reason: &str) -> String {
    match (reason.find('"'), reason.rfind('"')) {
        (Some(first), Some(last)) if first < last => {
            format!("{}{}", &reason[..first], &reason[last + 1..])
        }
        _ => reason.to_owned(),
    }
}

/// Waits until workspace `name`'s entry satisfies `check`, recording what it
/// went through in `timeline`; returns the entry.
pub fn wait_for_workspace(
    t: &TestRepo,
    name: &str,
    what: &str,
    timeout: Duration,
    timeline: &mut Timeline,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    wait_for_workspace_showing(t, name, what, timeout, timeline, check, &String::new)
}

/// Waits until workspace `name`'s `state` is `state`; returns its entry.
pub fn wait_for_state(
    t: &TestRepo,
    name: &str,
    state: &str,
    timeout: Duration,
    timeline: &mut Timeline,
) -> serde_json::Value {
    let check = |w: &serde_json::Value| w["state"] == state;
    wait_for_workspace_showing(t, name, state, timeout, timeline, check, &String::new)
}

/// [`wait_for_workspace`], adding `show()` (a screen) to the failure message.
pub fn wait_for_workspace_showing(
    t: &TestRepo,
    name: &str,
    what: &str,
    timeout: Duration,
    timeline: &mut Timeline,
    check: impl Fn(&serde_json::Value) -> bool,
    show: &dyn Fn() -> String,
) -> serde_json::Value {
    match poll_workspace(t, name, timeout, timeline, check) {
        Ok(workspace) => workspace,
        Err(workspace) => panic!(
            "timed out waiting for {name} to be {what}; it went through\n{}\nand is now\n{workspace:#}\n{}",
            timeline.lines(),
            show()
        ),
    }
}

/// Asks `grove ls --json` until workspace `name`'s entry satisfies `check`
/// (`Ok`) or `timeout` passes (`Err` with the last entry), recording what it
/// went through in `timeline`.
pub fn poll_workspace(
    t: &TestRepo,
    name: &str,
    timeout: Duration,
    timeline: &mut Timeline,
    check: impl Fn(&serde_json::Value) -> bool,
) -> Result<serde_json::Value, serde_json::Value> {
    let deadline = Instant::now() + timeout;
    loop {
        let workspace = t.workspace_json(name);
        timeline.record(&workspace);
        if check(&workspace) {
            return Ok(workspace);
        }
        if Instant::now() > deadline {
            return Err(workspace);
        }
        std::thread::sleep(POLL);
    }
}

/// A loopback port nobody listened on a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The agents lab's `mock_llm.py`, running on a loopback port until dropped.
pub struct MockLlm {
    child: Child,
    pub port: u16,
}

impl MockLlm {
    /// Starts `python3 script --port P args…` and waits until it accepts
    /// connections.
    pub fn start(script: &Path, args: &[&str], log: &Path) -> MockLlm {
        let port = free_port();
        let log = std::fs::File::create(log).unwrap();
        let child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut mock = MockLlm { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = mock.child.try_wait() {
                panic!("mock_llm.py ended before it listened: {status}");
            }
            if Instant::now() > deadline {
                panic!("mock_llm.py did not listen on port {port}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        mock
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for MockLlm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
