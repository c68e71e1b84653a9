//! The few operating-system calls grove makes directly: signalling process groups,
//! waiting for and reaping a pane's child, asking who we are, and leaving the
//! terminal's session.
//!
//! Everything goes through nix's safe wrappers. The crate denies `unsafe_code`;
//! if a call ever needs an `unsafe` block it belongs here, with a comment saying
//! which syscall and why no safe wrapper exists.

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, Uid};

/// The real uid of this process.
pub fn current_uid() -> u32 {
    Uid::current().as_raw()
}

/// A descriptor of our own for `fd`, which a library hands out only as a raw
/// number (portable-pty's PTY master). The caller must hold whatever owns
/// `fd` for the length of the call.
#[allow(unsafe_code)]
pub fn dup_raw(fd: std::os::fd::RawFd) -> std::io::Result<std::os::fd::OwnedFd> {
    // SAFETY: `borrow_raw` needs `fd` to stay open while the borrow lives,
    // which is only this call; the caller holds its owner. No safe wrapper
    // turns a raw descriptor that someone else owns into a duplicate.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    borrowed.try_clone_to_owned()
}

/// Registers `fd` with the tokio reactor for readability. Call it inside a
/// runtime.
pub fn readable(
    fd: std::os::fd::OwnedFd,
) -> std::io::Result<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>> {
    register(fd, tokio::io::Interest::READABLE)
}

/// Registers `fd` with the tokio reactor for writability. Call it inside a
/// runtime.
pub fn writable(
    fd: std::os::fd::OwnedFd,
) -> std::io::Result<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>> {
    register(fd, tokio::io::Interest::WRITABLE)
}

#[allow(unsafe_code)]
fn register(
    fd: std::os::fd::OwnedFd,
    interest: tokio::io::Interest,
) -> std::io::Result<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>> {
    // SAFETY: `register_with_interest` needs the descriptor to stay open and
    // be the same one for the AsyncFd's whole life. The AsyncFd owns the
    // `OwnedFd`, which closes only when dropped and always reports the same
    // number. tokio's safe constructors for this are deprecated.
    let registered = unsafe { tokio::io::unix::AsyncFd::register_with_interest(fd, interest) };
    registered.map_err(|error| std::io::Error::other(error.to_string()))
}

/// Makes this process the leader of a new session with no controlling
/// terminal (`setsid`) and returns the new session id. Fails with `EPERM` if
/// the process already leads a process group.
pub fn new_session() -> std::io::Result<u32> {
    let sid = nix::unistd::setsid().map_err(std::io::Error::from)?;
    u32::try_from(sid.as_raw())
        .map_err(|_| std::io::Error::other(format!("session id {sid} out of range")))
}

/// What happened when a process group was signalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSignal {
    /// At least one process in the group received the signal.
    Delivered,
    /// No process is left in the group.
    NoSuchGroup,
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessExit {
    /// It called `exit(code)`.
    Code { code: i32 },
    /// A signal ended it (the raw signal number, so real-time signals survive).
    Signal { signal: i32 },
    /// The status was lost: someone else reaped it, or the kernel reported a
    /// signal nix cannot name.
    Unknown,
}

impl std::fmt::Display for ProcessExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProcessExit::Code { code } => write!(f, "exited with code {code}"),
            ProcessExit::Signal { signal } => match Signal::try_from(*signal) {
                Ok(named) => write!(f, "killed by {}", named.as_str()),
                Err(_) => write!(f, "killed by signal {signal}"),
            },
            ProcessExit::Unknown => write!(f, "exited (status unknown)"),
        }
    }
}

fn raw_pid(pid: u32) -> std::io::Result<Pid> {
    i32::try_from(pid)
        .map(Pid::from_raw)
        .map_err(|_| std::io::Error::other(format!("pid {pid} out of range")))
}

/// Whether the process `pid` still runs: it exists (signal 0: nothing is
/// sent) and, where `/proc` says so, is not a zombie waiting to be reaped,
/// which a parent that never reaps (a container's init) could leave for ever.
pub fn process_runs(pid: u32) -> bool {
    let exists = match raw_pid(pid) {
        Ok(raw) => !matches!(
            nix::sys::signal::kill(raw, None),
            Err(nix::errno::Errno::ESRCH)
        ),
        Err(_) => false,
    };
    let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name, which is in parentheses and
        // may itself hold ") ".
        stat.rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'))
    });
    exists && !zombie
}

