//! `grove run job.yaml` and `grove job resume | status | report | ls`: the
//! command-line side of orchestrated jobs. The server runs the job; these
//! commands start it, follow it (a progress bar, then a summary table or
//! JSON), and read its ledger.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args as ClapArgs, Subcommand};

use super::exit::KnownFailure;
use super::remote::{self, Start};
use crate::git::{Git, Repo};
use crate::job::JobSpec;
use crate::job::ledger::{self, ItemState, Ledger};
use crate::paths::Paths;
use crate::protocol::{ClientMsg, EventKind, FailureKind, Request, Response, RetryKept, ServerMsg};

/// `grove run` asks the server how the job is doing after each of the job's
/// events, and at least this often in case an event went missing.
const FOLLOW_FALLBACK: Duration = Duration::from_secs(1);

#[derive(Debug, ClapArgs)]
pub struct RunArgs {
    /// The job file (see docs/jobs.md).
    pub file: PathBuf,
    /// Print the items and the first prompt; run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the final summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Start the job and return; it runs on in the server.
    #[arg(long)]
    pub detach: bool,
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Continue a job after a crash, a kill-server or a fix to its file; merged items are never redone.
    #[command(after_help = "Example:\n  grove job resume headers")]
    Resume {
        name: String,
        /// Also try the kept items again (failed, conflict, out of bounds), in their own workspaces.
        #[arg(long)]
        retry: bool,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        detach: bool,
    },
    /// How a job is doing: counts and every item.
    #[command(
        after_help = "Examples:\n  grove job status headers\n  grove job status headers --json"
    )]
    Status {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a Markdown report: every item with its state, reason, diffstat and check, and what to do about failures.
    #[command(
        after_help = "Examples:\n  grove job report headers\n  grove job report headers -o report.md"
    )]
    Report {
        name: String,
        /// Write to this file instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The jobs this repository has run.
    Ls {
        /// Print JSON: {"jobs": [{"name", "branch", "finished", "counts"}]}.
        #[arg(long)]
        json: bool,
    },
}

struct Place {
    root: PathBuf,
    paths: Paths,
}

fn place(cwd: &Path) -> anyhow::Result<Place> {
    let git = Git::from_path()?;
    Ok(Place {
        root: Repo::discover(&git, cwd)?.root,
        paths: Paths::from_env()?,
    })
}

pub fn run(cwd: &Path, args: RunArgs) -> anyhow::Result<()> {
    let file = std::path::absolute(&args.file)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    if args.dry_run {
        return dry_run(cwd, &file);
    }
    let here = place(cwd)?;
    // Checked here too, so a mistake is reported before a server starts.
    let spec = JobSpec::load(&file)?;
    start_and_follow(
        cwd,
        &here,
        &file,
        &spec.name,
        RetryKept::Keep,
        args.json,
        args.detach,
    )
}

pub fn job(cwd: &Path, command: JobCommand) -> anyhow::Result<()> {
    let here = place(cwd)?;
    match command {
        JobCommand::Resume {
            name,
            retry,
            json,
            detach,
        } => {
            let ledger = read_ledger(&here, &name)?;
            let retry = match retry {
                true => RetryKept::Retry,
                false => RetryKept::Keep,
            };
            start_and_follow(cwd, &here, &ledger.file, &name, retry, json, detach)
        }
        JobCommand::Status { name, json } => {
            let ledger = match ask_status(&here, &name)? {
                Some(ledger) => ledger,
                None => read_ledger(&here, &name)?,
            };
            print_summary(&ledger, json)
        }
        JobCommand::Report { name, output } => {
            let ledger = read_ledger(&here, &name)?;
            let text = crate::job::report::markdown(&ledger);
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                    println!("wrote the report of job {name} to {}", path.display());
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        JobCommand::Ls { json } => {
            let dir = ledger::ledger_path(&here.paths.jobs_dir(), &here.root, "x");
            let dir = dir.parent().unwrap_or(Path::new("."));
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter_map(|e| {
                            e.file_name()
                                .to_str()?
                                .strip_suffix(".yaml")
                                .map(str::to_owned)
                        })
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            if json {
                let mut jobs = Vec::new();
                for name in &names {
                    let ledger = read_ledger(&here, name)?;
                    let c = ledger.counts();
                    jobs.push(serde_json::json!({
                        "name": name,
                        "branch": ledger.branch,
                        "finished": ledger.finished.is_some(),
                        "counts": {
                            "total": c.total(), "merged": c.merged, "failed": c.failed,
                            "out_of_bounds": c.out_of_bounds,
                            "conflict": c.conflict, "running": c.running, "checking": c.checking,
                            "queued": c.queued,
                        },
                    }));
                }
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "jobs": jobs }))?
                );
                return Ok(());
            }
            if names.is_empty() {
                println!(
                    "no jobs have run in {}; start one with `grove run job.yaml`",
                    here.root.display()
                );
            }
            for name in names {
                let ledger = read_ledger(&here, &name)?;
                let c = ledger.counts();
                let state = if ledger.finished.is_some() {
                    "finished"
                } else {
                    "not finished"
                };
                println!(
                    "{name}  {}/{} merged, {}, {} conflict  ({state}; branch {})",
                    c.merged,
                    c.total(),
                    failed(&c),
                    c.conflict,
                    ledger.branch
                );
            }
            Ok(())
        }
    }
}

