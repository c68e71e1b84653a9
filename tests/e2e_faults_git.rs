//! Faults in git operations: a snapshot, a merge and a job's merge step
//! killed with SIGKILL while git is inside them, stopped there by a trap in
//! the repository's `reference-transaction` hook or its clean filter
//! (`tests/support/faults/mod.rs`).
//! Nothing of the user's may be lost or changed by half, and what the
//! operation left half done is taken back or finished on the next try.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;

use grove::job::ledger::ItemState;
use support::faults::checks::{Bystander, assert_sound, registered, workspace_path};
use support::faults::{kill, kill_group, wait_gone};
use support::grove::Server;
use support::jobs::{job_yaml, numbered_sources, with_header};
use support::merge::{files, rev};
use support::repo::{TestRepo, write_in};

fn scene(t: &TestRepo) {
    t.use_fake_agent();
    t.commit_all(&t.root, "the fake agent");
}

#[test]
fn killed_while_saving_a_snapshot() {
    let t = TestRepo::new();
    scene(&t);
    let _server = Server(&t);
    let keep = Bystander::make(&t);
    let trap = t.trap();

    // `grove snapshot` dies (with its git) while `git add` puts the
    // worktree's files into the snapshot's copy of the index.
    trap.arm("clean", "untracked.txt");
    let mut snapshot = t.grove_spawn(&["snapshot", "keep"]);
    trap.wait_for(&t, &mut snapshot);
    kill_group(snapshot.id());
    snapshot.wait().unwrap();

    // The agent's files and index were never touched, and no lock is left
    // in its worktree.
    keep.assert_intact(&t);
    let lock = t.git(
        &keep.path,
        &[
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            "index.lock",
        ],
    );
    assert!(!PathBuf::from(lock).exists(), "index.lock left behind");

    // The next snapshot is saved, beside the one made before.
    t.grove_ok(&["snapshot", "keep"]);
    let listed = t.grove_ok(&["restore", "keep", "--list", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let snapshots = json["snapshots"].as_array().unwrap();
    assert_eq!(snapshots.len(), 2, "{listed}");
    let newest = snapshots[1]["ref"].as_str().unwrap();
    assert_eq!(t.show(newest, "untracked.txt"), "untracked\n");
    assert_eq!(t.show(newest, "kept.txt"), "committed\nthen changed\n");
    assert_sound(&t);
}

/// `grove merge feat` runs in a temporary worktree (main is checked out
/// nowhere) and is killed at `glob`; `group` kills its git too, otherwise
/// git's transaction is let go and aborts.
fn merge_killed_at(glob: impl Fn(&str) -> String, group: bool) {
    let t = TestRepo::new();
    scene(&t);
    let _server = Server(&t);
    let keep = Bystander::make(&t);
    t.grove_ok(&["new", "feat"]);
    let feat = workspace_path(&t, "feat");
    write_in(&feat, "feature.txt", b"feature\n");
    t.commit_all(&feat, "add the feature");
    t.git(&t.root, &["checkout", "--quiet", "-b", "elsewhere"]);
    let (main_tip, feat_tip) = (rev(&t, "main"), rev(&t, "grove/feat"));
    let (main_files, feat_files) = (files(&t.root), files(&feat));
    let trap = t.trap();

    trap.arm("reference-transaction", &glob(&main_tip));
    let mut merge = t.grove_spawn(&["merge", "feat", "--yes"]);
    trap.wait_for(&t, &mut merge);
    match group {
        true => kill_group(merge.id()),
        false => {
            kill(merge.id());
            merge.wait().unwrap();
            trap.release(1);
        }
    }
    assert!(!merge.wait().unwrap().success());

    // Nothing moved, nothing changed.
    assert_eq!(rev(&t, "main"), main_tip);
    assert_eq!(rev(&t, "grove/feat"), feat_tip);
    assert_eq!(files(&t.root), main_files);
    assert_eq!(files(&feat), feat_files);
    keep.assert_intact(&t);
    let scratch: Vec<PathBuf> = t
        .worktrees()
        .into_iter()
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".merge-")
        })
        .collect();
    assert_eq!(scratch.len(), 1, "the killed merge's worktree: {scratch:?}");

    // A new server takes the temporary worktree back.
    t.grove_ok(&["kill-server"]);
    t.grove_ok(&["new", "after"]);
    assert!(!registered(&t, &scratch[0]));
    assert!(!scratch[0].exists());
    assert_sound(&t);

    // And the merge, run again, merges.
    t.grove_ok(&["merge", "feat", "--yes"]);
    assert_eq!(t.show("main", "feature.txt"), "feature\n");
    keep.assert_intact(&t);
    assert_sound(&t);
}

