//! Key bindings: the prefix key, what each key after it does, and the names
//! used for both in the config.
//!
//! Like tmux, the dashboard takes a key only after the prefix; everything else
//! belongs to the focused pane. [`Keymap`] is the checked form of the config's
//! `keys` section, and [`Keymap::handle`] is the whole prefix state machine as
//! a pure function, so the server only acts on its [`KeyOutcome`]. The config's
//! semantic check builds a `Keymap` too, which is what makes a bad binding a
//! config error that names its file and key rather than a key that silently
//! does nothing.
//!
//! - `chord` reads the key syntax and folds terminals' spellings of a key;
//! - `action` names the actions; `help` describes the bindings in words;
//! - `error` says what is wrong with a `keys` section.

mod action;
mod chord;
mod error;
mod help;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use error::{KEY_SYNTAX, KeyEntry, KeyParseError, KeyProblem, KeymapError};

use super::InputMode;
use crate::config::KeysConfig;
use chord::{Chord, KeyName, Mods, Seen};

/// The binding value that removes a key bound by an earlier layer.
pub const UNBIND: &str = "none";

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
    /// Hide the sidebar to give its columns to the panes, or show it.
    ToggleSidebar,
    /// A list of the workspaces to filter by name and focus one.
    ChooseWorkspace,
    Detach,
    Help,
    /// Stop the focused agent (asks first); the workspace stays.
    KillAgent,
    /// Start the focused workspace's agent again (resume command if any).
    ResumeAgent,
    /// Preview, then merge the focused workspace's branch into its base.
    Merge,
    /// Remove the focused workspace (asks; snapshots first).
    RemoveWorkspace,
    /// Push the focused workspace's branch and open its pull request.
    PullRequest,
    /// Show the output of the focused workspace's last check.
    CheckOutput,
    /// Focus the next workspace whose agent waits for input or finished unseen.
    NextAttention,
    /// Type a prompt into the focused agent (a one-line editor; Enter sends).
    SendPrompt,
    /// The repository's tickets: open, in progress, done; start one.
    TicketBoard,
    /// Scroll mode on the focused pane: its history, search, copy.
    ScrollMode,
    /// The focused workspace's diff against its base.
    ShowDiff,
    /// Send the prefix key itself to the pane (prefix pressed twice).
    SendPrefix,
}

/// One line of the help overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingHelp {
    pub keys: String,
    pub description: String,
}

/// What to do with one key event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOutcome {
    /// Not for the dashboard: encode it for the focused pane.
    Forward,
    /// The prefix: the next key is a command (show it in the status bar).
    PrefixPressed,
    /// A bound key after the prefix.
    Action(Action),
    /// An unbound key after the prefix; it is dropped, as tmux does.
    Unbound,
    /// Esc after the prefix: the command was abandoned.
    Cancelled,
    /// Nothing to do and no change of mode (key releases; a modifier pressed
    /// on its own while a command is being typed).
    Ignore,
}

/// The prefix key and the key → action table, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    prefix: Chord,
    bindings: BTreeMap<Chord, Action>,
}

impl Keymap {
    /// Checks and reads the config's `keys` section.
    pub fn from_config(config: &KeysConfig) -> Result<Keymap, KeymapError> {
        let prefix = match Chord::parse(&config.prefix) {
            Ok(chord) => chord,
            Err(KeyParseError::Empty) => return Err(prefix_error(KeyProblem::NoPrefix)),
            Err(error) => return Err(prefix_error(error.into())),
        };
        // Each key as parsed, with the spelling that bound it, so that two
        // spellings of one key can be told apart from a plain rebinding.
        let mut seen: BTreeMap<Chord, (&str, Option<Action>)> = BTreeMap::new();
        for (key, name) in &config.bindings {
            let error = |problem| KeymapError {
                entry: KeyEntry::Binding(key.clone()),
                problem,
            };
            let chord = Chord::parse(key).map_err(|e| error(e.into()))?;
            let action = match name.as_str() {
                UNBIND => None,
                "" => return Err(error(KeyProblem::NoAction)),
                name => match Action::from_name(name) {
                    Some(action) => Some(action),
                    None => return Err(error(KeyProblem::UnknownAction(name.to_owned()))),
                },
            };
            match seen.get(&chord) {
                Some(&(other, other_action)) if other_action != action => {
                    let other = other.to_owned();
                    return Err(error(KeyProblem::SameKey {
                        action,
                        other,
                        other_action,
                    }));
                }
                Some(_) => {}
                None => {
                    seen.insert(chord, (key, action));
                }
            }
        }
        let bindings = seen
            .into_iter()
            .filter_map(|(chord, (_, action))| action.map(|action| (chord, action)))
            .collect();
        Ok(Keymap { prefix, bindings })
    }

    /// The prefix state machine. In [`InputMode::Normal`] the prefix switches
    /// to [`InputMode::Prefix`] and every other key is forwarded; in `Prefix`
    /// the next key is looked up and the mode returns to `Normal`. An
    /// auto-repeat counts as a press, as the bytes of a legacy terminal would.
    pub fn handle(&self, mode: &mut InputMode, key: &KeyEvent) -> KeyOutcome {
        if key.kind == KeyEventKind::Release {
            return KeyOutcome::Ignore;
        }
        let seen = Chord::from_event(key);
        match mode {
            InputMode::Normal if seen == Seen::Chord(self.prefix) => {
                *mode = InputMode::Prefix;
                KeyOutcome::PrefixPressed
            }
            InputMode::Normal => KeyOutcome::Forward,
            InputMode::Prefix => {
                let chord = match seen {
                    Seen::Chord(chord) => chord,
                    Seen::Modifier => return KeyOutcome::Ignore,
                    Seen::Unnameable => {
                        *mode = InputMode::Normal;
                        return KeyOutcome::Unbound;
                    }
                };
                *mode = InputMode::Normal;
                match self.bindings.get(&chord) {
                    Some(action) => KeyOutcome::Action(*action),
                    None if chord == Chord::new(Mods::NONE, KeyName::Esc) => KeyOutcome::Cancelled,
                    None => KeyOutcome::Unbound,
                }
            }
        }
    }

