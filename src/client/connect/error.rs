//! Why a client could not reach a server. Callers branch on
//! [`ConnectError::VersionMismatch`] (an old server still runs); every other
//! variant is one line for the user that names the path involved.

use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use crate::paths::RuntimeDirError;
use crate::protocol::ProtocolError;

/// Why [`super::connect`] or [`super::connect_or_start`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    RuntimeDir(#[from] RuntimeDirError),
    #[error("cannot connect to the grove server at {}: {source}", path.display())]
    Connect {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the process listening on {} runs as uid {uid}, not as you (uid {ours}); refusing to use it",
        path.display()
    )]
    ForeignServer { path: PathBuf, uid: u32, ours: u32 },
    #[error(
        "the grove server at {} did not answer the handshake within {}s",
        path.display(),
        waited.as_secs_f32()
    )]
    HandshakeTimeout { path: PathBuf, waited: Duration },
    #[error("the handshake with the grove server at {} failed: {source}", path.display())]
    Handshake {
        path: PathBuf,
        source: ProtocolError,
    },
    #[error("the grove server at {} answered the handshake with an unexpected message", path.display())]
    UnexpectedReply { path: PathBuf },
    #[error(
        "grove server is protocol v{server}, this client v{client}; run `grove kill-server` and retry"
    )]
    VersionMismatch { server: u32, client: u32 },
    #[error("cannot open the server log {}: {source}", path.display())]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the grove server {}: {source}; see {}", program.display(), log.display())]
    Spawn {
        program: PathBuf,
        log: PathBuf,
        source: std::io::Error,
    },
    #[error("the grove server exited ({status}) before accepting connections; see {}", log.display())]
    ServerExited { status: ExitStatus, log: PathBuf },
    #[error(
        "the grove server did not come up within {}s; see {}",
        waited.as_secs_f32(),
        log.display()
    )]
    NotStarted { waited: Duration, log: PathBuf },
}
