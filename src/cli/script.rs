//! `grove capture`, `grove wait` and `grove events`: driving agents from
//! scripts. Each asks the running server; none starts one.

use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use clap::ValueEnum;

use super::exit::KnownFailure;
use super::remote::{self, Start};
use crate::paths::Paths;
use crate::protocol::{
    ClientMsg, Escapes, EventKind, EventRecord, FailureKind, Request, Response, ServerMsg, WaitFor,
};

/// The states `grove wait --until` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Until {
    Working,
    Waiting,
    Idle,
    Exited,
}

fn no_server() -> anyhow::Error {
    KnownFailure {
        message: "no grove server is running, so no agent is either; `grove` starts one".to_owned(),
        kind: FailureKind::Failure,
    }
    .into()
}

pub fn capture(cwd: &Path, name: &str, escapes: bool, history: usize) -> anyhow::Result<()> {
    crate::workspace::WorkspaceName::parse(name)?;
    let repo = remote::require_repo(cwd)?;
    let request = Request::Capture {
        repo,
        name: name.to_owned(),
        escapes: if escapes {
            Escapes::Sgr
        } else {
            Escapes::Plain
        },
        history,
    };
    match remote::request(&Paths::from_env()?, Start::Never, request)?
        .map(remote::check)
        .transpose()?
    {
        Some(Response::Captured { text }) => {
            print!("{text}");
            Ok(())
        }
        Some(other) => anyhow::bail!("unexpected answer from the server: {other:?}"),
        None => Err(no_server()),
    }
}

pub fn wait(
    cwd: &Path,
    name: Option<&str>,
    until: Option<Until>,
    any_needs_me: bool,
    timeout: Option<f64>,
) -> anyhow::Result<()> {
    if let Some(name) = name {
        crate::workspace::WorkspaceName::parse(name)?;
    }
    let until = match (until, any_needs_me, name) {
        (_, true, Some(_)) => {
            return Err(usage(
                "--any-needs-me waits for any workspace; drop the NAME",
            ));
        }
        (Some(_), true, None) => {
            return Err(usage(
                "--any-needs-me already means --until waiting; give one of them",
            ));
        }
        (None, true, None) => WaitFor::Waiting,
        (Some(until), false, Some(_)) => match until {
            Until::Working => WaitFor::Working,
            Until::Waiting => WaitFor::Waiting,
            Until::Idle => WaitFor::Idle,
            Until::Exited => WaitFor::Exited,
        },
        (None, false, _) => {
            return Err(usage(
                "say what to wait for: --until working|waiting|idle|exited",
            ));
        }
        (Some(_), false, None) => return Err(usage("give the workspace NAME, or --any-needs-me")),
    };
    let repo = remote::require_repo(cwd)?;
    let paths = Paths::from_env()?;
    let request = Request::Wait {
        repo: repo.clone(),
        name: name.map(str::to_owned),
        until,
    };
    let limit = match timeout {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            Some(Duration::from_secs_f64(seconds))
        }
        Some(_) => return Err(usage("--timeout takes a number of seconds, e.g. 30 or 0.5")),
        None => None,
    };
    match remote::request_within(&paths, request, limit)? {
        remote::Within::Answer(Some(Response::Waited {
            name,
            state,
            reason,
        })) => {
            println!("{name} {state}: {reason}");
            Ok(())
        }
        remote::Within::Answer(Some(Response::Failed { message, kind })) => {
            Err(KnownFailure { message, kind }.into())
        }
        remote::Within::Answer(Some(other)) => {
            anyhow::bail!("unexpected answer from the server: {other:?}")
        }
        remote::Within::Answer(None) => Err(no_server()),
        remote::Within::TimedOut => {
            let last = match name {
                Some(name) => {
                    last_state(&paths, &repo, name).unwrap_or_else(|| "unknown".to_owned())
                }
                None => "no agent is waiting".to_owned(),
            };
            Err(KnownFailure {
                message: format!("timed out; {last}"),
                kind: FailureKind::Failure,
            }
            .into())
        }
    }
}

fn usage(message: &str) -> anyhow::Error {
    KnownFailure {
        message: message.to_owned(),
        kind: FailureKind::Usage,
    }
    .into()
}

