//! The command line: argument parsing, dispatch, and exit codes.
//!
//! Each subcommand is a thin wrapper over the library: build a
//! [`workspace::Context`](crate::workspace::Context) for the repository at hand,
//! call one operation, print the outcome. Errors print as one line on stderr
//! and map to the exit codes documented in `docs/cli.md`.

// Printing is this module's job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod comforts;
mod commands;
mod demo;
mod exit;
mod job;
mod merge;
mod pr;
mod remote;
mod script;
mod tickets;

use std::process::ExitCode;

use clap::Parser as _;

pub use args::{Args, Command, ConfigCommand};
pub use exit::Exit;

/// Runs the `grove` command line and returns its exit code.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // clap prints help and version to stdout with success, misuse to
            // stderr with exit code 2.
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    init_logging(match args.command {
        Some(Command::Server { .. }) => "info",
        Some(_) | None => "warn",
    });
    quiet_on_closed_stdout();
    match commands::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("grove: {err:#}");
            Exit::of(&err).into()
        }
    }
}

/// `grove ls --json | head -1`: when the reader of stdout goes away, end
/// quietly (as `ls` and `git` do) instead of panicking in `println!`. Rust
/// ignores SIGPIPE, and restoring it would also make a write to the server's
/// socket fatal, so the one panic that means "stdout is closed" exits 141
/// (128 + SIGPIPE) without a word; any other panic still reports.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// Warnings from the library (a rollback step that failed, a branch that moved)
/// go to stderr, which for the server is its log file; `GROVE_LOG` changes the
/// level (`GROVE_LOG=debug`).
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GROVE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colour only for a person at a terminal, never into the server's log.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .try_init();
}
