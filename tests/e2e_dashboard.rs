//! The dashboard end to end: the real `grove` binary in a real PTY, read back
//! through an emulator, with scripted fake agents in real worktrees. Every
//! wait has a deadline and dumps the screen when it passes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use grove::pane::{Pane, PaneSize};
use grove::ui::LayoutMode;
use support::grove::Server;
use support::pane::{
    wait_for_exit, wait_for_screen, wait_for_settled_screen, wait_for_text, wait_until,
};
use support::repo::TestRepo;

const SIZE: PaneSize = PaneSize {
    rows: 40,
    cols: 160,
};
const PREFIX: &[u8] = b"\x02";

fn three_agents(t: &TestRepo) {
    t.use_fake_agent();
    for name in ["alpha", "beta", "gamma"] {
        t.grove_ok(&["new", name]);
    }
}

fn wait_for_all_ready(dashboard: &Pane) -> String {
    wait_for_screen(dashboard, "three ready agents, tiled", |s| {
        ["alpha", "beta", "gamma"]
            .iter()
            .all(|n| s.contains(&format!("fake agent in {n} ready")))
            && s.contains("1 alpha")
            && s.contains("2 beta")
            && s.contains("3 gamma")
    })
}

#[test]
fn three_agents_tile_and_typing_reaches_only_the_focused_one() {
    let t = TestRepo::new();
    let _server = Server(&t);
    three_agents(&t);
    let dashboard = t.dashboard(&[], SIZE);
    let screen = wait_for_all_ready(&dashboard);
    // Tiled: alpha and beta side by side on the first row of tiles.
    let first_row = screen.lines().find(|l| l.contains("1 alpha")).unwrap();
    assert!(first_row.contains("2 beta"), "not tiled:\n{screen}");

    dashboard.write(b"hello\r").unwrap();
    wait_for_text(&dashboard, "alpha got: hello");
    dashboard.write(PREFIX).unwrap();
    dashboard.write(b"2").unwrap();
    dashboard.write(b"world\r").unwrap();
    let screen = wait_for_text(&dashboard, "beta got: world");
    assert!(!screen.contains("alpha got: world"), "{screen}");
    assert!(!screen.contains("beta got: hello"), "{screen}");
    assert!(!screen.contains("gamma got:"), "{screen}");
    let notes = |name: &str| {
        let listing = t.grove_ok(&["ls", "--json"]);
        let json: serde_json::Value = serde_json::from_str(&listing).unwrap();
        let path = json["workspaces"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == name)
            .unwrap()["path"]
            .as_str()
            .unwrap()
            .to_owned();
        std::fs::read_to_string(std::path::Path::new(&path).join("notes.txt")).unwrap_or_default()
    };
    assert_eq!(notes("alpha"), "hello\n");
    assert_eq!(notes("beta"), "world\n");
    assert_eq!(notes("gamma"), "");
}

#[test]
fn the_chooser_focuses_the_workspace_whose_name_was_typed() {
    let t = TestRepo::new();
    let _server = Server(&t);
    three_agents(&t);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_all_ready(&dashboard);
    dashboard.write(&[PREFIX, b"w"].concat()).unwrap();
    wait_for_text(&dashboard, "Go to workspace");
    // "a" leaves all three (gamma, beta, alpha all have one), "mm" gamma.
    dashboard.write(b"mm").unwrap();
    wait_for_screen(&dashboard, "only gamma listed", |s| {
        s.contains("› mm") && s.contains(" 3 gamma") && !s.contains(" 1 alpha  ")
    });
    dashboard.write(b"\r").unwrap();
    wait_for_screen(&dashboard, "the chooser closed", |s| {
        !s.contains("Go to workspace")
    });
    dashboard.write(b"chosen\r").unwrap();
    let screen = wait_for_text(&dashboard, "gamma got: chosen");
    assert!(!screen.contains("alpha got: chosen"), "{screen}");

    // Esc closes it and the focus stays.
    dashboard.write(&[PREFIX, b"w"].concat()).unwrap();
    wait_for_text(&dashboard, "Go to workspace");
    dashboard.write(b"alp\x1b").unwrap();
    wait_for_screen(&dashboard, "the chooser closed", |s| {
        !s.contains("Go to workspace")
    });
    dashboard.write(b"again\r").unwrap();
    wait_for_text(&dashboard, "gamma got: again");
}

