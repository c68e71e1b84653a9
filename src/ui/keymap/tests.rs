//! Tables for the key syntax, the folding of terminals' spellings, the prefix
//! state machine and the help text; expected values are written out by hand.

use super::*;
use crate::config::Config;
use crossterm::event::{KeyEventState, MediaKeyCode, ModifierKeyCode};

const NONE: KeyModifiers = KeyModifiers::NONE;
const S: KeyModifiers = KeyModifiers::SHIFT;
const C: KeyModifiers = KeyModifiers::CONTROL;
const A: KeyModifiers = KeyModifiers::ALT;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn release(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new_with_kind_and_state(code, modifiers, KeyEventKind::Release, KeyEventState::NONE)
}

fn keys(prefix: &str, bindings: &[(&str, &str)]) -> KeysConfig {
    KeysConfig {
        prefix: prefix.to_owned(),
        bindings: bindings
            .iter()
            .map(|(key, action)| ((*key).to_owned(), (*action).to_owned()))
            .collect(),
    }
}

#[test]
fn keys_parse_to_their_canonical_spelling() {
    let cases = [
        ("c", "c"),
        ("C-b", "C-b"),
        ("M-x", "M-x"),
        ("C-M-x", "C-M-x"),
        ("M-C-x", "C-M-x"),
        ("S-x", "X"),
        ("X", "X"),
        ("C-S-x", "C-X"),
        ("M-S-?", "M-?"),
        ("S-?", "?"),
        ("S-1", "1"),
        ("%", "%"),
        ("é", "é"),
        ("S-é", "É"),
        ("-", "-"),
        ("C--", "C--"),
        ("C", "C"),
        ("Space", "Space"),
        (" ", "Space"),
        ("C-Space", "C-Space"),
        ("Enter", "Enter"),
        ("enter", "Enter"),
        ("Escape", "Esc"),
        ("BSpace", "Backspace"),
        ("PgUp", "PageUp"),
        ("pagedown", "PageDown"),
        ("S-Up", "S-Up"),
        ("C-M-Left", "C-M-Left"),
        ("BTab", "BTab"),
        ("S-Tab", "BTab"),
        ("C-BTab", "C-BTab"),
        ("F1", "F1"),
        ("f12", "F12"),
        ("M-F5", "M-F5"),
        ("Insert", "Insert"),
        ("Delete", "Delete"),
        // One byte on a legacy terminal, so one key.
        ("C-@", "C-Space"),
        ("C-2", "C-Space"),
        ("C-4", "C-\\"),
        ("C-7", "C-_"),
        ("C-/", "C-_"),
        ("C-[", "Esc"),
        ("C-i", "Tab"),
        ("C-m", "Enter"),
        ("C-?", "Backspace"),
        ("\u{2}", "C-b"),
        ("\t", "Tab"),
    ];
    for (text, canonical) in cases {
        let chord = Chord::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(chord.to_string(), canonical, "{text:?}");
        assert_eq!(
            Chord::parse(canonical),
            Ok(chord),
            "{canonical:?} reads back"
        );
    }
}

#[test]
fn bad_keys_say_why() {
    let cases = [
        ("", KeyParseError::Empty),
        ("C-", KeyParseError::NothingAfterModifier),
        ("C-M-", KeyParseError::NothingAfterModifier),
        ("C-C-x", KeyParseError::RepeatedModifier("C-".to_owned())),
        ("Foo", KeyParseError::UnknownName("Foo".to_owned())),
        ("C-Foo", KeyParseError::UnknownName("Foo".to_owned())),
        ("c-b", KeyParseError::UnknownName("c-b".to_owned())),
        ("F0", KeyParseError::UnknownName("F0".to_owned())),
        ("F13", KeyParseError::UnknownName("F13".to_owned())),
        ("F+1", KeyParseError::UnknownName("F+1".to_owned())),
        ("ab", KeyParseError::UnknownName("ab".to_owned())),
    ];
    for (text, error) in cases {
        assert_eq!(Chord::parse(text), Err(error), "{text:?}");
    }
}

