//! Why a server could not start listening. Callers branch on
//! [`ListenError::AlreadyRunning`] (another server owns the socket; not a
//! failure of this one); every message names the path involved.

use std::path::PathBuf;

use crate::paths::RuntimeDirError;

/// Why [`super::Listener::bind`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error(transparent)]
    RuntimeDir(#[from] RuntimeDirError),
    #[error(
        "a grove server is already running (pid {}); its socket is {}",
        pid_text(*pid),
        socket.display()
    )]
    AlreadyRunning { pid: Option<u32>, socket: PathBuf },
    #[error("cannot open or lock {}: {source}", path.display())]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} exists and is not a socket; remove it so the grove server can listen there",
        path.display()
    )]
    Occupied { path: PathBuf },
    #[error("cannot check whether {} is a stale socket: {source}", path.display())]
    Probe {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot remove the stale socket {}: {source}", path.display())]
    RemoveStale {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {}: {source}", path.display())]
    Bind {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot make the socket {} private (chmod): {source}", path.display())]
    Chmod {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn pid_text(pid: Option<u32>) -> String {
    match pid {
        Some(pid) => pid.to_string(),
        None => "unknown".to_owned(),
    }
}