#[test]
fn detach_and_reattach_show_the_same_screens() {
    let t = TestRepo::new();
    let _server = Server(&t);
    three_agents(&t);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_all_ready(&dashboard);
    dashboard.write(b"before detach\r").unwrap();
    // The agent's note makes alpha's worktree dirty; wait for the sidebar to
    // say so, and for every agent to have gone idle, so nothing changes
    // between the two looks.
    let settled = |s: &str| {
        s.contains("alpha got: before detach")
            && s.contains("Uncommitted")
            && s.matches("fake · idle").count() == 3
    };
    let before = wait_for_settled_screen(
        &dashboard,
        "the reply, the dirty worktree, idle agents",
        settled,
    );

    dashboard.write(PREFIX).unwrap();
    dashboard.write(b"d").unwrap();
    wait_for_exit(&dashboard);
    // The exit can be seen before the reader has parsed the last output.
    wait_for_text(&dashboard, "[detached");

    // Output produced while nobody is attached is still read and parsed.
    let listing = t.grove_ok(&["ls", "--json"]);
    assert!(listing.contains("\"status\": \"running\""), "{listing}");

    let again = t.dashboard(&["attach"], SIZE);
    let after = wait_for_settled_screen(&again, "the same screen", settled);
    assert_eq!(after, before, "the reattached dashboard differs");
    again.write(b"after\r").unwrap();
    wait_for_text(&again, "alpha got: after");
}

/// The inner size of the only pane in a tiled dashboard of `size`.
fn one_pane_size(size: PaneSize) -> String {
    let area = ratatui::layout::Rect::new(0, 0, size.cols, size.rows);
    let layout = grove::ui::layout::compute(area, 1, LayoutMode::Tiled, Some(0));
    let inner = layout.panes[0].inner;
    format!("size {} {}", inner.height, inner.width)
}

#[test]
fn two_clients_and_the_most_recent_one_sizes_the_panes() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "solo"]);
    let big = t.dashboard(&[], SIZE);
    wait_for_text(&big, "fake agent in solo ready");
    let small_size = PaneSize { rows: 20, cols: 80 };
    let small = t.dashboard(&["attach"], small_size);
    wait_for_text(&small, "fake agent in solo ready");

    let expected = one_pane_size(small_size);
    ask_size_until(&small, &expected);
    // The other client shows the same pane, cropped or padded.
    wait_for_text(&big, &expected);

    ask_size_until(&big, &one_pane_size(SIZE));
}

#[test]
fn hiding_the_sidebar_gives_its_columns_to_the_panes() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "solo"]);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "fake agent in solo ready");
    ask_size_until(&dashboard, &one_pane_size(SIZE));

    let area = ratatui::layout::Rect::new(0, 0, SIZE.cols, SIZE.rows);
    let hidden = grove::ui::layout::compute_split(
        area,
        1,
        LayoutMode::Tiled,
        Some(0),
        grove::ui::layout::MAIN_PERCENT,
        grove::ui::layout::Sidebar::Hidden,
    );
    let inner = hidden.panes[0].inner;
    assert_eq!(inner.width, SIZE.cols - 2, "the pane takes the whole width");
    dashboard.write(&[PREFIX, b"b"].concat()).unwrap();
    // The pane's border is in the first column, where the sidebar was.
    wait_for_screen(&dashboard, "the sidebar hidden", |s| {
        s.lines()
            .next()
            .is_some_and(|row| row.starts_with("┏ 1 solo"))
    });
    ask_size_until(
        &dashboard,
        &format!("size {} {}", inner.height, inner.width),
    );

    dashboard.write(&[PREFIX, b"b"].concat()).unwrap();
    wait_for_screen(&dashboard, "the sidebar back", |s| {
        s.lines()
            .next()
            .is_some_and(|row| row.starts_with(" my repo") && row.contains("│┏ 1 solo"))
    });
}

