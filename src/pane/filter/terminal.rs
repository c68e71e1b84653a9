//! What the filter needs of the parser behind it ([`Terminal`], implemented
//! by vt100's parser), and where filtered bytes go ([`Sink`]): a buffer the
//! parser takes whenever the filter must read the cursor, and at the end of
//! each chunk.

use super::super::history::KeepsHistory;
use super::super::widen;
use super::text::VS16;

/// What erased the pane's history, which vt100 keeps none of (see
/// `pane::history`) and so cannot erase itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryErase {
    /// ED 3 (`CSI 3 J`, as `clear` sends): vt100 erases the scrollback of
    /// the screen in use, and the alternate screen has none.
    Scrollback,
    /// RIS (`ESC c`): vt100 makes a new screen, scrollback and all.
    Reset,
}

/// What the filter needs of the parser behind it.
pub trait Terminal {
    /// Parses `bytes` (what the filter has passed on).
    fn parse(&mut self, bytes: &[u8]);
    /// Where the cursor is, once everything passed on has been parsed.
    fn cursor(&self) -> Cursor;
    /// The screen's width.
    fn cols(&self) -> u16;
    /// Appends bytes that draw the last cell of `row` again as it is (its
    /// character and colours, then the current colours back): that leaves
    /// the cursor past the last column, a pending wrap, which no cursor
    /// movement can do.
    fn redraw_last_cell(&self, row: u16, bytes: &mut Vec<u8>);
    /// Appends what to parse for a U+FE0F that comes next in text: the
    /// selector itself, or what vt100 means by it when it would widen the
    /// last column's character with a wrap pending (see `pane::widen`).
    fn emoji_presentation(&mut self, bytes: &mut Vec<u8>);
    /// The program erased the history, once everything before it is parsed.
    fn erase_history(&mut self, erase: HistoryErase);
}

impl<CB: vt100::Callbacks + KeepsHistory> Terminal for vt100::Parser<CB> {
    fn parse(&mut self, bytes: &[u8]) {
        self.process(bytes);
    }

    fn cursor(&self) -> Cursor {
        let (row, col) = self.screen().cursor_position();
        Cursor { row, col }
    }

    fn cols(&self) -> u16 {
        self.screen().size().1.get()
    }

    fn redraw_last_cell(&self, row: u16, bytes: &mut Vec<u8>) {
        let screen = self.screen();
        let mut col = self.cols().saturating_sub(1);
        if screen
            .cell(row, col)
            .is_some_and(vt100::Cell::is_wide_continuation)
        {
            col = col.saturating_sub(1);
        }
        let Some(cell) = screen.cell(row, col) else {
            return;
        };
        cup(bytes, Cursor { row, col });
        sgr(bytes, cell);
        match cell.contents() {
            "" => bytes.push(b' '),
            contents => bytes.extend_from_slice(contents.as_bytes()),
        }
        bytes.extend_from_slice(screen.attributes_formatted().as_bytes());
    }

    fn emoji_presentation(&mut self, bytes: &mut Vec<u8>) {
        match widen::at_margin(self.screen()) {
            Some(instead) => bytes.extend_from_slice(&instead),
            None => bytes.extend_from_slice(VS16),
        }
    }

    fn erase_history(&mut self, erase: HistoryErase) {
        match erase {
            HistoryErase::Scrollback if self.screen().alternate_screen() => {}
            HistoryErase::Scrollback | HistoryErase::Reset => self.callbacks_mut().erase_history(),
        }
    }
}

/// A cursor position, from 0. `col` is the width itself when vt100 has a
/// wrap pending (it drew in the last column and wraps at the next character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub row: u16,
    pub col: u16,
}

/// Where filtered bytes go: a buffer, and the parser that takes the buffer
/// whenever the filter must read the cursor (and at the end of a chunk).
pub(super) struct Sink<'a, T> {
    pub(super) bytes: &'a mut Vec<u8>,
    pub(super) terminal: &'a mut T,
}

impl<T: Terminal> Sink<'_, T> {
    pub(super) fn push(&mut self, byte: u8) {
        self.bytes.push(byte);
    }

    pub(super) fn extend(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// Has everything so far parsed.
    pub(super) fn flush(&mut self) {
        if !self.bytes.is_empty() {
            self.terminal.parse(self.bytes);
            self.bytes.clear();
        }
    }

    /// Where the cursor is after everything so far.
    pub(super) fn cursor(&mut self) -> Cursor {
        self.flush();
        self.terminal.cursor()
    }

    pub(super) fn cols(&self) -> u16 {
        self.terminal.cols()
    }

    /// A U+FE0F in text, once everything before it is parsed.
    pub(super) fn emoji_presentation(&mut self) {
        self.flush();
        self.terminal.emoji_presentation(self.bytes);
    }

    /// Has everything so far parsed, then the history erased.
    pub(super) fn erase_history(&mut self, erase: HistoryErase) {
        self.flush();
        self.terminal.erase_history(erase);
    }

    /// CHA: to column `col` (from 0) of the cursor's row.
    pub(super) fn cha(&mut self, col: u16) {
        cha(self.bytes, col);
    }

    /// Puts the cursor at `cursor`, a pending wrap included.
    pub(super) fn move_to(&mut self, cursor: Cursor) {
        let cols = self.cols();
        if cursor.col < cols {
            cup(self.bytes, cursor);
        } else {
            self.flush();
            self.terminal.redraw_last_cell(cursor.row, self.bytes);
        }
    }
}

fn cha(bytes: &mut Vec<u8>, col: u16) {
    bytes.extend_from_slice(b"\x1b[");
    number(bytes, col.saturating_add(1));
    bytes.push(b'G');
}

fn cup(bytes: &mut Vec<u8>, cursor: Cursor) {
    bytes.extend_from_slice(b"\x1b[");
    number(bytes, cursor.row.saturating_add(1));
    bytes.push(b';');
    number(bytes, cursor.col.saturating_add(1));
    bytes.push(b'H');
}

/// SGR for a cell's attributes, from a reset.
fn sgr(bytes: &mut Vec<u8>, cell: &vt100::Cell) {
    bytes.extend_from_slice(b"\x1b[0");
    for (on, code) in [
        (cell.bold(), b'1'),
        (cell.dim(), b'2'),
        (cell.italic(), b'3'),
        (cell.underline(), b'4'),
        (cell.inverse(), b'7'),
    ] {
        if on {
            bytes.extend_from_slice(&[b';', code]);
        }
    }
    for (colour, base) in [(cell.fgcolor(), 38), (cell.bgcolor(), 48)] {
        match colour {
            vt100::Color::Default => {}
            vt100::Color::Idx(i) => {
                bytes.push(b';');
                number(bytes, base);
                bytes.extend_from_slice(b";5;");
                number(bytes, u16::from(i));
            }
            vt100::Color::Rgb(r, g, b) => {
                bytes.push(b';');
                number(bytes, base);
                bytes.extend_from_slice(b";2");
                for c in [r, g, b] {
                    bytes.push(b';');
                    number(bytes, u16::from(c));
                }
            }
        }
    }
    bytes.push(b'm');
}

fn number(bytes: &mut Vec<u8>, n: u16) {
    let mut digits = [0u8; 5];
    let mut at = digits.len();
    let mut n = n;
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            // n % 10 < 10: the cast cannot truncate.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    bytes.extend_from_slice(digits.get(at..).unwrap_or_default());
}
