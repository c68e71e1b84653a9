//! Requests and the slow work they need. Anything that runs git, reads config
//! files or waits for a process to die runs as a job on tokio's blocking pool;
//! its [`JobOutcome`] comes back to the session as an event, so the session
//! never blocks and keeps drawing while a workspace is created.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::oneshot;

use super::client::ClientId;
use super::launch::{Started, create_and_start};
use super::pending::PromptWaiter;
use super::session::{Event, Lifecycle, Session};
use super::workspaces::Live;
use crate::config;
use crate::git::{Git, Repo};
use crate::pane::ProcessExit;
use crate::paths::Paths;
use crate::protocol::{FailureKind, Request, Response};
use crate::state::Store;
use crate::ui::NewWorkspaceForm;
use crate::workspace::{self, Context, RemoveMode, WorkspaceName};

/// Who is waiting for a job.
pub enum Reply {
    /// A command-line request.
    Cli(oneshot::Sender<Response>),
    /// A dashboard: errors go to its status line.
    Client(ClientId),
}

/// What a job reports back.
pub enum JobOutcome {
    Started {
        result: Result<Box<Started>, Failed>,
        reply: Reply,
    },
    Killed {
        name: String,
        result: Result<ProcessExit, Failed>,
        reply: Option<Reply>,
    },
    Removed {
        result: Result<String, Failed>,
        name: String,
        reply: Reply,
    },
    AllStopped {
        reply: oneshot::Sender<Response>,
    },
    /// What to watch for a new workspace.
    Planned {
        key: super::workspaces::WorkspaceKey,
        plan: Result<super::watch::WatchPlan, String>,
    },
    /// A check finished (or was found not configured).
    Checked {
        key: super::workspaces::WorkspaceKey,
        done: super::checks::CheckDone,
    },
    /// A merge preview for a dashboard.
    MergePreviewed {
        client: ClientId,
        name: String,
        result: Result<super::flows::PreviewReady, Failed>,
    },
    /// A job file was read and its ledger loaded.
    JobLoaded {
        result: Result<Box<super::jobrun::LoadedJob>, Failed>,
        reply: oneshot::Sender<Response>,
    },
    /// A job item's workspace and agent were made (or its agent restarted).
    JobItemStarted {
        repo: PathBuf,
        job: String,
        index: usize,
        result: Result<Box<Started>, Failed>,
    },
    /// A job item was checked and merged, or kept.
    JobItemFinished {
        repo: PathBuf,
        job: String,
        index: usize,
        result: Result<crate::job::finish::Finished, Failed>,
    },
    /// A workspace's diff for a client's diff box.
    Diff {
        client: ClientId,
        name: String,
        result: Result<Vec<String>, Failed>,
    },
    /// The tickets for a client's board.
    Board {
        client: ClientId,
        result: Result<Vec<crate::tickets::Ticket>, Failed>,
    },
    /// A merge from a dashboard finished.
    MergeDone {
        client: ClientId,
        name: String,
        result: Result<workspace::MergeOutcome, Failed>,
    },
    /// `prefix p` finished.
    PullRequestDone {
        client: ClientId,
        key: super::workspaces::WorkspaceKey,
        result: Result<workspace::PrOutcome, Failed>,
    },
    /// The slow poll of a pull request's state.
    PrPolled {
        key: super::workspaces::WorkspaceKey,
        state: Option<workspace::PrState>,
    },
    /// A git read of one workspace.
    GitRead {
        key: super::workspaces::WorkspaceKey,
        result: super::gitwork::ReadResult,
        memo: crate::git::CommitMemo,
    },
}

/// An error as the requester sees it.
pub struct Failed {
    pub message: String,
    pub kind: FailureKind,
}

impl From<anyhow::Error> for Failed {
    fn from(err: anyhow::Error) -> Failed {
        Failed {
            kind: crate::failure::kind_of(&err),
            message: format!("{err:#}"),
        }
    }
}

