//! The scripting surface: `grove capture` (a pane's screen as the server
//! holds it), `grove wait` (a reply held until an agent's state matches) and
//! `grove events` (a stream of what happens). Waiters and subscribers are
//! answered from the events that change state, never by polling: an idle
//! server with a script waiting on it does not wake up.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::{mpsc, oneshot};

use super::session::Session;
use crate::agent::{Seen, State};
use crate::pane::{Emulator, LineForm};
use crate::protocol::{AgentStatus, Escapes, EventKind, EventRecord, Response, WaitFor};

/// Events a subscriber may fall behind by before events are dropped (and
/// it is told how many).
pub const EVENT_QUEUE: usize = 256;

/// A `grove wait` whose answer is not there yet.
pub struct Waiter {
    pub repo: PathBuf,
    pub name: Option<String>,
    pub until: WaitFor,
    pub reply: oneshot::Sender<Response>,
}

/// A `grove events` stream.
pub struct Subscriber {
    pub repo: Option<PathBuf>,
    pub sender: mpsc::Sender<EventRecord>,
    dropped: u64,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The screen as text, with `history` lines of history above it.
pub fn capture(emulator: &Emulator, escapes: Escapes, history: usize) -> String {
    let screen = emulator.screen();
    let cols = screen.size().1.get();
    // Each line with SGR ends in a reset, so lines can be printed alone.
    let (form, end) = match escapes {
        Escapes::Plain => (LineForm::Plain, ""),
        Escapes::Sgr => (LineForm::Sgr, "\x1b[m"),
    };
    let mut lines = emulator.history_lines(history, form);
    match escapes {
        Escapes::Plain => lines.extend(screen.rows(0, cols)),
        Escapes::Sgr => lines.extend(screen.rows_formatted(0, cols)),
    }
    for line in &mut lines {
        line.push_str(end);
    }
    // Like tmux: trailing blank lines are not part of the capture.
    while lines.last().is_some_and(|l| plain_blank(l)) {
        lines.pop();
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn plain_blank(line: &str) -> bool {
    line.trim().is_empty() || line.trim() == "\x1b[m"
}

/// What `grove wait` compares: the tracked state while the agent runs,
/// `exited` once it has ended.
fn matches(until: WaitFor, status: &AgentStatus, state: Option<State>) -> bool {
    match (until, status, state) {
        (WaitFor::Exited, AgentStatus::Exited { .. } | AgentStatus::Stopped, _) => true,
        (WaitFor::Exited, AgentStatus::Running, Some(State::Exited { .. })) => true,
        (WaitFor::Working, AgentStatus::Running, Some(State::Working)) => true,
        (WaitFor::Waiting, AgentStatus::Running, Some(State::WaitingForInput)) => true,
        (WaitFor::Idle, AgentStatus::Running, Some(State::Idle { .. })) => true,
        (
            WaitFor::Working | WaitFor::Waiting | WaitFor::Idle | WaitFor::Exited,
            AgentStatus::Running | AgentStatus::Exited { .. } | AgentStatus::Stopped,
            _,
        ) => false,
    }
}

impl Session {
    pub(super) fn capture_pane(
        &self,
        repo: &Path,
        name: &str,
        escapes: Escapes,
        history: usize,
    ) -> Response {
        let Some(workspace) = self.table.find(repo, name) else {
            return Response::Failed {
                message: format!("no workspace {name:?} here; `grove ls` lists them"),
                kind: crate::protocol::FailureKind::Usage,
            };
        };
        let Some(live) = workspace.live.as_ref() else {
            return Response::Failed {
                message: format!(
                    "{name} has had no agent since the server started, so there is no screen; start it first"
                ),
                kind: crate::protocol::FailureKind::Failure,
            };
        };
        let emulator = live.pane.lock_emulator();
        Response::Captured {
            text: capture(&emulator, escapes, history),
        }
    }

    /// `grove wait`: answers now if the state already matches, otherwise
    /// when it does.
    pub(super) fn wait(&mut self, waiter: Waiter) {
        if let Some(response) = self.wait_answer(&waiter) {
            let _ = waiter.reply.send(response);
            return;
        }
        if let Some(name) = &waiter.name
            && self.table.find(&waiter.repo, name).is_none()
        {
            let _ = waiter.reply.send(Response::Failed {
                message: format!("no workspace {name:?} here; `grove ls` lists them"),
                kind: crate::protocol::FailureKind::Usage,
            });
            return;
        }
        self.waiters.push(waiter);
    }

    fn wait_answer(&self, waiter: &Waiter) -> Option<Response> {
        self.table
            .of_repo(&waiter.repo)
            .filter(|w| waiter.name.as_ref().is_none_or(|n| *n == w.record.name))
            .find(|w| {
                let state = w
                    .agent_state()
                    .map(|s| s.state)
                    .or_else(|| w.live.as_ref().map(|l| l.tracker.status().state));
                matches(waiter.until, &w.status(), state)
            })
            .map(|w| {
                let (state, reason) = match (w.status(), w.agent_state()) {
                    (AgentStatus::Exited { how }, _) => ("exited".to_owned(), how),
                    (AgentStatus::Stopped, _) => (
                        "exited".to_owned(),
                        "stopped by grove (no process)".to_owned(),
                    ),
                    (_, Some(status)) => (status.state.key().to_owned(), status.reason),
                    (_, None) => ("stopped".to_owned(), String::new()),
                };
                Response::Waited {
                    name: w.record.name.clone(),
                    state,
                    reason,
                }
            })
    }

    /// Answers the waiters whose condition now holds, and forgets those
    /// whose client went away.
    pub(super) fn check_waiters(&mut self) {
        let waiters = std::mem::take(&mut self.waiters);
        for waiter in waiters {
            if waiter.reply.is_closed() {
                continue;
            }
            let gone = waiter
                .name
                .as_ref()
                .is_some_and(|name| self.table.find(&waiter.repo, name).is_none());
            if gone {
                let name = waiter.name.clone().unwrap_or_default();
                let _ = waiter.reply.send(Response::Failed {
                    message: format!("workspace {name} was removed"),
                    kind: crate::protocol::FailureKind::Failure,
                });
                continue;
            }
            match self.wait_answer(&waiter) {
                Some(response) => {
                    let _ = waiter.reply.send(response);
                }
                None => self.waiters.push(waiter),
            }
        }
    }

    pub(super) fn subscribe(&mut self, repo: Option<PathBuf>, sender: mpsc::Sender<EventRecord>) {
        self.subscribers.push(Subscriber {
            repo,
            sender,
            dropped: 0,
        });
    }

    /// Sends an event to every subscriber of its repository.
    pub(super) fn emit(&mut self, repo: &Path, kind: EventKind) {
        if self.subscribers.is_empty() {
            return;
        }
        let event = EventRecord {
            time: now_ms(),
            repo: repo.to_owned(),
            kind,
        };
        self.subscribers.retain_mut(|subscriber| {
            if subscriber.repo.as_deref().is_some_and(|r| r != repo) {
                return !subscriber.sender.is_closed();
            }
            if subscriber.dropped > 0 {
                let lagged = EventRecord {
                    time: event.time,
                    repo: repo.to_owned(),
                    kind: EventKind::Lagged {
                        dropped: subscriber.dropped,
                    },
                };
                match subscriber.sender.try_send(lagged) {
                    Ok(()) => subscriber.dropped = 0,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        subscriber.dropped += 1;
                        return true;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => return false,
                }
            }
            match subscriber.sender.try_send(event.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    subscriber.dropped += 1;
                    true
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
    }
}

/// The word `grove events` and `grove wait` use for a state.
pub fn state_word(state: State) -> &'static str {
    match state {
        State::Idle { seen: Seen::Unseen } => "idle",
        State::Starting
        | State::Working
        | State::WaitingForInput
        | State::Idle { seen: Seen::Seen }
        | State::Exited { .. } => state.key(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pane::{HistoryLimits, PaneSize};

    #[test]
    fn capture_gives_text_escapes_and_history() {
        let mut emulator = Emulator::new(
            PaneSize { rows: 3, cols: 20 },
            HistoryLimits::new(100, 1 << 20),
        );
        emulator.process(b"one\r\ntwo\r\nthree\r\n\x1b[1;31mfour\x1b[m\r\nfive");
        assert_eq!(capture(&emulator, Escapes::Plain, 0), "three\nfour\nfive\n");
        assert_eq!(
            capture(&emulator, Escapes::Plain, 10),
            "one\ntwo\nthree\nfour\nfive\n"
        );
        assert_eq!(
            capture(&emulator, Escapes::Plain, 1),
            "two\nthree\nfour\nfive\n"
        );
        let sgr = capture(&emulator, Escapes::Sgr, 0);
        assert!(
            sgr.contains("\x1b[1;31mfour") || sgr.contains("\x1b[31;1mfour"),
            "{sgr:?}"
        );
        // Scrolled into the history, the line keeps its colours, and every
        // line ends in a reset.
        emulator.process(b"\r\nsix\r\nseven");
        let sgr = capture(&emulator, Escapes::Sgr, 10);
        let four = sgr.lines().nth(3).unwrap();
        assert!(
            four == "\x1b[1;31mfour\x1b[m" || four == "\x1b[31;1mfour\x1b[m",
            "{sgr:?}"
        );
        assert!(sgr.lines().all(|line| line.ends_with("\x1b[m")), "{sgr:?}");
        assert_eq!(
            capture(&emulator, Escapes::Plain, 10),
            "one\ntwo\nthree\nfour\nfive\nsix\nseven\n"
        );
    }
}
