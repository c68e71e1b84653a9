//! The pane widget cell by cell: colours and attributes (which text
//! snapshots cannot see), cropping and padding, wide glyphs, the cursor, and
//! a round trip through the crossterm backend the server uses, parsed back
//! by vt100, to prove the bytes on the wire rebuild the agent's screen.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Margin;
use ratatui::{TerminalOptions, Viewport};

use super::*;
use crate::ui::layout::Visibility;
use crate::ui::test_support::{SharedBytes, parser};

fn slot(outer: Rect) -> PaneSlot {
    PaneSlot {
        outer,
        inner: outer.inner(Margin::new(1, 1)),
        visible: Visibility::Visible,
    }
}

fn drawn(screen: &vt100::Screen, area: Rect) -> Buffer {
    let mut buf = Buffer::empty(area);
    draw_screen(screen, area, &mut buf);
    buf
}

fn row_text(buf: &Buffer, y: u16) -> String {
    let area = buf.area;
    (area.x..area.right())
        .map(|x| buf[(x, y)].symbol().to_owned())
        .collect()
}

#[test]
fn cells_carry_colours_and_attributes() {
    let parser = parser(
        2,
        20,
        b"\x1b[1;31mR\x1b[0;2;38;5;202mD\x1b[0;3;48;2;1;2;3mI\x1b[0;4mU\x1b[0;7mV\x1b[0mn",
    );
    let buf = drawn(parser.screen(), Rect::new(0, 0, 20, 2));
    let cell = |x: u16| &buf[(x, 0)];
    assert_eq!(cell(0).symbol(), "R");
    assert_eq!(
        (cell(0).fg, cell(0).modifier),
        (Color::Indexed(1), Modifier::BOLD)
    );
    assert_eq!(
        (cell(1).fg, cell(1).modifier),
        (Color::Indexed(202), Modifier::DIM)
    );
    assert_eq!(
        (cell(2).bg, cell(2).modifier),
        (Color::Rgb(1, 2, 3), Modifier::ITALIC)
    );
    assert_eq!(cell(2).fg, Color::Reset);
    assert_eq!(cell(3).modifier, Modifier::UNDERLINED);
    assert_eq!(cell(4).modifier, Modifier::REVERSED);
    assert_eq!(
        (cell(5).symbol(), cell(5).modifier),
        ("n", Modifier::empty())
    );
    assert_eq!((cell(6).symbol(), cell(6).bg), (" ", Color::Reset));
}

#[test]
fn a_background_fill_covers_empty_cells_too() {
    let parser = parser(2, 6, b"\x1b[44m\x1b[2J");
    let buf = drawn(parser.screen(), Rect::new(0, 0, 6, 2));
    assert!(buf.content.iter().all(|cell| cell.bg == Color::Indexed(4)));
}

#[test]
fn a_larger_screen_is_cropped_and_a_smaller_one_padded() {
    let parser = parser(3, 10, b"0123456789\r\nabcdefghij\r\nlast");
    let small = drawn(parser.screen(), Rect::new(0, 0, 4, 2));
    assert_eq!(row_text(&small, 0), "0123");
    assert_eq!(row_text(&small, 1), "abcd");
    let mut big = Buffer::empty(Rect::new(5, 5, 14, 5));
    big[(18, 9)].set_symbol("x");
    draw_screen(parser.screen(), Rect::new(5, 5, 12, 4), &mut big);
    assert_eq!(row_text(&big, 5), "0123456789    ");
    assert_eq!(row_text(&big, 7), "last          ");
    assert_eq!(row_text(&big, 8), "              ");
    assert_eq!(
        big[(18, 9)].symbol(),
        "x",
        "nothing is drawn outside the area"
    );
}

#[test]
fn wide_glyphs_reset_their_continuation_and_never_cross_the_edge() {
    let parser = parser(3, 8, "a漢字👍\r\n1234567漢".as_bytes());
    let buf = drawn(parser.screen(), Rect::new(0, 0, 8, 3));
    let symbols: Vec<&str> = (0..7).map(|x| buf[(x, 0)].symbol()).collect();
    assert_eq!(symbols, ["a", "漢", " ", "字", " ", "👍", " "]);
    // The second line's wide glyph wrapped: vt100 left its last column empty.
    assert_eq!(row_text(&buf, 1), "1234567 ");
    assert_eq!(buf[(0, 2)].symbol(), "漢");
    // Cropped to 6 columns, 👍 (columns 5–6) would straddle the edge.
    let cropped = drawn(parser.screen(), Rect::new(0, 0, 6, 1));
    assert_eq!(row_text(&cropped, 0), "a漢 字  ");
}

