//! Whole-dashboard snapshots: each test builds a view the way the server
//! would (screens sized to their pane's inner rect, fed from byte strings
//! with colours, CJK and emoji), draws it on a `TestBackend` and compares
//! the text with a reviewed snapshot under `snapshots/`. Colours are not in
//! snapshots; `pane_tests.rs` and the tests at the end check those cells.

use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier};

use super::keymap::BindingHelp;
use super::layout::{self, Visibility};
use super::test_support::{draw, parser};
use super::*;

const NAMES: [&str; 5] = ["auth", "i18n", "search", "docs", "ci"];
const AGENTS: [&str; 5] = ["claude", "codex", "aider", "claude", "shell"];
const OUTPUT: [&str; 5] = [
    "\x1b[38;5;208m✻\x1b[0m Welcome to \x1b[1mClaude Code\x1b[0m\r\n\r\n\
     > add login rate limiting\r\n\r\n\
     \x1b[32m●\x1b[0m Read \x1b[1msrc/auth.rs\x1b[0m (212 lines)\r\n\
     \x1b[32m●\x1b[0m Update \x1b[38;2;120;180;255msrc/auth.rs\x1b[0m\r\n\
     \x1b[42;30m+ let limiter = RateLimiter::new(5);\x1b[0m\r\n\
     \x1b[2mesc to interrupt\x1b[0m\r\n> ",
    "codex> 翻訳ファイルを更新します\r\n\
     ja.json: 日本語のテキスト\r\n\
     zh.json: 中文文本\r\n\
     \x1b[1;33mwarning\x1b[0m: 2 keys missing\r\n> ",
    "aider v0.86 \x1b[7m main \x1b[0m\r\n\
     Tests: 12 passed 🎉\r\n\
     Ready 👍 ship it\r\n\
     \x1b[4mhttps://example.test\x1b[0m\r\n> ",
    "$ cargo test\r\n   Compiling grove v0.1.0\r\n\
     \x1b[32mtest result: ok\x1b[0m. 42 passed\r\n$ ",
    "$ ./ci/run\r\n\x1b[31merror\x1b[0m: clippy found 1 warning\r\n$ ",
];
const HINTS: &str = "C-b c new · C-b ? help · C-b d detach";
const BRANCHES: [&str; 5] = [
    "grove/auth",
    "grove/i18n",
    "grove/search",
    "grove/docs",
    "grove/ci",
];

/// The emulators and statuses a view borrows from.
struct Panes {
    parsers: Vec<vt100::Parser>,
    statuses: Vec<AgentStatus>,
}

impl Panes {
    /// `count` running panes whose screens are sized as the server would
    /// size them for a `width`×`height` client.
    fn new(width: u16, height: u16, count: usize, mode: LayoutMode, focus: usize) -> Panes {
        let layout = layout::compute(Rect::new(0, 0, width, height), count, mode, Some(focus));
        let parsers = (0..count)
            .map(|index| {
                let inner = layout.panes[index].inner;
                let (rows, cols) = match layout.panes[index].visible {
                    Visibility::Visible => (inner.height, inner.width),
                    Visibility::Hidden => (24, 80),
                };
                parser(rows, cols, OUTPUT[index % OUTPUT.len()].as_bytes())
            })
            .collect();
        Panes {
            parsers,
            statuses: vec![AgentStatus::Running; count],
        }
    }

    fn views(&self) -> Vec<PaneView<'_>> {
        self.parsers
            .iter()
            .zip(&self.statuses)
            .enumerate()
            .map(|(index, (parser, status))| PaneView {
                name: NAMES[index % NAMES.len()],
                branch: BRANCHES[index % BRANCHES.len()],
                agent: AGENTS[index % AGENTS.len()],
                status,
                state: None,
                reason: None,
                scroll: None,
                screen: Some(parser.screen()),
                drawn: None,
            })
            .collect()
    }
}

fn sidebar<'a>(panes: &[PaneView<'a>], focus: Option<usize>) -> Vec<SidebarEntry<'a>> {
    panes
        .iter()
        .enumerate()
        .map(|(index, pane)| SidebarEntry {
            repo: "grove",
            name: pane.name,
            branch: pane.branch,
            status: pane.status,
            state: pane.state,
            since: 0,
            git: None,
            focused: focus == Some(index),
        })
        .collect()
}

fn view<'a>(
    panes: Vec<PaneView<'a>>,
    layout: LayoutMode,
    focus: Option<usize>,
) -> DashboardView<'a> {
    DashboardView {
        repo: "grove",
        sidebar: sidebar(&panes, focus),
        panes,
        layout,
        focus,
        input: InputMode::Normal,
        overlay: Overlay::None,
        message: None,
        hints: HINTS,
        new_workspace_key: "C-b c",
        job: None,
        main_percent: crate::ui::layout::MAIN_PERCENT,
        sidebar_shown: crate::ui::layout::Sidebar::Shown,
    }
}

