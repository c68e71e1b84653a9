//! What an agent is doing, decided from what a pane shows and does, and why.
//!
//! A [`Tracker`] per pane turns evidence into a [`Status`]: the profile's
//! screen rules first (an approval dialog, a spinner line, the idle input
//! box), then the signals a program sends (BEL, OSC 9, OSC 777), then output
//! activity. Every status carries the reason it was chosen, because a status
//! a user cannot check is a status a user stops trusting.
//!
//! The tracker is pure: it is told the time and shown [`Observation`]s, so
//! recorded sessions replay through it exactly as a live pane does. It asks
//! to be looked at again through [`Tracker::due`] only while something can
//! still change without new output (a quiet period ending, an idle edge
//! settling); an idle pane has no timer.
//!
//! A working agent's output is looked at when it pauses, not while it
//! streams: a working agent's screen changes state when its output stops,
//! the spinner gone and a question or the idle prompt left standing. So the
//! look waits until the pane has been quiet for [`OUTPUT_SETTLE`] (a screen
//! caught mid-redraw is a false reading anyway), and a pane that never
//! pauses is read at least every [`LOOK_CEILING`]. Output from an agent
//! that is not working is read at once, so a turn starting or a question
//! answered shows without delay. Reading the screen is nearly all of
//! detection's cost (`benches/status.rs`), so while a working agent's
//! title still says it works, a look reads the title alone
//! ([`Tracker::rows_to_read`]).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::rules::{RuleKind, StatusRules};

/// The least time between two looks at a busy pane's screen: a pane drawing
/// at 60 fps is read about ten times a second, not sixty.
pub const EVAL_INTERVAL: Duration = Duration::from_millis(100);
/// Output is looked at once the pane has printed nothing for this long.
pub const OUTPUT_SETTLE: Duration = Duration::from_millis(150);
/// A pane that keeps printing is looked at no later than this after the
/// first output since its last look: with the settles below and a frame
/// to draw, the sidebar still follows within a second.
pub const LOOK_CEILING: Duration = Duration::from_millis(500);
/// Without a rule that matches, output within this long means "working".
pub const QUIET: Duration = Duration::from_millis(700);
/// A rule saying "idle" must still say so this much later before a working
/// agent is called idle: a screen caught halfway through a redraw can lack
/// the spinner for a moment, and a false "done" is the worst lie.
pub const IDLE_SETTLE: Duration = Duration::from_millis(300);

/// A rule saying "working" about an idle or starting agent must still say
/// so this much later: Codex's title flashes a spinner for a few
/// milliseconds while it starts, and a look that caught it made an agent
/// that had done nothing "working", then "done".
pub const WORK_SETTLE: Duration = Duration::from_millis(100);

/// How long after its first output a starting agent may show a screen no
/// rule knows before it is taken to be asking something. Agents draw their
/// input box within a few seconds; one that has not after this is on a
/// login, setup or update screen, or is a version whose screens its
/// profile does not know. Either way the user must look, and "starting"
/// for good would hide it.
pub const START_PATIENCE: Duration = Duration::from_secs(15);

/// Whether the user has looked at an agent since it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Seen {
    Unseen,
    Seen,
}

/// What an agent is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// Started, not yet drawn its prompt.
    Starting,
    Working,
    /// Asking something: an approval, a question, a trust dialog.
    WaitingForInput,
    /// Done; `Unseen` until the user focuses it.
    Idle {
        seen: Seen,
    },
    /// The process ended on its own; `code` is `None` when a signal ended
    /// it. `Unseen` until the user focuses it, when no one was looking: an
    /// agent that crashed, or finished and quit, while the user was
    /// elsewhere is news.
    Exited {
        code: Option<i32>,
        seen: Seen,
    },
}

impl State {
    /// The name scripts and `grove ls --json` use.
    pub fn key(self) -> &'static str {
        match self {
            State::Starting => "starting",
            State::Working => "working",
            State::WaitingForInput => "waiting",
            State::Idle { .. } => "idle",
            State::Exited { .. } => "exited",
        }
    }

    /// How soon the user is needed, lower first, or `None` when not: a
    /// question (which holds its agent up) before finished work or an exit
    /// not yet seen. `prefix a` and the status bar's list go in this order,
    /// the longest waiting first within each.
    pub fn urgency(self) -> Option<u8> {
        self.needs_attention()
            .then_some(u8::from(self != State::WaitingForInput))
    }

    /// Whether the user is needed: a question, or finished work or an
    /// exit not yet seen.
    pub fn needs_attention(self) -> bool {
        match self {
            State::WaitingForInput
            | State::Idle { seen: Seen::Unseen }
            | State::Exited {
                seen: Seen::Unseen, ..
            } => true,
            State::Starting
            | State::Working
            | State::Idle { seen: Seen::Seen }
            | State::Exited {
                seen: Seen::Seen, ..
            } => false,
        }
    }
}

