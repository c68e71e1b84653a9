//! Hostile configuration and job files: arbitrary text, near-valid YAML
//! (real files with characters, lines and indentation broken), YAML's own
//! weapons (anchors and aliases, tags, deep nesting, several documents) and
//! files that are not files (`/dev/zero`, a FIFO, a directory, too big).
//!
//! What must hold: loading never panics, never hangs and never reads without
//! bound; a file that cannot be used is one line of error that starts with
//! the file's path, carries no control character (a `.grove.yaml` from a
//! cloned repository must not be able to drive the user's terminal through
//! an error message), and points at a line that exists.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use grove::config::{DEFAULTS_YAML, check_file, load};
use grove::job::JobSpec;
use grove::paths::Paths;
use proptest::prelude::*;

/// A repository layer that sets something in every section.
const GROVE_YAML: &str = r#"agent: lab
agents:
  lab:
    command: ["sh", "-c", "exec claude"]
    env: { MODEL: big }
    prompt: { via: argument, args: ["--prompt", "{prompt}"] }
    status:
      rows: 3
      waiting: ['\(y/n\)']
      working: ["esc to interrupt"]
workspace:
  branch_prefix: "agent/"
  copy: [".env"]
  setup: ["npm ci"]
  check: "cargo test"
  ports: { first: 30000, last: 30099 }
pane:
  scrollback_bytes: 1048576
keys:
  prefix: C-a
  bindings:
    x: kill-agent
    Q: none
"#;

/// A job file using every key.
const JOB_YAML: &str = r#"name: fix-lints
agent: lab
items:
  list: ["src/a.rs", "src/b.rs"]
prompt: |
  Fix the lints in {{item}} ({{index}}); only touch {{owns}}.
concurrency: 2
owns: ["{{item}}", "tests/{{slug}}/**"]
contract: ["src/lib.rs"]
check: "cargo clippy"
timeout: 20m
retries: 2
backoff: 1h30m
done: { file: ".done-{{slug}}" }
base: main
"#;

// ------------------------------------------------------------ strategies

/// Pieces of YAML that break a document in interesting ways.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            ":", ": ", "- ", "\t", "\"", "'", "{", "}", "[", "]", ",", "&a ", "*a", "*nope",
            "!!binary ", "!!str ", "!Foo ", "%YAML 1.2\n", "---\n", "...\n", "? ", "|", ">", "#",
            "\0", "\u{feff}", "\x1b]0;owned\x07", "\x1b[2J", "\u{202e}", "<<: *a\n", "~", "null",
            "99999999999999999999999", "-1", "0x10", "1e999", ".nan", "é", "\r", "\n", "  ",
            "@", "`", "\\", "\\u{0}", "\"\\x1b\"", "{{", "}}", "{{iten}}", "\u{85}", "\u{2028}",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    DuplicateLine(usize),
    DropLine(usize),
    Indent(usize, usize),
    Dedent(usize),
    ReplaceLine(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<usize>(), token()).prop_map(|(at, t)| Edit::Insert(at, t)),
        2 => (any::<usize>(), 1usize..4).prop_map(|(at, n)| Edit::Delete(at, n)),
        1 => any::<usize>().prop_map(Edit::DuplicateLine),
        1 => any::<usize>().prop_map(Edit::DropLine),
        1 => (any::<usize>(), 1usize..5).prop_map(|(at, n)| Edit::Indent(at, n)),
        1 => any::<usize>().prop_map(Edit::Dedent),
        1 => (any::<usize>(), prop::collection::vec(token(), 0..4))
            .prop_map(|(at, t)| Edit::ReplaceLine(at, t.concat())),
    ]
}

