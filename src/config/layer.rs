//! One layer's text: reading it, checking it on its own, and reducing it to
//! the keys it actually sets.
//!
//! A layer is checked against the schema by itself, so an error points into
//! that file. What the merge receives is not the raw YAML tree but the layer's
//! *typed* values, serialized back, pruned to the keys the file wrote. The raw
//! tree cannot be merged directly: serde_yaml reads `A: 0x10` into a `String`
//! field as `"0x10"` but into a `Value` as the number 16, and a bare
//! `branch_prefix:` as `""` but as null. Taking leaves from the typed layer
//! keeps the merged result identical to what each file means on its own.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

use nix::fcntl::OFlag;

use serde_yaml::{Mapping, Value};

use super::depth;
use super::error::{ConfigError, classify};
use super::schema::Config;
use super::source::Source;

/// The largest config or job file grove reads. Real ones are a few KB; the
/// limit keeps a file that never ends (`/dev/zero`, or a repository whose
/// `.grove.yaml` is a symlink to it) from filling the server's memory.
pub(crate) const MAX_FILE_BYTES: u64 = 4 << 20;

/// Reads a layer's file; a missing file is an absent layer (`None`).
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match read_bounded(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
        Err(error) => Err(ConfigError::Read {
            path: path.to_owned(),
            error,
        }),
    }
}

/// Reads a file that must exist.
pub(crate) fn read_required(path: &Path) -> Result<String, ConfigError> {
    read_bounded(path).map_err(|error| ConfigError::Read {
        path: path.to_owned(),
        error,
    })
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`] as UTF-8. It is opened
/// without blocking, so a FIFO in its place is refused rather than waited on
/// forever; the type is checked on the opened file, not the name.
fn read_bounded(path: &Path) -> std::io::Result<String> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(OFlag::O_NONBLOCK.bits())
        .open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "it is a directory"
        } else {
            "it is not a regular file (a device, FIFO or socket)"
        };
        return Err(std::io::Error::new(ErrorKind::InvalidInput, what));
    }
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1).read_to_string(&mut text)?;
    if u64::try_from(text.len()).unwrap_or(u64::MAX) > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            ErrorKind::InvalidInput,
            format!(
                "it is larger than {} MiB, more than any config or job file needs",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok(text)
}

/// Refuses nesting too deep for serde_yaml to refuse in reasonable time.
pub(crate) fn check_depth(source: &Source, text: &str) -> Result<(), ConfigError> {
    match depth::too_deep(text) {
        Some(at) => Err(ConfigError::Syntax {
            layer: source.clone(),
            at: Some(at),
            message: depth::message(),
        }),
        None => Ok(()),
    }
}

/// Checks `text` against the schema and returns the mapping of the keys it sets,
/// with each leaf as the schema reads it.
pub(crate) fn parse(source: &Source, text: &str) -> Result<Mapping, ConfigError> {
    check_depth(source, text)?;
    // YAML first: syntax errors and duplicate map keys (which deserializing
    // into a BTreeMap would silently drop) are reported before schema errors.
    let raw: Value = serde_yaml::from_str(text).map_err(|e| classify(source, &e))?;
    let typed: Config = serde_yaml::from_str(text).map_err(|e| classify(source, &e))?;
    let canonical = serde_yaml::to_value(&typed).map_err(|e| ConfigError::Syntax {
        layer: source.clone(),
        at: None,
        message: format!("cannot re-encode the layer: {e}"),
    })?;
    // A `Config` always serializes to a mapping; the fallback is unreachable.
    let Value::Mapping(written) = prune(canonical, &raw) else {
        return Ok(Mapping::new());
    };
    Ok(written)
}

/// Keeps the parts of `canonical` (the typed layer, with every default filled
/// in) that `raw` (the file as written) mentions.
///
/// At a struct, the typed layer has every field but the file names only some;
/// at a user-keyed map (`agents`, `env`) the two have the same entries. A map
/// whose keys are not all strings (`3: …`) can only be the latter, and its
/// typed keys are spelt differently from the raw ones, so it is kept whole.
fn prune(canonical: Value, raw: &Value) -> Value {
    match (canonical, untagged(raw)) {
        (Value::Mapping(canonical), Value::Mapping(raw)) => {
            let keep_all = raw.keys().any(|key| !key.is_string());
            let mut kept = Mapping::new();
            for (key, value) in canonical {
                match raw.get(&key) {
                    Some(raw_value) => {
                        kept.insert(key, prune(value, raw_value));
                    }
                    None if keep_all => {
                        kept.insert(key, value);
                    }
                    None => {}
                }
            }
            Value::Mapping(kept)
        }
        // `workspace:` with every child commented out sets nothing.
        (Value::Mapping(_), Value::Null) => Value::Mapping(Mapping::new()),
        (leaf, _) => leaf,
    }
}

/// serde_yaml ignores tags when reading into our types, so pruning does too.
fn untagged(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => untagged(&tagged.value),
        Value::Null
        | Value::Bool(_)
        | Value::Number(_)
        | Value::String(_)
        | Value::Sequence(_)
        | Value::Mapping(_) => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn layer(text: &str) -> Mapping {
        parse(&Source::User(PathBuf::from("u.yaml")), text).unwrap()
    }

    fn yaml(text: &str) -> Mapping {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn empty_and_comment_only_layers_set_nothing() {
        assert_eq!(layer(""), Mapping::new());
        assert_eq!(layer("# nothing here\n\n# at all\n"), Mapping::new());
        assert_eq!(
            layer("workspace:\n  # branch_prefix: x/\n"),
            yaml("workspace: {}")
        );
    }

    #[test]
    fn only_written_keys_survive() {
        assert_eq!(
            layer("workspace:\n  ports:\n    last: 30000\n"),
            yaml("workspace: {ports: {last: 30000}}")
        );
    }

    #[test]
    fn leaves_are_read_as_the_schema_reads_them() {
        assert_eq!(
            layer("agents:\n  lab:\n    env: {A: 0x10, B: 1.50, C: true}\n"),
            yaml("agents: {lab: {env: {A: '0x10', B: '1.50', C: 'true'}}}")
        );
        assert_eq!(
            layer("workspace:\n  branch_prefix:\n"),
            yaml("workspace: {branch_prefix: ''}")
        );
    }

    #[test]
    fn a_profile_with_nothing_under_it_is_still_defined() {
        assert_eq!(layer("agents:\n  lab:\n"), yaml("agents: {lab: {}}"));
    }

    #[test]
    fn unreadable_and_missing_files_differ() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            read_optional(&dir.path().join("absent.yaml"))
                .unwrap()
                .is_none()
        );
        let error = read_optional(dir.path()).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{}: cannot read: ", dir.path().display())),
            "{error}"
        );
    }
}