/// Sends `signal` to the process `pid`.
pub fn signal_process(pid: u32, signal: Signal) -> std::io::Result<()> {
    nix::sys::signal::kill(raw_pid(pid)?, signal).map_err(std::io::Error::from)
}

/// Sends `signal` to every process in the group `pgid`.
pub fn signal_group(pgid: u32, signal: Signal) -> std::io::Result<GroupSignal> {
    deliver(pgid, Some(signal))
}

/// Whether any process is left in the group `pgid` (signal 0: nothing is sent).
pub fn probe_group(pgid: u32) -> std::io::Result<GroupSignal> {
    deliver(pgid, None)
}

fn deliver(pgid: u32, signal: Option<Signal>) -> std::io::Result<GroupSignal> {
    match killpg(raw_pid(pgid)?, signal) {
        Ok(()) => Ok(GroupSignal::Delivered),
        Err(Errno::ESRCH) => Ok(GroupSignal::NoSuchGroup),
        Err(errno) => Err(std::io::Error::from(errno)),
    }
}

fn exit_of(status: WaitStatus) -> ProcessExit {
    match status {
        WaitStatus::Exited(_, code) => ProcessExit::Code { code },
        WaitStatus::Signaled(_, signal, _) => ProcessExit::Signal {
            signal: signal as i32,
        },
        // Only `WEXITED` is asked for, so the other states cannot be reported.
        WaitStatus::Stopped(..)
        | WaitStatus::Continued(_)
        | WaitStatus::StillAlive
        | WaitStatus::PtraceEvent(..)
        | WaitStatus::PtraceSyscall(_) => ProcessExit::Unknown,
    }
}

/// Blocks until our child `pid` has exited, **without reaping it**.
///
/// The zombie keeps its pid, and with it the process-group id, reserved: the
/// caller can still signal whatever is left of the group (grandchildren that
/// ignored SIGTERM) with no risk of hitting an unrelated process that was given
/// the recycled id. [`reap`] releases it.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub fn wait_exit_keep_zombie(pid: u32) -> std::io::Result<ProcessExit> {
    use nix::sys::wait::{Id, waitid};
    let id = raw_pid(pid)?;
    loop {
        match waitid(Id::Pid(id), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT) {
            Ok(status) => return Ok(exit_of(status)),
            Err(Errno::EINTR) => {}
            // The process did exit but its signal has no name in nix.
            Err(Errno::EINVAL) => return Ok(ProcessExit::Unknown),
            Err(errno) => return Err(std::io::Error::from(errno)),
        }
    }
}

/// Where `waitid(WNOWAIT)` is missing (macOS) the child is reaped at once, so the
/// group can no longer be signalled safely after the leader exits.
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub fn wait_exit_keep_zombie(pid: u32) -> std::io::Result<ProcessExit> {
    reap(pid)
}

/// Reaps our exited child `pid` and returns its status; blocks if it is still
/// running. A child already reaped elsewhere reports [`ProcessExit::Unknown`].
pub fn reap(pid: u32) -> std::io::Result<ProcessExit> {
    let id = raw_pid(pid)?;
    loop {
        match waitpid(id, None) {
            Ok(status) => return Ok(exit_of(status)),
            Err(Errno::EINTR) => {}
            Err(Errno::ECHILD | Errno::EINVAL) => return Ok(ProcessExit::Unknown),
            Err(errno) => return Err(std::io::Error::from(errno)),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_process_runs_until_it_exits_reaped_or_not() {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let pid = child.id();
        assert!(super::process_runs(pid));
        super::signal_process(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
        // Killed, not yet reaped: a zombie, which does not run.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while super::process_runs(pid) {
            assert!(std::time::Instant::now() < deadline, "{pid} still runs");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(
            nix::sys::signal::kill(super::raw_pid(pid).unwrap(), None).is_ok(),
            "a zombie still exists"
        );
        child.wait().unwrap();
        assert!(!super::process_runs(pid));
    }
}