/// A state, why it was chosen, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub state: State,
    pub reason: String,
    /// Unix time, in seconds, of the change to this state.
    pub since: u64,
}

/// What the tracker is shown of a pane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    /// The lowest non-blank rows of the screen, top to bottom, one per line.
    pub tail: String,
    /// The window title the program set.
    pub title: String,
    /// The emulator's BEL count (it only grows).
    pub bells: u64,
    /// OSC 9 / OSC 777 notifications since the last observation.
    pub notifications: Vec<String>,
    /// How many reads the pane has parsed: tells output that arrived after
    /// a signal from the output that carried it.
    pub generation: u64,
}

/// Whether an attached client has the pane focused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Focused,
    Unfocused,
}

/// A change of state, for attention (bells, hooks) and events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub from: State,
    pub to: State,
}

/// One pane's status and the evidence behind it.
#[derive(Debug, Clone)]
pub struct Tracker {
    status: Status,
    last_output: Option<Instant>,
    /// When the pane first printed: a start's patience runs from there.
    first_output: Option<Instant>,
    last_look: Option<Instant>,
    /// The first output since the last look, and how long it may wait to
    /// be looked at (only a working agent's may).
    unlooked: Option<(Instant, Duration)>,
    /// A look asked for by a settle or a quiet period, output or not.
    timer: Option<Instant>,
    /// When a rule first said "idle" while the agent was working.
    idle_since: Option<Instant>,
    /// When a rule first said "working" while the agent was idle or
    /// starting.
    working_since: Option<Instant>,
    /// The BEL count at the last look.
    bells: Option<u64>,
    /// Worked since it was last idle: finishing makes it "unseen".
    worked: bool,
    /// The output generation at which a bell or notification asked for
    /// the user; it holds until output moves past it.
    signal: Option<u64>,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker {
            status: Status {
                state: State::Starting,
                reason: "the agent was just started".to_owned(),
                since: unix_now(),
            },
            last_output: None,
            first_output: None,
            last_look: None,
            unlooked: None,
            timer: None,
            idle_since: None,
            working_since: None,
            bells: None,
            worked: false,
            signal: None,
        }
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    /// When the pane last printed anything.
    pub fn last_output(&self) -> Option<Instant> {
        self.last_output
    }

    /// When the tracker wants to look at the screen again.
    pub fn due(&self) -> Option<Instant> {
        let output = self
            .unlooked
            .zip(self.last_output)
            .map(|((first, wait), last)| {
                let at = (first + wait).min(last + OUTPUT_SETTLE);
                self.last_look
                    .map_or(at, |look| at.max(look + EVAL_INTERVAL))
            });
        [self.timer, output].into_iter().flatten().min()
    }

    /// How many screen rows the next look must read: none while the agent
    /// works and its title still says so. Every agent with a title rule
    /// for working changes its title when the turn ends or stops for a
    /// question (claude's spinner becomes `✳`, codex and gemini say
    /// "Action Required"), so the title alone tells that nothing changed,
    /// and reading the screen is nearly all of a look's cost.
    pub fn rows_to_read(&self, title: &str, rules: &StatusRules) -> usize {
        match self.status.state {
            State::Working if rules.title_says(RuleKind::Working, title) => 0,
            State::Starting
            | State::Working
            | State::WaitingForInput
            | State::Idle { .. }
            | State::Exited { .. } => rules.rows(),
        }
    }

    /// The pane printed something: look soon, but not more often than
    /// [`EVAL_INTERVAL`]; a working agent's output once it pauses
    /// ([`OUTPUT_SETTLE`]) or within [`LOOK_CEILING`].
    pub fn output(&mut self, now: Instant) {
        self.last_output = Some(now);
        self.first_output.get_or_insert(now);
        if self.exited() {
            return;
        }
        // Only a working agent's output can wait: what it prints next
        // tells nothing new until it stops. Anything else printing is
        // likely a change (a turn starting, a question answered).
        let wait = match self.status.state {
            State::Working => LOOK_CEILING,
            State::Starting
            | State::WaitingForInput
            | State::Idle { .. }
            | State::Exited { .. } => Duration::ZERO,
        };
        self.unlooked.get_or_insert((now, wait));
    }

    fn exited(&self) -> bool {
        matches!(self.status.state, State::Exited { .. })
    }

