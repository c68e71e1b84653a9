//! When gh is missing or signed out: the exact command to run, quoted so
//! that a shell hands gh what grove would have.

use super::*;

/// Runs a printed command line through `sh` with the fake gh first on PATH.
fn run_in_shell(fake: &FakeGh, dir: &Path, command: &str) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", fake.path_env())
        .status()
        .unwrap();
    assert!(status.success(), "{command}");
}

#[test]
fn without_gh_the_outcome_is_the_exact_command_and_the_compare_page() {
    for url in [
        "https://github.com/owner/repo.git",
        "git@github.com:owner/repo.git",
    ] {
        let t = TestRepo::new();
        let bare = with_remote(&t);
        // Fetch URL on GitHub, pushes to the local bare repository.
        t.git(&t.root, &["remote", "set-url", "origin", url]);
        t.git(
            &t.root,
            &["config", "remote.origin.pushurl", bare.to_str().unwrap()],
        );
        let ws = workspace_with(&t, "auth", &["Add login"]);

        let outcome = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, None).unwrap();

        let PrOutcome::Manual {
            pushed,
            reason,
            command,
            compare_url,
        } = outcome
        else {
            panic!("expected a manual outcome");
        };
        assert_eq!(reason, ManualReason::NotInstalled);
        assert_eq!(pushed.remote_url, url);
        assert_eq!(
            command,
            "gh pr create --head grove/auth --base main --title 'Add login' \
             --body '- Add login\n\nCreated by grove from workspace auth.'"
        );
        assert_eq!(
            compare_url.as_deref(),
            Some("https://github.com/owner/repo/compare/main...grove/auth?expand=1")
        );
        let head = t.git(&ws.path, &["rev-parse", "HEAD"]);
        assert_eq!(t.git(&bare, &["rev-parse", "refs/heads/grove/auth"]), head);
        // The printed command, pasted into a shell, sends what grove would.
        let fake = FakeGh::install(t.dir.path());
        run_in_shell(&fake, &ws.path, &command);
        let body = "- Add login\n\nCreated by grove from workspace auth.";
        assert_eq!(
            fake.calls(),
            [create_argv("grove/auth", "Add login", body, Draft::No)]
        );
    }
}

#[test]
fn without_gh_and_a_non_github_remote_there_is_no_compare_page() {
    let t = TestRepo::new();
    with_remote(&t);
    workspace_with(&t, "auth", &["Add login"]);
    let outcome = workspace::open_pr(&t.ctx(), &name("auth"), Draft::Yes, None).unwrap();
    let PrOutcome::Manual {
        command,
        compare_url,
        ..
    } = outcome
    else {
        panic!("expected a manual outcome");
    };
    assert!(command.ends_with(" --draft"), "{command}");
    assert_eq!(compare_url, None);
}

#[test]
fn signed_out_gh_gives_the_manual_outcome() {
    let t = TestRepo::new();
    with_remote(&t);
    workspace_with(&t, "auth", &["Add login"]);
    let fake = FakeGh::install(t.dir.path());
    fake.flag("signed-out", true);

    let outcome = workspace::open_pr(&t.ctx(), &name("auth"), Draft::No, Some(&fake.gh()));

    let PrOutcome::Manual {
        reason, command, ..
    } = outcome.unwrap()
    else {
        panic!("expected a manual outcome");
    };
    assert_eq!(reason, ManualReason::NotSignedIn);
    assert!(
        command.starts_with("gh pr create --head grove/auth "),
        "{command}"
    );
    assert_eq!(fake.calls(), [auth_argv()]);
}

#[test]
fn quotes_dollars_backticks_and_newlines_reach_gh_intact() {
    let nasty = r#"Fix "quotes" $(touch pwned) `touch pwned2` it's 100% done\"#;
    let t = TestRepo::new();
    with_remote(&t);
    let ws = workspace_with(&t, "odd", &[nasty]);
    let fake = FakeGh::install(t.dir.path());

    workspace::open_pr(&t.ctx(), &name("odd"), Draft::No, Some(&fake.gh())).unwrap();

    let body = format!("- {nasty}\n\nCreated by grove from workspace odd.");
    let expected = create_argv("grove/odd", nasty, &body, Draft::No);
    assert_eq!(fake.calls().last().unwrap(), &expected);

    // The same text through the printed command and a real shell.
    let outcome = workspace::open_pr(&t.ctx(), &name("odd"), Draft::No, None).unwrap();
    let PrOutcome::Manual { command, .. } = outcome else {
        panic!("expected a manual outcome");
    };
    run_in_shell(&fake, &ws.path, &command);
    assert_eq!(fake.calls().last().unwrap(), &expected);
    for dir in [&ws.path, &t.root] {
        assert!(!dir.join("pwned").exists() && !dir.join("pwned2").exists());
    }
}
