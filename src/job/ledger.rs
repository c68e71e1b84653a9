//! The ledger: a job run's durable record, one entry per item, written
//! (atomically) every time an item changes state. It is what makes a run
//! resumable after a crash or `kill -9`: a merged item is never redone, and
//! an item that was running keeps its workspace and is picked up again.
//!
//! It lives in grove's state directory, not the repository:
//! `$XDG_STATE_HOME/grove/jobs/<repo>-<hash>/<job>.yaml`.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::durable::Durability;

use super::Item;

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Waiting for a slot (or for its retry time).
    Queued,
    /// Its workspace is being made and its agent started.
    Starting,
    /// Its agent works.
    Running,
    /// Done; its changes are being checked (boundary, check command) and,
    /// when they pass, merged into the integration branch, in one job.
    /// (`merging` was a state of its own once, never written: read as this.)
    #[serde(alias = "merging")]
    Checking,
    /// In the integration branch; its workspace was removed.
    Merged,
    /// Failed: the agent, the check, or a time-out; kept with its reason.
    Failed,
    /// Would conflict with what is already merged; kept.
    Conflict,
    /// Changed paths it does not own, or a contract file; kept.
    OutOfBounds,
}

impl ItemState {
    /// Whether the run is finished with this item.
    pub fn is_final(self) -> bool {
        match self {
            ItemState::Merged
            | ItemState::Failed
            | ItemState::Conflict
            | ItemState::OutOfBounds => true,
            ItemState::Queued | ItemState::Starting | ItemState::Running | ItemState::Checking => {
                false
            }
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ItemState::Queued => "queued",
            ItemState::Starting => "starting",
            ItemState::Running => "running",
            ItemState::Checking => "checking",
            ItemState::Merged => "merged",
            ItemState::Failed => "failed",
            ItemState::Conflict => "conflict",
            ItemState::OutOfBounds => "out_of_bounds",
        }
    }
}

/// How an item's check went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Passed,
    Failed,
    /// No check configured.
    None,
}

/// One item's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    pub index: usize,
    pub item: String,
    pub state: ItemState,
    /// Tries so far (a retry after a failure or a rate limit counts).
    #[serde(default)]
    pub attempts: u32,
    /// Its workspace while it has one.
    #[serde(default)]
    pub workspace: Option<String>,
    /// Why it is not merged, or what went wrong on the last try.
    #[serde(default)]
    pub reason: Option<String>,
    /// Not before this unix time (a retry's backoff).
    #[serde(default)]
    pub retry_at: Option<u64>,
    #[serde(default)]
    pub started: Option<u64>,
    #[serde(default)]
    pub ended: Option<u64>,
    /// Files changed and lines added / removed, as merged (or as left).
    #[serde(default)]
    pub diffstat: Option<String>,
    #[serde(default)]
    pub check: Option<CheckResult>,
    /// The tail of the check's output when it failed.
    #[serde(default)]
    pub check_output: Option<String>,
    /// The snapshot ref taken before its workspace was removed or kept.
    #[serde(default)]
    pub snapshot: Option<String>,
    /// While its agent waits for the user (an approval, a question), what
    /// the agent's status says: an unattended run is stuck there until
    /// someone answers, and must say so.
    #[serde(default)]
    pub asks: Option<String>,
}

/// A run's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub job: String,
    pub repo: PathBuf,
    /// The job file it was started from.
    pub file: PathBuf,
    /// `grove/job/<name>`.
    pub branch: String,
    /// The ref the integration branch started from.
    pub base: String,
    pub created: u64,
    #[serde(default)]
    pub finished: Option<u64>,
    pub items: Vec<ItemRecord>,
}

impl Ledger {
    pub fn new(
        job: &str,
        repo: &Path,
        file: &Path,
        base: &str,
        items: &[Item],
        now: u64,
    ) -> Ledger {
        Ledger {
            job: job.to_owned(),
            repo: repo.to_owned(),
            file: file.to_owned(),
            branch: integration_branch(job),
            base: base.to_owned(),
            created: now,
            finished: None,
            items: items
                .iter()
                .map(|item| ItemRecord {
                    index: item.index,
                    item: item.value.clone(),
                    state: ItemState::Queued,
                    attempts: 0,
                    workspace: None,
                    reason: None,
                    retry_at: None,
                    started: None,
                    ended: None,
                    diffstat: None,
                    check: None,
                    check_output: None,
                    snapshot: None,
                    asks: None,
                })
                .collect(),
        }
    }

    /// Items (new ones from a changed file) added to a resumed run; items
    /// already recorded keep their state.
    pub fn add_missing(&mut self, items: &[Item]) {
        for item in items {
            if !self.items.iter().any(|r| r.item == item.value) {
                let mut fresh = Ledger::new(
                    &self.job,
                    &self.repo,
                    &self.file,
                    &self.base,
                    std::slice::from_ref(item),
                    0,
                );
                if let Some(mut record) = fresh.items.pop() {
                    record.index = self.items.len() + 1;
                    self.items.push(record);
                }
            }
        }
    }

