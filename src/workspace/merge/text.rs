//! The words a merge writes: commit messages, the prompt that hands a
//! conflict to the agent, and the parsing of `git diff --numstat`.

use std::path::PathBuf;

use super::Strategy;
use super::block::list;
use super::preview::{FileChange, LineChange, MergePreview};
use crate::git::GitError;
use crate::workspace::Context;

/// The message of the commit a merge or squash makes, unless the user gave
/// one. A squash of one commit keeps that commit's message whole; a squash of
/// several lists their summaries, since their messages would otherwise be lost
/// with the branch.
pub(super) fn commit_message(ctx: &Context, preview: &MergePreview) -> Result<String, GitError> {
    let (branch, base) = (&preview.branch, &preview.base);
    match (preview.strategy, preview.commits.as_slice()) {
        (Strategy::Squash, [only]) => ctx.git.run(
            &ctx.repo.root,
            [
                "log",
                "-1",
                "--no-show-signature",
                "--format=%B",
                only.oid.as_str(),
            ],
        ),
        (Strategy::Squash, commits) => {
            let mut message = format!(
                "Squash-merge {branch} into {base} ({})\n\n",
                super::block::commits(commits.len())
            );
            for commit in commits {
                message.push_str(&format!("* {}\n", commit.summary));
            }
            Ok(message)
        }
        (Strategy::Merge | Strategy::Rebase | Strategy::FastForward, _) => {
            Ok(format!("Merge branch '{branch}' into {base}"))
        }
    }
}

/// What the agent is asked to do about a conflict.
pub(super) fn conflict_prompt(branch: &str, base: &str, paths: &[PathBuf]) -> String {
    format!(
        "Merging {branch} into {base} conflicts in: {}. Please rebase onto {base} (or merge \
         {base} into your branch), resolve the conflicts, run the tests, and commit.",
        list(paths)
    )
}

/// Parses `git diff --numstat -z`: `added TAB removed TAB path NUL`, or for a
/// rename `added TAB removed TAB NUL from NUL to NUL`; binary files count `-`.
pub(super) fn parse_numstat(text: &str) -> Vec<FileChange> {
    let mut changes = Vec::new();
    let mut fields = text.split('\0');
    while let Some(field) = fields.next() {
        let mut parts = field.splitn(3, '\t');
        let (Some(added), Some(removed), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (path, from) = match path {
            "" => {
                let from = fields.next().unwrap_or_default();
                let to = fields.next().unwrap_or_default();
                (PathBuf::from(to), Some(PathBuf::from(from)))
            }
            path => (PathBuf::from(path), None),
        };
        let lines = match (added.parse(), removed.parse()) {
            (Ok(added), Ok(removed)) => LineChange::Text { added, removed },
            (Err(_), _) | (_, Err(_)) => LineChange::Binary,
        };
        changes.push(FileChange { path, from, lines });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numstat_with_renames_and_binaries() {
        let text = [
            "1\t2\ta b.txt",
            "-\t-\tdata.bin",
            "0\t0\t",
            "old.rs",
            "new.rs",
            "",
        ]
        .join("\0");
        let changes = parse_numstat(&text);
        assert_eq!(changes.len(), 3);
        assert_eq!(changes[0].path, PathBuf::from("a b.txt"));
        assert_eq!(
            changes[0].lines,
            LineChange::Text {
                added: 1,
                removed: 2
            }
        );
        assert_eq!(changes[1].lines, LineChange::Binary);
        assert_eq!(changes[2].path, PathBuf::from("new.rs"));
        assert_eq!(changes[2].from, Some(PathBuf::from("old.rs")));
    }

    #[test]
    fn prompt_names_branch_base_and_paths() {
        let paths = [PathBuf::from("a.rs"), PathBuf::from("b.rs")];
        let prompt = conflict_prompt("grove/auth", "main", &paths);
        assert!(prompt.starts_with("Merging grove/auth into main conflicts in: a.rs, b.rs."));
        assert!(prompt.contains("rebase onto main"));
    }
}
