//! Pushing a workspace's branch and opening its pull request (`grove pr`,
//! `prefix p`), and reading the pull request's state for the sidebar.
//!
//! The push is plain git, so it works with any remote. The pull request needs
//! the GitHub CLI, signed in; without it grove does not guess at tokens or
//! APIs but returns [`PrOutcome::Manual`] with the exact `gh` command (and
//! GitHub's compare page when the remote is on github.com), so the user is one
//! paste away. A branch that already has an open pull request gets that one
//! back, never a second.

mod error;
mod gh;
mod push;
mod state;
mod text;

pub use error::{PrError, PushHint};
pub use gh::Gh;
pub use push::{Pushed, push};
pub use state::{Checks, PrLifecycle, PrState, pr_state};

use gh::Exit;
use serde::Deserialize;

use super::checkout::checkout;
use super::{Context, WorkspaceError, WorkspaceName};
use crate::state::WorkspaceRecord;

/// Whether the pull request is opened as a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draft {
    Yes,
    No,
}

/// Why grove could not open the pull request itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualReason {
    /// No `gh` on PATH.
    NotInstalled,
    /// `gh auth status` failed.
    NotSignedIn,
}

/// What `open_pr` did once the branch was pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrOutcome {
    Created {
        pushed: Pushed,
        url: String,
    },
    /// The branch already had an open pull request; the push updated it.
    Existing {
        pushed: Pushed,
        url: String,
    },
    /// The user has to open it: `command` is the `gh` command, quoted for a
    /// POSIX shell, to run inside the repository.
    Manual {
        pushed: Pushed,
        reason: ManualReason,
        command: String,
        compare_url: Option<String>,
    },
}

impl PrOutcome {
    pub fn pushed(&self) -> &Pushed {
        match self {
            PrOutcome::Created { pushed, .. }
            | PrOutcome::Existing { pushed, .. }
            | PrOutcome::Manual { pushed, .. } => pushed,
        }
    }
}

/// Pushes workspace `name` and opens its pull request against its base
/// branch with `gh` (`None`: not installed), or says how to.
pub fn open_pr(
    ctx: &Context,
    name: &WorkspaceName,
    draft: Draft,
    gh: Option<&Gh>,
) -> Result<PrOutcome, WorkspaceError> {
    let record = ctx.find(name)?;
    if let Some(checked_out) = checkout(&record.path, &record.branch)?.instead() {
        return Err(PrError::OffBranch {
            workspace: record.name,
            branch: record.branch,
            path: record.path,
            checked_out,
        }
        .into());
    }
    let summaries = commit_summaries(ctx, &record)?;
    let pushed = push::push_record(ctx, &record)?;
    let base = push::target_branch(ctx, &record.base, &pushed.remote)?;
    if !push::on_remote(ctx, &pushed, &base)? {
        return Err(PrError::BaseNotOnRemote {
            workspace: record.name,
            branch: pushed.branch,
            base,
            remote: pushed.remote,
        }
        .into());
    }
    let title = text::title(&record.name, &summaries);
    let body = text::body(&record.name, &summaries);
    let head = ["pr", "create", "--head", &pushed.branch, "--base", &base];
    let mut args = Vec::from(head.map(str::to_owned));
    args.extend(["--title".to_owned(), title, "--body".to_owned(), body]);
    if draft == Draft::Yes {
        args.push("--draft".to_owned());
    }
    let gh = match gh {
        Some(gh) => gh,
        None => return Ok(manual(pushed, ManualReason::NotInstalled, &args, &base)),
    };
    let (branch, remote) = (pushed.branch.clone(), pushed.remote.clone());
    let outcome = match signed_in(gh, &pushed) {
        Ok(Some(reason)) => Ok(manual(pushed, reason, &args, &base)),
        Ok(None) => create(gh, pushed, &args),
        Err(error) => Err(error),
    };
    outcome.map_err(|error| {
        let error = Box::new(error);
        PrError::NotOpened {
            branch,
            remote,
            error,
        }
        .into()
    })
}

