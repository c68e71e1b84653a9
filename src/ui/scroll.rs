//! Scroll mode (`prefix [`): moving through a pane's history with a line
//! cursor, searching it, and marking lines to copy. Pure: keys in, a
//! [`ScrollOutcome`] out; the server clamps the view to the history there
//! is, runs searches and copies.
//!
//! Positions are counted in lines from the bottom of the history: line 0
//! is the last line of the live screen. The view's `offset` is how many
//! lines it is scrolled up into the pane's history (the server draws that
//! view, `pane::ScrollView`), and the cursor is a row of the view.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Which way a search goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Up, into older output (`/` then `n`).
    Older,
    /// Down, towards the live screen (`N`, or `?` then `n`).
    Newer,
}

/// One pane's scroll mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrollState {
    /// The pane (workspace name).
    pub pane: String,
    /// Lines the view is scrolled up.
    pub offset: usize,
    /// The cursor's row in the view.
    pub row: u16,
    /// The line marked with `v`, by position from the bottom.
    pub anchor: Option<usize>,
    /// A search being typed.
    pub typing: Option<String>,
    /// The last search.
    pub query: Option<String>,
    /// How the last search went, for the status line.
    pub found: Option<String>,
}

/// What the server should do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScrollOutcome {
    /// Only the view changed.
    Moved,
    /// Leave scroll mode.
    Exit,
    /// Copy lines `from..=to` (positions from the bottom, `from >= to`).
    Copy { from: usize, to: usize },
    /// Find `query` from the cursor's line, not counting it.
    Search {
        query: String,
        direction: Direction,
        from: usize,
    },
}

impl ScrollState {
    /// Scroll mode on `pane`, whose view is `rows` high, with the cursor on
    /// the live screen's last row.
    pub fn new(pane: &str, rows: u16) -> ScrollState {
        ScrollState {
            pane: pane.to_owned(),
            offset: 0,
            row: rows.saturating_sub(1),
            anchor: None,
            typing: None,
            query: None,
            found: None,
        }
    }

    /// The cursor's line, from the bottom of the history.
    pub fn cursor_line(&self, rows: u16) -> usize {
        self.offset
            .saturating_add(usize::from(rows.saturating_sub(1).saturating_sub(self.row)))
    }

    /// Puts the cursor on `line` (from the bottom), scrolling the view so it
    /// shows, ideally in the middle.
    pub fn show_line(&mut self, line: usize, rows: u16) {
        let rows_us = usize::from(rows.max(1));
        let bottom = usize::from(rows.saturating_sub(1));
        if line < self.offset || line > self.offset.saturating_add(bottom) {
            self.offset = line.saturating_sub(rows_us / 2);
        }
        let from_bottom = line - self.offset;
        self.row = u16::try_from(bottom.saturating_sub(from_bottom)).unwrap_or(0);
    }

    /// The view's rows that are marked (cursor to anchor), if any show.
    pub fn marked_rows(&self, rows: u16) -> Option<(u16, u16)> {
        let anchor = self.anchor?;
        let cursor = self.cursor_line(rows);
        let (high, low) = (anchor.max(cursor), anchor.min(cursor));
        let bottom = usize::from(rows.saturating_sub(1));
        // i128: the lines may be anywhere in usize after `g` (the top of any
        // history), until the next frame clamps them.
        let row_of = |line: usize| bottom as i128 - (line as i128 - self.offset as i128);
        let top = row_of(high).max(0);
        let end = row_of(low).min(bottom as i128);
        let row = |r: i128| u16::try_from(r).ok();
        (top <= end).then_some((row(top)?, row(end)?))
    }

    /// Moves the cursor by `lines` (up is positive), scrolling at the edges.
    /// Saturating: after `g` the cursor is far above any real history until
    /// the next frame clamps it, and a key or two may arrive before that.
    pub fn move_by(&mut self, lines: i64, rows: u16) {
        let line = self
            .cursor_line(rows)
            .saturating_add_signed(isize::try_from(lines).unwrap_or(0));
        self.show_line(line, rows);
    }

