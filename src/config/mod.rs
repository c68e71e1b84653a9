//! Configuration: built-in defaults embedded from `assets/defaults.yaml`, the
//! user's file, and the repository's `.grove.yaml`, merged in that order.
//!
//! Each layer is checked against the schema on its own, so a mistake is
//! reported at its file, line and column; the layers are then merged
//! (mappings key by key, lists and scalars replaced), read into [`Config`],
//! and checked for values grove cannot use, blaming the layer that set them.
//! [`Loaded`] remembers where every value came from for `grove config`.
//!
//! This is the only module that uses `serde_yaml` (deprecated upstream, so it is
//! kept behind this boundary); other modules that store YAML go through
//! [`to_yaml`] and [`from_yaml`].

mod depth;
mod error;
mod layer;
mod merge;
pub mod reference;
mod render;
mod schema;
mod source;
mod validate;

use std::path::Path;

use serde_yaml::{Mapping, Value};

pub use error::{ConfigError, Position};
pub use schema::{
    AgentProfile, AttentionConfig, Config, KeysConfig, PaneConfig, PortRange, PromptConfig,
    PromptVia, StatusConfig, TitleRules, WorkspaceConfig,
};
pub use source::{LayerStatus, Presence, Source};

use crate::paths::Paths;
use source::Provenance;

/// The built-in layer, embedded at compile time.
pub const DEFAULTS_YAML: &str = include_str!("../../assets/defaults.yaml");

/// The repository layer's file name, at the repository root.
pub const REPOSITORY_FILE: &str = ".grove.yaml";

/// Serializes a value as YAML.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(value)?)
}

/// Parses YAML text into a value.
pub fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    if let Some(at) = depth::too_deep(text) {
        anyhow::bail!(
            "{} at line {} column {}",
            depth::message(),
            at.line,
            at.column
        );
    }
    Ok(serde_yaml::from_str(text)?)
}

impl Config {
    /// The built-in configuration alone.
    pub fn builtin() -> anyhow::Result<Self> {
        from_yaml(DEFAULTS_YAML)
    }
}

/// The effective configuration and where each of its values came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    /// Every layer considered, in load order, and whether its file existed.
    pub layers: Vec<LayerStatus>,
    provenance: Provenance,
}

impl Loaded {
    /// The effective configuration as YAML, each value commented with its layer.
    pub fn render_annotated(&self) -> String {
        render::render(&self.config, &self.layers, &self.provenance)
    }

    /// The layer that set the value at `path` (mapping keys from the top, e.g.
    /// `["agents", "claude", "command"]`).
    pub fn source_of(&self, path: &[&str]) -> &Source {
        self.provenance.source_of(path)
    }
}

/// Loads the built-ins, the user's file and, given a repository root, its
/// `.grove.yaml`. Missing files are skipped; unreadable or invalid ones are errors.
pub fn load(paths: &Paths, repo_root: Option<&Path>) -> Result<Loaded, ConfigError> {
    let mut files = vec![Source::User(paths.user_config())];
    if let Some(root) = repo_root {
        files.push(Source::Repository(root.join(REPOSITORY_FILE)));
    }
    let mut layers = vec![(Source::Builtin, Some(DEFAULTS_YAML.to_owned()))];
    for source in files {
        let text = match source.path() {
            Some(path) => layer::read_optional(path)?,
            None => None,
        };
        layers.push((source, text));
    }
    if let Some(loaded) = remembered(&layers) {
        return Ok(loaded);
    }
    let loaded = assemble(layers.clone())?;
    remember(layers, &loaded);
    Ok(loaded)
}

/// Layers already assembled, by the texts they were assembled from. The
/// server loads the same files for every step of every job item, and
/// parsing and checking them (the built-in defaults most of all) was most of
/// a load's time; keyed on the texts, a changed file is never missed.
type Assembled = Vec<(Vec<(Source, Option<String>)>, Loaded)>;
static ASSEMBLED: std::sync::Mutex<Assembled> = std::sync::Mutex::new(Vec::new());
/// How many assemblies are kept: one per repository in use, roughly.
const ASSEMBLED_KEPT: usize = 8;

fn remembered(layers: &[(Source, Option<String>)]) -> Option<Loaded> {
    let kept = ASSEMBLED.lock().ok()?;
    kept.iter()
        .find(|(texts, _)| texts.as_slice() == layers)
        .map(|(_, loaded)| loaded.clone())
}