#[test]
fn events_match_however_the_terminal_spells_them() {
    use KeyCode::{BackTab, Char, F, Left, Null, Tab};
    let cases: [(KeyEvent, &str); 24] = [
        (key(Char('?'), NONE), "?"),
        (key(Char('?'), S), "?"),
        (key(Char('%'), S), "%"),
        // Legacy terminals send the upper-case letter (crossterm adds SHIFT);
        // the kitty protocol sends the base key with SHIFT.
        (key(Char('X'), S), "X"),
        (key(Char('x'), S), "X"),
        (key(Char('X'), NONE), "X"),
        (key(Char('é'), S), "É"),
        (key(Char('b'), C), "C-b"),
        (key(Char('\u{2}'), NONE), "C-b"),
        (key(Char('B'), C | S), "C-B"),
        (key(Char('4'), C), "C-\\"),
        (key(Char(' '), C), "C-Space"),
        (key(Null, NONE), "C-Space"),
        (key(Char('x'), A), "M-x"),
        (key(Char('X'), A | S), "M-X"),
        (key(Left, A), "M-Left"),
        (key(Left, C | S), "C-S-Left"),
        (key(BackTab, S), "BTab"),
        (key(BackTab, NONE), "BTab"),
        (key(Tab, S), "BTab"),
        (key(F(1), NONE), "F1"),
        (key(F(12), S), "S-F12"),
        (key(Char('i'), C), "Tab"),
        (key(Char(' '), NONE), "Space"),
    ];
    for (event, text) in cases {
        let expected = Chord::parse(text).map(Seen::Chord);
        assert_eq!(Ok(Chord::from_event(&event)), expected, "{event:?}");
    }
    let others = [
        (key(F(13), NONE), Seen::Unnameable),
        (key(Char('b'), KeyModifiers::SUPER), Seen::Unnameable),
        (
            key(KeyCode::Media(MediaKeyCode::Play), NONE),
            Seen::Unnameable,
        ),
        (
            key(KeyCode::Modifier(ModifierKeyCode::LeftShift), S),
            Seen::Modifier,
        ),
        (key(KeyCode::CapsLock, NONE), Seen::Modifier),
    ];
    for (event, seen) in others {
        assert_eq!(Chord::from_event(&event), seen, "{event:?}");
    }
}

/// (mode before, event, outcome, mode after), for the keymap in `the_prefix_state_machine`.
#[rustfmt::skip] // a table reads across: one row per line
fn prefix_cases() -> Vec<(InputMode, KeyEvent, KeyOutcome, InputMode)> {
    use InputMode::{Normal, Prefix};
    use KeyCode::{Char, Esc, F, Left};
    use KeyOutcome::{Cancelled, Forward, Ignore, PrefixPressed, Unbound};
    let shift = key(KeyCode::Modifier(ModifierKeyCode::LeftShift), S);
    vec![
        (Normal, key(Char('c'), NONE), Forward, Normal),
        (Normal, key(Char('b'), C), Forward, Normal),
        (Normal, key(Char('a'), C), PrefixPressed, Prefix),
        (Normal, release(Char('a'), C), Ignore, Normal),
        (Normal, shift, Forward, Normal),
        (Prefix, key(Char('c'), NONE), KeyOutcome::Action(Action::NewWorkspace), Normal),
        (Prefix, key(Left, NONE), KeyOutcome::Action(Action::FocusLeft), Normal),
        (Prefix, key(Char('?'), S), KeyOutcome::Action(Action::Help), Normal),
        (Prefix, key(Char('?'), NONE), KeyOutcome::Action(Action::Help), Normal),
        (Prefix, key(Char('z'), A), KeyOutcome::Action(Action::ToggleZoom), Normal),
        (Prefix, key(F(2), NONE), KeyOutcome::Action(Action::Detach), Normal),
        (Prefix, key(Char('a'), C), KeyOutcome::Action(Action::SendPrefix), Normal),
        (Prefix, key(Char('C'), S), Unbound, Normal),
        (Prefix, key(Char('z'), NONE), Unbound, Normal),
        (Prefix, key(F(20), NONE), Unbound, Normal),
        (Prefix, key(Esc, NONE), Cancelled, Normal),
        (Prefix, key(Esc, A), Unbound, Normal),
        // Releases and a lone modifier (Shift on the way to `?`) keep waiting.
        (Prefix, release(Char('a'), C), Ignore, Prefix),
        (Prefix, shift, Ignore, Prefix),
    ]
}

