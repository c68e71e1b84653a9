//! What a workspace's commits say against its base: ahead/behind, the
//! committed diff from the merge base, predicted conflicts and whether the
//! base already has the work. All of it in process through git2 and all of it
//! a function of two commits, so it is remembered between reads ([`CommitMemo`])
//! and recomputed only when HEAD or the base moves: once the base has moved
//! on, the in-memory merge walks the whole tree.

use std::path::{Path, PathBuf};

use super::GitError;
use super::merged::trial_merge;
use super::state::{DiffStat, MergeSummary};

/// The last [`BranchWork`] computed for one workspace, kept by the caller
/// between reads of that workspace.
#[derive(Debug, Clone, Default)]
pub struct CommitMemo {
    last: Option<(git2::Oid, Option<git2::Oid>, BranchWork)>,
}

impl CommitMemo {
    /// The branch's work for `tip` against `base`, from memory when neither
    /// moved since the last call.
    pub(crate) fn work(
        &mut self,
        repo: &git2::Repository,
        tip: &git2::Commit<'_>,
        base: &str,
    ) -> Result<BranchWork, GitError> {
        let onto = find_base(repo, base)?;
        let key = (tip.id(), onto.as_ref().map(git2::Commit::id));
        if let Some((head, base_head, work)) = &self.last
            && (*head, *base_head) == key
        {
            return Ok(work.clone());
        }
        let work = match onto {
            Some(onto) => against_base(repo, tip, &onto, base)?,
            None => BranchWork::base_missing(),
        };
        self.last = Some((key.0, key.1, work.clone()));
        Ok(work)
    }
}

/// What the branch's commits do relative to the base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BranchWork {
    pub ahead: usize,
    pub behind: usize,
    pub committed: DiffStat,
    /// Paths changed from the merge base to HEAD.
    pub paths: Vec<PathBuf>,
    pub conflicts: Vec<PathBuf>,
    pub merge: MergeSummary,
}

impl BranchWork {
    fn base_missing() -> BranchWork {
        BranchWork {
            ahead: 0,
            behind: 0,
            committed: DiffStat::default(),
            paths: Vec::new(),
            conflicts: Vec::new(),
            merge: MergeSummary::BaseMissing,
        }
    }
}

/// The commit `base` names, or `None` when it names nothing (deleted branch).
fn find_base<'r>(
    repo: &'r git2::Repository,
    base: &str,
) -> Result<Option<git2::Commit<'r>>, GitError> {
    match repo.revparse_single(base) {
        Ok(object) => object
            .peel_to_commit()
            .map(Some)
            .map_err(lib(repo.path(), format!("{base} does not name a commit"))),
        Err(err) if err.code() == git2::ErrorCode::NotFound => Ok(None),
        Err(err) => Err(lib(repo.path(), format!("cannot resolve {base}"))(err)),
    }
}

fn against_base(
    repo: &git2::Repository,
    tip: &git2::Commit<'_>,
    onto: &git2::Commit<'_>,
    base: &str,
) -> Result<BranchWork, GitError> {
    let dir = repo.path();
    let (ahead, behind) = repo
        .graph_ahead_behind(tip.id(), onto.id())
        .map_err(lib(dir, format!("cannot count commits against {base}")))?;
    let fork = match repo.merge_base(tip.id(), onto.id()) {
        Ok(oid) => Some(oid),
        // Unrelated histories: everything on the branch is its own work.
        Err(err) if err.code() == git2::ErrorCode::NotFound => None,
        Err(err) => {
            return Err(lib(dir, format!("cannot find the merge base with {base}"))(
                err,
            ));
        }
    };
    let (committed, paths) = match fork == Some(tip.id()) {
        true => (DiffStat::default(), Vec::new()),
        false => {
            let from = fork
                .map(|oid| repo.find_commit(oid).and_then(|c| c.tree()))
                .transpose()
                .map_err(lib(dir, format!("cannot read the merge base with {base}")))?;
            let to = tip
                .tree()
                .map_err(lib(dir, format!("cannot read the tree of {}", tip.id())))?;
            committed_diff(repo, from.as_ref(), &to)?
        }
    };
    let trial = trial_merge(repo, tip, onto, (ahead, behind))?;
    Ok(BranchWork {
        ahead,
        behind,
        committed,
        paths,
        conflicts: trial.conflicts,
        merge: MergeSummary::from(Some(trial.state)),
    })
}

/// Lines and paths changed from the merge base's tree to the branch's. Only
/// subtrees whose ids differ are walked, so the cost follows the change, not
/// the size of the repository.
fn committed_diff(
    repo: &git2::Repository,
    from: Option<&git2::Tree<'_>>,
    to: &git2::Tree<'_>,
) -> Result<(DiffStat, Vec<PathBuf>), GitError> {
    let fail = |what: &str| lib(repo.path(), format!("cannot {what} the committed changes"));
    let diff = repo
        .diff_tree_to_tree(from, Some(to), None)
        .map_err(fail("diff"))?;
    let stats = diff.stats().map_err(fail("count"))?;
    let mut paths: Vec<PathBuf> = diff
        .deltas()
        .flat_map(|delta| [delta.old_file().path(), delta.new_file().path()])
        .flatten()
        .map(Path::to_path_buf)
        .collect();
    paths.dedup();
    Ok((
        DiffStat {
            files: stats.files_changed(),
            insertions: stats.insertions(),
            deletions: stats.deletions(),
        },
        paths,
    ))
}

/// Wraps a git2 error with what was being done and where.
pub(super) fn lib(dir: &Path, context: String) -> impl FnOnce(git2::Error) -> GitError {
    let dir = dir.to_owned();
    move |source| GitError::Library {
        context,
        dir,
        source,
    }
}
