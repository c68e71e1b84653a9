//! Where grove keeps its files, following the XDG base-directory spec.
//!
//! Every path grove reads or writes outside a repository comes from a [`Paths`]
//! value. Library code never consults the environment for locations itself, so
//! tests build a `Paths` rooted in a temporary directory and never touch the real
//! user's configuration or state.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use etcetera::BaseStrategy as _;

/// The directories grove uses, resolved once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `$XDG_CONFIG_HOME/grove`: the user's `config.yaml`.
    pub config_dir: PathBuf,
    /// `$XDG_DATA_HOME/grove`: the default home of worktrees.
    pub data_dir: PathBuf,
    /// `$XDG_STATE_HOME/grove`: the workspace records and logs.
    pub state_dir: PathBuf,
    /// `$XDG_RUNTIME_DIR/grove`, or `/tmp/grove-<uid>` without one: the socket.
    pub runtime_dir: PathBuf,
}

impl Paths {
    /// Resolves the directories from the environment (XDG variables, then `$HOME`).
    pub fn from_env() -> anyhow::Result<Self> {
        let xdg = etcetera::base_strategy::Xdg::new()
            .context("cannot find the home directory; set $HOME")?;
        let state = xdg
            .state_dir()
            .unwrap_or_else(|| xdg.home_dir().join(".local/state"));
        let runtime = match xdg.runtime_dir() {
            Some(dir) => dir.join("grove"),
            None => PathBuf::from(format!("/tmp/grove-{}", crate::sys::current_uid())),
        };
        Ok(Self {
            config_dir: xdg.config_dir().join("grove"),
            data_dir: xdg.data_dir().join("grove"),
            state_dir: state.join("grove"),
            runtime_dir: runtime,
        })
    }

    /// All four directories under one root; for tests and sandboxes.
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("config/grove"),
            data_dir: root.join("data/grove"),
            state_dir: root.join("state/grove"),
            runtime_dir: root.join("run/grove"),
        }
    }

    /// The user's configuration file.
    pub fn user_config(&self) -> PathBuf {
        self.config_dir.join("config.yaml")
    }

    /// The default root under which worktrees are created.
    pub fn worktrees_root(&self) -> PathBuf {
        self.data_dir.join("worktrees")
    }

    /// The workspace records file.
    pub fn state_file(&self) -> PathBuf {
        self.state_dir.join("workspaces.yaml")
    }
}
