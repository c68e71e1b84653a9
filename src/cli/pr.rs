//! `grove pr NAME [--draft]`: push the workspace's branch and open its pull
//! request. Exits 0 once the branch is pushed, even when the pull request
//! has to be opened by hand: the push is the part grove owes, and the output
//! then says exactly what to run.

use std::path::Path;

use super::commands::context;
use crate::workspace::{self, Draft, Gh, ManualReason, PrOutcome, WorkspaceName};

pub fn pr(cwd: &Path, name: &str, draft: bool) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(name)?;
    let ctx = context(cwd)?;
    let draft = match draft {
        true => Draft::Yes,
        false => Draft::No,
    };
    let gh = Gh::find();
    let outcome = workspace::open_pr(&ctx, &name, draft, gh.as_ref())?;
    let pushed = outcome.pushed();
    let short = &pushed.commit[..pushed.commit.len().min(10)];
    println!("pushed {} to {} ({short})", pushed.branch, pushed.remote);
    match &outcome {
        PrOutcome::Created { url, .. } => println!("opened pull request {url}"),
        PrOutcome::Existing { url, .. } => {
            println!("pull request {url} was already open; the push updated it");
        }
        PrOutcome::Manual {
            reason,
            command,
            compare_url,
            ..
        } => {
            let why = match reason {
                ManualReason::NotInstalled => {
                    "gh is not installed (https://cli.github.com), so grove cannot open the pull request"
                }
                ManualReason::NotSignedIn => {
                    "gh is not signed in (`gh auth login`), so grove cannot open the pull request"
                }
            };
            println!("{why}; to open it, run in the repository: {command}");
            if let Some(url) = compare_url {
                println!("or open {url}");
            }
        }
    }
    Ok(())
}
