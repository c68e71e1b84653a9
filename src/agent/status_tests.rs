use super::*;
use crate::config::{StatusConfig, TitleRules};

fn rules() -> StatusRules {
    titled_rules(TitleRules::default())
}

/// [`rules`] and `title`.
fn titled_rules(title: TitleRules) -> StatusRules {
    StatusRules::compile(&StatusConfig {
        rows: 5,
        waiting: vec!["Allow\\?".into()],
        working: vec!["esc to interrupt".into()],
        idle: vec!["> $".into()],
        title,
    })
    .unwrap()
}

fn screen(tail: &str) -> Observation {
    Observation {
        tail: tail.to_owned(),
        ..Observation::default()
    }
}

struct Clock(Instant);

impl Clock {
    fn at(&self, ms: u64) -> Instant {
        self.0 + Duration::from_millis(ms)
    }
}

#[test]
fn rules_drive_a_turn_and_finishing_unfocused_is_unseen() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    assert_eq!(tracker.status().state, State::Starting);
    tracker.output(t.at(0));
    assert_eq!(tracker.due(), Some(t.at(0)));
    // The prompt is drawn: idle at once (nothing was being worked on).
    let change = tracker.observe(t.at(0), &screen("> "), &r, Focus::Unfocused);
    assert_eq!(change.map(|c| c.to), Some(State::Idle { seen: Seen::Seen }));
    // An idle agent's output is read soon, but not within EVAL_INTERVAL
    // of the last look.
    tracker.output(t.at(10));
    assert_eq!(tracker.due(), Some(t.at(100)));
    let busy = screen("thinking (esc to interrupt)\n> ");
    // Working only once a second look still says so.
    assert_eq!(
        tracker.observe(t.at(100), &busy, &r, Focus::Unfocused),
        None
    );
    assert_eq!(tracker.due(), Some(t.at(100) + WORK_SETTLE));
    tracker.observe(t.at(200), &busy, &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working);
    assert_eq!(
        tracker.status().reason,
        "screen shows \"esc to interrupt\" (working rule 1)"
    );
    tracker.output(t.at(250));
    tracker.observe(t.at(300), &screen("Allow?"), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    assert!(tracker.status().state.needs_attention());
    // An answered question: working at once (it was not idle).
    tracker.output(t.at(350));
    tracker.observe(t.at(400), &screen("esc to interrupt"), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working);
    // The spinner is gone: idle only once that holds for IDLE_SETTLE.
    tracker.output(t.at(500));
    assert_eq!(
        tracker.observe(t.at(500), &screen("> "), &r, Focus::Unfocused),
        None
    );
    assert_eq!(tracker.status().state, State::Working);
    assert_eq!(tracker.due(), Some(t.at(500) + IDLE_SETTLE));
    let done = t.at(500) + IDLE_SETTLE;
    let change = tracker.observe(done, &screen("> "), &r, Focus::Unfocused);
    assert_eq!(
        change,
        Some(Change {
            from: State::Working,
            to: State::Idle { seen: Seen::Unseen }
        })
    );
    assert!(tracker.status().state.needs_attention());
    // Nothing left to do: no timer.
    assert_eq!(tracker.due(), None);
    assert!(tracker.mark_seen());
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Seen });
    assert!(!tracker.mark_seen());
}

