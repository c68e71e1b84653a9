//! Reading the evidence a [`Tracker`](super::Tracker) needs off a pane's
//! emulator: the lowest non-blank rows of the screen as text, the bell count
//! and new notifications. Kept apart from the tracker so that the tracker
//! stays pure and this, the only part that touches the screen, stays small.
//!
//! Reading a row's text out of vt100 is nearly all of a look's cost, and a
//! printing agent is looked at several times a second. [`TailCache`] keeps
//! each row's text between looks and reads again only the rows the
//! emulator's damage says may have changed: a spinner step or a title
//! costs one row or none.

use super::rules::StatusRules;
use super::status::{Observation, Tracker};
use crate::pane::{Changed, Emulator, NotificationSource};

/// The text of a pane's screen rows as the last look read them.
#[derive(Debug, Default)]
pub struct TailCache {
    /// The emulator's change count when the rows were last brought up to
    /// date.
    changes: u64,
    /// Per screen row, its text, or `None` when it may have changed since.
    rows: Vec<Option<String>>,
}

impl TailCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// [`screen_tail`] of `emulator`'s screen, reading only the rows that
    /// may have changed since the last call.
    pub fn tail(&mut self, emulator: &Emulator, rows: usize) -> String {
        let changes = emulator.changes();
        if changes != self.changes {
            match emulator.changed_since(self.changes) {
                Changed::Nothing => {}
                Changed::Rows(changed) => {
                    for row in changed {
                        if let Some(text) = self.rows.get_mut(usize::from(row)) {
                            *text = None;
                        }
                    }
                }
                Changed::Everything => self.rows.clear(),
            }
            self.changes = changes;
        }
        let screen = emulator.screen();
        let height = screen.size().0.get();
        self.rows.resize(usize::from(height), None);
        let bottom_up = (0..height)
            .zip(self.rows.iter_mut())
            .rev()
            .map(|(row, text)| &*text.get_or_insert_with(|| row_text(screen, row)));
        lowest_rows(bottom_up, rows)
    }
}

/// What `tracker` needs of the pane now: [`observation`] of the rows it
/// must read ([`Tracker::rows_to_read`]: none while a working agent's title
/// says it still works). The server, the bench and the replay tests all
/// look through this, so they read what the server reads.
pub fn look(
    emulator: &mut Emulator,
    tracker: &Tracker,
    rules: &StatusRules,
    generation: u64,
    cache: &mut TailCache,
) -> Observation {
    let rows = tracker.rows_to_read(emulator.title(), rules);
    observation(emulator, rows, generation, cache)
}

/// What the pane shows now; `rows` is how many of the lowest non-blank rows
/// the profile's rules read (none when it has no rules), read through
/// `cache`. Takes the pending notifications out of the emulator.
pub fn observation(
    emulator: &mut Emulator,
    rows: usize,
    generation: u64,
    cache: &mut TailCache,
) -> Observation {
    let tail = if rows == 0 {
        String::new()
    } else {
        cache.tail(emulator, rows)
    };
    let notifications = emulator
        .take_notifications()
        .into_iter()
        // `OSC 9 ; 4 ; …` is ConEmu's progress report, not a message.
        .filter(|n| !(n.source == NotificationSource::Osc9 && n.body.starts_with("4;")))
        .map(|n| match n.title.is_empty() {
            true => n.body,
            false => format!("{}: {}", n.title, n.body),
        })
        .collect();
    Observation {
        tail,
        title: emulator.title().to_owned(),
        bells: emulator.bells(),
        notifications,
        generation,
    }
}

/// The lowest `rows` rows of the visible screen that end at its last
/// non-blank row, joined with newlines, read afresh.
pub fn screen_tail(screen: &vt100::Screen, rows: usize) -> String {
    // From the bottom up, one row at a time: the rules read a few rows at
    // the bottom, and formatting every row of the screen was most of the
    // cost of a look (benches/status.rs).
    let bottom_up = (0..screen.size().0.get())
        .rev()
        .map(|row| row_text(screen, row));
    lowest_rows(bottom_up, rows)
}

