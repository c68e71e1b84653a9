//! Merging workspaces on real repositories: each strategy's history, where
//! the merge runs, and that a refused or conflicting merge changes nothing,
//! byte for byte (refs, files and index of both worktrees).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use grove::failure::kind_of;
use grove::protocol::FailureKind;
use grove::workspace::{
    self, BranchOutcome, FastForward, LineChange, MergeBlock, MergeOptions, MergeOutcome, Place,
    RemoveMode, Strategy, Uncommitted, WorkspaceError,
};
use support::merge::{
    block_of, feature, files, main_elsewhere, merged, move_main, name, rev, run, world,
};
use support::repo::{TestRepo, write_in};

const ALL: [Strategy; 4] = [
    Strategy::Merge,
    Strategy::Squash,
    Strategy::Rebase,
    Strategy::FastForward,
];

fn kind(err: WorkspaceError) -> FailureKind {
    kind_of(&anyhow::Error::from(err))
}

#[test]
fn preview_shows_commits_files_and_place_and_changes_nothing() {
    let t = TestRepo::new();
    let ws = feature(&t);
    write_in(&ws.path, "wip.txt", b"not yet\n");
    let before = world(&t, &ws);

    let p = workspace::preview(&t.ctx(), &name("feat"), Strategy::Merge).unwrap();

    assert_eq!(world(&t, &ws), before);
    let summaries: Vec<&str> = p.commits.iter().map(|c| c.summary.as_str()).collect();
    assert_eq!(summaries, ["add feature", "extend feature"]);
    assert_eq!(p.branch_tip, rev(&t, "grove/feat"));
    assert_eq!(p.base_tip, rev(&t, "main"));
    let feature = p.files.iter().find(|f| f.path == Path::new("feature.txt"));
    let lines = feature.unwrap().lines;
    assert_eq!(
        lines,
        LineChange::Text {
            added: 2,
            removed: 0
        }
    );
    let blob = p
        .files
        .iter()
        .find(|f| f.path == Path::new("data/blob.bin"));
    assert_eq!(blob.unwrap().lines, LineChange::Binary);
    assert!(p.conflicts.is_empty());
    assert_eq!(p.fast_forward, FastForward::Possible);
    assert_eq!(
        p.place,
        Place::MainWorktree {
            path: t.root.clone()
        }
    );
    assert_eq!(p.uncommitted, vec![PathBuf::from("wip.txt")]);
    assert!(matches!(p.blocks[..], [MergeBlock::Uncommitted { .. }]));
}

#[test]
fn merge_makes_a_merge_commit_in_the_clean_main_worktree() {
    let t = TestRepo::new();
    feature(&t);
    move_main(&t);
    let (old, tip) = (rev(&t, "main"), rev(&t, "grove/feat"));

    let done = merged(run(&t, Strategy::Merge).unwrap());

    assert_eq!(
        done.place,
        Place::MainWorktree {
            path: t.root.clone()
        }
    );
    assert_eq!((done.old_tip.as_str(), done.commits), (old.as_str(), 2));
    assert_eq!(rev(&t, "main"), done.new_tip);
    let parents = t.git(&t.root, &["rev-list", "--parents", "-n1", "main"]);
    assert_eq!(parents, format!("{} {old} {tip}", done.new_tip));
    assert_eq!(rev(&t, "grove/feat"), tip);
    assert_eq!(
        std::fs::read(t.root.join("feature.txt")).unwrap(),
        b"feature\nmore\n"
    );
    let status = t.git(&t.root, &["status", "--porcelain"]);
    assert_eq!(status, "");
    let subject = t.git(&t.root, &["log", "-1", "--format=%s"]);
    assert_eq!(subject, "Merge branch 'grove/feat' into main");
}

#[test]
fn squash_makes_one_commit_with_the_branch_content_and_then_counts_as_merged() {
    let t = TestRepo::new();
    feature(&t);
    move_main(&t);
    let (old, tip) = (rev(&t, "main"), rev(&t, "grove/feat"));

    let done = merged(run(&t, Strategy::Squash).unwrap());

    let parents = t.git(&t.root, &["rev-list", "--parents", "-n1", "main"]);
    assert_eq!(parents, format!("{} {old}", done.new_tip));
    for path in ["feature.txt", "data/blob.bin", "main.txt"] {
        let ours = t.git(&t.root, &["rev-parse", &format!("main:{path}")]);
        let want = match path {
            "main.txt" => rev(&t, &format!("{old}:{path}")),
            _ => rev(&t, &format!("{tip}:{path}")),
        };
        assert_eq!(ours, want, "{path}");
    }
    let message = t.git(&t.root, &["log", "-1", "--format=%B"]);
    assert!(message.starts_with("Squash-merge grove/feat into main (2 commits)"));
    assert!(
        message.contains("* add feature\n* extend feature"),
        "{message}"
    );
    assert_eq!(rev(&t, "grove/feat"), tip);

    let removal = workspace::remove(&t.ctx(), &name("feat"), RemoveMode::Safe).unwrap();
    assert_eq!(removal.branch, BranchOutcome::Deleted);
}

