//! Scheduling the git watcher's work: which workspaces need a fresh
//! `GitState`, when, and how many reads run at once.
//!
//! A change notice marks a workspace due a short debounce later (a commit is
//! a burst of file events); reads are single-flight per workspace (a notice
//! during a read makes it run once more afterwards) and at most
//! [`MAX_READS`] run at once across the server, so sixteen agents committing
//! together queue instead of forking sixteen gits. Nothing here runs unless
//! something changed: there is no timer without a due workspace.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use super::watch::GitWatcher;
use super::workspaces::WorkspaceKey;
use crate::git::state::{DiffStat, GitState};
use crate::protocol::GitSummary;
use crate::workspace::readiness::{CheckStatus, Readiness, readiness};

/// A commit touches HEAD, the index, logs and a ref within milliseconds;
/// reading once after the burst is enough.
pub const DEBOUNCE: Duration = Duration::from_millis(250);
/// How long to wait before retrying a worktree whose `index.lock` is held,
/// doubled at each retry up to [`BUSY_RETRY_MAX`]. The read goes through a
/// lock older than `git::LOCK_PATIENCE`, so this backs off only for a lock
/// whose time cannot be trusted (written in the future).
pub const BUSY_RETRY: Duration = Duration::from_millis(500);
pub const BUSY_RETRY_MAX: Duration = Duration::from_secs(30);
/// Git reads running at once, across all workspaces.
pub const MAX_READS: usize = 2;

/// Whether a read is running for a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flight {
    Idle,
    Running,
    /// Running, and something changed since it started: read again after.
    RunningStale,
}

/// What the watcher knows about one workspace.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// What the last read found.
    pub found: Found,
    /// The workspace's own branch, and the commit it was created at.
    pub branch: Option<String>,
    pub start: Option<String>,
    /// Other workspaces of the repository that change some of the same paths.
    pub overlaps: Vec<String>,
    pub check: CheckStatus,
    /// The commit the check last started for (or was skipped for).
    pub checked_head: Option<String>,
    pub check_run: Option<super::checks::CheckRun>,
    /// The tail of the last finished check's output.
    pub check_output: String,
    /// The pull request, once one is known (opened with `prefix p`).
    pub pr: Option<crate::workspace::PrState>,
    /// When to ask `gh` about it next.
    pub pr_due: Option<Instant>,
    /// The committed side of the last read, reused until HEAD or the base moves.
    memo: crate::git::CommitMemo,
    due: Option<Instant>,
    flight: Flight,
    /// Reads in a row that found `index.lock` held.
    busy: u32,
}

/// What a read job reports.
#[derive(Debug)]
pub enum ReadResult {
    Read(Box<GitState>),
    /// `index.lock` was held (the agent is committing): try again shortly.
    Busy,
    /// The worktree's directory is gone (removed by hand, not by grove).
    Missing,
    Failed(String),
}

/// What the reads of a workspace have found so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No read has finished yet.
    Nothing,
    State(Box<GitState>),
    /// The worktree's directory is gone.
    Missing,
}

impl Found {
    pub fn state(&self) -> Option<&GitState> {
        match self {
            Found::State(state) => Some(state),
            Found::Nothing | Found::Missing => None,
        }
    }
}

/// What a finished read changed.
#[derive(Debug)]
pub enum Update<'a> {
    State(&'a GitState),
    /// The worktree's directory has gone.
    Missing,
}

/// All tracked workspaces and the watcher that feeds them.
pub struct GitWork {
    pub watcher: GitWatcher,
    pub entries: BTreeMap<WorkspaceKey, Tracked>,
    running: usize,
}

impl GitWork {
    pub fn new(watcher: GitWatcher) -> GitWork {
        GitWork {
            watcher,
            entries: BTreeMap::new(),
            running: 0,
        }
    }

    /// Tracks exactly `keys`: new ones are read at once, gone ones stop being
    /// watched. Returns the new ones (they need a watch plan).
    pub fn sync(&mut self, keys: &[WorkspaceKey], now: Instant) -> Vec<WorkspaceKey> {
        let gone: Vec<WorkspaceKey> = self
            .entries
            .keys()
            .filter(|k| !keys.contains(k))
            .cloned()
            .collect();
        for key in gone {
            if let Some(entry) = self.entries.remove(&key)
                && entry.flight != Flight::Idle
            {
                self.running = self.running.saturating_sub(1);
            }
            self.watcher.remove(&key);
        }
        let mut added = Vec::new();
        for key in keys {
            if !self.entries.contains_key(key) {
                self.entries.insert(
                    key.clone(),
                    Tracked {
                        found: Found::Nothing,
                        branch: None,
                        start: None,
                        overlaps: Vec::new(),
                        check: CheckStatus::NotConfigured,
                        checked_head: None,
                        check_run: None,
                        check_output: String::new(),
                        pr: None,
                        pr_due: None,
                        memo: crate::git::CommitMemo::default(),
                        due: Some(now),
                        flight: Flight::Idle,
                        busy: 0,
                    },
                );
                added.push(key.clone());
            }
        }
        added
    }

