//! Hostile program output against the pane emulator (vt100 behind grove's
//! filter) and its query shim: every escape family with huge, many and
//! malformed parameters, unterminated and giant strings, 8-bit C1 controls,
//! invalid UTF-8 and wide characters at the margins, fed in arbitrary chunks
//! at sizes from below the minimum to the maximum with resizes in between.
//!
//! What must hold: vt100 never panics (the emulator would survive it, but it
//! loses the screen), the screen stays consistent with the size, everything
//! the shim keeps is bounded, every reply is a complete, well-formed answer
//! (a cursor report inside the screen), every query gets exactly one answer
//! in order, and no amount of output grows memory without bound.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;

use grove::pane::{
    Emulator, HistoryLimits, MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, PaneSize, ParserHealth,
};
use hostile::escapes::*;
use hostile::screen::*;
use proptest::prelude::*;

/// Sizes from nothing to past the maximum, mostly small.
fn dimension() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => 0u16..4,
        4 => 4u16..120,
        1 => 120u16..1100,
        1 => Just(1000u16),
        1 => Just(u16::MAX),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    /// Output, delivered in pieces split at the given points.
    Feed {
        bytes: Vec<u8>,
        cuts: Vec<usize>,
    },
    Resize {
        rows: u16,
        cols: u16,
    },
    /// Scroll mode shows the view that many lines up into the history.
    Scrollback(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (
            prop::collection::vec(chunk(), 1..8),
            prop::collection::vec(any::<usize>(), 0..4),
        )
            .prop_map(|(chunks, cuts)| Op::Feed { bytes: chunks.concat(), cuts }),
        // Large sizes are slow in a debug build; they are rare, and the
        // property below that resizes through them runs few cases.
        2 => (0u16..200, 0u16..300).prop_map(|(rows, cols)| Op::Resize { rows, cols }),
        1 => (dimension(), dimension()).prop_map(|(rows, cols)| Op::Resize { rows, cols }),
        1 => any::<usize>().prop_map(Op::Scrollback),
    ]
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(hostile::config(200))]

    /// Anything a program prints, at any size, with resizes in between.
    #[test]
    fn any_output_at_any_size_keeps_the_emulator_whole(
        rows in 0u16..60,
        cols in 0u16..120,
        ops in prop::collection::vec(op(), 1..12),
    ) {
        let grammar = reply_grammar();
        let mut size = clamp(rows, cols);
        let mut emulator = Emulator::new(PaneSize::new(rows, cols), HistoryLimits::new(10_000, 256 * 1024));
        check_invariants(&mut emulator, size);
        for op in ops {
            match op {
                Op::Feed { bytes, cuts } => {
                    let replies = feed(&mut emulator, &bytes, &cuts);
                    parse_replies(&grammar, &replies, size);
                }
                Op::Resize { rows, cols } => {
                    size = clamp(rows, cols);
                    assert_eq!(emulator.resize(PaneSize::new(rows, cols)), size);
                }
                Op::Scrollback(rows) => {
                    assert!(emulator.history().bytes() <= 256 * 1024);
                    if let Some(view) = emulator.scroll_view(rows) {
                        let screen = view.screen();
                        assert_eq!(screen.size(), emulator.screen().size());
                        assert!(screen.hide_cursor());
                        let _ = screen.contents();
                    }
                }
            }
            check_invariants(&mut emulator, size);
        }
    }

    /// Raw bytes, one byte at a time, at the smallest size there is.
    #[test]
    fn random_bytes_byte_by_byte_at_the_minimum_size(
        bytes in prop::collection::vec(any::<u8>(), 0..2_000),
    ) {
        let grammar = reply_grammar();
        let size = clamp(0, 0);
        let mut emulator = Emulator::new(PaneSize::new(1, 1), HistoryLimits::NONE);
        for byte in &bytes {
            let replies = feed(&mut emulator, std::slice::from_ref(byte), &[]);
            parse_replies(&grammar, &replies, size);
        }
        check_invariants(&mut emulator, size);
    }

}

proptest! {
    #![proptest_config(hostile::config(200))]

    /// The PTY splits output anywhere: where it does must not matter, to
    /// the screen, the replies or anything the shim keeps.
    #[test]
    fn splitting_output_anywhere_changes_nothing(
        rows in 0u16..30,
        cols in 0u16..60,
        chunks in prop::collection::vec(chunk(), 1..12),
        cuts in prop::collection::vec(any::<usize>(), 1..12),
    ) {
        let bytes = chunks.concat();
        let mut whole = Emulator::new(PaneSize::new(rows, cols), HistoryLimits::new(10_000, 64 * 1024));
        let mut split = Emulator::new(PaneSize::new(rows, cols), HistoryLimits::new(10_000, 64 * 1024));
        let replies_whole = feed(&mut whole, &bytes, &[]);
        let replies_split = feed(&mut split, &bytes, &cuts);
        prop_assert_eq!(replies_whole, replies_split);
        prop_assert_eq!(whole.screen().contents_formatted(), split.screen().contents_formatted());
        prop_assert_eq!(whole.screen().cursor_position(), split.screen().cursor_position());
        prop_assert_eq!(whole.title(), split.title());
        prop_assert_eq!(whole.input_modes(), split.input_modes());
        prop_assert_eq!(whole.modes(), split.modes());
        prop_assert_eq!(whole.take_notifications(), split.take_notifications());
    }

}

