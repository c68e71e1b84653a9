//! What a pane runs: the spec, and turning it into a portable-pty command after
//! checking the working directory.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::time::Duration;

use portable_pty::CommandBuilder;

use super::env::pane_environment;
use super::error::PaneError;
use super::history::HistoryLimits;
use super::size::PaneSize;

/// What to run in a pane and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneSpec {
    /// Program and arguments; the program is looked up in `PATH`.
    pub argv: Vec<OsString>,
    /// Working directory; must exist (the workspace's worktree).
    pub cwd: PathBuf,
    /// Variables set on top of the scrubbed environment.
    pub env: BTreeMap<OsString, OsString>,
    pub size: PaneSize,
    /// How much history the pane keeps (config `pane.scrollback_lines`
    /// and `pane.scrollback_bytes`).
    pub history: HistoryLimits,
    /// Time between SIGHUP/SIGTERM and SIGKILL (config `pane.kill_grace_ms`).
    pub kill_grace: Duration,
}

impl PaneSpec {
    /// A spec with grove's default size, history and grace period.
    pub fn new<I, S>(argv: I, cwd: impl Into<PathBuf>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Self {
            argv: argv.into_iter().map(Into::into).collect(),
            cwd: cwd.into(),
            env: BTreeMap::new(),
            size: PaneSize::new(24, 80),
            history: HistoryLimits::new(10_000, 8 << 20),
            kill_grace: Duration::from_secs(2),
        }
    }

    pub(super) fn program(&self) -> String {
        self.argv
            .first()
            .map(|program| program.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

pub(super) fn check_cwd(spec: &PaneSpec) -> Result<(), PaneError> {
    let path = spec.cwd.clone();
    match std::fs::metadata(&spec.cwd) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(PaneError::CwdNotADirectory { path }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Err(PaneError::MissingCwd { path })
        }
        Err(source) => Err(PaneError::Cwd { path, source }),
    }
}

pub(super) fn command(spec: &PaneSpec) -> CommandBuilder {
    let mut command = CommandBuilder::from_argv(spec.argv.clone());
    command.cwd(&spec.cwd);
    command.env_clear();
    for (key, value) in pane_environment(std::env::vars_os(), &spec.env) {
        command.env(key, value);
    }
    // The inherited PWD names the server's directory; shells trust it when it
    // is set, so `pwd` would lie.
    if spec.cwd.is_absolute() && !spec.env.contains_key(OsStr::new("PWD")) {
        command.env("PWD", &spec.cwd);
    }
    command
}
