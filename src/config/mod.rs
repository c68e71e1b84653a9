//! Configuration: built-in defaults embedded from `assets/defaults.yaml`, the
//! user's file, and the repository's `.grove.yaml`, merged in that order.
//!
//! This is the only module that uses `serde_yaml` (deprecated upstream, so it is
//! kept behind this boundary); other modules that store YAML go through
//! [`to_yaml`] and [`from_yaml`].

mod schema;

pub use schema::{AgentProfile, Config, PaneConfig, PortRange, WorkspaceConfig};

/// The built-in layer, embedded at compile time.
pub const DEFAULTS_YAML: &str = include_str!("../../assets/defaults.yaml");

/// Serializes a value as YAML.
pub fn to_yaml<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    Ok(serde_yaml::to_string(value)?)
}

/// Parses YAML text into a value.
pub fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> anyhow::Result<T> {
    Ok(serde_yaml::from_str(text)?)
}

impl Config {
    /// The built-in configuration alone.
    pub fn builtin() -> anyhow::Result<Self> {
        from_yaml(DEFAULTS_YAML)
    }
}
