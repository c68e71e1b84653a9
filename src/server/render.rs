//! Drawing: for each dirty client, a [`DashboardView`] borrowed from the
//! session's state and the locked emulators of the panes it shows, drawn into
//! the client's in-memory terminal. ratatui's buffer diff turns it into the
//! bytes that changed; they go to the client's outbox wrapped in
//! synchronized-output markers so the outer terminal shows whole frames.

use ratatui::Terminal;

use super::backend::FrameBackend;
use super::client::{Client, ClientOverlay, Dirty};
use super::outbox::Continuity;
use super::session::Session;
use crate::protocol::AgentStatus;
use crate::ui::{self, DashboardView, Overlay, PaneView, SidebarEntry};

const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";

impl Session {
    /// Draws every dirty client.
    pub(super) fn render(&mut self) {
        let sidebar_source: Vec<(String, String, AgentStatus)> = self
            .table
            .all()
            .map(|w| {
                let repo = w
                    .record
                    .repo
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (repo, w.record.name.clone(), w.status())
            })
            .collect();
        let mut behind = Vec::new();
        let Session {
            clients,
            table,
            stats,
            ..
        } = self;
        for client in clients.values_mut().filter(|c| c.dirty == Dirty::Changed) {
            let shown: Vec<_> = table.shown(client.repo.as_deref()).collect();
            let statuses: Vec<AgentStatus> = shown.iter().map(|w| w.status()).collect();
            // Locks are taken in pane order and held only while drawing.
            let guards: Vec<_> = shown
                .iter()
                .map(|w| w.live.as_ref().map(|l| l.pane.lock_emulator()))
                .collect();
            let panes: Vec<PaneView<'_>> = shown
                .iter()
                .zip(&statuses)
                .zip(&guards)
                .map(|((w, status), guard)| PaneView {
                    name: &w.record.name,
                    branch: &w.record.branch,
                    agent: w.record.agent.as_deref().unwrap_or(""),
                    status,
                    screen: guard.as_ref().map(|g| g.screen()),
                })
                .collect();
            let Client {
                id,
                repo_name,
                terminal,
                outbox,
                help,
                hints,
                new_workspace_key,
                layout,
                focus,
                input,
                overlay,
                message,
                dirty,
                ..
            } = client;
            let focus = focus
                .as_deref()
                .and_then(|f| panes.iter().position(|p| p.name == f))
                .or(if panes.is_empty() { None } else { Some(0) });
            let focused_name = focus.and_then(|i| panes.get(i)).map(|p| p.name);
            let sidebar: Vec<SidebarEntry<'_>> = sidebar_source
                .iter()
                .map(|(repo, name, status)| SidebarEntry {
                    repo,
                    name,
                    status,
                    focused: Some(name.as_str()) == focused_name && *repo_name == *repo,
                })
                .collect();
            let question;
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
            };
            let view = DashboardView {
                repo: repo_name,
                panes,
                sidebar,
                layout: *layout,
                focus,
                input: *input,
                overlay,
                message: message.as_deref(),
                hints,
                new_workspace_key,
            };
            let continuity = outbox.continuity();
            let style = view
                .focus
                .and_then(|i| view.panes.get(i))
                .and_then(|p| p.screen)
                .map(|s| s.cursor_style())
                .unwrap_or_default();
            let frame = draw(terminal, &view, continuity, style);
            drop(view);
            drop(guards);
            *dirty = Dirty::Clean;
            match frame {
                Ok(bytes) if bytes.is_empty() => stats.skipped += 1,
                Ok(bytes) => {
                    let mut framed = Vec::with_capacity(bytes.len() + 16);
                    framed.extend_from_slice(SYNC_BEGIN);
                    framed.extend_from_slice(&bytes);
                    framed.extend_from_slice(SYNC_END);
                    stats.frames += 1;
                    stats.bytes += framed.len() as u64;
                    match continuity {
                        Continuity::Intact => {
                            if outbox.push(&framed) == Continuity::Broken {
                                // Dropped: the next frame redraws everything.
                                behind.push(*id);
                            }
                        }
                        Continuity::Broken => {
                            stats.full_redraws += 1;
                            outbox.replace(&framed);
                        }
                    }
                }
                Err(error) => tracing::warn!(client = id.0, %error, "drawing a frame"),
            }
        }
        self.mark_dirty(|c| behind.contains(&c.id));
    }
}

/// One frame's bytes; after lost frames, a full redraw from a cleared screen.
fn draw(
    terminal: &mut Terminal<FrameBackend>,
    view: &DashboardView<'_>,
    continuity: Continuity,
    cursor_style: vt100::CursorStyle,
) -> std::io::Result<Vec<u8>> {
    if continuity == Continuity::Broken {
        terminal.clear()?;
    }
    terminal.draw(|frame| ui::render(view, frame))?;
    terminal.backend_mut().set_cursor_style(cursor_style);
    Ok(terminal.backend_mut().take_bytes())
}
