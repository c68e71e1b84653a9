//! Strategies for hostile input events: every crossterm key code, modifier
//! set, event kind and keyboard state, every mode a program can switch on
//! (kitty flag bits no program can set included), paste text built to break
//! out of bracketed paste, mouse events far past what encodings carry, and
//! the keys of the dashboard's own editors and scroll mode.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MediaKeyCode, ModifierKeyCode,
    MouseButton, MouseEvent, MouseEventKind,
};
use grove::pane::keys::{CursorKeys, InputModes, KittyFlags, ModifyOtherKeys, PasteMode};
use proptest::prelude::*;

/// Characters a key can carry: ordinary, shiftable, controls, C1, DEL,
/// multi-character case mappings, wide and combining ones, and anything.
pub fn key_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::char::range(' ', '~'),
        2 => prop::char::range('\0', '\x1f'),
        1 => prop::char::range('\u{7f}', '\u{9f}'),
        2 => prop::sample::select(vec![
            'ß', 'ǅ', 'İ', 'ŉ', 'ﬀ', 'Σ', 'é', 'É', '中', '😀', '\u{301}', '\u{200d}',
            '\u{2028}', '\u{feff}', '\u{fffd}', '\u{10ffff}', 'ｱ',
        ]),
        2 => any::<char>(),
    ]
}

pub fn key_code() -> impl Strategy<Value = KeyCode> {
    let media = prop::sample::select(vec![
        MediaKeyCode::Play,
        MediaKeyCode::Pause,
        MediaKeyCode::PlayPause,
        MediaKeyCode::Reverse,
        MediaKeyCode::Stop,
        MediaKeyCode::FastForward,
        MediaKeyCode::Rewind,
        MediaKeyCode::TrackNext,
        MediaKeyCode::TrackPrevious,
        MediaKeyCode::Record,
        MediaKeyCode::LowerVolume,
        MediaKeyCode::RaiseVolume,
        MediaKeyCode::MuteVolume,
    ]);
    let modifier = prop::sample::select(vec![
        ModifierKeyCode::LeftShift,
        ModifierKeyCode::LeftControl,
        ModifierKeyCode::LeftAlt,
        ModifierKeyCode::LeftSuper,
        ModifierKeyCode::LeftHyper,
        ModifierKeyCode::LeftMeta,
        ModifierKeyCode::RightShift,
        ModifierKeyCode::RightControl,
        ModifierKeyCode::RightAlt,
        ModifierKeyCode::RightSuper,
        ModifierKeyCode::RightHyper,
        ModifierKeyCode::RightMeta,
        ModifierKeyCode::IsoLevel3Shift,
        ModifierKeyCode::IsoLevel5Shift,
    ]);
    prop_oneof![
        6 => key_char().prop_map(KeyCode::Char),
        1 => any::<u8>().prop_map(KeyCode::F),
        3 => prop::sample::select(vec![
            KeyCode::Backspace,
            KeyCode::Enter,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Delete,
            KeyCode::Insert,
            KeyCode::Null,
            KeyCode::Esc,
            KeyCode::CapsLock,
            KeyCode::ScrollLock,
            KeyCode::NumLock,
            KeyCode::PrintScreen,
            KeyCode::Pause,
            KeyCode::Menu,
            KeyCode::KeypadBegin,
        ]),
        1 => media.prop_map(KeyCode::Media),
        1 => modifier.prop_map(KeyCode::Modifier),
    ]
}

pub fn key_event() -> impl Strategy<Value = KeyEvent> {
    (
        key_code(),
        any::<u8>(),
        prop::sample::select(vec![
            KeyEventKind::Press,
            KeyEventKind::Repeat,
            KeyEventKind::Release,
        ]),
        any::<u8>(),
    )
        .prop_map(|(code, modifiers, kind, state)| KeyEvent {
            code,
            modifiers: KeyModifiers::from_bits_truncate(modifiers),
            kind,
            state: KeyEventState::from_bits_truncate(state),
        })
}

pub fn input_modes() -> impl Strategy<Value = InputModes> {
    (
        prop::bool::ANY,
        prop::bool::ANY,
        prop::sample::select(vec![
            ModifyOtherKeys::Off,
            ModifyOtherKeys::Level1,
            ModifyOtherKeys::Level2,
        ]),
        any::<u8>(),
    )
        .prop_map(
            |(application, bracketed, modify_other_keys, kitty)| InputModes {
                cursor_keys: if application {
                    CursorKeys::Application
                } else {
                    CursorKeys::Normal
                },
                paste: if bracketed {
                    PasteMode::Bracketed
                } else {
                    PasteMode::Plain
                },
                modify_other_keys,
                kitty: KittyFlags(kitty),
            },
        )
}

/// Paste text, mostly built from the pieces that attack bracketed paste.
pub fn paste_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[ -~]{0,12}",
        2 => prop::sample::select(vec![
            "\x1b[201~", "\x1b[200~", "\x1b", "[201~", "\x1b[20", "1~", "\x1b\x1b[201~",
            "\u{9b}201~", "\u{9b}", "\r\n", "\n", "\r", "\t", "\0", "\x07", "\x7f", "\u{85}",
            "$(touch pwned)", "`id`", "'\"", "é中😀", "\u{202e}", "\x1b]0;x\x07",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|parts| parts.concat())
}

pub fn mouse_event() -> impl Strategy<Value = MouseEvent> {
    let button = prop::sample::select(vec![
        MouseButton::Left,
        MouseButton::Middle,
        MouseButton::Right,
    ]);
    let kind = prop_oneof![
        button.clone().prop_map(MouseEventKind::Down),
        button.clone().prop_map(MouseEventKind::Up),
        button.prop_map(MouseEventKind::Drag),
        prop::sample::select(vec![
            MouseEventKind::Moved,
            MouseEventKind::ScrollUp,
            MouseEventKind::ScrollDown,
            MouseEventKind::ScrollLeft,
            MouseEventKind::ScrollRight,
        ]),
    ];
    let coordinate = prop_oneof![0u16..300, 200u16..2100, Just(u16::MAX)];
    (kind, coordinate.clone(), coordinate, any::<u8>()).prop_map(|(kind, column, row, m)| {
        MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::from_bits_truncate(m),
        }
    })
}

/// Keys for the dashboard's own editors and scroll mode.
pub fn dashboard_key() -> impl Strategy<Value = KeyEvent> {
    let code = prop_oneof![
        4 => prop::sample::select(vec![
            'g', 'G', 'k', 'j', 'v', 'y', 'n', 'N', '/', ' ', 'u', 'b', 'f', 'd', 'q', 'x',
        ])
        .prop_map(KeyCode::Char),
        2 => prop::sample::select(vec![
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Enter,
            KeyCode::Backspace,
            KeyCode::Tab,
            KeyCode::BackTab,
        ]),
        1 => key_code(),
    ];
    (
        code,
        prop::sample::select(vec![
            KeyModifiers::NONE,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
        ]),
    )
        .prop_map(|(code, modifiers)| KeyEvent::new(code, modifiers))
}