#[test]
fn a_working_agents_output_is_read_when_it_pauses_or_within_the_ceiling() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    // Output from an agent that is not working: read at once.
    tracker.output(t.at(0));
    assert_eq!(tracker.due(), Some(t.at(0)));
    tracker.observe(t.at(0), &screen("> "), &r, Focus::Unfocused);
    tracker.output(t.at(2_000));
    assert_eq!(tracker.due(), Some(t.at(2_000)));
    let busy = screen("esc to interrupt");
    tracker.observe(t.at(2_000), &busy, &r, Focus::Unfocused);
    // A settle timer and a stream: the timer is not pushed back.
    tracker.output(t.at(2_050));
    assert_eq!(tracker.due(), Some(t.at(2_000) + WORK_SETTLE));
    tracker.observe(t.at(2_100), &busy, &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working);
    // Every new chunk moves the look to OUTPUT_SETTLE after it, but no
    // later than LOOK_CEILING after the first unread one.
    for ms in (2_150..=2_650).step_by(50) {
        tracker.output(t.at(ms));
        let want = (t.at(ms) + OUTPUT_SETTLE).min(t.at(2_150) + LOOK_CEILING);
        assert_eq!(tracker.due(), Some(want), "after output at {ms} ms");
    }
    // A pause: read OUTPUT_SETTLE after the last chunk.
    tracker.observe(t.at(2_650), &busy, &r, Focus::Unfocused);
    tracker.output(t.at(2_700));
    assert_eq!(tracker.due(), Some(t.at(2_700) + OUTPUT_SETTLE));
}

#[test]
fn a_spinner_missing_for_one_redraw_is_not_done() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    tracker.observe(t.at(0), &screen("esc to interrupt"), &r, Focus::Focused);
    tracker.observe(t.at(100), &screen("esc to interrupt"), &r, Focus::Focused);
    assert_eq!(tracker.status().state, State::Working);
    tracker.output(t.at(200));
    tracker.observe(t.at(200), &screen("> "), &r, Focus::Focused);
    tracker.output(t.at(300));
    tracker.observe(t.at(300), &screen("esc to interrupt"), &r, Focus::Focused);
    // Past the settle time since the first idle look, but it was interrupted.
    tracker.observe(t.at(600), &screen("> "), &r, Focus::Focused);
    assert_eq!(tracker.status().state, State::Working);
    let change = tracker.observe(t.at(900), &screen("> "), &r, Focus::Focused);
    // Watching it finish: seen.
    assert_eq!(change.map(|c| c.to), Some(State::Idle { seen: Seen::Seen }));
}

/// Codex's title flashes a spinner for a few milliseconds while it starts:
/// a look that catches it is not a turn, and what follows is not "done".
#[test]
fn a_spinner_seen_at_one_look_only_is_not_a_turn() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    tracker.observe(t.at(0), &screen("> "), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Seen });
    tracker.output(t.at(500));
    let flash = screen("starting (esc to interrupt)\n> ");
    assert_eq!(
        tracker.observe(t.at(500), &flash, &r, Focus::Unfocused),
        None
    );
    assert_eq!(tracker.due(), Some(t.at(500) + WORK_SETTLE));
    assert_eq!(
        tracker.observe(t.at(600), &screen("> "), &r, Focus::Unfocused),
        None
    );
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Seen });
    // A later spinner is judged afresh: one look is not enough.
    tracker.output(t.at(900));
    assert_eq!(
        tracker.observe(t.at(900), &flash, &r, Focus::Unfocused),
        None
    );
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Seen });
}

#[test]
fn without_rules_output_means_working_and_quiet_means_idle() {
    let t = Clock(Instant::now());
    let none = StatusRules::default();
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    // Starting output is not work.
    tracker.observe(t.at(0), &screen(""), &none, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Starting);
    assert_eq!(tracker.due(), Some(t.at(0) + QUIET));
    tracker.observe(t.at(0) + QUIET, &screen(""), &none, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Seen });
    assert_eq!(tracker.status().reason, "no output for 0.7 s");
    tracker.output(t.at(2000));
    tracker.observe(t.at(2000), &screen(""), &none, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working);
    assert_eq!(tracker.status().reason, "output in the last 0.7 s");
    let quiet = t.at(2000) + QUIET;
    assert_eq!(tracker.due(), Some(quiet));
    tracker.observe(quiet, &screen(""), &none, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Unseen });
}

