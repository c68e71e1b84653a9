//! One function per subcommand: build the context, call the library, print.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::remote::{self, Start};
use super::{Args, Command, ConfigCommand};
use crate::config;
use crate::git::{Git, Repo};
use crate::paths::Paths;
use crate::protocol::{AgentStatus, FailureKind, Request, Response, SendEnter, WorkspaceInfo};
use crate::state::{Phase, Store};
use crate::workspace::{self, RemoveMode, WorkspaceName};

pub fn run(args: Args) -> anyhow::Result<()> {
    let cwd = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let Some(command) = args.command else {
        return remote::dashboard(&Paths::from_env()?, &cwd, Start::IfNeeded);
    };
    match command {
        Command::New {
            name,
            agent,
            prompt,
            base,
        } => new(&cwd, name, agent, prompt, base),
        Command::Attach => remote::dashboard(&Paths::from_env()?, &cwd, Start::Never),
        Command::Ls { json } => ls(&cwd, json),
        Command::Kill { name } => kill(&cwd, name),
        Command::Send {
            name,
            text,
            no_enter,
            keys,
        } if keys.is_empty() => send(&cwd, name, text, no_enter),
        Command::Send { name, keys, .. } => send_keys(&cwd, name, keys),
        Command::KillServer => kill_server(),
        Command::Stats { json } => stats(json),
        Command::Server { foreground } => server(foreground),
        Command::Snapshot { name } => snapshot(&cwd, &name),
        Command::Rm { name, force } => rm(&cwd, &name, force),
        Command::Restore {
            name,
            at,
            list,
            json,
        } => restore(&cwd, &name, at, list, json),
        Command::Pr { name, draft } => super::pr::pr(&cwd, &name, draft),
        Command::Merge(args) => super::merge::merge(&cwd, args),
        Command::Ticket { command } => super::tickets::run(&cwd, command),
        Command::Run(args) => super::job::run(&cwd, args),
        Command::Completions { shell } => super::comforts::completions(shell),
        Command::Man => super::comforts::man(),
        Command::Demo => super::demo::demo(),
        Command::Doctor => super::comforts::doctor(&cwd),
        Command::Trust => trust(&cwd),
        Command::Capture {
            name,
            escapes,
            history,
        } => super::script::capture(&cwd, &name, escapes, history),
        Command::Wait {
            name,
            until,
            any_needs_me,
            timeout,
        } => super::script::wait(&cwd, name.as_deref(), until, any_needs_me, timeout),
        Command::Events { json } => super::script::events(&cwd, json),
        Command::Job { command } => super::job::job(&cwd, command),
        Command::Config { command } => match command {
            None => config_show(&cwd),
            Some(ConfigCommand::Check { file }) => config_check(&cwd, file.as_deref()),
            Some(ConfigCommand::Reference) => {
                print!("{}", config::reference::markdown());
                Ok(())
            }
        },
    }
}

/// The repository at `cwd` with its effective config.
pub(super) fn context(cwd: &Path) -> anyhow::Result<workspace::Context> {
    let git = Git::from_path()?;
    let repo = Repo::discover(&git, cwd)?;
    let paths = Paths::from_env()?;
    let config = config::load(&paths, Some(&repo.root))?.config;
    Ok(workspace::Context {
        git,
        repo,
        config,
        store: Store::new(paths.state_file()),
        paths,
    })
}

/// `grove new`: the server creates the workspace and runs its agent.
fn new(
    cwd: &Path,
    name: String,
    agent: Option<String>,
    prompt: Option<String>,
    base: Option<String>,
) -> anyhow::Result<()> {
    WorkspaceName::parse(&name)?;
    let request = Request::New {
        cwd: cwd.to_owned(),
        name,
        agent,
        prompt,
        base,
    };
    let response = remote::request(&Paths::from_env()?, Start::IfNeeded, request)?;
    let response = response.map(remote::check).transpose()?;
    let Some(Response::Created { workspace }) = response else {
        anyhow::bail!("unexpected answer from the server: {response:?}");
    };
    println!(
        "created workspace {} on branch {} from {}, running {} (GROVE_PORT={})",
        workspace.name,
        workspace.branch,
        workspace.base,
        workspace.agent.as_deref().unwrap_or("its agent"),
        workspace.port
    );
    println!("  {}", workspace.path.display());
    Ok(())
}

