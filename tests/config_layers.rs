//! Loading the three layers (built-in, user, repository) from a sandbox made
//! with `Paths::under`: override order, merge rules, provenance, and errors
//! that blame the right file.

use std::fs;
use std::path::{Path, PathBuf};

use grove::config::{Config, ConfigError, Presence, Source, load};
use grove::paths::Paths;
use grove::ui::keymap::{KEY_SYNTAX, Keymap};

/// A temporary home with optional user and repository files.
struct Sandbox {
    _dir: tempfile::TempDir,
    paths: Paths,
    repo: PathBuf,
}

impl Sandbox {
    fn new(user: Option<&str>, repo: Option<&str>) -> std::io::Result<Self> {
        let dir = tempfile::tempdir()?;
        let paths = Paths::under(dir.path());
        let repo_root = dir.path().join("repo");
        fs::create_dir_all(&repo_root)?;
        if let Some(text) = user {
            fs::create_dir_all(&paths.config_dir)?;
            fs::write(paths.user_config(), text)?;
        }
        if let Some(text) = repo {
            fs::write(repo_root.join(".grove.yaml"), text)?;
        }
        Ok(Self {
            _dir: dir,
            paths,
            repo: repo_root,
        })
    }

    fn load(&self) -> Result<grove::config::Loaded, ConfigError> {
        load(&self.paths, Some(&self.repo))
    }

    fn user(&self) -> Source {
        Source::User(self.paths.user_config())
    }

    fn repository(&self) -> Source {
        Source::Repository(self.repo.join(".grove.yaml"))
    }
}

#[test]
fn without_files_the_builtins_apply() {
    let sandbox = Sandbox::new(None, None).unwrap();
    let loaded = sandbox.load().unwrap();
    assert_eq!(loaded.config, Config::builtin().unwrap());
    let presence: Vec<Presence> = loaded.layers.iter().map(|l| l.presence).collect();
    assert_eq!(
        presence,
        [Presence::Found, Presence::Missing, Presence::Missing]
    );
    let outside_a_repository = load(&sandbox.paths, None).unwrap();
    assert_eq!(outside_a_repository.layers.len(), 2);
}

#[test]
fn each_layer_overrides_the_one_before() {
    let sandbox = Sandbox::new(
        Some("workspace:\n  branch_prefix: me/\n  setup: [make]\npane:\n  kill_grace_ms: 100\n"),
        Some("workspace:\n  branch_prefix: team/\n"),
    )
    .unwrap();
    let loaded = sandbox.load().unwrap();
    let workspace = &loaded.config.workspace;
    assert_eq!(workspace.branch_prefix, "team/");
    assert_eq!(workspace.setup, ["make"]);
    assert_eq!(loaded.config.pane.kill_grace_ms, 100);
    assert_eq!(loaded.config.pane.scrollback_bytes, 8_388_608);
    assert_eq!(loaded.config.pane.scrollback_lines, 10_000);
    assert_eq!(
        loaded.source_of(&["workspace", "branch_prefix"]),
        &sandbox.repository()
    );
    assert_eq!(loaded.source_of(&["workspace", "setup"]), &sandbox.user());
    assert_eq!(
        loaded.source_of(&["pane", "scrollback_bytes"]),
        &Source::Builtin
    );
}

#[test]
fn loading_again_sees_every_change_to_a_file() {
    // Loads are remembered by the files' texts; a change must still show.
    let sandbox = Sandbox::new(Some("pane:\n  kill_grace_ms: 100\n"), None).unwrap();
    assert_eq!(sandbox.load().unwrap().config.pane.kill_grace_ms, 100);
    assert_eq!(sandbox.load().unwrap().config.pane.kill_grace_ms, 100);
    fs::write(sandbox.paths.user_config(), "pane:\n  kill_grace_ms: 200\n").unwrap();
    assert_eq!(sandbox.load().unwrap().config.pane.kill_grace_ms, 200);
    fs::write(
        sandbox.repo.join(".grove.yaml"),
        "pane:\n  kill_grace_ms: 300\n",
    )
    .unwrap();
    let loaded = sandbox.load().unwrap();
    assert_eq!(loaded.config.pane.kill_grace_ms, 300);
    assert_eq!(
        loaded.source_of(&["pane", "kill_grace_ms"]),
        &sandbox.repository()
    );
    fs::write(sandbox.paths.user_config(), "pane: [not, a, mapping]\n").unwrap();
    assert!(sandbox.load().is_err());
    fs::remove_file(sandbox.paths.user_config()).unwrap();
    fs::remove_file(sandbox.repo.join(".grove.yaml")).unwrap();
    let builtin = sandbox.load().unwrap();
    assert_eq!(
        builtin.source_of(&["pane", "kill_grace_ms"]),
        &Source::Builtin
    );
}

