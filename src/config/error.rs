//! Configuration errors, and the translation of serde_yaml's errors into them.
//!
//! Every error prints as one line that starts with the layer's file, so a user
//! can jump to it: `FILE:LINE:COLUMN: KEY: MESSAGE` for values that do not fit
//! the schema, `FILE: KEY: MESSAGE` for semantic problems found after merging.
//! serde_yaml 0.9 exposes only a location and a display string of the form
//! `PATH: MESSAGE at line L column C` (no path at the document root), so
//! [`classify`] takes that string apart. An unknown or duplicate key is
//! reported under its own full path (`agents.lab.comand`), not its parent's.

use std::fmt;
use std::path::PathBuf;

use super::source::Source;
use crate::failure::printable;

/// A 1-based line and column in a layer's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Why a configuration could not be loaded or checked.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but cannot be read. The I/O error is part of the one-line
    /// message rather than a separate `source`, so it is never printed twice.
    #[error("{path}: cannot read: {error}", path = .path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The text is not YAML, or its top level is not a mapping: there is no key to blame.
    #[error("{layer}{at}: {text}", at = Located(*.at), text = printable(.message))]
    Syntax {
        layer: Source,
        at: Option<Position>,
        message: String,
    },
    /// A key that the schema does not know, or a value of the wrong type.
    #[error(
        "{layer}{at}: {name}: {text}",
        at = Located(*.at),
        name = printable(.key),
        text = printable(.message)
    )]
    Parse {
        layer: Source,
        at: Option<Position>,
        /// The dotted key path, e.g. `agents.lab.command[1]`.
        key: String,
        message: String,
    },
    /// A well-typed value that grove cannot use; `layer` is the one that set it.
    #[error("{layer}: {name}: {text}", name = printable(.key), text = printable(.message))]
    Invalid {
        layer: Source,
        key: String,
        message: String,
    },
}

/// Formats `:LINE:COLUMN`, or nothing when serde_yaml gave no location.
struct Located(Option<Position>);

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(at) => write!(f, ":{}:{}", at.line, at.column),
            None => Ok(()),
        }
    }
}

/// The serde error messages a path prefix can precede; anything else without a
/// path is a YAML-level error (syntax, anchors, several documents).
const SCHEMA_MESSAGES: [&str; 8] = [
    "invalid type: ",
    "invalid value: ",
    "invalid length ",
    "unknown field `",
    "unknown variant `",
    "missing field `",
    "duplicate field `",
    "duplicate entry ",
];

/// Turns a serde_yaml error about `layer`'s text into a [`ConfigError`].
pub(crate) fn classify(layer: &Source, error: &serde_yaml::Error) -> ConfigError {
    let at = error.location().map(|l| Position {
        line: l.line(),
        column: l.column(),
    });
    let mut text = error.to_string();
    if let Some(at) = at {
        text = text.replacen(&format!(" at line {} column {}", at.line, at.column), "", 1);
    }
    let layer = layer.clone();
    let Some((path, message)) = split_path(&text) else {
        return ConfigError::Syntax {
            layer,
            at,
            message: text,
        };
    };
    let (key, message) = name_the_key(path, message);
    if key.is_empty() {
        return ConfigError::Syntax { layer, at, message };
    }
    ConfigError::Parse {
        layer,
        at,
        key,
        message,
    }
}

/// Splits `PATH: MESSAGE` where MESSAGE is a schema message; the path is empty
/// at the document root.
fn split_path(text: &str) -> Option<(&str, &str)> {
    let is_schema = |s: &str| SCHEMA_MESSAGES.iter().any(|m| s.starts_with(m));
    if is_schema(text) {
        return Some(("", text));
    }
    text.match_indices(": ")
        .map(|(i, _)| (&text[..i], &text[i + 2..]))
        .find(|(_, rest)| is_schema(rest))
}

