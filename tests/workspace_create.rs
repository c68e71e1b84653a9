//! Creating workspaces on real repositories: branch, worktree, lock, record,
//! provisioning, setup commands, rollback, and every refusal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use grove::git::{Git, GitError, Repo, RepoError};
use grove::state::Phase;
use grove::workspace::{self, WorkspaceError, WorkspaceName};
use support::repo::{TestRepo, hermetic_env, write_in};

#[test]
fn create_makes_a_locked_worktree_on_a_new_branch_and_records_it() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    let record = workspace::create(&ctx, &t.request("auth")).unwrap();

    assert_eq!(record.branch, "grove/auth");
    assert_eq!(record.base, "main");
    assert_eq!(record.phase, Phase::Ready);
    let expected_root = t
        .paths
        .worktrees_root()
        .join(format!("my repo-{}", ctx.repo.short_id()));
    assert_eq!(record.path, expected_root.join("auth"));
    assert_eq!(
        std::fs::read_to_string(record.path.join("README.md")).unwrap(),
        "hello\n"
    );
    assert_eq!(
        t.git(&record.path, &["rev-parse", "HEAD"]),
        t.git(&t.root, &["rev-parse", "main"])
    );
    assert_eq!(
        t.git(&record.path, &["symbolic-ref", "--short", "HEAD"]),
        "grove/auth"
    );
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    assert!(
        listing.contains("locked grove workspace auth"),
        "worktree not locked:\n{listing}"
    );
    assert!((20000..=29999).contains(&record.port));
    assert_eq!(record.agent, None);
    assert_eq!(ctx.list().unwrap(), vec![record]);

    // The agent to run is recorded with the workspace.
    let mut request = t.request("with-agent");
    request.agent = Some("codex".to_owned());
    let record = workspace::create(&ctx, &request).unwrap();
    assert_eq!(record.agent.as_deref(), Some("codex"));
    let stored = ctx.list().unwrap();
    assert_eq!(
        stored.iter().find(|r| r.name == "with-agent"),
        Some(&record)
    );
}

#[test]
fn base_defaults_to_the_current_branch_and_can_be_given() {
    let t = TestRepo::new();
    t.git(&t.root, &["switch", "--quiet", "-c", "develop"]);
    t.write("dev.txt", "dev\n");
    t.commit_all(&t.root, "dev work");
    let ctx = t.ctx();

    let from_current = workspace::create(&ctx, &t.request("one")).unwrap();
    assert_eq!(from_current.base, "develop");
    assert!(from_current.path.join("dev.txt").exists());

    let mut request = t.request("two");
    request.base = Some("main".into());
    let from_main = workspace::create(&ctx, &request).unwrap();
    assert_eq!(from_main.base, "main");
    assert!(!from_main.path.join("dev.txt").exists());
}

#[test]
fn a_relative_root_is_taken_from_the_repository() {
    let t = TestRepo::new();
    let ctx = t.ctx_with(|c| c.workspace.root = Some("../trees".into()));
    let record = workspace::create(&ctx, &t.request("x")).unwrap();
    assert_eq!(record.path, t.root.parent().unwrap().join("trees/x"));
    assert!(record.path.join("README.md").exists());
}

