//! The few operating-system calls grove makes directly: signalling process groups
//! and asking who we are.
//!
//! Everything goes through nix's safe wrappers. The crate denies `unsafe_code`;
//! if a call ever needs an `unsafe` block it belongs here, with a comment saying
//! which syscall and why no safe wrapper exists.

use nix::sys::signal::{Signal, killpg};
use nix::unistd::{Pid, Uid};

/// The real uid of this process.
pub fn current_uid() -> u32 {
    Uid::current().as_raw()
}

/// What happened when a process group was signalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSignal {
    /// At least one process in the group received the signal.
    Delivered,
    /// No process is left in the group.
    NoSuchGroup,
}

/// Sends `signal` to every process in the group `pgid`.
pub fn signal_group(pgid: u32, signal: Signal) -> std::io::Result<GroupSignal> {
    let raw = i32::try_from(pgid).map_err(|_| std::io::Error::other("pgid out of range"))?;
    match killpg(Pid::from_raw(raw), signal) {
        Ok(()) => Ok(GroupSignal::Delivered),
        Err(nix::errno::Errno::ESRCH) => Ok(GroupSignal::NoSuchGroup),
        Err(errno) => Err(std::io::Error::from(errno)),
    }
}
