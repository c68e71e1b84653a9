//! Job runs in the server (`grove run`): the scheduler that turns a job's
//! items into workspaces and agents, notices when each is done, and hands it
//! to the finishing job (`job::finish`: boundary, check, merge one at a
//! time, teardown). Every change of an item is written to the run's ledger
//! before anything acts on it, so a run survives a crash: loading it again
//! keeps merged items merged and picks up items that were in flight in their
//! own workspaces.
//!
//! Nothing here waits or polls: a run moves on events (an agent started,
//! changed status or exited, a file appeared, a finishing job reported) and
//! on the one timer it asks for (the next time-out or retry).

mod items;
mod run;

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::time::Instant;

use super::jobs::{Failed, JobOutcome};
use super::launch::{Started, create_and_start, start_in};
use super::session::Session;
use crate::job::DoneWhen;
use crate::job::ledger::{self, ItemState, Ledger};
use crate::protocol::AgentStatus;

use run::unix_now;
pub use run::{JobRun, LoadedJob, load_job, workspace_name};

impl Session {
    /// Tells `grove events` subscribers where an item stands now.
    fn emit_item(&mut self, j: usize, index: usize) {
        let run = &self.jobs[j];
        let Some(record) = run.ledger.items.iter().find(|r| r.index == index) else {
            return;
        };
        let kind = crate::protocol::EventKind::JobItem {
            job: run.name().to_owned(),
            index,
            item: record.item.clone(),
            state: record.state.key().to_owned(),
            reason: record.reason.clone(),
        };
        let repo = run.repo().to_owned();
        self.emit(&repo, kind);
    }

    /// `grove run`: loads the job (in a job) and starts it.
    pub(super) fn run_job(
        &mut self,
        cwd: PathBuf,
        file: PathBuf,
        retry: crate::protocol::RetryKept,
        reply: tokio::sync::oneshot::Sender<crate::protocol::Response>,
    ) {
        let paths = self.paths.clone();
        self.spawn_job(move || JobOutcome::JobLoaded {
            result: load_job(&paths, &cwd, &file, retry)
                .map(Box::new)
                .map_err(Failed::from),
            reply,
        });
    }

    pub(super) fn job_loaded(
        &mut self,
        result: Result<Box<LoadedJob>, Failed>,
        reply: tokio::sync::oneshot::Sender<crate::protocol::Response>,
    ) {
        use crate::protocol::Response;
        let loaded = match result {
            Ok(loaded) => *loaded,
            Err(failed) => {
                let _ = reply.send(Response::Failed {
                    message: failed.message,
                    kind: failed.kind,
                });
                return;
            }
        };
        let same = |run: &JobRun| {
            run.ledger.job == loaded.ledger.job && run.ledger.repo == loaded.ledger.repo
        };
        if let Some(run) = self.jobs.iter().find(|r| same(r))
            && !run.ledger.is_finished()
        {
            let _ = reply.send(Response::Failed {
                message: format!(
                    "job {} is already running; `grove job status {}` shows it",
                    run.name(),
                    run.name()
                ),
                kind: crate::protocol::FailureKind::Usage,
            });
            return;
        }
        self.flush_jobs();
        self.jobs.retain(|r| !same(r));
        let run = JobRun::new(loaded);
        let _ = reply.send(Response::JobStarted {
            name: run.name().to_owned(),
            total: run.ledger.items.len(),
            merged: run.ledger.counts().merged,
        });
        let repo = run.repo().to_owned();
        self.jobs.push(run);
        self.touch_repo(&repo);
        self.pump_jobs(Instant::now());
    }

    /// Writes every run's changed ledger, then starts the work that waited
    /// for it: an item's agent starts, or its result is merged, only once its
    /// ledger says so on disk, so a crash can never leave work the ledger
    /// does not know about. Called once per turn of the session, so an item
    /// finishing and the next one starting share one write.
    pub(in crate::server) fn flush_jobs(&mut self) {
        let mut ready = Vec::new();
        for run in &mut self.jobs {
            ready.extend(run.flush());
        }
        for work in ready {
            self.spawn_job(work);
        }
    }