fn read_ledger(here: &Place, name: &str) -> anyhow::Result<Ledger> {
    let path = ledger::ledger_path(&here.paths.jobs_dir(), &here.root, name);
    ledger::load(&path)?.ok_or_else(|| {
        KnownFailure {
            message: format!(
                "no job {name} has run in {}; `grove job ls` lists the jobs",
                here.root.display()
            ),
            kind: FailureKind::Usage,
        }
        .into()
    })
}

fn dry_run(cwd: &Path, file: &Path) -> anyhow::Result<()> {
    let spec = JobSpec::load(file)?;
    let git = Git::from_path()?;
    let repo = Repo::discover(&git, cwd)?;
    let items = spec.items(&repo.root)?;
    println!(
        "job {}: {} item{}, {} at a time, into grove/job/{}",
        spec.name,
        items.len(),
        if items.len() == 1 { "" } else { "s" },
        spec.concurrency,
        spec.name
    );
    for item in &items {
        println!("  {:>4}  {}", item.index, item.value);
    }
    if let Some(first) = items.first() {
        println!(
            "\nfirst prompt ({}):\n{}",
            first.value,
            spec.prompt_for(first)
        );
        println!("\nit may change: {}", spec.owned(first).join(", "));
    }
    Ok(())
}

fn ask_status(here: &Place, name: &str) -> anyhow::Result<Option<Ledger>> {
    let request = Request::JobStatus {
        repo: here.root.clone(),
        name: name.to_owned(),
    };
    match remote::request(&here.paths, Start::Never, request)? {
        Some(Response::JobStatus { ledger }) => Ok(Some(*ledger)),
        Some(_) | None => Ok(None),
    }
}

fn start_and_follow(
    cwd: &Path,
    here: &Place,
    file: &Path,
    name: &str,
    retry: RetryKept,
    json: bool,
    detach: bool,
) -> anyhow::Result<()> {
    let request = Request::RunJob {
        cwd: cwd.to_owned(),
        file: file.to_owned(),
        retry,
    };
    let response = remote::request(&here.paths, Start::IfNeeded, request)?;
    let Some(Response::JobStarted {
        name: started,
        total,
        merged,
    }) = response.map(remote::check).transpose()?
    else {
        anyhow::bail!("unexpected answer from the server while starting job {name}");
    };
    if !json {
        let resumed = match merged {
            0 => String::new(),
            n => format!(" ({n} already merged)"),
        };
        eprintln!(
            "job {started}: {total} items{resumed}; the server runs it, so Ctrl-C here only stops watching"
        );
    }
    if detach {
        println!("job {started} is running; `grove job status {started}` follows it");
        return Ok(());
    }
    let ledger = follow(here, &started, json)?;
    print_summary(&ledger, json)?;
    let counts = ledger.counts();
    if counts.merged < counts.total() {
        return Err(KnownFailure {
            message: format!(
                "{} of {} items were not merged; `grove job report {started}` says why and what to do",
                counts.total() - counts.merged,
                counts.total()
            ),
            kind: FailureKind::Failure,
        }
        .into());
    }
    Ok(())
}

/// Wakes the follower at each event of job `name`: a thread on the server's
/// event stream, a channel of one (a wake already pending is enough).
fn job_wakeups(here: &Place, name: &str) -> std::sync::mpsc::Receiver<()> {
    let (wake, wakeups) = std::sync::mpsc::sync_channel(1);
    let paths = here.paths.clone();
    let repo = here.root.clone();
    let name = name.to_owned();
    std::thread::spawn(move || {
        let first = ClientMsg::Request {
            request: Request::Events { repo: Some(repo) },
        };
        // When the stream ends the channel closes and the follower asks
        // once more, then finds no server.
        let _ = remote::stream(&paths, first, |message| {
            let ServerMsg::Response {
                response: Response::Event { event },
            } = message
            else {
                return Ok(());
            };
            let ours = match &event.kind {
                EventKind::JobItem { job, .. } => *job == name,
                // Dropped events may have been ours.
                EventKind::Lagged { .. } => true,
                EventKind::WorkspaceCreated { .. }
                | EventKind::WorkspaceRemoved { .. }
                | EventKind::Status { .. }
                | EventKind::Git { .. }
                | EventKind::Merged { .. } => false,
            };
            if ours {
                let _ = wake.try_send(());
            }
            Ok(())
        });
    });
    wakeups
}

