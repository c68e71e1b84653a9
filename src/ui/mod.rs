//! The dashboard's views: pure functions from a [`DashboardView`] (a borrowed
//! snapshot of what one client should see) to a ratatui frame. Nothing here
//! does IO or keeps state between frames; the server builds a view, draws it
//! into a client's in-memory terminal and sends the diff.
//!
//! [`layout::compute`] is the single source of pane rectangles: the server
//! sizes PTYs and routes mouse clicks with the same numbers the views draw.
//! [`render`] draws a whole frame from a view; [`form`] is the one piece of
//! input handling here, because the form's state lives in the view model.

pub mod board;
pub mod choose;
pub mod dashboard;
pub mod diff;
pub mod form;
pub mod keymap;
pub mod layout;
mod overlay;
pub mod pane;
pub mod prompt_input;
mod screen;
pub mod scroll;
mod sidebar;
mod status;
mod theme;

#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod wire_tests;

pub use dashboard::render;
pub use form::FormOutcome;
pub use overlay::wrapped;
pub use prompt_input::PromptInput;
pub use screen::{DrawnScreen, draw as draw_screen, draw_row as draw_screen_row};
pub use sidebar::entry_at as sidebar_entry_at;
pub use theme::status_label;

use crate::protocol::AgentStatus;

/// How panes are arranged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LayoutMode {
    /// A grid of equal tiles.
    #[default]
    Tiled,
    /// The focused pane large on the left, the others stacked on the right.
    MainStack,
    /// Only the focused pane, full size.
    Zoom,
}

impl LayoutMode {
    /// The next mode in the `prefix space` cycle.
    pub fn next(self) -> LayoutMode {
        match self {
            LayoutMode::Tiled => LayoutMode::MainStack,
            LayoutMode::MainStack => LayoutMode::Zoom,
            LayoutMode::Zoom => LayoutMode::Tiled,
        }
    }
}

/// One workspace's pane as the view needs it.
#[derive(Debug, Clone, Copy)]
pub struct PaneView<'a> {
    pub name: &'a str,
    pub branch: &'a str,
    pub agent: &'a str,
    pub status: &'a AgentStatus,
    /// What the agent is doing, once its tracker has looked.
    pub state: Option<crate::agent::State>,
    /// Why its tracker says so (the rule that matched, the signal), drawn
    /// on the bottom border: a status the user can check.
    pub reason: Option<&'a str>,
    /// Scroll mode's cursor and marked lines, when this pane is in it.
    pub scroll: Option<ScrollMarks>,
    /// The emulator's screen; `None` when no process ran since the server
    /// started (the pane shows how to start it).
    pub screen: Option<&'a vt100::Screen>,
    /// The same screen as an earlier frame drew it, when it has not changed
    /// since: copied instead of read out of the emulator again.
    pub drawn: Option<&'a DrawnScreen>,
}

/// What scroll mode draws over a pane: the cursor row, the marked rows,
/// and how far up the view is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScrollMarks {
    pub row: u16,
    pub marked: Option<(u16, u16)>,
    pub offset: usize,
}

/// One line of the sidebar.
#[derive(Debug, Clone, Copy)]
pub struct SidebarEntry<'a> {
    pub repo: &'a str,
    pub name: &'a str,
    pub branch: &'a str,
    pub status: &'a AgentStatus,
    pub state: Option<crate::agent::State>,
    /// When the agent came to that state (Unix seconds).
    pub since: u64,
    /// The watcher's view of the branch; `None` until it has looked.
    pub git: Option<&'a crate::protocol::GitSummary>,
    /// Whether the entry is the focused pane of this dashboard.
    pub focused: bool,
}

/// Whether the next key is a command (after the prefix) or goes to the pane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InputMode {
    #[default]
    Normal,
    Prefix,
}

/// A modal on top of the dashboard.
#[derive(Debug, Clone, Copy)]
pub enum Overlay<'a> {
    None,
    /// Every key binding, from [`keymap::Keymap::describe`].
    Help {
        bindings: &'a [keymap::BindingHelp],
    },
    /// The new-workspace form.
    NewWorkspace {
        form: &'a NewWorkspaceForm,
    },
    /// A yes/no question, e.g. before killing an agent.
    Confirm {
        question: &'a str,
    },
    /// A box of text: a check's output, a merge preview. The last lines
    /// show when it is too long; `footer` says which keys do what.
    Text {
        title: &'a str,
        body: &'a str,
        footer: &'a str,
    },
    /// The ticket board.
    Board {
        cards: &'a [board::BoardCard<'a>],
    },
    /// A workspace's diff against its base.
    Diff {
        view: diff::DiffView<'a>,
    },
    /// The workspace chooser: the typed filter and the rows it leaves.
    Choose {
        filter: &'a str,
        rows: &'a [choose::ChooseRow<'a>],
        selected: usize,
    },
}

/// The fields of the new-workspace form (`prefix c`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewWorkspaceForm {
    pub name: String,
    pub agent: String,
    pub base: String,
    pub prompt: String,
    pub field: FormField,
    /// A validation error to show under the form.
    pub error: Option<String>,
}

/// Which field of the form has the cursor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FormField {
    #[default]
    Name,
    Agent,
    Base,
    Prompt,
}

/// Everything one client's dashboard shows.
#[derive(Debug, Clone)]
pub struct DashboardView<'a> {
    /// The repository this dashboard is for.
    pub repo: &'a str,
    /// This repository's workspaces, in order; numbered 1… in the UI.
    pub panes: Vec<PaneView<'a>>,
    /// Every workspace the server knows, grouped by repository.
    pub sidebar: Vec<SidebarEntry<'a>>,
    pub layout: LayoutMode,
    /// Index into `panes`.
    pub focus: Option<usize>,
    pub input: InputMode,
    pub overlay: Overlay<'a>,
    /// A one-line message for the status bar (an error, a confirmation).
    pub message: Option<&'a str>,
    /// Short key hints for the status bar, e.g. "C-b c new  C-b d detach".
    pub hints: &'a str,
    /// The keys that open the new-workspace form, e.g. "C-b c", for the
    /// empty state's "Press C-b c" (the hints may be shortened or absent).
    pub new_workspace_key: &'a str,
    /// The repository's job run, if one is running or just finished.
    pub job: Option<JobView<'a>>,
    /// The main pane's share of the width in MainStack (dragged by the user).
    pub main_percent: u16,
    /// Whether the sidebar is shown (toggled by the user).
    pub sidebar_shown: layout::Sidebar,
}

/// A job run as the status bar shows it.
#[derive(Debug, Clone, Copy)]
pub struct JobView<'a> {
    pub name: &'a str,
    pub counts: crate::job::ledger::Counts,
}
