//! What grove knows about a workspace's git state: where its branch stands
//! against its base, what it changed (committed and not), whether it would
//! merge cleanly, and its last commit. The watcher (`server::watcher`) keeps
//! one of these per workspace; the sidebar and `grove ls --json` show it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::MergeState;

/// Files changed and lines added and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffStat {
    pub files: usize,
    pub insertions: usize,
    pub deletions: usize,
}

/// The last commit on the workspace's branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitInfo {
    pub oid: String,
    pub summary: String,
    /// Unix time of the commit.
    pub time: i64,
}

/// One workspace's git state at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitState {
    /// The branch checked out in the worktree (`None` when detached).
    pub branch: Option<String>,
    /// The commit checked out.
    pub head: String,
    /// Commits on the branch that the base lacks ("commits since the base").
    pub ahead: usize,
    /// Commits on the base that the branch lacks.
    pub behind: usize,
    /// Changes committed on the branch since the merge base.
    pub committed: DiffStat,
    /// Changes in the worktree and index not yet committed (tracked files).
    pub uncommitted: DiffStat,
    /// Untracked, not ignored files.
    pub untracked: usize,
    /// Paths that would conflict if the branch were merged into the base now.
    pub conflicts: Vec<PathBuf>,
    /// Every path the workspace changed since the merge base, committed or
    /// not (untracked included): what overlap with other workspaces is
    /// computed from.
    pub changed_paths: Vec<PathBuf>,
    /// Whether the base already has the branch's work.
    pub merge: MergeSummary,
    /// The worktree's `index.lock`, when it has been held for longer than a
    /// commit takes (a hook still running, or a git that was killed).
    pub index_lock: Option<PathBuf>,
    pub last_commit: Option<CommitInfo>,
}

/// [`MergeState`] in a form that can be stored and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MergeSummary {
    Merged,
    SquashMerged,
    Unmerged,
    /// The base no longer resolves.
    BaseMissing,
}

impl From<Option<MergeState>> for MergeSummary {
    fn from(state: Option<MergeState>) -> Self {
        match state {
            Some(MergeState::Merged) => MergeSummary::Merged,
            Some(MergeState::SquashMerged) => MergeSummary::SquashMerged,
            Some(MergeState::Unmerged { .. }) => MergeSummary::Unmerged,
            None => MergeSummary::BaseMissing,
        }
    }
}
