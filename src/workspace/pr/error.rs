//! What pushing a workspace or asking `gh` about its pull request can fail
//! with. Each message names the workspace, remote, branch or command and the
//! next step, because the user usually has to fix something outside grove
//! (a remote, credentials, a sign-in) before trying again.

use std::path::PathBuf;

/// Why a push or a pull request step failed.
#[derive(Debug, thiserror::Error)]
pub enum PrError {
    #[error(
        "workspace {workspace}: the repository {repo} has no git remote `{remote}`; add it with \
         `git remote add {remote} URL`, or set workspace.remote to the remote to push to \
         (`git remote -v` lists them)"
    )]
    NoRemote {
        workspace: String,
        remote: String,
        repo: PathBuf,
    },
    #[error(
        "cannot push branch {branch} of workspace {workspace} to remote `{remote}`: {stderr}; {hint}"
    )]
    Push {
        workspace: String,
        branch: String,
        remote: String,
        stderr: String,
        hint: PushHint,
    },
    #[error(
        "workspace {workspace}: its worktree {} has {} checked out, not {branch}, so a pull \
         request of {branch} would leave out what was committed there; switch back \
         (`git -C {} switch {branch}`) and bring that work over, then try again",
        .path.display(), .checked_out, .path.display()
    )]
    OffBranch {
        workspace: String,
        branch: String,
        path: PathBuf,
        /// `branch NAME`, or `no branch (HEAD detached)`.
        checked_out: String,
    },
    #[error(
        "workspace {workspace} has no commits that its base {base} lacks; commit the work on \
         {branch} first"
    )]
    NoCommits {
        workspace: String,
        branch: String,
        base: String,
    },
    #[error(
        "pushed {branch} to `{remote}`, but the base branch {base} of workspace {workspace} is \
         not on `{remote}`, so no pull request can target it; push it with \
         `git push {remote} {base}`, then run `grove pr {workspace}` again"
    )]
    BaseNotOnRemote {
        workspace: String,
        branch: String,
        base: String,
        remote: String,
    },
    /// A gh step failed after the push succeeded; the message says both.
    #[error("pushed {branch} to `{remote}`, but could not open its pull request: {error}")]
    NotOpened {
        branch: String,
        remote: String,
        error: Box<PrError>,
    },
    #[error("cannot run `{program}`: {source}; check the gh installation (`gh --version`)")]
    GhSpawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{command}` failed in {dir}: {stderr}")]
    Gh {
        command: String,
        dir: PathBuf,
        stderr: String,
    },
    #[error("cannot read the answer of `{command}`: {problem}; is gh 2.0 or newer installed?")]
    GhOutput { command: String, problem: String },
}

/// What to do about a failed push, from git's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushHint {
    /// git needed a password or passphrase and may not ask for one.
    Credentials,
    /// The remote branch has commits the workspace lacks.
    Diverged,
    /// Anything else, including a hook on the remote refusing it.
    Other,
}

impl PushHint {
    /// Reads git's stderr for the cases that have a specific remedy.
    pub(super) fn from_stderr(stderr: &str) -> PushHint {
        const CREDENTIALS: &[&str] = &[
            "terminal prompts disabled",
            "could not read username",
            "could not read password",
            "authentication failed",
            "permission denied",
            "host key verification failed",
        ];
        const DIVERGED: &[&str] = &["non-fast-forward", "fetch first", "stale info"];
        let lower = stderr.to_lowercase();
        if CREDENTIALS.iter().any(|text| lower.contains(text)) {
            return PushHint::Credentials;
        }
        if DIVERGED.iter().any(|text| lower.contains(text)) {
            return PushHint::Diverged;
        }
        PushHint::Other
    }
}

impl std::fmt::Display for PushHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PushHint::Credentials => {
                "git needs credentials and grove never lets it prompt; set up a credential \
                 helper or an SSH key (or run `gh auth setup-git`), check that a plain \
                 `git push` works, then try again"
            }
            PushHint::Diverged => {
                "the remote branch has commits the workspace lacks; pull them into the \
                 workspace (or, if the branch was rewritten on purpose, push with \
                 `git push --force-with-lease` yourself), then try again"
            }
            PushHint::Other => "fix what the remote said, then try again",
        })
    }
}
