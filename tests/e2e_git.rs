//! The git side of the dashboard end to end: the watcher notices commits and
//! edits, the sidebar and `grove ls --json` show branch state and readiness,
//! and the merge key previews, merges, and hands a conflict to the agent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use grove::pane::PaneSize;
use support::grove::Server;
use support::pane::{wait_for_screen, wait_for_text, wait_until};
use support::repo::{TestRepo, write_in};

const SIZE: PaneSize = PaneSize {
    rows: 40,
    cols: 160,
};

fn listing(t: &TestRepo) -> serde_json::Value {
    serde_json::from_str(&t.grove_ok(&["ls", "--json"])).unwrap()
}

fn workspace(t: &TestRepo, name: &str) -> serde_json::Value {
    let json = listing(t);
    json["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == name)
        .unwrap()
        .clone()
}

fn path_of(t: &TestRepo, name: &str) -> PathBuf {
    PathBuf::from(workspace(t, name)["path"].as_str().unwrap())
}

fn commit(t: &TestRepo, dir: &Path, file: &str, text: &str) {
    write_in(dir, file, text.as_bytes());
    t.commit_all(dir, &format!("edit {file}"));
}

#[test]
fn the_watcher_shows_commits_edits_and_readiness() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "alpha"]);
    wait_until("the first read", || {
        !workspace(&t, "alpha")["git"].is_null()
    });
    assert_eq!(workspace(&t, "alpha")["git"]["readiness"], "no_changes");

    let alpha = path_of(&t, "alpha");
    write_in(&alpha, "notes.md", b"draft\n");
    wait_until("the edit to be seen", || {
        workspace(&t, "alpha")["git"]["readiness"] == "uncommitted"
    });
    t.commit_all(&alpha, "notes");
    wait_until("the commit to be seen", || {
        let git = &workspace(&t, "alpha")["git"];
        git["ahead"] == 1 && git["readiness"] == "ready"
    });
    let git = workspace(&t, "alpha")["git"].clone();
    assert_eq!(git["committed"]["files"], 1, "{git}");
    assert_eq!(git["committed"]["insertions"], 1, "{git}");
    assert_eq!(git["last_commit"]["summary"], "notes", "{git}");

    // The base moves on: alpha is behind.
    commit(&t, &t.root.clone(), "base.txt", "base\n");
    wait_until("behind", || workspace(&t, "alpha")["git"]["behind"] == 1);

    let dashboard = t.dashboard(&[], SIZE);
    let screen = wait_for_text(&dashboard, "Behind base (1)");
    assert!(screen.contains("↑1↓1"), "{screen}");
}

#[test]
fn overlapping_and_conflicting_workspaces_are_flagged() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.write("shared.txt", "one\ntwo\n");
    t.commit_all(&t.root.clone(), "shared");
    t.grove_ok(&["new", "left"]);
    t.grove_ok(&["new", "right"]);
    commit(&t, &path_of(&t, "left"), "shared.txt", "one\nLEFT\n");
    commit(&t, &path_of(&t, "right"), "shared.txt", "one\nRIGHT\n");
    wait_until("the overlap", || {
        let left = &workspace(&t, "left")["git"];
        left["overlaps"] == serde_json::json!(["right"])
    });
    // The base takes one side: the other now conflicts.
    t.git(
        &t.root.clone(),
        &["merge", "--quiet", "--no-ff", "-m", "left", "grove/left"],
    );
    wait_until("the conflict", || {
        let right = &workspace(&t, "right")["git"];
        right["readiness"] == "conflicts" && right["conflicts"] == serde_json::json!(["shared.txt"])
    });
}

#[test]
fn the_merge_key_previews_merges_and_offers_removal() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    // A clean main worktree on the base: the merge happens right there.
    t.commit_all(&t.root.clone(), "grove config");
    t.grove_ok(&["new", "feat"]);
    commit(&t, &path_of(&t, "feat"), "feature.txt", "feature\n");
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "fake agent in feat ready");
    dashboard.write(b"\x02m").unwrap();
    let preview = wait_for_text(&dashboard, "merge grove/feat into main");
    assert!(preview.contains("feature.txt"), "{preview}");
    assert!(preview.contains("predicted conflicts: none"), "{preview}");
    dashboard.write(b"y").unwrap();
    wait_for_text(&dashboard, "Merged 1 commit");
    dashboard.write(b"n").unwrap();
    assert_eq!(
        std::fs::read_to_string(t.root.join("feature.txt")).unwrap(),
        "feature\n"
    );
    wait_until("merged in the sidebar", || {
        workspace(&t, "feat")["git"]["readiness"] == "merged"
    });
}

