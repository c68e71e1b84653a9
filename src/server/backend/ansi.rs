//! The bytes of a frame: ratatui's changed cells encoded as ANSI by hand,
//! straight into the frame's `Vec<u8>`.
//!
//! crossterm's writer, which `CrosstermBackend::draw` uses, queues one
//! command per cursor move, attribute and colour through `fmt::Write`; on a
//! frame where every cell of 16 panes changed that was a quarter of the
//! frame's time. This encoder keeps the meaning of what crossterm sent and
//! drops its cost: the cursor is moved only where the next cell is not the
//! one after the previous, a change of style is one SGR sequence carrying
//! every parameter, and numbers are formatted without `fmt`.
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

const CSI: &[u8] = b"\x1b[";

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
    let mut after: Option<(u16, u16)> = None;
    for (x, y, cell) in cells {
        if after != Some((x, y)) {
            move_to(out, x, y);
        }
        after = x.checked_add(1).map(|next| (next, y));
        pen.change_to(out, cell);
        match cell.symbol().as_bytes() {
            [byte] => out.push(*byte),
            bytes => out.extend_from_slice(bytes),
        }
    }
    pen.restore_default(out);
}

/// `CSI row ; col H`, 1-based.
pub fn move_to(out: &mut Vec<u8>, x: u16, y: u16) {
    out.extend_from_slice(CSI);
    push_number(out, u32::from(y) + 1);
    out.push(b';');
    push_number(out, u32::from(x) + 1);
    out.push(b'H');
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
        let mut params = Params::new(out);
        if cell.modifier != self.modifier {
            switch_modifiers(&mut params, self.modifier, cell.modifier);
            self.modifier = cell.modifier;
        }
        if cell.fg != self.fg {
            params.color(38, 39, cell.fg);
            self.fg = cell.fg;
        }
        if cell.bg != self.bg {
            params.color(48, 49, cell.bg);
            self.bg = cell.bg;
        }
        params.close();
        if cell.underline_color != self.underline {
            let mut params = Params::new(out);
            params.color(58, 59, cell.underline_color);
            params.close();
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

fn switch_modifiers(params: &mut Params<'_>, from: Modifier, to: Modifier) {
    for group in &GROUPS {
        let dropped = group
            .on
            .iter()
            .any(|&(member, _)| from.contains(member) && !to.contains(member));
        if dropped {
            params.number(group.off);
        }
        for &(member, on) in group.on {
            if to.contains(member) && (dropped || !from.contains(member)) {
                params.number(on);
            }
        }
    }
}

/// One SGR sequence under construction; nothing is written until it has
/// a parameter.
struct Params<'a> {
    out: &'a mut Vec<u8>,
    open: Open,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Empty,
    Started,
}

impl<'a> Params<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        Self {
            out,
            open: Open::Empty,
        }
    }

    fn number(&mut self, n: u8) {
        match self.open {
            Open::Empty => {
                self.out.extend_from_slice(CSI);
                self.open = Open::Started;
            }
            Open::Started => self.out.push(b';'),
        }
        push_number(self.out, u32::from(n));
    }

    /// A colour the way crossterm writes it: `set;5;n` for the named and
    /// indexed colours, `set;2;r;g;b` for RGB, `reset` for the default.
    fn color(&mut self, set: u8, reset: u8, color: Color) {
        let index = match color {
            Color::Reset => return self.number(reset),
            Color::Rgb(r, g, b) => {
                for n in [set, 2, r, g, b] {
                    self.number(n);
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
            self.number(n);
        }
    }

    fn close(self) {
        match self.open {
            Open::Empty => {}
            Open::Started => self.out.push(b'm'),
        }
    }
}

/// Decimal digits of `n`, without `fmt`'s machinery.
fn push_number(out: &mut Vec<u8>, n: u32) {
    // A remainder of 10 is below `u8::MAX`: the casts cannot truncate.
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    let mut digits = [0u8; 10];
    let mut rest = n;
    let mut used = 0;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
        used += 1;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(digits.len() - used..).unwrap_or_default());
}

#[cfg(test)]
#[path = "ansi_tests.rs"]
mod tests;