// ------------------------------------------------------------ bounds

/// Feeds `start`, then `total` bytes of `filler` in 64 KiB chunks, and
/// returns how much memory the emulator took on for it.
fn growth(start: &[u8], filler: u8, total: usize) -> hostile::alloc::Usage {
    let mut emulator = Emulator::new(PaneSize::new(24, 80), HistoryLimits::new(10_000, 64 * 1024));
    emulator.process(b"warm up\r\n");
    let chunk = vec![filler; 64 * 1024];
    let ((), usage) = hostile::alloc::measure(|| {
        let processed = emulator.process(start);
        assert_eq!(processed.parser, ParserHealth::Intact);
        for _ in 0..total / chunk.len() {
            let processed = emulator.process(&chunk);
            assert_eq!(processed.parser, ParserHealth::Intact);
        }
    });
    usage
}

/// An unterminated string of any kind, or a CSI with endless parameters,
/// holds a bounded amount of memory however long it runs: a program that
/// prints `ESC ]` and then megabytes must not grow the server.
#[test]
fn giant_unterminated_sequences_hold_bounded_memory() {
    const TOTAL: usize = 8 << 20;
    const BOUND: usize = 1 << 20;
    let cases: [(&str, &[u8], u8); 9] = [
        ("OSC title", b"\x1b]0;", b'A'),
        ("OSC 52", b"\x1b]52;c;", b'Q'),
        ("OSC with separators", b"\x1b]777;notify;", b';'),
        ("DCS", b"\x1bPq", b'#'),
        ("APC", b"\x1b_G", b'A'),
        ("PM", b"\x1b^", b'A'),
        ("SOS", b"\x1bX", b'A'),
        ("CSI parameters", b"\x1b[", b'9'),
        ("CSI separators", b"\x1b[", b';'),
    ];
    for (what, start, filler) in cases {
        let usage = growth(start, filler, TOTAL);
        assert!(
            usage.peak < BOUND,
            "{what}: {TOTAL} bytes of it took {} bytes at peak ({} kept)",
            usage.peak,
            usage.kept
        );
    }
}

/// A size no terminal has is clamped, not allocated: 65535x65535 cells
/// would be 137 GB of vt100 cells and abort the server.
#[test]
fn giant_sizes_are_clamped_before_anything_is_allocated() {
    let (mut emulator, usage) = hostile::alloc::measure(|| {
        Emulator::new(
            PaneSize::new(u16::MAX, u16::MAX),
            HistoryLimits::new(10_000, 1 << 20),
        )
    });
    assert_eq!(emulator.size(), PaneSize::new(MAX_ROWS, MAX_COLS));
    assert!(
        usage.peak < 256 << 20,
        "{} bytes for one emulator",
        usage.peak
    );
    assert_eq!(
        emulator.resize(PaneSize::new(u16::MAX, 1)),
        PaneSize::new(MAX_ROWS, MIN_COLS)
    );
    assert_eq!(
        emulator.resize(PaneSize::new(0, u16::MAX)),
        PaneSize::new(MIN_ROWS, MAX_COLS)
    );
    let processed = emulator.process(b"\x1b[65535;65535H\x1b[6n");
    assert_eq!(
        processed.replies,
        format!("\x1b[{MIN_ROWS};{MAX_COLS}R").into_bytes()
    );
}

/// Regression (found by the properties above): an emoji made wide by U+FE0F
/// in the last column of the bottom row scrolled, and vt100 left it wide in
/// the last column of the row above; writing over it panicked vt100.
#[test]
fn an_emoji_widened_at_the_bottom_right_can_be_written_over() {
    for bytes in [
        "aaa \x1b[3G❤\u{fe0f}\x1b[c\x1b8 aa\x1b[c",
        "\x1b[3G❤\u{fe0f}❤\u{fe0f}\x1b[0;0r\x1b[0G❤\u{fe0f}❤\u{fe0f}",
    ] {
        let mut emulator = Emulator::new(PaneSize::new(2, 3), HistoryLimits::NONE);
        let replies = feed(&mut emulator, bytes.as_bytes(), &[]);
        parse_replies(&reply_grammar(), &replies, PaneSize::new(2, 3));
        check_invariants(&mut emulator, PaneSize::new(2, 3));
    }
    // What the screen shows: the emoji moved to the start of the next row.
    let mut emulator = Emulator::new(PaneSize::new(2, 3), HistoryLimits::NONE);
    feed(&mut emulator, "x\r\nab❤\u{fe0f}c".as_bytes(), &[]);
    assert_eq!(emulator.screen().contents(), "ab\n❤\u{fe0f}c");
}

/// Regression (found by the split property): vte 0.15 dropped the tab after
/// a character split between two reads when an invalid byte followed.
#[test]
fn a_character_split_between_reads_loses_nothing_after_it() {
    let bytes = b"\xc2\xad\t\x8d";
    let mut whole = Emulator::new(PaneSize::new(2, 2), HistoryLimits::NONE);
    let mut split = Emulator::new(PaneSize::new(2, 2), HistoryLimits::NONE);
    feed(&mut whole, bytes, &[]);
    feed(&mut split, bytes, &[1]);
    assert_eq!(
        whole.screen().cursor_position(),
        split.screen().cursor_position()
    );
    assert_eq!(
        whole.screen().contents_formatted(),
        split.screen().contents_formatted()
    );
}
