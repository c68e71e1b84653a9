//! The filter's output for each rewrite, split at every point; what the
//! screen then shows is tested with the emulator (`emulator_tests.rs`).
//! [`run`] and [`Recorder`] are shared with the other modules' tests.

use std::num::NonZeroU16;

use super::terminal::Cursor;
use super::*;

/// A real vt100 parser that also keeps every byte it was given, and where
/// in them each U+FE0F in text was handed over.
pub(super) struct Recorder {
    parser: vt100::Parser,
    pub(super) parsed: Vec<u8>,
    pub(super) vs16: Vec<usize>,
}

impl Recorder {
    pub(super) fn new() -> Self {
        Self {
            parser: vt100::Parser::new(
                NonZeroU16::new(24).unwrap(),
                NonZeroU16::new(80).unwrap(),
                0,
            ),
            parsed: Vec::new(),
            vs16: Vec::new(),
        }
    }
}

impl Terminal for Recorder {
    fn parse(&mut self, bytes: &[u8]) {
        self.parsed.extend_from_slice(bytes);
        self.parser.parse(bytes);
    }

    fn cursor(&self) -> Cursor {
        self.parser.cursor()
    }

    fn cols(&self) -> u16 {
        self.parser.cols()
    }

    fn redraw_last_cell(&self, row: u16, bytes: &mut Vec<u8>) {
        self.parser.redraw_last_cell(row, bytes);
    }

    fn emoji_presentation(&mut self, bytes: &mut Vec<u8>) {
        self.vs16.push(self.parsed.len() + bytes.len());
        self.parser.emoji_presentation(bytes);
    }

    fn erase_history(&mut self, erase: HistoryErase) {
        self.parser.erase_history(erase);
    }
}

/// What vt100 was given for `chunks`, fed one after another.
pub(super) fn run(chunks: &[&[u8]]) -> Vec<u8> {
    run_marked(chunks).0
}

/// [`run`], and where U+FE0F in text went in it.
pub(super) fn run_marked(chunks: &[&[u8]]) -> (Vec<u8>, Vec<usize>) {
    let mut filter = Filter::new();
    let mut terminal = Recorder::new();
    let mut scratch = Vec::new();
    for chunk in chunks {
        filter.feed(chunk, &mut scratch, &mut terminal);
    }
    (terminal.parsed, terminal.vs16)
}

/// The text vt100 shows after [`run`] of `chunks`.
pub(super) fn shown(chunks: &[&[u8]]) -> String {
    let mut filter = Filter::new();
    let mut terminal = Recorder::new();
    let mut scratch = Vec::new();
    for chunk in chunks {
        filter.feed(chunk, &mut scratch, &mut terminal);
    }
    terminal.parser.screen().contents()
}

