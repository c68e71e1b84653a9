//! Worktrees through the git CLI: `git worktree add` runs checkout hooks and LFS
//! filters that libgit2 would skip. grove never runs a repository-wide
//! `git worktree prune`, which would forget any worktree whose directory is
//! missing at that moment (an unmounted disk, a half-finished `mv`); it only
//! ever removes the one worktree it was asked to.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{Git, GitError, Repo};

/// Worktree commands of one repository must not overlap: two at once can
/// read each other's half-written admin files and fail ("failed to read
/// .git/worktrees/<other>/commondir"), which is git's own behaviour. The
/// server runs them from parallel jobs (a job's items, a merge's scratch
/// worktree, a removal), so every add and remove takes this lock.
static WORKTREE_COMMANDS: Mutex<()> = Mutex::new(());

/// Proof that this thread holds off other worktree commands of this process.
pub struct WorktreeLock {
    _guard: MutexGuard<'static, ()>,
}

/// Holds off other worktree commands of this process while held. Listing
/// takes it too: `git worktree list` fails outright on a worktree another
/// command has half made ("failed to read .git/worktrees/<name>/commondir").
pub fn serialize() -> WorktreeLock {
    WorktreeLock {
        _guard: WORKTREE_COMMANDS
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
    }
}

/// Where a new worktree's branch comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchSource<'a> {
    /// Create the branch at this commit.
    New { start: &'a str },
    /// Check out a branch that already exists.
    Existing,
}

/// Adds a worktree at `path` on `branch`, locked with `reason` so that no
/// `git worktree prune` or `remove` (ours or anyone's) drops it while grove owns it.
pub fn add(
    git: &Git,
    repo: &Repo,
    path: &Path,
    branch: &str,
    source: BranchSource<'_>,
    reason: &str,
) -> Result<(), GitError> {
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "worktree".as_ref(),
        "add".as_ref(),
        "--quiet".as_ref(),
        "--lock".as_ref(),
        "--reason".as_ref(),
        reason.as_ref(),
    ];
    match source {
        BranchSource::New { start } => {
            args.extend([
                "-b".as_ref(),
                branch.as_ref(),
                path.as_os_str(),
                start.as_ref(),
            ]);
        }
        BranchSource::Existing => {
            args.extend([path.as_os_str(), branch.as_ref()]);
        }
    }
    let _one_at_a_time = serialize();
    git.run(&repo.root, args).map(drop)
}

/// Unlocks and removes the worktree at `path`. `--force` is needed because the
/// caller has already snapshotted any uncommitted or untracked files.
///
/// This holds the lock every worktree command takes, so it is one git
/// process when the worktree's files say it is one of this repository's:
/// `--force` twice removes a locked worktree, which is what the unlock and
/// the listing were for. Anything unusual is asked of `git worktree list`.
pub fn remove(git: &Git, repo: &Repo, path: &Path) -> Result<(), GitError> {
    let held = serialize();
    let locked = match registered(&repo.common_dir, path) {
        Some(Registered::Yes { locked }) => Some(locked),
        Some(Registered::No) | None => find_held(git, repo, path, &held)?.map(|entry| entry.locked),
    };
    let Some(locked) = locked else {
        return Ok(());
    };
    let mut args: Vec<&std::ffi::OsStr> =
        vec!["worktree".as_ref(), "remove".as_ref(), "--force".as_ref()];
    if locked {
        args.push("--force".as_ref());
    }
    args.push(path.as_os_str());
    git.run(&repo.root, args).map(drop)
}

/// What a worktree's own files say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Registered {
    Yes { locked: bool },
    No,
}

