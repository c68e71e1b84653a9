//! What the session knows about panes as its clients see them: the facts
//! input routing needs, which clients a pane's output is visible to, and
//! the size each PTY should have.

use super::client::{Client, ClientId, PaneFacts, Running};
use super::launch::START_SIZE;
use super::output::Unheard;
use super::session::{ECHO_WINDOW, EchoAwaited, Session};
use super::workspaces::PaneId;
use crate::pane::PaneSize;
use crate::protocol::AgentStatus;
use crate::ui::layout::{DashboardLayout, PaneSlot, Visibility};
use tokio::time::Instant;

impl Session {
    /// What input routing needs to know about the panes a client shows.
    pub(super) fn pane_facts(&self, repo: Option<&std::path::Path>) -> Vec<PaneFacts> {
        self.shown(repo)
            .map(|workspace| {
                let live = workspace.live.as_ref();
                let running = match live.map(|l| &l.status) {
                    Some(AgentStatus::Running) => Running::Yes,
                    Some(AgentStatus::Exited { .. } | AgentStatus::Stopped) | None => Running::No,
                };
                let (modes, mouse, focus_reporting) = match live {
                    Some(live) => {
                        let emulator = live.pane.lock_emulator();
                        let screen = emulator.screen();
                        (
                            emulator.input_modes(),
                            (
                                screen.mouse_protocol_mode(),
                                screen.mouse_protocol_encoding(),
                            ),
                            emulator.modes().focus,
                        )
                    }
                    None => Default::default(),
                };
                PaneFacts {
                    state: workspace.agent_activity(),
                    since: workspace.agent_state().map_or(0, |s| s.since),
                    name: workspace.record.name.clone(),
                    running,
                    modes,
                    mouse,
                    focus_reporting,
                }
            })
            .collect()
    }

