//! Snapshotting and removing workspaces. Removal is the one place grove could
//! lose work, so it is careful in this order: refuse when there is work the
//! base does not have (unless forced), snapshot everything, remove the
//! worktree, and delete the branch only when the base already has its commits.

use std::fmt;
use std::path::{Path, PathBuf};

use super::checkout::{Checkout, checkout};
use super::setup::unchanged_since_provisioned;
use super::{Context, WorkspaceError, WorkspaceName};
use crate::git::snapshot::{self, Snapshot};
use crate::git::{MergeState, merge_state, worktree};
use crate::state::WorkspaceRecord;

/// Whether `remove` may drop a workspace that still has work in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveMode {
    /// Refuse when there is uncommitted or unmerged work.
    Safe,
    /// Remove anyway; the snapshot keeps the work and an unmerged branch is kept.
    Force,
}

/// What a workspace holds that its base does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Work {
    /// Changed, added, deleted or untracked paths (not ignored ones).
    pub uncommitted: Vec<PathBuf>,
    /// The branch against its base; `None` when the base no longer resolves.
    pub merge: Option<MergeState>,
    /// What the worktree has checked out: commits on another branch are
    /// work `merge` does not see.
    pub checkout: Checkout,
}

impl Work {
    pub fn is_empty(&self) -> bool {
        self.uncommitted.is_empty()
            && self.merge.is_some_and(MergeState::is_merged)
            && self.checkout == Checkout::Own
    }
}

impl fmt::Display for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        match self.uncommitted.len() {
            0 => {}
            1 => parts.push("1 uncommitted file".to_owned()),
            n => parts.push(format!("{n} uncommitted files")),
        }
        match self.merge {
            Some(MergeState::Unmerged { commits: 1 }) => {
                parts.push("1 commit not merged into its base".to_owned());
            }
            Some(MergeState::Unmerged { commits }) => {
                parts.push(format!("{commits} commits not merged into its base"));
            }
            None => parts.push("a base that no longer exists".to_owned()),
            Some(MergeState::Merged | MergeState::SquashMerged) => {}
        }
        match &self.checkout {
            Checkout::Own => {}
            Checkout::Other { branch } => {
                parts.push(format!("its worktree on another branch, {branch}"));
            }
            Checkout::Detached => {
                parts.push("its worktree on no branch (HEAD detached)".to_owned())
            }
        }
        match parts.is_empty() {
            true => f.write_str("no unsaved work"),
            false => f.write_str(&parts.join(" and ")),
        }
    }
}

/// What happened to the branch of a removed workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchOutcome {
    Deleted,
    /// Kept because its base lacks some of its work.
    Kept,
}

/// The result of a removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub record: WorkspaceRecord,
    /// `None` only when the worktree directory was already gone.
    pub snapshot: Option<Snapshot>,
    pub branch: BranchOutcome,
}

/// What `grove rm` tells the user: where the work went and how to get it back.
pub fn removal_summary(name: &WorkspaceName, removal: &Removal) -> String {
    let saved = match &removal.snapshot {
        Some(snapshot) => format!(
            "removed workspace {name}; its files are saved as {}",
            snapshot.refname
        ),
        None => format!("removed workspace {name} (its directory was already gone)"),
    };
    let branch = match removal.branch {
        BranchOutcome::Deleted => format!("deleted branch {} (merged)", removal.record.branch),
        BranchOutcome::Kept => format!(
            "kept branch {}: it has work its base lacks",
            removal.record.branch
        ),
    };
    format!("{saved}\n{branch}\nbring it back with `grove restore {name}`")
}

/// Looks at a workspace's worktree and branch without changing anything.
pub fn assess(ctx: &Context, record: &WorkspaceRecord) -> Result<Work, WorkspaceError> {
    let uncommitted = match record.path.is_dir() {
        true => uncommitted_paths(ctx, record)?,
        false => Vec::new(),
    };
    Ok(Work {
        uncommitted,
        merge: merge_of(ctx, record)?,
        checkout: checkout(&record.path, &record.branch)?,
    })
}

