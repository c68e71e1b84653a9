//! Reading a workspace's git state from real repositories: ancestry, committed
//! and uncommitted changes, conflict prediction, merge state, and overlap
//! between workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use grove::git::state::{DiffStat, GitState, MergeSummary};
use grove::git::{CommitMemo, StateRead, overlaps, read_state};
use grove::workspace;
use support::repo::{TestRepo, write_in};

/// A repository whose `main` has a few files to edit, with one workspace.
fn setup(name: &str) -> (TestRepo, PathBuf) {
    let t = TestRepo::new();
    for (file, text) in [
        ("a.txt", "a1\na2\na3\n"),
        ("b.txt", "b1\nb2\n"),
        ("c.txt", "c1\n"),
        (".gitignore", "*.log\n"),
    ] {
        t.write(file, text);
    }
    t.commit_all(&t.root, "files");
    let path = workspace::create(&t.ctx(), &t.request(name)).unwrap().path;
    (t, path)
}

fn read(t: &TestRepo, worktree: &Path, base: &str) -> GitState {
    let repo = t.repo().open().unwrap();
    match read_state(&t.git, &repo, worktree, base, &mut CommitMemo::default()).unwrap() {
        StateRead::Read(state) => *state,
        StateRead::Busy { lock } => panic!("unexpectedly busy: {}", lock.display()),
    }
}

fn paths(names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(PathBuf::from).collect()
}

fn stat(files: usize, insertions: usize, deletions: usize) -> DiffStat {
    DiffStat {
        files,
        insertions,
        deletions,
    }
}

#[test]
fn a_fresh_workspace_has_nothing_to_show() {
    let (t, wt) = setup("fresh");
    let state = read(&t, &wt, "main");
    let main = t.git(&t.root, &["rev-parse", "main"]);
    assert_eq!(state.branch.as_deref(), Some("grove/fresh"));
    assert_eq!(state.head, main);
    assert_eq!((state.ahead, state.behind), (0, 0));
    assert_eq!(state.committed, DiffStat::default());
    assert_eq!(state.uncommitted, DiffStat::default());
    assert_eq!(state.untracked, 0);
    assert!(state.conflicts.is_empty());
    assert!(state.changed_paths.is_empty());
    assert_eq!(state.merge, MergeSummary::Merged);
    let last = state.last_commit.unwrap();
    assert_eq!(
        (last.oid.as_str(), last.summary.as_str()),
        (main.as_str(), "files")
    );
    assert_eq!(last.time, 1_767_225_600, "2026-01-01T00:00:00Z");
}

#[test]
fn commits_ahead_are_counted_with_exact_line_stats() {
    let (t, wt) = setup("ahead");
    write_in(&wt, "a.txt", b"a1\nA2\na3\nnew\n");
    t.commit_all(&wt, "edit a");
    write_in(&wt, "src/new.rs", b"fn one() {}\nfn two() {}\n");
    std::fs::remove_file(wt.join("c.txt")).unwrap();
    t.commit_all(&wt, "add new, drop c");

    let state = read(&t, &wt, "main");
    assert_eq!((state.ahead, state.behind), (2, 0));
    // a: -a2 +A2 +new; src/new.rs: +2; c: -1.
    assert_eq!(state.committed, stat(3, 4, 2));
    assert_eq!(state.uncommitted, DiffStat::default());
    assert_eq!(
        state.changed_paths,
        paths(&["a.txt", "c.txt", "src/new.rs"])
    );
    assert_eq!(state.merge, MergeSummary::Unmerged);
    assert!(state.conflicts.is_empty());
    assert_eq!(state.last_commit.unwrap().summary, "add new, drop c");
}

