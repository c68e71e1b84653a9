//! Reading git state must never get in the way of the agent's own git: no
//! `index.lock` taken, the index never rewritten, and no reading at all while
//! the agent holds the lock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use grove::git::{CommitMemo, StateRead, read_state};
use grove::workspace;
use support::repo::{TestRepo, hermetic_env, write_in};

fn workspace_in(t: &TestRepo, name: &str) -> PathBuf {
    workspace::create(&t.ctx(), &t.request(name)).unwrap().path
}

fn index_path(t: &TestRepo, worktree: &Path) -> PathBuf {
    PathBuf::from(t.git(
        worktree,
        &["rev-parse", "--path-format=absolute", "--git-path", "index"],
    ))
}

#[test]
fn a_held_index_lock_means_busy_and_reading_resumes_after() {
    let t = TestRepo::new();
    let wt = workspace_in(&t, "busy");
    let lock = index_path(&t, &wt).with_extension("lock");
    std::fs::write(&lock, b"").unwrap();
    let repo = t.repo().open().unwrap();

    match read_state(&t.git, &repo, &wt, "main", &mut CommitMemo::default()).unwrap() {
        StateRead::Busy { lock: reported } => assert_eq!(reported, lock),
        StateRead::Read(state) => panic!("read through a held lock: {state:?}"),
    }
    std::fs::remove_file(&lock).unwrap();
    match read_state(&t.git, &repo, &wt, "main", &mut CommitMemo::default()).unwrap() {
        StateRead::Read(state) => assert_eq!(state.branch.as_deref(), Some("grove/busy")),
        StateRead::Busy { lock } => panic!("still busy: {}", lock.display()),
    }
}

#[test]
fn a_lock_held_longer_than_a_commit_takes_is_read_through_and_reported() {
    let t = TestRepo::new();
    let wt = workspace_in(&t, "stuck");
    // What a git killed with SIGKILL mid-commit leaves: a lock nobody will
    // remove, written a while ago.
    let lock = index_path(&t, &wt).with_extension("lock");
    std::fs::File::create(&lock)
        .unwrap()
        .set_modified(SystemTime::now() - 2 * grove::git::LOCK_PATIENCE)
        .unwrap();
    write_in(&wt, "new.txt", b"work\n");
    let repo = t.repo().open().unwrap();
    let state = match read_state(&t.git, &repo, &wt, "main", &mut CommitMemo::default()).unwrap() {
        StateRead::Read(state) => state,
        StateRead::Busy { lock } => panic!("waits on a stale lock: {}", lock.display()),
    };
    // The work since is seen, and the lock is named.
    assert_eq!(state.untracked, 1);
    assert_eq!(state.index_lock.as_deref(), Some(lock.as_path()));
    assert_eq!(
        workspace::readiness::readiness(
            &state,
            Some("grove/stuck"),
            None,
            &workspace::readiness::CheckStatus::NotConfigured,
            &[]
        ),
        workspace::readiness::Readiness::IndexLocked
    );
    std::fs::remove_file(&lock).unwrap();
    match read_state(&t.git, &repo, &wt, "main", &mut CommitMemo::default()).unwrap() {
        StateRead::Read(state) => assert_eq!(state.index_lock, None),
        StateRead::Busy { lock } => panic!("still busy: {}", lock.display()),
    }
}

#[test]
fn reading_never_rewrites_the_index() {
    let t = TestRepo::new();
    t.write("other.txt", "other\n");
    t.commit_all(&t.root, "other");
    let wt = workspace_in(&t, "stat");
    // A stat-dirty but unchanged file makes a plain `git status` or `git
    // diff` refresh the index and write it back. `git diff` even does so
    // under `--no-optional-locks`, as soon as one of the paths it compares is
    // stat-dirty but equal: README, staged and then changed back.
    let touched = std::fs::File::options()
        .append(true)
        .open(wt.join("other.txt"))
        .unwrap();
    touched
        .set_modified(SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    write_in(&wt, "README.md", b"staged\n");
    t.git(&wt, &["add", "README.md"]);
    write_in(&wt, "README.md", b"hello\n");
    write_in(&wt, "new.txt", b"x\n");
    t.git(&wt, &["add", "new.txt"]);
    write_in(&wt, "new.txt", b"x\ny\n");
    let index = index_path(&t, &wt);
    let before = (std::fs::read(&index).unwrap(), modified(&index));
    std::thread::sleep(Duration::from_millis(20));

    let repo = t.repo().open().unwrap();
    for _ in 0..3 {
        match read_state(&t.git, &repo, &wt, "main", &mut CommitMemo::default()).unwrap() {
            // README's content is back to HEAD's: only new.txt counts.
            StateRead::Read(state) => assert_eq!(
                (state.uncommitted.files, state.uncommitted.insertions),
                (1, 2)
            ),
            StateRead::Busy { lock } => panic!("busy: {}", lock.display()),
        }
    }
    let after = (std::fs::read(&index).unwrap(), modified(&index));
    assert!(before == after, "read_state rewrote {}", index.display());
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// The agent commits in a tight loop while the dashboard reads the same
/// worktree as fast as it can: every commit must succeed.
#[test]
fn an_agent_committing_in_a_loop_never_meets_our_lock() {
    const COMMITS: usize = 200;
    let t = TestRepo::new();
    // Enough files that a status walk takes a while: a reader that took the
    // lock would hold it long enough to be caught.
    for i in 0..1500 {
        t.write(&format!("src/m{}/f{i}.txt", i % 30), &format!("{i}\n"));
    }
    t.commit_all(&t.root, "many files");
    let wt = workspace_in(&t, "agent");
    let script = format!(
        "set -e; i=0; while [ $i -lt {COMMITS} ]; do i=$((i+1)); \
         echo $i >> loop.txt; echo $i > src/m$((i % 30))/f$i.txt; \
         git add loop.txt src; git commit --quiet -m \"loop $i\"; done"
    );
    let mut agent = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(&wt)
        .envs(hermetic_env(&t.dir.path().join("home")))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let repo = t.repo().open().unwrap();
    let mut memo = CommitMemo::default();
    let (mut reads, mut busy) = (0, 0);
    let started = Instant::now();
    while agent.try_wait().unwrap().is_none() {
        match read_state(&t.git, &repo, &wt, "main", &mut memo).unwrap() {
            StateRead::Read(_) => reads += 1,
            StateRead::Busy { .. } => busy += 1,
        }
        assert!(started.elapsed() < Duration::from_secs(240), "agent hangs");
    }
    let output = agent.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the agent's git failed after {reads} reads, {busy} busy: {stderr}"
    );
    let count = t.git(&wt, &["rev-list", "--count", "main..HEAD"]);
    assert_eq!(count, COMMITS.to_string());
    assert!(
        reads >= 20,
        "too few reads overlapped the commits: {reads} read, {busy} busy"
    );
}
