//! A dashboard's scroll mode (`prefix [`, or the mouse wheel over a pane
//! that did not ask for the mouse): keys and the wheel move through the
//! focused pane's history; searches and copies go to the session, which has
//! the emulator.

use crossterm::event::{KeyEvent, MouseEvent, MouseEventKind};

use super::{Client, Effect, PaneFacts};
use crate::ui::scroll::{ScrollOutcome, ScrollState};

/// Lines one notch of the wheel scrolls.
const WHEEL_LINES: i64 = 3;

impl Client {
    /// The height of `name`'s pane in this client's layout.
    pub(super) fn pane_rows(&self, panes: &[PaneFacts], name: &str) -> u16 {
        let focus = self.focus_index(panes);
        let layout = self.layout_for(panes.len(), focus);
        panes
            .iter()
            .position(|p| p.name == name)
            .and_then(|i| layout.panes.get(i))
            .map_or(1, |slot| slot.inner.height.max(1))
    }

    /// `prefix [` on the focused pane.
    pub(super) fn enter_scroll(&mut self, panes: &[PaneFacts]) -> Vec<Effect> {
        let Some(pane) = self.focused(panes) else {
            return Vec::new();
        };
        let name = pane.name.clone();
        let rows = self.pane_rows(panes, &name);
        self.scroll = Some(ScrollState::new(&name, rows));
        Vec::new()
    }

    /// A key in scroll mode.
    pub(super) fn scroll_key(&mut self, key: &KeyEvent, panes: &[PaneFacts]) -> Vec<Effect> {
        let Some(name) = self.scroll.as_ref().map(|s| s.pane.clone()) else {
            return Vec::new();
        };
        let rows = self.pane_rows(panes, &name);
        let Some(scroll) = self.scroll.as_mut() else {
            return Vec::new();
        };
        scroll.found = None;
        match scroll.handle_key(key, rows) {
            ScrollOutcome::Moved => Vec::new(),
            ScrollOutcome::Exit => {
                self.scroll = None;
                Vec::new()
            }
            ScrollOutcome::Copy { from, to } => vec![Effect::Copy { name, from, to }],
            ScrollOutcome::Search {
                query,
                direction,
                from,
            } => vec![Effect::Search {
                name,
                query,
                direction,
                from,
                rows,
            }],
        }
    }

    /// The wheel over pane `index`: scroll mode scrolls; outside it, a
    /// wheel up over a pane that did not ask for the mouse enters it.
    pub(super) fn scroll_wheel(
        &mut self,
        event: &MouseEvent,
        panes: &[PaneFacts],
        index: usize,
    ) -> Option<Vec<Effect>> {
        let lines = match event.kind {
            MouseEventKind::ScrollUp => WHEEL_LINES,
            MouseEventKind::ScrollDown => -WHEEL_LINES,
            MouseEventKind::Down(_)
            | MouseEventKind::Up(_)
            | MouseEventKind::Drag(_)
            | MouseEventKind::Moved
            | MouseEventKind::ScrollLeft
            | MouseEventKind::ScrollRight => return None,
        };
        let pane = panes.get(index)?;
        let asked_for_mouse = pane.mouse.0 != vt100::MouseProtocolMode::None;
        let scrolling_this = self.scroll.as_ref().is_some_and(|s| s.pane == pane.name);
        if !scrolling_this {
            if asked_for_mouse || lines < 0 {
                return None;
            }
            let rows = self.pane_rows(panes, &pane.name);
            self.scroll = Some(ScrollState::new(&pane.name, rows));
        }
        let rows = self.pane_rows(panes, &pane.name);
        let scroll = self.scroll.as_mut()?;
        let step = isize::try_from(lines).unwrap_or(0);
        if lines < 0 && scroll.offset <= lines.unsigned_abs() as usize {
            // Scrolled back down to the live screen: scroll mode ends.
            self.scroll = None;
            return Some(Vec::new());
        }
        // Saturating, like `ScrollState::move_by`: the offset is not clamped
        // to the history until the next frame.
        let cursor = scroll.cursor_line(rows).saturating_add_signed(step);
        scroll.offset = scroll.offset.saturating_add_signed(step);
        scroll.show_line(cursor, rows);
        Some(Vec::new())
    }
}
