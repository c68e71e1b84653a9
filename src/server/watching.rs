//! The session's side of the git watcher: keeping the tracked set equal to
//! the workspace table, turning notices into due reads, running reads as
//! jobs, and redrawing the sidebars that show a changed state.

use tokio::time::Instant;

use super::gitwork::{ReadResult, Update};
use super::jobs::JobOutcome;
use super::session::Session;
use super::watch::WatchPlan;
use super::watch::routes::Notice;
use super::workspaces::WorkspaceKey;
use crate::git::Git;

impl Session {
    /// Tracks exactly the workspaces in the table; plans watches for new ones.
    pub(super) fn git_sync(&mut self) {
        let keys: Vec<WorkspaceKey> = self.table.all().map(|w| w.key()).collect();
        let added = self.git.sync(&keys, Instant::now());
        for workspace in self.table.all() {
            if let Some(entry) = self.git.entries.get_mut(&workspace.key()) {
                entry.start.clone_from(&workspace.record.start);
                entry.branch = Some(workspace.record.branch.clone());
            }
        }
        for key in added {
            let Some(root) = self
                .table
                .find(&key.repo, &key.name)
                .map(|w| w.record.path.clone())
            else {
                continue;
            };
            self.spawn_job(move || {
                let plan = Git::shared()
                    .and_then(|git| WatchPlan::for_worktree(&git, &root))
                    .map_err(|error| error.to_string());
                JobOutcome::Planned { key, plan }
            });
        }
    }

    pub(super) fn git_notice(&mut self, notice: Notice) {
        let now = Instant::now();
        match notice {
            Notice::Worktree { key } => {
                self.git.touch(&key, now);
                self.job_files_changed(&key.repo, &key.name);
            }
            Notice::Branch { repo, name } => {
                // The workspace on that branch, and every workspace whose
                // base it is (their ahead/behind and conflicts changed).
                let affected: Vec<WorkspaceKey> = self
                    .table
                    .of_repo(&repo)
                    .filter(|w| w.record.branch == name || w.record.base == name)
                    .map(|w| w.key())
                    .collect();
                for key in affected {
                    self.git.touch(&key, now);
                }
            }
        }
    }

    pub(super) fn git_planned(&mut self, key: WorkspaceKey, plan: Result<WatchPlan, String>) {
        match plan {
            Ok(plan) => {
                if self.git.entries.contains_key(&key) {
                    let mode = self.git.watcher.add(&key, &plan);
                    tracing::debug!(
                        workspace = key.name,
                        ?mode,
                        dirs = plan.dirs.len(),
                        "watching"
                    );
                }
            }
            Err(error) => tracing::warn!(workspace = key.name, "cannot watch: {error}"),
        }
    }

    /// Starts the reads that are due.
    pub(super) fn start_git_reads(&mut self, now: Instant) {
        for key in self.git.start_due(now) {
            self.stats.git_reads += 1;
            let Some(workspace) = self.table.find(&key.repo, &key.name) else {
                continue;
            };
            let worktree = workspace.record.path.clone();
            let base = workspace.record.base.clone();
            let repo = key.repo.clone();
            let mut memo = self.git.take_memo(&key);
            self.spawn_job(move || {
                let result = super::gitread::read(&repo, &worktree, &base, &mut memo);
                JobOutcome::GitRead { result, memo, key }
            });
        }
    }

    pub(super) fn git_read(
        &mut self,
        key: WorkspaceKey,
        result: ReadResult,
        memo: crate::git::CommitMemo,
    ) {
        self.git.put_memo(&key, memo);
        let root = key_root(&self.table, &key);
        let changed = match self.git.finished(&key, result, Instant::now()) {
            None => return,
            Some(Update::Missing) => None,
            Some(Update::State(state)) => {
                let dirs: Vec<std::path::PathBuf> = state
                    .changed_paths
                    .iter()
                    .filter_map(|p| p.parent().map(|d| root.join(d)))
                    .filter(|d| d.is_dir())
                    .collect();
                Some((dirs, state.head.clone(), state.ahead))
            }
        };
        match changed {
            Some((dirs, head, ahead)) => {
                self.git.watcher.add_dirs(&key, &dirs);
                self.git.update_overlaps(&key.repo);
                self.commit_seen(&key, &head, ahead);
            }
            None => self.git.update_overlaps(&key.repo),
        }
        self.touch_repo(&key.repo.clone());
        if let Some(summary) = self.git.summary(&key) {
            let kind = crate::protocol::EventKind::Git {
                workspace: key.name.clone(),
                readiness: summary.readiness.key().to_owned(),
                ahead: summary.ahead,
                behind: summary.behind,
                uncommitted_files: summary.uncommitted.files + summary.untracked,
            };
            self.emit(&key.repo, kind);
        }
    }
}

fn key_root(table: &super::workspaces::Table, key: &WorkspaceKey) -> std::path::PathBuf {
    table
        .find(&key.repo, &key.name)
        .map(|w| w.record.path.clone())
        .unwrap_or_default()
}
