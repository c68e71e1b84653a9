//! Exit codes. Scripts branch on them, so they are few and stable:
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success |
//! | 1 | the operation failed (git, filesystem, a setup command) |
//! | 2 | bad usage or bad input: arguments, names, config files |
//! | 3 | refused to protect work: `grove rm` on uncommitted or unmerged work |

use std::process::ExitCode;

use crate::protocol::FailureKind;

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
        if let Some(failed) = err.downcast_ref::<KnownFailure>() {
            return Exit::from(failed.kind);
        }
        Exit::from(crate::failure::kind_of(err))
    }
}

impl From<FailureKind> for Exit {
    fn from(kind: FailureKind) -> Exit {
        match kind {
            FailureKind::Failure => Exit::Failure,
            FailureKind::Usage => Exit::Usage,
            FailureKind::Refused => Exit::Refused,
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

/// A failure whose kind is already decided and whose message is already the
/// one line to print: the server's answer to a request, or a refusal made
/// here.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct KnownFailure {
    pub message: String,
    pub kind: FailureKind,
}
