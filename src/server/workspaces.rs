//! The server's table of workspaces: each record from the state file, plus the
//! agent's pane when one runs. Records come from `state::Store`, which the
//! command line may also change; the table is reloaded from it whenever the
//! session needs the current list, and live panes are kept across reloads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::pane::{Pane, PaneSize};
use crate::protocol::{AgentStatus, WorkspaceInfo};
use crate::state::{Phase, State, WorkspaceRecord};

/// Identifies a workspace: its repository and its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkspaceKey {
    pub repo: std::path::PathBuf,
    pub name: String,
}

/// Identifies a pane for the lifetime of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PaneId(pub u64);

/// An agent process the server is running (or ran) for a workspace.
#[derive(Debug)]
pub struct Live {
    pub id: PaneId,
    pub pane: Arc<Pane>,
    /// `Running` or `Exited`; a pane that is gone is no `Live` at all.
    pub status: AgentStatus,
    /// The size last given to the PTY.
    pub size: PaneSize,
    /// When the PTY was last resized, and the size it gets next once
    /// [`RESIZE_SPACING`](super::panes::RESIZE_SPACING) has passed since.
    pub resized: Option<tokio::time::Instant>,
    pub resize_to: Option<PaneSize>,
    /// Prompts to type, one at a time, once the agent is ready for each.
    pub prompts: super::pending::PromptQueue,
    /// What the agent is doing, and why.
    pub tracker: crate::agent::Tracker,
    /// The screen's rows as the tracker last read them.
    pub tail: crate::agent::TailCache,
    pub rules: crate::agent::StatusRules,
    /// The bell and hook settings the agent was started with.
    pub attention: crate::config::AttentionConfig,
    /// How its output reaches the session.
    pub output: super::output::Throttle,
}

/// One workspace as the server knows it.
#[derive(Debug)]
pub struct Workspace {
    pub record: WorkspaceRecord,
    pub live: Option<Live>,
}

impl Workspace {
    pub fn key(&self) -> WorkspaceKey {
        WorkspaceKey {
            repo: self.record.repo.clone(),
            name: self.record.name.clone(),
        }
    }

    pub fn status(&self) -> AgentStatus {
        match &self.live {
            Some(live) => live.status.clone(),
            None => AgentStatus::Stopped,
        }
    }

    /// What the agent is doing, or that it exited (and whether that was
    /// seen), while this server runs it; [`Workspace::agent_state`] without
    /// copying the reason, for the paths every key and frame take.
    pub fn agent_activity(&self) -> Option<crate::agent::State> {
        self.tracked().map(|status| status.state)
    }

    /// Why the agent is in [`Self::agent_activity`]'s state.
    pub fn agent_reason(&self) -> Option<&str> {
        self.tracked().map(|status| status.reason.as_str())
    }

    /// The tracker's status of an agent that runs or ran on its own until
    /// it exited; none once it was stopped.
    fn tracked(&self) -> Option<&crate::agent::Status> {
        let live = self.live.as_ref()?;
        match live.status {
            AgentStatus::Running | AgentStatus::Exited { .. } => Some(live.tracker.status()),
            AgentStatus::Stopped => None,
        }
    }

    pub fn agent_state(&self) -> Option<crate::agent::Status> {
        self.tracked().cloned()
    }

    pub fn info(&self, git: Option<crate::protocol::GitSummary>) -> WorkspaceInfo {
        let r = &self.record;
        WorkspaceInfo {
            name: r.name.clone(),
            repo: r.repo.clone(),
            path: r.path.clone(),
            branch: r.branch.clone(),
            base: r.base.clone(),
            agent: r.agent.clone(),
            status: self.status(),
            state: self.agent_state(),
            port: r.port,
            created: r.created,
            git,
        }
    }

    /// Whether the workspace is ready to be shown (not halfway through `new`).
    pub fn ready(&self) -> bool {
        match self.record.phase {
            Phase::Ready => true,
            Phase::Creating => false,
        }
    }
}

/// Every workspace of every repository.
#[derive(Debug, Default)]
pub struct Table {
    workspaces: Vec<Workspace>,
}

impl Table {
    /// Replaces the records with `state`'s, keeping the panes of workspaces
    /// that still exist. Panes of workspaces that vanished are returned so the
    /// caller can stop them.
    pub fn reload(&mut self, state: State) -> Vec<Live> {
        let mut old = std::mem::take(&mut self.workspaces);
        for record in state.workspaces {
            let live = old
                .iter_mut()
                .find(|w| w.record.repo == record.repo && w.record.name == record.name)
                .and_then(|w| w.live.take());
            self.workspaces.push(Workspace { record, live });
        }
        old.into_iter().filter_map(|w| w.live).collect()
    }

