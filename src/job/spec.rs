//! The job file (`grove run job.yaml`, documented in `docs/jobs.md`): its
//! typed shape, the checks a well-typed file must still pass (each error
//! points at the file and line of the key), the items it expands to, and the
//! prompt and owned paths each item gets.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::template::{self, Vars};

/// A job file as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// Names the integration branch `grove/job/<name>` and the records.
    pub name: String,
    /// The agent profile; the config's `agent` when absent.
    #[serde(default)]
    pub agent: Option<String>,
    pub items: Items,
    /// The prompt template: `{{item}}`, `{{index}}`, `{{slug}}`,
    /// `{{contract}}`, `{{owns}}`, `{{job}}`.
    pub prompt: String,
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// Paths (globs) each item may change; templates like the prompt.
    #[serde(default = "default_owns")]
    pub owns: Vec<String>,
    /// Paths (globs) no item may change.
    #[serde(default)]
    pub contract: Vec<String>,
    /// A shell command run in the item's worktree once it is done; exit 0 passes.
    #[serde(default)]
    pub check: Option<String>,
    /// How long an item may take, e.g. `20m`, `90s`, `1h`.
    #[serde(default = "default_timeout")]
    pub timeout: Wait,
    /// How often a failed or rate-limited item is tried again.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// The wait before the first retry; it doubles each time.
    #[serde(default = "default_backoff")]
    pub backoff: Wait,
    /// How grove tells an item is done.
    #[serde(default)]
    pub done: Done,
    /// The ref the integration branch starts from; the current branch when absent.
    #[serde(default)]
    pub base: Option<String>,
}

/// Where the items come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemSource {
    /// Files matching a glob, relative to the repository root (tracked or not,
    /// never inside `.git`).
    Glob(String),
    List(Vec<String>),
    /// The non-empty lines a shell command prints, run at the repository root.
    Command(String),
}

/// When an item's agent is done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DoneWhen {
    /// Its status is idle after it worked (the default).
    #[default]
    Idle,
    /// Its process exited with code 0.
    Exit,
    /// This file exists in its worktree (a template, e.g. `.done-{{slug}}`).
    File(String),
}

/// `items:` as written: a mapping with exactly one of the three keys
/// (checked in [`JobSpec::load`], where the error can name its line).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Items {
    pub glob: Option<String>,
    pub list: Option<Vec<String>>,
    pub command: Option<String>,
}

impl Items {
    pub fn source(&self) -> Option<ItemSource> {
        match (&self.glob, &self.list, &self.command) {
            (Some(glob), None, None) => Some(ItemSource::Glob(glob.clone())),
            (None, Some(list), None) => Some(ItemSource::List(list.clone())),
            (None, None, Some(command)) => Some(ItemSource::Command(command.clone())),
            _ => None,
        }
    }
}

/// `done:` as written: `idle`, `exit`, or `{ file: NAME }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Done {
    Word(String),
    File { file: String },
}

impl Default for Done {
    fn default() -> Done {
        Done::Word("idle".to_owned())
    }
}

impl Done {
    pub fn when(&self) -> Option<DoneWhen> {
        match self {
            Done::Word(word) if word == "idle" => Some(DoneWhen::Idle),
            Done::Word(word) if word == "exit" => Some(DoneWhen::Exit),
            Done::Word(_) => None,
            Done::File { file } => Some(DoneWhen::File(file.clone())),
        }
    }
}

fn default_concurrency() -> usize {
    4
}
fn default_owns() -> Vec<String> {
    vec!["{{item}}".to_owned()]
}
fn default_timeout() -> Wait {
    Wait::Seconds(30 * 60)
}
fn default_retries() -> u32 {
    1
}
fn default_backoff() -> Wait {
    Wait::Seconds(30)
}

/// A duration as a job file writes it: `90s`, `20m`, `1h30m` or seconds.
/// Kept as written and checked in [`JobSpec::load`], where a bad one can be
/// blamed on its line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Wait {
    Seconds(u64),
    Text(String),
}

impl Wait {
    pub fn get(&self) -> Option<Duration> {
        match self {
            Wait::Seconds(seconds) => Some(Duration::from_secs(*seconds)),
            Wait::Text(text) => parse_duration(text),
        }
    }
}

/// `90s`, `20m`, `1h`, `1h30m`, or plain seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' => {
                let value: u64 = number.parse().ok()?;
                number.clear();
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(value.checked_mul(unit)?)?;
            }
            _ => return None,
        }
    }
    (number.is_empty() && total > 0).then(|| Duration::from_secs(total))
}

