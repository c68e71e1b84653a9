//! The PTY master as a non-blocking descriptor, so a keystroke is written by
//! whoever holds it instead of waking the writer thread to do it.
//!
//! The writer thread exists because a blocking write to a program that is not
//! reading would stall its caller. With the master non-blocking, a write that
//! fits goes straight in, from the session or from the reader's query replies,
//! and only what does not fit is left to the writer thread, which waits for
//! room with `poll`. That saves a thread hand-off on every key's path to its
//! echo. `O_NONBLOCK` belongs to the open file, which portable-pty's reader
//! and writer share with the master, so the reader waits with `poll` too.
//!
//! Only on Linux: macOS's `poll` does not wait on terminal devices, so there
//! every write still goes through the writer thread on a blocking master.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;

use nix::errno::Errno;
pub use nix::poll::PollTimeout;
use nix::poll::{PollFd, PollFlags, poll};
use portable_pty::MasterPty;

/// What [`PtyFd::wait`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ready {
    /// Output to read, or the end of it.
    Readable,
    /// Room in the program's input.
    Writable,
}

/// Our own descriptor for a non-blocking PTY master.
#[derive(Debug)]
pub struct PtyFd(OwnedFd);

impl PtyFd {
    /// Makes `master` non-blocking and returns a descriptor for it, or `None`
    /// where the platform cannot wait on it (the master then stays blocking,
    /// and every write goes through the writer thread).
    pub fn nonblocking(master: &dyn MasterPty, program: &str) -> Option<Arc<Self>> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let raw = master.as_raw_fd()?;
        let made = crate::sys::dup_raw(raw).and_then(|fd| {
            set_nonblocking(&fd)?;
            Ok(fd)
        });
        match made {
            Ok(fd) => Some(Arc::new(Self(fd))),
            Err(error) => {
                tracing::warn!(%program, %error, "PTY stays blocking; input goes through the writer thread");
                None
            }
        }
    }

    /// Another descriptor for the same master.
    pub fn duplicate(&self) -> io::Result<OwnedFd> {
        self.0.try_clone()
    }

    /// Writes what fits of `bytes` now; `Ok(0)` when nothing does.
    pub fn write_now(&self, bytes: &[u8]) -> io::Result<usize> {
        loop {
            match nix::unistd::write(&self.0, bytes) {
                Ok(written) => return Ok(written),
                Err(Errno::EAGAIN) => return Ok(0),
                Err(Errno::EINTR) => {}
                Err(errno) => return Err(errno.into()),
            }
        }
    }

    /// Blocks until the PTY is `ready`, or has hung up or failed (the next
    /// read or write then reports how).
    pub fn wait(&self, ready: Ready) -> io::Result<()> {
        wait(self.0.as_fd(), ready, PollTimeout::NONE).map(drop)
    }
}

/// Whether [`wait`] saw the descriptor get ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// Ready, hung up or failed.
    Ready,
    TimedOut,
}

/// Blocks until `fd` is `ready` (or hung up, or failed), for at most
/// `timeout`.
pub fn wait(fd: BorrowedFd<'_>, ready: Ready, timeout: PollTimeout) -> io::Result<Waited> {
    let events = match ready {
        Ready::Readable => PollFlags::POLLIN,
        Ready::Writable => PollFlags::POLLOUT,
    };
    loop {
        let mut fds = [PollFd::new(fd, events)];
        match poll(&mut fds, timeout) {
            Ok(0) => return Ok(Waited::TimedOut),
            Ok(_) => return Ok(Waited::Ready),
            Err(Errno::EINTR) => {}
            Err(errno) => return Err(errno.into()),
        }
    }
}

/// What a read from a non-blocking descriptor found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Bytes(usize),
    /// Nothing to read yet.
    Empty,
    /// The end of output: every holder of the PTY's other side closed it.
    End,
}

/// Reads what is there from a non-blocking `fd` into `buffer`.
pub fn read_now(fd: BorrowedFd<'_>, buffer: &mut [u8]) -> io::Result<Read> {
    loop {
        match nix::unistd::read(fd, buffer) {
            Ok(0) => return Ok(Read::End),
            Ok(read) => return Ok(Read::Bytes(read)),
            Err(Errno::EAGAIN) => return Ok(Read::Empty),
            Err(Errno::EINTR) => {}
            // What Linux says once the last slave descriptor is closed.
            Err(Errno::EIO) => return Ok(Read::End),
            Err(errno) => return Err(errno.into()),
        }
    }
}

fn set_nonblocking(fd: &OwnedFd) -> io::Result<()> {
    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    let flags = fcntl(fd, FcntlArg::F_GETFL)?;
    let flags = OFlag::from_bits_retain(flags) | OFlag::O_NONBLOCK;
    fcntl(fd, FcntlArg::F_SETFL(flags))?;
    Ok(())
}