/// `run` of `input` whole and cut at every point gives the same bytes.
fn run_split(input: &[u8]) -> Vec<u8> {
    let whole = run(&[input]);
    for cut in 0..=input.len() {
        let (head, tail) = input.split_at(cut);
        assert_eq!(
            String::from_utf8_lossy(&run(&[head, tail])),
            String::from_utf8_lossy(&whole),
            "cut at {cut}"
        );
    }
    whole
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
fn line_drawing_text_becomes_box_characters_and_sequences_stay_intact() {
    assert_eq!(
        String::from_utf8(run(&[b"\x1b(0lqqk\x1b[1;31mx\x1b(Bq"])).unwrap(),
        "\x1b(0┌──┐\x1b[1;31m│\x1b(Bq"
    );
    // G1 through SO / SI, split anywhere.
    let input: &[u8] = b"\x1b)0a\x0eqj\x0fq\x1b]0;title q\x07";
    let whole = String::from_utf8(run(&[input])).unwrap();
    assert_eq!(whole, "\x1b)0a─┘q\x1b]0;title q\x07");
    for cut in 0..=input.len() {
        let (head, tail) = input.split_at(cut);
        assert_eq!(
            String::from_utf8(run(&[head, tail])).unwrap(),
            whole,
            "cut at {cut}"
        );
    }
}

#[test]
fn insert_mode_makes_room_and_1047_becomes_47() {
    assert_eq!(run(&[b"ab\x1b[4hX\x1b[4lY"]), b"ab\x1b[4h\x1b[@X\x1b[4lY");
    // The cursor is put back after each switch (see the alternate screen tests).
    assert_eq!(
        run(&[b"\x1b[?1047hz\x1b[?1047l"]),
        b"\x1b[?47h\x1b[1;1Hz\x1b[?47l\x1b[1;2H"
    );
    // A private mode 4 is not insert mode.
    assert_eq!(run(&[b"\x1b[?4hX"]), b"\x1b[?4hX");
    // Split anywhere.
    let input: &[u8] = b"a\x1b[4hB\x1b[4l";
    for cut in 0..=input.len() {
        let (head, tail) = input.split_at(cut);
        assert_eq!(
            run(&[head, tail]),
            b"a\x1b[4h\x1b[@B\x1b[4l",
            "cut at {cut}"
        );
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
    let mut filter = Filter::new();
    let mut terminal = Recorder::new();
    let mut scratch = Vec::new();
    filter.feed(b"ab\x1b[", &mut scratch, &mut terminal);
    assert_eq!(terminal.parsed, b"ab");
    filter.feed(b"s", &mut scratch, &mut terminal);
    assert_eq!(terminal.parsed, b"ab\x1b7");
}

#[test]
fn tabs_to_stops_the_program_set_become_column_moves() {
    // Default stops: the tab as it came.
    assert_eq!(run_split(b"a\tb"), b"a\tb");
    // HTS and TBC are the filter's own; a tab then moves to a column.
    assert_eq!(run_split(b"\x1b[3g\x1b[5G\x1bH\r\tx"), b"\x1b[5G\r\x1b[5Gx");
    // CHT over default stops is tabs; CBT a column move.
    assert_eq!(run_split(b"\x1b[2Ix"), b"\t\tx");
    assert_eq!(run_split(b"\x1b[20G\x1b[Zx"), b"\x1b[20G\x1b[17Gx");
    // RIS: default stops again.
    assert_eq!(run_split(b"\x1b[3g\x1bc\tx"), b"\x1bc\tx");
}

#[test]
fn autowrap_off_moves_back_onto_the_last_column() {
    // 80 columns: the 81st character is drawn in the last column again,
    // and before the next control the cursor is put there.
    let input = [&b"\x1b[?7l"[..], &[b'x'; 81], b"\r"].concat();
    let expected = [&b"\x1b[?7l"[..], &[b'x'; 80], b"\x1b[80Gx\x1b[80G\r"].concat();
    assert_eq!(run_split(&input), expected);
    // Colours in between do not lose the column.
    let input = [&b"\x1b[?7l"[..], &[b'x'; 79], b"\x1b[31mab"].concat();
    let expected = [&b"\x1b[?7l"[..], &[b'x'; 79], b"\x1b[31ma\x1b[80Gb"].concat();
    assert_eq!(run(&[&input]), expected);
}

#[test]
fn alternate_screen_switches_put_the_cursor_back() {
    assert_eq!(run_split(b"ab\x1b[?1049hc"), b"ab\x1b[?1049h\x1b[1;3Hc");
    // Leaving 1049 restores the cursor in vt100 too.
    assert_eq!(
        run_split(b"\x1b[?1049h\x1b[?1049l"),
        b"\x1b[?1049h\x1b[1;1H\x1b[?1049l"
    );
    assert_eq!(
        run_split(b"\x1b[2;2H\x1b[?47h\x1b[?47l"),
        b"\x1b[2;2H\x1b[?47h\x1b[2;2H\x1b[?47l\x1b[2;2H"
    );
}