/// Moves the offending key of an unknown/duplicate-key message into the path
/// and puts the rest of the message in the user's words.
fn name_the_key(path: &str, message: &str) -> (String, String) {
    let join = |name: &str| match path {
        "" => name.to_owned(),
        parent => format!("{parent}.{name}"),
    };
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((name, tail)) = rest.split_once("`, ")
    {
        return match tail {
            "there are no fields" => (join(name), "unknown key".to_owned()),
            expected => (join(name), format!("unknown key, {expected}")),
        };
    }
    let duplicate = message
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.strip_suffix('`'))
        .or_else(|| {
            message
                .strip_prefix("duplicate entry with key \"")
                .and_then(|rest| rest.strip_suffix('"'))
        });
    if let Some(name) = duplicate {
        return (join(name), "duplicate key".to_owned());
    }
    (path.to_owned(), humanize(message))
}

/// Says what was expected in YAML's terms instead of Rust's.
fn humanize(message: &str) -> String {
    let (found, expected) = match message.rsplit_once(", expected ") {
        Some(parts) => parts,
        None => return message.to_owned(),
    };
    let found = found.replace("unit value", "null");
    let expected = match expected {
        "a map" => "a mapping",
        "a sequence" => "a list",
        "u8" => "an integer from 0 to 255",
        "u16" => "an integer from 0 to 65535",
        "u32" | "u64" | "usize" => "a non-negative integer",
        "path string" => "a path",
        other if other.starts_with("struct ") => "a mapping",
        other => other,
    };
    format!("{found}, expected {expected}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    /// Parses like a layer does: as YAML first, then against the schema.
    fn error_for(text: &str) -> String {
        let layer = Source::User(PathBuf::from("u.yaml"));
        let parsed = serde_yaml::from_str::<serde_yaml::Value>(text)
            .and_then(|_| serde_yaml::from_str::<Config>(text));
        match parsed {
            Ok(_) => panic!("{text:?} should not parse"),
            Err(error) => classify(&layer, &error).to_string(),
        }
    }

    #[test]
    fn unknown_top_level_key_is_named() {
        assert_eq!(
            error_for("pane: {}\n\nbogus: 1\n"),
            "u.yaml:3:1: bogus: unknown key, expected one of `workspace`, `pane`, `agent`, `agents`, `attention`, `keys`"
        );
    }

    #[test]
    fn unknown_key_in_a_map_entry_has_the_full_path() {
        assert_eq!(
            error_for("agents:\n  lab:\n    comand: [x]\n"),
            "u.yaml:3:5: agents.lab.comand: unknown key, expected one of `command`, `env`, `resume`, `requires`, `install`, `prompt`, `status`"
        );
    }

    #[test]
    fn wrong_types_say_what_yaml_expected() {
        assert_eq!(
            error_for("agents:\n  lab:\n    command: claude\n"),
            "u.yaml:3:14: agents.lab.command: invalid type: string \"claude\", expected a list"
        );
        assert_eq!(
            error_for("workspace:\n  ports:\n    first: 70000\n"),
            "u.yaml:3:12: workspace.ports.first: invalid value: integer `70000`, \
             expected an integer from 0 to 65535"
        );
        assert_eq!(
            error_for("agents:\n  lab: 3\n"),
            "u.yaml:2:8: agents.lab: invalid type: integer `3`, expected a mapping"
        );
    }

    #[test]
    fn a_document_that_is_not_a_mapping_has_no_key() {
        assert_eq!(
            error_for("- a\n"),
            "u.yaml:1:1: invalid type: sequence, expected a mapping"
        );
    }

    #[test]
    fn duplicate_keys_are_named() {
        assert_eq!(
            error_for("pane:\n  kill_grace_ms: 1\n  kill_grace_ms: 2\n"),
            "u.yaml:2:3: pane.kill_grace_ms: duplicate key"
        );
        assert_eq!(
            error_for("agents:\n  a: {}\n  a: {}\n"),
            "u.yaml:2:3: agents.a: duplicate key"
        );
    }

    #[test]
    fn control_characters_quoted_from_the_file_are_escaped() {
        let shown = error_for("\"x\\e]0;owned\\a\\ny\": 1\n");
        assert!(
            shown.starts_with("u.yaml:1:1: x\\u{1b}]0;owned\\u{7}\\ny: unknown key"),
            "{shown}"
        );
    }

    #[test]
    fn syntax_errors_keep_libyaml_message_without_repeating_the_position() {
        assert_eq!(
            error_for("workspace: [a\n"),
            "u.yaml:2:1: did not find expected ',' or ']', while parsing a flow sequence at line 1 column 12"
        );
    }
}
