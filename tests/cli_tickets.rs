//! `grove ticket` end to end: tickets added to `.grove/tickets.yaml`, listed,
//! started as a workspace whose (fake) agent gets the ticket as its first
//! prompt, imported once from a fake `gh`, and done when the branch merges.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};

use support::grove::{GROVE, Server};
use support::pane::wait_until;
use support::repo::TestRepo;

fn tickets_json(t: &TestRepo) -> serde_json::Value {
    serde_json::from_str(&t.grove_ok(&["ticket", "ls", "--json"])).unwrap()
}

fn workspace_path(t: &TestRepo, name: &str) -> Option<std::path::PathBuf> {
    let listing: serde_json::Value = serde_json::from_str(&t.grove_ok(&["ls", "--json"])).unwrap();
    listing["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == name)
        .map(|w| w["path"].as_str().unwrap().into())
}

#[test]
fn tickets_are_added_listed_and_started_with_the_ticket_as_the_prompt() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    let empty = t.grove_ok(&["ticket", "ls"]);
    assert!(empty.contains("no tickets yet"), "{empty}");

    let added = t.grove_ok(&[
        "ticket",
        "add",
        "Rate-limit logins",
        "--body",
        "Five tries a minute; say \"slow down\".",
        "--label",
        "backend",
    ]);
    assert!(
        added.contains("added ticket 1: Rate-limit logins"),
        "{added}"
    );
    t.grove_ok(&["ticket", "add", "Write the guide"]);
    let file = std::fs::read_to_string(t.root.join(".grove/tickets.yaml")).unwrap();
    assert!(file.contains("title: Rate-limit logins"), "{file}");
    let table = t.grove_ok(&["ticket", "ls"]);
    assert!(
        table.contains("   1  open         Rate-limit logins"),
        "{table}"
    );

    let started = t.grove_ok(&["ticket", "start", "1"]);
    assert!(
        started.contains("workspace t1-rate-limit-logins"),
        "{started}"
    );
    let json = tickets_json(&t);
    let first = &json["tickets"][0];
    assert_eq!(first["state"], "in_progress", "{json}");
    assert_eq!(first["workspace"], "t1-rate-limit-logins");
    assert_eq!(json["tickets"][1]["state"], "open");

    // The fake agent appends each line it reads to notes.txt: the prompt is
    // the ticket, typed once the agent was idle (one paste: the body's
    // line break arrives as part of it).
    let worktree = workspace_path(&t, "t1-rate-limit-logins").unwrap();
    let notes = worktree.join("notes.txt");
    wait_until("the agent to get the ticket", || {
        std::fs::read_to_string(&notes).is_ok_and(|n| n.contains("Labels: backend"))
    });
    let got = std::fs::read_to_string(&notes).unwrap();
    assert!(got.starts_with("Ticket #1: Rate-limit logins"), "{got}");
    assert!(
        got.contains("Five tries a minute; say \"slow down\"."),
        "{got}"
    );

    // The ticket's workspace shows its agent's state in the word `grove ls`
    // uses: the turn it took on the ticket is finished and unseen, "done".
    wait_until("ticket ls to show the turn done", || {
        let line = t.grove_ok(&["ticket", "ls"]);
        line.contains("t1-rate-limit-logins (done)")
    });

    // Starting it twice is refused with one line and exit 2.
    let again = t.grove(&t.root, &["ticket", "start", "1"]);
    assert_eq!(again.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("ticket 1 is already in progress in workspace t1-rate-limit-logins"),
        "{stderr}"
    );
    let missing = t.grove(&t.root, &["ticket", "start", "9"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no ticket 9"));
}

#[test]
fn merging_a_tickets_workspace_makes_it_done() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["ticket", "add", "Add a note"]);
    t.grove_ok(&["ticket", "start", "1", "--name", "note"]);
    // The team commits its tickets (and the repository its config); a merge
    // runs in the main worktree only when that is clean.
    t.git(&t.root, &["add", ".grove.yaml", ".grove/tickets.yaml"]);
    t.git(&t.root, &["commit", "-q", "-m", "Tickets"]);
    let worktree = workspace_path(&t, "note").unwrap();
    std::fs::write(worktree.join("note.md"), "a note\n").unwrap();
    t.git(&worktree, &["add", "note.md"]);
    t.git(&worktree, &["commit", "-q", "-m", "Add a note"]);
    // notes.txt (the agent's input log) is untracked work; merge anyway.
    let merged = t.grove_ok(&["merge", "note", "--yes", "--allow-uncommitted"]);
    assert!(merged.contains("ticket 1 is done"), "{merged}");
    assert_eq!(tickets_json(&t)["tickets"][0]["state"], "done");
}