impl Session {
    pub(super) fn request(&mut self, request: Request, reply: oneshot::Sender<Response>) {
        match request {
            Request::New {
                cwd,
                name,
                agent,
                prompt,
                base,
            } => {
                let paths = self.paths.clone();
                let size = self.start_size_in(&cwd);
                self.spawn_job(move || {
                    let result =
                        create_and_start(&paths, &cwd, &name, agent.as_deref(), base, prompt, size);
                    JobOutcome::Started {
                        result: result.map(Box::new).map_err(Failed::from),
                        reply: Reply::Cli(reply),
                    }
                });
            }
            Request::List { repo } => {
                self.reload();
                let workspaces = self
                    .table
                    .shown(repo.as_deref())
                    .map(|w| w.info(self.git.summary(&w.key())))
                    .collect();
                let _ = reply.send(Response::Listing { workspaces });
            }
            Request::Kill { repo, name } => {
                self.kill_agent(Some(&repo), &name, Some(Reply::Cli(reply)));
            }
            Request::RunJob { cwd, file, retry } => self.run_job(cwd, file, retry, reply),
            Request::Keys { repo, name, keys } => {
                let response = match self.send_keys(&repo, &name, &keys) {
                    Ok(()) => Response::Sent { name },
                    Err(error) => Response::Failed {
                        kind: error.kind(),
                        message: error.to_string(),
                    },
                };
                let _ = reply.send(response);
            }
            Request::Capture {
                repo,
                name,
                escapes,
                history,
            } => {
                let _ = reply.send(self.capture_pane(&repo, &name, escapes, history));
            }
            Request::Wait { repo, name, until } => self.wait(super::scripting::Waiter {
                repo,
                name,
                until,
                reply,
            }),
            Request::Events { .. } => {
                // Streams are set up by the connection (`Event::Subscribe`).
                let _ = reply.send(Response::Failed {
                    message: "events are a stream, not a request".to_owned(),
                    kind: FailureKind::Failure,
                });
            }
            Request::JobStatus { repo, name } => {
                let response = match self.job_status(&repo, &name) {
                    Some(ledger) => Response::JobStatus {
                        ledger: Box::new(ledger),
                    },
                    None => Response::Failed {
                        message: format!("job {name} is not running in this server"),
                        kind: FailureKind::Usage,
                    },
                };
                let _ = reply.send(response);
            }
            Request::Send {
                repo,
                name,
                text,
                enter,
            } => {
                match self.send(Some(&repo), &name, text, enter) {
                    // The reply waits in the prompt until it is typed.
                    Ok(prompt) => prompt.waiter = Some(PromptWaiter::Command { name, reply }),
                    Err(error) => {
                        let _ = reply.send(Response::Failed {
                            kind: error.kind(),
                            message: error.to_string(),
                        });
                    }
                }
            }
            Request::Remove { repo, name, force } => {
                self.remove(repo, name, force, Reply::Cli(reply));
            }
            Request::Stats => {
                let _ = reply.send(Response::Stats { stats: self.stats });
            }
            Request::KillServer => {
                self.lifecycle = Lifecycle::Stopping;
                for client in std::mem::take(&mut self.clients).into_values() {
                    client
                        .outbox
                        .detach(crate::protocol::DetachReason::ServerExiting);
                }
                let panes: Vec<Live> = self.table.take_all_live();
                self.spawn_job(move || {
                    let killers: Vec<_> = panes
                        .into_iter()
                        .map(|live| std::thread::spawn(move || live.pane.kill()))
                        .collect();
                    for killer in killers {
                        let _ = killer.join();
                    }
                    JobOutcome::AllStopped { reply }
                });
            }
        }
    }

    pub(super) fn create_from_form(&mut self, client: ClientId, form: NewWorkspaceForm) {
        let Some(repo) = self.clients.get(&client).and_then(|c| c.repo.clone()) else {
            return;
        };
        let paths = self.paths.clone();
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let agent = optional(&form.agent);
        let base = optional(&form.base);
        let prompt = optional(&form.prompt);
        let name = form.name.trim().to_owned();
        let size = self.start_size(&repo, None);
        self.spawn_job(move || {
            let result =
                create_and_start(&paths, &repo, &name, agent.as_deref(), base, prompt, size);
            JobOutcome::Started {
                result: result.map(Box::new).map_err(Failed::from),
                reply: Reply::Client(client),
            }
        });
    }

