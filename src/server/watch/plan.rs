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
    /// Asks git where things are. `ls-files` reads the index without
    /// locking it.
    pub fn for_worktree(git: &Git, root: &Path) -> Result<WatchPlan, GitError> {
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
        let admin = PathBuf::from(lines.next().unwrap_or_default());
        let common = PathBuf::from(lines.next().unwrap_or_default());
        let files = git.run(root, ["--no-optional-locks", "ls-files", "-z"])?;
        Ok(WatchPlan {
            root: root.to_owned(),
            admin,
            common,
            dirs: directories(root, files.split('\0').filter(|f| !f.is_empty())),
        })
    }
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
