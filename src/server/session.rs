//! The session actor: the one task that owns the server's state (workspaces,
//! their panes, the attached clients) and changes it in response to events.
//!
//! Everything arrives as an [`Event`] on one bounded channel: client input,
//! requests from the command line, "pane N has new output" from per-pane
//! watcher tasks, and the results of blocking jobs (git, killing processes).
//! Handlers never block: slow work runs in `spawn_blocking` jobs
//! (`super::jobs`) whose results come back as events.
//!
//! Drawing is coalesced: an event that changes what a client sees only marks
//! it dirty and schedules a frame no sooner than [`FRAME_INTERVAL`] after the
//! last one. With nothing happening there is no timer at all, so an idle
//! server does not wake up. One exception: the first output of a pane just
//! after a key was typed into it (its echo) is drawn at once, because a typist
//! feels every millisecond of that and the frame interval was most of it
//! (benches/latency.py); keys come far slower than frames, so this adds few.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::client::{Client, ClientId, Dirty};
use super::jobs::JobOutcome;
use super::outbox::Outbox;
use super::render::Drawn;
use super::workspaces::{PaneId, Table};
use crate::pane::ProcessExit;
use crate::paths::Paths;
use crate::protocol::{AgentStatus, DetachReason, Request, Response, Stats, TermSize};
use crate::state::Store;
use crate::ui::keymap::Keymap;

/// At most ~60 frames a second; output arriving faster is drawn together.
pub const FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// How long after a key a pane's output still counts as its echo.
pub const ECHO_WINDOW: Duration = Duration::from_millis(50);

/// A key was typed into `pane` at `since`; its echo is drawn at once.
#[derive(Debug, Clone, Copy)]
pub(super) struct EchoAwaited {
    pub pane: PaneId,
    pub since: Instant,
}

/// Everything the session reacts to.
pub enum Event {
    Attach {
        client: ClientId,
        repo: Option<PathBuf>,
        size: TermSize,
        notifications: crate::protocol::Notifications,
        keymap: Keymap,
        message: Option<String>,
        outbox: Arc<Outbox>,
    },
    Input {
        client: ClientId,
        event: crossterm::event::Event,
    },
    /// The client's connection ended.
    Gone {
        client: ClientId,
    },
    Request {
        request: Request,
        reply: oneshot::Sender<Response>,
    },
    PaneOutput {
        pane: PaneId,
    },
    PaneExited {
        pane: PaneId,
        exit: ProcessExit,
    },
    JobDone {
        outcome: JobOutcome,
    },
    /// The file watcher saw something change.
    Git {
        notice: super::watch::routes::Notice,
    },
    /// A `grove events` connection wants what happens.
    Subscribe {
        repo: Option<PathBuf>,
        sender: mpsc::Sender<crate::protocol::EventRecord>,
    },
}

/// Whether the session keeps going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Serving,
    /// `kill-server`: agents are being stopped, then the loop ends.
    Stopping,
    Stopped,
}

/// The server's whole state.
pub struct Session {
    pub(super) paths: Paths,
    pub(super) store: Store,
    pub(super) table: Table,
    pub(super) clients: BTreeMap<ClientId, Client>,
    pub(super) events: mpsc::Sender<Event>,
    pub(super) next_pane: u64,
    /// Counts client input; a client's `activity` is the tick of its last input.
    pub(super) tick: u64,
    frame_due: Option<Instant>,
    last_frame: Option<Instant>,
    pub(super) echo: Option<EchoAwaited>,
    pub(super) stats: Stats,
    pub(super) lifecycle: Lifecycle,
    pub(super) git: super::gitwork::GitWork,
    /// Job runs (`grove run`), finished ones until the next run of the same job.
    pub(super) jobs: Vec<super::jobrun::JobRun>,
    /// `grove wait`s not answered yet.
    pub(super) waiters: Vec<super::scripting::Waiter>,
    /// `grove events` streams.
    pub(super) subscribers: Vec<super::scripting::Subscriber>,
}

