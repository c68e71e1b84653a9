//! One attached dashboard: its size, its own view (focus, layout, prefix mode,
//! overlay) and its in-memory terminal, and how its input becomes effects.
//!
//! Input handling is a pure-ish update: `Client::handle` changes the view state
//! and returns [`Effect`]s (bytes for a pane, a workspace to create, an agent
//! to stop) that the session carries out. Keeping IO out of here keeps it
//! testable without PTYs.

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::layout::Rect;

use super::canvas::Canvas;
use super::outbox::Outbox;
use crate::pane::keys::InputModes;
use crate::pane::{FocusReporting, MAX_COLS, MAX_ROWS};
use crate::protocol::TermSize;
use crate::ui::keymap::{Action, BindingHelp, Keymap};
use crate::ui::layout::{self, DashboardLayout};
use crate::ui::{InputMode, LayoutMode, NewWorkspaceForm};

mod focus;
mod input;
mod overlays;
mod scroll;
#[cfg(test)]
mod tests;

/// Identifies a client for the lifetime of the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(pub u64);

/// The modal a client has open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientOverlay {
    None,
    Help,
    NewWorkspace(NewWorkspaceForm),
    ConfirmKill {
        name: String,
    },
    /// Remove the workspace? (`force` after a refusal to protect work.)
    ConfirmRemove {
        name: String,
        force: RemoveForce,
        question: String,
    },
    /// What a merge would do; y merges exactly the previewed commit.
    MergePreview {
        name: String,
        text: String,
        tip: String,
        uncommitted: crate::workspace::Uncommitted,
    },
    /// A merge conflicted; y types `prompt` into the agent.
    MergeConflict {
        name: String,
        prompt: String,
        text: String,
    },
    /// Why a merge did not run, whole: its refusals say what to do, and
    /// the status line would cut them.
    MergeRefused {
        text: String,
    },
    /// The last check's output (read from the session when drawn).
    CheckOutput {
        name: String,
    },
    /// The prompt editor of `prefix t`.
    SendPrompt(crate::ui::PromptInput),
    /// A workspace's diff (`prefix D`), from line `top`.
    Diff {
        name: String,
        lines: Vec<String>,
        top: usize,
    },
    /// The ticket board of `prefix T`; `selected` indexes the open tickets.
    Board {
        tickets: Vec<crate::tickets::Ticket>,
        selected: usize,
    },
    /// The workspace chooser of `prefix w`; `selected` indexes the
    /// workspaces `filter` leaves (`ui::choose::matching`).
    Choose {
        filter: String,
        selected: usize,
    },
}

/// Whether a removal may drop work (after the user confirmed twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveForce {
    Safe,
    Force,
}

/// Whether a client's screen needs drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dirty {
    Clean,
    /// Only what programs print inside panes changed: the next frame
    /// redraws just the screens that moved.
    Screens,
    /// Anything may have changed: the next frame draws everything.
    Changed,
}

impl Dirty {
    /// What needs drawing once `other` happened too.
    pub fn and(self, other: Dirty) -> Dirty {
        match (self, other) {
            (Dirty::Changed, _) | (_, Dirty::Changed) => Dirty::Changed,
            (Dirty::Screens, _) | (_, Dirty::Screens) => Dirty::Screens,
            (Dirty::Clean, Dirty::Clean) => Dirty::Clean,
        }
    }
}

/// Whether a pane has a process to send input to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Running {
    Yes,
    No,
}

/// What input routing needs to know about one pane of the client's repository.
#[derive(Debug, Clone)]
pub struct PaneFacts {
    pub name: String,
    pub running: Running,
    pub modes: InputModes,
    pub mouse: (vt100::MouseProtocolMode, vt100::MouseProtocolEncoding),
    pub focus_reporting: FocusReporting,
    /// What the agent is doing, while it runs.
    pub state: Option<crate::agent::State>,
    /// When it came to that state (Unix seconds): who has waited longest.
    pub since: u64,
}

/// One sidebar entry, for clicks: which repository's which workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidebarSlot {
    /// The repository, which the sidebar groups by.
    pub repo: PathBuf,
    pub name: String,
}

/// What the session must do for a client's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Bytes for the named workspace's agent.
    Write {
        name: String,
        bytes: Vec<u8>,
    },
    /// Create a workspace from the form.
    Create {
        form: NewWorkspaceForm,
    },
    /// Stop the named workspace's agent.
    Kill {
        name: String,
    },
    /// Start (or resume) the named workspace's agent.
    Start {
        name: String,
    },
    Detach,
    /// Focus or layout changed: pane sizes may change.
    Relayout,
    /// Work out what merging the workspace would do.
    MergePreview {
        name: String,
    },
    /// Merge it (the user saw the preview).
    Merge {
        name: String,
        tip: String,
        uncommitted: crate::workspace::Uncommitted,
    },
    /// Remove the workspace (snapshot first).
    Remove {
        name: String,
        force: RemoveForce,
    },
    /// Push the branch and open its pull request.
    PullRequest {
        name: String,
    },
    /// Type a prompt into the named workspace's agent.
    Send {
        name: String,
        text: String,
    },
    /// Copy lines of a pane's history (positions from the bottom).
    Copy {
        name: String,
        from: usize,
        to: usize,
    },
    /// Search a pane's history and move scroll mode's cursor to the match.
    Search {
        name: String,
        query: String,
        direction: crate::ui::scroll::Direction,
        from: usize,
        rows: u16,
    },
    /// Read the workspace's diff and show it.
    OpenDiff {
        name: String,
    },
    /// Load the tickets and show the board.
    OpenBoard,
    /// Make a workspace for the ticket and start its agent on it.
    StartTicket {
        id: u32,
    },
}

