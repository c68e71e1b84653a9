//! A pane: one PTY running a command, the terminal emulator that parses its
//! output, and the key encoder that turns the user's keys into its input.
//!
//! [`Emulator`] is vt100 plus the query shim and is usable on its own (tests,
//! replaying recorded sessions).

mod emulator;
mod filter;
pub mod keys;
mod kitty;
mod query;
mod shim;
mod size;

pub use emulator::{Emulator, ParserHealth, Processed, scrollback_rows_for};
pub use shim::{
    AlternateScroll, FocusReporting, Notification, NotificationSource, SyncUpdate, TrackedModes,
};
pub use size::{MIN_COLS, MIN_ROWS, PaneSize};
