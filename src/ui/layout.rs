//! Where everything goes on the screen: the sidebar, the status line and one
//! rectangle per pane, for a terminal size, a pane count, a [`LayoutMode`]
//! and the focus.
//!
//! [`compute`] is the single source of pane rectangles. The views draw with
//! it, the server sizes each PTY to a pane's [`PaneSlot::inner`] rect and
//! routes mouse clicks with [`pane_at`], so all three always agree. It is a
//! pure function of its arguments and never produces a pane whose inner area
//! is smaller than [`MIN_INNER`] in either direction: when the terminal is
//! too small it hides panes instead.

use ratatui::layout::{Margin, Position, Rect};

use super::LayoutMode;

/// Columns taken by the sidebar, its right border included.
pub const SIDEBAR_WIDTH: u16 = 32;
/// Below this terminal width the sidebar is hidden so panes keep some room.
pub const SIDEBAR_MIN_TERMINAL_WIDTH: u16 = 80;
/// The smallest inner pane size, in both directions: vt100 is clamped to
/// 2×2 anyway, and anything smaller shows nothing useful.
pub const MIN_INNER: u16 = 2;
/// A pane's border costs one cell on each side.
const MIN_OUTER: u16 = MIN_INNER + 2;
/// The main pane's share of the width in [`LayoutMode::MainStack`] until
/// the user drags the border.
pub const MAIN_PERCENT: u16 = 60;
/// How far a drag may move that border.
pub const MAIN_PERCENT_RANGE: std::ops::RangeInclusive<u16> = 20..=85;

/// Whether the sidebar takes its columns, as the user toggles it
/// (`prefix b`): with a dozen agents tiled, its 32 columns are worth more to
/// the panes. The status line still names the agents that need the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sidebar {
    Shown,
    Hidden,
}

impl Sidebar {
    pub fn toggled(self) -> Sidebar {
        match self {
            Sidebar::Shown => Sidebar::Hidden,
            Sidebar::Hidden => Sidebar::Shown,
        }
    }
}

/// Where everything goes for one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardLayout {
    /// Empty when the terminal is too narrow for a sidebar, or it is hidden.
    pub sidebar: Rect,
    /// The bottom line.
    pub status: Rect,
    /// Everything the panes (or the empty-state hint) may use.
    pub main: Rect,
    /// One slot per pane, in pane order.
    pub panes: Vec<PaneSlot>,
}

/// One pane's place on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneSlot {
    /// The rect including the border.
    pub outer: Rect,
    /// The rect the pane's screen is drawn into; the PTY's size.
    pub inner: Rect,
    pub visible: Visibility,
}

/// Whether a pane is drawn this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Visible,
    /// Not drawn (zoomed away, or no room); both rects are empty, and the
    /// server keeps the PTY at its last size rather than shrinking it.
    Hidden,
}

impl PaneSlot {
    const HIDDEN: PaneSlot = PaneSlot {
        outer: Rect::ZERO,
        inner: Rect::ZERO,
        visible: Visibility::Hidden,
    };

    fn visible(outer: Rect) -> PaneSlot {
        PaneSlot {
            outer,
            inner: outer.inner(Margin::new(1, 1)),
            visible: Visibility::Visible,
        }
    }
}

/// Lays out a dashboard of `panes` panes in `area`.
///
/// `focus` picks the large pane in MainStack and the only pane in Zoom
/// (the first pane when it is `None` or out of range), and is kept visible
/// in Tiled when not every pane fits.
pub fn compute(
    area: Rect,
    panes: usize,
    mode: LayoutMode,
    focus: Option<usize>,
) -> DashboardLayout {
    compute_split(area, panes, mode, focus, MAIN_PERCENT, Sidebar::Shown)
}

/// [`compute`] with the main pane's share of the width in MainStack, and the
/// sidebar shown or not.
pub fn compute_split(
    area: Rect,
    panes: usize,
    mode: LayoutMode,
    focus: Option<usize>,
    main_percent: u16,
    sidebar: Sidebar,
) -> DashboardLayout {
    let status_height = area.height.min(1);
    let body_height = area.height - status_height;
    let status = Rect::new(area.x, area.y + body_height, area.width, status_height);
    let sidebar_width = match sidebar {
        Sidebar::Shown if area.width >= SIDEBAR_MIN_TERMINAL_WIDTH => SIDEBAR_WIDTH,
        Sidebar::Shown | Sidebar::Hidden => 0,
    };
    let sidebar = Rect::new(area.x, area.y, sidebar_width, body_height);
    let main = Rect::new(
        area.x + sidebar_width,
        area.y,
        area.width - sidebar_width,
        body_height,
    );
    let focus = focus.filter(|&f| f < panes).unwrap_or(0);
    let panes = match mode {
        LayoutMode::Tiled => tiled(main, panes, focus),
        LayoutMode::MainStack if panes <= 1 => tiled(main, panes, focus),
        LayoutMode::MainStack => main_stack(main, panes, focus, main_percent),
        LayoutMode::Zoom => zoom(main, panes, focus),
    };
    DashboardLayout {
        sidebar,
        status,
        main,
        panes,
    }
}

