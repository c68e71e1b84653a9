//! Which rows of a pane's screen may have changed since a frame drew it.
//!
//! vt100 0.18 keeps no damage, so a frame after a key's echo used to read
//! every cell of the pane out of vt100 and compare it with what the client
//! shows: with one pane filling the window, about twice tmux's time per
//! echo, where tmux writes only the cell that changed (benches/README.md,
//! "one big pane"). Most echoes are text, a carriage return, a backspace or
//! a few row-local sequences that cannot leave the cursor's row, after
//! cursor moves or line feeds to that row (how a prompt or a TUI redraws
//! its input line). A small chunk is cut before its cursor moves
//! ([`pieces`]); when the text of every piece keeps to the row its moves
//! reached ([`row_local`]), only those rows are marked; anything else marks
//! the whole screen. The test in `damage_tests.rs` feeds random output and
//! checks that no row outside the damage ever changed.

/// When each row last changed, in the emulator's change counts.
#[derive(Debug, Clone, Default)]
pub struct Damage {
    /// Per row, the change count at which it was last marked.
    rows: Vec<u64>,
    /// The change count at which the whole screen was last marked.
    everything: u64,
}

/// What may have changed since a given change count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    Nothing,
    /// Only these rows, top to bottom.
    Rows(Vec<u16>),
    Everything,
}

impl Damage {
    /// Marks `row` as changed at change count `at`.
    pub fn row(&mut self, row: u16, at: u64) {
        let row = usize::from(row);
        if self.rows.len() <= row {
            self.rows.resize(row + 1, 0);
        }
        if let Some(slot) = self.rows.get_mut(row) {
            *slot = at;
        }
    }

    /// Marks the whole screen as changed at `at`.
    pub fn everything(&mut self, at: u64) {
        self.everything = at;
    }

    /// What changed after change count `seen`.
    pub fn since(&self, seen: u64) -> Changed {
        if self.everything > seen {
            return Changed::Everything;
        }
        let rows: Vec<u16> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, at)| **at > seen)
            .filter_map(|(row, _)| u16::try_from(row).ok())
            .collect();
        match rows.is_empty() {
            true => Changed::Nothing,
            false => Changed::Rows(rows),
        }
    }
}

const ESC: u8 = 0x1b;

/// Chunks up to this size are looked at piece by piece; a bigger one is a
/// flood or a redraw, which marks everything.
pub const SMALL_CHUNK: usize = 1024;

/// Whether `bytes` holds nothing but what the pieces are made of: valid
/// UTF-8 text, CR, BS, BEL, LF, CSI sequences that keep to the cursor's row
/// or only move the cursor, and sequences that change no cell ([`Kind`]).
/// Anything else (other controls, other sequences, broken UTF-8) is parsed
/// in one go and marks everything, so the chunk is never cut where the
/// filter keeps state.
pub fn plain(bytes: &[u8]) -> bool {
    // A character the read cut short at its end is fine: the filter holds
    // it until the next read.
    if let Err(error) = std::str::from_utf8(bytes)
        && error.error_len().is_some()
    {
        return false;
    }
    let mut at = 0;
    while let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) {
        at += match rest.first() {
            Some(b' '..=b'~' | 0x80..=0xff | b'\r' | 0x08 | 0x07 | b'\n') => 1,
            Some(&ESC) => match sequence(rest) {
                Some(sequence) => sequence.length,
                None => return false,
            },
            Some(_) | None => return false,
        };
    }
    true
}

/// One piece of a small chunk: the cursor moves it starts with, then text
/// up to the next move (byte ranges of the chunk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub moves: std::ops::Range<usize>,
    pub text: std::ops::Range<usize>,
}

/// Cuts `bytes` before each run of cursor moves that change no cell (CUP,
/// HVP, CUU, CUD, VPA, line feeds that do not scroll, and sequences that
/// change nothing on the screen), which is how a program reaches the rows
/// it redraws: each piece's text is then judged from where its moves put
/// the cursor.
pub fn pieces(bytes: &[u8]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut moves_end = 0;
    let mut at = 0;
    while at < bytes.len() {
        match cursor_move(bytes.get(at..).unwrap_or_default()) {
            Some(length) => {
                if at > moves_end {
                    pieces.push(Piece {
                        moves: start..moves_end,
                        text: moves_end..at,
                    });
                    start = at;
                }
                at += length;
                moves_end = at;
            }
            // Only an ESC or a line feed can start a move.
            None => {
                at += 1;
                at += bytes
                    .get(at..)
                    .and_then(|rest| rest.iter().position(|&b| matches!(b, ESC | b'\n')))
                    .unwrap_or(bytes.len() - at);
            }
        }
    }
    pieces.push(Piece {
        moves: start..moves_end,
        text: moves_end..bytes.len(),
    });
    pieces
}

/// The length of the cursor move (or sequence that changes no cell)
/// `bytes` starts with, if it does. A line feed is one too, unless it
/// scrolls, which the emulator checks as it parses it.
fn cursor_move(bytes: &[u8]) -> Option<usize> {
    if bytes.first() == Some(&b'\n') {
        return Some(1);
    }
    let sequence = sequence(bytes)?;
    match sequence.kind {
        Kind::Move | Kind::Inert => Some(sequence.length),
        Kind::InRow { .. } => None,
    }
}