    pub(super) fn kill_agent(&mut self, repo: Option<&Path>, name: &str, reply: Option<Reply>) {
        let live = self
            .table
            .all_mut()
            .find(|w| w.record.name == name && repo.is_none_or(|r| w.record.repo == r))
            .and_then(|w| w.live.take());
        let Some(live) = live else {
            if let Some(Reply::Cli(reply)) = reply {
                let _ = reply.send(Response::Failed {
                    message: format!("no agent is running in workspace {name}"),
                    kind: FailureKind::Usage,
                });
            }
            return;
        };
        if let Some(repo) = repo {
            self.touch_repo(repo);
        }
        // The pane is gone from the table now, so its exit will find no
        // workspace: tell scripts here.
        let owner = self
            .table
            .all()
            .find(|w| w.record.name == name && repo.is_none_or(|r| w.record.repo == r))
            .map(|w| w.record.repo.clone());
        if let Some(owner) = owner {
            let from = super::scripting::state_word(live.tracker.status().state).to_owned();
            let kind = crate::protocol::EventKind::Status {
                workspace: name.to_owned(),
                from,
                state: "exited".to_owned(),
                reason: "stopped by grove".to_owned(),
            };
            self.emit(&owner, kind);
        }
        self.check_waiters();
        let name = name.to_owned();
        self.spawn_job(move || JobOutcome::Killed {
            result: live
                .pane
                .kill()
                .map_err(|e| Failed::from(anyhow::Error::from(e))),
            name,
            reply,
        });
    }

    pub(super) fn remove(&mut self, repo: PathBuf, name: String, force: bool, reply: Reply) {
        let pane = self
            .table
            .find(&repo, &name)
            .and_then(|w| w.live.as_ref())
            .map(|l| Arc::clone(&l.pane));
        let paths = self.paths.clone();
        let name_for_outcome = name.clone();
        self.spawn_job(move || {
            let result = (|| {
                let name = WorkspaceName::parse(&name)?;
                let ctx = context(&paths, &repo)?;
                let mode = match force {
                    true => RemoveMode::Force,
                    false => RemoveMode::Safe,
                };
                let record = ctx.find(&name)?;
                let work = workspace::assess(&ctx, &record)?;
                if mode == RemoveMode::Safe && !work.is_empty() {
                    return Err(workspace::WorkspaceError::HasWork {
                        name: name.to_string(),
                        work,
                    }
                    .into());
                }
                // The agent stops before its files are saved, so nothing it
                // writes afterwards can be lost.
                if let Some(pane) = pane {
                    pane.kill()?;
                }
                let removal = workspace::remove(&ctx, &name, mode)?;
                Ok(workspace::removal_summary(&name, &removal))
            })();
            JobOutcome::Removed {
                result: result.map_err(|err: anyhow::Error| Failed::from(err)),
                name: name_for_outcome,
                reply,
            }
        });
    }