/// Reads `path/.git` (`gitdir: <common>/worktrees/<id>`) and the admin
/// directory's `gitdir` file, which points back at `path/.git`: both must
/// agree for `path` to be a worktree of the repository at `common_dir`.
/// `None` when a file cannot be read (a missing directory, another layout):
/// then git's listing decides.
fn registered(common_dir: &Path, path: &Path) -> Option<Registered> {
    let gitfile = path.join(".git");
    let admin = admin_dir(path)?;
    let worktrees = common_dir.join("worktrees").canonicalize().ok()?;
    if admin.parent() != Some(worktrees.as_path()) {
        return Some(Registered::No);
    }
    let back = std::fs::read_to_string(admin.join("gitdir")).ok()?;
    let back = PathBuf::from(back.trim_end()).canonicalize().ok()?;
    if back != gitfile.canonicalize().ok()? {
        return Some(Registered::No);
    }
    Some(Registered::Yes {
        locked: admin.join("locked").exists(),
    })
}

/// A linked worktree's admin directory, `<common>/worktrees/<id>`, as its
/// `.git` file names it (`gitdir: …`, absolute or relative to the worktree),
/// canonical; `None` when there is no such file to read.
pub fn admin_dir(worktree: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(worktree.join(".git")).ok()?;
    // `join` keeps an absolute path as it is.
    let admin = worktree.join(text.trim_end().strip_prefix("gitdir: ")?);
    admin.canonicalize().ok()
}

/// One entry of `git worktree list --porcelain`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// `refs/heads/…` when a branch is checked out; `None` when detached.
    pub branch: Option<String>,
    pub locked: bool,
}

/// Every worktree of the repository, the main one first.
pub fn list(git: &Git, repo: &Repo) -> Result<Vec<Entry>, GitError> {
    list_held(git, repo, &serialize())
}

/// [`list`], for a caller that already holds the worktree lock.
pub fn list_held(git: &Git, repo: &Repo, _held: &WorktreeLock) -> Result<Vec<Entry>, GitError> {
    let text = git.run(&repo.root, ["worktree", "list", "--porcelain", "-z"])?;
    Ok(parse_list(&text))
}

/// The worktree registered at `path`, if any, for a caller that already
/// holds the worktree lock.
pub fn find_held(
    git: &Git,
    repo: &Repo,
    path: &Path,
    held: &WorktreeLock,
) -> Result<Option<Entry>, GitError> {
    let wanted = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    Ok(list_held(git, repo, held)?.into_iter().find(|entry| {
        entry.path == path || entry.path.canonicalize().ok().as_deref() == Some(wanted.as_path())
    }))
}

/// Whether `refname` (`refs/heads/…`) is checked out in any worktree.
///
/// Every worktree's HEAD file names its branch (`ref: refs/heads/…`), and
/// that is where `git worktree list` reads it too; reading the files spares a
/// git process inside a job's merge lock. Whatever looks unusual (a HEAD that
/// cannot be read, reftable's placeholder HEAD) is left to git.
pub fn branch_checked_out(git: &Git, repo: &Repo, refname: &str) -> Result<bool, GitError> {
    match heads_name(&repo.common_dir, refname) {
        Some(found) => Ok(found),
        None => Ok(list(git, repo)?
            .iter()
            .any(|entry| entry.branch.as_deref() == Some(refname))),
    }
}

fn heads_name(common_dir: &Path, refname: &str) -> Option<bool> {
    let names = |head: &Path| -> Option<bool> {
        let text = std::fs::read_to_string(head).ok()?;
        let target = text.trim_end().strip_prefix("ref: ");
        if target == Some("refs/heads/.invalid") {
            return None;
        }
        Some(target == Some(refname))
    };
    if names(&common_dir.join("HEAD"))? {
        return Some(true);
    }
    let linked = match std::fs::read_dir(common_dir.join("worktrees")) {
        Ok(linked) => linked,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Some(false),
        Err(_) => return None,
    };
    for worktree in linked {
        if names(&worktree.ok()?.path().join("HEAD"))? {
            return Some(true);
        }
    }
    Some(false)
}

