//! What happens to an item once its agent is done, as one blocking job:
//! commit what the agent left uncommitted, check the boundary (only owned
//! paths changed, no contract file), run the check, merge into the
//! integration branch (one item at a time, under the run's merge lock), and
//! remove the workspace after a merge (snapshot first). An item that is not
//! merged keeps its workspace and gets a snapshot, so nothing is lost.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use anyhow::Context as _;

use super::changes::{self, Changes};
use super::ledger::{CheckResult, ItemState};
use super::merge::{Merge, merge_without_checkout};
use super::{Item, JobSpec};
use crate::workspace::checkout::checkout;
use crate::workspace::{
    self, Context, MergeOptions, MergeOutcome, RemoveMode, Strategy, Uncommitted, WorkspaceName,
};

/// The most lines of a failed check's output kept in the ledger.
const CHECK_TAIL_LINES: usize = 40;

/// How an item ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub state: ItemState,
    pub reason: Option<String>,
    pub diffstat: Option<String>,
    pub check: CheckResult,
    pub check_output: Option<String>,
    pub snapshot: Option<String>,
    /// Whether the workspace still exists (not merged, so kept).
    pub kept: Kept,
}

/// Whether an item's workspace is still there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Kept,
    Removed,
}

/// Checks and merges one done item. Errors are for what should not fail
/// (git itself); a failed check or a conflict is a [`Finished`] state.
pub fn finish_item(
    ctx: &Context,
    spec: &JobSpec,
    item: &Item,
    name: &WorkspaceName,
    merge_lock: &Mutex<()>,
) -> anyhow::Result<Finished> {
    let record = ctx.find(name)?;
    let worktree = record.path.clone();
    // The done marker says "finished"; it is not part of the work.
    let marker = spec.done_file(item);
    if let Some(marker) = &marker {
        let path = worktree.join(marker);
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| {
                anyhow::anyhow!("cannot remove the done marker {}: {e}", path.display())
            })?;
        }
    }
    // An agent that switched branch committed where the merge does not
    // look: "changed nothing" would be a lie, and a merge would miss it.
    if let Some(on) = checkout(&worktree, &record.branch)?.instead() {
        return Ok(Finished {
            state: ItemState::Failed,
            reason: Some(format!(
                "the agent left its worktree on {on}, not on {}, so its commits are not on the \
                 item's branch; bring them over there and resume the job",
                record.branch
            )),
            diffstat: None,
            check: CheckResult::None,
            check_output: None,
            snapshot: Some(workspace::snapshot(ctx, name)?.refname),
            kept: Kept::Kept,
        });
    }
    commit_leftovers(ctx, &worktree, spec, item)?;
    let start = record
        .start
        .clone()
        .ok_or_else(|| anyhow::anyhow!("workspace {name} has no recorded start commit"))?;
    let Changes {
        paths: mut changed,
        diffstat,
    } = branch_changes(ctx, &record, &start)?;
    changed.retain(|path| marker.as_deref() != Some(path.as_str()));
    let kept = |state, reason: String, check, check_output| -> anyhow::Result<Finished> {
        let snapshot = workspace::snapshot(ctx, name)?.refname;
        Ok(Finished {
            state,
            reason: Some(reason),
            diffstat: diffstat.clone(),
            check,
            check_output,
            snapshot: Some(snapshot),
            kept: Kept::Kept,
        })
    };
    if changed.is_empty() {
        return kept(
            ItemState::Failed,
            "the agent changed nothing".to_owned(),
            CheckResult::None,
            None,
        );
    }
    if let Some(violation) = boundary_violation(spec, item, &changed) {
        return kept(ItemState::OutOfBounds, violation, CheckResult::None, None);
    }
    let (check, check_output) = match &spec.check {
        None => (CheckResult::None, None),
        Some(command) => run_check(command, &worktree)?,
    };
    if check == CheckResult::Failed {
        let reason = format!("the check `{}` failed", spec.check.as_deref().unwrap_or(""));
        return kept(ItemState::Failed, reason, check, check_output);
    }
    let options = MergeOptions {
        uncommitted: Uncommitted::Refuse,
        message: Some(format!("grove job {}: {}", spec.name, item.value)),
        expected_tip: None,
    };
    let outcome = {
        let _one_at_a_time = merge_lock.lock().unwrap_or_else(|e| e.into_inner());
        match merge_without_checkout(ctx, &record, options.message.as_deref().unwrap_or(""))? {
            Some(merged) => merged,
            None => match workspace::merge(ctx, name, Strategy::Merge, &options)? {
                MergeOutcome::Merged(_) | MergeOutcome::UpToDate { .. } => Merge::Done,
                MergeOutcome::Conflict(conflict) => Merge::Conflict(
                    conflict
                        .paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect(),
                ),
            },
        }
    };
    match outcome {
        Merge::Done => {
            // Merged is merged: a removal that fails leaves the workspace
            // (and says so) but must never send the item round again.
            let (snapshot, kept, reason) = match workspace::remove(ctx, name, RemoveMode::Force) {
                Ok(removal) => (removal.snapshot.map(|s| s.refname), Kept::Removed, None),
                Err(error) => (
                    None,
                    Kept::Kept,
                    Some(format!("merged; removing its workspace failed: {error}")),
                ),
            };
            Ok(Finished {
                state: ItemState::Merged,
                reason,
                diffstat,
                check,
                check_output,
                snapshot,
                kept,
            })
        }
        Merge::Conflict(paths) => {
            let reason = format!(
                "conflicts with items merged before it, in {}",
                paths.join(", ")
            );
            kept(ItemState::Conflict, reason, check, check_output)
        }
    }
}

