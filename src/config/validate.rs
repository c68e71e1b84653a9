//! Semantic checks on the merged configuration: values that parse but that
//! grove cannot use.
//!
//! They run after merging because a rule may involve values from different
//! layers (`agent` must name a profile that any layer defines; `ports.first`
//! and `ports.last` may come from different files). Each error blames the layer
//! that set the offending value, or the later of two, through [`Provenance`].
//! Checks run in a fixed order and the first failure is reported.

use std::path::{Component, Path};

use super::error::ConfigError;
use super::schema::{AgentProfile, Config, PromptVia};
use super::source::Provenance;
use crate::ui::keymap::{KeyEntry, KeyProblem, Keymap, KeymapError};

/// Ports below this need privileges, and agents' dev servers run unprivileged.
const FIRST_UNPRIVILEGED_PORT: u16 = 1024;

/// A longer grace period makes `x` (kill agent) look hung to the user.
const MAX_KILL_GRACE_MS: u64 = 60_000;

/// A rule broken by the value at `path`, reported under `key`.
struct Problem {
    /// Mapping keys from the top, to find the layer that set the value.
    path: Vec<String>,
    /// The key as the user reads it, e.g. `workspace.copy[2]`.
    key: String,
    message: String,
}

impl Problem {
    fn at(path: &[&str], message: String) -> Self {
        Self::indexed(path, path.join("."), message)
    }

    fn indexed(path: &[&str], key: String, message: String) -> Self {
        let path = path.iter().map(|key| (*key).to_owned()).collect();
        Self { path, key, message }
    }
}

/// Checks the merged configuration.
pub(crate) fn check(config: &Config, provenance: &Provenance) -> Result<(), ConfigError> {
    check_workspace(config, provenance)
        .and_then(|()| check_pane(config))
        .and_then(|()| check_agents(config))
        .and_then(|()| check_keys(config, provenance))
        .map_err(|problem| ConfigError::Invalid {
            layer: provenance.source_of(&problem.path).clone(),
            key: problem.key,
            message: problem.message,
        })
}

fn check_workspace(config: &Config, provenance: &Provenance) -> Result<(), Problem> {
    let workspace = &config.workspace;
    if let Some(problem) = branch_prefix_problem(&workspace.branch_prefix) {
        let prefix = &workspace.branch_prefix;
        let message = format!("{prefix:?} cannot start a git branch name: {problem}");
        return Err(Problem::at(&["workspace", "branch_prefix"], message));
    }
    if workspace.root.as_deref() == Some(Path::new("")) {
        let message = "is empty; use null for the default location".to_owned();
        return Err(Problem::at(&["workspace", "root"], message));
    }
    for (list, entries) in [("copy", &workspace.copy), ("symlink", &workspace.symlink)] {
        for (index, entry) in entries.iter().enumerate() {
            if let Some(problem) = relative_path_problem(entry) {
                let key = format!("workspace.{list}[{index}]");
                let message = format!("{entry:?} {problem}");
                return Err(Problem::indexed(&["workspace", list], key, message));
            }
        }
    }
    if let Some(problem) = remote_problem(&workspace.remote) {
        let message = format!("{:?} {problem}", workspace.remote);
        return Err(Problem::at(&["workspace", "remote"], message));
    }
    let ports = workspace.ports;
    if ports.first < FIRST_UNPRIVILEGED_PORT {
        let message = format!("{} is below {FIRST_UNPRIVILEGED_PORT}", ports.first);
        return Err(Problem::at(&["workspace", "ports", "first"], message));
    }
    if ports.first > ports.last {
        // Blame whichever end a later layer set: that is the edit that broke it.
        let first = provenance.source_of(&["workspace", "ports", "first"]);
        let last = provenance.source_of(&["workspace", "ports", "last"]);
        let later = if last.rank() >= first.rank() {
            "last"
        } else {
            "first"
        };
        let (first, last) = (ports.first, ports.last);
        let message = format!("first ({first}) is greater than last ({last})");
        let key = "workspace.ports".to_owned();
        return Err(Problem::indexed(
            &["workspace", "ports", later],
            key,
            message,
        ));
    }
    Ok(())
}

fn check_pane(config: &Config) -> Result<(), Problem> {
    let pane = &config.pane;
    if pane.scrollback_lines == 0 {
        let message = "must be greater than 0".to_owned();
        return Err(Problem::at(&["pane", "scrollback_lines"], message));
    }
    if pane.scrollback_bytes == 0 {
        let message = "must be greater than 0".to_owned();
        return Err(Problem::at(&["pane", "scrollback_bytes"], message));
    }
    if pane.kill_grace_ms > MAX_KILL_GRACE_MS {
        let grace = pane.kill_grace_ms;
        let message = format!("{grace} is more than {MAX_KILL_GRACE_MS} (one minute)");
        return Err(Problem::at(&["pane", "kill_grace_ms"], message));
    }
    Ok(())
}

