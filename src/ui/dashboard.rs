//! The whole frame for one client: lays it out with [`layout::compute`],
//! then draws the sidebar, the panes (or the empty state), the status line
//! and the overlay, in that order so an overlay covers everything, and
//! finally decides where the terminal's real cursor goes.
//!
//! The cursor is shown in exactly one place or not at all: in the open
//! form's text field, or, with no overlay open, at the focused pane's
//! emulator cursor. Anywhere else it would invite typing into the wrong
//! thing.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};

use super::layout::{self, Visibility};
use super::theme::{self, Focus};
use super::{DashboardView, Overlay, overlay, pane, sidebar, status};

/// Draws `view` into `frame` and places the cursor.
pub fn render(view: &DashboardView<'_>, frame: &mut Frame<'_>) {
    let area = frame.area();
    if let Some(position) = draw(view, area, frame.buffer_mut()) {
        frame.set_cursor_position(position);
    }
}

/// Draws `view` into `buf` over `area`; where the real cursor goes, if
/// anywhere.
pub fn draw(view: &DashboardView<'_>, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let layout = layout::compute_split(
        area,
        view.panes.len(),
        view.layout,
        view.focus,
        view.main_percent,
        view.sidebar_shown,
    );
    let focus = view.focus.filter(|&index| index < view.panes.len());
    sidebar::render(&view.sidebar, view.repo, layout.sidebar, buf);
    let mut shown = 0;
    for (index, (pane, slot)) in view.panes.iter().zip(&layout.panes).enumerate() {
        match slot.visible {
            Visibility::Visible => {
                let emphasis = if focus == Some(index) {
                    Focus::Focused
                } else {
                    Focus::Unfocused
                };
                pane::render(pane, index + 1, emphasis, slot, buf);
                shown += 1;
            }
            Visibility::Hidden => {}
        }
    }
    if view.panes.is_empty() {
        empty_state(view, layout.main, buf);
    } else if shown == 0 {
        let text = "Too small to show a pane; enlarge the terminal.";
        theme::draw_centered_text(&[(text, theme::hint())], layout.main, buf);
    }
    status::render(view, view.panes.len() - shown, layout.status, buf);
    match view.overlay {
        Overlay::None => focus.and_then(|index| {
            let slot = layout.panes.get(index)?;
            match slot.visible {
                Visibility::Visible => pane::cursor(view.panes.get(index)?, slot),
                Visibility::Hidden => None,
            }
        }),
        Overlay::Help { .. }
        | Overlay::NewWorkspace { .. }
        | Overlay::Confirm { .. }
        | Overlay::Text { .. }
        | Overlay::Board { .. }
        | Overlay::Diff { .. }
        | Overlay::Choose { .. } => overlay::render(&view.overlay, area, buf),
    }
}

/// What a repository without workspaces shows: how to make one.
fn empty_state(view: &DashboardView<'_>, area: Rect, buf: &mut Buffer) {
    let first = format!("No workspaces in {} yet.", view.repo);
    let second = format!(
        "Press {}, or run `grove new NAME` in a shell.",
        view.new_workspace_key
    );
    theme::draw_centered_text(
        &[(&first, theme::heading()), (&second, theme::hint())],
        area,
        buf,
    );
}