/// The char boundary at or before `at` (modulo the length).
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let line = |at: &usize| at % lines.len();
    match edit {
        Edit::Insert(at, token) => {
            let at = boundary(text, *at);
            return format!("{}{token}{}", &text[..at], &text[at..]);
        }
        Edit::Delete(at, n) => {
            let start = boundary(text, *at);
            let end = boundary(text, start.saturating_add(*n).min(text.len()));
            let end = if end < start { start } else { end };
            return format!("{}{}", &text[..start], &text[end..]);
        }
        Edit::DuplicateLine(at) => {
            let i = line(at);
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        Edit::DropLine(at) => {
            let i = line(at);
            lines.remove(i);
        }
        Edit::Indent(at, n) => {
            let i = line(at);
            lines[i] = format!("{}{}", " ".repeat(*n), lines[i]);
        }
        Edit::Dedent(at) => {
            let i = line(at);
            lines[i] = lines[i].trim_start().to_owned();
        }
        Edit::ReplaceLine(at, text) => {
            let i = line(at);
            lines[i].clone_from(text);
        }
    }
    lines.join("\n")
}

/// A real file with a few things broken.
fn near_valid(base: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(edit(), 1..5).prop_map(move |edits| {
        edits
            .iter()
            .fold(base.to_owned(), |text, e| apply(&text, e))
    })
}

/// Anything at all, near-valid files most of the time.
fn config_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => prop_oneof![near_valid(GROVE_YAML), near_valid(DEFAULTS_YAML)]
            .prop_map(String::into_bytes),
        2 => prop::collection::vec(token(), 0..20).prop_map(|t| t.concat().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ]
}

fn job_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => near_valid(JOB_YAML).prop_map(String::into_bytes),
        2 => prop::collection::vec(token(), 0..20).prop_map(|t| t.concat().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..300),
    ]
}

// ------------------------------------------------------------ checks

/// Lines as YAML counts them: CR, LF and CRLF end a line, and so do NEL,
/// LS and PS (YAML 1.1, which libyaml follows), so a file saved with old Mac
/// line ends still gets line numbers an editor shows.
fn yaml_lines(text: &str) -> usize {
    1 + text
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))
        .count()
}

/// What every error about `path` must look like.
fn check_message(message: &str, path: &Path, text: &[u8]) -> Result<(), TestCaseError> {
    let shown = path.display().to_string();
    prop_assert!(
        message.starts_with(&shown),
        "the error does not start with the file: {message:?}"
    );
    prop_assert!(
        !message.chars().any(char::is_control),
        "the error carries a control character: {message:?}"
    );
    // `FILE:LINE:COLUMN: …` or `FILE:LINE: …` must point into the file.
    let rest = &message[shown.len()..];
    if let Some(line) = rest
        .strip_prefix(':')
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<usize>().ok())
    {
        let lines = yaml_lines(&String::from_utf8_lossy(text));
        prop_assert!(
            (1..=lines + 1).contains(&line),
            "line {line} of a {lines}-line file: {message:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(hostile::config(256))]

    #[test]
    fn a_config_file_is_read_or_refused_in_one_clean_line(text in config_text()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, &text).unwrap();
        if let Err(error) = check_file(&path) {
            check_message(&error.to_string(), &path, &text)?;
        }
    }

    /// The same text as the repository's `.grove.yaml`, over a user file,
    /// through the real loader.
    #[test]
    fn a_repository_layer_is_blamed_by_its_path(text in config_text()) {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::under(&dir.path().join("xdg"));
        let root = dir.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        let path = root.join(".grove.yaml");
        std::fs::write(&path, &text).unwrap();
        if let Err(error) = load(&paths, Some(&root)) {
            check_message(&error.to_string(), &path, &text)?;
        }
    }

    #[test]
    fn a_job_file_is_read_or_refused_in_one_clean_line(text in job_text()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("job.yaml");
        std::fs::write(&path, &text).unwrap();
        if let Err(error) = JobSpec::load(&path) {
            check_message(&error.to_string(), &path, &text)?;
        }
    }

    /// Durations and templates, which job files hand to grove as text.
    #[test]
    fn durations_and_templates_never_panic(
        text in prop_oneof![
            "[0-9hms ]{0,12}",
            "[0-9]{15,25}[hms]",
            ".{0,20}",
            "(\\{\\{|\\}\\}|item|index| |x){0,8}",
        ],
    ) {
        if let Some(duration) = grove::job::spec::parse_duration(&text) {
            prop_assert!(!duration.is_zero() || text.trim().parse::<u64>() == Ok(0));
        }
        let vars = grove::job::template::Vars::sample();
        let _ = grove::job::template::render(&text, &vars);
    }
}

