//! A client's input: each terminal event becomes view-state changes and
//! [`Effect`]s for the session. Keys pass through the keymap's prefix state
//! machine; the mouse is hit-tested against the same layout the view draws.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};

use super::focus::Direction;
use super::{Client, ClientOverlay, Dirty, Dragging, Effect, PaneFacts, Running, SidebarSlot};
use crate::pane::keys::{encode_key, encode_paste};
use crate::pane::{FocusReporting, mouse};
use crate::protocol::TermSize;
use crate::ui::keymap::{Action, KeyOutcome};
use crate::ui::layout::{self, DashboardLayout};
use crate::ui::{LayoutMode, NewWorkspaceForm, PromptInput};

/// Where what a key did shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    /// Only in the pane it was typed into, once the program answers.
    InPaneOnly,
    /// Anywhere on the dashboard: it needs a frame of its own.
    OnDashboard,
}

impl Client {
    /// Applies one terminal event and returns what the session must do.
    pub fn handle(
        &mut self,
        event: &Event,
        panes: &[PaneFacts],
        sidebar: &[SidebarSlot],
    ) -> Vec<Effect> {
        let before = self.dirty;
        self.dirty = Dirty::Changed;
        match event {
            Event::Key(key) => {
                // A message stays until the user acts (tmux shows one for a
                // moment; a timer here would wake an idle server).
                let cleared = key.kind != KeyEventKind::Release && self.message.take().is_some();
                let (effects, seen) = self.key(key, panes);
                match (seen, cleared) {
                    // Only the pane's echo will show it, and that is drawn
                    // when it comes.
                    (Seen::InPaneOnly, false) => self.dirty = before,
                    (Seen::InPaneOnly, true) | (Seen::OnDashboard, _) => {}
                }
                effects
            }
            Event::Paste(text) => self.paste(text, panes),
            Event::Mouse(mouse) => self.mouse(mouse, panes, sidebar),
            Event::Resize(cols, rows) => {
                self.resize(TermSize {
                    cols: *cols,
                    rows: *rows,
                });
                vec![Effect::Relayout]
            }
            Event::FocusGained => self.focus_event(panes, b"\x1b[I"),
            Event::FocusLost => self.focus_event(panes, b"\x1b[O"),
        }
    }

    fn key(&mut self, key: &KeyEvent, panes: &[PaneFacts]) -> (Vec<Effect>, Seen) {
        if key.kind == KeyEventKind::Release {
            return (Vec::new(), Seen::OnDashboard);
        }
        if let Some(effects) = self.overlay_key(key, panes) {
            return (effects, Seen::OnDashboard);
        }
        if self.scroll.is_some() {
            return (self.scroll_key(key, panes), Seen::OnDashboard);
        }
        let input = self.input;
        let outcome = self.keymap.handle(&mut self.input, key);
        let effects = match outcome {
            KeyOutcome::Forward => {
                let effects = self.forward_key(key, panes);
                let typed = !effects.is_empty() && effects.iter().all(Effect::is_typing);
                if typed && self.input == input {
                    return (effects, Seen::InPaneOnly);
                }
                effects
            }
            KeyOutcome::Action(action) => self.action(action, panes),
            KeyOutcome::Unbound => {
                self.message = Some(format!(
                    "that key is not bound after {}; {} ? lists the keys",
                    self.keymap.prefix_label(),
                    self.keymap.prefix_label()
                ));
                Vec::new()
            }
            KeyOutcome::PrefixPressed | KeyOutcome::Cancelled | KeyOutcome::Ignore => Vec::new(),
        };
        (effects, Seen::OnDashboard)
    }

    fn forward_key(&mut self, key: &KeyEvent, panes: &[PaneFacts]) -> Vec<Effect> {
        let Some(pane) = self.focused(panes) else {
            return Vec::new();
        };
        match pane.running {
            Running::Yes => {
                let bytes = encode_key(key, &pane.modes);
                if bytes.is_empty() {
                    return Vec::new();
                }
                vec![Effect::Write {
                    name: pane.name.clone(),
                    bytes,
                }]
            }
            Running::No if key.code == KeyCode::Enter => vec![Effect::Start {
                name: pane.name.clone(),
            }],
            Running::No => Vec::new(),
        }
    }

