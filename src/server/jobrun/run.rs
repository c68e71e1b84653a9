//! A job run as the server holds it: the job file read and its items
//! expanded, the ledger loaded or made, and what the scheduler keeps beside
//! it (the concurrency now, the merge lock, items busy or worked).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::durable::Durability;
use crate::job::ledger::{self, ItemState, Ledger};
use crate::job::{Item, JobSpec};
use crate::server::jobs::{JobOutcome, context};

/// A job run the server drives.
pub struct JobRun {
    pub spec: JobSpec,
    pub items: Vec<Item>,
    pub ledger: Ledger,
    pub ledger_path: PathBuf,
    /// Agents allowed at once now: the job's concurrency, halved on a rate
    /// limit and grown back one at a time as items merge.
    pub concurrency: usize,
    pub(super) merge_lock: Arc<Mutex<()>>,
    /// Items whose agent has worked since its prompt (for `done: idle`).
    pub(super) worked: BTreeSet<usize>,
    /// Items with a start or finishing job in flight.
    pub(super) busy: BTreeSet<usize>,
    /// The ledger has changed since it was last written, and how surely
    /// the change must be written.
    unsaved: Option<Durability>,
    /// Work that may start only once the ledger records it (see
    /// [`Session::flush_jobs`](crate::server::session::Session)).
    pub(super) after_save: Vec<Box<dyn FnOnce() -> JobOutcome + Send>>,
}

/// A job file read, its items expanded and its ledger loaded or made.
pub struct LoadedJob {
    pub spec: JobSpec,
    pub items: Vec<Item>,
    pub ledger: Ledger,
    pub ledger_path: PathBuf,
}

pub(super) fn unix_now() -> u64 {
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
    // Every item's prompt goes to this agent: one that takes none (a
    // shell) is refused here, once, not item by item.
    let (agent, profile) = crate::server::agent::profile(&ctx.config, spec.agent.as_deref())?;
    crate::server::agent::takes_prompt(agent, profile)
        .map_err(|e| anyhow::anyhow!("job {}: {e:#}", spec.name))?;
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
            unsaved: None,
            after_save: Vec::new(),
        }
    }

    pub fn repo(&self) -> &Path {
        &self.ledger.repo
    }

    pub fn name(&self) -> &str {
        &self.ledger.job
    }

    pub(super) fn item(&self, index: usize) -> Option<&Item> {
        self.items.iter().find(|i| i.index == index)
    }

    pub(super) fn record_mut(&mut self, index: usize) -> Option<&mut ledger::ItemRecord> {
        self.ledger.items.iter_mut().find(|r| r.index == index)
    }

    /// The item whose workspace is `name`, while it has an agent.
    pub(super) fn running_item(&self, name: &str) -> Option<usize> {
        self.ledger
            .items
            .iter()
            .find(|r| r.workspace.as_deref() == Some(name) && r.state == ItemState::Running)
            .map(|r| r.index)
    }

    /// Marks the ledger changed; it is written at the end of the session's
    /// turn ([`JobRun::flush`]), once for everything the turn changed.
    pub(super) fn save(&mut self) {
        self.unsaved = Some(Durability::Synced);
    }

    /// Marks a change that resuming treats the same as the record before it
    /// (an item's agent now running where it was starting), so it need not
    /// wait for the disk.
    pub(super) fn save_atomic(&mut self) {
        self.unsaved = Some(match self.unsaved {
            Some(Durability::Synced) => Durability::Synced,
            Some(Durability::Atomic) | None => Durability::Atomic,
        });
    }

    /// Writes the ledger if it changed, and hands back the work that waited
    /// for it.
    pub(super) fn flush(&mut self) -> Vec<Box<dyn FnOnce() -> JobOutcome + Send>> {
        if let Some(durability) = self.unsaved.take()
            && let Err(error) = ledger::save_with(&self.ledger_path, &self.ledger, durability)
        {
            tracing::error!(job = self.name(), "cannot save the job's record: {error:#}");
        }
        std::mem::take(&mut self.after_save)
    }
}
