//! Which workspace a file-system event is about. The watcher only watches a
//! few kinds of directories; this maps an event's path back to what changed:
//! a worktree's files or its git admin files (that workspace only), a branch
//! ref in the shared git directory (the workspace on that branch, or every
//! workspace based on it), or `packed-refs`. Git locks `packed-refs` whenever
//! it deletes a ref, and `git commit` deletes a few (`CHERRY_PICK_HEAD`…) on
//! every commit, so an event there says little: the routes keep the branch
//! tips the file held and report only the branches whose tip changed, lest
//! one agent's commit refresh every workspace of the repository.
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
}

/// Where an event's path leads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Route {
    Notice(Notice),
    /// The repository's `packed-refs` (or its lock): read the file and ask
    /// [`Routes::packed_refs_changed`] what moved.
    PackedRefs {
        common: PathBuf,
    },
}

/// Branch name (without `refs/heads/`) → object id, as `packed-refs` lists them.
pub type PackedHeads = BTreeMap<String, String>;

/// The branch tips in a `packed-refs` file's text.
pub fn packed_heads(text: &str) -> PackedHeads {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with('^'))
        .filter_map(|line| line.split_once(' '))
        .filter_map(|(oid, name)| {
            Some((name.strip_prefix("refs/heads/")?.to_owned(), oid.to_owned()))
        })
        .collect()
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
    /// Shared git directories → the branch tips their `packed-refs` held.
    packed: BTreeMap<PathBuf, PackedHeads>,
}

impl Routes {
    pub fn add_worktree_dir(&mut self, dir: PathBuf, key: &WorkspaceKey) {
        self.worktree_dirs.insert(dir, key.clone());
    }

    pub fn add_admin_dir(&mut self, dir: PathBuf, key: &WorkspaceKey) {
        self.admin_dirs.insert(dir, key.clone());
    }

    /// A repository's shared git directory, with what its `packed-refs`
    /// holds now.
    pub fn add_common(&mut self, common: PathBuf, repo: PathBuf, packed: PackedHeads) {
        self.packed.insert(common.clone(), packed);
        self.commons.insert(common, repo);
    }

    /// `packed-refs` of `common` now holds `now`: a notice for each branch
    /// whose tip changed (added, moved or removed), and `now` is remembered.
    pub fn packed_refs_changed(&mut self, common: &Path, now: PackedHeads) -> Vec<Notice> {
        let Some(repo) = self.commons.get(common) else {
            return Vec::new();
        };
        let before = self.packed.get(common).cloned().unwrap_or_default();
        let mut names: Vec<&String> = before.keys().chain(now.keys()).collect();
        names.sort();
        names.dedup();
        let notices = names
            .into_iter()
            .filter(|name| before.get(*name) != now.get(*name))
            .map(|name| Notice::Branch {
                repo: repo.clone(),
                name: name.clone(),
            })
            .collect();
        self.packed.insert(common.to_owned(), now);
        notices
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
    pub fn route(&self, path: &Path) -> Option<Route> {
        for (common, repo) in &self.commons {
            if let Ok(rest) = path.strip_prefix(common.join("refs/heads")) {
                let name = rest.to_string_lossy();
                let name = name.strip_suffix(".lock").unwrap_or(&name).to_owned();
                return Some(Route::Notice(Notice::Branch {
                    repo: repo.clone(),
                    name,
                }));
            }
            if path == common.join("packed-refs") || path == common.join("packed-refs.lock") {
                return Some(Route::PackedRefs {
                    common: common.clone(),
                });
            }
        }
        let worktree = |key: &WorkspaceKey| Route::Notice(Notice::Worktree { key: key.clone() });
        if let Some(key) = owner(&self.admin_dirs, path) {
            return Some(worktree(key));
        }
        // An event names a direct child of a watched directory (or the
        // directory itself); the nearest watched ancestor owns it.
        path.ancestors()
            .find_map(|dir| self.worktree_dirs.get(dir))
            .map(worktree)
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
        routes.add_common("/r/.git".into(), "/r".into(), PackedHeads::new());
        routes.add_admin_dir("/r/.git/worktrees/a".into(), &key("a"));
        routes.add_worktree_dir("/w/a".into(), &key("a"));
        routes.add_worktree_dir("/w/a/src".into(), &key("a"));
        routes.add_worktree_dir("/w/b".into(), &key("b"));
        routes
    }

    #[test]
    fn events_map_to_the_workspace_or_ref_they_are_about() {
        let r = routes();
        let worktree = |name: &str| Some(Route::Notice(Notice::Worktree { key: key(name) }));
        assert_eq!(r.route(Path::new("/w/a/src/lib.rs")), worktree("a"));
        assert_eq!(r.route(Path::new("/w/a/new-dir")), worktree("a"));
        assert_eq!(r.route(Path::new("/w/b/x")), worktree("b"));
        assert_eq!(
            r.route(Path::new("/r/.git/worktrees/a/index.lock")),
            worktree("a")
        );
        assert_eq!(
            r.route(Path::new("/r/.git/refs/heads/grove/a.lock")),
            Some(Route::Notice(Notice::Branch {
                repo: "/r".into(),
                name: "grove/a".into()
            }))
        );
        assert_eq!(
            r.route(Path::new("/r/.git/packed-refs.lock")),
            Some(Route::PackedRefs {
                common: "/r/.git".into()
            })
        );
        assert_eq!(r.route(Path::new("/elsewhere/file")), None);
        assert_eq!(r.route(Path::new("/r/.git/objects/ab/cdef")), None);
    }

    #[test]
    fn packed_refs_report_only_the_branches_that_moved() {
        let mut r = routes();
        let text = "# pack-refs with: peeled fully-peeled sorted\n\
                    1111 refs/heads/main\n\
                    2222 refs/heads/grove/a\n\
                    3333 refs/tags/v1\n\
                    ^4444\n";
        let heads = packed_heads(text);
        assert_eq!(heads.len(), 2);
        assert_eq!(heads.get("grove/a").map(String::as_str), Some("2222"));
        let branch = |name: &str| Notice::Branch {
            repo: "/r".into(),
            name: name.into(),
        };
        // First seen after start-up with nothing packed: both are new.
        let common = Path::new("/r/.git");
        assert_eq!(
            r.packed_refs_changed(common, heads.clone()),
            [branch("grove/a"), branch("main")]
        );
        // Locked and unlocked without a change (a commit deleting a
        // pseudo-ref): nothing to refresh.
        assert_eq!(r.packed_refs_changed(common, heads.clone()), []);
        // `main` moved and `grove/a` was deleted from the file.
        let now = packed_heads("5555 refs/heads/main\n");
        assert_eq!(
            r.packed_refs_changed(common, now),
            [branch("grove/a"), branch("main")]
        );
        assert_eq!(r.packed_refs_changed(Path::new("/other/.git"), heads), []);
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
