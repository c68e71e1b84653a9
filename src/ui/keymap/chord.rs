//! One key with its modifiers, as written in the config (`C-b`, `M-Left`, `?`)
//! and as reported by crossterm, folded into one canonical [`Chord`] so the
//! two compare equal.
//!
//! Terminals report the same keystroke in several ways: `?` arrives as
//! `Char('?')` with or without SHIFT, Shift+x as `Char('X')` with SHIFT from a
//! legacy terminal but `Char('x')` with SHIFT through the kitty protocol, and a
//! legacy terminal sends one byte for Ctrl+4 and Ctrl+\ alike. Normalising both
//! the config side and the event side through the same function means a
//! binding matches whatever the user's terminal sends, and two spellings of
//! one key (`X` and `S-x`) are recognised as the same binding.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::error::KeyParseError;

/// Ctrl, Alt and Shift as bits; the only modifiers a binding can name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Mods(u8);

impl Mods {
    pub const NONE: Mods = Mods(0);
    pub const CTRL: Mods = Mods(0b1);
    pub const ALT: Mods = Mods(0b10);
    pub const SHIFT: Mods = Mods(0b100);

    pub fn has(self, other: Mods) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, other: Mods) -> Mods {
        Mods(self.0 | other.0)
    }

    pub fn without(self, other: Mods) -> Mods {
        Mods(self.0 & !other.0)
    }
}

/// A key without modifiers. Named keys sort before characters so that help
/// lines read `←/h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum KeyName {
    Enter,
    Tab,
    Esc,
    Backspace,
    Left,
    Down,
    Up,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    Insert,
    Delete,
    /// F1–F12.
    F(u8),
    /// A printable character; Space is `Char(' ')`.
    Char(char),
}

/// The names the config accepts, canonical spelling first for each key.
/// `BTab` is Shift+Tab and handled apart; tmux's spellings are accepted too.
const NAMES: [(&str, KeyName); 19] = [
    ("Enter", KeyName::Enter),
    ("Tab", KeyName::Tab),
    ("Esc", KeyName::Esc),
    ("Escape", KeyName::Esc),
    ("Space", KeyName::Char(' ')),
    ("Backspace", KeyName::Backspace),
    ("BSpace", KeyName::Backspace),
    ("Left", KeyName::Left),
    ("Down", KeyName::Down),
    ("Up", KeyName::Up),
    ("Right", KeyName::Right),
    ("Home", KeyName::Home),
    ("End", KeyName::End),
    ("PageUp", KeyName::PageUp),
    ("PgUp", KeyName::PageUp),
    ("PageDown", KeyName::PageDown),
    ("PgDn", KeyName::PageDown),
    ("Insert", KeyName::Insert),
    ("Delete", KeyName::Delete),
];

/// A key and its modifiers, normalised (see the module comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Chord {
    pub mods: Mods,
    pub key: KeyName,
}

/// What a crossterm key event is, as far as bindings are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    Chord(Chord),
    /// A modifier or lock key on its own (kitty's report-all-keys mode):
    /// part of a chord being typed, not a key in itself.
    Modifier,
    /// A key no binding can name (media keys, F13+, Super-modified keys).
    Unnameable,
}

impl Chord {
    /// The canonical chord for a key and modifiers, however they were spelt.
    pub fn new(mods: Mods, key: KeyName) -> Chord {
        normalise(mods, key)
    }

    /// A character chord as is; only for characters already normalised.
    fn char(mods: Mods, c: char) -> Chord {
        Chord {
            mods,
            key: KeyName::Char(c),
        }
    }

