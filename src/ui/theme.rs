//! The dashboard's look in one place: colours, glyphs, the words for each
//! agent status, and the two text helpers (centring, word wrapping) the
//! views share. Changing how grove looks should mean editing this file, not
//! hunting through every view.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use ratatui::text::{Line, Span};

use crate::agent::{Seen, State};
use crate::protocol::AgentStatus;
use crate::workspace::readiness::Readiness;

/// The accent for whatever has the focus.
pub const ACCENT: Color = Color::Cyan;
/// Borders and text that should recede.
pub const MUTED: Color = Color::DarkGray;

/// Whether a pane or entry has the focus; decides its emphasis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Focused,
    Unfocused,
}

/// A focused pane's border is heavy as well as coloured, so it stands out
/// without colour too.
pub fn border_set(focus: Focus) -> border::Set<'static> {
    match focus {
        Focus::Focused => border::THICK,
        Focus::Unfocused => border::ROUNDED,
    }
}

pub fn border_style(focus: Focus) -> Style {
    match focus {
        Focus::Focused => Style::new().fg(ACCENT).add_modifier(Modifier::BOLD),
        Focus::Unfocused => Style::new().fg(MUTED),
    }
}

/// What the agent is doing, when its process runs and a tracker has
/// looked; otherwise just whether the process runs.
fn running_state(status: &AgentStatus, state: Option<State>) -> Option<State> {
    match status {
        AgentStatus::Running => state,
        AgentStatus::Exited { .. } | AgentStatus::Stopped => None,
    }
}

/// The status as a pane title shows it.
pub fn status_label(status: &AgentStatus, state: Option<State>) -> String {
    match (status, running_state(status, state)) {
        (AgentStatus::Exited { how }, _) => format!("exited: {how}"),
        (AgentStatus::Stopped, _) => "stopped".to_owned(),
        (AgentStatus::Running, None) => "running".to_owned(),
        (AgentStatus::Running, Some(state)) => state_word(state).to_owned(),
    }
}

/// A word for each state, as the status bar and pane titles say it.
pub fn state_word(state: State) -> &'static str {
    match state {
        State::Starting => "starting",
        State::Working => "working",
        State::WaitingForInput => "waiting for you",
        State::Idle { seen: Seen::Unseen } => "done",
        State::Idle { seen: Seen::Seen } => "idle",
        State::Exited { .. } => "exited",
    }
}

/// One cell that tells the status at a glance in the sidebar.
pub fn status_glyph(status: &AgentStatus, state: Option<State>) -> &'static str {
    match (status, running_state(status, state)) {
        (AgentStatus::Exited { .. }, _) => "✗",
        (AgentStatus::Stopped, _) => "□",
        (AgentStatus::Running, None | Some(State::Working)) => "●",
        (AgentStatus::Running, Some(State::Starting)) => "◌",
        (AgentStatus::Running, Some(State::WaitingForInput)) => "?",
        (AgentStatus::Running, Some(State::Idle { seen: Seen::Unseen })) => "✓",
        (AgentStatus::Running, Some(State::Idle { seen: Seen::Seen })) => "○",
        (AgentStatus::Running, Some(State::Exited { .. })) => "✗",
    }
}

pub fn status_style(status: &AgentStatus, state: Option<State>) -> Style {
    match (status, running_state(status, state)) {
        // Bold until the user has seen it, as finished work is.
        (AgentStatus::Exited { .. }, _) | (AgentStatus::Running, Some(State::Exited { .. })) => {
            match state.is_some_and(State::needs_attention) {
                true => Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                false => Style::new().fg(Color::Red),
            }
        }
        (AgentStatus::Stopped, _) | (AgentStatus::Running, Some(State::Starting)) => {
            Style::new().fg(MUTED)
        }
        (AgentStatus::Running, None | Some(State::Working)) => Style::new().fg(Color::Green),
        (AgentStatus::Running, Some(State::WaitingForInput)) => {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        }
        (AgentStatus::Running, Some(State::Idle { seen: Seen::Unseen })) => {
            Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
        }
        (AgentStatus::Running, Some(State::Idle { seen: Seen::Seen })) => Style::new(),
    }
}

