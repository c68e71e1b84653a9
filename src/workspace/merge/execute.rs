//! Running a previewed merge with the git CLI, in the main worktree or a
//! temporary one, and taking it back when git stops on a conflict or a hook
//! refuses. The workspace's branch and worktree are never written: merges
//! read the branch's tip commit, and a rebase works on a detached copy.

use std::path::{Path, PathBuf};

use super::block::MergeBlock;
use super::preview::{MergePreview, Place};
use super::scratch::Scratch;
use super::{Strategy, text};
use crate::git::GitError;
use crate::workspace::{Context, WorkspaceError, WorkspaceName};

/// How an attempt ended.
pub(super) enum Ran {
    Done {
        new_tip: String,
    },
    /// git stopped on these paths; the attempt was aborted.
    Conflict {
        paths: Vec<PathBuf>,
    },
}

/// How to take back a failed step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Abort {
    /// `git merge --abort`, or `git reset --merge` after a squash, which
    /// leaves no `MERGE_HEAD`. Both restore what a clean worktree had.
    Merge,
    Rebase,
}

/// Runs the merge `preview` describes; `message` overrides the default
/// commit message of a merge or squash.
pub(super) fn run(
    ctx: &Context,
    name: &WorkspaceName,
    preview: &MergePreview,
    message: Option<&str>,
) -> Result<Ran, WorkspaceError> {
    let Some(base_ref) = preview.base_ref.as_deref() else {
        return Err(WorkspaceError::MergeBlocked {
            name: name.to_string(),
            branch: preview.branch.clone(),
            base: preview.base.clone(),
            block: Box::new(MergeBlock::NotABranch { refname: None }),
        });
    };
    let tip = preview.branch_tip.as_str();
    let old = preview.base_tip.as_str();
    let steps = match preview.strategy {
        Strategy::Merge | Strategy::Squash => {
            let message = match message {
                Some(message) => message.to_owned(),
                None => text::commit_message(ctx, preview)?,
            };
            merge_steps(preview.strategy, tip, message)
        }
        Strategy::Rebase | Strategy::FastForward => Vec::new(),
    };
    let moved = |new: &str| update_ref(ctx, name, preview.strategy, base_ref, new, old);
    match (preview.strategy, &preview.place) {
        (Strategy::FastForward, Place::MainWorktree { path }) => {
            // A fast-forward that fails has changed nothing.
            ctx.git.run(path, fast_forward(tip))?;
            Ok(Ran::Done {
                new_tip: tip.to_owned(),
            })
        }
        (Strategy::FastForward, Place::Temporary { .. }) => {
            moved(tip)?;
            Ok(Ran::Done {
                new_tip: tip.to_owned(),
            })
        }
        (Strategy::Merge | Strategy::Squash, Place::MainWorktree { path }) => {
            attempt(ctx, path, &steps, Abort::Merge)
        }
        (Strategy::Merge | Strategy::Squash, Place::Temporary { .. }) => {
            let scratch = Scratch::add(ctx, name, old)?;
            let ran = attempt(ctx, scratch.path(), &steps, Abort::Merge)?;
            finish(scratch, ran, moved)
        }
        (Strategy::Rebase, place) => {
            let scratch = Scratch::add(ctx, name, tip)?;
            let rebase = args(&[
                "rebase",
                "--no-update-refs",
                "--no-autostash",
                "--quiet",
                old,
            ]);
            let ran = attempt(ctx, scratch.path(), &[rebase], Abort::Rebase)?;
            match place {
                Place::MainWorktree { path } => finish(scratch, ran, |new| {
                    ctx.git.run(path, fast_forward(new))?;
                    Ok(())
                }),
                Place::Temporary { .. } => finish(scratch, ran, moved),
            }
        }
    }
}

fn merge_steps(strategy: Strategy, tip: &str, message: String) -> Vec<Vec<String>> {
    match strategy {
        Strategy::Squash => vec![
            // `--ff` overrides a `merge.ff` setting, which `--squash` refuses
            // to combine with.
            args(&["merge", "--squash", "--ff", "--quiet", tip]),
            vec!["commit".into(), "--quiet".into(), "-m".into(), message],
        ],
        Strategy::Merge | Strategy::Rebase | Strategy::FastForward => vec![vec![
            "merge".into(),
            "--no-ff".into(),
            "--no-edit".into(),
            "--quiet".into(),
            "-m".into(),
            message,
            tip.into(),
        ]],
    }
}

fn fast_forward(commit: &str) -> Vec<String> {
    args(&["merge", "--ff-only", "--quiet", commit])
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Moves the base ref from `old` to `new` unless someone else moved it
/// first; the reflog says which workspace's merge did it.
fn update_ref(
    ctx: &Context,
    name: &WorkspaceName,
    strategy: Strategy,
    base_ref: &str,
    new: &str,
    old: &str,
) -> Result<(), WorkspaceError> {
    let reason = format!("grove merge {name} --strategy {strategy}");
    ctx.git.run(
        &ctx.repo.root,
        ["update-ref", "-m", reason.as_str(), base_ref, new, old],
    )?;
    Ok(())
}

/// After a clean attempt in `scratch`, moves the base with `update`; the
/// temporary worktree goes either way.
fn finish(
    scratch: Scratch<'_>,
    ran: Ran,
    update: impl FnOnce(&str) -> Result<(), WorkspaceError>,
) -> Result<Ran, WorkspaceError> {
    if let Ran::Done { new_tip } = &ran {
        update(new_tip)?;
    }
    if let Err(err) = scratch.discard() {
        tracing::warn!("the merge is done, but its temporary worktree stays: {err}");
    }
    Ok(ran)
}

/// Runs `steps` in `dir`. When one fails, the conflicting paths (if any) are
/// read before the attempt is taken back, so a conflict is reported as one
/// and anything else as the error git gave.
fn attempt(
    ctx: &Context,
    dir: &Path,
    steps: &[Vec<String>],
    abort: Abort,
) -> Result<Ran, WorkspaceError> {
    for step in steps {
        if let Err(err) = ctx.git.run(dir, step) {
            let paths = unmerged(ctx, dir).unwrap_or_default();
            take_back(ctx, dir, abort)?;
            return match paths.is_empty() {
                true => Err(err.into()),
                false => Ok(Ran::Conflict { paths }),
            };
        }
    }
    let new_tip = ctx
        .git
        .run(dir, ["rev-parse", "--verify", "HEAD^{commit}"])?;
    Ok(Ran::Done { new_tip })
}

fn take_back(ctx: &Context, dir: &Path, abort: Abort) -> Result<(), GitError> {
    let undo: &[&str] = match abort {
        Abort::Rebase => &["rebase", "--abort"],
        Abort::Merge => {
            let merging = ctx
                .git
                .succeeds(dir, ["rev-parse", "--quiet", "--verify", "MERGE_HEAD"])?;
            match merging {
                true => &["merge", "--abort"],
                false => &["reset", "--quiet", "--merge"],
            }
        }
    };
    ctx.git.run(dir, undo).map(drop)
}

/// Paths with unresolved conflicts in `dir`'s index.
fn unmerged(ctx: &Context, dir: &Path) -> Result<Vec<PathBuf>, GitError> {
    let text = ctx.git.run(
        dir,
        [
            "diff",
            "--name-only",
            "--diff-filter=U",
            "-z",
            "--no-ext-diff",
        ],
    )?;
    Ok(text
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect())
}