#[test]
fn ff_moves_the_base_to_the_branch_and_refuses_when_it_cannot() {
    let t = TestRepo::new();
    feature(&t);
    let done = merged(run(&t, Strategy::FastForward).unwrap());
    assert_eq!(done.new_tip, rev(&t, "grove/feat"));
    assert_eq!(rev(&t, "main"), rev(&t, "grove/feat"));
    assert!(t.root.join("feature.txt").exists());

    let t = TestRepo::new();
    let ws = feature(&t);
    move_main(&t);
    let before = world(&t, &ws);
    let err = run(&t, Strategy::FastForward).unwrap_err();
    assert_eq!(block_of(&err), &MergeBlock::NotFastForward { behind: 1 });
    assert!(
        err.to_string()
            .contains("--strategy merge, squash or rebase"),
        "{err}"
    );
    assert_eq!(world(&t, &ws), before);
    assert_eq!(kind(err), FailureKind::Failure);
}

#[test]
fn rebase_makes_linear_history_and_leaves_the_workspace_branch_alone() {
    let t = TestRepo::new();
    let ws = feature(&t);
    move_main(&t);
    let (old, tip) = (rev(&t, "main"), rev(&t, "grove/feat"));
    let workspace_files = files(&ws.path);

    let done = merged(run(&t, Strategy::Rebase).unwrap());

    let range = format!("{old}..main");
    let chain = t.git(&t.root, &["rev-list", "--parents", &range]);
    assert_eq!(chain.lines().count(), 2, "{chain}");
    assert!(chain.lines().all(|l| l.split(' ').count() == 2), "{chain}");
    let subjects = t.git(&t.root, &["log", "--format=%s", "-2", "main"]);
    assert_eq!(subjects, "extend feature\nadd feature");
    assert_eq!(rev(&t, "main"), done.new_tip);
    assert_eq!(rev(&t, "grove/feat"), tip);
    assert_eq!(t.git(&ws.path, &["rev-parse", "HEAD"]), tip);
    assert_eq!(files(&ws.path), workspace_files);
    assert!(t.root.join("feature.txt").exists());
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    assert_eq!(listing.matches("worktree ").count(), 2, "{listing}");

    let removal = workspace::remove(&t.ctx(), &name("feat"), RemoveMode::Safe).unwrap();
    assert_eq!(removal.branch, BranchOutcome::Deleted);
}

#[test]
fn with_main_elsewhere_every_strategy_merges_in_a_temporary_worktree() {
    for strategy in ALL {
        let t = TestRepo::new();
        let ws = feature(&t);
        if strategy != Strategy::FastForward {
            move_main(&t);
        }
        main_elsewhere(&t);
        let tip = rev(&t, "grove/feat");
        let before = world(&t, &ws);

        let done = merged(run(&t, strategy).unwrap());

        assert!(matches!(done.place, Place::Temporary { .. }), "{strategy}");
        let after = world(&t, &ws);
        assert_eq!(after.main_files, before.main_files, "{strategy}");
        assert_eq!(after.main_index, before.main_index, "{strategy}");
        assert_eq!(after.main_head, "refs/heads/other");
        assert_eq!(after.workspace_files, before.workspace_files, "{strategy}");
        assert_eq!(after.workspace_index, before.workspace_index, "{strategy}");
        assert_eq!(after.worktrees, before.worktrees, "{strategy}");
        assert_eq!(rev(&t, "main"), done.new_tip, "{strategy}");
        assert_eq!(rev(&t, "grove/feat"), tip, "{strategy}");
        let content = t.git(&t.root, &["show", "main:feature.txt"]);
        assert_eq!(content, "feature\nmore", "{strategy}");
        let root = t.ctx().worktree_root();
        let left: Vec<_> = std::fs::read_dir(&root).unwrap().collect();
        assert_eq!(left.len(), 1, "{strategy}: {left:?} in {}", root.display());
        let reflog = t.git(&t.root, &["reflog", "-1", "--format=%gs", "main"]);
        assert_eq!(reflog, format!("grove merge feat --strategy {strategy}"));
    }
}

