//! The sidebar: every workspace the server knows, grouped under its
//! repository, each with a status glyph; the focused one highlighted.
//!
//! The dashboard's own repository comes first, highlighted, even before it
//! has any workspace; the others
//! follow in order of first appearance. Grouping here means the view never
//! depends on the server having sorted the entries. When the list is taller than the sidebar it
//! scrolls just enough to keep the focused entry in sight.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

use super::SidebarEntry;
use super::theme;

pub fn render(entries: &[SidebarEntry<'_>], current_repo: &str, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let block = Block::new()
        .borders(Borders::RIGHT)
        .border_style(Style::new().fg(theme::MUTED));
    let inner = block.inner(area);
    block.render(area, buf);
    let (lines, focused) = lines(entries, current_repo);
    let height = usize::from(inner.height);
    let first = focused.map_or(0, |line| (line + 1).saturating_sub(height));
    for (line, y) in lines.iter().skip(first).zip(inner.y..inner.bottom()) {
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), line.style);
        buf.set_line(inner.x, y, line, inner.width);
    }
}

/// The sidebar's lines, and which of them is the focused entry.
fn lines<'a>(entries: &[SidebarEntry<'a>], current_repo: &str) -> (Vec<Line<'a>>, Option<usize>) {
    let mut repos = vec![current_repo];
    for entry in entries {
        if !repos.contains(&entry.repo) {
            repos.push(entry.repo);
        }
    }
    let mut lines = Vec::with_capacity(entries.len() + 2 * repos.len());
    let mut focused = None;
    for (index, repo) in repos.iter().enumerate() {
        if index > 0 {
            lines.push(Line::default());
        }
        let style = if *repo == current_repo {
            theme::heading().fg(theme::ACCENT)
        } else {
            theme::heading()
        };
        lines.push(Line::styled(format!(" {repo}"), style));
        for entry in entries.iter().filter(|entry| entry.repo == *repo) {
            let glyph = theme::status_glyph(entry.status);
            let line = if entry.focused {
                focused = Some(lines.len());
                Line::styled(format!("  {glyph} {}", entry.name), theme::selected())
            } else {
                let glyph = Span::styled(glyph, theme::status_style(entry.status));
                Line::from(vec![
                    Span::raw("  "),
                    glyph,
                    Span::raw(" "),
                    Span::raw(entry.name),
                ])
            };
            lines.push(line);
        }
    }
    (lines, focused)
}
