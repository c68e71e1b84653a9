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
        self.spawn_job(move || {
            let result = (|| {
                let (_, found) = open_repo(&repo)?;
                let store = TicketStore::new(&found.root, &found.common_dir);
                let tickets = store.load()?;
                let ticket = tickets.ready_to_start(id)?;
                let name = ticket.workspace_name();
                let started =
                    create_and_start(&paths, &repo, &name, None, None, Some(ticket.prompt()))?;
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
