//! One table per public function: each row is an event, the pane's modes and
//! the bytes written out by hand from xterm, tmux `input-keys.c` and the kitty
//! keyboard protocol spec — never computed by the code under test.

use super::*;
use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MediaKeyCode, ModifierKeyCode,
};

const NONE: KeyModifiers = KeyModifiers::NONE;
const S: KeyModifiers = KeyModifiers::SHIFT;
const C: KeyModifiers = KeyModifiers::CONTROL;
const A: KeyModifiers = KeyModifiers::ALT;
const CS: KeyModifiers = C.union(S);
const AS: KeyModifiers = A.union(S);
const CA: KeyModifiers = C.union(A);
const CAS: KeyModifiers = CA.union(S);
const SUPER: KeyModifiers = KeyModifiers::SUPER;
const HYPER: KeyModifiers = KeyModifiers::HYPER;
const META: KeyModifiers = KeyModifiers::META;

const LEGACY: InputModes = InputModes {
    cursor_keys: CursorKeys::Normal,
    paste: PasteMode::Plain,
    modify_other_keys: ModifyOtherKeys::Off,
    kitty: KittyFlags(0),
};
const DECCKM: InputModes = InputModes {
    cursor_keys: CursorKeys::Application,
    ..LEGACY
};
const MOK1: InputModes = InputModes {
    modify_other_keys: ModifyOtherKeys::Level1,
    ..LEGACY
};
const MOK2: InputModes = InputModes {
    modify_other_keys: ModifyOtherKeys::Level2,
    ..LEGACY
};
const KITTY: InputModes = InputModes {
    kitty: KittyFlags(KittyFlags::DISAMBIGUATE),
    ..LEGACY
};
const KITTY_DECCKM: InputModes = InputModes {
    cursor_keys: CursorKeys::Application,
    ..KITTY
};
const KITTY_MOK2: InputModes = InputModes {
    modify_other_keys: ModifyOtherKeys::Level2,
    ..KITTY
};
/// What Codex pushes through crossterm: disambiguate, event types, alternates.
const CODEX: InputModes = InputModes {
    kitty: KittyFlags(0b111),
    ..LEGACY
};
const ALL_KEYS: InputModes = InputModes {
    kitty: KittyFlags(0b1001),
    ..LEGACY
};
const ALL_KEYS_ONLY: InputModes = InputModes {
    kitty: KittyFlags(0b1000),
    ..LEGACY
};
const ALL_KEYS_TEXT: InputModes = InputModes {
    kitty: KittyFlags(0b1_1001),
    ..LEGACY
};
const ALL_KEYS_TEXT_ALTERNATES: InputModes = InputModes {
    kitty: KittyFlags(0b1_1101),
    ..LEGACY
};
const EVENT_TYPES_ONLY: InputModes = InputModes {
    kitty: KittyFlags(0b10),
    ..LEGACY
};

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn repeat(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new_with_kind(code, mods, KeyEventKind::Repeat)
}

fn release(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new_with_kind(code, mods, KeyEventKind::Release)
}

fn keypad(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new_with_kind_and_state(code, mods, KeyEventKind::Press, KeyEventState::KEYPAD)
}

fn ch(c: char) -> KeyCode {
    KeyCode::Char(c)
}

type KeyCase = (&'static str, KeyEvent, InputModes, &'static [u8]);

