use proptest::prelude::*;

use super::{Changed, row_local};
use crate::pane::{Emulator, HistoryLimits, PaneSize};

fn emulator(cols: u16, rows: u16) -> Emulator {
    Emulator::new(PaneSize { rows, cols }, HistoryLimits::new(100, 1 << 20))
}

/// The rows of `before` and `after` that differ in any cell, or in size.
fn rows_that_differ(before: &vt100::Screen, after: &vt100::Screen) -> Vec<u16> {
    let (rows, cols) = after.size();
    if before.size() != after.size() {
        return (0..rows.get()).collect();
    }
    (0..rows.get())
        .filter(|&row| {
            (0..cols.get()).any(|col| before.cell(row, col) != after.cell(row, col))
                || before.row_wrapped(row) != after.row_wrapped(row)
        })
        .collect()
}

/// Pieces of output: mostly what echoes look like, with everything that
/// must count as more than one row mixed in.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => "[a-z ]{1,12}".prop_map(String::into_bytes),
        1 => Just(b"\r".to_vec()),
        1 => Just(b"\x08".to_vec()),
        1 => Just(b"\x07".to_vec()),
        1 => (0u8..4).prop_map(|n| format!("\x1b[{n}K").into_bytes()),
        1 => (1u8..40).prop_map(|n| format!("\x1b[{n}C").into_bytes()),
        1 => (1u8..40).prop_map(|n| format!("\x1b[{n}D").into_bytes()),
        1 => (1u8..90).prop_map(|n| format!("\x1b[{n}G").into_bytes()),
        1 => (1u8..5).prop_map(|n| format!("\x1b[{n}P\x1b[{n}@\x1b[{n}X").into_bytes()),
        1 => (0u8..108).prop_map(|n| format!("\x1b[1;{n}m").into_bytes()),
        1 => Just("é世🙂".as_bytes().to_vec()),
        1 => Just(b"\n".to_vec()),
        1 => Just(b"\t".to_vec()),
        2 => (1u8..30, 1u8..90).prop_map(|(r, c)| format!("\x1b[{r};{c}H").into_bytes()),
        1 => (1u8..20, 0u8..3).prop_map(|(n, which)| format!("\x1b[{n}{}", ["A", "B", "d"][usize::from(which)]).into_bytes()),
        1 => Just(b"\x1b[?6h".to_vec()),
        1 => Just(b"\x1b[2J".to_vec()),
        1 => Just(b"\x1b[L\x1b[M".to_vec()),
        1 => Just(b"\x1b[S\x1b[T".to_vec()),
        1 => Just(b"\x1bM\x1bD".to_vec()),
        1 => Just(b"\x1b[5;10r".to_vec()),
        1 => Just(b"\x1b[?1049h".to_vec()),
        1 => Just(b"\x1b[?1049l".to_vec()),
        1 => Just(b"\x1b[4h".to_vec()),
        1 => Just(b"\x1b[?7l".to_vec()),
        1 => Just(b"\x1b]0;title\x07".to_vec()),
        1 => Just("\x1b]0;⠂ agent\x1b\\".as_bytes().to_vec()),
        1 => Just(b"\x1b]0;cut\nshort\x07".to_vec()),
        1 => Just(b"\x1b[?2026h\x1b[?25l".to_vec()),
        1 => Just(b"\x1b[?25h\x1b[?2026l".to_vec()),
        1 => Just(b"\x1b[?1000;1006h\x1b[?1;25;1049h".to_vec()),
        1 => Just(b"\x1b[6n".to_vec()),
        1 => Just(b"\x1b(0lqk\x1b(B".to_vec()),
        1 => "[a-z]{70,90}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the output and however it is split, a row that is not in
    /// the damage did not change.
    #[test]
    fn no_row_outside_the_damage_changes(
        pieces in proptest::collection::vec(piece(), 1..40),
        cuts in proptest::collection::vec(any::<proptest::sample::Index>(), 0..40),
    ) {
        let mut emulator = emulator(80, 12);
        let bytes: Vec<u8> = pieces.concat();
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        at.push(0);
        at.push(bytes.len());
        at.sort_unstable();
        at.dedup();
        for window in at.windows(2) {
            let chunk = &bytes[window[0]..window[1]];
            let before = emulator.screen().clone();
            let seen = emulator.changes();
            emulator.process(chunk);
            let differ = rows_that_differ(&before, emulator.screen());
            match emulator.changed_since(seen) {
                Changed::Everything => {}
                Changed::Rows(rows) => prop_assert!(
                    differ.iter().all(|row| rows.contains(row)),
                    "rows {differ:?} changed, damage {rows:?}, chunk {:?}",
                    String::from_utf8_lossy(chunk)
                ),
                Changed::Nothing => prop_assert!(differ.is_empty()),
            }
        }
    }
}

