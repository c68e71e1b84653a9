//! Emulator behaviour that is not a query: sizes, the cursor save/restore
//! rewrite, input modes and parser recovery (the history has its own tests,
//! `history_tests.rs` and `recall_tests.rs`).

use super::*;
use crate::pane::keys::{CursorKeys, KittyFlags, PasteMode};

#[test]
fn sizes_are_clamped_to_two_by_two() {
    let mut emulator = Emulator::new(PaneSize::new(0, 1), HistoryLimits::NONE);
    assert_eq!(emulator.size(), PaneSize::new(2, 2));
    let (rows, cols) = emulator.screen().size();
    assert_eq!((rows.get(), cols.get()), (2, 2));
    assert_eq!(emulator.resize(PaneSize::new(1, 0)), PaneSize::new(2, 2));
    assert_eq!(
        emulator.resize(PaneSize::new(30, 100)),
        PaneSize::new(30, 100)
    );
    let (rows, cols) = emulator.screen().size();
    assert_eq!((rows.get(), cols.get()), (30, 100));
    // A tiny screen still takes output, wide glyphs included.
    emulator.resize(PaneSize::new(0, 0));
    emulator.process("漢字 and more text\r\n\x1b[6n".as_bytes());
}

#[test]
fn csi_save_and_restore_move_the_cursor() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    emulator.process(b"\x1b[3;4H\x1b[");
    emulator.process(b"s\x1b[10;10Hxyz\x1b");
    emulator.process(b"[uA");
    assert_eq!(emulator.screen().cursor_position(), (2, 4));
    assert_eq!(emulator.screen().contents().lines().nth(2), Some("   A"));
}

#[test]
fn input_modes_follow_the_program() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    assert_eq!(emulator.input_modes(), InputModes::default());
    emulator.process(b"\x1b[?1h\x1b[?2004h\x1b[>1u");
    let modes = emulator.input_modes();
    assert_eq!(modes.cursor_keys, CursorKeys::Application);
    assert_eq!(modes.paste, PasteMode::Bracketed);
    assert_eq!(modes.kitty, KittyFlags(1));
    emulator.process(b"\x1b[?1l\x1b[?2004l");
    let modes = emulator.input_modes();
    assert_eq!(modes.cursor_keys, CursorKeys::Normal);
    assert_eq!(modes.paste, PasteMode::Plain);
}

#[test]
fn a_rebuilt_parser_keeps_size_and_shim_state() {
    let mut emulator = Emulator::new(PaneSize::new(10, 40), HistoryLimits::new(100, 1 << 16));
    emulator.process(b"\x1b[?2026h\x1b[>3u\x1b]2;kept\x07");
    for line in 0..15 {
        emulator.process(format!("line {line}\r\n").as_bytes());
    }
    emulator.process(b"hello");
    emulator.rebuild();
    // The history is the shim's too; the new parser has pushed nothing, so
    // a taller screen takes none of it back.
    assert_eq!(emulator.history_len(), 6);
    emulator.resize(PaneSize::new(12, 40));
    assert_eq!(emulator.history_len(), 6);
    emulator.resize(PaneSize::new(10, 40));
    assert_eq!(emulator.size(), PaneSize::new(10, 40));
    assert_eq!(emulator.sync_update(), SyncUpdate::On);
    assert_eq!(emulator.input_modes().kitty, KittyFlags(3));
    assert_eq!(emulator.title(), "kept");
    assert!(!emulator.screen().contents().contains("hello"));
    let processed = emulator.process(b"\x1b[6n");
    assert_eq!(processed.replies, b"\x1b[1;1R");
    assert_eq!(processed.parser, ParserHealth::Intact);
}

/// The screen's rows, trailing blanks kept off.
fn rows(emulator: &Emulator) -> Vec<String> {
    let cols = emulator.size().cols;
    emulator
        .screen()
        .rows(0, cols)
        .map(|row| row.trim_end().to_owned())
        .collect()
}

fn cell(emulator: &Emulator, row: u16, col: u16) -> String {
    emulator
        .screen()
        .cell(row, col)
        .map(|c| c.contents().to_owned())
        .unwrap_or_default()
}

#[test]
fn autowrap_off_keeps_text_on_its_row() {
    let mut emulator = Emulator::new(PaneSize::new(5, 10), HistoryLimits::NONE);
    emulator.process(b"\x1b[?7l0123456789abc");
    assert_eq!(rows(&emulator)[..2], ["012345678c", ""]);
    // The cursor is on the last column, not past it: left of it is col 8.
    emulator.process(b"\x1b[DZ");
    assert_eq!(rows(&emulator)[0], "01234567Zc");
    // Colours do not move the cursor; text still stops at the margin.
    emulator.process(b"\x1b[2;8H\x1b[31mab\x1b[32mcd\x1b[m");
    assert_eq!(rows(&emulator)[1], "       abd");
    // REP repeats up to the margin.
    emulator.process(b"\x1b[5;1Habc\x1b[20b");
    assert_eq!(rows(&emulator)[4], "abcccccccc");
    // Autowrap on again: the last column is written, the next wraps.
    emulator.process(b"\x1b[?7h\x1b[3;10Hxy");
    assert_eq!(rows(&emulator)[2..4], ["         x", "y"]);
}

