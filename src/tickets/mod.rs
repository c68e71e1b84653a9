//! Tickets: the team's queue of work, kept in the repository as
//! `.grove/tickets.yaml` so it travels with the code and shows up in review.
//!
//! A ticket is open until `grove ticket start` gives it a workspace (named
//! after it, with the ticket as the agent's first prompt), then in progress
//! until its branch is merged. The file is changed read-modify-write under a
//! lock in the repository's git directory (never committed), and replaced
//! atomically, like grove's own state.

mod github;
mod store;

use serde::{Deserialize, Serialize};

pub use github::{ImportError, import_from_gh, parse_gh_issues};
pub use store::{TICKETS_FILE, TicketStore};

/// Why a ticket cannot be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    #[error("no ticket {id}; `grove ticket ls` lists them")]
    NoTicket { id: u32 },
    #[error("ticket {id} is already in progress in workspace {workspace}")]
    InProgress { id: u32, workspace: String },
    #[error(
        "ticket {id} is marked in progress; set its state to open in .grove/tickets.yaml to start it again"
    )]
    MarkedInProgress { id: u32 },
    #[error("ticket {id} is done")]
    Done { id: u32 },
}

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    #[default]
    Open,
    InProgress,
    Done,
}

impl TicketState {
    pub fn label(self) -> &'static str {
        match self {
            TicketState::Open => "open",
            TicketState::InProgress => "in progress",
            TicketState::Done => "done",
        }
    }
}

/// One ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    pub id: u32,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(default)]
    pub state: TicketState,
    /// The workspace working on it, once started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// Where it came from, e.g. `github#123`, so an import adds it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Ticket {
    /// The workspace name `grove ticket start` gives it: `t12-fix-the-login`.
    pub fn workspace_name(&self) -> String {
        let slug = slug(&self.title, 40);
        match slug.is_empty() {
            true => format!("t{}", self.id),
            false => format!("t{}-{slug}", self.id),
        }
    }

    /// The first prompt an agent gets for it.
    pub fn prompt(&self) -> String {
        let mut prompt = format!("Ticket #{}: {}", self.id, self.title);
        if !self.body.trim().is_empty() {
            prompt.push_str("\n\n");
            prompt.push_str(self.body.trim());
        }
        if !self.labels.is_empty() {
            prompt.push_str(&format!("\n\nLabels: {}", self.labels.join(", ")));
        }
        prompt
    }
}

/// The file's contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tickets {
    #[serde(default)]
    pub tickets: Vec<Ticket>,
}

impl Tickets {
    pub fn get(&self, id: u32) -> Option<&Ticket> {
        self.tickets.iter().find(|t| t.id == id)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut Ticket> {
        self.tickets.iter_mut().find(|t| t.id == id)
    }

    /// Adds a ticket with the next free id and returns that id.
    pub fn add(&mut self, title: String, body: String, labels: Vec<String>) -> u32 {
        let id = self.tickets.iter().map(|t| t.id).max().unwrap_or(0) + 1;
        self.tickets.push(Ticket {
            id,
            title,
            body,
            labels,
            state: TicketState::Open,
            workspace: None,
            source: None,
        });
        id
    }

    /// The ticket, if it exists and nothing works on it yet.
    pub fn ready_to_start(&self, id: u32) -> Result<&Ticket, StartError> {
        let ticket = self.get(id).ok_or(StartError::NoTicket { id })?;
        match (ticket.state, &ticket.workspace) {
            (TicketState::Open, _) => Ok(ticket),
            (TicketState::InProgress, Some(workspace)) => Err(StartError::InProgress {
                id,
                workspace: workspace.clone(),
            }),
            (TicketState::InProgress, None) => Err(StartError::MarkedInProgress { id }),
            (TicketState::Done, _) => Err(StartError::Done { id }),
        }
    }

    /// The ticket a workspace works on.
    pub fn of_workspace(&self, workspace: &str) -> Option<&Ticket> {
        self.tickets
            .iter()
            .find(|t| t.workspace.as_deref() == Some(workspace))
    }
}

/// Lower-case letters and digits joined by single dashes, at most `max`
/// characters, cut at a word boundary when it can be.
pub fn slug(text: &str, max: usize) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = String::new();
    for word in words {
        let extra = usize::from(!slug.is_empty()) + word.len();
        if slug.len() + extra > max {
            if slug.is_empty() {
                slug = word.chars().take(max).collect();
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_workspace_names() {
        assert_eq!(
            slug("Fix the login: rate-limit it!", 40),
            "fix-the-login-rate-limit-it"
        );
        assert_eq!(slug("Ünïcode & émoji 🎉 only", 40), "n-code-moji-only");
        assert_eq!(slug("one two three", 7), "one-two");
        assert_eq!(slug("supercalifragilistic", 5), "super");
        assert_eq!(slug("!!!", 10), "");
        let mut tickets = Tickets::default();
        let id = tickets.add("Add tests for auth.rs".into(), String::new(), vec![]);
        assert_eq!(id, 1);
        assert_eq!(
            tickets.get(1).unwrap().workspace_name(),
            "t1-add-tests-for-auth-rs"
        );
        tickets.add("???".into(), String::new(), vec![]);
        assert_eq!(tickets.get(2).unwrap().workspace_name(), "t2");
        // Workspace names must be valid grove names.
        for ticket in &tickets.tickets {
            crate::workspace::WorkspaceName::parse(&ticket.workspace_name()).unwrap();
        }
    }

    #[test]
    fn the_prompt_carries_title_body_and_labels() {
        let mut tickets = Tickets::default();
        tickets.add(
            "Rate limit logins".into(),
            "  Five tries a minute.\n".into(),
            vec!["backend".into(), "security".into()],
        );
        assert_eq!(
            tickets.get(1).unwrap().prompt(),
            "Ticket #1: Rate limit logins\n\nFive tries a minute.\n\nLabels: backend, security"
        );
    }
}
