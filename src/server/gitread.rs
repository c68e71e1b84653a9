//! One git read for the watcher, run on the blocking pool: the workspace's
//! [`GitState`](crate::git::state::GitState), never taking a lock an agent
//! needs. The commit memo travels with the job and back, so the committed
//! side is recomputed only when HEAD or the base moved.

use std::path::Path;

use super::gitwork::ReadResult;
use crate::git::{CommitMemo, Git, GitError, StateRead, read_state};

/// Reads the state of the worktree at `worktree` of the repository at `repo`.
pub fn read(repo: &Path, worktree: &Path, base: &str, memo: &mut CommitMemo) -> ReadResult {
    // Only the directory itself: git would fail on it with an error of its
    // own, which tells the sidebar nothing.
    if !worktree.is_dir() {
        return ReadResult::Missing;
    }
    let mut attempt = || -> Result<StateRead, GitError> {
        let git = Git::shared()?;
        let repository = git2::Repository::open(repo).map_err(|source| GitError::Library {
            context: "cannot open the repository".to_owned(),
            dir: repo.to_owned(),
            source,
        })?;
        read_state(&git, &repository, worktree, base, memo)
    };
    match attempt() {
        Ok(StateRead::Read(state)) => ReadResult::Read(state),
        Ok(StateRead::Busy { .. }) => ReadResult::Busy,
        Err(error) => ReadResult::Failed(error.to_string()),
    }
}
