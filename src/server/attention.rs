//! Agent status inside the server: when each pane's tracker looks at its
//! screen, what "focused" and "seen" mean with several dashboards attached,
//! and what happens when an agent starts needing the user (the bell of the
//! dashboards that do not have it in front of them, and the user's hook).
//!
//! The trackers themselves (`crate::agent`) are pure; this module feeds them
//! the time, the screen and the focus, and acts on their changes.

use std::path::PathBuf;
use std::time::Duration;

use tokio::time::Instant;

use super::client::Client;
use super::session::Session;
use super::workspaces::PaneId;
use crate::agent::{Change, Focus, State, look};
use crate::protocol::Notifications;

/// The longest an attention hook may run before it is killed.
const HOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// BEL: the attached terminal decides whether that is a sound, a flash or
/// an urgent window.
const BELL: &[u8] = b"\x07";

/// A workspace, by repository and name.
type Key = (PathBuf, String);

impl Session {
    /// A pane printed something: its tracker looks again soon.
    pub(super) fn status_output(&mut self, pane: PaneId, now: Instant) {
        if let Some(live) = self.table.by_pane_mut(pane).and_then(|w| w.live.as_mut()) {
            live.tracker.output(now.into_std());
        }
    }

    /// The next moment a tracker wants to look.
    pub(super) fn status_due(&self) -> Option<Instant> {
        self.table
            .all()
            .filter_map(|w| w.live.as_ref()?.tracker.due())
            .min()
            .map(Instant::from_std)
    }

    /// Lets every tracker that is due look at its pane.
    pub(super) fn observe_agents(&mut self, now: Instant) {
        // Most wake-ups (a key, an echo) find no tracker due.
        if self.status_due().is_none_or(|due| due > now) {
            return;
        }
        let focused = self.focused_workspaces();
        let mut changes = Vec::new();
        let mut reasons = Vec::new();
        for workspace in self.table.all_mut() {
            let Some(live) = workspace.live.as_mut() else {
                continue;
            };
            if live.tracker.due().is_none_or(|due| due > now.into_std()) {
                continue;
            }
            let key = (workspace.record.repo.clone(), workspace.record.name.clone());
            self.stats.status_looks += 1;
            let seen = {
                // Read before the screen: the screen is at least this new.
                let generation = *live.pane.output_changes().borrow();
                let mut emulator = live.pane.lock_emulator();
                look(
                    &mut emulator,
                    &live.tracker,
                    &live.rules,
                    generation,
                    &mut live.tail,
                )
            };
            let focus = match focused.contains(&key) {
                true => Focus::Focused,
                false => Focus::Unfocused,
            };
            // The same state for another reason: the pane's border says
            // why, so it is drawn again. Not while it works: a working
            // agent's reason quotes its spinner (`title is "⠹"`), new at
            // nearly every look, and redrawing every dashboard for that
            // would cost more than the look.
            let before = match live.tracker.status().state {
                State::Working => None,
                State::Starting
                | State::WaitingForInput
                | State::Idle { .. }
                | State::Exited { .. } => Some(live.tracker.status().reason.clone()),
            };
            match live
                .tracker
                .observe(now.into_std(), &seen, &live.rules, focus)
            {
                Some(change) => changes.push((key, change)),
                None if before.is_some_and(|b| b != live.tracker.status().reason) => {
                    reasons.push(key.0);
                }
                None => {}
            }
        }
        for (key, change) in changes {
            self.status_changed(&key, &change);
        }
        for repo in reasons {
            self.touch_repo(&repo);
        }
    }

    /// A pane's process ended.
    pub(super) fn status_exited(&mut self, pane: PaneId, code: Option<i32>, how: &str) {
        let Some(workspace) = self.table.by_pane_mut(pane) else {
            return;
        };
        let key = (workspace.record.repo.clone(), workspace.record.name.clone());
        let focus = match self.focused_workspaces().contains(&key) {
            true => Focus::Focused,
            false => Focus::Unfocused,
        };
        let Some(workspace) = self.table.by_pane_mut(pane) else {
            return;
        };
        if let Some(change) = workspace
            .live
            .as_mut()
            .and_then(|live| live.tracker.exit(code, how, focus))
        {
            self.status_changed(&key, &change);
        }
    }

    /// The workspace each attached dashboard has focused.
    pub(super) fn focused_workspaces(&self) -> Vec<Key> {
        self.clients
            .values()
            .filter_map(|client| self.client_focus(client))
            .collect()
    }

