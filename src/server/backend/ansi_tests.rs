//! The encoder byte for byte on small cases, then against crossterm's:
//! random frames drawn through both must leave a client's screen the same.

use std::num::NonZeroU16;

use ratatui::backend::CrosstermBackend;
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::*;
use crate::server::backend::FrameBackend;

fn cell(symbol: &str, fg: Color, bg: Color, modifier: Modifier) -> Cell {
    let mut cell = Cell::new("");
    cell.set_symbol(symbol);
    cell.fg = fg;
    cell.bg = bg;
    cell.modifier = modifier;
    cell
}

fn plain(symbol: &str) -> Cell {
    cell(symbol, Color::Reset, Color::Reset, Modifier::empty())
}

fn encode(cells: &[(u16, u16, Cell)]) -> String {
    let mut out = Vec::new();
    super::cells(&mut out, cells.iter().map(|(x, y, c)| (*x, *y, c)));
    String::from_utf8(out).unwrap()
}

#[test]
fn the_cursor_moves_only_where_the_next_cell_is_not_adjacent() {
    let bytes = encode(&[
        (3, 1, plain("a")),
        (4, 1, plain("b")),
        (7, 1, plain("c")),
        (0, 2, plain("d")),
    ]);
    assert_eq!(bytes, "\x1b[2;4Hab\x1b[2;8Hc\x1b[3;1Hd");
}

#[test]
fn the_cell_after_a_wide_glyph_is_placed_again() {
    let bytes = encode(&[(0, 0, plain("中")), (2, 0, plain("x")), (3, 0, plain("y"))]);
    assert_eq!(bytes, "\x1b[1;1H中\x1b[1;3Hxy");
}

#[test]
fn a_style_change_is_one_sequence_and_the_pen_is_reset_at_the_end() {
    let bold = Modifier::BOLD | Modifier::UNDERLINED;
    let bytes = encode(&[
        (
            0,
            0,
            cell("a", Color::Indexed(12), Color::Rgb(1, 20, 255), bold),
        ),
        (
            1,
            0,
            cell("b", Color::Indexed(12), Color::Rgb(1, 20, 255), bold),
        ),
        (2, 0, cell("c", Color::Indexed(12), Color::Reset, bold)),
    ]);
    assert_eq!(
        bytes,
        "\x1b[1;1H\x1b[1;4;38;5;12;48;2;1;20;255mab\x1b[49mc\x1b[0m"
    );
}

#[test]
fn a_frame_that_ends_in_the_default_pen_does_not_reset_it() {
    let bytes = encode(&[
        (0, 0, cell("a", Color::Red, Color::Reset, Modifier::empty())),
        (1, 0, plain("b")),
    ]);
    assert_eq!(bytes, "\x1b[1;1H\x1b[38;5;1ma\x1b[39mb");
}

#[test]
fn attributes_are_switched_off_by_their_own_codes() {
    let m = |modifier| cell("x", Color::Reset, Color::Reset, modifier);
    let bytes = encode(&[
        (0, 0, m(Modifier::BOLD | Modifier::DIM | Modifier::ITALIC)),
        // Normal intensity drops both; the dim one is switched on again.
        (1, 0, m(Modifier::DIM | Modifier::ITALIC)),
        (2, 0, m(Modifier::REVERSED | Modifier::SLOW_BLINK)),
        (3, 0, m(Modifier::RAPID_BLINK)),
        (4, 0, m(Modifier::CROSSED_OUT | Modifier::HIDDEN)),
        (5, 0, m(Modifier::empty())),
    ]);
    assert_eq!(
        bytes,
        "\x1b[1;1H\x1b[1;2;3mx\x1b[22;2mx\x1b[7;22;23;5mx\x1b[27;25;6mx\
         \x1b[9;8;25mx\x1b[29;28mx"
    );
}

#[test]
fn named_colours_use_crossterms_indexed_form() {
    let colors = [
        (Color::Black, "38;5;0"),
        (Color::Gray, "38;5;7"),
        (Color::DarkGray, "38;5;8"),
        (Color::LightBlue, "38;5;12"),
        (Color::White, "38;5;15"),
    ];
    for (color, sgr) in colors {
        let bytes = encode(&[(0, 0, cell("x", color, Color::Reset, Modifier::empty()))]);
        assert_eq!(bytes, format!("\x1b[1;1H\x1b[{sgr}mx\x1b[0m"), "{color:?}");
    }
}

#[test]
fn the_underline_colour_goes_in_a_sequence_of_its_own() {
    let mut underlined = cell("x", Color::Blue, Color::Reset, Modifier::UNDERLINED);
    underlined.underline_color = Color::Indexed(3);
    let bytes = encode(&[(0, 0, underlined)]);
    assert_eq!(bytes, "\x1b[1;1H\x1b[4;38;5;4m\x1b[58;5;3mx\x1b[59m\x1b[0m");
}

