//! Pushing: what reaches the remote, and every way a push is refused,
//! each with a message that says what to do.

use super::*;

#[test]
fn push_creates_the_remote_branch_at_the_workspace_commit() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let ws = workspace_with(&t, "auth", &["Add login"]);
    let head = t.git(&ws.path, &["rev-parse", "HEAD"]);

    let pushed = workspace::push(&t.ctx(), &name("auth")).unwrap();

    assert_eq!(pushed.branch, "grove/auth");
    assert_eq!(pushed.remote, "origin");
    assert_eq!(pushed.remote_url, bare.to_str().unwrap());
    assert_eq!(pushed.commit, head);
    assert_eq!(pushed.worktree, ws.path);
    assert_eq!(t.git(&bare, &["rev-parse", "refs/heads/grove/auth"]), head);
    let upstream = t.git(&ws.path, &["rev-parse", "--abbrev-ref", "@{upstream}"]);
    assert_eq!(upstream, "origin/grove/auth");
}

#[test]
fn a_missing_remote_is_named_with_how_to_add_it() {
    let t = TestRepo::new();
    workspace_with(&t, "auth", &["Add login"]);
    let err = workspace::push(&t.ctx(), &name("auth")).unwrap_err();
    assert!(
        matches!(err, WorkspaceError::Pr(PrError::NoRemote { .. })),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "workspace auth: the repository {} has no git remote `origin`; add it with \
             `git remote add origin URL`, or set workspace.remote to the remote to push to \
             (`git remote -v` lists them)",
            t.root.display()
        )
    );

    // The configured remote is the one pushed to.
    let bare = with_remote(&t);
    let ctx = t.ctx_with(|config| config.workspace.remote = "upstream".to_owned());
    let err = workspace::push(&ctx, &name("auth")).unwrap_err();
    assert!(
        err.to_string().contains("no git remote `upstream`"),
        "{err}"
    );
    t.git(&t.root, &["remote", "rename", "origin", "upstream"]);
    let pushed = workspace::push(&ctx, &name("auth")).unwrap();
    assert_eq!(pushed.remote, "upstream");
    assert_eq!(
        t.git(&bare, &["rev-parse", "refs/heads/grove/auth"]),
        pushed.commit
    );
}

#[test]
fn a_remote_that_refuses_the_push_is_reported_with_its_reason() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    workspace_with(&t, "auth", &["Add login"]);
    let hook = bare.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'policy: pushes are frozen' >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    support::gh::wait_until_executable(&hook, &[]);

    let err = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, None).unwrap_err();

    let WorkspaceError::Pr(PrError::Push { hint, .. }) = &err else {
        panic!("expected a push error, got {err:?}");
    };
    assert_eq!(*hint, PushHint::Other);
    let text = err.to_string();
    assert!(
        text.starts_with("cannot push branch grove/auth of workspace auth to remote `origin`: "),
        "{text}"
    );
    assert!(text.contains("policy: pushes are frozen"), "{text}");
    assert!(text.contains("pre-receive hook declined"), "{text}");
    assert!(!text.contains("hint:"), "{text}");
    assert!(
        !t.git_command(&bare)
            .args(["rev-parse", "--verify", "--quiet", "grove/auth"])
            .status()
            .unwrap()
            .success()
    );
}

#[test]
fn a_diverged_remote_branch_is_not_overwritten() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let ws = workspace_with(&t, "auth", &["Add login"]);
    let first = workspace::push(&t.ctx(), &name("auth")).unwrap();
    t.git(
        &ws.path,
        &["commit", "--quiet", "--amend", "-m", "Add login, rewritten"],
    );

    let err = workspace::push(&t.ctx(), &name("auth")).unwrap_err();

    let WorkspaceError::Pr(PrError::Push { hint, .. }) = &err else {
        panic!("expected a push error, got {err:?}");
    };
    assert_eq!(*hint, PushHint::Diverged);
    assert!(err.to_string().contains("--force-with-lease"), "{err}");
    assert_eq!(
        t.git(&bare, &["rev-parse", "refs/heads/grove/auth"]),
        first.commit
    );
}