    /// Reads the config syntax: `[C-|M-|S-]…KEY`.
    pub fn parse(text: &str) -> Result<Chord, KeyParseError> {
        if text.is_empty() {
            return Err(KeyParseError::Empty);
        }
        let mut mods = Mods::NONE;
        let mut rest = text;
        // Strip `X-` while something follows it, so `C--` is Ctrl+minus and a
        // lone `-` or `C` is a character.
        while let Some(modifier) = modifier_prefix(rest) {
            let tail = &rest[2..];
            if tail.is_empty() {
                return Err(KeyParseError::NothingAfterModifier);
            }
            if mods.has(modifier) {
                return Err(KeyParseError::RepeatedModifier(rest[..2].to_owned()));
            }
            mods = mods.with(modifier);
            rest = tail;
        }
        let mut chars = rest.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Ok(Chord::new(mods, KeyName::Char(c)));
        }
        // Names ignore case, as in tmux: `left` is Left.
        if rest.eq_ignore_ascii_case("BTab") {
            return Ok(Chord::new(mods.with(Mods::SHIFT), KeyName::Tab));
        }
        if let Some((_, key)) = NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(rest))
        {
            return Ok(Chord::new(mods, *key));
        }
        let number = rest
            .strip_prefix(['F', 'f'])
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()));
        match number.map(str::parse::<u8>) {
            Some(Ok(n @ 1..=12)) => Ok(Chord::new(mods, KeyName::F(n))),
            Some(_) | None => Err(KeyParseError::UnknownName(rest.to_owned())),
        }
    }

    /// Classifies a crossterm event; the event's kind (press, release) is the
    /// caller's business.
    pub fn from_event(event: &KeyEvent) -> Seen {
        let foreign = KeyModifiers::SUPER | KeyModifiers::HYPER | KeyModifiers::META;
        if event.modifiers.intersects(foreign) {
            return Seen::Unnameable;
        }
        let mut mods = Mods::NONE;
        for (theirs, ours) in [
            (KeyModifiers::CONTROL, Mods::CTRL),
            (KeyModifiers::ALT, Mods::ALT),
            (KeyModifiers::SHIFT, Mods::SHIFT),
        ] {
            if event.modifiers.contains(theirs) {
                mods = mods.with(ours);
            }
        }
        let key = match event.code {
            KeyCode::Char(c) => KeyName::Char(c),
            KeyCode::Null => {
                return Seen::Chord(Chord::new(mods.with(Mods::CTRL), KeyName::Char(' ')));
            }
            KeyCode::BackTab => {
                return Seen::Chord(Chord::new(mods.with(Mods::SHIFT), KeyName::Tab));
            }
            KeyCode::Enter => KeyName::Enter,
            KeyCode::Tab => KeyName::Tab,
            KeyCode::Esc => KeyName::Esc,
            KeyCode::Backspace => KeyName::Backspace,
            KeyCode::Left => KeyName::Left,
            KeyCode::Down => KeyName::Down,
            KeyCode::Up => KeyName::Up,
            KeyCode::Right => KeyName::Right,
            KeyCode::Home => KeyName::Home,
            KeyCode::End => KeyName::End,
            KeyCode::PageUp => KeyName::PageUp,
            KeyCode::PageDown => KeyName::PageDown,
            KeyCode::Insert => KeyName::Insert,
            KeyCode::Delete => KeyName::Delete,
            KeyCode::F(n @ 1..=12) => KeyName::F(n),
            KeyCode::Modifier(_) | KeyCode::CapsLock | KeyCode::NumLock | KeyCode::ScrollLock => {
                return Seen::Modifier;
            }
            KeyCode::F(_)
            | KeyCode::KeypadBegin
            | KeyCode::Menu
            | KeyCode::PrintScreen
            | KeyCode::Pause
            | KeyCode::Media(_) => return Seen::Unnameable,
        };
        Seen::Chord(Chord::new(mods, key))
    }

    /// The key as the config writes it, with arrows drawn as arrows (help).
    pub fn glyph(self) -> String {
        match ARROWS.iter().find(|(key, _)| *key == self.key) {
            Some((_, arrow)) => format!("{}{arrow}", modifier_text(self.mods)),
            None => self.to_string(),
        }
    }
}

