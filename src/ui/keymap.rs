//! Key bindings: the prefix key, what each key after it does, and the names
//! used for both in the config.

/// Something the user can ask the dashboard to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NewWorkspace,
    FocusLeft,
    FocusDown,
    FocusUp,
    FocusRight,
    /// Focus pane `n` (1-based, as numbered on screen).
    FocusNumber {
        n: u8,
    },
    NextLayout,
    ToggleZoom,
    Detach,
    Help,
    /// Stop the focused agent (asks first); the workspace stays.
    KillAgent,
    /// Start the focused workspace's agent again (resume command if any).
    ResumeAgent,
    /// Send the prefix key itself to the pane (prefix pressed twice).
    SendPrefix,
}

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingHelp {
    pub keys: String,
    pub description: String,
}

// PLACEHOLDER until the keys helper's keymap lands.
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOutcome {
    Forward,
    PrefixPressed,
    Action(Action),
    Unbound,
    Ignore,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    _private: (),
}

impl Keymap {
    pub fn handle(&self, _mode: &mut super::InputMode, _key: &KeyEvent) -> KeyOutcome {
        KeyOutcome::Forward
    }
    pub fn describe(&self) -> Vec<BindingHelp> {
        Vec::new()
    }
    pub fn hints(&self) -> String {
        String::new()
    }
    pub fn prefix_key(&self) -> KeyEvent {
        KeyEvent::new(
            crossterm::event::KeyCode::Char('b'),
            crossterm::event::KeyModifiers::CONTROL,
        )
    }
}