/// Asks for the ledger until the run is finished, drawing a progress bar.
fn follow(here: &Place, name: &str, json: bool) -> anyhow::Result<Ledger> {
    let tty = std::io::stderr().is_terminal() && !json;
    let mut last = String::new();
    let wakeups = job_wakeups(here, name);
    loop {
        // A server killed while it answers breaks the connection mid-reply;
        // asking again finds it gone (or answers, if it was something else).
        let status = match ask_status(here, name) {
            Ok(status) => status,
            Err(_) => ask_status(here, name)?,
        };
        let Some(ledger) = status else {
            anyhow::bail!(
                "the grove server stopped while job {name} ran; `grove job resume {name}` continues it"
            );
        };
        let line = progress_line(&ledger);
        if line != last && !json {
            match tty {
                true => eprint!("\r\x1b[2K{line}"),
                false => eprintln!("{line}"),
            }
            let _ = std::io::stderr().flush();
            last = line;
        }
        if ledger.finished.is_some() {
            if tty {
                eprintln!();
            }
            return Ok(ledger);
        }
        if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) =
            wakeups.recv_timeout(FOLLOW_FALLBACK)
        {
            // The stream ended (a stopped server): no more wakes to wait for.
            std::thread::sleep(FOLLOW_FALLBACK);
        }
    }
}

fn progress_line(ledger: &Ledger) -> String {
    const WIDTH: usize = 24;
    let c = ledger.counts();
    let total = c.total().max(1);
    let filled = c.finished() * WIDTH / total;
    let waiting = match c.waiting {
        0 => String::new(),
        n => format!(" ({n} waiting for you)"),
    };
    format!(
        "[{}{}] {}/{} done · {} merged · {} running{waiting} · {} checking · {} queued · {} · {} conflict",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        c.finished(),
        c.total(),
        c.merged,
        c.running,
        c.checking,
        c.queued,
        failed(&c),
        c.conflict
    )
}

fn print_summary(ledger: &Ledger, json: bool) -> anyhow::Result<()> {
    if json {
        let items: Vec<serde_json::Value> = ledger
            .items
            .iter()
            .map(|r| {
                serde_json::json!({
                    "index": r.index,
                    "item": r.item,
                    "state": r.state.key(),
                    "attempts": r.attempts,
                    "reason": r.reason,
                    "workspace": r.workspace,
                    "diffstat": r.diffstat,
                    "check": r.check.map(|c| match c {
                        ledger::CheckResult::Passed => "passed",
                        ledger::CheckResult::Failed => "failed",
                        ledger::CheckResult::None => "none",
                    }),
                    "snapshot": r.snapshot,
                })
            })
            .collect();
        let c = ledger.counts();
        let value = serde_json::json!({
            "job": ledger.job,
            "branch": ledger.branch,
            "base": ledger.base,
            "finished": ledger.finished.is_some(),
            "counts": {
                "total": c.total(), "merged": c.merged, "failed": c.failed,
                "out_of_bounds": c.out_of_bounds,
                "conflict": c.conflict, "running": c.running, "checking": c.checking,
                "queued": c.queued,
            },
            "items": items,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(());
    }
    let width = ledger
        .items
        .iter()
        .map(|r| r.item.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 48);
    println!("{:>5}  {:<width$}  {:<13}  REASON", "#", "ITEM", "STATE");
    for r in &ledger.items {
        let item: String = r.item.chars().take(width).collect();
        let reason = match r.state {
            ItemState::Merged => r.diffstat.clone().unwrap_or_default(),
            ItemState::Running if r.asks.is_some() => {
                format!("waiting for you: {}", r.asks.as_deref().unwrap_or_default())
            }
            ItemState::Queued
            | ItemState::Starting
            | ItemState::Running
            | ItemState::Checking
            | ItemState::Failed
            | ItemState::Conflict
            | ItemState::OutOfBounds => r.reason.clone().unwrap_or_default(),
        };
        println!(
            "{:>5}  {item:<width$}  {:<13}  {reason}",
            r.index,
            r.state.key()
        );
    }
    let c = ledger.counts();
    println!(
        "{} of {} merged into {}; {}, {} conflict",
        c.merged,
        c.total(),
        ledger.branch,
        failed(&c),
        c.conflict
    );
    Ok(())
}

/// `3 failed`, or `3 failed (2 out of bounds)`: an item kept out of bounds
/// counts as failed, but no agent failed there and the table says so.
fn failed(c: &ledger::Counts) -> String {
    match c.out_of_bounds {
        0 => format!("{} failed", c.failed),
        n => format!("{} failed ({n} out of bounds)", c.failed),
    }
}
