//! One shape per key: folds crossterm's spellings of a key event into what the
//! encoders need.
//!
//! crossterm reports the same keystroke differently depending on how the outer
//! terminal sent it: Shift+a is `Char('A')` with SHIFT from a legacy terminal
//! but `Char('a')` with SHIFT through the kitty protocol, BackTab may or may not
//! carry SHIFT, Ctrl+\ arrives as Ctrl+4. Folding those here, once, is what
//! keeps the encoders from applying shift twice or missing a spelling.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MediaKeyCode, ModifierKeyCode,
};

/// Modifier bits in the kitty protocol's order; xterm's parameter derives from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Mods(u8);

impl Mods {
    pub const SHIFT: u8 = 0b1;
    pub const ALT: u8 = 0b10;
    pub const CTRL: u8 = 0b100;
    pub const SUPER: u8 = 0b1000;
    pub const HYPER: u8 = 0b1_0000;
    pub const META: u8 = 0b10_0000;

    fn from_crossterm(modifiers: KeyModifiers) -> Self {
        let pairs = [
            (KeyModifiers::SHIFT, Self::SHIFT),
            (KeyModifiers::ALT, Self::ALT),
            (KeyModifiers::CONTROL, Self::CTRL),
            (KeyModifiers::SUPER, Self::SUPER),
            (KeyModifiers::HYPER, Self::HYPER),
            (KeyModifiers::META, Self::META),
        ];
        let bits = pairs
            .iter()
            .filter(|(flag, _)| modifiers.contains(*flag))
            .fold(0, |bits, (_, bit)| bits | bit);
        Self(bits)
    }

    /// True when any of `bits` is held.
    pub fn any(self, bits: u8) -> bool {
        self.0 & bits != 0
    }

    /// True when nothing but (some of) `bits` is held.
    pub fn only(self, bits: u8) -> bool {
        self.0 & !bits == 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn with(self, bits: u8) -> Self {
        Self(self.0 | bits)
    }

    /// xterm's modifier parameter: 1 + shift + 2·alt + 4·ctrl + 8·meta. xterm
    /// has one "meta" bit, which Super shares; Hyper has none and is dropped.
    pub fn xterm_param(self) -> u8 {
        let meta = if self.any(Self::SUPER | Self::META) {
            8
        } else {
            0
        };
        1 + (self.0 & (Self::SHIFT | Self::ALT | Self::CTRL)) + meta
    }

    /// The kitty protocol's modifier parameter: 1 + the bit field.
    pub fn kitty_param(self) -> u8 {
        1 + self.0
    }
}

/// Whether the key was pressed fresh or is the keyboard's auto-repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Press,
    Repeat,
}

/// Which part of the keyboard the key is on; only the kitty protocol tells
/// keypad keys apart, and only when the outer terminal told crossterm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Main,
    Keypad,
}

/// How a key without text is spelled in the xterm family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// Arrows, Home, End, Begin: `CSI X`, `SS3 X` under DECCKM, `CSI 1;m X`.
    Cursor(u8),
    /// F1–F4: `SS3 X`, `CSI 1;m X` when modified.
    Pf(u8),
    /// `CSI n ~`, `CSI n;m ~` when modified.
    Tilde(u8),
}

/// A key, reduced to what decides its encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    /// A key that types a character: `typed` has shift applied, `base` is the
    /// unshifted key that the kitty protocol reports.
    Char {
        typed: char,
        base: char,
    },
    Enter,
    Tab,
    Backspace,
    Escape,
    Named(Form),
    /// Legacy `CSI 29 ~` (xterm's F16), its own code in the kitty protocol.
    Menu,
    /// A key only the kitty protocol can name (F13–F35, lock, media keys).
    Functional(u32),
    /// A modifier key pressed on its own; kitty reports it only when asked
    /// for all keys.
    Modifier(u32),
}

/// A key press or repeat, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Press {
    pub key: Key,
    pub mods: Mods,
    pub kind: Kind,
    pub origin: Origin,
}

impl Press {
    /// `None` for release events and for keys that no encoding can express.
    pub fn from_crossterm(event: &KeyEvent) -> Option<Self> {
        let kind = match event.kind {
            KeyEventKind::Press => Kind::Press,
            KeyEventKind::Repeat => Kind::Repeat,
            KeyEventKind::Release => return None,
        };
        let origin = if event.state.contains(KeyEventState::KEYPAD) {
            Origin::Keypad
        } else {
            Origin::Main
        };
        let (key, extra) = key_of(event.code)?;
        let mods = Mods::from_crossterm(event.modifiers).with(extra);
        let (key, mods) = if let Key::Char { typed, .. } = key {
            char_key(typed, mods)
        } else {
            (key, mods)
        };
        Some(Self {
            key,
            mods,
            kind,
            origin,
        })
    }
}

