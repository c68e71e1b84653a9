//! `grove merge NAME`: print the preview, ask (or take `--yes`), merge, and
//! say what happened. A conflict prints the paths and the prompt for the
//! agent on stdout and exits 1 with nothing changed; uncommitted work is a
//! refusal (exit 3) unless `--allow-uncommitted`.
//!
//! The merge runs in this process even when a server runs: it never touches
//! the agent's worktree, so no agent needs stopping. Only `--rm` goes through
//! the server, like `grove rm`, which stops the agent before removing.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;

use super::commands;
use super::exit::KnownFailure;
use crate::protocol::FailureKind;
use crate::workspace::{
    self, ConflictFound, MergeConflict, MergeOptions, MergeOutcome, MergePreview, Merged, Strategy,
    Uncommitted, WorkspaceName,
};

/// The arguments of `grove merge`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Shows the commits, the files and the predicted conflicts, then asks. Runs in the\n\
                  main worktree when it has the base checked out and no changes, otherwise in a\n\
                  temporary worktree. On a conflict nothing changes and a prompt for the agent is\n\
                  printed (exit 1). Refuses while the workspace has uncommitted work (exit 3).\n\n\
                  Examples:\n  grove merge auth\n  grove merge auth --strategy squash --yes --rm"
)]
pub struct MergeArgs {
    /// The workspace whose branch (grove/NAME) to merge into its base.
    pub name: String,
    /// How the commits reach the base (a rebase never rewrites the workspace's branch).
    #[arg(long, value_enum, default_value_t = Strategy::Merge)]
    pub strategy: Strategy,
    /// Merge without asking (required when stdin is not a terminal).
    #[arg(long, short)]
    pub yes: bool,
    /// Then remove the workspace (snapshot first; its branch is deleted, being merged).
    #[arg(long, conflicts_with = "allow_uncommitted")]
    pub rm: bool,
    /// Merge the commits although the workspace has uncommitted work, which stays unmerged.
    #[arg(long)]
    pub allow_uncommitted: bool,
    /// The message of the merge or squash commit.
    #[arg(long, short, value_name = "TEXT")]
    pub message: Option<String>,
}

pub fn merge(cwd: &Path, args: MergeArgs) -> anyhow::Result<()> {
    let name = WorkspaceName::parse(&args.name)?;
    let ask = match (args.yes, std::io::stdin().is_terminal()) {
        (true, _) => Ask::No,
        (false, true) => Ask::Yes,
        (false, false) => {
            return Err(usage(
                "grove merge asks before merging and stdin is not a terminal; pass --yes to merge without asking",
            ));
        }
    };
    match (args.strategy, &args.message) {
        (Strategy::Rebase | Strategy::FastForward, Some(_)) => {
            return Err(usage(
                "--message is for --strategy merge or squash; rebase and ff make no commit of their own",
            ));
        }
        (Strategy::Merge | Strategy::Squash | Strategy::Rebase | Strategy::FastForward, _) => {}
    }
    let uncommitted = match args.allow_uncommitted {
        true => Uncommitted::Allow,
        false => Uncommitted::Refuse,
    };
    let ctx = commands::context(cwd)?;
    let preview = workspace::preview(&ctx, &name, args.strategy)?;
    print!("{}", crate::workspace::describe_preview(&preview));
    let will_merge = !preview.state.is_merged()
        && preview.conflicts.is_empty()
        && preview.first_block(uncommitted).is_none();
    if will_merge && ask == Ask::Yes && !confirm(&preview)? {
        return Err(KnownFailure {
            message: "not merged".to_owned(),
            kind: FailureKind::Failure,
        }
        .into());
    }
    let options = MergeOptions {
        uncommitted,
        message: args.message,
        expected_tip: Some(preview.branch_tip.clone()),
    };
    match workspace::merge(&ctx, &name, args.strategy, &options)? {
        MergeOutcome::Merged(merged) => {
            print!("{}", merged_summary(&name, &merged, args.rm));
            ticket_done(&ctx, &name);
        }
        MergeOutcome::UpToDate { branch, base, .. } => {
            println!("{branch} is already merged into {base}; nothing to do");
        }
        MergeOutcome::Conflict(conflict) => {
            print!("{}", conflict_report(&conflict));
            return Err(KnownFailure {
                message: format!(
                    "merging {} into {} conflicts; nothing was changed",
                    conflict.branch, conflict.base
                ),
                kind: FailureKind::Failure,
            }
            .into());
        }
    }
    if args.rm {
        commands::rm(cwd, name.as_str(), false)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ask {
    Yes,
    No,
}

fn usage(message: &str) -> anyhow::Error {
    KnownFailure {
        message: message.to_owned(),
        kind: FailureKind::Usage,
    }
    .into()
}

/// `Merge 3 commits of grove/auth into main? [y/N]`; anything but y/yes is no.
fn confirm(preview: &MergePreview) -> anyhow::Result<bool> {
    print!(
        "Merge {} of {} into {}? [y/N] ",
        commits(preview.commits.len()),
        preview.branch,
        preview.base
    );
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// The workspace's ticket, if it has one, is done now.
fn ticket_done(ctx: &workspace::Context, name: &WorkspaceName) {
    let store = crate::tickets::TicketStore::new(&ctx.repo.root, &ctx.repo.common_dir);
    match store.workspace_merged(name.as_str()) {
        Ok(Some(id)) => println!("ticket {id} is done"),
        Ok(None) => {}
        Err(error) => eprintln!("warning: cannot mark {name}'s ticket done: {error:#}"),
    }
}

fn merged_summary(name: &WorkspaceName, m: &Merged, removing: bool) -> String {
    let short = |oid: &str| oid.get(..10).unwrap_or(oid).to_owned();
    let mut out = format!(
        "merged {} of {} into {} ({}): {} is now {} (was {})\n",
        commits(m.commits),
        m.branch,
        m.base,
        m.strategy,
        m.base,
        short(&m.new_tip),
        short(&m.old_tip)
    );
    if !m.left_uncommitted.is_empty() {
        out.push_str(&format!(
            "not merged, still in the workspace: {}\n",
            paths_list(&m.left_uncommitted)
        ));
    }
    if !removing {
        out.push_str(&format!(
            "remove the workspace with `grove rm {name}` (a snapshot is kept)\n"
        ));
    }
    out
}

/// What stdout says about a conflict: the paths, that nothing changed, and
/// the prompt to hand to the agent.
fn conflict_report(c: &MergeConflict) -> String {
    let how = match c.found {
        ConflictFound::Predicted => "would conflict",
        ConflictFound::Attempted => "conflicted and was aborted",
    };
    let mut out = format!(
        "merging {} into {} ({}) {how} in:\n",
        c.branch, c.base, c.strategy
    );
    for path in &c.paths {
        out.push_str(&format!("  {}\n", path.display()));
    }
    out.push_str(&format!(
        "nothing was changed: {}, {} and both worktrees are as they were\n\
         to hand the conflict to the agent, type this prompt into its pane:\n\n{}\n",
        c.base, c.branch, c.prompt
    ));
    out
}

fn commits(n: usize) -> String {
    match n {
        1 => "1 commit".to_owned(),
        n => format!("{n} commits"),
    }
}

fn paths_list(paths: &[std::path::PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}
