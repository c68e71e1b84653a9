//! The pane around the screen: where the real cursor goes, and how the
//! title shrinks.

use ratatui::layout::Margin;

use super::*;
use crate::ui::layout::Visibility;
use crate::ui::test_support::parser;

fn slot(outer: Rect) -> PaneSlot {
    PaneSlot {
        outer,
        inner: outer.inner(Margin::new(1, 1)),
        visible: Visibility::Visible,
    }
}

#[test]
fn the_cursor_lands_on_the_emulator_cursor() {
    let parser = parser(10, 30, b"hello\r\nworld\x1b[4;7H");
    let screen = parser.screen();
    let pane = PaneView {
        name: "a",
        branch: "grove/a",
        agent: "sh",
        status: &AgentStatus::Running,
        state: None,
        reason: None,
        scroll: None,
        screen: Some(screen),
        drawn: None,
    };
    let slot = slot(Rect::new(20, 3, 40, 12));
    assert_eq!(cursor(&pane, &slot), Some(Position::new(21 + 6, 4 + 3)));
    // Outside what is drawn (the pane is smaller than the screen): no cursor.
    assert_eq!(cursor(&pane, &self::slot(Rect::new(0, 0, 6, 6))), None);
    let hidden = parser_with_hidden_cursor();
    let pane = PaneView {
        screen: Some(hidden.screen()),
        ..pane
    };
    assert_eq!(cursor(&pane, &slot), None);
    let exited = AgentStatus::Exited {
        how: "code 0".into(),
    };
    let pane = PaneView {
        status: &exited,
        screen: Some(screen),
        ..pane
    };
    assert_eq!(cursor(&pane, &slot), None, "no cursor in a dead pane");
}

fn parser_with_hidden_cursor() -> vt100::Parser {
    parser(10, 30, b"\x1b[?25l")
}

fn top_line(buf: &Buffer) -> String {
    let area = buf.area;
    (area.x..area.right())
        .map(|x| buf[(x, area.y)].symbol())
        .collect()
}

#[test]
fn a_narrow_title_drops_the_agent_then_the_status_and_the_branch() {
    let parser = parser(4, 40, b"");
    let pane = PaneView {
        name: "auth",
        branch: "grove/auth",
        agent: "claude",
        status: &AgentStatus::Running,
        state: None,
        reason: None,
        scroll: None,
        screen: Some(parser.screen()),
        drawn: None,
    };
    let cases = [
        (40, "╭ 3 auth · claude · running ───────────╮"),
        (22, "╭ 3 auth · running ──╮"),
        (12, "╭ 3 auth ──╮"),
        (7, "╭ 3 au╮"),
    ];
    for (width, expected) in cases {
        let area = Rect::new(0, 0, width, 4);
        let mut buf = Buffer::empty(area);
        render(&pane, 3, Focus::Unfocused, &slot(area), &mut buf);
        assert_eq!(top_line(&buf), expected);
        let bottom: String = (0..width).map(|x| buf[(x, 3)].symbol()).collect();
        let branch_fits = width >= 14;
        assert_eq!(bottom.contains("grove/auth"), branch_fits, "{bottom}");
    }
}

/// The reason goes on the bottom border beside the branch; when both do
/// not fit it keeps the border and the branch goes (the sidebar has it).
#[test]
fn the_bottom_border_says_why_and_gives_up_the_branch_first() {
    let parser = parser(4, 60, b"");
    let pane = PaneView {
        name: "auth",
        branch: "grove/auth",
        agent: "claude",
        status: &AgentStatus::Running,
        state: Some(crate::agent::State::WaitingForInput),
        reason: Some("screen shows \"Allow?\" (waiting rule 1)"),
        scroll: None,
        screen: Some(parser.screen()),
        drawn: None,
    };
    let cases = [
        (
            60,
            "╰ screen shows \"Allow?\" (waiting rule 1) ────── grove/auth ╯",
        ),
        (44, "╰ screen shows \"Allow?\" (waiting rule 1) ──╯"),
        (30, "╰ screen shows \"Allow?\" (wa… ╯"),
        (5, "╰───╯"),
    ];
    for (width, expected) in cases {
        let area = Rect::new(0, 0, width, 4);
        let mut buf = Buffer::empty(area);
        render(&pane, 3, Focus::Unfocused, &slot(area), &mut buf);
        let bottom: String = (0..width).map(|x| buf[(x, 3)].symbol()).collect();
        assert_eq!(bottom, expected);
    }
}

#[test]
fn a_screen_drawn_before_is_copied_back_only_into_the_same_place() {
    let area = Rect::new(0, 0, 44, 14);
    let here = slot(Rect::new(3, 1, 32, 12));
    let before = parser(
        10,
        30,
        b"\x1b[31mred\x1b[m and \xe2\x9d\xa4\xef\xb8\x8f wide\r\nnext",
    );
    let now = parser(10, 30, b"something else");
    let pane = |screen, drawn| PaneView {
        name: "a",
        branch: "grove/a",
        agent: "sh",
        status: &AgentStatus::Running,
        state: None,
        reason: None,
        scroll: None,
        screen: Some(screen),
        drawn,
    };
    let draw = |view: &PaneView<'_>, slot: &PaneSlot| {
        let mut buf = Buffer::empty(area);
        render(view, 1, Focus::Focused, slot, &mut buf);
        buf
    };
    let first = draw(&pane(before.screen(), None), &here);
    let kept = crate::ui::DrawnScreen::capture(&first, here.inner);
    // Reused, the frame is the one drawn from the screen, cell for cell...
    assert_eq!(draw(&pane(before.screen(), Some(&kept)), &here), first);
    // ...because the copy is what is drawn, whatever the screen holds now.
    assert_eq!(draw(&pane(now.screen(), Some(&kept)), &here), first);
    // Somewhere else the copy does not fit, and the screen is drawn.
    let there = slot(Rect::new(0, 0, 32, 12));
    assert_eq!(
        draw(&pane(now.screen(), Some(&kept)), &there),
        draw(&pane(now.screen(), None), &there)
    );
}
