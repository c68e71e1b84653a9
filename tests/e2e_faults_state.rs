//! Faults while the state file is written: a server killed in the middle of
//! writing it, and a disk that fills up under it. The server is started by
//! hand so the test can set its file size limit (`prlimit`): with SIGXFSZ
//! left alone, the kernel kills it inside the `write` that crosses the
//! limit; with SIGXFSZ ignored, that `write` fails with EFBIG, as on a full
//! disk. Either way the previous state must stay intact and parse.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::os::unix::process::ExitStatusExt as _;

use support::faults::checks::{Bystander, assert_sound};
use support::faults::{Xfsz, wait_until};
use support::grove::Server;
use support::repo::TestRepo;

fn names(t: &TestRepo) -> Vec<String> {
    t.listed_workspaces().into_iter().map(|(n, _)| n).collect()
}

fn scene(t: &TestRepo) {
    t.use_fake_agent();
    t.commit_all(&t.root, "the fake agent");
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn killed_while_writing_the_state_file() {
    let t = TestRepo::new();
    scene(&t);
    let _server = Server(&t);
    let mut server = t.start_server(Xfsz::Kills);
    let keep = Bystander::make(&t);
    let before = t.state_text();

    // Half the file fits under the limit: the server dies in the write.
    let limit = before.len() as u64 / 2;
    t.limit_file_size(server.id(), Some(limit));
    let new = t.grove(&t.root, &["new", "half"]);
    assert!(!new.status.success());
    let died = server.wait().unwrap();
    assert_eq!(
        died.signal(),
        Some(nix::sys::signal::Signal::SIGXFSZ as i32),
        "{died:?}"
    );

    // It died with the new version half written beside the old one, which
    // is intact.
    assert_eq!(t.state_text(), before);
    let litter = t.state_litter();
    assert_eq!(litter.len(), 1, "{litter:?}");
    let partial = t.grove_paths().state_file().with_file_name(&litter[0]);
    assert_eq!(std::fs::metadata(&partial).unwrap().len(), limit);
    assert_eq!(names(&t), ["keep"]);

    // The next command starts a server and its write sweeps the remains.
    t.grove_ok(&["new", "half"]);
    assert_eq!(names(&t), ["keep", "half"]);
    keep.assert_intact(&t);
    assert_sound(&t);
}

#[test]
fn a_full_disk_keeps_the_previous_state_and_the_server() {
    let t = TestRepo::new();
    scene(&t);
    let trap = t.trap();
    t.user_setup(&trap.command("setup"));
    let _server = Server(&t);
    let mut server = t.start_server(Xfsz::Ignored);
    let pid = server.id();
    let keep = Bystander::make(&t);

    // Full when the record would be written: nothing is made.
    let before = t.state_text();
    t.limit_file_size(pid, Some(before.len() as u64));
    let refused = t.grove(&t.root, &["new", "early"]);
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(
        message.contains("workspaces.yaml") && message.contains("File too large"),
        "{message}"
    );
    assert!(server.try_wait().unwrap().is_none(), "the server died");
    assert!(t.server_answers());
    assert_eq!(t.state_text(), before);
    assert!(t.state_litter().is_empty(), "{:?}", t.state_litter());
    assert!(t.branches("grove/early").is_empty());

    // Full when the finished workspace is recorded: git has made it, and
    // the rollback cannot write the state either.
    t.limit_file_size(pid, None);
    trap.arm("setup", "*");
    let mut late = t.grove_spawn(&["new", "late"]);
    trap.wait_for(&t, &mut late);
    let during = t.state_text();
    t.limit_file_size(pid, Some(16));
    trap.release(0);
    assert!(!late.wait().unwrap().success());
    let message = t.spawned_stderr();
    assert!(
        message.contains("workspaces.yaml") && message.contains("File too large"),
        "{message}"
    );
    assert!(server.try_wait().unwrap().is_none(), "the server died");
    assert_eq!(t.state_text(), during, "the previous state changed");
    assert_eq!(names(&t), ["keep"]);

    // Space again: the next write succeeds, and the half-made workspace is
    // taken back before it is made anew.
    t.limit_file_size(pid, None);
    t.grove_ok(&["new", "late"]);
    wait_until("late to be listed", || names(&t) == ["keep", "late"]);
    assert!(server.try_wait().unwrap().is_none(), "the server died");
    keep.assert_intact(&t);
    assert_sound(&t);
}
