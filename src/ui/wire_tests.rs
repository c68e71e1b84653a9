//! Whole dashboards through the backend the server uses: a sequence of
//! frames is drawn into a `CrosstermBackend`, the bytes are replayed into a
//! vt100 of the client's size, and what the client would see must match
//! the frame buffer cell for cell. This is what catches diff mistakes that
//! text snapshots cannot: wide glyphs under overlay edges, continuation
//! cells, cursor moves after emoji.

use ratatui::backend::CrosstermBackend;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::test_support::{SharedBytes, parser};
use super::*;

const OUTPUT: [&str; 3] = [
    "\x1b[1;32m●\x1b[0m Read src/auth.rs\r\n\x1b[48;5;22m+ added line\x1b[0m\r\n> ",
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
            x += width;
        }
    }
}

#[test]
fn frames_replayed_by_a_client_match_the_buffers() {
    let (width, height) = (100, 24);
    // Wide glyphs at every alignment, so overlay edges cut through some.
    let filler: String = (0..24)
        .map(|row| format!("\r\n{}{}", "x".repeat(row % 2), "中🎉".repeat(20)))
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
            screen: Some(parser.screen()),
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
    let bytes = SharedBytes::default();
    let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
    let backend = CrosstermBackend::new(bytes.clone());
    let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport }).unwrap();
    let mut client = parser(height, width, b"");
    for (name, view) in &frames {
        let completed = terminal.draw(|frame| render(view, frame)).unwrap();
        let buffer = completed.buffer.clone();
        client.process(&bytes.take());
        assert_screen_matches(client.screen(), &buffer, name);
    }
}
