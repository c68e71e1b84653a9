//! Typing prompts into agents: `grove new --prompt` once the agent is ready,
//! and `grove send` / `prefix t` into a running one.
//!
//! A prompt is a bracketed paste when the program asked for bracketed paste,
//! then Enter a moment later: Codex treats an Enter that arrives with the
//! paste as part of it, and every agent treats a newline inside a paste as
//! text, so a multi-line prompt stays one prompt. A program that did not ask
//! gets the text typed, Enter with it.
//!
//! "Ready" is more than the status saying idle. An agent draws its idle
//! screen a moment before it reads its input: Gemini CLI sets its "Ready"
//! title about 100 ms before it turns on bracketed paste, and takes text
//! typed in between without its Enter, or drops it. So a prompt for an idle
//! agent waits until the screen has been still for [`PROMPT_SETTLE`] and the
//! program has asked for bracketed paste (or [`PROMPT_PASTE_GRACE`] has
//! passed without it asking).

use std::path::Path;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::agent::State;
use crate::pane::keys::{PasteMode, encode_paste};
use crate::protocol::{AgentStatus, FailureKind, Response};

pub use crate::protocol::SendEnter;

use super::client::ClientId;
use super::session::Session;

/// The quiet between a pasted prompt's echo and its Enter: Codex treats an
/// Enter that arrives with the paste as part of it, and Gemini turns an Enter
/// within 40 ms of a paste into a new line.
pub const PROMPT_ENTER_DELAY: Duration = Duration::from_millis(150);
/// The longest Enter waits for an agent that keeps printing.
pub const PROMPT_ENTER_LATEST: Duration = Duration::from_millis(1500);
/// How long an idle agent's screen must be still before a prompt is typed.
pub const PROMPT_SETTLE: Duration = Duration::from_millis(300);
/// How long an idle, quiet agent that has not asked for bracketed paste is
/// waited for before its prompt is typed as keys (a shell, a REPL).
pub const PROMPT_PASTE_GRACE: Duration = Duration::from_secs(2);
/// How long `grove send` waits, after Enter, for an idle agent to take the
/// prompt up (to leave idle), so that a `grove wait --until idle` after it
/// waits for the turn, not for the screen from before it.
pub const PROMPT_TAKEN: Duration = Duration::from_secs(3);
/// The longest a prompt waits for its agent to be ready: an agent whose
/// screen no rule recognises still gets it.
const PROMPT_MAX_WAIT: Duration = Duration::from_secs(30);

/// A prompt on its way into an agent: pasted once the agent is ready for
/// it (or at its deadline), then Enter a moment later.
#[derive(Debug)]
pub struct PendingPrompt {
    pub text: String,
    pub enter: SendEnter,
    pub stage: PromptStage,
    /// Who waits for it to be typed, told when it is.
    pub waiter: Option<PromptWaiter>,
}

/// Who waits for a prompt to be typed.
#[derive(Debug)]
pub enum PromptWaiter {
    /// `grove send`: answered once it is typed, or told why it never will
    /// be.
    Command {
        /// The workspace, for the answer.
        name: String,
        reply: oneshot::Sender<Response>,
    },
    /// A dashboard's `prefix t`: its "typing the prompt…" line goes once
    /// it is typed.
    Dashboard { client: ClientId },
}

impl PendingPrompt {
    /// The prompt is in: a command is answered; a dashboard to tell is
    /// returned.
    fn typed(&mut self) -> Option<ClientId> {
        match self.waiter.take()? {
            PromptWaiter::Command { name, reply } => {
                let _ = reply.send(Response::Sent { name });
                None
            }
            PromptWaiter::Dashboard { client } => Some(client),
        }
    }
}

impl Drop for PendingPrompt {
    /// A prompt dropped before it was typed (its agent stopped or was
    /// restarted): a command waiting for it hears why instead of waiting
    /// for ever. One dropped after its Enter was typed (the agent quit on
    /// it) was typed. (A dashboard sees the agent stop.)
    fn drop(&mut self) {
        match (self.waiter.take(), self.stage) {
            (Some(PromptWaiter::Command { name, reply }), PromptStage::Taken { .. }) => {
                let _ = reply.send(Response::Sent { name });
            }
            (
                Some(PromptWaiter::Command { name, reply }),
                PromptStage::Paste { .. } | PromptStage::Enter { .. },
            ) => {
                let _ = reply.send(Response::Failed {
                    message: format!("{name}'s agent stopped before the prompt was typed"),
                    kind: FailureKind::Failure,
                });
            }
            (Some(PromptWaiter::Dashboard { .. }) | None, _) => {}
        }
    }
}

