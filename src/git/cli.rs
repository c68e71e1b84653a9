//! The git CLI runner: which `git` to run, its version, and a uniform way to run
//! it so every failure names the command, the directory and git's own message.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::GitError;

/// A git version as `major.minor.patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GitVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl GitVersion {
    /// `merge-tree --write-tree` (conflict prediction) and `worktree add --lock
    /// --reason` arrived by 2.38; older gits fail later in confusing ways.
    pub const MINIMUM: GitVersion = GitVersion {
        major: 2,
        minor: 38,
        patch: 0,
    };

    /// Parses the output of `git --version`, e.g. `git version 2.47.3` or
    /// `git version 2.39.2.windows.1`.
    pub fn parse(output: &str) -> Option<GitVersion> {
        let rest = output.trim().strip_prefix("git version ")?;
        let mut numbers = rest
            .split(|c: char| !c.is_ascii_digit())
            .filter(|part| !part.is_empty())
            .map(str::parse::<u32>);
        let major = numbers.next()?.ok()?;
        let minor = numbers.next()?.ok()?;
        let patch = numbers.next().and_then(Result::ok).unwrap_or(0);
        Some(GitVersion {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for GitVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Variables that would redirect git away from the directory we pass with `-C`
/// (they are set, for instance, when grove runs inside a git hook).
const INHERITED_GIT_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_PREFIX",
];

/// A checked git executable plus any environment every invocation gets.
#[derive(Debug, Clone)]
pub struct Git {
    program: PathBuf,
    version: GitVersion,
    env: Vec<(OsString, OsString)>,
}

impl Git {
    /// The `git` on PATH, checked to be new enough.
    pub fn from_path() -> Result<Git, GitError> {
        Git::with_program(PathBuf::from("git"), Vec::new())
    }

    /// The `git` on PATH, probed once per process and then reused: the server
    /// starts a git job for every refresh, and a `git --version` before each
    /// would double its processes. A failed probe is not remembered, so a git
    /// installed later is found.
    pub fn shared() -> Result<Git, GitError> {
        static SHARED: std::sync::OnceLock<Git> = std::sync::OnceLock::new();
        if let Some(git) = SHARED.get() {
            return Ok(git.clone());
        }
        let git = Git::from_path()?;
        Ok(SHARED.get_or_init(|| git).clone())
    }

    /// A specific git executable with extra environment for every command
    /// (tests use this for a hermetic configuration).
    pub fn with_program(program: PathBuf, env: Vec<(OsString, OsString)>) -> Result<Git, GitError> {
        let mut probe = Git {
            program,
            version: GitVersion::MINIMUM,
            env,
        };
        let output = probe.output(Path::new("."), ["--version"])?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let version = GitVersion::parse(&text).ok_or(GitError::UnknownVersion {
            output: text.trim().to_owned(),
        })?;
        if version < GitVersion::MINIMUM {
            return Err(GitError::TooOld {
                found: version.to_string(),
                required: GitVersion::MINIMUM.to_string(),
            });
        }
        probe.version = version;
        Ok(probe)
    }

    /// The version found when this runner was made.
    pub fn version(&self) -> GitVersion {
        self.version
    }

    /// A `git -C dir` command with grove's environment, for callers that need
    /// to add their own environment or stdin.
    pub fn command(&self, dir: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command.arg("-C").arg(dir);
        for var in INHERITED_GIT_VARS {
            command.env_remove(var);
        }
        command.env("GIT_TERMINAL_PROMPT", "0");
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command.stdin(Stdio::null());
        command
    }

    /// Runs `git -C dir args…` and returns its trimmed stdout, or an error with
    /// git's stderr when it exits non-zero.
    pub fn run<I, S>(&self, dir: &Path, args: I) -> Result<String, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let mut command = self.command(dir);
        command.args(&args);
        let output = self.finish(command, dir, &args)?;
        Ok(String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned())
    }

    /// Runs a prepared command (from [`Git::command`]) and checks its status.
    pub fn run_command(
        &self,
        command: Command,
        dir: &Path,
        args: &[OsString],
    ) -> Result<Output, GitError> {
        self.finish(command, dir, args)
    }

    /// Runs `git -C dir args…` and reports whether it exited zero, for the
    /// plumbing commands that answer yes/no through their status.
    pub fn succeeds<I, S>(&self, dir: &Path, args: I) -> Result<bool, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let output = self.output(dir, args)?;
        Ok(output.status.success())
    }

    /// Runs `git -C dir args…` and returns its output whatever its status,
    /// for commands whose exit code carries an answer (`merge-tree`: 1 means
    /// conflicts, with the paths on stdout).
    pub fn output<I, S>(&self, dir: &Path, args: I) -> Result<Output, GitError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.command(dir);
        command.args(args);
        command.output().map_err(|source| GitError::Spawn {
            program: self.program.clone(),
            source,
        })
    }

    fn finish(
        &self,
        mut command: Command,
        dir: &Path,
        args: &[OsString],
    ) -> Result<Output, GitError> {
        let output = command.output().map_err(|source| GitError::Spawn {
            program: self.program.clone(),
            source,
        })?;
        if output.status.success() {
            return Ok(output);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr = match stderr.trim() {
            "" => format!("exit status {}", output.status),
            text => text.lines().collect::<Vec<_>>().join("; "),
        };
        Err(GitError::Failed {
            command: describe(args),
            dir: dir.to_owned(),
            stderr,
        })
    }
}

/// `git worktree add …` as a user would type it, for error messages.
fn describe(args: &[OsString]) -> String {
    let mut text = String::from("git");
    for arg in args {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        let v = |s| GitVersion::parse(s);
        assert_eq!(
            v("git version 2.47.3\n"),
            Some(GitVersion {
                major: 2,
                minor: 47,
                patch: 3
            })
        );
        assert_eq!(
            v("git version 2.39.2.windows.1"),
            Some(GitVersion {
                major: 2,
                minor: 39,
                patch: 2
            })
        );
        assert_eq!(
            v("git version 2.40"),
            Some(GitVersion {
                major: 2,
                minor: 40,
                patch: 0
            })
        );
        assert_eq!(v("hub version 2.14.2"), None);
        assert!(v("git version 2.37.9").unwrap() < GitVersion::MINIMUM);
        assert!(v("git version 2.38.0").unwrap() >= GitVersion::MINIMUM);
    }
}
