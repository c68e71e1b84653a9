//! `grove merge` as a user runs it: the preview, the question on a terminal,
//! `--yes` for scripts, and the exit codes (0 merged, 1 conflict, 2 bad
//! usage, 3 refused to protect work).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::Output;

use grove::pane::PaneSize;
use support::merge::{conflicting, feature, move_main, rev, world};
use support::pane::{wait_for_exit, wait_for_text};
use support::repo::{TestRepo, write_in};

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn yes_prints_the_preview_and_merges() {
    let t = TestRepo::new();
    feature(&t);
    move_main(&t);
    let out = t.grove(&t.root, &["merge", "feat", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "merge grove/feat into main (merge)",
        "2 commits:",
        "add feature",
        "feature.txt  +2 -0",
        "data/blob.bin  binary",
        "predicted conflicts: none",
        "fast-forward: not possible (main has 1 commit grove/feat lacks)",
        "runs in the main worktree",
        "merged 2 commits of grove/feat into main (merge): main is now",
        "grove rm feat",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
    let parents = t.git(&t.root, &["rev-list", "--parents", "-n1", "main"]);
    assert_eq!(parents.split(' ').count(), 3, "{parents}");
}

#[test]
fn without_a_terminal_or_yes_it_refuses_and_changes_nothing() {
    let t = TestRepo::new();
    let ws = feature(&t);
    let before = world(&t, &ws);
    let out = t.grove(&t.root, &["merge", "feat"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --yes"), "{}", stderr(&out));
    assert_eq!(world(&t, &ws), before);
}

#[test]
fn on_a_terminal_it_asks_and_merges_on_yes() {
    let t = TestRepo::new();
    feature(&t);
    let size = PaneSize {
        rows: 30,
        cols: 120,
    };
    let pane = t.dashboard(&["merge", "feat", "--strategy", "ff"], size);
    wait_for_text(&pane, "Merge 2 commits of grove/feat into main? [y/N]");
    pane.write(b"y\r").unwrap();
    wait_for_text(&pane, "merged 2 commits");
    wait_for_exit(&pane);
    assert_eq!(rev(&t, "main"), rev(&t, "grove/feat"));
}

#[test]
fn a_conflict_exits_1_with_the_paths_and_the_prompt_and_changes_nothing() {
    let t = TestRepo::new();
    let ws = conflicting(&t);
    let before = world(&t, &ws);
    let out = t.grove(&t.root, &["merge", "feat", "--yes", "--strategy", "squash"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("predicted conflicts: README.md"), "{text}");
    assert!(text.contains("would conflict in:\n  README.md\n"), "{text}");
    assert!(
        text.contains("Merging grove/feat into main conflicts in: README.md. Please rebase"),
        "{text}"
    );
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(world(&t, &ws), before);
}

#[test]
fn uncommitted_work_exits_3_unless_allowed() {
    let t = TestRepo::new();
    let ws = feature(&t);
    write_in(&ws.path, "wip.txt", b"half done\n");
    let before = world(&t, &ws);
    let out = t.grove(&t.root, &["merge", "feat", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--allow-uncommitted"),
        "{}",
        stderr(&out)
    );
    assert_eq!(world(&t, &ws), before);

    let out = t.grove(&t.root, &["merge", "feat", "--yes", "--allow-uncommitted"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("not merged, still in the workspace: wip.txt"));
    assert_eq!(
        std::fs::read(ws.path.join("wip.txt")).unwrap(),
        b"half done\n"
    );

    let out = t.grove(
        &t.root,
        &["merge", "feat", "--yes", "--rm", "--allow-uncommitted"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rm_after_the_merge_removes_the_workspace_and_its_branch() {
    let t = TestRepo::new();
    let ws = feature(&t);
    move_main(&t);
    let out = t.grove(
        &t.root,
        &["merge", "feat", "--yes", "--strategy", "rebase", "--rm"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("deleted branch grove/feat (merged)"),
        "{text}"
    );
    assert!(!ws.path.exists());
    assert!(!t.ctx().repo.branch_exists("grove/feat").unwrap());
    let snapshots = t.git(&t.root, &["for-each-ref", "refs/grove/snapshots/feat"]);
    assert_eq!(snapshots.lines().count(), 1, "{snapshots}");
}

#[test]
fn an_impossible_fast_forward_exits_1_and_a_bad_strategy_exits_2() {
    let t = TestRepo::new();
    feature(&t);
    move_main(&t);
    let out = t.grove(&t.root, &["merge", "feat", "--yes", "--strategy", "ff"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot fast-forward"),
        "{}",
        stderr(&out)
    );
    let out = t.grove(
        &t.root,
        &["merge", "feat", "--yes", "--strategy", "octopus"],
    );
    assert_eq!(out.status.code(), Some(2));
}
