//! Whole CSI sequences: the ones vt100 0.18 lacks become ones it has, and
//! the modes the filter implements itself are tracked.
//!
//! The alternate screen: vt100 keeps a cursor per screen, so switching moves
//! the cursor to wherever it last was on the other screen. In xterm and tmux
//! the cursor stays where it is (47, 1047, and entering 1049, which also saves
//! it; leaving 1049 restores it, which vt100 does too). The filter reads the
//! cursor before the switch and puts it back with CUP after. A pending wrap
//! stays pending on entering and is dropped on leaving, as in tmux.
//!
//! ED 3 is passed on and then erases the pane's history, which vt100 no
//! longer holds.

use super::margin::Clip;
use super::terminal::Cursor;
use super::{Autowrap, Filter, HistoryErase, InsertMode, Sink, Terminal};

/// What a private-mode sequence does to the alternate screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Switch {
    None,
    /// 47 or 1047: the cursor is shared with the other screen.
    Shared,
    /// 1049: the cursor is saved on entering and restored on leaving.
    Saving,
}

/// The first parameter of a sequence made only of digits and `;`:
/// `Some(None)` when it is empty, `None` when the sequence has a private
/// marker or intermediates (so it is some other sequence).
fn first_number(params: &[u8]) -> Option<Option<u16>> {
    if !params.iter().all(|b| b.is_ascii_digit() || *b == b';') {
        return None;
    }
    let first = params.split(|b| *b == b';').next().unwrap_or_default();
    if first.is_empty() {
        return Some(None);
    }
    let n = first.iter().fold(0u16, |n, d| {
        n.saturating_mul(10).saturating_add(u16::from(d - b'0'))
    });
    Some(Some(n))
}

/// Whether ED (`CSI … J`) or DECSED (`CSI ? … J`) with these parameters is
/// ED 3, which erases the scrollback: vt100 reads the first parameter's
/// first sub-parameter, and a sequence with intermediates is another one.
fn erases_scrollback(params: &[u8]) -> bool {
    let params = params.strip_prefix(b"?").unwrap_or(params);
    if !params
        .iter()
        .all(|b| b.is_ascii_digit() || matches!(b, b';' | b':'))
    {
        return false;
    }
    let first = params
        .split(|b| matches!(b, b';' | b':'))
        .next()
        .unwrap_or_default();
    first.iter().skip_while(|b| **b == b'0').eq(b"3")
}

/// A count parameter: absent or 0 means 1.
fn count(n: Option<u16>) -> u16 {
    n.unwrap_or(1).max(1)
}

impl Filter {
    /// A CSI sequence with its parameters (and intermediates) and final byte.
    pub(super) fn finish_csi<T: Terminal>(
        &mut self,
        params: &[u8],
        final_byte: u8,
        out: &mut Sink<T>,
    ) {
        let numbers = first_number(params);
        if final_byte == b'J' && erases_scrollback(params) {
            out.extend(b"\x1b[");
            out.extend(params);
            out.push(final_byte);
            return out.erase_history(HistoryErase::Scrollback);
        }
        match (params.first(), numbers, final_byte) {
            (Some(b'?'), _, b'h' | b'l') => return self.private_modes(params, final_byte, out),
            // SGR (and the other `m` sequences) do not move the cursor.
            (_, _, b'm') => {
                if let Autowrap::Off(clip) = &mut self.autowrap {
                    clip.resume();
                }
            }
            // Insert mode (IRM): vt100 ignores it, so text is inserted here.
            (_, Some(_), b'h' | b'l') if params.split(|b| *b == b';').any(|p| p == b"4") => {
                self.insert = if final_byte == b'h' {
                    InsertMode::Insert
                } else {
                    InsertMode::Replace
                };
            }
            (_, Some(which), b'g') => return self.clear_tab_stops(which, out),
            (_, Some(n), b'I') => return self.forward_tabs(count(n), out),
            (_, Some(n), b'Z') => return self.backward_tabs(count(n), out),
            (_, Some(n), b'b') => {
                if let Autowrap::Off(clip) = &mut self.autowrap
                    && clip.repeat(count(n), self.insert, out)
                {
                    return;
                }
            }
            _ => {}
        }
        out.extend(b"\x1b[");
        out.extend(params);
        out.push(final_byte);
    }

