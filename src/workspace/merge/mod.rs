//! Merging a workspace's branch into its base, in two steps the command line
//! and the dashboard share: [`preview`] looks without changing anything
//! (commits, files, predicted conflicts, where the merge would run, what
//! blocks it), and [`merge`] does it with the git CLI so the user's hooks and
//! config apply.
//!
//! The promise is that a merge is never a surprise: it merges exactly the
//! commit the preview showed, never the agent's uncommitted files, and when
//! it conflicts, the base, the branch and both worktrees are left exactly as
//! they were. Predicted conflicts stop it before anything is touched; a
//! conflict git finds anyway (a rebase stopping halfway, say) is aborted.
//!
//! Where it runs: in the main worktree when that has the base checked out and
//! no changes (its files follow the merge), otherwise in a temporary worktree
//! whose result moves the base ref with a compare-and-swap. A base checked
//! out in a worktree with changes, or in any other worktree, is refused:
//! moving it there would leave that worktree's files out of step with its
//! branch.
//!
//! A rebase never rewrites the workspace's branch, which the agent may be
//! committing on at that very moment: a detached copy is rebased in a
//! temporary worktree and the base fast-forwarded to it. The branch keeps its
//! old commits and counts as merged (its changes are all in the base), so
//! `remove` deletes it.

mod block;
mod execute;
mod inspect;
mod preview;
mod report;
mod scratch;
mod text;

use std::fmt;
use std::path::PathBuf;

pub use block::MergeBlock;
pub use preview::{
    CommitLine, FastForward, FileChange, LineChange, MergePreview, Place, TemporaryReason, preview,
};
pub use report::describe_preview;

use super::{Context, WorkspaceError, WorkspaceName};
use crate::git::MergeState;

/// How the branch's commits reach the base.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Strategy {
    /// A merge commit with the base and the branch as parents (`--no-ff`).
    #[default]
    Merge,
    /// One new commit on the base with the branch's changes.
    Squash,
    /// The branch's commits replayed on the base, which then fast-forwards.
    Rebase,
    /// Move the base to the branch; only when the base has nothing new.
    #[value(name = "ff")]
    FastForward,
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Strategy::Merge => "merge",
            Strategy::Squash => "squash",
            Strategy::Rebase => "rebase",
            Strategy::FastForward => "ff",
        })
    }
}

/// What to do when the workspace has uncommitted work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Uncommitted {
    /// Refuse to merge (the default: the agent may not be done).
    #[default]
    Refuse,
    /// Merge the commits anyway; the uncommitted files stay in the worktree,
    /// unmerged.
    Allow,
}

/// How to merge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeOptions {
    pub uncommitted: Uncommitted,
    /// The message of the merge or squash commit; rebase and fast-forward
    /// make no commit of their own and ignore it.
    pub message: Option<String>,
    /// The branch commit the user saw in the preview
    /// ([`MergePreview::branch_tip`]). When the branch has moved since, the
    /// merge is refused rather than merging commits nobody looked at.
    pub expected_tip: Option<String>,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeOutcome {
    Merged(Merged),
    /// The base already has the branch's work; nothing was changed.
    UpToDate {
        branch: String,
        base: String,
        state: MergeState,
    },
    /// Nothing was changed; the agent can be asked to resolve it.
    Conflict(MergeConflict),
}

/// A merge that went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub strategy: Strategy,
    pub branch: String,
    pub base: String,
    pub old_tip: String,
    pub new_tip: String,
    /// How many of the branch's commits were merged.
    pub commits: usize,
    pub place: Place,
    /// Uncommitted paths left in the workspace, not merged
    /// (only with [`Uncommitted::Allow`]).
    pub left_uncommitted: Vec<PathBuf>,
}

/// A merge that would conflict, or did and was aborted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeConflict {
    pub strategy: Strategy,
    pub branch: String,
    pub base: String,
    pub paths: Vec<PathBuf>,
    pub found: ConflictFound,
    /// A request to type into the agent's pane: which paths conflict and how
    /// to fix it.
    pub prompt: String,
}

/// How a conflict was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictFound {
    /// `git merge-tree` predicted it; nothing was attempted.
    Predicted,
    /// git stopped on it and the attempt was aborted.
    Attempted,
}

/// Merges workspace `name`'s branch into its base: see the module docs.
pub fn merge(
    ctx: &Context,
    name: &WorkspaceName,
    strategy: Strategy,
    options: &MergeOptions,
) -> Result<MergeOutcome, WorkspaceError> {
    let preview = preview(ctx, name, strategy)?;
    let blocked = |block| WorkspaceError::MergeBlocked {
        name: name.to_string(),
        branch: preview.branch.clone(),
        base: preview.base.clone(),
        block: Box::new(block),
    };
    if let Some(expected) = &options.expected_tip
        && *expected != preview.branch_tip
    {
        return Err(blocked(MergeBlock::BranchMoved {
            expected: expected.clone(),
            found: preview.branch_tip.clone(),
        }));
    }
    if let Some(block) = preview.off_branch() {
        return Err(blocked(block.clone()));
    }
    if preview.state.is_merged() {
        return Ok(MergeOutcome::UpToDate {
            branch: preview.branch.clone(),
            base: preview.base.clone(),
            state: preview.state,
        });
    }
    if let Some(block) = preview.first_block(options.uncommitted) {
        return Err(blocked(block.clone()));
    }
    if !preview.conflicts.is_empty() {
        let paths = preview.conflicts.clone();
        return Ok(conflict(&preview, paths, ConflictFound::Predicted));
    }
    match execute::run(ctx, name, &preview, options.message.as_deref())? {
        execute::Ran::Conflict { paths } => Ok(conflict(&preview, paths, ConflictFound::Attempted)),
        execute::Ran::Done { new_tip } => Ok(MergeOutcome::Merged(Merged {
            strategy,
            branch: preview.branch,
            base: preview.base,
            old_tip: preview.base_tip,
            new_tip,
            commits: preview.commits.len(),
            place: preview.place,
            left_uncommitted: preview.uncommitted,
        })),
    }
}

fn conflict(preview: &MergePreview, paths: Vec<PathBuf>, found: ConflictFound) -> MergeOutcome {
    MergeOutcome::Conflict(MergeConflict {
        strategy: preview.strategy,
        prompt: text::conflict_prompt(&preview.branch, &preview.base, &paths),
        branch: preview.branch.clone(),
        base: preview.base.clone(),
        paths,
        found,
    })
}
