//! A pane: one PTY running a command, the terminal emulator that parses its
//! output, and the key and mouse encoders that turn what the user types and
//! clicks into the bytes the program expects.
//!
//! [`Pane`] owns the process and its threads; [`Emulator`] is vt100 plus the
//! query shim and the pane's [`History`], and is usable on its own (tests,
//! replaying recorded sessions).

mod damage;
mod emulator;
mod env;
mod error;
mod filter;
mod handover;
mod history;
pub mod keys;
mod kitty;
mod lifecycle;
mod modes;
pub mod mouse;
mod process;
mod ptyfd;
mod query;
mod reader;
mod recall;
mod shim;
mod size;
mod spec;
mod turns;
mod widen;
mod writer;

pub use crate::sys::ProcessExit;
pub use damage::Changed;
pub use emulator::{Emulator, LineForm, ParserHealth, Processed};
pub use env::pane_environment;
pub use error::{BoxError, PaneError, WriteError};
pub use history::{History, HistoryLimits, Line, Wrap, line_cost};
pub use modes::{AlternateScroll, FocusReporting, SyncUpdate, TrackedModes};
pub use process::Pane;
pub use reader::OutputHook;
pub use recall::ScrollView;
pub use shim::{Notification, NotificationSource};
pub use size::{MAX_COLS, MAX_ROWS, MIN_COLS, MIN_ROWS, PaneSize};
pub use spec::PaneSpec;
pub use writer::MAX_QUEUED_BYTES;
