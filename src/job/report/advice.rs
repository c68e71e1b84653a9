//! The report's "What to do" section: per kind of failure, and per item,
//! which commands pick the work up again.

use super::text::{code, fenced, one_line, utc};
use super::{Kind, Tally, kind, state_words};
use crate::job::ledger::{ItemRecord, Ledger};

pub(super) fn what_to_do(ledger: &Ledger, out: &mut Vec<String>) {
    let job = &ledger.job;
    let branch = &ledger.branch;
    let file = ledger.file.display().to_string();
    let of = |wanted: Kind| -> Vec<&ItemRecord> {
        ledger.items.iter().filter(|r| kind(r) == wanted).collect()
    };
    let tally = Tally::of(ledger);
    out.push("## What to do".to_owned());
    out.push(String::new());
    if tally.need_you() == 0 && tally.pending == 0 {
        out.push("Nothing: every item is merged.".to_owned());
    } else if tally.need_you() > 0 {
        out.push(format!(
            "Run these in {}. A kept item keeps its workspace (branch `grove/<workspace>`) and, \
             where one is shown, a snapshot ref of its whole working state: if the workspace \
             was removed, `grove restore <workspace>` brings it back.",
            code(&ledger.repo.display().to_string())
        ));
    }

    let conflicts = of(Kind::Conflict);
    if !conflicts.is_empty() {
        group(out, "Conflicts", conflicts.len());
        out.push(format!(
            "These changes collide with items merged before them. Merge by hand into the \
             integration branch, or resolve in the workspace (rebase it onto {} there, or ask \
             its agent to) and then `grove merge <workspace>`, or have the item done again from \
             the current integration branch with `grove job resume {job} --retry`.",
            code(branch)
        ));
        out.push(String::new());
        for record in conflicts {
            item_line(record, out);
            if let Some(workspace) = workspace_of(record) {
                out.push(format!(
                    "  - by hand: `git switch {branch}`, `git merge grove/{workspace}`, resolve, `git commit`"
                ));
                out.push(format!(
                    "  - or, once resolved in the workspace: `grove merge {workspace}`"
                ));
            }
        }
    }

    let out_of_bounds = of(Kind::OutOfBounds);
    if !out_of_bounds.is_empty() {
        group(out, "Out of bounds", out_of_bounds.len());
        out.push(format!(
            "These changed paths they do not own, or a contract file. Look at the change, then \
             either widen `owns` in {} (the change belongs to the item) or revert the stray \
             change in the workspace and commit, and run `grove job resume {job} --retry`.",
            code(&file)
        ));
        out.push(String::new());
        for record in out_of_bounds {
            item_line(record, out);
            if let Some(workspace) = workspace_of(record) {
                out.push(format!(
                    "  - the change: `git diff {branch}...grove/{workspace}` \
                     (or `git log -p {branch}..grove/{workspace}`)"
                ));
            }
        }
    }

    let check_failed = of(Kind::CheckFailed);
    if !check_failed.is_empty() {
        group(out, "Check failed", check_failed.len());
        out.push(format!(
            "The job's `check` command (in {}) failed in the item's worktree. Run it there \
             again to see why (`grove attach`, then the item's pane), fix the item or tell its \
             agent what is wrong, commit, and run `grove job resume {job} --retry`.",
            code(&file)
        ));
        out.push(String::new());
        for record in check_failed {
            item_line(record, out);
            if let Some(output) = record
                .check_output
                .as_deref()
                .filter(|o| !o.trim().is_empty())
            {
                out.push(String::new());
                out.push("  The end of the check's output:".to_owned());
                out.push(String::new());
                fenced(output, out);
            }
        }
    }

    let failed = of(Kind::Failed);
    if !failed.is_empty() {
        group(out, "Timed out or failed", failed.len());
        out.push(format!(
            "The agent ran out of time, exited, changed nothing, or could not be started, on \
             every try. `grove attach` and look at the item's pane to see where it stopped; \
             `grove job resume {job} --retry` tries it again."
        ));
        out.push(String::new());
        for record in failed {
            item_line(record, out);
        }
    }

    let pending = of(Kind::Pending);
    if !pending.is_empty() {
        group(out, "Not finished", pending.len());
        out.push(format!(
            "These were queued or in progress when this report was written. If the run is not \
             going any more (the server stopped or was killed), `grove job resume {job}` picks \
             them up; merged items are never redone."
        ));
        out.push(String::new());
        for record in pending {
            let mut line = format!(
                "- **#{}** {}: {}",
                record.index,
                code(&one_line(&record.item)),
                state_words(record.state)
            );
            if let Some(at) = record.retry_at {
                line.push_str(&format!(", next try at {}", utc(at)));
            }
            if let Some(reason) = record
                .reason
                .as_deref()
                .map(one_line)
                .filter(|r| !r.is_empty())
            {
                line.push_str(&format!(" (last try: {reason})"));
            }
            out.push(line);
        }
    }

    if tally.merged > 0 {
        out.push(String::new());
        out.push("## Next".to_owned());
        out.push(String::new());
        out.push(format!(
            "The merged work is on {}. Review it (`git log -p {}..{branch}`) and merge it into \
             {}, or push it and open a pull request.",
            code(branch),
            ledger.base,
            code(&ledger.base)
        ));
    }
}

fn group(out: &mut Vec<String>, title: &str, count: usize) {
    out.push(String::new());
    out.push(format!("### {title} ({count})"));
    out.push(String::new());
}

/// An item's first line in "What to do", and where its work is kept.
fn item_line(record: &ItemRecord, out: &mut Vec<String>) {
    let reason = record
        .reason
        .as_deref()
        .map(one_line)
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "no reason recorded".to_owned());
    let tries = match record.attempts {
        1 => String::new(),
        n => format!(" ({n} tries)"),
    };
    out.push(format!(
        "- **#{}** {}: {reason}{tries}",
        record.index,
        code(&one_line(&record.item))
    ));
    let mut kept = Vec::new();
    if let Some(workspace) = &record.workspace {
        kept.push(format!("workspace {}", code(workspace)));
    }
    if let Some(snapshot) = &record.snapshot {
        kept.push(format!("snapshot {}", code(snapshot)));
    }
    if record.workspace.is_none()
        && let Some(workspace) = workspace_of(record)
    {
        kept.push(format!(
            "the workspace was removed: `grove restore {workspace}` brings it back"
        ));
    }
    if kept.is_empty() {
        kept.push("no workspace or snapshot kept".to_owned());
    }
    out.push(format!("  - {}", kept.join("; ")));
}

/// The item's workspace, or the one its snapshot was taken of
/// (`refs/grove/snapshots/NAME/<time>`).
fn workspace_of(record: &ItemRecord) -> Option<String> {
    if let Some(workspace) = &record.workspace {
        return Some(workspace.clone());
    }
    let rest = record
        .snapshot
        .as_deref()?
        .strip_prefix("refs/grove/snapshots/")?;
    let (name, _time) = rest.rsplit_once('/')?;
    (!name.is_empty()).then(|| name.to_owned())
}
