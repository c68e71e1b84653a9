//! `prefix D`: a workspace's diff against its base, read in a job (it is
//! git) and shown in the client's diff box. Committed and uncommitted work
//! together, as `git diff <merge-base>` sees the worktree, with untracked
//! files named at the end (their content is not part of a diff).

use std::path::Path;

use super::client::{ClientId, ClientOverlay};
use super::jobs::{Failed, JobOutcome, context};
use super::session::Session;
use crate::workspace::WorkspaceName;

/// The most diff lines the box holds; a bigger diff says it was cut.
const MAX_LINES: usize = 50_000;

/// A workspace's diff, one string per line.
fn read_diff(paths: &crate::paths::Paths, repo: &Path, name: &str) -> anyhow::Result<Vec<String>> {
    let ctx = context(paths, repo)?;
    let record = ctx.find(&WorkspaceName::parse(name)?)?;
    let dir = &record.path;
    let base = ctx
        .git
        .run(dir, ["merge-base", record.base.as_str(), "HEAD"])?;
    let diff = ctx.git.run(
        dir,
        [
            "--no-optional-locks",
            "diff",
            "--no-color",
            "--no-ext-diff",
            base.as_str(),
        ],
    )?;
    let mut lines: Vec<String> = diff.lines().take(MAX_LINES).map(str::to_owned).collect();
    if lines.len() == MAX_LINES {
        lines.push(format!(
            "… cut at {MAX_LINES} lines; `git -C {} diff {base}` shows it all",
            dir.display()
        ));
    }
    let untracked = ctx.git.run(
        dir,
        [
            "--no-optional-locks",
            "ls-files",
            "--others",
            "--exclude-standard",
        ],
    )?;
    if !untracked.is_empty() {
        lines.push(String::new());
        lines.push("untracked (not in the diff):".to_owned());
        lines.extend(untracked.lines().map(|l| format!("  {l}")));
    }
    Ok(lines)
}

impl Session {
    pub(super) fn open_diff(&mut self, client: ClientId, repo: Option<&Path>, name: &str) {
        let Some(repo) = repo.map(Path::to_owned) else {
            return;
        };
        let paths = self.paths.clone();
        let name = name.to_owned();
        self.spawn_job(move || JobOutcome::Diff {
            client,
            result: read_diff(&paths, &repo, &name).map_err(Failed::from),
            name,
        });
    }

    pub(super) fn diff_read(
        &mut self,
        id: ClientId,
        name: String,
        result: Result<Vec<String>, Failed>,
    ) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        match result {
            Ok(lines) => {
                client.message = None;
                client.overlay = ClientOverlay::Diff {
                    name,
                    lines,
                    top: 0,
                };
            }
            Err(failed) => client.message = Some(failed.message),
        }
        self.mark_dirty(|c| c.id == id);
    }
}
