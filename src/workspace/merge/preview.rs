//! The look before a merge: which commits and files it brings, whether it
//! would conflict, whether it could fast-forward, where it would run and what
//! stops it. Nothing here writes a ref, an index or a file.

use std::fmt;
use std::path::{Path, PathBuf};

use super::block::MergeBlock;
use super::inspect::{commits, fast_forward, files, is_clean, predict_conflicts, symbolic_name};
use super::{Strategy, Uncommitted};
use crate::git::{MergeState, worktree};
use crate::workspace::checkout::{Checkout, checkout};
use crate::workspace::{Context, WorkspaceError, WorkspaceName, assess};

/// Everything the user should see before agreeing to a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePreview {
    pub workspace: String,
    pub strategy: Strategy,
    pub branch: String,
    pub base: String,
    /// The branch commit that would be merged.
    pub branch_tip: String,
    /// The base commit it would be merged into.
    pub base_tip: String,
    /// Whether the base already has the branch's work.
    pub state: MergeState,
    /// Commits on the branch the base lacks, oldest first.
    pub commits: Vec<CommitLine>,
    /// What the branch changed since it left the base.
    pub files: Vec<FileChange>,
    /// Paths a merge would conflict in (none when it merges cleanly).
    pub conflicts: Vec<PathBuf>,
    /// The workspace's uncommitted paths; a merge never includes them.
    pub uncommitted: Vec<PathBuf>,
    pub fast_forward: FastForward,
    pub place: Place,
    /// What stops the merge, most fundamental first; empty when nothing does.
    pub blocks: Vec<MergeBlock>,
    /// `refs/heads/<base>` when the base is a local branch.
    pub(super) base_ref: Option<String>,
}

impl MergePreview {
    /// What stops the merge once the user has said what to do about
    /// uncommitted work.
    pub fn first_block(&self, uncommitted: Uncommitted) -> Option<&MergeBlock> {
        self.blocks.iter().find(|block| match block {
            MergeBlock::Uncommitted { .. } => uncommitted == Uncommitted::Refuse,
            MergeBlock::RemoteBase
            | MergeBlock::NotABranch { .. }
            | MergeBlock::BaseDirty { .. }
            | MergeBlock::BaseCheckedOut { .. }
            | MergeBlock::NotFastForward { .. }
            | MergeBlock::BranchMissing
            | MergeBlock::BranchMoved { .. }
            | MergeBlock::OffBranch { .. } => true,
        })
    }

    /// The worktree's checkout, when it is not the workspace's branch: that
    /// comes before "already merged", which is about the branch alone.
    pub fn off_branch(&self) -> Option<&MergeBlock> {
        self.blocks
            .iter()
            .find(|block| matches!(block, MergeBlock::OffBranch { .. }))
    }
}

/// One commit of the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitLine {
    pub oid: String,
    pub summary: String,
}

/// One file the branch changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    /// The old path of a renamed file.
    pub from: Option<PathBuf>,
    pub lines: LineChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    Text { added: usize, removed: usize },
    Binary,
}

/// Whether the base could simply move to the branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastForward {
    Possible,
    /// The base has this many commits the branch lacks.
    Impossible {
        behind: usize,
    },
}

/// Where the merge runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The main worktree, which has the base checked out: its files and
    /// index follow the merge. (A rebase is still made in a temporary
    /// worktree; the main worktree then fast-forwards to it.)
    MainWorktree { path: PathBuf },
    /// A temporary worktree, removed afterwards; the base ref is then moved
    /// with a compare-and-swap. A fast-forward needs no files: it only moves
    /// the ref.
    Temporary { why: TemporaryReason },
}

/// Why the main worktree is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemporaryReason {
    MainOnOtherBranch { branch: String },
    MainDetached,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::MainWorktree { path } => {
                write!(f, "in the main worktree {}", path.display())
            }
            Place::Temporary { why } => {
                let why = match why {
                    TemporaryReason::MainOnOtherBranch { branch } => {
                        format!("the main worktree has {branch} checked out")
                    }
                    TemporaryReason::MainDetached => "the main worktree's HEAD is detached".into(),
                };
                write!(
                    f,
                    "in a temporary worktree ({why}); the main worktree is not touched"
                )
            }
        }
    }
}

