//! Drawing: for each dirty client, a [`DashboardView`] borrowed from the
//! session's state and the locked emulators of the panes it shows, drawn into
//! the client's in-memory terminal. ratatui's buffer diff turns it into the
//! bytes that changed; they go to the client's outbox wrapped in
//! synchronized-output markers so the outer terminal shows whole frames.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::canvas::Canvas;
use super::client::{Client, ClientOverlay, Dirty};
use super::gitwork::GitWork;
use super::jobrun::JobRun;
use super::outbox::Continuity;
use super::patch;
use super::reuse::ScreenKey;
use super::session::Session;
use super::workspaces::Table;
use crate::protocol::AgentStatus;
use crate::ui::{self, DashboardView, DrawnScreen, Overlay, PaneView, SidebarEntry};

const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";

/// Whether a round of drawing sent anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Drawn {
    /// At least one client got a frame.
    Sent,
    /// Nothing visible had changed for any dirty client.
    Nothing,
}

impl Session {
    /// Draws every dirty client.
    pub(super) fn render(&mut self) -> Drawn {
        let mut drawn = Drawn::Nothing;
        // Gathered for the first client that needs a whole frame, if any.
        let mut sidebar: Option<Vec<SidebarSource>> = None;
        let mut behind = Vec::new();
        let Session {
            clients,
            table,
            stats,
            git,
            jobs,
            ..
        } = self;
        for client in clients.values_mut().filter(|c| c.dirty != Dirty::Clean) {
            let continuity = client.outbox.continuity();
            let repo = client.repo.clone();
            let shown: Vec<_> = table.shown(repo.as_deref()).collect();
            let bytes = match patch::can_patch(client, &shown) {
                patch::Patch::Screens => {
                    stats.patches += 1;
                    patch::draw_screens(client, &shown)
                }
                patch::Patch::Whole => {
                    let source = sidebar.get_or_insert_with(|| sidebar_source(table, git));
                    full_frame(client, table, git, jobs, source)
                }
            };
            client.dirty = Dirty::Clean;
            if bytes.is_empty() {
                stats.skipped += 1;
                continue;
            }
            drawn = Drawn::Sent;
            let mut framed = Vec::with_capacity(bytes.len() + 16);
            framed.extend_from_slice(SYNC_BEGIN);
            framed.extend_from_slice(&bytes);
            framed.extend_from_slice(SYNC_END);
            stats.frames += 1;
            stats.bytes += framed.len() as u64;
            match continuity {
                Continuity::Intact => {
                    if client.outbox.push(&framed) == Continuity::Broken {
                        // Dropped: the next frame redraws everything.
                        behind.push(client.id);
                    }
                }
                Continuity::Broken => {
                    stats.full_redraws += 1;
                    client.outbox.replace(&framed);
                }
            }
        }
        self.mark_dirty(|c| behind.contains(&c.id));
        drawn
    }
}

/// What the sidebar shows of every workspace.
fn sidebar_source(table: &Table, git: &GitWork) -> Vec<SidebarSource> {
    table
        .all()
        .map(|w| SidebarSource {
            repo: w.record.repo.clone(),
            name: w.record.name.clone(),
            branch: w.record.branch.clone(),
            status: w.status(),
            state: w.agent_activity(),
            since: w.agent_state().map_or(0, |s| s.since),
            git: git.summary(&w.key()),
        })
        .collect()
}