fn check_profile_status(name: &str, profile: &AgentProfile) -> Result<(), Problem> {
    let status = &profile.status;
    let has_rules =
        !(status.waiting.is_empty() && status.working.is_empty() && status.idle.is_empty());
    if has_rules && status.rows == 0 {
        let message = "must be at least 1 when the profile has status rules".to_owned();
        return Err(Problem::at(&["agents", name, "status", "rows"], message));
    }
    if let Err(bad) = crate::agent::StatusRules::compile(status) {
        let list = bad.kind.key();
        let message = format!(
            "is not a valid regular expression: {}",
            first_line(&bad.message)
        );
        let problem = match bad.source {
            crate::agent::Source::Screen => Problem::indexed(
                &["agents", name, "status", list],
                format!("agents.{name}.status.{list}[{}]", bad.index),
                message,
            ),
            crate::agent::Source::Title => Problem::indexed(
                &["agents", name, "status", "title", list],
                format!("agents.{name}.status.title.{list}[{}]", bad.index),
                message,
            ),
        };
        return Err(problem);
    }
    Ok(())
}

fn check_profile_prompt(name: &str, profile: &AgentProfile) -> Result<(), Problem> {
    let prompt = &profile.prompt;
    let path = ["agents", name, "prompt", "args"];
    match prompt.via {
        PromptVia::Paste | PromptVia::None => Ok(()),
        PromptVia::Argument if !prompt.args.iter().any(|a| a.contains("{prompt}")) => {
            let message = "needs an argument containing {prompt} when prompt.via is argument, \
                           e.g. [\"{prompt}\"]"
                .to_owned();
            Err(Problem::at(&path, message))
        }
        PromptVia::Argument => Ok(()),
    }
}

/// regex's errors draw the pattern over several lines; the last line says
/// what is wrong.
fn first_line(message: &str) -> &str {
    message
        .lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .unwrap_or(message)
}

fn check_agents(config: &Config) -> Result<(), Problem> {
    for (name, profile) in &config.agents {
        let command = ["agents", name.as_str(), "command"];
        let key = |index: usize| format!("agents.{name}.command[{index}]");
        match profile.command.first() {
            None => {
                let message = "is empty; give the program and its arguments, e.g. [claude]";
                return Err(Problem::at(&command, message.to_owned()));
            }
            Some(program) if program.is_empty() => {
                let message = "the program name is empty".to_owned();
                return Err(Problem::indexed(&command, key(0), message));
            }
            Some(_) => {}
        }
        if let Some(index) = profile.command.iter().position(|arg| arg.contains('\0')) {
            let message = "contains a NUL character".to_owned();
            return Err(Problem::indexed(&command, key(index), message));
        }
        check_profile_status(name, profile)?;
        check_profile_prompt(name, profile)?;
        for (variable, value) in &profile.env {
            let path = ["agents", name.as_str(), "env", variable.as_str()];
            if variable.is_empty() || variable.contains(['=', '\0']) {
                let message = "is not a valid environment variable name".to_owned();
                return Err(Problem::at(&path, message));
            }
            if value.contains('\0') {
                return Err(Problem::at(&path, "contains a NUL character".to_owned()));
            }
        }
    }
    if !config.agents.contains_key(&config.agent) {
        let names: Vec<String> = config.agents.keys().map(|n| format!("`{n}`")).collect();
        let (agent, names) = (&config.agent, names.join(", "));
        let message = format!("no agent profile named `{agent}`; profiles: {names}");
        return Err(Problem::at(&["agent"], message));
    }
    Ok(())
}

/// The keys must make a [`Keymap`]: the keymap's own reader is the check, so
/// the config accepts exactly what the dashboard can use.
fn check_keys(config: &Config, provenance: &Provenance) -> Result<(), Problem> {
    let Err(error) = Keymap::from_config(&config.keys) else {
        return Ok(());
    };
    let error = blame_the_later_spelling(error, provenance);
    let (key, message) = (error.entry.to_string(), error.problem.to_string());
    Err(Problem::indexed(&error.entry.path(), key, message))
}

