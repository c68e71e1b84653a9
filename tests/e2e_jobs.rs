//! Orchestrated jobs end to end (`grove run job.yaml`, docs/jobs.md): the
//! real binary and server, real git, and a scripted fake agent per item
//! (`support::jobs`) that adds a header to the file its prompt names and
//! commits. A clean run merges every item into `grove/job/<name>` and leaves
//! no worktree; an item that strays outside what it owns, one that conflicts
//! and one whose check fails are kept with their reason and a snapshot; a run
//! whose server is killed with SIGKILL is resumed without redoing merged
//! items; `--dry-run` and a bad job file change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Instant;

use grove::job::ledger::{CheckResult, ItemState};
use support::grove::Server;
use support::jobs::{
    JOB_TIMEOUT, job_yaml, most_at_once, numbered_sources, summary, summary_item, with_header,
};
use support::pane::gone_or_foreign_zombie;
use support::repo::TestRepo;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The report's "What to do" section and what follows it.
fn what_to_do(report: &str) -> &str {
    let at = report
        .find("## What to do")
        .unwrap_or_else(|| panic!("no What to do in the report:\n{report}"));
    &report[at..]
}

/// The items named in the merge commits `grove job JOB: ITEM` on the
/// integration branch, sorted (a repeat shows up twice).
fn merged_items(t: &TestRepo, job: &str) -> Vec<String> {
    let prefix = format!("grove job {job}: ");
    let mut items: Vec<String> = t
        .subjects(&format!("grove/job/{job}"))
        .iter()
        .filter_map(|s| s.strip_prefix(&prefix).map(str::to_owned))
        .collect();
    items.sort();
    items
}

