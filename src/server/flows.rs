//! The dashboard's merge and pull-request keys: each runs the same library
//! operation as `grove merge` / `grove pr` as a job, and turns the outcome
//! into a message or a dialog for the client that asked.
//!
//! A merge is two steps: `prefix m` shows the preview (commits, files,
//! predicted conflicts); `y` merges exactly the commit that was previewed.
//! A conflict changes nothing and offers to type the resolution prompt into
//! the agent; a clean merge offers to remove the workspace.

use std::path::Path;
use std::time::Duration;

use tokio::time::Instant;

use super::client::{ClientId, ClientOverlay, RemoveForce};
use super::jobs::{Failed, JobOutcome, context};
use super::session::Session;
use super::workspaces::WorkspaceKey;
use crate::workspace::{
    self, Draft, Gh, MergeOptions, MergeOutcome, PrOutcome, PrState, Strategy, Uncommitted,
    WorkspaceName,
};

/// How often a pull request's state is asked of `gh`: slow, it is a network
/// call and review takes minutes, not seconds.
pub const PR_POLL: Duration = Duration::from_secs(60);

/// A preview, ready to show.
#[derive(Debug)]
pub struct PreviewReady {
    pub text: String,
    pub tip: String,
    pub uncommitted: Uncommitted,
}

impl Session {
    pub(super) fn merge_preview(&mut self, id: ClientId, repo: Option<&Path>, name: &str) {
        let Some(repo) = repo.map(Path::to_owned) else {
            return;
        };
        let paths = self.paths.clone();
        let name = name.to_owned();
        self.spawn_job(move || {
            let result = (|| {
                let ctx = context(&paths, &repo)?;
                let parsed = WorkspaceName::parse(&name)?;
                let preview = workspace::preview(&ctx, &parsed, Strategy::Merge)?;
                let uncommitted = match preview.uncommitted.is_empty() {
                    true => Uncommitted::Refuse,
                    // Shown in the preview; answering y is saying so.
                    false => Uncommitted::Allow,
                };
                Ok(PreviewReady {
                    text: workspace::describe_preview(&preview),
                    tip: preview.branch_tip,
                    uncommitted,
                })
            })();
            JobOutcome::MergePreviewed {
                client: id,
                name,
                result: result.map_err(|e: anyhow::Error| Failed::from(e)),
            }
        });
    }

    pub(super) fn merge_previewed(
        &mut self,
        id: ClientId,
        name: String,
        result: Result<PreviewReady, Failed>,
    ) {
        match result {
            Ok(ready) => {
                if let Some(client) = self.clients.get_mut(&id) {
                    client.message = None;
                    client.overlay = ClientOverlay::MergePreview {
                        name,
                        text: ready.text,
                        tip: ready.tip,
                        uncommitted: ready.uncommitted,
                    };
                }
                self.mark_dirty(|c| c.id == id);
            }
            Err(failed) => self.set_message(id, Some(failed.message)),
        }
    }

    pub(super) fn merge(
        &mut self,
        id: ClientId,
        repo: Option<&Path>,
        name: &str,
        tip: String,
        uncommitted: Uncommitted,
    ) {
        let Some(repo) = repo.map(Path::to_owned) else {
            return;
        };
        let paths = self.paths.clone();
        let name = name.to_owned();
        self.spawn_job(move || {
            let result = (|| {
                let ctx = context(&paths, &repo)?;
                let parsed = WorkspaceName::parse(&name)?;
                let options = MergeOptions {
                    uncommitted,
                    message: None,
                    expected_tip: Some(tip),
                };
                let outcome = workspace::merge(&ctx, &parsed, Strategy::Merge, &options)?;
                if let MergeOutcome::Merged(_) = &outcome {
                    let store =
                        crate::tickets::TicketStore::new(&ctx.repo.root, &ctx.repo.common_dir);
                    if let Err(error) = store.workspace_merged(&name) {
                        tracing::warn!(workspace = name, "cannot mark its ticket done: {error:#}");
                    }
                }
                Ok(outcome)
            })();
            JobOutcome::MergeDone {
                client: id,
                name,
                result: result.map_err(|e: anyhow::Error| Failed::from(e)),
            }
        });
    }