/// `grove ls`: from the server when one runs (with each agent's state),
/// otherwise from the records, every agent stopped.
fn ls(cwd: &Path, json: bool) -> anyhow::Result<()> {
    let paths = Paths::from_env()?;
    let repo = remote::repo_root(cwd);
    let asked = remote::request(&paths, Start::Never, Request::List { repo: repo.clone() })?;
    let workspaces = match asked.map(remote::check).transpose()? {
        Some(Response::Listing { workspaces }) => workspaces,
        None => offline_listing(&paths, repo.as_deref())?,
        Some(other) => anyhow::bail!("unexpected answer from the server: {other:?}"),
    };
    if json {
        let entries: Vec<_> = workspaces.iter().map(remote::info_json).collect();
        let listing = serde_json::json!({ "workspaces": entries });
        println!("{}", serde_json::to_string_pretty(&listing)?);
        return Ok(());
    }
    if workspaces.is_empty() {
        match &repo {
            Some(root) => println!(
                "no workspaces in {}; create one with `grove new NAME`",
                root.display()
            ),
            None => println!("no workspaces; create one with `grove new NAME` in a repository"),
        }
        return Ok(());
    }
    print!("{}", listing_table(&workspaces));
    Ok(())
}

fn offline_listing(paths: &Paths, repo: Option<&Path>) -> anyhow::Result<Vec<WorkspaceInfo>> {
    let state = Store::new(paths.state_file()).load()?;
    Ok(state
        .workspaces
        .into_iter()
        .filter(|w| repo.is_none_or(|r| w.repo == r))
        .filter(|w| w.phase == Phase::Ready)
        .map(|w| WorkspaceInfo {
            name: w.name,
            repo: w.repo,
            path: w.path,
            branch: w.branch,
            base: w.base,
            agent: w.agent,
            status: AgentStatus::Stopped,
            state: None,
            port: w.port,
            created: w.created,
            git: None,
        })
        .collect())
}

fn listing_table(workspaces: &[WorkspaceInfo]) -> String {
    let rows: Vec<[String; 6]> = workspaces
        .iter()
        .map(|w| {
            [
                w.name.clone(),
                w.agent.clone().unwrap_or_else(|| "-".to_owned()),
                remote::state_word(w).to_owned(),
                w.branch.clone(),
                w.base.clone(),
                w.path.display().to_string(),
            ]
        })
        .collect();
    let header = ["NAME", "AGENT", "STATE", "BRANCH", "BASE", "PATH"].map(str::to_owned);
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (cell, width) in row.iter().zip(&widths) {
            out.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(&row[5]);
        out.push('\n');
    }
    out
}

fn kill(cwd: &Path, name: String) -> anyhow::Result<()> {
    WorkspaceName::parse(&name)?;
    let repo = remote::require_repo(cwd)?;
    let response = remote::request(
        &Paths::from_env()?,
        Start::Never,
        Request::Kill { repo, name },
    )?;
    match response.map(remote::check).transpose()? {
        Some(Response::Killed { name }) => {
            println!("stopped the agent in {name}; its worktree and branch stay");
            Ok(())
        }
        Some(other) => anyhow::bail!("unexpected answer from the server: {other:?}"),
        None => anyhow::bail!("no grove server is running, so no agent is either"),
    }
}

fn send(cwd: &Path, name: String, text: Option<String>, no_enter: bool) -> anyhow::Result<()> {
    WorkspaceName::parse(&name)?;
    let text = match text.as_deref() {
        None | Some("-") => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("cannot read the prompt from stdin")?;
            // A trailing newline from `echo` or a file is not part of the prompt.
            text.trim_end_matches('\n').to_owned()
        }
        Some(text) => text.to_owned(),
    };
    if text.is_empty() {
        return Err(super::exit::KnownFailure {
            message: "the prompt is empty; give TEXT or pipe it in".to_owned(),
            kind: FailureKind::Usage,
        }
        .into());
    }
    let repo = remote::require_repo(cwd)?;
    let enter = match no_enter {
        true => SendEnter::Skip,
        false => SendEnter::Press,
    };
    let request = Request::Send {
        repo,
        name,
        text,
        enter,
    };
    match remote::request(&Paths::from_env()?, Start::Never, request)?
        .map(remote::check)
        .transpose()?
    {
        Some(Response::Sent { name }) => {
            println!("typed the prompt into {name}");
            Ok(())
        }
        Some(other) => anyhow::bail!("unexpected answer from the server: {other:?}"),
        None => anyhow::bail!("no grove server is running, so no agent is either"),
    }
}

