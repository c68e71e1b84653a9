//! Cleaning up after a grove process that was killed halfway through an
//! operation (`kill -9`, the OOM killer, a power cut), when no rollback ran.
//!
//! Two things can be left: a workspace record still in phase `Creating` (a
//! `new` or `restore` that never finished), with whatever part of its branch
//! and worktree git had made; and a merge's temporary worktree. Neither holds
//! anything of the user's: a workspace being made has only its checkout and
//! what setup produced (a restore's files are all in the snapshot it came
//! from), and a temporary worktree only a merge nobody recorded. So both are
//! taken back the way a rollback would, and the command can simply be run
//! again. This only ever happens while no operation is in progress in any
//! process (the state store's operations lock), so nothing is taken from
//! under a grove that is still working.

use std::path::Path;

use super::{Context, WorkspaceError, WorkspaceName};
use crate::git::worktree;
use crate::state::{Phase, WorkspaceRecord};

/// What recovery took back, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// A workspace that was being made.
    HalfMade { name: String },
    /// A merge's temporary worktree.
    MergeWorktree { path: std::path::PathBuf },
}

/// Takes back everything interrupted operations left in `ctx`'s repository,
/// unless an operation is in progress somewhere (then nothing, this time).
pub fn recover(ctx: &Context) -> Result<Vec<Recovered>, WorkspaceError> {
    let Some(_recovering) = ctx.store.recovery().map_err(WorkspaceError::State)? else {
        return Ok(Vec::new());
    };
    let mut recovered = Vec::new();
    for record in ctx.list().map_err(WorkspaceError::State)? {
        match record.phase {
            Phase::Creating => {
                take_back(ctx, &record)?;
                recovered.push(Recovered::HalfMade { name: record.name });
            }
            Phase::Ready => {}
        }
    }
    for path in merge_worktrees(ctx)? {
        discard_worktree(ctx, &path)?;
        recovered.push(Recovered::MergeWorktree { path });
    }
    Ok(recovered)
}

/// Before making workspace `name`: if an interrupted operation left it half
/// made, takes it back so the name is free again.
pub(super) fn clear_half_made(ctx: &Context, name: &WorkspaceName) -> Result<(), WorkspaceError> {
    let half_made = match ctx.find(name) {
        Ok(record) => record.phase == Phase::Creating,
        Err(_) => false,
    };
    if !half_made {
        return Ok(());
    }
    let Some(_recovering) = ctx.store.recovery().map_err(WorkspaceError::State)? else {
        return Ok(());
    };
    let record = ctx.find(name)?;
    if record.phase == Phase::Creating {
        tracing::warn!(
            name = record.name,
            "taking back a workspace an interrupted grove left half made"
        );
        take_back(ctx, &record)?;
    }
    Ok(())
}

/// Undoes a half-made workspace: its worktree, its branch if grove made it
/// and nothing moved it since, and its record.
fn take_back(ctx: &Context, record: &WorkspaceRecord) -> Result<(), WorkspaceError> {
    discard_worktree(ctx, &record.path)?;
    // A restore (no start) may have reused a branch the user kept: it stays.
    if let Some(start) = &record.start {
        let refname = format!("refs/heads/{}", record.branch);
        let tip = ctx.repo.resolve_commit(&ctx.git, &refname)?;
        if tip.as_deref() == Some(start.as_str()) {
            ctx.git.run(
                &ctx.repo.root,
                ["update-ref", "-d", refname.as_str(), start.as_str()],
            )?;
        }
    }
    ctx.store
        .update(|state| {
            let still_creating = state
                .find(&ctx.repo.root, &record.name)
                .is_some_and(|r| r.phase == Phase::Creating);
            if still_creating {
                state.take(&ctx.repo.root, &record.name);
            }
            Ok(())
        })
        .map_err(WorkspaceError::State)
}

/// Removes a worktree git may have made only part of: a killed `git worktree
/// add` leaves one that `git worktree remove` refuses ("validation failed"),
/// but with its directory gone git drops the registration.
fn discard_worktree(ctx: &Context, path: &Path) -> Result<(), WorkspaceError> {
    let held = worktree::serialize();
    let entry = worktree::find_held(&ctx.git, &ctx.repo, path, &held)?;
    if entry.as_ref().is_some_and(|e| e.locked) {
        ctx.git.run(
            &ctx.repo.root,
            ["worktree".as_ref(), "unlock".as_ref(), path.as_os_str()],
        )?;
    }
    match std::fs::remove_dir_all(path) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(WorkspaceError::Io {
                action: "remove the half-made worktree".to_owned(),
                path: path.to_owned(),
                source,
            });
        }
    }
    if entry.is_some() {
        ctx.git.run(
            &ctx.repo.root,
            [
                "worktree".as_ref(),
                "remove".as_ref(),
                "--force".as_ref(),
                path.as_os_str(),
            ],
        )?;
    }
    Ok(())
}

/// Temporary merge worktrees (`.merge-NAME-XXXXXX`, detached, unlocked, in
/// the workspace root) and leftover directories of them.
fn merge_worktrees(ctx: &Context) -> Result<Vec<std::path::PathBuf>, WorkspaceError> {
    let root = ctx.worktree_root();
    let root = root.canonicalize().unwrap_or(root);
    let is_scratch = |path: &Path| {
        let in_root = path
            .parent()
            .is_some_and(|p| p == root || p.canonicalize().ok().as_deref() == Some(&root));
        let named = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".merge-"));
        in_root && named
    };
    let mut found: Vec<std::path::PathBuf> = worktree::list(&ctx.git, &ctx.repo)?
        .into_iter()
        .filter(|e| e.branch.is_none() && !e.locked && is_scratch(&e.path))
        .map(|e| e.path)
        .collect();
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let path = entry.path();
            if is_scratch(&path) && !found.contains(&path) {
                found.push(path);
            }
        }
    }
    Ok(found)
}