/// What asks for the user in the status bar.
pub fn attention() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// A readiness badge's colour: green when mergeable, red when something is
/// wrong, yellow when work is pending, grey when there is nothing to say.
pub fn readiness_style(readiness: &Readiness) -> Style {
    match readiness {
        Readiness::Ready => Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
        Readiness::Conflicts { .. } | Readiness::CheckFailed | Readiness::WorktreeMissing => {
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
        }
        Readiness::Uncommitted | Readiness::Behind { .. } => Style::new().fg(Color::Yellow),
        // A hook may still be running; or a killed git left it behind.
        Readiness::IndexLocked | Readiness::OffBranch { .. } => {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        }
        Readiness::Overlaps { .. } => Style::new().fg(Color::Magenta),
        Readiness::Merged => Style::new().fg(Color::Blue),
        Readiness::Unknown | Readiness::NoChanges => Style::new().fg(MUTED),
    }
}

/// The status line's background, so it reads as chrome rather than output.
pub fn status_bar() -> Style {
    Style::new().bg(Color::Indexed(236)).fg(Color::Gray)
}

pub fn prefix_badge() -> Style {
    Style::new()
        .bg(Color::Yellow)
        .fg(Color::Black)
        .add_modifier(Modifier::BOLD)
}

pub fn message() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red)
}

pub fn hint() -> Style {
    Style::new().fg(MUTED)
}

pub fn heading() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new()
        .bg(ACCENT)
        .fg(Color::Black)
        .add_modifier(Modifier::BOLD)
}

/// Display width in cells.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// Greedy word wrap to `max` cells; a word longer than a line is left
/// for the renderer to truncate rather than split mid-grapheme.
pub fn wrap_words(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && width(&line) + 1 + width(word) > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws lines centred both ways in `area`, cropping what does not fit.
pub fn draw_centered(lines: &[Line<'_>], area: Rect, buf: &mut Buffer) {
    let count = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let top = area.y + area.height.saturating_sub(count) / 2;
    for (line, y) in lines.iter().zip(top..area.bottom()) {
        let line_width = u16::try_from(line.width()).unwrap_or(u16::MAX);
        let x = area.x + area.width.saturating_sub(line_width) / 2;
        buf.set_line(x, y, line, area.right() - x);
    }
}

/// Wraps each paragraph to `area` and draws the result centred.
pub fn draw_centered_text(paragraphs: &[(&str, Style)], area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line<'_>> = paragraphs
        .iter()
        .flat_map(|&(text, style)| {
            wrap_words(text, usize::from(area.width))
                .into_iter()
                .map(move |line| Line::styled(line, style))
        })
        .collect();
    draw_centered(&lines, area, buf);
}

/// `text` cut to at most `width` cells, with `…` when cut: a wide
/// character (CJK, an emoji) takes two.
pub fn fit(text: &str, width: usize) -> String {
    if self::width(text) <= width {
        return text.to_owned();
    }
    let mut cut = String::new();
    let mut used = 1; // the `…`
    for c in text.chars() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used > width {
            break;
        }
        cut.push(c);
    }
    if width > 0 {
        cut.push('…');
    }
    cut
}

/// A pull request in one cell after its number: merged, closed, draft, or
/// its checks (passing, failing, running).
pub fn pr_glyph(pr: &crate::workspace::PrState) -> &'static str {
    use crate::workspace::{Checks, PrLifecycle};
    match (pr.state, pr.checks) {
        (PrLifecycle::Merged, _) => "⇡",
        (PrLifecycle::Closed, _) => "×",
        (PrLifecycle::Draft, _) => "…",
        (PrLifecycle::Open, Checks::Passing) => "✓",
        (PrLifecycle::Open, Checks::Failing) => "✗",
        (PrLifecycle::Open, Checks::Pending | Checks::None) => "○",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_words_breaks_at_spaces_and_keeps_long_words_whole() {
        assert_eq!(
            wrap_words("press Enter to start it", 11),
            ["press Enter", "to start it"]
        );
        assert_eq!(
            wrap_words("a supercalifragilistic b", 5),
            ["a", "supercalifragilistic", "b"]
        );
        assert!(wrap_words("   ", 5).is_empty());
        assert_eq!(wrap_words("漢字 漢字", 5), ["漢字", "漢字"]);
    }

    #[test]
    fn fit_counts_cells_not_characters() {
        assert_eq!(fit("idle", 4), "idle");
        assert_eq!(fit("no output", 5), "no o…");
        // Two cells a character: four fit in nine with the ellipsis, and a
        // half is never drawn.
        assert_eq!(fit("漢字漢字漢字", 9), "漢字漢字…");
        assert_eq!(fit("漢字漢字漢字", 8), "漢字漢…");
        assert_eq!(fit("anything", 0), "");
    }
}