fn trust(cwd: &Path) -> anyhow::Result<()> {
    let git = Git::from_path()?;
    let repo = Repo::discover(&git, cwd)?;
    let store = workspace::trust::TrustStore::new(&Paths::from_env()?);
    if !store.trust(&git, &repo.root)? {
        println!(
            "{} has no .grove.yaml; nothing to trust",
            repo.root.display()
        );
        return Ok(());
    }
    let commands = config::repository_setup(&repo.root);
    match commands.as_slice() {
        [] => println!(
            "trusted {}/.grove.yaml (it runs no setup commands)",
            repo.root.display()
        ),
        commands => {
            println!(
                "trusted {}/.grove.yaml; new worktrees will run:",
                repo.root.display()
            );
            for command in commands {
                println!("  {command}");
            }
        }
    }
    Ok(())
}

fn send_keys(cwd: &Path, name: String, keys: Vec<String>) -> anyhow::Result<()> {
    WorkspaceName::parse(&name)?;
    for key in &keys {
        crate::ui::keymap::key_event(key).map_err(|_| super::exit::KnownFailure {
            message: format!("{key:?} is not a key; write e.g. Enter, Esc, y, C-c, S-Tab, Up"),
            kind: FailureKind::Usage,
        })?;
    }
    let repo = remote::require_repo(cwd)?;
    let request = Request::Keys { repo, name, keys };
    match remote::request(&Paths::from_env()?, Start::Never, request)?
        .map(remote::check)
        .transpose()?
    {
        Some(Response::Sent { name }) => {
            println!("pressed the keys in {name}");
            Ok(())
        }
        Some(other) => anyhow::bail!("unexpected answer from the server: {other:?}"),
        None => anyhow::bail!("no grove server is running, so no agent is either"),
    }
}

fn kill_server() -> anyhow::Result<()> {
    let paths = Paths::from_env()?;
    // The server answers once its agents are stopped, then closes; a command
    // run right after this one must not reach it while it closes.
    let server = std::fs::read_to_string(paths.server_lock_path())
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok());
    let response = match remote::request(&paths, Start::Never, Request::KillServer) {
        Ok(response) => response,
        Err(err) if remote::is_version_mismatch(&err) => {
            // An older grove's server cannot read our request; SIGTERM stops
            // it the same way.
            let pid = remote::terminate_server_by_lock(&paths)?;
            println!("stopped the grove server (pid {pid}) from another grove version");
            return Ok(());
        }
        Err(err) => return Err(err),
    };
    match response.map(remote::check).transpose()? {
        Some(_) => {
            if let Some(pid) = server {
                wait_gone(pid);
            }
            println!(
                "stopped the grove server and its agents; their workspaces stay, and Enter on one in `grove` starts its agent again"
            );
            Ok(())
        }
        None => anyhow::bail!("no grove server is running"),
    }
}

/// Waits (at most a few seconds: it has already answered) for the server
/// process `pid` to be gone.
fn wait_gone(pid: u32) {
    const LONGEST: std::time::Duration = std::time::Duration::from_secs(5);
    const STEP: std::time::Duration = std::time::Duration::from_millis(10);
    let deadline = std::time::Instant::now() + LONGEST;
    while crate::sys::process_runs(pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(STEP);
    }
}

/// `grove stats`: what the server has done since it started.
fn stats(json: bool) -> anyhow::Result<()> {
    let response = remote::request(&Paths::from_env()?, Start::Never, Request::Stats)?;
    let Some(Response::Stats { stats }) = response.map(remote::check).transpose()? else {
        anyhow::bail!("no grove server is running");
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        println!(
            "wakeups {}  frames {} ({} bytes, {} full redraws, {} skipped)  git reads {}",
            stats.wakeups,
            stats.frames,
            stats.bytes,
            stats.full_redraws,
            stats.skipped,
            stats.git_reads
        );
    }
    Ok(())
}

