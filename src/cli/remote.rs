//! The commands that talk to the server: the dashboard, `new` (the agent runs
//! in the server), `kill`, `kill-server`, and the server-aware forms of `ls`
//! and `rm`. Each opens one connection, sends one message, prints the answer.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::exit::KnownFailure;
use crate::client::attach::{self, Ending};
use crate::client::connect::{self, ClientConn};
use crate::git::{Git, Repo};
use crate::paths::Paths;
use crate::protocol::{AgentStatus, ClientMsg, Request, Response, ServerMsg, WorkspaceInfo};

/// Whether to start a server when none runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    IfNeeded,
    Never,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

async fn open(paths: &Paths, start: Start) -> anyhow::Result<Option<ClientConn>> {
    match start {
        Start::IfNeeded => {
            let exe = std::env::current_exe().context("cannot find the grove executable")?;
            Ok(Some(connect::connect_or_start(paths, &exe).await?))
        }
        Start::Never => Ok(connect::connect(paths).await?),
    }
}

/// Sends one request; `None` when no server runs and `start` is `Never`.
pub fn request(paths: &Paths, start: Start, request: Request) -> anyhow::Result<Option<Response>> {
    runtime()?.block_on(async {
        let Some(mut conn) = open(paths, start).await? else {
            return Ok(None);
        };
        conn.send(&ClientMsg::Request { request }).await?;
        let message = conn.recv().await?;
        let ServerMsg::Response { response } = message else {
            anyhow::bail!("the server answered {message:?} to a request");
        };
        Ok(Some(response))
    })
}

/// The answer to a request with a time limit.
pub enum Within {
    /// `None`: no server runs.
    Answer(Option<Response>),
    TimedOut,
}

/// Sends one request to a running server and waits at most `limit` (or for
/// ever) for its answer.
pub fn request_within(
    paths: &Paths,
    request: Request,
    limit: Option<std::time::Duration>,
) -> anyhow::Result<Within> {
    runtime()?.block_on(async {
        let Some(mut conn) = open(paths, Start::Never).await? else {
            return Ok(Within::Answer(None));
        };
        conn.send(&ClientMsg::Request { request }).await?;
        let answer = async {
            let message = conn.recv().await?;
            let ServerMsg::Response { response } = message else {
                anyhow::bail!("the server answered {message:?} to a request");
            };
            Ok(response)
        };
        match limit {
            Some(limit) => match tokio::time::timeout(limit, answer).await {
                Ok(response) => Ok(Within::Answer(Some(response?))),
                Err(_) => Ok(Within::TimedOut),
            },
            None => Ok(Within::Answer(Some(answer.await?))),
        }
    })
}

/// Sends `first` to a running server and hands every message it sends back
/// to `each` until the server closes the stream or Ctrl-C. `None` when no
/// server runs.
pub fn stream(
    paths: &Paths,
    first: ClientMsg,
    mut each: impl FnMut(ServerMsg) -> anyhow::Result<()>,
) -> anyhow::Result<Option<()>> {
    runtime()?.block_on(async {
        let Some(mut conn) = open(paths, Start::Never).await? else {
            return Ok(None);
        };
        conn.send(&first).await?;
        loop {
            let message = tokio::select! {
                message = conn.recv() => message,
                _ = tokio::signal::ctrl_c() => return Ok(Some(())),
            };
            match message {
                Ok(message) => each(message)?,
                Err(crate::protocol::ProtocolError::Closed) => return Ok(Some(())),
                Err(error) => return Err(error.into()),
            }
        }
    })
}

/// Turns a failure answer into an error that exits with its kind's code.
pub fn check(response: Response) -> anyhow::Result<Response> {
    if let Response::Failed { message, kind } = response {
        return Err(KnownFailure { message, kind }.into());
    }
    Ok(response)
}

/// `grove` and `grove attach`.
pub fn dashboard(paths: &Paths, cwd: &Path, start: Start) -> anyhow::Result<()> {
    if let Some(pane) = std::env::var_os(crate::server::agent::PANE_VAR) {
        let message = format!(
            "this shell runs in grove's pane for {}; a dashboard inside it would show itself \
             (unset {} to nest anyway)",
            pane.to_string_lossy(),
            crate::server::agent::PANE_VAR
        );
        return Err(KnownFailure {
            message,
            kind: crate::protocol::FailureKind::Usage,
        }
        .into());
    }
    let ending = runtime()?.block_on(async {
        let Some(conn) = open(paths, start).await? else {
            anyhow::bail!("no grove server is running; run `grove` to start one");
        };
        attach::attach(conn, cwd.to_owned()).await
    })?;
    match ending {
        Ending::Detached(reason) => println!("[{reason}]"),
        Ending::TerminalGone => {}
        Ending::ServerLost => anyhow::bail!("lost the connection to the grove server"),
    }
    Ok(())
}

/// The repository root at `cwd`, when there is one.
pub fn repo_root(cwd: &Path) -> Option<PathBuf> {
    let git = Git::from_path().ok()?;
    Repo::discover(&git, cwd).ok().map(|repo| repo.root)
}

/// The repository root at `cwd`, or the reason there is none.
pub fn require_repo(cwd: &Path) -> anyhow::Result<PathBuf> {
    let git = Git::from_path()?;
    Ok(Repo::discover(&git, cwd)?.root)
}

