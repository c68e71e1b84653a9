//! The life of a pane's process: waiting for it, reaping it, and killing it
//! together with everything it started.
//!
//! portable-pty makes the child a session and process-group leader (`setsid`),
//! so its pid is also the group id that its tool processes, MCP servers and
//! shells inherit. Killing only the pid would orphan those, so a kill signals
//! the whole group: SIGHUP and SIGTERM, a grace period, then SIGKILL.
//!
//! Signalling a group by number is only safe while the number cannot have been
//! recycled (pid_max is often 32768, and a pane can sit exited for days). An
//! exited child that is not yet reaped keeps its pid and group id reserved, so
//! the waiter records the exit *without* reaping, and the child is reaped only
//! by `kill` (or a dropped pane), after the group was signalled. From then on
//! only processes still in the group hold the number, and they are dealt with
//! within the same grace period.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use tokio::sync::watch;

use super::error::PaneError;
use crate::sys::{self, GroupSignal, ProcessExit};

/// How long to wait for the leader to be reaped after SIGKILL. SIGKILL cannot be
/// caught, but a process in uninterruptible sleep (a hung NFS read) only dies
/// when the syscall returns; the caller must not hang on it.
const KILL_REAP_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leader {
    Running,
    /// Exited and not reaped: the zombie reserves the group id.
    Exited {
        exit: ProcessExit,
    },
    /// Reaped after its group was signalled; nothing more is sent to it.
    Reaped {
        exit: ProcessExit,
    },
}

/// Shared between the pane, its waiter thread and its reader thread.
#[derive(Debug)]
pub struct Lifecycle {
    pid: u32,
    leader: Mutex<Leader>,
    changed: Condvar,
    exit: watch::Sender<Option<ProcessExit>>,
}

impl Lifecycle {
    pub fn new(pid: u32) -> Self {
        Self {
            pid,
            leader: Mutex::new(Leader::Running),
            changed: Condvar::new(),
            exit: watch::Sender::new(None),
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn exit_status(&self) -> watch::Receiver<Option<ProcessExit>> {
        self.exit.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, Leader> {
        self.leader.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The waiter thread: blocks until the child exits and publishes how. The
    /// zombie is left for [`Lifecycle::kill`] to reap.
    pub fn wait_for_exit(&self) {
        let exit = sys::wait_exit_keep_zombie(self.pid).unwrap_or_else(|error| {
            tracing::warn!(pid = self.pid, %error, "waiting for the pane's child failed");
            ProcessExit::Unknown
        });
        // Published before the state kill() waits on: a kill that returns
        // this exit must find it in `exit_status()` too.
        self.exit.send_replace(Some(exit));
        *self.lock() = Leader::Exited { exit };
        self.changed.notify_all();
        tracing::debug!(pid = self.pid, %exit, "pane process ended");
    }

    /// Sends `signal` to the group while its leader runs; used to ask for a
    /// repaint (SIGWINCH).
    pub fn signal_if_running(&self, signal: Signal) {
        let leader = self.lock();
        if *leader == Leader::Running
            && let Err(error) = sys::signal_group(self.pid, signal)
        {
            tracing::debug!(pid = self.pid, %error, ?signal, "signalling the pane failed");
        }
    }

    /// Whether a kill has already run to the end.
    pub fn finished(&self) -> bool {
        matches!(*self.lock(), Leader::Reaped { .. })
    }

    /// Signals the group and, if it differs, the terminal's foreground group
    /// (a job-control shell runs each command in a group of its own).
    fn signal(&self, signal: Signal, foreground: Option<u32>) -> Result<(), PaneError> {
        let groups = std::iter::once(self.pid).chain(foreground.filter(|&fg| fg != self.pid));
        for pgid in groups {
            sys::signal_group(pgid, signal).map_err(|source| PaneError::Signal { pgid, source })?;
        }
        Ok(())
    }

    /// Waits until the leader has exited, or the deadline passes.
    fn wait_exit_until<'a>(
        &self,
        mut leader: MutexGuard<'a, Leader>,
        deadline: Instant,
    ) -> MutexGuard<'a, Leader> {
        while *leader == Leader::Running {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                break;
            };
            leader = self
                .changed
                .wait_timeout(leader, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        leader
    }

    /// Reaps the zombie; the status from the waiter is the one kept.
    fn reap(&self, leader: &mut Leader, exit: ProcessExit) {
        if let Err(error) = sys::reap(self.pid) {
            tracing::warn!(pid = self.pid, %error, "reaping the pane's child failed");
        }
        *leader = Leader::Reaped { exit };
    }

    /// SIGHUP and SIGTERM to the group, up to `grace` for it to exit, then SIGKILL; reaps
    /// the child and returns how it ended, after at most `grace` +
    /// [`KILL_REAP_TIMEOUT`]. Every signal is sent while the leader is unreaped.
    pub fn kill(&self, grace: Duration, foreground: Option<u32>) -> Result<ProcessExit, PaneError> {
        let deadline = Instant::now() + grace;
        let mut leader = self.lock();
        match *leader {
            Leader::Reaped { exit } => return Ok(exit),
            // Exited on its own: only what it left in its group is signalled.
            Leader::Exited { .. } => self.signal(Signal::SIGTERM, None)?,
            Leader::Running => {
                // SIGHUP first, as a closing terminal would send: interactive
                // shells ignore SIGTERM but exit on SIGHUP.
                self.signal(Signal::SIGHUP, foreground)?;
                self.signal(Signal::SIGTERM, foreground)?;
                // A stopped process acts on either only once it is continued.
                self.signal(Signal::SIGCONT, foreground)?;
                leader = self.wait_exit_until(leader, deadline);
            }
        }
        match *leader {
            Leader::Reaped { exit } => Ok(exit),
            Leader::Exited { exit } => {
                self.reap(&mut leader, exit);
                drop(leader);
                self.kill_leftovers(deadline)?;
                Ok(exit)
            }
            Leader::Running => {
                tracing::info!(pid = self.pid, "pane ignored SIGTERM; sending SIGKILL");
                self.signal(Signal::SIGKILL, foreground)?;
                leader = self.wait_exit_until(leader, Instant::now() + KILL_REAP_TIMEOUT);
                match *leader {
                    Leader::Exited { exit } => {
                        self.reap(&mut leader, exit);
                        Ok(exit)
                    }
                    // A concurrent kill (a dropped pane's) got there first.
                    Leader::Reaped { exit } => Ok(exit),
                    Leader::Running => Err(PaneError::Unkillable { pid: self.pid }),
                }
            }
        }
    }

    /// After the leader is reaped, anything still in its group (it ignored
    /// SIGTERM, or is slow to exit) holds the group id, so probing and
    /// signalling it stays safe. Nothing notifies us when processes we did not
    /// start exit, so this is a plain timed wait for the rest of the grace
    /// period, and only when the group is not already empty.
    fn kill_leftovers(&self, deadline: Instant) -> Result<(), PaneError> {
        let signal_error = |source| PaneError::Signal {
            pgid: self.pid,
            source,
        };
        if sys::probe_group(self.pid).map_err(signal_error)? == GroupSignal::NoSuchGroup {
            return Ok(());
        }
        if let Some(left) = deadline.checked_duration_since(Instant::now()) {
            std::thread::sleep(left);
        }
        match sys::signal_group(self.pid, Signal::SIGKILL).map_err(signal_error)? {
            GroupSignal::Delivered => {
                tracing::info!(pid = self.pid, "processes outlived the pane; sent SIGKILL");
            }
            GroupSignal::NoSuchGroup => {}
        }
        Ok(())
    }
}
