//! A dashboard's input event, carried out: the client turns it into view
//! changes and effects (`client/input.rs`), and the session does the effects
//! (typing into a pane, starting, merging, removing) and decides whether
//! anything needs drawing. A key that only types into a pane draws nothing
//! until the pane echoes it.

use super::client::{ClientId, Dirty, Effect};
use super::pending::PromptWaiter;
use super::session::Session;
use crate::protocol::DetachReason;

impl Session {
    /// Handles one event from client `id`'s terminal.
    pub(super) fn input(&mut self, id: ClientId, event: &crossterm::event::Event) {
        let Some(repo) = self.clients.get(&id).map(|c| c.repo.clone()) else {
            return;
        };
        let facts = self.pane_facts(repo.as_deref());
        // Only a click can land on the sidebar; a key need not gather it.
        let sidebar: Vec<super::client::SidebarSlot> = match event {
            crossterm::event::Event::Mouse(_) => self
                .table
                .all()
                .map(|w| super::client::SidebarSlot {
                    repo: w.record.repo.clone(),
                    name: w.record.name.clone(),
                })
                .collect(),
            crossterm::event::Event::Key(_)
            | crossterm::event::Event::Paste(_)
            | crossterm::event::Event::Resize(..)
            | crossterm::event::Event::FocusGained
            | crossterm::event::Event::FocusLost => Vec::new(),
        };
        self.tick += 1;
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let was_latest = client.activity;
        client.activity = self.tick;
        let effects = client.handle(event, &facts, &sidebar);
        let mut typed = !effects.is_empty() && effects.iter().all(Effect::is_typing);
        let mut relayout = self
            .clients
            .values()
            .any(|c| c.activity > was_latest && c.id != id);
        for effect in effects {
            match effect {
                Effect::Write { name, bytes } => {
                    typed &= self.write_to_pane(id, repo.as_deref(), &name, &bytes);
                }
                Effect::Create { form } => self.create_from_form(id, form),
                Effect::Kill { name } => self.kill_agent(repo.as_deref(), &name, None),
                Effect::Start { name } => self.start_agent(id, repo.as_deref(), &name),
                Effect::Detach => {
                    if let Some(client) = self.clients.remove(&id) {
                        client.outbox.detach(DetachReason::Requested);
                    }
                    relayout = true;
                }
                Effect::Relayout => relayout = true,
                Effect::Remove { name, force } => {
                    if let Some(repo) = repo.clone() {
                        let force = force == super::client::RemoveForce::Force;
                        self.remove(repo, name, force, super::jobs::Reply::Client(id));
                    }
                }
                Effect::MergePreview { name } => self.merge_preview(id, repo.as_deref(), &name),
                Effect::Merge {
                    name,
                    tip,
                    uncommitted,
                } => self.merge(id, repo.as_deref(), &name, tip, uncommitted),
                Effect::PullRequest { name } => self.pull_request(id, repo.as_deref(), &name),
                Effect::OpenBoard => self.open_board(id, repo.as_deref()),
                Effect::OpenDiff { name } => self.open_diff(id, repo.as_deref(), &name),
                Effect::Copy { name, from, to } => {
                    self.copy_history(id, repo.as_deref(), &name, from, to)
                }
                Effect::Search {
                    name,
                    query,
                    direction,
                    from,
                    rows,
                } => {
                    let search = super::history::Search {
                        name: &name,
                        query: &query,
                        direction,
                        from,
                        rows,
                    };
                    self.search_history(id, repo.as_deref(), search)
                }
                Effect::StartTicket { id: ticket } => {
                    self.start_ticket(id, repo.as_deref(), ticket)
                }
                Effect::Send { name, text } => {
                    let enter = super::pending::SendEnter::Press;
                    match self.send(repo.as_deref(), &name, text, enter) {
                        Ok(prompt) => prompt.waiter = Some(PromptWaiter::Dashboard { client: id }),
                        Err(error) => {
                            if let Some(client) = self.clients.get_mut(&id) {
                                client.message = Some(error.to_string());
                            }
                        }
                    }
                }
            }
        }
        if relayout {
            self.resize_panes();
        }
        self.mark_focused_seen();
        if typed {
            // The key shows only in its pane's echo, which is drawn the
            // moment it comes; a frame now would draw nothing new and hold
            // the pane's screen while the echo is parsed. Whatever else the
            // key changed (a message it cleared) is drawn as usual.
            let dirty = self.clients.get(&id).map_or(Dirty::Clean, |c| c.dirty);
            self.mark(|c| c.id == id, dirty, self.next_frame());
        } else {
            self.mark_dirty(|c| c.id == id);
        }
    }
}
