//! What reading git state costs on a big repository: 20,000 files, 16
//! workspaces, a base that moved on. Ignored by default (it builds the
//! repository for a minute); run it in release and read the table:
//!
//!     cargo test --release --test git_state_perf -- --ignored --nocapture
//!
//! Medians on a shared 2-core machine (git 2.47.3):
//!
//! | workspace                  | cold memo | kept memo | our status | git status | + diff --shortstat |
//! |----------------------------|-----------|-----------|------------|------------|--------------------|
//! | fresh                      |     79 ms |     75 ms |      64 ms |      39 ms |              44 ms |
//! | 3 commits, base moved      |     85 ms |     47 ms |      44 ms |      45 ms |              51 ms |
//! | + 5 dirty, 3 untracked     |     77 ms |     58 ms |      46 ms |      37 ms |              43 ms |
//! | 2,000 files committed      |    136 ms |     42 ms |      41 ms |      58 ms |             115 ms |
//! | conflict with the base     |     46 ms |     36 ms |      37 ms |      46 ms |              61 ms |
//!
//! A kept memo makes a read cost `git status` (plus one `diff-index` when
//! tracked files changed); the cold column adds the in-memory merge over the
//! 20,000-entry tree and the committed diff. A fresh worktree's index still
//! holds the racily-clean entries of its checkout, which a lock-free status
//! re-hashes on every read until some git command of the agent's refreshes
//! the index. On the 2,000-file change git2's `Diff::stats` took 77 ms and
//! `git diff --numstat` 98 ms.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::print_stderr, reason = "the measurements are the output")]

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use grove::git::{CommitMemo, StateRead, read_state};
use grove::workspace;
use support::repo::{TestRepo, write_in};

const FILES: usize = 20_000;
const WORKSPACES: usize = 16;
const RUNS: usize = 15;

fn file(i: usize) -> String {
    format!("src/d{:03}/f{i:05}.rs", i % 400)
}

fn body(i: usize, tag: &str) -> String {
    (0..20)
        .map(|line| format!("// {tag} {i} line {line}\n"))
        .collect()
}

/// Median time of `RUNS` calls, after one to warm up: the machine is shared,
/// and the median shrugs off a neighbour's burst.
fn median(mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:7.2} ms", d.as_secs_f64() * 1000.0)
}