/// Commits what the agent left in the worktree, as the item's result.
fn commit_leftovers(
    ctx: &Context,
    worktree: &Path,
    spec: &JobSpec,
    item: &Item,
) -> anyhow::Result<()> {
    let status = ctx
        .git
        .run(worktree, ["status", "--porcelain", "--untracked-files=all"])?;
    if status.is_empty() {
        return Ok(());
    }
    ctx.git.run(worktree, ["add", "-A"])?;
    let message = format!(
        "grove job {}: {} (left uncommitted by the agent)",
        spec.name, item.value
    );
    ctx.git.run(worktree, ["commit", "-q", "-m", &message])?;
    Ok(())
}

/// What the item's branch, the commit that will be merged, changed since
/// the workspace was made.
fn branch_changes(
    ctx: &Context,
    record: &crate::state::WorkspaceRecord,
    start: &str,
) -> anyhow::Result<Changes> {
    let root = &ctx.repo.root;
    let tip = ctx.repo.branch_tip(&record.branch)?.ok_or_else(|| {
        anyhow::anyhow!(
            "the branch {} is gone from {}",
            record.branch,
            root.display()
        )
    })?;
    let start = ctx.repo.resolve_commit(&ctx.git, start)?.ok_or_else(|| {
        anyhow::anyhow!("the start commit {start} is gone from {}", root.display())
    })?;
    let start =
        git2::Oid::from_str(&start).with_context(|| format!("{start} is not a commit id"))?;
    changes::between(&ctx.repo.open()?, start, tip)
}

/// Why `changed` breaks the item's boundary: a contract file, or a path it
/// does not own.
pub fn boundary_violation(spec: &JobSpec, item: &Item, changed: &[String]) -> Option<String> {
    let patterns = |list: &[String]| -> Vec<glob::Pattern> {
        list.iter()
            .filter_map(|p| glob::Pattern::new(p).ok())
            .collect()
    };
    let contract = patterns(&spec.contract);
    let owned = patterns(&spec.owned(item));
    let touched_contract: Vec<&String> = changed
        .iter()
        .filter(|p| contract.iter().any(|c| c.matches(p)))
        .collect();
    if !touched_contract.is_empty() {
        return Some(format!(
            "changed the contract file{} {}",
            if touched_contract.len() == 1 { "" } else { "s" },
            join(&touched_contract)
        ));
    }
    let stray: Vec<&String> = changed
        .iter()
        .filter(|p| !owned.iter().any(|o| o.matches(p)))
        .collect();
    if stray.is_empty() {
        return None;
    }
    Some(format!(
        "changed {} outside what it owns ({})",
        join(&stray),
        spec.owned(item).join(", ")
    ))
}

fn join(paths: &[&String]) -> String {
    const SHOWN: usize = 5;
    let mut text: Vec<&str> = paths.iter().take(SHOWN).map(|p| p.as_str()).collect();
    let more = paths.len().saturating_sub(SHOWN);
    let more = format!("and {more} more");
    if paths.len() > SHOWN {
        text.push(&more);
    }
    text.join(", ")
}

/// Runs the check in the worktree; its output's tail is kept when it fails.
fn run_check(command: &str, worktree: &Path) -> anyhow::Result<(CheckResult, Option<String>)> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(worktree)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot run the check `{command}` in {}: {e}",
                worktree.display()
            )
        })?;
    if output.status.success() {
        return Ok((CheckResult::Passed, None));
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(CHECK_TAIL_LINES)..].join("\n");
    Ok((
        CheckResult::Failed,
        Some(format!("{tail}\n({})", output.status)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::Items;
    use crate::job::spec::Done;

    #[test]
    fn the_boundary_is_what_the_item_owns_minus_the_contract() {
        let spec = JobSpec {
            name: "j".into(),
            agent: None,
            items: Items::default(),
            prompt: "p".into(),
            concurrency: 1,
            owns: vec!["{{item}}".into(), "tests/{{slug}}*".into()],
            contract: vec!["src/api.rs".into()],
            check: None,
            timeout: crate::job::spec::Wait::Seconds(60),
            retries: 0,
            backoff: crate::job::spec::Wait::Seconds(1),
            done: Done::default(),
            base: None,
        };
        let item = Item {
            index: 1,
            value: "src/a.rs".into(),
            slug: "src-a-rs".into(),
        };
        let paths = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            boundary_violation(&spec, &item, &paths(&["src/a.rs", "tests/src-a-rs.rs"])),
            None
        );
        assert_eq!(
            boundary_violation(&spec, &item, &paths(&["src/a.rs", "src/b.rs"])).unwrap(),
            "changed src/b.rs outside what it owns (src/a.rs, tests/src-a-rs*)"
        );
        assert_eq!(
            boundary_violation(&spec, &item, &paths(&["src/api.rs"])).unwrap(),
            "changed the contract file src/api.rs"
        );
    }
}