#[test]
fn provisioning_copies_and_links_untracked_files_and_setup_sees_the_environment() {
    let t = TestRepo::new();
    t.write(".env", "SECRET=1\n");
    write_in(&t.root, "cache/blob.bin", b"\x00\x01cache");
    let tool = t.root.join("tool.sh");
    std::fs::write(&tool, "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    let ctx = t.ctx_with(|c| {
        c.workspace.copy = vec![".env".into(), "*.sh".into(), "missing.txt".into()];
        c.workspace.symlink = vec!["cache".into()];
        c.workspace.setup = vec![
            "printf '%s|%s|%s|%s|%s' \"$GROVE_WORKSPACE\" \"$GROVE_BRANCH\" \"$GROVE_REPO\" \"$GROVE_PORT\" \"$PWD\" > setup.out".into(),
            "test -f .env".into(),
        ];
    });
    let record = workspace::create(&ctx, &t.request("env")).unwrap();

    assert_eq!(
        std::fs::read_to_string(record.path.join(".env")).unwrap(),
        "SECRET=1\n"
    );
    let copied_tool = std::fs::metadata(record.path.join("tool.sh")).unwrap();
    assert_eq!(copied_tool.permissions().mode() & 0o777, 0o755);
    assert_eq!(
        std::fs::read_link(record.path.join("cache")).unwrap(),
        t.root.join("cache")
    );
    assert!(!record.path.join("missing.txt").exists());
    let out = std::fs::read_to_string(record.path.join("setup.out")).unwrap();
    let expected = format!(
        "env|grove/env|{}|{}|{}",
        t.root.display(),
        record.port,
        record.path.display()
    );
    assert_eq!(out, expected);
    let mut provisioned = record.provisioned.clone();
    provisioned.sort();
    assert_eq!(
        provisioned,
        vec![
            Path::new(".env").to_owned(),
            "cache".into(),
            "tool.sh".into()
        ]
    );
}

#[test]
fn provisioning_never_overwrites_a_tracked_file() {
    let t = TestRepo::new();
    t.write("config.toml", "tracked\n");
    t.commit_all(&t.root, "config");
    t.write("config.toml", "local edit in the main worktree\n");
    let ctx = t.ctx_with(|c| c.workspace.copy = vec!["config.toml".into()]);
    let record = workspace::create(&ctx, &t.request("keep")).unwrap();
    assert_eq!(
        std::fs::read_to_string(record.path.join("config.toml")).unwrap(),
        "tracked\n"
    );
    assert!(record.provisioned.is_empty());
}

#[test]
fn a_failing_setup_command_leaves_no_worktree_branch_or_record() {
    let t = TestRepo::new();
    let ctx = t.ctx_with(|c| {
        c.workspace.setup = vec!["touch made-by-setup".into(), "echo boom >&2; exit 3".into()];
    });
    let err = workspace::create(&ctx, &t.request("bad")).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, WorkspaceError::Setup { .. }), "{message}");
    assert!(message.contains("boom"), "{message}");
    assert!(message.contains("exit status: 3"), "{message}");

    assert!(!ctx.repo.branch_exists("grove/bad").unwrap());
    assert!(!ctx.worktree_root().join("bad").exists());
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    assert!(!listing.contains("/bad"), "{listing}");
    assert!(ctx.list().unwrap().is_empty());
    // The same name works once the problem is fixed.
    let fixed = t.ctx();
    workspace::create(&fixed, &t.request("bad")).unwrap();
}

#[test]
fn refuses_outside_a_repository() {
    let t = TestRepo::new();
    let plain = t.dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let err = Repo::discover(&t.git, &plain).unwrap_err();
    assert!(matches!(err, RepoError::NotARepository { .. }), "{err}");
    assert!(err.to_string().contains("not inside a git repository"));
    assert!(err.to_string().contains(&plain.display().to_string()));
}

