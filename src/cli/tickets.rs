//! `grove ticket add | ls | start | import`: the team's queue in
//! `.grove/tickets.yaml`, and starting an agent on a ticket.

use std::path::Path;

use clap::Subcommand;

use super::remote::{self, Start};
use crate::git::{Git, Repo};
use crate::paths::Paths;
use crate::protocol::{Request, Response, WorkspaceInfo};
use crate::tickets::{Ticket, TicketState, TicketStore, import_from_gh};
use crate::workspace::{Gh, WorkspaceName};

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// Add a ticket.
    #[command(
        after_help = "Examples:\n  grove ticket add 'Rate-limit logins' --body 'Five tries a minute' --label backend\n  \
                      grove ticket add 'Write the migration guide' --body - < notes.md"
    )]
    Add {
        title: String,
        /// The ticket's text; `-` reads it from stdin.
        #[arg(long, value_name = "TEXT")]
        body: Option<String>,
        /// A label (repeat for more).
        #[arg(long = "label", value_name = "LABEL")]
        labels: Vec<String>,
    },
    /// List the tickets: open, in progress (with the workspace's agent state), done.
    #[command(
        after_help = "Examples:\n  grove ticket ls\n  grove ticket ls --json | jq '.tickets[] | select(.state == \"open\")'"
    )]
    Ls {
        /// Print JSON: {"tickets": [{"id", "title", "body", "labels", "state", "workspace", "source", "agent_state"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Make a workspace for a ticket and give its agent the ticket as the first prompt.
    #[command(
        after_help = "The workspace is named after the ticket (t12-fix-the-login) unless --name says\n\
                      otherwise; the ticket is then in progress.\n\nExamples:\n  grove ticket start 12\n  grove ticket start 12 --agent claude"
    )]
    Start {
        id: u32,
        /// The agent profile [default: the config's `agent`].
        #[arg(long, value_name = "PROFILE")]
        agent: Option<String>,
        /// The workspace name [default: from the ticket].
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Import the repository's open GitHub issues (with gh); each is added once.
    #[command(after_help = "Example:\n  grove ticket import --limit 50")]
    Import {
        /// At most this many issues.
        #[arg(long, default_value_t = 30)]
        limit: u32,
    },
}

pub fn run(cwd: &Path, command: TicketCommand) -> anyhow::Result<()> {
    let git = Git::from_path()?;
    let repo = Repo::discover(&git, cwd)?;
    let store = TicketStore::new(&repo.root, &repo.common_dir);
    match command {
        TicketCommand::Add {
            title,
            body,
            labels,
        } => add(&store, title, body, labels),
        TicketCommand::Ls { json } => ls(&store, &repo.root, json),
        TicketCommand::Start { id, agent, name } => start(&store, cwd, id, agent, name),
        TicketCommand::Import { limit } => {
            let added = store.update(|tickets| {
                Ok(import_from_gh(
                    Gh::find().as_ref(),
                    &repo.root,
                    limit,
                    tickets,
                )?)
            })?;
            match added.as_slice() {
                [] => println!("no new open issues to import"),
                ids => println!(
                    "imported {} issue{} as tickets {}",
                    ids.len(),
                    if ids.len() == 1 { "" } else { "s" },
                    ids.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
            Ok(())
        }
    }
}

fn add(
    store: &TicketStore,
    title: String,
    body: Option<String>,
    labels: Vec<String>,
) -> anyhow::Result<()> {
    let title = title.trim().to_owned();
    if title.is_empty() {
        return Err(usage("a ticket needs a title"));
    }
    let body = match body.as_deref() {
        Some("-") => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| anyhow::anyhow!("cannot read the ticket's body from stdin: {e}"))?;
            text
        }
        Some(text) => text.to_owned(),
        None => String::new(),
    };
    let id = store.update(|tickets| Ok(tickets.add(title.clone(), body, labels)))?;
    println!("added ticket {id}: {title}  ({})", store.path().display());
    Ok(())
}

fn usage(message: &str) -> anyhow::Error {
    super::exit::KnownFailure {
        message: message.to_owned(),
        kind: crate::protocol::FailureKind::Usage,
    }
    .into()
}

