//! `grove config`: the effective configuration as YAML, each value annotated
//! with the layer that set it.
//!
//! The output is valid YAML that reads back into the same [`Config`], so it can
//! be copied into a config file. To keep one comment per value, every leaf sits
//! on one line: lists and maps below the leaves are written in flow style
//! (`[a, b]`), and strings are plain only when that cannot change their meaning.

use std::fmt::Write as _;

use serde_yaml::Value;

use super::schema::Config;
use super::source::{LayerStatus, Presence, Provenance, key_text};

/// Comments line up at this column at most, so one long value does not push
/// every other comment off the screen.
const MAX_COMMENT_COLUMN: usize = 40;

/// Renders `config` with a header listing the layers and a comment per value.
pub(crate) fn render(config: &Config, layers: &[LayerStatus], provenance: &Provenance) -> String {
    let mut out = String::from(
        "# grove: the effective configuration. Each value names the layer that set it;\n\
         # later layers override earlier ones.\n",
    );
    for layer in layers {
        let place = match (layer.source.path(), layer.presence) {
            (None, _) => "embedded in grove".to_owned(),
            (Some(path), Presence::Found) => path.display().to_string(),
            (Some(path), Presence::Missing) => format!("{} (not found)", path.display()),
        };
        let _ = writeln!(out, "#   {:<12}{place}", layer.source.label());
    }
    let mut lines = Vec::new();
    match serde_yaml::to_value(config) {
        Ok(Value::Mapping(root)) => leaf_lines(&root, &mut Vec::new(), provenance, &mut lines),
        Ok(other) => lines.push((flow(&other), None)),
        Err(error) => lines.push((format!("# cannot render the configuration: {error}"), None)),
    }
    let column = lines
        .iter()
        .filter(|(_, comment)| comment.is_some())
        .map(|(text, _)| text.chars().count())
        .filter(|width| *width < MAX_COMMENT_COLUMN)
        .max()
        .unwrap_or(0);
    for (text, comment) in lines {
        match comment {
            Some(label) => {
                let _ = writeln!(out, "{text:<column$}  # {label}");
            }
            None => {
                let _ = writeln!(out, "{text}");
            }
        }
    }
    out
}

/// One `(text, layer label)` line per key; mappings with entries open a block.
fn leaf_lines(
    mapping: &serde_yaml::Mapping,
    path: &mut Vec<String>,
    provenance: &Provenance,
    lines: &mut Vec<(String, Option<&'static str>)>,
) {
    let indent = "  ".repeat(path.len());
    for (key, value) in mapping {
        let name = flow(key);
        path.push(key_text(key));
        if let Value::Mapping(inner) = value
            && !inner.is_empty()
        {
            lines.push((format!("{indent}{name}:"), None));
            leaf_lines(inner, path, provenance, lines);
        } else {
            let label = provenance.source_of(path).label();
            lines.push((format!("{indent}{name}: {}", flow(value)), Some(label)));
        }
        path.pop();
    }
}

/// A value in YAML flow style, on one line.
fn flow(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => scalar(text),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Mapping(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(key, value)| format!("{}: {}", flow(key), flow(value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, flow(&tagged.value)),
    }
}

/// A string, plain when it is made of harmless characters and reads back as
/// the same string (not `null`, `3` or `true`), double-quoted otherwise.
fn scalar(text: &str) -> String {
    let harmless = |c: char| c.is_alphanumeric() || "_-./$~+=@%".contains(c);
    let starts_well = text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || "_-./$~+".contains(c));
    let reads_back = || serde_yaml::from_str::<Value>(text).is_ok_and(|v| v.as_str() == Some(text));
    if starts_well && text.chars().all(harmless) && reads_back() {
        return text.to_owned();
    }
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(quoted, "\\u{:04x}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_plain_only_when_safe() {
        for plain in ["grove/", "$SHELL", ".env", "claude", "--fast"] {
            assert_eq!(scalar(plain), plain);
        }
        let quoted = [
            ("", "\"\""),
            ("3", "\"3\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("-", "\"-\""),
            ("-1", "\"-1\""),
            ("true", "\"true\""),
            ("a b", "\"a b\""),
            ("a,b", "\"a,b\""),
            ("say \"hi\"\n", "\"say \\\"hi\\\"\\n\""),
            ("bell\u{7}", "\"bell\\u0007\""),
        ];
        for (text, expected) in quoted {
            assert_eq!(scalar(text), expected, "{text:?}");
            let back: String = serde_yaml::from_str(expected).unwrap();
            assert_eq!(back, text);
        }
    }

    #[test]
    fn flow_style_reads_back() {
        let value: Value = serde_yaml::from_str("{a: [x, 'y z', '1'], b: {}, c: null}").unwrap();
        let text = flow(&value);
        assert_eq!(text, "{a: [x, \"y z\", \"1\"], b: {}, c: null}");
        assert_eq!(serde_yaml::from_str::<Value>(&text).unwrap(), value);
    }
}
