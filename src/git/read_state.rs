//! Reading one workspace's [`GitState`]: a background job's work, run again
//! whenever the worktree or the refs change, so it must be cheap when little
//! changed and must never get in the agent's way.
//!
//! Committed work is read in process through git2 and remembered until HEAD
//! or the base moves (see [`super::branch_work`]); uncommitted work comes from
//! `git status` every time (see [`super::status`]). Nothing takes a lock, and
//! while the agent's git has just taken `index.lock` nothing is read at all:
//! the caller gets [`StateRead::Busy`] and comes back later. A lock older than
//! [`LOCK_PATIENCE`] is read through and reported in
//! [`GitState::index_lock`]: a commit's hook can hold it for minutes and a git
//! killed with SIGKILL leaves it for good, and waiting on either froze the
//! sidebar.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::branch_work::{CommitMemo, lib};
use super::state::{CommitInfo, GitState};
use super::{Git, GitError, status};

/// How old `index.lock` must be before it is read through: far longer than
/// git holds it to write a commit, short enough that a stuck lock shows.
pub const LOCK_PATIENCE: Duration = Duration::from_secs(5);

/// The outcome of [`read_state`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateRead {
    Read(Box<GitState>),
    /// The agent's git holds the worktree's index lock (it is committing,
    /// staging, rebasing): nothing was read. Try again later.
    Busy {
        lock: PathBuf,
    },
}

/// Reads the state of the worktree at `worktree` against `base` (any revision).
/// `repo` is the repository the worktree belongs to, opened once by the
/// caller so its object caches stay warm between reads; `memo` is this
/// workspace's own, kept by the caller from one read to the next.
pub fn read_state(
    git: &Git,
    repo: &git2::Repository,
    worktree: &Path,
    base: &str,
    memo: &mut CommitMemo,
) -> Result<StateRead, GitError> {
    // HEAD and the index lock are per worktree; objects and refs are shared.
    let local = git2::Repository::open_ext(
        worktree,
        git2::RepositoryOpenFlags::NO_SEARCH,
        std::iter::empty::<&OsStr>(),
    )
    .map_err(lib(worktree, "cannot open the worktree".to_owned()))?;
    let lock = local.path().join("index.lock");
    let index_lock = match lock_age(&lock) {
        None => None,
        Some(age) if age < LOCK_PATIENCE => return Ok(StateRead::Busy { lock }),
        Some(_) => Some(lock),
    };
    let head = local
        .head()
        .map_err(lib(worktree, "cannot read HEAD".to_owned()))?;
    let branch = match head.is_branch() {
        true => Some(String::from_utf8_lossy(head.shorthand_bytes()).into_owned()),
        false => None,
    };
    // The commit is read through the caller's repository, whose object
    // database is already open, not through this fresh one.
    let tip = head
        .target()
        .ok_or_else(|| git2::Error::from_str("HEAD names no commit"))
        .and_then(|oid| repo.find_commit(oid))
        .map_err(lib(worktree, "cannot read the HEAD commit".to_owned()))?;

    let work = memo.work(repo, &tip, base)?;
    let changes = status::changes(git, worktree)?;
    let uncommitted = status::tracked_stat(git, worktree, &changes.tracked)?;

    let mut changed_paths = work.paths;
    changed_paths.extend(changes.tracked);
    changed_paths.extend_from_slice(&changes.untracked);
    changed_paths.sort();
    changed_paths.dedup();
    Ok(StateRead::Read(Box::new(GitState {
        branch,
        head: tip.id().to_string(),
        ahead: work.ahead,
        behind: work.behind,
        committed: work.committed,
        uncommitted,
        untracked: changes.untracked.len(),
        conflicts: work.conflicts,
        changed_paths,
        merge: work.merge,
        index_lock,
        last_commit: Some(CommitInfo {
            oid: tip.id().to_string(),
            summary: String::from_utf8_lossy(tip.summary_bytes().unwrap_or_default()).into_owned(),
            time: tip.time().seconds(),
        }),
    })))
}

/// How long ago `lock` was written, if it exists. One written in the future
/// (a clock set back) counts as just written.
fn lock_age(lock: &Path) -> Option<Duration> {
    let written = std::fs::metadata(lock).and_then(|m| m.modified()).ok()?;
    Some(
        SystemTime::now()
            .duration_since(written)
            .unwrap_or(Duration::ZERO),
    )
}
