//! The server's drawing is efficient by construction: checked by counting
//! frames, wakeups and full redraws (the server's own counters), never by
//! timing. The real binary runs with scripted agents.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::time::Duration;

use grove::pane::PaneSize;
use grove::protocol::{ClientMsg, ServerMsg, TermSize};
use support::grove::Server;
use support::pane::{wait_for_screen, wait_for_text, wait_until};
use support::repo::TestRepo;

const SIZE: PaneSize = PaneSize {
    rows: 40,
    cols: 160,
};

/// Adds agent profiles to the fake-agent config: `ticker` prints 50 lines
/// once the file `ticker.go` appears beside its worktree, then writes
/// `ticker.done` there (outside the worktree, so that no git change draws
/// a frame while a test counts them); `flood`
/// prints random hex (so every frame repaints every cell) until the file
/// `stop` appears.
fn with_scripted_agents(t: &TestRepo) {
    t.use_fake_agent();
    let mut config = std::fs::read_to_string(t.root.join(".grove.yaml")).unwrap();
    config.push_str(
        "  ticker:\n    command: [\"sh\", \"-c\", \"while [ ! -f ../ticker.go ]; do sleep 0.05; done; \
         i=0; while [ $i -lt 50 ]; do i=$((i+1)); echo tick $i; done; echo ticker done; \
         touch ../ticker.done; exec cat\"]\n\
         \x20 flood:\n    command: [\"sh\", \"-c\", \"while [ ! -f stop ]; do \
         head -c 4000 /dev/urandom | od -An -tx1; done; echo flood done; exec cat\"]\n",
    );
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
}

fn worktree(t: &TestRepo, name: &str) -> std::path::PathBuf {
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
    Path::new(&path).to_owned()
}

#[test]
fn an_idle_server_does_not_wake_up_attached_or_not() {
    let t = TestRepo::new();
    let _server = Server(&t);
    t.use_fake_agent();
    for name in ["one", "two", "three"] {
        t.grove_ok(&["new", name]);
    }
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_screen(&dashboard, "three ready agents", |s| {
        s.matches(" ready").count() == 3
    });
    // Let the first frames settle: two reads of the counters in a row that
    // differ only by the reads themselves, further apart than the agent
    // status trackers' quiet period (0.7 s after the last output).
    wait_until("the dashboard to settle", || {
        let before = t.stats();
        std::thread::sleep(Duration::from_millis(1000));
        t.stats().wakeups == before.wakeups + 1
    });
    let before = t.stats();
    std::thread::sleep(Duration::from_secs(2));
    let after = t.stats();
    assert_eq!(after.wakeups, before.wakeups + 1, "woke up while idle");
    assert_eq!(after.frames, before.frames, "drew while idle");

    dashboard.write(b"\x02d").unwrap();
    support::pane::wait_for_exit(&dashboard);
    let before = t.stats();
    std::thread::sleep(Duration::from_secs(2));
    let after = t.stats();
    assert_eq!(after.wakeups, before.wakeups + 1, "woke up with no client");
}

#[test]
fn output_in_a_hidden_pane_is_parsed_but_draws_no_frame() {
    let t = TestRepo::new();
    let _server = Server(&t);
    with_scripted_agents(&t);
    t.grove_ok(&["new", "front"]);
    t.grove_ok(&["new", "back", "--agent", "ticker"]);
    let dashboard = t.dashboard(&[], SIZE);
    wait_for_text(&dashboard, "fake agent in front ready");
    dashboard.write(b"\x02z").unwrap();
    wait_for_text(&dashboard, "zoomed");
    // Settle: the zoom's frame has been drawn.
    wait_until("the zoom to be drawn", || {
        let before = t.stats();
        std::thread::sleep(Duration::from_millis(100));
        t.stats().frames == before.frames
    });
    let before = t.stats();
    let back = worktree(&t, "back");
    let beside = back.parent().unwrap();
    std::fs::write(beside.join("ticker.go"), "").unwrap();
    wait_until("the hidden ticker to finish", || {
        beside.join("ticker.done").exists()
    });
    // Its last output has reached the emulator once the reader's tick for it
    // has been handled; a stats request queues behind it.
    let after = t.stats();
    // Not drawn at all: neither a frame sent nor one drawn and found empty.
    assert_eq!(
        (after.frames, after.skipped),
        (before.frames, before.skipped),
        "a hidden pane caused drawing"
    );

    dashboard.write(b"\x02z").unwrap();
    let screen = wait_for_text(&dashboard, "ticker done");
    assert!(screen.contains("tick 50"), "{screen}");
}