#[test]
fn the_prefix_state_machine() {
    let keymap = Keymap::from_config(&keys(
        "C-a",
        &[
            ("c", "new-workspace"),
            ("Left", "focus-left"),
            ("?", "help"),
            ("M-z", "zoom"),
            ("F2", "detach"),
            ("C-a", "send-prefix"),
        ],
    ))
    .unwrap();
    for (before, event, outcome, after) in prefix_cases() {
        let mut mode = before;
        let got = keymap.handle(&mut mode, &event);
        assert_eq!(got, outcome, "{before:?} {event:?}");
        assert_eq!(mode, after, "{before:?} {event:?}");
    }
}

#[test]
fn an_escape_binding_wins_over_cancel() {
    let keymap = Keymap::from_config(&keys("C-b", &[("Esc", "detach")])).unwrap();
    let mut mode = InputMode::Prefix;
    let outcome = keymap.handle(&mut mode, &key(KeyCode::Esc, NONE));
    assert_eq!(outcome, KeyOutcome::Action(Action::Detach));
}

#[test]
fn the_default_keymap_is_the_builtin_config() {
    let builtin = Config::builtin().unwrap();
    assert_eq!(Keymap::from_config(&builtin.keys), Ok(Keymap::default()));
    let keymap = Keymap::default();
    assert_eq!(keymap.prefix_label(), "C-b");
    assert_eq!(keymap.prefix_event(), key(KeyCode::Char('b'), C));
    assert_eq!(keymap.hints(), "C-b c new · C-b ? keys · C-b d detach");
}

