//! Leaving the terminal the server was started from.
//!
//! A client starts the server as an ordinary child (stdin `/dev/null`, output
//! to the log file), so the server still belongs to the user's terminal
//! session: closing that terminal would send it SIGHUP and take every agent
//! with it. The server therefore calls [`detach_from_terminal`] first thing,
//! before a tokio runtime or any other thread exists, and from then on has no
//! controlling terminal. Re-executing plus `setsid` replaces the classic
//! double fork, which is unsafe once a process has threads.

use anyhow::Context as _;

/// Starts a new session (`setsid`) so the terminal's hangup never reaches the
/// server, and moves to `/` so the server never keeps the directory it was
/// started from busy (a worktree the user removes later, a mount).
///
/// `setsid` fails when the process leads a process group. A server spawned by
/// a client never does (it inherits the client's group); one run by hand from
/// an interactive shell does, because job control gives it its own group.
pub fn detach_from_terminal() -> anyhow::Result<()> {
    crate::sys::new_session().context(
        "the grove server cannot leave the terminal's session (setsid): it leads a process \
         group, as a command typed at an interactive shell does; let `grove` start it",
    )?;
    std::env::set_current_dir("/").context("the grove server cannot change directory to /")?;
    Ok(())
}
