//! The pane's input path: a bounded queue in front of one writer thread that
//! owns the PTY writer for the pane's whole life.
//!
//! Writing to a PTY blocks when the program is not reading (a busy agent, a
//! big paste), so nobody but this thread ever writes to it. Callers get
//! [`WriteError::Full`] instead of blocking or growing memory. The writer is
//! dropped only when every queue handle is gone, because portable-pty's writer
//! sends `\n` + `^D` to the program when dropped.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use super::error::WriteError;

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
    queued_bytes: Arc<AtomicUsize>,
}

/// The writer thread's end of the queue.
#[derive(Debug)]
pub struct WriteDrain {
    receiver: Receiver<Vec<u8>>,
    queued_bytes: Arc<AtomicUsize>,
}

pub fn write_queue() -> (WriteQueue, WriteDrain) {
    let (sender, receiver) = sync_channel(MAX_QUEUED_WRITES);
    let queued_bytes = Arc::new(AtomicUsize::new(0));
    (
        WriteQueue {
            sender,
            queued_bytes: Arc::clone(&queued_bytes),
        },
        WriteDrain {
            receiver,
            queued_bytes,
        },
    )
}

impl WriteQueue {
    /// Queues all of `bytes` or none of them; never blocks.
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
            let result = writer.write_all(&bytes).and_then(|()| writer.flush());
            self.queued_bytes.fetch_sub(bytes.len(), Ordering::AcqRel);
            if let Err(error) = result {
                // The program is gone (EIO once the slave side closes); later
                // writes see `Closed` because the receiver is dropped with us.
                tracing::debug!(%program, %error, "pane input closed");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_by_bytes_and_reports_closed() {
        let (queue, drain) = write_queue();
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
        let (queue, drain) = write_queue();
        drop(drain);
        assert_eq!(queue.try_write(b"x"), Err(WriteError::Closed));
        assert_eq!(queue.try_write(b""), Ok(()));
    }
}
