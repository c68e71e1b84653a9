//! History drawn again, through the emulator: the scroll view, rows taken
//! back by a taller screen, and the history erased by ED 3 and RIS.

use crate::pane::{Emulator, HistoryLimits, LineForm, PaneSize};

fn emulator(rows: u16, cols: u16) -> Emulator {
    Emulator::new(PaneSize::new(rows, cols), HistoryLimits::new(100, 1 << 20))
}

fn plain(emulator: &Emulator) -> Vec<String> {
    emulator.history_lines(usize::MAX, LineForm::Plain)
}

fn fg(screen: &vt100::Screen, row: u16, col: u16) -> vt100::Color {
    screen
        .cell(row, col)
        .map(vt100::Cell::fgcolor)
        .unwrap_or_default()
}

fn bg(screen: &vt100::Screen, row: u16, col: u16) -> vt100::Color {
    screen
        .cell(row, col)
        .map(vt100::Cell::bgcolor)
        .unwrap_or_default()
}

#[test]
fn the_scroll_view_is_the_history_above_the_top_of_the_screen() {
    let mut emulator = emulator(3, 10);
    emulator.process(b"a\r\n\x1b[31mb\x1b[m\r\n\x1b[44mc\x1b[m\r\nd\r\ne");
    assert_eq!(plain(&emulator), ["a", "b"]);
    assert!(emulator.scroll_view(0).is_none());
    let view = emulator.scroll_view(1).unwrap();
    let screen = view.screen();
    assert_eq!(screen.contents(), "b\nc\nd");
    assert!(screen.hide_cursor());
    assert_eq!(fg(screen, 0, 0), vt100::Color::Idx(1));
    assert_eq!(
        bg(screen, 1, 0),
        vt100::Color::Idx(4),
        "the live rows keep theirs"
    );
    let top = emulator.scroll_view(2).unwrap();
    assert_eq!(top.screen().contents(), "a\nb\nc");
    let clamped = emulator.scroll_view(99).unwrap();
    assert_eq!(clamped.screen().contents(), "a\nb\nc");
    // The live screen is not moved.
    assert_eq!(emulator.screen().contents(), "c\nd\ne");
    assert!(!emulator.screen().hide_cursor());
}

#[test]
fn a_view_further_up_than_a_screen_is_all_history() {
    let mut emulator = emulator(2, 10);
    emulator.process(b"1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7");
    assert_eq!(plain(&emulator), ["1", "2", "3", "4", "5"]);
    let view = emulator.scroll_view(4).unwrap();
    assert_eq!(view.screen().contents(), "2\n3");
    let view = emulator.scroll_view(2).unwrap();
    assert_eq!(view.screen().contents(), "4\n5");
}

#[test]
fn lines_wider_than_the_pane_now_are_clipped_in_the_view() {
    let mut emulator = emulator(2, 20);
    emulator.process("abcdefghijklmnop\r\n中文字符串\r\nx".as_bytes());
    emulator.resize(PaneSize::new(2, 5));
    let view = emulator.scroll_view(2).unwrap();
    let rows: Vec<String> = view.screen().rows(0, 5).collect();
    assert_eq!(rows, ["abcde", "中文"]);
}

#[test]
fn a_shorter_screen_pushes_rows_into_the_history_and_a_taller_one_takes_them_back() {
    let mut emulator = emulator(5, 10);
    emulator.process(b"1\r\n\x1b[32m2\x1b[m\r\n3\r\n4\r\n5");
    emulator.resize(PaneSize::new(3, 10));
    assert_eq!(plain(&emulator), ["1", "2"]);
    assert_eq!(emulator.screen().contents(), "3\n4\n5");
    assert_eq!(emulator.screen().cursor_position(), (2, 1));
    emulator.process(b"\x1b[33m");
    emulator.resize(PaneSize::new(5, 10));
    assert!(plain(&emulator).is_empty());
    let screen = emulator.screen();
    assert_eq!(screen.contents(), "1\n2\n3\n4\n5");
    assert_eq!(screen.cursor_position(), (4, 1));
    assert_eq!(fg(screen, 1, 0), vt100::Color::Idx(2));
    // The program's colour and cursor are where it left them.
    emulator.process(b"x");
    assert_eq!(fg(emulator.screen(), 4, 1), vt100::Color::Idx(3));
    // Nothing more was pushed off, so more height comes at the bottom.
    emulator.resize(PaneSize::new(7, 10));
    assert_eq!(emulator.screen().cursor_position(), (4, 2));
    assert!(emulator.screen().contents().starts_with("1\n2\n3\n4\n5x"));
}

#[test]
fn rows_taken_back_while_the_alternate_screen_is_shown_go_to_the_main_one() {
    let mut emulator = emulator(5, 10);
    emulator.process(b"1\r\n2\r\n3\r\n4\r\n5");
    emulator.resize(PaneSize::new(3, 10));
    emulator.process(b"\x1b[?1049h\x1b[Halt\x1b[2;3H");
    emulator.resize(PaneSize::new(5, 10));
    assert!(plain(&emulator).is_empty());
    assert!(emulator.screen().alternate_screen());
    assert!(emulator.screen().contents().starts_with("alt"));
    assert_eq!(emulator.screen().cursor_position(), (1, 2));
    emulator.process(b"\x1b[?1049l");
    assert_eq!(emulator.screen().contents(), "1\n2\n3\n4\n5");
    assert_eq!(emulator.screen().cursor_position(), (4, 1));
}

#[test]
fn lines_the_limits_dropped_come_back_blank() {
    let mut emulator = Emulator::new(PaneSize::new(6, 10), HistoryLimits::new(1, 1 << 20));
    emulator.process(b"1\r\n2\r\n3\r\n4\r\n5\r\n6");
    emulator.resize(PaneSize::new(3, 10));
    assert_eq!(plain(&emulator), ["3"]);
    emulator.resize(PaneSize::new(6, 10));
    assert_eq!(emulator.screen().contents(), "\n\n3\n4\n5\n6");
}

#[test]
fn ed_3_and_ris_erase_the_history() {
    let mut emulator = emulator(2, 10);
    emulator.process(b"1\r\n2\r\n3\r\n4");
    assert_eq!(plain(&emulator), ["1", "2"]);
    emulator.process(b"\x1b[3");
    emulator.process(b"J");
    assert!(plain(&emulator).is_empty());
    assert_eq!(emulator.screen().contents(), "3\n4");
    // Erased, nothing is given back to a taller screen either.
    emulator.resize(PaneSize::new(4, 10));
    assert_eq!(emulator.screen().contents(), "3\n4");
    emulator.resize(PaneSize::new(2, 10));
    emulator.process(b"\r\n5\r\n6");
    assert_eq!(plain(&emulator), ["3", "4"]);
    // ED 3 on the alternate screen erases nothing (it has no history).
    emulator.process(b"\x1b[?1049h\x1b[3J\x1b[?1049l");
    assert_eq!(plain(&emulator), ["3", "4"]);
    emulator.process(b"\x1bc");
    assert!(plain(&emulator).is_empty());
}
