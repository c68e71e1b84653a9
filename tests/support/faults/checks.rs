//! What every fault test checks after the fault: a bystander workspace
//! whose work must survive everything, and the soundness of the state file,
//! the worktrees and the repository.

use std::path::{Path, PathBuf};

use grove::state::{Phase, Store};

use super::super::merge::{files, index_bytes};
use super::super::repo::{TestRepo, write_in};

/// A workspace with work of every kind, made before the fault and checked
/// after it: a commit, a modified file, a staged new file, an untracked one
/// and a snapshot. Nothing of it may change.
pub struct Bystander {
    pub path: PathBuf,
    refs: String,
    files: std::collections::BTreeMap<PathBuf, Vec<u8>>,
    index: Vec<u8>,
}

impl Bystander {
    pub fn make(t: &TestRepo) -> Bystander {
        t.grove_ok(&["new", "keep"]);
        let path = workspace_path(t, "keep");
        write_in(&path, "kept.txt", b"committed\n");
        t.commit_all(&path, "kept work");
        write_in(&path, "kept.txt", b"committed\nthen changed\n");
        write_in(&path, "staged.txt", b"staged\n");
        t.git(&path, &["add", "staged.txt"]);
        write_in(&path, "untracked.txt", b"untracked\n");
        t.grove_ok(&["snapshot", "keep"]);
        Bystander {
            refs: bystander_refs(t),
            files: files(&path),
            index: index_bytes(t, &path),
            path,
        }
    }

    /// Its branch, its snapshots, its files and its index are as they were.
    pub fn assert_intact(&self, t: &TestRepo) {
        assert_eq!(bystander_refs(t), self.refs, "the bystander's refs changed");
        assert_eq!(
            files(&self.path),
            self.files,
            "the bystander's files changed"
        );
        assert!(
            self.index == index_bytes(t, &self.path),
            "the bystander's index changed"
        );
    }
}

fn bystander_refs(t: &TestRepo) -> String {
    t.git(
        &t.root,
        &[
            "for-each-ref",
            "--format=%(refname) %(objectname)",
            "refs/heads/grove/keep",
            "refs/grove/snapshots/keep",
        ],
    )
}

/// The worktree of workspace `name`, from its record.
pub fn workspace_path(t: &TestRepo, name: &str) -> PathBuf {
    let state = Store::new(t.grove_paths().state_file()).load().unwrap();
    state.find(&t.root, name).unwrap().path.clone()
}

/// The checks every fault test ends with: the state file parses and holds
/// only finished workspaces, each with its worktree (registered and
/// present) and branch; git knows of no other worktree; no temp file is
/// left beside the state; `git fsck --full` finds nothing wrong.
pub fn assert_sound(t: &TestRepo) {
    let state = Store::new(t.grove_paths().state_file())
        .load()
        .expect("the state file must parse");
    let listed = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    let registered: Vec<PathBuf> = listed
        .lines()
        .filter_map(|l| l.strip_prefix("worktree "))
        .map(PathBuf::from)
        .collect();
    for record in state.workspaces.iter().filter(|w| w.repo == t.root) {
        assert_eq!(
            record.phase,
            Phase::Ready,
            "a half-made workspace: {record:?}"
        );
        assert!(
            record.path.join(".git").is_file(),
            "no worktree at {}",
            record.path.display()
        );
        assert!(
            registered.contains(&record.path),
            "{} is not registered:\n{listed}",
            record.path.display()
        );
        t.git(
            &t.root,
            &[
                "rev-parse",
                "--verify",
                &format!("refs/heads/{}", record.branch),
            ],
        );
    }
    for path in registered.iter().skip(1) {
        assert!(
            state.workspaces.iter().any(|w| &w.path == path),
            "a worktree no workspace owns: {}\n{listed}",
            path.display()
        );
    }
    let litter: Vec<String> = t
        .state_litter()
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(
        litter.is_empty(),
        "temp files left beside the state: {litter:?}"
    );
    assert_fsck_clean(t);
}

/// `git fsck --full` succeeds and reports no error (dangling objects from
/// an aborted operation are not errors).
pub fn assert_fsck_clean(t: &TestRepo) {
    let output = t
        .git_command(&t.root)
        .args(["fsck", "--full", "--no-dangling", "--no-progress"])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && text.trim().is_empty(),
        "git fsck --full:\n{text}"
    );
}

/// Whether `path` is the root of some registered worktree of `t`.
pub fn registered(t: &TestRepo, path: &Path) -> bool {
    t.git(&t.root, &["worktree", "list", "--porcelain"])
        .lines()
        .any(|l| l.strip_prefix("worktree ") == Some(&path.display().to_string()))
}