/// Parses `git worktree list --porcelain -z`: attributes separated by NUL,
/// records by an empty attribute.
fn parse_list(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut current: Option<Entry> = None;
    for field in text.split('\0') {
        if let Some(path) = field.strip_prefix("worktree ") {
            entries.extend(current.take());
            current = Some(Entry {
                path: PathBuf::from(path),
                branch: None,
                locked: false,
            });
        } else if let Some(entry) = current.as_mut() {
            if let Some(branch) = field.strip_prefix("branch ") {
                entry.branch = Some(branch.to_owned());
            } else if field == "locked" || field.starts_with("locked ") {
                entry.locked = true;
            }
        }
    }
    entries.extend(current);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::test_git::git;

    fn repo_at(dir: &Path) -> Repo {
        std::fs::create_dir_all(dir).unwrap();
        git(dir, &["init", "-q", "-b", "main"]);
        git(dir, &["commit", "-q", "--allow-empty", "-m", "one"]);
        Repo::discover(&Git::shared().unwrap(), dir).unwrap()
    }

    #[test]
    fn a_worktree_s_own_files_agree_with_git_s_listing_and_removal_takes_locked_ones() {
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_at(&dir.path().join("repo"));
        let other = repo_at(&dir.path().join("other"));
        let git_cli = Git::shared().unwrap();
        let locked = dir.path().join("locked wt");
        let open = dir.path().join("open");
        let foreign = dir.path().join("foreign");
        let plain = dir.path().join("plain");
        std::fs::create_dir(&plain).unwrap();
        let arg = |p: &Path| p.to_str().unwrap().to_owned();
        git(
            &repo.root,
            &["worktree", "add", "-q", "--lock", "-b", "a", &arg(&locked)],
        );
        git(
            &repo.root,
            &["worktree", "add", "-q", "-b", "b", &arg(&open)],
        );
        git(
            &other.root,
            &["worktree", "add", "-q", "-b", "c", &arg(&foreign)],
        );

        // What git lists is the judge of what the files say.
        let listed = list(&git_cli, &repo).unwrap();
        for path in [&locked, &open, &foreign, &plain] {
            let from_git = listed
                .iter()
                .find(|e| e.path.canonicalize().ok() == path.canonicalize().ok())
                .map(|e| Registered::Yes { locked: e.locked })
                .unwrap_or(Registered::No);
            let from_files = registered(&repo.common_dir, path);
            match from_files {
                Some(answer) => assert_eq!(answer, from_git, "{}", path.display()),
                // Unreadable: git decides, and only a plain directory is.
                None => assert_eq!(path, &plain),
            }
        }
        assert_eq!(
            registered(&repo.common_dir, &locked),
            Some(Registered::Yes { locked: true })
        );

        // One process removes a locked worktree; a foreign one is left alone.
        remove(&git_cli, &repo, &locked).unwrap();
        remove(&git_cli, &repo, &open).unwrap();
        remove(&git_cli, &repo, &foreign).unwrap();
        remove(&git_cli, &repo, &plain).unwrap();
        assert!(!locked.exists() && !open.exists());
        assert!(foreign.join(".git").is_file() && plain.is_dir());
        assert_eq!(list(&git_cli, &repo).unwrap().len(), 1);
        assert_eq!(list(&git_cli, &other).unwrap().len(), 2);
    }

    #[test]
    fn parses_porcelain_listing() {
        let text = "worktree /r\0HEAD 1111\0branch refs/heads/main\0\0\
                    worktree /w/a b\0HEAD 2222\0branch refs/heads/grove/a b\0locked grove owns it\0\0\
                    worktree /w/c\0HEAD 3333\0detached\0locked\0\0";
        let entries = parse_list(text);
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].branch.as_deref(), Some("refs/heads/main"));
        assert!(!entries[0].locked);
        assert_eq!(entries[1].path, PathBuf::from("/w/a b"));
        assert!(entries[1].locked);
        assert_eq!(entries[2].branch, None);
        assert!(entries[2].locked);
    }
}