fn remember(layers: Vec<(Source, Option<String>)>, loaded: &Loaded) {
    if let Ok(mut kept) = ASSEMBLED.lock() {
        if kept.len() >= ASSEMBLED_KEPT {
            kept.remove(0);
        }
        kept.push((layers, loaded.clone()));
    }
}

/// The setup commands the repository's own `.grove.yaml` writes (none when
/// it writes none, or cannot be read: loading the config reports that).
pub fn repository_setup(root: &Path) -> Vec<String> {
    let Ok(Some(text)) = layer::read_optional(&root.join(REPOSITORY_FILE)) else {
        return Vec::new();
    };
    if depth::too_deep(&text).is_some() {
        return Vec::new();
    }
    let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(&text) else {
        return Vec::new();
    };
    value
        .get("workspace")
        .and_then(|w| w.get("setup"))
        .and_then(|s| s.as_sequence())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Reads `path` as YAML of type `T` (a job file, say), with errors in the
/// config's form: `FILE:LINE:COLUMN: KEY: MESSAGE`.
pub fn parse_file<T: serde::de::DeserializeOwned>(path: &Path) -> Result<(T, String), ConfigError> {
    let text = layer::read_required(path)?;
    let source = Source::File(path.to_owned());
    layer::check_depth(&source, &text)?;
    // YAML first, so a duplicate key is an error rather than a silent overwrite.
    let _: serde_yaml::Value =
        serde_yaml::from_str(&text).map_err(|e| error::classify(&source, &e))?;
    let value = serde_yaml::from_str(&text).map_err(|e| error::classify(&source, &e))?;
    Ok((value, text))
}

/// Checks one file as a layer over the built-ins (so a partial file is fine),
/// including the semantic checks; errors name that file.
pub fn check_file(path: &Path) -> Result<Config, ConfigError> {
    let text = layer::read_required(path)?;
    let layers = vec![
        (Source::Builtin, Some(DEFAULTS_YAML.to_owned())),
        (Source::File(path.to_owned()), Some(text)),
    ];
    Ok(assemble(layers)?.config)
}

/// Parses, merges and checks the layers; `None` text is a missing file.
fn assemble(layers: Vec<(Source, Option<String>)>) -> Result<Loaded, ConfigError> {
    let mut merged = Mapping::new();
    let mut provenance = Provenance::default();
    let mut statuses = Vec::with_capacity(layers.len());
    for (source, text) in layers {
        let presence = match text {
            Some(text) => {
                let written = layer::parse(&source, &text)?;
                merge::merge_layer(&mut merged, written, &source, &mut provenance);
                Presence::Found
            }
            None => Presence::Missing,
        };
        statuses.push(LayerStatus { source, presence });
    }
    // Every leaf came from a layer that already passed the schema, so this can
    // only fail if merging itself is wrong; blame the layer that wrote the key.
    let config: Config = serde_yaml::from_value(Value::Mapping(merged)).map_err(|e| {
        let layer = statuses
            .last()
            .map_or(Source::Builtin, |s| s.source.clone());
        match error::classify(&layer, &e) {
            ConfigError::Parse { key, message, .. } => {
                let path: Vec<&str> = key.split('.').collect();
                ConfigError::Invalid {
                    layer: provenance.source_of(&path).clone(),
                    key,
                    message,
                }
            }
            other @ (ConfigError::Read { .. }
            | ConfigError::Syntax { .. }
            | ConfigError::Invalid { .. }) => other,
        }
    })?;
    validate::check(&config, &provenance)?;
    Ok(Loaded {
        config,
        layers: statuses,
        provenance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_parse_and_pass_the_semantic_checks() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(&Paths::under(dir.path()), None).unwrap();
        assert_eq!(loaded.config, Config::builtin().unwrap());
        assert_eq!(loaded.config.workspace.branch_prefix, "grove/");
        assert_eq!(
            loaded.source_of(&["agents", "shell", "command"]),
            &Source::Builtin
        );
    }

    #[test]
    fn every_builtin_key_is_written_in_the_defaults_file() {
        // The schema's `Default`s only make partial layers parse; the values
        // come from assets/defaults.yaml, which must spell out every key.
        let written = layer::parse(&Source::Builtin, DEFAULTS_YAML).unwrap();
        let full = serde_yaml::to_value(Config::builtin().unwrap()).unwrap();
        assert_eq!(Value::Mapping(written), full);
    }
}