/// Draws the whole dashboard for `client`; the bytes that change its screen.
fn full_frame(
    client: &mut Client,
    table: &Table,
    git: &GitWork,
    jobs: &[JobRun],
    sidebar_source: &[SidebarSource],
) -> Vec<u8> {
    let repo_shown = client.repo.clone();
    let shown: Vec<_> = table.shown(repo_shown.as_deref()).collect();
    // The dashboard's repository's latest run: the one still going,
    // else the last to finish.
    let job = jobs
        .iter()
        .filter(|run| client.repo.as_deref().is_none_or(|r| r == run.repo()))
        .max_by_key(|run| (run.ledger.finished.is_none(), run.ledger.created))
        .map(|run| ui::JobView {
            name: run.name(),
            counts: run.ledger.counts(),
        });
    let statuses: Vec<AgentStatus> = shown.iter().map(|w| w.status()).collect();
    // Locks are taken in pane order and held only while drawing.
    let guards: Vec<_> = shown
        .iter()
        .map(|w| w.live.as_ref().map(|l| l.pane.lock_emulator()))
        .collect();
    // Scroll mode: this client's view of its pane, a screen of its
    // own for this frame (other clients and the status tracker see
    // the live screen).
    let scrolled = scroll_view(client, &shown, &guards);
    // A screen is reused only while nothing is drawn over it.
    let overlaid = client.overlay != ClientOverlay::None;
    let keys: Vec<Option<ScreenKey>> = shown
        .iter()
        .zip(&guards)
        .map(|(w, guard)| {
            let (live, guard) = (w.live.as_ref()?, guard.as_ref()?);
            let marked = scrolled.as_ref().is_some_and(|s| s.name == w.record.name);
            (!overlaid && !marked).then(|| ScreenKey {
                pane: live.id,
                changes: guard.changes(),
            })
        })
        .collect();
    // Held here for the frame (the view borrows it), put back after.
    let mut drawn_panes = std::mem::take(&mut client.drawn);
    let reusable = &drawn_panes;
    let panes: Vec<PaneView<'_>> = shown
        .iter()
        .zip(&statuses)
        .zip(&guards)
        .zip(&keys)
        .map(|(((w, status), guard), key)| {
            let scroll = scrolled.as_ref().filter(|s| s.name == w.record.name);
            let live = guard.as_ref().map(|g| g.screen());
            PaneView {
                drawn: reusable.get(&w.record.name, *key),
                name: &w.record.name,
                branch: &w.record.branch,
                agent: w.record.agent.as_deref().unwrap_or(""),
                status,
                state: w.agent_activity(),
                // An exited agent's title already says how it ended.
                reason: w.agent_reason().filter(|_| *status == AgentStatus::Running),
                scroll: scroll.map(|s| s.marks),
                screen: scroll
                    .and_then(|s| s.view.as_ref())
                    .map(crate::pane::ScrollView::screen)
                    .or(live),
            }
        })
        .collect();
    let client_repo = client.repo.clone();
    let Client {
        repo_name,
        canvas,
        outbox,
        help,
        hints,
        new_workspace_key,
        layout,
        focus,
        input,
        overlay,
        message,
        scroll,
        main_percent,
        sidebar: sidebar_shown,
        drawn: kept_screens,
        ..
    } = client;
    let scroll_hint = scroll.as_ref().map(|s| format!("SCROLL {}", s.hint()));
    let focus = focus
        .as_deref()
        .and_then(|f| panes.iter().position(|p| p.name == f))
        .or(if panes.is_empty() { None } else { Some(0) });
    let focused_name = focus.and_then(|i| panes.get(i)).map(|p| p.name);
    let labels = super::workspaces::repo_labels(
        sidebar_source
            .iter()
            .map(|s| s.repo.as_path())
            .chain(client_repo.as_deref()),
    );
    let label = |repo: &std::path::Path| labels.get(repo).map_or("", String::as_str);
    let repo_name = client_repo.as_deref().map_or(repo_name.as_str(), label);
    let sidebar: Vec<SidebarEntry<'_>> = sidebar_source
        .iter()
        .map(|source| SidebarEntry {
            repo: label(&source.repo),
            name: &source.name,
            branch: &source.branch,
            status: &source.status,
            state: source.state,
            since: source.since,
            git: source.git.as_ref(),
            focused: Some(source.name.as_str()) == focused_name
                && client_repo.as_ref() == Some(&source.repo),
        })
        .collect();
    let question;
    let check_title;
    let prompt_title;
    let prompt_body;
    let cards;
    let diff_title;
    let choices: Vec<ui::choose::ChooseRow<'_>>;
    let refusal;
    let overlay = match overlay {
        ClientOverlay::None => Overlay::None,
        ClientOverlay::Help => Overlay::Help { bindings: help },
        ClientOverlay::NewWorkspace(form) => Overlay::NewWorkspace { form },
        ClientOverlay::ConfirmKill { name } => {
            question = format!("Stop the agent in {name}? Its worktree and branch stay.");
            Overlay::Confirm {
                question: &question,
            }
        }
        ClientOverlay::ConfirmRemove { question, .. } => Overlay::Confirm { question },
        ClientOverlay::MergePreview { text, .. } => Overlay::Text {
            title: "Merge",
            body: text,
            footer: "y merge · any other key cancels",
        },
        ClientOverlay::MergeConflict { text, .. } => Overlay::Text {
            title: "Merge conflict",
            body: text,
            footer: "y type the resolution prompt into the agent · any other key closes",
        },
        ClientOverlay::Diff { name, lines, top } => {
            diff_title = format!("Diff · {name} against its base");
            Overlay::Diff {
                view: ui::diff::DiffView {
                    title: &diff_title,
                    lines,
                    top: *top,
                },
            }
        }
        ClientOverlay::Board { tickets, selected } => {
            cards = super::board::board_cards(tickets, *selected, &shown, git);
            Overlay::Board { cards: &cards }
        }
        ClientOverlay::Choose { filter, selected } => {
            let picked = ui::choose::matching(panes.iter().map(|p| p.name), filter);
            choices = picked
                .into_iter()
                .filter_map(|index| {
                    let pane = panes.get(index)?;
                    Some(ui::choose::ChooseRow {
                        number: index + 1,
                        name: pane.name,
                        agent: pane.agent,
                        status: pane.status,
                        state: pane.state,
                        reason: pane.reason,
                    })
                })
                .collect();
            Overlay::Choose {
                filter,
                rows: &choices,
                selected: *selected,
            }
        }
        ClientOverlay::MergeRefused { text } => {
            refusal = ui::wrapped(text);
            Overlay::Text {
                title: "Not merged",
                body: &refusal,
                footer: "any key closes",
            }
        }
        ClientOverlay::SendPrompt(input) => {
            prompt_title = format!("Prompt for {}", input.target);
            prompt_body = input.shown();
            Overlay::Text {
                title: &prompt_title,
                body: &prompt_body,
                footer: "Enter sends · Alt+Enter new line · Esc cancels",
            }
        }
        ClientOverlay::CheckOutput { name } => {
            check_title = format!("Check · {name}");
            let key = super::workspaces::WorkspaceKey {
                repo: client_repo.clone().unwrap_or_default(),
                name: name.clone(),
            };
            let output = git
                    .entries
                    .get(&key)
                    .map(|e| e.check_output.as_str())
                    .filter(|o| !o.is_empty())
                    .unwrap_or("No check output yet: a check runs after each new commit when `workspace.check` is configured.");
            Overlay::Text {
                title: &check_title,
                body: output,
                footer: "any key closes",
            }
        }
    };
    let view = DashboardView {
        repo: repo_name,
        panes,
        sidebar,
        layout: *layout,
        focus,
        input: *input,
        overlay,
        message: scroll_hint.as_deref().or(message.as_deref()),
        hints,
        new_workspace_key,
        job,
        main_percent: *main_percent,
        sidebar_shown: *sidebar_shown,
    };
    let continuity = outbox.continuity();
    let style = view
        .focus
        .and_then(|i| view.panes.get(i))
        .and_then(|p| p.screen)
        .map(|s| s.cursor_style())
        .unwrap_or_default();
    let mut captured = Vec::new();
    let bytes = draw(canvas, &view, continuity, style, |buf, area| {
        // The screens this frame read out of an emulator, for the
        // next frame to reuse.
        let slots = ui::layout::compute_split(
            area,
            view.panes.len(),
            view.layout,
            view.focus,
            view.main_percent,
            view.sidebar_shown,
        );
        for ((pane, slot), key) in view.panes.iter().zip(&slots.panes).zip(&keys) {
            let visible = match slot.visible {
                ui::layout::Visibility::Visible => true,
                ui::layout::Visibility::Hidden => false,
            };
            if let Some(key) = key.filter(|_| visible && pane.drawn.is_none()) {
                captured.push((
                    pane.name.to_owned(),
                    key,
                    DrawnScreen::capture(buf, slot.inner),
                ));
            }
        }
    });
    drop(view);
    drop(guards);
    for (name, key, screen) in captured {
        drawn_panes.insert(name, key, screen);
    }
    drawn_panes.keep_only(shown.iter().map(|w| w.record.name.as_str()));
    *kept_screens = drawn_panes;
    bytes
}

