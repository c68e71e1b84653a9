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

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use regex::Regex;
use tokio::time::Instant;

use super::jobs::{Failed, JobOutcome, context};
use super::launch::{Started, create_and_start, start_in};
use super::session::Session;
use crate::agent::{Change, State};
use crate::job::finish::{Finished, Kept, finish_item};
use crate::job::ledger::{self, CheckResult, ItemState, Ledger};
use crate::job::{DoneWhen, Item, JobSpec};
use crate::protocol::AgentStatus;
use crate::workspace::WorkspaceName;

/// What rate limits and overloaded APIs look like on agents' screens.
const RATE_LIMITED: &str =
    r"(?i)(rate[ -]?limit|too many requests|\b429\b|overloaded|usage limit|quota exceeded)";

/// A job run the server drives.
pub struct JobRun {
    pub spec: JobSpec,
    pub items: Vec<Item>,
    pub ledger: Ledger,
    pub ledger_path: PathBuf,
    /// Agents allowed at once now: the job's concurrency, halved on a rate
    /// limit and grown back one at a time as items merge.
    pub concurrency: usize,
    merge_lock: Arc<Mutex<()>>,
    /// Items whose agent has worked since its prompt (for `done: idle`).
    worked: BTreeSet<usize>,
    /// Items with a start or finishing job in flight.
    busy: BTreeSet<usize>,
}

/// A job file read, its items expanded and its ledger loaded or made.
pub struct LoadedJob {
    pub spec: JobSpec,
    pub items: Vec<Item>,
    pub ledger: Ledger,
    pub ledger_path: PathBuf,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The workspace of item `item` of job `job`: `headers-3-src-auth-rs`.
pub fn workspace_name(job: &str, item: &Item) -> String {
    let mut name = format!("{job}-{}-{}", item.index, item.slug);
    name.truncate(60);
    name.trim_end_matches(['-', '.']).to_owned()
}

/// Reads the job file and the ledger (a resumed run keeps its records), and
/// makes the integration branch. Runs on the blocking pool.
pub fn load_job(
    paths: &crate::paths::Paths,
    cwd: &Path,
    file: &Path,
    retry: crate::protocol::RetryKept,
) -> anyhow::Result<LoadedJob> {
    let ctx = context(paths, cwd)?;
    let spec = JobSpec::load(file)?;
    let items = spec.items(&ctx.repo.root)?;
    let ledger_path = ledger::ledger_path(&paths.jobs_dir(), &ctx.repo.root, &spec.name);
    let root = &ctx.repo.root;
    let mut ledger = match ledger::load(&ledger_path)? {
        Some(mut ledger) => {
            ledger.add_missing(&items);
            ledger.finished = None;
            ledger
        }
        None => {
            let base = match &spec.base {
                Some(base) => base.clone(),
                None => ctx.repo.current_branch(&ctx.git, root)?,
            };
            Ledger::new(&spec.name, root, file, &base, &items, unix_now())
        }
    };
    if !ctx.repo.branch_exists(&ledger.branch)? {
        ctx.git
            .run(root, ["branch", &ledger.branch, &ledger.base])?;
    }
    // Items caught mid-way by a crash: an agent that was starting or running
    // runs again in its workspace (its work is there); one being checked or
    // merged is checked again (a merge already done reads as up to date).
    for record in &mut ledger.items {
        match record.state {
            ItemState::Starting | ItemState::Running if record.workspace.is_some() => {
                record.state = ItemState::Running;
            }
            ItemState::Starting | ItemState::Running => record.state = ItemState::Queued,
            ItemState::Merging => record.state = ItemState::Checking,
            // Asked to try the kept items again: in their own workspace
            // (the agent sees its earlier work), with fresh retries.
            ItemState::Failed | ItemState::Conflict | ItemState::OutOfBounds
                if retry == crate::protocol::RetryKept::Retry =>
            {
                record.state = ItemState::Queued;
                record.attempts = 0;
                record.retry_at = None;
                record.ended = None;
            }
            ItemState::Queued
            | ItemState::Checking
            | ItemState::Merged
            | ItemState::Failed
            | ItemState::Conflict
            | ItemState::OutOfBounds => {}
        }
    }
    ledger::save(&ledger_path, &ledger)?;
    Ok(LoadedJob {
        spec,
        items,
        ledger,
        ledger_path,
    })
}

impl JobRun {
    pub fn new(loaded: LoadedJob) -> JobRun {
        JobRun {
            concurrency: loaded.spec.concurrency,
            spec: loaded.spec,
            items: loaded.items,
            ledger: loaded.ledger,
            ledger_path: loaded.ledger_path,
            merge_lock: Arc::new(Mutex::new(())),
            worked: BTreeSet::new(),
            busy: BTreeSet::new(),
        }
    }

