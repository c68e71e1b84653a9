//! What to watch for one workspace, worked out with git in a blocking job:
//! its admin directory, its repository's shared git directory, and every
//! directory of the worktree that holds tracked files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::git::{Git, GitError};

/// The directories to watch for one workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchPlan {
    pub root: PathBuf,
    /// `<common>/worktrees/<id>`: HEAD, index, logs.
    pub admin: PathBuf,
    /// The repository's shared git directory (branch refs, packed refs).
    pub common: PathBuf,
    /// The worktree root and every directory holding tracked files.
    pub dirs: Vec<PathBuf>,
}

impl WatchPlan {
    /// Reads where things are from the worktree's own files and its index
    /// (libgit2), so a new workspace costs no git process; asks git when a
    /// file looks unusual or the index is one libgit2 cannot read (a split
    /// or sparse index). `ls-files` reads the index without locking it.
    pub fn for_worktree(git: &Git, root: &Path) -> Result<WatchPlan, GitError> {
        let (admin, common) = match git_dirs(root) {
            Some(dirs) => dirs,
            None => {
                let dirs = git.run(
                    root,
                    [
                        "rev-parse",
                        "--path-format=absolute",
                        "--git-dir",
                        "--git-common-dir",
                    ],
                )?;
                let mut lines = dirs.lines();
                (
                    PathBuf::from(lines.next().unwrap_or_default()),
                    PathBuf::from(lines.next().unwrap_or_default()),
                )
            }
        };
        let dirs = match tracked_files(root) {
            Some(files) => directories(root, files.iter().map(String::as_str)),
            None => {
                let files = git.run(root, ["--no-optional-locks", "ls-files", "-z"])?;
                directories(root, files.split('\0').filter(|f| !f.is_empty()))
            }
        };
        Ok(WatchPlan {
            root: root.to_owned(),
            admin,
            common,
            dirs,
        })
    }
}

/// A linked worktree's admin directory (`.git` says `gitdir: …`) and its
/// repository's shared git directory (the admin directory's `commondir`);
/// for a main worktree, `.git` itself is both.
fn git_dirs(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let dot_git = root.join(".git");
    if dot_git.is_dir() {
        let dir = dot_git.canonicalize().ok()?;
        return Some((dir.clone(), dir));
    }
    let admin = crate::git::worktree::admin_dir(root)?;
    let common = std::fs::read_to_string(admin.join("commondir")).ok()?;
    let common = admin.join(common.trim_end()).canonicalize().ok()?;
    Some((admin, common))
}

/// The paths in the worktree's index, read in process.
fn tracked_files(root: &Path) -> Option<Vec<String>> {
    let repo = git2::Repository::open(root).ok()?;
    let index = repo.index().ok()?;
    index
        .iter()
        .map(|entry| String::from_utf8(entry.path).ok())
        .collect()
}

/// The root and every directory containing one of `files` (relative paths),
/// with their ancestors.
pub fn directories<'a>(root: &Path, files: impl Iterator<Item = &'a str>) -> Vec<PathBuf> {
    let mut dirs = BTreeSet::new();
    dirs.insert(root.to_owned());
    for file in files {
        let mut dir = Path::new(file).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if !dirs.insert(root.join(d)) {
                break;
            }
            dir = d.parent();
        }
    }
    dirs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git::git;

    #[test]
    fn the_plan_from_files_is_the_plan_git_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join("src/deep/er")).unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        for file in ["README.md", "src/deep/er/a.rs", "docs/ä b.md"] {
            std::fs::write(root.join(file), "x\n").unwrap();
        }
        git(&root, &["init", "-q", "-b", "main"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-qm", "one"]);
        let linked = dir.path().join("linked wt");
        git(
            &root,
            &["worktree", "add", "-q", "-b", "w", linked.to_str().unwrap()],
        );
        std::fs::write(linked.join("untracked.txt"), "u\n").unwrap();

        for tree in [&root, &linked] {
            let from_files = WatchPlan::for_worktree(&Git::shared().unwrap(), tree).unwrap();
            let answer = git(
                tree,
                &[
                    "rev-parse",
                    "--path-format=absolute",
                    "--git-dir",
                    "--git-common-dir",
                ],
            );
            let mut lines = answer
                .lines()
                .map(|l| PathBuf::from(l).canonicalize().unwrap());
            assert_eq!(Some(from_files.admin.clone()), lines.next());
            assert_eq!(Some(from_files.common.clone()), lines.next());
            let listed = git(tree, &["ls-files", "-z"]);
            let expected = directories(tree, listed.split('\0').filter(|f| !f.is_empty()));
            assert_eq!(from_files.dirs, expected);
            assert!(from_files.dirs.contains(&tree.join("src/deep/er")));
        }
        // A split index is git's to read.
        git(&linked, &["update-index", "--split-index"]);
        assert!(tracked_files(&linked).is_none());
        let plan = WatchPlan::for_worktree(&Git::shared().unwrap(), &linked).unwrap();
        assert!(plan.dirs.contains(&linked.join("src/deep/er")));
    }

    #[test]
    fn every_directory_with_tracked_files_and_its_ancestors() {
        let dirs = directories(
            Path::new("/w"),
            ["README.md", "src/a/b.rs", "src/a/c.rs", "docs/x.md"].into_iter(),
        );
        let dirs: Vec<&str> = dirs.iter().map(|d| d.to_str().unwrap()).collect();
        assert_eq!(dirs, ["/w", "/w/docs", "/w/src", "/w/src/a"]);
    }
}
