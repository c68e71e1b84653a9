//! Input routing: keys, the prefix, focus, the mouse, pastes and the form.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use vt100::{MouseProtocolEncoding, MouseProtocolMode};

use super::*;

const SIZE: TermSize = TermSize {
    cols: 160,
    rows: 40,
};

fn client() -> Client {
    let outbox = Arc::new(Outbox::default());
    Client::new(
        ClientId(1),
        Some("/r".into()),
        SIZE,
        outbox,
        Keymap::default(),
    )
}

fn pane(name: &str, running: Running) -> PaneFacts {
    PaneFacts {
        name: name.to_owned(),
        running,
        modes: InputModes::default(),
        mouse: (MouseProtocolMode::None, MouseProtocolEncoding::Default),
        focus_reporting: FocusReporting::Off,
        state: None,
        since: 0,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn write(name: &str, bytes: &[u8]) -> Effect {
    Effect::Write {
        name: name.to_owned(),
        bytes: bytes.to_vec(),
    }
}

fn click(client: &Client, panes: &[PaneFacts], index: usize, kind: MouseEventKind) -> Event {
    let layout = client.layout_for(panes.len(), client.focus_index(panes));
    let inner = layout.panes[index].inner;
    Event::Mouse(MouseEvent {
        kind,
        column: inner.x + 3,
        row: inner.y + 2,
        modifiers: KeyModifiers::NONE,
    })
}

#[test]
fn keys_go_to_the_focused_pane_and_the_prefix_moves_focus() {
    let mut c = client();
    let panes = [pane("a", Running::Yes), pane("b", Running::Yes)];
    assert_eq!(
        c.handle(&key(KeyCode::Char('x')), &panes, &[]),
        [write("a", b"x")]
    );
    assert_eq!(c.handle(&ctrl('b'), &panes, &[]), []);
    assert_eq!(c.input, InputMode::Prefix);
    assert_eq!(
        c.handle(&key(KeyCode::Char('2')), &panes, &[]),
        [Effect::Relayout]
    );
    assert_eq!(
        c.handle(&key(KeyCode::Enter), &panes, &[]),
        [write("b", b"\r")]
    );
    // Prefix twice sends the prefix itself.
    c.handle(&ctrl('b'), &panes, &[]);
    assert_eq!(c.handle(&ctrl('b'), &panes, &[]), [write("b", b"\x02")]);
    // Directional focus follows the layout: a is left of b.
    c.handle(&ctrl('b'), &panes, &[]);
    assert_eq!(
        c.handle(&key(KeyCode::Left), &panes, &[]),
        [Effect::Relayout]
    );
    assert_eq!(c.focus.as_deref(), Some("a"));
}

#[test]
fn a_stopped_agent_starts_with_enter_and_gets_no_other_keys() {
    let mut c = client();
    let panes = [pane("a", Running::No)];
    assert_eq!(c.handle(&key(KeyCode::Char('x')), &panes, &[]), []);
    assert_eq!(
        c.handle(&key(KeyCode::Enter), &panes, &[]),
        [Effect::Start { name: "a".into() }]
    );
}

#[test]
fn killing_asks_first() {
    let mut c = client();
    let panes = [pane("a", Running::Yes)];
    c.handle(&ctrl('b'), &panes, &[]);
    assert_eq!(c.handle(&key(KeyCode::Char('x')), &panes, &[]), []);
    assert!(matches!(c.overlay, ClientOverlay::ConfirmKill { .. }));
    assert_eq!(
        c.handle(&key(KeyCode::Char('y')), &panes, &[]),
        [Effect::Kill { name: "a".into() }]
    );
    c.handle(&ctrl('b'), &panes, &[]);
    c.handle(&key(KeyCode::Char('x')), &panes, &[]);
    assert_eq!(c.handle(&key(KeyCode::Char('n')), &panes, &[]), []);
    assert_eq!(c.overlay, ClientOverlay::None);
}

#[test]
fn the_chooser_filters_moves_and_focuses_and_keeps_its_keys_from_the_panes() {
    let mut c = client();
    let panes = ["api", "auth", "billing", "auth-tests"].map(|n| pane(n, Running::Yes));
    c.handle(&ctrl('b'), &panes, &[]);
    assert_eq!(c.handle(&key(KeyCode::Char('w')), &panes, &[]), []);
    let chooser = |filter: &str, selected| ClientOverlay::Choose {
        filter: filter.into(),
        selected,
    };
    assert_eq!(c.overlay, chooser("", 0));
    // Typed keys filter: "aut" leaves auth and auth-tests; nothing is
    // written to a pane.
    for ch in "aut".chars() {
        assert_eq!(c.handle(&key(KeyCode::Char(ch)), &panes, &[]), []);
    }
    c.handle(&key(KeyCode::Down), &panes, &[]);
    c.handle(&key(KeyCode::Down), &panes, &[]);
    assert_eq!(c.overlay, chooser("aut", 1), "stops at the last match");
    c.handle(&ctrl('p'), &panes, &[]);
    assert_eq!(c.overlay, chooser("aut", 0));
    c.handle(&key(KeyCode::Backspace), &panes, &[]);
    c.handle(&key(KeyCode::Char('h')), &panes, &[]);
    c.handle(&ctrl('n'), &panes, &[]);
    assert_eq!(c.overlay, chooser("auh", 0), "no match: nowhere to move");
    assert_eq!(c.handle(&key(KeyCode::Enter), &panes, &[]), []);
    c.handle(&key(KeyCode::Backspace), &panes, &[]);
    c.handle(&key(KeyCode::Tab), &panes, &[]);
    assert_eq!(
        c.handle(&key(KeyCode::Enter), &panes, &[]),
        [Effect::Relayout]
    );
    assert_eq!(c.overlay, ClientOverlay::None);
    assert_eq!(c.focus.as_deref(), Some("auth-tests"));
}

/// `prefix a` goes to questions before finished work, the longest waiting
/// first, and pressed again moves on in that order, wrapping.
#[test]
fn next_attention_takes_questions_first_and_the_longest_waiting_first() {
    use crate::agent::{Seen, State};
    let mut c = client();
    let with = |name: &str, state: State, since: u64| PaneFacts {
        state: Some(state),
        since,
        ..pane(name, Running::Yes)
    };
    let unseen = State::Idle { seen: Seen::Unseen };
    let panes = [
        with("here", State::Working, 10),
        with("done-early", unseen, 20),
        with("asked-late", State::WaitingForInput, 50),
        with("seen", State::Idle { seen: Seen::Seen }, 5),
        with("asked-early", State::WaitingForInput, 30),
    ];
    let next = |c: &mut Client| {
        c.handle(&ctrl('b'), &panes, &[]);
        c.handle(&key(KeyCode::Char('a')), &panes, &[]);
        c.focus.clone().unwrap_or_default()
    };
    let order: Vec<String> = (0..4).map(|_| next(&mut c)).collect();
    assert_eq!(
        order,
        ["asked-early", "asked-late", "done-early", "asked-early"]
    );

    // No one needs the user: focus stays and the status line says so.
    let calm = [with("a", State::Working, 1), with("b", State::Starting, 2)];
    let mut c = client();
    c.handle(&ctrl('b'), &calm, &[]);
    assert_eq!(c.handle(&key(KeyCode::Char('a')), &calm, &[]), []);
    assert_eq!(c.message.as_deref(), Some("no agent needs you"));
}

#[test]
fn a_click_focuses_a_pane_and_mouse_reaches_a_pane_that_asked() {
    let mut c = client();
    let mut panes = [pane("a", Running::Yes), pane("b", Running::Yes)];
    let down = MouseEventKind::Down(MouseButton::Left);
    let first = click(&c, &panes, 1, down);
    assert_eq!(c.handle(&first, &panes, &[]), [Effect::Relayout]);
    assert_eq!(c.focus.as_deref(), Some("b"));
    // b did not ask for the mouse: nothing is sent.
    let again = click(&c, &panes, 1, down);
    assert_eq!(c.handle(&again, &panes, &[]), []);
    panes[1].mouse = (MouseProtocolMode::PressRelease, MouseProtocolEncoding::Sgr);
    let sgr = click(&c, &panes, 1, down);
    assert_eq!(c.handle(&sgr, &panes, &[]), [write("b", b"\x1b[<0;4;3M")]);
}

#[test]
fn pastes_go_to_the_focused_pane_or_the_open_form() {
    let mut c = client();
    let panes = [pane("a", Running::Yes)];
    let paste = Event::Paste("two\nlines".into());
    assert_eq!(c.handle(&paste, &panes, &[]), [write("a", b"two\rlines")]);
    c.handle(&ctrl('b'), &panes, &[]);
    c.handle(&key(KeyCode::Char('c')), &panes, &[]);
    assert_eq!(c.handle(&Event::Paste("feature".into()), &panes, &[]), []);
    let ClientOverlay::NewWorkspace(form) = &c.overlay else {
        panic!("the form is not open");
    };
    assert_eq!(form.name, "feature");
    assert_eq!(
        c.handle(&key(KeyCode::Enter), &panes, &[]),
        [Effect::Create {
            form: NewWorkspaceForm {
                name: "feature".into(),
                ..NewWorkspaceForm::default()
            }
        }]
    );
}

#[test]
fn detach_is_an_effect() {
    let mut c = client();
    let panes = [pane("a", Running::Yes)];
    c.handle(&ctrl('b'), &panes, &[]);
    assert_eq!(
        c.handle(&key(KeyCode::Char('d')), &panes, &[]),
        [Effect::Detach]
    );
}

#[test]
fn a_click_on_a_sidebar_entry_focuses_its_pane() {
    let mut c = client();
    let panes = [pane("a", Running::Yes), pane("b", Running::Yes)];
    let slot = |repo: &str, name: &str| SidebarSlot {
        repo: repo.into(),
        name: name.into(),
    };
    // Another repository of the same name, listed first, with its own `a`.
    let sidebar = [slot("/x/r", "a"), slot("/r", "a"), slot("/r", "b")];
    let click = |row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: 3,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // This repository comes first: row 0 is its heading, rows 1-2 entry
    // a, rows 3-4 entry b; row 5 is blank, row 6 the other's heading and
    // rows 7-8 its a.
    assert_eq!(c.handle(&click(4), &panes, &sidebar), [Effect::Relayout]);
    assert_eq!(c.focus.as_deref(), Some("b"));
    assert_eq!(c.handle(&click(7), &panes, &sidebar), []);
    assert_eq!(c.focus.as_deref(), Some("b"));
}

#[test]
fn dragging_the_main_stack_border_resizes_the_split() {
    use crate::ui::LayoutMode;
    let mut c = client();
    c.layout = LayoutMode::MainStack;
    let panes = [pane("a", Running::Yes), pane("b", Running::Yes)];
    let before = c.layout_for(2, Some(0));
    let border = crate::ui::layout::split_border(&before, c.layout).unwrap();
    let at = |kind, column| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row: 5,
            modifiers: KeyModifiers::NONE,
        })
    };
    let sidebar = [];
    // Press on the border (the main pane's right edge), drag left, release.
    c.handle(
        &at(MouseEventKind::Down(MouseButton::Left), border - 1),
        &panes,
        &sidebar,
    );
    let effects = c.handle(
        &at(MouseEventKind::Drag(MouseButton::Left), border - 20),
        &panes,
        &sidebar,
    );
    assert_eq!(effects, [Effect::Relayout]);
    c.handle(
        &at(MouseEventKind::Up(MouseButton::Left), border - 20),
        &panes,
        &sidebar,
    );
    let after = c.layout_for(2, Some(0));
    // Where the pointer let go, to the rounding of a percentage.
    let moved = after.panes[0].outer.right();
    assert!(
        (border - 21..=border - 18).contains(&moved),
        "{moved} vs {border}"
    );
    assert!(after.panes[1].outer.width > before.panes[1].outer.width);
    // A drag that did not start on the border moves nothing.
    c.handle(
        &at(MouseEventKind::Drag(MouseButton::Left), border - 40),
        &panes,
        &sidebar,
    );
    assert_eq!(c.layout_for(2, Some(0)), after);
}

#[test]
fn a_key_typed_into_a_pane_draws_nothing_until_the_echo() {
    let mut c = client();
    let panes = [pane("a", Running::Yes)];
    c.dirty = Dirty::Clean;
    assert_eq!(
        c.handle(&key(KeyCode::Char('x')), &panes, &[]),
        [write("a", b"x")]
    );
    assert_eq!(c.dirty, Dirty::Clean, "typing alone changed the dashboard");
    // A key that also clears a message, or leaves the prefix, is drawn.
    c.message = Some("hello".into());
    c.handle(&key(KeyCode::Char('y')), &panes, &[]);
    assert_eq!((c.dirty, c.message.as_deref()), (Dirty::Changed, None));
    c.dirty = Dirty::Clean;
    c.handle(&ctrl('b'), &panes, &[]);
    c.dirty = Dirty::Clean;
    assert_eq!(c.handle(&ctrl('b'), &panes, &[]), [write("a", b"\x02")]);
    assert_eq!(c.dirty, Dirty::Changed, "the prefix badge stayed on screen");
}