    /// Decides from what the pane shows now.
    pub fn observe(
        &mut self,
        now: Instant,
        seen: &Observation,
        rules: &StatusRules,
        focus: Focus,
    ) -> Option<Change> {
        self.timer = None;
        self.unlooked = None;
        self.last_look = Some(now);
        if self.exited() {
            return None;
        }
        let rang = self.bells.is_some_and(|before| seen.bells != before);
        self.bells = Some(seen.bells);
        let quiet_for = self.last_output.map(|at| now.saturating_duration_since(at));
        let active = quiet_for.is_some_and(|q| q < QUIET);
        if let Some(found) = rules.matches(&seen.tail, &seen.title) {
            if found.kind != RuleKind::Working {
                self.working_since = None;
            }
            let settled = match found.kind {
                RuleKind::Waiting => Some(State::WaitingForInput),
                RuleKind::Working => self.settle_working(now),
                RuleKind::Idle => self.settle_idle(now),
            };
            return settled.and_then(|state| self.set(state, found.reason(), focus));
        }
        self.idle_since = None;
        self.working_since = None;
        // A bell or a notification is the program asking for the user. It
        // holds until the pane prints something after it: the output that
        // carried it (or reached the session after it) is not a new turn.
        let signal = match (seen.notifications.last(), rang) {
            (Some(text), _) => Some(format!("notification: {text}")),
            (None, true) => Some("rang the bell".to_owned()),
            (None, false) => None,
        };
        if let Some(reason) = signal {
            self.signal = Some(seen.generation);
            return self.set(State::WaitingForInput, reason, focus);
        }
        match self.signal {
            Some(generation) if generation == seen.generation => return None,
            Some(_) => self.signal = None,
            None => {}
        }
        if !rules.is_empty() {
            // The profile knows this agent's screens and none of them is
            // showing (the user is typing into the input box, a tool is
            // printing): output alone changes nothing, but a working agent
            // that falls silent without its busy marker has stopped. If
            // the profile can tell its idle screen, that is not it: more
            // likely a question the profile does not know (a new dialog),
            // and a prompt held for "idle" typed into it would answer it.
            self.timer = self.last_output.filter(|_| active).map(|at| at + QUIET);
            return match (active, self.status.state) {
                // A profile that can recognise the idle screen waits for
                // it: a slow starter is quiet before it draws. But not for
                // ever: a screen still unknown long after the agent drew
                // it is asking the user something.
                (false, State::Starting) if rules.knows_idle() => {
                    let patience = self.first_output.map(|first| first + START_PATIENCE);
                    match patience {
                        Some(at) if now >= at && !seen.tail.trim().is_empty() => self.set(
                            State::WaitingForInput,
                            format!(
                                "no status rule knows its screen {} s after it started: \
                                 a login or setup screen, or a version its profile does not know",
                                START_PATIENCE.as_secs()
                            ),
                            focus,
                        ),
                        Some(at) if now < at => {
                            self.timer = Some(at);
                            None
                        }
                        Some(_) | None => None,
                    }
                }
                (false, State::Working | State::WaitingForInput | State::Starting) => {
                    let quiet = quiet_for.map_or(0.0, |q| q.as_secs_f32());
                    match rules.knows_idle() {
                        true => self.set(
                            State::WaitingForInput,
                            format!(
                                "no status rule knows its screen and no output for {quiet:.1} s: \
                                 a question its profile does not know?"
                            ),
                            focus,
                        ),
                        false => self.set(
                            State::Idle { seen: Seen::Seen },
                            format!("no status rule matches and no output for {quiet:.1} s"),
                            focus,
                        ),
                    }
                }
                // A blank screen is one being redrawn (Gemini CLI clears
                // it to open a dialog), not a question gone.
                (true, State::WaitingForInput) if seen.tail.trim().is_empty() => None,
                // The question went away and the agent prints: it was answered.
                (true, State::WaitingForInput) => self.set(
                    State::Working,
                    "the question is gone and it prints again".to_owned(),
                    focus,
                ),
                (
                    true,
                    State::Starting | State::Working | State::Idle { .. } | State::Exited { .. },
                )
                | (false, State::Idle { .. } | State::Exited { .. }) => None,
            };
        }
        match (active, self.status.state) {
            (true, State::Starting) => {
                self.timer = self.last_output.map(|at| at + QUIET);
                None
            }
            (true, _) => {
                self.timer = self.last_output.map(|at| at + QUIET);
                let reason = format!("output in the last {:.1} s", QUIET.as_secs_f32());
                self.set(State::Working, reason, focus)
            }
            (false, State::WaitingForInput) => None,
            (false, _) => {
                let reason = match quiet_for {
                    Some(q) => format!("no output for {:.1} s", q.as_secs_f32()),
                    None => "no output yet".to_owned(),
                };
                self.set(State::Idle { seen: Seen::Seen }, reason, focus)
            }
        }
    }

