//! The keymap in words: the help overlay's lines and the status bar's hint.
//!
//! Both are derived from the bindings in effect, so a user who rebinds `c`
//! sees their key in the help and the hint, never the built-in one.

use std::collections::BTreeMap;

use super::chord::{Chord, KeyName, Mods};
use super::{Action, BindingHelp};

/// Separates the items of the status-bar hint.
const HINT_SEPARATOR: &str = " · ";

/// The actions the status bar advertises, with their one-word labels.
const HINTED: [(Action, &str); 3] = [
    (Action::NewWorkspace, "new"),
    (Action::Help, "keys"),
    (Action::Detach, "detach"),
];

/// One line per action that has keys, in [`Action::ALL`] order; the keys of
/// one action are joined (`C-b ←/h`), and `focus-1` … `focus-9` on their own
/// digits share one line.
pub(super) fn describe(prefix: Chord, bindings: &BTreeMap<Chord, Action>) -> Vec<BindingHelp> {
    let keys_of = |action: Action| -> Vec<Chord> {
        bindings
            .iter()
            .filter(|(_, bound)| **bound == action)
            .map(|(chord, _)| *chord)
            .collect()
    };
    let digits_in_order = (1..=9u8).all(|n| {
        let digit = Chord::new(Mods::NONE, KeyName::Char(char::from(b'0' + n)));
        keys_of(Action::FocusNumber { n }) == [digit]
    });
    let prefix_label = prefix.to_string();
    let mut lines = Vec::new();
    for action in Action::ALL {
        if let Action::FocusNumber { n } = action
            && digits_in_order
        {
            if n == 1 {
                lines.push(BindingHelp {
                    keys: format!("{prefix_label} 1…9"),
                    description: "Focus pane 1–9".to_owned(),
                });
            }
            continue;
        }
        let keys = keys_of(action);
        if keys.is_empty() {
            continue;
        }
        let glyphs: Vec<String> = keys.iter().map(|chord| chord.glyph()).collect();
        lines.push(BindingHelp {
            keys: format!("{prefix_label} {}", glyphs.join("/")),
            description: action.description(&prefix_label),
        });
    }
    lines
}

/// `C-b c new · C-b ? keys · C-b d detach`, leaving out unbound actions.
pub(super) fn hints(prefix: Chord, bindings: &BTreeMap<Chord, Action>) -> String {
    let items: Vec<String> = HINTED
        .iter()
        .filter_map(|(action, label)| {
            let (chord, _) = bindings.iter().find(|(_, bound)| *bound == action)?;
            Some(format!("{prefix} {chord} {label}"))
        })
        .collect();
    items.join(HINT_SEPARATOR)
}
