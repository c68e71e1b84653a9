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

/// A UTF-8 character split across bytes (or chunks).
#[derive(Debug, Default, Clone, Copy)]
struct Partial {
    bytes: [u8; 4],
    len: u8,
    /// How long the whole character is (from its first byte).
    want: u8,
}

impl Partial {
    fn start(lead: u8) -> Self {
        let want = match lead {
            0xc2..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
        Self {
            bytes: [lead, 0, 0, 0],
            len: 1,
            want,
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
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
    partial: Partial,
    /// The last character drawn, for REP.
    last: Option<char>,
}

impl Clip {
    /// Forgets the column: at the start of a chunk and after a screen switch.
    pub(super) fn forget_cursor(&mut self) {
        self.col = Column::Unknown;
        self.held = Column::Unknown;
    }

    /// A byte in the ground state other than ESC, SO and SI.
    pub(super) fn text<T: Terminal>(
        &mut self,
        byte: u8,
        charset: Charset,
        insert: InsertMode,
        out: &mut Sink<T>,
    ) {
        if !self.partial.is_empty() {
            if (0x80..=0xbf).contains(&byte) {
                let partial = &mut self.partial;
                if let Some(slot) = partial.bytes.get_mut(usize::from(partial.len)) {
                    *slot = byte;
                    partial.len += 1;
                }
                if partial.len >= partial.want {
                    let partial = std::mem::take(&mut self.partial);
                    let bytes = partial.bytes();
                    match std::str::from_utf8(bytes)
                        .ok()
                        .and_then(|s| s.chars().next())
                    {
                        Some(c) => self.print(c, bytes, insert, out),
                        // vte makes it U+FFFD, which vt100 does not draw.
                        None => out.extend(bytes),
                    }
                }
                return;
            }
            // An unfinished character: not drawn either.
            out.extend(std::mem::take(&mut self.partial).bytes());
        }
        match byte {
            0x20..=0x7e => match charset.map(byte) {
                Some(c) => {
                    let mut utf8 = [0u8; 4];
                    self.print(c, c.encode_utf8(&mut utf8).as_bytes(), insert, out);
                }
                None => self.print(char::from(byte), &[byte], insert, out),
            },
            0xc2..=0xf4 => self.partial = Partial::start(byte),
            0x80..=0xc1 | 0xf5..=0xff => out.push(byte),
            0x00..=0x1f | 0x7f => {
                self.leave(out);
                out.push(byte);
            }
        }
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
            if !(room == 0 && c == EMOJI_PRESENTATION) {
                out.extend(bytes);
            }
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

    /// Before a control byte: a character left unfinished is passed on as it
    /// is (vte makes it U+FFFD, which vt100 does not draw) and the cursor is
    /// put on the last column if vt100 has it past.
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
        if !self.partial.is_empty() {
            out.extend(std::mem::take(&mut self.partial).bytes());
        }
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