#[test]
fn a_base_checked_out_with_changes_or_in_another_worktree_is_refused() {
    let t = TestRepo::new();
    let ws = feature(&t);
    t.write("scratch.txt", "the user's\n");
    let before = world(&t, &ws);
    let err = run(&t, Strategy::Merge).unwrap_err();
    assert_eq!(
        block_of(&err),
        &MergeBlock::BaseDirty {
            path: t.root.clone()
        }
    );
    assert!(err.to_string().contains("git stash -u"), "{err}");
    assert_eq!(world(&t, &ws), before);
    assert_eq!(kind(err), FailureKind::Refused);

    std::fs::remove_file(t.root.join("scratch.txt")).unwrap();
    t.git(&t.root, &["checkout", "--quiet", "-b", "other"]);
    let elsewhere = t.dir.path().join("elsewhere");
    let elsewhere_arg = elsewhere.to_str().unwrap();
    t.git(
        &t.root,
        &["worktree", "add", "--quiet", elsewhere_arg, "main"],
    );
    let err = run(&t, Strategy::Merge).unwrap_err();
    let MergeBlock::BaseCheckedOut { path } = block_of(&err) else {
        panic!("{err}");
    };
    assert_eq!(
        path.canonicalize().unwrap(),
        elsewhere.canonicalize().unwrap()
    );
}

#[test]
fn uncommitted_work_is_refused_unless_allowed_and_then_stays_unmerged() {
    let t = TestRepo::new();
    let ws = feature(&t);
    write_in(&ws.path, "feature.txt", b"feature\nmore\nunsaved\n");
    write_in(&ws.path, "notes.md", b"untracked\n");
    let before = world(&t, &ws);

    let err = run(&t, Strategy::Merge).unwrap_err();
    let MergeBlock::Uncommitted { paths } = block_of(&err) else {
        panic!("{err}");
    };
    assert_eq!(paths.len(), 2);
    assert!(err.to_string().contains("--allow-uncommitted"), "{err}");
    assert_eq!(world(&t, &ws), before);
    assert_eq!(kind(err), FailureKind::Refused);

    let options = MergeOptions {
        uncommitted: Uncommitted::Allow,
        ..MergeOptions::default()
    };
    let outcome = workspace::merge(&t.ctx(), &name("feat"), Strategy::Merge, &options);
    let done = merged(outcome.unwrap());
    assert_eq!(done.left_uncommitted.len(), 2);
    assert_eq!(
        t.git(&t.root, &["show", "main:feature.txt"]),
        "feature\nmore"
    );
    let tree = t.git(&t.root, &["ls-tree", "-r", "--name-only", "main"]);
    assert!(!tree.contains("notes.md"), "{tree}");
    let after = world(&t, &ws);
    assert_eq!(after.workspace_files, before.workspace_files);
    assert_eq!(after.workspace_index, before.workspace_index);
}

#[test]
fn a_remote_tracking_base_is_refused() {
    let t = TestRepo::new();
    let head = rev(&t, "main");
    t.git(&t.root, &["update-ref", "refs/remotes/origin/main", &head]);
    let mut request = t.request("feat");
    request.base = Some("origin/main".to_owned());
    let ws = workspace::create(&t.ctx(), &request).unwrap();
    write_in(&ws.path, "feature.txt", b"feature\n");
    t.commit_all(&ws.path, "add feature");
    let before = world(&t, &ws);

    let err = run(&t, Strategy::FastForward).unwrap_err();
    assert_eq!(block_of(&err), &MergeBlock::RemoteBase);
    assert!(err.to_string().contains("into origin/main"), "{err}");
    assert!(err.to_string().contains("pull request"), "{err}");
    assert_eq!(world(&t, &ws), before);
    assert_eq!(kind(err), FailureKind::Usage);
}

#[test]
fn merge_then_remove_deletes_the_merged_branch_after_a_snapshot() {
    let t = TestRepo::new();
    feature(&t);
    move_main(&t);
    merged(run(&t, Strategy::Merge).unwrap());
    let removal = workspace::remove(&t.ctx(), &name("feat"), RemoveMode::Safe).unwrap();
    assert_eq!(removal.branch, BranchOutcome::Deleted);
    assert!(removal.snapshot.is_some());
    assert!(!t.ctx().repo.branch_exists("grove/feat").unwrap());
}

