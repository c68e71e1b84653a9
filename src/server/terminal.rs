//! A dashboard client's terminal, opened by the server so frames go straight
//! to it.
//!
//! Over the socket, every frame woke the client only for it to copy the bytes
//! to its terminal: one more thread between a pane's echo and the screen. So
//! the client names its terminal device when it attaches, and the server
//! opens that device itself (tmux's server does the same) and writes frames
//! there. Everything else, `Detached` among it, still goes over the socket,
//! after the frames before it. A device that is not a terminal, or that the
//! server cannot open (another machine's, another mount namespace's), leaves
//! the frames on the socket, which the client still handles.

use std::os::fd::OwnedFd;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::{Component, Path};

use tokio::io::unix::AsyncFd;

/// Why a client's terminal is not written directly.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("{path}: not a terminal device path (want /dev/pts/N or /dev/ttyX)")]
    NotADevicePath { path: String },
    #[error("{path}: {source}")]
    Open {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a terminal")]
    NotATerminal { path: String },
}

/// A client's terminal, open for writing without blocking.
#[derive(Debug)]
pub struct Terminal {
    fd: AsyncFd<OwnedFd>,
}

impl Terminal {
    /// Opens the terminal device at `path`. Only terminal devices are
    /// opened: a character device under `/dev/pts/` or named `/dev/tty*`,
    /// checked again with `isatty` once open. `O_NOCTTY` keeps it from
    /// becoming the server's controlling terminal, and the open file is
    /// the server's own, so `O_NONBLOCK` does not reach the client's.
    pub fn open(path: &Path) -> Result<Terminal, TerminalError> {
        let shown = path.display().to_string();
        if !device_path(path) {
            return Err(TerminalError::NotADevicePath { path: shown });
        }
        let open_error = |source| TerminalError::Open {
            path: shown.clone(),
            source,
        };
        let kind = std::fs::metadata(path).map_err(open_error)?.file_type();
        if !kind.is_char_device() {
            return Err(TerminalError::NotATerminal { path: shown });
        }
        let flags = nix::fcntl::OFlag::O_NOCTTY | nix::fcntl::OFlag::O_NONBLOCK;
        let file = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(flags.bits())
            .open(path)
            .map_err(open_error)?;
        if !nix::unistd::isatty(&file).unwrap_or(false) {
            return Err(TerminalError::NotATerminal { path: shown });
        }
        let fd = crate::sys::writable(OwnedFd::from(file)).map_err(open_error)?;
        Ok(Terminal { fd })
    }

    /// Writes all of `bytes`, waiting while the terminal is full.
    pub async fn write_all(&self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            let mut ready = self.fd.writable().await?;
            let written = ready
                .try_io(|fd| nix::unistd::write(fd.get_ref(), bytes).map_err(std::io::Error::from));
            match written {
                Ok(Ok(0)) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(Ok(written)) => bytes = &bytes[written..],
                Ok(Err(error)) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Ok(Err(error)) => return Err(error),
                Err(_would_block) => {}
            }
        }
        Ok(())
    }
}

/// Whether `path` names a terminal device: absolute, without `..`, under
/// `/dev/pts/` or a `/dev/tty*` node.
fn device_path(path: &Path) -> bool {
    let plain = path.is_absolute()
        && path
            .components()
            .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
    let pts = path.starts_with("/dev/pts/");
    let tty = path.parent() == Some(Path::new("/dev"))
        && path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.starts_with("tty"));
    plain && (pts || tty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_terminal_device_paths_are_opened() {
        assert!(device_path(Path::new("/dev/pts/3")));
        assert!(device_path(Path::new("/dev/ttys004")));
        assert!(device_path(Path::new("/dev/tty1")));
        for path in [
            "/dev/pts/../../etc/passwd",
            "dev/pts/3",
            "/etc/passwd",
            "/dev/watchdog",
            "/dev/sda",
            "/dev/tty/../sda",
            "",
        ] {
            assert!(!device_path(Path::new(path)), "{path}");
        }
    }

    #[tokio::test]
    async fn frames_reach_the_terminal_they_are_written_to() {
        use std::io::Read as _;
        let pty = nix::pty::openpty(None, None).unwrap();
        let path = nix::unistd::ttyname(&pty.slave).unwrap();
        let terminal = Terminal::open(&path).unwrap();
        let frame = vec![b'x'; 3000];
        terminal.write_all(&frame).await.unwrap();
        let mut master = std::fs::File::from(pty.master);
        let mut got = vec![0; frame.len()];
        master.read_exact(&mut got).unwrap();
        assert_eq!(got, frame);
    }

    #[test]
    fn a_file_that_is_not_a_terminal_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tty0");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(
            Terminal::open(&file),
            Err(TerminalError::NotADevicePath { .. })
        ));
        assert!(matches!(
            Terminal::open(Path::new("/dev/null")),
            Err(TerminalError::NotADevicePath { .. })
        ));
    }
}
