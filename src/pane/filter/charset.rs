//! The DEC special graphics character set (`ESC ( 0`), G0 and G1, and which of
//! them SO / SI select. vt100 0.18 has no character sets, so text in this set
//! is turned into the Unicode box-drawing characters it stands for; programs
//! that draw boxes through terminfo's `acsc` (ncurses without UTF-8) use it.

/// G0 or G1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    G0,
    G1,
}

/// What a character set slot holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Charset {
    #[default]
    Ascii,
    /// DEC special graphics: `lqqk` draws a box corner and rules.
    LineDrawing,
}

/// Which slot SO / SI selected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Shift {
    /// SI (and the start): G0.
    #[default]
    In,
    /// SO: G1.
    Out,
}

/// The two slots and the shift state.
#[derive(Debug, Default)]
pub(super) struct Charsets {
    g0: Charset,
    g1: Charset,
    shift: Shift,
}

impl Charsets {
    /// `ESC ( byte` or `ESC ) byte`: only `0` selects line drawing, every
    /// other set is drawn as ASCII.
    pub(super) fn designate(&mut self, slot: Slot, byte: u8) {
        let charset = match byte {
            b'0' => Charset::LineDrawing,
            _ => Charset::Ascii,
        };
        match slot {
            Slot::G0 => self.g0 = charset,
            Slot::G1 => self.g1 = charset,
        }
    }

    /// SO: text is drawn in G1.
    pub(super) fn shift_out(&mut self) {
        self.shift = Shift::Out;
    }

    /// SI: text is drawn in G0.
    pub(super) fn shift_in(&mut self) {
        self.shift = Shift::In;
    }

    /// The set text is drawn in now.
    pub(super) fn current(&self) -> Charset {
        match self.shift {
            Shift::In => self.g0,
            Shift::Out => self.g1,
        }
    }
}

impl Charset {
    /// The character a printable byte stands for in this set, when it is not
    /// the byte's own ASCII character.
    pub(super) fn map(self, byte: u8) -> Option<char> {
        match self {
            Charset::Ascii => None,
            Charset::LineDrawing => line_drawing(byte),
        }
    }
}

/// The Unicode for a DEC special graphics byte (0x5f–0x7e).
fn line_drawing(byte: u8) -> Option<char> {
    const TABLE: [char; 32] = [
        '\u{a0}', '◆', '▒', '␉', '␌', '␍', '␊', '°', '±', '␤', '␋', '┘', '┐', '┌', '└', '┼', '⎺',
        '⎻', '─', '⎼', '⎽', '├', '┤', '┴', '┬', '│', '≤', '≥', 'π', '≠', '£', '·',
    ];
    byte.checked_sub(0x5f)
        .and_then(|i| TABLE.get(usize::from(i)))
        .copied()
}