/// Types `size` into the focused fake agent until it answers `expected`:
/// a pane resized less than `RESIZE_SPACING` (250 ms) ago gets its next
/// size when that is up, so the first answer may still be the old one.
fn ask_size_until(dashboard: &Pane, expected: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        dashboard.write(b"size\r").unwrap();
        let asked = std::time::Instant::now();
        while asked.elapsed() < std::time::Duration::from_millis(500) {
            if dashboard.contents().contains(expected) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the agent never answered {expected:?}:\n{}",
            dashboard.contents()
        );
    }
}

#[test]
fn a_killed_server_comes_back_with_every_workspace_and_its_work() {
    let t = TestRepo::new();
    let _server = Server(&t);
    three_agents(&t);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_all_ready(&dashboard);
    dashboard.write(b"keep this\r").unwrap();
    wait_for_text(&dashboard, "alpha got: keep this");

    let pid = t.server_pid();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    wait_for_exit(&dashboard);
    wait_for_text(&dashboard, "lost the connection");

    // Without a server every workspace is listed, stopped, work intact.
    let listing = t.grove_ok(&["ls", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&listing).unwrap();
    let workspaces = json["workspaces"].as_array().unwrap();
    assert_eq!(workspaces.len(), 3, "{listing}");
    for workspace in workspaces {
        assert_eq!(workspace["status"], "stopped", "{listing}");
        let path = std::path::Path::new(workspace["path"].as_str().unwrap());
        assert!(path.join("README.md").exists());
    }
    let alpha = workspaces.iter().find(|w| w["name"] == "alpha").unwrap();
    let alpha_path = std::path::Path::new(alpha["path"].as_str().unwrap()).to_owned();
    assert_eq!(
        std::fs::read_to_string(alpha_path.join("notes.txt")).unwrap(),
        "keep this\n"
    );

    // A new server shows them stopped; nothing restarted on its own.
    let restarted = t.dashboard(&[], SIZE);
    let screen = wait_for_screen(&restarted, "three stopped workspaces", |s| {
        s.matches("stopped").count() >= 3 && s.contains("3 gamma")
    });
    assert!(
        !screen.contains("ready"),
        "an agent restarted by itself:\n{screen}"
    );
    // One key resumes the focused one.
    restarted.write(b"\r").unwrap();
    wait_for_text(&restarted, "fake agent in alpha ready");
    wait_until("alpha running again", || {
        t.grove_ok(&["ls", "--json"]).contains("\"running\"")
    });
}

#[test]
fn killing_the_client_only_detaches() {
    let t = TestRepo::new();
    let _server = Server(&t);
    three_agents(&t);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_all_ready(&dashboard);
    dashboard.write(b"still here\r").unwrap();
    wait_for_text(&dashboard, "alpha got: still here");
    // The pane's process is the grove client itself.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(dashboard.pid() as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    wait_for_exit(&dashboard);

    let listing = t.grove_ok(&["ls", "--json"]);
    assert_eq!(listing.matches("\"running\"").count(), 3, "{listing}");
    let again = t.dashboard(&["attach"], SIZE);
    wait_for_text(&again, "alpha got: still here");
    again.write(b"and again\r").unwrap();
    wait_for_text(&again, "alpha got: and again");
}

/// Two repositories with the same directory name are two groups in the
/// sidebar, each under a label that tells it apart, not one group that
/// mixes their workspaces (and their two `alpha`s).
#[test]
fn repositories_of_one_name_are_told_apart_in_the_sidebar() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    let other = t.dir.path().join("other").join("my repo");
    std::fs::create_dir_all(&other).unwrap();
    let other = other.canonicalize().unwrap();
    t.git(&other, &["init", "--quiet", "--initial-branch=main"]);
    support::repo::write_in(&other, "README.md", b"other\n");
    t.commit_all(&other, "first commit");
    std::fs::copy(t.root.join(".grove.yaml"), other.join(".grove.yaml")).unwrap();
    for name in ["alpha", "beta"] {
        let output = t.grove(&other, &["new", name]);
        assert!(output.status.success(), "{output:?}");
    }
    t.grove_ok(&["new", "alpha"]);

    let dashboard = t.dashboard(&[], SIZE);
    let mine = format!(
        "{}/my repo",
        t.root
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
    );
    let sidebar = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .map(|l| l.split('│').next().unwrap_or("").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let screen = wait_for_screen(&dashboard, "both repositories in the sidebar", |s| {
        s.contains("fake agent in alpha ready") && s.contains("other/my repo")
    });
    let lines = sidebar(&screen);
    let at = |text: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(text))
            .unwrap_or_else(|| panic!("no {text:?} in the sidebar:\n{screen}"))
    };
    let (here, there) = (at(&mine), at("other/my repo"));
    assert!(here < there, "this repository comes first:\n{screen}");
    let names = |from: usize, to: usize| -> Vec<&str> {
        lines[from..to]
            .iter()
            .filter_map(|l| l.split_whitespace().nth(1))
            .filter(|n| ["alpha", "beta"].contains(n))
            .collect()
    };
    assert_eq!(names(here, there), ["alpha"], "{screen}");
    assert_eq!(names(there, lines.len()), ["alpha", "beta"], "{screen}");
}

