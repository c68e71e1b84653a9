//! Exit codes. Scripts branch on them, so they are few and stable:
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success |
//! | 1 | the operation failed (git, filesystem, a setup command) |
//! | 2 | bad usage or bad input: arguments, names, config files |
//! | 3 | refused to protect work: `grove rm` on uncommitted or unmerged work |

use std::process::ExitCode;

use crate::git::RepoError;
use crate::workspace::WorkspaceError;

/// The categories above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Failure,
    Usage,
    Refused,
}

impl Exit {
    /// Classifies an error by the typed errors in its chain.
    pub fn of(err: &anyhow::Error) -> Exit {
        for cause in err.chain() {
            if let Some(err) = cause.downcast_ref::<WorkspaceError>() {
                return Exit::of_workspace(err);
            }
            if cause.downcast_ref::<crate::config::ConfigError>().is_some() {
                return Exit::Usage;
            }
            if let Some(err) = cause.downcast_ref::<RepoError>() {
                return Exit::of_repo(err);
            }
            if cause
                .downcast_ref::<crate::workspace::NameError>()
                .is_some()
            {
                return Exit::Usage;
            }
        }
        Exit::Failure
    }

    fn of_workspace(err: &WorkspaceError) -> Exit {
        match err {
            WorkspaceError::HasWork { .. } => Exit::Refused,
            WorkspaceError::Name(_)
            | WorkspaceError::Config { .. }
            | WorkspaceError::MissingBase { .. }
            | WorkspaceError::NotFound { .. }
            | WorkspaceError::NoSnapshot { .. }
            | WorkspaceError::Exists { .. }
            | WorkspaceError::BranchExists { .. }
            | WorkspaceError::PathTaken { .. } => Exit::Usage,
            WorkspaceError::Repo(repo) => Exit::of_repo(repo),
            WorkspaceError::Git(_)
            | WorkspaceError::Setup { .. }
            | WorkspaceError::Io { .. }
            | WorkspaceError::State(_) => Exit::Failure,
        }
    }
}

impl Exit {
    fn of_repo(err: &RepoError) -> Exit {
        match err {
            RepoError::NotARepository { .. }
            | RepoError::Bare { .. }
            | RepoError::UnbornHead { .. }
            | RepoError::DetachedHead { .. } => Exit::Usage,
            RepoError::Git(_) => Exit::Failure,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(match exit {
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Refused => 3,
        })
    }
}
