//! Trusting a repository's setup commands, as `direnv allow` does: commands
//! that a repository's `.grove.yaml` asks to run in every new worktree do not
//! run until the user has said yes to that version of the file
//! (`grove trust`). A changed file needs trusting again. Commands from the
//! user's own config are the user's and always run.
//!
//! The record is `$XDG_STATE_HOME/grove/trusted.yaml`: repository root and
//! the git blob id of the `.grove.yaml` that was trusted.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::git::Git;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Trusted {
    #[serde(default)]
    repositories: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    root: PathBuf,
    /// `git hash-object .grove.yaml` when it was trusted.
    blob: String,
}

/// The trust record of one user.
#[derive(Debug, Clone)]
pub struct TrustStore {
    file: PathBuf,
}

fn config_file(root: &Path) -> PathBuf {
    root.join(crate::config::REPOSITORY_FILE)
}

fn blob_of(git: &Git, root: &Path) -> anyhow::Result<Option<String>> {
    let file = config_file(root);
    if !file.is_file() {
        return Ok(None);
    }
    Ok(Some(git.run(
        root,
        ["hash-object", "--", crate::config::REPOSITORY_FILE],
    )?))
}

impl TrustStore {
    pub fn new(paths: &crate::paths::Paths) -> TrustStore {
        TrustStore {
            file: paths.state_file().with_file_name("trusted.yaml"),
        }
    }

    fn read(&self) -> anyhow::Result<Trusted> {
        match std::fs::read_to_string(&self.file) {
            Ok(text) => crate::config::from_yaml(&text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Trusted::default()),
            Err(error) => Err(anyhow::anyhow!(
                "cannot read {}: {error}",
                self.file.display()
            )),
        }
    }

    /// Whether this version of `root`'s `.grove.yaml` is trusted.
    pub fn is_trusted(&self, git: &Git, root: &Path) -> anyhow::Result<bool> {
        let Some(blob) = blob_of(git, root)? else {
            return Ok(true);
        };
        Ok(self
            .read()?
            .repositories
            .iter()
            .any(|e| e.root == root && e.blob == blob))
    }

    /// Trusts the current `.grove.yaml` of `root`; returns whether there was
    /// one.
    pub fn trust(&self, git: &Git, root: &Path) -> anyhow::Result<bool> {
        let Some(blob) = blob_of(git, root)? else {
            return Ok(false);
        };
        let mut trusted = self.read()?;
        trusted.repositories.retain(|e| e.root != root);
        trusted.repositories.push(Entry {
            root: root.to_owned(),
            blob,
        });
        crate::durable::replace(&self.file, crate::config::to_yaml(&trusted)?.as_bytes())?;
        Ok(true)
    }
}