#[test]
fn an_echo_marks_its_row_and_a_scrolling_line_feed_everything() {
    let mut emulator = emulator(80, 12);
    emulator.process(b"\x1b[5;1Hprompt> ");
    let seen = emulator.changes();
    emulator.process(b"a");
    emulator.process(b"\x08\x1b[K");
    assert_eq!(emulator.changed_since(seen), Changed::Rows(vec![4]));
    let seen = emulator.changes();
    assert_eq!(emulator.changed_since(seen), Changed::Nothing);
    emulator.process(b"\n");
    assert_eq!(
        emulator.changed_since(seen),
        Changed::Nothing,
        "a line feed only moves"
    );
    emulator.process(b"\x1b[12;1Hbottom\r\n");
    assert_eq!(
        emulator.changed_since(seen),
        Changed::Everything,
        "this one scrolled"
    );
}

#[test]
fn a_redraw_of_lines_after_moving_up_marks_those_lines() {
    let mut emulator = emulator(80, 12);
    emulator.process(b"\x1b[2J\x1b[5;1Hbox one\r\nbox two\r\n");
    let seen = emulator.changes();
    // How ink redraws: erase and move up line by line, then write again.
    emulator.process(b"\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[Gbox one!\nbox two!\n");
    assert_eq!(emulator.changed_since(seen), Changed::Rows(vec![4, 5, 6]));
}

#[test]
fn a_redraw_after_a_cursor_move_marks_the_rows_it_reached() {
    let mut emulator = emulator(80, 12);
    emulator.process(b"\x1b[2J\x1b[Hready\r\n");
    let seen = emulator.changes();
    emulator.process("\x1b[3;1Hα".as_bytes());
    emulator.process(b"\x1b[7;5H\x1b[1mx\x1b[0m\x1b[K\x1b[3;2Hy");
    assert_eq!(emulator.changed_since(seen), Changed::Rows(vec![2, 6]));
    let seen = emulator.changes();
    emulator.process(b"\x1b[12;1Hlast\n");
    assert_eq!(
        emulator.changed_since(seen),
        Changed::Everything,
        "it scrolled"
    );
}

#[test]
fn a_sequence_split_across_reads_is_not_taken_for_text() {
    let mut emulator = emulator(80, 12);
    emulator.process(b"top\r\n\x1b[");
    let seen = emulator.changes();
    emulator.process(b"2J");
    assert_eq!(emulator.changed_since(seen), Changed::Everything);
}

#[test]
fn text_that_could_go_past_the_last_column_is_not_row_local() {
    assert!(row_local(b"abc", 0, 10));
    assert!(row_local(b"abcdefghij", 0, 10), "it fills the row");
    assert!(!row_local(b"abcdefghijk", 0, 10), "it would wrap");
    assert!(row_local(b"a", 9, 10));
    assert!(!row_local(b"a", 10, 10), "a wrap is pending");
    assert!(!row_local(b"\x1b[20C", 0, 10));
    assert!(
        !row_local("é".as_bytes(), 9, 10),
        "a non-ASCII byte counts two"
    );
    assert!(row_local(b"\x1b[1;31mx\x1b[0m\x1b[K\r", 0, 80));
    assert!(!row_local(b"\x1b[", 0, 80), "cut short");
    assert!(row_local(b"\x1b[?25l\x1b]0;t\x07x", 0, 80), "nothing drawn");
    assert!(!row_local(b"\x1b[?1049h", 0, 80));
    assert!(!row_local(b"\x1b[?25;1049l", 0, 80));
    assert!(!row_local(b"\n", 0, 80));
}

#[test]
fn giant_parameters_count_as_reaching_the_margin() {
    assert!(!row_local(b"\x1b[99999999999999999999C", 0, 80));
    assert!(!row_local(
        b"\x1b[49878Gx\x1b[99999999999999999999999999C",
        0,
        80
    ));
}

