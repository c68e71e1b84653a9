//! Which branch a workspace's worktree has checked out. grove made the
//! worktree on a branch of its own, and merges, removes and reports that
//! branch; an agent that switches to another one (`git switch -c fix`), or
//! stops in a rebase with HEAD detached, commits where none of those look.
//! The sidebar, `grove merge`, `grove pr`, `grove rm` and a job's
//! finishing step ask here first, so that such work is neither merged as if it were on the
//! branch nor dropped unseen.

use std::ffi::OsStr;
use std::path::Path;

use crate::git::GitError;

/// What a worktree has checked out, against the workspace's own branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkout {
    /// Its own branch (or a worktree that is gone: nothing to compare).
    Own,
    /// Another branch, by its short name.
    Other { branch: String },
    /// No branch: a rebase in progress, or a commit checked out.
    Detached,
}

impl Checkout {
    /// `checked_out` is the worktree's branch (short name), `None` when its
    /// HEAD is detached; `own` is the workspace's branch.
    pub fn of(own: &str, checked_out: Option<&str>) -> Checkout {
        match checked_out {
            Some(branch) if branch == own => Checkout::Own,
            Some(branch) => Checkout::Other {
                branch: branch.to_owned(),
            },
            None => Checkout::Detached,
        }
    }

    /// What is checked out instead of the workspace's branch, in words
    /// (`branch fix`, `no branch (HEAD detached)`); `None` when it is its own.
    pub fn instead(&self) -> Option<String> {
        match self {
            Checkout::Own => None,
            Checkout::Other { branch } => Some(format!("branch {branch}")),
            Checkout::Detached => Some("no branch (HEAD detached)".to_owned()),
        }
    }
}

/// What the worktree at `worktree` has checked out, against `own`.
pub fn checkout(worktree: &Path, own: &str) -> Result<Checkout, GitError> {
    if !worktree.is_dir() {
        return Ok(Checkout::Own);
    }
    let library = |context: &str| {
        let context = context.to_owned();
        move |source| GitError::Library {
            context,
            dir: worktree.to_owned(),
            source,
        }
    };
    let repo = git2::Repository::open_ext(
        worktree,
        git2::RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&OsStr>(),
    )
    .map_err(library("cannot open the worktree"))?;
    let head = repo.head().map_err(library("cannot read HEAD"))?;
    let branch = match head.is_branch() {
        true => Some(String::from_utf8_lossy(head.shorthand_bytes()).into_owned()),
        false => None,
    };
    Ok(Checkout::of(own, branch.as_deref()))
}