    /// The workspaces a client for `repo` shows, in pane order.
    pub(super) fn shown<'a>(
        &'a self,
        repo: Option<&'a std::path::Path>,
    ) -> Box<dyn Iterator<Item = &'a super::workspaces::Workspace> + 'a> {
        self.table.shown(repo)
    }

    /// Re-arms the output notices whose interval is over, and handles the
    /// output they were not told about.
    pub(super) fn rearm_outputs(&mut self, now: Instant) {
        let mut unheard = Vec::new();
        for live in self.table.all_mut().filter_map(|w| w.live.as_mut()) {
            let generation = *live.pane.output_changes().borrow();
            match live.output.rearm(now, generation) {
                Unheard::Output => unheard.push(live.id),
                Unheard::Nothing => {}
            }
        }
        for pane in unheard {
            self.pane_output(pane);
        }
    }

    /// When an output notice is next re-armed.
    pub(super) fn outputs_due(&self) -> Option<Instant> {
        self.table
            .all()
            .filter_map(|w| w.live.as_ref()?.output.due())
            .min()
    }

    /// Types `bytes` into the named pane; whether they went in.
    pub(super) fn write_to_pane(
        &mut self,
        client: ClientId,
        repo: Option<&std::path::Path>,
        name: &str,
        bytes: &[u8],
    ) -> bool {
        let Some(live) = self
            .shown(repo)
            .find(|w| w.record.name == name)
            .and_then(|w| w.live.as_ref())
        else {
            return false;
        };
        let pane = live.id;
        match live.pane.write(bytes) {
            Ok(()) => {
                self.echo = Some(EchoAwaited {
                    pane,
                    since: Instant::now(),
                });
                true
            }
            Err(error) => {
                tracing::debug!(name, %error, "input for a pane dropped");
                if let Some(client) = self.clients.get_mut(&client) {
                    client.message = Some(format!("{name} is not reading its input ({error})"));
                }
                false
            }
        }
    }

    pub(super) fn pane_output(&mut self, pane: PaneId) {
        if let Some(live) = self.table.by_pane_mut(pane).and_then(|w| w.live.as_mut()) {
            let generation = *live.pane.output_changes().borrow();
            live.output.heard(Instant::now(), generation);
        }
        self.status_output(pane, Instant::now());
        if let Some(prompt) = self
            .table
            .by_pane_mut(pane)
            .and_then(|w| w.live.as_mut())
            .and_then(|l| l.prompts.first_mut())
        {
            prompt.output_seen(Instant::now());
        }
        let Some(workspace) = self.table.by_pane_mut(pane) else {
            return;
        };
        let repo = workspace.record.repo.clone();
        let name = workspace.record.name.clone();
        // Only clients that show this pane, and show it visibly, redraw.
        let visible: Vec<ClientId> = self
            .clients
            .values()
            .filter(|c| c.repo.as_deref().is_none_or(|r| r == repo))
            .filter(|c| self.is_visible(c, &name))
            .map(|c| c.id)
            .collect();
        self.mark_screens(|c| visible.contains(&c.id));
        let now = Instant::now();
        if let Some(echo) = self.echo.take_if(|echo| echo.pane == pane)
            && now.saturating_duration_since(echo.since) <= ECHO_WINDOW
            && !visible.is_empty()
        {
            self.draw_now();
        }
    }

    fn is_visible(&self, client: &Client, name: &str) -> bool {
        self.tile(client, name, None)
            .is_some_and(|slot| slot.visible == Visibility::Visible)
    }

    /// `name`'s place in `client`'s layout, with `new` counted in as
    /// [`Session::tiles`] does.
    fn tile(&self, client: &Client, name: &str, new: Option<&str>) -> Option<PaneSlot> {
        let (names, layout) = self.tiles(client, new);
        let index = names.iter().position(|n| *n == name)?;
        layout.panes.get(index).copied()
    }

    /// The workspaces `client`'s dashboard shows, in pane order, with `new`
    /// (one about to be made) counted in at the end unless it is there
    /// already, and their layout.
    fn tiles<'a>(
        &'a self,
        client: &'a Client,
        new: Option<&'a str>,
    ) -> (Vec<&'a str>, DashboardLayout) {
        let mut names: Vec<&str> = self
            .shown(client.repo.as_deref())
            .map(|w| w.record.name.as_str())
            .collect();
        if let Some(new) = new.filter(|n| !names.contains(n)) {
            names.push(new);
        }
        let focus = client
            .focus
            .as_deref()
            .and_then(|f| names.iter().position(|n| *n == f))
            .or(if names.is_empty() { None } else { Some(0) });
        let layout = client.layout_for(names.len(), focus);
        (names, layout)
    }

    /// Sizes every live pane to its rectangle in the layout of the most
    /// recently active client that shows it (tmux's `window-size latest`).
    /// Panes no client shows, or that are hidden (zoom), keep their size.
    /// A pane resized less than [`RESIZE_SPACING`] ago gets its new size
    /// when that is up ([`Session::resize_due`]).
    pub(super) fn resize_panes(&mut self) {
        let mut sizes: Vec<(PaneId, PaneSize)> = Vec::new();
        let mut clients: Vec<&Client> = self.clients.values().collect();
        clients.sort_by_key(|c| std::cmp::Reverse(c.activity));
        let mut decided: Vec<PaneId> = Vec::new();
        for client in clients {
            let (_, layout) = self.tiles(client, None);
            for (workspace, slot) in self.shown(client.repo.as_deref()).zip(&layout.panes) {
                let Some(live) = workspace.live.as_ref() else {
                    continue;
                };
                if decided.contains(&live.id) {
                    continue;
                }
                decided.push(live.id);
                if let Some(size) = visible_size(slot) {
                    sizes.push((live.id, size));
                }
            }
        }
        let now = Instant::now();
        for workspace in self.table.all_mut() {
            if let Some(live) = workspace.live.as_mut() {
                live.resize_to = None;
            }
        }
        for (id, size) in sizes {
            let Some(live) = self.table.by_pane_mut(id).and_then(|w| w.live.as_mut()) else {
                continue;
            };
            if size == live.size {
                continue;
            }
            match live.resized.is_some_and(|at| now < at + RESIZE_SPACING) {
                true => live.resize_to = Some(size),
                false => {
                    resize(live, size, now);
                    self.stats.pane_resizes += 1;
                }
            }
        }
    }

    /// The size an agent should start at: its tile in the layout of the most
    /// recently active client that shows `repo`, with a new workspace
    /// (`name` `None`) counted in at the end. Started at 80×24 instead, every
    /// agent got a resize straight away, and a program that read its size
    /// first drew its first screen for a terminal it was not in.
    pub(super) fn start_size(&self, repo: &std::path::Path, name: Option<&str>) -> PaneSize {
        let latest = self
            .clients
            .values()
            .filter(|c| c.repo.as_deref().is_none_or(|r| r == repo))
            .max_by_key(|c| c.activity);
        let Some(client) = latest else {
            return START_SIZE;
        };
        // No workspace is named "": it stands for a new one, at the end.
        let name = name.unwrap_or_default();
        self.tile(client, name, Some(name))
            .as_ref()
            .and_then(visible_size)
            .filter(|size| size.rows >= 2 && size.cols >= 2)
            .unwrap_or(START_SIZE)
    }

    /// [`Session::start_size`] for a new workspace made from `cwd`: in the
    /// repository of a client whose root holds it.
    pub(super) fn start_size_in(&self, cwd: &std::path::Path) -> PaneSize {
        let repo = self
            .clients
            .values()
            .filter_map(|c| c.repo.as_deref())
            .filter(|root| cwd.starts_with(root))
            .max_by_key(|root| root.as_os_str().len());
        match repo {
            Some(repo) => self.start_size(repo, None),
            None => START_SIZE,
        }
    }

    /// Gives the panes whose spacing is up the size they were waiting for.
    pub(super) fn resize_due(&mut self, now: Instant) {
        let mut resized = 0;
        for workspace in self.table.all_mut() {
            let Some(live) = workspace.live.as_mut() else {
                continue;
            };
            let due = live.resized.map_or(now, |at| at + RESIZE_SPACING);
            if let Some(size) = live.resize_to.filter(|_| due <= now) {
                live.resize_to = None;
                resize(live, size, now);
                resized += 1;
            }
        }
        if resized > 0 {
            self.stats.pane_resizes += resized;
            self.mark_dirty(|_| true);
        }
    }

    /// When the next waiting resize is due.
    pub(super) fn resizes_due(&self) -> Option<Instant> {
        self.table
            .all()
            .filter_map(|w| w.live.as_ref())
            .filter(|live| live.resize_to.is_some())
            .map(|live| {
                live.resized
                    .map_or_else(Instant::now, |at| at + RESIZE_SPACING)
            })
            .min()
    }
}

/// The least time between two resizes of one pane's PTY; tmux spaces its
/// panes' resizes the same way. Each resize makes the program redraw its
/// whole screen (Claude Code and Gemini CLI: kilobytes), and one that lands
/// in the middle of a redraw can leave garbage on the program's own screen;
/// a new workspace changes every tile, and a dragged border sends a size
/// per mouse move. The first resize goes at once, the last of those that
/// follow within the spacing when it is up.
pub(super) const RESIZE_SPACING: std::time::Duration = std::time::Duration::from_millis(250);

/// The size of a pane drawn in `slot`; none for one zoom hides.
fn visible_size(slot: &PaneSlot) -> Option<PaneSize> {
    (slot.visible == Visibility::Visible).then_some(PaneSize {
        rows: slot.inner.height,
        cols: slot.inner.width,
    })
}

fn resize(live: &mut super::workspaces::Live, size: PaneSize, now: Instant) {
    match live.pane.resize(size) {
        Ok(used) => live.size = used,
        Err(error) => tracing::warn!(pane = live.id.0, %error, "resizing a pane"),
    }
    live.resized = Some(now);
}
