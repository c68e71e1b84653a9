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
/// How long to wait before retrying a worktree whose `index.lock` is held.
pub const BUSY_RETRY: Duration = Duration::from_millis(500);
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
    /// The commit the workspace's branch was created at.
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
            readiness: readiness(state, entry.start.as_deref(), &entry.check, &entry.overlaps),
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
                entry.due = Some(now + BUSY_RETRY);
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
mod tests {
    use tokio::sync::mpsc;

    use super::*;

    fn key(name: &str) -> WorkspaceKey {
        WorkspaceKey {
            repo: "/r".into(),
            name: name.into(),
        }
    }

    fn work() -> GitWork {
        let (events, _queue) = mpsc::channel(8);
        GitWork::new(GitWatcher::new(events))
    }

    #[tokio::test]
    async fn reads_are_debounced_single_flight_and_limited() {
        let mut w = work();
        let now = Instant::now();
        let keys: Vec<_> = ["a", "b", "c"].map(key).to_vec();
        assert_eq!(w.sync(&keys, now).len(), 3);
        // Everything new is due at once, but only two reads run.
        assert_eq!(w.start_due(now).len(), MAX_READS);
        assert_eq!(w.next_due(), None);
        // A change during a read runs it again afterwards, debounced.
        w.touch(&key("a"), now);
        assert_eq!(w.start_due(now), Vec::<WorkspaceKey>::new());
        w.finished(&key("a"), ReadResult::Failed("x".into()), now);
        assert_eq!(w.next_due(), Some(now));
        assert_eq!(w.start_due(now), [key("c")]);
        assert_eq!(w.next_due(), None);
        w.finished(&key("b"), ReadResult::Busy, now);
        w.finished(&key("c"), ReadResult::Busy, now);
        assert_eq!(w.next_due(), Some(now + DEBOUNCE));
        // Nothing due, nothing scheduled: no timer at all.
        let later = now + Duration::from_secs(1);
        let started = w.start_due(later);
        assert_eq!(started.len(), 2);
        for k in &started {
            w.finished(k, ReadResult::Failed("x".into()), later);
        }
        let rest = w.start_due(later);
        for k in &rest {
            w.finished(k, ReadResult::Failed("x".into()), later);
        }
        assert_eq!(w.next_due(), None);
    }

    #[tokio::test]
    async fn touches_collapse_into_one_read() {
        let mut w = work();
        let now = Instant::now();
        w.sync(&[key("a")], now);
        let started = w.start_due(now);
        w.finished(&started[0], ReadResult::Failed("x".into()), now);
        for ms in 0..10 {
            w.touch(&key("a"), now + Duration::from_millis(ms));
        }
        assert_eq!(w.next_due(), Some(now + DEBOUNCE));
        assert_eq!(w.start_due(now + DEBOUNCE).len(), 1);
    }

    #[tokio::test]
    async fn a_missing_worktree_is_shown_until_a_read_finds_it_again() {
        let mut w = work();
        let now = Instant::now();
        w.sync(&[key("a")], now);
        let clean = GitState {
            branch: Some("grove/a".into()),
            head: "abc".into(),
            ahead: 0,
            behind: 0,
            committed: DiffStat::default(),
            uncommitted: DiffStat::default(),
            untracked: 0,
            conflicts: Vec::new(),
            changed_paths: Vec::new(),
            merge: crate::git::state::MergeSummary::Unmerged,
            last_commit: None,
        };
        let read = || ReadResult::Read(Box::new(clean.clone()));
        assert!(matches!(
            w.finished(&key("a"), read(), now),
            Some(Update::State(_))
        ));
        assert!(w.finished(&key("a"), read(), now).is_none());
        assert!(matches!(
            w.finished(&key("a"), ReadResult::Missing, now),
            Some(Update::Missing)
        ));
        assert!(w.finished(&key("a"), ReadResult::Missing, now).is_none());
        let summary = w.summary(&key("a")).unwrap();
        assert_eq!(summary.readiness, Readiness::WorktreeMissing);
        // Back (a restore, say): the same state as before is news again.
        assert!(matches!(
            w.finished(&key("a"), read(), now),
            Some(Update::State(_))
        ));
        assert_ne!(
            w.summary(&key("a")).unwrap().readiness,
            Readiness::WorktreeMissing
        );
    }
}
