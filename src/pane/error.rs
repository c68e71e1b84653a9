//! What can go wrong with a pane, typed where the caller has a choice to make.

use std::path::PathBuf;

use super::size::PaneSize;

/// portable-pty reports errors as `anyhow::Error`; they are kept as sources.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Starting, resizing or killing a pane failed.
#[derive(Debug, thiserror::Error)]
pub enum PaneError {
    #[error("the pane's command is empty")]
    EmptyCommand,
    /// portable-pty would silently run the program in `$HOME` instead, so a
    /// missing worktree is refused before anything starts.
    #[error(
        "working directory {} does not exist; `grove rm` the workspace to forget it",
        path.display()
    )]
    MissingCwd { path: PathBuf },
    #[error("working directory {} is not a directory", path.display())]
    CwdNotADirectory { path: PathBuf },
    #[error("cannot inspect working directory {}", path.display())]
    Cwd {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open a {size} PTY")]
    OpenPty {
        size: PaneSize,
        #[source]
        source: BoxError,
    },
    #[error("cannot start {program} in {}", cwd.display())]
    Spawn {
        program: String,
        cwd: PathBuf,
        #[source]
        source: BoxError,
    },
    #[error("{program} started but its process id is unknown")]
    NoPid { program: String },
    #[error("cannot set up the PTY for {program}: {step}")]
    Pty {
        program: String,
        step: &'static str,
        #[source]
        source: BoxError,
    },
    #[error("cannot start the {role} thread for {program}")]
    Thread {
        program: String,
        role: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot resize the PTY to {size}")]
    Resize {
        size: PaneSize,
        #[source]
        source: BoxError,
    },
    #[error("cannot signal process group {pgid}")]
    Signal {
        pgid: u32,
        #[source]
        source: std::io::Error,
    },
    #[error("process {pid} was sent SIGKILL but has not exited")]
    Unkillable { pid: u32 },
}

/// Why bytes were not queued for the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The program is not reading its input fast enough and the queue is at its
    /// bound; nothing was queued. Try again later or drop the input.
    #[error("the pane's input queue is full")]
    Full,
    /// The PTY is gone (the program exited, or writing to it failed).
    #[error("the pane's input is closed")]
    Closed,
    /// More bytes than the queue can ever hold at once; split them.
    #[error("{len} bytes is more than the pane's input queue holds ({max})")]
    TooLarge { len: usize, max: usize },
}
