//! Whole dashboards through the backend the server uses, [`FrameBackend`]
//! with its own ANSI encoder, and through crossterm's for reference: a
//! sequence of frames is drawn, the bytes are replayed into a vt100 of the
//! client's size, and what the client would see must match the frame
//! buffer cell for cell, in text, colours and attributes, with the cursor
//! where the frame put it. This is what catches diff and encoder mistakes
//! that text snapshots cannot: wide glyphs under overlay edges,
//! continuation cells, cursor moves after emoji, a style left on.

use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::test_support::{SharedBytes, parser};
use super::*;
use crate::server::backend::FrameBackend;

const OUTPUT: [&str; 3] = [
    "\x1b[1;32m●\x1b[0m Read src/auth.rs\r\n\x1b[48;5;22m+ added line\x1b[0m \
     \x1b[3;4;38;2;255;100;0mitalic, underlined\x1b[0m \x1b[2;35mdim\x1b[0m\r\n> ",
    "翻訳ファイルを更新します 日本語のテキスト 中文文本 한국어 텍스트\r\nzh: 中文",
    "Tests 🎉 passed ❤\u{fe0f} ok 👍👍👍 end\r\n\x1b[7m inverse \x1b[0m 漢字",
];

/// Asserts that the client's screen shows exactly what `buffer` holds.
fn assert_screen_matches(screen: &vt100::Screen, buffer: &Buffer, frame: &str) {
    let area = buffer.area;
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buffer[(x, y)];
            let shown = screen.cell(y, x).unwrap();
            let text = if shown.has_contents() {
                shown.contents()
            } else {
                " "
            };
            assert_eq!(text, cell.symbol(), "{frame}: ({x},{y})");
            let width = cell.cell_width().max(1);
            for covered in x + 1..(x + width).min(area.width) {
                // Anything here would be hidden under the wide glyph.
                let hidden = buffer[(covered, y)].symbol();
                assert_eq!(
                    hidden,
                    " ",
                    "{frame}: ({covered},{y}) under {:?}",
                    cell.symbol()
                );
                assert!(screen.cell(y, covered).unwrap().is_wide_continuation());
            }
            assert_style(shown, cell, &format!("{frame}: ({x},{y})"));
            x += width;
        }
    }
}

/// The colour a client shows for `color`: crossterm and our encoder both
/// send the named colours as indexed ones.
fn shown_color(color: Color) -> vt100::Color {
    let index = match color {
        Color::Reset => return vt100::Color::Default,
        Color::Rgb(r, g, b) => return vt100::Color::Rgb(r, g, b),
        Color::Indexed(index) => return vt100::Color::Idx(index),
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
    };
    vt100::Color::Idx(index)
}

fn assert_style(shown: &vt100::Cell, cell: &Cell, at: &str) {
    assert_eq!(shown.fgcolor(), shown_color(cell.fg), "{at} fg");
    assert_eq!(shown.bgcolor(), shown_color(cell.bg), "{at} bg");
    let has = |flag| cell.modifier.contains(flag);
    let attributes = [
        (shown.bold(), has(Modifier::BOLD)),
        // vt100 keeps one intensity: bold wins over dim.
        (shown.dim(), has(Modifier::DIM) && !has(Modifier::BOLD)),
        (shown.italic(), has(Modifier::ITALIC)),
        (shown.underline(), has(Modifier::UNDERLINED)),
        (shown.inverse(), has(Modifier::REVERSED)),
    ];
    assert_eq!(
        attributes.map(|(shown, _)| shown),
        attributes.map(|(_, want)| want),
        "{at}"
    );
}

/// The client's cursor is where, and as visible as, the frame left it.
fn assert_cursor(screen: &vt100::Screen, expected: &TestBackend, frame: &str) {
    assert_eq!(!screen.hide_cursor(), expected.cursor_visible(), "{frame}");
    if expected.cursor_visible() {
        let at = expected.cursor_position();
        assert_eq!(screen.cursor_position(), (at.y, at.x), "{frame}");
    }
}

