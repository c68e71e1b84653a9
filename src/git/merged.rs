//! Has a branch's work reached its base? A branch counts as merged when its tip
//! is an ancestor of the base, and also when merging it into the base would
//! change nothing: that is how a squash merge or a cherry-pick looks, and a
//! tool that called those "unmerged" would nag people into force-deleting.
//!
//! The merge happens in memory (git2's `merge_commits`), so no object, ref or
//! index is written.

use std::collections::BTreeMap;
use std::path::Path;

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

/// Compares `branch` with `base` (both any revision git understands).
pub fn merge_state(
    repo: &git2::Repository,
    branch: &str,
    base: &str,
) -> Result<MergeState, GitError> {
    let dir = repo.path();
    let lib = |context: String| {
        move |source| GitError::Library {
            context,
            dir: dir.to_owned(),
            source,
        }
    };
    let tip = commit(repo, branch, dir)?;
    let onto = commit(repo, base, dir)?;
    if tip.id() == onto.id()
        || repo
            .graph_descendant_of(onto.id(), tip.id())
            .map_err(lib(format!("cannot compare {branch} with {base}")))?
    {
        return Ok(MergeState::Merged);
    }
    let (ahead, _) = repo
        .graph_ahead_behind(tip.id(), onto.id())
        .map_err(lib(format!("cannot count commits of {branch} over {base}")))?;
    let mut options = git2::MergeOptions::new();
    options.find_renames(true);
    let merged = repo
        .merge_commits(&onto, &tip, Some(&options))
        .map_err(lib(format!("cannot merge {branch} into {base} in memory")))?;
    if !merged.has_conflicts() {
        let base_tree = onto
            .tree()
            .map_err(lib(format!("cannot read the tree of {base}")))?;
        let mut base_index =
            git2::Index::new().map_err(lib("cannot make an in-memory index".to_owned()))?;
        base_index
            .read_tree(&base_tree)
            .map_err(lib(format!("cannot read the tree of {base}")))?;
        if entries(&merged) == entries(&base_index) {
            return Ok(MergeState::SquashMerged);
        }
    }
    Ok(MergeState::Unmerged { commits: ahead })
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

/// Path → (blob, mode) for every stage-0 entry: what a tree would contain.
fn entries(index: &git2::Index) -> BTreeMap<Vec<u8>, (git2::Oid, u32)> {
    index
        .iter()
        .map(|entry| (entry.path, (entry.id, entry.mode)))
        .collect()
}
