//! The size of a pane in character cells, and the smallest size grove will give
//! an emulator or a PTY.

use std::num::NonZeroU16;

/// vt100 panics on some operations with a 1-row or 1-column screen (scroll
/// underflow, a wide glyph that cannot fit), so nothing smaller than 2x2 is ever
/// handed to it or to the PTY.
pub const MIN_ROWS: u16 = 2;
/// See [`MIN_ROWS`].
pub const MIN_COLS: u16 = 2;

/// Rows and columns of a pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaneSize {
    pub rows: u16,
    pub cols: u16,
}

impl PaneSize {
    pub const fn new(rows: u16, cols: u16) -> Self {
        Self { rows, cols }
    }

    /// This size raised to at least [`MIN_ROWS`] x [`MIN_COLS`].
    pub fn clamped(self) -> Self {
        Self {
            rows: self.rows.max(MIN_ROWS),
            cols: self.cols.max(MIN_COLS),
        }
    }

    /// The clamped size as the non-zero pair vt100 wants.
    pub(crate) fn non_zero(self) -> (NonZeroU16, NonZeroU16) {
        let clamped = self.clamped();
        (
            nonzero_at_least_min(clamped.rows),
            nonzero_at_least_min(clamped.cols),
        )
    }
}

fn nonzero_at_least_min(value: u16) -> NonZeroU16 {
    NonZeroU16::new(value).unwrap_or(NonZeroU16::MIN)
}

impl std::fmt::Display for PaneSize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.cols, self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_to_two_by_two() {
        assert_eq!(PaneSize::new(0, 0).clamped(), PaneSize::new(2, 2));
        assert_eq!(PaneSize::new(1, 80).clamped(), PaneSize::new(2, 80));
        assert_eq!(PaneSize::new(24, 1).clamped(), PaneSize::new(24, 2));
        assert_eq!(PaneSize::new(24, 80).clamped(), PaneSize::new(24, 80));
        let (rows, cols) = PaneSize::new(0, 0).non_zero();
        assert_eq!((rows.get(), cols.get()), (2, 2));
    }
}
