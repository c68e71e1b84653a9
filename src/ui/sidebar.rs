//! The sidebar: every workspace the server knows, grouped under its
//! repository, each on two lines: the agent's status glyph, the name and the
//! readiness badge; then the branch with ↑ahead ↓behind, +/− lines and files
//! committed, and ~N uncommitted files. The focused one is highlighted.
//!
//! The dashboard's own repository comes first, highlighted, even before it
//! has any workspace; the others
//! follow in order of first appearance. Grouping here means the view never
//! depends on the server having sorted the entries. When the list is taller than the sidebar it
//! scrolls just enough to keep the focused entry in sight.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

use super::SidebarEntry;
use super::theme;

pub fn render(entries: &[SidebarEntry<'_>], current_repo: &str, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let block = Block::new()
        .borders(Borders::RIGHT)
        .border_style(Style::new().fg(theme::MUTED));
    let inner = block.inner(area);
    block.render(area, buf);
    let (lines, focused) = lines(entries, current_repo, inner.width);
    let height = usize::from(inner.height);
    let first = focused.map_or(0, |line| (line + 1).saturating_sub(height));
    for (line, y) in lines.iter().skip(first).zip(inner.y..inner.bottom()) {
        buf.set_style(Rect::new(inner.x, y, inner.width, 1), line.style);
        buf.set_line(inner.x, y, line, inner.width);
    }
}

/// Lines each entry takes: the name with its badge, then the branch and its
/// numbers.
pub const LINES_PER_ENTRY: usize = 2;

/// The sidebar's lines and which of them is the focused entry. `entry_at`
/// below must place entries the same way.
fn lines<'a>(
    entries: &[SidebarEntry<'a>],
    current_repo: &str,
    width: u16,
) -> (Vec<Line<'a>>, Option<usize>) {
    let mut repos = vec![current_repo];
    for entry in entries {
        if !repos.contains(&entry.repo) {
            repos.push(entry.repo);
        }
    }
    let mut lines = Vec::with_capacity(entries.len() * LINES_PER_ENTRY + 2 * repos.len());
    let mut focused = None;
    for (index, repo) in repos.iter().enumerate() {
        if index > 0 {
            lines.push(Line::default());
        }
        let style = if *repo == current_repo {
            theme::heading().fg(theme::ACCENT)
        } else {
            theme::heading()
        };
        lines.push(Line::styled(format!(" {repo}"), style));
        for entry in entries.iter().filter(|e| e.repo == *repo) {
            if entry.focused {
                focused = Some(lines.len() + 1);
            }
            let [first, second] = entry_lines(entry, usize::from(width));
            lines.push(first);
            lines.push(second);
        }
    }
    (lines, focused)
}

/// `● name      Ready` and `  branch ↑2↓1 +40−3 4f ~2`.
fn entry_lines<'a>(entry: &SidebarEntry<'a>, width: usize) -> [Line<'a>; 2] {
    let badge = entry.git.map(|g| g.readiness.label()).unwrap_or_default();
    let badge_style = entry
        .git
        .map_or_else(Style::new, |g| theme::readiness_style(&g.readiness));
    let glyph = theme::status_glyph(entry.status, entry.state);
    // "  ● " then the name, then the badge right-aligned. The name keeps
    // at least half the row: a badge as long as `Overlaps (api, web, …)`
    // is cut, not the name it belongs to.
    let text = width.saturating_sub(4);
    let kept = entry.name.chars().count().min(text / 2);
    let badge = theme::fit(&badge, text.saturating_sub(kept + 1));
    let room = text.saturating_sub(badge.chars().count() + 1);
    let name = theme::fit(entry.name, room);
    let pad = width.saturating_sub(4 + name.chars().count() + badge.chars().count());
    let mut numbers = String::new();
    if let Some(git) = entry.git {
        if git.ahead > 0 || git.behind > 0 {
            numbers.push_str(&format!(" ↑{}↓{}", git.ahead, git.behind));
        }
        if git.committed.files > 0 {
            numbers.push_str(&format!(
                " +{}−{} {}f",
                git.committed.insertions, git.committed.deletions, git.committed.files
            ));
        }
        let dirty = git.uncommitted.files + git.untracked;
        if dirty > 0 {
            numbers.push_str(&format!(" ~{dirty}"));
        }
        if let Some(pr) = &git.pr {
            numbers.push_str(&format!(" #{}{}", pr.number, theme::pr_glyph(pr)));
        }
    }
    let branch_room = width.saturating_sub(4 + numbers.chars().count());
    let branch = theme::fit(entry.branch, branch_room);
    let (name_style, detail_style) = match entry.focused {
        true => (theme::selected(), theme::selected()),
        false => (Style::new(), Style::new().fg(theme::MUTED)),
    };
    let first = Line::from(vec![
        Span::styled("  ", name_style),
        Span::styled(glyph, theme::status_style(entry.status, entry.state)),
        Span::styled(" ", name_style),
        Span::styled(name, name_style),
        Span::styled(" ".repeat(pad), name_style),
        Span::styled(badge, badge_style),
    ])
    .style(name_style);
    let second = Line::from(vec![
        Span::styled(format!("    {branch}"), detail_style),
        Span::styled(numbers, detail_style),
    ])
    .style(detail_style);
    [first, second]
}