#[test]
fn only_plain_chunks_are_cut() {
    assert!(super::plain(
        "\x1b[3;1Hα\r\n\x1b[1A\x1b[2Kx\x07\x08".as_bytes()
    ));
    assert!(!super::plain(b"a\x00b"), "other controls");
    assert!(!super::plain(b"\xf0E\x8c\n"), "broken UTF-8");
    assert!(super::plain(
        b"\x1b[?2026h\x1b[?25l\x1b]0;t\x07\x1b]2;u\x1b\\\x1b[6n"
    ));
    assert!(!super::plain(b"\x1b[?1049h"), "other sequences");
    assert!(!super::plain(b"\x1b[?12;47h"), "other modes");
    assert!(!super::plain(b"\x1b]0;t\nu\x07"), "controls in a string");
    assert!(!super::plain(b"\x1b]0;t"), "an unfinished string");
    assert!(!super::plain(b"x\x1b["), "cut short");
}

#[test]
fn sequences_that_draw_nothing_mark_nothing() {
    let mut emulator = emulator(80, 12);
    emulator.process(b"\x1b[2J\x1b[5;1Hprompt> ");
    let seen = emulator.changes();
    // What codex and claude send between redraws: synchronized output, the
    // cursor hidden and shown, a title, a cursor report request.
    emulator.process(b"\x1b[?2026h\x1b[?25l");
    emulator.process("\x1b]0;⠂ Claude Code\x07\x1b[6n".as_bytes());
    emulator.process(b"\x1b[37;3H\x1b[?25h\x1b[?2026l");
    assert_eq!(emulator.changed_since(seen), Changed::Nothing);
    // A redraw of one row wrapped in them marks that row.
    emulator
        .process(b"\x1b[?2026h\x1b[?25l\x1b[9;4H\x1b[38;2;1;2;3mspin\x1b[0m\x1b[?25h\x1b[?2026l");
    assert_eq!(emulator.changed_since(seen), Changed::Rows(vec![8]));
    let seen = emulator.changes();
    emulator.process(b"\x1b[?1049h");
    assert_eq!(emulator.changed_since(seen), Changed::Everything);
}

/// The recorded sessions of the real agents (`tests/fixtures/agents/`), read
/// by read as they arrived: no row outside the damage changes, and the
/// sequences they wrap their redraws in leave most reads marking rows only.
#[test]
fn recorded_agents_change_no_row_outside_the_damage() {
    use base64::Engine as _;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agents");
    for agent in ["claude", "codex", "gemini", "opencode", "aider"] {
        let text = std::fs::read_to_string(dir.join(format!("{agent}.jsonl"))).unwrap();
        let mut lines = text.lines();
        let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        let size = |key: &str| u16::try_from(header[key].as_u64().unwrap()).unwrap();
        let mut emulator = emulator(size("cols"), size("rows"));
        let (mut reads, mut whole) = (0, 0);
        for line in lines {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            let Some(out) = event["out"].as_str() else {
                continue;
            };
            let chunk = base64::engine::general_purpose::STANDARD
                .decode(out)
                .unwrap();
            let before = emulator.screen().clone();
            let seen = emulator.changes();
            emulator.process(&chunk);
            let differ = rows_that_differ(&before, emulator.screen());
            reads += 1;
            match emulator.changed_since(seen) {
                Changed::Everything => whole += 1,
                Changed::Rows(rows) => assert!(
                    differ.iter().all(|row| rows.contains(row)),
                    "{agent}: rows {differ:?} changed, damage {rows:?}, read {reads}"
                ),
                Changed::Nothing => assert!(differ.is_empty(), "{agent}: read {reads}"),
            }
        }
        // codex and opencode redraw row by row inside synchronized output.
        if matches!(agent, "codex" | "opencode") {
            assert!(
                whole * 10 < reads,
                "{agent}: {whole} of {reads} reads marked everything"
            );
        }
    }
}

#[test]
fn a_read_that_finishes_what_the_last_one_cut_is_judged_whole() {
    let mut emulator = emulator(80, 12);
    emulator.process(b"\x1b[2J\x1b[5;1Hbox \x1b[38;2;25");
    let seen = emulator.changes();
    emulator.process(b"5;0;0mred\x1b[0m \xc3");
    emulator.process(b"\xa9!");
    assert_eq!(emulator.changed_since(seen), Changed::Rows(vec![4]));
    assert_eq!(
        emulator.screen().contents_between(4, 0, 4, 20),
        "box red é!"
    );
    let cell = emulator.screen().cell(4, 4).unwrap();
    assert_eq!(cell.fgcolor(), vt100::Color::Rgb(255, 0, 0));
    // Finished into something that is not row-local: everything.
    emulator.process(b"\x1b[");
    let seen = emulator.changes();
    emulator.process(b"2J");
    assert_eq!(emulator.changed_since(seen), Changed::Everything);
}