    /// `CSI ? … h` / `CSI ? … l`: autowrap, the alternate screen (1047 passed
    /// on as 47, which vt100 knows), and everything else as it is.
    fn private_modes<T: Terminal>(&mut self, params: &[u8], final_byte: u8, out: &mut Sink<T>) {
        let set = final_byte == b'h';
        let modes = params.get(1..).unwrap_or_default();
        let mut switch = Switch::None;
        for mode in modes.split(|b| *b == b';') {
            match mode {
                b"7" => self.set_autowrap(set),
                b"47" | b"1047" if switch == Switch::None => switch = Switch::Shared,
                b"1049" => switch = Switch::Saving,
                _ => {}
            }
        }
        // Entering or leaving with the cursor shared: where it is now.
        let before = match (switch, set) {
            (Switch::None, _) | (Switch::Saving, false) => None,
            (Switch::Shared, _) | (Switch::Saving, true) => Some(out.cursor()),
        };
        out.extend(b"\x1b[?");
        for (i, mode) in modes.split(|b| *b == b';').enumerate() {
            if i > 0 {
                out.push(b';');
            }
            out.extend(if mode == b"1047" { b"47" } else { mode });
        }
        out.push(final_byte);
        if let (Autowrap::Off(clip), Switch::Shared | Switch::Saving) = (&mut self.autowrap, switch)
        {
            clip.forget_cursor();
        }
        match (switch, set, before) {
            // Entering keeps a pending wrap pending (tmux).
            (_, true, Some(cursor)) => out.move_to(cursor),
            // Leaving puts the cursor on the last column if it was past it,
            // as tmux does (and vt100 does not, for 1049's restore).
            (_, false, Some(cursor)) => out.move_to(Cursor {
                row: cursor.row,
                col: cursor.col.min(out.cols().saturating_sub(1)),
            }),
            (Switch::Saving, false, None) => {
                let cols = out.cols();
                if out.cursor().col >= cols {
                    out.cha(cols.saturating_sub(1));
                }
            }
            (_, _, None) => {}
        }
    }

    fn set_autowrap(&mut self, on: bool) {
        match (&self.autowrap, on) {
            (Autowrap::On, false) => self.autowrap = Autowrap::Off(Clip::default()),
            (Autowrap::Off(_), true) => self.autowrap = Autowrap::On,
            (Autowrap::On, true) | (Autowrap::Off(_), false) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_numbers_of_plain_parameters_only() {
        assert_eq!(first_number(b""), Some(None));
        assert_eq!(first_number(b"3"), Some(Some(3)));
        assert_eq!(first_number(b";5"), Some(None));
        assert_eq!(first_number(b"12;5"), Some(Some(12)));
        assert_eq!(first_number(b"99999999"), Some(Some(u16::MAX)));
        assert_eq!(first_number(b"?3"), None);
        assert_eq!(first_number(b"3$"), None);
        assert_eq!(count(None), 1);
        assert_eq!(count(Some(0)), 1);
        assert_eq!(count(Some(4)), 4);
    }

    #[test]
    fn ed_3_in_all_its_spellings_and_nothing_else() {
        for params in [&b"3"[..], b"03", b"?3", b"3;1", b"3:2", b"?3;5"] {
            assert!(erases_scrollback(params), "{params:?}");
        }
        for params in [
            &b""[..],
            b"2",
            b"0",
            b"30",
            b"13",
            b";3",
            b">3",
            b"3$",
            b"?",
        ] {
            assert!(!erases_scrollback(params), "{params:?}");
        }
    }
}