#[test]
#[ignore = "builds a 20,000-file repository with 16 worktrees; run in release"]
fn read_state_on_a_big_repository() {
    let t = TestRepo::new();
    let started = Instant::now();
    for i in 0..FILES {
        t.write(&file(i), &body(i, "base"));
    }
    t.commit_all(&t.root, "20k files");
    let worktrees: Vec<PathBuf> = (0..WORKSPACES)
        .map(|n| {
            let request = t.request(&format!("w{n:02}"));
            workspace::create(&t.ctx(), &request).unwrap().path
        })
        .collect();
    eprintln!("setup: {:.1} s", started.elapsed().as_secs_f64());

    // w01: a few commits. w02: the same plus uncommitted work. w03: a big
    // change (2,000 files). w04: edits a file main edits too.
    for wt in &worktrees[1..3] {
        for c in 0..3 {
            for i in (c * 10..c * 10 + 10).map(|k| k * 7 + 1) {
                write_in(wt, &file(i), body(i, "branch").as_bytes());
            }
            t.commit_all(wt, &format!("branch commit {c}"));
        }
    }
    for i in (0..5).map(|k| k * 13 + 2) {
        write_in(&worktrees[2], &file(i), body(i, "dirty").as_bytes());
    }
    for n in 0..3 {
        write_in(&worktrees[2], &format!("new/untracked{n}.txt"), b"new\n");
    }
    for i in (0..2000).map(|k| k * 9 + 3) {
        write_in(&worktrees[3], &file(i), body(i, "big").as_bytes());
    }
    t.commit_all(&worktrees[3], "big change");
    write_in(&worktrees[4], &file(19_005), body(5, "branch").as_bytes());
    t.commit_all(&worktrees[4], "conflicting edit");
    // The base moves on (in files only w04 touches), so every branch with
    // commits needs a real merge.
    for i in 19_000..19_020 {
        t.write(&file(i), &body(i, "main"));
    }
    t.commit_all(&t.root, "main moves on");

    let repo = t.repo().open().unwrap();
    let read = |wt: &Path, memo: &mut CommitMemo| match read_state(&t.git, &repo, wt, "main", memo)
        .unwrap()
    {
        StateRead::Read(state) => state,
        StateRead::Busy { lock } => panic!("busy: {}", lock.display()),
    };
    let git = |wt: &Path, args: &[&str]| {
        t.git(wt, args);
    };
    eprintln!(
        "{:<28} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "workspace", "cold memo", "kept memo", "our status", "git status", "+shortstat"
    );
    for (n, label) in [
        (0, "w00 fresh"),
        (1, "w01 3 commits, base moved"),
        (2, "w02 + 5 dirty, 3 untracked"),
        (3, "w03 2000 files committed"),
        (4, "w04 conflict"),
    ] {
        let wt = &worktrees[n];
        let mut memo = CommitMemo::default();
        let state = read(wt, &mut memo);
        let cold = median(|| {
            read(wt, &mut CommitMemo::default());
        });
        let kept = median(|| {
            read(wt, &mut memo);
        });
        let status_only = median(|| {
            git(
                wt,
                &[
                    "--no-optional-locks",
                    "status",
                    "--porcelain=v2",
                    "-z",
                    "--untracked-files=all",
                    "--no-renames",
                ],
            )
        });
        let status = median(|| git(wt, &["status", "--porcelain"]));
        let both = median(|| {
            git(wt, &["status", "--porcelain"]);
            git(wt, &["diff", "--shortstat", "main...HEAD"]);
        });
        eprintln!(
            "{label:<28} {} {} {} {} {}   ahead {} behind {} committed {:?} uncommitted {:?} conflicts {}",
            ms(cold),
            ms(kept),
            ms(status_only),
            ms(status),
            ms(both),
            state.ahead,
            state.behind,
            state.committed,
            state.uncommitted,
            state.conflicts.len(),
        );
    }
    let mut memos: Vec<CommitMemo> = worktrees.iter().map(|_| CommitMemo::default()).collect();
    let sweep = median(|| {
        for (wt, memo) in worktrees.iter().zip(&mut memos) {
            read(wt, memo);
        }
    });
    let status_sweep = median(|| {
        for wt in &worktrees {
            git(wt, &["status", "--porcelain"]);
        }
    });
    eprintln!(
        "all {WORKSPACES} workspaces one after another, kept memos: {}; plain git status: {}",
        ms(sweep),
        ms(status_sweep)
    );
    big_change_stats(&t, &repo, &worktrees[3]);
}

/// git2's `Diff::stats` against `git diff --numstat` on the 2,000-file change.
fn big_change_stats(t: &TestRepo, repo: &git2::Repository, wt: &Path) {
    let head = t.git(wt, &["rev-parse", "HEAD"]);
    let fork = t.git(wt, &["merge-base", "HEAD", "main"]);
    let tree = |rev: &str| {
        repo.find_commit(git2::Oid::from_str(rev).unwrap())
            .unwrap()
            .tree()
            .unwrap()
    };
    let (from, to) = (tree(&fork), tree(&head));
    let paths_only = median(|| {
        let diff = repo
            .diff_tree_to_tree(Some(&from), Some(&to), None)
            .unwrap();
        assert_eq!(diff.deltas().len(), 2000);
    });
    let git2_stats = median(|| {
        let diff = repo
            .diff_tree_to_tree(Some(&from), Some(&to), None)
            .unwrap();
        assert_eq!(diff.stats().unwrap().files_changed(), 2000);
    });
    let numstat = median(|| {
        t.git(wt, &["diff", "--numstat", &fork, &head]);
    });
    eprintln!(
        "2000-file change: git2 tree diff {} + stats {}; git diff --numstat {}",
        ms(paths_only),
        ms(git2_stats),
        ms(numstat)
    );
}
