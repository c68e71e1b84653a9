//! A streaming byte filter in front of vt100 that turns the SCO cursor
//! save/restore sequences into their DEC equivalents, and IND / NEL
//! (`ESC D`, `ESC E`, which vt100 0.18 ignores) into the line feeds they are.
//!
//! vt100 0.18 implements DECSC/DECRC (`ESC 7` / `ESC 8`) but not the CSI forms
//! `CSI s` / `CSI u`, so a program that uses those sees its cursor land in the
//! wrong place. Only the bare forms (no parameters, no intermediates) are
//! rewritten: `CSI > u`, `CSI < u`, `CSI ? u` and `CSI = … u` are the kitty
//! keyboard protocol and must reach the shim untouched. The filter keeps at most
//! three bytes of state between chunks, because the PTY splits output anywhere:
//! an unfinished `ESC [`, or an unfinished UTF-8 character in text (vte 0.15
//! drops characters after one split between reads when invalid bytes follow).
//! It also cuts string sequences (OSC, DCS …) at [`MAX_STRING_BYTES`], which
//! vt100's parser would otherwise buffer without limit.

/// Where the filter is in the escape-sequence grammar: enough of it to know
/// which bytes are text (only text is translated) and to carry the
/// sequences it rewrites across chunks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    /// Saw `ESC` (held back, not yet emitted).
    Escape,
    /// Saw `ESC [` (held back, not yet emitted).
    CsiStart,
    /// Inside a CSI sequence, before its final byte.
    Csi,
    /// Inside an OSC, DCS, APC, PM or SOS string.
    Str(StrKind),
    /// Saw `ESC` inside a string: `\\` ends it, anything else starts anew.
    StrEscape,
    /// Saw `ESC (` or `ESC )`: the next byte designates that character set.
    Designate(Slot),
    /// Saw `ESC` and an intermediate byte: pass until the final byte.
    EscIntermediate,
    /// A CSI too long to hold: passed on until its final byte.
    CsiRaw,
    /// Holding the first `len` bytes of a UTF-8 character in text until it
    /// is whole: vte 0.15 mishandles a character split between two reads
    /// when invalid bytes follow it (it drops the characters in between),
    /// and U+FE0F is found whole this way.
    Utf8 { held: [u8; 4], len: u8 },
}

/// The longest CSI parameter string the filter holds (real ones are short).
const MAX_PARAMS: usize = 64;

/// The most bytes of one string sequence passed on to vt100. vte (with its
/// `std` feature, as vt100 uses it) buffers an OSC string in a `Vec` with no
/// limit and keeps its capacity afterwards, so a program printing `ESC ]`
/// and then megabytes would grow the server for good. Nothing grove reads is
/// longer: titles and notifications are cut to 1 KiB in the shim. The rest of
/// an overlong string is dropped; its terminator still ends it.
const MAX_STRING_BYTES: usize = 8 << 10;

/// Which string sequence: only OSC ends at BEL (xterm's extension); DCS,
/// APC, PM and SOS run to ST, as in vte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrKind {
    Osc,
    Other,
}

/// U+FE0F, VARIATION SELECTOR-16, in UTF-8.
pub const VS16: &[u8] = "\u{fe0f}".as_bytes();

/// The length of the UTF-8 sequence a lead byte (0xc2–0xf4) starts.
fn utf8_length(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        _ => 2,
    }
}

/// CAN and SUB abort any sequence, strings included (vte's "anywhere").
const CAN: u8 = 0x18;
const SUB: u8 = 0x1a;

/// G0 or G1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    G0,
    G1,
}

/// What a character set slot holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Charset {
    #[default]
    Ascii,
    /// DEC special graphics: `lqqk` draws a box corner and rules.
    LineDrawing,
}

const ESC: u8 = 0x1b;
const SO: u8 = 0x0e;
const SI: u8 = 0x0f;