fn start(
    store: &TicketStore,
    cwd: &Path,
    id: u32,
    agent: Option<String>,
    name: Option<String>,
) -> anyhow::Result<()> {
    let tickets = store.load()?;
    let ticket = tickets
        .ready_to_start(id)
        .map_err(|e| usage(&e.to_string()))?;
    let name = name.unwrap_or_else(|| ticket.workspace_name());
    WorkspaceName::parse(&name)?;
    let request = Request::New {
        cwd: cwd.to_owned(),
        name: name.clone(),
        agent,
        prompt: Some(ticket.prompt()),
        base: None,
    };
    let response = remote::request(&Paths::from_env()?, Start::IfNeeded, request)?;
    let Some(Response::Created { workspace }) = response.map(remote::check).transpose()? else {
        anyhow::bail!("unexpected answer from the server while starting ticket {id}");
    };
    store.update(|tickets| {
        if let Some(ticket) = tickets.get_mut(id) {
            ticket.state = TicketState::InProgress;
            ticket.workspace = Some(workspace.name.clone());
        }
        Ok(())
    })?;
    println!(
        "started ticket {id} in workspace {} ({}), running {}; the ticket is its first prompt",
        workspace.name,
        workspace.branch,
        workspace.agent.as_deref().unwrap_or("its agent"),
    );
    Ok(())
}

/// The state a ticket shows: done once its workspace's branch is merged,
/// even when the file still says in progress.
fn shown_state(ticket: &Ticket, workspace: Option<&WorkspaceInfo>) -> TicketState {
    let merged = workspace
        .and_then(|w| w.git.as_ref())
        .is_some_and(|g| g.readiness == crate::workspace::readiness::Readiness::Merged);
    match (ticket.state, merged) {
        (TicketState::InProgress, true) => TicketState::Done,
        (state, _) => state,
    }
}

fn ls(store: &TicketStore, root: &Path, json: bool) -> anyhow::Result<()> {
    let tickets = store.load()?;
    let paths = Paths::from_env()?;
    let asked = remote::request(
        &paths,
        Start::Never,
        Request::List {
            repo: Some(root.to_owned()),
        },
    )?;
    let workspaces = match asked.map(remote::check).transpose()? {
        Some(Response::Listing { workspaces }) => workspaces,
        Some(_) | None => Vec::new(),
    };
    let workspace_of = |ticket: &Ticket| {
        let name = ticket.workspace.as_deref()?;
        workspaces.iter().find(|w| w.name == name)
    };
    if json {
        let entries: Vec<serde_json::Value> = tickets
            .tickets
            .iter()
            .map(|t| {
                let workspace = workspace_of(t);
                let agent_state = workspace.map(|w| remote::info_json(w)["state"].clone());
                serde_json::json!({
                    "id": t.id,
                    "title": t.title,
                    "body": t.body,
                    "labels": t.labels,
                    "state": state_key(shown_state(t, workspace)),
                    "workspace": t.workspace,
                    "source": t.source,
                    "agent_state": agent_state,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "tickets": entries }))?
        );
        return Ok(());
    }
    if tickets.tickets.is_empty() {
        println!(
            "no tickets yet; add one with `grove ticket add TITLE`, or `grove ticket import` from GitHub"
        );
        return Ok(());
    }
    let width = tickets
        .tickets
        .iter()
        .map(|t| t.title.chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 50);
    println!(
        "{:>4}  {:<11}  {:<width$}  WORKSPACE",
        "ID", "STATE", "TITLE"
    );
    for ticket in &tickets.tickets {
        let workspace = workspace_of(ticket);
        let title: String = ticket.title.chars().take(width).collect();
        let place = match (&ticket.workspace, workspace) {
            // The word `grove ls` shows: `done` for finished and unseen.
            (Some(name), Some(info)) => format!("{name} ({})", remote::state_word(info)),
            (Some(name), None) => name.clone(),
            (None, _) => String::new(),
        };
        println!(
            "{:>4}  {:<11}  {:<width$}  {place}",
            ticket.id,
            shown_state(ticket, workspace).label(),
            title
        );
    }
    Ok(())
}

fn state_key(state: TicketState) -> &'static str {
    match state {
        TicketState::Open => "open",
        TicketState::InProgress => "in_progress",
        TicketState::Done => "done",
    }
}