#[test]
fn numbers_are_decimal() {
    for n in [0, 7, 10, 99, 255, 1000, 65_536, u32::MAX] {
        let mut sequence = Sequence::new();
        sequence.number(n);
        assert_eq!(sequence.as_bytes(), n.to_string().as_bytes());
    }
    for n in 0..=u8::MAX {
        let mut sequence = Sequence::new();
        sequence.byte_number(n);
        assert_eq!(sequence.as_bytes(), n.to_string().as_bytes());
    }
}

/// A small deterministic generator, so a failure names its seed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        (self.0 >> 33) % n
    }
}

const GLYPHS: [&str; 8] = ["a", "Z", " ", "─", "中", "🎉", "é", "~"];
/// The modifiers vt100 shows, so the replayed screens can be compared.
const SHOWN: [Modifier; 5] = [
    Modifier::BOLD,
    Modifier::DIM,
    Modifier::ITALIC,
    Modifier::UNDERLINED,
    Modifier::REVERSED,
];

fn color(rng: &mut Lcg) -> Color {
    match rng.below(5) {
        0 => Color::Reset,
        1 => Color::LightGreen,
        2 => Color::Indexed(u8::try_from(rng.below(256)).unwrap()),
        3 => Color::Rgb(7, u8::try_from(rng.below(256)).unwrap(), 200),
        _ => Color::Red,
    }
}

/// A frame of runs of random styles and glyphs; a wide glyph's second
/// column is a skip cell, as `ui::screen` draws them.
fn random_frame(rng: &mut Lcg, buf: &mut Buffer) {
    let area = buf.area;
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let mut modifier = Modifier::empty();
            for flag in SHOWN {
                if rng.below(4) == 0 {
                    modifier |= flag;
                }
            }
            let (fg, bg) = (color(rng), color(rng));
            for _ in 0..rng.below(6) + 1 {
                let glyph = GLYPHS[usize::try_from(rng.below(8)).unwrap()];
                let wide = glyph == "中" || glyph == "🎉";
                if x + u16::from(wide) >= area.width {
                    break;
                }
                let target = &mut buf[(x, y)];
                *target = cell(glyph, fg, bg, modifier);
                x += 1;
                if wide {
                    buf[(x, y)].diff_option = CellDiffOption::Skip;
                    x += 1;
                }
            }
        }
    }
}

fn assert_same_screen(ours: &vt100::Screen, theirs: &vt100::Screen, what: &str) {
    let (rows, cols) = ours.size();
    for row in 0..rows.get() {
        for col in 0..cols.get() {
            let (a, b) = (ours.cell(row, col).unwrap(), theirs.cell(row, col).unwrap());
            assert_eq!(a, b, "{what}: ({col},{row})");
        }
    }
    assert_eq!(ours.cursor_position(), theirs.cursor_position(), "{what}");
    assert_eq!(ours.hide_cursor(), theirs.hide_cursor(), "{what}");
}

/// Restyles one narrow cell of `buf`, so the diff has gaps to jump.
fn restyle_one(rng: &mut Lcg, buf: &mut Buffer) {
    let x = u16::try_from(rng.below(u64::from(buf.area.width) - 1)).unwrap() + 1;
    let y = u16::try_from(rng.below(u64::from(buf.area.height))).unwrap();
    let narrow = |c: &Cell| c.symbol().len() == 1 && c.diff_option == CellDiffOption::None;
    if narrow(&buf[(x - 1, y)]) && narrow(&buf[(x, y)]) {
        buf[(x, y)] = cell("q", color(rng), Color::Reset, Modifier::ITALIC);
    }
}

#[test]
fn random_frames_show_the_same_screen_as_through_crossterm() {
    let area = Rect::new(0, 0, 37, 9);
    let options = || TerminalOptions {
        viewport: Viewport::Fixed(area),
    };
    let mut theirs = Terminal::with_options(CrosstermBackend::new(Vec::new()), options()).unwrap();
    let mut ours = Terminal::with_options(FrameBackend::new(area.as_size()), options()).unwrap();
    let (rows, cols) = (NonZeroU16::new(9).unwrap(), NonZeroU16::new(37).unwrap());
    let mut their_client = vt100::Parser::new(rows, cols, 0);
    let mut our_client = vt100::Parser::new(rows, cols, 0);
    let mut rng = Lcg(7);
    let mut shown = Buffer::empty(area);
    for frame in 0..300 {
        // A third of the frames change one cell, so the diff leaves gaps.
        if rng.below(3) == 0 {
            restyle_one(&mut rng, &mut shown);
        } else {
            random_frame(&mut rng, &mut shown);
        }
        let cursor = (rng.below(2) == 0).then_some((3, 4));
        let draw = |f: &mut ratatui::Frame<'_>| {
            f.buffer_mut().clone_from(&shown);
            if let Some(at) = cursor {
                f.set_cursor_position(at);
            }
        };
        theirs.draw(draw).unwrap();
        their_client.process(&std::mem::take(theirs.backend_mut().writer_mut()));
        ours.draw(draw).unwrap();
        our_client.process(&ours.backend_mut().take_bytes());
        let what = format!("frame {frame}");
        assert_same_screen(our_client.screen(), their_client.screen(), &what);
    }
}
