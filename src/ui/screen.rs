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
//! Every glyph's cell carries the width vt100 chose
//! ([`CellDiffOption::ForcedWidth`]), so the diff and the pane agree on
//! columns where ratatui would measure a glyph differently (emoji
//! sequences, ambiguous widths). A wide glyph that would straddle the right
//! edge is drawn as a blank so it cannot spill over the pane's border. When the screen and
//! the area differ in size (two clients of different sizes share one PTY)
//! the screen is cropped, or the rest of the area is left as it was.
//!
//! This is the hot loop of every frame (16 panes of 200×50 are 160 000
//! cells), so it walks the buffer a row slice at a time, builds each cell
//! whole and never allocates. The forced width pays here too: ratatui's
//! diff measures every cell without one, changed or not, and that was a
//! tenth of a busy frame. Blanks stay plain [`Cell::EMPTY`], though, so on
//! a cleared screen the diff still skips the default-coloured ones instead
//! of sending every empty cell of every pane. Printable ASCII, most of what agents print, is
//! copied from [`ASCII`] rather than built by `Cell::set_symbol`.

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

const NARROW: CellDiffOption = CellDiffOption::ForcedWidth(NonZeroU16::MIN);
const WIDE: CellDiffOption = CellDiffOption::ForcedWidth(NonZeroU16::MIN.saturating_add(1));

/// A cell holding each printable ASCII character, at its code; the rest
/// are empty and never read.
static ASCII: [Cell; 128] = ascii_cells();

const fn ascii_cells() -> [Cell; 128] {
    const PRINTABLE: &str = concat!(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    );
    let mut cells = [Cell::EMPTY; 128];
    let mut rest = PRINTABLE;
    let mut code = 32;
    while let Some((one, tail)) = rest.split_at_checked(1) {
        // `Cell` has drop glue, so a const fn may not overwrite one in place.
        std::mem::forget(std::mem::replace(&mut cells[code], Cell::new(one)));
        rest = tail;
        code += 1;
    }
    cells
}

/// Draws the visible part of `screen` into `area` (clipped to `buf`).
pub fn draw(screen: &vt100::Screen, area: Rect, buf: &mut Buffer) {
    for row in 0..area.height {
        draw_row(screen, area, row, buf);
    }
}

/// Draws row `row` of `screen` where [`draw`] puts it (`row` rows below the
/// top of `area`), if that is inside `buf`, which may be just that row.
pub fn draw_row(screen: &vt100::Screen, area: Rect, row: u16, buf: &mut Buffer) {
    let (rows, cols) = screen.size();
    let line = Rect::new(area.x, area.y.saturating_add(row), area.width, 1).intersection(buf.area);
    if row >= rows.get() || line.height == 0 || line.x != area.x {
        return;
    }
    let width = usize::from(cols.get().min(line.width));
    let stride = usize::from(buf.area.width);
    let start = usize::from(line.y - buf.area.y) * stride + usize::from(line.x - buf.area.x);
    let Some(cells) = buf.content.get_mut(start..start + width) else {
        return;
    };
    let mut col = 0;
    while col < width {
        let Some(source) = screen.cell(row, col_u16(col)) else {
            break;
        };
        let wide = source.is_wide() && col + 1 < width;
        let mut cell = if wide {
            let mut cell = Cell::EMPTY;
            cell.set_symbol(source.contents());
            cell.diff_option = WIDE;
            cell
        } else {
            // A continuation whose glyph was not drawn, an empty cell, or
            // a wide glyph cut by the edge: all are blanks in the cell's
            // colours.
            let blank = !source.has_contents() || source.is_wide() || source.is_wide_continuation();
            if blank {
                Cell::EMPTY
            } else {
                narrow(source.contents())
            }
        };
        cell.fg = color(source.fgcolor());
        cell.bg = color(source.bgcolor());
        cell.modifier = modifiers(source);
        if let Some(target) = cells.get_mut(col) {
            *target = cell;
        }
        col += 1;
        if wide {
            if let Some(next) = cells.get_mut(col) {
                *next = Cell::EMPTY;
                next.diff_option = CellDiffOption::Skip;
            }
            col += 1;
        }
    }
}

/// A pane's screen as one frame drew it, so a later frame can draw it again
/// by copying cells while the screen has not changed: with one agent of
/// sixteen printing, reading the fifteen idle screens out of vt100 cell by
/// cell was most of every frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnScreen {
    area: Rect,
    cells: Vec<Cell>,
}

impl DrawnScreen {
    /// The cells of `area` in `buf` (clipped to the buffer).
    pub fn capture(buf: &Buffer, area: Rect) -> DrawnScreen {
        let area = area.intersection(buf.area);
        let mut cells = Vec::with_capacity(usize::from(area.width) * usize::from(area.height));
        for row in area.rows() {
            if let Some(slice) = buf.content.get(row_range(buf, row)) {
                cells.extend_from_slice(slice);
            }
        }
        DrawnScreen { area, cells }
    }

    /// Where the cells came from.
    pub fn area(&self) -> Rect {
        self.area
    }

    /// Takes the cells of `line`, a one-row buffer inside [`Self::area`],
    /// as drawn now; a line that does not fit is ignored.
    pub fn update_row(&mut self, line: &Buffer) {
        let area = line.area;
        if area.height != 1 || area.intersection(self.area) != area {
            return;
        }
        let width = usize::from(self.area.width);
        let start = usize::from(area.y - self.area.y) * width + usize::from(area.x - self.area.x);
        if let Some(target) = self.cells.get_mut(start..start + line.content.len()) {
            target.clone_from_slice(&line.content);
        }
    }

    /// Copies the cells back into `area`, if that is where they came from;
    /// `false` (and nothing drawn) otherwise.
    pub fn paste(&self, area: Rect, buf: &mut Buffer) -> bool {
        let width = usize::from(self.area.width);
        if area.intersection(buf.area) != self.area
            || self.cells.len() != width * usize::from(self.area.height)
        {
            return false;
        }
        for (row, source) in self.area.rows().zip(self.cells.chunks(width.max(1))) {
            let range = row_range(buf, row);
            if let Some(target) = buf.content.get_mut(range) {
                for (cell, drawn) in target.iter_mut().zip(source) {
                    cell.clone_from(drawn);
                }
            }
        }
        true
    }
}

/// Where a one-row `row` (inside `buf`) is in the buffer's cells.
fn row_range(buf: &Buffer, row: Rect) -> std::ops::Range<usize> {
    let stride = usize::from(buf.area.width);
    let start = usize::from(row.y - buf.area.y) * stride + usize::from(row.x - buf.area.x);
    start..start + usize::from(row.width)
}

/// A one-column glyph's cell.
fn narrow(symbol: &str) -> Cell {
    let mut cell = match symbol.as_bytes() {
        [byte @ b' '..=b'~'] => ASCII.get(usize::from(*byte)).cloned().unwrap_or_default(),
        _ => {
            let mut cell = Cell::EMPTY;
            cell.set_symbol(symbol);
            cell
        }
    };
    cell.diff_option = NARROW;
    cell
}

/// `col` is below the screen's width, itself a `u16`.
fn col_u16(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
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