/// The entry (index into `entries`) drawn at row `row` of a sidebar in
/// `area`, for mouse clicks. Only each entry's repository and focus decide
/// where it is drawn.
pub fn entry_at(
    entries: &[(&str, bool)],
    current_repo: &str,
    area: Rect,
    row: u16,
) -> Option<usize> {
    let mut repos = vec![current_repo];
    for (repo, _) in entries {
        if !repos.contains(repo) {
            repos.push(repo);
        }
    }
    let mut owners: Vec<Option<usize>> = Vec::new();
    let mut focused = None;
    for (index, repo) in repos.iter().enumerate() {
        if index > 0 {
            owners.push(None);
        }
        owners.push(None);
        for (position, (_, is_focused)) in entries.iter().enumerate().filter(|(_, e)| e.0 == *repo)
        {
            if *is_focused {
                focused = Some(owners.len() + 1);
            }
            owners.extend([Some(position); LINES_PER_ENTRY]);
        }
    }
    let first = focused.map_or(0, |line| {
        (line + 1).saturating_sub(usize::from(area.height))
    });
    let offset = usize::from(row.checked_sub(area.y)?);
    owners.get(first + offset).copied().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_badge_is_cut_and_the_name_stays() {
        use crate::git::state::DiffStat;
        use crate::protocol::{AgentStatus, GitSummary};
        use crate::workspace::readiness::{CheckStatus, Readiness};
        let none = DiffStat {
            files: 0,
            insertions: 0,
            deletions: 0,
        };
        let git = GitSummary {
            ahead: 1,
            behind: 0,
            committed: none,
            uncommitted: none,
            untracked: 0,
            conflicts: Vec::new(),
            overlaps: Vec::new(),
            last_commit: None,
            check: CheckStatus::NotConfigured,
            pr: None,
            readiness: Readiness::Overlaps {
                with: vec!["m10-codex".into(), "m3-gemini".into(), "m4-opencode".into()],
            },
            index_lock: None,
        };
        let entry = SidebarEntry {
            repo: "repo",
            name: "m2-codex",
            branch: "grove/m2-codex",
            status: &AgentStatus::Running,
            state: None,
            since: 0,
            git: Some(&git),
            focused: false,
        };
        let [first, _] = entry_lines(&entry, 30);
        let text: String = first.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text.chars().count(), 30, "{text:?}");
        assert_eq!(text, "  ● m2-codex Overlaps (m10-co…");
        // A long name still leaves the badge half the row.
        let long = SidebarEntry {
            name: "a-very-long-workspace-name-indeed",
            ..entry
        };
        let [first, _] = entry_lines(&long, 30);
        let text: String = first.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "  ● a-very-long-… Overlaps (m…");
    }

    #[test]
    fn clicks_land_on_the_entry_drawn_there() {
        let entries = [("app", false), ("other", false), ("app", true)];
        let area = Rect::new(0, 0, 30, 20);
        // " app", then entries 0 and 2 (two lines each), a blank, " other", entry 1.
        let at = |row| entry_at(&entries, "app", area, row);
        assert_eq!(at(0), None);
        assert_eq!((at(1), at(2)), (Some(0), Some(0)));
        assert_eq!((at(3), at(4)), (Some(2), Some(2)));
        assert_eq!((at(5), at(6)), (None, None));
        assert_eq!((at(7), at(8)), (Some(1), Some(1)));
        assert_eq!(at(9), None);
    }
}