#[test]
fn a_conflicting_merge_changes_nothing_and_can_go_to_the_agent() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.write("shared.txt", "one\ntwo\n");
    t.commit_all(&t.root.clone(), "shared");
    t.grove_ok(&["new", "clash"]);
    commit(&t, &path_of(&t, "clash"), "shared.txt", "one\nTHEIRS\n");
    commit(&t, &t.root.clone(), "shared.txt", "one\nOURS\n");
    let main_before = t.git(&t.root.clone(), &["rev-parse", "main"]);

    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "fake agent in clash ready");
    dashboard.write(b"\x02m").unwrap();
    wait_for_text(&dashboard, "predicted conflicts: shared.txt");
    dashboard.write(b"y").unwrap();
    wait_for_text(&dashboard, "Nothing was changed.");
    assert_eq!(t.git(&t.root.clone(), &["rev-parse", "main"]), main_before);
    dashboard.write(b"y").unwrap();
    // The fake agent answers each line it reads with "clash got: …".
    wait_for_text(&dashboard, "clash got: ");
}

#[test]
fn the_check_runs_after_each_commit_and_decides_readiness() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    let marker = t.dir.path().join("check-ran");
    let mut config = std::fs::read_to_string(t.root.join(".grove.yaml")).unwrap();
    config.push_str(&format!(
        "workspace:\n  check: \"echo ran >> '{}'; echo checking; test -f ok.txt && echo all good\"\n",
        marker.display()
    ));
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
    t.grove_ok(&["new", "checked"]);
    let dir = path_of(&t, "checked");

    // The repository's own file asks for the check: until the user trusts
    // it, the check fails without running.
    commit(&t, &dir, "first.txt", "first\n");
    wait_until("an untrusted check", || {
        workspace(&t, "checked")["git"]["check"] == "failed"
    });
    assert!(!marker.exists(), "an untrusted check ran");
    t.grove_ok(&["trust"]);

    commit(&t, &dir, "code.txt", "code\n");
    // Once it ran, the untrusted result is gone.
    wait_until("the trusted check to run", || marker.exists());
    wait_until("a failed check", || {
        let git = &workspace(&t, "checked")["git"];
        git["check"] == "failed" && git["readiness"] == "check_failed"
    });
    commit(&t, &dir, "ok.txt", "ok\n");
    wait_until("a passed check", || {
        let git = &workspace(&t, "checked")["git"];
        git["check"] == "passed" && git["readiness"] == "ready"
    });

    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "fake agent in checked ready");
    dashboard.write(b"\x02o").unwrap();
    let screen = wait_for_text(&dashboard, "all good");
    assert!(screen.contains("Check · checked"), "{screen}");
}

#[test]
fn the_remove_key_asks_snapshots_and_keeps_unmerged_work_unless_told() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "doomed"]);
    let dir = path_of(&t, "doomed");
    commit(&t, &dir, "work.txt", "work\n");
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "fake agent in doomed ready");

    dashboard.write(b"\x02X").unwrap();
    wait_for_text(&dashboard, "Remove workspace doomed?");
    dashboard.write(b"y").unwrap();
    // It has a commit the base lacks: asked again.
    wait_for_text(&dashboard, "Remove it anyway?");
    dashboard.write(b"y").unwrap();
    wait_until("the workspace to go", || {
        listing(&t)["workspaces"].as_array().unwrap().is_empty()
    });
    assert!(!dir.exists());
    // The branch (unmerged) and a snapshot stay.
    t.git(&t.root.clone(), &["rev-parse", "--verify", "grove/doomed"]);
    let snapshots = t.git(
        &t.root.clone(),
        &["for-each-ref", "refs/grove/snapshots/doomed/"],
    );
    assert_eq!(snapshots.lines().count(), 1, "{snapshots}");
}