#[test]
fn mappings_merge_and_lists_replace() {
    let sandbox = Sandbox::new(
        Some("agents:\n  lab:\n    command: [lab]\n  shell:\n    env: {EDITOR: vi}\n"),
        Some("workspace:\n  copy: [.envrc]\n"),
    )
    .unwrap();
    let config = sandbox.load().unwrap().config;
    assert_eq!(
        config.agents.keys().collect::<Vec<_>>(),
        [
            "aider", "claude", "codex", "gemini", "lab", "opencode", "shell"
        ]
    );
    assert_eq!(config.agents["lab"].command, ["lab"]);
    assert_eq!(config.agents["shell"].command, ["$SHELL"]);
    assert_eq!(config.agents["shell"].env["EDITOR"], "vi");
    assert_eq!(config.workspace.copy, [".envrc"]);
}

#[test]
fn a_later_layer_can_use_what_an_earlier_one_defined() {
    let sandbox = Sandbox::new(
        Some("agents:\n  lab:\n    command: [lab]\n"),
        Some("agent: lab\n"),
    )
    .unwrap();
    assert_eq!(sandbox.load().unwrap().config.agent, "lab");
}

#[test]
fn schema_errors_point_into_the_layer_file() {
    let sandbox = Sandbox::new(
        Some("workspace:\n  branch_prefix: me/\n"),
        Some("# repo settings\nworkspace:\n  ports:\n    frist: 30000\n"),
    )
    .unwrap();
    let error = sandbox.load().unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:4:5: workspace.ports.frist: unknown key, expected `first` or `last`",
            sandbox.repository()
        )
    );
}

#[test]
fn semantic_errors_blame_the_layer_that_set_the_value() {
    let sandbox = Sandbox::new(
        Some("workspace:\n  ports: {first: 25000}\n"),
        Some("workspace:\n  ports: {last: 24000}\n"),
    )
    .unwrap();
    let error = sandbox.load().unwrap_err();
    let ConfigError::Invalid { layer, key, .. } = &error else {
        panic!("expected a semantic error, got {error:?}");
    };
    assert_eq!(
        (layer, key.as_str()),
        (&sandbox.repository(), "workspace.ports")
    );
    assert_eq!(
        error.to_string(),
        format!(
            "{}: workspace.ports: first (25000) is greater than last (24000)",
            sandbox.repository()
        )
    );

    let sandbox = Sandbox::new(Some("agent: lab\n"), Some("pane: {kill_grace_ms: 10}\n")).unwrap();
    assert_eq!(
        sandbox.load().unwrap_err().to_string(),
        format!(
            "{}: agent: no agent profile named `lab`; profiles: `aider`, `claude`, `codex`, \
             `gemini`, `opencode`, `shell`",
            sandbox.user()
        )
    );
}

#[test]
fn a_layer_can_rebind_or_unbind_one_key() {
    let sandbox = Sandbox::new(
        Some("keys:\n  bindings:\n    x: zoom\n"),
        Some("keys:\n  bindings:\n    z: none\n    \"?\": none\n    F1: help\n"),
    )
    .unwrap();
    let loaded = sandbox.load().unwrap();
    let bindings = &loaded.config.keys.bindings;
    assert_eq!(bindings["x"], "zoom");
    assert_eq!(bindings["z"], "none");
    assert_eq!(bindings["c"], "new-workspace");
    assert_eq!(
        loaded.source_of(&["keys", "bindings", "x"]),
        &sandbox.user()
    );
    assert_eq!(
        loaded.source_of(&["keys", "bindings", "c"]),
        &Source::Builtin
    );
    let keymap = Keymap::from_config(&loaded.config.keys).unwrap();
    assert_eq!(keymap.hints(), "C-b c new · C-b F1 keys · C-b d detach");
}