const ARROWS: [(KeyName, &str); 4] = [
    (KeyName::Left, "←"),
    (KeyName::Down, "↓"),
    (KeyName::Up, "↑"),
    (KeyName::Right, "→"),
];

/// The key in config syntax, canonical spelling: `C-M-S-key`.
impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key == KeyName::Tab && self.mods.has(Mods::SHIFT) {
            return write!(f, "{}BTab", modifier_text(self.mods.without(Mods::SHIFT)));
        }
        f.write_str(&modifier_text(self.mods))?;
        if let KeyName::F(n) = self.key {
            return write!(f, "F{n}");
        }
        if let KeyName::Char(c) = self.key
            && c != ' '
        {
            return write!(f, "{c}");
        }
        // Every other key has a name; the first spelling is the canonical one.
        let name = NAMES.iter().find(|(_, key)| *key == self.key);
        f.write_str(name.map_or("?", |(name, _)| *name))
    }
}

fn modifier_text(mods: Mods) -> String {
    [(Mods::CTRL, "C-"), (Mods::ALT, "M-"), (Mods::SHIFT, "S-")]
        .iter()
        .filter(|(bit, _)| mods.has(*bit))
        .map(|(_, text)| *text)
        .collect()
}

fn modifier_prefix(text: &str) -> Option<Mods> {
    match text.as_bytes() {
        [b'C', b'-', ..] => Some(Mods::CTRL),
        [b'M', b'-', ..] => Some(Mods::ALT),
        [b'S', b'-', ..] => Some(Mods::SHIFT),
        _ => None,
    }
}

/// The canonical form of a key, applied to config and events alike.
fn normalise(mods: Mods, key: KeyName) -> Chord {
    let KeyName::Char(c) = key else {
        return Chord { mods, key };
    };
    // A control character stands for the Ctrl chord that types it.
    let named = |key| Chord { mods, key };
    let (mods, c) = match c {
        '\t' => return named(KeyName::Tab),
        '\r' => return named(KeyName::Enter),
        '\x1b' => return named(KeyName::Esc),
        '\x7f' => return named(KeyName::Backspace),
        '\0' => (mods.with(Mods::CTRL), ' '),
        '\x01'..='\x1a' => (mods.with(Mods::CTRL), shifted(c, 0x60)),
        '\x1c'..='\x1f' => (mods.with(Mods::CTRL), shifted(c, 0x40)),
        _ => (mods, c),
    };
    // Shift is applied exactly once: folded into a cased letter, dropped for
    // a character that already is what shift made it (`?`, `%`).
    let c = if mods.has(Mods::SHIFT) {
        single(c.to_uppercase()).unwrap_or(c)
    } else {
        c
    };
    let mods = mods.without(Mods::SHIFT);
    if !mods.has(Mods::CTRL) {
        return Chord::char(mods, c);
    }
    // Ctrl chords a legacy terminal sends as the same byte (xterm's table).
    let (mods, key) = match c {
        '@' | '2' => (mods, KeyName::Char(' ')),
        '4' => (mods, KeyName::Char('\\')),
        '5' => (mods, KeyName::Char(']')),
        '6' => (mods, KeyName::Char('^')),
        '7' | '/' => (mods, KeyName::Char('_')),
        '3' | '[' => (mods.without(Mods::CTRL), KeyName::Esc),
        '8' | '?' => (mods.without(Mods::CTRL), KeyName::Backspace),
        'i' => (mods.without(Mods::CTRL), KeyName::Tab),
        'm' => (mods.without(Mods::CTRL), KeyName::Enter),
        _ => return Chord::char(mods, c),
    };
    Chord { mods, key }
}

fn shifted(c: char, offset: u32) -> char {
    char::from_u32(u32::from(c) + offset).unwrap_or(c)
}

/// The only item of a case mapping, if it maps to exactly one character.
fn single(mut mapped: impl Iterator<Item = char>) -> Option<char> {
    let first = mapped.next()?;
    mapped.next().is_none().then_some(first)
}
