//! Snapshots, removal and restore on real repositories: no step may lose a
//! file, a commit or what was staged.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use grove::git::snapshot;
use grove::state::WorkspaceRecord;
use grove::workspace::{self, BranchOutcome, RemoveMode, WorkspaceError, WorkspaceName};
use support::repo::{TestRepo, write_in};

fn name(s: &str) -> WorkspaceName {
    WorkspaceName::parse(s).unwrap()
}

/// Every file under `dir` (outside `.git`) with its bytes and executable bit.
fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, bool)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else {
                let exec = meta.permissions().mode() & 0o111 != 0;
                let rel = path.strip_prefix(dir).unwrap().to_owned();
                out.insert(rel, (std::fs::read(&path).unwrap(), exec));
            }
        }
    }
    out
}

fn status(t: &TestRepo, dir: &Path) -> String {
    t.git(
        dir,
        &[
            "--no-optional-locks",
            "status",
            "--porcelain=v1",
            "--untracked-files=all",
        ],
    )
}

/// A workspace with every kind of change: modified, staged-added, deleted,
/// binary, executable, a path with spaces and unicode, and untracked files.
fn busy_workspace(t: &TestRepo) -> WorkspaceRecord {
    t.write("keep.txt", "original\n");
    t.write("gone.txt", "to be deleted\n");
    t.write("script.sh", "#!/bin/sh\necho hi\n");
    t.commit_all(&t.root, "files");
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("busy")).unwrap();
    let p = &ws.path;
    write_in(p, "keep.txt", b"modified\n");
    std::fs::remove_file(p.join("gone.txt")).unwrap();
    write_in(p, "staged new.txt", b"staged\n");
    t.git(p, &["add", "staged new.txt"]);
    let binary: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    write_in(p, "data/blob.bin", &binary);
    write_in(
        p,
        "dir with space/ünïcödé файл.txt",
        "héllo wörld\n".as_bytes(),
    );
    std::fs::set_permissions(p.join("script.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    write_in(p, "notes/untracked.md", b"# notes\n");
    ws
}

#[test]
fn snapshot_saves_everything_without_touching_index_or_files() {
    let t = TestRepo::new();
    let ws = busy_workspace(&t);
    let index = t.git(
        &ws.path,
        &["rev-parse", "--path-format=absolute", "--git-path", "index"],
    );
    let index_before = std::fs::read(&index).unwrap();
    let index_mtime = std::fs::metadata(&index).unwrap().modified().unwrap();
    let status_before = status(&t, &ws.path);
    let files_before = files(&ws.path);

    let snap = workspace::snapshot(&t.ctx(), &name("busy")).unwrap();

    assert_eq!(std::fs::read(&index).unwrap(), index_before);
    assert_eq!(
        std::fs::metadata(&index).unwrap().modified().unwrap(),
        index_mtime
    );
    assert_eq!(status(&t, &ws.path), status_before);
    assert_eq!(files(&ws.path), files_before);

    assert!(
        snap.refname.starts_with("refs/grove/snapshots/busy/"),
        "{}",
        snap.refname
    );
    assert_eq!(t.git(&t.root, &["rev-parse", &snap.refname]), snap.commit);
    let tree = t.git(
        &t.root,
        &["ls-tree", "-r", "--name-only", "-z", &snap.commit],
    );
    let tree: Vec<&str> = tree.split('\0').collect();
    for path in [
        "keep.txt",
        "staged new.txt",
        "data/blob.bin",
        "dir with space/ünïcödé файл.txt",
        "notes/untracked.md",
        "script.sh",
    ] {
        assert!(tree.contains(&path), "{path} missing from {tree:?}");
    }
    assert!(!tree.contains(&"gone.txt"));
    let mode = t.git(&t.root, &["ls-tree", &snap.commit, "script.sh"]);
    assert!(mode.starts_with("100755"), "{mode}");
}

#[test]
fn snapshot_of_a_split_index_saves_staged_and_untracked_work() {
    // libgit2 cannot read a split index; the snapshot must still hold
    // everything, with the index's own tree recorded.
    let t = TestRepo::new();
    let ws = workspace::create(&t.ctx(), &t.request("split")).unwrap();
    write_in(&ws.path, "staged.txt", b"staged\n");
    t.git(&ws.path, &["add", "staged.txt"]);
    t.git(&ws.path, &["update-index", "--split-index"]);
    write_in(&ws.path, "loose.txt", b"loose\n");

    let snap = workspace::snapshot(&t.ctx(), &name("split")).unwrap();

    assert_eq!(t.show(&snap.commit, "staged.txt"), "staged\n");
    assert_eq!(t.show(&snap.commit, "loose.txt"), "loose\n");
    let index_tree = snap.index_tree.expect("the index's tree");
    let staged = t.git(&t.root, &["ls-tree", "--name-only", &index_tree]);
    assert!(staged.lines().any(|p| p == "staged.txt"), "{staged}");
    assert!(!staged.lines().any(|p| p == "loose.txt"), "{staged}");
}

#[test]
fn rm_refuses_uncommitted_work_and_keeps_everything() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("dirty")).unwrap();
    write_in(&ws.path, "new.txt", b"work\n");
    let err = workspace::remove(&ctx, &name("dirty"), RemoveMode::Safe).unwrap_err();
    assert!(matches!(err, WorkspaceError::HasWork { .. }), "{err}");
    assert!(err.to_string().contains("1 uncommitted file"), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    assert!(ws.path.join("new.txt").exists());
    assert_eq!(ctx.list().unwrap().len(), 1);
}

