//! The typed shape of grove's configuration: what every layer may contain.
//!
//! Each struct denies unknown fields and fills missing ones from `Default`, so a
//! layer may set any subset of keys and a misspelt key is an error that names
//! the file and line. The values of the built-in layer live in
//! `assets/defaults.yaml`; the `Default` impls here only make partial layers
//! parse, they are not a second copy of the defaults.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The effective configuration after all layers are merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub workspace: WorkspaceConfig,
    pub pane: PaneConfig,
    /// The profile a new workspace runs unless told otherwise.
    pub agent: String,
    /// Agent profiles by name.
    pub agents: BTreeMap<String, AgentProfile>,
    pub keys: KeysConfig,
}

/// How workspaces are made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkspaceConfig {
    /// The branch of workspace NAME is `<branch_prefix>NAME`.
    pub branch_prefix: String,
    /// Where worktrees are created; `None` means under the XDG data directory.
    /// Absolute, or relative to the repository root.
    pub root: Option<PathBuf>,
    /// Untracked paths or globs copied from the main worktree.
    pub copy: Vec<String>,
    /// Untracked paths or globs symlinked from the main worktree.
    pub symlink: Vec<String>,
    /// Shell commands run in each new worktree.
    pub setup: Vec<String>,
    /// A shell command run in a workspace after each new commit (tests, a
    /// linter); its result is part of the workspace's readiness.
    pub check: Option<String>,
    /// The range `GROVE_PORT` is picked from.
    pub ports: PortRange,
    /// The git remote `grove pr` pushes workspace branches to.
    pub remote: String,
}

/// An inclusive range of TCP ports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

/// How panes behave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaneConfig {
    /// Scrollback budget per pane in bytes of emulator cells.
    pub scrollback_bytes: usize,
    /// Time between SIGTERM and SIGKILL when an agent is killed.
    pub kill_grace_ms: u64,
}

/// One agent profile: what to run in a workspace's pane.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentProfile {
    /// argv; an element `$NAME` is replaced by that environment variable.
    pub command: Vec<String>,
    /// Extra environment for the agent.
    pub env: BTreeMap<String, String>,
    /// argv to continue an earlier session after a restart; empty means
    /// starting `command` again.
    pub resume: Vec<String>,
}

/// The dashboard's keys, as written; `ui::keymap::Keymap` is the checked form.
///
/// Keys and actions stay strings here so that a bad one is a semantic error
/// naming the layer that wrote it, with the list of valid names, rather than
/// a bare serde "unknown variant".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeysConfig {
    /// The key that introduces a command, e.g. `C-b`.
    pub prefix: String,
    /// Key after the prefix → action name, or `none` to unbind a built-in key.
    /// A mapping, so a layer can rebind a single key.
    pub bindings: BTreeMap<String, String>,
}