/// Draws `count` running panes and returns the snapshot text.
fn tiled(width: u16, height: u16, count: usize, mode: LayoutMode, focus: usize) -> String {
    let panes = Panes::new(width, height, count, mode, focus);
    let view = view(panes.views(), mode, Some(focus));
    draw(&view, width, height).backend().to_string()
}

#[test]
fn empty_dashboard() {
    let view = view(Vec::new(), LayoutMode::Tiled, None);
    insta::assert_snapshot!(draw(&view, 80, 16).backend());
}

#[test]
fn one_pane_tiled() {
    insta::assert_snapshot!(tiled(80, 14, 1, LayoutMode::Tiled, 0));
}

#[test]
fn three_panes_tiled() {
    insta::assert_snapshot!(tiled(100, 24, 3, LayoutMode::Tiled, 1));
}

#[test]
fn five_panes_tiled() {
    insta::assert_snapshot!(tiled(120, 24, 5, LayoutMode::Tiled, 4));
}

#[test]
fn main_stack() {
    insta::assert_snapshot!(tiled(100, 24, 3, LayoutMode::MainStack, 1));
}

#[test]
fn zoom() {
    insta::assert_snapshot!(tiled(80, 14, 3, LayoutMode::Zoom, 2));
}

#[test]
fn tiny_terminal() {
    insta::assert_snapshot!(tiled(30, 8, 3, LayoutMode::Tiled, 0));
}