/// The first `rows` of `bottom_up` from the first non-blank one, top to
/// bottom, joined with newlines; rows past those are never asked for.
fn lowest_rows<S: AsRef<str>>(bottom_up: impl Iterator<Item = S>, rows: usize) -> String {
    let mut tail: Vec<S> = Vec::with_capacity(rows);
    for text in bottom_up {
        if tail.is_empty() && text.as_ref().trim().is_empty() {
            continue;
        }
        tail.push(text);
        if tail.len() == rows {
            break;
        }
    }
    tail.reverse();
    let lines: Vec<&str> = tail.iter().map(AsRef::as_ref).collect();
    lines.join("\n")
}

/// One row's text (`contents_between` from its start to the next row's).
fn row_text(screen: &vt100::Screen, row: u16) -> String {
    let mut text = screen.contents_between(row, 0, row + 1, 0);
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pane::{HistoryLimits, PaneSize};

    #[test]
    fn the_tail_ends_at_the_last_drawn_row_and_notifications_are_taken() {
        let mut emulator = Emulator::new(
            PaneSize { rows: 10, cols: 20 },
            HistoryLimits::new(10_000, 1 << 16),
        );
        let mut cache = TailCache::new();
        emulator.process(b"one\r\ntwo\r\nthree\x07\x1b]9;done here\x07\x1b]9;4;1;50\x07");
        let seen = observation(&mut emulator, 2, 1, &mut cache);
        assert_eq!(seen.tail, "two\nthree");
        assert_eq!(seen.bells, 1);
        assert_eq!(seen.notifications, ["done here"]);
        assert_eq!(
            observation(&mut emulator, 2, 1, &mut cache).notifications,
            Vec::<String>::new()
        );
        assert_eq!(observation(&mut emulator, 0, 1, &mut cache).tail, "");
        // Rows below the last drawn one, and blank rows above the tail,
        // are not part of it; blank rows inside it are.
        emulator.process(b"\x1b[2J\x1b[Hfirst\r\n\r\nthird");
        assert_eq!(
            observation(&mut emulator, 3, 2, &mut cache).tail,
            "first\n\nthird"
        );
        assert_eq!(
            observation(&mut emulator, 9, 2, &mut cache).tail,
            "first\n\nthird"
        );
    }

    #[test]
    fn the_cached_tail_follows_echoes_resizes_and_screen_switches() {
        let mut emulator = Emulator::new(
            PaneSize { rows: 6, cols: 20 },
            HistoryLimits::new(10_000, 1 << 16),
        );
        let mut cache = TailCache::new();
        let steps: [&dyn Fn(&mut Emulator); 7] = [
            &|e| {
                let _ = e.process(b"a\r\nb\r\nc\r\n> ");
            },
            // An echo: one row marked.
            &|e| {
                let _ = e.process(b"x");
            },
            // A spinner two rows up, inside synchronized output.
            &|e| {
                let _ = e.process(b"\x1b[?2026h\x1b[2;1H\x1b[2K* busy\x1b[4;3H\x1b[?2026l");
            },
            &|e| {
                let _ = e.resize(PaneSize { rows: 3, cols: 20 });
            },
            &|e| {
                let _ = e.resize(PaneSize { rows: 8, cols: 12 });
            },
            &|e| {
                let _ = e.process(b"\x1b[?1049h\x1b[Halt");
            },
            &|e| {
                let _ = e.process(b"\x1b[?1049l\r\nlast");
            },
        ];
        for (index, step) in steps.iter().enumerate() {
            step(&mut emulator);
            for rows in [1, 3, 10] {
                assert_eq!(
                    cache.tail(&emulator, rows),
                    screen_tail(emulator.screen(), rows),
                    "step {index}, {rows} rows"
                );
            }
        }
    }
}