/// What the prompt waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptStage {
    /// The agent to be ready ([`paste_at`]), but no later than `deadline`;
    /// `check` is when to look again, `idle_since` when it was first seen
    /// idle.
    Paste {
        deadline: Instant,
        check: Instant,
        idle_since: Option<Instant>,
    },
    /// Enter once the pasted text has stopped echoing (`due`, pushed back
    /// by output), but no later than `latest`.
    Enter { due: Instant, latest: Instant },
    /// Entered; a command waits for the agent to leave idle, but no later
    /// than `deadline`.
    Taken { deadline: Instant },
}

/// What a prompt needs to know of its agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentNow {
    pub state: State,
    /// When the pane last printed.
    pub last_output: Option<Instant>,
    /// Since when the prompt has seen it idle.
    pub idle_since: Option<Instant>,
    pub paste: PasteMode,
}

impl PendingPrompt {
    /// A prompt for an agent that is starting: typed when it is ready.
    pub fn when_ready(text: String, now: Instant) -> Self {
        Self::within(text, SendEnter::Press, now, now + PROMPT_MAX_WAIT)
    }

    /// A prompt for a running agent (`grove send`): one that is starting
    /// or has just gone idle gets it once it is ready, one that is busy or
    /// asking gets it at once (it queues it, or it answers the question).
    pub fn now(text: String, enter: SendEnter, state: State, now: Instant) -> Self {
        let deadline = match state {
            State::Starting => now + PROMPT_MAX_WAIT,
            State::Idle { .. } => now + PROMPT_PASTE_GRACE,
            State::Working | State::WaitingForInput | State::Exited { .. } => now,
        };
        Self::within(text, enter, now, deadline)
    }

    /// A prompt looked at `now` (the session's next turn), typed by
    /// `deadline`.
    fn within(text: String, enter: SendEnter, now: Instant, deadline: Instant) -> Self {
        Self {
            text,
            enter,
            waiter: None,
            stage: PromptStage::Paste {
                deadline,
                check: now,
                idle_since: None,
            },
        }
    }

    /// The agent printed (the paste's echo, a redraw): Enter waits for it
    /// to be quiet again, up to its latest time.
    pub fn output_seen(&mut self, now: Instant) {
        if let PromptStage::Enter { due, latest } = &mut self.stage {
            *due = (now + PROMPT_ENTER_DELAY).min(*latest);
        }
    }

    pub fn due(&self) -> Instant {
        match self.stage {
            PromptStage::Paste { check, .. } => check,
            PromptStage::Enter { due, .. } => due,
            PromptStage::Taken { deadline } => deadline,
        }
    }
}

/// Enter was pressed on `prompt`. A command whose agent was idle (or
/// starting) waits on until the agent takes the prompt up; otherwise the
/// prompt is finished (true).
fn entered(prompt: &mut PendingPrompt, state: State, now: Instant) -> bool {
    let command = matches!(prompt.waiter, Some(PromptWaiter::Command { .. }));
    if command && !took_up(state) {
        prompt.stage = PromptStage::Taken {
            deadline: now + PROMPT_TAKEN,
        };
        return false;
    }
    true
}

/// The most prompts that may wait for one agent.
pub const MAX_QUEUED_PROMPTS: usize = 8;

/// The prompts on their way into one agent, typed one at a time in the
/// order they were sent: only the first is being typed.
#[derive(Debug, Default)]
pub struct PromptQueue {
    prompts: std::collections::VecDeque<PendingPrompt>,
}

impl PromptQueue {
    pub fn new(first: Option<PendingPrompt>) -> Self {
        Self {
            prompts: first.into_iter().collect(),
        }
    }

    /// Queues `prompt`; `None` when the queue is full.
    pub fn push(&mut self, prompt: PendingPrompt) -> Option<&mut PendingPrompt> {
        if self.prompts.len() >= MAX_QUEUED_PROMPTS {
            return None;
        }
        self.prompts.push_back(prompt);
        self.prompts.back_mut()
    }

