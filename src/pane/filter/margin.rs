//! Autowrap off (DECAWM reset, `CSI ? 7 l`), which vt100 0.18 does not
//! implement: it always wraps. With autowrap off, text that reaches the right
//! margin stays on its row: each further character overwrites the last
//! column, and a wide character that does not fit is not drawn (as tmux;
//! prompt_toolkit, aider's interface, draws with autowrap off).
//!
//! The filter knows the cursor's column while it passes text on: it reads it
//! from vt100 at the start of a run of text and counts the cells each
//! character takes, with the `unicode-width` crate vt100 itself uses. A
//! character that would wrap is preceded by a move back onto the last column
//! (`CSI cols G`). vt100 leaves its cursor one past the last column after
//! drawing there (its pending wrap), while the real cursor is on the last
//! column: it is put there before the next control or escape sequence (which
//! may move relative to it or report it), not at once, so that a combining
//! character still joins the last cell.

use unicode_width::UnicodeWidthChar as _;

use super::charset::Charset;
use super::{InsertMode, Sink, Terminal};

/// VS16, which can widen the character before it: at the margin that would
/// make vt100 wrap it onto the next row, so it is left out there.
const EMOJI_PRESENTATION: char = '\u{fe0f}';

/// The cells `c` takes in vt100, or `None` when vt100 does not draw it:
/// vt100's `calculate_width` and its refusal of U+FFFD and C1 characters.
fn cell_width(c: char) -> Option<u16> {
    if c == '\u{fffd}' || ('\u{80}'..'\u{a0}').contains(&c) {
        return None;
    }
    match c.width() {
        None if u32::from(c) < 256 => None,
        None => Some(1),
        Some(0) => Some(0),
        Some(1) => Some(1),
        Some(_) => Some(2),
    }
}

/// What the filter knows of vt100's cursor column while autowrap is off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Column {
    /// Nothing: at the start of a chunk (the parser may have been resized
    /// or rebuilt since) or after a screen switch.
    #[default]
    Unknown,
    /// Not past the last column: a control or sequence came after the text.
    Settled,
    /// This column (the width when past the last column), within a run of
    /// text.
    At(u16),
}

/// Text state while autowrap is off.
#[derive(Debug, Default)]
pub(super) struct Clip {
    col: Column,
    /// The width `col` was read at.
    cols: u16,
    /// The column across an escape sequence, for when it is SGR (which does
    /// not move the cursor: prompt_toolkit colours nearly every word).
    held: Column,
    /// The last character drawn, for REP.
    last: Option<char>,
}

impl Clip {
    /// Forgets the column: at the start of a chunk and after a screen switch.
    pub(super) fn forget_cursor(&mut self) {
        self.col = Column::Unknown;
        self.held = Column::Unknown;
    }

    /// A byte in the ground state other than ESC, SO, SI, tab and a UTF-8
    /// lead byte (multi-byte characters come whole, to [`Clip::character`]).
    pub(super) fn text<T: Terminal>(
        &mut self,
        byte: u8,
        charset: Charset,
        insert: InsertMode,
        out: &mut Sink<T>,
    ) {
        match byte {
            0x20..=0x7e => match charset.map(byte) {
                Some(c) => {
                    let mut utf8 = [0u8; 4];
                    self.print(c, c.encode_utf8(&mut utf8).as_bytes(), insert, out);
                }
                None => self.print(char::from(byte), &[byte], insert, out),
            },
            // Not the start of a character: vte makes it U+FFFD, which
            // vt100 does not draw.
            0x80..=0xff => out.push(byte),
            0x00..=0x1f | 0x7f => {
                self.leave(out);
                out.push(byte);
            }
        }
    }

    /// A run of printable ASCII, in neither line drawing nor insert mode:
    /// what [`Clip::text`] does for each byte, in bulk. What fits is passed
    /// on; of the rest, which would each overwrite the last column, only
    /// the last is drawn.
    pub(super) fn ascii<T: Terminal>(&mut self, run: &[u8], out: &mut Sink<T>) {
        let Some(&last) = run.last() else {
            return;
        };
        let col = self.column(out);
        let cols = self.cols;
        let room = usize::from(cols.saturating_sub(col));
        let (fits, over) = run.split_at(run.len().min(room));
        out.extend(fits);
        // `fits` is at most `room`, a u16.
        let mut col = col.saturating_add(u16::try_from(fits.len()).unwrap_or(u16::MAX));
        if !over.is_empty() {
            out.cha(cols.saturating_sub(1));
            out.push(last);
            col = cols;
        }
        self.last = Some(char::from(last));
        self.col = Column::At(col);
    }