    pub(super) fn merge_done(
        &mut self,
        id: ClientId,
        name: String,
        result: Result<MergeOutcome, Failed>,
    ) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let mut event = None;
        match result {
            Ok(MergeOutcome::Merged(merged)) => {
                event = client.repo.clone().map(|repo| {
                    let kind = crate::protocol::EventKind::Merged {
                        workspace: name.clone(),
                        branch: merged.branch.clone(),
                        base: merged.base.clone(),
                    };
                    (repo, kind)
                });
                client.message = None;
                client.overlay = ClientOverlay::ConfirmRemove {
                    question: format!(
                        "Merged {} commit(s) of {} into {}. Remove the workspace now? \
                         Its files are snapshotted first.",
                        merged.commits, merged.branch, merged.base
                    ),
                    name,
                    force: RemoveForce::Safe,
                };
            }
            Ok(MergeOutcome::UpToDate { branch, base, .. }) => {
                client.message = Some(format!("{base} already has the work of {branch}"));
            }
            Ok(MergeOutcome::Conflict(conflict)) => {
                let paths: Vec<String> = conflict
                    .paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect();
                client.message = None;
                client.overlay = ClientOverlay::MergeConflict {
                    text: format!(
                        "Merging {} into {} conflicts in:\n  {}\n\nNothing was changed.\n\n\
                         The agent can resolve it; this is what would be typed into its pane:\n\n{}",
                        conflict.branch,
                        conflict.base,
                        paths.join("\n  "),
                        conflict.prompt
                    ),
                    prompt: conflict.prompt,
                    name,
                };
            }
            Err(failed) => {
                client.message = None;
                client.overlay = ClientOverlay::MergeRefused {
                    text: failed.message,
                };
            }
        }
        if let Some((repo, kind)) = event {
            self.emit(&repo, kind);
        }
        self.mark_dirty(|c| c.id == id);
    }

    pub(super) fn pull_request(&mut self, id: ClientId, repo: Option<&Path>, name: &str) {
        let Some(repo) = repo.map(Path::to_owned) else {
            return;
        };
        let paths = self.paths.clone();
        let key = WorkspaceKey {
            repo: repo.clone(),
            name: name.to_owned(),
        };
        self.spawn_job(move || {
            let result = (|| {
                let ctx = context(&paths, &repo)?;
                let parsed = WorkspaceName::parse(&key.name)?;
                Ok(workspace::open_pr(
                    &ctx,
                    &parsed,
                    Draft::No,
                    Gh::find().as_ref(),
                )?)
            })();
            JobOutcome::PullRequestDone {
                client: id,
                key,
                result: result.map_err(|e: anyhow::Error| Failed::from(e)),
            }
        });
    }

    pub(super) fn pull_request_done(
        &mut self,
        id: ClientId,
        key: WorkspaceKey,
        result: Result<PrOutcome, Failed>,
    ) {
        let message = match result {
            Ok(PrOutcome::Created { url, .. }) => {
                self.poll_pr_soon(&key);
                format!("opened {url}")
            }
            Ok(PrOutcome::Existing { url, .. }) => {
                self.poll_pr_soon(&key);
                format!("pushed; the pull request is {url}")
            }
            Ok(PrOutcome::Manual {
                reason,
                command,
                compare_url,
                pushed,
            }) => {
                let why = match reason {
                    workspace::ManualReason::NotInstalled => "gh is not installed",
                    workspace::ManualReason::NotSignedIn => "gh is not signed in",
                };
                let how = compare_url.unwrap_or(command);
                format!(
                    "pushed {} to {}; {why}, open it at: {how}",
                    pushed.branch, pushed.remote
                )
            }
            Err(failed) => failed.message,
        };
        self.set_message(
            id,
            Some(message.lines().next().unwrap_or_default().to_owned()),
        );
    }

    /// Asks `gh` for the state of `key`'s pull request now, then every
    /// [`PR_POLL`] while it is open.
    fn poll_pr_soon(&mut self, key: &WorkspaceKey) {
        if let Some(entry) = self.git.entries.get_mut(key) {
            entry.pr_due = Some(Instant::now());
        }
    }

    /// Starts the pull-request polls that are due.
    pub(super) fn poll_prs(&mut self, now: Instant) {
        let due: Vec<WorkspaceKey> = self
            .git
            .entries
            .iter_mut()
            .filter(|(_, e)| e.pr_due.is_some_and(|d| d <= now))
            .map(|(k, e)| {
                e.pr_due = None;
                k.clone()
            })
            .collect();
        for key in due {
            let Some(workspace) = self.table.find(&key.repo, &key.name) else {
                continue;
            };
            let worktree = workspace.record.path.clone();
            let branch = workspace.record.branch.clone();
            self.spawn_job(move || {
                let state = Gh::find()
                    .and_then(|gh| workspace::pr_state(&gh, &worktree, &branch).ok())
                    .flatten();
                JobOutcome::PrPolled { key, state }
            });
        }
    }

    pub(super) fn pr_polled(&mut self, key: WorkspaceKey, state: Option<PrState>) {
        let Some(entry) = self.git.entries.get_mut(&key) else {
            return;
        };
        let open = state.as_ref().is_some_and(|s| match s.state {
            workspace::PrLifecycle::Open | workspace::PrLifecycle::Draft => true,
            workspace::PrLifecycle::Merged | workspace::PrLifecycle::Closed => false,
        });
        if open {
            entry.pr_due = Some(Instant::now() + PR_POLL);
        }
        if entry.pr != state {
            entry.pr = state;
            self.touch_repo(&key.repo.clone());
        }
    }
}
