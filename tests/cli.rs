//! The `grove` binary as a user runs it: real repositories, real git, the
//! exit codes and the one-line errors.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Output;

use support::grove::Server;
use support::repo::{TestRepo, write_in};

fn grove(t: &TestRepo, dir: &Path, args: &[&str]) -> Output {
    t.grove(dir, args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn new_ls_rm_restore_round_trip() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let made = grove(&t, &t.root, &["new", "auth"]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stdout(&made).contains("created workspace auth on branch grove/auth from main"));

    let listed = grove(&t, &t.root, &["ls", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let entry = &json["workspaces"][0];
    assert_eq!(entry["name"], "auth");
    assert_eq!(entry["branch"], "grove/auth");
    assert_eq!(entry["base"], "main");
    assert_eq!(entry["repo"], t.root.to_str().unwrap());
    let path = entry["path"].as_str().unwrap().to_owned();
    assert!(Path::new(&path).join("README.md").exists());
    assert_eq!(entry["agent"], "shell");
    assert_eq!(entry["status"], "running");
    for field in ["port", "created"] {
        assert!(!entry[field].is_null(), "missing {field} in {entry}");
    }

    write_in(Path::new(&path), "work.txt", b"unsaved\n");
    let refused = grove(&t, &t.root, &["rm", "auth"]);
    assert_eq!(refused.status.code(), Some(3));
    assert_eq!(stderr(&refused).lines().count(), 1, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("1 uncommitted file"));

    let removed = grove(&t, &t.root, &["rm", "auth", "--force"]);
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert!(!Path::new(&path).exists());
    assert!(stdout(&removed).contains("refs/grove/snapshots/auth/"));

    let listed = grove(&t, &t.root, &["restore", "auth", "--list"]);
    assert_eq!(stdout(&listed).lines().count(), 1, "{}", stdout(&listed));
    let json: serde_json::Value = serde_json::from_slice(
        &grove(&t, &t.root, &["restore", "auth", "--list", "--json"]).stdout,
    )
    .unwrap();
    let refname = json["snapshots"][0]["ref"].as_str().unwrap();
    assert!(refname.starts_with("refs/grove/snapshots/auth/"), "{json}");

    let restored = grove(&t, &t.root, &["restore", "auth"]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert_eq!(
        std::fs::read(Path::new(&path).join("work.txt")).unwrap(),
        b"unsaved\n"
    );
}

#[test]
fn works_from_inside_a_workspace_and_with_dash_c() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let made = grove(
        &t,
        t.dir.path(),
        &["-C", t.root.to_str().unwrap(), "new", "one"],
    );
    assert!(made.status.success(), "{}", stderr(&made));
    let listed = grove(&t, &t.root, &["ls", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let inside = json["workspaces"][0]["path"].as_str().unwrap().to_owned();

    let nested = grove(&t, Path::new(&inside), &["new", "two"]);
    assert!(nested.status.success(), "{}", stderr(&nested));
    assert!(
        stdout(&nested).contains("from grove/one"),
        "{}",
        stdout(&nested)
    );
    let table = stdout(&grove(&t, Path::new(&inside), &["ls"]));
    assert!(table.starts_with("NAME"), "{table}");
    assert!(table.contains("one") && table.contains("two"), "{table}");
}

#[test]
fn bad_input_is_one_line_and_exit_code_two() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let outside = t.dir.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    let cases: [(&Path, &[&str], &str); 4] = [
        (&t.root, &["new", "../escape"], "invalid workspace name"),
        (&outside, &["new", "x"], "is not inside a git repository"),
        (
            &t.root,
            &["new", "x", "--base", "nope"],
            "base nope does not name a commit",
        ),
        (&t.root, &["rm", "ghost"], "no workspace ghost in"),
    ];
    for (dir, args, expected) in cases {
        let output = grove(&t, dir, args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("grove: "), "{err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

#[test]
fn help_shows_examples() {
    let t = TestRepo::new();
    let help = grove(&t, &t.root, &["rm", "--help"]);
    assert!(help.status.success());
    assert!(
        stdout(&help).contains("grove rm spike --force"),
        "{}",
        stdout(&help)
    );
}

#[test]
fn config_shows_provenance_and_check_names_file_line_column_and_key() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.write(".grove.yaml", "workspace:\n  branch_prefix: agent/\n");
    let shown = grove(&t, &t.root, &["config"]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    let text = stdout(&shown);
    let line = text.lines().find(|l| l.contains("branch_prefix")).unwrap();
    assert!(
        line.contains("agent/") && line.ends_with("# repository"),
        "{line}"
    );
    let made = grove(&t, &t.root, &["new", "x"]);
    assert!(
        stdout(&made).contains("branch agent/x"),
        "{}",
        stdout(&made)
    );

    t.write(".grove.yaml", "workspace:\n  copy: [.env]\n  setpu: []\n");
    for args in [
        &["config", "check"][..],
        &["config", "check", ".grove.yaml"],
        &["new", "y"],
    ] {
        let output = grove(&t, &t.root, args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(".grove.yaml:3:3: workspace.setpu: unknown key"),
            "{err}"
        );
    }
}

#[test]
fn completions_man_page_and_doctor() {
    let t = TestRepo::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = grove(&t, &t.root, &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        // Every subcommand is completed, generated from the parser itself.
        for command in ["new", "send", "ticket", "run", "capture", "wait", "events"] {
            assert!(stdout(&out).contains(command), "{shell} lacks {command}");
        }
    }
    let bad = grove(&t, &t.root, &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    let man = grove(&t, &t.root, &["man"]);
    assert!(stdout(&man).contains(".TH grove 1"), "{}", stdout(&man));
    assert!(stdout(&man).contains("capture"));

    // A working set-up: git found, config valid, the default agent (a shell)
    // found; agents that are not installed are warnings with their fix.
    let doctor = grove(&t, &t.root, &["doctor"]);
    assert!(
        doctor.status.success(),
        "{}{}",
        stdout(&doctor),
        stderr(&doctor)
    );
    let report = stdout(&doctor);
    assert!(report.contains("ok    git "), "{report}");
    assert!(report.contains("ok    configuration is valid"), "{report}");
    // A broken config is a failure that names the file and how to check it.
    write_in(&t.root, ".grove.yaml", b"agent: nosuch\n");
    let broken = grove(&t, &t.root, &["doctor"]);
    assert_eq!(broken.status.code(), Some(1));
    let report = stdout(&broken);
    assert!(report.contains("FAIL  configuration:"), "{report}");
    assert!(report.contains(".grove.yaml"), "{report}");
    assert!(
        report.contains("fix: fix that file; `grove config check` validates it"),
        "{report}"
    );
}

#[test]
fn the_config_reference_in_docs_is_generated_and_current() {
    let t = TestRepo::new();
    let out = grove(&t, &t.root, &["config", "reference"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/config.md"),
    )
    .unwrap();
    assert!(
        docs == stdout(&out),
        "docs/config.md is stale: run `cargo run -- config reference > docs/config.md`"
    );
}

#[test]
fn setup_commands_from_the_repository_wait_for_grove_trust() {
    let t = TestRepo::new();
    let _server = Server(&t);
    write_in(
        &t.root,
        ".grove.yaml",
        b"workspace:\n  setup: [\"touch made-by-setup\"]\n",
    );
    let refused = grove(&t, &t.root, &["new", "first"]);
    assert_eq!(refused.status.code(), Some(3), "{}", stdout(&refused));
    let message = stderr(&refused);
    assert!(
        message.contains(".grove.yaml asks to run [\"touch made-by-setup\"]"),
        "{message}"
    );
    assert!(message.contains("`grove trust`"), "{message}");
    // Nothing half-made is left.
    let listed = grove(&t, &t.root, &["ls"]);
    assert!(
        stdout(&listed).contains("no workspaces"),
        "{}",
        stdout(&listed)
    );

    let trusted = grove(&t, &t.root, &["trust"]);
    assert!(
        stdout(&trusted).contains("touch made-by-setup"),
        "{}",
        stdout(&trusted)
    );
    let made = grove(&t, &t.root, &["new", "first"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let json: serde_json::Value =
        serde_json::from_slice(&grove(&t, &t.root, &["ls", "--json"]).stdout).unwrap();
    let path = json["workspaces"][0]["path"].as_str().unwrap();
    assert!(std::path::Path::new(path).join("made-by-setup").exists());

    // A changed file needs trusting again.
    write_in(
        &t.root,
        ".grove.yaml",
        b"workspace:\n  setup: [\"touch made-by-setup\", \"echo more\"]\n",
    );
    let again = grove(&t, &t.root, &["new", "second"]);
    assert_eq!(again.status.code(), Some(3), "{}", stderr(&again));
}

#[test]
fn send_key_presses_keys_encoded_for_the_program() {
    let t = TestRepo::new();
    let _server = Server(&t);
    write_in(
        &t.root,
        ".grove.yaml",
        b"agent: raw\nagents:\n  raw:\n    command: [\"sh\", \"-c\", \"stty raw -echo; echo ready; dd bs=1 count=5 of=keys.bin 2>/dev/null; echo got; exec sleep 100000\"]\n",
    );
    let made = grove(&t, &t.root, &["new", "keys"]);
    assert!(made.status.success(), "{}", stderr(&made));
    let json: serde_json::Value =
        serde_json::from_slice(&grove(&t, &t.root, &["ls", "--json"]).stdout).unwrap();
    let path = std::path::PathBuf::from(json["workspaces"][0]["path"].as_str().unwrap());
    support::pane::wait_until("the agent to be ready", || {
        stdout(&grove(&t, &t.root, &["capture", "keys"])).contains("ready")
    });
    let sent = grove(
        &t,
        &t.root,
        &[
            "send", "keys", "--key", "Enter", "--key", "y", "--key", "Up",
        ],
    );
    assert!(sent.status.success(), "{}", stderr(&sent));
    support::pane::wait_until("the keys to arrive", || {
        std::fs::read(path.join("keys.bin")).is_ok_and(|b| b.len() == 5)
    });
    assert_eq!(std::fs::read(path.join("keys.bin")).unwrap(), b"\ry\x1b[A");
    let bad = grove(&t, &t.root, &["send", "keys", "--key", "Hyper-x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("\"Hyper-x\" is not a key"),
        "{}",
        stderr(&bad)
    );
}