/// Looks at what merging workspace `name` with `strategy` would do.
pub fn preview(
    ctx: &Context,
    name: &WorkspaceName,
    strategy: Strategy,
) -> Result<MergePreview, WorkspaceError> {
    let record = ctx.find(name)?;
    let missing_base = || WorkspaceError::MissingBase {
        base: record.base.clone(),
        repo: ctx.repo.root.clone(),
    };
    let base_tip = ctx
        .repo
        .resolve_commit(&ctx.git, &record.base)?
        .ok_or_else(missing_base)?;
    let branch_ref = format!("refs/heads/{}", record.branch);
    let Some(branch_tip) = ctx.repo.resolve_commit(&ctx.git, &branch_ref)? else {
        return Err(WorkspaceError::MergeBlocked {
            name: name.to_string(),
            branch: record.branch.clone(),
            base: record.base.clone(),
            block: Box::new(MergeBlock::BranchMissing),
        });
    };
    let work = assess(ctx, &record)?;
    let state = work.merge.ok_or_else(missing_base)?;
    let refname = symbolic_name(ctx, &record.base)?;
    let base_ref = refname
        .as_deref()
        .filter(|r| r.starts_with("refs/heads/"))
        .map(str::to_owned);

    let mut blocks = Vec::new();
    let found = checkout(&record.path, &record.branch)?;
    if found != Checkout::Own {
        blocks.push(MergeBlock::OffBranch {
            own: record.branch.clone(),
            path: record.path.clone(),
            found,
        });
    }
    match refname.as_deref() {
        Some(r) if r.starts_with("refs/heads/") => {}
        Some(r) if r.starts_with("refs/remotes/") => blocks.push(MergeBlock::RemoteBase),
        Some(_) | None => blocks.push(MergeBlock::NotABranch { refname }),
    }
    let fast_forward = fast_forward(ctx, &base_tip, &branch_tip)?;
    if let (Strategy::FastForward, FastForward::Impossible { behind }) = (strategy, fast_forward) {
        blocks.push(MergeBlock::NotFastForward { behind });
    }
    let (place, place_block) = place(ctx, base_ref.as_deref())?;
    blocks.extend(place_block);
    if !work.uncommitted.is_empty() {
        blocks.push(MergeBlock::Uncommitted {
            paths: work.uncommitted.clone(),
        });
    }
    Ok(MergePreview {
        workspace: record.name.clone(),
        strategy,
        commits: commits(ctx, &base_tip, &branch_tip)?,
        files: files(ctx, &base_tip, &branch_tip)?,
        conflicts: predict_conflicts(ctx, &base_tip, &branch_tip)?,
        branch: record.branch,
        base: record.base,
        branch_tip,
        base_tip,
        state,
        uncommitted: work.uncommitted,
        fast_forward,
        place,
        blocks,
        base_ref,
    })
}

/// Which worktree would run the merge, and what stops it there.
fn place(
    ctx: &Context,
    base_ref: Option<&str>,
) -> Result<(Place, Option<MergeBlock>), WorkspaceError> {
    let entries = worktree::list(&ctx.git, &ctx.repo)?;
    let holds_base = |entry: &&worktree::Entry| {
        base_ref.is_some()
            && match &entry.branch {
                Some(branch) => Some(branch.as_str()) == base_ref,
                None => rebasing(ctx, &entry.path).as_deref() == base_ref,
            }
    };
    let (main, others) = match entries.split_first() {
        Some((main, others)) => (Some(main), others),
        None => (None, &[][..]),
    };
    if main.is_some_and(|m| m.branch.as_deref() == base_ref && holds_base(&m)) {
        let path = ctx.repo.root.clone();
        let block = match is_clean(ctx, &path)? {
            true => None,
            false => Some(MergeBlock::BaseDirty { path: path.clone() }),
        };
        return Ok((Place::MainWorktree { path }, block));
    }
    let why = match main.and_then(|m| m.branch.as_deref()) {
        Some(branch) => TemporaryReason::MainOnOtherBranch {
            branch: branch
                .strip_prefix("refs/heads/")
                .unwrap_or(branch)
                .to_owned(),
        },
        None => TemporaryReason::MainDetached,
    };
    let block = main
        .into_iter()
        .chain(others)
        .find(holds_base)
        .map(|entry| MergeBlock::BaseCheckedOut {
            path: entry.path.clone(),
        });
    Ok((Place::Temporary { why }, block))
}

/// The branch a rebase stopped in `dir` will move when it finishes. git
/// lists such a worktree as detached, yet moving that branch under it would
/// make the rebase fail at its end, or worse.
fn rebasing(ctx: &Context, dir: &Path) -> Option<String> {
    ["rebase-merge/head-name", "rebase-apply/head-name"]
        .into_iter()
        .find_map(|state| {
            let args = ["rev-parse", "--path-format=absolute", "--git-path", state];
            let path = ctx.git.run(dir, args).ok()?;
            std::fs::read_to_string(path).ok()
        })
        .map(|name| name.trim().to_owned())
}
