//! The terminal emulator behind a pane: vt100 0.18 plus the query shim, the
//! filter in front of it (what vt100 lacks, rewritten into what it has), size
//! clamping and the pane's compact history (`history.rs`), which takes the
//! place of vt100's scrollback.
//!
//! Nothing outside `pane` names vt100's parser: the rest of grove sees this type,
//! `vt100::Screen` for reading cells, and the modes the shim tracks. The reader
//! thread is the only writer, so everything here is synchronous and cheap to
//! hold under a short lock.

use std::borrow::Cow;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use vt100::Screen;

use super::damage::{self, Changed, Damage};
use super::filter::Filter;
use super::history::{History, HistoryLimits};
use super::keys::{CursorKeys, InputModes, PasteMode};
use super::modes::{SyncUpdate, TrackedModes};
use super::recall::{self, ScrollView};
use super::shim::{Notification, Shim};
use super::size::PaneSize;

/// How [`Emulator::history_lines`] gives a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineForm {
    /// Plain text, trailing blanks left out.
    Plain,
    /// Text and SGR sequences, from a reset.
    Sgr,
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

/// Which rows a chunk of output changed.
enum Marked {
    Rows(Vec<u16>),
    Everything,
}

/// One pane's terminal state.
pub struct Emulator {
    parser: vt100::Parser<Shim>,
    filter: Filter,
    /// Reused between calls so filtering does not allocate per chunk.
    filtered: Vec<u8>,
    size: PaneSize,
    /// Counts the calls that may have changed the screen.
    changes: u64,
    /// Which rows changed at which count.
    damage: Damage,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("size", &self.size)
            .field("history", self.parser.callbacks().history())
            .finish_non_exhaustive()
    }
}

/// A parser that keeps no scrollback: each row that leaves the top of the
/// screen goes to the shim's history instead.
fn new_parser(size: PaneSize, shim: Shim) -> vt100::Parser<Shim> {
    let (rows, cols) = size.non_zero();
    vt100::Parser::new_with_callbacks(rows, cols, 0, shim)
}

impl Emulator {
    /// An emulator of `size` (clamped as [`PaneSize::clamped`] says) whose
    /// history keeps up to `limits`.
    pub fn new(size: PaneSize, limits: HistoryLimits) -> Self {
        let size = size.clamped();
        Self {
            parser: new_parser(size, Shim::new(limits)),
            filter: Filter::new(),
            filtered: Vec::new(),
            size,
            changes: 0,
            damage: Damage::default(),
        }
    }

    /// A number that moves whenever the screen may have changed (output
    /// parsed, a resize), so a screen drawn at one value can be reused
    /// while it stays the same.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Parses program output and returns the replies its queries need.
    pub fn process(&mut self, bytes: &[u8]) -> Processed {
        self.changes = self.changes.wrapping_add(1);
        let changes = self.changes;
        let health = match catch_unwind(AssertUnwindSafe(|| self.feed_marking(bytes))) {
            Ok(Marked::Rows(rows)) => {
                for row in rows {
                    self.damage.row(row, changes);
                }
                ParserHealth::Intact
            }
            Ok(Marked::Everything) => {
                self.damage.everything(changes);
                ParserHealth::Intact
            }
            Err(_) => {
                tracing::error!(size = %self.size, "vt100 panicked while parsing; rebuilding the parser");
                self.rebuild();
                self.damage.everything(changes);
                ParserHealth::Rebuilt
            }
        };
        Processed {
            replies: self.parser.callbacks_mut().take_replies(),
            parser: health,
        }
    }

    /// Parses `bytes`, piece by piece while each piece keeps to one row
    /// (see [`damage`]), and says which rows they changed. A read that
    /// finishes a sequence the last one cut short is judged with the
    /// bytes the filter holds of it in front (a PTY read ends anywhere,
    /// often inside an SGR); only the read itself is fed.
    fn feed_marking(&mut self, bytes: &[u8]) -> Marked {
        // A big read is a flood or a whole redraw: not worth cutting.
        let held = match bytes.len() < damage::SMALL_CHUNK {
            true => self.filter.held(),
            false => None,
        };
        let Some(mut held) = held else {
            self.feed(bytes);
            return Marked::Everything;
        };
        let skip = held.len();
        let whole: Cow<[u8]> = match skip {
            0 => Cow::Borrowed(bytes),
            _ => {
                held.extend_from_slice(bytes);
                Cow::Owned(held)
            }
        };
        if !damage::plain(&whole) {
            self.feed(bytes);
            return Marked::Everything;
        }
        // The part of `range` (of `whole`) that this read brought.
        let fresh = |range: Range<usize>| {
            bytes
                .get(range.start.saturating_sub(skip)..range.end.saturating_sub(skip))
                .unwrap_or_default()
        };
        let end = whole.len();
        let mut rows = Vec::new();
        for piece in damage::pieces(&whole) {
            if let Err(fed) = self.feed_moves(fresh(piece.moves.clone())) {
                let rest = piece.moves.start.max(skip).saturating_add(fed);
                self.feed(fresh(rest..end));
                return Marked::Everything;
            }
            let text = whole.get(piece.text.clone()).unwrap_or_default();
            let (row, col) = self.parser.screen().cursor_position();
            if !damage::row_local(text, col, self.size.cols) {
                self.feed(fresh(piece.text.start..end));
                return Marked::Everything;
            }
            self.feed(fresh(piece.text.clone()));
            if self.parser.screen().cursor_position().0 != row {
                self.feed(fresh(piece.text.end..end));
                return Marked::Everything;
            }
            if !text.is_empty() {
                rows.push(row);
            }
        }
        Marked::Rows(rows)
    }

