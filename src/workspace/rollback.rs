//! Undo for multi-step workspace operations. Each step that changes something
//! registers how to take it back; if the operation returns early, dropping the
//! [`Rollback`] undoes the registered steps newest first. Undo steps only
//! remove what this operation made: a branch is deleted only while it still
//! points at the commit we created it at, a directory only if it did not exist
//! before.

use std::path::PathBuf;

use super::Context;
use crate::git::worktree;

/// One thing to take back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    /// Remove the worktree registered at this path, and the directory.
    Worktree { path: PathBuf },
    /// Delete `refs/heads/<branch>` if it still points at `at`.
    Branch { branch: String, at: String },
    /// Drop the state record of workspace `name`.
    Record { name: String },
}

/// The undo list of an operation in progress.
pub struct Rollback<'a> {
    ctx: &'a Context,
    steps: Vec<Undo>,
}

impl<'a> Rollback<'a> {
    pub fn new(ctx: &'a Context) -> Self {
        Self {
            ctx,
            steps: Vec::new(),
        }
    }

    /// Registers a step; call it *before* the action, so a half-done action is
    /// also undone.
    pub fn push(&mut self, step: Undo) {
        self.steps.push(step);
    }

    /// The operation succeeded: keep everything.
    pub fn commit(mut self) {
        self.steps.clear();
    }

    fn undo(&self, step: &Undo) {
        let ctx = self.ctx;
        let result = match step {
            Undo::Worktree { path } => worktree::remove(&ctx.git, &ctx.repo, path)
                .map_err(anyhow::Error::from)
                .and_then(|()| match std::fs::remove_dir_all(path) {
                    Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
                    Ok(()) | Err(_) => Ok(()),
                }),
            Undo::Branch { branch, at } => {
                let refname = format!("refs/heads/{branch}");
                match ctx.repo.branch_exists(branch) {
                    Ok(true) => ctx
                        .git
                        .run(&ctx.repo.root, ["update-ref", "-d", refname.as_str(), at])
                        .map(drop)
                        .map_err(anyhow::Error::from),
                    Ok(false) => Ok(()),
                    Err(err) => Err(err.into()),
                }
            }
            Undo::Record { name } => ctx.store.update(|state| {
                state.take(&ctx.repo.root, name);
                Ok(())
            }),
        };
        if let Err(err) = result {
            tracing::error!(?step, "rollback step failed: {err:#}");
        }
    }
}

impl Drop for Rollback<'_> {
    fn drop(&mut self) {
        for step in self.steps.iter().rev() {
            self.undo(step);
        }
    }
}