#[test]
fn refuses_a_bare_repository() {
    let t = TestRepo::new();
    let bare = t.dir.path().join("bare.git");
    t.git(
        t.dir.path(),
        &[
            "clone",
            "--quiet",
            "--bare",
            t.root.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let err = Repo::discover(&t.git, &bare).unwrap_err();
    assert!(matches!(err, RepoError::Bare { .. }), "{err}");
    assert!(err.to_string().contains("bare repository"), "{err}");
}

#[test]
fn refuses_an_existing_branch() {
    let t = TestRepo::new();
    t.git(&t.root, &["branch", "grove/taken"]);
    let err = workspace::create(&t.ctx(), &t.request("taken")).unwrap_err();
    assert!(matches!(err, WorkspaceError::BranchExists { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("branch grove/taken already exists")
    );
}

#[test]
fn refuses_an_existing_workspace() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    workspace::create(&ctx, &t.request("twice")).unwrap();
    let err = workspace::create(&ctx, &t.request("twice")).unwrap_err();
    assert!(matches!(err, WorkspaceError::Exists { .. }), "{err}");
    assert!(err.to_string().contains("workspace twice already exists"));
}

#[test]
fn refuses_a_directory_in_the_way() {
    let t = TestRepo::new();
    let ctx = t.ctx();
    write_in(&ctx.worktree_root().join("busy"), "someone-elses.txt", b"x");
    let err = workspace::create(&ctx, &t.request("busy")).unwrap_err();
    assert!(matches!(err, WorkspaceError::PathTaken { .. }), "{err}");
    assert!(ctx.worktree_root().join("busy/someone-elses.txt").exists());
    assert!(!ctx.repo.branch_exists("grove/busy").unwrap());
}

#[test]
fn refuses_invalid_names() {
    for name in ["../escape", "-f", "a/b", "x y", "$(reboot)", "x.lock", ""] {
        let err = WorkspaceName::parse(name).unwrap_err();
        assert!(
            err.to_string().starts_with("invalid workspace name"),
            "{err}"
        );
    }
}

#[test]
fn refuses_a_branch_prefix_git_rejects() {
    let t = TestRepo::new();
    let ctx = t.ctx_with(|c| c.workspace.branch_prefix = "bad..prefix/".into());
    let err = workspace::create(&ctx, &t.request("x")).unwrap_err();
    assert!(err.to_string().contains("branch_prefix"), "{err}");
}

#[test]
fn refuses_a_missing_base() {
    let t = TestRepo::new();
    let mut request = t.request("x");
    request.base = Some("no-such-branch".into());
    let err = workspace::create(&t.ctx(), &request).unwrap_err();
    assert!(matches!(err, WorkspaceError::MissingBase { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("base no-such-branch does not name a commit")
    );
}

#[test]
fn refuses_an_unborn_head() {
    let t = TestRepo::empty();
    let err = workspace::create(&t.ctx(), &t.request("x")).unwrap_err();
    assert!(
        matches!(err, WorkspaceError::Repo(RepoError::UnbornHead { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("no commits yet"));
}

#[test]
fn refuses_a_detached_head_without_a_base() {
    let t = TestRepo::new();
    t.git(&t.root, &["switch", "--quiet", "--detach"]);
    let err = workspace::create(&t.ctx(), &t.request("x")).unwrap_err();
    assert!(
        matches!(err, WorkspaceError::Repo(RepoError::DetachedHead { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("--base"));
}

#[test]
fn refuses_a_git_that_is_too_old() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("git");
    std::fs::write(&fake, "#!/bin/sh\necho 'git version 2.30.1'\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = Git::with_program(fake, hermetic_env(dir.path())).unwrap_err();
    assert!(matches!(err, GitError::TooOld { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "git 2.30.1 is too old: grove needs git 2.38.0 or newer (`git --version`)"
    );
    let missing = Git::with_program(dir.path().join("nope"), Vec::new()).unwrap_err();
    assert!(matches!(missing, GitError::Spawn { .. }), "{missing}");
}

#[test]
fn a_failing_checkout_hook_is_rolled_back_too() {
    let t = TestRepo::new();
    let hook = t.root.join(".git/hooks/post-checkout");
    std::fs::write(&hook, "#!/bin/sh\necho hook says no >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let ctx = t.ctx();
    let err = workspace::create(&ctx, &t.request("hooked")).unwrap_err();
    assert!(matches!(err, WorkspaceError::Git(_)), "{err}");
    assert!(err.to_string().contains("hook says no"), "{err}");
    assert!(!ctx.repo.branch_exists("grove/hooked").unwrap());
    assert!(!ctx.worktree_root().join("hooked").exists());
    let listing = t.git(&t.root, &["worktree", "list", "--porcelain"]);
    assert!(!listing.contains("hooked"), "{listing}");
    assert!(ctx.list().unwrap().is_empty());
}
