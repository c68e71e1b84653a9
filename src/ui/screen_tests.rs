//! The screen copy cell by cell: colours and attributes (which text
//! snapshots cannot see), cropping and padding, wide glyphs, and a round
//! trip through the server's backend, parsed back by vt100, to prove the
//! bytes on the wire rebuild the agent's screen.

use ratatui::Terminal;
use ratatui::{TerminalOptions, Viewport};

use super::*;
use crate::server::backend::FrameBackend;
use crate::ui::test_support::parser;

fn drawn(screen: &vt100::Screen, area: Rect) -> Buffer {
    let mut buf = Buffer::empty(area);
    draw(screen, area, &mut buf);
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
    draw(parser.screen(), Rect::new(5, 5, 12, 4), &mut big);
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
    let skipped: Vec<u16> = (0..8)
        .filter(|&x| buf[(x, 0)].diff_option == CellDiffOption::Skip)
        .collect();
    assert_eq!(skipped, [2, 4, 6], "continuations are never emitted");
    // The second line's wide glyph wrapped: vt100 left its last column empty.
    assert_eq!(row_text(&buf, 1), "1234567 ");
    assert_eq!(buf[(0, 2)].symbol(), "漢");
    // Cropped to 6 columns, 👍 (columns 5–6) would straddle the edge.
    let cropped = drawn(parser.screen(), Rect::new(0, 0, 6, 1));
    assert_eq!(row_text(&cropped, 0), "a漢 字  ");
}

/// Draws each screen in turn through the server's backend, replays all the
/// bytes into a fresh vt100 of the same size, and checks that it shows
/// what the last screen showed, cell by cell.
fn assert_round_trip(screens: &[&vt100::Screen]) {
    let (rows, cols) = screens[0].size();
    let area = Rect::new(0, 0, cols.get(), rows.get());
    let backend = FrameBackend::new(area.as_size());
    let viewport = Viewport::Fixed(area);
    let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
    let mut replay = vt100::Parser::new(rows, cols, 0);
    for (frame, screen) in screens.iter().enumerate() {
        terminal
            .draw(|frame| draw(screen, frame.area(), frame.buffer_mut()))
            .unwrap();
        replay.process(&terminal.backend_mut().take_bytes());
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
fn wide_glyphs_survive_the_servers_backend_across_frames() {
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

#[test]
fn blanks_overwrite_whatever_the_buffer_held() {
    let parser = parser(2, 4, b"a  b\r\n\x1b[41m \x1b[0m");
    let area = Rect::new(0, 0, 4, 2);
    let mut buf = Buffer::filled(area, ratatui::buffer::Cell::new("#"));
    draw(parser.screen(), area, &mut buf);
    assert_eq!(row_text(&buf, 0), "a  b");
    assert_eq!(row_text(&buf, 1), "    ");
    assert_eq!(buf[(0, 1)].bg, Color::Indexed(1));
}
