//! Workspace names. A name becomes a directory, a branch (`grove/NAME`) and a
//! ref path (`refs/grove/snapshots/NAME/…`), so it must be safe as all three:
//! no path separators or traversal, nothing git's ref rules reject, and no
//! leading dash that a command would read as an option.

use std::fmt;

/// Longest name accepted; long enough for a ticket slug, short enough for a
/// sidebar and a socket path.
const MAX_LEN: usize = 64;

/// A validated workspace name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkspaceName(String);

/// Why a string cannot be a workspace name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid workspace name {name:?}: {reason}")]
pub struct NameError {
    pub name: String,
    pub reason: &'static str,
}

impl WorkspaceName {
    /// Checks `name` against the rules above.
    pub fn parse(name: &str) -> Result<WorkspaceName, NameError> {
        let fail = |reason| {
            Err(NameError {
                name: name.to_owned(),
                reason,
            })
        };
        if name.is_empty() {
            return fail("it is empty");
        }
        if name.chars().count() > MAX_LEN {
            return fail("it is longer than 64 characters");
        }
        if name.starts_with('-') {
            return fail("it starts with '-', which commands would read as an option");
        }
        if name.starts_with('.') {
            return fail("it starts with '.'");
        }
        if name.contains("..") {
            return fail("it contains '..'");
        }
        if name.ends_with('.') || name.ends_with(".lock") {
            return fail("it ends with '.' or '.lock', which git refuses");
        }
        let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
        if !name.chars().all(allowed) {
            return fail("use letters, digits, '-', '_' and '.' only (no '/', spaces or symbols)");
        }
        Ok(WorkspaceName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkspaceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for name in ["auth", "fix-123", "v2.1_hotfix", "café", "テスト", "a"] {
            assert_eq!(WorkspaceName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn rejects_unsafe_names_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("-rf", "starts with '-'"),
            (".hidden", "starts with '.'"),
            ("a..b", "'..'"),
            ("../etc", "starts with '.'"),
            ("a/b", "letters, digits"),
            ("x.lock", "'.lock'"),
            ("trailing.", "'.lock'"),
            ("with space", "letters, digits"),
            ("semi;colon", "letters, digits"),
            ("tick`", "letters, digits"),
            ("new\nline", "letters, digits"),
            ("star*", "letters, digits"),
            ("at@{1}", "letters, digits"),
        ];
        for (name, reason) in cases {
            let err = WorkspaceName::parse(name).unwrap_err();
            assert!(err.to_string().contains(reason), "{name:?}: {err}");
        }
        let long = "x".repeat(65);
        assert!(WorkspaceName::parse(&long).is_err());
        assert!(WorkspaceName::parse(&"x".repeat(64)).is_ok());
    }
}