#[test]
fn a_bell_or_notification_asks_for_the_user_until_new_output() {
    let t = Clock(Instant::now());
    let none = StatusRules::default();
    let mut tracker = Tracker::new();
    let look = |tracker: &mut Tracker, ms, bells, notifications: &[&str], generation| {
        let seen = Observation {
            bells,
            notifications: notifications.iter().map(|n| n.to_string()).collect(),
            generation,
            ..Observation::default()
        };
        tracker.observe(t.at(ms), &seen, &none, Focus::Unfocused);
    };
    look(&mut tracker, 0, 0, &[], 0);
    tracker.output(t.at(1000));
    look(&mut tracker, 1000, 0, &[], 1);
    assert_eq!(tracker.status().state, State::Working);
    // The BEL is itself output (the server calls `output` for the read that
    // carried it, and may do so again after the look): it still asks.
    tracker.output(t.at(2000));
    look(&mut tracker, 2000, 1, &[], 2);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    assert_eq!(tracker.status().reason, "rang the bell");
    tracker.output(t.at(2010));
    look(&mut tracker, 2100, 1, &[], 2);
    look(&mut tracker, 2010 + QUIET.as_millis() as u64, 1, &[], 2);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    // Output after it is a new turn.
    tracker.output(t.at(5000));
    look(&mut tracker, 5000, 1, &[], 3);
    assert_eq!(tracker.status().state, State::Working);
    tracker.output(t.at(6000));
    look(&mut tracker, 6000, 1, &["Codex: approval requested"], 4);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    assert_eq!(
        tracker.status().reason,
        "notification: Codex: approval requested"
    );
}

#[test]
fn an_exit_is_final() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    let change = tracker.exit(Some(3), "exited with code 3", Focus::Unfocused);
    let unseen = State::Exited {
        code: Some(3),
        seen: Seen::Unseen,
    };
    assert_eq!(change.map(|c| c.to), Some(unseen));
    assert!(unseen.needs_attention(), "an exit no one saw is news");
    tracker.output(t.at(10));
    assert_eq!(tracker.due(), None);
    assert_eq!(
        tracker.observe(t.at(10), &screen("> "), &r, Focus::Focused),
        None
    );
    assert_eq!(tracker.status().reason, "exited with code 3");
    // Looking at it makes it seen; it stays exited.
    assert!(tracker.mark_seen());
    assert_eq!(
        tracker.status().state,
        State::Exited {
            code: Some(3),
            seen: Seen::Seen
        }
    );
    assert!(!tracker.status().state.needs_attention());
    assert!(!tracker.mark_seen());

    // An exit the user watched (they typed /exit) is seen at once.
    let mut watched = Tracker::new();
    watched.exit(Some(0), "exited with code 0", Focus::Focused);
    assert!(!watched.status().state.needs_attention());
}

