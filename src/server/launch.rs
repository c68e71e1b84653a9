//! Starting agents: a new workspace's first start, a stopped one's resume,
//! putting the started pane into the table, watching its output and exit, and
//! typing a `--prompt` once the agent is ready for it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::time::Instant;

use super::agent::{self, Launch};
use super::client::ClientId;
use super::jobs::{Failed, JobOutcome, Reply, context, open_repo};
use super::output::Throttle;
use super::pending::{PendingPrompt, PromptQueue};
use super::session::{Event, Session};
use super::workspaces::{Live, PaneId};
use crate::agent::{StatusRules, TailCache, Tracker};
use crate::config;
use crate::pane::{Pane, PaneSize};
use crate::paths::Paths;
use crate::protocol::AgentStatus;
use crate::state::Store;
use crate::workspace::{self, CreateRequest, WorkspaceName};

/// An agent that a job started.
pub struct Started {
    pub repo: PathBuf,
    pub name: String,
    pub agent: String,
    pub pane: Pane,
    pub size: PaneSize,
    /// The profile's status rules, compiled.
    pub rules: StatusRules,
    /// A prompt to type once the agent is ready (`prompt.via: paste`).
    pub prompt: Option<String>,
    pub attention: config::AttentionConfig,
}

/// The profile's rules; the config was validated, so an error here means a
/// layer changed between validation and now.
fn rules_of(agent: &str, profile: &config::AgentProfile) -> anyhow::Result<StatusRules> {
    StatusRules::compile(&profile.status).map_err(|bad| {
        anyhow::anyhow!(
            "agent {agent:?}: a status {} rule ({}[{}]) is not a valid regular expression: {}",
            match bad.source {
                crate::agent::Source::Screen => "screen",
                crate::agent::Source::Title => "title",
            },
            bad.kind.key(),
            bad.index,
            bad.message
        )
    })
}

/// The size an agent starts at when no dashboard shows its workspace.
pub(super) const START_SIZE: PaneSize = PaneSize { rows: 24, cols: 80 };

impl Session {
    /// Starts (or resumes) the agent of a stopped or exited workspace.
    pub(super) fn start_agent(&mut self, client: ClientId, repo: Option<&Path>, name: &str) {
        let Some(workspace) = self.shown(repo).find(|w| w.record.name == name) else {
            return;
        };
        let record = workspace.record.clone();
        let launch = match workspace.live.as_ref().map(|l| &l.status) {
            // Never started by this server: continue the earlier session.
            None => Launch::Resume,
            Some(AgentStatus::Exited { .. } | AgentStatus::Stopped | AgentStatus::Running) => {
                Launch::Start
            }
        };
        let paths = self.paths.clone();
        let size = self.start_size(&record.repo, Some(&record.name));
        self.spawn_job(move || JobOutcome::Started {
            result: start_in(&paths, &record, None, launch, None, size)
                .map(Box::new)
                .map_err(Failed::from),
            reply: Reply::Client(client),
        });
    }

    /// Puts a started agent into its workspace and starts watching it.
    pub(super) fn install(&mut self, started: Started) -> Option<crate::protocol::WorkspaceInfo> {
        self.reload();
        let id = PaneId(self.next_pane);
        self.next_pane += 1;
        let pane = Arc::new(started.pane);
        let (output, hook) = Throttle::new(id, self.events.clone());
        if pane.on_output(hook).is_err() {
            tracing::warn!(
                workspace = started.name,
                "a new pane already had an output hook"
            );
        }
        let workspace = self.table.find_mut(&started.repo, &started.name)?;
        // A new workspace's record already names its agent (it was written
        // with it); a restart with another profile changes it.
        let recorded = workspace.record.agent.as_deref() == Some(started.agent.as_str());
        workspace.record.agent = Some(started.agent.clone());
        let old = workspace.live.replace(Live {
            id,
            pane: Arc::clone(&pane),
            status: AgentStatus::Running,
            size: started.size,
            resized: None,
            resize_to: None,
            prompts: PromptQueue::new(
                started
                    .prompt
                    .map(|text| PendingPrompt::when_ready(text, Instant::now())),
            ),
            tracker: Tracker::new(),
            tail: TailCache::new(),
            rules: started.rules,
            attention: started.attention,
            output,
        });
        drop(old);
        let info = workspace.info(None);
        if !recorded {
            remember_agent(&self.store, &started.repo, &started.name, &started.agent);
        }
        self.watch(id, &pane);
        // What it printed before the hook was set was told to nobody.
        if *pane.output_changes().borrow() != 0 {
            self.pane_output(id);
        }
        self.resize_panes();
        self.touch_repo(&started.repo);
        Some(info)
    }