#[test]
fn key_errors_blame_the_layer_that_wrote_the_binding() {
    let sandbox = Sandbox::new(
        Some("keys:\n  bindings:\n    x: zoom\n"),
        Some("keys:\n  bindings:\n    x: kill\n"),
    )
    .unwrap();
    let error = sandbox.load().unwrap_err();
    let ConfigError::Invalid { layer, key, .. } = &error else {
        panic!("expected a semantic error, got {error:?}");
    };
    assert_eq!(
        (layer, key.as_str()),
        (&sandbox.repository(), "keys.bindings.x")
    );
    assert!(
        error.to_string().starts_with(&format!(
            "{}: keys.bindings.x: `kill` is not an action; use one of new-workspace, ",
            sandbox.repository()
        )),
        "{error}"
    );

    // Two spellings of one key: the later layer's spelling is the one to fix,
    // even where it sorts first.
    let sandbox = Sandbox::new(Some("keys:\n  bindings:\n    DOWN: zoom\n"), None).unwrap();
    assert_eq!(
        sandbox.load().unwrap_err().to_string(),
        format!(
            "{}: keys.bindings.DOWN: is the same key as `Down`, which is bound to focus-down; \
             keep one of the two",
            sandbox.user()
        )
    );
    let sandbox = Sandbox::new(Some("keys:\n  prefix: C-\n"), None).unwrap();
    assert_eq!(
        sandbox.load().unwrap_err().to_string(),
        format!(
            "{}: keys.prefix: has no key after the modifier; {KEY_SYNTAX}",
            sandbox.user()
        )
    );
}

#[test]
fn an_unreadable_user_file_is_an_error_naming_it() {
    let sandbox = Sandbox::new(None, None).unwrap();
    fs::create_dir_all(sandbox.paths.user_config()).unwrap();
    let error = sandbox.load().unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: cannot read: it is a directory",
            sandbox.paths.user_config().display()
        )
    );
}

#[test]
fn render_annotated_names_the_source_of_every_value() {
    let sandbox = Sandbox::new(
        Some(
            "agent: lab\nagents:\n  lab:\n    command: [lab, --fast]\n    env: {A: 0x10}\n\
             keys:\n  bindings: {x: none, X: kill-agent}\n",
        ),
        Some("workspace:\n  copy: [.env, 'a b']\n  ports: {last: 21000}\nkeys: {prefix: C-a}\n"),
    )
    .unwrap();
    let loaded = sandbox.load().unwrap();
    // The whole file, with the sandbox's paths made stable; read the
    // snapshot to see every value's layer.
    let user = sandbox.paths.user_config().display().to_string();
    let repo = sandbox.repo.join(".grove.yaml").display().to_string();
    let text = loaded
        .render_annotated()
        .replace(&user, "{user}")
        .replace(&repo, "{repo}");
    insta::assert_snapshot!(text);
    let reread: Config = grove::config::from_yaml(&loaded.render_annotated()).unwrap();
    assert_eq!(reread, loaded.config);
}

#[test]
fn render_annotated_marks_missing_files() {
    let sandbox = Sandbox::new(None, None).unwrap();
    let text = sandbox.load().unwrap().render_annotated();
    let header: Vec<&str> = text.lines().skip(3).take(2).collect();
    let missing = |path: &Path| format!("{} (not found)", path.display());
    assert_eq!(
        header,
        [
            format!("#   user        {}", missing(&sandbox.paths.user_config())),
            format!(
                "#   repository  {}",
                missing(&sandbox.repo.join(".grove.yaml"))
            ),
        ]
    );
}