#[test]
fn an_answered_question_is_left_when_its_rule_stops_matching() {
    let t = Clock(Instant::now());
    // Only a waiting rule: the rest is output activity.
    let r = StatusRules::compile(&StatusConfig {
        rows: 3,
        waiting: vec!["Allow\\?".into()],
        working: vec![],
        idle: vec![],
        title: Default::default(),
    })
    .unwrap();
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    tracker.observe(t.at(0), &screen("Allow? (y/n)"), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    // Answered: the screen moves on and the agent prints.
    tracker.output(t.at(500));
    tracker.observe(
        t.at(500),
        &screen("running the command"),
        &r,
        Focus::Unfocused,
    );
    assert_eq!(tracker.status().state, State::Working);
    let quiet = t.at(500) + QUIET;
    tracker.observe(quiet, &screen("done"), &r, Focus::Unfocused);
    assert!(matches!(tracker.status().state, State::Idle { .. }));
}

#[test]
fn a_quiet_start_is_idle_only_when_no_rule_can_say_idle() {
    let t = Clock(Instant::now());
    let config = |idle: Vec<String>| StatusConfig {
        rows: 3,
        waiting: vec![],
        working: vec!["esc to interrupt".into()],
        idle,
        title: Default::default(),
    };
    let without_idle = StatusRules::compile(&config(vec![])).unwrap();
    let with_idle = StatusRules::compile(&config(vec!["^> $".into()])).unwrap();
    for (rules, expected) in [
        (&without_idle, State::Idle { seen: Seen::Seen }),
        (&with_idle, State::Starting),
    ] {
        let mut tracker = Tracker::new();
        tracker.output(t.at(0));
        tracker.observe(t.at(0), &screen("loading"), rules, Focus::Unfocused);
        tracker.observe(t.at(0) + QUIET, &screen("loading"), rules, Focus::Unfocused);
        assert_eq!(tracker.status().state, expected);
    }
}

/// Gemini CLI clears its screen to draw its trust dialog, and its title
/// says "Ready" throughout: a look at the blank screen is neither the
/// question answered nor the agent done.
#[test]
fn a_question_caught_mid_redraw_is_still_a_question() {
    let t = Clock(Instant::now());
    let r = titled_rules(TitleRules {
        waiting: vec![],
        working: vec![],
        idle: vec!["Ready".into()],
    });
    let titled = |tail: &str| Observation {
        title: "Ready (lab)".to_owned(),
        ..screen(tail)
    };
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    tracker.observe(t.at(0), &titled("Allow? 1. Yes"), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    // The clear is read before the redraw: the title alone says idle.
    tracker.output(t.at(100));
    assert_eq!(
        tracker.observe(t.at(100), &titled(""), &r, Focus::Unfocused),
        None
    );
    tracker.output(t.at(150));
    tracker.observe(t.at(200), &titled("Allow? 1. Yes"), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    // Without a title rule, the blank screen of a pane that prints is not
    // the question answered either.
    let untitled = rules();
    tracker.output(t.at(300));
    tracker.observe(t.at(300), &screen(""), &untitled, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    // Declined: the idle prompt stands, and once it has held, it is done.
    tracker.output(t.at(400));
    tracker.observe(t.at(400), &titled("> "), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    assert_eq!(tracker.due(), Some(t.at(400) + IDLE_SETTLE));
    tracker.observe(t.at(400) + IDLE_SETTLE, &titled("> "), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Seen });
}

/// While a working agent's title says so, a look reads no screen rows;
/// once the title changes (claude's spinner becomes `✳`), it reads them
/// all, and a question or the idle prompt there is seen.
#[test]
fn a_working_title_spares_reading_the_screen_until_it_changes() {
    let t = Clock(Instant::now());
    let r = titled_rules(TitleRules {
        waiting: vec![],
        working: vec!["^[⠀-⣿] ".into()],
        idle: vec![],
    });
    let look = |tracker: &mut Tracker, ms: u64, title: &str, screen_text: &str| {
        let rows = tracker.rows_to_read(title, &r);
        let tail = match rows {
            0 => String::new(),
            _ => screen_text.to_owned(),
        };
        let seen = Observation {
            title: title.to_owned(),
            ..screen(&tail)
        };
        tracker.observe(t.at(ms), &seen, &r, Focus::Unfocused);
        rows
    };
    let mut tracker = Tracker::new();
    // Not yet working: the screen is read whatever the title says.
    assert_eq!(look(&mut tracker, 0, "✳ Claude", "> "), 5);
    assert_eq!(look(&mut tracker, 100, "⠂ Claude", "esc to interrupt"), 5);
    assert_eq!(look(&mut tracker, 200, "⠂ Claude", "esc to interrupt"), 5);
    assert_eq!(tracker.status().state, State::Working);
    // Working under a spinning title: nothing is read, it stays working.
    assert_eq!(look(&mut tracker, 300, "⠐ Claude", "Allow?"), 0);
    assert_eq!(tracker.status().state, State::Working);
    // The title stops spinning: the question on screen is read.
    assert_eq!(look(&mut tracker, 400, "✳ Claude", "Allow?"), 5);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    // Asking: read whatever the title says.
    assert_eq!(look(&mut tracker, 500, "⠐ Claude", "esc to interrupt"), 5);
    assert_eq!(tracker.status().state, State::Working);
    // Without a title rule for working, a working agent's screen is read.
    let plain = rules();
    assert_eq!(tracker.rows_to_read("⠐ Claude", &plain), plain.rows());
}

/// A login screen, a first-run setup, or an agent whose new version draws
/// an input box its profile does not know: "starting" for good would hide
/// it, so once the start's patience runs out the user is asked to look.
#[test]
fn a_start_no_rule_recognises_asks_for_the_user_after_its_patience() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    let login = screen("Select login method:\n 1. Account\n 2. API key");
    tracker.observe(t.at(0), &login, &r, Focus::Unfocused);
    tracker.output(t.at(200));
    let quiet = t.at(200) + QUIET;
    assert_eq!(tracker.due(), Some(t.at(200)));
    tracker.observe(t.at(200), &login, &r, Focus::Unfocused);
    assert_eq!(tracker.due(), Some(quiet));
    tracker.observe(quiet, &login, &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Starting);
    // Quiet, unknown: looked at again when the patience runs out, without
    // more output.
    let patience = t.at(0) + START_PATIENCE;
    assert_eq!(tracker.due(), Some(patience));
    let change = tracker.observe(patience, &login, &r, Focus::Unfocused);
    assert_eq!(change.map(|c| c.to), Some(State::WaitingForInput));
    assert!(
        tracker
            .status()
            .reason
            .starts_with("no status rule knows its screen 15 s"),
        "{}",
        tracker.status().reason
    );
    // Nothing more is due: a question stays until the pane moves.
    assert_eq!(tracker.due(), None);
    // Answered, the agent draws its prompt: idle, and nothing was worked on.
    tracker.output(patience + QUIET);
    tracker.observe(patience + QUIET, &screen("> "), &r, Focus::Unfocused);
    tracker.observe(
        patience + QUIET + IDLE_SETTLE,
        &screen("> "),
        &r,
        Focus::Unfocused,
    );
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Seen });
}

/// A blank screen is nothing to answer, and an agent that printed nothing
/// has shown nothing: neither is taken for a question.
#[test]
fn a_start_that_shows_nothing_is_not_a_question() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut silent = Tracker::new();
    silent.observe(t.at(0) + START_PATIENCE, &screen(""), &r, Focus::Unfocused);
    assert_eq!(silent.status().state, State::Starting);
    assert_eq!(silent.due(), None);
    let mut cleared = Tracker::new();
    cleared.output(t.at(0));
    let late = t.at(0) + START_PATIENCE;
    cleared.observe(late, &screen("  \n "), &r, Focus::Unfocused);
    assert_eq!(cleared.status().state, State::Starting);
}

