//! One pane: its border, its title (number, name, agent, status), the
//! status's reason and its branch, and inside either the agent's screen ([`super::screen`]) or a
//! hint on how to start it; plus where the real cursor goes.
//!
//! The border is drawn by hand rather than with a `Block`, which also
//! restyles every cell inside it: that fill was an eighth of a 16-pane
//! frame, spent on cells the screen overwrites anyway.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::PaneView;
use super::layout::PaneSlot;
use super::screen;
use super::theme::{self, Focus};
use crate::protocol::AgentStatus;

/// Draws pane number `number` (1-based) into its slot.
pub fn render(pane: &PaneView<'_>, number: usize, focus: Focus, slot: &PaneSlot, buf: &mut Buffer) {
    draw_border(slot.outer, focus, buf);
    draw_titles(pane, number, focus, slot.outer, buf);
    match (pane.screen, pane.drawn) {
        (Some(_), Some(drawn)) if drawn.paste(slot.inner, buf) => {}
        (Some(screen), Some(_) | None) => draw_screen(screen, slot.inner, buf),
        (None, Some(_) | None) => draw_placeholder(pane.status, slot.inner, buf),
    }
    if let Some(marks) = pane.scroll {
        draw_scroll_marks(marks, slot, buf);
    }
}

/// Scroll mode: the marked lines reversed, the cursor line underlined, and
/// how far up the view is in the top right corner.
fn draw_scroll_marks(marks: super::ScrollMarks, slot: &PaneSlot, buf: &mut Buffer) {
    let inner = slot.inner;
    if inner.is_empty() {
        return;
    }
    let line = |row: u16| Rect::new(inner.x, inner.y + row, inner.width, 1).intersection(inner);
    if let Some((top, end)) = marks.marked {
        for row in top..=end {
            buf.set_style(line(row), Style::new().add_modifier(Modifier::REVERSED));
        }
    }
    buf.set_style(
        line(marks.row),
        Style::new().add_modifier(Modifier::UNDERLINED),
    );
    let label = format!("[{} up]", marks.offset);
    let width = u16::try_from(label.chars().count()).unwrap_or(0);
    if width < inner.width {
        let x = inner.right() - width;
        buf.set_string(x, inner.y, label, theme::prefix_badge());
    }
}

/// Draws a program's screen inside its pane, into a buffer whose cells
/// there are blank: exactly what [`render`] draws inside the border, so a
/// frame may redraw only the inside of a pane whose screen changed.
pub fn draw_screen(screen: &vt100::Screen, inner: Rect, buf: &mut Buffer) {
    screen::draw(screen, inner, buf);
}

/// Where the real cursor goes for this pane: at the emulator's cursor,
/// when the agent runs, shows its cursor (a view scrolled back into the
/// history is a screen with none) and the cursor is inside what is drawn.
pub fn cursor(pane: &PaneView<'_>, slot: &PaneSlot) -> Option<Position> {
    screen_cursor(pane.screen?, pane.status, slot)
}

/// [`cursor`] for a pane showing `screen` with `status`.
pub fn screen_cursor(
    screen: &vt100::Screen,
    status: &AgentStatus,
    slot: &PaneSlot,
) -> Option<Position> {
    let running = match status {
        AgentStatus::Running => true,
        AgentStatus::Exited { .. } | AgentStatus::Stopped => false,
    };
    if !running || screen.hide_cursor() {
        return None;
    }
    let (row, col) = screen.cursor_position();
    let (rows, cols) = screen.size();
    let inside = row < rows.get().min(slot.inner.height) && col < cols.get().min(slot.inner.width);
    inside.then(|| Position::new(slot.inner.x + col, slot.inner.y + row))
}

fn draw_border(area: Rect, focus: Focus, buf: &mut Buffer) {
    if area.width < 2 || area.height < 2 {
        return;
    }
    let set = theme::border_set(focus);
    let style = theme::border_style(focus);
    let (right, bottom) = (area.right() - 1, area.bottom() - 1);
    let mut put = |x: u16, y: u16, symbol: &str| {
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.reset();
            cell.set_symbol(symbol).set_style(style);
        }
    };
    for x in area.x + 1..right {
        put(x, area.y, set.horizontal_top);
        put(x, bottom, set.horizontal_bottom);
    }
    for y in area.y + 1..bottom {
        put(area.x, y, set.vertical_left);
        put(right, y, set.vertical_right);
    }
    put(area.x, area.y, set.top_left);
    put(right, area.y, set.top_right);
    put(area.x, bottom, set.bottom_left);
    put(right, bottom, set.bottom_right);
}

/// The title on the top border and the branch at the bottom right. A
/// narrow pane drops the agent, then the status, from its title rather
/// than cutting the name, and drops the branch when it cannot fit whole.
fn draw_titles(pane: &PaneView<'_>, number: usize, focus: Focus, area: Rect, buf: &mut Buffer) {
    let room = usize::from(area.width.saturating_sub(2));
    if room == 0 || area.height == 0 {
        return;
    }
    let name_style = match focus {
        Focus::Focused => Style::new().fg(theme::ACCENT).add_modifier(Modifier::BOLD),
        Focus::Unfocused => Style::new().add_modifier(Modifier::BOLD),
    };
    let name = Span::styled(format!(" {number} {} ", pane.name), name_style);
    let status = Span::styled(
        theme::status_label(pane.status, pane.state),
        theme::status_style(pane.status, pane.state),
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
    buf.set_line(area.x + 1, area.y, &title, area.width - 2);
    if area.height < 2 {
        return;
    }
    // The bottom border: the status's reason on the left, the branch on
    // the right. The reason goes first when both do not fit: the sidebar
    // names the branch too, but nothing else says why.
    let bottom = area.bottom() - 1;
    let branch = format!(" {} ", pane.branch);
    let branch_width = match pane.branch.is_empty() {
        true => 0,
        false => theme::width(&branch),
    };
    let reason_room = match pane.reason {
        Some(reason) if theme::width(reason) + 3 + branch_width > room => room,
        Some(_) | None => room.saturating_sub(branch_width + 1),
    };
    if let Some(reason) = pane.reason.filter(|_| reason_room >= 4) {
        let why = format!(" {} ", theme::fit(reason, reason_room - 2));
        buf.set_line(
            area.x + 1,
            bottom,
            &Line::styled(why, theme::hint()),
            area.width - 2,
        );
    }
    if branch_width > 0 && reason_room + branch_width < room {
        let x = area.right() - 1 - u16::try_from(branch_width).unwrap_or(0);
        buf.set_line(
            x,
            bottom,
            &Line::styled(branch, theme::hint()),
            area.width - 2,
        );
    }
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

#[cfg(test)]
#[path = "pane_tests.rs"]
mod tests;