impl Session {
    pub fn new(paths: Paths, events: mpsc::Sender<Event>) -> Session {
        let store = Store::new(paths.state_file());
        let events_for_git = events.clone();
        let mut session = Session {
            paths,
            store,
            table: Table::default(),
            clients: BTreeMap::new(),
            events,
            next_pane: 1,
            tick: 0,
            frame_due: None,
            last_frame: None,
            echo: None,
            stats: Stats::default(),
            lifecycle: Lifecycle::Serving,
            git: super::gitwork::GitWork::new(super::watch::GitWatcher::new(events_for_git)),
            jobs: Vec::new(),
            waiters: Vec::new(),
            subscribers: Vec::new(),
        };
        session.reload();
        session
    }

    /// Runs until `kill-server` has finished or every event sender is gone.
    pub async fn run(mut self, mut events: mpsc::Receiver<Event>) {
        while self.lifecycle != Lifecycle::Stopped {
            let deadline = self.next_deadline();
            let event = tokio::select! {
                event = events.recv() => match event {
                    Some(event) => Some(event),
                    None => break,
                },
                () = sleep_until(deadline) => None,
            };
            self.stats.wakeups += 1;
            if let Some(event) = event {
                self.handle(event);
            }
            self.on_time(Instant::now());
            self.flush_jobs();
        }
        for client in self.clients.values() {
            client.outbox.detach(DetachReason::ServerExiting);
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Attach {
                client,
                repo,
                size,
                notifications,
                keymap,
                message,
                outbox,
            } => {
                self.attach(client, repo, size, keymap, message, outbox);
                if let Some(attached) = self.clients.get_mut(&client) {
                    attached.notifications = notifications;
                }
            }
            Event::Input { client, event } => self.input(client, &event),
            Event::Gone { client } => {
                if let Some(client) = self.clients.remove(&client) {
                    client.outbox.close();
                    self.resize_panes();
                }
            }
            Event::Request { request, reply } => self.request(request, reply),
            Event::PaneOutput { pane } => self.pane_output(pane),
            Event::PaneExited { pane, exit } => {
                let code = match exit {
                    ProcessExit::Code { code } => Some(code),
                    ProcessExit::Signal { .. } | ProcessExit::Unknown => None,
                };
                self.status_exited(pane, code, &exit.to_string());
                if let Some(w) = self.table.by_pane_mut(pane) {
                    let (repo, name) = (w.record.repo.clone(), w.record.name.clone());
                    self.job_pane_exited(&repo, &name, code);
                }
                self.check_waiters();
                if let Some(workspace) = self.table.by_pane_mut(pane)
                    && let Some(live) = workspace.live.as_mut()
                {
                    live.status = AgentStatus::Exited {
                        how: exit.to_string(),
                    };
                    live.prompts.clear();
                    let repo = workspace.record.repo.clone();
                    self.touch_repo(&repo);
                }
            }
            Event::JobDone { outcome } => self.job_done(outcome),
            Event::Git { notice } => self.git_notice(notice),
            Event::Subscribe { repo, sender } => self.subscribe(repo, sender),
        }
    }

    /// Re-reads the workspace records; panes of vanished workspaces stop.
    pub(super) fn reload(&mut self) {
        let before = self.table.keys();
        match self.store.load() {
            Ok(state) => {
                for gone in self.table.reload(state) {
                    tracing::info!(pane = gone.id.0, "workspace vanished; stopping its agent");
                    drop(gone);
                }
                let after = self.table.keys();
                if after != before {
                    self.mark_dirty(|_| true);
                    // (repo, name, ready): a workspace counts once it is ready.
                    let ready = |keys: &[(PathBuf, String, bool)], k: &(PathBuf, String, bool)| {
                        keys.iter().any(|o| o.0 == k.0 && o.1 == k.1 && o.2)
                    };
                    for (repo, name, _) in after.iter().filter(|k| k.2 && !ready(&before, k)) {
                        let kind = crate::protocol::EventKind::WorkspaceCreated {
                            workspace: name.clone(),
                        };
                        self.emit(repo, kind);
                    }
                    let gone = |k: &&(PathBuf, String, bool)| {
                        k.2 && !after.iter().any(|o| o.0 == k.0 && o.1 == k.1)
                    };
                    for (repo, name, _) in before.iter().filter(gone) {
                        let kind = crate::protocol::EventKind::WorkspaceRemoved {
                            workspace: name.clone(),
                        };
                        self.emit(repo, kind);
                    }
                    self.check_waiters();
                }
                self.git_sync();
            }
            Err(error) => tracing::error!("cannot read the workspace records: {error:#}"),
        }
    }