/// The visible pane under a mouse position, if any.
pub fn pane_at(layout: &DashboardLayout, col: u16, row: u16) -> Option<usize> {
    let position = Position::new(col, row);
    layout.panes.iter().position(|slot| {
        matches!(slot.visible, Visibility::Visible) && slot.outer.contains(position)
    })
}

/// A grid of `cols = ceil(sqrt(k))` columns; rows share the panes as evenly
/// as they can, so a short row's tiles grow wider instead of leaving a gap.
/// When not all panes fit, shows the largest run that does and contains the
/// focused pane.
fn tiled(main: Rect, panes: usize, focus: usize) -> Vec<PaneSlot> {
    let fitting = (1..=panes).rev().find(|&k| grid_fits(main, k));
    let mut slots = vec![PaneSlot::HIDDEN; panes];
    let Some(shown) = fitting else {
        return slots;
    };
    let first = (focus + 1).saturating_sub(shown);
    for (slot, rect) in slots[first..first + shown]
        .iter_mut()
        .zip(grid(main, shown))
    {
        *slot = PaneSlot::visible(rect);
    }
    slots
}

fn grid_shape(panes: usize) -> (usize, usize) {
    let cols = (1..).find(|c| c * c >= panes).unwrap_or(1);
    (cols, panes.div_ceil(cols))
}

fn grid_fits(main: Rect, panes: usize) -> bool {
    let (_, rows) = grid_shape(panes);
    let widest_row = panes.div_ceil(rows);
    usize::from(main.width) / widest_row >= usize::from(MIN_OUTER)
        && usize::from(main.height) / rows >= usize::from(MIN_OUTER)
}

fn grid(main: Rect, panes: usize) -> Vec<Rect> {
    let (_, rows) = grid_shape(panes);
    let mut rects = Vec::with_capacity(panes);
    for (row, (y, height)) in split(main.y, main.height, rows).enumerate() {
        let in_row = panes / rows + usize::from(row < panes % rows);
        for (x, width) in split(main.x, main.width, in_row) {
            rects.push(Rect::new(x, y, width, height));
        }
    }
    rects
}

/// The focused pane on the left, the others stacked on the right as far as
/// they fit at the minimum height; falls back to Zoom when either column
/// would be too narrow.
fn main_stack(main: Rect, panes: usize, focus: usize, percent: u16) -> Vec<PaneSlot> {
    let percent = percent.clamp(*MAIN_PERCENT_RANGE.start(), *MAIN_PERCENT_RANGE.end());
    let main_width = u16::try_from(u32::from(main.width) * u32::from(percent) / 100).unwrap_or(0);
    let stack_width = main.width - main_width;
    let stacked = usize::from(main.height / MIN_OUTER).min(panes - 1);
    if main_width < MIN_OUTER || stack_width < MIN_OUTER || stacked == 0 {
        return zoom(main, panes, focus);
    }
    let mut slots = vec![PaneSlot::HIDDEN; panes];
    slots[focus] = PaneSlot::visible(Rect::new(main.x, main.y, main_width, main.height));
    let others = (0..panes).filter(|&i| i != focus).take(stacked);
    for (index, (y, height)) in others.zip(split(main.y, main.height, stacked)) {
        slots[index] = PaneSlot::visible(Rect::new(main.x + main_width, y, stack_width, height));
    }
    slots
}

fn zoom(main: Rect, panes: usize, focus: usize) -> Vec<PaneSlot> {
    let mut slots = vec![PaneSlot::HIDDEN; panes];
    if panes > 0 && main.width >= MIN_OUTER && main.height >= MIN_OUTER {
        slots[focus] = PaneSlot::visible(main);
    }
    slots
}

/// The column of the border between the main pane and the stack, when
/// `layout` is a MainStack with a stack showing: a drag there resizes it.
pub fn split_border(layout: &DashboardLayout, mode: LayoutMode) -> Option<u16> {
    match mode {
        LayoutMode::MainStack => {}
        LayoutMode::Tiled | LayoutMode::Zoom => return None,
    }
    let visible: Vec<&PaneSlot> = layout
        .panes
        .iter()
        .filter(|s| s.visible == Visibility::Visible)
        .collect();
    let main = visible.iter().min_by_key(|s| s.outer.x)?;
    visible
        .iter()
        .any(|s| s.outer.x == main.outer.right())
        .then_some(main.outer.right())
}

/// The main pane's share of `main` when its border is dragged to column `x`.
pub fn percent_at(main: Rect, x: u16) -> u16 {
    let offset = u32::from(x.saturating_sub(main.x));
    let percent = offset * 100 / u32::from(main.width.max(1));
    u16::try_from(percent)
        .unwrap_or(u16::MAX)
        .clamp(*MAIN_PERCENT_RANGE.start(), *MAIN_PERCENT_RANGE.end())
}

/// Splits `len` cells starting at `start` into `parts` runs whose lengths
/// differ by at most one, the longer ones first.
fn split(start: u16, len: u16, parts: usize) -> impl Iterator<Item = (u16, u16)> {
    let parts = u16::try_from(parts.max(1)).unwrap_or(u16::MAX);
    let (base, extra) = (len / parts, len % parts);
    (0..parts).map(move |i| {
        let offset = i * base + i.min(extra);
        (start + offset, base + u16::from(i < extra))
    })
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