    /// Which workspaces exist and whether each is ready, to tell whether a
    /// reload changed anything.
    pub fn keys(&self) -> Vec<(std::path::PathBuf, String, bool)> {
        self.workspaces
            .iter()
            .map(|w| (w.record.repo.clone(), w.record.name.clone(), w.ready()))
            .collect()
    }

    pub fn all(&self) -> impl Iterator<Item = &Workspace> {
        self.workspaces.iter().filter(|w| w.ready())
    }

    /// The ready workspaces of one repository, in creation order: the order
    /// panes are numbered on screen.
    pub fn of_repo<'a>(&'a self, repo: &'a Path) -> impl Iterator<Item = &'a Workspace> + 'a {
        self.all().filter(move |w| w.record.repo == repo)
    }

    pub fn all_mut(&mut self) -> impl Iterator<Item = &mut Workspace> {
        self.workspaces.iter_mut().filter(|w| w.ready())
    }

    /// The workspaces a dashboard for `repo` shows, in pane order; every
    /// repository's when `repo` is `None`.
    pub fn shown<'a>(
        &'a self,
        repo: Option<&'a Path>,
    ) -> Box<dyn Iterator<Item = &'a Workspace> + 'a> {
        match repo {
            Some(repo) => Box::new(self.of_repo(repo)),
            None => Box::new(self.all()),
        }
    }

    pub fn find(&self, repo: &Path, name: &str) -> Option<&Workspace> {
        self.workspaces
            .iter()
            .find(|w| w.record.repo == repo && w.record.name == name)
    }

    pub fn find_mut(&mut self, repo: &Path, name: &str) -> Option<&mut Workspace> {
        self.workspaces
            .iter_mut()
            .find(|w| w.record.repo == repo && w.record.name == name)
    }

    pub fn by_pane_mut(&mut self, id: PaneId) -> Option<&mut Workspace> {
        self.workspaces
            .iter_mut()
            .find(|w| w.live.as_ref().is_some_and(|l| l.id == id))
    }

    /// Takes every live pane out (for shutdown).
    pub fn take_all_live(&mut self) -> Vec<Live> {
        self.workspaces
            .iter_mut()
            .filter_map(|w| w.live.take())
            .collect()
    }
}

/// What the dashboard calls each repository: its directory name, with as
/// many parent directories in front as it takes to tell it from another
/// repository of the same name (`work/app` and `clones/app`). Two
/// repositories under one label would share a sidebar group, and a click
/// on one's `claude-1` would focus the other's.
pub fn repo_labels<'a>(repos: impl IntoIterator<Item = &'a Path>) -> HashMap<PathBuf, String> {
    let mut depths: HashMap<&Path, usize> = repos.into_iter().map(|r| (r, 1)).collect();
    loop {
        let labels: HashMap<&Path, String> = depths
            .iter()
            .map(|(repo, depth)| (*repo, label(repo, *depth)))
            .collect();
        let mut grown = false;
        for (repo, depth) in &mut depths {
            let mine = labels.get(repo);
            let shared = labels.values().filter(|l| Some(*l) == mine).count() > 1;
            if shared && *depth < repo.components().count() {
                *depth += 1;
                grown = true;
            }
        }
        if !grown {
            return labels
                .into_iter()
                .map(|(repo, label)| (repo.to_path_buf(), label))
                .collect();
        }
    }
}

/// The last `depth` components of `repo`, joined with `/`; all of them,
/// root and all, once `depth` reaches them.
fn label(repo: &Path, depth: usize) -> String {
    let count = repo.components().count();
    if depth >= count {
        return repo.display().to_string();
    }
    let names: Vec<_> = repo
        .components()
        .skip(count - depth)
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    names.join("/")
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn repositories_of_one_name_get_the_parent_directories_that_tell_them_apart() {
        let repos = [
            Path::new("/tmp/h5/repo"),
            Path::new("/tmp/hand/repo"),
            Path::new("/src/a/x/app"),
            Path::new("/src/b/x/app"),
            Path::new("/home/me/grove"),
        ];
        let labels = repo_labels(repos);
        let of = |r: &str| labels.get(Path::new(r)).map(String::as_str);
        assert_eq!(of("/tmp/h5/repo"), Some("h5/repo"));
        assert_eq!(of("/tmp/hand/repo"), Some("hand/repo"));
        assert_eq!(of("/src/a/x/app"), Some("a/x/app"));
        assert_eq!(of("/src/b/x/app"), Some("b/x/app"));
        assert_eq!(of("/home/me/grove"), Some("grove"));
        // The root itself, and a repository inside another's name.
        let labels = repo_labels([Path::new("/"), Path::new("/work/repo"), Path::new("/repo")]);
        assert_eq!(labels.get(Path::new("/")).map(String::as_str), Some("/"));
        assert_eq!(
            labels.get(Path::new("/repo")).map(String::as_str),
            Some("/repo")
        );
        assert_eq!(
            labels.get(Path::new("/work/repo")).map(String::as_str),
            Some("work/repo")
        );
    }
}
