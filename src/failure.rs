//! Sorting errors into the three kinds the command line reports with
//! different exit codes (docs/cli.md): the operation failed, the input was
//! bad, or grove refused in order to protect work. Both the command line and
//! the server (which answers requests for it) classify errors here, and
//! [`printable`] keeps what an error quotes from a file to one harmless line.

use std::borrow::Cow;

use crate::config::ConfigError;
use crate::git::RepoError;
use crate::protocol::FailureKind;
use crate::workspace::{MergeBlock, NameError, PrError, WorkspaceError};

/// `text` with each control character written as its escape (`\u{1b}`,
/// `\n`), for messages that quote a file: a `.grove.yaml` from a cloned
/// repository must not be able to break an error over lines or drive the
/// terminal it is printed on with escape sequences.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The kind of the first typed error found in the chain.
pub fn kind_of(err: &anyhow::Error) -> FailureKind {
    for cause in err.chain() {
        if let Some(err) = cause.downcast_ref::<WorkspaceError>() {
            return workspace_kind(err);
        }
        if let Some(err) = cause.downcast_ref::<RepoError>() {
            return repo_kind(err);
        }
        if cause.downcast_ref::<ConfigError>().is_some()
            || cause.downcast_ref::<NameError>().is_some()
            || cause.downcast_ref::<crate::job::JobFileError>().is_some()
        {
            return FailureKind::Usage;
        }
    }
    FailureKind::Failure
}

fn workspace_kind(err: &WorkspaceError) -> FailureKind {
    match err {
        WorkspaceError::HasWork { .. } => FailureKind::Refused,
        WorkspaceError::MergeBlocked { block, .. } => merge_block_kind(block),
        WorkspaceError::Untrusted { .. } => FailureKind::Refused,
        WorkspaceError::Name(_)
        | WorkspaceError::Config { .. }
        | WorkspaceError::MissingBase { .. }
        | WorkspaceError::NotFound { .. }
        | WorkspaceError::NoSnapshot { .. }
        | WorkspaceError::Exists { .. }
        | WorkspaceError::BranchExists { .. }
        | WorkspaceError::PathTaken { .. } => FailureKind::Usage,
        WorkspaceError::Repo(repo) => repo_kind(repo),
        WorkspaceError::Pr(pr) => pr_kind(pr),
        WorkspaceError::Git(_)
        | WorkspaceError::Setup { .. }
        | WorkspaceError::Io { .. }
        | WorkspaceError::State(_) => FailureKind::Failure,
    }
}

/// A workspace with nothing to propose is bad input; everything else is a
/// push or `gh` step that failed.
fn pr_kind(err: &PrError) -> FailureKind {
    match err {
        PrError::NoCommits { .. } => FailureKind::Usage,
        PrError::OffBranch { .. } => FailureKind::Refused,
        PrError::NoRemote { .. }
        | PrError::Push { .. }
        | PrError::BaseNotOnRemote { .. }
        | PrError::NotOpened { .. }
        | PrError::GhSpawn { .. }
        | PrError::Gh { .. }
        | PrError::GhOutput { .. } => FailureKind::Failure,
    }
}

/// Work in a worktree (the agent's, or the one the base is checked out in)
/// is a refusal; a base that cannot be merged into is bad input; the rest
/// are failures of this attempt.
fn merge_block_kind(block: &MergeBlock) -> FailureKind {
    match block {
        MergeBlock::Uncommitted { .. }
        | MergeBlock::BaseDirty { .. }
        | MergeBlock::BaseCheckedOut { .. }
        | MergeBlock::OffBranch { .. } => FailureKind::Refused,
        MergeBlock::RemoteBase | MergeBlock::NotABranch { .. } => FailureKind::Usage,
        MergeBlock::NotFastForward { .. }
        | MergeBlock::BranchMissing
        | MergeBlock::BranchMoved { .. } => FailureKind::Failure,
    }
}

fn repo_kind(err: &RepoError) -> FailureKind {
    match err {
        RepoError::NotARepository { .. }
        | RepoError::Bare { .. }
        | RepoError::UnbornHead { .. }
        | RepoError::DetachedHead { .. } => FailureKind::Usage,
        RepoError::Git(_) => FailureKind::Failure,
    }
}
