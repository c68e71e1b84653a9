//! Helpers the view tests share: emulator screens fed from byte strings.

use std::num::NonZeroU16;

/// A vt100 parser of `rows`×`cols` that has processed `bytes`.
pub fn parser(rows: u16, cols: u16, bytes: &[u8]) -> vt100::Parser {
    let rows = NonZeroU16::new(rows).unwrap();
    let cols = NonZeroU16::new(cols).unwrap();
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(bytes);
    parser
}

/// A writer whose bytes stay readable after it is handed to a backend
/// (ratatui keeps `CrosstermBackend::writer` behind an unstable feature).
#[derive(Debug, Clone, Default)]
pub struct SharedBytes(pub std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl SharedBytes {
    /// Everything written since the last call.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl std::io::Write for SharedBytes {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Draws `view` on a `width`×`height` test terminal.
pub fn draw(
    view: &super::DashboardView<'_>,
    width: u16,
    height: u16,
) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let backend = ratatui::backend::TestBackend::new(width, height);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal.draw(|frame| super::render(view, frame)).unwrap();
    terminal
}
