//! What one dashboard frame costs the server: `ui::render` into a ratatui
//! `Terminal` over the server's own [`FrameBackend`], i.e. drawing, diffing
//! against the previous frame and encoding the ANSI bytes, for 1, 4 and 16
//! visible panes whose inner areas are 200×50 vt100 screens full of
//! coloured text.
//!
//! `changed` alternates between two sets of screens so every cell differs
//! from the last frame (the worst case: every agent repainting at once);
//! `unchanged` redraws the same screens, which must cost no bytes at all;
//! `views_only` is `render` into the buffer without the diff and encoding;
//! `one_changed` is one pane printing while every other one is copied from
//! the screen the last frame drew (`server/reuse.rs`); `one_patched` is the
//! same change as the server draws it now, only that pane's inside compared
//! and encoded (`server/patch.rs`).
//! The byte counts are printed once before measuring.

// A benchmark reports its byte counts on stderr, next to criterion's output.
#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::io;
use std::num::NonZeroU16;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use grove::protocol::AgentStatus;
use grove::server::backend::FrameBackend;
use grove::server::canvas::Canvas;
use grove::ui::{
    DashboardView, DrawnScreen, InputMode, LayoutMode, Overlay, PaneView, SidebarEntry, layout,
    render,
};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const ROWS: u16 = 50;
const COLS: u16 = 200;
const WORDS: [&str; 8] = [
    "fn ",
    "render",
    "(view: ",
    "&Dashboard",
    ") -> ",
    "Result<()> ",
    "{ let ",
    "x = 42; ",
];

/// A full 200×50 screen of words in changing 256-colour foregrounds, some
/// on truecolour backgrounds, some bold; `seed` shifts every word and colour.
fn screen(seed: usize) -> vt100::Parser {
    let mut text = String::new();
    for row in 0..usize::from(ROWS) {
        if row > 0 {
            text.push_str("\r\n");
        }
        let (mut col, mut word) = (0, 0);
        while col < usize::from(COLS) {
            let mix = seed + row * 7 + word * 13;
            let piece = WORDS[mix % WORDS.len()];
            let piece = &piece[..piece.len().min(usize::from(COLS) - col)];
            let _ = write!(text, "\x1b[0;38;5;{}m", mix % 256);
            if mix.is_multiple_of(5) {
                let _ = write!(text, "\x1b[48;2;{};{};{}m", mix % 40, 20, mix % 60);
            }
            if mix.is_multiple_of(3) {
                text.push_str("\x1b[1m");
            }
            text.push_str(piece);
            col += piece.len();
            word += 1;
        }
    }
    let rows = NonZeroU16::MIN.saturating_add(ROWS - 1);
    let cols = NonZeroU16::MIN.saturating_add(COLS - 1);
    let mut parser = vt100::Parser::new(rows, cols, 0);
    parser.process(text.as_bytes());
    parser
}

/// A terminal where `side`×`side` tiled panes each get a 200×50 inside.
fn terminal_area(side: u16) -> Rect {
    Rect::new(
        0,
        0,
        layout::SIDEBAR_WIDTH + side * (COLS + 2),
        side * (ROWS + 2) + 1,
    )
}

fn view<'a>(screens: &'a [vt100::Parser], status: &'a AgentStatus) -> DashboardView<'a> {
    let panes: Vec<PaneView<'a>> = screens
        .iter()
        .map(|parser| PaneView {
            name: "agent",
            branch: "grove/agent",
            agent: "claude",
            status,
            state: Some(grove::agent::State::Working),
            reason: Some("screen shows \"esc to interrupt\" (working rule 1)"),
            scroll: None,
            screen: Some(parser.screen()),
            drawn: None,
        })
        .collect();
    let sidebar = panes
        .iter()
        .enumerate()
        .map(|(index, pane)| SidebarEntry {
            repo: "grove",
            name: pane.name,
            branch: pane.branch,
            status,
            state: pane.state,
            since: 0,
            git: None,
            focused: index == 0,
        })
        .collect();
    DashboardView {
        repo: "grove",
        panes,
        sidebar,
        layout: LayoutMode::Tiled,
        focus: Some(0),
        input: InputMode::Normal,
        overlay: Overlay::None,
        message: None,
        hints: "C-b ? help",
        new_workspace_key: "C-b c",
        job: None,
        main_percent: grove::ui::layout::MAIN_PERCENT,
        sidebar_shown: grove::ui::layout::Sidebar::Shown,
    }
}

