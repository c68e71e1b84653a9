//! What happens to a running item: its agent's status changes, exits and
//! file changes, a rate limit seen on its screen (concurrency backs off and
//! the item is retried), done, failed with a backoff, and the finishing job's
//! result (merged, kept with its reason, or retried).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use regex::Regex;
use tokio::time::Instant;

use super::run::unix_now;
use crate::agent::{Change, State};
use crate::job::DoneWhen;
use crate::job::finish::{Finished, Kept, finish_item};
use crate::job::ledger::{CheckResult, ItemState};
use crate::server::jobs::{Failed, JobOutcome, context};
use crate::server::session::Session;
use crate::workspace::WorkspaceName;

/// What rate limits and overloaded APIs look like on agents' screens.
const RATE_LIMITED: &str =
    r"(?i)(rate[ -]?limit|too many requests|\b429\b|overloaded|usage limit|quota exceeded)";

impl Session {
    /// An agent's status changed: a job item may be done, or rate limited.
    pub(in crate::server) fn job_status_changed(
        &mut self,
        repo: &Path,
        name: &str,
        change: &Change,
    ) {
        let Some((j, index)) = self.job_item_of(repo, name) else {
            return;
        };
        self.note_asking(j, index, repo, name, change.to);
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
            .is_some_and(|l| l.prompts.is_empty());
        let run = &self.jobs[j];
        let idle_after_work = matches!(change.to, State::Idle { .. })
            && (run.worked.contains(&index) || change.from == State::Working);
        if run.spec.done_when() == DoneWhen::Idle && idle_after_work && prompt_typed {
            self.item_done(j, index);
        }
    }

    /// Records what an item's agent asks while it waits for the user (its
    /// status's reason), and clears it once it does anything else, so the
    /// run's progress says it is stuck on a question.
    fn note_asking(&mut self, j: usize, index: usize, repo: &Path, name: &str, to: State) {
        let asks = match to {
            State::WaitingForInput => Some(
                self.table
                    .find(repo, name)
                    .and_then(|w| w.live.as_ref())
                    .map_or_else(String::new, |l| l.tracker.status().reason.clone()),
            ),
            State::Starting | State::Working | State::Idle { .. } | State::Exited { .. } => None,
        };
        let run = &mut self.jobs[j];
        let Some(record) = run.record_mut(index) else {
            return;
        };
        if record.asks == asks {
            return;
        }
        record.asks = asks;
        run.save_atomic();
        self.emit_item(j, index);
    }

    /// An agent exited: done when it exited cleanly, otherwise a failure.
    pub(in crate::server) fn job_pane_exited(
        &mut self,
        repo: &Path,
        name: &str,
        code: Option<i32>,
    ) {
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
    pub(in crate::server) fn job_files_changed(&mut self, repo: &Path, name: &str) {
        if self.job_item_of(repo, name).is_some() {
            self.pump_jobs(Instant::now());
        }
    }

    pub(super) fn rate_limit_line(&self, repo: &Path, name: &str) -> Option<String> {
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
    pub(super) fn rate_limited(&mut self, j: usize, index: usize, line: String) {
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

    pub(super) fn stop_item_agent(&mut self, j: usize, index: usize) {
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
    pub(super) fn item_done(&mut self, j: usize, index: usize) {
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
        self.jobs[j].after_save.push(Box::new(move || {
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
        }));
    }

    /// A try failed: queue it again after its backoff while it has retries
    /// left, otherwise keep it (agent stopped, workspace and a snapshot kept).
    pub(super) fn item_failed(&mut self, j: usize, index: usize, reason: String) {
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

    pub(in crate::server) fn job_item_finished(
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
}

/// The wait before retry `attempt` (1-based): the backoff, doubled each time.
fn backoff_after(backoff: Duration, attempt: u32) -> Duration {
    backoff.saturating_mul(1 << attempt.saturating_sub(1).min(10))
}