#[test]
fn a_base_that_moved_on_puts_the_branch_behind_and_merges_cleanly() {
    let (t, wt) = setup("behind");
    t.write("b.txt", "b1\nb2\nb3 from main\n");
    t.commit_all(&t.root, "main moves");
    t.write("d.txt", "d\n");
    t.commit_all(&t.root, "main moves again");

    let untouched = read(&t, &wt, "main");
    assert_eq!((untouched.ahead, untouched.behind), (0, 2));
    assert_eq!(untouched.merge, MergeSummary::Merged);
    assert!(untouched.changed_paths.is_empty());

    write_in(&wt, "a.txt", b"a1\na2\na3\na4\n");
    t.commit_all(&wt, "branch work");
    let state = read(&t, &wt, "main");
    assert_eq!((state.ahead, state.behind), (1, 2));
    // Only the branch's own change, from the merge base: not main's.
    assert_eq!(state.committed, stat(1, 1, 0));
    assert_eq!(state.changed_paths, paths(&["a.txt"]));
    assert!(state.conflicts.is_empty(), "{:?}", state.conflicts);
    assert_eq!(state.merge, MergeSummary::Unmerged);
}

#[test]
fn uncommitted_work_counts_modified_staged_deleted_and_untracked_files() {
    let (t, wt) = setup("dirty");
    write_in(&wt, "a.txt", b"a1\na2\na3\nmore\n");
    write_in(&wt, "b.txt", b"B1\nB2\n");
    t.git(&wt, &["add", "b.txt"]);
    std::fs::remove_file(wt.join("c.txt")).unwrap();
    write_in(&wt, "staged-new.txt", b"s1\ns2\ns3\n");
    t.git(&wt, &["add", "staged-new.txt"]);
    write_in(&wt, "notes/one.md", b"1\n");
    write_in(&wt, "notes/deep/two.md", b"2\n");
    write_in(&wt, "build.log", b"ignored\n");
    // Touched but unchanged: git's index sees a new mtime, not a change.
    let readme = std::fs::File::options()
        .append(true)
        .open(wt.join("README.md"))
        .unwrap();
    readme
        .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();

    let state = read(&t, &wt, "main");
    // a: +1; b: -2 +2; c: -1; staged-new: +3.
    assert_eq!(state.uncommitted, stat(4, 6, 3));
    assert_eq!(state.untracked, 2);
    assert_eq!(state.committed, DiffStat::default());
    assert_eq!(state.ahead, 0);
    assert_eq!(
        state.changed_paths,
        paths(&[
            "a.txt",
            "b.txt",
            "c.txt",
            "notes/deep/two.md",
            "notes/one.md",
            "staged-new.txt"
        ])
    );
}

#[test]
fn both_sides_editing_one_line_is_a_predicted_conflict() {
    let (t, wt) = setup("clash");
    t.write("a.txt", "a1\nmain's a2\na3\n");
    t.write("b.txt", "b1\nb2\nb3\n");
    t.commit_all(&t.root, "main edits a2");
    write_in(&wt, "a.txt", b"a1\nbranch's a2\na3\n");
    write_in(&wt, "c.txt", b"c1\nc2\n");
    t.commit_all(&wt, "branch edits a2");

    let state = read(&t, &wt, "main");
    assert_eq!(state.conflicts, paths(&["a.txt"]));
    assert_eq!(state.merge, MergeSummary::Unmerged);
    assert_eq!((state.ahead, state.behind), (1, 1));
    // Predicting wrote nothing: no new objects' refs, the worktree unchanged.
    assert_eq!(t.git(&wt, &["status", "--porcelain"]), "");
}

#[test]
fn a_squash_merged_branch_counts_as_merged() {
    let (t, wt) = setup("squashed");
    write_in(&wt, "a.txt", b"a1\na2\na3\na4\n");
    t.commit_all(&wt, "one");
    write_in(&wt, "e.txt", b"e\n");
    t.commit_all(&wt, "two");
    t.git(&t.root, &["merge", "--squash", "--quiet", "grove/squashed"]);
    t.git(&t.root, &["commit", "--quiet", "-m", "squash"]);

    let state = read(&t, &wt, "main");
    assert_eq!(state.merge, MergeSummary::SquashMerged);
    assert_eq!((state.ahead, state.behind), (2, 1));
    assert!(state.conflicts.is_empty());
}

