//! The records of the workspaces grove owns: repository, worktree path, branch,
//! base and port, in `$XDG_STATE_HOME/grove/workspaces.yaml`.
//!
//! Every change is read-modify-write under an exclusive `flock`, so two grove
//! processes (two shells, or a shell and the server) never lose each other's
//! updates, and the file is replaced atomically (temp file, fsync, rename,
//! fsync of the directory), so a crash or a full disk mid-write leaves the
//! previous version intact; a temp file a killed writer left behind is swept
//! by the next writer. Files are 0600 and the directory 0700: the records
//! name private paths.
//!
//! The operations lock says whether a grove process is halfway through
//! making something (a workspace, a merge's temporary worktree): each holds
//! it shared while it works, and recovery takes it exclusively without
//! waiting, so it only ever cleans up after processes that are gone.

use std::fs::{self, File};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

/// The format version written into the file; a newer one is refused rather
/// than misread.
const VERSION: u32 = 1;

/// One workspace grove made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceRecord {
    pub name: String,
    /// Root of the repository's main worktree.
    pub repo: PathBuf,
    /// The workspace's worktree.
    pub path: PathBuf,
    pub branch: String,
    /// The ref the workspace started from and merges back into.
    pub base: String,
    /// The commit the branch was created at: a branch still there has no
    /// work of its own, one that moved on and is now in the base was merged.
    #[serde(default)]
    pub start: Option<String>,
    /// `GROVE_PORT`, stable for the workspace's life.
    pub port: u16,
    /// The agent profile last started in the workspace.
    #[serde(default)]
    pub agent: Option<String>,
    /// Unix time of creation.
    pub created: u64,
    /// Whether the workspace is complete or still being made.
    #[serde(default)]
    pub phase: Phase,
    /// Untracked paths grove copied or linked in at creation, relative to the
    /// worktree; unchanged ones are not the agent's work.
    #[serde(default)]
    pub provisioned: Vec<PathBuf>,
}

/// How far a workspace has been made. A record is written as `Creating`
/// before the first git step, so a workspace interrupted halfway is still
/// known and can be cleaned up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Creating,
    #[default]
    Ready,
}

/// Everything in the state file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    #[serde(default)]
    pub workspaces: Vec<WorkspaceRecord>,
}

impl State {
    /// The workspace `name` of the repository rooted at `repo`.
    pub fn find(&self, repo: &Path, name: &str) -> Option<&WorkspaceRecord> {
        self.workspaces
            .iter()
            .find(|w| w.repo == repo && w.name == name)
    }

    /// Removes and returns the workspace `name` of `repo`.
    pub fn take(&mut self, repo: &Path, name: &str) -> Option<WorkspaceRecord> {
        let index = self
            .workspaces
            .iter()
            .position(|w| w.repo == repo && w.name == name)?;
        Some(self.workspaces.remove(index))
    }
}

/// Held while an operation is in progress (shared) or while recovery runs
/// (exclusive); the lock is released when it drops.
#[derive(Debug)]
pub struct OperationGuard {
    _lock: Flock<File>,
}

/// Why a lock was not taken.
enum LockError {
    /// Someone else holds it (only when asked not to wait).
    Busy,
    Other(anyhow::Error),
}

impl From<anyhow::Error> for LockError {
    fn from(err: anyhow::Error) -> Self {
        LockError::Other(err)
    }
}

impl From<LockError> for anyhow::Error {
    fn from(err: LockError) -> Self {
        match err {
            LockError::Busy => anyhow::anyhow!("the lock is held by another grove process"),
            LockError::Other(err) => err,
        }
    }
}

/// The state file and its lock.
#[derive(Debug, Clone)]
pub struct Store {
    file: PathBuf,
}

impl Store {
    pub fn new(file: PathBuf) -> Self {
        Self { file }
    }

    /// Reads the current state (empty when the file does not exist yet).
    pub fn load(&self) -> anyhow::Result<State> {
        let _lock = self.lock()?;
        self.read()
    }

    /// Applies `change` to the state under the lock and writes the result back.
    /// Nothing is written when `change` fails.
    pub fn update<R>(
        &self,
        change: impl FnOnce(&mut State) -> anyhow::Result<R>,
    ) -> anyhow::Result<R> {
        let _lock = self.lock()?;
        let mut state = self.read()?;
        let result = change(&mut state)?;
        self.write(&state)?;
        Ok(result)
    }

    /// Marks an operation in progress until the guard drops (see the
    /// module docs); waits only while a recovery runs.
    pub fn operation(&self) -> anyhow::Result<OperationGuard> {
        let path = self.file.with_extension("ops.lock");
        Ok(OperationGuard {
            _lock: self.lock_file(&path, FlockArg::LockShared)?,
        })
    }

    /// The operations lock, exclusively, if no operation is in progress in
    /// any process; `None` when one is.
    pub fn recovery(&self) -> anyhow::Result<Option<OperationGuard>> {
        let path = self.file.with_extension("ops.lock");
        match self.lock_file(&path, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => Ok(Some(OperationGuard { _lock: lock })),
            Err(LockError::Busy) => Ok(None),
            Err(LockError::Other(err)) => Err(err),
        }
    }

    fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }

    fn lock(&self) -> anyhow::Result<Flock<File>> {
        Ok(self.lock_file(&self.file.with_extension("lock"), FlockArg::LockExclusive)?)
    }

    fn lock_file(&self, lock_path: &Path, how: FlockArg) -> Result<Flock<File>, LockError> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(self.dir())
            .with_context(|| {
                format!("cannot create the state directory {}", self.dir().display())
            })?;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(lock_path)
            .with_context(|| format!("cannot open the lock file {}", lock_path.display()))?;
        Flock::lock(file, how).map_err(|(_, errno)| {
            if errno == nix::errno::Errno::EWOULDBLOCK {
                return LockError::Busy;
            }
            anyhow::anyhow!("cannot lock {}: {errno}", lock_path.display()).into()
        })
    }

    /// The prefix and suffix of this file's temp files.
    fn temp_affixes(&self) -> (String, &'static str) {
        let name = self.file.file_name().unwrap_or_default().to_string_lossy();
        (format!(".{name}."), ".tmp")
    }

    /// Removes temp files a writer killed mid-write left behind. Called under
    /// the lock, so no live writer has one open.
    fn sweep_temp_files(&self) {
        let (prefix, suffix) = self.temp_affixes();
        let Ok(entries) = fs::read_dir(self.dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&prefix)
                && name.ends_with(suffix)
                && let Err(err) = fs::remove_file(entry.path())
            {
                tracing::warn!(path = %entry.path().display(), "cannot remove a stale temp file: {err}");
            }
        }
    }

    fn read(&self) -> anyhow::Result<State> {
        let text = match fs::read_to_string(&self.file) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(State {
                    version: VERSION,
                    workspaces: Vec::new(),
                });
            }
            Err(err) => {
                return Err(err).with_context(|| format!("cannot read {}", self.file.display()));
            }
        };
        let state: State = crate::config::from_yaml(&text)
            .with_context(|| format!("{} is damaged", self.file.display()))?;
        if state.version > VERSION {
            anyhow::bail!(
                "{} was written by a newer grove (format {}); upgrade grove",
                self.file.display(),
                state.version
            );
        }
        Ok(state)
    }

    fn write(&self, state: &State) -> anyhow::Result<()> {
        let state = State {
            version: VERSION,
            workspaces: state.workspaces.clone(),
        };
        let text = crate::config::to_yaml(&state)?;
        let context = || format!("cannot write {}", self.file.display());
        self.sweep_temp_files();
        let (prefix, suffix) = self.temp_affixes();
        let mut temp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(suffix)
            .tempfile_in(self.dir())
            .with_context(context)?;
        temp.write_all(text.as_bytes()).with_context(context)?;
        temp.as_file().sync_all().with_context(context)?;
        temp.persist(&self.file).with_context(context)?;
        File::open(self.dir())
            .and_then(|dir| dir.sync_all())
            .with_context(context)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str) -> WorkspaceRecord {
        WorkspaceRecord {
            name: name.into(),
            repo: "/r".into(),
            path: format!("/w/{name}").into(),
            branch: format!("grove/{name}"),
            base: "main".into(),
            start: None,
            port: 20001,
            agent: None,
            created: 1,
            phase: Phase::Ready,
            provisioned: vec![],
        }
    }

    #[test]
    fn round_trips_and_keeps_files_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("state/workspaces.yaml"));
        assert!(store.load().unwrap().workspaces.is_empty());
        store
            .update(|state| {
                state.workspaces.push(record("a"));
                Ok(())
            })
            .unwrap();
        let state = store.load().unwrap();
        assert_eq!(state.find(Path::new("/r"), "a"), Some(&record("a")));
        assert_eq!(state.find(Path::new("/other"), "a"), None);
        let mode = fs::metadata(dir.path().join("state/workspaces.yaml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = fs::metadata(dir.path().join("state"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
    }

    #[test]
    fn a_failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("workspaces.yaml"));
        store
            .update(|state| {
                state.workspaces.push(record("a"));
                Ok(())
            })
            .unwrap();
        let failed: anyhow::Result<()> = store.update(|state| {
            state.workspaces.clear();
            anyhow::bail!("no")
        });
        assert!(failed.is_err());
        assert_eq!(store.load().unwrap().workspaces.len(), 1);
    }

    #[test]
    fn a_temp_file_left_by_a_killed_writer_is_swept_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("workspaces.yaml"));
        let stale = dir.path().join(".workspaces.yaml.abc123.tmp");
        fs::write(&stale, "version: 1\nworkspa").unwrap();
        let unrelated = dir.path().join("notes.tmp");
        fs::write(&unrelated, "mine").unwrap();
        store
            .update(|state| {
                state.workspaces.push(record("a"));
                Ok(())
            })
            .unwrap();
        assert!(!stale.exists());
        assert!(unrelated.exists());
        assert_eq!(store.load().unwrap().workspaces.len(), 1);
    }

    #[test]
    fn recovery_waits_for_no_operation_and_operations_share() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("workspaces.yaml"));
        let first = store.operation().unwrap();
        let second = store.operation().unwrap();
        assert!(store.recovery().unwrap().is_none());
        drop(first);
        assert!(store.recovery().unwrap().is_none());
        drop(second);
        let recovering = store.recovery().unwrap();
        assert!(recovering.is_some());
        assert!(store.recovery().unwrap().is_none());
    }

    #[test]
    fn refuses_a_newer_format() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("workspaces.yaml");
        fs::write(&file, "version: 99\nworkspaces: []\n").unwrap();
        let err = Store::new(file).load().unwrap_err().to_string();
        assert!(err.contains("newer grove"), "{err}");
    }
}
