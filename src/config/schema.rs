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
    /// What happens when an agent needs the user.
    pub attention: AttentionConfig,
    pub keys: KeysConfig,
}

/// How grove calls the user to an agent that waits for input or finished.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttentionConfig {
    /// Ring the attached terminals' bell.
    pub bell: bool,
    /// A shell command run in the workspace's worktree, with GROVE_WORKSPACE,
    /// GROVE_STATE (waiting, done or exited) and GROVE_REASON set.
    pub hook: Option<String>,
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
    /// History kept per pane, in lines (like tmux's `history-limit`).
    pub scrollback_lines: usize,
    /// History kept per pane, in bytes of memory; whichever limit binds
    /// first drops the oldest lines.
    pub scrollback_bytes: usize,
    /// Time between SIGTERM and SIGKILL when an agent is killed.
    pub kill_grace_ms: u64,
}

/// One agent profile: what to run in a workspace's pane, how to hand it a
/// prompt, and how to tell what it is doing.
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
    /// Programs that must be on PATH besides `command[0]`.
    pub requires: Vec<String>,
    /// How to install the program, quoted when it is missing.
    pub install: Option<String>,
    /// How an initial prompt (`grove new --prompt`) reaches the agent.
    pub prompt: PromptConfig,
    /// Screen rules that tell what the agent is doing.
    pub status: StatusConfig,
}

/// How an initial prompt is passed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PromptConfig {
    pub via: PromptVia,
    /// With `via: argument`: appended to `command`, `{prompt}` replaced by
    /// the prompt (one argument, never split or parsed by a shell).
    pub args: Vec<String>,
}

/// Typed into the agent once it is ready, given on its command line, or
/// refused: a shell would run a prompt typed into it as commands (and a
/// ticket imported from GitHub is other people's text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptVia {
    #[default]
    Paste,
    Argument,
    None,
}

/// Regular expressions over the lowest `rows` non-blank rows of the screen,
/// and over the window title. Checked in the order waiting, working, idle
/// (for each, the screen and then the title); the first match decides.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusConfig {
    pub rows: usize,
    pub waiting: Vec<String>,
    pub working: Vec<String>,
    pub idle: Vec<String>,
    /// The same over the title the program sets (OSC 0 / 2).
    pub title: TitleRules,
}

/// Status rules over the window title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TitleRules {
    pub waiting: Vec<String>,
    pub working: Vec<String>,
    pub idle: Vec<String>,
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