/// A `gh` that lists two issues, as `gh issue list --json …` prints them.
fn fake_gh(dir: &Path) -> std::path::PathBuf {
    let bin = dir.join("fake-gh-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("gh");
    std::fs::write(
        &script,
        "#!/bin/sh\n\
         printf '%s\\n' \"$*\" >> \"$(dirname \"$0\")/calls\"\n\
         case \"$1 $2\" in\n\
         \"issue list\") cat <<'EOF'\n\
         [{\"number\": 12, \"title\": \"Crash on empty input\", \"body\": \"Steps: run it\", \"labels\": [{\"name\": \"bug\"}]},\n\
          {\"number\": 4, \"title\": \"Docs: typo\", \"body\": \"\", \"labels\": []}]\n\
         EOF\n\
         exit 0;;\n\
         esac\n\
         echo \"unexpected: $*\" >&2; exit 2\n",
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

fn grove_with_path(t: &TestRepo, path: &std::ffi::OsStr, args: &[&str]) -> Output {
    Command::new(GROVE)
        .args(args)
        .current_dir(&t.root)
        .envs(t.grove_env())
        .env("PATH", path)
        .output()
        .unwrap()
}

#[test]
fn github_issues_are_imported_once_and_a_missing_gh_says_what_to_do() {
    let t = TestRepo::new();
    let bin = fake_gh(t.dir.path());
    let path = std::env::join_paths(
        std::iter::once(bin.clone())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let first = grove_with_path(&t, &path, &["ticket", "import"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("imported 2 issues as tickets 1, 2"));
    let calls = std::fs::read_to_string(bin.join("calls")).unwrap();
    assert!(
        calls.starts_with("issue list --state open --limit 30 --json number,title,body,labels"),
        "{calls}"
    );
    let json = tickets_json(&t);
    assert_eq!(json["tickets"][0]["title"], "Docs: typo");
    assert_eq!(json["tickets"][1]["source"], "github#12");
    assert_eq!(json["tickets"][1]["labels"][0], "bug");
    let second = grove_with_path(&t, &path, &["ticket", "import"]);
    assert!(String::from_utf8_lossy(&second.stdout).contains("no new open issues"));

    // Without gh on PATH: one line that names the fix.
    let git_dir = Path::new(&t.git(&t.root, &["--exec-path"]).trim().to_owned()).to_owned();
    let bare = std::env::join_paths([Path::new("/usr/bin"), Path::new("/bin"), git_dir.as_path()])
        .unwrap();
    let no_gh = grove_with_path(&t, &bare, &["ticket", "import"]);
    if Path::new("/usr/bin/gh").exists() {
        eprintln!("gh is installed in /usr/bin; skipping the missing-gh half");
        return;
    }
    assert_eq!(no_gh.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&no_gh.stderr);
    assert!(
        stderr.contains("gh (the GitHub CLI) is not installed"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// With no agent configured the default profile is the shell, which takes
/// no prompt: a ticket typed into it would run as commands (and an
/// imported ticket is other people's text). Starting one, or `grove new
/// --prompt`, is refused with what to do, and nothing is made.
#[test]
fn a_shell_is_never_given_a_ticket_or_a_prompt() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let marker = t.dir.path().join("ran");
    let body = format!("touch {}", marker.display());
    t.grove_ok(&["ticket", "add", "Danger", "--body", &body]);
    for args in [
        vec!["ticket", "start", "1"],
        vec!["new", "w", "--prompt", body.as_str()],
    ] {
        let output = t.grove(&t.root, &args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded: {stderr}");
        assert!(
            stderr.contains("agent \"shell\" takes no prompt") && stderr.contains("--agent NAME"),
            "{args:?}: {stderr}"
        );
    }
    assert!(!marker.exists(), "the shell ran the ticket");
    let listing = t.grove_ok(&["ls", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&listing).unwrap();
    assert_eq!(
        json["workspaces"].as_array().map(Vec::len),
        Some(0),
        "{listing}"
    );
    let table = t.grove_ok(&["ticket", "ls"]);
    assert!(table.contains("   1  open"), "{table}");
}
