//! Where grove keeps its files, following the XDG base-directory spec.
//!
//! Every path grove reads or writes outside a repository comes from a [`Paths`]
//! value. Library code never consults the environment for locations itself, so
//! tests build a `Paths` rooted in a temporary directory and never touch the real
//! user's configuration or state.
//!
//! It also guards the runtime directory: the server's socket accepts commands
//! that start processes, so the directory holding it must be ours alone. Both
//! the server (before binding) and the client (before trusting a server it
//! finds there) check it with [`Paths::ensure_runtime_dir`] and
//! [`Paths::check_runtime_dir`].

use std::fs;
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use etcetera::BaseStrategy as _;

/// Creates `dir` and any missing parents 0700: what grove keeps (records,
/// logs, job ledgers, the default worktree home) is its user's alone. An
/// existing directory is left as it is.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// The directories grove uses, resolved once at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// `$XDG_CONFIG_HOME/grove`: the user's `config.yaml`.
    pub config_dir: PathBuf,
    /// `$XDG_DATA_HOME/grove`: the default home of worktrees.
    pub data_dir: PathBuf,
    /// `$XDG_STATE_HOME/grove`: the workspace records and logs.
    pub state_dir: PathBuf,
    /// `$XDG_RUNTIME_DIR/grove`, or `/tmp/grove-<uid>` without one: the socket.
    pub runtime_dir: PathBuf,
}

impl Paths {
    /// Resolves the directories from the environment (XDG variables, then `$HOME`).
    pub fn from_env() -> anyhow::Result<Self> {
        let xdg = etcetera::base_strategy::Xdg::new()
            .context("cannot find the home directory; set $HOME")?;
        let state = xdg
            .state_dir()
            .unwrap_or_else(|| xdg.home_dir().join(".local/state"));
        let runtime = match xdg.runtime_dir() {
            Some(dir) => dir.join("grove"),
            None => PathBuf::from(format!("/tmp/grove-{}", crate::sys::current_uid())),
        };
        Ok(Self {
            config_dir: xdg.config_dir().join("grove"),
            data_dir: xdg.data_dir().join("grove"),
            state_dir: state.join("grove"),
            runtime_dir: runtime,
        })
    }

    /// All four directories under one root; for tests and sandboxes.
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("config/grove"),
            data_dir: root.join("data/grove"),
            state_dir: root.join("state/grove"),
            runtime_dir: root.join("run/grove"),
        }
    }

    /// The user's configuration file.
    pub fn user_config(&self) -> PathBuf {
        self.config_dir.join("config.yaml")
    }

    /// The default root under which worktrees are created.
    pub fn worktrees_root(&self) -> PathBuf {
        self.data_dir.join("worktrees")
    }

    /// Where job runs keep their ledgers.
    pub fn jobs_dir(&self) -> PathBuf {
        self.state_dir.join("jobs")
    }

    /// The workspace records file.
    pub fn state_file(&self) -> PathBuf {
        self.state_dir.join("workspaces.yaml")
    }

    /// The server's Unix socket.
    pub fn socket_path(&self) -> PathBuf {
        self.runtime_dir.join("server.sock")
    }

    /// The file the server holds an exclusive `flock` on for its whole life;
    /// it contains the server's pid.
    pub fn server_lock_path(&self) -> PathBuf {
        self.runtime_dir.join("server.lock")
    }

    /// Where a server started by a client writes its stdout and stderr.
    pub fn server_log_path(&self) -> PathBuf {
        self.state_dir.join("server.log")
    }

    /// Creates the runtime directory (0700, parents too) if it is missing,
    /// then checks it as [`Paths::check_runtime_dir`] does.
    pub fn ensure_runtime_dir(&self) -> Result<(), RuntimeDirError> {
        self.check_socket_path_len()?;
        let created = fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.runtime_dir);
        if let Err(source) = created {
            // Something in the way (a dangling symlink, a file) is better
            // named by the check than by mkdir's "File exists".
            self.check_runtime_dir()?;
            return Err(RuntimeDirError::Create {
                path: self.runtime_dir.clone(),
                source,
            });
        }
        match self.check_runtime_dir()? {
            DirPresence::Present => Ok(()),
            // Someone removed it between our mkdir and lstat.
            DirPresence::Absent => Err(RuntimeDirError::Create {
                path: self.runtime_dir.clone(),
                source: std::io::ErrorKind::NotFound.into(),
            }),
        }
    }

    /// Checks, without following symlinks, that the runtime directory is a
    /// real directory owned by us that nobody else can enter, and that the
    /// socket path fits in a `sockaddr_un`. A missing directory is
    /// [`DirPresence::Absent`], not an error: no server has run.
    pub fn check_runtime_dir(&self) -> Result<DirPresence, RuntimeDirError> {
        self.check_socket_path_len()?;
        let path = &self.runtime_dir;
        let meta = match fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(DirPresence::Absent);
            }
            Err(source) => {
                return Err(RuntimeDirError::Inspect {
                    path: path.clone(),
                    source,
                });
            }
        };
        let path = path.clone();
        let file_type = meta.file_type();
        if file_type.is_symlink() {
            return Err(RuntimeDirError::Symlink { path });
        }
        if !file_type.is_dir() {
            return Err(RuntimeDirError::NotADirectory { path });
        }
        let uid = crate::sys::current_uid();
        if meta.uid() != uid {
            return Err(RuntimeDirError::WrongOwner {
                path,
                owner: meta.uid(),
                uid,
            });
        }
        let mode = meta.mode() & 0o7777;
        if mode & 0o077 != 0 {
            return Err(RuntimeDirError::TooOpen { path, mode });
        }
        Ok(DirPresence::Present)
    }

    fn check_socket_path_len(&self) -> Result<(), RuntimeDirError> {
        let socket = self.socket_path();
        let len = socket.as_os_str().len();
        if len > MAX_SOCKET_PATH {
            return Err(RuntimeDirError::SocketPathTooLong {
                path: socket,
                len,
                max: MAX_SOCKET_PATH,
            });
        }
        Ok(())
    }
}

/// The longest socket path the kernel accepts: `sun_path` is 108 bytes on
/// Linux (104 on the BSDs and macOS), one of them the terminating NUL.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub const MAX_SOCKET_PATH: usize = 107;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub const MAX_SOCKET_PATH: usize = 103;

/// Whether the runtime directory exists yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirPresence {
    Present,
    Absent,
}

/// Why the runtime directory cannot hold the socket. Each message names the
/// path and what the user can do about it.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeDirError {
    #[error("cannot create the runtime directory {}: {source}", path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot inspect the runtime directory {}: {source}", path.display())]
    Inspect {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} is a symbolic link; grove keeps its socket only in a real directory: remove the link",
        path.display()
    )]
    Symlink { path: PathBuf },
    #[error("{} is not a directory; remove it so grove can create its runtime directory", path.display())]
    NotADirectory { path: PathBuf },
    #[error(
        "{} is owned by uid {owner}, not by you (uid {uid}); remove it so grove can create its own",
        path.display()
    )]
    WrongOwner { path: PathBuf, owner: u32, uid: u32 },
    #[error(
        "{} has mode {mode:04o}, so other users could reach the grove socket; run `chmod 700 {}`",
        path.display(),
        path.display()
    )]
    TooOpen { path: PathBuf, mode: u32 },
    #[error(
        "the socket path {} is {len} bytes, longer than the {max} a Unix socket allows; \
         set XDG_RUNTIME_DIR to a shorter directory",
        path.display()
    )]
    SocketPathTooLong {
        path: PathBuf,
        len: usize,
        max: usize,
    },
}