#[test]
fn describe_groups_the_keys_of_each_action() {
    let lines: Vec<(String, String)> = Keymap::default()
        .describe()
        .into_iter()
        .map(|line| (line.keys, line.description))
        .collect();
    let expected = [
        ("C-b c", "New workspace"),
        ("C-b ←/h", "Focus the pane on the left"),
        ("C-b ↓/j", "Focus the pane below"),
        ("C-b ↑/k", "Focus the pane above"),
        ("C-b →/l", "Focus the pane on the right"),
        ("C-b 1…9", "Focus pane 1–9"),
        ("C-b w", "Go to a workspace: type part of its name, Enter"),
        ("C-b Space", "Next layout: tiled, main + stack, zoom"),
        ("C-b z", "Zoom the focused pane, or unzoom"),
        (
            "C-b b",
            "Hide the sidebar (panes get its columns), or show it",
        ),
        (
            "C-b [",
            "Scroll mode: the focused pane's history, search (/), copy (v, y)",
        ),
        (
            "C-b a",
            "Jump to the agent that needs you most (a question, then finished work; longest first)",
        ),
        ("C-b t", "Type a prompt into the focused agent"),
        ("C-b T", "Tickets: open, in progress, done; start one"),
        ("C-b D", "The focused workspace's diff against its base"),
        (
            "C-b m",
            "Merge the focused workspace into its base (shows a preview first)",
        ),
        ("C-b p", "Push the branch and open its pull request"),
        ("C-b o", "Show the last check's output"),
        (
            "C-b x",
            "Stop the focused agent (asks first; the workspace stays)",
        ),
        ("C-b r", "Start the focused agent again"),
        (
            "C-b X",
            "Remove the focused workspace (asks; snapshots first)",
        ),
        ("C-b C-b", "Send C-b to the pane"),
        ("C-b ?", "Show these keys"),
        ("C-b d", "Detach; agents keep running"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(keys, text)| ((*keys).to_owned(), (*text).to_owned()))
        .collect();
    assert_eq!(lines, expected);
}

#[test]
fn describe_and_hints_follow_rebinding() {
    let keymap = Keymap::from_config(&keys(
        "C-Space",
        &[
            ("n", "new-workspace"),
            ("M-Up", "focus-up"),
            ("1", "focus-1"),
            ("F3", "focus-3"),
            ("C-Space", "send-prefix"),
        ],
    ))
    .unwrap();
    let lines: Vec<String> = keymap
        .describe()
        .into_iter()
        .map(|line| format!("{}: {}", line.keys, line.description))
        .collect();
    assert_eq!(
        lines,
        [
            "C-Space n: New workspace",
            "C-Space M-↑: Focus the pane above",
            "C-Space 1: Focus pane 1",
            "C-Space F3: Focus pane 3",
            "C-Space C-Space: Send C-Space to the pane",
        ]
    );
    assert_eq!(keymap.hints(), "C-Space n new");
    assert_eq!(keymap.prefix_event(), key(KeyCode::Char(' '), C));
}

#[test]
fn bindings_can_be_removed_and_spelt_twice() {
    let keymap = Keymap::from_config(&keys(
        "C-b",
        &[("x", "none"), ("X", "kill-agent"), ("S-x", "kill-agent")],
    ))
    .unwrap();
    let mut mode = InputMode::Prefix;
    let outcome = keymap.handle(&mut mode, &key(KeyCode::Char('x'), NONE));
    assert_eq!(outcome, KeyOutcome::Unbound);
    mode = InputMode::Prefix;
    let outcome = keymap.handle(&mut mode, &key(KeyCode::Char('X'), S));
    assert_eq!(outcome, KeyOutcome::Action(Action::KillAgent));
}

#[test]
fn config_errors_name_the_entry_and_the_fix() {
    let cases = [
        (
            keys("", &[]),
            "keys.prefix: is empty; the dashboard needs a prefix key, e.g. C-b",
        ),
        (
            keys("C-", &[]),
            &format!("keys.prefix: has no key after the modifier; {KEY_SYNTAX}"),
        ),
        (
            keys("C-b", &[("Q", "quit")]),
            "keys.bindings.Q: `quit` is not an action; use one of new-workspace, focus-left, \
             focus-down, focus-up, focus-right, focus-1 … focus-9, choose-workspace, next-layout, zoom, \
             sidebar, scroll-mode, next-attention, send-prompt, ticket-board, show-diff, merge, pull-request, check-output, kill-agent, resume-agent, remove-workspace, \
             send-prefix, help, detach, or none to unbind the key",
        ),
        (
            keys("C-b", &[("C-Foo", "help")]),
            &format!("keys.bindings.C-Foo: `Foo` is not a key; {KEY_SYNTAX}"),
        ),
        (
            keys("C-b", &[("q", "")]),
            "keys.bindings.q: has no action; give one (e.g. help), or none to unbind the key",
        ),
        (
            keys("C-b", &[("X", "zoom"), ("S-x", "help")]),
            "keys.bindings.X: is the same key as `S-x`, which is bound to help; keep one of the two",
        ),
        (
            keys("C-b", &[("C-i", "none"), ("Tab", "help")]),
            "keys.bindings.Tab: is the same key as `C-i`, which is unbound with none; \
             keep one of the two",
        ),
    ];
    for (config, message) in cases {
        let error = Keymap::from_config(&config).unwrap_err();
        assert_eq!(error.to_string(), message);
    }
}

#[test]
fn every_action_name_reads_back() {
    for action in Action::ALL {
        assert_eq!(Action::from_name(&action.to_string()), Some(action));
    }
    assert_eq!(Action::from_name("focus-0"), None);
    assert_eq!(Action::from_name("focus-10"), None);
    assert_eq!(Action::from_name("none"), None);
}
