//! String sequences (OSC, DCS, APC, PM, SOS), passed on with a bound.
//!
//! vte (with its `std` feature, as vt100 uses it) buffers an OSC string in a
//! `Vec` with no limit and keeps its capacity afterwards, so a program
//! printing `ESC ]` and then megabytes would grow the server for good. The
//! filter passes on at most [`MAX_STRING_BYTES`] of one string and drops the
//! rest; its terminator still ends it. Only OSC ends at BEL (xterm's
//! extension); DCS, APC, PM and SOS run to ST, as in vte, and CAN or SUB
//! abort any of them.

use super::{ESC, Filter, Sink, State, Terminal};

/// The most bytes of one string sequence passed on to vt100. Nothing grove
/// reads is longer: titles and notifications are cut to 1 KiB in the shim.
pub(super) const MAX_STRING_BYTES: usize = 8 << 10;

/// CAN and SUB abort any sequence, strings included (vte's "anywhere").
const CAN: u8 = 0x18;
const SUB: u8 = 0x1a;
const BEL: u8 = 0x07;

/// Which string sequence: only OSC ends at BEL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StrKind {
    Osc,
    Other,
}

impl Filter {
    /// The byte after `ESC` that starts a string (`]`, `P`, `_`, `^`, `X`).
    pub(super) fn start_string<T: Terminal>(&mut self, byte: u8, out: &mut Sink<T>) {
        out.extend(&[ESC, byte]);
        self.string_bytes = 0;
        self.state = State::Str(if byte == b']' {
            StrKind::Osc
        } else {
            StrKind::Other
        });
    }

    /// A byte inside a string sequence.
    pub(super) fn string<T: Terminal>(&mut self, kind: StrKind, byte: u8, out: &mut Sink<T>) {
        match byte {
            ESC => self.state = State::StrEscape,
            CAN | SUB => {
                out.push(byte);
                self.state = State::Ground;
            }
            BEL if kind == StrKind::Osc => {
                out.push(byte);
                self.state = State::Ground;
            }
            _ if self.string_bytes < MAX_STRING_BYTES => {
                self.string_bytes += 1;
                out.push(byte);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;
    use super::*;

    #[test]
    fn an_overlong_string_is_cut_and_its_terminator_still_ends_it() {
        let long = vec![b'A'; MAX_STRING_BYTES * 3];
        let mut input = b"\x1b]0;".to_vec();
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\x07after");
        let out = run(&[&input[..100], &input[100..]]);
        let mut expected = b"\x1b]0;".to_vec();
        expected.extend_from_slice(&long[..MAX_STRING_BYTES - 2]);
        expected.extend_from_slice(b"\x07after");
        assert_eq!(out, expected);
        // The same for ST, and for a DCS.
        let mut input = b"\x1bP".to_vec();
        input.extend_from_slice(&long);
        input.extend_from_slice(b"\x1b\\x");
        assert_eq!(run(&[&input]).len(), 2 + MAX_STRING_BYTES + 3);
    }

    #[test]
    fn bel_ends_only_an_osc_and_can_or_sub_end_any_string() {
        // In a DCS, BEL is data (as in vte): text after it is still the string,
        // so insert mode must not put its ICH there.
        assert_eq!(
            run(&[b"\x1b[4h\x1bPq\x07x\x1b\\y"]),
            b"\x1b[4h\x1bPq\x07x\x1b\\\x1b[@y"
        );
        assert_eq!(
            run(&[b"\x1b[4h\x1b]0;t\x07y"]),
            b"\x1b[4h\x1b]0;t\x07\x1b[@y"
        );
        assert_eq!(run(&[b"\x1b[4h\x1b_a\x18y"]), b"\x1b[4h\x1b_a\x18\x1b[@y");
        assert_eq!(run(&[b"\x1b[4h\x1bXa\x1ay"]), b"\x1b[4h\x1bXa\x1a\x1b[@y");
    }
}
