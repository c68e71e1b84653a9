//! Bringing a removed workspace back from a snapshot: its branch (recreated at
//! the snapshot's HEAD if it was deleted), a worktree at its old path, its
//! index, and every file byte for byte.

use super::create::{finish_setup, lock_reason, reserve};
use super::rollback::{Rollback, Undo};
use super::{Context, WorkspaceError, WorkspaceName, occupied};
use crate::git::snapshot::{self, Snapshot};
use crate::git::worktree::{self, BranchSource};
use crate::state::WorkspaceRecord;

/// The snapshot to restore: the newest one, or the newest taken at or before
/// `at` (unix seconds).
pub fn pick_snapshot(
    ctx: &Context,
    name: &WorkspaceName,
    at: Option<u64>,
) -> Result<Snapshot, WorkspaceError> {
    let all = snapshot::list(&ctx.repo, name.as_str())?;
    let newest = all.iter().rev().find(|s| at.is_none_or(|at| s.time <= at));
    newest.cloned().ok_or_else(|| WorkspaceError::NoSnapshot {
        name: name.to_string(),
        repo: ctx.repo.root.clone(),
        detail: match (all.first(), at) {
            (None, _) => String::new(),
            (Some(oldest), Some(at)) => {
                format!(
                    " taken at or before {at}; the oldest is from {}",
                    oldest.time
                )
            }
            (Some(_), None) => String::new(),
        },
    })
}

/// Restores workspace `name` from `snapshot`.
pub fn restore(
    ctx: &Context,
    name: &WorkspaceName,
    snapshot: &Snapshot,
) -> Result<WorkspaceRecord, WorkspaceError> {
    super::recover::clear_half_made(ctx, name)?;
    if let Ok(existing) = ctx.find(name) {
        return Err(WorkspaceError::Exists {
            name: name.to_string(),
            path: existing.path,
        });
    }
    let meta = &snapshot.meta;
    let path = meta.path.clone();
    if occupied(&path) {
        return Err(WorkspaceError::PathTaken { path });
    }
    let branch_exists = ctx.repo.branch_exists(&meta.branch)?;

    // Held until the rollback below has run or been committed.
    let _operation = ctx.store.operation().map_err(WorkspaceError::State)?;
    let mut rollback = Rollback::new(ctx);
    let record = reserve(ctx, name, &path, &meta.branch, &meta.base, None)?;
    rollback.push(Undo::Record {
        name: name.to_string(),
    });
    if let Some(parent) = path.parent() {
        ctx.make_worktree_dir(parent)?;
    }
    let source = match branch_exists {
        true => BranchSource::Existing,
        false => {
            rollback.push(Undo::Branch {
                branch: meta.branch.clone(),
                at: snapshot.head.clone(),
            });
            BranchSource::New {
                start: &snapshot.head,
            }
        }
    };
    rollback.push(Undo::Worktree { path: path.clone() });
    worktree::add(
        &ctx.git,
        &ctx.repo,
        &path,
        &meta.branch,
        source,
        &lock_reason(name.as_str()),
    )?;
    let mut snapshot = snapshot.clone();
    let tip = ctx.repo.resolve_commit(&ctx.git, &meta.branch)?;
    if tip.as_deref() != Some(snapshot.head.as_str()) {
        // The saved index was relative to the old HEAD; over a moved branch it
        // would stage a revert of the new commits. The files still come back.
        tracing::warn!(
            branch = meta.branch,
            "the branch moved since the snapshot; restoring its files over the new tip"
        );
        snapshot.index_tree = None;
    }
    snapshot::restore_into(&ctx.git, &path, &snapshot)?;
    let record = finish_setup(ctx, record)?;
    rollback.commit();
    Ok(record)
}
