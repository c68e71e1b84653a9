//! The size of a pane in character cells, and the smallest and largest sizes
//! grove will give an emulator or a PTY.

use std::num::NonZeroU16;

/// vt100 panics on some operations with a 1-row or 1-column screen (scroll
/// underflow, a wide glyph that cannot fit), so nothing smaller than 2x2 is ever
/// handed to it or to the PTY.
pub const MIN_ROWS: u16 = 2;
/// See [`MIN_ROWS`].
pub const MIN_COLS: u16 = 2;
/// The largest size grove gives an emulator or a PTY. Sizes come from the
/// client's terminal, and vt100 allocates every cell of its grid (32 bytes
/// each): a client reporting 65535x65535 would ask for 137 GB and abort the
/// server. No real terminal is this big; 1000x2000 cells is 64 MB.
pub const MAX_ROWS: u16 = 1000;
/// See [`MAX_ROWS`].
pub const MAX_COLS: u16 = 2000;

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

    /// This size raised to at least [`MIN_ROWS`] x [`MIN_COLS`] and cut to
    /// at most [`MAX_ROWS`] x [`MAX_COLS`].
    pub fn clamped(self) -> Self {
        Self {
            rows: self.rows.clamp(MIN_ROWS, MAX_ROWS),
            cols: self.cols.clamp(MIN_COLS, MAX_COLS),
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
    fn clamps_to_two_by_two_and_to_the_maximum() {
        assert_eq!(PaneSize::new(0, 0).clamped(), PaneSize::new(2, 2));
        assert_eq!(PaneSize::new(1, 80).clamped(), PaneSize::new(2, 80));
        assert_eq!(PaneSize::new(24, 1).clamped(), PaneSize::new(24, 2));
        assert_eq!(PaneSize::new(24, 80).clamped(), PaneSize::new(24, 80));
        assert_eq!(
            PaneSize::new(u16::MAX, u16::MAX).clamped(),
            PaneSize::new(MAX_ROWS, MAX_COLS)
        );
        let (rows, cols) = PaneSize::new(0, 0).non_zero();
        assert_eq!((rows.get(), cols.get()), (2, 2));
    }
}
