//! Creating a workspace: validate, record, add the worktree on a new branch,
//! provision it, run setup. Any failure undoes every finished step.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use super::rollback::{Rollback, Undo};
use super::setup::{self, SetupEnv};
use super::{Context, WorkspaceError, WorkspaceName, occupied};
use crate::git::worktree::{self, BranchSource};
use crate::state::{Phase, WorkspaceRecord};

/// What to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    pub name: WorkspaceName,
    /// The ref to start from; `None` means the branch checked out in `from_dir`.
    pub base: Option<String>,
    /// The directory the request came from (a worktree of the repository).
    pub from_dir: PathBuf,
    /// The agent profile that will run in it, recorded with the workspace
    /// (so a restarted server resumes the same agent) in the write that
    /// finishes its creation rather than in one more.
    pub agent: Option<String>,
}

/// Creates the workspace and returns its record.
pub fn create(ctx: &Context, request: &CreateRequest) -> Result<WorkspaceRecord, WorkspaceError> {
    let name = request.name.as_str();
    super::recover::clear_half_made(ctx, &request.name)?;
    let branch = ctx.branch_for(&request.name);
    check_branch_name(&branch)?;
    let base = match &request.base {
        Some(base) => base.clone(),
        None => ctx.repo.current_branch(&ctx.git, &request.from_dir)?,
    };
    let start =
        ctx.repo
            .resolve_commit(&ctx.git, &base)?
            .ok_or_else(|| WorkspaceError::MissingBase {
                base: base.clone(),
                repo: ctx.repo.root.clone(),
            })?;
    if let Ok(existing) = ctx.find(&request.name) {
        return Err(WorkspaceError::Exists {
            name: name.to_owned(),
            path: existing.path,
        });
    }
    if ctx.repo.branch_exists(&branch)? {
        return Err(WorkspaceError::BranchExists {
            branch,
            repo: ctx.repo.root.clone(),
        });
    }
    let root = ctx.worktree_root();
    ctx.make_worktree_dir(&root)?;
    let path = root.canonicalize().unwrap_or(root).join(name);
    if occupied(&path) {
        return Err(WorkspaceError::PathTaken { path });
    }

    require_trust(ctx)?;
    // Held until the rollback below has run or been committed.
    let _operation = ctx.store.operation().map_err(WorkspaceError::State)?;
    let mut rollback = Rollback::new(ctx);
    let record = reserve(ctx, &request.name, &path, &branch, &base, Some(&start))?;
    rollback.push(Undo::Record {
        name: name.to_owned(),
    });

    rollback.push(Undo::Branch {
        branch: branch.clone(),
        at: start.clone(),
    });
    rollback.push(Undo::Worktree { path: path.clone() });
    worktree::add(
        &ctx.git,
        &ctx.repo,
        &path,
        &branch,
        BranchSource::New { start: &start },
        &lock_reason(name),
    )?;

    let mut record = record;
    record.agent.clone_from(&request.agent);
    let record = finish_setup(ctx, record)?;
    rollback.commit();
    Ok(record)
}

/// Setup commands the repository's own `.grove.yaml` asks for run only once
/// the user has trusted that file (`grove trust`).
pub(super) fn require_trust(ctx: &Context) -> Result<(), WorkspaceError> {
    let from_repository = crate::config::repository_setup(&ctx.repo.root);
    if from_repository.is_empty() || ctx.config.workspace.setup != from_repository {
        return Ok(());
    }
    let store = super::trust::TrustStore::new(&ctx.paths);
    let trusted = store
        .is_trusted(&ctx.git, &ctx.repo.root)
        .map_err(|error| WorkspaceError::Config {
            key: "workspace.setup".to_owned(),
            message: format!("{error:#}"),
        })?;
    if trusted {
        return Ok(());
    }
    Err(WorkspaceError::Untrusted {
        file: ctx.repo.root.join(crate::config::REPOSITORY_FILE),
        commands: from_repository,
    })
}

