//! The git watcher's eyes: one notify watcher for the whole server over each
//! workspace's git admin files, the repositories' branch refs, and the
//! worktree directories that hold tracked files (non-recursively, so
//! `node_modules` and `target` cost no inotify watches). Each event becomes a
//! [`routes::Notice`] for the session, which decides what to refresh.
//!
//! When the per-user inotify budget runs out (or inotify is unavailable), a
//! workspace falls back to notify's polling watcher: slower to notice, but it
//! never stops noticing.

pub mod plan;
pub mod routes;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::sync::mpsc;

pub use plan::WatchPlan;
use routes::{Route, Routes};

use super::session::Event;
use super::workspaces::WorkspaceKey;

/// How often a polled workspace is scanned. Slower than inotify by design:
/// polling is the fallback, and every scan stats every file.
const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// How a workspace is being watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchMode {
    Inotify,
    Polling,
    /// Neither could be set up; changes are seen only when something else
    /// triggers a refresh.
    Blind,
}

/// The server's file watching.
pub struct GitWatcher {
    inotify: Option<RecommendedWatcher>,
    poll: Option<PollWatcher>,
    routes: Arc<Mutex<Routes>>,
    events: mpsc::Sender<Event>,
    modes: BTreeMap<WorkspaceKey, WatchMode>,
    commons: Vec<PathBuf>,
    poll_interval: Duration,
}

impl GitWatcher {
    pub fn new(events: mpsc::Sender<Event>) -> GitWatcher {
        let routes = Arc::new(Mutex::new(Routes::default()));
        let inotify =
            match notify::recommended_watcher(handler(Arc::clone(&routes), events.clone())) {
                Ok(watcher) => Some(watcher),
                Err(error) => {
                    tracing::warn!(%error, "no file watcher; workspaces will be polled");
                    None
                }
            };
        GitWatcher {
            inotify,
            poll: None,
            routes,
            events,
            modes: BTreeMap::new(),
            commons: Vec::new(),
            poll_interval: POLL_INTERVAL,
        }
    }

    fn routes(&self) -> std::sync::MutexGuard<'_, Routes> {
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn mode(&self, key: &WorkspaceKey) -> Option<WatchMode> {
        self.modes.get(key).copied()
    }

    /// Starts watching a workspace as `plan` says.
    pub fn add(&mut self, key: &WorkspaceKey, plan: &WatchPlan) -> WatchMode {
        self.watch_common(&plan.common, &key.repo);
        {
            let mut routes = self.routes();
            routes.add_admin_dir(plan.admin.clone(), key);
            for dir in &plan.dirs {
                routes.add_worktree_dir(dir.clone(), key);
            }
        }
        let mode = match self.watch_inotify(plan) {
            Ok(()) => WatchMode::Inotify,
            Err(error) => {
                tracing::warn!(workspace = key.name, %error, "inotify failed; polling instead");
                self.unwatch_inotify(plan.dirs.iter().chain([&plan.admin]));
                self.watch_polling(plan)
            }
        };
        self.modes.insert(key.clone(), mode);
        mode
    }

    /// Adds directories that gained tracked files since the plan was made.
    pub fn add_dirs(&mut self, key: &WorkspaceKey, dirs: &[PathBuf]) {
        if self.mode(key) != Some(WatchMode::Inotify) {
            return;
        }
        let new: Vec<PathBuf> = {
            let routes = self.routes();
            dirs.iter()
                .filter(|d| !routes.watches(d))
                .cloned()
                .collect()
        };
        for dir in new {
            if let Some(watcher) = self.inotify.as_mut()
                && watcher.watch(&dir, RecursiveMode::NonRecursive).is_ok()
            {
                self.routes().add_worktree_dir(dir, key);
            }
        }
    }

    /// Stops watching a workspace.
    pub fn remove(&mut self, key: &WorkspaceKey) {
        let dirs = self.routes().remove_workspace(key);
        match self.modes.remove(key) {
            Some(WatchMode::Inotify) => self.unwatch_inotify(dirs.iter()),
            Some(WatchMode::Polling) => {
                if let Some(poll) = self.poll.as_mut() {
                    for dir in &dirs {
                        let _ = poll.unwatch(dir);
                    }
                }
            }
            Some(WatchMode::Blind) | None => {}
        }
    }

    fn watch_common(&mut self, common: &Path, repo: &Path) {
        if self.commons.iter().any(|c| c == common) {
            return;
        }
        self.commons.push(common.to_owned());
        let packed = read_packed_heads(common);
        self.routes()
            .add_common(common.to_owned(), repo.to_owned(), packed);
        let heads = common.join("refs/heads");
        let watched = self.inotify.as_mut().map(|watcher| {
            watcher
                .watch(&heads, RecursiveMode::Recursive)
                .and_then(|()| watcher.watch(common, RecursiveMode::NonRecursive))
        });
        if !matches!(watched, Some(Ok(())))
            && let Some(poll) = self.polling()
        {
            let _ = poll.watch(&heads, RecursiveMode::Recursive);
            let _ = poll.watch(&common.join("packed-refs"), RecursiveMode::NonRecursive);
        }
    }