/// `NAME is STATE: REASON` from the server's listing.
fn last_state(paths: &Paths, repo: &Path, name: &str) -> Option<String> {
    let request = Request::List {
        repo: Some(repo.to_owned()),
    };
    let Ok(Some(Response::Listing { workspaces })) = remote::request(paths, Start::Never, request)
    else {
        return None;
    };
    let info = workspaces.iter().find(|w| w.name == name)?;
    let json = remote::info_json(info);
    Some(format!(
        "{name} is {}: {}",
        json["state"].as_str().unwrap_or("unknown"),
        json["reason"].as_str().unwrap_or("")
    ))
}

pub fn events(cwd: &Path, json: bool) -> anyhow::Result<()> {
    let repo = remote::repo_root(cwd);
    let paths = Paths::from_env()?;
    let stdout = std::io::stdout();
    remote::stream(
        &paths,
        ClientMsg::Request {
            request: Request::Events { repo },
        },
        |message| {
            let ServerMsg::Response {
                response: Response::Event { event },
            } = message
            else {
                return Ok(());
            };
            let line = match json {
                true => event_json(&event).to_string(),
                false => event_line(&event),
            };
            let mut out = stdout.lock();
            writeln!(out, "{line}")?;
            out.flush()?;
            Ok(())
        },
    )?
    .ok_or_else(no_server)
}

/// One JSON line of `grove events --json` (docs/cli.md lists the fields).
pub fn event_json(event: &EventRecord) -> serde_json::Value {
    let mut value = match &event.kind {
        EventKind::WorkspaceCreated { workspace } => {
            serde_json::json!({ "type": "workspace_created", "workspace": workspace })
        }
        EventKind::WorkspaceRemoved { workspace } => {
            serde_json::json!({ "type": "workspace_removed", "workspace": workspace })
        }
        EventKind::Status {
            workspace,
            from,
            state,
            reason,
        } => serde_json::json!({
            "type": "status", "workspace": workspace, "from": from, "state": state, "reason": reason,
        }),
        EventKind::Git {
            workspace,
            readiness,
            ahead,
            behind,
            uncommitted_files,
        } => serde_json::json!({
            "type": "git", "workspace": workspace, "readiness": readiness, "ahead": ahead,
            "behind": behind, "uncommitted_files": uncommitted_files,
        }),
        EventKind::Merged {
            workspace,
            branch,
            base,
        } => {
            serde_json::json!({ "type": "merged", "workspace": workspace, "branch": branch, "base": base })
        }
        EventKind::JobItem {
            job,
            index,
            item,
            state,
            reason,
        } => serde_json::json!({
            "type": "job_item", "job": job, "index": index, "item": item, "state": state, "reason": reason,
        }),
        EventKind::Lagged { dropped } => {
            serde_json::json!({ "type": "lagged", "dropped": dropped })
        }
    };
    if let Some(map) = value.as_object_mut() {
        map.insert("time".to_owned(), event.time.into());
        map.insert(
            "repo".to_owned(),
            event.repo.to_string_lossy().into_owned().into(),
        );
    }
    value
}

fn event_line(event: &EventRecord) -> String {
    match &event.kind {
        EventKind::WorkspaceCreated { workspace } => format!("{workspace}: created"),
        EventKind::WorkspaceRemoved { workspace } => format!("{workspace}: removed"),
        EventKind::Status {
            workspace,
            from,
            state,
            reason,
        } => format!("{workspace}: {from} → {state} ({reason})"),
        EventKind::Git {
            workspace,
            readiness,
            ahead,
            behind,
            uncommitted_files,
        } => format!(
            "{workspace}: git {readiness}, ↑{ahead} ↓{behind}, {uncommitted_files} uncommitted"
        ),
        EventKind::Merged {
            workspace,
            branch,
            base,
        } => format!("{workspace}: merged {branch} into {base}"),
        EventKind::JobItem {
            job,
            index,
            item,
            state,
            reason,
        } => match reason {
            Some(reason) => format!("job {job} #{index} {item}: {state} ({reason})"),
            None => format!("job {job} #{index} {item}: {state}"),
        },
        EventKind::Lagged { dropped } => format!("({dropped} events dropped: reading too slowly)"),
    }
}
