//! One pane: its border and title, and the agent's screen copied cell by
//! cell from the vt100 emulator into the frame buffer.
//!
//! We draw the screen ourselves rather than through tui-term: it pins an
//! older vt100, does not place the real cursor, and leaves wide characters
//! to chance. Here a wide glyph's continuation cell is marked
//! [`CellDiffOption::Skip`] rather than merely blanked: for a VS16 emoji
//! (`❤️`) ratatui's diff otherwise re-emits the continuation as a space
//! without moving the cursor, and a terminal that drew the emoji two cells
//! wide puts that space one column late, shifting the rest of the row (the
//! round-trip test in `pane_tests.rs` catches this). Where ratatui would
//! measure a glyph differently from vt100 the cell carries the width vt100
//! chose, so the diff and the pane agree on columns. A wide glyph that would
//! straddle the pane's right edge is drawn as a blank so it cannot spill
//! over the border. When the screen and the pane differ in size (two
//! clients of different sizes share one PTY) the screen is cropped, or the
//! rest of the pane is left blank.
//!
//! The hot loop touches every visible cell every frame, so it writes the
//! buffer's fields directly and never allocates.

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption, CellWidth};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::PaneView;
use super::layout::PaneSlot;
use super::theme::{self, Focus};
use crate::protocol::AgentStatus;

/// Draws pane number `number` (1-based) into its slot.
pub fn render(pane: &PaneView<'_>, number: usize, focus: Focus, slot: &PaneSlot, buf: &mut Buffer) {
    block(pane, number, focus, slot.outer.width).render(slot.outer, buf);
    match pane.screen {
        Some(screen) => draw_screen(screen, slot.inner, buf),
        None => draw_placeholder(pane.status, slot.inner, buf),
    }
}

/// Where the real cursor goes for this pane: at the emulator's cursor,
/// when the agent runs, shows its cursor, the view is not scrolled back
/// and the cursor is inside what is drawn.
pub fn cursor(pane: &PaneView<'_>, slot: &PaneSlot) -> Option<Position> {
    let screen = pane.screen?;
    let running = match pane.status {
        AgentStatus::Running => true,
        AgentStatus::Exited { .. } | AgentStatus::Stopped => false,
    };
    if !running || screen.hide_cursor() || screen.scrollback() > 0 {
        return None;
    }
    let (row, col) = screen.cursor_position();
    let (rows, cols) = screen.size();
    let inside = row < rows.get().min(slot.inner.height) && col < cols.get().min(slot.inner.width);
    inside.then(|| Position::new(slot.inner.x + col, slot.inner.y + row))
}

/// The border with the title on top and the branch at the bottom right.
/// A narrow pane drops the agent, then the status, from its title rather
/// than cutting the name, and drops the branch when it cannot fit whole.
fn block<'a>(pane: &PaneView<'a>, number: usize, focus: Focus, width: u16) -> Block<'a> {
    let room = usize::from(width.saturating_sub(2));
    let name_style = match focus {
        Focus::Focused => Style::new().fg(theme::ACCENT).add_modifier(Modifier::BOLD),
        Focus::Unfocused => Style::new().add_modifier(Modifier::BOLD),
    };
    let name = Span::styled(format!(" {number} {} ", pane.name), name_style);
    let status = Span::styled(
        theme::status_label(pane.status),
        theme::status_style(pane.status),
    );
    let full = Line::from(vec![
        name.clone(),
        Span::styled("· ", theme::hint()),
        Span::raw(pane.agent),
        Span::styled(" · ", theme::hint()),
        status.clone(),
        Span::raw(" "),
    ]);
    let short = Line::from(vec![
        name.clone(),
        Span::styled("· ", theme::hint()),
        status,
        Span::raw(" "),
    ]);
    let title = if full.width() <= room {
        full
    } else if short.width() <= room {
        short
    } else {
        Line::from(name)
    };
    let mut block = Block::bordered()
        .border_type(theme::border_type(focus))
        .border_style(theme::border_style(focus))
        .title(title);
    let branch = Line::from(Span::styled(format!(" {} ", pane.branch), theme::hint()));
    if !pane.branch.is_empty() && branch.width() <= room {
        block = block.title_bottom(branch.right_aligned());
    }
    block
}

fn draw_placeholder(status: &AgentStatus, area: Rect, buf: &mut Buffer) {
    let text = match status {
        AgentStatus::Stopped => "agent stopped — press Enter to start it".to_owned(),
        AgentStatus::Exited { how } => {
            format!("agent exited: {how} — press Enter to start it again")
        }
        AgentStatus::Running => "starting…".to_owned(),
    };
    theme::draw_centered_text(&[(&text, theme::hint())], area, buf);
}

/// Copies the visible part of `screen` into `area`.
fn draw_screen(screen: &vt100::Screen, area: Rect, buf: &mut Buffer) {
    let (rows, cols) = screen.size();
    let height = rows.get().min(area.height);
    let width = cols.get().min(area.width);
    for row in 0..height {
        let mut col = 0;
        while col < width {
            let Some(source) = screen.cell(row, col) else {
                break;
            };
            let Some(target) = buf.cell_mut((area.x + col, area.y + row)) else {
                break;
            };
            target.fg = color(source.fgcolor());
            target.bg = color(source.bgcolor());
            target.modifier = modifiers(source);
            let fits = col + 1 < width;
            if source.is_wide() && fits {
                target.set_symbol(source.contents());
                target.diff_option = width_option(source.contents(), WIDE);
                if let Some(next) = buf.cell_mut((area.x + col + 1, area.y + row)) {
                    next.reset();
                    next.diff_option = CellDiffOption::Skip;
                }
                col += 2;
                continue;
            }
            // A continuation whose glyph was not drawn, an empty cell, or a
            // wide glyph cut by the edge: all are blanks in the cell's colours.
            let blank = !source.has_contents() || source.is_wide() || source.is_wide_continuation();
            let symbol = if blank { " " } else { source.contents() };
            target.set_symbol(symbol);
            target.diff_option = width_option(symbol, NARROW);
            col += 1;
        }
    }
}

const NARROW: NonZeroU16 = NonZeroU16::MIN;
const WIDE: NonZeroU16 = NonZeroU16::MIN.saturating_add(1);

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
#[path = "pane_tests.rs"]
mod tests;
