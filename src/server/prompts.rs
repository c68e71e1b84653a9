//! Typing prompts into agents: `grove new --prompt` once the agent is ready,
//! and `grove send` / `prefix t` into a running one. What waits, and when it
//! may go, is `pending.rs`; this is the typing.
//!
//! A prompt is a bracketed paste when the program asked for bracketed paste,
//! then Enter a moment later: Codex treats an Enter that arrives with the
//! paste as part of it, and every agent treats a newline inside a paste as
//! text, so a multi-line prompt stays one prompt. A program that did not ask
//! gets the text typed, Enter with it.

use std::path::Path;

use tokio::time::Instant;

use super::pending::{
    AgentNow, MAX_QUEUED_PROMPTS, PROMPT_ENTER_DELAY, PROMPT_ENTER_LATEST, PendingPrompt,
    PromptStage, SendEnter, deadline_in, entered, paste_at, took_up,
};
use super::session::Session;
use crate::agent::State;
use crate::pane::keys::{PasteMode, encode_paste};
use crate::protocol::{AgentStatus, FailureKind};

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
            let behind = live.prompts.behind_first();
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
                    let deadline = deadline_in(deadline, state, prompt.asking, now);
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
                            entered(prompt, state, now, behind)
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
                    entered(prompt, state, now, behind)
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
