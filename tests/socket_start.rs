//! Finding or starting a server: `connect` never starts one, and
//! `connect_or_spawn` starts a real process, waits for it, reaps it, and
//! names the log file when the server never comes up.
//!
//! The real `grove server` is wired elsewhere, so the server here is this
//! test binary re-executed with [`HELPER_ROOT`] set: the [`helper_server`]
//! test then detaches with `detach_from_terminal` and serves a `Listener`
//! exactly as `grove server` will.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use grove::client::connect::{ConnectError, connect, connect_or_spawn};
use grove::paths::Paths;
use grove::protocol::{ClientMsg, Request, Response, ServerMsg};
use grove::server::daemon::detach_from_terminal;
use grove::server::listener::Listener;
use grove::sys::current_uid;
use tokio::time::{Instant, timeout};

/// Set in the environment of the re-executed test binary: the sandbox root.
const HELPER_ROOT: &str = "GROVE_SOCKET_TEST_HELPER_ROOT";

/// Every wait in these tests ends here at the latest.
const DEADLINE: Duration = Duration::from_secs(10);

fn sandbox() -> (tempfile::TempDir, Paths) {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::under(tmp.path());
    (tmp, paths)
}

/// A command that runs [`helper_server`] as a server for `root`.
fn helper_command(root: &Path) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "helper_server",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(HELPER_ROOT, root);
    command
}

/// A no-op in a normal test run. Re-executed with [`HELPER_ROOT`], it is a
/// server: it leaves the terminal's session, binds, welcomes clients and
/// exits when one asks it to (or after a minute, so it cannot outlive a
/// failed test for long).
#[test]
fn helper_server() {
    let Some(root) = std::env::var_os(HELPER_ROOT) else {
        return;
    };
    detach_from_terminal().unwrap();
    eprintln!("helper server detached");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let paths = Paths::under(Path::new(&root));
        let mut listener = Listener::bind(&paths, current_uid()).await.unwrap();
        let serve = async {
            while let Some(mut connection) = listener.accept().await {
                let asked = connection.recv().await;
                if let Ok(ClientMsg::Request {
                    request: Request::KillServer,
                }) = asked
                {
                    let bye = ServerMsg::Response {
                        response: Response::ServerExiting,
                    };
                    connection.send(&bye).await.unwrap();
                    return;
                }
            }
        };
        let _ = timeout(Duration::from_secs(60), serve).await;
    });
}

/// The session id of process `pid`, from `/proc/PID/stat`.
fn session_of(pid: u32) -> u32 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // pid (comm) state ppid pgrp session …; comm may contain spaces.
    let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
    after_comm.split(' ').nth(3).unwrap().parse().unwrap()
}