    /// Every binding in words, for the help overlay.
    pub fn describe(&self) -> Vec<BindingHelp> {
        help::describe(self.prefix, &self.bindings)
    }

    /// The short status-bar hint, e.g. `C-b c new · C-b ? keys · C-b d detach`.
    pub fn hints(&self) -> String {
        help::hints(self.prefix, &self.bindings)
    }

    /// How to type `action`, e.g. `C-b c`; `None` when nothing is bound to it.
    pub fn keys_for(&self, action: Action) -> Option<String> {
        let (chord, _) = self.bindings.iter().find(|(_, bound)| **bound == action)?;
        Some(format!("{} {}", self.prefix, chord.glyph()))
    }

    /// The prefix in config syntax, e.g. `C-b`.
    pub fn prefix_label(&self) -> String {
        self.prefix.to_string()
    }

    /// The prefix as a key event, for [`Action::SendPrefix`] to encode for the pane.
    pub fn prefix_event(&self) -> KeyEvent {
        chord_event(self.prefix)
    }
}

/// A key in config syntax (`Enter`, `y`, `C-c`, `S-Tab`) as the event a
/// terminal would send, for `grove send --key`.
pub fn key_event(text: &str) -> Result<KeyEvent, KeyParseError> {
    Chord::parse(text).map(chord_event)
}

fn chord_event(chord: Chord) -> KeyEvent {
    let Chord { mods, key } = chord;
    let mut modifiers = KeyModifiers::NONE;
    for (ours, theirs) in [
        (Mods::CTRL, KeyModifiers::CONTROL),
        (Mods::ALT, KeyModifiers::ALT),
        (Mods::SHIFT, KeyModifiers::SHIFT),
    ] {
        if mods.has(ours) {
            modifiers |= theirs;
        }
    }
    let code = match key {
        KeyName::Tab if mods.has(Mods::SHIFT) => KeyCode::BackTab,
        KeyName::Tab => KeyCode::Tab,
        KeyName::Enter => KeyCode::Enter,
        KeyName::Esc => KeyCode::Esc,
        KeyName::Backspace => KeyCode::Backspace,
        KeyName::Left => KeyCode::Left,
        KeyName::Down => KeyCode::Down,
        KeyName::Up => KeyCode::Up,
        KeyName::Right => KeyCode::Right,
        KeyName::Home => KeyCode::Home,
        KeyName::End => KeyCode::End,
        KeyName::PageUp => KeyCode::PageUp,
        KeyName::PageDown => KeyCode::PageDown,
        KeyName::Insert => KeyCode::Insert,
        KeyName::Delete => KeyCode::Delete,
        KeyName::F(n) => KeyCode::F(n),
        KeyName::Char(c) => KeyCode::Char(c),
    };
    KeyEvent::new(code, modifiers)
}

fn prefix_error(problem: KeyProblem) -> KeymapError {
    KeymapError {
        entry: KeyEntry::Prefix,
        problem,
    }
}

/// The built-in keys, the same as `assets/defaults.yaml` (a test holds them
/// equal); usable where no config was loaded.
impl Default for Keymap {
    fn default() -> Self {
        let plain = |key| Chord::new(Mods::NONE, key);
        let char = |c| plain(KeyName::Char(c));
        let mut bindings = BTreeMap::from([
            (char('c'), Action::NewWorkspace),
            (plain(KeyName::Left), Action::FocusLeft),
            (char('h'), Action::FocusLeft),
            (plain(KeyName::Down), Action::FocusDown),
            (char('j'), Action::FocusDown),
            (plain(KeyName::Up), Action::FocusUp),
            (char('k'), Action::FocusUp),
            (plain(KeyName::Right), Action::FocusRight),
            (char('l'), Action::FocusRight),
            (char(' '), Action::NextLayout),
            (char('z'), Action::ToggleZoom),
            (char('b'), Action::ToggleSidebar),
            (char('w'), Action::ChooseWorkspace),
            (char('x'), Action::KillAgent),
            (char('r'), Action::ResumeAgent),
            (char('m'), Action::Merge),
            (char('X'), Action::RemoveWorkspace),
            (char('p'), Action::PullRequest),
            (char('o'), Action::CheckOutput),
            (char('a'), Action::NextAttention),
            (char('t'), Action::SendPrompt),
            (char('T'), Action::TicketBoard),
            (char('['), Action::ScrollMode),
            (char('D'), Action::ShowDiff),
            (char('d'), Action::Detach),
            (char('?'), Action::Help),
            (
                Chord::new(Mods::CTRL, KeyName::Char('b')),
                Action::SendPrefix,
            ),
        ]);
        for n in 1..=9u8 {
            bindings.insert(char(char::from(b'0' + n)), Action::FocusNumber { n });
        }
        Keymap {
            prefix: Chord::new(Mods::CTRL, KeyName::Char('b')),
            bindings,
        }
    }
}
