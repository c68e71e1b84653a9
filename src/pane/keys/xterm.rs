//! The xterm family of key encodings: the legacy forms every terminal program
//! understands, and xterm's modifyOtherKeys (`CSI 27;m;code~`) for programs
//! that asked for it. We present ourselves as `xterm-256color`, so this is
//! what a pane gets unless it turned on the kitty protocol.
//!
//! Keys with a name (arrows, F-keys, Insert …) always carry modifiers in the
//! `CSI 1;m X` / `CSI n;m ~` parameter. Keys that type something (characters,
//! Enter, Tab, Backspace, Esc) have VT100-era forms that can lose modifiers;
//! modifyOtherKeys exists to report those losslessly.

use super::event::{Form, Key, Mods, Press};
use super::{CursorKeys, ModifyOtherKeys};

const ESC: u8 = 0x1b;

/// Whether a VT100-era encoding still says which modifiers were held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fidelity {
    Exact,
    /// A modifier was dropped or the key was replaced by a stand-in.
    Lossy,
}

pub(super) fn encode(press: &Press, cursor: CursorKeys, level: ModifyOtherKeys) -> Vec<u8> {
    let mods = press.mods;
    match press.key {
        Key::Named(form) => named(form, mods, cursor),
        Key::Menu => named(Form::Tilde(29), mods, cursor),
        Key::Functional(_) | Key::Modifier(_) => Vec::new(),
        Key::Char { .. } | Key::Enter | Key::Tab | Key::Backspace | Key::Escape => {
            other_key(press.key, mods, level)
        }
    }
}

fn named(form: Form, mods: Mods, cursor: CursorKeys) -> Vec<u8> {
    let m = mods.xterm_param();
    let mut out = vec![ESC];
    match (form, m) {
        (Form::Cursor(last), 1) => {
            out.push(match cursor {
                CursorKeys::Normal => b'[',
                CursorKeys::Application => b'O',
            });
            out.push(last);
        }
        (Form::Pf(last), 1) => out.extend([b'O', last]),
        (Form::Cursor(last) | Form::Pf(last), m) => {
            out.extend(format!("[1;{m}").bytes());
            out.push(last);
        }
        (Form::Tilde(n), 1) => out.extend(format!("[{n}~").bytes()),
        (Form::Tilde(n), m) => out.extend(format!("[{n};{m}~").bytes()),
    }
    out
}

/// Characters, Enter, Tab, Backspace and Esc: the keys modifyOtherKeys is about.
fn other_key(key: Key, mods: Mods, level: ModifyOtherKeys) -> Vec<u8> {
    let (bytes, fidelity) = vt100(key, mods);
    let shift_only_char = matches!(key, Key::Char { .. }) && mods.only(Mods::SHIFT);
    let report = match level {
        ModifyOtherKeys::Off => false,
        ModifyOtherKeys::Level1 => fidelity == Fidelity::Lossy,
        ModifyOtherKeys::Level2 => mods.xterm_param() > 1 && !shift_only_char,
    };
    if report { extended(key, mods) } else { bytes }
}

/// `CSI 27;m;code~`, with the character as typed (xterm reports Ctrl+Shift+a
/// as 65, not 97).
fn extended(key: Key, mods: Mods) -> Vec<u8> {
    let code = match key {
        Key::Char { typed, .. } => u32::from(typed),
        Key::Enter => 13,
        Key::Tab => 9,
        Key::Backspace => 127,
        Key::Escape => 27,
        Key::Named(_) | Key::Menu | Key::Functional(_) | Key::Modifier(_) => return Vec::new(),
    };
    format!("\x1b[27;{};{code}~", mods.xterm_param()).into_bytes()
}

/// The VT100-era bytes: Alt is an ESC prefix, Ctrl maps into C0, Shift lives
/// in the character. Super, Meta and Hyper have no place here.
fn vt100(key: Key, mods: Mods) -> (Vec<u8>, Fidelity) {
    let shift = mods.any(Mods::SHIFT);
    let ctrl = mods.any(Mods::CTRL);
    let (body, fidelity): (Vec<u8>, Fidelity) = match key {
        Key::Char { typed, base } => char_body(typed, base, mods),
        // A bare CR would submit; LF (Ctrl+J) is what agents read as "insert
        // a newline", so Shift/Ctrl+Enter fall back to it.
        Key::Enter if shift || ctrl => (b"\n".to_vec(), Fidelity::Lossy),
        Key::Enter => (b"\r".to_vec(), Fidelity::Exact),
        Key::Tab if shift => (b"\x1b[Z".to_vec(), lossy_if(ctrl)),
        Key::Tab => (b"\t".to_vec(), lossy_if(ctrl)),
        Key::Backspace if ctrl => (vec![0x08], lossy_if(shift)),
        Key::Backspace => (vec![0x7f], lossy_if(shift)),
        Key::Escape => (vec![ESC], lossy_if(shift || ctrl)),
        Key::Named(_) | Key::Menu | Key::Functional(_) | Key::Modifier(_) => {
            (Vec::new(), Fidelity::Lossy)
        }
    };
    let mut out = Vec::with_capacity(body.len() + 1);
    if mods.any(Mods::ALT) {
        out.push(ESC);
    }
    out.extend(body);
    let dropped = mods.any(Mods::SUPER | Mods::META);
    (out, if dropped { Fidelity::Lossy } else { fidelity })
}

/// Shift is already in `typed`, except after Ctrl, whose C0 byte has no
/// shifted variant.
fn char_body(typed: char, base: char, mods: Mods) -> (Vec<u8>, Fidelity) {
    if !mods.any(Mods::CTRL) {
        return (utf8(typed), Fidelity::Exact);
    }
    match ctrl_byte(typed).or_else(|| ctrl_byte(base)) {
        Some(byte) => (vec![byte], lossy_if(mods.any(Mods::SHIFT))),
        None => (utf8(typed), Fidelity::Lossy),
    }
}

fn lossy_if(lost: bool) -> Fidelity {
    if lost {
        Fidelity::Lossy
    } else {
        Fidelity::Exact
    }
}

fn utf8(c: char) -> Vec<u8> {
    c.to_string().into_bytes()
}

/// The C0 byte Ctrl turns a key into, per the kitty spec's table of what
/// terminals agree on (a superset of the VT100's). Keys not listed are left
/// alone by Ctrl.
fn ctrl_byte(c: char) -> Option<u8> {
    match c {
        'a'..='z' | 'A'..='Z' | '[' | '\\' | ']' | '^' | '_' => {
            u8::try_from(c).ok().map(|b| b & 0x1f)
        }
        ' ' | '@' | '2' => Some(0x00),
        '3' => Some(0x1b),
        '4' => Some(0x1c),
        '5' => Some(0x1d),
        '6' | '~' => Some(0x1e),
        '7' | '/' => Some(0x1f),
        '8' | '?' => Some(0x7f),
        _ => None,
    }
}
