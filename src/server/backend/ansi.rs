//! The bytes of a frame: ratatui's changed cells encoded as ANSI by hand,
//! straight into the frame's `Vec<u8>`.
//!
//! crossterm's writer, which `CrosstermBackend::draw` uses, queues one
//! command per cursor move, attribute and colour through `fmt::Write`; on a
//! frame where every cell of 16 panes changed that was a fifth of the
//! frame's time. This encoder keeps the meaning of what crossterm sent and
//! drops its cost: the cursor is moved only where the next cell is not the
//! one after the previous, a change of style is one SGR sequence carrying
//! every parameter, and each sequence is built on the stack, numbers
//! formatted by hand, then copied out whole.
//!
//! It follows `CrosstermBackend::draw` rule for rule so a client sees the
//! same screen. After a wide glyph the next cell is always placed
//! explicitly, because the client's terminal may have measured the glyph
//! differently from us. Attributes are switched off by their own SGR codes,
//! never by a full reset that would drop the colours too, and the sixteen
//! named colours go out in the `38;5;n` form crossterm uses. The underline
//! colour travels in a sequence of its own: a terminal that does not know
//! `58` reads its sub-parameters as attributes (`58;5;1` would turn on
//! bold), and alone it cannot drag the rest of a change with it. A draw
//! starts from, and ends by restoring, the default pen, so the next draw
//! can assume it.

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

/// Attributes that one SGR code switches off together, with the codes
/// that switch each of them on. Switching a group off also drops its other
/// members, which are switched on again when the cell keeps them.
struct Group {
    off: u8,
    on: &'static [(Modifier, u8)],
}

const GROUPS: [Group; 7] = [
    Group {
        off: 27,
        on: &[(Modifier::REVERSED, 7)],
    },
    Group {
        off: 22,
        on: &[(Modifier::BOLD, 1), (Modifier::DIM, 2)],
    },
    Group {
        off: 23,
        on: &[(Modifier::ITALIC, 3)],
    },
    Group {
        off: 24,
        on: &[(Modifier::UNDERLINED, 4)],
    },
    Group {
        off: 29,
        on: &[(Modifier::CROSSED_OUT, 9)],
    },
    Group {
        off: 28,
        on: &[(Modifier::HIDDEN, 8)],
    },
    Group {
        off: 25,
        on: &[(Modifier::SLOW_BLINK, 5), (Modifier::RAPID_BLINK, 6)],
    },
];

/// Writes `cells`, in the row-major order ratatui's diff yields them, and
/// leaves the client's pen at its default.
pub fn cells<'a>(out: &mut Vec<u8>, cells: impl Iterator<Item = (u16, u16, &'a Cell)>) {
    let mut pen = Pen::DEFAULT;
    // Where printing the previous cell left the client's cursor, assuming
    // the glyph was one column wide; after a wide one the next cell is at
    // least two columns on, so it is placed again.
    // (`u32`, so the column after the last one is representable.)
    let mut after: (u32, u32) = (u32::MAX, u32::MAX);
    for (x, y, cell) in cells {
        let at = (u32::from(x), u32::from(y));
        if at != after {
            move_to(out, x, y);
        }
        after = (at.0 + 1, at.1);
        // Runs of one style are the common case: compare before calling.
        if cell.fg != pen.fg
            || cell.bg != pen.bg
            || cell.modifier != pen.modifier
            || cell.underline_color != pen.underline
        {
            pen.change_to(out, cell);
        }
        match cell.symbol().as_bytes() {
            [byte] => out.push(*byte),
            bytes => out.extend_from_slice(bytes),
        }
    }
    pen.restore_default(out);
}

/// `CSI row ; col H`, 1-based.
pub fn move_to(out: &mut Vec<u8>, x: u16, y: u16) {
    let mut sequence = Sequence::new();
    sequence.csi();
    sequence.number(u32::from(y) + 1);
    sequence.push(b';');
    sequence.number(u32::from(x) + 1);
    sequence.push(b'H');
    out.extend_from_slice(sequence.as_bytes());
}

/// What the client's terminal draws the next glyph with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    const DEFAULT: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn change_to(&mut self, out: &mut Vec<u8>, cell: &Cell) {
        let mut sgr = Sgr(Sequence::new());
        if cell.modifier != self.modifier {
            switch_modifiers(&mut sgr, self.modifier, cell.modifier);
            self.modifier = cell.modifier;
        }
        if cell.fg != self.fg {
            sgr.color(38, 39, cell.fg);
            self.fg = cell.fg;
        }
        if cell.bg != self.bg {
            sgr.color(48, 49, cell.bg);
            self.bg = cell.bg;
        }
        sgr.finish(out);
        if cell.underline_color != self.underline {
            let mut sgr = Sgr(Sequence::new());
            sgr.color(58, 59, cell.underline_color);
            sgr.finish(out);
            self.underline = cell.underline_color;
        }
    }

    fn restore_default(self, out: &mut Vec<u8>) {
        if self.underline != Color::Reset {
            out.extend_from_slice(b"\x1b[59m");
        }
        if self != Pen::DEFAULT {
            out.extend_from_slice(b"\x1b[0m");
        }
    }
}

