//! The git reads behind a preview, each one a command that writes no ref,
//! index or file: the base's full ref name, ancestry, the branch's commits
//! and files, and the conflicts `git merge-tree` predicts (the same merge
//! machinery `git merge` then uses, so a clean prediction and a clean merge
//! agree).

use std::path::{Path, PathBuf};

use super::preview::{CommitLine, FastForward, FileChange};
use super::text;
use crate::git::GitError;
use crate::workspace::Context;

/// `refs/heads/main`, `refs/remotes/origin/main`, `refs/tags/v1`, or `None`
/// for a plain commit.
pub(super) fn symbolic_name(ctx: &Context, rev: &str) -> Result<Option<String>, GitError> {
    let name = ctx.git.run(
        &ctx.repo.root,
        [
            "rev-parse",
            "--verify",
            "--quiet",
            "--symbolic-full-name",
            "--end-of-options",
            rev,
        ],
    )?;
    Ok(Some(name).filter(|n| !n.is_empty()))
}

pub(super) fn fast_forward(ctx: &Context, base: &str, tip: &str) -> Result<FastForward, GitError> {
    let root = &ctx.repo.root;
    if ctx
        .git
        .succeeds(root, ["merge-base", "--is-ancestor", base, tip])?
    {
        return Ok(FastForward::Possible);
    }
    let range = format!("{tip}..{base}");
    let count = ctx.git.run(root, ["rev-list", "--count", range.as_str()])?;
    Ok(FastForward::Impossible {
        behind: count.parse().unwrap_or(0),
    })
}

/// No changes, staged or not, and no untracked files. `--no-optional-locks`
/// keeps status from refreshing the index, which would take `index.lock`.
pub(super) fn is_clean(ctx: &Context, dir: &Path) -> Result<bool, GitError> {
    let status = ctx
        .git
        .run(dir, ["--no-optional-locks", "status", "--porcelain"])?;
    Ok(status.is_empty())
}

pub(super) fn commits(ctx: &Context, base: &str, tip: &str) -> Result<Vec<CommitLine>, GitError> {
    let range = format!("{base}..{tip}");
    let text = ctx.git.run(
        &ctx.repo.root,
        [
            "log",
            "--no-show-signature",
            "--reverse",
            "-z",
            "--format=%H%x09%s",
            range.as_str(),
        ],
    )?;
    Ok(text
        .split('\0')
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (oid, summary) = line.split_once('\t').unwrap_or((line, ""));
            CommitLine {
                oid: oid.to_owned(),
                summary: summary.to_owned(),
            }
        })
        .collect())
}

/// `git diff --numstat` from where the branch left the base to its tip.
pub(super) fn files(ctx: &Context, base: &str, tip: &str) -> Result<Vec<FileChange>, GitError> {
    let range = format!("{base}...{tip}");
    let text = ctx.git.run(
        &ctx.repo.root,
        [
            "diff",
            "--no-ext-diff",
            "--numstat",
            "--find-renames",
            "-z",
            range.as_str(),
        ],
    )?;
    Ok(text::parse_numstat(&text))
}

/// The paths `git merge-tree` says would conflict. It writes the merged
/// blobs and trees as loose objects (as any merge would) but no ref, index
/// or file.
pub(super) fn predict_conflicts(
    ctx: &Context,
    base: &str,
    tip: &str,
) -> Result<Vec<PathBuf>, GitError> {
    let args = [
        "merge-tree",
        "--write-tree",
        "--name-only",
        "--no-messages",
        "-z",
        base,
        tip,
    ];
    let output = ctx.git.output(&ctx.repo.root, args)?;
    match output.status.code() {
        Some(0) => Ok(Vec::new()),
        // The first field is the tree with conflict markers; the rest are paths.
        Some(1) => Ok(String::from_utf8_lossy(&output.stdout)
            .split('\0')
            .skip(1)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect()),
        Some(_) | None => Err(GitError::Failed {
            command: format!("git {}", args.join(" ")),
            dir: ctx.repo.root.clone(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        }),
    }
}
