//! The workspace chooser (`prefix w`): with more agents than number keys,
//! type part of a name to narrow the list and press Enter to focus it. It
//! is tmux's choose-tree, filtered as you type, because a dozen names are
//! read faster than a dozen tiles are scanned. [`matching`] is shared by
//! the view and the keys, so the row Enter picks is the row drawn selected.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::overlay::frame;
use super::theme;
use crate::agent::State;
use crate::protocol::AgentStatus;

/// The widest the box gets: room for each agent's reason.
const WIDTH: usize = 100;
const KEYS: &str = "type to filter · ↑↓ choose · Enter focus · Esc close";

/// One workspace in the list.
#[derive(Debug, Clone, Copy)]
pub struct ChooseRow<'a> {
    /// Its pane's number on screen (1-based).
    pub number: usize,
    pub name: &'a str,
    pub agent: &'a str,
    pub status: &'a AgentStatus,
    pub state: Option<State>,
    /// Why its agent is in that state, drawn dim after it.
    pub reason: Option<&'a str>,
}

/// The positions in `names` of those `filter` picks: every name that
/// contains it, ignoring case; all of them when it is empty.
pub fn matching<'a>(names: impl Iterator<Item = &'a str>, filter: &str) -> Vec<usize> {
    let filter = filter.to_lowercase();
    names
        .enumerate()
        .filter(|(_, name)| name.to_lowercase().contains(&filter))
        .map(|(index, _)| index)
        .collect()
}

