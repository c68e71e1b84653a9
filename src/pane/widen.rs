//! Emoji presentation at the right margin, done before vt100 gets it wrong.
//!
//! U+FE0F after a narrow base character (`❤`, `⚠`, `✔`) makes it two cells
//! wide. When the base sits in the last column with a wrap pending, vt100
//! 0.18 moves it to the start of the next row; but when reaching that row
//! scrolls the screen, it reads the row index from before the scroll and
//! leaves the base wide in the last column of the row above, with no cell for
//! its second half. The next character written over that cell panics vt100
//! (`Screen::text_cleanup` unwraps the missing cell), and the emulator loses
//! the screen. Agents print such emoji all the time, so the emulator hands
//! each U+FE0F in text here first: in exactly that position [`at_margin`]
//! returns the bytes that do what vt100 meant (erase the base, new line,
//! base and selector at the start of it) with relative moves only, so origin
//! mode and scroll regions cannot make them land elsewhere.

use unicode_width::UnicodeWidthStr as _;
use vt100::{Cell, Color, Screen};

/// What to feed instead of the U+FE0F that comes next, when it would widen
/// the last column's character with a wrap pending; `None` when vt100 can
/// take it as it is.
pub fn at_margin(screen: &Screen) -> Option<Vec<u8>> {
    let cols = screen.size().1.get();
    let (row, col) = screen.cursor_position();
    if col != cols {
        return None;
    }
    let last = screen.cell(row, cols - 1)?;
    if last.is_wide() || last.is_wide_continuation() || !last.has_contents() {
        return None;
    }
    let mut widened = last.contents().to_owned();
    widened.push('\u{fe0f}');
    if widened.width() <= 1 {
        return None;
    }
    // To the last column, erase it in the current colours (as vt100 does),
    // then the next row (scrolling if need be) and the glyph in its own.
    let mut out = format!("\r\x1b[{}C\x1b[X\r\n", cols - 1).into_bytes();
    out.extend_from_slice(sgr(last).as_bytes());
    out.extend_from_slice(widened.as_bytes());
    out.extend_from_slice(screen.attributes_formatted().as_bytes());
    Some(out)
}

/// The SGR sequence that draws in `cell`'s attributes, from a reset.
fn sgr(cell: &Cell) -> String {
    let mut params = vec!["0".to_owned()];
    for (on, code) in [
        (cell.bold(), "1"),
        (cell.dim(), "2"),
        (cell.italic(), "3"),
        (cell.underline(), "4"),
        (cell.inverse(), "7"),
    ] {
        if on {
            params.push(code.to_owned());
        }
    }
    params.extend(colour(cell.fgcolor(), 30, 90, 38));
    params.extend(colour(cell.bgcolor(), 40, 100, 48));
    format!("\x1b[{}m", params.join(";"))
}

/// The SGR parameter for a colour: `base + i` for the first eight,
/// `bright + i - 8` for the next eight, then 256-colour and RGB forms.
fn colour(colour: Color, base: u8, bright: u8, extended: u8) -> Option<String> {
    match colour {
        Color::Default => None,
        Color::Idx(i @ 0..=7) => Some((base + i).to_string()),
        Color::Idx(i @ 8..=15) => Some((bright + i - 8).to_string()),
        Color::Idx(i) => Some(format!("{extended};5;{i}")),
        Color::Rgb(r, g, b) => Some(format!("{extended};2;{r};{g};{b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(rows: u16, cols: u16, bytes: &str) -> vt100::Parser {
        let size = |n| std::num::NonZeroU16::new(n).unwrap();
        let mut parser = vt100::Parser::new(size(rows), size(cols), 0);
        parser.process(bytes.as_bytes());
        parser
    }

    #[test]
    fn only_a_widening_selector_after_the_last_column_is_taken_over() {
        // A wrap pending after a narrow emoji base: taken over.
        assert!(at_margin(parser(2, 3, "ab❤").screen()).is_some());
        // Not at the margin, already wide, or a base that stays narrow.
        assert!(at_margin(parser(2, 3, "a❤").screen()).is_none());
        assert!(at_margin(parser(2, 4, "ab中").screen()).is_none());
        assert!(at_margin(parser(2, 3, "abc").screen()).is_none());
    }

    #[test]
    fn the_replacement_does_what_vt100_means_even_when_it_scrolls() {
        // In the middle of the screen vt100 gets it right; at the bottom it
        // leaves the glyph wide in the last column above. The replacement
        // gives the right result in both places.
        for (setup, row) in [("\x1b[1;1H", 1), ("\x1b[2;1H", 1)] {
            let text = format!("{setup}\x1b[31mab❤\x1b[32m");
            let mut ours = parser(2, 3, &text);
            let bytes = at_margin(ours.screen()).unwrap();
            ours.process(&bytes);
            let screen = ours.screen();
            assert_eq!(screen.cursor_position(), (row, 2));
            let glyph = screen.cell(row, 0).unwrap();
            assert_eq!(glyph.contents(), "❤\u{fe0f}");
            assert!(glyph.is_wide());
            assert_eq!(glyph.fgcolor(), Color::Idx(1));
            let above = screen.cell(row - 1, 2).unwrap();
            assert!(!above.is_wide() && !above.has_contents());
            // Writing over everything afterwards is safe, and in the
            // colour the program had set.
            ours.process("\x1b[Hxyz\r\nxyz".as_bytes());
            assert_eq!(ours.screen().cell(1, 2).unwrap().fgcolor(), Color::Idx(2));
        }
    }

    #[test]
    fn sgr_reproduces_every_attribute() {
        let source = parser(1, 10, "\x1b[1;2;3;4;7;38;5;200;48;2;1;2;3mx");
        let cell = source.screen().cell(0, 0).unwrap();
        let copy = parser(1, 10, &format!("{}x", sgr(cell)));
        assert_eq!(copy.screen().cell(0, 0).unwrap(), cell);
        let bright = parser(1, 10, "\x1b[91;102mx");
        let cell = bright.screen().cell(0, 0).unwrap();
        assert_eq!(
            parser(1, 10, &format!("{}x", sgr(cell)))
                .screen()
                .cell(0, 0)
                .unwrap(),
            cell
        );
    }
}
