//! Git access. Anything that changes a repository (worktrees, branches, refs)
//! runs the **git CLI**, so hooks, LFS filters, sparse checkout and the user's
//! config all apply; cheap reads (refs, ancestry, in-memory merges) go through
//! git2. Nothing here ever takes a lock an agent's own git needs: status-style
//! reads pass `--no-optional-locks`, line counts come from the plumbing
//! `diff-index` (porcelain `git diff` rewrites the index regardless), and
//! snapshots work on a copy of the index.

mod branch_work;
mod cli;
mod error;
mod merged;
mod overlap;
mod read_state;
mod repo;
pub mod snapshot;
pub mod state;
mod status;
#[cfg(test)]
pub mod test_git;
pub mod worktree;

pub use branch_work::CommitMemo;
pub use cli::{Git, GitVersion};
pub use error::{GitError, RepoError};
pub use merged::{MergeState, merge_state};
pub use overlap::overlaps;
pub use read_state::{LOCK_PATIENCE, StateRead, read_state};
pub use repo::Repo;
pub use repo::short_hash;
