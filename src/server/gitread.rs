//! One git read for the watcher, run on the blocking pool.

use std::path::Path;

use super::gitwork::ReadResult;

// MERGE: calls git::read_state once it lands.
pub fn read(_repo: &Path, _worktree: &Path, _base: &str) -> ReadResult {
    ReadResult::Failed("not implemented".to_owned())
}
