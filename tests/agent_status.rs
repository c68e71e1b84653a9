//! Recorded sessions of real agents (tests/fixtures/agents/, made with
//! `record.py` against agents-lab's mock LLM) replayed through the emulator
//! and a status tracker with the built-in profile's rules, on the recording's
//! own clock. At every point where the recorder saw a state on screen
//! (idle, working, waiting for approval, exited), the tracker must say the
//! same within a second (the sidebar's target), or by the time the recorder
//! typed again, whichever is first: the recorder marks idle and waiting only
//! once they have held on screen for a second, so the tracker must agree
//! before anyone acts on them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use grove::agent::observe::screen_tail;
use grove::agent::{Focus, State, StatusRules, TailCache, Tracker, look};
use grove::config::Config;
use grove::pane::{Emulator, HistoryLimits, PaneSize};

/// How long after the recorder saw a state the tracker may take to agree.
const FOLLOW: Duration = Duration::from_secs(1);

#[derive(Debug)]
enum Step {
    Output(Vec<u8>),
    Mark {
        state: String,
        note: String,
        since: Option<Duration>,
    },
    /// The recorder typed something (not a reply to a terminal query).
    Keys,
    Exit(Option<i32>),
}

struct Recording {
    agent: String,
    size: PaneSize,
    steps: Vec<(Duration, Step)>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/agents")
}

fn load(agent: &str) -> Recording {
    let path = fixtures().join(format!("{agent}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let size = PaneSize {
        rows: header["rows"].as_u64().unwrap() as u16,
        cols: header["cols"].as_u64().unwrap() as u16,
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let steps = lines
        .filter_map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            let at = Duration::from_secs_f64(event["t"].as_f64().unwrap());
            let step = if let Some(out) = event["out"].as_str() {
                Step::Output(b64.decode(out).unwrap())
            } else if let Some(state) = event["mark"].as_str() {
                Step::Mark {
                    state: state.to_owned(),
                    note: event["note"].as_str().unwrap_or("").to_owned(),
                    since: event["since"].as_f64().map(Duration::from_secs_f64),
                }
            } else if event.get("exit").is_some() {
                Step::Exit(event["exit"].as_i64().map(|c| c as i32))
            } else if event.get("signal").is_some() {
                Step::Exit(None)
            } else if event["src"] == "keys" {
                Step::Keys
            } else {
                return None; // the recorder answering a query
            };
            Some((at, step))
        })
        .collect();
    Recording {
        agent: header["agent"].as_str().unwrap().to_owned(),
        size,
        steps,
    }
}

fn rules(agent: &str) -> StatusRules {
    let config = Config::builtin().unwrap();
    StatusRules::compile(&config.agents[agent].status).unwrap()
}

fn matches(state: State, expected: &str) -> bool {
    match (state, expected) {
        (State::Working, "working")
        | (State::WaitingForInput, "waiting")
        | (State::Idle { .. }, "idle")
        | (State::Exited { .. }, "exited") => true,
        (
            State::Starting
            | State::Working
            | State::WaitingForInput
            | State::Idle { .. }
            | State::Exited { .. },
            _,
        ) => false,
    }
}

/// What the replay saw: every state the tracker was in, when, and why; and
/// what it said at each mark's check time.
struct Replay {
    timeline: Vec<(Duration, State, String)>,
    verdicts: Vec<(Duration, String, String, State, String)>,
    /// Each mark: when the state began on screen (its `since`, else its
    /// time) and the state.
    marks: Vec<(Duration, String)>,
    /// When the recorder typed.
    keys: Vec<Duration>,
}

