//! Merges that conflict, predicted or found halfway through a rebase, in the
//! main worktree or a temporary one: the outcome names the paths and asks
//! the agent to fix them, and the base, the branch and both worktrees (files
//! and index, byte for byte) are exactly as before.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;

use grove::workspace::{self, ConflictFound, MergeConflict, MergeOutcome, Place, Strategy};
use support::merge::{conflicting, feature, main_elsewhere, name, run, world};
use support::repo::{TestRepo, write_in};

/// Where the main worktree is when the merge starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MainAt {
    /// On the base, clean: the merge would run there.
    Base,
    /// On another branch with work in it: the merge runs aside.
    Elsewhere,
}

fn conflict(outcome: MergeOutcome) -> MergeConflict {
    let MergeOutcome::Conflict(conflict) = outcome else {
        panic!("expected a conflict, got {outcome:?}");
    };
    conflict
}

#[test]
fn a_predicted_conflict_changes_nothing_for_any_strategy_or_place() {
    for strategy in [Strategy::Merge, Strategy::Squash, Strategy::Rebase] {
        for main_at in [MainAt::Base, MainAt::Elsewhere] {
            let t = TestRepo::new();
            let ws = conflicting(&t);
            if main_at == MainAt::Elsewhere {
                main_elsewhere(&t);
            }
            let before = world(&t, &ws);

            let found = conflict(run(&t, strategy).unwrap());

            let case = format!("{strategy} with main at {main_at:?}");
            assert_eq!(world(&t, &ws), before, "{case}");
            assert_eq!(found.paths, [PathBuf::from("README.md")], "{case}");
            assert_eq!(found.found, ConflictFound::Predicted, "{case}");
            assert!(
                found.prompt.starts_with(
                    "Merging grove/feat into main conflicts in: README.md. \
                     Please rebase onto main"
                ),
                "{case}: {}",
                found.prompt
            );
        }
    }
}

/// The branch edits README.md's line, puts it back, then adds a file: the
/// merge as a whole is clean, but replaying the first commit conflicts.
fn conflicting_halfway(t: &TestRepo) -> grove::state::WorkspaceRecord {
    let ws = feature(t);
    write_in(&ws.path, "README.md", b"hello from the branch\n");
    t.commit_all(&ws.path, "branch edits the readme");
    write_in(&ws.path, "README.md", b"hello\n");
    t.commit_all(&ws.path, "branch puts it back");
    write_in(&ws.path, "late.txt", b"late\n");
    t.commit_all(&ws.path, "one more file");
    t.write("README.md", "hello from main\n");
    t.commit_all(&t.root, "main edits the readme");
    ws
}

#[test]
fn a_rebase_that_stops_halfway_is_aborted_and_changes_nothing() {
    for main_at in [MainAt::Base, MainAt::Elsewhere] {
        let t = TestRepo::new();
        let ws = conflicting_halfway(&t);
        if main_at == MainAt::Elsewhere {
            main_elsewhere(&t);
        }
        let preview = workspace::preview(&t.ctx(), &name("feat"), Strategy::Rebase).unwrap();
        assert!(preview.conflicts.is_empty(), "{:?}", preview.conflicts);
        let before = world(&t, &ws);

        let found = conflict(run(&t, Strategy::Rebase).unwrap());

        assert_eq!(world(&t, &ws), before, "main at {main_at:?}");
        assert_eq!(found.paths, [PathBuf::from("README.md")]);
        assert_eq!(found.found, ConflictFound::Attempted);
        let root = t.ctx().worktree_root();
        assert_eq!(
            std::fs::read_dir(&root).unwrap().count(),
            1,
            "a worktree is left in {}",
            root.display()
        );
    }
}

#[test]
fn the_same_branch_merges_cleanly_with_a_merge_commit() {
    let t = TestRepo::new();
    conflicting_halfway(&t);
    let outcome = run(&t, Strategy::Merge).unwrap();
    let MergeOutcome::Merged(done) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(
        done.place,
        Place::MainWorktree {
            path: t.root.clone()
        }
    );
    assert_eq!(
        std::fs::read(t.root.join("README.md")).unwrap(),
        b"hello from main\n"
    );
    assert!(t.root.join("late.txt").exists());
}
