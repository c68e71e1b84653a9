//! Errors from running git, kept typed because callers branch on them (a failed
//! `worktree add` is rolled back, a missing base is reported to the user).

use std::path::PathBuf;

/// A git command or library call that did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run `{program}`: {source}; install git 2.38 or newer, or put it on PATH")]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git {found} is too old: grove needs git {required} or newer (`git --version`)")]
    TooOld { found: String, required: String },
    #[error("cannot read the git version from `{output}`")]
    UnknownVersion { output: String },
    #[error("`{command}` failed in {dir}: {stderr}")]
    Failed {
        command: String,
        dir: PathBuf,
        stderr: String,
    },
    #[error("{context} in {dir}: {source}")]
    Library {
        context: String,
        dir: PathBuf,
        #[source]
        source: git2::Error,
    },
}

/// Why a directory cannot be used as the repository of a workspace.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("{path} is not inside a git repository; run grove from a repository or pass -C DIR")]
    NotARepository { path: PathBuf },
    #[error("{path} is a bare repository; grove needs a repository with a working tree")]
    Bare { path: PathBuf },
    #[error(
        "the repository at {path} has no commits yet; make a first commit, then create workspaces"
    )]
    UnbornHead { path: PathBuf },
    #[error("HEAD is detached in {path}; pass --base REF to say what the workspace starts from")]
    DetachedHead { path: PathBuf },
    #[error(transparent)]
    Git(#[from] GitError),
}
