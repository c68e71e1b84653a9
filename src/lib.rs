//! grove: a terminal multiplexer for parallel AI coding.
//!
//! A *workspace* is a git worktree on its own branch with an *agent* running in a
//! *pane* (a PTY plus a terminal emulator). This crate is the library the server
//! drives and the `grove` binary is a thin front over it:
//!
//! - [`config`] loads the layered YAML configuration (built-in, user, repository) and
//!   is the only module that touches `serde_yaml`.
//! - [`paths`] is the one place that knows where grove keeps files (XDG).
//! - [`git`] runs the git CLI for anything that changes a repository and reads refs
//!   through git2; [`workspace`] composes those steps into create / snapshot /
//!   remove / restore, each of which either completes or leaves nothing behind.
//! - [`state`] records the workspaces grove owns, written atomically.
//! - [`job`] is the orchestrator's library side: job files, items, the ledger.
//! - [`tickets`] is the team's queue in `.grove/tickets.yaml` (`grove ticket`).
//! - [`agent`] decides what an agent is doing (working, waiting for the user,
//!   idle) from its profile's screen rules and its pane, with the reason.
//! - [`pane`] owns a PTY, the emulator with its query shim, and the key encoder.
//! - [`server`] owns the socket (checks, lock, handshake) and starts as a daemon;
//!   [`client`] finds or starts the server and connects. They never import each
//!   other; both speak [`protocol`].
//! - [`cli`] parses arguments and maps errors to exit codes.
//!
//! `docs/ARCHITECTURE.md` has the picture and the glossary.

pub mod agent;
pub mod cli;
pub mod client;
pub mod config;
pub mod durable;
pub mod failure;
pub mod git;
pub mod job;
pub mod pane;
pub mod paths;
pub mod protocol;
pub mod server;
pub mod state;
pub mod sys;
pub mod tickets;
pub mod ui;
pub mod workspace;
