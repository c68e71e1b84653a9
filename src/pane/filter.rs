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

/// Where the filter is in a possible `ESC [ s` / `ESC [ u`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    #[default]
    Ground,
    /// Saw `ESC` (held back, not yet emitted).
    Escape,
    /// Saw `ESC [` (held back, not yet emitted).
    CsiStart,
}

const ESC: u8 = 0x1b;

/// Rewrites bare `CSI s` to `ESC 7` and bare `CSI u` to `ESC 8`, across chunks.
#[derive(Debug, Default)]
pub struct SaveRestoreFilter {
    state: State,
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
            State::Escape => {
                if byte == b'[' {
                    self.state = State::CsiStart;
                } else if byte == b'D' {
                    // IND: down a row, scrolling at the bottom (LF without
                    // a carriage return), which vt100 0.18 ignores.
                    out.push(b'\n');
                    self.state = State::Ground;
                } else if byte == b'E' {
                    // NEL: the same, back to the first column.
                    out.extend_from_slice(b"\r\n");
                    self.state = State::Ground;
                } else {
                    out.push(ESC);
                    self.state = State::Ground;
                    self.ground(byte, out);
                }
            }
            State::CsiStart => {
                self.state = State::Ground;
                match byte {
                    b's' => out.extend_from_slice(&[ESC, b'7']),
                    b'u' => out.extend_from_slice(&[ESC, b'8']),
                    _ => {
                        out.extend_from_slice(&[ESC, b'[']);
                        // An ESC here aborts the CSI and may start the next one.
                        self.ground(byte, out);
                    }
                }
            }
        }
    }

    fn ground(&mut self, byte: u8, out: &mut Vec<u8>) {
        if byte == ESC {
            self.state = State::Escape;
        } else {
            out.push(byte);
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
