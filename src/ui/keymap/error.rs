//! Why a `keys` section cannot become a [`Keymap`](super::Keymap).
//!
//! The config's semantic check builds the keymap and reports these errors
//! under the offending entry's key path (`keys.bindings.Q`), blaming the layer
//! that wrote it; so each message says what is wrong and how to fix it without
//! repeating the key.

use std::fmt;

use super::Action;
use crate::failure::printable;

/// What the config grammar accepts, for messages about a key that does not parse.
pub const KEY_SYNTAX: &str = "a key is one character or a name (Enter, Tab, BTab, Esc, Space, \
     Backspace, Up, Down, Left, Right, Home, End, PageUp, PageDown, Insert, Delete, F1-F12), \
     with C- for Ctrl, M- for Alt, S- for Shift: C-b, M-Left";

/// A key that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyParseError {
    #[error("is empty; {KEY_SYNTAX}")]
    Empty,
    #[error("has no key after the modifier; {KEY_SYNTAX}")]
    NothingAfterModifier,
    #[error("repeats the modifier `{}`", printable(.0))]
    RepeatedModifier(String),
    #[error("`{}` is not a key; {KEY_SYNTAX}", printable(.0))]
    UnknownName(String),
}

/// Which entry of the `keys` section is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyEntry {
    /// `keys.prefix`.
    Prefix,
    /// `keys.bindings.<key>`, with the key as written.
    Binding(String),
}

impl KeyEntry {
    /// Mapping keys from the config's root, to find the layer that set it.
    pub fn path(&self) -> Vec<&str> {
        match self {
            KeyEntry::Prefix => vec!["keys", "prefix"],
            KeyEntry::Binding(key) => vec!["keys", "bindings", key.as_str()],
        }
    }
}

/// Displays as the dotted key path, e.g. `keys.bindings.Q`.
impl fmt::Display for KeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path().join("."))
    }
}

/// What is wrong with one entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyProblem {
    #[error(transparent)]
    Key(#[from] KeyParseError),
    #[error("`{0}` is not an action; use one of {names}, or none to unbind the key", names = action_names())]
    UnknownAction(String),
    #[error("has no action; give one (e.g. help), or none to unbind the key")]
    NoAction,
    /// An empty `keys.prefix`: without one the dashboard has no commands.
    #[error("is empty; the dashboard needs a prefix key, e.g. C-b")]
    NoPrefix,
    /// Two spellings of one key (`X` and `S-x`) bound differently.
    #[error("is the same key as `{other}`, which is {bound}; keep one of the two", bound = Bound(*.other_action))]
    SameKey {
        /// This entry's action; `None` is `none`.
        action: Option<Action>,
        /// The other spelling, as written, and its action.
        other: String,
        other_action: Option<Action>,
    },
}

/// A keymap that cannot be built: the entry and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry}: {problem}")]
pub struct KeymapError {
    pub entry: KeyEntry,
    pub problem: KeyProblem,
}

/// "bound to zoom" or "unbound with none".
struct Bound(Option<Action>);

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(action) => write!(f, "bound to {action}"),
            None => f.write_str("unbound with none"),
        }
    }
}

/// Every action name, with `focus-1` … `focus-9` as one item.
fn action_names() -> String {
    let mut names: Vec<String> = Vec::new();
    for action in Action::ALL {
        match action {
            Action::FocusNumber { n: 1 } => names.push("focus-1 … focus-9".to_owned()),
            Action::FocusNumber { .. } => {}
            Action::NewWorkspace
            | Action::FocusLeft
            | Action::FocusDown
            | Action::FocusUp
            | Action::FocusRight
            | Action::NextLayout
            | Action::ToggleZoom
            | Action::ToggleSidebar
            | Action::ChooseWorkspace
            | Action::Detach
            | Action::Help
            | Action::KillAgent
            | Action::ResumeAgent
            | Action::Merge
            | Action::RemoveWorkspace
            | Action::PullRequest
            | Action::CheckOutput
            | Action::NextAttention
            | Action::SendPrompt
            | Action::TicketBoard
            | Action::ScrollMode
            | Action::ShowDiff
            | Action::SendPrefix => names.push(action.to_string()),
        }
    }
    names.join(", ")
}