    pub(super) fn submit_form(&mut self) -> Vec<Effect> {
        let ClientOverlay::NewWorkspace(form) = &mut self.overlay else {
            return Vec::new();
        };
        if form.name.trim().is_empty() {
            form.error = Some("a workspace needs a name".to_owned());
            return Vec::new();
        }
        if self.repo.is_none() {
            form.error = Some("run grove inside a repository to create workspaces".to_owned());
            return Vec::new();
        }
        let form = form.clone();
        self.focus = Some(form.name.trim().to_owned());
        self.overlay = ClientOverlay::None;
        self.message = Some(format!("creating {}…", form.name.trim()));
        vec![Effect::Create { form }]
    }

    fn action(&mut self, action: Action, panes: &[PaneFacts]) -> Vec<Effect> {
        match action {
            Action::NewWorkspace => {
                self.overlay = ClientOverlay::NewWorkspace(NewWorkspaceForm::default());
                Vec::new()
            }
            Action::FocusLeft => self.move_focus(panes, Direction::Left),
            Action::FocusRight => self.move_focus(panes, Direction::Right),
            Action::FocusUp => self.move_focus(panes, Direction::Up),
            Action::FocusDown => self.move_focus(panes, Direction::Down),
            Action::FocusNumber { n } => {
                let index = usize::from(n).saturating_sub(1);
                match panes.get(index) {
                    Some(pane) => self.set_focus(pane.name.clone()),
                    None => Vec::new(),
                }
            }
            Action::NextLayout => {
                self.layout = self.layout.next();
                vec![Effect::Relayout]
            }
            Action::ToggleZoom => {
                self.layout = match self.layout {
                    LayoutMode::Zoom => self.unzoomed,
                    LayoutMode::Tiled | LayoutMode::MainStack => {
                        self.unzoomed = self.layout;
                        LayoutMode::Zoom
                    }
                };
                vec![Effect::Relayout]
            }
            Action::ChooseWorkspace => {
                self.overlay = ClientOverlay::Choose {
                    filter: String::new(),
                    selected: self.focus_index(panes).unwrap_or(0),
                };
                Vec::new()
            }
            Action::ToggleSidebar => {
                self.sidebar = self.sidebar.toggled();
                vec![Effect::Relayout]
            }
            Action::Detach => vec![Effect::Detach],
            Action::Help => {
                self.overlay = ClientOverlay::Help;
                Vec::new()
            }
            Action::KillAgent => match self.focused(panes) {
                Some(pane) if pane.running == Running::Yes => {
                    self.overlay = ClientOverlay::ConfirmKill {
                        name: pane.name.clone(),
                    };
                    Vec::new()
                }
                Some(_) | None => Vec::new(),
            },
            Action::ResumeAgent => match self.focused(panes) {
                Some(pane) if pane.running == Running::No => vec![Effect::Start {
                    name: pane.name.clone(),
                }],
                Some(_) | None => Vec::new(),
            },
            Action::Merge => match self.focused(panes) {
                Some(pane) => {
                    self.message = Some(format!("looking at what merging {} would do…", pane.name));
                    vec![Effect::MergePreview {
                        name: pane.name.clone(),
                    }]
                }
                None => Vec::new(),
            },
            Action::RemoveWorkspace => match self.focused(panes) {
                Some(pane) => {
                    self.overlay = ClientOverlay::ConfirmRemove {
                        question: format!(
                            "Remove workspace {}? Its files are snapshotted first; the branch is deleted only if merged.",
                            pane.name
                        ),
                        name: pane.name.clone(),
                        force: crate::server::client::RemoveForce::Safe,
                    };
                    Vec::new()
                }
                None => Vec::new(),
            },
            Action::PullRequest => match self.focused(panes) {
                Some(pane) => {
                    self.message = Some(format!("pushing {}…", pane.name));
                    vec![Effect::PullRequest {
                        name: pane.name.clone(),
                    }]
                }
                None => Vec::new(),
            },
            Action::CheckOutput => match self.focused(panes) {
                Some(pane) => {
                    self.overlay = ClientOverlay::CheckOutput {
                        name: pane.name.clone(),
                    };
                    Vec::new()
                }
                None => Vec::new(),
            },
            Action::NextAttention => self.next_attention(panes),
            Action::ScrollMode => self.enter_scroll(panes),
            Action::ShowDiff => match self.focused(panes) {
                Some(pane) => {
                    self.message = Some(format!("reading the diff of {}…", pane.name));
                    vec![Effect::OpenDiff {
                        name: pane.name.clone(),
                    }]
                }
                None => Vec::new(),
            },
            Action::TicketBoard => match self.repo {
                Some(_) => {
                    self.message = Some("reading the tickets…".to_owned());
                    vec![Effect::OpenBoard]
                }
                None => {
                    self.message =
                        Some("run grove inside a repository to see its tickets".to_owned());
                    Vec::new()
                }
            },
            Action::SendPrompt => match self.focused(panes) {
                Some(pane) if pane.running == Running::Yes => {
                    self.overlay = ClientOverlay::SendPrompt(PromptInput::new(&pane.name));
                    Vec::new()
                }
                Some(pane) => {
                    self.message = Some(format!(
                        "{} has no running agent; Enter starts it",
                        pane.name
                    ));
                    Vec::new()
                }
                None => Vec::new(),
            },
            Action::SendPrefix => match self.focused(panes) {
                Some(pane) if pane.running == Running::Yes => vec![Effect::Write {
                    name: pane.name.clone(),
                    bytes: encode_key(&self.keymap.prefix_event(), &pane.modes),
                }],
                Some(_) | None => Vec::new(),
            },
        }
    }

