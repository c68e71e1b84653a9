//! Reading a pane's output on the server's runtime, with floods handed to a
//! thread of the pane's own.
//!
//! A key's echo is a few bytes. Read by a thread, it costs a thread to wake
//! and then a hand-off to the session on every key; read by the runtime, it
//! is parsed where the session that draws it already runs (tmux reads its
//! panes in its one thread too). But parsing a flood there would hold up
//! every client and every other pane, so a read of [`TURN_READ_BYTES`] or
//! more hands the descriptor itself to the pane's flood thread, which parses
//! that read and goes on reading until the program has been quiet for
//! [`QUIET_MS`], then hands it back. One side reads at a time, so output is
//! parsed in order; the runtime stops watching the descriptor while the
//! thread has it, so a flood does not wake the runtime either.
//!
//! Used on Linux inside a runtime; elsewhere the pane's reader thread reads
//! everything (see `reader.rs`).

use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use tokio::io::unix::AsyncFd;
use tokio::sync::oneshot;

use super::ptyfd::{PollTimeout, Read, Ready, Waited, read_now, wait};
use super::reader::Reading;
use super::turns::TURN_READ_BYTES;

/// How long the flood thread waits for more output before it gives the
/// descriptor back: long enough that a program printing in bursts stays on
/// the thread, short enough that its next key's echo is soon read inline.
const QUIET_MS: u16 = 50;

/// A read the runtime parses itself is under [`TURN_READ_BYTES`]; a PTY
/// never hands over more than this at once.
const RUNTIME_READ_BYTES: usize = 4096;

/// The flood thread reads in bigger bites, as the reader thread does.
const FLOOD_READ_BYTES: usize = 64 * 1024;

/// The descriptor and the read that found a flood, on their way to the
/// flood thread.
pub(super) struct Flood {
    fd: OwnedFd,
    first: Vec<u8>,
    until: Until,
    back: oneshot::Sender<Back>,
}

/// When the flood thread gives the descriptor back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Until {
    Quiet,
    /// Never: the runtime could not watch it again.
    End,
}

/// How a flood ended.
enum Back {
    Quiet(OwnedFd),
    Ended,
}

/// The runtime's end of the hand-over, and the thread's.
pub(super) fn channel() -> (SyncSender<Flood>, Receiver<Flood>) {
    // The runtime hands over only while the thread is idle.
    sync_channel(1)
}

/// The runtime's side: reads `fd` while the program is quiet or echoing,
/// and hands floods to the thread behind `floods`.
pub(super) async fn watch(reading: Arc<Reading>, fd: AsyncFd<OwnedFd>, floods: SyncSender<Flood>) {
    let pid = reading.lifecycle.pid();
    let mut fd = fd;
    let mut buffer = [0u8; RUNTIME_READ_BYTES];
    loop {
        let mut guard = match fd.readable().await {
            Ok(guard) => guard,
            Err(error) => {
                tracing::warn!(pid, %error, "waiting for pane output failed");
                break;
            }
        };
        match read_now(fd.get_ref().as_fd(), &mut buffer) {
            Ok(Read::Bytes(read)) if read < TURN_READ_BYTES => reading.parsed(&buffer[..read]),
            Ok(Read::Bytes(read)) => {
                drop(guard);
                let first = buffer[..read].to_vec();
                match hand_over(fd, first, &floods).await {
                    Some(returned) => fd = returned,
                    None => break,
                }
            }
            Ok(Read::Empty) => guard.clear_ready(),
            Ok(Read::End) => break,
            Err(error) => {
                tracing::debug!(pid, %error, "pane output ended");
                break;
            }
        }
    }
}

/// Lends `fd` to the flood thread until the flood is over; `None` when the
/// output ended (or the thread keeps it to the end).
async fn hand_over(
    fd: AsyncFd<OwnedFd>,
    first: Vec<u8>,
    floods: &SyncSender<Flood>,
) -> Option<AsyncFd<OwnedFd>> {
    let (back, returned) = oneshot::channel();
    let flood = Flood {
        fd: fd.into_inner(),
        first,
        until: Until::Quiet,
        back,
    };
    send(floods, flood)?;
    let fd = match returned.await {
        Ok(Back::Quiet(fd)) => fd,
        Ok(Back::Ended) | Err(_) => return None,
    };
    // Watched through a copy, so the original is still there to give back
    // if the runtime cannot watch it.
    match fd.try_clone().and_then(crate::sys::readable) {
        Ok(watched) => Some(watched),
        Err(error) => {
            tracing::warn!(%error, "cannot watch pane output on the runtime; its thread reads it");
            let (back, _) = oneshot::channel();
            let flood = Flood {
                fd,
                first: Vec::new(),
                until: Until::End,
                back,
            };
            send(floods, flood)?;
            None
        }
    }
}

fn send(floods: &SyncSender<Flood>, flood: Flood) -> Option<()> {
    match floods.try_send(flood) {
        Ok(()) => Some(()),
        Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
            tracing::warn!("a pane's flood thread is gone; its output is no longer read");
            None
        }
    }
}

/// The flood thread: parses what it is handed until the runtime hangs up.
pub(super) fn floods(reading: &Reading, floods: Receiver<Flood>) {
    let mut buffer = Vec::new();
    while let Ok(flood) = floods.recv() {
        reading.parsed(&flood.first);
        if buffer.is_empty() {
            buffer = vec![0u8; FLOOD_READ_BYTES];
        }
        let back = match read_flood(reading, &flood.fd, &mut buffer, flood.until) {
            Stop::Quiet => Back::Quiet(flood.fd),
            Stop::Ended => Back::Ended,
        };
        // A runtime that went away needs nothing back.
        let _ = flood.back.send(back);
    }
}

/// Why the flood thread stopped reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Quiet,
    Ended,
}

/// Reads and parses `fd` until it is quiet for [`QUIET_MS`] or its output
/// ends.
fn read_flood(reading: &Reading, fd: &OwnedFd, buffer: &mut [u8], until: Until) -> Stop {
    let pid = reading.lifecycle.pid();
    let timeout = match until {
        Until::Quiet => PollTimeout::from(QUIET_MS),
        Until::End => PollTimeout::NONE,
    };
    loop {
        match read_now(fd.as_fd(), buffer) {
            Ok(Read::Bytes(read)) => reading.parsed(&buffer[..read]),
            Ok(Read::Empty) => match wait(fd.as_fd(), Ready::Readable, timeout) {
                Ok(Waited::Ready) => {}
                Ok(Waited::TimedOut) => return Stop::Quiet,
                Err(error) => {
                    tracing::warn!(pid, %error, "waiting for pane output failed");
                    return Stop::Ended;
                }
            },
            Ok(Read::End) => return Stop::Ended,
            Err(error) => {
                tracing::debug!(pid, %error, "pane output ended");
                return Stop::Ended;
            }
        }
    }
}
