//! What a job item's branch changed since its workspace was made: the paths
//! the boundary check judges and the diffstat the report shows.
//!
//! Read in process from the two commits' trees (libgit2), because this runs
//! for every item of a batch and two `git diff` processes were a tenth of an
//! item's git work. It is also the commit that gets merged, the branch's tip,
//! that is judged, not whatever the worktree has checked out. No rename
//! detection: a contract file moved into a path the item owns is reported as
//! the contract file deleted and the new path added, so moving a file cannot
//! hide that the contract file changed.

use std::collections::BTreeSet;

use anyhow::Context as _;
use git2::{Oid, Repository};

/// The paths an item changed and its diffstat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Every path on either side of an added, deleted or modified file,
    /// sorted.
    pub paths: Vec<String>,
    /// git's `--shortstat` line (`3 files changed, 10 insertions(+)`);
    /// `None` when nothing changed.
    pub diffstat: Option<String>,
}

/// What `tip` changed since `start` (both commits of `repo`).
pub fn between(repo: &Repository, start: Oid, tip: Oid) -> anyhow::Result<Changes> {
    let tree_of = |oid: Oid| {
        repo.find_commit(oid)
            .and_then(|commit| commit.tree())
            .with_context(|| format!("cannot read the tree of commit {oid}"))
    };
    let (old, new) = (tree_of(start)?, tree_of(tip)?);
    let diff = repo
        .diff_tree_to_tree(Some(&old), Some(&new), None)
        .with_context(|| format!("cannot compare {start} with {tip}"))?;
    let mut paths = BTreeSet::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(path) = file.path() {
                paths.insert(path.to_string_lossy().into_owned());
            }
        }
    }
    let stats = diff
        .stats()
        .with_context(|| format!("cannot count the changes from {start} to {tip}"))?;
    Ok(Changes {
        paths: paths.into_iter().collect(),
        diffstat: shortstat(stats.files_changed(), stats.insertions(), stats.deletions()),
    })
}

/// The line `git diff --shortstat` prints, without its leading space.
fn shortstat(files: usize, insertions: usize, deletions: usize) -> Option<String> {
    if files == 0 {
        return None;
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut line = format!("{files} file{} changed", plural(files));
    // git leaves out a zero count unless both are zero.
    if insertions > 0 || deletions == 0 {
        line.push_str(&format!(
            ", {insertions} insertion{}(+)",
            plural(insertions)
        ));
    }
    if deletions > 0 || insertions == 0 {
        line.push_str(&format!(", {deletions} deletion{}(-)", plural(deletions)));
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::git::test_git::git;

    fn write(dir: &Path, path: &str, text: &[u8]) {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_changes_are_git_s_own_and_a_rename_shows_both_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        write(root, "src/api.rs", b"pub fn api() {}\npub fn more() {}\n");
        write(root, "src/a.rs", b"one\ntwo\nthree\n");
        write(root, "gone.txt", b"bye\n");
        write(root, "logo.bin", b"\x00\x01\x02");
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "start"]);
        let start = git(root, &["rev-parse", "HEAD"]);
        write(root, "src/a.rs", b"one\n2\nthree\nfour\n");
        write(root, "new dir/ä b.txt", b"x\n");
        write(root, "logo.bin", b"\x00\x09");
        std::fs::remove_file(root.join("gone.txt")).unwrap();
        git(root, &["mv", "src/api.rs", "src/mine.rs"]);
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "work"]);
        let tip = git(root, &["rev-parse", "HEAD"]);

        let repo = Repository::open(root).unwrap();
        let oid = |s: &str| Oid::from_str(s.trim()).unwrap();
        let changes = between(&repo, oid(&start), oid(&tip)).unwrap();
        // Without renames, git lists the same paths.
        let listed = git(
            root,
            &[
                "-c",
                "core.quotePath=false",
                "diff",
                "--no-renames",
                "--name-only",
                start.trim(),
                tip.trim(),
            ],
        );
        let mut expected: Vec<&str> = listed.lines().collect();
        expected.sort_unstable();
        assert_eq!(changes.paths, expected);
        assert!(changes.paths.contains(&"src/api.rs".to_owned()));
        let stat = git(
            root,
            &[
                "diff",
                "--no-renames",
                "--shortstat",
                start.trim(),
                tip.trim(),
            ],
        );
        assert_eq!(changes.diffstat.as_deref(), Some(stat.trim()));

        let same = between(&repo, oid(&tip), oid(&tip)).unwrap();
        assert_eq!(same.paths, Vec::<String>::new());
        assert_eq!(same.diffstat, None);
    }

    #[test]
    fn the_diffstat_reads_as_git_s() {
        assert_eq!(shortstat(0, 0, 0), None);
        assert_eq!(
            shortstat(1, 0, 0).as_deref(),
            Some("1 file changed, 0 insertions(+), 0 deletions(-)")
        );
        assert_eq!(
            shortstat(1, 1, 0).as_deref(),
            Some("1 file changed, 1 insertion(+)")
        );
        assert_eq!(
            shortstat(2, 0, 3).as_deref(),
            Some("2 files changed, 3 deletions(-)")
        );
        assert_eq!(
            shortstat(3, 2, 1).as_deref(),
            Some("3 files changed, 2 insertions(+), 1 deletion(-)")
        );
    }
}
