//! One function per subcommand: build the context, call the library, print.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::{Args, Command, ConfigCommand};
use crate::config;
use crate::git::{Git, Repo};
use crate::paths::Paths;
use crate::state::{Store, WorkspaceRecord};
use crate::workspace::{self, BranchOutcome, CreateRequest, RemoveMode, WorkspaceName};

pub fn run(args: Args) -> anyhow::Result<()> {
    let cwd = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    match args.command {
        Command::New { name, base } => new(&cwd, &name, base),
        Command::Ls { json } => ls(&cwd, json),
        Command::Snapshot { name } => snapshot(&cwd, &name),
        Command::Rm { name, force } => rm(&cwd, &name, force),
        Command::Restore { name, at, list } => restore(&cwd, &name, at, list),
        Command::Config { command } => match command {
            None => config_show(&cwd),
            Some(ConfigCommand::Check { file }) => config_check(&cwd, file.as_deref()),
        },
    }
}

/// The repository at `cwd` with its effective config.
fn context(cwd: &Path) -> anyhow::Result<workspace::Context> {
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

fn new(cwd: &Path, name: &str, base: Option<String>) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(cwd)?;
    let request = CreateRequest {
        name,
        base,
        from_dir: cwd.to_owned(),
    };
    let record = workspace::create(&ctx, &request)?;
    println!(
        "created workspace {} on branch {} from {} (GROVE_PORT={})",
        record.name, record.branch, record.base, record.port
    );
    println!("  {}", record.path.display());
    Ok(())
}

fn ls(cwd: &Path, json: bool) -> anyhow::Result<()> {
    let ctx = context(cwd)?;
    let workspaces = ctx.list()?;
    if json {
        println!("{}", listing_json(&workspaces)?);
        return Ok(());
    }
    if workspaces.is_empty() {
        println!(
            "no workspaces in {}; create one with `grove new NAME`",
            ctx.repo.root.display()
        );
        return Ok(());
    }
    print!("{}", listing_table(&workspaces));
    Ok(())
}

/// The `--json` form of `grove ls`. Field names are part of grove's interface
/// (documented in docs/cli.md): add fields, never rename them.
fn listing_json(workspaces: &[WorkspaceRecord]) -> anyhow::Result<String> {
    let entries: Vec<serde_json::Value> = workspaces
        .iter()
        .map(|w| {
            serde_json::json!({
                "name": w.name,
                "repo": w.repo,
                "path": w.path,
                "branch": w.branch,
                "base": w.base,
                "port": w.port,
                "created": w.created,
                "phase": w.phase,
            })
        })
        .collect();
    Ok(serde_json::to_string_pretty(
        &serde_json::json!({ "workspaces": entries }),
    )?)
}

fn listing_table(workspaces: &[WorkspaceRecord]) -> String {
    let rows: Vec<[String; 5]> = workspaces
        .iter()
        .map(|w| {
            [
                w.name.clone(),
                w.branch.clone(),
                w.base.clone(),
                w.port.to_string(),
                w.path.display().to_string(),
            ]
        })
        .collect();
    let header = ["NAME", "BRANCH", "BASE", "PORT", "PATH"].map(str::to_owned);
    let widths: Vec<usize> = (0..4)
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
        out.push_str(&row[4]);
        out.push('\n');
    }
    out
}

fn snapshot(cwd: &Path, name: &str) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(cwd)?;
    let snapshot = workspace::snapshot(&ctx, &name)?;
    println!("saved {} as {}", name, snapshot.refname);
    Ok(())
}

fn rm(cwd: &Path, name: &str, force: bool) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(cwd)?;
    let mode = match force {
        true => RemoveMode::Force,
        false => RemoveMode::Safe,
    };
    let removal = workspace::remove(&ctx, &name, mode)?;
    match &removal.snapshot {
        Some(snapshot) => println!(
            "removed workspace {name}; its files are saved as {}",
            snapshot.refname
        ),
        None => println!("removed workspace {name} (its directory was already gone)"),
    }
    match removal.branch {
        BranchOutcome::Deleted => println!("deleted branch {} (merged)", removal.record.branch),
        BranchOutcome::Kept => println!(
            "kept branch {}: it has work its base lacks",
            removal.record.branch
        ),
    }
    println!("bring it back with `grove restore {name}`");
    Ok(())
}

fn restore(cwd: &Path, name: &str, at: Option<u64>, list: bool) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(cwd)?;
    if list {
        let all = crate::git::snapshot::list(&ctx.repo, name.as_str())?;
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