/// The key and any modifier implied by the key code itself (BackTab is
/// Shift+Tab, a control character is Ctrl + its letter).
fn key_of(code: KeyCode) -> Option<(Key, u8)> {
    let plain = |key| Some((key, 0));
    match code {
        KeyCode::Char(c) => char_code(c),
        KeyCode::Null => Some((
            Key::Char {
                typed: ' ',
                base: ' ',
            },
            Mods::CTRL,
        )),
        KeyCode::Enter => plain(Key::Enter),
        KeyCode::Tab => plain(Key::Tab),
        KeyCode::BackTab => Some((Key::Tab, Mods::SHIFT)),
        KeyCode::Backspace => plain(Key::Backspace),
        KeyCode::Esc => plain(Key::Escape),
        KeyCode::Up => plain(Key::Named(Form::Cursor(b'A'))),
        KeyCode::Down => plain(Key::Named(Form::Cursor(b'B'))),
        KeyCode::Right => plain(Key::Named(Form::Cursor(b'C'))),
        KeyCode::Left => plain(Key::Named(Form::Cursor(b'D'))),
        KeyCode::KeypadBegin => plain(Key::Named(Form::Cursor(b'E'))),
        KeyCode::End => plain(Key::Named(Form::Cursor(b'F'))),
        KeyCode::Home => plain(Key::Named(Form::Cursor(b'H'))),
        KeyCode::Insert => plain(Key::Named(Form::Tilde(2))),
        KeyCode::Delete => plain(Key::Named(Form::Tilde(3))),
        KeyCode::PageUp => plain(Key::Named(Form::Tilde(5))),
        KeyCode::PageDown => plain(Key::Named(Form::Tilde(6))),
        KeyCode::F(n) => function_key(n).and_then(plain),
        KeyCode::Menu => plain(Key::Menu),
        KeyCode::CapsLock => plain(Key::Functional(57358)),
        KeyCode::ScrollLock => plain(Key::Functional(57359)),
        KeyCode::NumLock => plain(Key::Functional(57360)),
        KeyCode::PrintScreen => plain(Key::Functional(57361)),
        KeyCode::Pause => plain(Key::Functional(57362)),
        KeyCode::Media(media) => plain(Key::Functional(media_code(media))),
        KeyCode::Modifier(modifier) => plain(Key::Modifier(modifier_code(modifier))),
    }
}

fn function_key(n: u8) -> Option<Key> {
    let form = match n {
        1 => Form::Pf(b'P'),
        2 => Form::Pf(b'Q'),
        3 => Form::Pf(b'R'),
        4 => Form::Pf(b'S'),
        5 => Form::Tilde(15),
        6..=10 => Form::Tilde(n + 11),
        11 | 12 => Form::Tilde(n + 12),
        13..=35 => return Some(Key::Functional(57376 + u32::from(n - 13))),
        _ => return None,
    };
    Some(Key::Named(form))
}

/// A `Char` code: a control character that reached us as one is the key that
/// types it; C1 controls have no key and are dropped.
fn char_code(c: char) -> Option<(Key, u8)> {
    let ctrl = |offset: u32| {
        char::from_u32(u32::from(c) + offset).map(|k| (Key::Char { typed: k, base: k }, Mods::CTRL))
    };
    match c {
        '\r' => Some((Key::Enter, 0)),
        '\t' => Some((Key::Tab, 0)),
        '\x1b' => Some((Key::Escape, 0)),
        '\x7f' => Some((Key::Backspace, 0)),
        '\0' => ctrl(0x20),
        '\x01'..='\x1a' => ctrl(0x60),
        '\x1c'..='\x1f' => ctrl(0x40),
        '\u{80}'..='\u{9f}' => None,
        _ => Some((Key::Char { typed: c, base: c }, 0)),
    }
}

/// Applies Shift to a character exactly once, whichever way crossterm spelled
/// it: `Char('a')`+SHIFT and `Char('A')` both become typed 'A', base 'a', with
/// SHIFT held. Shift on a key we cannot shift (a digit or symbol: the layout
/// is unknown) stays a modifier and leaves the character alone.
fn char_key(c: char, mods: Mods) -> (Key, Mods) {
    let typed = if mods.any(Mods::SHIFT) {
        single(c.to_uppercase()).unwrap_or(c)
    } else {
        c
    };
    let base = single(typed.to_lowercase()).unwrap_or(typed);
    let mods = if base == typed {
        mods
    } else {
        mods.with(Mods::SHIFT)
    };
    (Key::Char { typed, base }, mods)
}

/// The only item of a case mapping, if it maps to exactly one character.
fn single(mut mapped: impl Iterator<Item = char>) -> Option<char> {
    let first = mapped.next()?;
    mapped.next().is_none().then_some(first)
}

fn media_code(media: MediaKeyCode) -> u32 {
    match media {
        MediaKeyCode::Play => 57428,
        MediaKeyCode::Pause => 57429,
        MediaKeyCode::PlayPause => 57430,
        MediaKeyCode::Reverse => 57431,
        MediaKeyCode::Stop => 57432,
        MediaKeyCode::FastForward => 57433,
        MediaKeyCode::Rewind => 57434,
        MediaKeyCode::TrackNext => 57435,
        MediaKeyCode::TrackPrevious => 57436,
        MediaKeyCode::Record => 57437,
        MediaKeyCode::LowerVolume => 57438,
        MediaKeyCode::RaiseVolume => 57439,
        MediaKeyCode::MuteVolume => 57440,
    }
}

fn modifier_code(modifier: ModifierKeyCode) -> u32 {
    match modifier {
        ModifierKeyCode::LeftShift => 57441,
        ModifierKeyCode::LeftControl => 57442,
        ModifierKeyCode::LeftAlt => 57443,
        ModifierKeyCode::LeftSuper => 57444,
        ModifierKeyCode::LeftHyper => 57445,
        ModifierKeyCode::LeftMeta => 57446,
        ModifierKeyCode::RightShift => 57447,
        ModifierKeyCode::RightControl => 57448,
        ModifierKeyCode::RightAlt => 57449,
        ModifierKeyCode::RightSuper => 57450,
        ModifierKeyCode::RightHyper => 57451,
        ModifierKeyCode::RightMeta => 57452,
        ModifierKeyCode::IsoLevel3Shift => 57453,
        ModifierKeyCode::IsoLevel5Shift => 57454,
    }
}