fn switch_modifiers(sgr: &mut Sgr, from: Modifier, to: Modifier) {
    for group in &GROUPS {
        let dropped = group
            .on
            .iter()
            .any(|&(member, _)| from.contains(member) && !to.contains(member));
        if dropped {
            sgr.param(group.off);
        }
        for &(member, on) in group.on {
            if to.contains(member) && (dropped || !from.contains(member)) {
                sgr.param(on);
            }
        }
    }
}

/// One SGR sequence; empty until it has a parameter.
struct Sgr(Sequence);

impl Sgr {
    fn param(&mut self, n: u8) {
        if self.0.len == 0 {
            self.0.csi();
        } else {
            self.0.push(b';');
        }
        self.0.byte_number(n);
    }

    /// A colour the way crossterm writes it: `set;5;n` for the named and
    /// indexed colours, `set;2;r;g;b` for RGB, `reset` for the default.
    fn color(&mut self, set: u8, reset: u8, color: Color) {
        let index = match color {
            Color::Reset => return self.param(reset),
            Color::Rgb(r, g, b) => {
                for n in [set, 2, r, g, b] {
                    self.param(n);
                }
                return;
            }
            Color::Black => 0,
            Color::Red => 1,
            Color::Green => 2,
            Color::Yellow => 3,
            Color::Blue => 4,
            Color::Magenta => 5,
            Color::Cyan => 6,
            Color::Gray => 7,
            Color::DarkGray => 8,
            Color::LightRed => 9,
            Color::LightGreen => 10,
            Color::LightYellow => 11,
            Color::LightBlue => 12,
            Color::LightMagenta => 13,
            Color::LightCyan => 14,
            Color::White => 15,
            Color::Indexed(index) => index,
        };
        for n in [set, 5, index] {
            self.param(n);
        }
    }

    fn finish(mut self, out: &mut Vec<u8>) {
        if self.0.len > 0 {
            self.0.push(b'm');
            out.extend_from_slice(self.0.as_bytes());
        }
    }
}

/// `0` to `255` in decimal: the digits, left-aligned, then how many.
const DECIMAL: [[u8; 4]; 256] = decimal();

const fn decimal() -> [[u8; 4]; 256] {
    let mut table = [[0; 4]; 256];
    let mut n = 0;
    while n < 256 {
        table[n] = match n {
            0..10 => [digit(n), 0, 0, 1],
            10..100 => [digit(n / 10), digit(n), 0, 2],
            _ => [digit(n / 100), digit(n / 10), digit(n), 3],
        };
        n += 1;
    }
    table
}

/// The last decimal digit of `n`, in ASCII.
const fn digit(n: usize) -> u8 {
    // Below 10: the cast cannot truncate.
    b'0' + (n % 10) as u8
}

/// One escape sequence, built on the stack and copied out whole: pushing
/// its bytes one at a time into the frame's `Vec` cost more than the rest
/// of the encoding. The longest SGR this module builds (every attribute
/// group switched, two RGB colours) is under 100 bytes.
struct Sequence {
    bytes: [u8; 128],
    len: usize,
}

impl Sequence {
    fn new() -> Self {
        Self {
            bytes: [0; 128],
            len: 0,
        }
    }

    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn csi(&mut self) {
        self.push(0x1b);
        self.push(b'[');
    }

    /// Decimal digits of `n`, from [`DECIMAL`]: SGR parameters are bytes,
    /// and formatting them digit by digit was a twentieth of a busy frame.
    fn byte_number(&mut self, n: u8) {
        let [hundreds, tens, ones, count] = DECIMAL[usize::from(n)];
        let end = self.len + 3;
        if let Some(slot) = self.bytes.get_mut(self.len..end) {
            slot.copy_from_slice(&[hundreds, tens, ones]);
            self.len += usize::from(count);
        }
    }

    /// Decimal digits of `n`.
    fn number(&mut self, n: u32) {
        // Every digit is below 10: the casts cannot truncate.
        if n >= 10 {
            self.number(n / 10);
        }
        self.push(b'0' + (n % 10) as u8);
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

#[cfg(test)]
#[path = "ansi_tests.rs"]
mod tests;