    pub fn repo(&self) -> &Path {
        &self.ledger.repo
    }

    pub fn name(&self) -> &str {
        &self.ledger.job
    }

    fn item(&self, index: usize) -> Option<&Item> {
        self.items.iter().find(|i| i.index == index)
    }

    fn record_mut(&mut self, index: usize) -> Option<&mut ledger::ItemRecord> {
        self.ledger.items.iter_mut().find(|r| r.index == index)
    }

    /// The item whose workspace is `name`, while it has an agent.
    fn running_item(&self, name: &str) -> Option<usize> {
        self.ledger
            .items
            .iter()
            .find(|r| r.workspace.as_deref() == Some(name) && r.state == ItemState::Running)
            .map(|r| r.index)
    }

    fn save(&self) {
        if let Err(error) = ledger::save(&self.ledger_path, &self.ledger) {
            tracing::error!(job = self.name(), "cannot save the job's record: {error:#}");
        }
    }
}

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
                    ItemState::Checking | ItemState::Merging => finish.push(record.index),
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
        self.spawn_job(move || {
            let result = match existing {
                Some(record) => start_in(
                    &paths,
                    &record,
                    agent.as_deref(),
                    super::agent::Launch::Start,
                    Some(prompt),
                ),
                None => create_and_start(
                    &paths,
                    &repo,
                    &name,
                    agent.as_deref(),
                    Some(branch),
                    Some(prompt),
                ),
            };
            JobOutcome::JobItemStarted {
                repo,
                job,
                index,
                result: result.map(Box::new).map_err(Failed::from),
            }
        });
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
                run.save();
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

    /// An agent's status changed: a job item may be done, or rate limited.
    pub(super) fn job_status_changed(&mut self, repo: &Path, name: &str, change: &Change) {
        let Some((j, index)) = self.job_item_of(repo, name) else {
            return;
        };
        match change.to {
            State::Working => {
                self.jobs[j].worked.insert(index);
                return;
            }
            State::Idle { .. } | State::WaitingForInput => {}
            State::Starting | State::Exited { .. } => return,
        }
        if let Some(line) = self.rate_limit_line(repo, name) {
            self.rate_limited(j, index, line);
            return;
        }
        let prompt_typed = self
            .table
            .find(repo, name)
            .and_then(|w| w.live.as_ref())
            .is_some_and(|l| l.prompt.is_none());
        let run = &self.jobs[j];
        let idle_after_work = matches!(change.to, State::Idle { .. })
            && (run.worked.contains(&index) || change.from == State::Working);
        if run.spec.done_when() == DoneWhen::Idle && idle_after_work && prompt_typed {
            self.item_done(j, index);
        }
    }

    /// An agent exited: done when it exited cleanly, otherwise a failure.
    pub(super) fn job_pane_exited(&mut self, repo: &Path, name: &str, code: Option<i32>) {
        let Some((j, index)) = self.job_item_of(repo, name) else {
            return;
        };
        match code {
            Some(0) => self.item_done(j, index),
            Some(code) => self.item_failed(j, index, format!("the agent exited with code {code}")),
            None => self.item_failed(j, index, "the agent was killed".to_owned()),
        }
    }

    /// A file changed in a workspace: a done-marker file may have appeared.
    pub(super) fn job_files_changed(&mut self, repo: &Path, name: &str) {
        if self.job_item_of(repo, name).is_some() {
            self.pump_jobs(Instant::now());
        }
    }

    fn rate_limit_line(&self, repo: &Path, name: &str) -> Option<String> {
        let live = self.table.find(repo, name)?.live.as_ref()?;
        let tail = {
            let emulator = live.pane.lock_emulator();
            crate::agent::observe::screen_tail(emulator.screen(), 8)
        };
        let pattern = Regex::new(RATE_LIMITED).ok()?;
        tail.lines()
            .find(|line| pattern.is_match(line))
            .map(|line| line.trim().to_owned())
    }

    /// The API said slow down: fewer agents at once, and the item waits its
    /// backoff and tries again (a rate limit does not use up its retries).
    fn rate_limited(&mut self, j: usize, index: usize, line: String) {
        let run = &mut self.jobs[j];
        run.concurrency = (run.concurrency / 2).max(1);
        let backoff = run.spec.backoff();
        let Some(record) = run.record_mut(index) else {
            return;
        };
        let waits = record.attempts.max(1);
        record.attempts = record.attempts.saturating_sub(1);
        record.state = ItemState::Queued;
        record.retry_at = Some(unix_now() + backoff_after(backoff, waits).as_secs());
        record.reason = Some(format!("rate limited: {line}"));
        tracing::warn!(
            job = run.name(),
            index,
            concurrency = run.concurrency,
            "rate limited"
        );
        run.save();
        self.stop_item_agent(j, index);
    }

