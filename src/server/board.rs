//! The ticket board in the dashboard: loading `.grove/tickets.yaml` for a
//! client's repository (in a job: it is file IO), and starting an agent on a
//! ticket chosen there (a workspace named after it, the ticket as its first
//! prompt, the ticket marked in progress once the agent runs).

use std::path::Path;

use super::client::{ClientId, ClientOverlay};
use super::jobs::{Failed, JobOutcome, Reply, open_repo};
use super::launch::create_and_start;
use super::session::Session;
use crate::tickets::{Ticket, TicketState, TicketStore};
use crate::ui;

impl Session {
    /// `prefix T`: reads the tickets, then shows the board.
    pub(super) fn open_board(&mut self, client: ClientId, repo: Option<&Path>) {
        let Some(repo) = repo.map(Path::to_owned) else {
            return;
        };
        self.spawn_job(move || {
            let result = (|| {
                let (_, repo) = open_repo(&repo)?;
                Ok(TicketStore::new(&repo.root, &repo.common_dir)
                    .load()?
                    .tickets)
            })();
            JobOutcome::Board {
                client,
                result: result.map_err(|e: anyhow::Error| Failed::from(e)),
            }
        });
    }

    pub(super) fn board_loaded(&mut self, id: ClientId, result: Result<Vec<Ticket>, Failed>) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        match result {
            Ok(tickets) => {
                client.message = None;
                client.overlay = ClientOverlay::Board {
                    tickets,
                    selected: 0,
                };
            }
            Err(failed) => client.message = Some(failed.message),
        }
        self.mark_dirty(|c| c.id == id);
    }

    /// Enter on an open ticket: its workspace and agent, the ticket as the
    /// first prompt.
    pub(super) fn start_ticket(&mut self, client: ClientId, repo: Option<&Path>, id: u32) {
        let Some(repo) = repo.map(Path::to_owned) else {
            return;
        };
        let paths = self.paths.clone();
        let size = self.start_size(&repo, None);
        self.spawn_job(move || {
            let result = (|| {
                let (_, found) = open_repo(&repo)?;
                let store = TicketStore::new(&found.root, &found.common_dir);
                let tickets = store.load()?;
                let ticket = tickets.ready_to_start(id)?;
                let name = ticket.workspace_name();
                let started = create_and_start(
                    &paths,
                    &repo,
                    &name,
                    None,
                    None,
                    Some(ticket.prompt()),
                    size,
                )?;
                store.update(|tickets| {
                    if let Some(ticket) = tickets.get_mut(id) {
                        ticket.state = TicketState::InProgress;
                        ticket.workspace = Some(name.clone());
                    }
                    Ok(())
                })?;
                Ok(Box::new(started))
            })();
            JobOutcome::Started {
                result: result.map_err(|e: anyhow::Error| Failed::from(e)),
                reply: Reply::Client(client),
            }
        });
    }
}

/// The board's cards: each ticket in its column (in progress becomes done
/// once its workspace's branch is merged), with what its agent is doing.
pub(super) fn board_cards<'a>(
    tickets: &'a [crate::tickets::Ticket],
    selected: usize,
    shown: &[&super::workspaces::Workspace],
    git: &super::gitwork::GitWork,
) -> Vec<ui::board::BoardCard<'a>> {
    use crate::tickets::TicketState;
    use crate::workspace::readiness::Readiness;
    let mut open_index = 0;
    tickets
        .iter()
        .map(|ticket| {
            let workspace = ticket
                .workspace
                .as_deref()
                .and_then(|name| shown.iter().find(|w| w.record.name == name));
            let merged = workspace
                .and_then(|w| git.summary(&w.key()))
                .is_some_and(|g| g.readiness == Readiness::Merged);
            let column = match (ticket.state, merged) {
                (TicketState::InProgress, true) => TicketState::Done,
                (state, _) => state,
            };
            let is_selected = match ticket.state {
                TicketState::Open => {
                    open_index += 1;
                    open_index - 1 == selected
                }
                TicketState::InProgress | TicketState::Done => false,
            };
            let detail = match (ticket.workspace.as_deref(), workspace) {
                (Some(name), Some(w)) => {
                    Some((name, ui::status_label(&w.status(), w.agent_activity())))
                }
                (Some(name), None) => Some((name, "removed".to_owned())),
                (None, _) => None,
            };
            ui::board::BoardCard {
                id: ticket.id,
                title: &ticket.title,
                column,
                workspace: detail,
                selected: is_selected,
            }
        })
        .collect()
}