impl Effect {
    /// Whether this effect only types into a pane, which changes nothing on
    /// screen until the program answers.
    pub fn is_typing(&self) -> bool {
        match self {
            Effect::Write { .. } => true,
            Effect::Create { .. }
            | Effect::Kill { .. }
            | Effect::Start { .. }
            | Effect::Detach
            | Effect::Relayout
            | Effect::MergePreview { .. }
            | Effect::Merge { .. }
            | Effect::Remove { .. }
            | Effect::PullRequest { .. }
            | Effect::Send { .. }
            | Effect::Copy { .. }
            | Effect::Search { .. }
            | Effect::OpenDiff { .. }
            | Effect::OpenBoard
            | Effect::StartTicket { .. } => false,
        }
    }
}

/// Whether the left button went down on the split border.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dragging {
    No,
    Split,
}

/// One attached dashboard.
pub struct Client {
    pub id: ClientId,
    /// The repository shown; `None` shows every repository's workspaces.
    pub repo: Option<PathBuf>,
    pub repo_name: String,
    pub size: TermSize,
    pub canvas: Canvas,
    pub outbox: Arc<Outbox>,
    pub keymap: Keymap,
    pub hints: String,
    pub help: Vec<BindingHelp>,
    /// How to open the new-workspace form, for the empty dashboard's hint.
    pub new_workspace_key: String,
    pub layout: LayoutMode,
    /// The layout to go back to when zoom is toggled off.
    pub unzoomed: LayoutMode,
    /// The focused workspace, by name.
    pub focus: Option<String>,
    pub input: InputMode,
    pub overlay: ClientOverlay,
    /// Scroll mode, when this dashboard is in it.
    pub scroll: Option<crate::ui::scroll::ScrollState>,
    /// The main pane's share of the width in MainStack.
    pub main_percent: u16,
    pub sidebar: layout::Sidebar,
    /// A drag of the split border in progress.
    pub dragging: Dragging,
    pub message: Option<String>,
    pub dirty: Dirty,
    /// When this client last sent input, in session ticks; the most recent
    /// client decides pane sizes.
    pub activity: u64,
    /// The pane screens its last frames drew, for the next one to reuse.
    pub drawn: super::reuse::DrawnPanes,
    /// How its terminal tells the user an agent needs them.
    pub notifications: crate::protocol::Notifications,
}

/// The area drawn for a client of `size`. A size past the largest pane is
/// cut to it: the frame buffers hold every cell, and a client that reports
/// 65535x65535 (a bug or a hostile peer) must not make the server allocate
/// hundreds of gigabytes and abort.
fn area(size: TermSize) -> Rect {
    Rect::new(
        0,
        0,
        size.cols.clamp(1, MAX_COLS),
        size.rows.clamp(1, MAX_ROWS),
    )
}

impl Client {
    pub fn new(
        id: ClientId,
        repo: Option<PathBuf>,
        size: TermSize,
        outbox: Arc<Outbox>,
        keymap: Keymap,
    ) -> Client {
        let canvas = Canvas::new(area(size));
        let repo_name = match &repo {
            Some(root) => root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| root.display().to_string()),
            None => "all repositories".to_owned(),
        };
        Client {
            id,
            repo,
            repo_name,
            size,
            canvas,
            outbox,
            hints: keymap.hints(),
            help: keymap.describe(),
            new_workspace_key: keymap
                .keys_for(Action::NewWorkspace)
                .unwrap_or_else(|| "the new-workspace key".to_owned()),
            keymap,
            layout: LayoutMode::Tiled,
            unzoomed: LayoutMode::Tiled,
            focus: None,
            input: InputMode::Normal,
            scroll: None,
            main_percent: layout::MAIN_PERCENT,
            sidebar: layout::Sidebar::Shown,
            dragging: Dragging::No,
            overlay: ClientOverlay::None,
            message: None,
            dirty: Dirty::Changed,
            activity: 0,
            drawn: super::reuse::DrawnPanes::default(),
            notifications: crate::protocol::Notifications::Bell,
        }
    }

    /// The index of the focused pane among `panes`, defaulting to the first.
    pub fn focus_index(&self, panes: &[PaneFacts]) -> Option<usize> {
        self.focus_among(panes.iter().map(|p| p.name.as_str()))
    }

    /// Where its focus is among panes named `names`: its choice, or the first.
    pub fn focus_among<'a>(&self, names: impl ExactSizeIterator<Item = &'a str>) -> Option<usize> {
        let empty = names.len() == 0;
        let mut names = names;
        let named = self
            .focus
            .as_deref()
            .and_then(|focus| names.position(|name| name == focus));
        named.or(if empty { None } else { Some(0) })
    }

    /// The layout for `count` panes at this client's size.
    pub fn layout_for(&self, count: usize, focus: Option<usize>) -> DashboardLayout {
        layout::compute_split(
            area(self.size),
            count,
            self.layout,
            focus,
            self.main_percent,
            self.sidebar,
        )
    }

    /// Takes a new terminal size.
    pub fn resize(&mut self, size: TermSize) {
        self.size = size;
        self.canvas.resize(area(size));
        self.dirty = Dirty::Changed;
    }

    pub(super) fn focused<'p>(&self, panes: &'p [PaneFacts]) -> Option<&'p PaneFacts> {
        self.focus_index(panes).and_then(|i| panes.get(i))
    }
}