    pub(super) fn job_done(&mut self, outcome: JobOutcome) {
        match outcome {
            JobOutcome::Started { result, reply } => match result {
                Ok(started) => {
                    let info = self.install(*started);
                    match (reply, info) {
                        (Reply::Cli(reply), Some(workspace)) => {
                            let _ = reply.send(Response::Created {
                                workspace: Box::new(workspace),
                            });
                        }
                        (Reply::Cli(reply), None) => {
                            let _ = reply.send(Response::Failed {
                                message: "the workspace vanished while its agent started".into(),
                                kind: FailureKind::Failure,
                            });
                        }
                        (Reply::Client(id), _) => self.set_message(id, None),
                    }
                }
                Err(failed) => self.fail(reply, failed),
            },
            JobOutcome::Killed {
                name,
                result,
                reply,
            } => match (result, reply) {
                (Ok(_), Some(Reply::Cli(reply))) => {
                    let _ = reply.send(Response::Killed { name });
                }
                (Err(failed), Some(reply)) => self.fail(reply, failed),
                (Ok(_), Some(Reply::Client(_)) | None) => {}
                (Err(failed), None) => {
                    tracing::warn!(name, "stopping an agent: {}", failed.message)
                }
            },
            JobOutcome::Removed {
                result,
                name,
                reply,
            } => {
                self.reload();
                self.mark_dirty(|_| true);
                match (result, reply) {
                    (Ok(summary), Reply::Cli(reply)) => {
                        let _ = reply.send(Response::Removed { summary });
                    }
                    (Ok(summary), Reply::Client(id)) => {
                        let line = summary.lines().next().unwrap_or_default().to_owned();
                        self.set_message(id, Some(line));
                    }
                    // Refused to protect work: the dashboard asks once more.
                    (Err(failed), Reply::Client(id)) if failed.kind == FailureKind::Refused => {
                        if let Some(client) = self.clients.get_mut(&id) {
                            client.overlay = super::client::ClientOverlay::ConfirmRemove {
                                question: format!("{} Remove it anyway?", failed.message),
                                name,
                                force: super::client::RemoveForce::Force,
                            };
                        }
                        self.mark_dirty(|c| c.id == id);
                    }
                    (Err(failed), reply) => self.fail(reply, failed),
                }
            }
            JobOutcome::Planned { key, plan } => self.git_planned(key, plan),
            JobOutcome::GitRead { key, result, memo } => self.git_read(key, result, memo),
            JobOutcome::Checked { key, done } => self.check_done(key, done),
            JobOutcome::MergePreviewed {
                client,
                name,
                result,
            } => self.merge_previewed(client, name, result),
            JobOutcome::MergeDone {
                client,
                name,
                result,
            } => self.merge_done(client, name, result),
            JobOutcome::Board { client, result } => self.board_loaded(client, result),
            JobOutcome::Diff {
                client,
                name,
                result,
            } => self.diff_read(client, name, result),
            JobOutcome::JobLoaded { result, reply } => self.job_loaded(result, reply),
            JobOutcome::JobItemStarted {
                repo,
                job,
                index,
                result,
            } => self.job_item_started(repo, job, index, result),
            JobOutcome::JobItemFinished {
                repo,
                job,
                index,
                result,
            } => self.job_item_finished(repo, job, index, result),
            JobOutcome::PullRequestDone {
                client,
                key,
                result,
            } => self.pull_request_done(client, key, result),
            JobOutcome::PrPolled { key, state } => self.pr_polled(key, state),
            JobOutcome::AllStopped { reply } => {
                let _ = reply.send(Response::ServerExiting);
                self.lifecycle = Lifecycle::Stopped;
            }
        }
    }

    pub(super) fn fail(&mut self, reply: Reply, failed: Failed) {
        match reply {
            Reply::Cli(reply) => {
                let _ = reply.send(Response::Failed {
                    message: failed.message,
                    kind: failed.kind,
                });
            }
            Reply::Client(id) => self.set_message(id, Some(failed.message)),
        }
    }

    pub(super) fn set_message(&mut self, id: ClientId, message: Option<String>) {
        if let Some(client) = self.clients.get_mut(&id) {
            client.message = message;
        }
        self.mark_dirty(|c| c.id == id);
    }

    pub(super) fn spawn_job(&self, work: impl FnOnce() -> JobOutcome + Send + 'static) {
        let events = self.events.clone();
        tokio::spawn(async move {
            match tokio::task::spawn_blocking(work).await {
                Ok(outcome) => {
                    let _ = events.send(Event::JobDone { outcome }).await;
                }
                Err(error) => tracing::error!(%error, "a background job failed"),
            }
        });
    }
}

/// Repositories found so far, by the root of their main worktree. The
/// server opens the same few repositories for every step of every job item
/// and finding one runs three git processes; a root stays the root of the
/// same repository while its git directory is there.
static KNOWN_REPOS: std::sync::Mutex<std::collections::BTreeMap<PathBuf, Repo>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Finds the repository at `dir` (usually the root of a main worktree).
pub(super) fn open_repo(dir: &Path) -> anyhow::Result<(Git, Repo)> {
    let git = Git::shared()?;
    let known = KNOWN_REPOS
        .lock()
        .ok()
        .and_then(|known| known.get(dir).cloned())
        .filter(|repo| repo.common_dir.is_dir());
    if let Some(repo) = known {
        return Ok((git, repo));
    }
    let repo = Repo::discover(&git, dir)?;
    if repo.root == dir
        && let Ok(mut known) = KNOWN_REPOS.lock()
    {
        known.insert(dir.to_owned(), repo.clone());
    }
    Ok((git, repo))
}

pub(super) fn context(paths: &Paths, dir: &Path) -> anyhow::Result<Context> {
    let (git, repo) = open_repo(dir)?;
    let config = config::load(paths, Some(&repo.root))?.config;
    Ok(Context {
        git,
        repo,
        config,
        paths: paths.clone(),
        store: Store::new(paths.state_file()),
    })
}