#[test]
fn frames_replayed_by_a_client_match_the_buffers() {
    let (width, height) = (100, 24);
    // Wide glyphs at every alignment, so overlay edges cut through some;
    // rows that neither wrap nor scroll, so the styled output above them
    // stays on screen.
    let filler: String = (0..17)
        .map(|row| format!("\r\n{}{}", "x".repeat(row % 2), "中🎉".repeat(18)))
        .collect();
    let parsers: Vec<vt100::Parser> = OUTPUT
        .iter()
        .map(|bytes| parser(21, 74, format!("{bytes}{filler}").as_bytes()))
        .collect();
    let running = AgentStatus::Running;
    let panes: Vec<PaneView<'_>> = parsers
        .iter()
        .zip(["auth", "i18n", "emoji"])
        .map(|(parser, name)| PaneView {
            name,
            branch: "grove/x",
            agent: "claude",
            status: &running,
            state: None,
            reason: None,
            scroll: None,
            screen: Some(parser.screen()),
            drawn: None,
        })
        .collect();
    let base = DashboardView {
        repo: "grove",
        panes,
        sidebar: Vec::new(),
        layout: LayoutMode::Tiled,
        focus: Some(0),
        input: InputMode::Normal,
        overlay: Overlay::None,
        message: None,
        hints: "C-b ? help",
        new_workspace_key: "C-b c",
        job: None,
        main_percent: crate::ui::layout::MAIN_PERCENT,
        sidebar_shown: crate::ui::layout::Sidebar::Shown,
    };
    let form = NewWorkspaceForm {
        name: "漢字".into(),
        ..NewWorkspaceForm::default()
    };
    let with = |overlay, layout| DashboardView {
        overlay,
        layout,
        ..base.clone()
    };
    let frames = [
        ("tiled", base.clone()),
        (
            "form",
            with(Overlay::NewWorkspace { form: &form }, LayoutMode::Tiled),
        ),
        (
            "confirm",
            with(Overlay::Confirm { question: "Stop?" }, LayoutMode::Tiled),
        ),
        ("main stack", with(Overlay::None, LayoutMode::MainStack)),
        ("zoom", with(Overlay::None, LayoutMode::Zoom)),
        (
            "zoom, form",
            with(Overlay::NewWorkspace { form: &form }, LayoutMode::Zoom),
        ),
        (
            "zoom, confirm",
            with(Overlay::Confirm { question: "Stop?" }, LayoutMode::Zoom),
        ),
        ("zoom again", with(Overlay::None, LayoutMode::Zoom)),
        ("tiled again", base.clone()),
    ];
    let area = Rect::new(0, 0, width, height);
    let options = || TerminalOptions {
        viewport: Viewport::Fixed(area),
    };
    let bytes = SharedBytes::default();
    let mut crossterm =
        Terminal::with_options(CrosstermBackend::new(bytes.clone()), options()).unwrap();
    let mut ours = Terminal::with_options(FrameBackend::new(area.as_size()), options()).unwrap();
    let mut expected = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut crossterm_client = parser(height, width, b"");
    let mut our_client = parser(height, width, b"");
    for (name, view) in &frames {
        expected.draw(|frame| render(view, frame)).unwrap();
        let buffer = draw(&mut crossterm, view);
        crossterm_client.process(&bytes.take());
        assert_screen_matches(crossterm_client.screen(), &buffer, name);
        let buffer = draw(&mut ours, view);
        our_client.process(&ours.backend_mut().take_bytes());
        assert_screen_matches(our_client.screen(), &buffer, name);
        assert_cursor(our_client.screen(), expected.backend(), name);
        assert_cursor(crossterm_client.screen(), expected.backend(), name);
    }
}

/// Draws `view` and returns the frame's buffer.
fn draw<B: Backend>(terminal: &mut Terminal<B>, view: &DashboardView<'_>) -> Buffer
where
    B::Error: std::fmt::Debug,
{
    let completed = terminal.draw(|frame| render(view, frame)).unwrap();
    completed.buffer.clone()
}
