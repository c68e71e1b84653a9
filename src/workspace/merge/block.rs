//! Why a merge will not run. Each reason says what to do about it, because
//! the user reads it as the whole error: "cannot merge workspace auth
//! (grove/auth) into main: <reason>".

use std::fmt;
use std::path::PathBuf;

use crate::workspace::checkout::Checkout;

/// Something that stops a merge before it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeBlock {
    /// The workspace has uncommitted work (lifted by `Uncommitted::Allow`).
    Uncommitted { paths: Vec<PathBuf> },
    /// The base is a remote-tracking branch, which only a push can move.
    RemoteBase,
    /// The base is a tag or a commit, not a branch that can move.
    NotABranch { refname: Option<String> },
    /// The main worktree has the base checked out and uncommitted changes
    /// or untracked files: merging there could mix them in, and moving the
    /// ref under it would leave its files out of step.
    BaseDirty { path: PathBuf },
    /// The base is checked out in another worktree (maybe another agent's).
    BaseCheckedOut { path: PathBuf },
    /// `ff` was asked for but the base has commits the branch lacks.
    NotFastForward { behind: usize },
    /// The workspace's branch no longer exists.
    BranchMissing,
    /// The branch moved after the preview the user agreed to.
    BranchMoved { expected: String, found: String },
    /// The worktree has another branch checked out, or none: what the agent
    /// committed there is not on the branch a merge would take.
    OffBranch {
        own: String,
        path: PathBuf,
        found: Checkout,
    },
}

impl fmt::Display for MergeBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeBlock::Uncommitted { paths } => write!(
                f,
                "the workspace has uncommitted work ({}); commit it first, or pass \
                 --allow-uncommitted to merge only the commits",
                list(paths)
            ),
            MergeBlock::RemoteBase => f.write_str(
                "the base is a remote-tracking branch, which only a push can move; \
                 push the branch and open a pull request instead",
            ),
            MergeBlock::NotABranch { refname } => write!(
                f,
                "the base is {}, not a local branch, so there is nothing to merge into; \
                 merge the branch by hand where you need it",
                refname.as_deref().unwrap_or("a commit")
            ),
            MergeBlock::BaseDirty { path } => write!(
                f,
                "the base is checked out in {} with uncommitted changes or untracked files; \
                 commit or stash them (`git stash -u`), or check out another branch there, \
                 then merge again",
                path.display()
            ),
            MergeBlock::BaseCheckedOut { path } => write!(
                f,
                "the base is checked out in the worktree {}, whose files would fall out of \
                 step with it; check out another branch there, then merge again",
                path.display()
            ),
            MergeBlock::NotFastForward { behind } => write!(
                f,
                "cannot fast-forward: the base has {} the branch lacks; use --strategy \
                 merge, squash or rebase",
                commits(*behind)
            ),
            MergeBlock::BranchMissing => f.write_str(
                "the branch no longer exists; `grove restore` brings a removed workspace back",
            ),
            MergeBlock::BranchMoved { expected, found } => write!(
                f,
                "the branch moved since the preview (was {}, now {}); look at the preview \
                 again and merge again",
                short(expected),
                short(found)
            ),
            MergeBlock::OffBranch { own, path, found } => {
                let path = path.display();
                match found {
                    Checkout::Other { branch } => write!(
                        f,
                        "its worktree has branch {branch} checked out, not {own}, so what was \
                         committed there is not part of this merge; bring it over (in {path}: \
                         `git switch {own} && git merge {branch}`), then merge again"
                    ),
                    // `Own` is never a block; worded for completeness.
                    Checkout::Detached | Checkout::Own => write!(
                        f,
                        "its worktree has no branch checked out (HEAD is detached: a rebase in \
                         progress, or a commit checked out), so its latest commits may not be on \
                         {own}; finish the rebase, or switch back (in {path}: `git switch \
                         {own}`), then merge again"
                    ),
                }
            }
        }
    }
}

/// A few paths, then a count: an error stays one readable line.
pub(super) fn list(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<String> = paths
        .iter()
        .take(SHOWN)
        .map(|p| p.display().to_string())
        .collect();
    if paths.len() > SHOWN {
        text.push(format!("and {} more", paths.len() - SHOWN));
    }
    text.join(", ")
}

pub(super) fn commits(n: usize) -> String {
    match n {
        1 => "1 commit".to_owned(),
        n => format!("{n} commits"),
    }
}

pub(super) fn short(oid: &str) -> &str {
    oid.get(..10).unwrap_or(oid)
}
