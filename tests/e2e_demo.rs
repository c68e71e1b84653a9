//! `grove demo` as a newcomer runs it: no agent CLI installed, a throwaway
//! repository, three scripted agents that edit, commit, ask and finish, and
//! the dashboard showing all of it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::ffi::OsString;

use grove::pane::{PaneSize, PaneSpec};
use support::grove::{GROVE, Server};
use support::pane::{spawn, wait_for_exit, wait_for_screen};
use support::repo::TestRepo;

#[test]
fn the_demo_shows_agents_working_asking_and_done() {
    let t = TestRepo::new();
    let _server = Server(&t);
    // The demo's repository goes under TMPDIR: the test's own directory.
    let tmp = t.dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut spec = PaneSpec::new(vec![OsString::from(GROVE), "demo".into()], &t.root);
    spec.size = PaneSize {
        rows: 40,
        cols: 160,
    };
    for (key, value) in t.grove_env() {
        spec.env.insert(key, value);
    }
    spec.env.insert("TMPDIR".into(), tmp.clone().into());
    let demo = spawn(spec);
    // The builder commits (Ready), the careful one asks (needs you), and
    // the thinker leaves work uncommitted.
    let screen = wait_for_screen(&demo, "the demo agents at work", |s| {
        s.contains("feature")
            && s.contains("Ready")
            && s.contains("docs needs you")
            && s.contains("Uncommitted")
    });
    assert!(
        screen.contains("demo-careful · waiting for you"),
        "{screen}"
    );
    // `GROVE_SCREENSHOTS=1 cargo test --test e2e_demo` refreshes the
    // dashboard screenshot in the user guide from this very screen.
    if std::env::var_os("GROVE_SCREENSHOTS").is_some() {
        let shot =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots/demo.txt");
        std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
        let trimmed: Vec<&str> = screen.lines().map(str::trim_end).collect();
        std::fs::write(&shot, trimmed.join("\n") + "\n").unwrap();
    }
    // Answering the question in its pane: focus it (C-b 2), then y.
    demo.write(b"\x022").unwrap();
    demo.write(b"y\r").unwrap();
    wait_for_screen(&demo, "the careful agent to commit", |s| {
        s.contains("README.md updated and committed")
    });
    demo.write(b"\x02d").unwrap();
    wait_for_exit(&demo);
    // The demo repository is real: the agents' branches have their commits.
    let root = std::fs::read_dir(&tmp)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("grove-demo-"))
        .expect("a grove-demo-* directory under TMPDIR")
        .path()
        .join("shop");
    let log = t.git(&root, &["log", "--format=%s", "grove/feature"]);
    assert!(log.contains("Add feature: add a feature function"), "{log}");
    let log = t.git(&root, &["log", "--format=%s", "grove/docs"]);
    assert!(
        log.contains("Docs: explain the project in the README"),
        "{log}"
    );
}