#[test]
fn a_client_that_stops_reading_gets_one_full_redraw_instead_of_a_queue() {
    let t = TestRepo::new();
    let _server = Server(&t);
    with_scripted_agents(&t);
    t.grove_ok(&["new", "loud", "--agent", "flood"]);
    let paths = t.grove_paths();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let size = TermSize {
        cols: 220,
        rows: 60,
    };
    let mut conn = runtime.block_on(async {
        let mut conn = grove::client::connect::connect(&paths)
            .await
            .unwrap()
            .unwrap();
        let attach = ClientMsg::Attach {
            cwd: t.root.clone(),
            size,
            notifications: grove::protocol::Notifications::Bell,
            tty: None,
        };
        conn.send(&attach).await.unwrap();
        conn
    });
    // The client reads nothing while the agent floods the visible pane.
    wait_until("a full redraw for the stalled client", || {
        t.stats().full_redraws >= 1
    });
    std::fs::write(worktree(&t, "loud").join("stop"), "").unwrap();

    // Whatever was dropped, what the client now reads builds a correct screen.
    let nonzero = |n: u16| std::num::NonZeroU16::new(n).unwrap();
    let mut screen = vt100::Parser::new(nonzero(size.rows), nonzero(size.cols), 0);
    runtime.block_on(async {
        let deadline = tokio::time::Instant::now() + support::pane::TIMEOUT;
        while !screen.screen().contents().contains("flood done") {
            let message = tokio::time::timeout_at(deadline, conn.recv())
                .await
                .unwrap_or_else(|_| panic!("no final frame:\n{}", screen.screen().contents()))
                .unwrap();
            if let ServerMsg::Output { bytes } = message {
                screen.process(&bytes);
            }
        }
    });
    let contents = screen.screen().contents();
    assert!(contents.contains("1 loud"), "{contents}");
    // The rows above the last line are the flood's last hex dump, whole.
    let hex_rows = contents
        .lines()
        .filter(|l| l.split_whitespace().filter(|w| w.len() == 2).count() >= 16)
        .count();
    assert!(hex_rows > 40, "{contents}");
}

/// Each row of `pane`'s screen as it looks: every cell's glyph (a blank
/// whether written or never touched), colours and attributes.
fn formatted_rows(pane: &grove::pane::Pane) -> Vec<String> {
    pane.with_screen(|screen| {
        let (rows, cols) = (screen.size().0.get(), screen.size().1.get());
        (0..rows)
            .map(|row| {
                (0..cols)
                    .filter_map(|col| screen.cell(row, col))
                    .map(|cell| {
                        let glyph = match cell.contents() {
                            "" => " ",
                            glyph => glyph,
                        };
                        format!(
                            "{glyph}{:?}{:?}{}{}{}{}",
                            cell.fgcolor(),
                            cell.bgcolor(),
                            u8::from(cell.bold()),
                            u8::from(cell.italic()),
                            u8::from(cell.underline()),
                            u8::from(cell.inverse())
                        )
                    })
                    .collect()
            })
            .collect()
    })
}

#[test]
fn frames_that_redraw_only_changed_screens_leave_what_a_whole_frame_draws() {
    let t = TestRepo::new();
    let _server = Server(&t);
    with_scripted_agents(&t);
    let mut config = std::fs::read_to_string(t.root.join(".grove.yaml")).unwrap();
    // Colours and wide glyphs, scrolling, until `stop` appears.
    config.push_str(
        "  wide:\n    command: [\"sh\", \"-c\", \"i=0; while [ ! -f stop ]; do i=$((i+1)); \
         printf '\\\\033[3%dm色 %d 日本語🙂\\\\033[0m x\\\\n' $((i%8)) $i; done; echo wide done; \
         exec cat\"]\n",
    );
    // Echo-like output that keeps to one row (a spinner redrawn with CR,
    // EL, colours, a backspace and a deleted character), then a last few
    // such writes on another row: those are patched row by row.
    config.push_str(
        "  typist:\n    command: [\"sh\", \"-c\", \"printf 'typist ready\\\\n\\\\n'; i=0; \
         while [ ! -f stop ]; do i=$((i+1)); \
         printf '\\\\r\\\\033[2K\\\\033[3%dmspin %d\\\\033[0m ab\\\\bc\\\\033[1P' $((i%8)) $i; \
         done; printf '\\\\033[2;1Htypist'; sleep 0.1; printf ' done'; sleep 0.1; \
         printf 'XY\\\\b\\\\b\\\\033[K'; sleep 0.1; printf '!'; exec cat\"]\n",
    );
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
    t.grove_ok(&["new", "loud", "--agent", "flood"]);
    t.grove_ok(&["new", "wide", "--agent", "wide"]);
    t.grove_ok(&["new", "typist", "--agent", "typist"]);
    // Two idle panes keep the printing ones under half the dashboard.
    t.grove_ok(&["new", "idle"]);
    t.grove_ok(&["new", "quiet"]);
    let patched = t.dashboard(&[], SIZE);
    wait_for_text(&patched, "fake agent in idle ready");
    let before = t.stats().patches;
    wait_until("frames that redraw only the changed screens", || {
        t.stats().patches >= before + 20
    });
    for name in ["loud", "wide", "typist"] {
        std::fs::write(worktree(&t, name).join("stop"), "").unwrap();
    }
    let done =
        |s: &str| s.contains("flood done") && s.contains("wide done") && s.contains("typist done!");
    support::pane::wait_for_settled_screen(&patched, "both agents done", done);
    // Help drawn over the panes and taken away again: the whole frame
    // after it copies each pane from the screen kept for it, which must
    // have taken the rows patched one by one.
    patched.write(b"\x02?").unwrap();
    wait_for_text(&patched, " Keys ");
    patched.write(b"q").unwrap();
    support::pane::wait_for_settled_screen(&patched, "help gone", |s| {
        done(s) && !s.contains(" Keys ")
    });

    // A dashboard attached now gets one whole frame of the same state.
    let whole = t.dashboard(&["attach"], SIZE);
    support::pane::wait_for_settled_screen(&whole, "the same state", done);
    let (patched, whole) = (formatted_rows(&patched), formatted_rows(&whole));
    for (row, (a, b)) in patched.iter().zip(&whole).enumerate() {
        assert_eq!(
            a, b,
            "row {row} differs between the patched and the whole frame"
        );
    }
}