/// Whether `bytes`, parsed from the ground state with the cursor at column
/// `col` of a screen `cols` wide, can change only the cursor's row: text that
/// cannot go past the last column (so it cannot wrap or scroll), CR, BS, BEL,
/// CSI sequences that act within the row (SGR, EL, ECH, DCH, ICH, CUB,
/// CUF, CHA) and sequences that change no cell. Anything else, or a
/// sequence cut at the end of `bytes`, is not. A non-ASCII byte counts as
/// two columns, so a guess errs towards "not".
pub fn row_local(bytes: &[u8], col: u16, cols: u16) -> bool {
    // The furthest column the cursor can reach: every column it moves right
    // is added, and nothing moving left is subtracted.
    let mut reach = usize::from(col);
    let mut at = 0;
    while let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) {
        let (right, length) = match rest.first() {
            Some(b' '..=b'~') => (1, 1),
            Some(0x80..=0xff) => (2, 1),
            Some(b'\r' | 0x08 | 0x07) => (0, 1),
            Some(&ESC) => match sequence(rest) {
                Some(Sequence {
                    kind: Kind::InRow { right },
                    length,
                }) => (right, length),
                Some(Sequence {
                    kind: Kind::Inert,
                    length,
                }) => (0, length),
                Some(Sequence {
                    kind: Kind::Move, ..
                })
                | None => return false,
            },
            Some(_) | None => return false,
        };
        reach = reach.saturating_add(right);
        at += length;
    }
    // Text may fill the row to its last column: that leaves a wrap
    // pending, and whatever comes next is judged from there (past the
    // margin, so it is not row-local).
    reach <= usize::from(cols)
}

/// An escape sequence of one of the kinds the pieces are made of.
struct Sequence {
    kind: Kind,
    /// Its bytes, ESC included.
    length: usize,
}

enum Kind {
    /// Moves the cursor without changing a cell (CUP, HVP, CUU, CUD, VPA).
    Move,
    /// Acts within the cursor's row (SGR, EL, ECH, DCH, ICH, CUB, CUF,
    /// CHA), moving the cursor at most `right` columns right.
    InRow { right: usize },
    /// Changes no cell and leaves the cursor where it is: DEC private modes
    /// of input and of the cursor's look ([`INERT_MODES`]), a status report
    /// request (DSR), an OSC string (a title, a notification, a link).
    /// Agents wrap every redraw in them (synchronized output, a hidden
    /// cursor) and set a title with each spinner step.
    Inert,
}

/// DEC private modes that change no cell and nothing about how later
/// output is drawn: cursor keys, cursor blink and visibility, mouse and
/// focus reporting, bracketed paste, synchronized output, grapheme
/// clusters.
const INERT_MODES: &[usize] = &[
    1, 12, 25, 1000, 1002, 1003, 1004, 1005, 1006, 1015, 2004, 2026, 2027,
];

/// The sequence `bytes` starts with (at its ESC), if it is one of those
/// kinds, whole.
fn sequence(bytes: &[u8]) -> Option<Sequence> {
    match bytes.get(..2)? {
        [ESC, b'['] => csi(bytes),
        [ESC, b']'] => osc(bytes),
        _ => None,
    }
}

/// A CSI sequence whose parameters are digits and `;` only, or `?` and
/// then those (a DEC private mode).
fn csi(bytes: &[u8]) -> Option<Sequence> {
    let params = bytes.strip_prefix(&[ESC, b'['])?;
    let (private, params) = match params.strip_prefix(b"?") {
        Some(params) => (true, params),
        None => (false, params),
    };
    // The largest parameter (how far CUF and CHA can move), and whether
    // every one seen so far is an inert mode.
    let mut largest = 0usize;
    let mut current = 0usize;
    let mut inert = true;
    for (index, &byte) in params.iter().enumerate() {
        if byte.is_ascii_digit() {
            current = current
                .saturating_mul(10)
                .saturating_add(usize::from(byte - b'0'));
            continue;
        }
        largest = largest.max(current);
        inert &= INERT_MODES.contains(&current);
        current = 0;
        let kind = match (private, byte) {
            (_, b';') => continue,
            (true, b'h' | b'l') if inert => Kind::Inert,
            (true, _) => return None,
            (false, b'n') => Kind::Inert,
            (false, b'H' | b'f' | b'A' | b'B' | b'd') => Kind::Move,
            (false, b'm' | b'K' | b'X' | b'P' | b'@' | b'D') => Kind::InRow { right: 0 },
            (false, b'C' | b'G') => Kind::InRow {
                right: largest.max(1),
            },
            (false, _) => return None,
        };
        return Some(Sequence {
            kind,
            length: index + 3 + usize::from(private),
        });
    }
    None
}

/// An OSC string of printable text (UTF-8 included), ended by BEL or ST.
fn osc(bytes: &[u8]) -> Option<Sequence> {
    let body = bytes.strip_prefix(&[ESC, b']'])?;
    for (index, &byte) in body.iter().enumerate() {
        let end = match byte {
            0x20..=0x7e | 0x80..=0xff => continue,
            0x07 => 1,
            ESC if body.get(index + 1) == Some(&b'\\') => 2,
            _ => return None,
        };
        return Some(Sequence {
            kind: Kind::Inert,
            length: 2 + index + end,
        });
    }
    None
}

#[cfg(test)]
#[path = "damage_tests.rs"]
mod tests;
