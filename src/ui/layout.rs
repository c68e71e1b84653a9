//! Where everything goes on the screen.
// PLACEHOLDER until the ui helper's layout lands.
use ratatui::layout::Rect;

use super::LayoutMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Visible,
    Hidden,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneSlot {
    pub outer: Rect,
    pub inner: Rect,
    pub visible: Visibility,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardLayout {
    pub sidebar: Rect,
    pub status: Rect,
    pub main: Rect,
    pub panes: Vec<PaneSlot>,
}

pub fn compute(
    area: Rect,
    panes: usize,
    _mode: LayoutMode,
    _focus: Option<usize>,
) -> DashboardLayout {
    let slot = PaneSlot {
        outer: area,
        inner: area,
        visible: Visibility::Visible,
    };
    DashboardLayout {
        sidebar: area,
        status: area,
        main: area,
        panes: vec![slot; panes],
    }
}

pub fn pane_at(layout: &DashboardLayout, col: u16, row: u16) -> Option<usize> {
    layout.panes.iter().position(|p| {
        p.outer
            .contains(ratatui::layout::Position { x: col, y: row })
    })
}