#[test]
fn rm_refuses_unmerged_commits() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("ahead")).unwrap();
    write_in(&ws.path, "feature.txt", b"feature\n");
    t.commit_all(&ws.path, "feature");
    let err = workspace::remove(&ctx, &name("ahead"), RemoveMode::Safe).unwrap_err();
    assert!(err.to_string().contains("1 commit not merged"), "{err}");
    assert!(ws.path.exists());
}

#[test]
fn rm_force_snapshots_removes_the_worktree_and_keeps_an_unmerged_branch() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("forced")).unwrap();
    write_in(&ws.path, "feature.txt", b"feature\n");
    t.commit_all(&ws.path, "feature");
    let tip = t.git(&ws.path, &["rev-parse", "HEAD"]);
    write_in(&ws.path, "wip.txt", b"wip\n");

    let removal = workspace::remove(&ctx, &name("forced"), RemoveMode::Force).unwrap();

    assert_eq!(removal.branch, BranchOutcome::Kept);
    assert_eq!(t.git(&t.root, &["rev-parse", "grove/forced"]), tip);
    assert!(!ws.path.exists());
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    assert!(!listing.contains("forced"), "{listing}");
    assert!(ctx.list().unwrap().is_empty());
    let snap = removal.snapshot.unwrap();
    assert_eq!(snap.head, tip);
    let saved = t.git(&t.root, &["show", &format!("{}:wip.txt", snap.commit)]);
    assert_eq!(saved, "wip");
}

#[test]
fn rm_deletes_a_merged_branch() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("done")).unwrap();
    write_in(&ws.path, "feature.txt", b"feature\n");
    t.commit_all(&ws.path, "feature");
    t.git(&t.root, &["merge", "--quiet", "--ff-only", "grove/done"]);

    let removal = workspace::remove(&ctx, &name("done"), RemoveMode::Safe).unwrap();
    assert_eq!(removal.branch, BranchOutcome::Deleted);
    assert!(!ctx.repo.branch_exists("grove/done").unwrap());
    // The commits stay reachable from the snapshot ref.
    let snap = removal.snapshot.unwrap();
    assert_eq!(snap.head, t.git(&t.root, &["rev-parse", "main"]));
}

#[test]
fn rm_counts_a_squash_merged_branch_as_merged() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("squashed")).unwrap();
    write_in(&ws.path, "a.txt", b"one\n");
    t.commit_all(&ws.path, "one");
    write_in(&ws.path, "a.txt", b"one\ntwo\n");
    t.commit_all(&ws.path, "two");
    t.write("unrelated.txt", "main moved on\n");
    t.commit_all(&t.root, "main work");
    t.git(&t.root, &["merge", "--quiet", "--squash", "grove/squashed"]);
    t.git(&t.root, &["commit", "--quiet", "-m", "squash"]);

    let removal = workspace::remove(&ctx, &name("squashed"), RemoveMode::Safe).unwrap();
    assert_eq!(removal.branch, BranchOutcome::Deleted);
}

#[test]
fn unchanged_provisioned_files_are_not_work_but_edited_ones_are() {
    let t = TestRepo::new();
    t.write(".env", "A=1\n");
    let ctx = t.ctx();
    workspace::create(&ctx, &t.request("clean")).unwrap();
    workspace::remove(&ctx, &name("clean"), RemoveMode::Safe).unwrap();

    let ws = workspace::create(&ctx, &t.request("edited")).unwrap();
    write_in(&ws.path, ".env", b"A=2\n");
    let err = workspace::remove(&ctx, &name("edited"), RemoveMode::Safe).unwrap_err();
    assert!(err.to_string().contains("1 uncommitted file"), "{err}");
}

#[test]
fn rm_of_a_workspace_whose_directory_vanished_still_cleans_up() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("vanished")).unwrap();
    std::fs::remove_dir_all(&ws.path).unwrap();
    let removal = workspace::remove(&ctx, &name("vanished"), RemoveMode::Safe).unwrap();
    assert_eq!(removal.snapshot, None);
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    assert!(!listing.contains("vanished"), "{listing}");
}

#[test]
fn rm_and_restore_of_an_unknown_workspace_name_the_repository() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let err = workspace::remove(&ctx, &name("ghost"), RemoveMode::Force).unwrap_err();
    assert!(err.to_string().contains("no workspace ghost in"), "{err}");
    let err = workspace::pick_snapshot(&ctx, &name("ghost"), None).unwrap_err();
    assert!(
        err.to_string().contains("no snapshot of workspace ghost"),
        "{err}"
    );
}