/// A job file that cannot be run, with the place to fix it.
#[derive(Debug, thiserror::Error)]
pub enum JobFileError {
    #[error(transparent)]
    Parse(#[from] crate::config::ConfigError),
    #[error(
        "{path}{at}: {key}: {text}",
        path = .path.display(),
        at = line_suffix(*.line),
        text = crate::failure::printable(.message)
    )]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        key: String,
        message: String,
    },
}

/// `items:` written as anything but a mapping (`items: [a, b]`, a bare
/// glob) gets the three forms it can take.
fn with_items_hint(mut error: crate::config::ConfigError) -> crate::config::ConfigError {
    if let crate::config::ConfigError::Parse { key, message, .. } = &mut error
        && key == "items"
        && message.starts_with("invalid type")
    {
        message
            .push_str("; write { list: [a, b] }, { glob: \"src/**/*.rs\" } or { command: \"…\" }");
    }
    error
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

/// One unit of work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 1-based, in item order.
    pub index: usize,
    pub value: String,
    /// The item as a name: `src-auth-rs`.
    pub slug: String,
}

impl JobSpec {
    /// Reads and checks a job file.
    pub fn load(path: &Path) -> Result<JobSpec, JobFileError> {
        let (spec, text): (JobSpec, String) =
            crate::config::parse_file(path).map_err(with_items_hint)?;
        spec.check(path, &text)?;
        Ok(spec)
    }

    fn check(&self, path: &Path, text: &str) -> Result<(), JobFileError> {
        let invalid = |key: &str, message: String| JobFileError::Invalid {
            path: path.to_owned(),
            line: line_of(text, key),
            key: key.to_owned(),
            message,
        };
        if crate::workspace::WorkspaceName::parse(&self.name).is_err() || self.name.len() > 40 {
            return Err(invalid(
                "name",
                format!(
                    "{:?} cannot name a job: use at most 40 letters, digits, '-', '_' or '.'",
                    self.name
                ),
            ));
        }
        for (key, wait) in [("timeout", &self.timeout), ("backoff", &self.backoff)] {
            if let Wait::Text(text) = wait
                && wait.get().is_none()
            {
                return Err(invalid(
                    key,
                    format!(
                        "{text:?} is not a duration; write e.g. 90s, 20m, 1h or a number of seconds"
                    ),
                ));
            }
        }
        if self.concurrency == 0 {
            return Err(invalid("concurrency", "must be at least 1".to_owned()));
        }
        if self.prompt.trim().is_empty() {
            return Err(invalid(
                "prompt",
                "is empty; say what each agent should do with {{item}}".to_owned(),
            ));
        }
        let sample = Vars::sample();
        for (key, templates) in [
            ("prompt", std::slice::from_ref(&self.prompt)),
            ("owns", self.owns.as_slice()),
        ] {
            for text in templates {
                template::render(text, &sample).map_err(|error| invalid(key, error.to_string()))?;
            }
        }
        match (&self.done, self.done.when()) {
            (Done::Word(word), None) => {
                return Err(invalid(
                    "done",
                    format!("{word:?} is not a way to be done; use idle, exit or {{ file: NAME }}"),
                ));
            }
            (_, Some(DoneWhen::File(file))) => {
                template::render(&file, &sample)
                    .map_err(|error| invalid("done", error.to_string()))?;
            }
            (_, Some(DoneWhen::Idle | DoneWhen::Exit)) | (Done::File { .. }, None) => {}
        }
        for (key, patterns) in [("owns", &self.owns), ("contract", &self.contract)] {
            for pattern in patterns {
                if pattern.starts_with('/') || pattern.split('/').any(|part| part == "..") {
                    return Err(invalid(
                        key,
                        format!("{pattern:?} must be a path inside the repository, without `..`"),
                    ));
                }
            }
        }
        let Some(source) = self.items.source() else {
            return Err(invalid(
                "items",
                "give exactly one of { glob: … }, { list: […] } or { command: … }".to_owned(),
            ));
        };
        match &source {
            ItemSource::Glob(glob) if glob::Pattern::new(glob).is_err() => {
                Err(invalid("items", format!("{glob:?} is not a valid glob")))
            }
            ItemSource::List(list) if list.is_empty() => {
                Err(invalid("items", "the list is empty".to_owned()))
            }
            ItemSource::Command(command) if command.trim().is_empty() => {
                Err(invalid("items", "the command is empty".to_owned()))
            }
            ItemSource::Glob(_) | ItemSource::List(_) | ItemSource::Command(_) => Ok(()),
        }
    }