#[test]
fn the_cursor_lands_on_the_emulator_cursor() {
    let parser = parser(10, 30, b"hello\r\nworld\x1b[4;7H");
    let screen = parser.screen();
    let pane = PaneView {
        name: "a",
        branch: "grove/a",
        agent: "sh",
        status: &AgentStatus::Running,
        screen: Some(screen),
    };
    let slot = slot(Rect::new(20, 3, 40, 12));
    assert_eq!(cursor(&pane, &slot), Some(Position::new(21 + 6, 4 + 3)));
    // Outside what is drawn (the pane is smaller than the screen): no cursor.
    assert_eq!(cursor(&pane, &self::slot(Rect::new(0, 0, 6, 6))), None);
    let hidden = parser_with_hidden_cursor();
    let pane = PaneView {
        screen: Some(hidden.screen()),
        ..pane
    };
    assert_eq!(cursor(&pane, &slot), None);
    let exited = AgentStatus::Exited {
        how: "code 0".into(),
    };
    let pane = PaneView {
        status: &exited,
        screen: Some(screen),
        ..pane
    };
    assert_eq!(cursor(&pane, &slot), None, "no cursor in a dead pane");
}

fn parser_with_hidden_cursor() -> vt100::Parser {
    parser(10, 30, b"\x1b[?25l")
}

/// Draws each screen in turn through a crossterm backend, replays all the
/// bytes into a fresh vt100 of the same size, and checks that it shows
/// what the last screen showed, cell by cell.
fn assert_round_trip(screens: &[&vt100::Screen]) {
    let (rows, cols) = screens[0].size();
    let area = Rect::new(0, 0, cols.get(), rows.get());
    let bytes = SharedBytes::default();
    let backend = CrosstermBackend::new(bytes.clone());
    let viewport = Viewport::Fixed(area);
    let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
    let mut replay = vt100::Parser::new(rows, cols, 0);
    for (frame, screen) in screens.iter().enumerate() {
        terminal
            .draw(|frame| draw_screen(screen, frame.area(), frame.buffer_mut()))
            .unwrap();
        replay.process(&bytes.take());
        let got = replay.screen();
        // A blank the backend wrote and a never-written cell look the same.
        let trimmed = |text: String| -> Vec<String> {
            text.lines()
                .map(|line| line.trim_end().to_owned())
                .collect()
        };
        assert_eq!(
            trimmed(got.contents()),
            trimmed(screen.contents()),
            "frame {frame}"
        );
        for row in 0..rows.get() {
            for col in 0..cols.get() {
                let (want, have) = (screen.cell(row, col).unwrap(), got.cell(row, col).unwrap());
                let at = format!("frame {frame} ({row},{col}) {:?}", want.contents());
                let text = |cell: &vt100::Cell| cell.contents().replace(' ', "");
                assert_eq!(text(have), text(want), "{at}");
                assert_eq!(have.is_wide(), want.is_wide(), "{at}");
                if want.has_contents() {
                    assert_eq!(have.fgcolor(), want.fgcolor(), "{at}");
                    assert_eq!(have.bgcolor(), want.bgcolor(), "{at}");
                    assert_eq!(have.bold(), want.bold(), "{at}");
                }
            }
        }
    }
}

#[test]
fn wide_glyphs_survive_the_crossterm_backend_across_frames() {
    let lines: [&[u8]; 5] = [
        "plain ascii line\r\n\x1b[32mgreen\x1b[0m and 漢字 here".as_bytes(),
        "漢字漢字漢字漢字\r\na漢字 emoji 👍🎉 end".as_bytes(),
        "x漢字漢字漢字漢字\r\n\x1b[41mab 👍\x1b[0m narrow again".as_bytes(),
        "abcdefghijklmnop\r\n❤\u{fe0f} vs16 heart 中文".as_bytes(),
        "\x1b[44m 漢 \x1b[0mxyz  \r\n  done".as_bytes(),
    ];
    let parsers: Vec<vt100::Parser> = lines.iter().map(|bytes| parser(3, 20, bytes)).collect();
    let screens: Vec<&vt100::Screen> = parsers.iter().map(vt100::Parser::screen).collect();
    assert_round_trip(&screens);
    let reversed: Vec<&vt100::Screen> = screens.iter().rev().copied().collect();
    assert_round_trip(&reversed);
}
