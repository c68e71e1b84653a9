//! Multi-byte characters in text: held whole across reads, and U+FE0F at
//! the right margin.
//!
//! vte 0.15 mishandles a UTF-8 character split between two reads when
//! invalid bytes follow it (it drops the characters in between), so the
//! filter holds the first bytes of a character left unfinished at the end of
//! a read until it is whole, or cut short by a byte that does not continue
//! it. A character cut short is passed on as U+FFFD, as vte would make it
//! (vt100 draws nothing for it), and not as its bytes: after an SO or SI,
//! which the filter swallows, vte would join them with a continuation byte
//! that follows, and when that happens across two reads it drops the
//! character after (vte's `advance_partial_utf8` counts the bytes it read
//! wrong). Plain text is copied in bulk and only an unfinished character, at
//! the end of the read or before a byte the bulk copy stops at, goes through
//! [`State::Utf8`].
//!
//! U+FE0F (VS16) after a narrow base character widens it. With a wrap
//! pending after a base in the last column vt100 gets that wrong, and later
//! panics ([`crate::pane::widen`]); the filter has vt100 parse what came
//! before each U+FE0F in text and asks the [`Terminal`] what to feed
//! instead. With autowrap off the selector is left out at the margin
//! ([`super::margin`]).

use super::{Autowrap, Filter, InsertMode, Sink, State, Terminal};

/// U+FE0F, VARIATION SELECTOR-16, in UTF-8.
pub const VS16: &[u8] = "\u{fe0f}".as_bytes();

/// U+FFFD, what vte makes of a character cut short, in UTF-8.
const REPLACEMENT: &[u8] = "\u{fffd}".as_bytes();

/// The first byte of [`VS16`]: the bulk copy of text stops there.
pub(super) const VS16_LEAD: u8 = 0xef;

/// The length of the UTF-8 sequence a lead byte (0xc2–0xf4) starts.
fn utf8_length(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        _ => 2,
    }
}

/// How much of `text` is whole characters: all of it but an unfinished
/// character at its end (a lead byte with fewer continuation bytes after it
/// than it needs).
pub(super) fn whole_prefix(text: &[u8]) -> usize {
    let len = text.len();
    for back in 1..=len.min(3) {
        let at = len - back;
        match text.get(at) {
            Some(0x80..=0xbf) => continue,
            Some(&lead @ 0xc2..=0xf4) if back < utf8_length(lead) => return at,
            _ => return len,
        }
    }
    len
}

impl Filter {
    /// A lead byte (0xc2–0xf4) in text: held until the character is whole.
    pub(super) fn start_character(&mut self, lead: u8) {
        self.state = State::Utf8 {
            held: [lead, 0, 0, 0],
            len: 1,
        };
    }

    /// A byte after the first `len` bytes of a character, `held`.
    pub(super) fn continue_character<T: Terminal>(
        &mut self,
        mut held: [u8; 4],
        len: u8,
        byte: u8,
        out: &mut Sink<T>,
    ) {
        let at = usize::from(len);
        if (0x80..=0xbf).contains(&byte)
            && let Some(slot) = held.get_mut(at)
        {
            *slot = byte;
            if at + 1 < utf8_length(held[0]) {
                self.state = State::Utf8 { held, len: len + 1 };
            } else {
                self.state = State::Ground;
                self.character(held.get(..=at).unwrap_or_default(), out);
            }
            return;
        }
        // Cut short by a byte that does not continue it: what was held is
        // U+FFFD, and the byte is read afresh.
        self.state = State::Ground;
        out.extend(REPLACEMENT);
        self.push(byte, out);
    }

