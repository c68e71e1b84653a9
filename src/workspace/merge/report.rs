//! The merge preview in words: what the command line prints before asking,
//! and what the dashboard's merge box shows.

use super::{FastForward, LineChange, MergeBlock, MergePreview};

/// The preview as the user reads it before answering.
pub fn describe_preview(p: &MergePreview) -> String {
    let mut out = format!("merge {} into {} ({})\n", p.branch, p.base, p.strategy);
    if let Some(MergeBlock::OffBranch { found, own, .. }) = p.off_branch()
        && let Some(checked_out) = found.instead()
    {
        out.push_str(&format!(
            "its worktree is on {checked_out}, not {own}:\n  \
             what was committed there is not part of this merge\n"
        ));
    }
    if p.state.is_merged() {
        return out;
    }
    out.push_str(&format!("{}:\n", commits(p.commits.len())));
    for commit in &p.commits {
        let oid = commit.oid.get(..10).unwrap_or(&commit.oid);
        out.push_str(&format!("  {oid} {}\n", commit.summary));
    }
    let noun = match p.files.len() {
        1 => "file",
        _ => "files",
    };
    out.push_str(&format!("{} {noun} changed:\n", p.files.len()));
    for file in &p.files {
        let lines = match file.lines {
            LineChange::Text { added, removed } => format!("+{added} -{removed}"),
            LineChange::Binary => "binary".to_owned(),
        };
        let from = match &file.from {
            Some(from) => format!(" (from {})", from.display()),
            None => String::new(),
        };
        out.push_str(&format!("  {}{from}  {lines}\n", file.path.display()));
    }
    let conflicts = match p.conflicts.as_slice() {
        [] => "none".to_owned(),
        paths => paths_list(paths),
    };
    out.push_str(&format!("predicted conflicts: {conflicts}\n"));
    match p.fast_forward {
        FastForward::Possible => out.push_str("fast-forward: possible\n"),
        FastForward::Impossible { behind } => out.push_str(&format!(
            "fast-forward: not possible ({} has {} {} lacks)\n",
            p.base,
            commits(behind),
            p.branch
        )),
    }
    out.push_str(&format!("runs {}\n", p.place));
    if !p.uncommitted.is_empty() {
        out.push_str(&format!(
            "uncommitted in the workspace (never merged): {}\n",
            paths_list(&p.uncommitted)
        ));
    }
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
