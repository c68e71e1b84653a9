//! The repository's `check` command, run in a workspace after each new
//! commit. One run per workspace at a time: a newer commit cancels the
//! running one (its whole process group is killed), and at most
//! [`MAX_CHECKS`] run at once across the server. The output's tail is kept
//! for the dashboard to show.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use nix::sys::signal::Signal;

use super::jobs::JobOutcome;
use super::session::Session;
use super::workspaces::WorkspaceKey;
use crate::workspace::readiness::CheckStatus;

/// Checks (test suites) running at once across all workspaces.
pub const MAX_CHECKS: usize = 2;
/// How much of a check's output is kept.
const OUTPUT_TAIL: usize = 64 * 1024;

/// A check in progress.
#[derive(Debug, Clone)]
pub struct CheckRun {
    /// The commit being checked.
    pub head: String,
    /// The check's process group, once started (0 before).
    pub pgid: Arc<AtomicU32>,
}

/// What a finished check reports.
#[derive(Debug)]
pub struct CheckDone {
    pub head: String,
    pub status: CheckStatus,
    pub output: String,
}

impl Session {
    /// Called when a workspace's HEAD is seen to change: starts (or queues)
    /// its check, cancelling one that checks an older commit.
    pub(super) fn commit_seen(&mut self, key: &WorkspaceKey, head: &str, ahead: usize) {
        let Some(entry) = self.git.entries.get_mut(key) else {
            return;
        };
        if entry.checked_head.as_deref() == Some(head) {
            return;
        }
        entry.checked_head = Some(head.to_owned());
        if let Some(run) = entry.check_run.take() {
            cancel(&run);
        }
        if ahead == 0 {
            // Nothing of the workspace's own to check.
            entry.check = CheckStatus::NotConfigured;
            return;
        }
        entry.check = CheckStatus::Pending;
        self.start_checks();
    }

    /// Starts pending checks while there is room.
    pub(super) fn start_checks(&mut self) {
        let running = self
            .git
            .entries
            .values()
            .filter(|e| e.check_run.is_some())
            .count();
        let pending: Vec<WorkspaceKey> = self
            .git
            .entries
            .iter()
            .filter(|(_, e)| e.check == CheckStatus::Pending && e.check_run.is_none())
            .map(|(k, _)| k.clone())
            .take(MAX_CHECKS.saturating_sub(running))
            .collect();
        for key in pending {
            let Some(workspace) = self.table.find(&key.repo, &key.name) else {
                continue;
            };
            let Some(entry) = self.git.entries.get_mut(&key) else {
                continue;
            };
            let Some(head) = entry.checked_head.clone() else {
                continue;
            };
            let run = CheckRun {
                head: head.clone(),
                pgid: Arc::new(AtomicU32::new(0)),
            };
            entry.check = CheckStatus::Running;
            entry.check_run = Some(run.clone());
            let paths = self.paths.clone();
            let worktree = workspace.record.path.clone();
            let repo = key.repo.clone();
            let env = check_env(&workspace.record);
            self.spawn_job(move || {
                let done = match check_command(&paths, &repo) {
                    CheckCommand::None => CheckDone {
                        head,
                        status: CheckStatus::NotConfigured,
                        output: String::new(),
                    },
                    CheckCommand::Untrusted { command } => untrusted(head, &repo, &command),
                    CheckCommand::Run { command } => run_check(&command, &worktree, &env, &run),
                };
                JobOutcome::Checked { key, done }
            });
        }
        self.mark_dirty(|_| true);
    }

    pub(super) fn check_done(&mut self, key: WorkspaceKey, done: CheckDone) {
        let Some(entry) = self.git.entries.get_mut(&key) else {
            return;
        };
        // A result for an older commit (cancelled) changes nothing.
        if entry.check_run.as_ref().map(|r| r.head.as_str()) != Some(done.head.as_str()) {
            return;
        }
        entry.check_run = None;
        entry.check = done.status;
        entry.check_output = done.output;
        self.start_checks();
        self.touch_repo(&key.repo.clone());
    }
}

