//! Killing panes: the whole process group goes, the child is reaped, and the
//! exit is recorded, including for programs that ignore SIGTERM.

mod support;

use std::time::Duration;

use grove::pane::{PaneSpec, ProcessExit};
use support::pane::{gone_or_foreign_zombie, proc_state, sh, spawn, tempdir, wait_for_exit};

/// Reads "PIDS <child> <grandchild>" from the screen.
fn pids(pane: &grove::pane::Pane) -> (u32, u32) {
    let screen = support::pane::wait_for_screen(pane, "the PIDS line", |s| {
        s.lines()
            .any(|l| l.starts_with("PIDS ") && l.split_whitespace().count() == 3)
    });
    let line = screen
        .lines()
        .find(|l| l.starts_with("PIDS "))
        .unwrap_or_default();
    let numbers: Vec<u32> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 2, "bad PIDS line {line:?}");
    (numbers[0], numbers[1])
}

#[test]
fn kill_takes_down_a_child_and_grandchild_that_ignore_sigterm() {
    let dir = tempdir();
    // `trap ''` sets SIG_IGN, which the background sleep inherits; HUP too,
    // or the kernel's hangup of the session would do the group kill for us.
    let mut spec = sh(
        "trap '' TERM HUP; sleep 1000 & echo PIDS $$ $!; wait",
        dir.path(),
    );
    spec.kill_grace = Duration::from_millis(300);
    let pane = spawn(spec);
    let (child, grandchild) = pids(&pane);
    assert_eq!(child, pane.pid());
    assert!(
        proc_state(grandchild).is_some(),
        "grandchild {grandchild} is running"
    );
    let exit = pane.kill().unwrap_or_else(|e| panic!("kill failed: {e}"));
    assert_eq!(exit, ProcessExit::Signal { signal: 9 });
    assert_eq!(*pane.exit_status().borrow(), Some(exit));
    // Our own child is reaped, not a zombie.
    assert_eq!(
        proc_state(child),
        None,
        "child {child} still has a /proc entry"
    );
    support::pane::wait_until("the grandchild to be gone", || {
        gone_or_foreign_zombie(grandchild)
    });
}

#[test]
fn a_cooperative_program_ends_at_the_first_signal() {
    let dir = tempdir();
    let pane = spawn(PaneSpec::new(["sleep", "1000"], dir.path()));
    let pid = pane.pid();
    assert_eq!(pane.kill().ok(), Some(ProcessExit::Signal { signal: 1 }));
    assert_eq!(proc_state(pid), None);
}

#[test]
fn an_interactive_shell_that_ignores_sigterm_ends_without_the_grace_period() {
    let dir = tempdir();
    // Interactive shells ignore SIGTERM; SIGHUP (what a closing terminal
    // sends) ends them. With a grace period this long, only SIGHUP can have.
    let mut spec = PaneSpec::new(
        ["sh", "-c", "trap '' TERM; echo ready; exec sleep 1000"],
        dir.path(),
    );
    spec.kill_grace = std::time::Duration::from_secs(600);
    let pane = spawn(spec);
    support::pane::wait_for_text(&pane, "ready");
    assert_eq!(pane.kill().ok(), Some(ProcessExit::Signal { signal: 1 }));
}

#[test]
fn leftovers_of_an_exited_program_are_killed_with_the_pane() {
    let dir = tempdir();
    // The leader exits; the sleep ignores the SIGHUP the kernel sends the
    // foreground group when a session leader exits, and stays in the group.
    let mut spec = sh(
        "trap '' HUP; sleep 1000 & echo PIDS $$ $!; exit 3",
        dir.path(),
    );
    spec.kill_grace = Duration::from_millis(300);
    let pane = spawn(spec);
    let (_, grandchild) = pids(&pane);
    assert_eq!(wait_for_exit(&pane), ProcessExit::Code { code: 3 });
    assert!(
        !gone_or_foreign_zombie(grandchild),
        "the grandchild should have outlived its parent"
    );
    assert_eq!(pane.kill().ok(), Some(ProcessExit::Code { code: 3 }));
    support::pane::wait_until("the leftover grandchild to be gone", || {
        gone_or_foreign_zombie(grandchild)
    });
}

#[test]
fn dropping_a_pane_kills_it() {
    let dir = tempdir();
    let mut spec = sh(
        "trap '' TERM HUP; sleep 1000 & echo PIDS $$ $!; wait",
        dir.path(),
    );
    spec.kill_grace = Duration::from_millis(100);
    let pane = spawn(spec);
    let (child, grandchild) = pids(&pane);
    drop(pane);
    support::pane::wait_until("the dropped pane's child to be reaped", || {
        proc_state(child).is_none()
    });
    support::pane::wait_until("the dropped pane's grandchild to be gone", || {
        gone_or_foreign_zombie(grandchild)
    });
}
