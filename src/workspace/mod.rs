//! Workspaces: a git worktree on its own branch, made, snapshotted, removed and
//! restored so that no step leaves half a workspace behind and no removal loses
//! work.
//!
//! Each operation takes a [`Context`] (the git runner, the repository, the
//! effective config and the state store) and is written as a sequence of steps
//! with a [`rollback::Rollback`] that undoes the finished ones if a later step
//! fails.

pub mod checkout;
mod create;
mod merge;
mod name;
mod pr;
pub mod readiness;
mod recover;
mod remove;
mod restore;
mod rollback;
mod setup;
pub mod trust;

use std::path::{Path, PathBuf};

pub use create::{CreateRequest, create};
pub use merge::{
    CommitLine, ConflictFound, FastForward, FileChange, LineChange, MergeBlock, MergeConflict,
    MergeOptions, MergeOutcome, MergePreview, Merged, Place, Strategy, TemporaryReason,
    Uncommitted, describe_preview, merge, preview,
};
pub use name::{NameError, WorkspaceName};
pub use pr::{
    Checks, Draft, Gh, ManualReason, PrError, PrLifecycle, PrOutcome, PrState, PushHint, Pushed,
    open_pr, pr_state, push,
};
pub use recover::{Recovered, recover};
pub use remove::{
    BranchOutcome, Removal, RemoveMode, Work, assess, removal_summary, remove, snapshot,
};
pub use restore::{pick_snapshot, restore};
pub use setup::SetupEnv;

use crate::config::Config;
use crate::git::{Git, GitError, Repo, RepoError};
use crate::paths::Paths;
use crate::state::{Store, WorkspaceRecord};

/// Everything a workspace operation needs.
#[derive(Debug, Clone)]
pub struct Context {
    pub git: Git,
    pub repo: Repo,
    pub config: Config,
    pub paths: Paths,
    pub store: Store,
}

impl Context {
    /// The directory new worktrees of this repository go into:
    /// `workspace.root` from the config (relative to the repository root), or
    /// `$XDG_DATA_HOME/grove/worktrees/<repo-name>-<short-hash>`.
    pub fn worktree_root(&self) -> PathBuf {
        match &self.config.workspace.root {
            Some(root) => self.repo.root.join(root),
            None => self.paths.worktrees_root().join(format!(
                "{}-{}",
                self.repo.name(),
                self.repo.short_id()
            )),
        }
    }

    /// Creates `dir`, a directory a worktree goes into. Under grove's own
    /// data directory everything it creates is private (0700): worktrees hold
    /// the user's code. A `workspace.root` inside the repository is the
    /// user's to set up, so there the umask decides.
    pub fn make_worktree_dir(&self, dir: &Path) -> Result<(), WorkspaceError> {
        let made = match dir.starts_with(&self.paths.data_dir) {
            true => crate::paths::create_private_dir(&self.paths.data_dir)
                .and_then(|()| crate::paths::create_private_dir(dir)),
            false => std::fs::create_dir_all(dir),
        };
        made.map_err(|source| WorkspaceError::Io {
            action: "create directory".to_owned(),
            path: dir.to_owned(),
            source,
        })
    }

    /// The branch a workspace named `name` works on.
    pub fn branch_for(&self, name: &WorkspaceName) -> String {
        format!("{}{}", self.config.workspace.branch_prefix, name)
    }

    /// This repository's workspaces, in creation order.
    pub fn list(&self) -> anyhow::Result<Vec<WorkspaceRecord>> {
        let state = self.store.load()?;
        Ok(state
            .workspaces
            .into_iter()
            .filter(|w| w.repo == self.repo.root)
            .collect())
    }

    /// The record of workspace `name`, or a "not found" error naming the repository.
    pub fn find(&self, name: &WorkspaceName) -> Result<WorkspaceRecord, WorkspaceError> {
        let state = self.store.load().map_err(WorkspaceError::State)?;
        state
            .find(&self.repo.root, name.as_str())
            .cloned()
            .ok_or_else(|| WorkspaceError::NotFound {
                name: name.to_string(),
                repo: self.repo.root.clone(),
            })
    }
}

/// Everything a workspace operation can fail with; callers branch on these to
/// choose an exit code and a hint.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(
        "branch {branch} already exists in {repo}; choose another workspace name, or delete the branch with `git branch -D {branch}`"
    )]
    BranchExists { branch: String, repo: PathBuf },
    #[error("workspace {name} already exists at {path}; choose another name")]
    Exists { name: String, path: PathBuf },
    #[error("{path} already exists; move it away or set workspace.root to another directory")]
    PathTaken { path: PathBuf },
    #[error(
        "base {} does not name a commit in {repo}; check the name with `git branch -a`",
        crate::failure::printable(.base)
    )]
    MissingBase { base: String, repo: PathBuf },
    #[error("no workspace {name} in {repo}; `grove ls` lists them")]
    NotFound { name: String, repo: PathBuf },
    #[error("no snapshot of workspace {name} in {repo}{detail}")]
    NoSnapshot {
        name: String,
        repo: PathBuf,
        detail: String,
    },
    #[error(
        "workspace {name} has {work}; merge or commit it first, or pass --force (a snapshot is kept either way)"
    )]
    HasWork { name: String, work: Work },
    #[error("cannot merge workspace {name} ({branch}) into {base}: {block}")]
    MergeBlocked {
        name: String,
        branch: String,
        base: String,
        /// Boxed: the error stays small for every other caller.
        block: Box<MergeBlock>,
    },
    #[error("setup command `{command}` failed ({status}): {output}; the workspace was not created")]
    Setup {
        command: String,
        status: String,
        output: String,
    },
    #[error("config {key}: {message}")]
    Config { key: String, message: String },
    #[error(
        "{file} asks to run {commands:?} in every new worktree; read it, then run `grove trust` to allow that (once per version of the file)",
        file = .file.display()
    )]
    Untrusted {
        file: PathBuf,
        commands: Vec<String>,
    },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0:#}")]
    State(anyhow::Error),
    #[error(transparent)]
    Pr(#[from] PrError),
}

/// A directory exists and is not empty, or is not a directory at all.
fn occupied(path: &Path) -> bool {
    match std::fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_some(),
        Err(err) => err.kind() != std::io::ErrorKind::NotFound,
    }
}
