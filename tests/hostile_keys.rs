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

use std::sync::LazyLock;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use grove::pane::keys::{InputModes, KittyFlags, PasteMode, encode_key, encode_paste};
use grove::pane::mouse::encode_mouse;
use hostile::keys::*;
use proptest::prelude::*;
use regex::Regex;
use vt100::{MouseProtocolEncoding, MouseProtocolMode};

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
