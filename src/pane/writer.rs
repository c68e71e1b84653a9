//! The pane's input path: a bounded queue in front of one writer thread that
//! owns the PTY writer for the pane's whole life.
//!
//! Writing to a PTY blocks when the program is not reading (a busy agent, a
//! big paste), so no caller ever blocks on it. Where the master is
//! non-blocking ([`PtyFd`]), a write that finds the queue empty goes straight
//! into the PTY and queues only what did not fit; otherwise the writer thread
//! writes everything. Callers get [`WriteError::Full`] instead of blocking or
//! growing memory. The writer is dropped only when every queue handle is
//! gone, because portable-pty's writer sends `\n` + `^D` to the program when
//! dropped.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use super::error::WriteError;
use super::ptyfd::{PtyFd, Ready};

/// Most bytes waiting for the PTY at once: enough for a large paste, small
/// enough that a program that never reads cannot make grove hold much.
pub const MAX_QUEUED_BYTES: usize = 1 << 20;

/// Most separate writes waiting at once (keystrokes are tiny, so the byte bound
/// alone would allow a very long queue of one-byte messages).
const MAX_QUEUED_WRITES: usize = 4096;

/// A handle that queues bytes for the writer thread. Cloned for the reader
/// thread, which sends query replies through it.
#[derive(Debug, Clone)]
pub struct WriteQueue {
    sender: SyncSender<Vec<u8>>,
    /// Bytes sent to the writer thread and not yet written by it: while any
    /// are, a direct write would overtake them.
    queued_bytes: Arc<AtomicUsize>,
    direct: Option<Arc<Direct>>,
}

/// Writing into the PTY from the caller's thread.
#[derive(Debug)]
struct Direct {
    pty: Arc<PtyFd>,
    /// Held from the check that the queue is empty until the write (and the
    /// queueing of what did not fit) is done, so two callers' bytes never
    /// interleave.
    turn: Mutex<()>,
}

/// The writer thread's end of the queue.
#[derive(Debug)]
pub struct WriteDrain {
    receiver: Receiver<Vec<u8>>,
    queued_bytes: Arc<AtomicUsize>,
    pty: Option<Arc<PtyFd>>,
}

/// A queue and its drain; with `pty`, writes that find the queue empty go
/// straight into it.
pub fn write_queue(pty: Option<Arc<PtyFd>>) -> (WriteQueue, WriteDrain) {
    let (sender, receiver) = sync_channel(MAX_QUEUED_WRITES);
    let queued_bytes = Arc::new(AtomicUsize::new(0));
    let direct = pty.as_ref().map(|pty| {
        Arc::new(Direct {
            pty: Arc::clone(pty),
            turn: Mutex::new(()),
        })
    });
    (
        WriteQueue {
            sender,
            queued_bytes: Arc::clone(&queued_bytes),
            direct,
        },
        WriteDrain {
            receiver,
            queued_bytes,
            pty,
        },
    )
}

impl WriteQueue {
    /// Writes or queues all of `bytes`, or none of them; never blocks.
    pub fn try_write(&self, bytes: &[u8]) -> Result<(), WriteError> {
        let len = bytes.len();
        if len == 0 {
            return Ok(());
        }
        if len > MAX_QUEUED_BYTES {
            return Err(WriteError::TooLarge {
                len,
                max: MAX_QUEUED_BYTES,
            });
        }
        let Some(direct) = &self.direct else {
            return self.enqueue(bytes);
        };
        let _turn = direct.turn.lock().unwrap_or_else(PoisonError::into_inner);
        if self.queued_bytes.load(Ordering::Acquire) != 0 {
            return self.enqueue(bytes);
        }
        match direct.pty.write_now(bytes) {
            Ok(written) if written == len => Ok(()),
            // The queue is empty and the rest is within its bound, so this
            // fails only if the writer thread is gone.
            Ok(written) => self.enqueue(&bytes[written..]),
            // The writer thread meets the same error and reports the end.
            Err(_) => self.enqueue(bytes),
        }
    }

    fn enqueue(&self, bytes: &[u8]) -> Result<(), WriteError> {
        let len = bytes.len();
        let before = self.queued_bytes.fetch_add(len, Ordering::AcqRel);
        if before + len > MAX_QUEUED_BYTES {
            self.queued_bytes.fetch_sub(len, Ordering::AcqRel);
            return Err(WriteError::Full);
        }
        match self.sender.try_send(bytes.to_vec()) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                self.queued_bytes.fetch_sub(len, Ordering::AcqRel);
                Err(WriteError::Full)
            }
            Err(TrySendError::Disconnected(_)) => {
                self.queued_bytes.fetch_sub(len, Ordering::AcqRel);
                Err(WriteError::Closed)
            }
        }
    }
}

impl WriteDrain {
    /// The writer thread: writes queued bytes in order until every
    /// [`WriteQueue`] is dropped or the PTY fails, then drops `writer`.
    pub fn run(self, mut writer: Box<dyn Write + Send>, program: &str) {
        while let Ok(bytes) = self.receiver.recv() {
            let result = self.write_all(writer.as_mut(), &bytes);
            self.queued_bytes.fetch_sub(bytes.len(), Ordering::AcqRel);
            if let Err(error) = result {
                // The program is gone (EIO once the slave side closes); later
                // writes see `Closed` because the receiver is dropped with us.
                tracing::debug!(%program, %error, "pane input closed");
                return;
            }
        }
    }

    /// `write_all`, waiting for room whenever the non-blocking PTY is full.
    fn write_all(&self, writer: &mut dyn Write, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            match writer.write(bytes) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(written) => bytes = &bytes[written..],
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) if error.kind() == ErrorKind::WouldBlock => match &self.pty {
                    Some(pty) => pty.wait(Ready::Writable)?,
                    None => return Err(error),
                },
                Err(error) => return Err(error),
            }
        }
        writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_bytes_and_reports_closed() {
        let (queue, drain) = write_queue(None);
        let half = vec![b'x'; MAX_QUEUED_BYTES / 2];
        assert_eq!(queue.try_write(&half), Ok(()));
        assert_eq!(queue.try_write(&half), Ok(()));
        assert_eq!(queue.try_write(b"y"), Err(WriteError::Full));
        assert_eq!(
            queue.try_write(&vec![0; MAX_QUEUED_BYTES + 1]),
            Err(WriteError::TooLarge {
                len: MAX_QUEUED_BYTES + 1,
                max: MAX_QUEUED_BYTES
            })
        );
        let sink: Vec<u8> = Vec::new();
        let clone = queue.clone();
        drop(queue);
        drop(clone);
        drain.run(Box::new(sink), "test");
    }

    #[test]
    fn closed_when_the_drain_is_gone() {
        let (queue, drain) = write_queue(None);
        drop(drain);
        assert_eq!(queue.try_write(b"x"), Err(WriteError::Closed));
        assert_eq!(queue.try_write(b""), Ok(()));
    }
}