    /// Moves every run on: starts items while slots are free, finishes
    /// items caught mid-way, times out slow ones.
    pub(super) fn pump_jobs(&mut self, now: Instant) {
        let unix = unix_now();
        for j in 0..self.jobs.len() {
            self.pump_job(j, now, unix);
        }
    }

    fn pump_job(&mut self, j: usize, _now: Instant, unix: u64) {
        // Items to finish (caught mid-way, or found done), and running items
        // whose agent is gone (a restart) or whose time is up.
        let mut finish = Vec::new();
        let mut restart = Vec::new();
        let mut timed_out = Vec::new();
        let mut file_done = Vec::new();
        {
            let run = &self.jobs[j];
            let timeout = run.spec.timeout().as_secs();
            for record in &run.ledger.items {
                if run.busy.contains(&record.index) {
                    continue;
                }
                match record.state {
                    ItemState::Checking => finish.push(record.index),
                    ItemState::Running => {
                        let live = record.workspace.as_deref().is_some_and(|name| {
                            self.table
                                .find(run.repo(), name)
                                .and_then(|w| w.live.as_ref())
                                .is_some_and(|l| l.status == AgentStatus::Running)
                        });
                        if !live {
                            restart.push(record.index);
                        } else if record.started.is_some_and(|s| s + timeout <= unix) {
                            timed_out.push(record.index);
                        } else if self.done_file_exists(run, record) {
                            file_done.push(record.index);
                        }
                    }
                    ItemState::Queued
                    | ItemState::Starting
                    | ItemState::Merged
                    | ItemState::Failed
                    | ItemState::Conflict
                    | ItemState::OutOfBounds => {}
                }
            }
        }
        for index in finish.into_iter().chain(file_done) {
            self.item_done(j, index);
        }
        for index in timed_out {
            let minutes = self.jobs[j].spec.timeout().as_secs().div_ceil(60);
            self.item_failed(j, index, format!("timed out after {minutes} min"));
        }
        for index in restart {
            self.start_item(j, index);
        }
        // Fill the free slots with queued items whose time has come.
        loop {
            let run = &self.jobs[j];
            let active = run
                .ledger
                .items
                .iter()
                .filter(|r| matches!(r.state, ItemState::Starting | ItemState::Running))
                .count();
            if active >= run.concurrency {
                break;
            }
            let Some(index) = run
                .ledger
                .items
                .iter()
                .find(|r| r.state == ItemState::Queued && r.retry_at.is_none_or(|at| at <= unix))
                .map(|r| r.index)
            else {
                break;
            };
            self.start_item(j, index);
        }
        let run = &mut self.jobs[j];
        if run.ledger.is_finished() && run.busy.is_empty() && run.ledger.finished.is_none() {
            run.ledger.finished = Some(unix);
            run.save();
            tracing::info!(job = run.name(), "job finished");
        }
    }

    fn done_file_exists(&self, run: &JobRun, record: &ledger::ItemRecord) -> bool {
        let DoneWhen::File(_) = run.spec.done_when() else {
            return false;
        };
        let (Some(item), Some(name)) = (run.item(record.index), record.workspace.as_deref()) else {
            return false;
        };
        let Some(file) = run.spec.done_file(item) else {
            return false;
        };
        self.table
            .find(run.repo(), name)
            .is_some_and(|w| w.record.path.join(file).exists())
    }

