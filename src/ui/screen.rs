//! Copies an agent's vt100 screen into the frame buffer, cell by cell:
//! text, colours, bold/dim/italic/underline/inverse.
//!
//! We do this ourselves rather than through tui-term: it pins an older
//! vt100 and leaves wide characters to chance. Here a wide glyph's
//! continuation cell is marked [`CellDiffOption::Skip`] rather than merely
//! blanked: for a VS16 emoji (`❤️`) ratatui's diff otherwise re-emits the
//! continuation as a space without moving the cursor, and a terminal that
//! drew the emoji two cells wide puts that space one column late, shifting
//! the rest of the row (`screen_tests.rs` replays the bytes to catch this).
//! Where ratatui would measure a glyph differently from vt100, the cell
//! carries the width vt100 chose, so the diff and the pane agree on
//! columns. A wide glyph that would straddle the right edge is drawn as a
//! blank so it cannot spill over the pane's border. When the screen and
//! the area differ in size (two clients of different sizes share one PTY)
//! the screen is cropped, or the rest of the area is left as it was.
//!
//! This is the hot loop of every frame (16 panes of 200×50 are 160 000
//! cells), so it walks the buffer a row slice at a time, writes cell fields
//! directly and never allocates.

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

const NARROW: NonZeroU16 = NonZeroU16::MIN;
const WIDE: NonZeroU16 = NonZeroU16::MIN.saturating_add(1);

/// Draws the visible part of `screen` into `area` (clipped to `buf`).
pub fn draw(screen: &vt100::Screen, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    let (rows, cols) = screen.size();
    let height = rows.get().min(area.height);
    let width = usize::from(cols.get().min(area.width));
    let stride = usize::from(buf.area.width);
    let left = usize::from(area.x - buf.area.x);
    for row in 0..height {
        let start = usize::from(area.y - buf.area.y + row) * stride + left;
        let Some(cells) = buf.content.get_mut(start..start + width) else {
            return;
        };
        let mut col = 0;
        while let (Some(source), Some(target)) =
            (screen.cell(row, col_u16(col)), cells.get_mut(col))
        {
            target.fg = color(source.fgcolor());
            target.bg = color(source.bgcolor());
            target.modifier = modifiers(source);
            if source.is_wide() && col + 1 < width {
                let symbol = source.contents();
                target.set_symbol(symbol);
                target.diff_option = width_option(symbol, WIDE);
                if let Some(next) = cells.get_mut(col + 1) {
                    next.reset();
                    next.diff_option = CellDiffOption::Skip;
                }
                col += 2;
                continue;
            }
            // A continuation whose glyph was not drawn, an empty cell, or a
            // wide glyph cut by the edge: all are blanks in the cell's colours.
            let blank = !source.has_contents() || source.is_wide() || source.is_wide_continuation();
            if blank {
                // Agents' screens are mostly blank, and a freshly reset cell
                // already reads as a space: skip rebuilding its symbol.
                if target.symbol() != " " {
                    target.set_symbol(" ");
                }
                target.diff_option = CellDiffOption::None;
            } else {
                let symbol = source.contents();
                target.set_symbol(symbol);
                target.diff_option = width_option(symbol, NARROW);
            }
            col += 1;
        }
    }
}

/// `col` is below the screen's width, itself a `u16`.
fn col_u16(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

/// Pins a cell to vt100's width when ratatui would measure the glyph
/// differently (emoji sequences, ambiguous widths). ASCII cannot disagree,
/// which keeps the measuring out of the common path.
fn width_option(symbol: &str, width: NonZeroU16) -> CellDiffOption {
    if symbol.is_ascii() || symbol.cell_width() == width.get() {
        CellDiffOption::None
    } else {
        CellDiffOption::ForcedWidth(width)
    }
}

fn color(color: vt100::Color) -> Color {
    match color {
        vt100::Color::Default => Color::Reset,
        vt100::Color::Idx(index) => Color::Indexed(index),
        vt100::Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

fn modifiers(cell: &vt100::Cell) -> Modifier {
    let mut modifier = Modifier::empty();
    for (on, flag) in [
        (cell.bold(), Modifier::BOLD),
        (cell.dim(), Modifier::DIM),
        (cell.italic(), Modifier::ITALIC),
        (cell.underline(), Modifier::UNDERLINED),
        (cell.inverse(), Modifier::REVERSED),
    ] {
        if on {
            modifier |= flag;
        }
    }
    modifier
}

#[cfg(test)]
#[path = "screen_tests.rs"]
mod tests;