/// The `status` string of `grove ls --json`.
pub fn status_word(status: &AgentStatus) -> &'static str {
    match status {
        AgentStatus::Running => "running",
        AgentStatus::Exited { .. } => "exited",
        AgentStatus::Stopped => "stopped",
    }
}

/// One workspace as `grove ls --json` prints it (docs/cli.md).
pub fn info_json(w: &WorkspaceInfo) -> serde_json::Value {
    let mut value = serde_json::json!({
        "name": w.name,
        "repo": w.repo,
        "path": w.path,
        "branch": w.branch,
        "base": w.base,
        "agent": w.agent,
        "status": status_word(&w.status),
        "port": w.port,
        "created": w.created,
    });
    if let Some(map) = value.as_object_mut() {
        if let AgentStatus::Exited { how } = &w.status {
            map.insert("exit".to_owned(), serde_json::Value::String(how.clone()));
        }
        let (state, reason, since) = state_fields(w);
        map.insert("state".to_owned(), state.into());
        map.insert("reason".to_owned(), reason.into());
        map.insert("state_since".to_owned(), since.into());
        let attention = w.state.as_ref().is_some_and(|s| s.state.needs_attention());
        map.insert("attention".to_owned(), attention.into());
        if let Some(git) = &w.git {
            map.insert("git".to_owned(), git_json(git));
        }
    }
    value
}

/// The agent's state in a word for `grove ls`: `done` is idle and not yet
/// seen, the others as in `state` of `grove ls --json`.
pub fn state_word(w: &WorkspaceInfo) -> &'static str {
    match &w.state {
        Some(status) if w.status == AgentStatus::Running => {
            use crate::agent::{Seen, State};
            match status.state {
                State::Idle { seen: Seen::Unseen } => "done",
                State::Starting
                | State::Working
                | State::WaitingForInput
                | State::Idle { seen: Seen::Seen }
                | State::Exited { .. } => status.state.key(),
            }
        }
        Some(_) | None => state_fields(w).0,
    }
}

/// `state`, `reason` and `state_since` of `grove ls --json`: the agent's
/// tracked state while it runs, else what the process status says.
fn state_fields(w: &WorkspaceInfo) -> (&'static str, String, Option<u64>) {
    match (&w.status, &w.state) {
        (AgentStatus::Running, Some(status)) => (
            status.state.key(),
            status.reason.clone(),
            Some(status.since),
        ),
        (AgentStatus::Running, None) => ("starting", "the agent was just started".to_owned(), None),
        (AgentStatus::Exited { how }, _) => ("exited", how.clone(), None),
        (AgentStatus::Stopped, _) => ("stopped", "no agent process".to_owned(), None),
    }
}

/// The `git` object of `grove ls --json` (docs/cli.md).
fn git_json(git: &crate::protocol::GitSummary) -> serde_json::Value {
    use crate::workspace::readiness::CheckStatus;
    let stat = |s: &crate::git::state::DiffStat| serde_json::json!({ "files": s.files, "insertions": s.insertions, "deletions": s.deletions });
    let readiness = git.readiness.key();
    let check = match &git.check {
        CheckStatus::NotConfigured => "none",
        CheckStatus::Pending => "pending",
        CheckStatus::Running => "running",
        CheckStatus::Passed => "passed",
        CheckStatus::Failed { .. } => "failed",
    };
    serde_json::json!({
        "ahead": git.ahead,
        "behind": git.behind,
        "committed": stat(&git.committed),
        "uncommitted": stat(&git.uncommitted),
        "untracked": git.untracked,
        "conflicts": git.conflicts,
        "overlaps": git.overlaps,
        "last_commit": git.last_commit.as_ref().map(|c| serde_json::json!({
            "oid": c.oid, "summary": c.summary, "time": c.time,
        })),
        "check": check,
        "readiness": readiness,
        "readiness_label": git.readiness.label(),
        "index_lock": git.index_lock,
    })
}

/// Whether connecting failed because the server speaks another protocol.
pub fn is_version_mismatch(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<connect::ConnectError>(),
            Some(connect::ConnectError::VersionMismatch { .. })
        )
    })
}

/// Sends SIGTERM to the server holding the lock file, and returns its pid.
/// The lock proves the pid is a live grove server: if we can take the lock
/// ourselves, nobody holds it and nothing is signalled.
pub fn terminate_server_by_lock(paths: &Paths) -> anyhow::Result<u32> {
    use nix::fcntl::{Flock, FlockArg};
    let path = paths.server_lock_path();
    let file = std::fs::File::open(&path)
        .with_context(|| format!("cannot open the server lock {}", path.display()))?;
    let pid: u32 = std::fs::read_to_string(&path)?
        .trim()
        .parse()
        .with_context(|| format!("no pid in the server lock {}", path.display()))?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(_free) => anyhow::bail!("no grove server is running"),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => {
            crate::sys::signal_process(pid, nix::sys::signal::Signal::SIGTERM)?;
            Ok(pid)
        }
        Err((_, errno)) => {
            anyhow::bail!("cannot check the server lock {}: {errno}", path.display())
        }
    }
}
