//! The kitty keyboard protocol, for panes that pushed flags with `CSI > n u`.
//!
//! Agents such as Codex (through crossterm) turn this on so that Shift+Enter,
//! Ctrl+i versus Tab and a lone Esc are told apart. The rules
//! follow the spec at sw.kovidgoyal.net/kitty/keyboard-protocol and kitty's
//! own encoder where the spec is terse:
//!
//! - keys that type text still send the text, unless the pane asked for all
//!   keys as escape codes;
//! - Enter, Tab and Backspace keep their legacy byte when unmodified, so a
//!   shell can still run `reset` after a crashed program left the mode on;
//! - everything else is `CSI code;mods u`, or the legacy `CSI 1;mods X` /
//!   `CSI n;mods ~` for keys that had one, with F3 as `CSI 13~` because
//!   `CSI R` is also a cursor position report.

use super::KittyFlags;
use super::event::{Form, Key, Kind, Mods, Origin, Press};

pub(super) fn encode(press: &Press, flags: KittyFlags) -> Vec<u8> {
    let encoder = Encoder { press, flags };
    let keypad = match press.origin {
        Origin::Keypad => keypad_code(press.key),
        Origin::Main => None,
    };
    match keypad {
        Some(code) => encoder.keypad_key(code),
        None => encoder.main_key(),
    }
}

struct Encoder<'a> {
    press: &'a Press,
    flags: KittyFlags,
}

impl Encoder<'_> {
    fn main_key(&self) -> Vec<u8> {
        match self.press.key {
            Key::Char { typed, base } => self.text_key(typed, base, u32::from(base)),
            Key::Enter => self.c0_key(13, b'\r'),
            Key::Tab => self.c0_key(9, b'\t'),
            Key::Backspace => self.c0_key(127, 0x7f),
            Key::Escape => self.csi(27, b'u'),
            Key::Named(Form::Pf(b'R')) => self.csi(13, b'~'),
            Key::Named(Form::Cursor(last) | Form::Pf(last)) => self.csi(1, last),
            Key::Named(Form::Tilde(n)) => self.csi(u32::from(n), b'~'),
            Key::Menu => self.csi(57363, b'u'),
            Key::Functional(code) => self.csi(code, b'u'),
            Key::Modifier(code) if self.all_keys() => self.csi(code, b'u'),
            Key::Modifier(_) => Vec::new(),
        }
    }

    /// A keypad key under its own number; digits and operators still type
    /// text when unmodified.
    fn keypad_key(&self, code: u32) -> Vec<u8> {
        match self.press.key {
            Key::Char { typed, base } => self.text_key(typed, base, code),
            Key::Enter
            | Key::Tab
            | Key::Backspace
            | Key::Escape
            | Key::Named(_)
            | Key::Menu
            | Key::Functional(_)
            | Key::Modifier(_) => self.csi(code, b'u'),
        }
    }

    fn all_keys(&self) -> bool {
        self.flags.has(KittyFlags::REPORT_ALL_KEYS_AS_ESCAPES)
    }

    /// A key that types `typed` when at most Shift is held.
    fn text_key(&self, typed: char, base: char, code: u32) -> Vec<u8> {
        let mods = self.press.mods;
        let types_text = mods.only(Mods::SHIFT);
        if types_text && !self.all_keys() {
            return typed.to_string().into_bytes();
        }
        let shifted = self.flags.has(KittyFlags::REPORT_ALTERNATE_KEYS)
            && mods.any(Mods::SHIFT)
            && typed != base;
        let alternate = shifted.then_some(u32::from(typed));
        let text = (types_text && self.flags.has(KittyFlags::REPORT_ASSOCIATED_TEXT))
            .then_some(u32::from(typed));
        self.sequence(code, alternate, text, b'u')
    }

    /// Enter, Tab, Backspace: the legacy byte unless modified or all keys are
    /// wanted as escapes.
    fn c0_key(&self, code: u32, legacy: u8) -> Vec<u8> {
        if self.press.mods.is_empty() && !self.all_keys() {
            vec![legacy]
        } else {
            self.csi(code, b'u')
        }
    }

    fn csi(&self, number: u32, last: u8) -> Vec<u8> {
        self.sequence(number, None, None, last)
    }

    /// `CSI number:alternate ; mods:event ; text last`, leaving out empty
    /// trailing fields and a lone number 1, as the spec requires.
    fn sequence(
        &self,
        number: u32,
        alternate: Option<u32>,
        text: Option<u32>,
        last: u8,
    ) -> Vec<u8> {
        let mods = self.mods_field();
        let bare_one = number == 1 && alternate.is_none() && mods.is_none() && text.is_none();
        let number = if bare_one {
            String::new()
        } else {
            number.to_string()
        };
        let alternate = alternate.map(|a| format!(":{a}")).unwrap_or_default();
        let params = match (mods, text) {
            (None, None) => String::new(),
            (Some(m), None) => format!(";{m}"),
            (m, Some(t)) => format!(";{};{t}", m.unwrap_or_default()),
        };
        format!("\x1b[{number}{alternate}{params}{}", char::from(last)).into_bytes()
    }

    /// The modifier parameter, with `:2` on repeats when the pane asked for
    /// event types. Releases never get here (see `encode_key`).
    fn mods_field(&self) -> Option<String> {
        let param = self.press.mods.kitty_param();
        let tagged = self.flags.has(KittyFlags::REPORT_EVENT_TYPES);
        match (self.press.kind, tagged) {
            (Kind::Repeat, true) => Some(format!("{param}:2")),
            (Kind::Press | Kind::Repeat, _) if self.press.mods.is_empty() => None,
            (Kind::Press | Kind::Repeat, _) => Some(param.to_string()),
        }
    }
}

/// The spec's own numbers for keypad keys, which the disambiguate flag
/// reports apart from their main-keyboard twins.
fn keypad_code(key: Key) -> Option<u32> {
    match key {
        Key::Char { typed, .. } => match typed {
            '0'..='9' => Some(57399 + u32::from(typed) - u32::from('0')),
            '.' => Some(57409),
            '/' => Some(57410),
            '*' => Some(57411),
            '-' => Some(57412),
            '+' => Some(57413),
            '=' => Some(57415),
            ',' => Some(57416),
            _ => None,
        },
        Key::Enter => Some(57414),
        Key::Named(Form::Cursor(last)) => match last {
            b'D' => Some(57417),
            b'C' => Some(57418),
            b'A' => Some(57419),
            b'B' => Some(57420),
            b'H' => Some(57423),
            b'F' => Some(57424),
            b'E' => Some(57427),
            _ => None,
        },
        Key::Named(Form::Tilde(n)) => match n {
            5 => Some(57421),
            6 => Some(57422),
            2 => Some(57425),
            3 => Some(57426),
            _ => None,
        },
        Key::Named(Form::Pf(_))
        | Key::Tab
        | Key::Backspace
        | Key::Escape
        | Key::Menu
        | Key::Functional(_)
        | Key::Modifier(_) => None,
    }
}
