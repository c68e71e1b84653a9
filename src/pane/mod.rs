//! A pane: one PTY running a command, the terminal emulator that parses its
//! output, and the key and mouse encoders that turn what the user types and
//! clicks into the bytes the program expects.
//!
//! [`Pane`] owns the process and its threads; [`Emulator`] is vt100 plus the
//! query shim and is usable on its own (tests, replaying recorded sessions).

mod emulator;
mod env;
mod error;
mod filter;
pub mod keys;
mod kitty;
mod lifecycle;
pub mod mouse;
mod process;
mod query;
mod reader;
mod shim;
mod size;
mod spec;
mod turns;
mod widen;
mod writer;

pub use crate::sys::ProcessExit;
pub use emulator::{Emulator, ParserHealth, Processed, scrollback_rows_for};
pub use env::pane_environment;
pub use error::{BoxError, PaneError, WriteError};
pub use process::Pane;
pub use shim::{
    AlternateScroll, FocusReporting, Notification, NotificationSource, SyncUpdate, TrackedModes,
};
pub use size::{MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, PaneSize};
pub use spec::PaneSpec;
pub use writer::MAX_QUEUED_BYTES;