#[test]
fn a_push_that_needs_a_password_fails_at_once() {
    use std::io::{Read as _, Write as _};
    // An HTTP remote that asks every request for credentials.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"grove\"\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let t = TestRepo::new();
    let url = format!("http://127.0.0.1:{port}/repo.git");
    t.git(&t.root, &["remote", "add", "origin", &url]);
    workspace_with(&t, "auth", &["Add login"]);
    let mut ctx = t.ctx();
    // No askpass program either, whatever the machine running the tests has.
    let mut env = support::repo::hermetic_env(&t.dir.path().join("home"));
    env.push(("GIT_ASKPASS".into(), "".into()));
    ctx.git = grove::git::Git::with_program("git".into(), env).unwrap();

    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(workspace::push(&ctx, &name("auth")));
    });
    let outcome = result
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the push waited for a password");

    let err = outcome.unwrap_err();
    let WorkspaceError::Pr(PrError::Push { hint, .. }) = &err else {
        panic!("expected a push error, got {err:?}");
    };
    assert_eq!(*hint, PushHint::Credentials, "{err}");
    assert!(err.to_string().contains("credential helper"), "{err}");
}

#[test]
fn a_base_missing_on_the_remote_is_said_after_pushing() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    t.git(&t.root, &["branch", "develop"]);
    let mut request = t.request("auth");
    request.base = Some("develop".to_owned());
    let ws = workspace::create(&t.ctx(), &request).unwrap();
    write_in(&ws.path, "login.txt", b"login\n");
    t.commit_all(&ws.path, "Add login");

    let err = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, None).unwrap_err();

    assert!(
        matches!(err, WorkspaceError::Pr(PrError::BaseNotOnRemote { .. })),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "pushed grove/auth to `origin`, but the base branch develop of workspace auth is not on \
         `origin`, so no pull request can target it; push it with `git push origin develop`, \
         then run `grove pr auth` again"
    );
    assert!(
        !t.git(&bare, &["rev-parse", "refs/heads/grove/auth"])
            .is_empty()
    );

    // A base given as the remote-tracking branch targets the remote's branch.
    t.git(&t.root, &["push", "--quiet", "origin", "develop"]);
    t.git(&t.root, &["fetch", "--quiet", "origin"]);
    let mut request = t.request("other");
    request.base = Some("origin/develop".to_owned());
    let ws = workspace::create(&t.ctx(), &request).unwrap();
    write_in(&ws.path, "other.txt", b"other\n");
    t.commit_all(&ws.path, "Other");
    let outcome = workspace::open_pr(&t.ctx(), &name("other"), Draft::No, None).unwrap();
    let PrOutcome::Manual { command, .. } = outcome else {
        panic!("expected a manual outcome");
    };
    assert!(command.contains(" --base develop "), "{command}");
}

#[test]
fn a_workspace_without_commits_is_refused_before_pushing() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    workspace_with(&t, "empty", &[]);
    let err = workspace::open_pr(&t.ctx(), &name("empty"), Draft::No, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "workspace empty has no commits that its base main lacks; commit the work on \
         grove/empty first"
    );
    let refs = t.git(&bare, &["for-each-ref", "--format=%(refname)"]);
    assert_eq!(refs, "refs/heads/main");
}

#[test]
fn a_worktree_on_another_branch_is_refused_before_pushing() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let record = workspace_with(&t, "moved", &["on its own branch"]);
    t.git(&record.path, &["switch", "--quiet", "-c", "elsewhere"]);
    write_in(&record.path, "later.txt", b"later\n");
    t.commit_all(&record.path, "on another branch");
    let err = workspace::open_pr(&t.ctx(), &name("moved"), Draft::No, None).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(
            err,
            WorkspaceError::Pr(PrError::OffBranch { ref checked_out, .. })
                if checked_out == "branch elsewhere"
        ),
        "{text}"
    );
    assert!(text.contains("switch grove/moved"), "{text}");
    let refs = t.git(&bare, &["for-each-ref", "--format=%(refname)"]);
    assert_eq!(refs, "refs/heads/main");
}
