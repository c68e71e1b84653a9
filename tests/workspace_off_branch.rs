//! An agent that switches its worktree to another branch (or leaves HEAD
//! detached) commits where grove's merge, removal and sidebar do not look.
//! Each must say so instead of acting on the workspace's own branch as if
//! the work were there: a merge that finds its branch "already merged", or
//! a removal that finds nothing to keep, would be the surprise.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use grove::failure::kind_of;
use grove::protocol::FailureKind;
use grove::workspace::checkout::{Checkout, checkout};
use grove::workspace::{self, MergeBlock, MergeOutcome, RemoveMode, Strategy, WorkspaceError};
use support::merge::{block_of, name, run};
use support::repo::{TestRepo, write_in};

/// Workspace `feat`, whose agent made branch `fix` in its worktree and
/// committed there: `grove/feat` itself has nothing the base lacks.
fn switched(t: &TestRepo) -> grove::state::WorkspaceRecord {
    let ws = workspace::create(&t.ctx(), &t.request("feat")).unwrap();
    t.git(&ws.path, &["switch", "--quiet", "-c", "fix"]);
    write_in(&ws.path, "fix.txt", b"the fix\n");
    t.commit_all(&ws.path, "fix it");
    ws
}

#[test]
fn a_merge_refuses_a_worktree_on_another_branch_instead_of_saying_merged() {
    let t = TestRepo::new();
    let ws = switched(&t);
    assert_eq!(
        checkout(&ws.path, "grove/feat").unwrap(),
        Checkout::Other {
            branch: "fix".into()
        }
    );
    let preview = workspace::preview(&t.ctx(), &name("feat"), Strategy::Merge).unwrap();
    let described = workspace::describe_preview(&preview);
    assert!(
        described.contains("its worktree is on branch fix, not grove/feat:"),
        "{described}"
    );
    let main_before = t.git(&t.root, &["rev-parse", "main"]);
    let err = run(&t, Strategy::Merge).unwrap_err();
    assert!(
        matches!(block_of(&err), MergeBlock::OffBranch { .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("has branch fix checked out, not grove/feat"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "(in {}: `git switch grove/feat && git merge fix`)",
            ws.path.display()
        )),
        "{text}"
    );
    assert_eq!(kind_of(&anyhow::Error::from(err)), FailureKind::Refused);
    assert_eq!(t.git(&t.root, &["rev-parse", "main"]), main_before);

    // Brought over as the message says, it merges.
    let path = ws.path.to_str().unwrap();
    t.git(&t.root, &["-C", path, "switch", "--quiet", "grove/feat"]);
    t.git(&t.root, &["-C", path, "merge", "--quiet", "fix"]);
    let outcome = run(&t, Strategy::Merge).unwrap();
    assert!(matches!(outcome, MergeOutcome::Merged(_)), "{outcome:?}");
    assert!(t.root.join("fix.txt").exists());
}

#[test]
fn a_detached_head_is_refused_too() {
    let t = TestRepo::new();
    let ws = switched(&t);
    t.git(&ws.path, &["switch", "--quiet", "--detach", "fix"]);
    assert_eq!(
        checkout(&ws.path, "grove/feat").unwrap(),
        Checkout::Detached
    );
    let err = run(&t, Strategy::Squash).unwrap_err();
    assert!(err.to_string().contains("HEAD is detached"), "{err}");
}

#[test]
fn removing_it_is_refused_as_having_work() {
    let t = TestRepo::new();
    let ws = switched(&t);
    let ctx = t.ctx();
    let err = workspace::remove(&ctx, &name("feat"), RemoveMode::Safe).unwrap_err();
    assert!(matches!(err, WorkspaceError::HasWork { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("its worktree on another branch, fix"),
        "{err}"
    );
    assert!(ws.path.join("fix.txt").exists());
    // Forced, the branch it worked on stays, with its commit.
    workspace::remove(&ctx, &name("feat"), RemoveMode::Force).unwrap();
    assert_eq!(
        t.git(&t.root, &["log", "-1", "--format=%s", "fix"]),
        "fix it"
    );
}
