//! The environment a pane's program starts with.
//!
//! It starts from the server's own environment (PATH, HOME, API keys), removes
//! what would make the program believe it runs inside another multiplexer or
//! terminal, and says what it runs in instead. Agents change behaviour on these:
//! Claude Code drops to 256 colours when `TMUX` is set, Codex takes a different
//! viewport path under `ZELLIJ` and picks its notification style from
//! `TERM_PROGRAM`, and inherited `LINES`/`COLUMNS` override the PTY size.
//! A pane is an interactive terminal even when the server was started from a
//! CI job (`grove run` overnight in one): Gemini CLI reads `CI=true` or
//! `GITHUB_ACTIONS=true` as "run headless" and exits with no prompt to answer.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};

/// Variables removed by exact name.
const REMOVED: &[&str] = &[
    "TMUX",
    "TMUX_PANE",
    "STY",
    "WEZTERM_PANE",
    "KITTY_WINDOW_ID",
    "ITERM_SESSION_ID",
    "WT_SESSION",
    "LINES",
    "COLUMNS",
    "CI",
    "CONTINUOUS_INTEGRATION",
    "GITHUB_ACTIONS",
];

/// Variables removed by prefix (`ZELLIJ`, `ZELLIJ_SESSION_NAME`, `TERM_PROGRAM_VERSION`, …).
const REMOVED_PREFIXES: &[&str] = &["ZELLIJ", "TERM_PROGRAM"];

fn removed(key: &OsStr) -> bool {
    let Some(key) = key.to_str() else {
        return false;
    };
    REMOVED.contains(&key)
        || REMOVED_PREFIXES
            .iter()
            .any(|prefix| key.starts_with(prefix))
}

/// The full environment for a pane: `base` scrubbed, grove's terminal
/// variables set, then `extra` (the agent profile's own variables) on top.
pub fn pane_environment(
    base: impl IntoIterator<Item = (OsString, OsString)>,
    extra: &BTreeMap<OsString, OsString>,
) -> BTreeMap<OsString, OsString> {
    let mut env: BTreeMap<OsString, OsString> =
        base.into_iter().filter(|(key, _)| !removed(key)).collect();
    for (key, value) in [
        ("TERM", "xterm-256color"),
        ("COLORTERM", "truecolor"),
        ("TERM_PROGRAM", "grove"),
        ("TERM_PROGRAM_VERSION", env!("CARGO_PKG_VERSION")),
    ] {
        env.insert(key.into(), value.into());
    }
    env.extend(
        extra
            .iter()
            .map(|(key, value)| (key.clone(), value.clone())),
    );
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(OsString, OsString)> {
        list.iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn scrubs_multiplexer_variables_and_sets_terminal_ones() {
        let base = pairs(&[
            ("PATH", "/usr/bin"),
            ("TMUX", "/tmp/tmux-0/default,1,0"),
            ("TMUX_PANE", "%1"),
            ("ZELLIJ", "0"),
            ("ZELLIJ_SESSION_NAME", "s"),
            ("TERM", "screen"),
            ("TERM_PROGRAM", "tmux"),
            ("TERM_PROGRAM_VERSION", "3.4"),
            ("LINES", "24"),
            ("COLUMNS", "80"),
            ("STY", "1.pts"),
            ("KITTY_WINDOW_ID", "1"),
            ("ITERM_SESSION_ID", "x"),
            ("WT_SESSION", "y"),
            ("WEZTERM_PANE", "3"),
            ("TERMINFO_DIRS", "/kept"),
            ("CI", "true"),
            ("GITHUB_ACTIONS", "true"),
            ("CONTINUOUS_INTEGRATION", "1"),
        ]);
        let extra = BTreeMap::from([(OsString::from("API_KEY"), OsString::from("k"))]);
        let env = pane_environment(base, &extra);
        let keys: Vec<&str> = env.keys().filter_map(|k| k.to_str()).collect();
        assert_eq!(
            keys,
            [
                "API_KEY",
                "COLORTERM",
                "PATH",
                "TERM",
                "TERMINFO_DIRS",
                "TERM_PROGRAM",
                "TERM_PROGRAM_VERSION"
            ]
        );
        assert_eq!(env[OsStr::new("TERM")], "xterm-256color");
        assert_eq!(env[OsStr::new("COLORTERM")], "truecolor");
        assert_eq!(env[OsStr::new("TERM_PROGRAM")], "grove");
        assert_eq!(
            env[OsStr::new("TERM_PROGRAM_VERSION")],
            env!("CARGO_PKG_VERSION")
        );
    }

    #[test]
    fn extra_variables_win() {
        let extra = BTreeMap::from([(OsString::from("TERM"), OsString::from("dumb"))]);
        let env = pane_environment(Vec::new(), &extra);
        assert_eq!(env[OsStr::new("TERM")], "dumb");
    }
}