    fn stop_item_agent(&mut self, j: usize, index: usize) {
        let run = &self.jobs[j];
        let repo = run.repo().to_owned();
        let Some(name) = run
            .ledger
            .items
            .iter()
            .find(|r| r.index == index)
            .and_then(|r| r.workspace.clone())
        else {
            return;
        };
        if self
            .table
            .find(&repo, &name)
            .is_some_and(|w| w.live.is_some())
        {
            self.kill_agent(Some(&repo), &name, None);
        }
    }

    /// The item's agent is done: stop it, then check and merge (in a job).
    fn item_done(&mut self, j: usize, index: usize) {
        let paths = self.paths.clone();
        let run = &mut self.jobs[j];
        let (Some(item), Some(name)) = (
            run.item(index).cloned(),
            run.ledger
                .items
                .iter()
                .find(|r| r.index == index)
                .and_then(|r| r.workspace.clone()),
        ) else {
            return;
        };
        if let Some(record) = run.record_mut(index) {
            record.state = ItemState::Checking;
        }
        run.busy.insert(index);
        run.save();
        let spec = run.spec.clone();
        let lock = Arc::clone(&run.merge_lock);
        let repo = run.repo().to_owned();
        let job = run.name().to_owned();
        let pane = self
            .table
            .find_mut(&repo, &name)
            .and_then(|w| w.live.take())
            .map(|live| live.pane);
        self.touch_repo(&repo);
        self.emit_item(j, index);
        self.spawn_job(move || {
            let result = (|| {
                if let Some(pane) = pane {
                    pane.kill()?;
                }
                let ctx = context(&paths, &repo)?;
                let parsed = WorkspaceName::parse(&name)?;
                finish_item(&ctx, &spec, &item, &parsed, &lock)
            })();
            JobOutcome::JobItemFinished {
                repo,
                job,
                index,
                result: result.map_err(Failed::from),
            }
        });
    }

    /// A try failed: queue it again after its backoff while it has retries
    /// left, otherwise keep it (agent stopped, workspace and a snapshot kept).
    fn item_failed(&mut self, j: usize, index: usize, reason: String) {
        let run = &mut self.jobs[j];
        let retries = run.spec.retries;
        let backoff = run.spec.backoff();
        let Some(record) = run.record_mut(index) else {
            return;
        };
        record.reason = Some(reason);
        if record.attempts <= retries {
            record.state = ItemState::Queued;
            record.retry_at = Some(unix_now() + backoff_after(backoff, record.attempts).as_secs());
        } else {
            record.state = ItemState::Failed;
            record.ended = Some(unix_now());
        }
        run.save();
        self.emit_item(j, index);
        self.stop_item_agent(j, index);
    }

    pub(super) fn job_item_finished(
        &mut self,
        repo: PathBuf,
        job: String,
        index: usize,
        result: Result<Finished, Failed>,
    ) {
        let Some(j) = self.job_index(&repo, &job) else {
            return;
        };
        self.jobs[j].busy.remove(&index);
        match result {
            Ok(finished) => {
                let run = &mut self.jobs[j];
                let merged = finished.state == ItemState::Merged;
                if merged && run.concurrency < run.spec.concurrency {
                    run.concurrency += 1;
                }
                if let Some(record) = run.record_mut(index) {
                    record.state = finished.state;
                    record.reason = finished.reason;
                    record.diffstat = finished.diffstat;
                    record.check = Some(finished.check);
                    record.check_output = finished.check_output;
                    record.snapshot = finished.snapshot;
                    record.ended = Some(unix_now());
                    if finished.kept == Kept::Removed {
                        record.reason = None;
                    }
                }
                run.save();
                self.emit_item(j, index);
                if merged {
                    self.reload();
                }
            }
            Err(failed) => {
                if let Some(record) = self.jobs[j].record_mut(index) {
                    record.check = Some(CheckResult::None);
                }
                self.item_failed(j, index, failed.message);
            }
        }
        self.touch_repo(&repo);
        self.pump_jobs(Instant::now());
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
                    | ItemState::Merging
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

/// The wait before retry `attempt` (1-based): the backoff, doubled each time.
fn backoff_after(backoff: Duration, attempt: u32) -> Duration {
    backoff.saturating_mul(1 << attempt.saturating_sub(1).min(10))
}