    fn watch_inotify(&mut self, plan: &WatchPlan) -> notify::Result<()> {
        let Some(watcher) = self.inotify.as_mut() else {
            return Err(notify::Error::generic("inotify is unavailable"));
        };
        watcher.watch(&plan.admin, RecursiveMode::NonRecursive)?;
        for dir in &plan.dirs {
            watcher.watch(dir, RecursiveMode::NonRecursive)?;
        }
        Ok(())
    }

    fn unwatch_inotify<'a>(&mut self, dirs: impl Iterator<Item = &'a PathBuf>) {
        if let Some(watcher) = self.inotify.as_mut() {
            for dir in dirs {
                let _ = watcher.unwatch(dir);
            }
        }
    }

    fn watch_polling(&mut self, plan: &WatchPlan) -> WatchMode {
        let Some(poll) = self.polling() else {
            return WatchMode::Blind;
        };
        let root = poll.watch(&plan.root, RecursiveMode::Recursive);
        let admin = poll.watch(&plan.admin, RecursiveMode::NonRecursive);
        match (root, admin) {
            (Ok(()), Ok(())) => WatchMode::Polling,
            (Err(error), _) | (_, Err(error)) => {
                tracing::warn!(%error, root = %plan.root.display(), "cannot poll a worktree");
                WatchMode::Blind
            }
        }
    }

    fn polling(&mut self) -> Option<&mut PollWatcher> {
        if self.poll.is_none() {
            let config = notify::Config::default().with_poll_interval(self.poll_interval);
            match PollWatcher::new(
                handler(Arc::clone(&self.routes), self.events.clone()),
                config,
            ) {
                Ok(poll) => self.poll = Some(poll),
                Err(error) => tracing::warn!(%error, "cannot start the polling watcher"),
            }
        }
        self.poll.as_mut()
    }
}

/// Turns notify's events into notices for the session. Runs on notify's own
/// thread, so it may block on the bounded channel (backpressure) but never on
/// anything else.
fn handler(
    routes: Arc<Mutex<Routes>>,
    events: mpsc::Sender<Event>,
) -> impl FnMut(notify::Result<notify::Event>) + Send + 'static {
    move |event| {
        let event = match event {
            Ok(event) => event,
            Err(error) => {
                tracing::debug!(%error, "watcher error");
                return;
            }
        };
        match event.kind {
            EventKind::Access(_) => return,
            EventKind::Any
            | EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Remove(_)
            | EventKind::Other => {}
        }
        let routed: std::collections::BTreeSet<Route> = {
            let routes = routes.lock().unwrap_or_else(PoisonError::into_inner);
            event.paths.iter().filter_map(|p| routes.route(p)).collect()
        };
        let mut notices = std::collections::BTreeSet::new();
        for route in routed {
            match route {
                Route::Notice(notice) => {
                    notices.insert(notice);
                }
                Route::PackedRefs { common } => {
                    // Read outside the lock: the file can be large.
                    let now = read_packed_heads(&common);
                    let moved = routes
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .packed_refs_changed(&common, now);
                    notices.extend(moved);
                }
            }
        }
        for notice in notices {
            if events.blocking_send(Event::Git { notice }).is_err() {
                return;
            }
        }
    }
}

/// The branch tips in `common/packed-refs`; none when there is no such file
/// (or it cannot be read, which a later event will retry).
fn read_packed_heads(common: &Path) -> routes::PackedHeads {
    std::fs::read(common.join("packed-refs"))
        .map(|bytes| routes::packed_heads(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::routes::Notice;
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_inotify_a_workspace_is_polled_and_changes_still_arrive() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("wt");
        let admin = dir.path().join("repo/.git/worktrees/wt");
        let common = dir.path().join("repo/.git");
        for d in [&root, &admin, &common.join("refs/heads")] {
            std::fs::create_dir_all(d).unwrap();
        }
        let (events, mut queue) = mpsc::channel(64);
        let mut watcher = GitWatcher::new(events);
        // As when the inotify budget is exhausted: no inotify at all.
        watcher.inotify = None;
        watcher.poll_interval = Duration::from_millis(50);
        let key = WorkspaceKey {
            repo: dir.path().join("repo"),
            name: "wt".into(),
        };
        let plan = WatchPlan {
            root: root.clone(),
            admin,
            common,
            dirs: vec![root.clone()],
        };
        assert_eq!(watcher.add(&key, &plan), WatchMode::Polling);
        std::fs::write(root.join("edited.txt"), "new").unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let event = tokio::time::timeout_at(deadline, queue.recv())
                .await
                .expect("no change noticed by polling")
                .unwrap();
            if let Event::Git {
                notice: Notice::Worktree { key: seen },
            } = event
            {
                assert_eq!(seen, key);
                break;
            }
        }
    }
}
