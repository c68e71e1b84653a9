//! Opening pull requests with a signed-in gh: exactly what gh is asked,
//! and no second pull request for a branch that has one.

use super::*;

#[test]
fn open_pr_creates_it_with_title_and_body_from_the_commits() {
    let t = TestRepo::new();
    with_remote(&t);
    let ws = workspace_with(
        &t,
        "fix-login",
        &["Check the password", "Rate-limit logins"],
    );
    let fake = FakeGh::install(t.dir.path());

    let outcome = workspace::open_pr(&t.ctx(), &name("fix-login"), Draft::No, Some(&fake.gh()));

    let PrOutcome::Created { pushed, url } = outcome.unwrap() else {
        panic!("expected a created pull request");
    };
    assert_eq!(url, "https://github.com/owner/repo/pull/42");
    assert_eq!(pushed.branch, "grove/fix-login");
    let body =
        "- Check the password\n- Rate-limit logins\n\nCreated by grove from workspace fix-login.";
    assert_eq!(
        fake.calls(),
        [
            auth_argv(),
            view_argv("grove/fix-login"),
            create_argv("grove/fix-login", "Fix login", body, Draft::No),
        ]
    );
    let expected_env = format!(
        "GH_PROMPT_DISABLED=1 NO_COLOR=1 stdin=null pwd={}\n",
        ws.path.display()
    );
    for env in fake.envs() {
        assert_eq!(env, expected_env);
    }
}

#[test]
fn one_commit_gives_the_title_and_draft_is_passed_on() {
    let t = TestRepo::new();
    with_remote(&t);
    workspace_with(&t, "auth", &["Add login\n\nLonger explanation."]);
    let fake = FakeGh::install(t.dir.path());

    let outcome = workspace::open_pr(&t.ctx(), &name("auth"), Draft::Yes, Some(&fake.gh()));

    assert!(matches!(outcome.unwrap(), PrOutcome::Created { .. }));
    let body = "- Add login\n\nCreated by grove from workspace auth.";
    assert_eq!(
        fake.calls().last().unwrap(),
        &create_argv("grove/auth", "Add login", body, Draft::Yes)
    );
}

#[test]
fn an_open_pull_request_is_returned_without_a_second_create() {
    let t = TestRepo::new();
    let bare = with_remote(&t);
    let ws = workspace_with(&t, "auth", &["Add login"]);
    let fake = FakeGh::install(t.dir.path());
    fake.view(Some(
        r#"{"url":"https://github.com/owner/repo/pull/7","state":"OPEN"}"#,
    ));
    write_in(&ws.path, "more.txt", b"more\n");
    t.commit_all(&ws.path, "More");

    let outcome = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, Some(&fake.gh()));

    let PrOutcome::Existing { url, .. } = outcome.unwrap() else {
        panic!("expected the existing pull request");
    };
    assert_eq!(url, "https://github.com/owner/repo/pull/7");
    assert_eq!(fake.calls(), [auth_argv(), view_argv("grove/auth")]);
    // The push still happened: the open pull request now has the new commit.
    let head = t.git(&ws.path, &["rev-parse", "HEAD"]);
    assert_eq!(t.git(&bare, &["rev-parse", "refs/heads/grove/auth"]), head);
}

#[test]
fn a_merged_pull_request_does_not_stop_a_new_one() {
    let t = TestRepo::new();
    with_remote(&t);
    workspace_with(&t, "auth", &["Add login"]);
    let fake = FakeGh::install(t.dir.path());
    fake.view(Some(
        r#"{"url":"https://github.com/owner/repo/pull/7","state":"MERGED"}"#,
    ));

    let outcome = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, Some(&fake.gh()));

    assert!(matches!(outcome.unwrap(), PrOutcome::Created { .. }));
    assert_eq!(fake.calls().len(), 3);
}

#[test]
fn a_pull_request_opened_meanwhile_is_returned() {
    let t = TestRepo::new();
    with_remote(&t);
    workspace_with(&t, "auth", &["Add login"]);
    let fake = FakeGh::install(t.dir.path());
    fake.flag("create-exists", true);

    let outcome = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, Some(&fake.gh()));

    let PrOutcome::Existing { url, .. } = outcome.unwrap() else {
        panic!("expected the pull request gh reported");
    };
    assert_eq!(url, "https://github.com/owner/repo/pull/3");
}

#[test]
fn gh_failing_after_the_push_says_both() {
    let t = TestRepo::new();
    with_remote(&t);
    let ws = workspace_with(&t, "auth", &["Add login"]);
    let fake = FakeGh::install(t.dir.path());
    fake.flag("view-error", true);

    let err = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, Some(&fake.gh())).unwrap_err();

    assert!(
        matches!(err, WorkspaceError::Pr(PrError::NotOpened { .. })),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "pushed grove/auth to `origin`, but could not open its pull request: \
             `gh pr view grove/auth --json url,state` failed in {}: HTTP 502: Bad Gateway",
            ws.path.display()
        )
    );
}
