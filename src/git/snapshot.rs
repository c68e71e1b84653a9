//! Snapshots: a workspace's whole working state saved as a commit under
//! `refs/grove/snapshots/<workspace>/<unix-time>`, so removing a worktree never
//! loses work.
//!
//! A snapshot is built on a *copy* of the worktree's index (`GIT_INDEX_FILE`
//! pointing at a temporary file), so the agent's own index and files are never
//! touched and no `index.lock` is taken. Like `git stash`, the commit's first
//! parent is HEAD and its second parent records the index as it was, which lets
//! a restore bring back what was staged as well as every file. Ignored files are
//! not saved.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::{Git, GitError, Repo};

/// The namespace every snapshot ref lives under.
pub const REF_PREFIX: &str = "refs/grove/snapshots";

/// What a snapshot records about its workspace, kept as trailers in the commit
/// message so that a restore needs nothing but the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub workspace: String,
    pub branch: String,
    pub base: String,
    pub path: PathBuf,
}

/// One saved snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub refname: String,
    pub commit: String,
    /// Unix time in seconds, from the ref name.
    pub time: u64,
    /// The commit the worktree had checked out.
    pub head: String,
    /// The tree of the index at snapshot time, when it had no conflicts.
    pub index_tree: Option<String>,
    pub meta: Meta,
}

/// Saves the working state of the worktree at `worktree`.
///
/// Only `git add` runs as a process (it applies the user's ignore rules,
/// filters and attributes exactly as git does); reading HEAD, writing the
/// trees, the commits and the ref go through libgit2, which spares six git
/// processes per snapshot and never asks for a signing key.
pub fn create(git: &Git, repo: &Repo, worktree: &Path, meta: &Meta) -> Result<Snapshot, GitError> {
    let lib = |context: &'static str| {
        move |source| GitError::Library {
            context: context.to_owned(),
            dir: worktree.to_path_buf(),
            source,
        }
    };
    let work = git2::Repository::open(worktree).map_err(lib("cannot open the worktree"))?;
    let head = work
        .head()
        .and_then(|head| head.peel_to_commit())
        .map_err(lib("cannot read the worktree's HEAD"))?;
    let scratch = tempfile::tempdir().map_err(|source| io_error(worktree, source))?;
    let temp_index = scratch.path().join("index");
    // A linked worktree's own git directory holds its index.
    let real_index = work.path().join("index");
    if real_index.exists() {
        std::fs::copy(&real_index, &temp_index).map_err(|source| io_error(&real_index, source))?;
    }
    let with_index = |args: &[&str]| -> Result<String, GitError> {
        let mut command = git.command(worktree);
        command.env("GIT_INDEX_FILE", &temp_index).args(args);
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let output = git.run_command(command, worktree, &args)?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    // libgit2 reads no split or sparse index; git itself then writes the tree.
    let write_tree = |what: &'static str| -> Result<git2::Oid, GitError> {
        let in_process =
            git2::Index::open(&temp_index).and_then(|mut index| index.write_tree_to(&work));
        match in_process {
            Ok(oid) => Ok(oid),
            Err(_) => {
                let oid = with_index(&["write-tree"])?;
                git2::Oid::from_str(&oid).map_err(lib(what))
            }
        }
    };
    // An index with unresolved conflicts has no tree; the files still get saved.
    let index_tree = write_tree("cannot write the index's tree").ok();
    with_index(&["add", "--all", "--", ":/"])?;
    let tree = write_tree("cannot write the snapshot's tree")?;

    let signature = git2::Signature::now("grove", "grove@localhost")
        .map_err(lib("cannot sign the snapshot"))?;
    let commit = |tree: git2::Oid, parents: &[&git2::Commit<'_>], message: &str| {
        let tree = work.find_tree(tree)?;
        work.commit(None, &signature, &signature, message, &tree, parents)
    };
    let index_commit = match index_tree {
        Some(index_tree) => {
            let message = format!("index of workspace {}", meta.workspace);
            let oid = commit(index_tree, &[&head], &message)
                .map_err(lib("cannot commit the snapshot's index"))?;
            Some(
                work.find_commit(oid)
                    .map_err(lib("cannot read the index commit"))?,
            )
        }
        None => None,
    };
    let mut parents = vec![&head];
    parents.extend(index_commit.as_ref());
    let commit =
        commit(tree, &parents, &message(meta)).map_err(lib("cannot commit the snapshot"))?;
    let time = now();
    let refname = store_ref(repo, &meta.workspace, time, commit)?;
    Ok(Snapshot {
        refname,
        commit: commit.to_string(),
        time,
        head: head.id().to_string(),
        index_tree: index_tree.map(|oid| oid.to_string()),
        meta: meta.clone(),
    })
}

