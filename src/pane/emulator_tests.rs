//! Emulator behaviour that is not a query: sizes, scrollback, the cursor
//! save/restore rewrite, input modes and parser recovery.

use super::*;
use crate::pane::keys::{CursorKeys, KittyFlags, PasteMode};

#[test]
fn sizes_are_clamped_to_two_by_two() {
    let mut emulator = Emulator::new(PaneSize::new(0, 1), 0);
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
fn scrollback_rows_follow_the_byte_budget() {
    let cell = std::mem::size_of::<vt100::Cell>();
    assert_eq!(scrollback_rows_for(0, 80), 0);
    assert_eq!(scrollback_rows_for(10 * (80 * cell + 32), 80), 10);
    assert_eq!(scrollback_rows_for(10 * (80 * cell + 32) - 1, 80), 9);
    // The default 8 MiB at 200 columns: about 1300 rows.
    let rows = scrollback_rows_for(8 << 20, 200);
    assert!((1000..2000).contains(&rows), "{rows}");
}

#[test]
fn scrollback_never_exceeds_the_budget() {
    let cols = 10;
    let budget = 20 * (usize::from(cols) * std::mem::size_of::<vt100::Cell>() + 32);
    let mut emulator = Emulator::new(PaneSize::new(5, cols), budget);
    assert_eq!(emulator.scrollback_rows(), 20);
    for line in 0..500 {
        emulator.process(format!("line {line}\r\n").as_bytes());
    }
    assert_eq!(emulator.screen().scrollback_len(), 20);
    emulator.screen_mut().set_scrollback(usize::MAX);
    let top = emulator.screen().contents();
    assert!(top.starts_with("line 476"), "{top}");
    emulator.screen_mut().set_scrollback(0);
    assert!(emulator.screen().contents().contains("line 499"));
}

#[test]
fn csi_save_and_restore_move_the_cursor() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), 0);
    emulator.process(b"\x1b[3;4H\x1b[");
    emulator.process(b"s\x1b[10;10Hxyz\x1b");
    emulator.process(b"[uA");
    assert_eq!(emulator.screen().cursor_position(), (2, 4));
    assert_eq!(emulator.screen().contents().lines().nth(2), Some("   A"));
}

#[test]
fn input_modes_follow_the_program() {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), 0);
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
    let mut emulator = Emulator::new(PaneSize::new(10, 40), 1 << 16);
    emulator.process(b"\x1b[?2026h\x1b[>3u\x1b]2;kept\x07hello");
    emulator.rebuild();
    assert_eq!(emulator.size(), PaneSize::new(10, 40));
    assert_eq!(emulator.sync_update(), SyncUpdate::On);
    assert_eq!(emulator.input_modes().kitty, KittyFlags(3));
    assert_eq!(emulator.title(), "kept");
    assert!(!emulator.screen().contents().contains("hello"));
    let processed = emulator.process(b"\x1b[6n");
    assert_eq!(processed.replies, b"\x1b[1;1R");
    assert_eq!(processed.parser, ParserHealth::Intact);
}
