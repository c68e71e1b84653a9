//! Faults while workspaces are made and removed: the server (with git and
//! the setup command it runs) or the command line is killed with SIGKILL at
//! the worst moments, stopped there by a trap in a git hook or a setup
//! command (`tests/support/faults.rs`). After a restart nothing of the
//! user's is lost (a bystander workspace with work of every kind, and the
//! workspace's own snapshot), nothing half made is left or listed, the name
//! can be used again, the state file parses and `git fsck --full` is clean.
//!
//! The other fault tests: `e2e_faults_state.rs` (the state file written
//! while killed or with the disk full), `e2e_faults_git.rs` (snapshots,
//! merges and a job's merge step), `e2e_faults_clients.rs` (the dashboard,
//! the command line and an agent killed).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::faults::checks::{Bystander, assert_sound, registered, workspace_path};
use support::faults::{Trap, kill, kill_group, wait_gone, wait_until};
use support::grove::Server;
use support::repo::TestRepo;

/// A repository whose agent is the fake one (committed, so the main
/// worktree is clean), whose setup command is the trap, with the trap's
/// hooks installed.
fn scene(t: &TestRepo) -> Trap {
    t.use_fake_agent();
    t.commit_all(&t.root, "the fake agent");
    let trap = t.trap();
    t.user_setup(&trap.command("setup"));
    trap
}

fn names(t: &TestRepo) -> Vec<String> {
    t.listed_workspaces().into_iter().map(|(n, _)| n).collect()
}

/// `grove new half` is stopped at `point` (a match of `glob`) and the
/// server is killed with everything it runs (git, the setup command).
fn creation_killed_at(point: &str, glob: &str) {
    let t = TestRepo::new();
    let trap = scene(&t);
    let _server = Server(&t);
    let keep = Bystander::make(&t);
    let half = keep.path.with_file_name("half");

    trap.arm(point, glob);
    let mut new = t.grove_spawn(&["new", "half"]);
    trap.wait_for(&t, &mut new);
    let server = t.server_pid();
    kill_group(server);
    wait_gone(server);
    assert!(!new.wait().unwrap().success());

    // No server: `grove ls` reads the records, and shows nothing half made.
    assert_eq!(names(&t), ["keep"]);
    // The next command starts a server, which first takes back what the
    // killed one left half made: its worktree, branch and record.
    t.grove_ok(&["new", "after"]);
    assert_eq!(names(&t), ["keep", "after"]);
    assert!(!half.exists(), "the half-made worktree is still there");
    assert!(!registered(&t, &half));
    assert!(
        t.branches("grove/half").is_empty(),
        "its branch is still there"
    );
    keep.assert_intact(&t);
    assert_sound(&t);

    // The name is free again.
    t.grove_ok(&["new", "half"]);
    assert!(half.join("README.md").is_file());
    keep.assert_intact(&t);
    assert_sound(&t);
}

#[test]
fn killed_while_git_adds_the_worktree() {
    // The branch exists, the worktree is registered but not checked out:
    // `git worktree remove` alone refuses such a worktree.
    creation_killed_at(
        "reference-transaction",
        "prepared *ref:refs/heads/grove/half HEAD*",
    );
}

#[test]
fn killed_after_the_checkout() {
    creation_killed_at("post-checkout", "*");
}

#[test]
fn killed_during_the_setup_command() {
    creation_killed_at("setup", "*");
}

#[test]
fn killed_while_restoring_a_workspace() {
    let t = TestRepo::new();
    let trap = scene(&t);
    let _server = Server(&t);
    let keep = Bystander::make(&t);
    t.grove_ok(&["new", "gone"]);
    let gone = workspace_path(&t, "gone");
    support::repo::write_in(&gone, "draft.txt", b"a draft\n");
    t.grove_ok(&["rm", "--force", "gone"]);

    // `grove restore` runs in the command line; it is killed (with its git)
    // once the worktree is checked out, before the files come back.
    trap.arm("post-checkout", "*");
    let mut restore = t.grove_spawn(&["restore", "gone"]);
    trap.wait_for(&t, &mut restore);
    kill_group(restore.id());
    restore.wait().unwrap();
    assert_eq!(names(&t), ["keep"]);

    // Run again, it takes back the half-made one and restores.
    t.grove_ok(&["restore", "gone"]);
    assert_eq!(names(&t), ["keep", "gone"]);
    assert_eq!(
        std::fs::read_to_string(gone.join("draft.txt")).unwrap(),
        "a draft\n"
    );
    keep.assert_intact(&t);
    assert_sound(&t);
}

#[test]
fn killed_while_removing_a_workspace() {
    let t = TestRepo::new();
    let trap = scene(&t);
    let _server = Server(&t);
    let keep = Bystander::make(&t);
    t.grove_ok(&["new", "gone"]);
    let gone = workspace_path(&t, "gone");
    support::repo::write_in(&gone, "draft.txt", b"a draft\n");

    // The snapshot is saved and the worktree removed; the server dies as
    // git deletes the (merged) branch, which then stays.
    trap.arm(
        "reference-transaction",
        "prepared * 0000000000000000000000000000000000000000 refs/heads/grove/gone *",
    );
    let mut rm = t.grove_spawn(&["rm", "--force", "gone"]);
    trap.wait_for(&t, &mut rm);
    let server = t.server_pid();
    kill(server);
    wait_gone(server);
    trap.release(1);
    assert!(!rm.wait().unwrap().success());

    // The record says where the work went; its snapshot holds the draft.
    assert_eq!(names(&t), ["keep", "gone"]);
    assert!(!gone.exists());
    let snapshots = t.snapshot_refs();
    let saved = snapshots
        .iter()
        .find(|r| r.starts_with("refs/grove/snapshots/gone/"))
        .expect("the removal's snapshot");
    assert_eq!(t.show(saved, "draft.txt"), "a draft\n");

    // `grove rm` again finishes the removal, and the draft comes back.
    let out = t.grove_ok(&["rm", "gone"]);
    assert!(out.contains("already gone"), "{out}");
    assert!(t.branches("grove/gone").is_empty());
    t.grove_ok(&["restore", "gone"]);
    assert_eq!(
        std::fs::read_to_string(gone.join("draft.txt")).unwrap(),
        "a draft\n"
    );
    keep.assert_intact(&t);
    assert_sound(&t);
}

#[test]
fn the_command_line_killed_while_the_server_creates() {
    let t = TestRepo::new();
    let trap = scene(&t);
    let _server = Server(&t);
    let keep = Bystander::make(&t);

    trap.arm("setup", "*");
    let mut new = t.grove_spawn(&["new", "whole"]);
    trap.wait_for(&t, &mut new);
    kill_group(new.id());
    new.wait().unwrap();
    trap.release(0);

    // The server finishes the workspace nobody waits for any more.
    wait_until("workspace whole to be made", || {
        names(&t).contains(&"whole".to_owned())
    });
    let whole = workspace_path(&t, "whole");
    assert!(whole.join("README.md").is_file());
    keep.assert_intact(&t);
    assert_sound(&t);
}
