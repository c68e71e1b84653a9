//! A temporary worktree for a merge that cannot run in the main worktree.
//! It is made detached (so no branch is checked out twice) in a fresh
//! directory beside the workspaces, and removed when the guard drops, by path
//! only: never a repository-wide prune. One a killed grove left behind is
//! removed by `workspace::recover`.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::git::{GitError, worktree};
use crate::workspace::{Context, WorkspaceError, WorkspaceName};

/// A detached worktree that lives as long as this value.
pub(super) struct Scratch<'a> {
    ctx: &'a Context,
    path: PathBuf,
    // Removes the directory if git left anything behind; dropped after
    // `Drop::drop` has unregistered the worktree.
    _dir: TempDir,
    // Tells recovery the worktree is in use (see `state::Store::operation`);
    // dropped last.
    _operation: crate::state::OperationGuard,
}

impl<'a> Scratch<'a> {
    /// Adds a worktree with `commit` checked out, detached.
    pub(super) fn add(
        ctx: &'a Context,
        name: &WorkspaceName,
        commit: &str,
    ) -> Result<Scratch<'a>, WorkspaceError> {
        let root = ctx.worktree_root();
        let io = |action: &str, path: &Path| {
            let (action, path) = (action.to_owned(), path.to_owned());
            move |source| WorkspaceError::Io {
                action,
                path,
                source,
            }
        };
        let operation = ctx.store.operation().map_err(WorkspaceError::State)?;
        std::fs::create_dir_all(&root).map_err(io("create directory", &root))?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".merge-{name}-"))
            .tempdir_in(&root)
            .map_err(io("create a temporary directory in", &root))?;
        let path = dir.path().to_owned();
        let scratch = Scratch {
            ctx,
            path,
            _dir: dir,
            _operation: operation,
        };
        let one_at_a_time = worktree::serialize();
        ctx.git.run(
            &ctx.repo.root,
            [
                "worktree".as_ref(),
                "add".as_ref(),
                "--quiet".as_ref(),
                "--detach".as_ref(),
                scratch.path.as_os_str(),
                commit.as_ref(),
            ],
        )?;
        drop(one_at_a_time);
        Ok(scratch)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the worktree now, reporting a failure (dropping only logs it).
    pub(super) fn discard(self) -> Result<(), GitError> {
        let result = worktree::remove(&self.ctx.git, &self.ctx.repo, &self.path);
        drop(self);
        result
    }
}

impl Drop for Scratch<'_> {
    fn drop(&mut self) {
        if let Err(err) = worktree::remove(&self.ctx.git, &self.ctx.repo, &self.path) {
            tracing::warn!(
                "cannot remove the temporary merge worktree {}: {err}",
                self.path.display()
            );
        }
    }
}
