//! The one-word answer to "can I merge this?" that the sidebar shows for each
//! workspace, derived from its git state, its check, and which other
//! workspaces touch the same files.

use serde::{Deserialize, Serialize};

use super::checkout::Checkout;
use crate::git::state::{GitState, MergeSummary};

/// The repository's `check` command, as it stands for a workspace's HEAD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckStatus {
    /// No check is configured.
    NotConfigured,
    /// Configured, not yet run for this HEAD (or cancelled by a newer commit).
    Pending,
    Running,
    Passed,
    Failed {
        how: String,
    },
}

/// Where a workspace stands, worst first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Readiness {
    /// The watcher has not looked yet.
    Unknown,
    /// Nothing committed, nothing uncommitted.
    NoChanges,
    /// The base already has all of it (merged or squash-merged).
    Merged,
    /// Merging now would conflict in this many paths.
    Conflicts {
        count: usize,
    },
    /// Work not committed yet.
    Uncommitted,
    CheckFailed,
    /// Other workspaces of the same repository change some of the same paths.
    Overlaps {
        with: Vec<String>,
    },
    /// The base moved on; the branch is this many commits behind.
    Behind {
        commits: usize,
    },
    /// Committed, clean, merges cleanly, check passed or not configured.
    Ready,
    /// The worktree's directory is gone (removed by hand, not by grove):
    /// nothing to read, and the agent cannot start there.
    WorktreeMissing,
    /// The worktree's `index.lock` has been held for a while: a commit hook
    /// is still running, or a git was killed and left it, and then every
    /// commit in the worktree fails until it is removed.
    IndexLocked,
    /// The worktree has another branch checked out (`None`: HEAD detached,
    /// as in a rebase): the figures are that checkout's, and a merge would
    /// take the workspace's own branch without what was committed there.
    OffBranch {
        head: Option<String>,
    },
}

impl Readiness {
    /// The name `grove ls --json` and `grove events` use.
    pub fn key(&self) -> &'static str {
        match self {
            Readiness::Unknown => "unknown",
            Readiness::NoChanges => "no_changes",
            Readiness::Merged => "merged",
            Readiness::Conflicts { .. } => "conflicts",
            Readiness::Uncommitted => "uncommitted",
            Readiness::CheckFailed => "check_failed",
            Readiness::Overlaps { .. } => "overlaps",
            Readiness::Behind { .. } => "behind",
            Readiness::Ready => "ready",
            Readiness::WorktreeMissing => "worktree_missing",
            Readiness::IndexLocked => "index_locked",
            Readiness::OffBranch { .. } => "off_branch",
        }
    }

    /// The sidebar's label.
    pub fn label(&self) -> String {
        match self {
            Readiness::Unknown => "…".to_owned(),
            Readiness::NoChanges => "No changes".to_owned(),
            Readiness::Merged => "Merged".to_owned(),
            Readiness::Conflicts { count } => format!("Conflicts ({count})"),
            Readiness::Uncommitted => "Uncommitted".to_owned(),
            Readiness::CheckFailed => "Check failed".to_owned(),
            Readiness::Overlaps { with } => format!("Overlaps ({})", with.join(", ")),
            Readiness::Behind { commits } => format!("Behind base ({commits})"),
            Readiness::Ready => "Ready".to_owned(),
            Readiness::WorktreeMissing => "Worktree missing".to_owned(),
            Readiness::IndexLocked => "index.lock held".to_owned(),
            Readiness::OffBranch { head: Some(branch) } => format!("On branch {branch}"),
            Readiness::OffBranch { head: None } => "HEAD detached".to_owned(),
        }
    }
}

/// The readiness of a workspace whose git state is `state`; `branch` is the
/// workspace's own branch and `start` the commit it was created at, when
/// known.
pub fn readiness(
    state: &GitState,
    branch: Option<&str>,
    start: Option<&str>,
    check: &CheckStatus,
    overlaps: &[String],
) -> Readiness {
    // Everything below is about the checkout, which is not the branch a
    // merge takes.
    if let Some(own) = branch {
        match Checkout::of(own, state.branch.as_deref()) {
            Checkout::Own => {}
            Checkout::Other { branch } => return Readiness::OffBranch { head: Some(branch) },
            Checkout::Detached => return Readiness::OffBranch { head: None },
        }
    }
    let dirty = state.uncommitted.files > 0 || state.untracked > 0;
    match state.merge {
        MergeSummary::Merged | MergeSummary::SquashMerged if !dirty => {
            let untouched = match start {
                Some(start) => start == state.head,
                // An old record without its start: nothing of its own ahead.
                None => state.ahead == 0 && state.committed.files == 0,
            };
            return match untouched {
                true => Readiness::NoChanges,
                false => Readiness::Merged,
            };
        }
        MergeSummary::Merged
        | MergeSummary::SquashMerged
        | MergeSummary::Unmerged
        | MergeSummary::BaseMissing => {}
    }
    // Work still to do, and the agent's next commit will fail: before all
    // else. (Work already merged is done whatever the lock.)
    if state.index_lock.is_some() {
        return Readiness::IndexLocked;
    }
    if !state.conflicts.is_empty() {
        return Readiness::Conflicts {
            count: state.conflicts.len(),
        };
    }
    if dirty {
        return Readiness::Uncommitted;
    }
    match check {
        CheckStatus::Failed { .. } => return Readiness::CheckFailed,
        CheckStatus::NotConfigured
        | CheckStatus::Pending
        | CheckStatus::Running
        | CheckStatus::Passed => {}
    }
    if !overlaps.is_empty() {
        return Readiness::Overlaps {
            with: overlaps.to_vec(),
        };
    }
    if state.behind > 0 {
        return Readiness::Behind {
            commits: state.behind,
        };
    }
    match check {
        CheckStatus::NotConfigured | CheckStatus::Passed => Readiness::Ready,
        // Not ready until the check has passed; nothing is wrong either.
        CheckStatus::Pending | CheckStatus::Running | CheckStatus::Failed { .. } => {
            Readiness::Unknown
        }
    }
}