    /// A press on the border between the main pane and the stack starts a
    /// drag; moving resizes the split; releasing ends it.
    fn drag_split(&mut self, event: &MouseEvent, layout: &DashboardLayout) -> Option<Vec<Effect>> {
        match (event.kind, self.dragging) {
            (MouseEventKind::Down(MouseButton::Left), Dragging::No) => {
                let border = layout::split_border(layout, self.layout)?;
                let on_border = event.column + 1 == border || event.column == border;
                if !on_border || !layout.main.contains((event.column, event.row).into()) {
                    return None;
                }
                self.dragging = Dragging::Split;
                Some(Vec::new())
            }
            (MouseEventKind::Drag(MouseButton::Left), Dragging::Split) => {
                let percent = layout::percent_at(layout.main, event.column + 1);
                if percent == self.main_percent {
                    return Some(Vec::new());
                }
                self.main_percent = percent;
                Some(vec![Effect::Relayout])
            }
            (MouseEventKind::Up(_), Dragging::Split) => {
                self.dragging = Dragging::No;
                Some(Vec::new())
            }
            (_, Dragging::Split) => Some(Vec::new()),
            (_, Dragging::No) => None,
        }
    }

    fn paste(&mut self, text: &str, panes: &[PaneFacts]) -> Vec<Effect> {
        match &mut self.overlay {
            ClientOverlay::NewWorkspace(form) => {
                form.handle_paste(text);
                return Vec::new();
            }
            ClientOverlay::SendPrompt(input) => {
                input.handle_paste(text);
                return Vec::new();
            }
            ClientOverlay::None
            | ClientOverlay::Help
            | ClientOverlay::ConfirmKill { .. }
            | ClientOverlay::ConfirmRemove { .. }
            | ClientOverlay::MergePreview { .. }
            | ClientOverlay::MergeConflict { .. }
            | ClientOverlay::CheckOutput { .. }
            | ClientOverlay::MergeRefused { .. }
            | ClientOverlay::Board { .. }
            | ClientOverlay::Diff { .. } => {}
            ClientOverlay::Choose { filter, selected } => {
                filter.push_str(&text.replace(['\r', '\n'], ""));
                *selected = 0;
                return Vec::new();
            }
        }
        match self.focused(panes) {
            Some(pane) if pane.running == Running::Yes => vec![Effect::Write {
                name: pane.name.clone(),
                bytes: encode_paste(text, &pane.modes),
            }],
            Some(_) | None => Vec::new(),
        }
    }

