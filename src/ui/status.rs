//! The status line: a `PREFIX` badge while the next key is a command, the
//! repository and its workspace count (and how many are off screen), the
//! server's message, and the key hints on the right.
//!
//! The hints are the first thing to go when the line is short: the badge
//! and the message answer "what is happening", the hints only "what could I
//! do", which the help overlay also answers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme;
use super::{DashboardView, InputMode, LayoutMode};

/// `hidden` is how many panes the layout could not show.
pub fn render(view: &DashboardView<'_>, hidden: usize, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    buf.set_style(area, theme::status_bar());
    let mut left = Vec::new();
    match view.input {
        InputMode::Prefix => left.push(Span::styled(" PREFIX ", theme::prefix_badge())),
        InputMode::Normal => {}
    }
    left.push(Span::styled(format!(" {} ", view.repo), theme::heading()));
    left.push(Span::styled("· ", theme::hint()));
    left.push(Span::raw(workspace_count(view.panes.len())));
    let off_screen = match view.layout {
        LayoutMode::Zoom if view.panes.len() > 1 => Some("zoomed".to_owned()),
        LayoutMode::Zoom | LayoutMode::Tiled | LayoutMode::MainStack if hidden > 0 => {
            Some(format!("{hidden} hidden"))
        }
        LayoutMode::Zoom | LayoutMode::Tiled | LayoutMode::MainStack => None,
    };
    if let Some(off_screen) = off_screen {
        left.push(Span::styled(" · ", theme::hint()));
        left.push(Span::raw(off_screen));
    }
    if let Some(job) = &view.job {
        left.push(Span::styled(" · ", theme::hint()));
        left.push(Span::raw(job_line(job)));
    }
    if let Some(waiting) = needing_you(view) {
        left.push(Span::styled(" · ", theme::hint()));
        left.push(Span::styled(waiting, theme::attention()));
    }
    if let Some(message) = view.message {
        left.push(Span::raw("  "));
        left.push(Span::styled(message, theme::message()));
    }
    let left = Line::from(left);
    let right = Line::from(Span::styled(format!("{} ", view.hints), theme::hint()));
    let (left_width, right_width) = (left.width(), right.width());
    buf.set_line(area.x, area.y, &left, area.width);
    let room = usize::from(area.width);
    if !view.hints.is_empty() && left_width + 2 + right_width <= room {
        let x = area.right() - u16::try_from(right_width).unwrap_or(area.width);
        buf.set_line(x, area.y, &right, area.width);
    }
}

/// `job headers [####------] 5/12 · 3 running · 1 failed`: the counts that
/// are not zero.
fn job_line(job: &super::JobView<'_>) -> String {
    const WIDTH: usize = 10;
    let c = job.counts;
    let total = c.total().max(1);
    let filled = c.finished() * WIDTH / total;
    let mut line = format!(
        "job {} [{}{}] {}/{}",
        job.name,
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        c.merged,
        c.total()
    );
    for (count, word) in [
        (c.running, "running"),
        (c.waiting, "waiting for you"),
        (c.checking, "checking"),
        (c.failed, "failed"),
        (c.conflict, "conflict"),
    ] {
        if count > 0 {
            line.push_str(&format!(" · {count} {word}"));
        }
    }
    line
}

/// `2 need you: api, web` when agents wait for input or finished unseen,
/// in the order `prefix a` visits them (questions first, the longest
/// waiting first); one of another repository says which (`web (shop)`),
/// as its name may be no pane of this dashboard.
fn needing_you(view: &DashboardView<'_>) -> Option<String> {
    let mut needing: Vec<_> = view
        .sidebar
        .iter()
        .filter_map(|e| Some((e.state?.urgency()?, e.since, e)))
        .collect();
    needing.sort_by_key(|&(urgency, since, _)| (urgency, since));
    let names: Vec<String> = needing
        .into_iter()
        .map(|(.., e)| match e.repo == view.repo {
            true => e.name.to_owned(),
            false => format!("{} ({})", e.name, e.repo),
        })
        .collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(format!("{one} needs you")),
        many => Some(format!("{} need you: {}", many.len(), many.join(", "))),
    }
}

fn workspace_count(count: usize) -> String {
    match count {
        0 => "no workspaces".to_owned(),
        1 => "1 workspace".to_owned(),
        many => format!("{many} workspaces"),
    }
}