/// Workspaces made one after another while a dashboard shows them change
/// every tile each time; resizes closer than `RESIZE_SPACING` wait their
/// turn, and every pane still ends at its tile's size.
#[test]
fn panes_resized_in_a_burst_end_at_their_tiles_size() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    t.grove_ok(&["new", "w1"]);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "fake agent in w1 ready");
    let names = ["w1", "w2", "w3", "w4", "w5", "w6"];
    for name in &names[1..] {
        t.grove_ok(&["new", name]);
    }
    wait_for_screen(&dashboard, "six ready agents", |s| {
        names
            .iter()
            .all(|n| s.contains(&format!("fake agent in {n} ready")))
    });
    let area = ratatui::layout::Rect::new(0, 0, SIZE.cols, SIZE.rows);
    for (index, name) in names.iter().enumerate() {
        let layout = grove::ui::layout::compute(area, names.len(), LayoutMode::Tiled, Some(index));
        let inner = layout.panes[index].inner;
        dashboard.write(PREFIX).unwrap();
        dashboard
            .write(format!("{}", index + 1).as_bytes())
            .unwrap();
        wait_for_text(&dashboard, &format!("{} {name} ·", index + 1));
        // Read back from this pane alone: the tiles may share a size.
        let expected = format!("size {} {}", inner.height, inner.width);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !t.grove_ok(&["capture", name]).contains(&expected) {
            assert!(
                std::time::Instant::now() < deadline,
                "{name} never answered {expected:?}:\n{}",
                t.grove_ok(&["capture", name])
            );
            dashboard.write(b"size\r").unwrap();
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    }
}

/// An agent started while a dashboard shows its repository starts at its
/// tile's size and gets no resize; it used to start at 80×24 and be
/// resized at once, drawing its first screen for the wrong terminal.
#[test]
fn a_new_agent_starts_at_its_tiles_size() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "No workspaces in");
    t.grove_ok(&["new", "solo"]);
    wait_for_text(&dashboard, "fake agent in solo ready");
    ask_size_until(&dashboard, &one_pane_size(SIZE));
    assert_eq!(t.stats().pane_resizes, 0);
}
