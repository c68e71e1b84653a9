//! Another local user gets nothing from grove: not the socket (which starts
//! processes as us), not the workspace records, not the server log, not the
//! worktrees under grove's data directory. The second user is `nobody`
//! (uid 65534), so these tests need root to become it and skip otherwise.
//!
//! The probe that acts as `nobody` is this test binary itself, copied where
//! `nobody` may run it and started with `--ignored --exact probe`: it tries
//! each target and prints what happened. Run as ourselves first, the same
//! probe reaches every target, which shows it can tell the two apart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::fs;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use grove::sys::current_uid;
use support::grove::Server;
use support::repo::TestRepo;

const NOBODY: u32 = 65534;
/// Where the probe reads its targets: one `kind path` per line.
const TARGETS_ENV: &str = "GROVE_SECURITY_PROBE";

/// What the probe does with a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Connect,
    Read,
    List,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Connect => "connect",
            Action::Read => "read",
            Action::List => "list",
        }
    }
}

/// Not a test of its own: the body the other tests run as another user.
#[test]
#[ignore = "the probe the security tests start as uid 65534"]
fn probe() {
    let Ok(targets) = std::env::var(TARGETS_ENV) else {
        return;
    };
    for line in targets.lines() {
        let (action, path) = line.split_once(' ').unwrap();
        let tried = match action {
            "connect" => std::os::unix::net::UnixStream::connect(path).map(drop),
            "read" => fs::read(path).map(drop),
            "list" => fs::read_dir(path).map(drop),
            other => panic!("unknown probe action {other}"),
        };
        let outcome = match tried {
            Ok(()) => "reached".to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => "denied".to_owned(),
            Err(e) => format!("failed: {e}"),
        };
        println!("PROBE {action} {path} => {outcome}");
    }
}

/// Runs the probe over `targets` as `uid` (ourselves when `None`); what it
/// saw of each, in order.
fn run_probe(binary: &Path, targets: &[(Action, PathBuf)], uid: Option<u32>) -> Vec<String> {
    let list: Vec<String> = targets
        .iter()
        .map(|(action, path)| format!("{} {}", action.name(), path.display()))
        .collect();
    let mut command = Command::new(binary);
    command
        .args([
            "--ignored",
            "--exact",
            "probe",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(TARGETS_ENV, list.join("\n"))
        .current_dir("/");
    if let Some(uid) = uid {
        // std drops the supplementary groups when root sets a uid.
        command.uid(uid).gid(uid);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "probe failed: {output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let seen: Vec<String> = stdout
        .lines()
        // The harness's "test probe ... " may share the first line.
        .filter_map(|l| Some(&l[l.find("PROBE ")? + "PROBE ".len()..]))
        .map(|l| l.split(" => ").nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(seen.len(), targets.len(), "probe output: {stdout}");
    seen
}

/// This test binary, copied where another user may run it.
fn probe_binary(dir: &Path) -> PathBuf {
    let copy = dir.join("probe");
    fs::copy(std::env::current_exe().unwrap(), &copy).unwrap();
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// Opens every directory on the way to grove's own directories (the test's
/// temporary directory is 0700 by itself), so that only the modes grove set
/// keep another user out.
fn open_the_way(t: &TestRepo) {
    let paths = t.grove_paths();
    for grove_dir in [&paths.state_dir, &paths.data_dir, &paths.runtime_dir] {
        for dir in grove_dir.ancestors().skip(1) {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
            if dir == t.dir.path() {
                break;
            }
        }
    }
}

/// The worktree of the workspace `name`, as `grove ls --json` gives it.
fn worktree(t: &TestRepo, name: &str) -> PathBuf {
    let listing: serde_json::Value = serde_json::from_str(&t.grove_ok(&["ls", "--json"])).unwrap();
    let found = listing["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == name)
        .unwrap();
    PathBuf::from(found["path"].as_str().unwrap())
}

#[test]
fn another_user_cannot_reach_the_socket_the_records_the_log_or_the_worktrees() {
    if current_uid() != 0 {
        eprintln!("skipped: becoming a second user needs root");
        return;
    }
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "secret"]);
    let tree = worktree(&t, "secret");
    fs::write(tree.join("draft.txt"), "uncommitted work\n").unwrap();
    open_the_way(&t);
    let probe_dir = tempfile::tempdir().unwrap();
    fs::set_permissions(probe_dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let binary = probe_binary(probe_dir.path());

    let paths = t.grove_paths();
    let targets = vec![
        (Action::Connect, paths.socket_path()),
        (Action::List, paths.runtime_dir.clone()),
        (Action::Read, paths.state_file()),
        (Action::Read, paths.server_log_path()),
        (Action::List, paths.state_dir.clone()),
        (Action::List, paths.data_dir.clone()),
        (Action::Read, tree.join("draft.txt")),
    ];
    let ours = run_probe(&binary, &targets, None);
    assert!(
        ours.iter().all(|s| s == "reached"),
        "the owner must reach every target: {targets:?} {ours:?}"
    );
    let theirs = run_probe(&binary, &targets, Some(NOBODY));
    for ((action, path), outcome) in targets.iter().zip(&theirs) {
        assert_eq!(
            outcome,
            "denied",
            "uid {NOBODY} could {} {}",
            action.name(),
            path.display()
        );
    }
}

/// Every file under `dir` (not following symlinks), with its mode.
fn tree_modes(dir: &Path, out: &mut Vec<(PathBuf, u32, bool)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = fs::symlink_metadata(entry.path()).unwrap();
        let is_dir = meta.file_type().is_dir();
        out.push((entry.path(), meta.mode() & 0o777, is_dir));
        if is_dir {
            tree_modes(&entry.path(), out);
        }
    }
}

#[test]
fn what_grove_writes_is_0600_and_its_directories_0700() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "first"]);
    t.grove_ok(&["snapshot", "first"]);
    t.grove_ok(&["ls"]);
    let paths = t.grove_paths();

    let mut seen = Vec::new();
    for dir in [&paths.state_dir, &paths.runtime_dir] {
        seen.push((dir.clone(), fs::metadata(dir).unwrap().mode() & 0o777, true));
        tree_modes(dir, &mut seen);
    }
    // Under the data directory grove makes the directories; the worktrees
    // in them are git's, and their files the agents'.
    let worktrees = paths.worktrees_root();
    for dir in [&paths.data_dir, &worktrees] {
        seen.push((dir.clone(), fs::metadata(dir).unwrap().mode() & 0o777, true));
    }
    for entry in fs::read_dir(&worktrees).unwrap() {
        let path = entry.unwrap().path();
        seen.push((
            path.clone(),
            fs::metadata(&path).unwrap().mode() & 0o777,
            true,
        ));
    }
    assert!(seen.len() >= 8, "too little to check: {seen:?}");
    for (path, mode, is_dir) in seen {
        let want = match is_dir {
            true => 0o700,
            false => 0o600,
        };
        assert_eq!(mode, want, "{} is {mode:o}", path.display());
    }
}
