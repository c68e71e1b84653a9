//! Scenes for the merge tests: a workspace with commits, a base that moved,
//! both sides editing one line, a main worktree elsewhere with work in it;
//! and [`World`], everything a merge that does not merge must leave alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use grove::state::WorkspaceRecord;
use grove::workspace::{
    self, MergeBlock, MergeOptions, MergeOutcome, Merged, Strategy, WorkspaceError, WorkspaceName,
};

use super::repo::{TestRepo, write_in};

pub fn name(s: &str) -> WorkspaceName {
    WorkspaceName::parse(s).unwrap()
}

/// Every file under `dir` outside `.git`, with its bytes.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() == ".git" {
                continue;
            }
            match path.is_dir() {
                true => stack.push(path),
                false => {
                    let rel = path.strip_prefix(dir).unwrap().to_owned();
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
    }
    out
}

pub fn index_bytes(t: &TestRepo, dir: &Path) -> Vec<u8> {
    let index = t.git(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-path", "index"],
    );
    std::fs::read(index).unwrap()
}

/// Everything a merge must leave alone when it does not merge.
#[derive(Debug, PartialEq, Eq)]
pub struct World {
    pub refs: String,
    pub main_head: String,
    pub main_files: BTreeMap<PathBuf, Vec<u8>>,
    pub main_index: Vec<u8>,
    pub workspace_head: String,
    pub workspace_files: BTreeMap<PathBuf, Vec<u8>>,
    pub workspace_index: Vec<u8>,
    pub worktrees: String,
}

pub fn world(t: &TestRepo, ws: &WorkspaceRecord) -> World {
    World {
        refs: t.git(
            &t.root,
            &["for-each-ref", "--format=%(refname) %(objectname)"],
        ),
        main_head: t.git(&t.root, &["rev-parse", "--symbolic-full-name", "HEAD"]),
        main_files: files(&t.root),
        main_index: index_bytes(t, &t.root),
        workspace_head: t.git(&ws.path, &["rev-parse", "--symbolic-full-name", "HEAD"]),
        workspace_files: files(&ws.path),
        workspace_index: index_bytes(t, &ws.path),
        worktrees: t.git(&t.root, &["worktree", "list", "--porcelain"]),
    }
}

/// A workspace `feat` with two commits: a text file and a binary one.
pub fn feature(t: &TestRepo) -> WorkspaceRecord {
    let ws = workspace::create(&t.ctx(), &t.request("feat")).unwrap();
    write_in(&ws.path, "feature.txt", b"feature\n");
    t.commit_all(&ws.path, "add feature");
    write_in(&ws.path, "feature.txt", b"feature\nmore\n");
    write_in(&ws.path, "data/blob.bin", &[0, 1, 2, 255, 0]);
    t.commit_all(&ws.path, "extend feature");
    ws
}

/// A commit on main that the workspace lacks (so no fast-forward).
pub fn move_main(t: &TestRepo) {
    t.write("main.txt", "main\n");
    t.commit_all(&t.root, "main work");
}

/// Both sides edit README.md's only line.
pub fn conflicting(t: &TestRepo) -> WorkspaceRecord {
    let ws = feature(t);
    write_in(&ws.path, "README.md", b"hello from the branch\n");
    t.commit_all(&ws.path, "branch edits the readme");
    t.write("README.md", "hello from main\n");
    t.commit_all(&t.root, "main edits the readme");
    ws
}

/// Switches the main worktree to another branch and leaves work in it:
/// a modified file, a staged new file and an untracked one.
pub fn main_elsewhere(t: &TestRepo) {
    t.git(&t.root, &["checkout", "--quiet", "-b", "other"]);
    t.write("README.md", "edited on other\n");
    t.write("staged.txt", "staged\n");
    t.git(&t.root, &["add", "staged.txt"]);
    t.write("untracked.txt", "untracked\n");
}

pub fn rev(t: &TestRepo, rev: &str) -> String {
    t.git(&t.root, &["rev-parse", rev])
}

pub fn merged(outcome: MergeOutcome) -> Merged {
    let MergeOutcome::Merged(merged) = outcome else {
        panic!("expected a merge, got {outcome:?}");
    };
    merged
}

pub fn run(t: &TestRepo, strategy: Strategy) -> Result<MergeOutcome, WorkspaceError> {
    workspace::merge(&t.ctx(), &name("feat"), strategy, &MergeOptions::default())
}

pub fn block_of(err: &WorkspaceError) -> &MergeBlock {
    let WorkspaceError::MergeBlocked { block, .. } = err else {
        panic!("expected a refusal, got {err}");
    };
    block
}
