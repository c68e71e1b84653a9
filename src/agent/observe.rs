//! Reading the evidence a [`Tracker`](super::Tracker) needs off a pane's
//! emulator: the lowest non-blank rows of the screen as text, the bell count
//! and new notifications. Kept apart from the tracker so that the tracker
//! stays pure and this, the only part that touches the screen, stays small.

use super::status::Observation;
use crate::pane::{Emulator, NotificationSource};

/// What the pane shows now; `rows` is how many of the lowest non-blank rows
/// the profile's rules read (none when it has no rules). Takes the pending
/// notifications out of the emulator.
pub fn observation(emulator: &mut Emulator, rows: usize, generation: u64) -> Observation {
    let tail = if rows == 0 {
        String::new()
    } else {
        screen_tail(emulator.screen(), rows)
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
/// non-blank row, joined with newlines.
pub fn screen_tail(screen: &vt100::Screen, rows: usize) -> String {
    // From the bottom up, one row at a time (`contents_between` from the
    // start of a row to the start of the next): the rules read a few rows at
    // the bottom, and formatting every row of the screen was most of the
    // cost of a look (benches/status.rs).
    let (height, _) = screen.size();
    let mut tail: Vec<String> = Vec::with_capacity(rows);
    for row in (0..height.get()).rev() {
        let mut text = screen.contents_between(row, 0, row + 1, 0);
        if text.ends_with('\n') {
            text.pop();
        }
        if tail.is_empty() && text.trim().is_empty() {
            continue;
        }
        tail.push(text);
        if tail.len() == rows {
            break;
        }
    }
    tail.reverse();
    tail.join("\n")
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
        emulator.process(b"one\r\ntwo\r\nthree\x07\x1b]9;done here\x07\x1b]9;4;1;50\x07");
        let seen = observation(&mut emulator, 2, 1);
        assert_eq!(seen.tail, "two\nthree");
        assert_eq!(seen.bells, 1);
        assert_eq!(seen.notifications, ["done here"]);
        assert_eq!(
            observation(&mut emulator, 2, 1).notifications,
            Vec::<String>::new()
        );
        assert_eq!(observation(&mut emulator, 0, 1).tail, "");
        // Rows below the last drawn one, and blank rows above the tail,
        // are not part of it; blank rows inside it are.
        emulator.process(b"\x1b[2J\x1b[Hfirst\r\n\r\nthird");
        assert_eq!(observation(&mut emulator, 3, 2).tail, "first\n\nthird");
        assert_eq!(observation(&mut emulator, 9, 2).tail, "first\n\nthird");
    }
}
