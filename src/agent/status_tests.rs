use super::*;
use crate::config::StatusConfig;

fn rules() -> StatusRules {
    StatusRules::compile(&StatusConfig {
        rows: 5,
        waiting: vec!["Allow\\?".into()],
        working: vec!["esc to interrupt".into()],
        idle: vec!["> $".into()],
        title: Default::default(),
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
    // Output is throttled: the next look is EVAL_INTERVAL after the last.
    tracker.output(t.at(10));
    assert_eq!(tracker.due(), Some(t.at(100)));
    tracker.observe(
        t.at(100),
        &screen("thinking (esc to interrupt)\n> "),
        &r,
        Focus::Unfocused,
    );
    assert_eq!(tracker.status().state, State::Working);
    assert_eq!(
        tracker.status().reason,
        "screen shows \"esc to interrupt\" (working rule 1)"
    );
    tracker.output(t.at(150));
    tracker.observe(t.at(200), &screen("Allow?"), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    assert!(tracker.status().state.needs_attention());
    tracker.output(t.at(250));
    tracker.observe(t.at(300), &screen("esc to interrupt"), &r, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working);
    // The spinner is gone: idle only once that holds for IDLE_SETTLE.
    tracker.output(t.at(400));
    assert_eq!(
        tracker.observe(t.at(400), &screen("> "), &r, Focus::Unfocused),
        None
    );
    assert_eq!(tracker.status().state, State::Working);
    assert_eq!(tracker.due(), Some(t.at(400) + IDLE_SETTLE));
    let done = t.at(400) + IDLE_SETTLE;
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
fn a_spinner_missing_for_one_redraw_is_not_done() {
    let t = Clock(Instant::now());
    let r = rules();
    let mut tracker = Tracker::new();
    tracker.output(t.at(0));
    tracker.observe(t.at(0), &screen("esc to interrupt"), &r, Focus::Focused);
    tracker.output(t.at(100));
    tracker.observe(t.at(100), &screen("> "), &r, Focus::Focused);
    tracker.output(t.at(200));
    tracker.observe(t.at(200), &screen("esc to interrupt"), &r, Focus::Focused);
    // Past the settle time since the first idle look, but it was interrupted.
    tracker.observe(t.at(500), &screen("> "), &r, Focus::Focused);
    assert_eq!(tracker.status().state, State::Working);
    let change = tracker.observe(t.at(800), &screen("> "), &r, Focus::Focused);
    // Watching it finish: seen.
    assert_eq!(change.map(|c| c.to), Some(State::Idle { seen: Seen::Seen }));
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
fn a_bell_or_notification_after_the_output_stops_asks_for_the_user() {
    let t = Clock(Instant::now());
    let none = StatusRules::default();
    let mut tracker = Tracker::new();
    tracker.observe(t.at(0), &screen(""), &none, Focus::Unfocused);
    tracker.output(t.at(1000));
    let rang = Observation {
        bells: 1,
        ..Observation::default()
    };
    // Still printing: the bell is part of the output.
    tracker.observe(t.at(1000), &rang, &none, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::Working);
    let rang_again = Observation {
        bells: 2,
        ..Observation::default()
    };
    tracker.observe(t.at(1000) + QUIET, &rang_again, &none, Focus::Unfocused);
    assert_eq!(tracker.status().state, State::WaitingForInput);
    assert_eq!(tracker.status().reason, "rang the bell");
    let notified = Observation {
        bells: 2,
        notifications: vec!["Codex: approval requested".into()],
        ..Observation::default()
    };
    tracker.output(t.at(3000));
    tracker.observe(t.at(3000), &notified, &none, Focus::Unfocused);
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
    let change = tracker.exit(Some(3), "exited with code 3");
    assert_eq!(change.map(|c| c.to), Some(State::Exited { code: Some(3) }));
    tracker.output(t.at(10));
    assert_eq!(tracker.due(), None);
    assert_eq!(
        tracker.observe(t.at(10), &screen("> "), &r, Focus::Focused),
        None
    );
    assert_eq!(tracker.status().reason, "exited with code 3");
}