    /// How many items are in each state, in [`ItemState`] order.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for item in &self.items {
            match item.state {
                ItemState::Queued => counts.queued += 1,
                ItemState::Starting | ItemState::Running => {
                    counts.running += 1;
                    if item.asks.is_some() {
                        counts.waiting += 1;
                    }
                }
                ItemState::Checking => counts.checking += 1,
                ItemState::Merged => counts.merged += 1,
                ItemState::Failed => counts.failed += 1,
                ItemState::OutOfBounds => {
                    counts.failed += 1;
                    counts.out_of_bounds += 1;
                }
                ItemState::Conflict => counts.conflict += 1,
            }
        }
        counts
    }

    pub fn is_finished(&self) -> bool {
        self.items.iter().all(|i| i.state.is_final())
    }
}

/// Items per state group, for progress lines and the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub queued: usize,
    pub running: usize,
    /// Of `running`, those whose agent waits for the user.
    #[serde(default)]
    pub waiting: usize,
    pub checking: usize,
    pub merged: usize,
    pub failed: usize,
    /// Of `failed`, those kept for changing paths they do not own: no
    /// agent failed there, and the fix is a decision, not a retry.
    #[serde(default)]
    pub out_of_bounds: usize,
    pub conflict: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.queued + self.running + self.checking + self.merged + self.failed + self.conflict
    }

    pub fn finished(&self) -> usize {
        self.merged + self.failed + self.conflict
    }
}

/// The branch a job's items are merged into.
pub fn integration_branch(job: &str) -> String {
    format!("grove/job/{job}")
}

/// The ledger file of `job` in `repo`, under `jobs_dir`.
pub fn ledger_path(jobs_dir: &Path, repo: &Path, job: &str) -> PathBuf {
    let name = repo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repo".to_owned());
    let hash = crate::git::short_hash(repo.to_string_lossy().as_bytes());
    jobs_dir
        .join(format!("{name}-{hash}"))
        .join(format!("{job}.yaml"))
}

/// Reads a ledger; `None` when there is none.
pub fn load(path: &Path) -> anyhow::Result<Option<Ledger>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(crate::config::from_yaml(&text).with_context(
            || format!("the job record {} is damaged", path.display()),
        )?)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Writes a ledger atomically and durably (`durable::replace`): a crash
/// leaves the previous version or this one, never half of one.
pub fn save(path: &Path, ledger: &Ledger) -> anyhow::Result<()> {
    save_with(path, ledger, Durability::Synced)
}

/// [`save`], as durable as `durability` says.
pub fn save_with(path: &Path, ledger: &Ledger, durability: Durability) -> anyhow::Result<()> {
    let text = crate::config::to_yaml(ledger)?;
    crate::durable::replace_with(path, text.as_bytes(), durability)
        .with_context(|| format!("cannot save the job record {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(values: &[&str]) -> Vec<Item> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Item {
                index: i + 1,
                value: (*v).to_owned(),
                slug: crate::job::spec::slug_of(v),
            })
            .collect()
    }

    #[test]
    fn a_ledger_round_trips_and_a_resume_keeps_what_was_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = ledger_path(dir.path(), Path::new("/src/app"), "headers");
        assert!(
            path.to_string_lossy().contains("/app-"),
            "{}",
            path.display()
        );
        assert_eq!(load(&path).unwrap(), None);
        let mut ledger = Ledger::new(
            "headers",
            Path::new("/src/app"),
            Path::new("job.yaml"),
            "main",
            &items(&["a", "b"]),
            1,
        );
        ledger.items[0].state = ItemState::Merged;
        ledger.items[1].state = ItemState::Running;
        save(&path, &ledger).unwrap();
        let mut loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded, ledger);
        assert_eq!(loaded.branch, "grove/job/headers");
        loaded.add_missing(&items(&["a", "b", "c"]));
        assert_eq!(loaded.items.len(), 3);
        assert_eq!(loaded.items[0].state, ItemState::Merged);
        assert_eq!(loaded.items[2].state, ItemState::Queued);
        assert_eq!(loaded.items[2].index, 3);
        let counts = loaded.counts();
        assert_eq!((counts.merged, counts.running, counts.queued), (1, 1, 1));
        assert!(!loaded.is_finished());
        std::fs::write(&path, "job: [").unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("is damaged"));
    }
}

#[cfg(test)]
mod permissions {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn the_ledger_is_the_users_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = ledger_path(&dir.path().join("jobs"), Path::new("/src/app"), "j");
        let ledger = Ledger::new(
            "j",
            Path::new("/src/app"),
            Path::new("j.yaml"),
            "main",
            &[],
            1,
        );
        save(&path, &ledger).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&path), 0o600);
    }
}