/// Rewrites what vt100 0.18 gets wrong before it sees it, across chunks:
/// bare `CSI s` / `CSI u` to `ESC 7` / `ESC 8`, IND and NEL to line feeds,
/// and text in the DEC line-drawing set to the Unicode box characters.
#[derive(Debug, Default)]
pub struct SaveRestoreFilter {
    state: State,
    g0: Charset,
    g1: Charset,
    /// Whether SO selected G1 (SI selects G0 again).
    shifted: bool,
    /// The parameters of the CSI sequence being read.
    params: Vec<u8>,
    /// Insert mode (IRM, `CSI 4 h`): each character makes room first.
    insert: bool,
    /// Bytes of the current string sequence passed on so far.
    string_bytes: usize,
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

impl SaveRestoreFilter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Filters `input` into `out` (cleared first). Bytes of an unfinished
    /// `ESC [` at the end of `input` are held until the next call. `vs16`
    /// gets the offset in `out` of every U+FE0F in text (not inside an
    /// escape sequence), whole: one split between chunks is held back.
    pub fn filter(&mut self, input: &[u8], out: &mut Vec<u8>, vs16: &mut Vec<usize>) {
        out.clear();
        vs16.clear();
        out.reserve(input.len() + 2);
        for &byte in input {
            self.push(byte, out, vs16);
        }
    }

    fn push(&mut self, byte: u8, out: &mut Vec<u8>, vs16: &mut Vec<usize>) {
        match self.state {
            State::Utf8 { mut held, len } => {
                if (0x80..=0xbf).contains(&byte)
                    && let Some(slot) = held.get_mut(usize::from(len))
                {
                    *slot = byte;
                    let len = len + 1;
                    if usize::from(len) < utf8_length(held[0]) {
                        self.state = State::Utf8 { held, len };
                    } else {
                        self.state = State::Ground;
                        self.character(&held[..usize::from(len)], out, vs16);
                    }
                    return;
                }
                // Cut short by a byte that does not continue it: what was
                // held is text (vt100 shows U+FFFD), and the byte is read
                // afresh.
                self.state = State::Ground;
                self.character(&held[..usize::from(len)], out, vs16);
                self.push(byte, out, vs16);
            }
            State::Ground => self.ground(byte, out),
            State::Escape => self.escape(byte, out),
            State::CsiStart => {
                match byte {
                    b's' => {
                        out.extend_from_slice(&[ESC, b'7']);
                        self.state = State::Ground;
                    }
                    b'u' => {
                        out.extend_from_slice(&[ESC, b'8']);
                        self.state = State::Ground;
                    }
                    ESC => {
                        // An ESC here aborts the CSI and may start the next one.
                        out.extend_from_slice(&[ESC, b'[']);
                        self.state = State::Escape;
                    }
                    _ => {
                        self.params.clear();
                        self.state = State::Csi;
                        self.csi(byte, out);
                    }
                }
            }
            State::Csi => self.csi(byte, out),
            State::CsiRaw => {
                out.push(byte);
                if (0x40..=0x7e).contains(&byte) {
                    self.state = State::Ground;
                }
            }
            State::Str(kind) => match byte {
                ESC => self.state = State::StrEscape,
                CAN | SUB => {
                    out.push(byte);
                    self.state = State::Ground;
                }
                0x07 if kind == StrKind::Osc => {
                    out.push(byte);
                    self.state = State::Ground;
                }
                _ if self.string_bytes < MAX_STRING_BYTES => {
                    self.string_bytes += 1;
                    out.push(byte);
                }
                _ => {}
            },
            State::StrEscape => {
                if byte == b'\\' {
                    out.extend_from_slice(&[ESC, b'\\']);
                    self.state = State::Ground;
                } else {
                    self.escape(byte, out);
                }
            }
            State::Designate(slot) => {
                let charset = match byte {
                    b'0' => Charset::LineDrawing,
                    _ => Charset::Ascii,
                };
                match slot {
                    Slot::G0 => self.g0 = charset,
                    Slot::G1 => self.g1 = charset,
                }
                out.push(byte);
                self.state = State::Ground;
            }
            State::EscIntermediate => {
                out.push(byte);
                if (0x30..=0x7e).contains(&byte) {
                    self.state = State::Ground;
                }
            }
        }
    }

