//! Where configuration values come from: the layers and the provenance map.
//!
//! A [`Source`] names one layer (the embedded defaults or a file). The
//! [`Provenance`] map records, for every key path a layer wrote, the last layer
//! that wrote it. A value that no layer spelled out (an agent profile's `env`
//! when the profile omits it) belongs to the layer that created the mapping
//! around it, which is what `grove config` shows and what semantic errors blame.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

/// One configuration layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `assets/defaults.yaml`, embedded in the binary.
    Builtin,
    /// The user's file, `$XDG_CONFIG_HOME/grove/config.yaml`.
    User(PathBuf),
    /// The repository's `.grove.yaml` at its root.
    Repository(PathBuf),
    /// A file validated on its own over the built-ins (`grove config check FILE`).
    File(PathBuf),
}

impl Source {
    /// The file behind this layer; `None` for the built-ins.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Builtin => None,
            Source::User(path) | Source::Repository(path) | Source::File(path) => Some(path),
        }
    }

    /// A short name for the layer, used to annotate values.
    pub fn label(&self) -> &'static str {
        match self {
            Source::Builtin => "built-in",
            Source::User(_) => "user",
            Source::Repository(_) => "repository",
            Source::File(_) => "file",
        }
    }

    /// Layers later in the load order override earlier ones.
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Source::Builtin => 0,
            Source::User(_) => 1,
            Source::Repository(_) | Source::File(_) => 2,
        }
    }
}

/// Errors print the file's path, or "built-in defaults" for the embedded layer.
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            Some(path) => write!(f, "{}", path.display()),
            None => f.write_str("built-in defaults"),
        }
    }
}

/// Whether a layer's file existed when the configuration was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Found,
    /// A missing file is an absent layer, not an error.
    Missing,
}

/// One layer that `load` considered, in load order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerStatus {
    pub source: Source,
    pub presence: Presence,
}

/// The built-in layer owns the document root, so every lookup ends somewhere.
static ROOT_SOURCE: Source = Source::Builtin;

/// Which layer last wrote each key path (mapping keys from the document root).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Provenance {
    written: BTreeMap<Vec<String>, Source>,
}

impl Provenance {
    /// Records that `source` replaced the whole value at `path` with `value`,
    /// including every key beneath it, so that a later layer merging into
    /// this mapping takes over only the keys it writes.
    pub(crate) fn replace(&mut self, path: &[String], value: &Value, source: &Source) {
        self.written
            .retain(|key, _| !(key.len() > path.len() && key.starts_with(path)));
        let mut path = path.to_vec();
        self.record(&mut path, value, source);
    }

    fn record(&mut self, path: &mut Vec<String>, value: &Value, source: &Source) {
        self.written.insert(path.clone(), source.clone());
        if let Value::Mapping(mapping) = value {
            for (key, value) in mapping {
                path.push(key_text(key));
                self.record(path, value, source);
                path.pop();
            }
        }
    }

    /// The layer that set the value at `path`: the nearest written ancestor.
    pub(crate) fn source_of<S: AsRef<str>>(&self, path: &[S]) -> &Source {
        let mut key: Vec<String> = path.iter().map(|s| s.as_ref().to_owned()).collect();
        loop {
            if let Some(source) = self.written.get(&key) {
                return source;
            }
            if key.pop().is_none() {
                return &ROOT_SOURCE;
            }
        }
    }
}

/// A mapping key as a path segment. Keys come from serializing our own
/// types, so they are strings; the other arms only keep this total.
pub(crate) fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::Null => "~".to_owned(),
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => serde_yaml::to_string(key)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> Vec<String> {
        keys.iter().map(|k| (*k).to_owned()).collect()
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn lookup_falls_back_to_the_nearest_written_ancestor() {
        let user = Source::User(PathBuf::from("/u/config.yaml"));
        let mut provenance = Provenance::default();
        provenance.replace(&path(&["agents", "lab"]), &yaml("{command: [x]}"), &user);
        assert_eq!(provenance.source_of(&["agents", "lab", "env"]), &user);
        assert_eq!(provenance.source_of(&["agents", "shell"]), &Source::Builtin);
    }

    #[test]
    fn replace_forgets_what_earlier_layers_wrote_beneath() {
        let user = Source::User(PathBuf::from("/u/config.yaml"));
        let repo = Source::Repository(PathBuf::from("/r/.grove.yaml"));
        let mut provenance = Provenance::default();
        let profile = yaml("{command: [x], env: {A: '1'}}");
        provenance.replace(&path(&["agents", "lab"]), &profile, &user);
        assert_eq!(provenance.source_of(&["agents", "lab", "env", "A"]), &user);
        provenance.replace(&path(&["agents", "lab"]), &yaml("{command: [y]}"), &repo);
        assert_eq!(provenance.source_of(&["agents", "lab", "command"]), &repo);
        assert_eq!(provenance.source_of(&["agents", "lab", "env", "A"]), &repo);
    }

    #[test]
    fn display_names_the_file_or_the_builtins() {
        assert_eq!(Source::Builtin.to_string(), "built-in defaults");
        let repo = Source::Repository(PathBuf::from("/r/.grove.yaml"));
        assert_eq!(repo.to_string(), "/r/.grove.yaml");
        assert_eq!(repo.label(), "repository");
    }
}