#[test]
fn a_deleted_base_is_reported_as_missing() {
    let (t, wt) = setup("orphan");
    t.git(&t.root, &["branch", "topic"]);
    write_in(&wt, "untracked.txt", b"u\n");
    let before = read(&t, &wt, "topic");
    assert_eq!(before.merge, MergeSummary::Merged);
    t.git(&t.root, &["branch", "-D", "topic"]);

    let state = read(&t, &wt, "topic");
    assert_eq!(state.merge, MergeSummary::BaseMissing);
    assert_eq!((state.ahead, state.behind), (0, 0));
    // What the worktree itself shows is still read.
    assert_eq!(state.untracked, 1);
    assert_eq!(state.changed_paths, paths(&["untracked.txt"]));
}

#[test]
fn a_detached_head_has_no_branch() {
    let (t, wt) = setup("detached");
    t.git(&wt, &["switch", "--quiet", "--detach"]);
    let state = read(&t, &wt, "main");
    assert_eq!(state.branch, None);
    assert_eq!(state.head, t.git(&t.root, &["rev-parse", "main"]));
}

#[test]
fn workspaces_changing_the_same_path_overlap() {
    let (t, one) = setup("one");
    let two = workspace::create(&t.ctx(), &t.request("two")).unwrap().path;
    let three = workspace::create(&t.ctx(), &t.request("three"))
        .unwrap()
        .path;
    write_in(&one, "a.txt", b"one\n");
    t.commit_all(&one, "one edits a");
    // Uncommitted and untracked changes count too.
    write_in(&two, "a.txt", b"two\n");
    write_in(&two, "b-notes.txt", b"two\n");
    write_in(&three, "b.txt", b"three\n");

    let states: Vec<(String, GitState)> = [("one", &one), ("two", &two), ("three", &three)]
        .into_iter()
        .map(|(name, wt)| (name.to_owned(), read(&t, wt, "main")))
        .collect();
    let changed: Vec<(String, &[PathBuf])> = states
        .iter()
        .map(|(name, state)| (name.clone(), state.changed_paths.as_slice()))
        .collect();
    let result = overlaps(&changed);
    assert_eq!(result["one"], vec!["two".to_owned()]);
    assert_eq!(result["two"], vec!["one".to_owned()]);
    assert!(result["three"].is_empty(), "{result:?}");
}

#[test]
fn a_kept_memo_follows_head_and_base() {
    let (t, wt) = setup("memo");
    let repo = t.repo().open().unwrap();
    let mut memo = CommitMemo::default();
    let mut check = |step: &str| {
        let kept = match read_state(&t.git, &repo, &wt, "main", &mut memo).unwrap() {
            StateRead::Read(state) => *state,
            StateRead::Busy { lock } => panic!("busy: {}", lock.display()),
        };
        assert_eq!(kept, read(&t, &wt, "main"), "after {step}");
        kept
    };
    assert_eq!(check("nothing").ahead, 0);
    write_in(&wt, "a.txt", b"a1\nbranch\na3\n");
    t.commit_all(&wt, "branch");
    assert_eq!(check("a branch commit").committed, stat(1, 1, 1));
    assert_eq!(check("reading again").ahead, 1);
    t.write("a.txt", "a1\nmain\na3\n");
    t.commit_all(&t.root, "main");
    assert_eq!(check("main moving").conflicts, paths(&["a.txt"]));
    t.git(&wt, &["reset", "--quiet", "--hard", "main"]);
    assert_eq!(check("a reset").merge, MergeSummary::Merged);
}

#[test]
fn commits_that_cancel_out_count_as_squash_merged() {
    let (t, wt) = setup("undone");
    write_in(&wt, "a.txt", b"changed\n");
    t.commit_all(&wt, "change");
    write_in(&wt, "a.txt", b"a1\na2\na3\n");
    t.commit_all(&wt, "change back");

    let state = read(&t, &wt, "main");
    assert_eq!((state.ahead, state.behind), (2, 0));
    assert_eq!(state.merge, MergeSummary::SquashMerged);
    assert_eq!(state.committed, DiffStat::default());
    assert!(state.changed_paths.is_empty());
}