#[test]
fn killed_while_git_merges_in_the_temporary_worktree() {
    // The merge commit is made and git moves the temporary worktree's HEAD.
    merge_killed_at(|main| format!("prepared {main} * HEAD *"), true);
}

#[test]
fn killed_while_the_base_moves() {
    merge_killed_at(|main| format!("prepared {main} * refs/heads/main *"), false);
}

#[test]
fn killed_during_a_jobs_merge_step() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let sources = numbered_sources(2);
    t.add_sources(&sources);
    t.use_job_agent("");
    let keep = Bystander::make(&t);
    let job = t.write_job(&job_yaml("fj", r#"{ glob: "src/*.rs" }"#, 1, ""));
    let trap = t.trap();

    // The first item's merge into the integration branch (which starts at
    // main): the server dies as git moves the branch, which git then
    // leaves where it was.
    let main = rev(&t, "main");
    trap.arm(
        "reference-transaction",
        &format!("prepared {main} * refs/heads/grove/job/fj *"),
    );
    let mut run = t.grove_spawn(&["run", job.to_str().unwrap()]);
    trap.wait_for(&t, &mut run);
    // (The ledger says `checking` for the whole finish: check and merge.)
    let ledger = t.ledger("fj");
    assert_eq!(ledger.items[0].state, ItemState::Checking, "{ledger:#?}");
    let server = t.server_pid();
    kill(server);
    wait_gone(server);
    trap.release(1);
    assert!(!run.wait().unwrap().success());

    // The ledger is readable and the item's work is in its workspace.
    let ledger = t.ledger("fj");
    let workspace = ledger.items[0].workspace.clone().unwrap();
    assert_eq!(rev(&t, "grove/job/fj"), main);
    let branch = format!("grove/{workspace}");
    assert_eq!(t.subjects(&branch)[0], "Header for src/f01.rs");

    // Resumed, the item is merged once, without its agent running again.
    let resumed = t.grove(&t.root, &["job", "resume", "fj"]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let ledger = t.ledger("fj");
    for record in &ledger.items {
        assert_eq!(record.state, ItemState::Merged, "{record:#?}");
        assert!(record.snapshot.is_some(), "{record:#?}");
    }
    let subjects = t.subjects("grove/job/fj");
    for (path, original) in &sources {
        let work = format!("Header for {path}");
        assert_eq!(subjects.iter().filter(|s| **s == work).count(), 1);
        assert_eq!(t.show("grove/job/fj", path), with_header(path, original));
    }
    let events = |prefix: &str| -> Vec<bool> {
        t.agent_events()
            .iter()
            .filter(|e| e.workspace.starts_with(prefix))
            .map(|e| e.start)
            .collect()
    };
    // The first item's agent had finished: it never runs again.
    assert_eq!(events("fj-1-"), [true, false], "{}", t.agent_log());
    // The second may have started before the kill (the slot frees when the
    // first agent exits); that agent died with the server unfinished and
    // ran again. Once one of its agents finished, none started again.
    let second = events("fj-2-");
    let finished = second.iter().position(|start| !start);
    assert!(
        finished.is_some_and(|end| end + 1 == second.len() && second[..end].iter().all(|s| *s)),
        "{}",
        t.agent_log()
    );
    keep.assert_intact(&t);
    assert_sound(&t);
}
