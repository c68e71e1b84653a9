//! Git access. Anything that changes a repository (worktrees, branches, refs)
//! runs the **git CLI**, so hooks, LFS filters, sparse checkout and the user's
//! config all apply; cheap reads (refs, ancestry, in-memory merges) go through
//! git2. Nothing here ever takes a lock an agent's own git needs: status-style
//! reads pass `--no-optional-locks`, and snapshots work on a copy of the index.

mod cli;
mod error;
mod merged;
mod overlap;
mod repo;
pub mod snapshot;
pub mod state;
pub mod worktree;

pub use cli::{Git, GitVersion};
pub use error::{GitError, RepoError};
pub use merged::{MergeState, merge_state};
pub use overlap::overlaps;
pub use repo::Repo;
pub(crate) use repo::short_hash;