/// Waits until process `pid` is gone entirely: exited *and* reaped.
async fn reaped(pid: u32) {
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    let give_up = Instant::now() + DEADLINE;
    while proc_dir.exists() {
        assert!(Instant::now() < give_up, "process {pid} was never reaped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn connect_finds_no_server_without_starting_one() {
    let (_tmp, paths) = sandbox();
    assert!(connect(&paths).await.unwrap().is_none());
    assert!(!paths.runtime_dir.exists(), "connect creates nothing");

    paths.ensure_runtime_dir().unwrap();
    assert!(connect(&paths).await.unwrap().is_none());
}

/// A server killed as we connect: it took our connection into its backlog,
/// hung up, and released its lock only a moment later, as a dying process
/// whose last thread is still exiting does. That is no server, not an error.
#[tokio::test]
async fn a_server_that_dies_during_the_handshake_is_no_server() {
    use nix::fcntl::{Flock, FlockArg};
    let (_tmp, paths) = sandbox();
    paths.ensure_runtime_dir().unwrap();
    let lock = fs::File::create(paths.server_lock_path()).unwrap();
    let lock = Flock::lock(lock, FlockArg::LockExclusiveNonblock).unwrap();
    let listener = std::os::unix::net::UnixListener::bind(paths.socket_path()).unwrap();
    let dying = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        drop(stream);
        drop(listener);
        std::thread::sleep(Duration::from_millis(200));
        drop(lock);
    });

    let found = timeout(DEADLINE, connect(&paths)).await.unwrap();
    assert!(found.unwrap().is_none(), "a dying server counts as none");
    dying.join().unwrap();
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_started_server_detaches_logs_and_is_reaped() {
    let (tmp, paths) = sandbox();
    let command = helper_command(tmp.path());
    let mut conn = timeout(DEADLINE, connect_or_spawn(&paths, command, DEADLINE))
        .await
        .unwrap()
        .unwrap();
    let pid = conn.server_pid();
    assert_ne!(pid, std::process::id());
    assert_eq!(session_of(pid), pid, "the server leads its own session");

    let log = paths.server_log_path();
    assert_eq!(fs::metadata(&log).unwrap().mode() & 0o777, 0o600);
    assert_eq!(
        fs::metadata(&paths.state_dir).unwrap().mode() & 0o777,
        0o700
    );
    assert!(
        fs::read_to_string(&log)
            .unwrap()
            .contains("helper server detached")
    );

    // A second client finds the running server and starts nothing.
    let never_run = Command::new("/nonexistent/grove");
    let second = connect_or_spawn(&paths, never_run, DEADLINE).await.unwrap();
    assert_eq!(second.server_pid(), pid);

    // The server exits while we live; our reaper leaves no zombie.
    let kill = ClientMsg::Request {
        request: Request::KillServer,
    };
    conn.send(&kill).await.unwrap();
    let bye = timeout(DEADLINE, conn.recv()).await.unwrap().unwrap();
    assert_eq!(
        bye,
        ServerMsg::Response {
            response: Response::ServerExiting
        }
    );
    reaped(pid).await;
    assert!(
        !paths.socket_path().exists(),
        "a clean exit removes the socket"
    );
}

#[tokio::test]
async fn a_server_that_exits_at_once_is_reported_with_its_log() {
    let (_tmp, paths) = sandbox();
    let mut command = Command::new("/bin/sh");
    command.args(["-c", "echo 'cannot start: boom' >&2; exit 3"]);
    let started = Instant::now();
    let err = timeout(DEADLINE, connect_or_spawn(&paths, command, DEADLINE))
        .await
        .unwrap()
        .err()
        .unwrap();
    assert!(matches!(err, ConnectError::ServerExited { .. }), "{err:?}");
    let log = paths.server_log_path();
    assert_eq!(
        err.to_string(),
        format!(
            "the grove server exited (exit status: 3) before accepting connections; see {}",
            log.display()
        )
    );
    assert!(
        started.elapsed() < DEADLINE / 2,
        "an exited server ends the wait early"
    );
    assert!(
        fs::read_to_string(&log)
            .unwrap()
            .contains("cannot start: boom")
    );
}

#[tokio::test]
async fn a_server_that_never_listens_times_out_with_its_log() {
    let (_tmp, paths) = sandbox();
    let mut command = Command::new("/bin/sh");
    command.args(["-c", "sleep 2"]);
    let err = timeout(
        DEADLINE,
        connect_or_spawn(&paths, command, Duration::from_millis(300)),
    )
    .await
    .unwrap()
    .err()
    .unwrap();
    assert!(matches!(err, ConnectError::NotStarted { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "the grove server did not come up within 0.3s; see {}",
            paths.server_log_path().display()
        )
    );
}

#[tokio::test]
async fn a_missing_server_program_is_reported_with_its_log() {
    let (_tmp, paths) = sandbox();
    let command = Command::new("/nonexistent/grove");
    let err = connect_or_spawn(&paths, command, DEADLINE)
        .await
        .err()
        .unwrap();
    assert!(matches!(err, ConnectError::Spawn { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with("cannot start the grove server /nonexistent/grove: "));
    assert!(message.ends_with(&format!("see {}", paths.server_log_path().display())));
}
