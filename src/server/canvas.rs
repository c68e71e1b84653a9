//! A client's screen as the server last sent it, and the two ways a frame
//! changes it: drawing the whole dashboard again, or patching the inside of
//! the panes whose screens changed.
//!
//! ratatui's `Terminal` keeps the screen it last drew where only a whole new
//! frame can change it, so every echo of a key cost a whole dashboard: the
//! sidebar, every border and every pane drawn, then ten thousand cells
//! compared (benches/latency.py). The canvas keeps the drawn buffer itself,
//! so a frame in which only pane screens moved compares and sends just
//! their cells, and the next whole frame still diffs against what the
//! client really shows.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect, Size};

use super::backend::FrameBackend;

/// What a client's terminal shows, and the backend that encodes changes.
pub struct Canvas {
    backend: FrameBackend,
    /// What the client shows (once the bytes taken are written).
    shown: Buffer,
    /// Where a whole frame is drawn before it is compared with `shown`.
    next: Buffer,
}

impl Canvas {
    pub fn new(area: Rect) -> Self {
        Self {
            backend: FrameBackend::new(area.as_size()),
            shown: Buffer::empty(area),
            next: Buffer::empty(area),
        }
    }

    pub fn area(&self) -> Rect {
        self.shown.area
    }

    /// Takes a new size; the next frame redraws everything on a cleared
    /// screen, since the client's terminal may have rewrapped what it had.
    pub fn resize(&mut self, area: Rect) {
        self.backend.set_size(Size::new(area.width, area.height));
        self.shown.resize(area);
        self.next.resize(area);
        self.clear();
    }

    /// Clears the client's screen; the next frame draws every cell.
    pub fn clear(&mut self) {
        self.backend.clear_screen();
        self.shown.reset();
    }

    /// Draws a whole frame with `draw`, which returns where the cursor goes,
    /// and encodes what differs from the shown one. Returns the new screen.
    pub fn draw(&mut self, draw: impl FnOnce(Rect, &mut Buffer) -> Option<Position>) -> &Buffer {
        self.next.reset();
        let cursor = draw(self.next.area, &mut self.next);
        self.backend
            .draw_cells(self.shown.diff(&self.next).into_iter());
        std::mem::swap(&mut self.shown, &mut self.next);
        self.place_cursor(cursor);
        &self.shown
    }

    /// Replaces the cells of `region.area` (which must lie inside the
    /// canvas) with `region`'s and encodes the ones that differ. The cells
    /// are moved, not copied: a pane's inside is thousands of them.
    pub fn patch(&mut self, region: Buffer) {
        let area = region.area;
        let width = usize::from(area.width);
        if area.intersection(self.shown.area) != area
            || region.content.len() != width * usize::from(area.height)
        {
            tracing::warn!(?area, canvas = ?self.shown.area, "a patch that does not fit was dropped");
            return;
        }
        let mut before = Vec::with_capacity(region.content.len());
        for row in area.rows() {
            let range = row_range(&self.shown, row);
            if let Some(cells) = self.shown.content.get_mut(range) {
                before.extend(cells.iter_mut().map(std::mem::take));
            }
        }
        let before = Buffer {
            area,
            content: before,
        };
        self.backend.draw_cells(before.diff(&region).into_iter());
        let mut cells = region.content.into_iter();
        for row in area.rows() {
            let range = row_range(&self.shown, row);
            if let Some(target) = self.shown.content.get_mut(range) {
                for (slot, cell) in target.iter_mut().zip(cells.by_ref()) {
                    *slot = cell;
                }
            }
        }
    }

    /// Shows the cursor at `cursor`, or hides it.
    pub fn place_cursor(&mut self, cursor: Option<Position>) {
        self.backend.place_cursor(cursor);
    }

    pub fn backend_mut(&mut self) -> &mut FrameBackend {
        &mut self.backend
    }
}

/// Where the one-row `row` (inside `buf`) is in the buffer's cells.
fn row_range(buf: &Buffer, row: Rect) -> std::ops::Range<usize> {
    let stride = usize::from(buf.area.width);
    let start = usize::from(row.y - buf.area.y) * stride + usize::from(row.x - buf.area.x);
    start..start + usize::from(row.width)
}