/// A working agent that stops on a screen no rule knows, when its profile
/// can tell its idle screen, stopped on something else: a dialog the
/// profile does not know. It is asking, not done, so nothing held for
/// "idle" is typed into it.
#[test]
fn a_working_agent_quiet_on_a_screen_no_rule_knows_is_asking() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    tracker.observe(t.at(0), &screen("> "), &r, Focus::Unfocused);
    tracker.output(t.at(100));
    let busy = screen("thinking (esc to interrupt)");
    tracker.observe(t.at(100), &busy, &r, Focus::Unfocused);
    tracker.observe(t.at(100) + WORK_SETTLE, &busy, &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working);

    tracker.output(t.at(300));
    let dialog = screen("Pick a model:\n 1. fast\n 2. smart");
    tracker.observe(t.at(450), &dialog, &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working, "still printing");
    let quiet = t.at(300) + QUIET;
    assert_eq!(tracker.due(), Some(quiet));
    let change = tracker.observe(quiet, &dialog, &r, Focus::Unfocused);
    assert_eq!(change.map(|c| c.to), Some(State::WaitingForInput));
    assert!(
        tracker
            .status()
            .reason
            .starts_with("no status rule knows its screen and no output for 0.7 s"),
        "{}",
        tracker.status().reason
    );
    // Answered, it draws its prompt: done, and unseen (it had worked).
    tracker.output(quiet + QUIET);
    tracker.observe(quiet + QUIET, &screen("> "), &r, Focus::Unfocused);
    tracker.observe(
        quiet + QUIET + IDLE_SETTLE,
        &screen("> "),
        &r,
        Focus::Unfocused,
    );
    assert_eq!(tracker.status().state, State::Idle { seen: Seen::Unseen });
}
