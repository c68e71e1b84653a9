//! The ticket board (`prefix T`): the repository's tickets in three columns,
//! open, in progress (with the workspace and what its agent is doing) and
//! done. The open ones can be picked and started from here.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme;
use crate::tickets::TicketState;

/// One ticket as the board shows it.
#[derive(Debug, Clone)]
pub struct BoardCard<'a> {
    pub id: u32,
    pub title: &'a str,
    pub column: TicketState,
    /// The workspace working on it, and its agent's state in words.
    pub workspace: Option<(&'a str, String)>,
    /// The open ticket the cursor is on.
    pub selected: bool,
}

const COLUMNS: [(TicketState, &str); 3] = [
    (TicketState::Open, "Open"),
    (TicketState::InProgress, "In progress"),
    (TicketState::Done, "Done"),
];
const FOOTER: &str = "↑↓ choose an open ticket · Enter start it · Esc close";

pub fn render(cards: &[BoardCard<'_>], area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width.saturating_sub(4)).min(120);
    let tallest = COLUMNS
        .iter()
        .map(|(column, _)| {
            cards
                .iter()
                .filter(|c| c.column == *column)
                .map(card_height)
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    let height = (tallest.max(1) + 5).min(usize::from(area.height));
    let inner = super::overlay::frame("Tickets", width, height, area, buf);
    if inner.width < 3 || inner.height < 3 {
        return;
    }
    let column_width = inner.width / 3;
    let body_bottom = inner.bottom().saturating_sub(2);
    for (index, (column, name)) in COLUMNS.iter().enumerate() {
        let x = inner.x + column_width * u16::try_from(index).unwrap_or(0);
        let room = usize::from(column_width.saturating_sub(2));
        let count = cards.iter().filter(|c| c.column == *column).count();
        let heading = Line::styled(format!("{name} ({count})"), theme::heading());
        buf.set_line(x + 1, inner.y, &heading, column_width.saturating_sub(1));
        let mut y = inner.y + 1;
        for card in cards.iter().filter(|c| c.column == *column) {
            if y >= body_bottom {
                break;
            }
            let style = match card.selected {
                true => theme::selected(),
                false => Style::new(),
            };
            let title = theme::fit(&format!("#{} {}", card.id, card.title), room);
            buf.set_line(
                x + 1,
                y,
                &Line::styled(title, style),
                column_width.saturating_sub(1),
            );
            y += 1;
            if let Some((workspace, state)) = &card.workspace
                && y < body_bottom
            {
                let detail = theme::fit(&format!("  {workspace} · {state}"), room);
                buf.set_line(
                    x + 1,
                    y,
                    &Line::from(Span::styled(detail, theme::hint())),
                    column_width.saturating_sub(1),
                );
                y += 1;
            }
        }
    }
    if cards.is_empty() {
        let text = "No tickets yet: `grove ticket add TITLE` or `grove ticket import`.";
        buf.set_line(
            inner.x + 1,
            inner.y + 1,
            &Line::raw(text),
            inner.width.saturating_sub(1),
        );
    }
    if let Some(last) = inner.bottom().checked_sub(1) {
        buf.set_line(
            inner.x + 1,
            last,
            &Line::styled(FOOTER, theme::heading()),
            inner.width.saturating_sub(1),
        );
    }
}

fn card_height(card: &BoardCard<'_>) -> usize {
    1 + usize::from(card.workspace.is_some())
}