    /// A whole multi-byte character, `c`, encoded as `bytes`.
    pub(super) fn character<T: Terminal>(
        &mut self,
        c: char,
        bytes: &[u8],
        insert: InsertMode,
        out: &mut Sink<T>,
    ) {
        if c == EMOJI_PRESENTATION {
            self.emoji_presentation(out);
        } else {
            self.print(c, bytes, insert, out);
        }
    }

    /// U+FE0F: passed on unless vt100's cursor is past the last column,
    /// read from vt100 rather than counted: vt100 may widen the character
    /// before it and move the cursor, and a selector reaching vt100 on a
    /// pending wrap is what [`crate::pane::widen`] is about.
    fn emoji_presentation<T: Terminal>(&mut self, out: &mut Sink<T>) {
        self.cols = out.cols();
        if out.cursor().col < self.cols {
            out.extend(super::text::VS16);
        }
        self.col = Column::Unknown;
    }

    /// Draws `c` (encoded as `bytes`) if it fits, keeping it on its row.
    fn print<T: Terminal>(&mut self, c: char, bytes: &[u8], insert: InsertMode, out: &mut Sink<T>) {
        let Some(width) = cell_width(c) else {
            out.extend(bytes);
            return;
        };
        let col = self.column(out);
        let cols = self.cols;
        let room = cols.saturating_sub(col);
        if width == 0 {
            out.extend(bytes);
            self.col = Column::At(col);
            return;
        }
        if width > 1 && room < width {
            // A wide character that does not fit is not drawn (tmux).
            self.col = Column::At(col);
            return;
        }
        if room == 0 {
            out.cha(cols.saturating_sub(1));
        }
        if insert == InsertMode::Insert {
            out.extend(b"\x1b[@");
        }
        out.extend(bytes);
        self.last = Some(c);
        self.col = Column::At(col.min(cols.saturating_sub(1)).saturating_add(width));
    }

    /// REP (`CSI n b`): the last character drawn, `count` more times, each
    /// kept on the row (vt100 would wrap). Once the row is full the rest
    /// only overwrite the last column, so at most a row's worth are drawn.
    /// `false` when no character was drawn with autowrap off: vt100 repeats
    /// its own.
    pub(super) fn repeat<T: Terminal>(
        &mut self,
        count: u16,
        insert: InsertMode,
        out: &mut Sink<T>,
    ) -> bool {
        let Some(c) = self.last else {
            return false;
        };
        let mut utf8 = [0u8; 4];
        let bytes = c.encode_utf8(&mut utf8).as_bytes();
        for _ in 0..count.min(out.cols().saturating_add(1)) {
            self.print(c, bytes, insert, out);
        }
        true
    }

    /// The cursor's column, read from the parser unless known.
    fn column<T: Terminal>(&mut self, out: &mut Sink<T>) -> u16 {
        match self.col {
            Column::At(col) => col,
            Column::Unknown | Column::Settled => {
                self.cols = out.cols();
                out.cursor().col
            }
        }
    }

    /// Before a control byte: the cursor is put on the last column if vt100
    /// has it past.
    pub(super) fn leave<T: Terminal>(&mut self, out: &mut Sink<T>) {
        self.park(out);
        self.col = Column::Settled;
    }

    /// At an ESC: as [`Clip::leave`], but the column is kept for
    /// [`Clip::resume`] in case the sequence is SGR.
    pub(super) fn hold<T: Terminal>(&mut self, out: &mut Sink<T>) {
        self.park(out);
        self.held = std::mem::replace(&mut self.col, Column::Settled);
    }

    /// After SGR: the cursor is where it was before.
    pub(super) fn resume(&mut self) {
        self.col = std::mem::take(&mut self.held);
        if self.col == Column::Unknown {
            self.col = Column::Settled;
        }
    }

    fn park<T: Terminal>(&mut self, out: &mut Sink<T>) {
        let col = match self.col {
            Column::Settled => return,
            Column::At(col) => col,
            Column::Unknown => {
                self.cols = out.cols();
                out.cursor().col
            }
        };
        let last = self.cols.saturating_sub(1);
        if col > last {
            out.cha(last);
        }
        self.col = Column::At(col.min(last));
    }
}
