//! The history store, fed by vt100 through the emulator: what is kept of a
//! row, the limits by lines and by bytes, and the alternate screen.

use super::*;
use crate::pane::{Emulator, LineForm, PaneSize};

fn plain(emulator: &Emulator) -> Vec<String> {
    emulator.history_lines(usize::MAX, LineForm::Plain)
}

fn numbered(emulator: &mut Emulator, lines: std::ops::Range<usize>) {
    for line in lines {
        emulator.process(format!("line {line:03}\r\n").as_bytes());
    }
}

#[test]
fn rows_leaving_the_top_are_kept_oldest_first() {
    let mut emulator = Emulator::new(PaneSize::new(3, 20), HistoryLimits::new(100, 1 << 20));
    emulator.process(b"one\r\ntwo\r\nthree\r\n\r\nfive");
    assert_eq!(plain(&emulator), ["one", "two"]);
    emulator.process(b"\r\nsix");
    assert_eq!(plain(&emulator), ["one", "two", "three"]);
    assert_eq!(emulator.screen().contents(), "\nfive\nsix");
    emulator.process(b"\r\n");
    // A blank row is a line too.
    assert_eq!(plain(&emulator), ["one", "two", "three", ""]);
    assert_eq!(
        emulator.history_lines(2, LineForm::Plain),
        ["three", ""],
        "the newest lines, oldest first"
    );
}

#[test]
fn the_line_limit_drops_the_oldest() {
    let mut emulator = Emulator::new(PaneSize::new(5, 10), HistoryLimits::new(20, 1 << 20));
    numbered(&mut emulator, 0..500);
    let kept = plain(&emulator);
    assert_eq!(kept.len(), 20);
    // Lines 496 to 499 and a blank row are on the screen.
    assert_eq!(kept.first().map(String::as_str), Some("line 476"));
    assert_eq!(kept.last().map(String::as_str), Some("line 495"));
}

#[test]
fn the_byte_budget_drops_the_oldest_and_counts_what_lines_cost() {
    // "line 123" is 8 bytes, in a 32-byte heap block, plus its slot.
    let cost = line_cost(8);
    assert_eq!(cost, 32 + std::mem::size_of::<Line>());
    let mut emulator = Emulator::new(
        PaneSize::new(5, 40),
        HistoryLimits::new(1000, 10 * cost + 5),
    );
    numbered(&mut emulator, 0..100);
    let history = emulator.history();
    assert_eq!(history.len(), 10);
    assert_eq!(history.bytes(), 10 * cost);
    assert_eq!(
        plain(&emulator).first().map(String::as_str),
        Some("line 086")
    );
    // A longer line leaves room for fewer (48 bytes of heap, not 32).
    emulator.process(b"a longer line, 30 bytes of it\r\n\r\n\r\n\r\n\r\n");
    let history = emulator.history();
    assert_eq!(history.bytes(), line_cost(29) + 8 * cost, "{history:?}");
    let kept = plain(&emulator);
    assert_eq!(kept.len(), 9);
    assert_eq!(kept.first().map(String::as_str), Some("line 092"));
    assert_eq!(
        kept.last().map(String::as_str),
        Some("a longer line, 30 bytes of it")
    );
}

#[test]
fn a_line_longer_than_the_budget_is_not_kept() {
    let mut emulator = Emulator::new(PaneSize::new(2, 200), HistoryLimits::new(10, 100));
    emulator.process(format!("short\r\n{}\r\n\r\n", "x".repeat(150)).as_bytes());
    assert_eq!(plain(&emulator), ["short"]);
}

#[test]
fn colours_are_kept_from_a_reset_for_each_line() {
    let mut emulator = Emulator::new(PaneSize::new(2, 40), HistoryLimits::new(10, 1 << 20));
    emulator.process(b"\x1b[1;31mred\x1b[m plain \x1b[44mblue\x1b[m\r\n");
    emulator.process(b"\x1b[32mgreen\r\nstill green\x1b[m\r\n\r\n");
    let history = emulator.history();
    let lines: Vec<&Line> = history.lines_from(0).collect();
    assert_eq!(lines.len(), 3);
    let red = lines[0].formatted();
    assert!(
        red.starts_with("\x1b[31;1mred") || red.starts_with("\x1b[1;31mred"),
        "{red:?}"
    );
    assert!(red.contains("blue"), "{red:?}");
    assert_eq!(lines[0].plain(40), "red plain blue");
    // The second green line does not lean on the first for its colour.
    assert!(
        lines[2].formatted().starts_with("\x1b[32m"),
        "{:?}",
        lines[2]
    );
    assert_eq!(
        emulator.history_lines(1, LineForm::Sgr),
        [lines[2].formatted()]
    );
}

#[test]
fn wrapped_rows_are_marked() {
    let mut emulator = Emulator::new(PaneSize::new(2, 10), HistoryLimits::new(10, 1 << 20));
    emulator.process(b"0123456789abc\r\nshort\r\n\r\n\r\n");
    let wraps: Vec<Wrap> = emulator.history().lines_from(0).map(Line::wrap).collect();
    assert_eq!(wraps, [Wrap::Wraps, Wrap::Ends, Wrap::Ends, Wrap::Ends]);
    assert_eq!(plain(&emulator), ["0123456789", "abc", "short", ""]);
}

#[test]
fn a_narrower_pane_clips_what_it_reads_and_trailing_blanks_go() {
    let mut emulator = Emulator::new(PaneSize::new(2, 20), HistoryLimits::new(10, 1 << 20));
    emulator.process(b"abcdefghijklmn\r\n\x1b[44mbg   \x1b[m\r\n\r\n");
    let lines: Vec<&Line> = emulator.history().lines_from(0).collect();
    assert_eq!(lines[0].clipped(5), "abcde");
    assert_eq!(lines[0].plain(5), "abcde");
    assert_eq!(lines[1].plain(20), "bg");
    emulator.resize(PaneSize::new(2, 6));
    assert_eq!(plain(&emulator), ["abcdef", "bg"]);
}

#[test]
fn the_alternate_screen_adds_nothing_and_hides_the_history() {
    let mut emulator = Emulator::new(PaneSize::new(3, 20), HistoryLimits::new(100, 1 << 20));
    numbered(&mut emulator, 0..5);
    assert_eq!(emulator.history().len(), 3);
    emulator.process(b"\x1b[?1049h");
    numbered(&mut emulator, 5..50);
    assert_eq!(emulator.history().len(), 3);
    assert_eq!(emulator.history_len(), 0);
    assert!(plain(&emulator).is_empty());
    assert!(emulator.scroll_view(5).is_none());
    emulator.process(b"\x1b[?1049l");
    assert_eq!(emulator.history_len(), 3);
    numbered(&mut emulator, 50..52);
    assert_eq!(
        plain(&emulator),
        ["line 000", "line 001", "line 002", "line 003", "line 004"]
    );
}

#[test]
fn no_limits_keep_nothing() {
    let mut emulator = Emulator::new(PaneSize::new(3, 20), HistoryLimits::NONE);
    numbered(&mut emulator, 0..50);
    assert!(emulator.history().is_empty());
    assert_eq!(emulator.history().bytes(), 0);
}