    /// Makes the item's workspace (or reuses the one it has) and starts its
    /// agent with its prompt.
    fn start_item(&mut self, j: usize, index: usize) {
        let paths = self.paths.clone();
        let run = &mut self.jobs[j];
        let Some(item) = run.item(index).cloned() else {
            return;
        };
        let prompt = run.spec.prompt_for(&item);
        let agent = run.spec.agent.clone();
        let branch = run.ledger.branch.clone();
        let repo = run.repo().to_owned();
        let job = run.name().to_owned();
        let existing = run
            .ledger
            .items
            .iter()
            .find(|r| r.index == index)
            .and_then(|r| r.workspace.clone())
            .and_then(|name| self.table.find(&repo, &name).map(|w| w.record.clone()));
        let Some(record) = run.record_mut(index) else {
            return;
        };
        let restarting = record.state == ItemState::Running;
        if !restarting {
            record.state = ItemState::Starting;
            record.attempts += 1;
        }
        record.started = Some(unix_now());
        record.retry_at = None;
        let name = workspace_name(&job, &item);
        record.workspace = Some(existing.as_ref().map_or(name.clone(), |r| r.name.clone()));
        run.busy.insert(index);
        run.worked.remove(&index);
        run.save();
        self.emit_item(j, index);
        let size = self.start_size(&repo, existing.as_ref().map(|r| r.name.as_str()));
        self.jobs[j].after_save.push(Box::new(move || {
            let result = match existing {
                Some(record) => start_in(
                    &paths,
                    &record,
                    agent.as_deref(),
                    super::agent::Launch::Start,
                    Some(prompt),
                    size,
                ),
                None => create_and_start(
                    &paths,
                    &repo,
                    &name,
                    agent.as_deref(),
                    Some(branch),
                    Some(prompt),
                    size,
                ),
            };
            JobOutcome::JobItemStarted {
                repo,
                job,
                index,
                result: result.map(Box::new).map_err(Failed::from),
            }
        }));
    }

    pub(super) fn job_item_started(
        &mut self,
        repo: PathBuf,
        job: String,
        index: usize,
        result: Result<Box<Started>, Failed>,
    ) {
        let Some(j) = self.job_index(&repo, &job) else {
            return;
        };
        self.jobs[j].busy.remove(&index);
        match result {
            Ok(started) => {
                let name = started.name.clone();
                self.install(*started);
                let run = &mut self.jobs[j];
                if let Some(record) = run.record_mut(index) {
                    record.state = ItemState::Running;
                    record.workspace = Some(name);
                }
                // The starting record already named the workspace, and a
                // resume runs the agent again in it either way.
                run.save_atomic();
                self.emit_item(j, index);
            }
            Err(failed) => self.item_failed(j, index, failed.message),
        }
        self.touch_repo(&repo);
        self.pump_jobs(Instant::now());
    }

    fn job_index(&self, repo: &Path, job: &str) -> Option<usize> {
        self.jobs
            .iter()
            .position(|r| r.repo() == repo && r.name() == job)
    }

    /// The run and item a workspace belongs to, while its agent runs.
    fn job_item_of(&self, repo: &Path, name: &str) -> Option<(usize, usize)> {
        self.jobs.iter().enumerate().find_map(|(j, run)| {
            (run.repo() == repo).then(|| run.running_item(name).map(|i| (j, i)))?
        })
    }

    /// The next moment a run needs the clock: a retry coming due (with a
    /// slot free) or a running item's time-out.
    pub(super) fn jobs_due(&self) -> Option<Instant> {
        let unix = unix_now();
        let now = Instant::now();
        self.jobs
            .iter()
            .flat_map(|run| {
                let timeout = run.spec.timeout().as_secs();
                run.ledger.items.iter().filter_map(move |r| match r.state {
                    ItemState::Queued => r.retry_at,
                    ItemState::Running => r.started.map(|s| s + timeout),
                    ItemState::Starting
                    | ItemState::Checking
                    | ItemState::Merged
                    | ItemState::Failed
                    | ItemState::Conflict
                    | ItemState::OutOfBounds => None,
                })
            })
            .filter(|at| *at > unix)
            .min()
            .map(|at| now + Duration::from_secs(at - unix))
    }

    /// A run's ledger, for `grove run`'s progress and `grove job status`.
    pub(super) fn job_status(&self, repo: &Path, name: &str) -> Option<Ledger> {
        self.jobs
            .iter()
            .find(|r| r.repo() == repo && r.name() == name)
            .map(|r| r.ledger.clone())
    }
}
