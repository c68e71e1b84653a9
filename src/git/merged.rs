//! Has a branch's work reached its base? A branch counts as merged when its tip
//! is an ancestor of the base, and also when merging it into the base would
//! change nothing: that is how a squash merge or a cherry-pick looks, and a
//! tool that called those "unmerged" would nag people into force-deleting.
//!
//! The merge happens in memory (git2's `merge_commits`), so no object, ref or
//! index is written. [`trial_merge`] also keeps the paths that would conflict:
//! the sidebar's conflict prediction is the same merge, done once.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use super::GitError;

/// Where a branch stands against its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeState {
    /// The branch tip is reachable from the base.
    Merged,
    /// Not reachable, but merging it would leave the base's tree unchanged.
    SquashMerged,
    /// The branch has work the base lacks, in this many commits.
    Unmerged { commits: usize },
}

impl MergeState {
    /// True when deleting the branch loses no work.
    pub fn is_merged(self) -> bool {
        match self {
            MergeState::Merged | MergeState::SquashMerged => true,
            MergeState::Unmerged { .. } => false,
        }
    }
}

/// A branch merged into its base in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialMerge {
    pub state: MergeState,
    /// Paths that would conflict, sorted; empty when the merge is clean or
    /// not needed.
    pub conflicts: Vec<PathBuf>,
}

/// Compares `branch` with `base` (both any revision git understands).
pub fn merge_state(
    repo: &git2::Repository,
    branch: &str,
    base: &str,
) -> Result<MergeState, GitError> {
    let dir = repo.path();
    let tip = commit(repo, branch, dir)?;
    let onto = commit(repo, base, dir)?;
    let (ahead, behind) = repo
        .graph_ahead_behind(tip.id(), onto.id())
        .map_err(|source| GitError::Library {
            context: format!("cannot count commits of {branch} over {base}"),
            dir: dir.to_owned(),
            source,
        })?;
    Ok(trial_merge(repo, &tip, &onto, (ahead, behind))?.state)
}

/// Merges `tip` into `onto` in memory, given `(ahead, behind)` from
/// `graph_ahead_behind(tip, onto)`. Only a base that moved on needs a real
/// merge: otherwise the result is one of the two trees.
pub fn trial_merge(
    repo: &git2::Repository,
    tip: &git2::Commit<'_>,
    onto: &git2::Commit<'_>,
    (ahead, behind): (usize, usize),
) -> Result<TrialMerge, GitError> {
    let dir = repo.path();
    let lib = |context: &str| {
        let context = format!("{context} ({} into {})", tip.id(), onto.id());
        move |source| GitError::Library {
            context,
            dir: dir.to_owned(),
            source,
        }
    };
    let settled = |state| TrialMerge {
        state,
        conflicts: Vec::new(),
    };
    if ahead == 0 {
        return Ok(settled(MergeState::Merged));
    }
    let unmerged = MergeState::Unmerged { commits: ahead };
    if behind == 0 {
        // A fast-forward: the merge would produce the branch's own tree.
        return Ok(settled(match tip.tree_id() == onto.tree_id() {
            true => MergeState::SquashMerged,
            false => unmerged,
        }));
    }
    let mut options = git2::MergeOptions::new();
    options.find_renames(true);
    let merged = repo
        .merge_commits(onto, tip, Some(&options))
        .map_err(lib("cannot merge in memory"))?;
    if merged.has_conflicts() {
        let mut conflicts = Vec::new();
        for conflict in merged.conflicts().map_err(lib("cannot list conflicts"))? {
            let conflict = conflict.map_err(lib("cannot read a conflict"))?;
            let sides = [conflict.our, conflict.their, conflict.ancestor];
            conflicts.extend(sides.into_iter().flatten().map(|e| path(&e.path)));
        }
        conflicts.sort();
        conflicts.dedup();
        return Ok(TrialMerge {
            state: unmerged,
            conflicts,
        });
    }
    let base_tree = onto.tree().map_err(lib("cannot read the base tree"))?;
    let mut base_index = git2::Index::new().map_err(lib("cannot make an in-memory index"))?;
    base_index
        .read_tree(&base_tree)
        .map_err(lib("cannot read the base tree"))?;
    Ok(settled(match same_entries(&merged, &base_index) {
        true => MergeState::SquashMerged,
        false => unmerged,
    }))
}

fn commit<'r>(
    repo: &'r git2::Repository,
    rev: &str,
    dir: &Path,
) -> Result<git2::Commit<'r>, GitError> {
    repo.revparse_single(rev)
        .and_then(|object| object.peel_to_commit())
        .map_err(|source| GitError::Library {
            context: format!("cannot find the commit {rev}"),
            dir: dir.to_owned(),
            source,
        })
}

/// Whether two indexes hold the same (path, blob, mode) entries: what a tree
/// made from each would contain. Both iterate in path order, so the first
/// difference ends the walk.
fn same_entries(a: &git2::Index, b: &git2::Index) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|(x, y)| x.path == y.path && x.id == y.id && x.mode == y.mode)
}

fn path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}