/// `grove server`: leaves the terminal's session (unless `--foreground`, for
/// debugging), logs to stderr (the log file when the client started it), and
/// serves until `kill-server`.
fn server(foreground: bool) -> anyhow::Result<()> {
    if !foreground {
        crate::server::daemon::detach_from_terminal()?;
    }
    crate::server::run(Paths::from_env()?)
}

fn snapshot(cwd: &Path, name: &str) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(cwd)?;
    let snapshot = workspace::snapshot(&ctx, &name)?;
    println!("saved {} as {}", name, snapshot.refname);
    Ok(())
}

pub(super) fn rm(cwd: &Path, name: &str, force: bool) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let repo = remote::require_repo(cwd)?;
    // A running server may have the workspace's agent: it stops it first.
    let request = Request::Remove {
        repo,
        name: name.to_string(),
        force,
    };
    match remote::request(&Paths::from_env()?, Start::Never, request)? {
        Some(response) => {
            let response = remote::check(response)?;
            let Response::Removed { summary } = response else {
                anyhow::bail!("unexpected answer from the server: {response:?}");
            };
            println!("{summary}");
        }
        None => {
            let ctx = context(cwd)?;
            let mode = match force {
                true => RemoveMode::Force,
                false => RemoveMode::Safe,
            };
            let removal = workspace::remove(&ctx, &name, mode)?;
            println!("{}", workspace::removal_summary(&name, &removal));
        }
    }
    Ok(())
}

fn restore(cwd: &Path, name: &str, at: Option<u64>, list: bool, json: bool) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(cwd)?;
    if list {
        let all = crate::git::snapshot::list(&ctx.repo, name.as_str())?;
        if json {
            let entries: Vec<serde_json::Value> = all
                .iter()
                .map(
                    |s| serde_json::json!({ "time": s.time, "commit": s.commit, "ref": s.refname }),
                )
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({ "snapshots": entries }))?
            );
            return Ok(());
        }
        if all.is_empty() {
            println!("no snapshots of workspace {name}");
        }
        for snapshot in all {
            println!(
                "{}  {}  {}",
                snapshot.time,
                &snapshot.commit[..snapshot.commit.len().min(10)],
                snapshot.refname
            );
        }
        return Ok(());
    }
    let snapshot = workspace::pick_snapshot(&ctx, &name, at)?;
    let record = workspace::restore(&ctx, &name, &snapshot)?;
    // A running server re-reads the records when asked for them, so attached
    // dashboards show the workspace again.
    let _ = remote::request(&ctx.paths, Start::Never, Request::List { repo: None });
    println!(
        "restored workspace {} on branch {} from {}",
        record.name, record.branch, snapshot.refname
    );
    println!("  {}", record.path.display());
    Ok(())
}

/// The repository around `cwd`, if there is one; the config commands work
/// outside repositories too, with the repository layer absent.
fn repo_root(cwd: &Path) -> Option<PathBuf> {
    let git = Git::from_path().ok()?;
    Repo::discover(&git, cwd).ok().map(|repo| repo.root)
}

fn config_show(cwd: &Path) -> anyhow::Result<()> {
    let paths = Paths::from_env()?;
    let loaded = config::load(&paths, repo_root(cwd).as_deref())?;
    print!("{}", loaded.render_annotated());
    Ok(())
}

fn config_check(cwd: &Path, file: Option<&Path>) -> anyhow::Result<()> {
    if let Some(file) = file {
        config::check_file(file)?;
        println!("{}: ok", file.display());
        return Ok(());
    }
    let paths = Paths::from_env()?;
    let loaded = config::load(&paths, repo_root(cwd).as_deref())?;
    for layer in &loaded.layers {
        match layer.presence {
            config::Presence::Found => println!("{}: ok", layer.source),
            config::Presence::Missing => println!("{}: not found (skipped)", layer.source),
        }
    }
    Ok(())
}