    pub fn first_mut(&mut self) -> Option<&mut PendingPrompt> {
        self.prompts.front_mut()
    }

    /// When the first prompt wants to be looked at again.
    pub fn due(&self) -> Option<Instant> {
        self.prompts.front().map(PendingPrompt::due)
    }

    /// The first prompt is in: its waiter is told (a dashboard to tell is
    /// returned) and the next one is looked at on the session's next turn.
    fn finish_first(&mut self, now: Instant) -> Option<ClientId> {
        let client = self.prompts.pop_front()?.typed();
        if let Some(PromptStage::Paste { check, .. }) =
            self.prompts.front_mut().map(|next| &mut next.stage)
        {
            *check = now;
        }
        client
    }

    /// The agent stopped: every waiting prompt is dropped, and its waiter
    /// told.
    pub fn clear(&mut self) {
        self.prompts.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.prompts.is_empty()
    }
}

/// Whether an agent in `state` has taken a prompt up: it works, asks, or
/// ended.
fn took_up(state: State) -> bool {
    match state {
        State::Starting | State::Idle { .. } => false,
        State::Working | State::WaitingForInput | State::Exited { .. } => true,
    }
}

/// When a prompt waiting for `agent` may be pasted: once the agent is idle,
/// its screen has been still for [`PROMPT_SETTLE`] and it has asked for
/// bracketed paste (or been still for [`PROMPT_PASTE_GRACE`]); an agent
/// that keeps drawing while idle (a clock, an animation) gets it
/// [`PROMPT_PASTE_GRACE`] after it went idle; and in any case at `deadline`.
pub fn paste_at(deadline: Instant, agent: AgentNow, now: Instant) -> Instant {
    let still_for = match agent.paste {
        PasteMode::Bracketed => PROMPT_SETTLE,
        PasteMode::Plain => PROMPT_PASTE_GRACE,
    };
    let ready = match agent.state {
        // Nothing printed yet: nothing is still drawing.
        State::Idle { .. } => {
            let still = agent.last_output.map_or(now, |at| at + still_for);
            let idle_since = agent.idle_since.unwrap_or(now);
            still.min(idle_since + PROMPT_PASTE_GRACE)
        }
        State::Starting | State::Working | State::WaitingForInput | State::Exited { .. } => {
            deadline
        }
    };
    ready.min(deadline)
}

/// Why a prompt could not be queued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("no workspace {name:?} here; `grove ls` lists them")]
    NoWorkspace { name: String },
    #[error("{name} has no running agent; start it from the dashboard (Enter on its pane)")]
    NotRunning { name: String },
    #[error(
        "{name} already has {MAX_QUEUED_PROMPTS} prompts waiting to be typed; wait for them (`grove wait {name} --until idle`)"
    )]
    Full { name: String },
    #[error("the prompt is empty")]
    Empty,
    #[error("{key:?} is not a key; write e.g. Enter, Esc, y, C-c, S-Tab, Up")]
    BadKey { key: String },
}

impl SendError {
    /// Whether the user asked for something impossible or the agent cannot
    /// take it now (the exit code `grove send` gives).
    pub fn kind(&self) -> FailureKind {
        match self {
            SendError::Empty | SendError::BadKey { .. } => FailureKind::Usage,
            SendError::NoWorkspace { .. }
            | SendError::NotRunning { .. }
            | SendError::Full { .. } => FailureKind::Failure,
        }
    }
}

impl Session {
    /// Queues `text` to be typed into `name`'s agent; the prompt is
    /// returned for a waiter to be set on it.
    pub(super) fn send(
        &mut self,
        repo: Option<&Path>,
        name: &str,
        text: String,
        enter: SendEnter,
    ) -> Result<&mut PendingPrompt, SendError> {
        if text.is_empty() {
            return Err(SendError::Empty);
        }
        let workspace = self
            .table
            .all_mut()
            .find(|w| w.record.name == name && repo.is_none_or(|r| w.record.repo == r))
            .ok_or_else(|| SendError::NoWorkspace {
                name: name.to_owned(),
            })?;
        let live = match workspace.live.as_mut() {
            Some(live) if live.status == AgentStatus::Running => live,
            Some(_) | None => {
                return Err(SendError::NotRunning {
                    name: name.to_owned(),
                });
            }
        };
        let state = live.tracker.status().state;
        live.prompts
            .push(PendingPrompt::now(text, enter, state, Instant::now()))
            .ok_or_else(|| SendError::Full {
                name: name.to_owned(),
            })
    }

