//! An item's merge into the integration branch without a checkout, when
//! nothing has the integration branch checked out: `git merge-tree
//! --write-tree`, `commit-tree`, then `update-ref` from the tip it merged
//! into. Kept apart from the rest of finishing an item because it is the one
//! step that moves a branch the user may look at.

use anyhow::Context as _;

use crate::workspace::Context;

/// How an item's merge went.
pub(super) enum Merge {
    Done,
    Conflict(Vec<String>),
}

/// Merges the item's branch into the integration branch without a
/// checkout: `git merge-tree --write-tree`, `commit-tree`, then `update-ref`
/// from the tip it merged into (the merge lock makes that the current
/// one). `None` when the integration branch is checked out somewhere: then
/// the ordinary merge, which keeps that checkout in step, does it.
pub(super) fn merge_without_checkout(
    ctx: &Context,
    record: &crate::state::WorkspaceRecord,
    message: &str,
) -> anyhow::Result<Option<Merge>> {
    let root = &ctx.repo.root;
    let base_ref = format!("refs/heads/{}", record.base);
    if crate::git::worktree::branch_checked_out(&ctx.git, &ctx.repo, &base_ref)? {
        return Ok(None);
    }
    let missing =
        |branch: &str| anyhow::anyhow!("the branch {branch} is gone from {}", root.display());
    let base_tip = ctx
        .repo
        .branch_tip(&record.base)?
        .ok_or_else(|| missing(&record.base))?;
    let branch_tip = ctx
        .repo
        .branch_tip(&record.branch)?
        .ok_or_else(|| missing(&record.branch))?;
    let merged = branch_tip == base_tip
        || ctx
            .repo
            .open()?
            .graph_descendant_of(base_tip, branch_tip)
            .with_context(|| {
                format!(
                    "cannot compare {} with {} in {}",
                    record.branch,
                    record.base,
                    root.display()
                )
            })?;
    if merged {
        return Ok(Some(Merge::Done));
    }
    let (base, branch) = (base_tip.to_string(), branch_tip.to_string());
    let output = ctx.git.output(
        root,
        [
            "merge-tree",
            "--write-tree",
            "--name-only",
            "--no-messages",
            &base,
            &branch,
        ],
    )?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines();
    let tree = lines.next().unwrap_or_default().trim().to_owned();
    match output.status.code() {
        Some(0) => {}
        Some(1) => {
            let paths = lines
                .take_while(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            return Ok(Some(Merge::Conflict(paths)));
        }
        _ => anyhow::bail!(
            "git merge-tree {base} {branch} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    }
    let commit = ctx.git.run(
        root,
        [
            "commit-tree",
            &tree,
            "-p",
            &base,
            "-p",
            &branch,
            "-m",
            message,
        ],
    )?;
    ctx.git.run(
        root,
        ["update-ref", "-m", message, &base_ref, &commit, &base],
    )?;
    Ok(Some(Merge::Done))
}
