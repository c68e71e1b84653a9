//! A pane's history: the rows that scrolled off the top of the main screen,
//! kept compactly in place of vt100's scrollback.
//!
//! vt100 0.18 keeps a scrollback row as cells of 32 bytes each, about 2.6 KB
//! for an 80-column line where tmux needs ~0.6 KB. So the parser is made with
//! no scrollback, and each row vt100 pushes off the top of the screen
//! (`Callbacks::on_scroll`) is kept as vt100's "basic formatted" text: its
//! characters and the SGR sequences that colour them, from a reset, trailing
//! blanks left out. A line of agent output costs its text plus
//! [`line_cost`]'s overhead. The store is bounded by lines
//! (`pane.scrollback_lines`) and by those bytes (`pane.scrollback_bytes`),
//! whichever binds first, and drops the oldest line first. Rows scrolled off
//! the alternate screen are a full-screen program's frames, not history, as
//! in vt100 and tmux.
//!
//! It also counts the rows vt100 believes went into its (empty) scrollback,
//! which vt100 gives back as blank rows at the top when the screen grows
//! taller; the emulator fills them again from here (`recall::pull_back`).

use std::collections::VecDeque;
use std::fmt;

use vt100::capture::{BasicFormattedCaptureState, RowContents};

/// How much history a pane keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistoryLimits {
    /// At most this many lines.
    pub lines: usize,
    /// At most this many bytes, as [`line_cost`] counts them.
    pub bytes: usize,
}

impl HistoryLimits {
    /// No history at all.
    pub const NONE: Self = Self::new(0, 0);

    pub const fn new(lines: usize, bytes: usize) -> Self {
        Self { lines, bytes }
    }
}

/// Whether a row's text goes on in the row below (the program wrote past
/// the right margin), or ends there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    Wraps,
    Ends,
}

/// One row of history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// vt100's basic formatted text of the row, from a reset.
    text: Box<str>,
    wrap: Wrap,
}

/// What the allocator takes for a heap block of `len` bytes: glibc's malloc
/// rounds a request plus its 8-byte header up to 16 bytes, and hands out no
/// block under 32. A line's text is one such block.
fn heap_cost(len: usize) -> usize {
    match len {
        0 => 0,
        len => (len + 8).next_multiple_of(16).max(32),
    }
}

/// The bytes a line is charged: its text's heap block and its slot in the
/// queue. Counting the overhead keeps a pane of blank lines from being
/// allowed millions of them.
pub fn line_cost(text_len: usize) -> usize {
    heap_cost(text_len) + std::mem::size_of::<Line>()
}

impl Line {
    pub fn wrap(&self) -> Wrap {
        self.wrap
    }

    /// The whole row as kept: text and SGR, from a reset.
    pub fn formatted(&self) -> &str {
        &self.text
    }

    /// What of the row fits in `cols` columns, SGR included: a row is shown
    /// at the pane's width now, which may be narrower than when it scrolled.
    pub fn clipped(&self, cols: u16) -> &str {
        vt100::capture::basic_formatted_rows(&self.text, cols)
            .next()
            .unwrap_or_default()
    }

    /// The row's plain text within `cols` columns, trailing blanks left
    /// out: a coloured blank is kept as a space, so trailing ones cannot be
    /// told from typed spaces (tmux's `capture-pane` trims them too).
    pub fn plain(&self, cols: u16) -> String {
        let mut text: String =
            vt100::capture::basic_formatted_to_plain(self.clipped(cols)).collect();
        text.truncate(text.trim_end_matches(' ').len());
        text
    }
}

/// Learns whether a row wraps from the first thing vt100 writes when asked
/// for it a second time with the same state: a newline when the first
/// write left one pending, which it does exactly for a row that does not
/// wrap. It stops vt100 at once by failing.
struct FirstWrite(Option<bool>);

impl fmt::Write for FirstWrite {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = Some(s.starts_with('\n'));
        Err(fmt::Error)
    }
}

