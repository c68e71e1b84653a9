//! The names and descriptions of [`Action`]s: what the config writes after a
//! key (`c: new-workspace`) and what the help overlay says about it.
//!
//! The name of an action is its `Display` form, and [`Action::from_name`] is
//! its inverse over [`Action::ALL`], so the list a config error prints can
//! never drift from what the parser accepts.

use std::fmt;

use super::Action;

impl Action {
    /// Every action, in the order the help overlay lists them.
    pub const ALL: [Action; 32] = [
        Action::NewWorkspace,
        Action::FocusLeft,
        Action::FocusDown,
        Action::FocusUp,
        Action::FocusRight,
        Action::FocusNumber { n: 1 },
        Action::FocusNumber { n: 2 },
        Action::FocusNumber { n: 3 },
        Action::FocusNumber { n: 4 },
        Action::FocusNumber { n: 5 },
        Action::FocusNumber { n: 6 },
        Action::FocusNumber { n: 7 },
        Action::FocusNumber { n: 8 },
        Action::FocusNumber { n: 9 },
        Action::ChooseWorkspace,
        Action::NextLayout,
        Action::ToggleZoom,
        Action::ToggleSidebar,
        Action::ScrollMode,
        Action::NextAttention,
        Action::SendPrompt,
        Action::TicketBoard,
        Action::ShowDiff,
        Action::Merge,
        Action::PullRequest,
        Action::CheckOutput,
        Action::KillAgent,
        Action::ResumeAgent,
        Action::RemoveWorkspace,
        Action::SendPrefix,
        Action::Help,
        Action::Detach,
    ];

    /// The action a config name stands for (`focus-left`, `focus-3`).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL
            .into_iter()
            .find(|action| action.to_string() == name)
    }

    /// What the action does, for the help overlay. `prefix` is the prefix
    /// key's label, which `send-prefix` sends.
    pub fn description(self, prefix: &str) -> String {
        let text = match self {
            Action::NewWorkspace => "New workspace",
            Action::FocusLeft => "Focus the pane on the left",
            Action::FocusDown => "Focus the pane below",
            Action::FocusUp => "Focus the pane above",
            Action::FocusRight => "Focus the pane on the right",
            Action::FocusNumber { n } => return format!("Focus pane {n}"),
            Action::NextLayout => "Next layout: tiled, main + stack, zoom",
            Action::ToggleZoom => "Zoom the focused pane, or unzoom",
            Action::ToggleSidebar => "Hide the sidebar (panes get its columns), or show it",
            Action::ChooseWorkspace => "Go to a workspace: type part of its name, Enter",
            Action::Detach => "Detach; agents keep running",
            Action::Help => "Show these keys",
            Action::KillAgent => "Stop the focused agent (asks first; the workspace stays)",
            Action::ResumeAgent => "Start the focused agent again",
            Action::Merge => "Merge the focused workspace into its base (shows a preview first)",
            Action::RemoveWorkspace => "Remove the focused workspace (asks; snapshots first)",
            Action::PullRequest => "Push the branch and open its pull request",
            Action::CheckOutput => "Show the last check's output",
            Action::NextAttention => {
                "Jump to the agent that needs you most (a question, then finished work; longest first)"
            }
            Action::SendPrompt => "Type a prompt into the focused agent",
            Action::TicketBoard => "Tickets: open, in progress, done; start one",
            Action::ScrollMode => {
                "Scroll mode: the focused pane's history, search (/), copy (v, y)"
            }
            Action::ShowDiff => "The focused workspace's diff against its base",
            Action::SendPrefix => return format!("Send {prefix} to the pane"),
        };
        text.to_owned()
    }
}

/// The config name: `new-workspace`, `focus-3`, `zoom`.
impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Action::NewWorkspace => "new-workspace",
            Action::FocusLeft => "focus-left",
            Action::FocusDown => "focus-down",
            Action::FocusUp => "focus-up",
            Action::FocusRight => "focus-right",
            Action::FocusNumber { n } => return write!(f, "focus-{n}"),
            Action::NextLayout => "next-layout",
            Action::ToggleZoom => "zoom",
            Action::ToggleSidebar => "sidebar",
            Action::ChooseWorkspace => "choose-workspace",
            Action::Detach => "detach",
            Action::Help => "help",
            Action::KillAgent => "kill-agent",
            Action::ResumeAgent => "resume-agent",
            Action::Merge => "merge",
            Action::RemoveWorkspace => "remove-workspace",
            Action::PullRequest => "pull-request",
            Action::CheckOutput => "check-output",
            Action::NextAttention => "next-attention",
            Action::SendPrompt => "send-prompt",
            Action::TicketBoard => "ticket-board",
            Action::ScrollMode => "scroll-mode",
            Action::ShowDiff => "show-diff",
            Action::SendPrefix => "send-prefix",
        };
        f.write_str(name)
    }
}
