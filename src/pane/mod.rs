//! A pane: one PTY running a command, the terminal emulator that parses its
//! output, and the key encoder that turns the user's keys into its input.

pub mod keys;