/// The pane a client scrolls, as scroll mode shows it this frame.
struct Scrolled<'w> {
    name: &'w str,
    /// The screen `offset` lines up; `None` at 0, where it is the live one.
    view: Option<crate::pane::ScrollView>,
    marks: ui::ScrollMarks,
}

/// The scrolled view of the pane `client` scrolls, with what to draw over
/// it; clamps the client's offset to the history there is.
fn scroll_view<'w>(
    client: &mut Client,
    shown: &[&'w super::workspaces::Workspace],
    guards: &[Option<std::sync::MutexGuard<'_, crate::pane::Emulator>>],
) -> Option<Scrolled<'w>> {
    let pane = client.scroll.as_ref()?.pane.clone();
    let index = shown.iter().position(|w| w.record.name == pane)?;
    let focus = client
        .focus
        .as_deref()
        .and_then(|f| shown.iter().position(|w| w.record.name == f))
        .or(Some(0));
    let rows = client
        .layout_for(shown.len(), focus)
        .panes
        .get(index)
        .map_or(1, |slot| slot.inner.height.max(1));
    let guard = guards.get(index)?.as_ref()?;
    let scroll = client.scroll.as_mut()?;
    let clamped = scroll.offset.min(guard.history_len());
    if clamped != scroll.offset {
        let cursor = scroll
            .cursor_line(rows)
            .min(clamped + usize::from(rows) - 1);
        scroll.offset = clamped;
        scroll.show_line(cursor, rows);
    }
    let marks = ui::ScrollMarks {
        row: scroll.row,
        marked: scroll.marked_rows(rows),
        offset: scroll.offset,
    };
    Some(Scrolled {
        name: shown[index].record.name.as_str(),
        view: guard.scroll_view(scroll.offset),
        marks,
    })
}

/// What the sidebar shows of one workspace, gathered once per frame.
struct SidebarSource {
    repo: std::path::PathBuf,
    name: String,
    branch: String,
    status: AgentStatus,
    state: Option<crate::agent::State>,
    since: u64,
    git: Option<crate::protocol::GitSummary>,
}

/// One frame's bytes; after lost frames, a full redraw from a cleared screen.
/// `drawn` sees the finished frame's buffer and area.
fn draw(
    canvas: &mut Canvas,
    view: &DashboardView<'_>,
    continuity: Continuity,
    cursor_style: vt100::CursorStyle,
    drawn: impl FnOnce(&Buffer, Rect),
) -> Vec<u8> {
    if continuity == Continuity::Broken {
        canvas.clear();
    }
    let area = canvas.area();
    let completed = canvas.draw(|area, buf| ui::dashboard::draw(view, area, buf));
    drawn(completed, area);
    canvas.backend_mut().set_cursor_style(cursor_style);
    canvas.backend_mut().take_bytes()
}