/// The branch against its base; `None` when the base no longer resolves.
fn merge_of(ctx: &Context, record: &WorkspaceRecord) -> Result<Option<MergeState>, WorkspaceError> {
    let repo = ctx.repo.open()?;
    Ok(match ctx.repo.resolve_commit(&ctx.git, &record.base)? {
        Some(_) => Some(merge_state(&repo, &record.branch, &record.base)?),
        None => None,
    })
}

/// Saves the workspace's working state under `refs/grove/snapshots/NAME/…`.
pub fn snapshot(ctx: &Context, name: &WorkspaceName) -> Result<Snapshot, WorkspaceError> {
    let record = ctx.find(name)?;
    take_snapshot(ctx, &record)
}

/// Removes a workspace: see the module docs for the order of steps.
pub fn remove(
    ctx: &Context,
    name: &WorkspaceName,
    mode: RemoveMode,
) -> Result<Removal, WorkspaceError> {
    let record = ctx.find(name)?;
    // Forced, the uncommitted files only go into the snapshot, so there is
    // no `git status` to run first.
    let merge = match mode {
        RemoveMode::Safe => {
            let work = assess(ctx, &record)?;
            if !work.is_empty() {
                return Err(WorkspaceError::HasWork {
                    name: name.to_string(),
                    work,
                });
            }
            work.merge
        }
        RemoveMode::Force => merge_of(ctx, &record)?,
    };
    let snapshot = match record.path.is_dir() {
        true => Some(take_snapshot(ctx, &record)?),
        false => None,
    };
    worktree::remove(&ctx.git, &ctx.repo, &record.path)?;
    let merged = merge.is_some_and(MergeState::is_merged);
    let branch = match merged {
        true => {
            delete_branch(ctx, &record.branch)?;
            BranchOutcome::Deleted
        }
        false => BranchOutcome::Kept,
    };
    ctx.store
        .update(|state| {
            state.take(&ctx.repo.root, name.as_str());
            Ok(())
        })
        .map_err(WorkspaceError::State)?;
    Ok(Removal {
        record,
        snapshot,
        branch,
    })
}

fn take_snapshot(ctx: &Context, record: &WorkspaceRecord) -> Result<Snapshot, WorkspaceError> {
    let meta = snapshot::Meta {
        workspace: record.name.clone(),
        branch: record.branch.clone(),
        base: record.base.clone(),
        path: record.path.clone(),
    };
    Ok(snapshot::create(&ctx.git, &ctx.repo, &record.path, &meta)?)
}

/// Deletes the branch, but only if it has not moved since we looked.
fn delete_branch(ctx: &Context, branch: &str) -> Result<(), WorkspaceError> {
    let refname = format!("refs/heads/{branch}");
    let Some(tip) = ctx.repo.resolve_commit(&ctx.git, &refname)? else {
        return Ok(());
    };
    ctx.git
        .run(&ctx.repo.root, ["update-ref", "-d", refname.as_str(), &tip])?;
    Ok(())
}

/// Paths `git status` reports, minus files grove itself placed that nobody
/// has changed since. `--no-optional-locks` keeps status from taking
/// `index.lock`, which would make an agent's own commit fail.
fn uncommitted_paths(
    ctx: &Context,
    record: &WorkspaceRecord,
) -> Result<Vec<PathBuf>, WorkspaceError> {
    let text = ctx.git.run(
        &record.path,
        [
            "--no-optional-locks",
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
        ],
    )?;
    let mut paths = Vec::new();
    let mut fields = text.split('\0').filter(|f| !f.is_empty());
    while let Some(field) = fields.next() {
        let (status, path) = field.split_at(field.len().min(3));
        if status.starts_with('R') || status.starts_with('C') {
            fields.next(); // the rename's source path
        }
        let path = PathBuf::from(path);
        let placed = status == "?? " && is_provisioned(record, &path);
        if placed && unchanged_since_provisioned(&ctx.repo, &record.path, &path) {
            continue;
        }
        paths.push(path);
    }
    Ok(paths)
}

fn is_provisioned(record: &WorkspaceRecord, path: &Path) -> bool {
    record.provisioned.iter().any(|p| path.starts_with(p))
}