    /// Parses cursor moves, each line feed on its own; a line feed that did
    /// not take the cursor one row down scrolled (or met the margin), and
    /// `Err` says how many bytes were parsed up to and including it.
    fn feed_moves(&mut self, moves: &[u8]) -> Result<(), usize> {
        let mut fed = 0;
        for part in moves.split_inclusive(|byte| *byte == b'\n') {
            let (csi, line_feed) = match part.split_last() {
                Some((b'\n', csi)) => (csi, true),
                Some(_) | None => (part, false),
            };
            self.feed(csi);
            fed += part.len();
            if line_feed {
                let row = self.parser.screen().cursor_position().0;
                self.feed(b"\n");
                if self.parser.screen().cursor_position().0 != row.saturating_add(1) {
                    return Err(fed);
                }
            }
        }
        Ok(())
    }

    fn feed(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.filter
                .feed(bytes, &mut self.filtered, &mut self.parser);
        }
    }

    /// Which rows of the screen may have changed since [`Emulator::changes`]
    /// was `seen`.
    pub fn changed_since(&self, seen: u64) -> Changed {
        self.damage.since(seen)
    }

    /// Resizes the screen (clamped as [`PaneSize::clamped`] says) and returns
    /// the size used. Rows a shorter screen pushes off the top go to the
    /// history; a taller one takes the newest history lines back
    /// ([`recall::pull_back`]).
    pub fn resize(&mut self, size: PaneSize) -> PaneSize {
        let size = size.clamped();
        if size != self.size {
            self.changes = self.changes.wrapping_add(1);
            self.damage.everything(self.changes);
            let (rows, cols) = size.non_zero();
            if size.cols != self.size.cols {
                self.filter.width_changed();
            }
            // How many rows vt100 gives back: what it counts as pushed off,
            // up to the growth.
            let grown = usize::from(size.rows.saturating_sub(self.size.rows));
            let given_back = grown.min(self.parser.callbacks().history().pullable());
            let parser = &mut self.parser;
            self.size = size;
            let resized = catch_unwind(AssertUnwindSafe(|| {
                parser.set_size(rows, cols);
                if given_back > 0 {
                    recall::pull_back(parser, given_back);
                }
            }));
            if resized.is_err() {
                tracing::error!(%size, "vt100 panicked while resizing; rebuilding the parser");
                self.rebuild();
            }
        }
        size
    }

    /// Replaces a parser that panicked. The shim's state (modes, replies still
    /// owed, the history) is kept: it is ours and was not part of what failed.
    fn rebuild(&mut self) {
        let mut shim = std::mem::take(self.parser.callbacks_mut());
        shim.history_mut().forget_pullable();
        self.parser = new_parser(self.size, shim);
    }

    pub fn screen(&self) -> &Screen {
        self.parser.screen()
    }

    pub fn size(&self) -> PaneSize {
        self.size
    }

    /// The pane's history, all of it.
    pub fn history(&self) -> &History {
        self.parser.callbacks().history()
    }

    /// How many history lines readers see: none while the alternate screen
    /// is shown, as with vt100's scrollback before and in tmux (a
    /// full-screen program's screen has no history above it).
    pub fn history_len(&self) -> usize {
        if self.parser.screen().alternate_screen() {
            0
        } else {
            self.history().len()
        }
    }

    /// The newest `count` history lines readers see, oldest first, each
    /// clipped to the pane's width.
    pub fn history_lines(&self, count: usize, form: LineForm) -> Vec<String> {
        let history = self.history();
        let cols = self.size.cols;
        let start = history.len() - count.min(self.history_len());
        history
            .lines_from(start)
            .map(|line| match form {
                LineForm::Plain => line.plain(cols),
                LineForm::Sgr => line.clipped(cols).to_owned(),
            })
            .collect()
    }

    /// What scroll mode shows `offset` lines up, clamped to
    /// [`Self::history_len`]; `None` at 0, where the live screen is the view.
    pub fn scroll_view(&self, offset: usize) -> Option<ScrollView> {
        let offset = offset.min(self.history_len());
        (offset > 0).then(|| recall::scroll_view(self.parser.screen(), self.history(), offset))
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