/// Every snapshot of `workspace`, oldest first.
pub fn list(repo: &Repo, workspace: &str) -> Result<Vec<Snapshot>, GitError> {
    let git2_repo = repo.open()?;
    let lib = |source| GitError::Library {
        context: format!("cannot list the snapshots of workspace {workspace}"),
        dir: repo.root.clone(),
        source,
    };
    let pattern = format!("{REF_PREFIX}/{workspace}/*");
    let mut snapshots = Vec::new();
    for reference in git2_repo.references_glob(&pattern).map_err(lib)? {
        let reference = reference.map_err(lib)?;
        let Ok(refname) = reference.name().map(str::to_owned) else {
            continue;
        };
        let commit = reference.peel_to_commit().map_err(lib)?;
        let Some(meta) = parse_message(commit.message().unwrap_or_default()) else {
            continue;
        };
        snapshots.push(Snapshot {
            time: time_of(&refname),
            commit: commit.id().to_string(),
            head: commit.parent_id(0).map_err(lib)?.to_string(),
            index_tree: match commit.parent(1) {
                Ok(index_commit) => Some(index_commit.tree_id().to_string()),
                Err(_) => None,
            },
            refname,
            meta,
        });
    }
    snapshots.sort_by(|a, b| (a.time, &a.refname).cmp(&(b.time, &b.refname)));
    Ok(snapshots)
}

/// Writes a snapshot's index and files into a fresh worktree that has the
/// snapshot's HEAD checked out. Files come back byte for byte, modes included;
/// files the snapshot lacks are deleted.
pub fn restore_into(git: &Git, worktree: &Path, snapshot: &Snapshot) -> Result<(), GitError> {
    if let Some(index_tree) = &snapshot.index_tree {
        git.run(worktree, ["read-tree", index_tree.as_str()])?;
    }
    let source = format!("--source={}", snapshot.commit);
    git.run(
        worktree,
        ["restore", source.as_str(), "--worktree", "--", ":/"],
    )
    .map(drop)
}

/// Creates the ref, never overwriting one: two snapshots in the same second get
/// `-2`, `-3`… suffixes. Through the main repository: libgit2 0.21 opened on a
/// linked worktree replaces an existing shared ref even when told not to.
fn store_ref(
    repo: &Repo,
    workspace: &str,
    time: u64,
    commit: git2::Oid,
) -> Result<String, GitError> {
    let main = repo.open()?;
    let mut suffix = 1;
    loop {
        let refname = match suffix {
            1 => format!("{REF_PREFIX}/{workspace}/{time}"),
            n => format!("{REF_PREFIX}/{workspace}/{time}-{n}"),
        };
        match main.reference(&refname, commit, false, "grove snapshot") {
            Ok(_) => return Ok(refname),
            Err(error) if error.code() == git2::ErrorCode::Exists && suffix < 100 => suffix += 1,
            Err(source) => {
                return Err(GitError::Library {
                    context: format!("cannot create the snapshot ref {refname}"),
                    dir: repo.root.clone(),
                    source,
                });
            }
        }
    }
}

fn message(meta: &Meta) -> String {
    format!(
        "grove snapshot of workspace {}\n\nGrove-Workspace: {}\nGrove-Branch: {}\nGrove-Base: {}\nGrove-Path: {}\n",
        meta.workspace,
        meta.workspace,
        meta.branch,
        meta.base,
        meta.path.display()
    )
}

fn parse_message(message: &str) -> Option<Meta> {
    let field = |key: &str| {
        message
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(": "))
            .map(str::to_owned)
    };
    Some(Meta {
        workspace: field("Grove-Workspace")?,
        branch: field("Grove-Branch")?,
        base: field("Grove-Base")?,
        path: PathBuf::from(field("Grove-Path")?),
    })
}

fn time_of(refname: &str) -> u64 {
    let last = refname.rsplit('/').next().unwrap_or_default();
    let seconds = last.split('-').next().unwrap_or_default();
    seconds.parse().unwrap_or(0)
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn io_error(path: &Path, source: std::io::Error) -> GitError {
    GitError::Failed {
        command: format!("copy the index {}", path.display()),
        dir: path.to_owned(),
        stderr: source.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_round_trips() {
        let meta = Meta {
            workspace: "auth".into(),
            branch: "grove/auth".into(),
            base: "main".into(),
            path: PathBuf::from("/tmp/with space/auth"),
        };
        assert_eq!(parse_message(&message(&meta)), Some(meta));
        assert_eq!(parse_message("some other commit"), None);
    }

    #[test]
    fn reads_time_from_ref_names() {
        assert_eq!(time_of("refs/grove/snapshots/a/1700000000"), 1_700_000_000);
        assert_eq!(
            time_of("refs/grove/snapshots/a/1700000000-3"),
            1_700_000_000
        );
        assert_eq!(time_of("refs/grove/snapshots/a/junk"), 0);
    }
}