    /// Forwards a pane's exit to the session (its output comes through
    /// [`Throttle`]).
    fn watch(&self, id: PaneId, pane: &Pane) {
        let mut exit = pane.exit_status();
        let events = self.events.clone();
        tokio::spawn(async move {
            loop {
                let status = *exit.borrow_and_update();
                if let Some(exit) = status {
                    let _ = events.send(Event::PaneExited { pane: id, exit }).await;
                    break;
                }
                if exit.changed().await.is_err() {
                    break;
                }
            }
        });
    }
}

/// Starts an agent in an existing workspace: `agent` (or the profile the
/// workspace last ran, or the default), with `prompt` handed over as the
/// profile says.
pub(super) fn start_in(
    paths: &Paths,
    record: &crate::state::WorkspaceRecord,
    agent: Option<&str>,
    launch: Launch,
    prompt: Option<String>,
    size: PaneSize,
) -> anyhow::Result<Started> {
    let (_, repo) = open_repo(&record.repo)?;
    let config = config::load(paths, Some(&repo.root))?.config;
    let (agent_name, profile) = agent::profile(&config, agent.or(record.agent.as_deref()))?;
    let argv = agent::argv(agent_name, profile, launch, |v| std::env::var_os(v))?;
    let rules = rules_of(agent_name, profile)?;
    let (argv, prompt) = agent::with_prompt(agent_name, profile, argv, prompt)?;
    let spec = agent::pane_spec(&config, record, profile, argv, size);
    Ok(Started {
        repo: record.repo.clone(),
        name: record.name.clone(),
        agent: agent_name.to_owned(),
        pane: Pane::spawn(spec)?,
        size,
        rules,
        prompt,
        attention: config.attention.clone(),
    })
}

/// `grove new`: checks the agent can run before creating anything, creates
/// the workspace, then starts the agent in it at `size`.
pub(super) fn create_and_start(
    paths: &Paths,
    cwd: &Path,
    name: &str,
    agent: Option<&str>,
    base: Option<String>,
    prompt: Option<String>,
    size: PaneSize,
) -> anyhow::Result<Started> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(paths, cwd)?;
    let (agent_name, profile) = agent::profile(&ctx.config, agent)?;
    let argv = agent::argv(agent_name, profile, Launch::Start, |v| std::env::var_os(v))?;
    let rules = rules_of(agent_name, profile)?;
    let (argv, prompt) = agent::with_prompt(agent_name, profile, argv, prompt)?;
    let request = CreateRequest {
        name,
        base,
        from_dir: cwd.to_owned(),
        agent: Some(agent_name.to_owned()),
    };
    let record = workspace::create(&ctx, &request)?;
    let spec = agent::pane_spec(&ctx.config, &record, profile, argv, size);
    let pane = Pane::spawn(spec)?;
    Ok(Started {
        repo: record.repo.clone(),
        name: record.name.clone(),
        agent: agent_name.to_owned(),
        pane,
        size,
        rules,
        prompt,
        attention: ctx.config.attention.clone(),
    })
}

/// Records which profile runs in a workspace, so a restarted server resumes
/// the same agent.
fn remember_agent(store: &Store, repo: &Path, name: &str, agent: &str) {
    let saved = store.update(|state| {
        if let Some(record) = state
            .workspaces
            .iter_mut()
            .find(|w| w.repo == repo && w.name == name)
        {
            record.agent = Some(agent.to_owned());
        }
        Ok(())
    });
    if let Err(error) = saved {
        tracing::warn!(name, "cannot record the workspace's agent: {error:#}");
    }
}
