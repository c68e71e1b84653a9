//! The diff view (`prefix D`): a workspace's changes against its base,
//! committed and not, in one scrollable box. Colours follow the shape of a
//! unified diff (file headers, hunk headers, added and removed lines), not
//! the language: no syntax highlighting, nothing to configure.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use super::theme;

/// What the box shows.
#[derive(Debug, Clone, Copy)]
pub struct DiffView<'a> {
    pub title: &'a str,
    pub lines: &'a [String],
    /// The first line shown.
    pub top: usize,
}

const FOOTER: &str =
    "j/k line · PgUp/PgDn page · g/G top/bottom · n/N next/previous file · q close";

/// The style of one line of a unified diff.
fn style_of(line: &str) -> Style {
    if line.starts_with("diff --git") {
        Style::new().add_modifier(Modifier::BOLD).fg(theme::ACCENT)
    } else if line.starts_with("+++") || line.starts_with("---") || line.starts_with("index ") {
        Style::new().add_modifier(Modifier::BOLD)
    } else if line.starts_with("@@") {
        Style::new().fg(Color::Cyan)
    } else if line.starts_with('+') {
        Style::new().fg(Color::Green)
    } else if line.starts_with('-') {
        Style::new().fg(Color::Red)
    } else {
        Style::new()
    }
}

/// How many lines the box shows in `area`.
pub fn page(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(6)).max(1)
}

pub fn render(view: &DiffView<'_>, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width.saturating_sub(4)).max(20);
    let height = usize::from(area.height.saturating_sub(2)).max(3);
    let inner = super::overlay::frame(view.title, width, height, area, buf);
    if inner.height < 2 {
        return;
    }
    let rows = usize::from(inner.height - 1);
    let room = usize::from(inner.width.saturating_sub(1));
    for (i, line) in view.lines.iter().skip(view.top).take(rows).enumerate() {
        let text = theme::fit(&line.replace('\t', "    "), room);
        let y = inner.y + u16::try_from(i).unwrap_or(0);
        buf.set_line(
            inner.x + 1,
            y,
            &Line::styled(text, style_of(line)),
            inner.width - 1,
        );
    }
    if view.lines.is_empty() {
        buf.set_line(
            inner.x + 1,
            inner.y,
            &Line::raw("No changes against the base."),
            inner.width - 1,
        );
    }
    let position = format!(
        "  {}–{} of {}",
        (view.top + 1).min(view.lines.len()),
        (view.top + rows).min(view.lines.len()),
        view.lines.len()
    );
    let footer = format!("{FOOTER}{position}");
    buf.set_line(
        inner.x + 1,
        inner.bottom() - 1,
        &Line::styled(theme::fit(&footer, room), theme::heading()),
        inner.width - 1,
    );
}

/// The index of the next (or previous) file header from `top`.
pub fn next_file(lines: &[String], top: usize, forward: bool) -> Option<usize> {
    let header = |i: &usize| lines[*i].starts_with("diff --git");
    match forward {
        true => (top + 1..lines.len()).find(header),
        false => (0..top).rev().find(header),
    }
}
