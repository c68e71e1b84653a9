//! The GitHub CLI, `gh`: found on PATH or given (tests pass a fake), and run
//! the one way grove runs it.
//!
//! Arguments are always an argv, never a shell string, so a title with
//! quotes, `$()` or newlines reaches GitHub as written. The environment makes
//! gh non-interactive and its output plain: no prompts (`GH_PROMPT_DISABLED`),
//! no colour or forced TTY behaviour, no update notice, stdin null. There is
//! no timeout: gh's own network timeouts apply, and without a prompt nothing
//! waits for a person.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::error::PrError;
use super::text::shell_command;

/// Variables that would make gh interactive, coloured, or point the git it
/// runs away from the worktree.
const SCRUBBED: &[&str] = &[
    "GH_FORCE_TTY",
    "CLICOLOR_FORCE",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
];

/// A `gh` executable plus any environment every invocation gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gh {
    program: PathBuf,
    env: Vec<(OsString, OsString)>,
}

/// How a gh command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Exit {
    Success,
    Failure,
}

/// What a gh command printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GhOutput {
    pub exit: Exit,
    pub stdout: String,
    pub stderr: String,
    /// The command as a user would type it, for error messages.
    pub command: String,
}

impl Gh {
    /// The `gh` on PATH, if there is one.
    pub fn find() -> Option<Gh> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            // An empty PATH entry means the current directory: never run a
            // `gh` that happens to sit in the repository.
            .filter(|dir| dir.is_absolute())
            .map(|dir| dir.join("gh"))
            .find(|candidate| is_executable(candidate))
            .map(|program| Gh::with_program(program, Vec::new()))
    }

    /// A specific gh executable with extra environment for every command
    /// (tests use this for a fake gh and its PATH).
    pub fn with_program(program: PathBuf, env: Vec<(OsString, OsString)>) -> Gh {
        Gh { program, env }
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Runs `gh args…` in `dir`; a non-zero exit is not an error here,
    /// because callers read meaning into it (`auth status`, `pr view`).
    pub(super) fn run(&self, dir: &Path, args: &[String]) -> Result<GhOutput, PrError> {
        let mut command = Command::new(&self.program);
        command.args(args).current_dir(dir).stdin(Stdio::null());
        for var in SCRUBBED {
            command.env_remove(var);
        }
        command
            .env("GH_PROMPT_DISABLED", "1")
            .env("NO_COLOR", "1")
            .env("GH_NO_UPDATE_NOTIFIER", "1")
            .env("GH_SPINNER_DISABLED", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        let output = command.output().map_err(|source| PrError::GhSpawn {
            program: self.program.clone(),
            source,
        })?;
        let mut argv = vec!["gh".to_owned()];
        argv.extend(args.iter().cloned());
        Ok(GhOutput {
            exit: match output.status.success() {
                true => Exit::Success,
                false => Exit::Failure,
            },
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            command: shell_command(&argv),
        })
    }
}

impl Gh {
    /// Runs `gh args…` in `dir` and returns what it printed; a non-zero exit
    /// is an error carrying gh's own words.
    pub fn stdout(&self, dir: &Path, args: &[String]) -> Result<String, PrError> {
        let output = self.run(dir, args)?;
        match output.exit {
            Exit::Success => Ok(output.stdout),
            Exit::Failure => Err(output.failed(dir)),
        }
    }
}

impl GhOutput {
    /// The error for a command that should have succeeded.
    pub(super) fn failed(self, dir: &Path) -> PrError {
        let stderr = match self.stderr.as_str() {
            "" => "it exited non-zero without saying why".to_owned(),
            text => text.lines().collect::<Vec<_>>().join("; "),
        };
        PrError::Gh {
            command: self.command,
            dir: dir.to_owned(),
            stderr,
        }
    }
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}