/// The check a repository asks for, and whether it may run.
enum CheckCommand {
    None,
    Run {
        command: String,
    },
    /// Written by the repository's `.grove.yaml`, which the user has not
    /// trusted: a cloned repository must not run code just because an agent
    /// committed (as its setup commands must not; `workspace::trust`).
    Untrusted {
        command: String,
    },
}

fn check_command(paths: &crate::paths::Paths, repo: &Path) -> CheckCommand {
    let Ok(loaded) = crate::config::load(paths, Some(repo)) else {
        return CheckCommand::None;
    };
    let Some(command) = loaded.config.workspace.check.clone() else {
        return CheckCommand::None;
    };
    let from_repository = match loaded.source_of(&["workspace", "check"]) {
        crate::config::Source::Repository(_) => true,
        crate::config::Source::Builtin
        | crate::config::Source::User(_)
        | crate::config::Source::File(_) => false,
    };
    let trusted = || {
        let git = crate::git::Git::shared().ok()?;
        crate::workspace::trust::TrustStore::new(paths)
            .is_trusted(&git, repo)
            .ok()
    };
    match from_repository && trusted() != Some(true) {
        true => CheckCommand::Untrusted { command },
        false => CheckCommand::Run { command },
    }
}

fn untrusted(head: String, repo: &Path, command: &str) -> CheckDone {
    let file = repo.join(crate::config::REPOSITORY_FILE);
    CheckDone {
        head,
        status: CheckStatus::Failed {
            how: "not run: untrusted, see `grove trust`".to_owned(),
        },
        output: format!(
            "{} asks to run `{command}` after each commit. Read it, then run `grove trust` \
             in the repository to allow that (once per version of the file).\n",
            file.display()
        ),
    }
}

fn check_env(record: &crate::state::WorkspaceRecord) -> Vec<(&'static str, String)> {
    crate::workspace::SetupEnv {
        workspace: &record.name,
        branch: &record.branch,
        repo: &record.repo,
        worktree: &record.path,
        port: record.port,
    }
    .vars()
}

/// Kills a running check's process group.
fn cancel(run: &CheckRun) {
    let pgid = run.pgid.load(Ordering::SeqCst);
    if pgid != 0 {
        let _ = crate::sys::signal_group(pgid, Signal::SIGKILL);
    }
}

/// Runs `command` with `sh -c` in `worktree`, in its own process group so a
/// cancel reaches everything it started; stdout and stderr interleaved.
fn run_check(
    command: &str,
    worktree: &Path,
    env: &[(&'static str, String)],
    run: &CheckRun,
) -> CheckDone {
    use std::os::unix::process::CommandExt as _;
    let script = format!("exec 2>&1\n{command}");
    let spawned = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(worktree)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .process_group(0)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => {
            return CheckDone {
                head: run.head.clone(),
                status: CheckStatus::Failed {
                    how: format!(
                        "cannot run `sh -c {command}` in {}: {error}",
                        worktree.display()
                    ),
                },
                output: String::new(),
            };
        }
    };
    run.pgid.store(child.id(), Ordering::SeqCst);
    let mut output = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 {
                break;
            }
            output.extend_from_slice(&chunk[..n]);
            if output.len() > 2 * OUTPUT_TAIL {
                output.drain(..output.len() - OUTPUT_TAIL);
            }
        }
    }
    let status = match child.wait() {
        Ok(status) if status.success() => CheckStatus::Passed,
        Ok(status) => CheckStatus::Failed {
            how: status.to_string(),
        },
        Err(error) => CheckStatus::Failed {
            how: error.to_string(),
        },
    };
    let start = output.len().saturating_sub(OUTPUT_TAIL);
    CheckDone {
        head: run.head.clone(),
        status,
        output: String::from_utf8_lossy(&output[start..]).into_owned(),
    }
}
