//! Making a fresh worktree usable: untracked files copied or linked in from the
//! main worktree (`.env`, local config, caches), a stable `GROVE_PORT`, and the
//! repository's setup commands.
//!
//! Setup commands are shell strings the user wrote in the config; workspace
//! names and paths reach them only through environment variables, never by
//! text substitution, so nothing a user types as a name is ever parsed by a
//! shell.

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::config::{PortRange, WorkspaceConfig};
use crate::git::Repo;

use super::WorkspaceError;

/// How a provisioned path is placed in the worktree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    Copy,
    Symlink,
}

/// Copies and links the configured untracked paths from the main worktree into
/// `worktree`, skipping any that are missing or already present (a tracked
/// file is never overwritten). Returns the paths placed, relative to the root.
pub fn provision(
    config: &WorkspaceConfig,
    repo: &Repo,
    worktree: &Path,
) -> Result<Vec<PathBuf>, WorkspaceError> {
    let mut placed = Vec::new();
    let lists = [
        (Placement::Copy, &config.copy),
        (Placement::Symlink, &config.symlink),
    ];
    for (placement, patterns) in lists {
        for pattern in patterns {
            for relative in matches(&repo.root, pattern)? {
                let target = worktree.join(&relative);
                if target.symlink_metadata().is_ok() {
                    continue;
                }
                place(placement, &repo.root.join(&relative), &target)?;
                placed.push(relative);
            }
        }
    }
    Ok(placed)
}

/// Paths under `root` matching `pattern`, relative to `root`; never inside
/// `.git` and never outside `root`.
fn matches(root: &Path, pattern: &str) -> Result<Vec<PathBuf>, WorkspaceError> {
    let full = format!(
        "{}/{}",
        glob::Pattern::escape(&root.to_string_lossy()),
        pattern
    );
    let paths = glob::glob(&full).map_err(|err| WorkspaceError::Config {
        key: "workspace.copy / workspace.symlink".to_owned(),
        message: format!("bad pattern {pattern:?}: {err}"),
    })?;
    Ok(paths
        .filter_map(Result::ok)
        .filter_map(|path| path.strip_prefix(root).ok().map(Path::to_owned))
        .filter(|relative| {
            relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
                && !relative.starts_with(".git")
        })
        .collect())
}

fn place(placement: Placement, source: &Path, target: &Path) -> Result<(), WorkspaceError> {
    let io = |action: &str, path: &Path| {
        let action = action.to_owned();
        let path = path.to_owned();
        move |source| WorkspaceError::Io {
            action,
            path,
            source,
        }
    };
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(io("create directory", parent))?;
    }
    match placement {
        Placement::Symlink => {
            std::os::unix::fs::symlink(source, target).map_err(io("symlink", target))
        }
        Placement::Copy => copy_tree(source, target).map_err(io("copy", source)),
    }
}

/// Copies a file, a symlink or a directory tree, keeping permissions.
fn copy_tree(source: &Path, target: &Path) -> std::io::Result<()> {
    let meta = source.symlink_metadata()?;
    if meta.file_type().is_symlink() {
        std::os::unix::fs::symlink(fs::read_link(source)?, target)
    } else if meta.is_dir() {
        fs::create_dir(target)?;
        fs::set_permissions(target, meta.permissions())?;
        for entry in fs::read_dir(source)? {
            let entry = entry?;
            copy_tree(&entry.path(), &target.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        fs::copy(source, target).map(drop)
    }
}

/// Whether an untracked file in the worktree is still exactly what grove put
/// there (so it is not the agent's work).
pub fn unchanged_since_provisioned(repo: &Repo, worktree: &Path, relative: &Path) -> bool {
    let source = repo.root.join(relative);
    let target = worktree.join(relative);
    match fs::read_link(&target) {
        Ok(link) => link == source || fs::read_link(&source).ok() == Some(link),
        Err(_) => match (fs::read(&source), fs::read(&target)) {
            (Ok(a), Ok(b)) => a == b,
            (Ok(_) | Err(_), Ok(_) | Err(_)) => false,
        },
    }
}

/// The environment a workspace's setup commands (and later its agent) see.
#[derive(Debug, Clone)]
pub struct SetupEnv<'a> {
    pub workspace: &'a str,
    pub branch: &'a str,
    pub repo: &'a Path,
    pub worktree: &'a Path,
    pub port: u16,
}

impl SetupEnv<'_> {
    pub fn vars(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GROVE_WORKSPACE", self.workspace.to_owned()),
            ("GROVE_BRANCH", self.branch.to_owned()),
            ("GROVE_REPO", self.repo.display().to_string()),
            ("GROVE_WORKTREE", self.worktree.display().to_string()),
            ("GROVE_PORT", self.port.to_string()),
        ]
    }
}

/// Runs each setup command with `sh -c` in the worktree, stopping at the first
/// failure with its exit status and the tail of its output.
pub fn run_hooks(commands: &[String], env: &SetupEnv<'_>) -> Result<(), WorkspaceError> {
    for command in commands {
        let output = Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(env.worktree)
            .envs(env.vars())
            .stdin(Stdio::null())
            .output()
            .map_err(|source| WorkspaceError::Io {
                action: format!("run setup command `{command}`"),
                path: env.worktree.to_owned(),
                source,
            })?;
        if !output.status.success() {
            let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
            if text.trim().is_empty() {
                text = String::from_utf8_lossy(&output.stdout).into_owned();
            }
            let tail: Vec<&str> = text.lines().rev().take(3).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(WorkspaceError::Setup {
                command: command.clone(),
                status: output.status.to_string(),
                output: tail.join(" / "),
            });
        }
        tracing::info!(command, "setup command finished");
    }
    Ok(())
}

/// A port for workspace `name` of `repo`: derived from a hash so the same
/// workspace gets the same port every time, moved along past ports other
/// workspaces hold.
pub fn pick_port(range: PortRange, repo: &Repo, name: &str, taken: &[u16]) -> Option<u16> {
    let span = u32::from(range.last.checked_sub(range.first)?) + 1;
    let key = format!("{}\0{name}", repo.root.display());
    let hash = u32::from_str_radix(&crate::git::short_hash(key.as_bytes()), 16).unwrap_or(0);
    (0..span)
        .map(|step| {
            let offset = (hash.wrapping_add(step)) % span;
            u16::try_from(u32::from(range.first) + offset).unwrap_or(range.last)
        })
        .find(|port| !taken.contains(port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(root: &str) -> Repo {
        Repo {
            root: root.into(),
            common_dir: format!("{root}/.git").into(),
        }
    }

    #[test]
    fn ports_are_stable_and_skip_taken_ones() {
        let range = PortRange {
            first: 20000,
            last: 20009,
        };
        let a = pick_port(range, &repo("/r"), "auth", &[]).unwrap();
        assert_eq!(pick_port(range, &repo("/r"), "auth", &[]), Some(a));
        assert!((20000..=20009).contains(&a));
        let next = pick_port(range, &repo("/r"), "auth", &[a]).unwrap();
        assert_ne!(next, a);
        let all: Vec<u16> = (20000..=20009).collect();
        assert_eq!(pick_port(range, &repo("/r"), "auth", &all), None);
        let single = PortRange {
            first: 30000,
            last: 30000,
        };
        assert_eq!(pick_port(single, &repo("/r"), "x", &[]), Some(30000));
    }
}
