//! Starting a server when none runs, and waiting until it answers.
//!
//! The server is this executable re-run as `grove server`: a plain child with
//! stdin on `/dev/null` and its output appended to the server log, which it
//! detaches from our terminal itself (`server::daemon`). We keep the child
//! and reap it on a small thread, so a server that dies while this client
//! still runs leaves no zombie. Then we connect with a short, growing pause
//! between attempts until a deadline; a server that exits early ends the
//! wait sooner, after a grace period that lets a server started at the same
//! moment by another client win the lock and come up.

use std::fs;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::{ClientConn, ConnectError, connect};
use crate::paths::Paths;

/// How long a new server has to start answering.
pub const START_TIMEOUT: Duration = Duration::from_secs(5);

/// The first pause between connection attempts; it doubles up to
/// [`LONGEST_RETRY`].
const FIRST_RETRY: Duration = Duration::from_millis(10);
const LONGEST_RETRY: Duration = Duration::from_millis(200);

/// How long we keep trying after our server exited: it may have lost the
/// lock to a server another client started at the same moment.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// Connects to the running server, starting `exe server` first if none runs.
pub async fn connect_or_start(paths: &Paths, exe: &Path) -> Result<ClientConn, ConnectError> {
    let mut command = Command::new(exe);
    command.arg("server");
    connect_or_spawn(paths, command, START_TIMEOUT).await
}

/// [`connect_or_start`] with the server command and the deadline given: for
/// tests, and for callers that need extra arguments or environment. Stdin,
/// stdout and stderr of `command` are replaced.
pub async fn connect_or_spawn(
    paths: &Paths,
    mut command: Command,
    deadline: Duration,
) -> Result<ClientConn, ConnectError> {
    if let Some(conn) = connect(paths).await? {
        return Ok(conn);
    }
    let log = paths.server_log_path();
    let exited = spawn(&mut command, &log)?;
    wait_for_server(paths, &log, exited, deadline).await
}

/// Opens the log for appending, private: a server's log names repositories
/// and commands.
fn open_log(log: &Path) -> Result<fs::File, ConnectError> {
    let error = |source| ConnectError::Log {
        path: log.to_path_buf(),
        source,
    };
    if let Some(dir) = log.parent() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(error)?;
    }
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(log)
        .map_err(error)
}

/// Spawns the server and a thread that reaps it; the receiver hears its
/// exit status if it exits while we still listen.
fn spawn(command: &mut Command, log: &Path) -> Result<oneshot::Receiver<ExitStatus>, ConnectError> {
    let stdout = open_log(log)?;
    let stderr = stdout.try_clone().map_err(|source| ConnectError::Log {
        path: log.to_path_buf(),
        source,
    })?;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr));
    let program = std::path::PathBuf::from(command.get_program());
    let spawn_error = |source| ConnectError::Spawn {
        program: program.clone(),
        log: log.to_path_buf(),
        source,
    };
    let mut child = command.spawn().map_err(spawn_error)?;
    let (sender, exited) = oneshot::channel();
    std::thread::Builder::new()
        .name("grove-server-reaper".into())
        .spawn(move || match child.wait() {
            // Nobody listening any more is fine: the client got its connection.
            Ok(status) => drop(sender.send(status)),
            Err(err) => tracing::warn!("cannot wait for the grove server: {err}"),
        })
        .map_err(spawn_error)?;
    Ok(exited)
}

/// Whether our server process is known to have exited.
enum Child {
    Running(oneshot::Receiver<ExitStatus>),
    Exited(ExitStatus),
    /// The reaper could not wait for it; only the deadline applies.
    Unknown,
}

async fn wait_for_server(
    paths: &Paths,
    log: &Path,
    exited: oneshot::Receiver<ExitStatus>,
    deadline: Duration,
) -> Result<ClientConn, ConnectError> {
    let mut give_up = Instant::now() + deadline;
    let mut pause = FIRST_RETRY;
    let mut child = Child::Running(exited);
    loop {
        if let Some(conn) = connect(paths).await? {
            return Ok(conn);
        }
        let now = Instant::now();
        if now >= give_up {
            return Err(match child {
                Child::Exited(status) => ConnectError::ServerExited {
                    status,
                    log: log.to_path_buf(),
                },
                Child::Running(_) | Child::Unknown => ConnectError::NotStarted {
                    waited: deadline,
                    log: log.to_path_buf(),
                },
            });
        }
        let wake = (now + pause).min(give_up);
        pause = (pause * 2).min(LONGEST_RETRY);
        match &mut child {
            Child::Running(exit) => {
                tokio::select! {
                    () = tokio::time::sleep_until(wake) => {}
                    status = exit => {
                        child = match status {
                            Ok(status) => {
                                give_up = give_up.min(Instant::now() + EXIT_GRACE);
                                Child::Exited(status)
                            }
                            Err(_) => Child::Unknown,
                        };
                    }
                }
            }
            Child::Exited(_) | Child::Unknown => tokio::time::sleep_until(wake).await,
        }
    }
}
