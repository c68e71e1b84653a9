//! The command line: argument parsing, dispatch, and exit codes.

use std::process::ExitCode;

/// Runs the `grove` command line and returns its exit code.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