// ------------------------------------------------------------ files that are not

/// Runs `f` on another thread and fails if it has not returned within a
/// minute: a read that blocks forever is a hang, and must fail the test
/// rather than stall it.
fn within_a_minute<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(f());
    });
    result
        .recv_timeout(Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{what} did not return"))
}

#[test]
fn files_that_never_end_block_or_are_not_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(&root).unwrap();
    let grove_yaml = root.join(".grove.yaml");
    let paths = Paths::under(&dir.path().join("xdg"));

    // A cloned repository whose .grove.yaml is a symlink to /dev/zero.
    std::os::unix::fs::symlink("/dev/zero", &grove_yaml).unwrap();
    let (error, usage) = {
        let (paths, root) = (paths.clone(), root.clone());
        within_a_minute("loading a .grove.yaml that is /dev/zero", move || {
            hostile::alloc::measure(|| {
                load(&paths, Some(&root))
                    .map(|_| ())
                    .unwrap_err()
                    .to_string()
            })
        })
    };
    assert!(error.contains("not a regular file"), "{error}");
    assert!(usage.peak < 16 << 20, "{} bytes read", usage.peak);

    // A FIFO nobody writes to, as a job file and as the repository layer.
    std::fs::remove_file(&grove_yaml).unwrap();
    let fifo = dir.path().join("job.yaml");
    nix::unistd::mkfifo(
        &fifo,
        nix::sys::stat::Mode::S_IRUSR | nix::sys::stat::Mode::S_IWUSR,
    )
    .unwrap();
    let job = fifo.clone();
    let error = within_a_minute("loading a FIFO job file", move || {
        JobSpec::load(&job).unwrap_err().to_string()
    });
    assert!(error.starts_with(&fifo.display().to_string()), "{error}");
    assert!(error.contains("not a regular file"), "{error}");
    std::os::unix::fs::symlink(&fifo, &grove_yaml).unwrap();
    let error = within_a_minute("loading a FIFO .grove.yaml", move || {
        load(&paths, Some(&root))
            .map(|_| ())
            .unwrap_err()
            .to_string()
    });
    assert!(error.contains("not a regular file"), "{error}");

    // A directory, and a file far bigger than any config.
    let error = check_file(dir.path()).unwrap_err().to_string();
    assert!(error.contains("is a directory"), "{error}");
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, format!("agent: {}\n", "x".repeat(5 << 20))).unwrap();
    let error = check_file(&big).unwrap_err().to_string();
    assert!(error.contains("larger than"), "{error}");
}

#[test]
fn yaml_bombs_and_deep_nesting_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.yaml");
    // A billion laughs: nine levels of ten aliases each.
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    for pair in names.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        bomb.push_str(&format!(
            "{to}: &{to} [{}]\n",
            vec![format!("*{from}"); 9].join(",")
        ));
    }
    for (what, text) in [
        ("alias bomb", bomb),
        ("deep flow nesting", "[".repeat(100_000)),
        (
            "deep block nesting",
            (0..2_000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect(),
        ),
        (
            "deep job nesting",
            format!("name: j\nitems: {}", "{a: ".repeat(50_000)),
        ),
    ] {
        std::fs::write(&path, &text).unwrap();
        let (config, usage) = hostile::alloc::measure(|| check_file(&path).map(|_| ()));
        let error = config.expect_err(what).to_string();
        assert!(!error.contains('\n'), "{what}: {error}");
        assert!(usage.peak < 256 << 20, "{what}: {} bytes", usage.peak);
        let job = JobSpec::load(&path)
            .map(|_| ())
            .expect_err(what)
            .to_string();
        assert!(!job.contains('\n'), "{what}: {job}");
    }
}