    /// How long an item may take.
    pub fn timeout(&self) -> Duration {
        self.timeout.get().unwrap_or(Duration::from_secs(30 * 60))
    }

    /// The wait before the first retry.
    pub fn backoff(&self) -> Duration {
        self.backoff.get().unwrap_or(Duration::from_secs(30))
    }

    /// The items, in order, without duplicates.
    pub fn items(&self, root: &Path) -> anyhow::Result<Vec<Item>> {
        let Some(source) = self.items.source() else {
            anyhow::bail!(
                "job {:?}: `items` needs exactly one of glob, list or command",
                self.name
            );
        };
        let mut values: Vec<String> = match &source {
            ItemSource::List(list) => list.iter().map(|s| s.trim().to_owned()).collect(),
            ItemSource::Glob(pattern) => glob_items(root, pattern)?,
            ItemSource::Command(command) => command_items(root, command)?,
        };
        values.retain(|v| !v.is_empty());
        let mut seen = std::collections::BTreeSet::new();
        values.retain(|v| seen.insert(v.clone()));
        if values.is_empty() {
            anyhow::bail!(
                "job {:?}: the items expand to nothing; check `items`",
                self.name
            );
        }
        Ok(values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Item {
                index: i + 1,
                slug: slug_of(&value),
                value,
            })
            .collect())
    }

    pub fn vars(&self, item: &Item) -> Vars {
        Vars {
            item: item.value.clone(),
            index: item.index,
            slug: item.slug.clone(),
            contract: self.contract.join(", "),
            owns: String::new(),
            job: self.name.clone(),
        }
    }

    /// The paths the item may change, rendered.
    pub fn owned(&self, item: &Item) -> Vec<String> {
        let vars = self.vars(item);
        self.owns
            .iter()
            .filter_map(|o| template::render(o, &vars).ok())
            .collect()
    }

    /// The item's prompt.
    pub fn prompt_for(&self, item: &Item) -> String {
        let mut vars = self.vars(item);
        vars.owns = self.owned(item).join(", ");
        // Checked at load; a failure here cannot happen, and the raw template
        // is the most useful fallback.
        template::render(&self.prompt, &vars).unwrap_or_else(|_| self.prompt.clone())
    }

    /// How an item is done (checked at load).
    pub fn done_when(&self) -> DoneWhen {
        self.done.when().unwrap_or_default()
    }

    /// The done-marker file for an item (with `done: { file: … }`).
    pub fn done_file(&self, item: &Item) -> Option<String> {
        match &self.done_when() {
            DoneWhen::File(file) => template::render(file, &self.vars(item)).ok(),
            DoneWhen::Idle | DoneWhen::Exit => None,
        }
    }
}

/// A workspace-name-safe slug of an item (`src/auth.rs` → `src-auth-rs`).
pub fn slug_of(value: &str) -> String {
    let slug = crate::tickets::slug(value, 40);
    if slug.is_empty() {
        "item".to_owned()
    } else {
        slug
    }
}

/// The 1-based line of a top-level `key:` in the file, for error messages.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.starts_with(&format!("{key}:")))
        .map(|i| i + 1)
}

fn glob_items(root: &Path, pattern: &str) -> anyhow::Result<Vec<String>> {
    let full = root.join(pattern);
    let full = full.to_string_lossy();
    let options = glob::MatchOptions {
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let mut items = Vec::new();
    for entry in glob::glob_with(&full, options)
        .map_err(|e| anyhow::anyhow!("items glob {pattern:?}: {e}"))?
    {
        let path = entry.map_err(|e| anyhow::anyhow!("items glob {pattern:?}: {e}"))?;
        if !path.is_file() {
            continue;
        }
        let Ok(relative) = path.strip_prefix(root) else {
            continue;
        };
        if relative.components().any(|c| c.as_os_str() == ".git") {
            continue;
        }
        items.push(relative.to_string_lossy().into_owned());
    }
    items.sort();
    Ok(items)
}

fn command_items(root: &Path, command: &str) -> anyhow::Result<Vec<String>> {
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run the items command `{command}`: {e}"))?;
    if !output.status.success() {
        anyhow::bail!(
            "the items command `{command}` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .collect())
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
