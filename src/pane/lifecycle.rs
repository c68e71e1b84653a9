//! The life of a pane's process: waiting for it, reaping it, and killing it
//! together with everything it started.
//!
//! portable-pty makes the child a session and process-group leader (`setsid`),
//! so its pid is also the group id that its tool processes, MCP servers and
//! shells inherit. Killing only the pid would orphan those, so a kill signals
//! the whole group: SIGTERM, a grace period, then SIGKILL. Signalling a group by
//! number is only safe while the number cannot have been recycled, so the
//! waiter thread waits for the exit *without* reaping, then reaps and records it
//! under the same lock `kill` holds while it sends signals. After the leader is
//! reaped, any process left in the group keeps the number reserved.

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
    Reaped { exit: ProcessExit },
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

    /// The waiter thread: blocks until the child exits, then reaps it and
    /// publishes its status.
    pub fn wait_for_exit(&self) {
        let exit = sys::wait_exit_keep_zombie(self.pid).unwrap_or_else(|error| {
            tracing::warn!(pid = self.pid, %error, "waiting for the pane's child failed");
            ProcessExit::Unknown
        });
        let mut leader = self.lock();
        if let Err(error) = sys::reap(self.pid) {
            tracing::warn!(pid = self.pid, %error, "reaping the pane's child failed");
        }
        *leader = Leader::Reaped { exit };
        drop(leader);
        self.changed.notify_all();
        tracing::debug!(pid = self.pid, %exit, "pane process ended");
        self.exit.send_replace(Some(exit));
    }

    /// Sends `signal` to the group if its leader has not been reaped; used to
    /// ask for a repaint (SIGWINCH).
    pub fn signal_if_running(&self, signal: Signal) {
        let leader = self.lock();
        if *leader == Leader::Running
            && let Err(error) = sys::signal_group(self.pid, signal)
        {
            tracing::debug!(pid = self.pid, %error, ?signal, "signalling the pane failed");
        }
    }

    /// Whether the leader is reaped and nothing is left in its group.
    pub fn finished(&self) -> bool {
        matches!(*self.lock(), Leader::Reaped { .. })
            && matches!(sys::probe_group(self.pid), Ok(GroupSignal::NoSuchGroup))
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

    fn wait_reaped_until<'a>(
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

    /// SIGTERM to the group, up to `grace` for it to exit, then SIGKILL; returns
    /// once the leader is reaped, after at most `grace` + [`KILL_REAP_TIMEOUT`].
    pub fn kill(&self, grace: Duration, foreground: Option<u32>) -> Result<ProcessExit, PaneError> {
        let deadline = Instant::now() + grace;
        let mut leader = self.lock();
        if *leader == Leader::Running {
            // Signalled under the lock: the leader cannot be reaped meanwhile,
            // so the group id is still ours.
            self.signal(Signal::SIGTERM, foreground)?;
            // A stopped process acts on SIGTERM only once it is continued.
            self.signal(Signal::SIGCONT, foreground)?;
            leader = self.wait_reaped_until(leader, deadline);
        } else {
            self.term_leftovers()?;
        }
        match *leader {
            Leader::Reaped { exit } => {
                drop(leader);
                self.kill_leftovers(deadline)?;
                Ok(exit)
            }
            Leader::Running => {
                tracing::info!(pid = self.pid, "pane ignored SIGTERM; sending SIGKILL");
                self.signal(Signal::SIGKILL, foreground)?;
                let leader = self.wait_reaped_until(leader, Instant::now() + KILL_REAP_TIMEOUT);
                match *leader {
                    Leader::Reaped { exit } => Ok(exit),
                    Leader::Running => Err(PaneError::Unkillable { pid: self.pid }),
                }
            }
        }
    }

    /// The leader exited on its own earlier; its group may still hold
    /// processes it left behind.
    fn term_leftovers(&self) -> Result<(), PaneError> {
        match sys::signal_group(self.pid, Signal::SIGTERM) {
            Ok(GroupSignal::Delivered | GroupSignal::NoSuchGroup) => Ok(()),
            Err(source) => Err(PaneError::Signal {
                pgid: self.pid,
                source,
            }),
        }
    }

    /// After the leader is reaped: whatever is left in the group gets the rest
    /// of the grace period, then SIGKILL. Nothing notifies us when processes we
    /// did not start exit, so this is a plain timed wait, and only when the
    /// group is not already empty.
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