#[rustfmt::skip] // a table reads across: one row per line
fn printable_cases() -> Vec<KeyCase> {
    vec![
        ("a", press(ch('a'), NONE), LEGACY, b"a"),
        ("Shift+a, legacy spelling", press(ch('A'), S), LEGACY, b"A"),
        ("Shift+a, kitty spelling", press(ch('a'), S), LEGACY, b"A"),
        ("A under caps lock", press(ch('A'), NONE), LEGACY, b"A"),
        ("!", press(ch('!'), NONE), LEGACY, b"!"),
        ("! with shift held", press(ch('!'), S), LEGACY, b"!"),
        ("space", press(ch(' '), NONE), LEGACY, b" "),
        ("Shift+space", press(ch(' '), S), LEGACY, b" "),
        ("e acute", press(ch('é'), NONE), LEGACY, b"\xc3\xa9"),
        ("Shift+e acute", press(ch('é'), S), LEGACY, b"\xc3\x89"),
        ("sharp s keeps its one char", press(ch('ß'), S), LEGACY, b"\xc3\x9f"),
        ("CJK", press(ch('漢'), NONE), LEGACY, b"\xe6\xbc\xa2"),
        ("emoji", press(ch('😀'), NONE), LEGACY, b"\xf0\x9f\x98\x80"),
        ("emoji, kitty", press(ch('😀'), NONE), KITTY, b"\xf0\x9f\x98\x80"),
        ("CJK, modifyOtherKeys 2", press(ch('字'), NONE), MOK2, b"\xe5\xad\x97"),
        ("Char CR is Enter", press(ch('\r'), NONE), LEGACY, b"\r"),
        ("Char ^A is Ctrl+a", press(ch('\x01'), NONE), LEGACY, b"\x01"),
        ("Char ^A under kitty", press(ch('\x01'), NONE), KITTY, b"\x1b[97;5u"),
        ("Char ESC is Esc", press(ch('\x1b'), NONE), KITTY, b"\x1b[27u"),
        ("C1 control has no key", press(ch('\u{9b}'), NONE), LEGACY, b""),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn editing_cases() -> Vec<KeyCase> {
    vec![
        ("Enter", press(KeyCode::Enter, NONE), LEGACY, b"\r"),
        ("Shift+Enter: newline, not submit", press(KeyCode::Enter, S), LEGACY, b"\n"),
        ("Ctrl+Enter: newline", press(KeyCode::Enter, C), LEGACY, b"\n"),
        ("Ctrl+Shift+Enter", press(KeyCode::Enter, CS), LEGACY, b"\n"),
        ("Alt+Enter", press(KeyCode::Enter, A), LEGACY, b"\x1b\r"),
        ("Alt+Shift+Enter", press(KeyCode::Enter, AS), LEGACY, b"\x1b\n"),
        ("Tab", press(KeyCode::Tab, NONE), LEGACY, b"\t"),
        ("Ctrl+Tab", press(KeyCode::Tab, C), LEGACY, b"\t"),
        ("Alt+Tab", press(KeyCode::Tab, A), LEGACY, b"\x1b\t"),
        ("Shift+Tab", press(KeyCode::Tab, S), LEGACY, b"\x1b[Z"),
        ("BackTab with SHIFT", press(KeyCode::BackTab, S), LEGACY, b"\x1b[Z"),
        ("BackTab without SHIFT", press(KeyCode::BackTab, NONE), LEGACY, b"\x1b[Z"),
        ("BackTab, DECCKM", press(KeyCode::BackTab, S), DECCKM, b"\x1b[Z"),
        ("Alt+BackTab", press(KeyCode::BackTab, AS), LEGACY, b"\x1b\x1b[Z"),
        ("Backspace", press(KeyCode::Backspace, NONE), LEGACY, b"\x7f"),
        ("Alt+Backspace", press(KeyCode::Backspace, A), LEGACY, b"\x1b\x7f"),
        ("Ctrl+Backspace", press(KeyCode::Backspace, C), LEGACY, b"\x08"),
        ("Ctrl+Alt+Backspace", press(KeyCode::Backspace, CA), LEGACY, b"\x1b\x08"),
        ("Esc", press(KeyCode::Esc, NONE), LEGACY, b"\x1b"),
        ("Alt+Esc", press(KeyCode::Esc, A), LEGACY, b"\x1b\x1b"),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn cursor_cases() -> Vec<KeyCase> {
    vec![
        ("Up", press(KeyCode::Up, NONE), LEGACY, b"\x1b[A"),
        ("Down", press(KeyCode::Down, NONE), LEGACY, b"\x1b[B"),
        ("Right", press(KeyCode::Right, NONE), LEGACY, b"\x1b[C"),
        ("Left", press(KeyCode::Left, NONE), LEGACY, b"\x1b[D"),
        ("Home", press(KeyCode::Home, NONE), LEGACY, b"\x1b[H"),
        ("End", press(KeyCode::End, NONE), LEGACY, b"\x1b[F"),
        ("Begin", press(KeyCode::KeypadBegin, NONE), LEGACY, b"\x1b[E"),
        ("Up, DECCKM", press(KeyCode::Up, NONE), DECCKM, b"\x1bOA"),
        ("Down, DECCKM", press(KeyCode::Down, NONE), DECCKM, b"\x1bOB"),
        ("Right, DECCKM", press(KeyCode::Right, NONE), DECCKM, b"\x1bOC"),
        ("Left, DECCKM", press(KeyCode::Left, NONE), DECCKM, b"\x1bOD"),
        ("Home, DECCKM", press(KeyCode::Home, NONE), DECCKM, b"\x1bOH"),
        ("End, DECCKM", press(KeyCode::End, NONE), DECCKM, b"\x1bOF"),
        ("Begin, DECCKM", press(KeyCode::KeypadBegin, NONE), DECCKM, b"\x1bOE"),
        ("Shift+Up", press(KeyCode::Up, S), LEGACY, b"\x1b[1;2A"),
        ("Alt+Left", press(KeyCode::Left, A), LEGACY, b"\x1b[1;3D"),
        ("Alt+Shift+Down", press(KeyCode::Down, AS), LEGACY, b"\x1b[1;4B"),
        ("Ctrl+Up", press(KeyCode::Up, C), LEGACY, b"\x1b[1;5A"),
        ("Ctrl+Up, DECCKM", press(KeyCode::Up, C), DECCKM, b"\x1b[1;5A"),
        ("Ctrl+Shift+Right", press(KeyCode::Right, CS), LEGACY, b"\x1b[1;6C"),
        ("Ctrl+Alt+Down", press(KeyCode::Down, CA), LEGACY, b"\x1b[1;7B"),
        ("Ctrl+Alt+Shift+Up", press(KeyCode::Up, CAS), LEGACY, b"\x1b[1;8A"),
        ("Super+Up", press(KeyCode::Up, SUPER), LEGACY, b"\x1b[1;9A"),
        ("Meta+Ctrl+Up", press(KeyCode::Up, META.union(C)), LEGACY, b"\x1b[1;13A"),
        ("Hyper+Up has no xterm bit", press(KeyCode::Up, HYPER), LEGACY, b"\x1b[A"),
        ("Shift+Home", press(KeyCode::Home, S), LEGACY, b"\x1b[1;2H"),
        ("Ctrl+End", press(KeyCode::End, C), DECCKM, b"\x1b[1;5F"),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn tilde_and_function_cases() -> Vec<KeyCase> {
    vec![
        ("Insert", press(KeyCode::Insert, NONE), LEGACY, b"\x1b[2~"),
        ("Delete", press(KeyCode::Delete, NONE), LEGACY, b"\x1b[3~"),
        ("PageUp", press(KeyCode::PageUp, NONE), LEGACY, b"\x1b[5~"),
        ("PageDown", press(KeyCode::PageDown, NONE), LEGACY, b"\x1b[6~"),
        ("Ctrl+Insert", press(KeyCode::Insert, C), LEGACY, b"\x1b[2;5~"),
        ("Ctrl+Delete", press(KeyCode::Delete, C), LEGACY, b"\x1b[3;5~"),
        ("Shift+PageUp", press(KeyCode::PageUp, S), LEGACY, b"\x1b[5;2~"),
        ("Alt+PageDown", press(KeyCode::PageDown, A), LEGACY, b"\x1b[6;3~"),
        ("F1", press(KeyCode::F(1), NONE), LEGACY, b"\x1bOP"),
        ("F2", press(KeyCode::F(2), NONE), LEGACY, b"\x1bOQ"),
        ("F3", press(KeyCode::F(3), NONE), LEGACY, b"\x1bOR"),
        ("F4", press(KeyCode::F(4), NONE), LEGACY, b"\x1bOS"),
        ("F5", press(KeyCode::F(5), NONE), LEGACY, b"\x1b[15~"),
        ("F6", press(KeyCode::F(6), NONE), LEGACY, b"\x1b[17~"),
        ("F7", press(KeyCode::F(7), NONE), LEGACY, b"\x1b[18~"),
        ("F8", press(KeyCode::F(8), NONE), LEGACY, b"\x1b[19~"),
        ("F9", press(KeyCode::F(9), NONE), LEGACY, b"\x1b[20~"),
        ("F10", press(KeyCode::F(10), NONE), LEGACY, b"\x1b[21~"),
        ("F11", press(KeyCode::F(11), NONE), LEGACY, b"\x1b[23~"),
        ("F12", press(KeyCode::F(12), NONE), LEGACY, b"\x1b[24~"),
        ("F1, DECCKM", press(KeyCode::F(1), NONE), DECCKM, b"\x1bOP"),
        ("Shift+F1", press(KeyCode::F(1), S), LEGACY, b"\x1b[1;2P"),
        ("Ctrl+Shift+F3", press(KeyCode::F(3), CS), LEGACY, b"\x1b[1;6R"),
        ("Ctrl+F4", press(KeyCode::F(4), C), LEGACY, b"\x1b[1;5S"),
        ("Alt+F5", press(KeyCode::F(5), A), LEGACY, b"\x1b[15;3~"),
        ("Ctrl+F12", press(KeyCode::F(12), C), LEGACY, b"\x1b[24;5~"),
        ("Menu", press(KeyCode::Menu, NONE), LEGACY, b"\x1b[29~"),
        ("F13 has no legacy form", press(KeyCode::F(13), NONE), LEGACY, b""),
        ("F0 does not exist", press(KeyCode::F(0), NONE), LEGACY, b""),
        ("F36 does not exist", press(KeyCode::F(36), NONE), KITTY, b""),
        ("CapsLock", press(KeyCode::CapsLock, NONE), LEGACY, b""),
        ("media key", press(KeyCode::Media(MediaKeyCode::Play), NONE), LEGACY, b""),
        ("lone modifier", press(KeyCode::Modifier(ModifierKeyCode::LeftShift), S), LEGACY, b""),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn ctrl_alt_cases() -> Vec<KeyCase> {
    vec![
        ("Ctrl+a", press(ch('a'), C), LEGACY, b"\x01"),
        ("Ctrl+c", press(ch('c'), C), LEGACY, b"\x03"),
        ("Ctrl+z", press(ch('z'), C), LEGACY, b"\x1a"),
        ("Ctrl+Shift+a drops shift", press(ch('A'), CS), LEGACY, b"\x01"),
        ("Ctrl+Space", press(ch(' '), C), LEGACY, b"\x00"),
        ("Null key", press(KeyCode::Null, NONE), LEGACY, b"\x00"),
        ("Ctrl+@", press(ch('@'), C), LEGACY, b"\x00"),
        ("Ctrl+2", press(ch('2'), C), LEGACY, b"\x00"),
        ("Ctrl+[", press(ch('['), C), LEGACY, b"\x1b"),
        ("Ctrl+\\", press(ch('\\'), C), LEGACY, b"\x1c"),
        ("Ctrl+4, crossterm's Ctrl+\\", press(ch('4'), C), LEGACY, b"\x1c"),
        ("Ctrl+]", press(ch(']'), C), LEGACY, b"\x1d"),
        ("Ctrl+^", press(ch('^'), C), LEGACY, b"\x1e"),
        ("Ctrl+_", press(ch('_'), C), LEGACY, b"\x1f"),
        ("Ctrl+/", press(ch('/'), C), LEGACY, b"\x1f"),
        ("Ctrl+?", press(ch('?'), C), LEGACY, b"\x7f"),
        ("Ctrl+1 has no C0", press(ch('1'), C), LEGACY, b"1"),
        ("Ctrl+e acute has no C0", press(ch('é'), C), LEGACY, b"\xc3\xa9"),
        ("Alt+a", press(ch('a'), A), LEGACY, b"\x1ba"),
        ("Alt+Shift+a", press(ch('A'), AS), LEGACY, b"\x1bA"),
        ("Alt+Shift+a, kitty spelling", press(ch('a'), AS), LEGACY, b"\x1bA"),
        ("Alt+.", press(ch('.'), A), LEGACY, b"\x1b."),
        ("Alt+e acute", press(ch('é'), A), LEGACY, b"\x1b\xc3\xa9"),
        ("Alt+CJK", press(ch('漢'), A), LEGACY, b"\x1b\xe6\xbc\xa2"),
        ("Ctrl+Alt+a", press(ch('a'), CA), LEGACY, b"\x1b\x01"),
        ("Ctrl+Alt+Space", press(ch(' '), CA), LEGACY, b"\x1b\x00"),
        ("Super+a has no legacy bit", press(ch('a'), SUPER), LEGACY, b"a"),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn modify_other_keys_cases() -> Vec<KeyCase> {
    vec![
        ("L2 Enter", press(KeyCode::Enter, NONE), MOK2, b"\r"),
        ("L2 Shift+Enter", press(KeyCode::Enter, S), MOK2, b"\x1b[27;2;13~"),
        ("L2 Ctrl+Enter", press(KeyCode::Enter, C), MOK2, b"\x1b[27;5;13~"),
        ("L2 Alt+Enter", press(KeyCode::Enter, A), MOK2, b"\x1b[27;3;13~"),
        ("L2 a", press(ch('a'), NONE), MOK2, b"a"),
        ("L2 Shift+a is text", press(ch('A'), S), MOK2, b"A"),
        ("L2 Shift+space is text", press(ch(' '), S), MOK2, b" "),
        ("L2 Ctrl+a", press(ch('a'), C), MOK2, b"\x1b[27;5;97~"),
        ("L2 Ctrl+Shift+a", press(ch('A'), CS), MOK2, b"\x1b[27;6;65~"),
        ("L2 Ctrl+Shift+a, kitty spelling", press(ch('a'), CS), MOK2, b"\x1b[27;6;65~"),
        ("L2 Alt+a", press(ch('a'), A), MOK2, b"\x1b[27;3;97~"),
        ("L2 Ctrl+Space", press(ch(' '), C), MOK2, b"\x1b[27;5;32~"),
        ("L2 Ctrl+e acute", press(ch('é'), C), MOK2, b"\x1b[27;5;233~"),
        ("L2 Super+a", press(ch('a'), SUPER), MOK2, b"\x1b[27;9;97~"),
        ("L2 Hyper+a has no xterm bit", press(ch('a'), HYPER), MOK2, b"a"),
        ("L2 Shift+Tab", press(KeyCode::BackTab, S), MOK2, b"\x1b[27;2;9~"),
        ("L2 Ctrl+Tab", press(KeyCode::Tab, C), MOK2, b"\x1b[27;5;9~"),
        ("L2 Alt+Backspace", press(KeyCode::Backspace, A), MOK2, b"\x1b[27;3;127~"),
        ("L2 Ctrl+Esc", press(KeyCode::Esc, C), MOK2, b"\x1b[27;5;27~"),
        ("L2 Esc", press(KeyCode::Esc, NONE), MOK2, b"\x1b"),
        ("L2 Ctrl+Up stays legacy", press(KeyCode::Up, C), MOK2, b"\x1b[1;5A"),
        ("L2 Ctrl+F5 stays legacy", press(KeyCode::F(5), C), MOK2, b"\x1b[15;5~"),
        ("L1 Shift+Enter", press(KeyCode::Enter, S), MOK1, b"\x1b[27;2;13~"),
        ("L1 Ctrl+Enter", press(KeyCode::Enter, C), MOK1, b"\x1b[27;5;13~"),
        ("L1 Alt+Enter", press(KeyCode::Enter, A), MOK1, b"\x1b\r"),
        ("L1 Ctrl+a", press(ch('a'), C), MOK1, b"\x01"),
        ("L1 Alt+a", press(ch('a'), A), MOK1, b"\x1ba"),
        ("L1 Shift+a", press(ch('A'), S), MOK1, b"A"),
        ("L1 Ctrl+Shift+a", press(ch('A'), CS), MOK1, b"\x1b[27;6;65~"),
        ("L1 Ctrl+1", press(ch('1'), C), MOK1, b"\x1b[27;5;49~"),
        ("L1 Super+a", press(ch('a'), SUPER), MOK1, b"\x1b[27;9;97~"),
        ("L1 Shift+Tab", press(KeyCode::BackTab, S), MOK1, b"\x1b[Z"),
        ("L1 Ctrl+Tab", press(KeyCode::Tab, C), MOK1, b"\x1b[27;5;9~"),
        ("L1 Ctrl+Backspace", press(KeyCode::Backspace, C), MOK1, b"\x08"),
        ("L1 Shift+Backspace", press(KeyCode::Backspace, S), MOK1, b"\x1b[27;2;127~"),
        ("L1 Alt+Esc", press(KeyCode::Esc, A), MOK1, b"\x1b\x1b"),
        ("L1 Up, DECCKM off", press(KeyCode::Up, NONE), MOK1, b"\x1b[A"),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn kitty_disambiguate_cases() -> Vec<KeyCase> {
    vec![
        ("a", press(ch('a'), NONE), KITTY, b"a"),
        ("Shift+a", press(ch('A'), S), KITTY, b"A"),
        ("Shift+a, kitty spelling", press(ch('a'), S), KITTY, b"A"),
        ("CJK", press(ch('漢'), NONE), KITTY, b"\xe6\xbc\xa2"),
        ("Ctrl+a", press(ch('a'), C), KITTY, b"\x1b[97;5u"),
        ("Ctrl+c", press(ch('c'), C), KITTY, b"\x1b[99;5u"),
        ("Ctrl+Shift+a", press(ch('A'), CS), KITTY, b"\x1b[97;6u"),
        ("Ctrl+Shift+a, kitty spelling", press(ch('a'), CS), KITTY, b"\x1b[97;6u"),
        ("Alt+a", press(ch('a'), A), KITTY, b"\x1b[97;3u"),
        ("Alt+Shift+a", press(ch('A'), AS), KITTY, b"\x1b[97;4u"),
        ("Ctrl+Alt+a", press(ch('a'), CA), KITTY, b"\x1b[97;7u"),
        ("Ctrl+Space", press(ch(' '), C), KITTY, b"\x1b[32;5u"),
        ("Null key", press(KeyCode::Null, NONE), KITTY, b"\x1b[32;5u"),
        ("Ctrl+1", press(ch('1'), C), KITTY, b"\x1b[49;5u"),
        ("Ctrl+e acute", press(ch('é'), C), KITTY, b"\x1b[233;5u"),
        ("Super+a", press(ch('a'), SUPER), KITTY, b"\x1b[97;9u"),
        ("Hyper+a", press(ch('a'), HYPER), KITTY, b"\x1b[97;17u"),
        ("Meta+a", press(ch('a'), META), KITTY, b"\x1b[97;33u"),
        ("Enter", press(KeyCode::Enter, NONE), KITTY, b"\r"),
        ("Shift+Enter", press(KeyCode::Enter, S), KITTY, b"\x1b[13;2u"),
        ("Ctrl+Enter", press(KeyCode::Enter, C), KITTY, b"\x1b[13;5u"),
        ("Alt+Enter", press(KeyCode::Enter, A), KITTY, b"\x1b[13;3u"),
        ("Shift+Enter beats modifyOtherKeys", press(KeyCode::Enter, S), KITTY_MOK2, b"\x1b[13;2u"),
        ("Tab", press(KeyCode::Tab, NONE), KITTY, b"\t"),
        ("Shift+Tab", press(KeyCode::BackTab, S), KITTY, b"\x1b[9;2u"),
        ("Ctrl+Tab", press(KeyCode::Tab, C), KITTY, b"\x1b[9;5u"),
        ("Backspace", press(KeyCode::Backspace, NONE), KITTY, b"\x7f"),
        ("Alt+Backspace", press(KeyCode::Backspace, A), KITTY, b"\x1b[127;3u"),
        ("Ctrl+Backspace", press(KeyCode::Backspace, C), KITTY, b"\x1b[127;5u"),
        ("Esc", press(KeyCode::Esc, NONE), KITTY, b"\x1b[27u"),
        ("Alt+Esc", press(KeyCode::Esc, A), KITTY, b"\x1b[27;3u"),
        ("Up", press(KeyCode::Up, NONE), KITTY, b"\x1b[A"),
        ("Up, DECCKM ignored", press(KeyCode::Up, NONE), KITTY_DECCKM, b"\x1b[A"),
        ("Ctrl+Up", press(KeyCode::Up, C), KITTY, b"\x1b[1;5A"),
        ("Home", press(KeyCode::Home, NONE), KITTY, b"\x1b[H"),
        ("Shift+End", press(KeyCode::End, S), KITTY, b"\x1b[1;2F"),
        ("Super+Left", press(KeyCode::Left, SUPER), KITTY, b"\x1b[1;9D"),
        ("F1", press(KeyCode::F(1), NONE), KITTY, b"\x1b[P"),
        ("F2", press(KeyCode::F(2), NONE), KITTY, b"\x1b[Q"),
        ("F3 avoids CSI R", press(KeyCode::F(3), NONE), KITTY, b"\x1b[13~"),
        ("Shift+F3", press(KeyCode::F(3), S), KITTY, b"\x1b[13;2~"),
        ("F4", press(KeyCode::F(4), NONE), KITTY, b"\x1b[S"),
        ("Ctrl+F1", press(KeyCode::F(1), C), KITTY, b"\x1b[1;5P"),
        ("F5", press(KeyCode::F(5), NONE), KITTY, b"\x1b[15~"),
        ("Ctrl+F12", press(KeyCode::F(12), C), KITTY, b"\x1b[24;5~"),
        ("Insert", press(KeyCode::Insert, NONE), KITTY, b"\x1b[2~"),
        ("Ctrl+Delete", press(KeyCode::Delete, C), KITTY, b"\x1b[3;5~"),
        ("F13", press(KeyCode::F(13), NONE), KITTY, b"\x1b[57376u"),
        ("Ctrl+F35", press(KeyCode::F(35), C), KITTY, b"\x1b[57398;5u"),
        ("CapsLock", press(KeyCode::CapsLock, NONE), KITTY, b"\x1b[57358u"),
        ("PrintScreen", press(KeyCode::PrintScreen, NONE), KITTY, b"\x1b[57361u"),
        ("Menu", press(KeyCode::Menu, NONE), KITTY, b"\x1b[57363u"),
        ("media key", press(KeyCode::Media(MediaKeyCode::PlayPause), NONE), KITTY, b"\x1b[57430u"),
        ("lone modifier needs all keys", press(KeyCode::Modifier(ModifierKeyCode::LeftShift), S), KITTY, b""),
        ("keypad 1 types", keypad(ch('1'), NONE), KITTY, b"1"),
        ("Ctrl+keypad 1", keypad(ch('1'), C), KITTY, b"\x1b[57400;5u"),
        ("keypad Enter", keypad(KeyCode::Enter, NONE), KITTY, b"\x1b[57414u"),
        ("keypad Up", keypad(KeyCode::Up, NONE), KITTY, b"\x1b[57419u"),
        ("keypad PageDown", keypad(KeyCode::PageDown, NONE), KITTY, b"\x1b[57422u"),
        ("keypad Begin", keypad(KeyCode::KeypadBegin, NONE), KITTY, b"\x1b[57427u"),
        ("keypad 1 in legacy mode", keypad(ch('1'), C), LEGACY, b"1"),
        ("keypad Enter in legacy mode", keypad(KeyCode::Enter, NONE), LEGACY, b"\r"),
        ("event types alone stay legacy", press(KeyCode::Enter, S), EVENT_TYPES_ONLY, b"\n"),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn kitty_enhanced_cases() -> Vec<KeyCase> {
    vec![
        ("Codex Shift+a", press(ch('A'), S), CODEX, b"A"),
        ("Codex Ctrl+a", press(ch('a'), C), CODEX, b"\x1b[97;5u"),
        ("Codex Ctrl+Shift+a", press(ch('A'), CS), CODEX, b"\x1b[97:65;6u"),
        ("Codex Alt+Shift+a", press(ch('a'), AS), CODEX, b"\x1b[97:65;4u"),
        ("Codex Ctrl+Shift+1", press(ch('1'), CS), CODEX, b"\x1b[49;6u"),
        ("Codex Shift+Enter", press(KeyCode::Enter, S), CODEX, b"\x1b[13;2u"),
        ("Codex Up", press(KeyCode::Up, NONE), CODEX, b"\x1b[A"),
        ("Codex repeat Up", repeat(KeyCode::Up, NONE), CODEX, b"\x1b[1;1:2A"),
        ("Codex repeat Ctrl+a", repeat(ch('a'), C), CODEX, b"\x1b[97;5:2u"),
        ("Codex repeat Shift+Enter", repeat(KeyCode::Enter, S), CODEX, b"\x1b[13;2:2u"),
        ("Codex repeat Delete", repeat(KeyCode::Delete, NONE), CODEX, b"\x1b[3;1:2~"),
        ("Codex repeat a types", repeat(ch('a'), NONE), CODEX, b"a"),
        ("Codex repeat Enter", repeat(KeyCode::Enter, NONE), CODEX, b"\r"),
        ("repeat without event types", repeat(KeyCode::Up, NONE), KITTY, b"\x1b[A"),
        ("all keys: a", press(ch('a'), NONE), ALL_KEYS, b"\x1b[97u"),
        ("all keys: Shift+a", press(ch('A'), S), ALL_KEYS, b"\x1b[97;2u"),
        ("all keys: 1", press(ch('1'), NONE), ALL_KEYS, b"\x1b[49u"),
        ("all keys: CJK", press(ch('漢'), NONE), ALL_KEYS, b"\x1b[28450u"),
        ("all keys: emoji", press(ch('😀'), NONE), ALL_KEYS, b"\x1b[128512u"),
        ("all keys: Enter", press(KeyCode::Enter, NONE), ALL_KEYS, b"\x1b[13u"),
        ("all keys: Tab", press(KeyCode::Tab, NONE), ALL_KEYS, b"\x1b[9u"),
        ("all keys: Backspace", press(KeyCode::Backspace, NONE), ALL_KEYS, b"\x1b[127u"),
        ("all keys: Esc", press(KeyCode::Esc, NONE), ALL_KEYS, b"\x1b[27u"),
        ("all keys: Shift+Enter", press(KeyCode::Enter, S), ALL_KEYS, b"\x1b[13;2u"),
        ("all keys: Up", press(KeyCode::Up, NONE), ALL_KEYS, b"\x1b[A"),
        ("all keys: keypad 1", keypad(ch('1'), NONE), ALL_KEYS, b"\x1b[57400u"),
        ("all keys: left shift", press(KeyCode::Modifier(ModifierKeyCode::LeftShift), S), ALL_KEYS, b"\x1b[57441;2u"),
        ("all keys: right alt", press(KeyCode::Modifier(ModifierKeyCode::RightAlt), A), ALL_KEYS, b"\x1b[57449;3u"),
        ("all-keys flag alone", press(ch('a'), NONE), ALL_KEYS_ONLY, b"\x1b[97u"),
        ("text: a", press(ch('a'), NONE), ALL_KEYS_TEXT, b"\x1b[97;;97u"),
        ("text: Shift+a", press(ch('A'), S), ALL_KEYS_TEXT, b"\x1b[97;2;65u"),
        ("text: e acute", press(ch('é'), NONE), ALL_KEYS_TEXT, b"\x1b[233;;233u"),
        ("text: Ctrl+a types none", press(ch('a'), C), ALL_KEYS_TEXT, b"\x1b[97;5u"),
        ("text: Enter types none", press(KeyCode::Enter, NONE), ALL_KEYS_TEXT, b"\x1b[13u"),
        ("text and alternates: Shift+a", press(ch('A'), S), ALL_KEYS_TEXT_ALTERNATES, b"\x1b[97:65;2;65u"),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn event_kind_cases() -> Vec<KeyCase> {
    vec![
        ("release a", release(ch('a'), NONE), LEGACY, b""),
        ("release Enter", release(KeyCode::Enter, NONE), LEGACY, b""),
        ("release Shift+Enter, kitty", release(KeyCode::Enter, S), CODEX, b""),
        ("release a, all keys", release(ch('a'), NONE), ALL_KEYS, b""),
        ("release Up, DECCKM", release(KeyCode::Up, NONE), DECCKM, b""),
        ("repeat a", repeat(ch('a'), NONE), LEGACY, b"a"),
        ("repeat Up", repeat(KeyCode::Up, NONE), LEGACY, b"\x1b[A"),
        ("repeat Backspace", repeat(KeyCode::Backspace, NONE), MOK2, b"\x7f"),
    ]
}

#[rustfmt::skip] // a table reads across: one row per line
fn all_key_cases() -> Vec<KeyCase> {
    [
        printable_cases(),
        editing_cases(),
        cursor_cases(),
        tilde_and_function_cases(),
        ctrl_alt_cases(),
        modify_other_keys_cases(),
        kitty_disambiguate_cases(),
        kitty_enhanced_cases(),
        event_kind_cases(),
    ]
    .concat()
}

/// Shows bytes the way the table writes them, so a failure reads as a diff.
fn escaped(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

#[test]
fn keys_encode_as_the_table_says() {
    let failures: Vec<String> = all_key_cases()
        .into_iter()
        .filter_map(|(what, event, modes, expected)| {
            let got = encode_key(&event, &modes);
            (got != expected).then(|| {
                format!(
                    "{what}: expected b\"{}\", got b\"{}\"",
                    escaped(expected),
                    escaped(&got)
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn key_table_is_big_and_has_unique_rows() {
    let cases = all_key_cases();
    assert!(cases.len() > 250, "only {} rows", cases.len());
    let mut names: Vec<(&str, InputModes)> = cases.iter().map(|c| (c.0, c.2)).collect();
    names.sort_by_key(|(what, modes)| (*what, format!("{modes:?}")));
    let before = names.len();
    names.dedup();
    assert_eq!(
        before,
        names.len(),
        "two rows share a description and modes"
    );
}

type PasteCase = (&'static str, &'static str, PasteMode, &'static [u8]);

#[rustfmt::skip] // a table reads across: one row per line
fn paste_cases() -> Vec<PasteCase> {
    use PasteMode::{Bracketed, Plain};
    vec![
        ("plain text", "hello", Plain, b"hello"),
        ("plain LF becomes CR", "a\nb", Plain, b"a\rb"),
        ("plain CRLF becomes CR", "a\r\nb", Plain, b"a\rb"),
        ("plain CR stays", "a\rb", Plain, b"a\rb"),
        ("plain blank line", "a\n\nb", Plain, b"a\r\rb"),
        ("plain trailing newline", "ls\n", Plain, b"ls\r"),
        ("plain tab stays", "a\tb", Plain, b"a\tb"),
        ("plain ESC dropped", "a\x1b[Ab", Plain, b"a[Ab"),
        ("plain Ctrl+C dropped", "a\x03b", Plain, b"ab"),
        ("plain Unicode", "日本語 😀", Plain, b"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80"),
        ("plain empty", "", Plain, b""),
        ("bracketed text", "hello", Bracketed, b"\x1b[200~hello\x1b[201~"),
        ("bracketed keeps LF", "a\nb", Bracketed, b"\x1b[200~a\nb\x1b[201~"),
        ("bracketed keeps CRLF", "a\r\nb", Bracketed, b"\x1b[200~a\r\nb\x1b[201~"),
        ("bracketed keeps tab", "a\tb", Bracketed, b"\x1b[200~a\tb\x1b[201~"),
        ("bracketed Unicode", "é漢😀", Bracketed, b"\x1b[200~\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80\x1b[201~"),
        ("end marker injection", "x\x1b[201~rm -rf ~\n", Bracketed, b"\x1b[200~xrm -rf ~\n\x1b[201~"),
        ("end marker spliced from two halves", "\x1b[20\x1b[201~1~", Bracketed, b"\x1b[200~[201~\x1b[201~"),
        ("start marker inside", "a\x1b[200~b", Bracketed, b"\x1b[200~ab\x1b[201~"),
        ("two end markers", "\x1b[201~\x1b[201~", Bracketed, b""),
        ("C0 controls dropped", "a\x03b\x07c\x00d\x7fe", Bracketed, b"\x1b[200~abcde\x1b[201~"),
        ("C1 CSI dropped", "a\u{9b}201~b", Bracketed, b"\x1b[200~a201~b\x1b[201~"),
        ("OSC 52 injection", "\x1b]52;c;AAAA\x07", Bracketed, b"\x1b[200~]52;c;AAAA\x1b[201~"),
        ("lone ESC", "\x1b", Bracketed, b""),
        ("bracketed empty", "", Bracketed, b""),
    ]
}

#[test]
fn pastes_encode_as_the_table_says() {
    let failures: Vec<String> = paste_cases()
        .into_iter()
        .filter_map(|(what, text, paste, expected)| {
            let modes = InputModes { paste, ..LEGACY };
            let got = encode_paste(text, &modes);
            (got != expected).then(|| {
                format!(
                    "{what}: expected b\"{}\", got b\"{}\"",
                    escaped(expected),
                    escaped(&got)
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn paste_ignores_key_modes() {
    let kitty_app = InputModes {
        paste: PasteMode::Bracketed,
        ..KITTY_DECCKM
    };
    assert_eq!(encode_paste("a\nb", &kitty_app), b"\x1b[200~a\nb\x1b[201~");
}