/// Why gh cannot be used (`None`: it can): `gh auth status` fails, or the
/// program vanished since it was found.
fn signed_in(gh: &Gh, pushed: &Pushed) -> Result<Option<ManualReason>, PrError> {
    let args = ["auth", "status"].map(str::to_owned);
    match gh.run(&pushed.worktree, &args) {
        Ok(output) => match output.exit {
            Exit::Success => Ok(None),
            Exit::Failure => Ok(Some(ManualReason::NotSignedIn)),
        },
        Err(PrError::GhSpawn { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(Some(ManualReason::NotInstalled))
        }
        Err(err) => Err(err),
    }
}

/// The branch's open pull request, or a new one made with `args`.
fn create(gh: &Gh, pushed: Pushed, args: &[String]) -> Result<PrOutcome, PrError> {
    if let Some(url) = open_pr_url(gh, &pushed)? {
        return Ok(PrOutcome::Existing { pushed, url });
    }
    let dir = pushed.worktree.clone();
    let created = gh.run(&dir, args)?;
    match created.exit {
        Exit::Success => {
            let url = last_url(&created.stdout).unwrap_or_else(|| created.stdout.trim().to_owned());
            Ok(PrOutcome::Created { pushed, url })
        }
        // Someone opened one between our check and our create.
        Exit::Failure if created.stderr.contains("already exists") => {
            match last_url(&created.stderr) {
                Some(url) => Ok(PrOutcome::Existing { pushed, url }),
                None => Err(created.failed(&dir)),
            }
        }
        Exit::Failure => Err(created.failed(&dir)),
    }
}

/// The outcome that tells the user to run `gh args…` themselves.
fn manual(pushed: Pushed, reason: ManualReason, args: &[String], base: &str) -> PrOutcome {
    let mut argv = vec!["gh".to_owned()];
    argv.extend(args.iter().cloned());
    PrOutcome::Manual {
        compare_url: text::compare_url(&pushed.remote_url, base, &pushed.branch),
        command: text::shell_command(&argv),
        pushed,
        reason,
    }
}

/// The URL of the branch's open pull request. A merged or closed one does
/// not count: the user is asking for a new one.
fn open_pr_url(gh: &Gh, pushed: &Pushed) -> Result<Option<String>, PrError> {
    #[derive(Deserialize)]
    struct Found {
        url: String,
        state: String,
    }
    let Some((json, command)) = state::view(gh, &pushed.worktree, &pushed.branch, "url,state")?
    else {
        return Ok(None);
    };
    let found: Found = serde_json::from_str(&json).map_err(|err| PrError::GhOutput {
        command,
        problem: err.to_string(),
    })?;
    Ok((found.state == "OPEN").then_some(found.url))
}

/// The summaries of the commits the branch has and its base lacks, oldest
/// first, merges left out (they say nothing about the work).
fn commit_summaries(
    ctx: &Context,
    record: &WorkspaceRecord,
) -> Result<Vec<String>, WorkspaceError> {
    if ctx.repo.resolve_commit(&ctx.git, &record.base)?.is_none() {
        return Err(WorkspaceError::MissingBase {
            base: record.base.clone(),
            repo: ctx.repo.root.clone(),
        });
    }
    let range = format!("{}..refs/heads/{}", record.base, record.branch);
    let args = [
        "log",
        "--reverse",
        "--no-merges",
        "-z",
        "--format=%s",
        &range,
        "--",
    ];
    let log = ctx.git.run(&ctx.repo.root, args)?;
    let summaries: Vec<String> = log.split_terminator('\0').map(str::to_owned).collect();
    if summaries.is_empty() {
        return Err(PrError::NoCommits {
            workspace: record.name.clone(),
            branch: record.branch.clone(),
            base: record.base.clone(),
        }
        .into());
    }
    Ok(summaries)
}

/// The last `https://` URL in gh's output (it prints the pull request's URL
/// last, sometimes after notes).
fn last_url(output: &str) -> Option<String> {
    output
        .lines()
        .rev()
        .flat_map(str::split_whitespace)
        .find(|word| word.starts_with("https://") || word.starts_with("http://"))
        .map(str::to_owned)
}
