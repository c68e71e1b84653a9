//! `grove pr` as a user runs it: output, and the exit codes.

use super::*;

/// `grove args…` in the repository with `path` as its PATH.
fn grove_with_path(t: &TestRepo, path: &std::ffi::OsStr, args: &[&str]) -> std::process::Output {
    Command::new(support::grove::GROVE)
        .args(args)
        .current_dir(&t.root)
        .envs(t.grove_env())
        .env("PATH", path)
        .env_remove("GROVE_LOG")
        .env_remove("GROVE_PANE")
        .output()
        .unwrap()
}

/// A PATH directory holding only `git`, so no `gh` can be found.
fn path_without_gh(t: &TestRepo) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap();
    let git = std::env::split_paths(&path)
        .map(|dir| dir.join("git"))
        .find(|candidate| candidate.is_file())
        .unwrap();
    let dir = t.dir.path().join("only-git");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(git, dir.join("git")).unwrap();
    dir
}

#[test]
fn cli_pushes_and_prints_the_pull_request() {
    let t = TestRepo::new();
    with_remote(&t);
    let ws = workspace_with(&t, "auth", &["Add login"]);
    let head = t.git(&ws.path, &["rev-parse", "HEAD"]);
    let fake = FakeGh::install(t.dir.path());

    let output = grove_with_path(&t, &fake.path_env(), &["pr", "auth", "--draft"]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "pushed grove/auth to origin ({})\nopened pull request https://github.com/owner/repo/pull/42\n",
            &head[..10]
        )
    );
    assert_eq!(fake.calls().last().unwrap().last().unwrap(), "--draft");

    fake.view(Some(
        r#"{"url":"https://github.com/owner/repo/pull/42","state":"OPEN"}"#,
    ));
    let output = grove_with_path(&t, &fake.path_env(), &["pr", "auth"]);
    assert!(
        String::from_utf8_lossy(&output.stdout).ends_with(
            "pull request https://github.com/owner/repo/pull/42 was already open; the push updated it\n"
        ),
        "{output:?}"
    );
}

#[test]
fn cli_without_gh_says_exactly_what_to_run() {
    let t = TestRepo::new();
    with_remote(&t);
    workspace_with(&t, "auth", &["Add login"]);
    let path = path_without_gh(&t);

    let output = grove_with_path(&t, path.as_os_str(), &["pr", "auth"]);

    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("pushed grove/auth to origin ("),
        "{stdout}"
    );
    assert_eq!(
        lines[1..].join("\n"),
        "gh is not installed (https://cli.github.com), so grove cannot open the pull request; \
         to open it, run in the repository: gh pr create --head grove/auth --base main \
         --title 'Add login' --body '- Add login\n\nCreated by grove from workspace auth.'"
    );
}

#[test]
fn cli_exit_codes() {
    let t = TestRepo::new();
    workspace_with(&t, "auth", &["Add login"]);
    let path = path_without_gh(&t);
    let run = |args: &[&str]| grove_with_path(&t, path.as_os_str(), args);

    let no_remote = run(&["pr", "auth"]);
    assert_eq!(no_remote.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&no_remote.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("grove: workspace auth: the repository "),
        "{stderr}"
    );

    for args in [&["pr", "nope"][..], &["pr", "a b"], &["pr"]] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    }
}