    /// A multi-byte character in text, with all its bytes (not always
    /// valid: `e0 80 80` has them all, and vte reads it as three errors).
    fn character<T: Terminal>(&mut self, bytes: &[u8], out: &mut Sink<T>) {
        match &mut self.autowrap {
            Autowrap::Off(clip) => {
                match std::str::from_utf8(bytes)
                    .ok()
                    .and_then(|s| s.chars().next())
                {
                    Some(c) => clip.character(c, bytes, self.insert, out),
                    // vte makes it U+FFFD, which vt100 does not draw.
                    None => out.extend(bytes),
                }
            }
            // Zero width: insert mode makes no room for it.
            Autowrap::On if bytes == VS16 => out.emoji_presentation(),
            Autowrap::On => {
                if self.insert == InsertMode::Insert {
                    out.extend(b"\x1b[@");
                }
                out.extend(bytes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{Recorder, run, run_marked, shown};
    use super::*;

    #[test]
    fn variation_selectors_in_text_are_marked_wherever_the_chunks_split() {
        let input = "a❤\u{fe0f}b\x1b]0;❤\u{fe0f}\x07\u{feff}❤\u{fe0f}".as_bytes();
        let whole = run_marked(&[input]);
        assert_eq!(whole.0, input);
        // The two in text, not the one in the title.
        assert_eq!(whole.1, vec![4, 25]);
        for cut in 0..=input.len() {
            let (head, tail) = input.split_at(cut);
            assert_eq!(run_marked(&[head, tail]), whole, "cut at {cut}");
        }
        // Insert mode makes room for characters, not for the selector.
        assert_eq!(
            run(&["\x1b[4h❤\u{fe0f}\u{feff}".as_bytes()]),
            "\x1b[4h\x1b[@❤\u{fe0f}\x1b[@\u{feff}".as_bytes()
        );
    }

    #[test]
    fn a_character_split_between_reads_reaches_vt100_whole() {
        let mut filter = Filter::new();
        let mut terminal = Recorder::new();
        let mut scratch = Vec::new();
        let mut feed = |input: &[u8]| {
            let before = terminal.parsed.len();
            filter.feed(input, &mut scratch, &mut terminal);
            terminal.parsed.get(before..).unwrap().to_vec()
        };
        assert_eq!(feed(b"a\xc2"), b"a");
        assert_eq!(feed(b"\xad\t\x8d"), b"\xc2\xad\t\x8d");
        // Cut short by a byte that does not continue it: U+FFFD.
        assert_eq!(feed(b"\xe4\xb8"), b"");
        assert_eq!(feed(b"x\xf0\x9f\x98\x80"), "\u{fffd}x\u{1f600}".as_bytes());
    }

    #[test]
    fn a_character_cut_short_by_a_shift_is_not_joined_to_what_follows() {
        // SI is swallowed; as bytes, `ce` would meet `bf` and make `ο`, and
        // across two reads vte then drops the `d`.
        let input = b"\xd2\xce\x0f\xbfd\xb0";
        assert_eq!(run(&[input]), b"\xd2\xef\xbf\xbd\xbfd\xb0");
        for cut in 0..=input.len() {
            let (head, tail) = input.split_at(cut);
            assert_eq!(shown(&[head, tail]), "d", "cut at {cut}");
        }
    }

    #[test]
    fn a_selector_widening_the_last_column_is_fed_as_vt100_means_it() {
        // 80 columns: a narrow base in the last column, then U+FE0F.
        let input = [&[b'-'; 79][..], "❤\u{fe0f}".as_bytes()].concat();
        let (parsed, marks) = run_marked(&[&input]);
        assert_eq!(marks, vec![82]);
        assert_ne!(parsed, input);
        assert!(parsed.ends_with("❤\u{fe0f}\x1b[m".as_bytes()), "{parsed:?}");
    }

    #[test]
    fn only_an_unfinished_last_character_is_left_out() {
        assert_eq!(whole_prefix(b""), 0);
        assert_eq!(whole_prefix(b"abc"), 3);
        assert_eq!(whole_prefix("a❤".as_bytes()), 4);
        assert_eq!(whole_prefix(&"a❤".as_bytes()[..3]), 1);
        assert_eq!(whole_prefix(&"a❤".as_bytes()[..2]), 1);
        assert_eq!(whole_prefix(b"a\xf0\x9f\x98"), 1);
        assert_eq!(whole_prefix(b"a\xf0\x9f\x98\x80"), 5);
        // Not a character being written: passed on as it is.
        assert_eq!(whole_prefix(b"a\x80\x80"), 3);
        assert_eq!(whole_prefix(b"a\xc2\x80\x80"), 4);
        assert_eq!(whole_prefix(b"\xc0"), 1);
        assert_eq!(whole_prefix(b"\xf5\x80"), 2);
    }
}
