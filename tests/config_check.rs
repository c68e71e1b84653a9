//! `grove config check FILE`: each fixture under `tests/fixtures/config/` checked
//! on its own over the built-ins, with the exact one-line error it must produce.

use std::path::PathBuf;

use grove::config::{Config, ConfigError, Position, Source, check_file};
use grove::ui::keymap::{KEY_SYNTAX, Keymap};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

#[test]
fn valid_files_check_clean() {
    let builtin = Config::builtin().unwrap();
    assert_eq!(check_file(&fixture("valid/empty.yaml")).unwrap(), builtin);
    assert_eq!(
        check_file(&fixture("valid/comments_only.yaml")).unwrap(),
        builtin
    );
    let partial = check_file(&fixture("valid/partial.yaml")).unwrap();
    assert_eq!(partial.workspace.branch_prefix, "team/");
    assert_eq!(partial.workspace.copy, builtin.workspace.copy);
}

#[test]
fn a_full_file_overrides_and_extends_the_builtins() {
    let config = check_file(&fixture("valid/full.yaml")).unwrap();
    assert_eq!(config.workspace.root, Some(PathBuf::from("../worktrees")));
    assert_eq!(config.workspace.copy, [".env", "config/*.local"]);
    assert_eq!(config.workspace.setup, ["npm ci"]);
    assert_eq!(
        (config.workspace.ports.first, config.workspace.ports.last),
        (31000, 31999)
    );
    assert_eq!(config.pane.kill_grace_ms, 500);
    assert_eq!(config.agent, "lab");
    assert_eq!(
        config.agents["lab"].command,
        ["lab-agent", "--model", "big"]
    );
    assert_eq!(config.agents["lab"].env["LAB_MODE"], "1");
    // Merging into the built-in `shell` keeps its command.
    assert_eq!(config.agents["shell"].command, ["$SHELL"]);
    assert_eq!(config.agents["shell"].env["PS1"], "grove> ");
    // Rebinding the prefix and unbinding a built-in key keep the other keys.
    let keymap = Keymap::from_config(&config.keys).unwrap();
    assert_eq!(keymap.prefix_label(), "C-a");
    assert_eq!(keymap.hints(), "C-a c new · C-a ? keys · C-a d detach");
    let keys: Vec<String> = keymap
        .describe()
        .into_iter()
        .map(|line| line.keys)
        .collect();
    assert!(keys.contains(&"C-a X".to_owned()), "{keys:?}");
    assert!(keys.contains(&"C-a C-a".to_owned()), "{keys:?}");
    assert!(
        !keys.iter().any(|k| k == "C-a x" || k.contains("C-b")),
        "{keys:?}"
    );
}

#[test]
fn unknown_top_level_key() {
    let path = fixture("invalid/unknown_top_level.yaml");
    let error = check_file(&path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:4:1: agnets: unknown key, expected one of `workspace`, `pane`, `agent`, `agents`, `attention`, `keys`",
            path.display()
        )
    );
    let ConfigError::Parse { layer, at, key, .. } = error else {
        panic!("expected a parse error, got {error:?}");
    };
    assert_eq!(layer, Source::File(path));
    assert_eq!(at, Some(Position { line: 4, column: 1 }));
    assert_eq!(key, "agnets");
}

#[test]
fn unknown_nested_key() {
    let path = fixture("invalid/unknown_nested.yaml");
    let error = check_file(&path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:4:5: agents.lab.comand: unknown key, expected one of `command`, `env`, `resume`, `requires`, `install`, `prompt`, `status`",
            path.display()
        )
    );
}

#[test]
fn wrong_types() {
    let path = fixture("invalid/wrong_type.yaml");
    let error = check_file(&path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:3:18: pane.kill_grace_ms: invalid type: string \"soon\", \
             expected a non-negative integer",
            path.display()
        )
    );
    let path = fixture("invalid/wrong_type_in_list.yaml");
    let error = check_file(&path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:5:9: agents.lab.command[1]: invalid type: map, expected a string",
            path.display()
        )
    );
}

#[test]
fn yaml_syntax_error() {
    let path = fixture("invalid/syntax.yaml");
    let error = check_file(&path).unwrap_err();
    assert!(matches!(error, ConfigError::Syntax { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "{}:3:10: did not find expected ',' or ']', \
             while parsing a flow sequence at line 2 column 9",
            path.display()
        )
    );
}

#[test]
fn a_document_that_is_not_a_mapping() {
    let path = fixture("invalid/not_a_mapping.yaml");
    let error = check_file(&path).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:1:1: invalid type: sequence, expected a mapping",
            path.display()
        )
    );
}

#[test]
fn semantic_errors_name_the_key_and_the_file() {
    let cases = [
        (
            "invalid/branch_prefix.yaml",
            "workspace.branch_prefix: \"my agents/\" cannot start a git branch name: \
             it contains a space",
        ),
        (
            "invalid/ports_reversed.yaml",
            "workspace.ports: first (30000) is greater than last (29999)",
        ),
        (
            "invalid/unknown_agent.yaml",
            "agent: no agent profile named `clawd`; profiles: `aider`, `claude`, `codex`, \
             `gemini`, `opencode`, `shell`",
        ),
        (
            "invalid/empty_command.yaml",
            "agents.lab.command: is empty; give the program and its arguments, e.g. [claude]",
        ),
        (
            "invalid/copy_escapes.yaml",
            "workspace.copy[1]: \"../secrets/.env\" must not contain `..`",
        ),
        (
            "invalid/unknown_action.yaml",
            "keys.bindings.Q: `quit` is not an action; use one of new-workspace, focus-left, \
             focus-down, focus-up, focus-right, focus-1 … focus-9, choose-workspace, next-layout, zoom, \
             sidebar, scroll-mode, next-attention, send-prompt, ticket-board, show-diff, merge, pull-request, check-output, kill-agent, resume-agent, remove-workspace, \
             send-prefix, help, detach, or none to unbind the key",
        ),
        (
            "invalid/bad_key.yaml",
            &format!("keys.bindings.Ctrl-x: `Ctrl-x` is not a key; {KEY_SYNTAX}"),
        ),
        (
            "invalid/remote.yaml",
            "workspace.remote: \"--mirror\" starts with '-', which git would read as an option",
        ),
        (
            "invalid/bad_status_rule.yaml",
            "agents.lab.status.working[1]: is not a valid regular expression: \
             error: unclosed group",
        ),
        (
            "invalid/prompt_argument.yaml",
            "agents.lab.prompt.args: needs an argument containing {prompt} when prompt.via is \
             argument, e.g. [\"{prompt}\"]",
        ),
        (
            "invalid/empty_prefix.yaml",
            "keys.prefix: is empty; the dashboard needs a prefix key, e.g. C-b",
        ),
        (
            "invalid/no_history.yaml",
            "pane.scrollback_lines: must be greater than 0",
        ),
    ];
    for (name, message) in cases {
        let path = fixture(name);
        let error = check_file(&path).unwrap_err();
        assert!(
            matches!(error, ConfigError::Invalid { .. }),
            "{name}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("{}: {message}", path.display()),
            "{name}"
        );
    }
}

#[test]
fn a_missing_file_is_an_error_when_checked() {
    let path = fixture("valid/absent.yaml");
    let error = check_file(&path).unwrap_err();
    assert!(matches!(error, ConfigError::Read { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: cannot read: No such file or directory (os error 2)",
            path.display()
        )
    );
}