    /// The byte after an `ESC` (which is held back).
    fn escape(&mut self, byte: u8, out: &mut Vec<u8>) {
        self.state = State::Ground;
        match byte {
            b'[' => self.state = State::CsiStart,
            // IND: down a row, scrolling at the bottom (LF without a
            // carriage return), which vt100 0.18 ignores.
            b'D' => out.push(b'\n'),
            // NEL: the same, back to the first column.
            b'E' => out.extend_from_slice(b"\r\n"),
            b']' | b'P' | b'_' | b'^' | b'X' => {
                out.extend_from_slice(&[ESC, byte]);
                self.string_bytes = 0;
                self.state = State::Str(if byte == b']' {
                    StrKind::Osc
                } else {
                    StrKind::Other
                });
            }
            b'(' | b')' => {
                out.extend_from_slice(&[ESC, byte]);
                self.state = State::Designate(if byte == b'(' { Slot::G0 } else { Slot::G1 });
            }
            ESC => {
                out.push(ESC);
                self.state = State::Escape;
            }
            0x20..=0x2f => {
                out.extend_from_slice(&[ESC, byte]);
                self.state = State::EscIntermediate;
            }
            _ => out.extend_from_slice(&[ESC, byte]),
        }
    }

    /// A byte of a CSI sequence, whose parameters are held until its final
    /// byte (at most [`MAX_PARAMS`]; a longer one is passed on as it is).
    fn csi(&mut self, byte: u8, out: &mut Vec<u8>) {
        match byte {
            ESC => {
                // An ESC aborts the sequence and may start the next one.
                out.extend_from_slice(&[ESC, b'[']);
                out.append(&mut self.params);
                self.state = State::Escape;
            }
            0x40..=0x7e => {
                self.finish_csi(byte, out);
                self.state = State::Ground;
            }
            _ if self.params.len() < MAX_PARAMS => self.params.push(byte),
            _ => {
                out.extend_from_slice(&[ESC, b'[']);
                out.append(&mut self.params);
                out.push(byte);
                self.state = State::CsiRaw;
            }
        }
    }

    /// A whole CSI sequence: the forms vt100 0.18 lacks become ones it has.
    fn finish_csi(&mut self, final_byte: u8, out: &mut Vec<u8>) {
        let params = std::mem::take(&mut self.params);
        match (params.as_slice(), final_byte) {
            // The alternate screen without the cursor save: vt100 knows 47.
            (b"?1047", b'h' | b'l') => {
                out.extend_from_slice(b"\x1b[?47");
                out.push(final_byte);
                return;
            }
            // Insert mode (IRM): vt100 ignores it, so text is inserted here.
            (_, b'h' | b'l')
                if params.first() != Some(&b'?')
                    && params.split(|b| *b == b';').any(|p| p == b"4") =>
            {
                self.insert = final_byte == b'h';
            }
            _ => {}
        }
        out.extend_from_slice(&[ESC, b'[']);
        out.extend_from_slice(&params);
        out.push(final_byte);
    }

    /// A whole (or cut short) multi-byte character in text.
    fn character(&mut self, bytes: &[u8], out: &mut Vec<u8>, vs16: &mut Vec<usize>) {
        if bytes == VS16 {
            // Zero width: insert mode makes no room for it.
            vs16.push(out.len());
        } else if self.insert {
            out.extend_from_slice(b"\x1b[@");
        }
        out.extend_from_slice(bytes);
    }

    fn ground(&mut self, byte: u8, out: &mut Vec<u8>) {
        match byte {
            ESC => self.state = State::Escape,
            0xc2..=0xf4 => {
                self.state = State::Utf8 {
                    held: [byte, 0, 0, 0],
                    len: 1,
                }
            }
            SO => self.shifted = true,
            SI => self.shifted = false,
            _ => {
                // Insert mode: make room (ICH) before each character; a
                // UTF-8 character is one lead byte and its continuation bytes.
                let starts_character = (0x20..=0x7e).contains(&byte) || byte >= 0xc0;
                if self.insert && starts_character {
                    out.extend_from_slice(b"\x1b[@");
                }
                let charset = if self.shifted { self.g1 } else { self.g0 };
                match (charset, line_drawing(byte)) {
                    (Charset::LineDrawing, Some(c)) => {
                        let mut utf8 = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                    }
                    (Charset::LineDrawing | Charset::Ascii, _) => out.push(byte),
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
