//! Hostile input to the key, paste and mouse encoders and to the key syntax
//! of `grove send --key` and the config: every crossterm key code, every
//! modifier and event kind, every mode a program can switch on (including
//! kitty flag bits no program can set), control and C1 characters, paste
//! text built to break out of bracketed paste, and mouse positions far past
//! what each encoding can carry.
//!
//! What must hold: nothing panics; a key becomes at most one complete key
//! report (valid UTF-8, no sequence left open); a paste can never end the
//! bracket early or carry a control character, and text without controls
//! arrives exactly; a mouse report is complete and in range; a key name that
//! does not parse is one line of error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MediaKeyCode, ModifierKeyCode,
    MouseButton, MouseEvent, MouseEventKind,
};
use grove::pane::keys::{
    CursorKeys, InputModes, KittyFlags, ModifyOtherKeys, PasteMode, encode_key, encode_paste,
};
use grove::pane::mouse::encode_mouse;
use std::sync::LazyLock;

use proptest::prelude::*;
use regex::Regex;
use vt100::{MouseProtocolEncoding, MouseProtocolMode};

// ------------------------------------------------------------ strategies

/// Characters a key can carry: ordinary, shiftable, controls, C1, DEL,
/// multi-character case mappings, wide and combining ones, and anything.
fn key_char() -> impl Strategy<Value = char> {
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

fn key_code() -> impl Strategy<Value = KeyCode> {
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

fn key_event() -> impl Strategy<Value = KeyEvent> {
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

fn input_modes() -> impl Strategy<Value = InputModes> {
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
fn paste_text() -> impl Strategy<Value = String> {
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

fn mouse_event() -> impl Strategy<Value = MouseEvent> {
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

// ------------------------------------------------------------ checks

/// At most one key report: an optional Alt ESC, then one character, one
/// C0 byte, a lone ESC, `SS3 X`, or one complete CSI sequence.
fn key_grammar() -> &'static Regex {
    static GRAMMAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?s)\x1b?(?:\x1b\[[0-9;:]*[@-~]|\x1bO[@-~]|\x1b|[^\x1b])?$").unwrap()
    });
    &GRAMMAR
}

/// The paste sanitiser's contract, written independently: markers go
/// whole, then every control but tab, LF and CR.
fn sanitized(text: &str) -> String {
    static MARKERS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\x1b\[20[01]~").unwrap());
    MARKERS
        .replace_all(text, "")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

proptest! {
    #![proptest_config(hostile::config(2_000))]

    #[test]
    fn any_key_in_any_mode_is_at_most_one_complete_report(
        event in key_event(),
        modes in input_modes(),
    ) {
        let bytes = encode_key(&event, &modes);
        let text = String::from_utf8(bytes.clone());
        prop_assert!(text.is_ok(), "{event:?} in {modes:?} gave non-UTF-8 {bytes:?}");
        let text = text.unwrap();
        prop_assert!(key_grammar().is_match(&text), "{event:?} in {modes:?} gave {text:?}");
        if event.kind == KeyEventKind::Release {
            prop_assert!(bytes.is_empty(), "a release typed {text:?}");
        }
        // C1 controls have no key: none may come out as text that a
        // terminal reading 8-bit controls would obey.
        prop_assert!(!text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)), "{text:?}");
    }

    /// A plain character with no modifier types itself in every mode that
    /// does not ask for all keys as escapes.
    #[test]
    fn an_unmodified_character_types_itself(
        c in key_char().prop_filter("a control has no text", |c| !c.is_control()),
        modes in input_modes().prop_map(|mut modes| {
            modes.kitty.0 &= !KittyFlags::REPORT_ALL_KEYS_AS_ESCAPES;
            modes
        }),
    ) {
        let event = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        prop_assert_eq!(encode_key(&event, &modes), c.to_string().into_bytes());
    }

    #[test]
    fn a_paste_cannot_escape_its_brackets_or_carry_controls(text in paste_text()) {
        let clean = sanitized(&text);
        let bracketed = InputModes { paste: PasteMode::Bracketed, ..InputModes::default() };
        let bytes = encode_paste(&text, &bracketed);
        if clean.is_empty() {
            prop_assert!(bytes.is_empty());
        } else {
            let out = String::from_utf8(bytes).unwrap();
            let body = out
                .strip_prefix("\x1b[200~")
                .and_then(|rest| rest.strip_suffix("\x1b[201~"));
            prop_assert!(body.is_some(), "not one bracketed paste: {out:?}");
            prop_assert_eq!(body.unwrap(), clean.as_str());
        }
        let plain = String::from_utf8(encode_paste(&text, &InputModes::default())).unwrap();
        prop_assert!(
            plain.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\r')),
            "plain paste {plain:?}"
        );
        prop_assert_eq!(plain, clean.replace("\r\n", "\r").replace('\n', "\r"));
    }

    /// Text without control characters (quotes, `$(…)`, backticks, any
    /// script) arrives exactly as written.
    #[test]
    fn paste_text_without_controls_arrives_exactly(text in "[^\\p{Cc}]{1,80}") {
        let bracketed = InputModes { paste: PasteMode::Bracketed, ..InputModes::default() };
        prop_assert_eq!(
            encode_paste(&text, &bracketed),
            format!("\x1b[200~{text}\x1b[201~").into_bytes()
        );
        prop_assert_eq!(encode_paste(&text, &InputModes::default()), text.into_bytes());
    }

    #[test]
    fn a_mouse_report_is_complete_and_in_range(
        event in mouse_event(),
        origin in (0u16..100, 0u16..100),
        mode in prop::sample::select(vec![
            MouseProtocolMode::None,
            MouseProtocolMode::Press,
            MouseProtocolMode::PressRelease,
            MouseProtocolMode::ButtonMotion,
            MouseProtocolMode::AnyMotion,
        ]),
        encoding in prop::sample::select(vec![
            MouseProtocolEncoding::Default,
            MouseProtocolEncoding::Utf8,
            MouseProtocolEncoding::Sgr,
        ]),
    ) {
        let Some(bytes) = encode_mouse(&event, origin, mode, encoding) else {
            return Ok(());
        };
        prop_assert!(mode != MouseProtocolMode::None);
        prop_assert!(event.column >= origin.0 && event.row >= origin.1);
        let x = u32::from(event.column - origin.0) + 1;
        let y = u32::from(event.row - origin.1) + 1;
        match encoding {
            MouseProtocolEncoding::Sgr => {
                let text = String::from_utf8(bytes).unwrap();
                let sgr = Regex::new(r"^\x1b\[<([0-9]+);([0-9]+);([0-9]+)[Mm]$").unwrap();
                let c = sgr.captures(&text);
                prop_assert!(c.is_some(), "{text:?}");
                let c = c.unwrap();
                prop_assert_eq!(c[2].parse::<u32>().unwrap(), x);
                prop_assert_eq!(c[3].parse::<u32>().unwrap(), y);
            }
            MouseProtocolEncoding::Default => {
                prop_assert_eq!(bytes.len(), 6);
                prop_assert_eq!(&bytes[..3], b"\x1b[M");
                prop_assert!(bytes[3..].iter().all(|b| *b >= 32));
                prop_assert_eq!(u32::from(bytes[4]) - 32, x);
                prop_assert_eq!(u32::from(bytes[5]) - 32, y);
            }
            MouseProtocolEncoding::Utf8 => {
                let text = String::from_utf8(bytes).unwrap();
                let values: Vec<u32> = text.strip_prefix("\x1b[M").unwrap().chars().map(u32::from).collect();
                prop_assert_eq!(values.len(), 3);
                prop_assert!(values.iter().all(|v| *v >= 32));
                prop_assert_eq!(values[1] - 32, x);
                prop_assert_eq!(values[2] - 32, y);
            }
        }
    }

    /// `grove send --key` and `keys:` in the config: any text parses to a
    /// key, or to one line of error.
    #[test]
    fn any_key_name_parses_or_is_one_line_of_error(
        text in prop_oneof![
            "[CMS]-[CMS]-.{0,3}",
            "(?i)(c-|m-|s-){0,3}(enter|tab|btab|esc|space|f[0-9]{1,4}|pageup|x|-|)",
            ".{0,12}",
            "[\\x00-\\x1f\\x7f-\\u{9f}]{1,3}",
        ],
        modes in input_modes(),
    ) {
        match grove::ui::keymap::key_event(&text) {
            Ok(event) => {
                let bytes = encode_key(&event, &modes);
                prop_assert!(key_grammar().is_match(&String::from_utf8(bytes).unwrap()));
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(!message.is_empty());
                prop_assert!(!message.chars().any(char::is_control), "{message:?}");
            }
        }
    }
}

/// Keys for the dashboard's own editors and scroll mode.
fn dashboard_key() -> impl Strategy<Value = KeyEvent> {
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

proptest! {
    #![proptest_config(hostile::config(500))]

    /// Scroll mode takes any keys at any pane height (the server clamps the
    /// view to the history when it draws, which may be several keys later).
    #[test]
    fn scroll_mode_takes_any_keys(
        rows in prop_oneof![0u16..4, 4u16..200, Just(u16::MAX)],
        keys in prop::collection::vec(dashboard_key(), 0..40),
    ) {
        let mut scroll = grove::ui::scroll::ScrollState::new("pane", rows);
        for key in &keys {
            let _ = scroll.handle_key(key, rows);
            if let Some((top, bottom)) = scroll.marked_rows(rows) {
                prop_assert!(top <= bottom && bottom < rows.max(1));
            }
            let _ = scroll.hint();
        }
    }

    /// The new-workspace form and the prompt editor keep no control
    /// characters but the prompt's line breaks, whatever is typed or pasted.
    #[test]
    fn editors_keep_no_control_characters(
        inputs in prop::collection::vec(
            prop_oneof![
                key_event().prop_map(Ok),
                dashboard_key().prop_map(Ok),
                paste_text().prop_map(Err),
            ],
            0..30,
        ),
    ) {
        let mut form = grove::ui::NewWorkspaceForm::default();
        let mut prompt = grove::ui::PromptInput::new("target");
        for input in &inputs {
            match input {
                Ok(key) => {
                    let _ = form.handle_key(key);
                    let _ = prompt.handle_key(key);
                }
                Err(text) => {
                    form.handle_paste(text);
                    prompt.handle_paste(text);
                }
            }
        }
        for field in [&form.name, &form.agent, &form.base, &prompt.text] {
            prop_assert!(!field.chars().any(|c| c.is_control() && c != '\n'), "{field:?}");
        }
        for field in [&form.name, &form.agent, &form.base] {
            prop_assert!(!field.contains('\n'), "{field:?}");
        }
        let _ = prompt.shown();
    }
}

/// Regression (found by `scroll_mode_takes_any_keys`): `g` puts the cursor at
/// the top of any history, and an Up before the next frame clamped it
/// overflowed (a panic in a debug build, a jump to the bottom in release).
#[test]
fn up_after_the_top_of_history_stays_at_the_top() {
    let mut scroll = grove::ui::scroll::ScrollState::new("pane", 24);
    let _ = scroll.handle_key(&KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE), 24);
    let top = scroll.cursor_line(24);
    let _ = scroll.handle_key(&KeyEvent::new(KeyCode::Up, KeyModifiers::NONE), 24);
    assert!(scroll.cursor_line(24) >= top);
    let _ = scroll.handle_key(&KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE), 24);
    assert!(scroll.cursor_line(24) >= top);
}