/// Plays a recording on its own clock.
fn replay(recording: &Recording) -> Replay {
    let rules = rules(&recording.agent);
    let start = Instant::now();
    let mut emulator = Emulator::new(recording.size, HistoryLimits::new(10_000, 1 << 20));
    let mut tracker = Tracker::new();
    let mut timeline = vec![(Duration::ZERO, tracker.status().state, String::new())];
    let mut verdicts = Vec::new();
    // Lets the tracker look whenever it asked to, up to `until`.
    let mut cache = TailCache::new();
    let mut run_until = |tracker: &mut Tracker,
                         emulator: &mut Emulator,
                         timeline: &mut Vec<(Duration, State, String)>,
                         generation: u64,
                         until: Instant| {
        while let Some(due) = tracker.due().filter(|d| *d <= until) {
            let reads = tracker.rows_to_read(emulator.title(), &rules);
            let seen = look(emulator, tracker, &rules, generation, &mut cache);
            // What the cache kept is what the screen shows (when the look
            // read it: not while a working agent's title says it works).
            if reads > 0 {
                assert_eq!(seen.tail, screen_tail(emulator.screen(), rules.rows()));
            }
            tracker.observe(due, &seen, &rules, Focus::Unfocused);
            let status = tracker.status();
            timeline.push((due - start, status.state, status.reason.clone()));
        }
    };
    let keys: Vec<Duration> = recording
        .steps
        .iter()
        .filter(|(_, s)| matches!(s, Step::Keys))
        .map(|(at, _)| *at)
        .collect();
    let mut marks = Vec::new();
    // Reads parsed so far, as the pane counts them.
    let mut generation = 0u64;
    let mut pending: Vec<(Duration, String, String)> = Vec::new();
    for (at, step) in &recording.steps {
        // Check every mark whose moment has come: a second after it, or
        // when the recorder typed next, whichever is first.
        pending.retain(|(check, state, note)| {
            if *check > *at || (*check == *at && matches!(step, Step::Mark { .. })) {
                return true;
            }
            run_until(
                &mut tracker,
                &mut emulator,
                &mut timeline,
                generation,
                start + *check,
            );
            let status = tracker.status();
            verdicts.push((
                *check,
                state.clone(),
                note.clone(),
                status.state,
                status.reason.clone(),
            ));
            false
        });
        run_until(
            &mut tracker,
            &mut emulator,
            &mut timeline,
            generation,
            start + *at,
        );
        match step {
            Step::Output(bytes) => {
                emulator.process(bytes);
                generation += 1;
                tracker.output(start + *at);
            }
            Step::Mark { state, note, since } => {
                let typed = keys.iter().find(|k| **k >= *at).copied();
                let check = typed.map_or(*at + FOLLOW, |k| k.min(*at + FOLLOW));
                pending.push((check, state.clone(), note.clone()));
                marks.push((since.unwrap_or(*at), state.clone()));
            }
            Step::Keys => {}
            Step::Exit(code) => {
                tracker.exit(*code, "exited", Focus::Unfocused);
                timeline.push((*at, tracker.status().state, "exited".to_owned()));
            }
        }
    }
    for (check, state, note) in pending {
        run_until(
            &mut tracker,
            &mut emulator,
            &mut timeline,
            generation,
            start + check,
        );
        let status = tracker.status();
        verdicts.push((check, state, note, status.state, status.reason.clone()));
    }
    Replay {
        timeline,
        verdicts,
        marks,
        keys,
    }
}

/// Where the tracker disagreed with the screen for longer than [`FOLLOW`]:
/// from a second after each state began on screen until the next began (or
/// the recorder typed, which starts the next), the tracker must have said
/// that state all along. This is what catches a false "done" in the middle
/// of a turn.
fn disagreements(replay: &Replay) -> Vec<String> {
    let mut wrong = Vec::new();
    for (index, (began, expected)) in replay.marks.iter().enumerate() {
        let next = replay
            .marks
            .get(index + 1)
            .map_or(Duration::MAX, |(next, _)| *next);
        let typed = replay.keys.iter().find(|k| **k >= *began).copied();
        let ended = typed.map_or(next, |k| k.min(next));
        let from = *began + FOLLOW;
        if from >= ended {
            continue;
        }
        // The state in force at `from`, then every change until `ended`.
        let at_from = replay.timeline.iter().rev().find(|(t, _, _)| *t <= from);
        let changes = replay
            .timeline
            .iter()
            .filter(|(t, _, _)| *t > from && *t < ended);
        for (t, state, reason) in at_from.into_iter().chain(changes) {
            if !matches(*state, expected) {
                wrong.push(format!(
                    "between {:.2} s and {:.2} s the screen said {expected} but at {:.2} s the \
                     tracker said {state:?} ({reason})",
                    from.as_secs_f64(),
                    ended.as_secs_f64().min(9999.0),
                    t.as_secs_f64()
                ));
            }
        }
    }
    wrong
}

fn check(agent: &str) {
    let recording = load(agent);
    let replay = replay(&recording);
    let sequence: Vec<&str> = replay.verdicts.iter().map(|v| v.1.as_str()).collect();
    // busy → idle, then busy → approval → busy → idle → exited.
    assert_eq!(
        sequence,
        [
            "idle", "working", "idle", "working", "waiting", "working", "idle", "exited"
        ],
        "{agent}: the recording's marks"
    );
    let mut wrong: Vec<String> = replay
        .verdicts
        .iter()
        .filter(|(_, expected, _, state, _)| !matches(*state, expected))
        .map(|(at, expected, note, state, reason)| {
            format!(
                "at {:.2} s the recorder saw {expected} ({note}) but the tracker said {state:?} ({reason})",
                at.as_secs_f64()
            )
        })
        .collect();
    wrong.extend(disagreements(&replay));
    assert!(wrong.is_empty(), "{agent}:\n{}", wrong.join("\n"));
}
#[test]
fn claude_status_follows_the_screen() {
    check("claude");
}

#[test]
fn codex_status_follows_the_screen() {
    check("codex");
}

#[test]
fn gemini_status_follows_the_screen() {
    check("gemini");
}

#[test]
fn opencode_status_follows_the_screen() {
    check("opencode");
}

#[test]
fn aider_status_follows_the_screen() {
    check("aider");
}