#[test]
fn an_already_merged_branch_is_up_to_date_and_a_moved_branch_is_not_merged() {
    let t = TestRepo::new();
    let ws = feature(&t);
    let p = workspace::preview(&t.ctx(), &name("feat"), Strategy::Merge).unwrap();
    write_in(&ws.path, "later.txt", b"after the preview\n");
    t.commit_all(&ws.path, "later");
    let before = world(&t, &ws);
    let options = MergeOptions {
        expected_tip: Some(p.branch_tip.clone()),
        ..MergeOptions::default()
    };
    let err = workspace::merge(&t.ctx(), &name("feat"), Strategy::Merge, &options).unwrap_err();
    assert!(
        matches!(block_of(&err), MergeBlock::BranchMoved { .. }),
        "{err}"
    );
    assert_eq!(world(&t, &ws), before);

    t.git(&t.root, &["merge", "--quiet", "--ff-only", "grove/feat"]);
    let outcome = run(&t, Strategy::Squash).unwrap();
    assert!(
        matches!(outcome, MergeOutcome::UpToDate { .. }),
        "{outcome:?}"
    );
}

#[test]
fn a_failing_hook_leaves_the_base_and_the_main_worktree_as_they_were() {
    let t = TestRepo::new();
    let ws = feature(&t);
    move_main(&t);
    let hook = t.root.join(".git/hooks/pre-merge-commit");
    std::fs::write(&hook, "#!/bin/sh\necho no merges today >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = world(&t, &ws);

    let err = run(&t, Strategy::Merge).unwrap_err();
    assert!(err.to_string().contains("no merges today"), "{err}");
    let after = world(&t, &ws);
    assert_eq!(after.refs, before.refs);
    assert_eq!(after.main_files, before.main_files);
    assert_eq!(t.git(&t.root, &["status", "--porcelain"]), "");
    let merging = t
        .git
        .succeeds(&t.root, ["rev-parse", "-q", "--verify", "MERGE_HEAD"]);
    assert!(!merging.unwrap());
}

#[test]
fn a_base_that_is_being_rebased_is_refused() {
    let t = TestRepo::new();
    let ws = feature(&t);
    t.git(&t.root, &["checkout", "--quiet", "-b", "upstream"]);
    t.write("README.md", "upstream\n");
    t.commit_all(&t.root, "upstream edits the readme");
    t.git(&t.root, &["checkout", "--quiet", "main"]);
    t.write("README.md", "main\n");
    t.commit_all(&t.root, "main edits the readme");
    let stopped = t.git.succeeds(&t.root, ["rebase", "--quiet", "upstream"]);
    assert!(!stopped.unwrap(), "the rebase should stop on the conflict");
    let before = world(&t, &ws);

    let err = run(&t, Strategy::Merge).unwrap_err();

    let root = t.root.clone();
    assert_eq!(block_of(&err), &MergeBlock::BaseCheckedOut { path: root });
    assert_eq!(world(&t, &ws), before);
}

#[test]
fn a_branch_is_checked_out_where_git_worktree_list_says() {
    // Read from the worktrees' HEAD files; git's own listing is the judge.
    let t = TestRepo::new();
    let repo = t.repo();
    let git = &t.ctx().git;
    let linked = t.outside().join("linked");
    let detached = t.outside().join("detached");
    let gone = t.outside().join("gone");
    t.git(&t.root, &["branch", "side"]);
    t.git(&t.root, &["branch", "idle"]);
    t.git(
        &t.root,
        &[
            "worktree",
            "add",
            "-q",
            linked.to_str().unwrap(),
            "-b",
            "wt",
        ],
    );
    t.git(
        &t.root,
        &[
            "worktree",
            "add",
            "-q",
            "--detach",
            detached.to_str().unwrap(),
        ],
    );
    t.git(
        &t.root,
        &["worktree", "add", "-q", gone.to_str().unwrap(), "side"],
    );
    std::fs::remove_dir_all(&gone).unwrap();
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    for branch in ["main", "wt", "side", "idle", "nothing"] {
        let refname = format!("refs/heads/{branch}");
        let by_git = listing.lines().any(|l| l == format!("branch {refname}"));
        let by_grove = grove::git::worktree::branch_checked_out(git, &repo, &refname).unwrap();
        assert_eq!(by_grove, by_git, "{branch}: {listing}");
    }
    assert!(grove::git::worktree::branch_checked_out(git, &repo, "refs/heads/side").unwrap());
    assert!(!grove::git::worktree::branch_checked_out(git, &repo, "refs/heads/idle").unwrap());
}