    /// What `grove ls --json` and the sidebar show for `key`.
    pub fn summary(&self, key: &WorkspaceKey) -> Option<GitSummary> {
        let entry = self.entries.get(key)?;
        let state = match &entry.found {
            Found::Nothing => return None,
            Found::State(state) => state,
            Found::Missing => {
                return Some(GitSummary {
                    ahead: 0,
                    behind: 0,
                    committed: DiffStat::default(),
                    uncommitted: DiffStat::default(),
                    untracked: 0,
                    conflicts: Vec::new(),
                    overlaps: Vec::new(),
                    last_commit: None,
                    check: entry.check.clone(),
                    pr: entry.pr.clone(),
                    readiness: Readiness::WorktreeMissing,
                    index_lock: None,
                });
            }
        };
        Some(GitSummary {
            ahead: state.ahead,
            behind: state.behind,
            committed: state.committed,
            uncommitted: state.uncommitted,
            untracked: state.untracked,
            conflicts: state.conflicts.clone(),
            overlaps: entry.overlaps.clone(),
            last_commit: state.last_commit.clone(),
            check: entry.check.clone(),
            pr: entry.pr.clone(),
            readiness: readiness(
                state,
                entry.branch.as_deref(),
                entry.start.as_deref(),
                &entry.check,
                &entry.overlaps,
            ),
            index_lock: state.index_lock.clone(),
        })
    }

    /// The memo for a read that is starting (left empty meanwhile).
    pub fn take_memo(&mut self, key: &WorkspaceKey) -> crate::git::CommitMemo {
        self.entries
            .get_mut(key)
            .map(|e| std::mem::take(&mut e.memo))
            .unwrap_or_default()
    }

    /// The memo back from a finished read.
    pub fn put_memo(&mut self, key: &WorkspaceKey, memo: crate::git::CommitMemo) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.memo = memo;
        }
    }

    /// Recomputes which workspaces of `repo` overlap.
    pub fn update_overlaps(&mut self, repo: &std::path::Path) {
        let changed: Vec<(String, &[std::path::PathBuf])> = self
            .entries
            .iter()
            .filter(|(k, _)| k.repo == repo)
            .filter_map(|(k, e)| Some((k.name.clone(), e.found.state()?.changed_paths.as_slice())))
            .collect();
        let overlaps = crate::git::overlaps(&changed);
        for (key, entry) in self.entries.iter_mut().filter(|(k, _)| k.repo == repo) {
            entry.overlaps = overlaps.get(&key.name).cloned().unwrap_or_default();
        }
    }

    /// Something changed in `key`'s worktree or refs.
    pub fn touch(&mut self, key: &WorkspaceKey, now: Instant) {
        let Some(entry) = self.entries.get_mut(key) else {
            return;
        };
        match entry.flight {
            Flight::Idle => {
                let due = now + DEBOUNCE;
                entry.due = Some(entry.due.map_or(due, |d| d.min(due)));
            }
            Flight::Running | Flight::RunningStale => entry.flight = Flight::RunningStale,
        }
    }

    /// When the next read should start, if one can.
    pub fn next_due(&self) -> Option<Instant> {
        if self.running >= MAX_READS {
            return None;
        }
        self.entries
            .values()
            .filter(|e| e.flight == Flight::Idle)
            .filter_map(|e| e.due)
            .min()
    }

    /// The workspaces whose read starts now (earliest due first, within the
    /// limit); they are marked running.
    pub fn start_due(&mut self, now: Instant) -> Vec<WorkspaceKey> {
        let mut due: Vec<(Instant, WorkspaceKey)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.flight == Flight::Idle)
            .filter_map(|(k, e)| e.due.filter(|d| *d <= now).map(|d| (d, k.clone())))
            .collect();
        due.sort();
        let room = MAX_READS.saturating_sub(self.running);
        let starting: Vec<WorkspaceKey> = due.into_iter().take(room).map(|(_, k)| k).collect();
        for key in &starting {
            if let Some(entry) = self.entries.get_mut(key) {
                entry.flight = Flight::Running;
                entry.due = None;
            }
        }
        self.running += starting.len();
        starting
    }

    /// A read finished. Returns what changed since the last one, if anything.
    pub fn finished(
        &mut self,
        key: &WorkspaceKey,
        result: ReadResult,
        now: Instant,
    ) -> Option<Update<'_>> {
        let entry = self.entries.get_mut(key)?;
        self.running = self.running.saturating_sub(1);
        let stale = entry.flight == Flight::RunningStale;
        entry.flight = Flight::Idle;
        if stale {
            entry.due = Some(now + DEBOUNCE);
        }
        entry.busy = match result {
            ReadResult::Busy => entry.busy.saturating_add(1),
            ReadResult::Read(_) | ReadResult::Missing | ReadResult::Failed(_) => 0,
        };
        match result {
            ReadResult::Read(state) => {
                if entry.found.state() == Some(&*state) {
                    return None;
                }
                entry.found = Found::State(state);
                entry.found.state().map(Update::State)
            }
            ReadResult::Missing => match entry.found {
                Found::Missing => None,
                Found::Nothing | Found::State(_) => {
                    entry.found = Found::Missing;
                    Some(Update::Missing)
                }
            },
            ReadResult::Busy => {
                let doublings = entry.busy.saturating_sub(1).min(16);
                let wait = BUSY_RETRY
                    .saturating_mul(1 << doublings)
                    .min(BUSY_RETRY_MAX);
                entry.due = Some(now + wait);
                None
            }
            ReadResult::Failed(message) => {
                tracing::warn!(workspace = key.name, "reading git state: {message}");
                None
            }
        }
    }
}

#[cfg(test)]
#[path = "gitwork_tests.rs"]
mod tests;