    /// `grove send --key`: presses keys, encoded as the program asked
    /// (application cursor keys, kitty keyboard flags…).
    pub(super) fn send_keys(
        &mut self,
        repo: &Path,
        name: &str,
        keys: &[String],
    ) -> Result<(), SendError> {
        let live = self
            .table
            .find(repo, name)
            .ok_or_else(|| SendError::NoWorkspace {
                name: name.to_owned(),
            })?
            .live
            .as_ref()
            .filter(|l| l.status == AgentStatus::Running)
            .ok_or_else(|| SendError::NotRunning {
                name: name.to_owned(),
            })?;
        let modes = live.pane.input_modes();
        let mut bytes = Vec::new();
        for key in keys {
            let event = crate::ui::keymap::key_event(key)
                .map_err(|_| SendError::BadKey { key: key.clone() })?;
            bytes.extend(crate::pane::keys::encode_key(&event, &modes));
        }
        live.pane.write(&bytes).map_err(|_| SendError::NotRunning {
            name: name.to_owned(),
        })
    }

    /// Types due prompts: the paste once the agent is ready, Enter a moment
    /// later.
    pub(super) fn type_prompts(&mut self, now: Instant) {
        let mut typed = Vec::new();
        for workspace in self.table.all_mut() {
            let Some(live) = workspace.live.as_mut() else {
                continue;
            };
            let state = live.tracker.status().state;
            let last_output = live.tracker.last_output().map(Instant::from_std);
            let Some(prompt) = live.prompts.first_mut() else {
                continue;
            };
            let finished = match prompt.stage {
                PromptStage::Paste {
                    deadline,
                    idle_since,
                    ..
                } => {
                    let modes = live.pane.input_modes();
                    let idle_since = match state {
                        State::Idle { .. } => Some(idle_since.unwrap_or(now)),
                        State::Starting
                        | State::Working
                        | State::WaitingForInput
                        | State::Exited { .. } => None,
                    };
                    let agent = AgentNow {
                        state,
                        last_output,
                        idle_since,
                        paste: modes.paste,
                    };
                    let at = paste_at(deadline, agent, now);
                    if at > now {
                        prompt.stage = PromptStage::Paste {
                            deadline,
                            check: at,
                            idle_since,
                        };
                        continue;
                    }
                    let mut bytes = encode_paste(&prompt.text, &modes);
                    let finished = match (prompt.enter, modes.paste) {
                        // A program that did not ask for bracketed paste
                        // reads the text as typed keys, its line ends
                        // included, so Enter is one more key, as with
                        // `tmux send-keys TEXT Enter`. Only a paste needs
                        // the agent to take it in before Enter.
                        (SendEnter::Press, PasteMode::Plain) => {
                            bytes.push(b'\r');
                            entered(prompt, state, now)
                        }
                        (SendEnter::Press, PasteMode::Bracketed) => {
                            prompt.stage = PromptStage::Enter {
                                due: now + PROMPT_ENTER_DELAY,
                                latest: now + PROMPT_ENTER_LATEST,
                            };
                            false
                        }
                        (SendEnter::Skip, PasteMode::Plain | PasteMode::Bracketed) => true,
                    };
                    if let Err(error) = live.pane.write(&bytes) {
                        tracing::warn!(workspace = workspace.record.name, %error, "typing a prompt");
                    }
                    finished
                }
                PromptStage::Enter { due, .. } if due <= now => {
                    if let Err(error) = live.pane.write(b"\r") {
                        tracing::warn!(workspace = workspace.record.name, %error, "sending Enter after a prompt");
                    }
                    entered(prompt, state, now)
                }
                PromptStage::Taken { deadline } => took_up(state) || deadline <= now,
                PromptStage::Enter { .. } => false,
            };
            if finished {
                typed.extend(live.prompts.finish_first(now));
            }
        }
        for id in typed {
            if let Some(client) = self.clients.get_mut(&id) {
                client.message = None;
            }
            self.mark_dirty(|c| c.id == id);
        }
    }
}

#[cfg(test)]
#[path = "prompts_tests.rs"]
mod tests;
