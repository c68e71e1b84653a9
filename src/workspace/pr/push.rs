//! Pushing a workspace's branch to the configured remote, and the questions
//! about that remote a pull request depends on (its URL, whether it has the
//! base branch).
//!
//! Everything goes through the git CLI, so the user's credential helpers, SSH
//! keys and `insteadOf` rewrites apply exactly as for their own `git push`;
//! the runner sets `GIT_TERMINAL_PROMPT=0` and a null stdin, so a push that
//! would need a password fails with git's message instead of waiting for a
//! prompt nobody sees.

use std::path::PathBuf;

use super::error::{PrError, PushHint};
use crate::git::GitError;
use crate::state::WorkspaceRecord;
use crate::workspace::{Context, WorkspaceError, WorkspaceName};

/// A branch that is now on the remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub workspace: String,
    /// The local branch, pushed under the same name.
    pub branch: String,
    /// The remote's name, from `workspace.remote`.
    pub remote: String,
    /// The remote's URL as git resolves it (`git remote get-url`).
    pub remote_url: String,
    /// The commit the remote branch now points at.
    pub commit: String,
    /// The workspace's worktree, where `gh` runs so it finds the repository.
    pub worktree: PathBuf,
}

/// Pushes workspace `name`'s branch to `workspace.remote` and sets it as the
/// branch's upstream: `git push --set-upstream REMOTE BRANCH`, never forced.
pub fn push(ctx: &Context, name: &WorkspaceName) -> Result<Pushed, WorkspaceError> {
    let record = ctx.find(name)?;
    push_record(ctx, &record)
}

pub(super) fn push_record(
    ctx: &Context,
    record: &WorkspaceRecord,
) -> Result<Pushed, WorkspaceError> {
    let remote = ctx.config.workspace.remote.clone();
    let remote_url = remote_url(ctx, record, &remote)?;
    let branch = record.branch.clone();
    // Read before pushing: an agent committing meanwhile pushes a newer
    // commit, never an older one than reported.
    let refname = format!("refs/heads/{branch}");
    let commit = ctx
        .git
        .run(&ctx.repo.root, ["rev-parse", "--verify", &refname])?;
    let args = ["push", "--set-upstream", &remote, &branch];
    match ctx.git.run(&record.path, args) {
        Ok(_) => {}
        Err(GitError::Failed { stderr, .. }) => {
            return Err(PrError::Push {
                workspace: record.name.clone(),
                hint: PushHint::from_stderr(&stderr),
                branch,
                remote,
                stderr: without_advice(&stderr),
            }
            .into());
        }
        Err(
            err @ (GitError::Spawn { .. }
            | GitError::TooOld { .. }
            | GitError::UnknownVersion { .. }
            | GitError::Library { .. }),
        ) => return Err(err.into()),
    }
    Ok(Pushed {
        workspace: record.name.clone(),
        branch,
        remote,
        remote_url,
        commit,
        worktree: record.path.clone(),
    })
}

/// The URL of `remote`, or an error saying how to add it.
fn remote_url(
    ctx: &Context,
    record: &WorkspaceRecord,
    remote: &str,
) -> Result<String, WorkspaceError> {
    match ctx.git.run(&ctx.repo.root, ["remote", "get-url", remote]) {
        Ok(url) => Ok(url),
        Err(GitError::Failed { .. }) => Err(PrError::NoRemote {
            workspace: record.name.clone(),
            remote: remote.to_owned(),
            repo: ctx.repo.root.clone(),
        }
        .into()),
        Err(
            err @ (GitError::Spawn { .. }
            | GitError::TooOld { .. }
            | GitError::UnknownVersion { .. }
            | GitError::Library { .. }),
        ) => Err(err.into()),
    }
}

/// The branch on the remote a pull request from `base` targets: a workspace
/// started from `origin/main` or `refs/heads/main` targets `main`.
pub(super) fn target_branch(ctx: &Context, base: &str, remote: &str) -> Result<String, GitError> {
    if let Some(branch) = base.strip_prefix("refs/heads/") {
        return Ok(branch.to_owned());
    }
    if let Some(branch) = base.strip_prefix(&format!("refs/remotes/{remote}/")) {
        return Ok(branch.to_owned());
    }
    match base.strip_prefix(&format!("{remote}/")) {
        Some(branch) if !ctx.repo.branch_exists(base)? => Ok(branch.to_owned()),
        Some(_) | None => Ok(base.to_owned()),
    }
}

/// Whether `branch` exists on the remote right now, asked with `git
/// ls-remote` (remote-tracking refs may be stale) of the URL the branch was
/// just pushed to: it is reachable with the user's credentials, and a pull
/// request needs its base where its head is.
pub(super) fn on_remote(ctx: &Context, pushed: &Pushed, branch: &str) -> Result<bool, GitError> {
    let urls = ctx.git.run(
        &pushed.worktree,
        ["remote", "get-url", "--push", &pushed.remote],
    )?;
    // With several push URLs git pushed to all; the first stands for them.
    let url = urls.lines().next().unwrap_or_default();
    let refname = format!("refs/heads/{branch}");
    let listing = ctx.git.run(
        &pushed.worktree,
        ["ls-remote", "--heads", "--end-of-options", url, &refname],
    )?;
    Ok(listing
        .lines()
        .any(|line| line.split('\t').nth(1) == Some(refname.as_str())))
}

/// git's message without its `hint:` lines (they suggest `git pull` and
/// friends in general terms; the error adds its own specific hint) and
/// without the column padding, which means nothing on one line.
fn without_advice(stderr: &str) -> String {
    stderr
        .split("; ")
        .map(|part| part.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|part| !part.is_empty() && !part.starts_with("hint:"))
        .collect::<Vec<_>>()
        .join("; ")
}
