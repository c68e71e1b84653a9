//! A streaming byte filter in front of vt100 that turns the SCO cursor
//! save/restore sequences into their DEC equivalents, and IND / NEL
//! (`ESC D`, `ESC E`, which vt100 0.18 ignores) into the line feeds they are.
//!
//! vt100 0.18 implements DECSC/DECRC (`ESC 7` / `ESC 8`) but not the CSI forms
//! `CSI s` / `CSI u`, so a program that uses those sees its cursor land in the
//! wrong place. Only the bare forms (no parameters, no intermediates) are
//! rewritten: `CSI > u`, `CSI < u`, `CSI ? u` and `CSI = … u` are the kitty
//! keyboard protocol and must reach the shim untouched. The filter keeps at most
//! two bytes of state between chunks, because the PTY splits output anywhere.

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
    Str,
    /// Saw `ESC` inside a string: `\\` ends it, anything else starts anew.
    StrEscape,
    /// Saw `ESC (` or `ESC )`: the next byte designates that character set.
    Designate(Slot),
    /// Saw `ESC` and an intermediate byte: pass until the final byte.
    EscIntermediate,
    /// A CSI too long to hold: passed on until its final byte.
    CsiRaw,
}

/// The longest CSI parameter string the filter holds (real ones are short).
const MAX_PARAMS: usize = 64;

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
    /// `ESC [` at the end of `input` are held until the next call.
    pub fn filter(&mut self, input: &[u8], out: &mut Vec<u8>) {
        out.clear();
        out.reserve(input.len() + 2);
        for &byte in input {
            self.push(byte, out);
        }
    }

    fn push(&mut self, byte: u8, out: &mut Vec<u8>) {
        match self.state {
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
            State::Str => {
                if byte == ESC {
                    self.state = State::StrEscape;
                    return;
                }
                if byte == 0x07 {
                    self.state = State::Ground;
                }
                out.push(byte);
            }
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
                self.state = State::Str;
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

    fn ground(&mut self, byte: u8, out: &mut Vec<u8>) {
        match byte {
            ESC => self.state = State::Escape,
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
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> Vec<u8> {
        let mut filter = SaveRestoreFilter::new();
        let mut all = Vec::new();
        let mut out = Vec::new();
        for chunk in chunks {
            filter.filter(chunk, &mut out);
            all.extend_from_slice(&out);
        }
        all
    }

    #[test]
    fn rewrites_bare_save_and_restore() {
        assert_eq!(run(&[b"a\x1b[sb\x1b[uc"]), b"a\x1b7b\x1b8c");
    }

    #[test]
    fn rewrites_across_every_split_point() {
        let input: &[u8] = b"x\x1b[sy\x1b[uz";
        for cut in 0..=input.len() {
            let (head, tail) = input.split_at(cut);
            assert_eq!(run(&[head, tail]), b"x\x1b7y\x1b8z", "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(run(&bytes), b"x\x1b7y\x1b8z");
    }

    #[test]
    fn leaves_kitty_and_parameterised_forms_alone() {
        for seq in [
            &b"\x1b[>1u"[..],
            b"\x1b[<u",
            b"\x1b[?u",
            b"\x1b[=5;1u",
            b"\x1b[1s",
            b"\x1b[2;5u",
            b"\x1b[6n",
            b"\x1b7",
            b"\x1b]0;t\x1b\\",
        ] {
            assert_eq!(run(&[seq]), seq);
            let (head, tail) = seq.split_at(2);
            assert_eq!(run(&[head, tail]), seq);
        }
    }

    #[test]
    fn line_drawing_text_becomes_box_characters_and_sequences_stay_intact() {
        assert_eq!(
            String::from_utf8(run(&[b"\x1b(0lqqk\x1b[1;31mx\x1b(Bq"])).unwrap(),
            "\x1b(0┌──┐\x1b[1;31m│\x1b(Bq"
        );
        // G1 through SO / SI, split anywhere.
        let input: &[u8] = b"\x1b)0a\x0eqj\x0fq\x1b]0;title q\x07";
        let whole = String::from_utf8(run(&[input])).unwrap();
        assert_eq!(whole, "\x1b)0a─┘q\x1b]0;title q\x07");
        for cut in 0..=input.len() {
            let (head, tail) = input.split_at(cut);
            assert_eq!(
                String::from_utf8(run(&[head, tail])).unwrap(),
                whole,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn insert_mode_makes_room_and_1047_becomes_47() {
        assert_eq!(run(&[b"ab\x1b[4hX\x1b[4lY"]), b"ab\x1b[4h\x1b[@X\x1b[4lY");
        assert_eq!(run(&[b"\x1b[?1047hz\x1b[?1047l"]), b"\x1b[?47hz\x1b[?47l");
        // A private mode 4 is not insert mode.
        assert_eq!(run(&[b"\x1b[?4hX"]), b"\x1b[?4hX");
        // Split anywhere.
        let input: &[u8] = b"a\x1b[4hB\x1b[4l";
        for cut in 0..=input.len() {
            let (head, tail) = input.split_at(cut);
            assert_eq!(
                run(&[head, tail]),
                b"a\x1b[4h\x1b[@B\x1b[4l",
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn index_and_next_line_become_line_feeds() {
        assert_eq!(run(&[b"a\x1bDb\x1bEc"]), b"a\nb\r\nc");
        assert_eq!(run(&[b"a\x1b", b"Db"]), b"a\nb");
    }

    #[test]
    fn escape_inside_csi_start_restarts() {
        assert_eq!(run(&[b"\x1b[\x1b[s"]), b"\x1b[\x1b7");
        assert_eq!(run(&[b"\x1b\x1b[u"]), b"\x1b\x1b8");
    }

    #[test]
    fn holds_an_unfinished_prefix_until_the_next_chunk() {
        let mut filter = SaveRestoreFilter::new();
        let mut out = Vec::new();
        filter.filter(b"ab\x1b[", &mut out);
        assert_eq!(out, b"ab");
        filter.filter(b"s", &mut out);
        assert_eq!(out, b"\x1b7");
    }
}
