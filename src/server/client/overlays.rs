//! Keys while an overlay is open: the new-workspace form, the prompt
//! editor, and the yes/no questions. An open overlay takes every key; none
//! reaches the pane or the keymap until it closes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Client, ClientOverlay, Effect, PaneFacts, Running};
use crate::pane::keys::encode_paste;
use crate::ui::FormOutcome;

impl Client {
    /// What a key does to the open overlay; `None` when none is open.
    pub(super) fn overlay_key(
        &mut self,
        key: &KeyEvent,
        panes: &[PaneFacts],
    ) -> Option<Vec<Effect>> {
        let effects = match &mut self.overlay {
            ClientOverlay::Help => {
                self.overlay = ClientOverlay::None;
                Vec::new()
            }
            ClientOverlay::NewWorkspace(form) => match form.handle_key(key) {
                FormOutcome::Editing => Vec::new(),
                FormOutcome::Cancel => {
                    self.overlay = ClientOverlay::None;
                    Vec::new()
                }
                FormOutcome::Submit => self.submit_form(),
            },
            ClientOverlay::ConfirmKill { name } => {
                let name = name.clone();
                self.overlay = ClientOverlay::None;
                match yes(key) {
                    true => vec![Effect::Kill { name }],
                    false => Vec::new(),
                }
            }
            ClientOverlay::ConfirmRemove { name, force, .. } => {
                let (name, force) = (name.clone(), *force);
                self.overlay = ClientOverlay::None;
                match yes(key) {
                    true => {
                        self.message = Some(format!("removing {name}…"));
                        vec![Effect::Remove { name, force }]
                    }
                    false => Vec::new(),
                }
            }
            ClientOverlay::MergePreview {
                name,
                tip,
                uncommitted,
                ..
            } => {
                let (name, tip, uncommitted) = (name.clone(), tip.clone(), *uncommitted);
                self.overlay = ClientOverlay::None;
                match yes(key) {
                    true => {
                        self.message = Some(format!("merging {name}…"));
                        vec![Effect::Merge {
                            name,
                            tip,
                            uncommitted,
                        }]
                    }
                    false => Vec::new(),
                }
            }
            ClientOverlay::MergeConflict { name, prompt, .. } => {
                let (name, prompt) = (name.clone(), prompt.clone());
                self.overlay = ClientOverlay::None;
                let Some(pane) = panes
                    .iter()
                    .find(|p| p.name == name && p.running == Running::Yes)
                else {
                    return Some(Vec::new());
                };
                match yes(key) {
                    // Pasted, then Enter: the prompt arrives whole, as if typed.
                    true => vec![
                        Effect::Write {
                            name: name.clone(),
                            bytes: encode_paste(&prompt, &pane.modes),
                        },
                        Effect::Write {
                            name,
                            bytes: b"\r".to_vec(),
                        },
                    ],
                    false => Vec::new(),
                }
            }
            ClientOverlay::CheckOutput { .. } | ClientOverlay::MergeRefused { .. } => {
                self.overlay = ClientOverlay::None;
                Vec::new()
            }
            ClientOverlay::Diff { lines, top, .. } => {
                let rows = crate::ui::diff::page(super::area(self.size));
                let last = lines.len().saturating_sub(rows);
                let code = key.code;
                if matches!(code, KeyCode::Down | KeyCode::Char('j')) {
                    *top = (*top + 1).min(last);
                } else if matches!(code, KeyCode::Up | KeyCode::Char('k')) {
                    *top = top.saturating_sub(1);
                } else if matches!(code, KeyCode::PageDown | KeyCode::Char(' ')) {
                    *top = (*top + rows).min(last);
                } else if code == KeyCode::PageUp {
                    *top = top.saturating_sub(rows);
                } else if matches!(code, KeyCode::Char('g') | KeyCode::Home) {
                    *top = 0;
                } else if matches!(code, KeyCode::Char('G') | KeyCode::End) {
                    *top = last;
                } else if let KeyCode::Char(c @ ('n' | 'N')) = code {
                    if let Some(next) = crate::ui::diff::next_file(lines, *top, c == 'n') {
                        *top = next.min(last);
                    }
                } else {
                    self.overlay = ClientOverlay::None;
                }
                Vec::new()
            }
            ClientOverlay::Board { tickets, selected } => {
                let open: Vec<u32> = tickets
                    .iter()
                    .filter(|t| t.state == crate::tickets::TicketState::Open)
                    .map(|t| t.id)
                    .collect();
                let code = key.code;
                if matches!(code, KeyCode::Down | KeyCode::Char('j')) {
                    *selected = (*selected + 1).min(open.len().saturating_sub(1));
                    Vec::new()
                } else if matches!(code, KeyCode::Up | KeyCode::Char('k')) {
                    *selected = selected.saturating_sub(1);
                    Vec::new()
                } else if code == KeyCode::Enter {
                    match open.get(*selected) {
                        Some(&id) => {
                            self.overlay = ClientOverlay::None;
                            self.message = Some(format!("starting ticket {id}…"));
                            vec![Effect::StartTicket { id }]
                        }
                        None => Vec::new(),
                    }
                } else {
                    // Any other key closes the board, as with the other boxes.
                    self.overlay = ClientOverlay::None;
                    Vec::new()
                }
            }
            ClientOverlay::SendPrompt(input) => match input.handle_key(key) {
                FormOutcome::Editing => Vec::new(),
                FormOutcome::Cancel => {
                    self.overlay = ClientOverlay::None;
                    Vec::new()
                }
                FormOutcome::Submit => {
                    let (name, text) = (input.target.clone(), std::mem::take(&mut input.text));
                    self.overlay = ClientOverlay::None;
                    self.message = Some(format!("typing the prompt into {name}…"));
                    vec![Effect::Send { name, text }]
                }
            },
            ClientOverlay::Choose { .. } => self.choose_key(key, panes),
            ClientOverlay::None => return None,
        };
        Some(effects)
    }

    /// A key in the workspace chooser: typing filters, arrows (or C-n,
    /// C-p) move, Enter focuses the selected workspace, Esc closes.
    fn choose_key(&mut self, key: &KeyEvent, panes: &[PaneFacts]) -> Vec<Effect> {
        let ClientOverlay::Choose { filter, selected } = &mut self.overlay else {
            return Vec::new();
        };
        let picked = crate::ui::choose::matching(panes.iter().map(|p| p.name.as_str()), filter);
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let plain = !ctrl && !key.modifiers.contains(KeyModifiers::ALT);
        let last = picked.len().saturating_sub(1);
        let code = key.code;
        if code == KeyCode::Esc {
            self.overlay = ClientOverlay::None;
        } else if code == KeyCode::Enter {
            if let Some(pane) = picked.get(*selected).and_then(|&i| panes.get(i)) {
                let name = pane.name.clone();
                self.overlay = ClientOverlay::None;
                return self.set_focus(name);
            }
        } else if code == KeyCode::Up || (ctrl && code == KeyCode::Char('p')) {
            *selected = selected.saturating_sub(1);
        } else if matches!(code, KeyCode::Down | KeyCode::Tab)
            || (ctrl && code == KeyCode::Char('n'))
        {
            *selected = (*selected + 1).min(last);
        } else if code == KeyCode::Backspace {
            filter.pop();
            *selected = 0;
        } else if let (KeyCode::Char(c), true) = (code, plain) {
            filter.push(c);
            *selected = 0;
        }
        Vec::new()
    }
}

/// Whether a key answers a y/n question with yes.
fn yes(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char('y' | 'Y'))
}