#[test]
fn wide_characters_at_the_right_margin_with_autowrap_off() {
    let mut emulator = Emulator::new(PaneSize::new(5, 10), HistoryLimits::NONE);
    emulator.process("\x1b[?7l12345678中".as_bytes());
    assert_eq!(rows(&emulator)[0], "12345678中");
    assert_eq!(cell(&emulator, 0, 8), "中");
    // A narrow character over its right half erases it.
    emulator.process(b"y");
    assert_eq!(rows(&emulator)[0], "12345678 y");
    // A wide character with one column left is not drawn, and one past the
    // margin neither; nothing wraps.
    emulator.process("\x1b[2;1H123456789中z\x1b[3;1H1234567890中".as_bytes());
    assert_eq!(rows(&emulator)[1..4], ["123456789z", "1234567890", ""]);
    // A combining character joins the character in the last column.
    emulator.process("\x1b[4;1H123456789xe\u{301}".as_bytes());
    assert_eq!(cell(&emulator, 3, 9), "e\u{301}");
    assert_eq!(rows(&emulator)[4], "");
}

#[test]
fn emoji_presentation_with_autowrap_off_keeps_the_column() {
    let mut emulator = Emulator::new(PaneSize::new(3, 10), HistoryLimits::NONE);
    // U+FE0F widens the heart to two cells and moves the cursor with it:
    // the text after it must still stop at the margin.
    emulator.process("\x1b[?7l12❤\u{fe0f}45678xyz".as_bytes());
    assert_eq!(cell(&emulator, 0, 2), "❤\u{fe0f}");
    assert_eq!(rows(&emulator)[..2], ["12❤\u{fe0f}45678z", ""]);
    // In the last column it is left out (it would wrap the heart).
    emulator.process("\x1b[2;1H123456789❤\u{fe0f}\x1b[31mq".as_bytes());
    assert_eq!(rows(&emulator)[1..], ["123456789q", ""]);
}

#[test]
fn emoji_presentation_on_a_pending_wrap_at_the_bottom_keeps_the_parser() {
    // vt100 alone would leave the heart wide in the last column of the row
    // above, and panic when something is written over it.
    let mut emulator = Emulator::new(PaneSize::new(2, 3), HistoryLimits::NONE);
    for chunk in ["\x1b[2;1Hab❤", "\u{fe0f}", "\x1b[Hxyz\r\nxyz"] {
        let processed = emulator.process(chunk.as_bytes());
        assert_eq!(processed.parser, ParserHealth::Intact);
    }
    assert_eq!(rows(&emulator), ["xyz", "xyz"]);
}

#[test]
fn tabs_follow_the_stops_the_program_sets() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    // Only two stops, at columns 4 and 20; past the last, the last column.
    emulator.process(b"\x1b[3g\x1b[5G\x1bH\x1b[21G\x1bH\r\tA\tB\tC");
    assert_eq!(cell(&emulator, 0, 4), "A");
    assert_eq!(cell(&emulator, 0, 20), "B");
    assert_eq!(cell(&emulator, 0, 79), "C");
    // CBT back over one and two stops, CHT forward over two.
    emulator.process(b"\r\n\x1b[30G\x1b[ZE\x1b[2ZF\r\n\x1b[2IG");
    assert_eq!(cell(&emulator, 1, 20), "E");
    assert_eq!(cell(&emulator, 1, 4), "F");
    assert_eq!(cell(&emulator, 2, 20), "G");
    // TBC at the cursor clears only that stop.
    emulator.process(b"\x1b[4;21H\x1b[g\r\tH\tI");
    assert_eq!(cell(&emulator, 3, 4), "H");
    assert_eq!(cell(&emulator, 3, 79), "I");
}

#[test]
fn tab_stops_go_back_to_every_eight_on_a_new_width_and_a_reset() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    emulator.process(b"\x1b[3g\tA");
    assert_eq!(cell(&emulator, 0, 79), "A");
    // Rows only: the stops stay (tmux resets them on a width change).
    emulator.resize(PaneSize::new(30, 80));
    emulator.process(b"\r\n\tB");
    assert_eq!(cell(&emulator, 1, 79), "B");
    emulator.resize(PaneSize::new(30, 100));
    emulator.process(b"\r\n\tC");
    assert_eq!(cell(&emulator, 2, 8), "C");
    // RIS resets the stops and autowrap.
    emulator.process(b"\x1b[3g\x1b[?7l\x1bc\tD\r\n");
    assert_eq!(cell(&emulator, 0, 8), "D");
    emulator.process("x".repeat(105).as_bytes());
    assert_eq!(rows(&emulator)[2], "xxxxx");
}