    /// A rule says idle: believe it at once unless the agent was working or
    /// asking, in which case it must still say so [`IDLE_SETTLE`] later. A
    /// dialog caught mid-redraw is a blank screen under a title that may
    /// still say "Ready", and a question taken for done lets a held task
    /// prompt go.
    fn settle_idle(&mut self, now: Instant) -> Option<State> {
        let idle = State::Idle { seen: Seen::Seen };
        match self.status.state {
            State::Working | State::WaitingForInput => {
                held(&mut self.idle_since, &mut self.timer, now, IDLE_SETTLE).then_some(idle)
            }
            State::Starting | State::Idle { .. } | State::Exited { .. } => Some(idle),
        }
    }

    /// A rule says working: believe it at once unless the agent was idle or
    /// starting, in which case it must still say so [`WORK_SETTLE`] later.
    fn settle_working(&mut self, now: Instant) -> Option<State> {
        match self.status.state {
            State::Idle { .. } | State::Starting => {
                held(&mut self.working_since, &mut self.timer, now, WORK_SETTLE)
                    .then_some(State::Working)
            }
            State::Working | State::WaitingForInput | State::Exited { .. } => Some(State::Working),
        }
    }

    /// Moves to `state` (an idle state's `seen` is decided here); returns
    /// the change when the state differs.
    fn set(&mut self, state: State, reason: String, focus: Focus) -> Option<Change> {
        let state = match state {
            State::Idle { .. } => {
                let unseen = self.worked && focus == Focus::Unfocused;
                match self.status.state {
                    // Already idle: keep what the user has or has not seen.
                    State::Idle { seen } => State::Idle { seen },
                    State::Starting
                    | State::Working
                    | State::WaitingForInput
                    | State::Exited { .. } => State::Idle {
                        seen: if unseen { Seen::Unseen } else { Seen::Seen },
                    },
                }
            }
            State::Starting | State::Working | State::WaitingForInput | State::Exited { .. } => {
                state
            }
        };
        match state {
            State::Working => self.worked = true,
            State::Idle { .. } => self.worked = false,
            State::Starting | State::WaitingForInput | State::Exited { .. } => {}
        }
        self.idle_since = None;
        self.working_since = None;
        if state == self.status.state {
            // Same state, fresher evidence.
            self.status.reason = reason;
            return None;
        }
        let from = self.status.state;
        self.status = Status {
            state,
            reason,
            since: unix_now(),
        };
        Some(Change { from, to: state })
    }

    /// The user looked at the pane: finished work, or an exit, is no
    /// longer unseen.
    pub fn mark_seen(&mut self) -> bool {
        let seen = match self.status.state {
            State::Idle { seen: Seen::Unseen } => State::Idle { seen: Seen::Seen },
            State::Exited {
                code,
                seen: Seen::Unseen,
            } => State::Exited {
                code,
                seen: Seen::Seen,
            },
            State::Starting
            | State::Working
            | State::WaitingForInput
            | State::Idle { seen: Seen::Seen }
            | State::Exited {
                seen: Seen::Seen, ..
            } => return false,
        };
        self.status.state = seen;
        true
    }

    /// The process ended on its own; unseen unless the user was looking.
    pub fn exit(&mut self, code: Option<i32>, how: &str, focus: Focus) -> Option<Change> {
        self.timer = None;
        self.unlooked = None;
        let from = self.status.state;
        let seen = match focus {
            Focus::Focused => Seen::Seen,
            Focus::Unfocused => Seen::Unseen,
        };
        let state = State::Exited { code, seen };
        if from == state {
            return None;
        }
        self.status = Status {
            state,
            reason: how.to_owned(),
            since: unix_now(),
        };
        Some(Change { from, to: state })
    }
}

/// Whether evidence first seen at `since` (now, if not yet) has held for
/// `hold`; until it has, the tracker is due to look again when it will have.
fn held(
    since: &mut Option<Instant>,
    due: &mut Option<Instant>,
    now: Instant,
    hold: Duration,
) -> bool {
    let first = *since.get_or_insert(now);
    if now.saturating_duration_since(first) >= hold {
        return true;
    }
    *due = Some(first + hold);
    false
}

impl Default for Tracker {
    fn default() -> Self {
        Tracker::new()
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
