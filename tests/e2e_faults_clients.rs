//! Faults outside the server: a dashboard client killed with SIGKILL as it
//! attaches and while attached (its agents keep running, and the next
//! dashboard attaches to them), and an agent killed in the middle of a
//! `git commit` (its work is still in its worktree, and grove says it
//! exited).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;
use std::time::Duration;

use grove::pane::PaneSize;
use support::faults::checks::{assert_sound, workspace_path};
use support::faults::{kill, kill_group, wait_gone, wait_until};
use support::grove::Server;
use support::pane::{wait_for_exit, wait_for_text};
use support::repo::TestRepo;
use support::status::{Timeline, wait_for_state};

const SIZE: PaneSize = PaneSize {
    rows: 30,
    cols: 120,
};

#[test]
fn a_killed_dashboard_leaves_its_agents_running() {
    let t = TestRepo::new();
    t.use_fake_agent();
    let _server = Server(&t);
    t.grove_ok(&["new", "alpha"]);

    // Killed at once, wherever it is in attaching; then as the first frame
    // arrives, with the server still writing it.
    let first = t.dashboard(&[], SIZE);
    kill(first.pid());
    wait_for_exit(&first);
    let drawing = t.dashboard(&[], SIZE);
    wait_until("the first frame to arrive", || {
        !drawing.contents().trim().is_empty()
    });
    kill(drawing.pid());
    wait_for_exit(&drawing);
    assert!(t.server_answers(), "the server died with its client");

    // Killed while attached, right after the agent answered.
    let second = t.dashboard(&[], SIZE);
    wait_for_text(&second, "fake agent in alpha ready");
    second.write(b"one\r").unwrap();
    wait_for_text(&second, "alpha got: one");
    kill(second.pid());
    wait_for_exit(&second);

    // The agent never noticed: it runs, and has the line.
    let alpha = workspace_path(&t, "alpha");
    assert_eq!(
        std::fs::read_to_string(alpha.join("notes.txt")).unwrap(),
        "one\n"
    );
    let json = t.workspace_json("alpha");
    assert_eq!(json["status"], "running", "{json:#}");

    // A new dashboard shows its screen as it was and types into it.
    let third = t.dashboard(&[], SIZE);
    wait_for_text(&third, "alpha got: one");
    third.write(b"two\r").unwrap();
    wait_for_text(&third, "alpha got: two");
    assert_eq!(
        std::fs::read_to_string(alpha.join("notes.txt")).unwrap(),
        "one\ntwo\n"
    );
    third.write(b"\x02d").unwrap();
    wait_for_exit(&third);
    assert_sound(&t);
}

/// An agent that commits every line it reads as `work.txt`, after writing
/// its pid where the test finds it.
fn use_committing_agent(t: &TestRepo) -> PathBuf {
    let pid_file = t.outside().join("agent.pid");
    let script = t.outside().join("committer.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n\
             echo $$ > '{}'\n\
             echo 'committer ready'\n\
             while IFS= read -r line; do\n\
             \x20 echo \"$line\" > work.txt\n\
             \x20 git add -A && git commit -qm \"$line\"\n\
             \x20 echo \"committed $line\"\n\
             done\n",
            pid_file.display()
        ),
    )
    .unwrap();
    let config = format!(
        "agent: committer\nagents:\n  committer:\n    command: [\"sh\", \"{}\"]\n",
        script.display()
    );
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
    t.commit_all(&t.root, "the committing agent");
    pid_file
}

#[test]
fn an_agent_killed_mid_commit_keeps_its_work_and_shows_exited() {
    let t = TestRepo::new();
    let pid_file = use_committing_agent(&t);
    let _server = Server(&t);
    t.grove_ok(&["new", "busy"]);
    let busy = workspace_path(&t, "busy");
    wait_until("the agent to start", || {
        std::fs::read_to_string(&pid_file).is_ok_and(|s| s.ends_with('\n'))
    });
    let agent: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let start = t.git(&t.root, &["rev-parse", "grove/busy"]);

    // git has written the commit and holds the index and branch locks; the
    // agent's whole process group (git and its hook with it) dies there.
    let trap = t.trap();
    trap.arm("reference-transaction", "prepared *refs/heads/grove/busy *");
    t.grove_ok(&["send", "busy", "precious work"]);
    trap.wait();
    kill_group(agent);
    wait_gone(agent);

    let mut timeline = Timeline::default();
    wait_for_state(&t, "busy", "exited", Duration::from_secs(20), &mut timeline);
    // The work is in the worktree and staged; the branch did not move.
    assert_eq!(
        std::fs::read_to_string(busy.join("work.txt")).unwrap(),
        "precious work\n"
    );
    let staged = t.git(
        &busy,
        &["--no-optional-locks", "diff", "--cached", "--name-only"],
    );
    assert_eq!(staged, "work.txt");
    assert_eq!(t.git(&t.root, &["rev-parse", "grove/busy"]), start);
    // Git's own lock stays (grove cannot tell a dead git from a slow one),
    // but a snapshot does not need it: the work is saved.
    t.grove_ok(&["snapshot", "busy"]);
    let snapshot = t
        .snapshot_refs()
        .into_iter()
        .find(|r| r.starts_with("refs/grove/snapshots/busy/"))
        .unwrap();
    assert_eq!(t.show(&snapshot, "work.txt"), "precious work\n");
    assert_sound(&t);
}