#[test]
fn a_tab_on_a_pending_wrap_leaves_it_pending() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    emulator.process(b"\x1b[1;80Hx\tq");
    assert_eq!(cell(&emulator, 0, 79), "x");
    assert_eq!(cell(&emulator, 1, 0), "q");
    // The same with stops the program set.
    emulator.process(b"\x1b[3g\x1b[3;80Hx\ty");
    assert_eq!(cell(&emulator, 2, 79), "x");
    assert_eq!(cell(&emulator, 3, 0), "y");
}

#[test]
fn switching_screens_keeps_the_cursor() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    emulator.process(b"ab\r\ncd\x1b[?1049h");
    assert_eq!(emulator.screen().cursor_position(), (1, 2));
    emulator.process(b"\x1b[5;5Hx\x1b[?1049l");
    assert_eq!(emulator.screen().cursor_position(), (1, 2));
    emulator.process(b"\x1b[?47h");
    assert_eq!(emulator.screen().cursor_position(), (1, 2));
    emulator.process(b"\x1b[3;3H\x1b[?47l");
    assert_eq!(emulator.screen().cursor_position(), (2, 2));
    emulator.process(b"\x1b[?1047h\x1b[7;7H\x1b[?1047l");
    assert_eq!(emulator.screen().cursor_position(), (6, 6));
    assert!(!emulator.screen().alternate_screen());
}

#[test]
fn a_pending_wrap_survives_entering_the_alternate_screen() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    // A wide character at the end of the alternate screen's first row.
    emulator.process("\x1b[?47h\x1b[1;79H中\x1b[?47l".as_bytes());
    // Leaving drops the pending wrap: the cursor is on the last column.
    assert_eq!(emulator.screen().cursor_position(), (0, 79));
    // A wrap pending on the main screen, in red, is still pending on the
    // alternate one: the wide character there is drawn again, unchanged.
    emulator.process(b"\x1b[31m\x1b[1;80Hx\x1b[?47h");
    assert!(emulator.screen().alternate_screen());
    assert_eq!(emulator.screen().cursor_position(), (0, 80));
    assert_eq!(cell(&emulator, 0, 78), "中");
    let wide = emulator.screen().cell(0, 78).map(vt100::Cell::fgcolor);
    assert_eq!(wide, Some(vt100::Color::Default));
    emulator.process(b"q");
    assert_eq!(cell(&emulator, 1, 0), "q");
    let q = emulator.screen().cell(1, 0).map(vt100::Cell::fgcolor);
    assert_eq!(q, Some(vt100::Color::Idx(1)));
}

#[test]
fn restoring_a_cursor_saved_on_a_pending_wrap_lands_on_the_last_column() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::NONE);
    emulator.process(b"\x1b[1;80Hx\x1b7\x1b[5;5H\x1b8");
    assert_eq!(emulator.screen().cursor_position(), (0, 79));
    emulator.process(b"\x1b[3;80Hy\x1b[s\x1b[6;6H\x1b[u");
    assert_eq!(emulator.screen().cursor_position(), (2, 79));
}

#[test]
fn the_filtered_screen_is_the_same_however_the_output_is_split() {
    let stream = [
        "\x1b[?7l",
        &"x".repeat(85),
        "中\u{301}\x1b[D\x1b[31my\x1b[m\r\n\x1b[3g\x1b[5G\x1bH\r\tA\tB\x1b[Z",
        "é中\x1b[?1049h\x1b[2;78Hz中q\x1b[?1049l\x1b[?7h",
        &"w".repeat(90),
        "\x1b[?47h\tt\x1b[?47l\x1bc\tend",
    ]
    .concat();
    let mut whole = Emulator::new(PaneSize::new(10, 80), HistoryLimits::NONE);
    whole.process(stream.as_bytes());
    for size in [1, 2, 3, 7] {
        let mut split = Emulator::new(PaneSize::new(10, 80), HistoryLimits::NONE);
        for chunk in stream.as_bytes().chunks(size) {
            split.process(chunk);
        }
        assert_eq!(
            split.screen().contents_formatted(),
            whole.screen().contents_formatted(),
            "chunks of {size}"
        );
    }
}

#[test]
fn changes_move_with_output_and_resizes_only() {
    let mut emulator = Emulator::new(PaneSize::new(5, 20), HistoryLimits::NONE);
    let start = emulator.changes();
    emulator.process(b"hello");
    let printed = emulator.changes();
    assert_ne!(printed, start);
    emulator.resize(PaneSize::new(5, 20));
    let _ = emulator.input_modes();
    assert_eq!(emulator.changes(), printed, "the same size, reading modes");
    emulator.resize(PaneSize::new(6, 20));
    assert_ne!(emulator.changes(), printed);
}