/// Two spellings of one key are reported at the one a later layer wrote:
/// that is the edit that clashed.
fn blame_the_later_spelling(error: KeymapError, provenance: &Provenance) -> KeymapError {
    let KeymapError {
        entry: KeyEntry::Binding(key),
        problem:
            KeyProblem::SameKey {
                action,
                other,
                other_action,
            },
    } = &error
    else {
        return error;
    };
    let rank = |key: &str| provenance.source_of(&["keys", "bindings", key]).rank();
    if rank(other) <= rank(key) {
        return error;
    }
    KeymapError {
        entry: KeyEntry::Binding(other.clone()),
        problem: KeyProblem::SameKey {
            action: *other_action,
            other: key.clone(),
            other_action: *action,
        },
    }
}

/// Why `remote` cannot be the remote argument of `git push`: it is passed
/// as one argv element, so only what git would misread is refused.
fn remote_problem(remote: &str) -> Option<&'static str> {
    if remote.is_empty() {
        return Some("is empty; name a git remote, e.g. origin");
    }
    if remote.starts_with('-') {
        return Some("starts with '-', which git would read as an option");
    }
    if remote.chars().any(char::is_control) {
        return Some("contains a control character");
    }
    None
}

/// Why `prefix` cannot begin a branch name (git-check-ref-format, plus git
/// branch's refusal of a leading `-`). An empty prefix is allowed: branches
/// are then named after their workspace alone.
pub(crate) fn branch_prefix_problem(prefix: &str) -> Option<String> {
    if prefix.starts_with('-') || prefix.starts_with('/') {
        return prefix
            .get(..1)
            .map(|first| format!("it starts with `{first}`"));
    }
    for sequence in ["..", "//", "@{"] {
        if prefix.contains(sequence) {
            return Some(format!("it contains `{sequence}`"));
        }
    }
    for c in prefix.chars() {
        if c.is_ascii_control() {
            return Some("it contains a control character".to_owned());
        }
        if c == ' ' {
            return Some("it contains a space".to_owned());
        }
        if "~^:?*[\\".contains(c) {
            return Some(format!("it contains `{c}`"));
        }
    }
    let components: Vec<&str> = prefix.split('/').collect();
    if components
        .iter()
        .any(|component| component.starts_with('.'))
    {
        return Some("a path component starts with `.`".to_owned());
    }
    // The last component continues with the workspace name, so only complete
    // components can end in `.lock`.
    let complete = &components[..components.len().saturating_sub(1)];
    if complete
        .iter()
        .any(|component| component.ends_with(".lock"))
    {
        return Some("a path component ends with `.lock`".to_owned());
    }
    None
}

/// Why a `copy`/`symlink` entry could reach outside the repository.
fn relative_path_problem(entry: &str) -> Option<&'static str> {
    if entry.is_empty() {
        return Some("is empty");
    }
    for component in Path::new(entry).components() {
        match component {
            Component::Prefix(_) | Component::RootDir => {
                return Some("must be relative to the repository root");
            }
            Component::ParentDir => return Some("must not contain `..`"),
            Component::CurDir | Component::Normal(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_prefixes() {
        for good in [
            "",
            "grove/",
            "grove-",
            "team/grove/",
            "a.b/",
            "x@y/",
            "wip.lock",
        ] {
            assert_eq!(branch_prefix_problem(good), None, "{good:?}");
        }
        let cases = [
            ("-x/", "it starts with `-`"),
            ("/x", "it starts with `/`"),
            ("a..b/", "it contains `..`"),
            ("a//b", "it contains `//`"),
            ("a@{b", "it contains `@{`"),
            ("my agents/", "it contains a space"),
            ("a\tb/", "it contains a control character"),
            ("a~b", "it contains `~`"),
            ("a:b", "it contains `:`"),
            ("a*", "it contains `*`"),
            ("a\\b", "it contains `\\`"),
            (".hidden/", "a path component starts with `.`"),
            ("a/.x", "a path component starts with `.`"),
            ("x.lock/", "a path component ends with `.lock`"),
        ];
        for (prefix, problem) in cases {
            assert_eq!(
                branch_prefix_problem(prefix).as_deref(),
                Some(problem),
                "{prefix:?}"
            );
        }
    }

    #[test]
    fn copy_and_symlink_entries_stay_inside_the_repository() {
        assert_eq!(relative_path_problem(".env"), None);
        assert_eq!(relative_path_problem("./config/*.local"), None);
        assert_eq!(relative_path_problem(""), Some("is empty"));
        assert_eq!(
            relative_path_problem("/etc/passwd"),
            Some("must be relative to the repository root")
        );
        assert_eq!(
            relative_path_problem("a/../../b"),
            Some("must not contain `..`")
        );
    }
}