    fn attach(
        &mut self,
        id: ClientId,
        repo: Option<PathBuf>,
        size: TermSize,
        keymap: Keymap,
        message: Option<String>,
        outbox: Arc<Outbox>,
    ) {
        self.reload();
        let mut client = Client::new(id, repo, size, outbox, keymap);
        // The client's screen may hold anything; start from a clean one.
        client.canvas.clear();
        client.message = message;
        self.tick += 1;
        client.activity = self.tick;
        tracing::info!(client = id.0, repo = ?client.repo, "client attached");
        self.clients.insert(id, client);
        self.mark_focused_seen();
        self.resize_panes();
        self.mark_dirty(|c| c.id == id);
    }

    /// Something about a repository's workspaces changed: redraw its clients.
    pub(super) fn touch_repo(&mut self, repo: &std::path::Path) {
        self.mark_dirty(|c| c.repo.as_deref().is_none_or(|r| r == repo));
    }

    /// Draws the dirty clients as soon as the session is free, frame interval
    /// or not.
    pub(super) fn draw_now(&mut self) {
        self.frame_due = Some(Instant::now());
    }

    pub(super) fn mark_dirty(&mut self, which: impl Fn(&Client) -> bool) {
        self.mark(which, Dirty::Changed, self.next_frame());
    }

    /// Only what the panes' programs printed changed for these clients.
    pub(super) fn mark_screens(&mut self, which: impl Fn(&Client) -> bool) {
        self.mark(which, Dirty::Screens, self.next_frame());
    }

    /// The earliest a frame may go out: one interval after the last.
    pub(super) fn next_frame(&self) -> Instant {
        let now = Instant::now();
        let earliest = self.last_frame.map_or(now, |last| last + FRAME_INTERVAL);
        earliest.max(now)
    }

    /// Marks clients `dirty` with their frame due no later than `due`
    /// (with nothing to draw, nothing is due).
    pub(super) fn mark(&mut self, which: impl Fn(&Client) -> bool, dirty: Dirty, due: Instant) {
        if dirty == Dirty::Clean {
            return;
        }
        let mut any = false;
        for client in self.clients.values_mut().filter(|c| which(c)) {
            client.dirty = client.dirty.and(dirty);
            any = true;
        }
        if any {
            self.frame_due = Some(self.frame_due.map_or(due, |already| already.min(due)));
        }
    }

    /// The next moment something is due: a frame, a prompt to type, a
    /// resize that waited its turn.
    fn next_deadline(&self) -> Option<Instant> {
        let prompts = self
            .table
            .all()
            .filter_map(|w| w.live.as_ref()?.prompts.due());
        prompts
            .chain(self.frame_due)
            .chain(self.git.next_due())
            .chain(self.status_due())
            .chain(self.jobs_due())
            .chain(self.outputs_due())
            .chain(self.resizes_due())
            .min()
    }

    fn on_time(&mut self, now: Instant) {
        self.rearm_outputs(now);
        self.resize_due(now);
        self.observe_agents(now);
        self.type_prompts(now);
        self.pump_jobs(now);
        self.start_git_reads(now);
        self.poll_prs(now);
        if self.frame_due.is_some_and(|due| due <= now) {
            self.frame_due = None;
            // Only a frame that went out holds the next one back. A key is
            // drawn at once and usually changes nothing visible yet; had that
            // empty frame counted, the pane's echo a millisecond later would
            // wait out a whole interval.
            let previous = self.last_frame.replace(now);
            match self.render() {
                Drawn::Sent => {}
                Drawn::Nothing => self.last_frame = previous,
            }
        }
    }
}

/// Sleeps until `deadline`, or forever without one.
async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