/// Draws the chooser over `area`: the filter, then the rows (already
/// filtered), `selected` highlighted. Returns where the text cursor goes.
pub fn render(
    filter: &str,
    rows: &[ChooseRow<'_>],
    selected: usize,
    area: Rect,
    buf: &mut Buffer,
) -> Option<Position> {
    // Filter line, a blank, the rows (at least one line for "no match"), a
    // blank and the keys, inside the border.
    let room = usize::from(area.height).saturating_sub(7).max(1);
    let shown = rows.len().clamp(1, room);
    let inner = frame("Go to workspace", WIDTH, shown + 6, area, buf);
    if inner.width < 4 || inner.height < 3 {
        return None;
    }
    let text_width = usize::from(inner.width.saturating_sub(2));
    let typed = theme::fit(filter, text_width.saturating_sub(2));
    buf.set_line(
        inner.x + 1,
        inner.y,
        &Line::from(vec![
            Span::styled("› ", theme::heading()),
            Span::raw(typed.clone()),
        ]),
        inner.width.saturating_sub(1),
    );
    let cursor = Position::new(
        inner.x + 3 + u16::try_from(theme::width(&typed)).unwrap_or(0),
        inner.y,
    );
    let first = inner.y + 2;
    if rows.is_empty() {
        let none = format!("no workspace name contains “{filter}”");
        buf.set_line(
            inner.x + 1,
            first,
            &Line::styled(theme::fit(&none, text_width), theme::hint()),
            inner.width.saturating_sub(1),
        );
    }
    // Keep the selected row in view: scroll by whole pages of `shown`.
    let top = selected.saturating_sub(selected % shown);
    let last_row = inner.bottom().saturating_sub(2);
    // Columns: every name padded to the longest, every agent too.
    let column = |width: fn(&ChooseRow<'_>) -> usize| rows.iter().map(width).max().unwrap_or(0);
    let names = column(|row| theme::width(row.name));
    let agents = column(|row| theme::width(row.agent));
    let labels = column(|row| theme::width(&theme::status_label(row.status, row.state)));
    for ((index, row), y) in rows.iter().enumerate().skip(top).zip(first..last_row) {
        let style = match index == selected {
            true => theme::selected(),
            false => Style::new(),
        };
        let glyph = theme::status_glyph(row.status, row.state);
        let label = theme::status_label(row.status, row.state);
        let pad = |text: &str, width: usize| {
            format!(
                "{text}{}",
                " ".repeat(width.saturating_sub(theme::width(text)))
            )
        };
        let text = format!(
            "{:>2} {}  {}  {}",
            row.number,
            pad(row.name, names),
            pad(row.agent, agents),
            match row.reason {
                Some(_) => pad(&label, labels),
                None => label,
            }
        );
        let room = text_width.saturating_sub(2);
        let text = theme::fit(&text, room);
        let left = room.saturating_sub(theme::width(&text) + 2);
        let why = match row.reason {
            Some(reason) if left >= 8 => format!("  {}", theme::fit(reason, left)),
            Some(_) | None => String::new(),
        };
        let why_style = match index == selected {
            true => style,
            false => theme::hint(),
        };
        let line = Line::from(vec![
            Span::styled(
                format!("{glyph} "),
                theme::status_style(row.status, row.state),
            ),
            Span::styled(text, style),
            Span::styled(why, why_style),
        ]);
        buf.set_line(inner.x + 1, y, &line, inner.width.saturating_sub(1));
    }
    buf.set_line(
        inner.x + 1,
        inner.bottom().saturating_sub(1),
        &Line::styled(theme::fit(KEYS, text_width), theme::hint()),
        inner.width.saturating_sub(1),
    );
    Some(cursor)
}

#[cfg(test)]
mod tests {
    use ratatui::backend::TestBackend;
    use ratatui::widgets::Widget as _;

    use super::*;
    use crate::agent::Seen;

    const NAMES: [&str; 12] = [
        "auth",
        "billing",
        "search",
        "docs",
        "ci",
        "auth-tests",
        "i18n",
        "perf",
        "cache",
        "api",
        "login",
        "export",
    ];

    fn rows<'a>(status: &'a AgentStatus, picked: &[usize]) -> Vec<ChooseRow<'a>> {
        let states = [
            Some(State::Working),
            Some(State::WaitingForInput),
            Some(State::Idle { seen: Seen::Unseen }),
            None,
        ];
        picked
            .iter()
            .map(|&index| ChooseRow {
                number: index + 1,
                name: NAMES[index],
                agent: ["claude", "codex", "gemini"][index % 3],
                status,
                state: states[index % 4],
                reason: [
                    Some("screen shows \"esc to interrupt\" (working rule 1)"),
                    Some("screen shows \"Do you want to proceed?\" (waiting rule 1)"),
                    Some("title is \"Ready (\" (title idle rule 1)"),
                    None,
                ][index % 4],
            })
            .collect()
    }

    fn draw(filter: &str, rows: &[ChooseRow<'_>], selected: usize, height: u16) -> TestBackend {
        let mut terminal = ratatui::Terminal::new(TestBackend::new(90, height)).unwrap();
        terminal
            .draw(|frame| {
                let area = frame.area();
                ratatui::widgets::Block::new().render(area, frame.buffer_mut());
                if let Some(cursor) = render(filter, rows, selected, area, frame.buffer_mut()) {
                    frame.set_cursor_position(cursor);
                }
            })
            .unwrap();
        terminal.backend().clone()
    }

    #[test]
    fn the_filter_keeps_names_containing_it_ignoring_case() {
        let names = ["Auth", "billing", "auth-tests", "docs"];
        assert_eq!(matching(names.into_iter(), ""), [0, 1, 2, 3]);
        assert_eq!(matching(names.into_iter(), "AUTH"), [0, 2]);
        assert_eq!(matching(names.into_iter(), "ing"), [1]);
        assert_eq!(matching(names.into_iter(), "zzz"), Vec::<usize>::new());
    }

    #[test]
    fn twelve_workspaces_filtered_by_what_was_typed() {
        let status = AgentStatus::Running;
        let picked = matching(NAMES.into_iter(), "a");
        let backend = draw("a", &rows(&status, &picked), 2, 18);
        insta::assert_snapshot!(backend);
    }

    #[test]
    fn a_long_list_scrolls_to_the_selected_row_and_no_match_says_so() {
        let status = AgentStatus::Running;
        let all: Vec<usize> = (0..NAMES.len()).collect();
        let backend = draw("", &rows(&status, &all), 10, 12);
        insta::assert_snapshot!(backend);
        let backend = draw("zzz", &[], 0, 12);
        insta::assert_snapshot!(backend);
    }
}
