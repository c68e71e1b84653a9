//! The uncommitted side of a workspace, read through the git CLI: git's own
//! status is much faster than libgit2's on big trees (untracked cache,
//! fsmonitor, parallel lstat), and it is what the agent itself runs.
//!
//! None of it may take `index.lock`, or the agent's own `git add` / `git
//! commit` fails while the dashboard looks. `git status` runs with
//! `--no-optional-locks`; line counts come from the plumbing `git diff-index`,
//! which never writes the index. (Porcelain `git diff` is not safe: it
//! refreshes and rewrites the index after finding stat-dirty files, whatever
//! `--no-optional-locks` says.)

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use super::state::DiffStat;
use super::{Git, GitError};

/// Above this many changed paths `diff-index` compares the whole index
/// instead of taking every path on its command line.
const MAX_PATHSPECS: usize = 2000;

/// What `git status` saw in a worktree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WorktreeChanges {
    /// Tracked paths whose index or working copy differs from HEAD,
    /// including unmerged ones.
    pub tracked: Vec<PathBuf>,
    /// Untracked, not ignored files (each file, not its directory).
    pub untracked: Vec<PathBuf>,
}

/// Runs `git status` in `worktree` without taking any lock.
pub(crate) fn changes(git: &Git, worktree: &Path) -> Result<WorktreeChanges, GitError> {
    let args = [
        "--no-optional-locks",
        "status",
        "--porcelain=v2",
        "-z",
        "--untracked-files=all",
        "--no-renames",
    ];
    let out = run(git, worktree, args.iter().map(OsString::from).collect())?;
    Ok(parse_status(&out))
}

/// Lines added and removed in `tracked` (paths from [`changes`]) between HEAD
/// and the working copy.
pub(crate) fn tracked_stat(
    git: &Git,
    worktree: &Path,
    tracked: &[PathBuf],
) -> Result<DiffStat, GitError> {
    if tracked.is_empty() {
        return Ok(DiffStat::default());
    }
    let mut args: Vec<OsString> = ["--no-optional-locks", "--literal-pathspecs"]
        .into_iter()
        .chain(["diff-index", "--numstat", "-z", "--no-renames", "HEAD"])
        .map(OsString::from)
        .collect();
    // With the paths given, diff-index lstats only those files; without them
    // it would look at every file of a big tree a second time.
    if tracked.len() <= MAX_PATHSPECS {
        args.push("--".into());
        args.extend(tracked.iter().map(|p| p.as_os_str().to_owned()));
    }
    // A file merely touched is compared by content and left out of numstat.
    Ok(parse_numstat(&run(git, worktree, args)?))
}

fn run(git: &Git, worktree: &Path, args: Vec<OsString>) -> Result<Vec<u8>, GitError> {
    let mut command = git.command(worktree);
    command.args(&args);
    Ok(git.run_command(command, worktree, &args)?.stdout)
}

/// Parses `git status --porcelain=v2 -z` output.
pub(crate) fn parse_status(out: &[u8]) -> WorktreeChanges {
    let mut changes = WorktreeChanges::default();
    let mut records = out.split(|&b| b == 0).filter(|r| !r.is_empty());
    while let Some(record) = records.next() {
        match record.first() {
            // `1 XY sub mH mI mW hH hI path`
            Some(b'1') => push_field(&mut changes.tracked, record, 8),
            // `2 XY sub mH mI mW hH hI Xscore path` NUL `origPath`
            Some(b'2') => {
                push_field(&mut changes.tracked, record, 9);
                if let Some(orig) = records.next() {
                    changes.tracked.push(path(orig));
                }
            }
            // `u XY sub m1 m2 m3 mW h1 h2 h3 path`
            Some(b'u') => push_field(&mut changes.tracked, record, 10),
            Some(b'?') => push_field(&mut changes.untracked, record, 1),
            // Headers (`#`) and ignored files (`!`) say nothing we count.
            _ => {}
        }
    }
    changes
}

/// Parses `git diff-index --numstat -z` output. Binary files count as changed
/// files with no lines.
pub(crate) fn parse_numstat(out: &[u8]) -> DiffStat {
    let mut stat = DiffStat::default();
    let mut records = out.split(|&b| b == 0).filter(|r| !r.is_empty());
    while let Some(record) = records.next() {
        let mut fields = record.splitn(3, |&b| b == b'\t');
        let (added, deleted) = (count(fields.next()), count(fields.next()));
        if fields.next().is_none_or(<[u8]>::is_empty) {
            // A rename: its two paths follow as records of their own.
            records.next();
            records.next();
        }
        stat.files += 1;
        stat.insertions += added;
        stat.deletions += deleted;
    }
    stat
}

/// The `index`-th space-separated field and everything after it: the path,
/// which may itself contain spaces.
fn push_field(into: &mut Vec<PathBuf>, record: &[u8], index: usize) {
    if let Some(rest) = record.splitn(index + 1, |&b| b == b' ').nth(index) {
        into.push(path(rest));
    }
}

fn count(field: Option<&[u8]>) -> usize {
    field
        .and_then(|f| std::str::from_utf8(f).ok())
        .and_then(|f| f.parse().ok())
        .unwrap_or(0)
}

fn path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn status_records_are_split_into_tracked_and_untracked() {
        let out = b"1 .M N... 100644 100644 100644 aaa aaa src/a b.rs\0\
            1 D. N... 100644 000000 000000 bbb 000 gone.txt\0\
            2 R. N... 100644 100644 100644 ccc ccc R100 new.rs\0old.rs\0\
            u UU N... 100644 100644 100644 100644 d1 d2 d3 both.txt\0\
            ? notes/todo 1.md\0\
            ! target/x\0";
        let changes = parse_status(out);
        assert_eq!(
            changes.tracked,
            paths(&["src/a b.rs", "gone.txt", "new.rs", "old.rs", "both.txt"])
        );
        assert_eq!(changes.untracked, paths(&["notes/todo 1.md"]));
        assert_eq!(parse_status(b""), WorktreeChanges::default());
    }

    #[test]
    fn numstat_counts_text_binary_and_renamed_files() {
        let out = b"3\t1\ta.rs\0-\t-\tlogo.png\x000\t0\tempty.txt\0\
            2\t2\t\0old.rs\0new.rs\0";
        let stat = parse_numstat(out);
        assert_eq!(
            stat,
            DiffStat {
                files: 4,
                insertions: 5,
                deletions: 3
            }
        );
    }
}