#[test]
fn sidebar_with_two_repos() {
    let panes = Panes::new(80, 14, 2, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    let stopped = AgentStatus::Stopped;
    let exited = AgentStatus::Exited {
        how: "code 0".into(),
    };
    // The other repository's entries come first and interleaved: grouping
    // must not depend on the server's order.
    let other = |name, status| SidebarEntry {
        repo: "webapp",
        name,
        branch: "grove/other",
        status,
        state: None,
        since: 0,
        git: None,
        focused: false,
    };
    view.sidebar.insert(0, other("landing", &stopped));
    view.sidebar.insert(2, other("api", &exited));
    insta::assert_snapshot!(draw(&view, 80, 14).backend());
}

#[test]
fn agents_that_need_you_are_marked_and_counted() {
    use crate::agent::{Seen, State};
    let panes = Panes::new(100, 16, 4, LayoutMode::Tiled, 0);
    let mut views = panes.views();
    views[0].state = Some(State::Working);
    views[1].state = Some(State::WaitingForInput);
    views[2].state = Some(State::Idle { seen: Seen::Unseen });
    views[3].state = Some(State::Idle { seen: Seen::Seen });
    // Each says why on its bottom border, cut to what the branch leaves.
    views[0].reason = Some("screen shows \"esc to interrupt\" (working rule 1)");
    views[1].reason = Some("screen shows \"Do you want to proceed?\" (waiting rule 1)");
    views[2].reason = Some("title is \"Ready (\" (title idle rule 1)");
    views[3].reason = Some("no status rule matches and no output for 0.7 s");
    let view = view(views, LayoutMode::Tiled, Some(0));
    insta::assert_snapshot!(draw(&view, 100, 16).backend());
}

/// An agent of another repository that needs the user is named with its
/// repository: its name may be no pane here, or the same as one that is.
#[test]
fn one_that_needs_you_in_another_repository_says_which() {
    use crate::agent::State;
    let panes = Panes::new(120, 12, 1, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    let running = AgentStatus::Running;
    view.sidebar.push(SidebarEntry {
        repo: "shop",
        name: "pane-0",
        branch: "grove/pane-0",
        status: &running,
        state: Some(State::WaitingForInput),
        since: 0,
        git: None,
        focused: false,
    });
    let screen = draw(&view, 120, 12).backend().to_string();
    let status = screen
        .lines()
        .rev()
        .find(|l| l.contains("need"))
        .unwrap_or("");
    assert!(status.contains("pane-0 (shop) needs you"), "{screen}");
}

/// The status bar names them in the order `prefix a` visits them:
/// questions first, the longest waiting first.
#[test]
fn those_that_need_you_are_named_questions_first_longest_waiting_first() {
    use crate::agent::{Seen, State};
    let panes = Panes::new(120, 12, 1, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    let running = AgentStatus::Running;
    let entry = |name, state, since| SidebarEntry {
        repo: "grove",
        name,
        branch: "grove/x",
        status: &running,
        state: Some(state),
        since,
        git: None,
        focused: false,
    };
    view.sidebar = vec![
        entry("done-early", State::Idle { seen: Seen::Unseen }, 10),
        entry("asked-late", State::WaitingForInput, 50),
        entry("busy", State::Working, 1),
        entry("asked-early", State::WaitingForInput, 30),
    ];
    let screen = draw(&view, 120, 12).backend().to_string();
    assert!(
        screen.contains("3 need you: asked-early, asked-late, done-early"),
        "{screen}"
    );
}

#[test]
fn stopped_pane_without_a_screen() {
    let mut panes = Panes::new(80, 14, 2, LayoutMode::Tiled, 0);
    panes.statuses[1] = AgentStatus::Stopped;
    let mut views = panes.views();
    views[1].screen = None;
    let view = view(views, LayoutMode::Tiled, Some(1));
    insta::assert_snapshot!(draw(&view, 80, 14).backend());
}

#[test]
fn exited_pane_keeps_its_last_screen() {
    let mut panes = Panes::new(80, 14, 1, LayoutMode::Tiled, 0);
    panes.statuses[0] = AgentStatus::Exited {
        how: "code 1".into(),
    };
    let view = view(panes.views(), LayoutMode::Tiled, Some(0));
    let terminal = draw(&view, 80, 14);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn prefix_mode_with_a_message() {
    let panes = Panes::new(80, 10, 1, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    view.input = InputMode::Prefix;
    view.message = Some("merged grove/docs into main");
    insta::assert_snapshot!(draw(&view, 80, 10).backend());
}

fn bindings() -> Vec<BindingHelp> {
    [
        ("C-b c", "new workspace"),
        ("C-b ←↓↑→ / h j k l", "move focus"),
        ("C-b 1…9", "focus pane N"),
        ("C-b z", "zoom the focused pane"),
        ("C-b space", "next layout"),
        ("C-b x", "stop the agent (asks)"),
        ("C-b d", "detach"),
        ("C-b ?", "this help"),
    ]
    .into_iter()
    .map(|(keys, description)| BindingHelp {
        keys: keys.into(),
        description: description.into(),
    })
    .collect()
}

#[test]
fn help_overlay() {
    let panes = Panes::new(80, 18, 2, LayoutMode::Tiled, 0);
    let bindings = bindings();
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    view.overlay = Overlay::Help {
        bindings: &bindings,
    };
    let mut terminal = draw(&view, 80, 18);
    insta::assert_snapshot!(terminal.backend());
    terminal
        .backend_mut()
        .assert_cursor_position(Position::ORIGIN);
}

fn form_with_error() -> NewWorkspaceForm {
    NewWorkspaceForm {
        name: "auth".into(),
        agent: "claude".into(),
        base: String::new(),
        prompt: "add rate limiting\nto the login".into(),
        field: FormField::Agent,
        error: Some("a workspace named auth already exists".into()),
    }
}

#[test]
fn new_workspace_form_with_an_error() {
    let panes = Panes::new(80, 18, 2, LayoutMode::Tiled, 0);
    let form = form_with_error();
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    view.overlay = Overlay::NewWorkspace { form: &form };
    let mut terminal = draw(&view, 80, 18);
    insta::assert_snapshot!(terminal.backend());
    // The overlay is 60 wide at column 10, 9 high at row 4; the Agent
    // field's text starts 10 cells into the box and is 6 cells long.
    terminal
        .backend_mut()
        .assert_cursor_position(Position::new(11 + 10 + 6, 6));
}

#[test]
fn confirm_dialog() {
    let panes = Panes::new(80, 14, 2, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(1));
    view.overlay = Overlay::Confirm {
        question: "Stop the agent in i18n? The worktree and branch stay.",
    };
    insta::assert_snapshot!(draw(&view, 80, 14).backend());
}

#[test]
fn a_job_runs_in_the_status_bar() {
    let panes = Panes::new(120, 10, 2, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    view.job = Some(crate::ui::JobView {
        name: "headers",
        counts: crate::job::ledger::Counts {
            queued: 4,
            running: 3,
            waiting: 1,
            checking: 1,
            merged: 3,
            failed: 1,
            out_of_bounds: 0,
            conflict: 0,
        },
    });
    insta::assert_snapshot!(draw(&view, 120, 10).backend());
}

#[test]
fn diff_box() {
    let panes = Panes::new(100, 18, 2, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    let lines: Vec<String> = [
        "diff --git a/src/auth.rs b/src/auth.rs",
        "index 3b18e51..a1f2c3d 100644",
        "--- a/src/auth.rs",
        "+++ b/src/auth.rs",
        "@@ -1,3 +1,4 @@",
        " fn login() {",
        "-    check();",
        "+    limit()?;",
        "+    check();",
        " }",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    view.overlay = Overlay::Diff {
        view: crate::ui::diff::DiffView {
            title: "Diff · auth against its base",
            lines: &lines,
            top: 0,
        },
    };
    insta::assert_snapshot!(draw(&view, 100, 18).backend());
}

#[test]
fn ticket_board() {
    use crate::tickets::TicketState;
    use crate::ui::board::BoardCard;
    let panes = Panes::new(100, 18, 2, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    let card = |id, title, column, workspace: Option<(&'static str, &str)>, selected| BoardCard {
        id,
        title,
        column,
        workspace: workspace.map(|(w, s)| (w, s.to_owned())),
        selected,
    };
    let cards = [
        card(
            1,
            "Rate-limit logins",
            TicketState::InProgress,
            Some(("t1-rate-limit-logins", "waiting for you")),
            false,
        ),
        card(
            2,
            "Write the migration guide for 2.0",
            TicketState::Open,
            None,
            false,
        ),
        card(3, "Flaky test in auth", TicketState::Open, None, true),
        card(
            4,
            "Docs typo",
            TicketState::Done,
            Some(("t4-docs-typo", "removed")),
            false,
        ),
    ];
    view.overlay = Overlay::Board { cards: &cards };
    insta::assert_snapshot!(draw(&view, 100, 18).backend());
}

#[test]
fn the_cursor_sits_at_the_focused_panes_emulator_cursor() {
    let panes = Panes::new(100, 24, 3, LayoutMode::Tiled, 1);
    let view = view(panes.views(), LayoutMode::Tiled, Some(1));
    let mut terminal = draw(&view, 100, 24);
    let slot = layout::compute(Rect::new(0, 0, 100, 24), 3, LayoutMode::Tiled, Some(1)).panes[1];
    let (row, col) = panes.parsers[1].screen().cursor_position();
    assert_eq!((row, col), (4, 2), "after the i18n pane's prompt");
    let expected = Position::new(slot.inner.x + col, slot.inner.y + row);
    terminal.backend_mut().assert_cursor_position(expected);
    terminal.show_cursor().unwrap();
    // Without focus, nothing gets the cursor: ratatui hides it.
    let unfocused = DashboardView {
        focus: None,
        ..view
    };
    let mut terminal = draw(&unfocused, 100, 24);
    terminal
        .backend_mut()
        .assert_cursor_position(Position::ORIGIN);
}

#[test]
fn the_focused_border_and_pane_colours_reach_the_buffer() {
    let panes = Panes::new(100, 24, 3, LayoutMode::Tiled, 1);
    let view = view(panes.views(), LayoutMode::Tiled, Some(1));
    let terminal = draw(&view, 100, 24);
    let buffer = terminal.backend().buffer();
    let slots = layout::compute(Rect::new(0, 0, 100, 24), 3, LayoutMode::Tiled, Some(1)).panes;
    let corner = |index: usize| &buffer[(slots[index].outer.x, slots[index].outer.y)];
    assert_eq!(corner(1).symbol(), "┏");
    assert_eq!(corner(1).fg, Color::Cyan);
    assert!(corner(1).modifier.contains(Modifier::BOLD));
    assert_eq!(corner(0).symbol(), "╭");
    assert_eq!(corner(0).fg, Color::DarkGray);
    // The claude pane's first glyph is orange from the 256-colour palette.
    let inner = slots[0].inner;
    assert_eq!(buffer[(inner.x, inner.y)].symbol(), "✻");
    assert_eq!(buffer[(inner.x, inner.y)].fg, Color::Indexed(208));
}

#[test]
fn sidebar_with_branch_state_and_readiness() {
    use crate::git::state::{CommitInfo, DiffStat};
    use crate::protocol::GitSummary;
    use crate::workspace::readiness::{CheckStatus, Readiness};

    let summary = |ahead, behind, files, dirty, readiness| GitSummary {
        ahead,
        behind,
        committed: DiffStat {
            files,
            insertions: files * 10,
            deletions: files,
        },
        uncommitted: DiffStat {
            files: dirty,
            insertions: 1,
            deletions: 0,
        },
        untracked: 0,
        conflicts: Vec::new(),
        overlaps: Vec::new(),
        last_commit: Some(CommitInfo {
            oid: "0".repeat(40),
            summary: "work".into(),
            time: 0,
        }),
        check: CheckStatus::NotConfigured,
        pr: None,
        readiness,
        index_lock: None,
    };
    let states = [
        summary(3, 0, 4, 0, Readiness::Ready),
        summary(1, 2, 1, 0, Readiness::Conflicts { count: 2 }),
        summary(0, 0, 0, 3, Readiness::Uncommitted),
        summary(
            2,
            0,
            2,
            0,
            Readiness::Overlaps {
                with: vec!["auth".into()],
            },
        ),
    ];
    let panes = Panes::new(120, 16, 4, LayoutMode::Tiled, 0);
    let mut view = view(panes.views(), LayoutMode::Tiled, Some(0));
    for (entry, state) in view.sidebar.iter_mut().zip(&states) {
        entry.git = Some(state);
    }
    insta::assert_snapshot!(draw(&view, 120, 16).backend());
}