#[test]
fn a_job_of_twelve_files_merges_every_item_and_leaves_no_workspace() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let sources = numbered_sources(12);
    t.add_sources(&sources);
    t.use_job_agent("");
    let job = t.write_job(&job_yaml("headers", r#"{ glob: "src/*.rs" }"#, 3, ""));

    let output = t.run_job(&job, &["--json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let json = summary(&output);
    assert_eq!(json["finished"], true, "{json:#}");
    assert_eq!(json["branch"], "grove/job/headers");
    assert_eq!(json["counts"]["total"], 12, "{json:#}");
    assert_eq!(json["counts"]["merged"], 12, "{json:#}");
    for (path, _) in &sources {
        assert_eq!(summary_item(&json, path)["state"], "merged", "{json:#}");
    }

    // Every change is on the integration branch, and only those; main is
    // untouched.
    for (path, original) in &sources {
        assert_eq!(
            t.show("grove/job/headers", path),
            with_header(path, original)
        );
        assert_eq!(t.show("main", path), *original);
    }
    let changed = t.git(
        &t.root,
        &["diff", "--name-only", "main", "grove/job/headers"],
    );
    let expected: Vec<&str> = sources.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(changed.lines().collect::<Vec<_>>(), expected);
    let mut wanted: Vec<String> = sources.iter().map(|(p, _)| p.clone()).collect();
    wanted.sort();
    assert_eq!(merged_items(&t, "headers"), wanted, "one merge per item");

    let listed: serde_json::Value =
        serde_json::from_str(&t.grove_ok(&["job", "ls", "--json"])).unwrap();
    assert_eq!(listed["jobs"][0]["name"], "headers", "{listed:#}");
    assert_eq!(listed["jobs"][0]["counts"]["merged"], 12, "{listed:#}");
    let report = t.grove_ok(&["job", "report", "headers"]);
    assert!(report.contains("**all 12 items merged.**"), "{report}");
    assert!(
        report.contains("12 merged, 0 failed, 0 in conflict, 0 out of bounds"),
        "{report}"
    );
    assert!(
        what_to_do(&report).contains("Nothing: every item is merged."),
        "{report}"
    );

    // Nothing left behind: no worktree but the main one, no workspace, no
    // item branch.
    assert_eq!(t.worktrees(), vec![t.root.clone()]);
    let left: Vec<String> = t
        .listed_workspaces()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with("headers-"))
        .collect();
    assert!(left.is_empty(), "workspaces left: {left:?}");
    assert_eq!(t.branches("grove/headers-*"), Vec::<String>::new());

    let ledger = t.ledger("headers");
    assert!(ledger.finished.is_some(), "{ledger:#?}");
    assert_eq!(ledger.branch, "grove/job/headers");
    assert_eq!(ledger.base, "main");
    assert_eq!(ledger.items.len(), 12);
    for record in &ledger.items {
        assert_eq!(record.state, ItemState::Merged, "{record:#?}");
        assert!(record.diffstat.is_some(), "{record:#?}");
    }

    // Each item's agent ran in its own workspace, never more than
    // `concurrency` at once. (Exactly once would be right, but a git race
    // can run a merged item's agent again: see
    // `a_merged_items_agent_never_runs_again`.)
    let events = t.agent_events();
    for record in &ledger.items {
        let workspace = record.workspace.clone().unwrap();
        assert!(
            events.iter().any(|e| e.start && e.workspace == workspace),
            "{workspace}: {}",
            t.agent_log()
        );
    }
    assert!(most_at_once(&events) <= 3, "{}", t.agent_log());
}

#[test]
fn an_item_whose_agent_switched_branch_is_kept_with_the_reason() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let sources: Vec<(String, String)> = ["a", "b"]
        .iter()
        .map(|n| (format!("src/{n}.rs"), format!("pub fn {n}() {{}}\n")))
        .collect();
    t.add_sources(&sources);
    // b's agent commits its header on a branch of its own.
    t.use_job_agent(r#"src/b.rs) git switch -q -c elsewhere ;;"#);
    let job = t.write_job(&job_yaml("switch", r#"{ glob: "src/*.rs" }"#, 2, ""));

    let output = t.run_job(&job, &["--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let json = summary(&output);
    assert_eq!(
        summary_item(&json, "src/a.rs")["state"],
        "merged",
        "{json:#}"
    );
    let b = summary_item(&json, "src/b.rs");
    assert_eq!(b["state"], "failed", "{json:#}");
    let reason = b["reason"].as_str().unwrap();
    assert!(
        reason.contains("left its worktree on branch elsewhere"),
        "{reason}"
    );
    // Not merged, and not lost: the header is on the branch it made.
    assert_eq!(merged_items(&t, "switch"), ["src/a.rs"]);
    assert_eq!(
        t.show("elsewhere", "src/b.rs"),
        with_header("src/b.rs", "pub fn b() {}\n")
    );
}

#[test]
fn an_item_out_of_bounds_and_a_conflict_are_kept_and_the_rest_merged() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let sources: Vec<(String, String)> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|n| (format!("src/{n}.rs"), format!("pub fn {n}() {{}}\n")))
        .chain([("src/shared.rs".to_owned(), "owner = nobody\n".to_owned())])
        .collect();
    t.add_sources(&sources);
    // b also edits README.md, which it does not own. c and d may both
    // change src/shared.rs, and both rewrite its one line; neither commits
    // before both agents run, so both start from the same shared.rs.
    t.use_job_agent(
        r#"src/b.rs) echo "stray" >> README.md ;;
src/c.rs|src/d.rs)
  touch "$dir/barrier-${file#src/}"
  wait_for "$dir/barrier-c.rs"; wait_for "$dir/barrier-d.rs"
  echo "owner = $file" > src/shared.rs ;;"#,
    );
    let job = t.write_job(&job_yaml(
        "bounds",
        r#"{ glob: "src/[a-e].rs" }"#,
        3,
        "owns: [\"{{item}}\", \"src/shared.rs\"]\n",
    ));

    let output = t.run_job(&job, &["--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("2 of 5 items were not merged")
            && stderr.contains("`grove job report bounds`"),
        "{stderr}"
    );

    let json = summary(&output);
    assert_eq!(json["counts"]["merged"], 3, "{json:#}");
    assert_eq!(json["counts"]["failed"], 1, "{json:#}");
    assert_eq!(json["counts"]["out_of_bounds"], 1, "{json:#}");
    let status = t.grove_ok(&["job", "status", "bounds"]);
    assert!(
        status.contains(
            "3 of 5 merged into grove/job/bounds; 1 failed (1 out of bounds), 1 conflict"
        ),
        "{status}"
    );
    let stray = summary_item(&json, "src/b.rs");
    assert_eq!(stray["state"], "out_of_bounds", "{json:#}");
    let reason = stray["reason"].as_str().unwrap();
    assert!(
        reason.contains("changed README.md outside what it owns"),
        "{reason}"
    );
    // Whichever of c and d merged first, the other conflicts.
    let (c, d) = (
        summary_item(&json, "src/c.rs"),
        summary_item(&json, "src/d.rs"),
    );
    let (winner, loser) = match (c["state"].as_str(), d["state"].as_str()) {
        (Some("merged"), Some("conflict")) => ("src/c.rs", "src/d.rs"),
        (Some("conflict"), Some("merged")) => ("src/d.rs", "src/c.rs"),
        other => panic!("expected one of c, d merged and one in conflict, got {other:?}\n{json:#}"),
    };
    let reason = summary_item(&json, loser)["reason"].as_str().unwrap();
    assert!(
        reason.contains("conflicts with items merged before it")
            && reason.contains("src/shared.rs"),
        "{reason}"
    );
    for item in ["src/a.rs", "src/e.rs"] {
        assert_eq!(summary_item(&json, item)["state"], "merged", "{json:#}");
    }

    // The integration branch has the merged items and nothing of the others.
    assert_eq!(
        t.show("grove/job/bounds", "src/shared.rs"),
        format!("owner = {winner}\n")
    );
    assert_eq!(t.show("grove/job/bounds", "README.md"), "hello\n");
    let merged = merged_items(&t, "bounds");
    let mut expected = vec![
        "src/a.rs".to_owned(),
        "src/e.rs".to_owned(),
        winner.to_owned(),
    ];
    expected.sort();
    assert_eq!(merged, expected);

    // The report says what to do about both.
    let report = t.grove_ok(&["job", "report", "bounds"]);
    assert!(
        report.contains("**3 of 5 merged; 2 need you.**"),
        "{report}"
    );
    let todo = what_to_do(&report);
    assert!(todo.contains("### Conflicts (1)"), "{report}");
    assert!(
        todo.contains(&format!(
            "`{loser}`: conflicts with items merged before it, in src/shared.rs"
        )),
        "{report}"
    );
    assert!(todo.contains("### Out of bounds (1)"), "{report}");
    assert!(
        todo.contains("**#2** `src/b.rs`: changed README.md outside what it owns"),
        "{report}"
    );

    // Both keep their workspace (listed, on disk, a worktree) and a snapshot.
    let ledger = t.ledger("bounds");
    let listed = t.listed_workspaces();
    let worktrees = t.worktrees();
    let refs = t.snapshot_refs();
    for item in ["src/b.rs", loser] {
        let record = ledger.items.iter().find(|r| r.item == item).unwrap();
        let workspace = record.workspace.clone().unwrap();
        assert!(
            todo.contains(&format!("workspace `{workspace}`")),
            "{report}"
        );
        let path = listed
            .iter()
            .find(|(name, _)| *name == workspace)
            .map(|(_, path)| path.clone())
            .unwrap_or_else(|| panic!("{workspace} is not listed: {listed:?}"));
        assert!(path.is_dir(), "{}", path.display());
        assert!(worktrees.contains(&path), "{worktrees:?}");
        let snapshot = record
            .snapshot
            .clone()
            .unwrap_or_else(|| panic!("no snapshot: {record:#?}"));
        assert!(
            snapshot.starts_with(&format!("refs/grove/snapshots/{workspace}/")),
            "{snapshot}"
        );
        assert!(refs.contains(&snapshot), "{snapshot} not in {refs:?}");
        assert!(todo.contains(&format!("snapshot `{snapshot}`")), "{report}");
    }
    let stray = ledger.items.iter().find(|r| r.item == "src/b.rs").unwrap();
    assert_eq!(stray.state, ItemState::OutOfBounds);
    let snapshot = stray.snapshot.clone().unwrap();
    assert!(t.show(&snapshot, "README.md").contains("stray"));
    let conflicted = ledger.items.iter().find(|r| r.item == loser).unwrap();
    assert_eq!(conflicted.state, ItemState::Conflict);
    assert_eq!(
        t.show(
            &format!("grove/{}", conflicted.workspace.as_ref().unwrap()),
            "src/shared.rs"
        ),
        format!("owner = {loser}\n")
    );
}

#[test]
fn a_job_resumes_after_its_server_is_killed_without_redoing_merged_items() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let sources = numbered_sources(6);
    t.add_sources(&sources);
    let dir = t.outside().display().to_string();
    let go = t.outside().join("go");
    // Items 4 to 6 wait for `go` before they work; item 3 works at once but
    // its check waits for `go` too. So, with two at a time, the run stops
    // with 1 and 2 merged, 3 being checked, 4 and 5 running and 6 queued.
    t.use_job_agent(r#"src/f0[4-6].rs) wait_for "$dir/go" ;;"#);
    let check = t.outside().join("check.sh");
    std::fs::write(
        &check,
        format!(
            "case \"$(git log -1 --format=%s)\" in\n\
             \x20 *src/f03.rs) touch '{dir}/checking-3'; n=0\n\
             \x20   while [ ! -e '{dir}/go' ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done ;;\n\
             esac\n\
             exit 0\n"
        ),
    )
    .unwrap();
    let job = t.write_job(&job_yaml(
        "resume",
        r#"{ glob: "src/*.rs" }"#,
        2,
        &format!("check: \"sh {}\"\n", check.display()),
    ));

    let mut run = t.spawn_run(&job);

    let workspace = |n: usize| format!("resume-{n}-src-f{n:02}-rs");
    let state = |l: &grove::job::ledger::Ledger, n: usize| l.items[n - 1].state;
    t.wait_for_ledger("resume", "1, 2 merged, 3 checking, 4 and 5 running", |l| {
        let started: Vec<String> = t
            .agent_events()
            .into_iter()
            .filter(|e| e.start)
            .map(|e| e.workspace)
            .collect();
        state(l, 1) == ItemState::Merged
            && state(l, 2) == ItemState::Merged
            && state(l, 3) == ItemState::Checking
            && state(l, 4) == ItemState::Running
            && state(l, 5) == ItemState::Running
            && state(l, 6) == ItemState::Queued
            && started.contains(&workspace(4))
            && started.contains(&workspace(5))
            && t.outside().join("checking-3").exists()
    });

    // kill -9: nothing of the server runs after this.
    let before = t.agent_events();
    let server = t.server_pid();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(server).unwrap()),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let status = t.wait_run(&mut run, "grove run did not notice the server died");
    let stderr = t.run_stderr();
    assert!(!status.success(), "{stderr}");
    assert!(
        stderr.contains("`grove job resume resume` continues it"),
        "{stderr}"
    );
    // The agents it ran lose their terminal and exit: nothing works in the
    // items' worktrees any more.
    let running: Vec<u32> = before
        .iter()
        .filter(|e| e.start && !before.iter().any(|x| !x.start && x.pid == e.pid))
        .map(|e| e.pid)
        .collect();
    assert_eq!(running.len(), 2, "{}", t.agent_log());
    let deadline = Instant::now() + JOB_TIMEOUT;
    while !std::iter::once(server)
        .chain(running.iter().copied())
        .all(gone_or_foreign_zombie)
    {
        assert!(
            Instant::now() < deadline,
            "the server or its agents {running:?} outlived SIGKILL"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    std::fs::write(&go, "").unwrap();
    let resumed = t.grove(&t.root, &["job", "resume", "resume"]);
    let stderr = stderr_of(&resumed);
    assert!(resumed.status.success(), "{stderr}");
    assert!(
        stderr.contains("job resume: 6 items (2 already merged)"),
        "{stderr}"
    );

    let ledger = t.ledger("resume");
    assert!(ledger.finished.is_some(), "{ledger:#?}");
    for record in &ledger.items {
        assert_eq!(record.state, ItemState::Merged, "{record:#?}");
    }
    // Each item merged once, and its work done once.
    let mut wanted: Vec<String> = sources.iter().map(|(p, _)| p.clone()).collect();
    wanted.sort();
    assert_eq!(merged_items(&t, "resume"), wanted);
    let subjects = t.subjects("grove/job/resume");
    for (path, original) in &sources {
        let work = format!("Header for {path}");
        assert_eq!(
            subjects.iter().filter(|s| **s == work).count(),
            1,
            "{subjects:#?}"
        );
        assert_eq!(
            t.show("grove/job/resume", path),
            with_header(path, original)
        );
    }
    // No agent ran again for an item merged (1, 2) or past its agent (3)
    // before the kill; 4 and 5 ran again in their own workspaces.
    let after: Vec<String> = t.agent_events()[before.len()..]
        .iter()
        .filter(|e| e.start)
        .map(|e| e.workspace.clone())
        .collect();
    for n in 1..=3 {
        assert!(!after.contains(&workspace(n)), "{}", t.agent_log());
    }
    for n in 4..=6 {
        assert!(after.contains(&workspace(n)), "{}", t.agent_log());
    }
    assert_eq!(t.worktrees(), vec![t.root.clone()]);
}

#[test]
fn a_failed_check_fails_its_item_and_keeps_the_checks_output() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let sources: Vec<(String, String)> = ["a", "b", "c"]
        .iter()
        .map(|n| (format!("src/{n}.rs"), format!("pub fn {n}() {{}}\n")))
        .collect();
    t.add_sources(&sources);
    t.use_job_agent(r#"src/b.rs) echo "BAD" >> "$file" ;;"#);
    let job = t.write_job(&job_yaml(
        "checked",
        r#"{ glob: "src/*.rs" }"#,
        2,
        "check: 'if grep -n BAD src/*.rs; then echo \"found BAD\"; exit 1; fi'\n",
    ));

    let output = t.run_job(&job, &["--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let json = summary(&output);
    let bad = summary_item(&json, "src/b.rs");
    assert_eq!(bad["state"], "failed", "{json:#}");
    assert_eq!(bad["check"], "failed", "{json:#}");
    assert!(
        bad["reason"]
            .as_str()
            .unwrap()
            .contains("the check `if grep -n BAD"),
        "{json:#}"
    );
    for item in ["src/a.rs", "src/c.rs"] {
        assert_eq!(summary_item(&json, item)["state"], "merged", "{json:#}");
        assert_eq!(summary_item(&json, item)["check"], "passed", "{json:#}");
    }

    let ledger = t.ledger("checked");
    let record = ledger.items.iter().find(|r| r.item == "src/b.rs").unwrap();
    assert_eq!(record.state, ItemState::Failed);
    assert_eq!(record.check, Some(CheckResult::Failed));
    // A failed check is not retried: its agent ran once.
    let workspace = record.workspace.clone().unwrap();
    let starts = t
        .agent_events()
        .iter()
        .filter(|e| e.start && e.workspace == workspace)
        .count();
    assert_eq!(starts, 1, "{}", t.agent_log());
    let output = record.check_output.clone().unwrap_or_default();
    assert!(output.contains("src/b.rs:3:BAD"), "{output}");
    assert!(output.contains("found BAD"), "{output}");
    assert!(record.snapshot.is_some(), "{record:#?}");

    let report = t.grove_ok(&["job", "report", "checked"]);
    let todo = what_to_do(&report);
    assert!(todo.contains("### Check failed (1)"), "{report}");
    assert!(todo.contains("The end of the check's output:"), "{report}");
    assert!(todo.contains("src/b.rs:3:BAD"), "{report}");
    assert!(todo.contains("found BAD"), "{report}");
    // Nothing bad reached the integration branch.
    let grep = t
        .git_command(&t.root)
        .args(["grep", "-q", "BAD", "grove/job/checked"])
        .status()
        .unwrap();
    assert!(!grep.success(), "BAD is on grove/job/checked");
}

#[test]
fn a_dry_run_prints_the_items_and_the_first_prompt_and_changes_nothing() {
    let t = TestRepo::new();
    t.add_sources(&numbered_sources(3));
    let job = t.write_job(
        "name: dry\nitems: { glob: \"src/*.rs\" }\nprompt: \"Fix {{item}} ({{index}}, {{slug}}) for {{job}}\"\nconcurrency: 2\n",
    );
    let output = t.run_job(&job, &["--dry-run"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("job dry: 3 items, 2 at a time, into grove/job/dry"),
        "{stdout}"
    );
    for (n, item) in ["src/f01.rs", "src/f02.rs", "src/f03.rs"]
        .iter()
        .enumerate()
    {
        assert!(
            stdout.contains(&format!("{:>6}  {item}\n", n + 1)),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains("first prompt (src/f01.rs):\nFix src/f01.rs (1, src-f01-rs) for dry\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("Fix src/f02.rs"), "{stdout}");
    assert_nothing_started(&t);
}

/// No server, no branch, no record, no worktree.
fn assert_nothing_started(t: &TestRepo) {
    assert!(
        !t.grove_paths().server_lock_path().exists(),
        "a server started"
    );
    assert_eq!(t.branches("grove/*"), Vec::<String>::new());
    assert_eq!(t.jobs_dir(), None);
    assert_eq!(t.worktrees(), vec![t.root.clone()]);
}

const ZERO_CONCURRENCY: &str =
    "name: bad\nitems: { list: [a, b] }\nprompt: \"Do {{item}}\"\n\nconcurrency: 0\n";

#[test]
fn a_bad_job_file_is_one_line_naming_the_file_and_line_and_runs_nothing() {
    let t = TestRepo::new();
    let job = t.write_job(ZERO_CONCURRENCY);
    for args in [&[][..], &["--dry-run"][..]] {
        let output = t.run_job(&job, args);
        assert!(!output.status.success());
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = stderr_of(&output);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr
                .trim_end()
                .ends_with("job.yaml:5: concurrency: must be at least 1"),
            "{args:?}: {stderr}"
        );
    }
    assert_nothing_started(&t);
}

/// Runs job `name` over `src/*.rs` at `concurrency` with `extra` in the
/// job file, and returns its `--json` summary.
fn run_round(t: &TestRepo, name: &str, concurrency: usize, extra: &str) -> serde_json::Value {
    let job = t.write_job(&job_yaml(
        name,
        r#"{ glob: "src/*.rs" }"#,
        concurrency,
        extra,
    ));
    summary(&t.run_job(&job, &["--json"]))
}

/// Items started together make their worktrees together: `git worktree add`
/// is not safe to run twice at once in one repository (one reads the other's
/// half-made `.git/worktrees/<name>/commondir` and fails), so an item fails
/// its try unless grove makes one worktree at a time.
#[test]
fn items_started_together_do_not_fail_making_their_worktrees() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.add_sources(&numbered_sources(12));
    t.use_job_agent("");
    for round in 1..=3 {
        let json = run_round(&t, &format!("together{round}"), 8, "retries: 0\n");
        let failed: Vec<&serde_json::Value> = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["state"] != "merged")
            .collect();
        assert!(failed.is_empty(), "round {round}: {failed:#?}");
    }
}

/// An item whose agent is done is never given to an agent again. When a
/// finishing step fails after the agent's work is committed (the same git
/// race: the merge's scratch `git worktree add`, or `git worktree unlock`
/// while removing the merged item's workspace reading another's half-made
/// worktree), the item counts as a failed try and is retried: its agent is
/// started again in its workspace, on work that is done, and in the second
/// case already merged.
#[test]
fn a_merged_items_agent_never_runs_again() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.add_sources(&numbered_sources(12));
    t.use_job_agent("");
    for round in 1..=3 {
        let json = run_round(&t, &format!("once{round}"), 8, "");
        assert_eq!(json["counts"]["merged"], 12, "{json:#}");
        let events = t.agent_events();
        for item in json["items"].as_array().unwrap() {
            let workspace = item["workspace"].as_str().unwrap();
            let starts = events
                .iter()
                .filter(|e| e.start && e.workspace == workspace)
                .count();
            assert_eq!(starts, 1, "round {round}, {workspace}:\n{}", t.agent_log());
        }
    }
}

#[test]
fn a_bad_job_file_exits_2() {
    let t = TestRepo::new();
    let job = t.write_job(ZERO_CONCURRENCY);
    for args in [&[][..], &["--dry-run"][..]] {
        let output = t.run_job(&job, args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr_of(&output)
        );
    }
    // The same for an unknown key and a bad template.
    for text in [
        "name: bad\nitems: { list: [a] }\nprompt: x\nconcurency: 1\n",
        "name: bad\nitems: { list: [a] }\nprompt: \"{{iten}}\"\n",
    ] {
        let job = t.write_job(text);
        let output = t.run_job(&job, &["--dry-run"]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{text}: {}",
            stderr_of(&output)
        );
    }
}

/// An item whose agent asks the user something says so while it waits:
/// the ledger, `grove run`'s progress and `grove job status` show it
/// waiting for you, with what the agent's status says; once answered it
/// finishes and merges, and says so no more.
#[test]
fn an_item_whose_agent_asks_shows_it_waits_for_you_until_answered() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.add_sources(&[("src/a.rs".to_owned(), "pub fn a() {}\n".to_owned())]);
    t.use_job_agent(
        r#"src/a.rs) printf 'Allow the edit? \a'; IFS= read -r answer; echo "got $answer" ;;"#,
    );
    let job = t.write_job(&job_yaml("asking", r#"{ glob: "src/*.rs" }"#, 1, ""));
    let mut run = t.spawn_run(&job);

    let ledger = t.wait_for_ledger("asking", "the item waiting for the user", |l| {
        l.counts().waiting == 1
    });
    let record = &ledger.items[0];
    assert_eq!(record.state, ItemState::Running);
    assert_eq!(record.asks.as_deref(), Some("rang the bell"), "{record:#?}");
    let status = t.grove_ok(&["job", "status", "asking"]);
    assert!(
        status.contains("waiting for you: rang the bell"),
        "{status}"
    );

    let workspace = record.workspace.clone().unwrap();
    t.grove_ok(&["send", &workspace, "yes"]);
    let ledger = t.wait_for_ledger("asking", "the item merged", |l| {
        l.items[0].state == ItemState::Merged
    });
    assert_eq!(ledger.items[0].asks, None);
    assert_eq!(ledger.counts().waiting, 0);
    t.wait_run(&mut run, "grove run did not end");
    let progress = t.run_stderr();
    assert!(
        progress.contains("1 running (1 waiting for you)"),
        "{progress}"
    );
    assert!(progress.contains("1/1 done · 1 merged"), "{progress}");
}