fn frames(c: &mut Criterion) -> io::Result<()> {
    let status = AgentStatus::Running;
    let mut group = c.benchmark_group("frame");
    for side in [1u16, 2, 4] {
        let count = usize::from(side * side);
        let first: Vec<vt100::Parser> = (0..count).map(screen).collect();
        let second: Vec<vt100::Parser> = (0..count).map(|i| screen(i + 1000)).collect();
        let views = [view(&first, &status), view(&second, &status)];
        let area = terminal_area(side);
        let viewport = Viewport::Fixed(area);
        let backend = FrameBackend::new(area.as_size());
        let mut terminal = Terminal::with_options(backend, TerminalOptions { viewport })?;
        let layout = layout::compute(area, count, LayoutMode::Tiled, Some(0));
        let inner = layout.panes[0].inner;
        terminal.draw(|frame| render(&views[0], frame))?;
        let full = terminal.backend_mut().take_bytes().len();
        terminal.draw(|frame| render(&views[1], frame))?;
        let changed = terminal.backend_mut().take_bytes().len();
        terminal.draw(|frame| render(&views[1], frame))?;
        let unchanged = terminal.backend_mut().take_bytes();
        eprintln!(
            "{count} panes of {}x{} in {}x{}: first frame {full} B, all changed {changed} B, \
             unchanged {} B {:?}",
            inner.width,
            inner.height,
            area.width,
            area.height,
            unchanged.len(),
            String::from_utf8_lossy(&unchanged),
        );
        let mut flip = 0;
        group.bench_function(BenchmarkId::new("changed", count), |b| {
            b.iter(|| {
                flip = 1 - flip;
                let drawn = terminal.draw(|frame| render(&views[flip], frame)).is_ok();
                black_box((drawn, terminal.backend_mut().take_bytes().len()))
            });
        });
        group.bench_function(BenchmarkId::new("unchanged", count), |b| {
            b.iter(|| {
                let drawn = terminal.draw(|frame| render(&views[flip], frame)).is_ok();
                black_box((drawn, terminal.backend_mut().take_bytes().len()))
            });
        });
        // One agent of `count` printing: every other pane's screen is the
        // one the last frame drew (`PaneView::drawn`), copied, as the server
        // does; the printing one alternates between two screens.
        let mut frame_of_first = terminal.get_frame();
        render(&views[0], &mut frame_of_first);
        // A clone, not `Buffer::merge`: ratatui's merge multiplies in u16 and
        // overflows past 65535 cells (16 panes here are 840x209).
        let reference = frame_of_first.buffer_mut().clone();
        terminal.current_buffer_mut().reset();
        let slots = layout::compute(area, count, LayoutMode::Tiled, Some(0));
        let kept: Vec<DrawnScreen> = slots
            .panes
            .iter()
            .map(|slot| DrawnScreen::capture(&reference, slot.inner))
            .collect();
        let one_changed: [DashboardView<'_>; 2] = [0, 1].map(|which| {
            let mut view = view(&first, &status);
            for (index, pane) in view.panes.iter_mut().enumerate() {
                match index {
                    0 => pane.screen = Some([&first, &second][which][0].screen()),
                    _ => pane.drawn = kept.get(index),
                }
            }
            view
        });
        group.bench_function(BenchmarkId::new("one_changed", count), |b| {
            b.iter(|| {
                flip = 1 - flip;
                let drawn = terminal
                    .draw(|frame| render(&one_changed[flip], frame))
                    .is_ok();
                black_box((drawn, terminal.backend_mut().take_bytes().len()))
            });
        });
        // The same agent printing as the server draws it now: only its
        // pane's inside, compared with what the client shows
        // (`server/patch.rs`).
        let mut canvas = Canvas::new(area);
        canvas.draw(|area, buf| grove::ui::dashboard::draw(&views[0], area, buf));
        canvas.backend_mut().take_bytes();
        let screens = [first[0].screen(), second[0].screen()];
        group.bench_function(BenchmarkId::new("one_patched", count), |b| {
            b.iter(|| {
                flip = 1 - flip;
                let mut region = Buffer::empty(inner);
                grove::ui::pane::draw_screen(screens[flip], inner, &mut region);
                canvas.patch(region);
                canvas.place_cursor(None);
                black_box(canvas.backend_mut().take_bytes().len())
            });
        });
        // The views alone, without ratatui's diff and the ANSI encoding:
        // the part of a frame this crate's code (and vt100's reads) costs.
        group.bench_function(BenchmarkId::new("views_only", count), |b| {
            b.iter(|| {
                let mut frame = terminal.get_frame();
                render(&views[flip], &mut frame);
                black_box(frame.buffer_mut().content.len());
                terminal.current_buffer_mut().reset();
            });
        });
    }
    group.finish();
    Ok(())
}

fn bench(c: &mut Criterion) {
    if let Err(error) = frames(c) {
        eprintln!("frame benchmark failed: {error}");
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