/// The rows that scrolled off the main screen, oldest first.
#[derive(Default)]
pub struct History {
    lines: VecDeque<Line>,
    /// What the lines cost, as [`line_cost`] counts.
    bytes: usize,
    limits: HistoryLimits,
    /// Rows pushed off the main screen since the history was last erased,
    /// less those vt100 put back: what vt100 counts as its scrollback.
    pullable: usize,
    /// Reused for each row's text.
    scratch: String,
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("History")
            .field("lines", &self.lines.len())
            .field("bytes", &self.bytes)
            .field("limits", &self.limits)
            .field("pullable", &self.pullable)
            .finish_non_exhaustive()
    }
}

impl History {
    pub fn new(limits: HistoryLimits) -> Self {
        Self {
            limits,
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// What the lines kept cost (see [`line_cost`]).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The lines from `start` (0 is the oldest) to the newest.
    pub fn lines_from(&self, start: usize) -> impl Iterator<Item = &Line> {
        self.lines.range(start.min(self.lines.len())..)
    }

    /// A row vt100 pushed off the top of the main screen.
    pub fn push(&mut self, row: &RowContents<'_>) {
        self.pullable = self.pullable.saturating_add(1);
        if self.limits.lines == 0 {
            return;
        }
        let mut state = BasicFormattedCaptureState::new();
        self.scratch.clear();
        // Writing into a String cannot fail.
        let written = row.write_formatted_basic(&mut self.scratch, &mut state);
        debug_assert!(written.is_ok());
        let mut probe = FirstWrite(None);
        // Fails on purpose at the first write (see `FirstWrite`).
        let _probed = row.write_formatted_basic(&mut probe, &mut state);
        let wrap = match probe.0 {
            Some(true) => Wrap::Ends,
            Some(false) | None => Wrap::Wraps,
        };
        self.keep(Line {
            text: self.scratch.as_str().into(),
            wrap,
        });
    }

    fn keep(&mut self, line: Line) {
        let cost = line_cost(line.text.len());
        if cost > self.limits.bytes {
            return;
        }
        while self.lines.len() >= self.limits.lines || self.bytes + cost > self.limits.bytes {
            let Some(oldest) = self.lines.pop_front() else {
                break;
            };
            self.bytes -= line_cost(oldest.text.len());
        }
        if self.lines.len() == self.lines.capacity() {
            // Double, but never past the line limit: the slots are memory
            // too, and a doubling past it would be up to half unused.
            let room = self.limits.lines - self.lines.len();
            self.lines.reserve_exact(self.lines.len().max(16).min(room));
        }
        self.bytes += cost;
        self.lines.push_back(line);
    }

    /// The program erased the history (ED 3, RIS); vt100 forgets its count
    /// of pushed rows too.
    pub fn erase(&mut self) {
        self.lines = VecDeque::new();
        self.bytes = 0;
        self.pullable = 0;
    }

    /// Rows vt100 would give back if the screen grew by that many.
    pub fn pullable(&self) -> usize {
        self.pullable
    }

    /// vt100 gave `count` rows back to a taller screen (blank, at its top):
    /// the newest lines that fill them, oldest first, taken out of the
    /// history. Fewer when the limits dropped some, as vt100 leaves those
    /// rows blank.
    pub fn pull(&mut self, count: usize) -> Vec<Line> {
        self.pullable = self.pullable.saturating_sub(count);
        let keep = self.lines.len().saturating_sub(count);
        let pulled: Vec<Line> = self.lines.drain(keep..).collect();
        for line in &pulled {
            self.bytes -= line_cost(line.text.len());
        }
        pulled
    }

    /// A new parser took over (the old one panicked): it has pushed nothing.
    pub fn forget_pullable(&mut self) {
        self.pullable = 0;
    }
}

/// What the filter tells the parser's callbacks when the program erases the
/// history (`Terminal::erase_history`). The shim keeps a history; plain
/// parsers (scratch screens, tests) keep none.
pub trait KeepsHistory {
    fn erase_history(&mut self);
}

impl KeepsHistory for () {
    fn erase_history(&mut self) {}
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
