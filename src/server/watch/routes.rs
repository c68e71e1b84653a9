//! Which workspace a file-system event is about. The watcher only watches a
//! few kinds of directories; this maps an event's path back to what changed:
//! a worktree's files or its git admin files (that workspace only), a branch
//! ref in the shared git directory (the workspace on that branch, or every
//! workspace based on it), or `packed-refs` (every workspace of the repo).
//!
//! Kept pure so the mapping is tested without touching the file system.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::server::workspaces::WorkspaceKey;

/// What an event says changed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Notice {
    /// A file in the workspace's worktree, or its HEAD or index.
    Worktree { key: WorkspaceKey },
    /// `refs/heads/<name>` in a repository's shared git directory.
    Branch { repo: PathBuf, name: String },
    /// The repository's packed refs (after `git gc` or `pack-refs`).
    PackedRefs { repo: PathBuf },
}

/// Watched directories and what they belong to.
#[derive(Debug, Default, Clone)]
pub struct Routes {
    /// Worktree directories (the root and directories with tracked files).
    worktree_dirs: BTreeMap<PathBuf, WorkspaceKey>,
    /// Per-worktree git admin directories (`<common>/worktrees/<id>`).
    admin_dirs: BTreeMap<PathBuf, WorkspaceKey>,
    /// Shared git directories → repository root.
    commons: BTreeMap<PathBuf, PathBuf>,
}

impl Routes {
    pub fn add_worktree_dir(&mut self, dir: PathBuf, key: &WorkspaceKey) {
        self.worktree_dirs.insert(dir, key.clone());
    }

    pub fn add_admin_dir(&mut self, dir: PathBuf, key: &WorkspaceKey) {
        self.admin_dirs.insert(dir, key.clone());
    }

    pub fn add_common(&mut self, common: PathBuf, repo: PathBuf) {
        self.commons.insert(common, repo);
    }

    /// Forgets everything about a workspace; returns the directories that
    /// were watched for it only.
    pub fn remove_workspace(&mut self, key: &WorkspaceKey) -> Vec<PathBuf> {
        let mut gone = Vec::new();
        self.worktree_dirs.retain(|dir, owner| {
            let keep = owner != key;
            if !keep {
                gone.push(dir.clone());
            }
            keep
        });
        self.admin_dirs.retain(|dir, owner| {
            let keep = owner != key;
            if !keep {
                gone.push(dir.clone());
            }
            keep
        });
        gone
    }

    /// Whether `dir` is already watched for a worktree.
    pub fn watches(&self, dir: &Path) -> bool {
        self.worktree_dirs.contains_key(dir)
    }

    /// What an event at `path` is about.
    pub fn route(&self, path: &Path) -> Option<Notice> {
        for (common, repo) in &self.commons {
            if let Ok(rest) = path.strip_prefix(common.join("refs/heads")) {
                let name = rest.to_string_lossy();
                let name = name.strip_suffix(".lock").unwrap_or(&name).to_owned();
                return Some(Notice::Branch {
                    repo: repo.clone(),
                    name,
                });
            }
            if path == common.join("packed-refs") || path == common.join("packed-refs.lock") {
                return Some(Notice::PackedRefs { repo: repo.clone() });
            }
        }
        if let Some(key) = owner(&self.admin_dirs, path) {
            return Some(Notice::Worktree { key: key.clone() });
        }
        // An event names a direct child of a watched directory (or the
        // directory itself); the nearest watched ancestor owns it.
        path.ancestors()
            .find_map(|dir| self.worktree_dirs.get(dir))
            .map(|key| Notice::Worktree { key: key.clone() })
    }
}

fn owner<'a>(dirs: &'a BTreeMap<PathBuf, WorkspaceKey>, path: &Path) -> Option<&'a WorkspaceKey> {
    path.ancestors().find_map(|dir| dirs.get(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> WorkspaceKey {
        WorkspaceKey {
            repo: "/r".into(),
            name: name.into(),
        }
    }

    fn routes() -> Routes {
        let mut routes = Routes::default();
        routes.add_common("/r/.git".into(), "/r".into());
        routes.add_admin_dir("/r/.git/worktrees/a".into(), &key("a"));
        routes.add_worktree_dir("/w/a".into(), &key("a"));
        routes.add_worktree_dir("/w/a/src".into(), &key("a"));
        routes.add_worktree_dir("/w/b".into(), &key("b"));
        routes
    }

    #[test]
    fn events_map_to_the_workspace_or_ref_they_are_about() {
        let r = routes();
        let worktree = |name: &str| Some(Notice::Worktree { key: key(name) });
        assert_eq!(r.route(Path::new("/w/a/src/lib.rs")), worktree("a"));
        assert_eq!(r.route(Path::new("/w/a/new-dir")), worktree("a"));
        assert_eq!(r.route(Path::new("/w/b/x")), worktree("b"));
        assert_eq!(
            r.route(Path::new("/r/.git/worktrees/a/index.lock")),
            worktree("a")
        );
        assert_eq!(
            r.route(Path::new("/r/.git/refs/heads/grove/a.lock")),
            Some(Notice::Branch {
                repo: "/r".into(),
                name: "grove/a".into()
            })
        );
        assert_eq!(
            r.route(Path::new("/r/.git/packed-refs")),
            Some(Notice::PackedRefs { repo: "/r".into() })
        );
        assert_eq!(r.route(Path::new("/elsewhere/file")), None);
        assert_eq!(r.route(Path::new("/r/.git/objects/ab/cdef")), None);
    }

    #[test]
    fn removing_a_workspace_forgets_only_its_directories() {
        let mut r = routes();
        let mut gone = r.remove_workspace(&key("a"));
        gone.sort();
        assert_eq!(
            gone,
            vec![
                PathBuf::from("/r/.git/worktrees/a"),
                PathBuf::from("/w/a"),
                PathBuf::from("/w/a/src")
            ]
        );
        assert_eq!(r.route(Path::new("/w/a/src/lib.rs")), None);
        assert!(r.watches(Path::new("/w/b")));
    }
}
