//! History rows drawn again: onto a screen that grew taller, and onto the
//! scratch screen scroll mode shows.
//!
//! A taller screen: vt100 counts the rows it pushed off the top as
//! scrollback even with none kept, and gives that many back, blank, at the
//! top of the screen when it grows (the cursor and the saved cursor move down
//! with the text). [`pull_back`] fills them with the newest history lines,
//! taking those out of the history, which is what vt100 did from its own
//! scrollback and what tmux does.
//!
//! Scroll mode: [`scroll_view`] builds a screen of the pane's size holding
//! the history lines `offset` up and, below them, the top of the live screen,
//! so the dashboard draws it like any screen. That parses one screenful, and
//! only while a client scrolls.
//!
//! Both feed vt100 through a fresh filter (the pane's own carries the
//! program's modes), which also takes care of an emoji presentation selector
//! at the right margin (`pane::widen`). A line wider than the screen now is
//! clipped to it, as vt100 showed its scrollback.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::filter::Filter;
use super::history::{History, Line};
use super::shim::Shim;

/// Appends what draws `lines` on the rows from `top` down (from 0), each from
/// the start of its row and a reset, clipped to `cols`.
fn draw_lines<'a>(out: &mut String, top: usize, lines: impl Iterator<Item = &'a Line>, cols: u16) {
    for (row, line) in (top..).zip(lines) {
        // Writing into a String cannot fail.
        let _infallible = write!(out, "\x1b[{};1H\x1b[m{}", row + 1, line.clipped(cols));
    }
}

fn feed<CB: vt100::Callbacks + super::history::KeepsHistory>(
    parser: &mut vt100::Parser<CB>,
    bytes: &str,
) {
    Filter::new().feed(bytes.as_bytes(), &mut Vec::new(), parser);
}

/// vt100 gave `count` blank rows back at the top of the main screen: the
/// newest history lines fill the lowest of them. The cursor, the colours and
/// the screen in use are as they were.
pub(super) fn pull_back(parser: &mut vt100::Parser<Shim>, count: usize) {
    let lines = parser.callbacks_mut().history_mut().pull(count);
    if lines.is_empty() {
        return;
    }
    let screen = parser.screen();
    let cols = screen.size().1.get();
    let attrs = screen.attributes_formatted();
    let alternate = screen.alternate_screen();
    // vt100 draws on the screen in use, and the rows are the main one's.
    // Mode 47 switches screens and nothing else (each keeps its cursor).
    if alternate {
        parser.process(b"\x1b[?47l");
    }
    let (row, col) = parser.screen().cursor_position();
    let mut out = String::new();
    draw_lines(&mut out, count - lines.len(), lines.iter(), cols);
    // A resize leaves no wrap pending, so CUP puts the cursor back exactly.
    let _infallible = write!(out, "\x1b[{};{}H", row + 1, col + 1);
    feed(parser, &out);
    if alternate {
        parser.process(b"\x1b[?47h");
    }
    parser.process(attrs.as_bytes());
}

/// The screen scroll mode shows: a plain vt100 screen with no cursor.
pub struct ScrollView {
    parser: vt100::Parser,
}

impl std::fmt::Debug for ScrollView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrollView").finish_non_exhaustive()
    }
}

impl ScrollView {
    pub fn screen(&self) -> &vt100::Screen {
        self.parser.screen()
    }
}

/// What scroll mode shows `offset` lines up (`1..=history.len()`): the
/// history lines from `offset` up, then the live screen's top rows.
pub(super) fn scroll_view(live: &vt100::Screen, history: &History, offset: usize) -> ScrollView {
    let (rows, non_zero_cols) = live.size();
    let cols = non_zero_cols.get();
    let height = usize::from(rows.get());
    let offset = offset.min(history.len());
    let mut out = String::new();
    if offset < height {
        // The live screen as it is, moved down by `offset` rows (SD), which
        // pushes its bottom rows out.
        out.push_str(&live.contents_formatted());
        if offset > 0 {
            let _infallible = write!(out, "\x1b[m\x1b[{offset}T");
        }
    }
    let top = history.len() - offset;
    draw_lines(
        &mut out,
        0,
        history.lines_from(top).take(offset.min(height)),
        cols,
    );
    out.push_str("\x1b[?25l");
    let mut parser = vt100::Parser::new(rows, non_zero_cols, 0);
    if catch_unwind(AssertUnwindSafe(|| feed(&mut parser, &out))).is_err() {
        tracing::error!("vt100 panicked drawing the scroll view; showing it blank");
        parser = vt100::Parser::new(rows, non_zero_cols, 0);
        parser.process(b"\x1b[?25l");
    }
    ScrollView { parser }
}

#[cfg(test)]
#[path = "recall_tests.rs"]
mod tests;
