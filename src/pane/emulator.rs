//! The terminal emulator behind a pane: vt100 0.18 plus the query shim, the
//! filter in front of it (what vt100 lacks, rewritten into what it has), size
//! clamping and a byte-bounded scrollback.
//!
//! Nothing outside `pane` names vt100's parser: the rest of grove sees this type,
//! `vt100::Screen` for reading cells, and the modes the shim tracks. The reader
//! thread is the only writer, so everything here is synchronous and cheap to
//! hold under a short lock.

use std::panic::{AssertUnwindSafe, catch_unwind};

use vt100::Screen;

use super::filter::Filter;
use super::keys::{CursorKeys, InputModes, PasteMode};
use super::shim::{Notification, Shim, SyncUpdate, TrackedModes};
use super::size::PaneSize;

/// Bytes a scrollback row costs besides its cells: the row's `Vec` header and
/// wrap flag plus its slot in vt100's `VecDeque`. Counting it keeps a very narrow
/// pane from being allowed millions of rows.
const ROW_OVERHEAD_BYTES: usize = 32;

/// How many scrollback rows fit in `budget_bytes` at `cols` columns.
///
/// vt100 takes a row count fixed when the parser is made, not a byte count, so
/// the budget is turned into rows at the width the pane has then, charging every
/// row its full width (`size_of::<vt100::Cell>()`, 32 bytes, per cell). vt100
/// trims trailing blank cells from rows entering scrollback, so this
/// over-estimates and the budget holds. The approximation: after the pane is made
/// wider, new rows are wider than the estimate, so the bytes can exceed the
/// budget by the ratio of the new width to the old one.
pub fn scrollback_rows_for(budget_bytes: usize, cols: u16) -> usize {
    let cols = usize::from(PaneSize::new(2, cols).clamped().cols);
    let row_bytes = cols * std::mem::size_of::<vt100::Cell>() + ROW_OVERHEAD_BYTES;
    budget_bytes / row_bytes
}

/// Whether the last `process` call had to replace a parser that panicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParserHealth {
    Intact,
    /// vt100 panicked; the screen was lost and a fresh parser (same size, same
    /// shim state) took over. The program should be asked to repaint.
    Rebuilt,
}

/// The result of feeding output to the emulator.
#[derive(Debug)]
pub struct Processed {
    /// Bytes to send back to the program (answers to its queries).
    pub replies: Vec<u8>,
    pub parser: ParserHealth,
}

/// One pane's terminal state.
pub struct Emulator {
    parser: vt100::Parser<Shim>,
    filter: Filter,
    /// Reused between calls so filtering does not allocate per chunk.
    filtered: Vec<u8>,
    size: PaneSize,
    scrollback_rows: usize,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("size", &self.size)
            .field("scrollback_rows", &self.scrollback_rows)
            .finish_non_exhaustive()
    }
}

fn new_parser(size: PaneSize, scrollback_rows: usize, shim: Shim) -> vt100::Parser<Shim> {
    let (rows, cols) = size.non_zero();
    vt100::Parser::new_with_callbacks(rows, cols, scrollback_rows, shim)
}

impl Emulator {
    /// An emulator of `size` (clamped as [`PaneSize::clamped`] says) whose
    /// scrollback holds about `scrollback_bytes` of cells.
    pub fn new(size: PaneSize, scrollback_bytes: usize) -> Self {
        let size = size.clamped();
        let scrollback_rows = scrollback_rows_for(scrollback_bytes, size.cols);
        Self {
            parser: new_parser(size, scrollback_rows, Shim::default()),
            filter: Filter::new(),
            filtered: Vec::new(),
            size,
            scrollback_rows,
        }
    }

    /// Parses program output and returns the replies its queries need.
    pub fn process(&mut self, bytes: &[u8]) -> Processed {
        let Self {
            parser,
            filter,
            filtered,
            ..
        } = self;
        let feed = || filter.feed(bytes, filtered, parser);
        let health = match catch_unwind(AssertUnwindSafe(feed)) {
            Ok(()) => ParserHealth::Intact,
            Err(_) => {
                tracing::error!(size = %self.size, "vt100 panicked while parsing; rebuilding the parser");
                self.rebuild();
                ParserHealth::Rebuilt
            }
        };
        Processed {
            replies: self.parser.callbacks_mut().take_replies(),
            parser: health,
        }
    }

    /// Resizes the screen (clamped as [`PaneSize::clamped`] says) and returns
    /// the size used.
    pub fn resize(&mut self, size: PaneSize) -> PaneSize {
        let size = size.clamped();
        if size != self.size {
            let (rows, cols) = size.non_zero();
            if size.cols != self.size.cols {
                self.filter.width_changed();
            }
            let parser = &mut self.parser;
            self.size = size;
            if catch_unwind(AssertUnwindSafe(|| parser.set_size(rows, cols))).is_err() {
                tracing::error!(%size, "vt100 panicked while resizing; rebuilding the parser");
                self.rebuild();
            }
        }
        size
    }

    /// Replaces a parser that panicked. The shim's state (modes, replies still
    /// owed) is kept: it is ours and was not part of what failed.
    fn rebuild(&mut self) {
        let shim = std::mem::take(self.parser.callbacks_mut());
        self.parser = new_parser(self.size, self.scrollback_rows, shim);
    }

    pub fn screen(&self) -> &Screen {
        self.parser.screen()
    }

    /// Mutable access, for moving the scrollback view.
    pub fn screen_mut(&mut self) -> &mut Screen {
        self.parser.screen_mut()
    }

    pub fn size(&self) -> PaneSize {
        self.size
    }

    /// Rows of scrollback the budget allows at the width the pane was made with.
    pub fn scrollback_rows(&self) -> usize {
        self.scrollback_rows
    }

    /// Everything the key encoder needs to know about the program's modes.
    pub fn input_modes(&self) -> InputModes {
        let screen = self.parser.screen();
        let shim = self.parser.callbacks();
        InputModes {
            cursor_keys: if screen.application_cursor() {
                CursorKeys::Application
            } else {
                CursorKeys::Normal
            },
            paste: if screen.bracketed_paste() {
                PasteMode::Bracketed
            } else {
                PasteMode::Plain
            },
            modify_other_keys: shim.modify_other_keys(),
            kitty: shim.kitty_flags(screen),
        }
    }

    /// Focus reporting, alternate scroll and synchronized-update state.
    pub fn modes(&self) -> TrackedModes {
        self.parser.callbacks().modes()
    }

    /// Whether a 2026 synchronized-update block is open.
    pub fn sync_update(&self) -> SyncUpdate {
        self.modes().sync
    }

    /// BELs seen so far (wrapping); compare with an earlier value to see new ones.
    pub fn bells(&self) -> u64 {
        self.parser.callbacks().bells()
    }

    /// The last window title the program set (OSC 0 / 2).
    pub fn title(&self) -> &str {
        self.parser.callbacks().title()
    }

    /// OSC 9 / OSC 777 notifications since the last call (at most the newest 32).
    pub fn take_notifications(&mut self) -> Vec<Notification> {
        self.parser.callbacks_mut().take_notifications()
    }
}

#[cfg(test)]
#[path = "emulator_tests.rs"]
mod tests;