#[test]
fn the_diff_key_shows_committed_and_uncommitted_work_against_the_base() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "alpha"]);
    let alpha = path_of(&t, "alpha");
    commit(&t, &alpha, "src/committed.rs", "fn committed() {}\n");
    write_in(&alpha, "README.md", b"changed, not committed\n");
    write_in(&alpha, "scratch.txt", b"untracked\n");
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_screen(&dashboard, "the dashboard", |s| s.contains("alpha"));
    dashboard.write(b"\x02D").unwrap();
    let screen = wait_for_screen(&dashboard, "the diff box", |s| {
        s.contains("Diff · alpha against its base")
    });
    assert!(screen.contains("+fn committed() {}"), "{screen}");
    assert!(screen.contains("+changed, not committed"), "{screen}");
    assert!(screen.contains("untracked (not in the diff):"), "{screen}");
    assert!(screen.contains("  scratch.txt"), "{screen}");
    // Any other key closes it.
    dashboard.write(b"q").unwrap();
    wait_for_screen(&dashboard, "the box to close", |s| {
        !s.contains("Diff · alpha")
    });
}

#[test]
fn a_worktree_deleted_by_hand_shows_as_missing_until_removed() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "gone"]);
    wait_until("the first read", || !workspace(&t, "gone")["git"].is_null());
    std::fs::remove_dir_all(path_of(&t, "gone")).unwrap();
    wait_until("the watcher to see it gone", || {
        workspace(&t, "gone")["git"]["readiness"] == "worktree_missing"
    });
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "Worktree missing");
    drop(dashboard);
    let removed = t.grove_ok(&["rm", "gone"]);
    assert!(removed.contains("already gone"), "{removed}");
    assert_eq!(listing(&t)["workspaces"], serde_json::json!([]));
}

#[test]
fn a_stuck_index_lock_is_shown_and_does_not_freeze_the_sidebar() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "stuck"]);
    wait_until("the first read", || {
        !workspace(&t, "stuck")["git"].is_null()
    });
    let stuck = path_of(&t, "stuck");
    // A git killed with SIGKILL mid-commit leaves its lock; the work goes on.
    let lock = PathBuf::from(t.git(
        &stuck,
        &[
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            "index.lock",
        ],
    ));
    std::fs::write(&lock, b"").unwrap();
    write_in(&stuck, "notes.md", b"draft\n");
    wait_until("the lock to be shown with the edit made under it", || {
        let git = &workspace(&t, "stuck")["git"];
        git["readiness"] == "index_locked"
            && git["untracked"] == 1
            && git["index_lock"] == lock.to_str().unwrap()
    });
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "index.lock held");
    drop(dashboard);
    // Removing it (what the user does) is seen without any other change.
    std::fs::remove_file(&lock).unwrap();
    wait_until("the lock to be gone", || {
        let git = &workspace(&t, "stuck")["git"];
        git["readiness"] == "uncommitted" && git["index_lock"].is_null()
    });
}

#[test]
fn a_worktree_switched_to_another_branch_is_shown_as_such() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "agent"]);
    wait_until("the first read", || {
        !workspace(&t, "agent")["git"].is_null()
    });
    let agent = path_of(&t, "agent");
    // The agent makes a branch of its own and commits there: by its
    // figures alone the workspace would look one commit ahead and ready.
    t.git(&agent, &["switch", "--quiet", "-c", "fix"]);
    commit(&t, &agent, "fix.txt", "the fix\n");
    wait_until("the other branch to be shown", || {
        let git = &workspace(&t, "agent")["git"];
        git["readiness"] == "off_branch" && git["ahead"] == 1
    });
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "On branch fix");
    // The merge key says so before and after y; the refusal is shown
    // whole, wrapped, with what to do.
    dashboard.write(b"\x02m").unwrap();
    wait_for_text(
        &dashboard,
        "its worktree is on branch fix, not grove/agent:",
    );
    dashboard.write(b"y").unwrap();
    let screen = wait_for_text(&dashboard, "Not merged");
    // The box's rows read as one text once the borders are gone.
    let joined = screen
        .replace(['│', '┃'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("`git switch grove/agent && git merge fix`), then merge again"),
        "{screen}"
    );
    dashboard.write(b"q").unwrap();
    wait_for_screen(&dashboard, "the box closed", |s| !s.contains("Not merged"));
    drop(dashboard);
    t.git(&agent, &["switch", "--quiet", "grove/agent"]);
    wait_until("its own branch again", || {
        workspace(&t, "agent")["git"]["readiness"] == "no_changes"
    });
}