    /// The workspace a dashboard has focused: its choice, or its first pane.
    fn client_focus(&self, client: &Client) -> Option<Key> {
        let mut shown = self.shown(client.repo.as_deref());
        let workspace = match client.focus.as_deref() {
            Some(focus) => self
                .shown(client.repo.as_deref())
                .find(|w| w.record.name == focus)
                .or_else(|| shown.next()),
            None => shown.next(),
        }?;
        Some((workspace.record.repo.clone(), workspace.record.name.clone()))
    }

    /// Focusing a pane clears "done, unseen". Run after anything that can
    /// move a dashboard's focus.
    pub(super) fn mark_focused_seen(&mut self) {
        let mut repos = Vec::new();
        for (repo, name) in self.focused_workspaces() {
            if let Some(live) = self
                .table
                .find_mut(&repo, &name)
                .and_then(|w| w.live.as_mut())
                && live.tracker.mark_seen()
            {
                repos.push(repo);
            }
        }
        for repo in repos {
            self.touch_repo(&repo);
        }
    }

    fn status_changed(&mut self, key: &Key, change: &Change) {
        let (repo, name) = key;
        tracing::debug!(workspace = name, from = ?change.from, to = ?change.to, "agent status");
        self.stats.status_changes += 1;
        self.touch_repo(repo);
        if change.to.needs_attention() && !change.from.needs_attention() {
            self.call_user(key, change.to);
        }
        self.job_status_changed(repo, name, change);
        let reason = self
            .table
            .find(repo, name)
            .and_then(|w| w.live.as_ref())
            .map(|l| l.tracker.status().reason.clone())
            .unwrap_or_default();
        let kind = crate::protocol::EventKind::Status {
            workspace: name.clone(),
            from: super::scripting::state_word(change.from).to_owned(),
            state: super::scripting::state_word(change.to).to_owned(),
            reason,
        };
        self.emit(repo, kind);
        self.check_waiters();
    }

    /// The agent needs the user: ring the dashboards that are not looking at
    /// it, and run the hook.
    fn call_user(&mut self, key: &Key, state: State) {
        let (repo, name) = key;
        let Some(workspace) = self.table.find(repo, name) else {
            return;
        };
        let Some(live) = workspace.live.as_ref() else {
            return;
        };
        if live.attention.bell {
            let why = match state {
                State::WaitingForInput => "is waiting for you",
                State::Idle { .. } => "is done",
                State::Exited { .. } => "exited",
                State::Starting | State::Working => "needs you",
            };
            // Workspace names are printable (`WorkspaceName`), so the text
            // cannot end the OSC early.
            let notice = format!("\x1b]9;grove: {name} {why}\x07");
            for client in self.clients.values() {
                let shows_repo = client.repo.as_deref().is_none_or(|r| r == repo);
                if shows_repo && self.client_focus(client).as_ref() != Some(key) {
                    client.outbox.push(match client.notifications {
                        Notifications::Bell => BELL,
                        Notifications::Osc9 => notice.as_bytes(),
                    });
                }
            }
        }
        if let Some(hook) = live.attention.hook.clone() {
            let reason = live.tracker.status().reason.clone();
            run_hook(&hook, &workspace.record.path, name, state, &reason);
        }
    }
}

/// Runs the user's attention hook in the background, killed after
/// [`HOOK_TIMEOUT`]. Names reach it only through the environment.
fn run_hook(hook: &str, cwd: &std::path::Path, name: &str, state: State, reason: &str) {
    let word = match state {
        State::WaitingForInput => "waiting",
        State::Idle { .. } => "done",
        State::Starting | State::Working | State::Exited { .. } => state.key(),
    };
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(hook)
        .current_dir(cwd)
        .env("GROVE_WORKSPACE", name)
        .env("GROVE_STATE", word)
        .env("GROVE_REASON", reason)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let name = name.to_owned();
    match command.spawn() {
        Ok(mut child) => {
            tokio::spawn(async move {
                match tokio::time::timeout(HOOK_TIMEOUT, child.wait()).await {
                    Ok(Ok(status)) if status.success() => {}
                    Ok(Ok(status)) => {
                        tracing::warn!(workspace = name, %status, "the attention hook failed")
                    }
                    Ok(Err(error)) => {
                        tracing::warn!(workspace = name, %error, "waiting for the attention hook")
                    }
                    Err(_) => {
                        tracing::warn!(workspace = name, "the attention hook took too long; killed")
                    }
                }
            });
        }
        Err(error) => tracing::warn!(workspace = name, %error, "cannot run the attention hook"),
    }
}