/// Provisions files, runs the setup commands and marks the record ready; shared
/// by create and restore.
pub(super) fn finish_setup(
    ctx: &Context,
    mut record: WorkspaceRecord,
) -> Result<WorkspaceRecord, WorkspaceError> {
    require_trust(ctx)?;
    record.provisioned = setup::provision(&ctx.config.workspace, &ctx.repo, &record.path)?;
    let env = SetupEnv {
        workspace: &record.name,
        branch: &record.branch,
        repo: &ctx.repo.root,
        worktree: &record.path,
        port: record.port,
    };
    setup::run_hooks(&ctx.config.workspace.setup, &env)?;
    record.phase = Phase::Ready;
    let saved = record.clone();
    ctx.store
        .update(|state| {
            match state
                .workspaces
                .iter_mut()
                .find(|w| w.repo == saved.repo && w.name == saved.name)
            {
                Some(slot) => *slot = saved,
                None => state.workspaces.push(saved),
            }
            Ok(())
        })
        .map_err(WorkspaceError::State)?;
    Ok(record)
}

/// Writes the record in phase `Creating`, refusing a name that is taken, and
/// picks the port under the same lock so two creations never share one.
pub(super) fn reserve(
    ctx: &Context,
    name: &WorkspaceName,
    path: &std::path::Path,
    branch: &str,
    base: &str,
    start: Option<&str>,
) -> Result<WorkspaceRecord, WorkspaceError> {
    let outcome = ctx.store.update(|state| {
        if let Some(existing) = state.find(&ctx.repo.root, name.as_str()) {
            return Ok(Err(WorkspaceError::Exists {
                name: name.to_string(),
                path: existing.path.clone(),
            }));
        }
        let taken: Vec<u16> = state.workspaces.iter().map(|w| w.port).collect();
        let range = ctx.config.workspace.ports;
        let Some(port) = setup::pick_port(range, &ctx.repo, name.as_str(), &taken) else {
            return Ok(Err(WorkspaceError::Config {
                key: "workspace.ports".to_owned(),
                message: format!(
                    "every port in {}-{} is taken; widen the range",
                    range.first, range.last
                ),
            }));
        };
        let record = WorkspaceRecord {
            name: name.to_string(),
            repo: ctx.repo.root.clone(),
            path: path.to_owned(),
            branch: branch.to_owned(),
            base: base.to_owned(),
            start: start.map(str::to_owned),
            port,
            agent: None,
            created: unix_now(),
            phase: Phase::Creating,
            provisioned: Vec::new(),
        };
        state.workspaces.push(record.clone());
        Ok(Ok(record))
    });
    outcome.map_err(WorkspaceError::State)?
}

/// git's own ref rules, checked on the full branch name (the prefix comes from
/// the config and is not validated by [`WorkspaceName`]).
fn check_branch_name(branch: &str) -> Result<(), WorkspaceError> {
    // libgit2 applies git's check-ref-format rules in process; `--branch`
    // also refuses a leading dash, which git would read as an option.
    let ok =
        !branch.starts_with('-') && git2::Reference::is_valid_name(&format!("refs/heads/{branch}"));
    if ok {
        return Ok(());
    }
    Err(WorkspaceError::Config {
        key: "workspace.branch_prefix".to_owned(),
        message: format!("{branch:?} is not a valid git branch name"),
    })
}

pub(super) fn lock_reason(name: &str) -> String {
    format!("grove workspace {name} (grove rm {name} removes it)")
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    /// The in-process check agrees with `git check-ref-format --branch`.
    #[test]
    fn branch_names_are_judged_as_git_judges_them() {
        let names = [
            "grove/ok",
            "grove/a-b_c.d",
            "grove/ä",
            "grove/a..b",
            "grove/x.lock",
            "grove/-x",
            "-x",
            "grove/a b",
            "grove/a~b",
            "grove/a^b",
            "grove/a:b",
            "grove/a?b",
            "grove/a*b",
            "grove/a[b",
            "grove/a\\b",
            "grove/@{x}",
            "grove//x",
            "grove/x/",
            "grove/.x",
            "grove/x.",
            "@",
            "grove/a\u{7f}b",
        ];
        for name in names {
            let git = std::process::Command::new("git")
                .args(["check-ref-format", "--branch", name])
                .output()
                .unwrap()
                .status
                .success();
            assert_eq!(super::check_branch_name(name).is_ok(), git, "{name:?}");
        }
    }
}
