//! The ratatui backend each attached client is drawn into: an ANSI writer
//! over an in-memory buffer, with the client's size instead of the server's
//! terminal (the server has none; crossterm would ask a tty that does not
//! exist). After each draw the server takes the bytes and sends them.
//!
//! The cells themselves are encoded by [`ansi`], our own writer, because
//! crossterm's was a fifth of a busy frame; the few other sequences
//! (cursor, clearing) are written here in the forms crossterm uses.

mod ansi;

use std::io;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

/// An ANSI-producing backend of a fixed, settable size.
///
/// ratatui re-sends the cursor's visibility and position and an attribute
/// reset on every draw, even when no cell changed; this backend drops those
/// repeats, so a frame in which nothing visible changed is zero bytes and is
/// not sent at all.
pub struct FrameBackend {
    out: Vec<u8>,
    size: Size,
    cursor: Position,
    /// Whether the client's real cursor is known to be at `cursor` (drawing
    /// cells moves it).
    placed: Placed,
    shown: Option<Shown>,
    /// The shape last sent; `None` when the client's is unknown (after a
    /// clear, or before the first frame).
    style: Option<vt100::CursorStyle>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placed {
    Known,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Visible,
    Hidden,
}

impl FrameBackend {
    pub fn new(size: Size) -> Self {
        Self {
            out: Vec::new(),
            size,
            cursor: Position::ORIGIN,
            placed: Placed::Unknown,
            shown: None,
            style: None,
        }
    }

    /// Sets the cursor's shape (DECSCUSR) to the focused program's, when it
    /// changed.
    pub fn set_cursor_style(&mut self, style: vt100::CursorStyle) {
        if self.style == Some(style) {
            return;
        }
        self.style = Some(style);
        let code = match style {
            vt100::CursorStyle::Default => 0,
            vt100::CursorStyle::BlinkBlock => 1,
            vt100::CursorStyle::SteadyBlock => 2,
            vt100::CursorStyle::BlinkUnderline => 3,
            vt100::CursorStyle::SteadyUnderline => 4,
            vt100::CursorStyle::BlinkVerticalBar => 5,
            vt100::CursorStyle::SteadyVerticalBar => 6,
        };
        self.out
            .extend_from_slice(format!("\x1b[{code} q").as_bytes());
    }

    /// Sets the size reported to ratatui (call `Terminal::resize` too).
    pub fn set_size(&mut self, size: Size) {
        self.size = size;
    }

    /// The bytes written since the last call.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Encodes `content`, cells at their positions.
    pub fn draw_cells<'a>(&mut self, content: impl Iterator<Item = (u16, u16, &'a Cell)>) {
        let mut content = content.peekable();
        if content.peek().is_none() {
            return;
        }
        self.placed = Placed::Unknown;
        ansi::cells(&mut self.out, content);
    }

    /// Clears the whole screen; nothing about the client's cursor is
    /// assumed afterwards.
    pub fn clear_screen(&mut self) {
        self.placed = Placed::Unknown;
        self.shown = None;
        self.style = None;
        self.out.extend_from_slice(b"\x1b[2J");
    }

    /// Shows the cursor at `position`, or hides it; sends only what changed.
    pub fn place_cursor(&mut self, position: Option<Position>) {
        match position {
            None => self.set_shown(Shown::Hidden),
            Some(position) => {
                self.set_shown(Shown::Visible);
                if self.placed == Placed::Known && self.cursor == position {
                    return;
                }
                self.cursor = position;
                self.placed = Placed::Known;
                ansi::move_to(&mut self.out, position.x, position.y);
            }
        }
    }

    fn set_shown(&mut self, shown: Shown) {
        if self.shown == Some(shown) {
            return;
        }
        self.shown = Some(shown);
        let sequence: &[u8] = match shown {
            Shown::Hidden => b"\x1b[?25l",
            Shown::Visible => b"\x1b[?25h",
        };
        self.out.extend_from_slice(sequence);
    }
}

impl Backend for FrameBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.draw_cells(content);
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.set_shown(Shown::Hidden);
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.set_shown(Shown::Visible);
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        if self.placed == Placed::Known && self.cursor == position {
            return Ok(());
        }
        self.cursor = position;
        self.placed = Placed::Known;
        ansi::move_to(&mut self.out, position.x, position.y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_screen();
        Ok(())
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        let sequence: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.out.extend_from_slice(sequence);
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::ZERO,
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use ratatui::widgets::Paragraph;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    use super::*;

    fn terminal() -> Terminal<FrameBackend> {
        let area = ratatui::layout::Rect::new(0, 0, 20, 4);
        Terminal::with_options(
            FrameBackend::new(area.as_size()),
            TerminalOptions {
                viewport: Viewport::Fixed(area),
            },
        )
        .unwrap()
    }

    fn frame(
        terminal: &mut Terminal<FrameBackend>,
        text: &str,
        cursor: Option<(u16, u16)>,
    ) -> Vec<u8> {
        terminal
            .draw(|f| {
                f.render_widget(Paragraph::new(text), f.area());
                if let Some(at) = cursor {
                    f.set_cursor_position(at);
                }
            })
            .unwrap();
        terminal.backend_mut().take_bytes()
    }

    #[test]
    fn an_unchanged_frame_is_empty() {
        let mut t = terminal();
        assert!(!frame(&mut t, "hello", Some((1, 1))).is_empty());
        assert_eq!(frame(&mut t, "hello", Some((1, 1))), b"");
        assert_eq!(frame(&mut t, "hello", None).as_slice(), b"\x1b[?25l");
        assert_eq!(frame(&mut t, "hello", None), b"");
    }

    #[test]
    fn the_cursor_is_placed_again_after_cells_move_it() {
        let mut t = terminal();
        frame(&mut t, "hello", Some((1, 1)));
        let bytes = String::from_utf8(frame(&mut t, "jello", Some((1, 1)))).unwrap();
        assert!(bytes.contains('j'), "{bytes:?}");
        assert!(bytes.ends_with("\x1b[2;2H"), "{bytes:?}");
    }
}
