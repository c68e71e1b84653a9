//! A guard in front of serde_yaml against deeply nested flow collections.
//!
//! libyaml's scanner does work in proportion to the flow-collection depth for
//! every token, and serde_yaml scans a whole document before its recursion
//! limit (128 levels) applies: a 200 KB file of `{a: {a: …` takes over a
//! minute to be refused, and a 4 MB one hours, with the server's thread
//! spinning all the while. [`too_deep`] walks the text once and finds where
//! `[` / `{` nesting passes [`MAX_DEPTH`] before serde_yaml sees it.
//!
//! It is an estimate: brackets inside quoted scalars and comments, and in
//! plain scalars (`a[0]`), are not counted, but a bracket at the start of a
//! line of a block scalar is. Its limit is twice serde_yaml's, so the only
//! files it refuses are ones serde_yaml would refuse anyway, or block text
//! with hundreds of unclosed brackets at line starts.

use super::error::Position;

/// Twice serde_yaml's recursion limit.
pub const MAX_DEPTH: usize = 256;

/// Which quoted scalar the walk is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    No,
    Single,
    Double,
}

/// Where `[`/`{` nesting first passes [`MAX_DEPTH`], if it does.
pub fn too_deep(text: &str) -> Option<Position> {
    let mut depth = 0usize;
    let (mut line, mut column) = (1usize, 0usize);
    let mut quote = Quote::No;
    // The last character on this line that was not blank, and the one just
    // before the current character; `None` at the start of a line.
    let mut last_token: Option<char> = None;
    let mut previous: Option<char> = None;
    // Inside a plain (unquoted) scalar, where brackets are text.
    let mut plain = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
            (last_token, previous, plain) = (None, None, false);
            continue;
        }
        let before = previous.replace(c);
        match quote {
            Quote::Double => {
                if c == '\\' {
                    let _ = chars.next();
                    column += 1;
                    previous = None;
                } else if c == '"' {
                    quote = Quote::No;
                    last_token = Some(c);
                }
                continue;
            }
            // `''` inside is an escaped quote: closing and reopening at once.
            Quote::Single => {
                if c == '\'' {
                    quote = Quote::No;
                    last_token = Some(c);
                }
                continue;
            }
            Quote::No => {}
        }
        let starts_value =
            !plain && matches!(last_token, None | Some(':' | ',' | '[' | '{' | '-' | '?'));
        match c {
            ' ' | '\t' | '\r' => continue,
            '#' if before.is_none_or(char::is_whitespace) => {
                for rest in chars.by_ref() {
                    if rest == '\n' {
                        (line, column) = (line + 1, 0);
                        (last_token, previous, plain) = (None, None, false);
                        break;
                    }
                }
                continue;
            }
            '"' if starts_value => quote = Quote::Double,
            '\'' if starts_value => quote = Quote::Single,
            '[' | '{' if starts_value => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(Position { line, column });
                }
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                plain = false;
            }
            ',' | ':' => plain = false,
            '-' | '?' => {}
            _ => plain = plain || starts_value,
        }
        last_token = Some(c);
    }
    None
}

/// The message for a file [`too_deep`] refuses.
pub fn message() -> String {
    format!("lists and mappings ([…], {{…}}) nest deeper than {MAX_DEPTH} levels")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_files_pass() {
        assert_eq!(too_deep(crate::config::DEFAULTS_YAML), None);
        let nested = format!("a: {}x{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(too_deep(&nested), None);
        // Brackets that open nothing: in quotes, comments and plain scalars.
        let text = format!(
            "a: \"{open}\"\nb: '{open}'\nc: x{open}\n# {open}\nd: 'it''s {open}'\ne: \"\\\"{open}\"\n",
            open = "[".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(too_deep(&text), None);
    }

    #[test]
    fn deep_nesting_is_found_where_it_passes_the_limit() {
        let text = format!("x: 1\nitems: {}", "{a: ".repeat(MAX_DEPTH + 10));
        assert_eq!(
            too_deep(&text),
            Some(Position {
                line: 2,
                column: 8 + 4 * MAX_DEPTH
            })
        );
        let text = format!("- {}", "[ ".repeat(100_000));
        assert!(too_deep(&text).is_some());
    }
}
