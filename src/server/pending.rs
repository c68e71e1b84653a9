//! A prompt on its way into an agent, and the queue of them each agent has:
//! when one may be pasted ([`paste_at`]), when its Enter goes, when the one
//! who sent it is answered. Pure over the agent's state and the time, so the
//! rules are tested without a pane; `prompts.rs` does the typing.
//!
//! "Ready" is more than the status saying idle. An agent draws its idle
//! screen a moment before it reads its input: Gemini CLI sets its "Ready"
//! title about 100 ms before it turns on bracketed paste, and takes text
//! typed in between without its Enter, or drops it. So a prompt for an idle
//! agent waits until the screen has been still for [`PROMPT_SETTLE`] and the
//! program has asked for bracketed paste (or [`PROMPT_PASTE_GRACE`] has
//! passed without it asking).

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::agent::State;
use crate::pane::keys::PasteMode;
use crate::protocol::{FailureKind, Response};

pub use crate::protocol::SendEnter;

use super::client::ClientId;

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
/// The longest a prompt waits for a starting agent to be ready: one that
/// stays blank, or whose profile cannot tell its idle screen, still gets
/// it. (A screen no rule knows is a question before this: the tracker's
/// `START_PATIENCE`, and a question holds the prompt until it is answered.)
const PROMPT_MAX_WAIT: Duration = Duration::from_secs(30);

/// A prompt on its way into an agent: pasted once the agent is ready for
/// it (or at its deadline), then Enter a moment later.
#[derive(Debug)]
pub struct PendingPrompt {
    pub text: String,
    pub enter: SendEnter,
    pub stage: PromptStage,
    pub asking: WhileAsking,
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
    pub(super) fn typed(&mut self) -> Option<ClientId> {
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

/// What a prompt does while its agent asks something (a trust dialog, a
/// tool's permission).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhileAsking {
    /// A task (`grove new --prompt`, a ticket, a job item, a prompt queued
    /// behind another) waits for the user to answer, past its deadline:
    /// typed into the question, its Enter would answer it (trust the
    /// folder, allow the command) and the task would be lost.
    Hold,
    /// `grove send` to an agent that is asking: the user answers.
    Type,
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
    /// A prompt for an agent that is starting: typed when it is ready,
    /// never into a question it asks first (claude's trust dialog).
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
        let mut prompt = Self::within(text, enter, now, deadline);
        prompt.asking = match state {
            State::WaitingForInput => WhileAsking::Type,
            State::Starting | State::Working | State::Idle { .. } | State::Exited { .. } => {
                WhileAsking::Hold
            }
        };
        prompt
    }

    /// A prompt looked at `now` (the session's next turn), typed by
    /// `deadline`.
    fn within(text: String, enter: SendEnter, now: Instant, deadline: Instant) -> Self {
        Self {
            text,
            enter,
            waiter: None,
            asking: WhileAsking::Hold,
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

/// Whether other prompts wait behind the one being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behind {
    Nothing,
    Queued,
}

/// Enter was pressed on `prompt`. A command whose agent was idle (or
/// starting) waits on until the agent takes the prompt up, and so does a
/// prompt with others queued behind it: the agent still shows the idle
/// screen it was typed into, which would let the next one in at once, to
/// land on whatever the agent does with the first (its question, say).
/// Otherwise the prompt is finished (true).
pub(super) fn entered(
    prompt: &mut PendingPrompt,
    state: State,
    now: Instant,
    behind: Behind,
) -> bool {
    let command = matches!(prompt.waiter, Some(PromptWaiter::Command { .. }));
    let waits = command || behind == Behind::Queued;
    if waits && !took_up(state) {
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
    prompts: VecDeque<PendingPrompt>,
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
    /// returned). The next one waited behind it, whatever the agent was
    /// doing when it was sent: it goes once the agent is ready again, as
    /// `new --prompt` does, looked at on the session's next turn.
    pub(super) fn finish_first(&mut self, now: Instant) -> Option<ClientId> {
        let client = self.prompts.pop_front()?.typed();
        if let Some(next) = self.prompts.front_mut() {
            next.asking = WhileAsking::Hold;
            next.stage = PromptStage::Paste {
                deadline: now + PROMPT_MAX_WAIT,
                check: now,
                idle_since: None,
            };
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

    /// Whether prompts wait behind the first.
    pub fn behind_first(&self) -> Behind {
        match self.prompts.len() > 1 {
            true => Behind::Queued,
            false => Behind::Nothing,
        }
    }
}

/// Whether an agent in `state` has taken a prompt up: it works, asks, or
/// ended.
pub(super) fn took_up(state: State) -> bool {
    match state {
        State::Starting | State::Idle { .. } => false,
        State::Working | State::WaitingForInput | State::Exited { .. } => true,
    }
}

/// A waiting prompt's deadline while its agent is in `state`: a held
/// prompt's deadline moves while the agent asks, so that once the user has
/// answered it still waits for the agent to be ready, with the usual
/// fallback for a screen no rule knows.
pub fn deadline_in(deadline: Instant, state: State, asking: WhileAsking, now: Instant) -> Instant {
    match (state, asking) {
        (State::WaitingForInput, WhileAsking::Hold) => deadline.max(now + PROMPT_MAX_WAIT),
        (State::WaitingForInput, WhileAsking::Type)
        | (
            State::Starting | State::Working | State::Idle { .. } | State::Exited { .. },
            WhileAsking::Hold | WhileAsking::Type,
        ) => deadline,
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

#[cfg(test)]
#[path = "pending_tests.rs"]
mod tests;