    fn mouse(
        &mut self,
        event: &MouseEvent,
        panes: &[PaneFacts],
        sidebar: &[SidebarSlot],
    ) -> Vec<Effect> {
        let focus = self.focus_index(panes);
        let layout = self.layout_for(panes.len(), focus);
        if let MouseEventKind::Down(MouseButton::Left) = event.kind
            && layout.sidebar.contains(ratatui::layout::Position {
                x: event.column,
                y: event.row,
            })
        {
            return self.sidebar_click(event.row, &layout, panes, sidebar);
        }
        if let Some(effects) = self.drag_split(event, &layout) {
            return effects;
        }
        let Some(index) = layout::pane_at(&layout, event.column, event.row) else {
            return Vec::new();
        };
        if let Some(effects) = self.scroll_wheel(event, panes, index) {
            return effects;
        }
        let mut effects = Vec::new();
        if let MouseEventKind::Down(MouseButton::Left) = event.kind
            && focus != Some(index)
            && let Some(pane) = panes.get(index)
        {
            effects.extend(self.set_focus(pane.name.clone()));
            // The click that focuses a pane is not also a click in it.
            return effects;
        }
        let (Some(pane), Some(slot)) = (panes.get(index), layout.panes.get(index)) else {
            return effects;
        };
        if pane.running == Running::No || focus != Some(index) {
            return effects;
        }
        let origin = (slot.inner.x, slot.inner.y);
        if let Some(bytes) = mouse::encode_mouse(event, origin, pane.mouse.0, pane.mouse.1) {
            effects.push(Effect::Write {
                name: pane.name.clone(),
                bytes,
            });
        }
        effects
    }

    /// A click on a sidebar entry focuses its pane (when the dashboard shows
    /// that repository).
    fn sidebar_click(
        &mut self,
        row: u16,
        layout: &DashboardLayout,
        panes: &[PaneFacts],
        sidebar: &[SidebarSlot],
    ) -> Vec<Effect> {
        let focused = self
            .focus_index(panes)
            .and_then(|i| panes.get(i))
            .map(|p| p.name.as_str());
        // Grouped under the same labels as the view draws.
        let labels = crate::server::workspaces::repo_labels(
            sidebar
                .iter()
                .map(|s| s.repo.as_path())
                .chain(self.repo.as_deref()),
        );
        let label = |repo: &std::path::Path| labels.get(repo).map_or("", String::as_str);
        let mine = |slot: &SidebarSlot| self.repo.as_ref() == Some(&slot.repo);
        let slots: Vec<(&str, bool)> = sidebar
            .iter()
            .map(|s| (label(&s.repo), mine(s) && Some(s.name.as_str()) == focused))
            .collect();
        let current = self.repo.as_deref().map_or(self.repo_name.as_str(), label);
        let Some(index) = crate::ui::sidebar_entry_at(&slots, current, layout.sidebar, row) else {
            return Vec::new();
        };
        match sidebar.get(index) {
            Some(slot)
                if panes.iter().any(|p| p.name == slot.name)
                    && (self.repo.is_none() || mine(slot)) =>
            {
                self.set_focus(slot.name.clone())
            }
            Some(_) | None => Vec::new(),
        }
    }

    fn focus_event(&mut self, panes: &[PaneFacts], bytes: &[u8]) -> Vec<Effect> {
        match self.focused(panes) {
            Some(pane)
                if pane.running == Running::Yes && pane.focus_reporting == FocusReporting::On =>
            {
                vec![Effect::Write {
                    name: pane.name.clone(),
                    bytes: bytes.to_vec(),
                }]
            }
            Some(_) | None => Vec::new(),
        }
    }
}
