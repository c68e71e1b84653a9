//! Claiming the socket: the lock file that makes one server per socket, the
//! recovery of a socket file left by a server that died, and the bind itself.
//!
//! The order matters. The lock comes first, so while we look at the socket
//! file no other server can be binding it; with the lock held, a socket file
//! that refuses connections is stale by construction and safe to unlink.

use std::fs::{self, File, Permissions};
use std::io::{ErrorKind, Read as _, Write as _};
use std::os::unix::fs::{
    FileTypeExt as _, MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _,
};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use tokio::net::UnixListener;

use super::ListenError;

/// The socket's mode. Owner read/write only. On Linux also the sticky bit:
/// the XDG base-directory spec lets the system clean up files in
/// `$XDG_RUNTIME_DIR` unless they are touched every six hours or carry the
/// sticky bit, and a server lives for weeks.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(super) const SOCKET_MODE: u32 = 0o1600;
/// Other systems refuse the sticky bit on a non-directory.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(super) const SOCKET_MODE: u32 = 0o600;

/// The identity of the socket file we bound, so that on exit we unlink ours
/// and never a file someone put in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub(super) fn of(path: &Path) -> Option<FileId> {
        fs::symlink_metadata(path).ok().map(|meta| FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        })
    }
}

/// Takes the server lock without waiting and writes our pid into it. The
/// lock lives as long as the returned value; the file itself is never
/// removed, since unlinking a lock file lets two processes lock two inodes.
pub(super) fn take_lock(path: &Path, socket: &Path) -> Result<Flock<File>, ListenError> {
    let lock_error = |source: std::io::Error| ListenError::Lock {
        path: path.to_path_buf(),
        source,
    };
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .mode(0o600)
        .open(path)
        .map_err(lock_error)?;
    let lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => lock,
        Err((mut file, Errno::EWOULDBLOCK)) => {
            let mut text = String::new();
            // The holder may not have written its pid yet; that is "unknown".
            let pid = match file.read_to_string(&mut text) {
                Ok(_) => text.trim().parse().ok(),
                Err(_) => None,
            };
            return Err(ListenError::AlreadyRunning {
                pid,
                socket: socket.to_path_buf(),
            });
        }
        Err((_, errno)) => return Err(lock_error(errno.into())),
    };
    lock.set_len(0).map_err(lock_error)?;
    let mut writer: &File = &lock;
    writer
        .write_all(format!("{}\n", std::process::id()).as_bytes())
        .map_err(lock_error)?;
    Ok(lock)
}

/// Removes a socket file nobody listens on. Call only with the lock held.
pub(super) fn clear_stale(socket: &Path) -> Result<(), ListenError> {
    let path = || socket.to_path_buf();
    let meta = match fs::symlink_metadata(socket) {
        Ok(meta) => meta,
        Err(err) if err.kind() == ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(ListenError::Probe {
                path: path(),
                source,
            });
        }
    };
    if !meta.file_type().is_socket() {
        return Err(ListenError::Occupied { path: path() });
    }
    match std::os::unix::net::UnixStream::connect(socket) {
        // Someone serves there without holding the lock: leave it alone.
        Ok(_) => Err(ListenError::AlreadyRunning {
            pid: None,
            socket: path(),
        }),
        Err(err) if err.kind() == ErrorKind::ConnectionRefused => match fs::remove_file(socket) {
            Ok(()) => {
                tracing::info!(socket = %socket.display(), "removed a stale socket");
                Ok(())
            }
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(()),
            Err(source) => Err(ListenError::RemoveStale {
                path: path(),
                source,
            }),
        },
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(()),
        Err(source) => Err(ListenError::Probe {
            path: path(),
            source,
        }),
    }
}

/// Binds the socket and makes it owner-only.
///
/// We chmod right after bind instead of narrowing the umask around it: the
/// umask is per process, and the server has other threads (panes, git
/// workers) creating files at the same time, which a temporary umask would
/// silently affect. The moment between bind and chmod is covered by the
/// directory, which is 0700 and checked, so nobody else can reach the socket
/// even then.
pub(super) fn bind_private(socket: &Path) -> Result<(UnixListener, Option<FileId>), ListenError> {
    let path = || -> PathBuf { socket.to_path_buf() };
    let listener = UnixListener::bind(socket).map_err(|source| ListenError::Bind {
        path: path(),
        source,
    })?;
    if let Err(source) = fs::set_permissions(socket, Permissions::from_mode(SOCKET_MODE)) {
        // Best effort: a socket we cannot make private must not stay behind.
        let _ = fs::remove_file(socket);
        return Err(ListenError::Chmod {
            path: path(),
            source,
        });
    }
    Ok((listener, FileId::of(socket)))
}
