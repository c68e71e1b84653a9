//! Helpers for tests that run real programs in panes: waiting for a screen or
//! an exit with a deadline, and dumping the screen when the deadline passes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use grove::pane::{Pane, PaneSpec, ProcessExit};

/// Generous: CI machines are shared and slow, and a passing test never waits
/// this long.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// How often a condition is re-checked while waiting.
const TICK: Duration = Duration::from_millis(10);

/// A spec that runs `sh -c script` in `cwd`.
pub fn sh(script: &str, cwd: &Path) -> PaneSpec {
    PaneSpec::new(["sh", "-c", script], cwd)
}

pub fn spawn(spec: PaneSpec) -> Pane {
    match Pane::spawn(spec) {
        Ok(pane) => pane,
        Err(error) => panic!("spawning a pane failed: {error:#}"),
    }
}

fn dump(pane: &Pane) -> String {
    let (rows, cols, cursor) = pane.with_screen(|screen| {
        let (rows, cols) = screen.size();
        (rows, cols, screen.cursor_position())
    });
    format!(
        "--- screen {cols}x{rows}, cursor {cursor:?}, exit {:?} ---\n{}\n---",
        *pane.exit_status().borrow(),
        pane.contents()
    )
}

/// A runtime with a thread of its own, for panes started inside one as the
/// server starts them; the waiting loops here do not stop it.
pub fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => panic!("no runtime: {error}"),
    }
}

/// Waits until the screen's text satisfies `check`.
pub fn wait_for_screen(pane: &Pane, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let contents = pane.contents();
        if check(&contents) {
            return contents;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}\n{}", dump(pane));
        }
        std::thread::sleep(TICK);
    }
}

/// Waits until the screen contains `needle`.
pub fn wait_for_text(pane: &Pane, needle: &str) -> String {
    wait_for_screen(pane, &format!("{needle:?} on screen"), |s| {
        s.contains(needle)
    })
}

/// Waits until the child has exited and returns how.
pub fn wait_for_exit(pane: &Pane) -> ProcessExit {
    let deadline = Instant::now() + TIMEOUT;
    let exit = pane.exit_status();
    loop {
        if let Some(status) = *exit.borrow() {
            return status;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for the pane to exit\n{}", dump(pane));
        }
        std::thread::sleep(TICK);
    }
}

/// Waits for an arbitrary condition.
pub fn wait_until(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !check() {
        if Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        std::thread::sleep(TICK);
    }
}

/// The full path of `program` in `PATH`, if it is installed.
pub fn installed(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A line on the test's stderr (shown with `--nocapture` or on failure).
pub fn note(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

pub fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(error) => panic!("no temp dir: {error}"),
    }
}

/// Writes `contents` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    if let Err(error) = std::fs::write(&path, contents) {
        panic!("cannot write {}: {error}", path.display());
    }
    path
}

/// The state letter and parent pid from `/proc/<pid>/stat`, or `None` once the
/// process is gone.
pub fn proc_state(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Gone, for a process that is not our child: no entry, or a zombie someone
/// else (init, a subreaper) is responsible for reaping.
pub fn gone_or_foreign_zombie(pid: u32) -> bool {
    match proc_state(pid) {
        None => true,
        Some(('Z', ppid)) => ppid != std::process::id(),
        Some(_) => false,
    }
}

/// Waits until the screen satisfies `check` and then stays the same for a
/// moment: a dashboard draws a frame in several writes, and a screen read
/// between two of them is half old, half new.
pub fn wait_for_settled_screen(pane: &Pane, what: &str, check: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + TIMEOUT;
    let mut last = String::new();
    loop {
        let contents = pane.contents();
        if check(&contents) && contents == last {
            return contents;
        }
        if Instant::now() > deadline {
            panic!("timed out waiting for {what} (settled)\n{}", dump(pane));
        }
        last = contents;
        std::thread::sleep(TICK * 10);
    }
}
