//! Parsing a pane's output into the emulator and answering its queries, and
//! the reader thread that does it where the runtime does not read the PTY
//! (see [`super::handover`]).
//!
//! Whoever reads holds the emulator lock only while one read is parsed, and
//! blocks on nothing but the PTY read and its turn to parse a large read (see
//! [`super::turns`]), so a slow renderer or a program that is not reading its
//! input cannot stall output.

use std::io::Read;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use nix::sys::signal::Signal;
use tokio::sync::watch;

use super::emulator::{Emulator, ParserHealth};
use super::error::WriteError;
use super::lifecycle::Lifecycle;
use super::ptyfd::{PtyFd, Ready};
use super::turns::{TURN_READ_BYTES, TURNS};
use super::writer::WriteQueue;

/// One read from the PTY. Big enough that a program redrawing a large screen is
/// parsed in a few locks rather than hundreds.
const READ_BUFFER_BYTES: usize = 64 * 1024;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The reader thread's state.
pub(super) struct Reading {
    pub(super) emulator: Arc<Mutex<Emulator>>,
    pub(super) replies: WriteQueue,
    pub(super) changes: watch::Sender<u64>,
    pub(super) lifecycle: Arc<Lifecycle>,
    /// Set when the master is non-blocking: a read that finds nothing waits
    /// on it.
    pub(super) pty: Option<Arc<PtyFd>>,
    /// Called after each read is parsed, once someone set it.
    pub(super) hook: Arc<OnceLock<OutputHook>>,
}

/// Called by whoever read a chunk of output (the runtime, the flood thread or
/// the reader thread), after parsing it; it must not block. It lets a
/// consumer hear of output without a thread hand-off.
pub type OutputHook = Box<dyn Fn() + Send + Sync>;

impl Reading {
    pub(super) fn run(self, mut reader: Box<dyn Read + Send>) {
        let mut buffer = vec![0u8; READ_BUFFER_BYTES];
        loop {
            let read = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                    match self.pty.as_ref().map(|pty| pty.wait(Ready::Readable)) {
                        Some(Ok(())) => continue,
                        Some(Err(error)) => {
                            tracing::warn!(pid = self.lifecycle.pid(), %error, "waiting for pane output failed");
                            break;
                        }
                        None => {
                            tracing::warn!(
                                pid = self.lifecycle.pid(),
                                "a blocking PTY read would block"
                            );
                            break;
                        }
                    }
                }
                Err(error) => {
                    tracing::debug!(pid = self.lifecycle.pid(), %error, "pane output ended");
                    break;
                }
            };
            self.parsed(&buffer[..read]);
        }
    }

    /// Parses one read, answers its queries and tells whoever listens.
    pub(super) fn parsed(&self, bytes: &[u8]) {
        let read = bytes.len();
        // A large read waits for a turn before it takes the lock, so the
        // session never waits on a reader that is queued for the CPU.
        let turn = (read >= TURN_READ_BYTES).then(|| TURNS.take());
        let processed = lock(&self.emulator).process(bytes);
        drop(turn);
        match self.replies.try_write(&processed.replies) {
            Ok(()) => {}
            // Blocking here would deadlock against a program that is not
            // reading its input; an unanswered query is the lesser harm.
            Err(error @ (WriteError::Full | WriteError::Closed | WriteError::TooLarge { .. })) => {
                tracing::debug!(pid = self.lifecycle.pid(), %error, "dropped a query reply");
            }
        }
        match processed.parser {
            ParserHealth::Intact => {}
            // The screen was lost; ask the program to draw it again.
            ParserHealth::Rebuilt => self.lifecycle.signal_if_running(Signal::SIGWINCH),
        }
        self.changes
            .send_modify(|generation| *generation = generation.wrapping_add(1));
        if let Some(hook) = self.hook.get() {
            hook();
        }
    }
}