#[test]
fn restore_brings_back_files_byte_for_byte_and_what_was_staged() {
    let t = TestRepo::new();
    let ws = busy_workspace(&t);
    let ctx = t.ctx();
    let files_before = files(&ws.path);
    let status_before = status(&t, &ws.path);
    let tip = t.git(&ws.path, &["rev-parse", "HEAD"]);

    workspace::remove(&ctx, &name("busy"), RemoveMode::Force).unwrap();
    assert!(!ws.path.exists());

    let snap = workspace::pick_snapshot(&ctx, &name("busy"), None).unwrap();
    let restored = workspace::restore(&ctx, &name("busy"), &snap).unwrap();
    assert_eq!(restored.path, ws.path);
    assert_eq!(restored.branch, "grove/busy");
    assert_eq!(files(&ws.path), files_before);
    assert_eq!(status(&t, &ws.path), status_before);
    assert_eq!(t.git(&ws.path, &["rev-parse", "HEAD"]), tip);
    assert_eq!(ctx.list().unwrap(), vec![restored.clone()]);
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    assert!(listing.contains("locked grove workspace busy"), "{listing}");

    let err = workspace::restore(&ctx, &name("busy"), &snap).unwrap_err();
    assert!(matches!(err, WorkspaceError::Exists { .. }), "{err}");
}

#[test]
fn restore_recreates_a_deleted_branch_at_the_snapshot() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("merged")).unwrap();
    write_in(&ws.path, "f.txt", b"f\n");
    t.commit_all(&ws.path, "f");
    let tip = t.git(&ws.path, &["rev-parse", "HEAD"]);
    t.git(&t.root, &["merge", "--quiet", "--ff-only", "grove/merged"]);
    workspace::remove(&ctx, &name("merged"), RemoveMode::Safe).unwrap();
    assert!(!ctx.repo.branch_exists("grove/merged").unwrap());

    let snap = workspace::pick_snapshot(&ctx, &name("merged"), None).unwrap();
    workspace::restore(&ctx, &name("merged"), &snap).unwrap();
    assert_eq!(t.git(&t.root, &["rev-parse", "grove/merged"]), tip);
    assert_eq!(std::fs::read(ws.path.join("f.txt")).unwrap(), b"f\n");
}

#[test]
fn restore_at_a_time_picks_the_newest_snapshot_not_after_it() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("timed")).unwrap();
    write_in(&ws.path, "v.txt", b"first\n");
    let first = workspace::snapshot(&ctx, &name("timed")).unwrap();
    // Pretend the first snapshot is old, so the two have distinct times.
    let old_ref = format!("{}/timed/1000", snapshot::REF_PREFIX);
    t.git(&t.root, &["update-ref", &old_ref, &first.commit]);
    t.git(&t.root, &["update-ref", "-d", &first.refname]);
    write_in(&ws.path, "v.txt", b"second\n");
    workspace::remove(&ctx, &name("timed"), RemoveMode::Force).unwrap();

    let all = snapshot::list(&ctx.repo, "timed").unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].time, 1000);

    let old = workspace::pick_snapshot(&ctx, &name("timed"), Some(1500)).unwrap();
    assert_eq!(old.refname, old_ref);
    workspace::restore(&ctx, &name("timed"), &old).unwrap();
    assert_eq!(std::fs::read(ws.path.join("v.txt")).unwrap(), b"first\n");

    let err = workspace::pick_snapshot(&ctx, &name("timed"), Some(999)).unwrap_err();
    assert!(err.to_string().contains("the oldest is from 1000"), "{err}");
}

#[test]
fn two_snapshots_in_one_second_get_distinct_refs() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("rapid")).unwrap();
    let mut refs = Vec::new();
    for i in 0..3 {
        write_in(&ws.path, "n.txt", format!("{i}\n").as_bytes());
        refs.push(workspace::snapshot(&ctx, &name("rapid")).unwrap().refname);
    }
    refs.sort();
    refs.dedup();
    assert_eq!(refs.len(), 3);
    assert_eq!(snapshot::list(&ctx.repo, "rapid").unwrap().len(), 3);
}

#[test]
fn a_failed_restore_leaves_nothing_and_can_be_retried() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let ws = workspace::create(&ctx, &t.request("retry")).unwrap();
    write_in(&ws.path, "keep.txt", b"precious\n");
    workspace::remove(&ctx, &name("retry"), RemoveMode::Force).unwrap();
    let snap = workspace::pick_snapshot(&ctx, &name("retry"), None).unwrap();

    let failing = t.ctx_with(|c| c.workspace.setup = vec!["exit 7".into()]);
    let err = workspace::restore(&failing, &name("retry"), &snap).unwrap_err();
    assert!(matches!(err, WorkspaceError::Setup { .. }), "{err}");
    assert!(!ws.path.exists());
    assert!(!ctx.repo.branch_exists("grove/retry").unwrap());
    assert!(ctx.list().unwrap().is_empty());

    workspace::restore(&ctx, &name("retry"), &snap).unwrap();
    assert_eq!(
        std::fs::read(ws.path.join("keep.txt")).unwrap(),
        b"precious\n"
    );
}