    #[expect(
        clippy::wildcard_enum_match_arm,
        reason = "crossterm's KeyCode has dozens of variants; all but a few are not scroll keys"
    )]
    pub fn handle_key(&mut self, key: &KeyEvent, rows: u16) -> ScrollOutcome {
        match key.kind {
            KeyEventKind::Press | KeyEventKind::Repeat => {}
            KeyEventKind::Release => return ScrollOutcome::Moved,
        }
        if let Some(typing) = self.typing.as_mut() {
            match key.code {
                KeyCode::Enter => {
                    let query = std::mem::take(typing);
                    self.typing = None;
                    if query.is_empty() {
                        return ScrollOutcome::Moved;
                    }
                    self.query = Some(query.clone());
                    return ScrollOutcome::Search {
                        query,
                        direction: Direction::Older,
                        from: self.cursor_line(rows),
                    };
                }
                KeyCode::Esc => self.typing = None,
                KeyCode::Backspace => {
                    typing.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    typing.push(c);
                }
                _ => {}
            }
            return ScrollOutcome::Moved;
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        let page = i64::from(rows.max(2) - 1);
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return ScrollOutcome::Exit,
            KeyCode::Up | KeyCode::Char('k') => self.move_by(1, rows),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(-1, rows),
            KeyCode::PageUp => self.move_by(page, rows),
            KeyCode::Char('b') if control => self.move_by(page, rows),
            KeyCode::PageDown => self.move_by(-page, rows),
            KeyCode::Char('f') if control => self.move_by(-page, rows),
            KeyCode::Char('u') if control => self.move_by(page / 2, rows),
            KeyCode::Char('d') if control => self.move_by(-page / 2, rows),
            KeyCode::Char('g') | KeyCode::Home => self.show_line(usize::MAX / 2, rows),
            KeyCode::Char('G') | KeyCode::End => self.show_line(0, rows),
            KeyCode::Char('/') => self.typing = Some(String::new()),
            KeyCode::Char('v') | KeyCode::Char(' ') => {
                self.anchor = match self.anchor {
                    Some(_) => None,
                    None => Some(self.cursor_line(rows)),
                };
            }
            KeyCode::Char('y') | KeyCode::Enter => {
                let cursor = self.cursor_line(rows);
                let anchor = self.anchor.take().unwrap_or(cursor);
                return ScrollOutcome::Copy {
                    from: anchor.max(cursor),
                    to: anchor.min(cursor),
                };
            }
            KeyCode::Char(c @ ('n' | 'N')) => {
                if let Some(query) = self.query.clone() {
                    return ScrollOutcome::Search {
                        query,
                        direction: if c == 'n' {
                            Direction::Older
                        } else {
                            Direction::Newer
                        },
                        from: self.cursor_line(rows),
                    };
                }
            }
            _ => {}
        }
        ScrollOutcome::Moved
    }

    /// The status line's words for the mode.
    pub fn hint(&self) -> String {
        match (&self.typing, &self.found) {
            (Some(typing), _) => format!("search: {typing}▏"),
            (None, Some(found)) => found.clone(),
            (None, None) => {
                "k/j line · PgUp/PgDn page · g/G top/bottom · / search · n/N next · v mark · y copy · q quit"
                    .to_owned()
            }
        }
    }
}

/// Finds `query` in `lines` (oldest first) from position `from` (from the
/// bottom), not counting it; returns the position of the match.
pub fn search(lines: &[String], query: &str, direction: Direction, from: usize) -> Option<usize> {
    let total = lines.len();
    let at = |position: usize| -> Option<&String> { lines.get(total.checked_sub(position + 1)?) };
    let needle = query.to_lowercase();
    let hit = |position: usize| at(position).is_some_and(|l| l.to_lowercase().contains(&needle));
    match direction {
        Direction::Older => (from + 1..total).find(|p| hit(*p)),
        Direction::Newer => (0..from.min(total)).rev().find(|p| hit(*p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn moving_marking_and_copying() {
        let mut s = ScrollState::new("api", 10);
        assert_eq!(s.cursor_line(10), 0);
        s.handle_key(&key(KeyCode::Char('k')), 10);
        assert_eq!((s.offset, s.row, s.cursor_line(10)), (0, 8, 1));
        s.handle_key(&key(KeyCode::Char('v')), 10);
        for _ in 0..12 {
            s.handle_key(&key(KeyCode::Up), 10);
        }
        // Past the top row the view scrolls.
        assert_eq!(s.cursor_line(10), 13);
        assert!(s.offset > 0);
        assert_eq!(s.marked_rows(10).map(|(top, _)| top), Some(s.row));
        assert_eq!(
            s.handle_key(&key(KeyCode::Char('y')), 10),
            ScrollOutcome::Copy { from: 13, to: 1 }
        );
        assert_eq!(s.anchor, None);
        s.handle_key(&key(KeyCode::Char('G')), 10);
        assert_eq!(s.cursor_line(10), 0);
        assert_eq!(
            s.handle_key(&key(KeyCode::Char('q')), 10),
            ScrollOutcome::Exit
        );
    }

    #[test]
    fn searching_up_and_down() {
        let lines: Vec<String> = ["error: one", "fine", "Error: two", "fine", "last"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        // Positions from the bottom: last=0, fine=1, Error two=2, fine=3, error one=4.
        assert_eq!(search(&lines, "error", Direction::Older, 0), Some(2));
        assert_eq!(search(&lines, "error", Direction::Older, 2), Some(4));
        assert_eq!(search(&lines, "error", Direction::Older, 4), None);
        assert_eq!(search(&lines, "error", Direction::Newer, 4), Some(2));
        let mut s = ScrollState::new("api", 10);
        s.handle_key(&key(KeyCode::Char('/')), 10);
        for c in "err".chars() {
            s.handle_key(&key(KeyCode::Char(c)), 10);
        }
        assert_eq!(s.hint(), "search: err▏");
        assert_eq!(
            s.handle_key(&key(KeyCode::Enter), 10),
            ScrollOutcome::Search {
                query: "err".into(),
                direction: Direction::Older,
                from: 0
            }
        );
        s.show_line(30, 10);
        assert_eq!(s.cursor_line(10), 30);
        assert!(matches!(
            s.handle_key(&key(KeyCode::Char('N')), 10),
            ScrollOutcome::Search {
                direction: Direction::Newer,
                from: 30,
                ..
            }
        ));
    }
}
