//! The dashboard's terminal events, read on the client's own thread.
//!
//! crossterm's `EventStream` reads the terminal on a thread of its own and
//! wakes the runtime for each event: one more thread hand-off on every key's
//! way to its echo (benches/latency.py). Here the runtime itself waits for the
//! terminal to be readable (tokio's `AsyncFd` on a duplicate of its
//! descriptor) or for SIGWINCH, and then lets crossterm read and parse what is
//! there without waiting. A terminal that hung up is reported as gone before
//! crossterm is asked, since crossterm retries a failing read for ever.

use std::io::{self, IsTerminal as _};
use std::os::fd::{AsFd as _, OwnedFd};
use std::time::Duration;

use crossterm::event::Event;
use tokio::io::unix::AsyncFd;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// The terminal the dashboard reads its events from.
pub struct TerminalEvents {
    tty: AsyncFd<OwnedFd>,
    resized: Signal,
}

/// Why no more events come.
#[derive(Debug)]
pub enum Gone {
    /// The terminal hung up.
    HungUp,
    /// Reading it failed.
    Failed(io::Error),
}

impl TerminalEvents {
    /// Watches the terminal crossterm reads: standard input when it is one,
    /// else the controlling terminal.
    pub fn new() -> io::Result<Self> {
        let stdin = io::stdin();
        let tty = match stdin.is_terminal() {
            true => stdin.as_fd().try_clone_to_owned()?,
            false => std::fs::File::open("/dev/tty")?.into(),
        };
        Ok(Self {
            tty: crate::sys::readable(tty)?,
            resized: signal(SignalKind::window_change())?,
        })
    }

    /// The next events, at least one, in the order they came.
    pub async fn next(&mut self) -> Result<Vec<Event>, Gone> {
        loop {
            tokio::select! {
                ready = self.tty.readable() => {
                    let mut ready = ready.map_err(Gone::Failed)?;
                    if ready.ready().is_read_closed() {
                        return Err(Gone::HungUp);
                    }
                    let events = waiting().map_err(Gone::Failed)?;
                    // Clears only if nothing arrived since `readable`.
                    ready.clear_ready();
                    if !events.is_empty() {
                        return Ok(events);
                    }
                }
                _ = self.resized.recv() => {
                    let events = waiting().map_err(Gone::Failed)?;
                    if !events.is_empty() {
                        return Ok(events);
                    }
                }
            }
        }
    }
}

/// Every event crossterm can read without waiting.
fn waiting() -> io::Result<Vec<Event>> {
    let mut events = Vec::new();
    while crossterm::event::poll(Duration::ZERO)? {
        events.push(crossterm::event::read()?);
    }
    Ok(events)
}
