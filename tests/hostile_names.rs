//! Hostile workspace names and prompts, end to end: nothing a user types
//! reaches a shell as code, and what they type arrives as typed.
//!
//! - Any string either fails `WorkspaceName::parse` with one clean line or is
//!   a name git accepts as the branch `grove/NAME` and the file system as one
//!   directory; every slug grove makes from items and tickets is a name.
//! - `grove new NAME` with shell metacharacters, traversal, options, control
//!   characters and git's forbidden forms is refused in one line with nothing
//!   created; a name that is accepted gets exactly that branch and worktree,
//!   and reaches setup commands only as data (`$GROVE_WORKSPACE`).
//! - `grove send` with quotes, `$(…)`, backticks, newlines and escape
//!   sequences delivers to a fake agent (which writes the bytes it reads to
//!   a file) exactly the text, in one bracketed paste, with only the control
//!   characters that the paste guard removes by design (ESC, so the text
//!   cannot end the paste early or drive the agent as keys) taken out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod hostile;
mod support;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use grove::workspace::WorkspaceName;
use proptest::prelude::*;
use support::grove::{GROVE, Server};
use support::pane::wait_until;
use support::repo::{TestRepo, hermetic_env, write_in};

// ------------------------------------------------------------ names, as data

fn name_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9._-]{1,12}",
        2 => prop::collection::vec(
            prop::sample::select(vec![
                "a", "-", ".", "_", "..", ".lock", "/", "\\", "@{", "~", "^", ":", "?", "*",
                "[", " ", "\t", "\n", "\0", "\x1b", "$(", ")", "`", ";", "|", "&", "'", "\"",
                "é", "名", "Ⅻ", "١", "\u{202e}", "\u{200b}", "\u{ad}", "HEAD", "-rf",
            ]),
            1..8,
        )
        .prop_map(|p| p.concat()),
        1 => any::<String>(),
        1 => "x{60,70}",
    ]
}

/// Whether git takes `grove/NAME` as a branch name.
fn git_accepts_branch(name: &str) -> bool {
    let home = tempfile::tempdir().unwrap();
    Command::new("git")
        .args(["check-ref-format", "--branch", &format!("grove/{name}")])
        .envs(hermetic_env(home.path()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

proptest! {
    #![proptest_config(hostile::config(256))]

    #[test]
    fn a_name_is_safe_as_a_branch_and_a_directory_or_refused_in_one_line(name in name_text()) {
        match WorkspaceName::parse(&name) {
            Ok(parsed) => {
                prop_assert_eq!(parsed.as_str(), name.as_str());
                prop_assert!(git_accepts_branch(&name), "git refuses grove/{name:?}");
                let mut components = Path::new(&name).components();
                let one_normal = matches!(
                    (components.next(), components.next()),
                    (Some(std::path::Component::Normal(_)), None)
                );
                prop_assert!(one_normal, "{name:?} is not one plain path component");
                prop_assert!(!name.starts_with('-'));
                prop_assert!(!name.chars().any(|c| c.is_control() || c.is_whitespace()));
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(!message.chars().any(char::is_control), "{message:?}");
            }
        }
    }

    /// Job items and tickets become workspace names through slugs.
    #[test]
    fn every_slug_is_a_name(text in any::<String>(), max in 1usize..80) {
        let item = grove::job::spec::slug_of(&text);
        prop_assert!(WorkspaceName::parse(&item).is_ok(), "item slug {item:?}");
        let ticket = grove::tickets::slug(&text, max);
        prop_assert!(ticket.is_empty() || WorkspaceName::parse(&ticket).is_ok(), "ticket slug {ticket:?}");
    }
}

// ------------------------------------------------------------ grove new

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file and directory name under `dir`.
fn all_names(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}

/// No command anywhere ran the `touch pwned` hidden in a name or prompt.
fn assert_nothing_ran(t: &TestRepo) {
    let ran: Vec<PathBuf> = all_names(t.dir.path())
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("pwned"))
        })
        .collect();
    assert!(ran.is_empty(), "a shell ran user text: {ran:?}");
}

fn branches(t: &TestRepo) -> String {
    t.git(&t.root, &["branch", "--list", "--format=%(refname:short)"])
}

/// The workspace `name` in `grove ls --json`, if there is one.
fn listed(t: &TestRepo, name: &str) -> Option<serde_json::Value> {
    let listing: serde_json::Value = serde_json::from_str(&t.grove_ok(&["ls", "--json"])).unwrap();
    listing["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == name)
        .cloned()
}

/// `grove new -- NAME` (after `--`, so grove itself judges a name that
/// looks like an option) either makes exactly that workspace or refuses in
/// one line and leaves nothing behind. Returns whether it made it.
fn new_is_exact_or_refused(t: &TestRepo, name: &str) -> bool {
    let before = branches(t);
    let output = t.grove(&t.root, &["new", "--", name]);
    if output.status.success() {
        let workspace = listed(t, name).unwrap_or_else(|| panic!("{name:?} made but not listed"));
        assert_eq!(workspace["branch"], format!("grove/{name}"));
        let path = PathBuf::from(workspace["path"].as_str().unwrap());
        assert_eq!(path.file_name().unwrap().to_str(), Some(name));
        assert!(path.is_dir());
        let head = t.git(&path, &["rev-parse", "--abbrev-ref", "HEAD"]);
        assert_eq!(head.trim(), format!("grove/{name}"));
        return true;
    }
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{name:?}: {message}");
    assert_eq!(
        message.trim_end().lines().count(),
        1,
        "{name:?}: {message:?}"
    );
    assert!(
        !message.chars().any(|c| c.is_control() && c != '\n'),
        "{name:?}: {message:?}"
    );
    assert_eq!(branches(t), before, "{name:?} left a branch");
    assert!(listed(t, name).is_none());
    false
}

#[test]
fn hostile_names_are_refused_and_valid_ones_are_exact() {
    let t = TestRepo::new();
    // A setup command that records what name it was given, through the
    // environment only.
    write_in(
        &t.root,
        ".grove.yaml",
        b"agent: idle\nagents:\n  idle:\n    command: [\"sleep\", \"100000\"]\n\
          workspace:\n  setup: [\"printf '%s' \\\"$GROVE_WORKSPACE\\\" > setup-saw\"]\n",
    );
    t.grove_ok(&["trust"]);
    let _server = Server(&t);
    let refused = [
        "$(touch pwned)",
        "`touch pwned`",
        "a;touch pwned",
        "a|touch pwned",
        "a&&touch pwned",
        "x$(IFS=_;touch${IFS}pwned)",
        "with space",
        "-rf",
        "--help",
        "../escape",
        "a/b",
        "",
        ".",
        "..",
        ".hidden",
        "x.lock",
        "a..b",
        "trailing.",
        "HEAD@{1}",
        "a~1",
        "a^",
        "a:b",
        "a?",
        "a*",
        "a[",
        "a\\b",
        "quote'",
        "dq\"",
        "new\nline",
        "tab\tname",
        "esc\x1b[2Jname",
        "\u{202e}evil",
        "zero\u{200b}width",
        &"x".repeat(65),
    ];
    for name in refused {
        assert!(!new_is_exact_or_refused(&t, name), "{name:?} was accepted");
    }
    // A base is a revision, never an option or a command.
    for base in [
        "--output=pwned",
        "$(touch pwned)",
        "-",
        "main;touch pwned",
        "main\n--orphan",
    ] {
        let before = branches(&t);
        let output = t.grove(&t.root, &["new", "based", &format!("--base={base}")]);
        let message = stderr(&output);
        assert!(!output.status.success(), "--base {base:?} was taken");
        assert_eq!(
            message.trim_end().lines().count(),
            1,
            "--base {base:?}: {message:?}"
        );
        assert_eq!(branches(&t), before);
    }
    for name in [
        "x-rf.-n_ü",
        "名前",
        "Ⅻ-١٢٣",
        "CON",
        "a.b.c",
        &"x".repeat(64),
    ] {
        assert!(new_is_exact_or_refused(&t, name), "{name:?} was refused");
        let path = PathBuf::from(listed(&t, name).unwrap()["path"].as_str().unwrap());
        assert_eq!(
            std::fs::read_to_string(path.join("setup-saw")).unwrap(),
            name
        );
    }
    assert_nothing_ran(&t);
}

// ------------------------------------------------------------ grove send

/// Turns the terminal raw, asks for bracketed paste like an agent does,
/// says it is ready and then writes every byte it reads to `received.bin`.
const RECORDER: &str =
    "stty raw -echo\nprintf '\\033[?2004hready\\r\\n'\nexec cat > received.bin\n";

/// What the agent must receive for `text`: one bracketed paste of the text
/// without the characters the paste guard drops (paste markers whole, then
/// every control but tab, LF and CR), then Enter.
fn delivered(text: &str) -> Vec<u8> {
    let clean: String = text
        .replace("\x1b[200~", "")
        .replace("\x1b[201~", "")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    format!("\x1b[200~{clean}\x1b[201~\r").into_bytes()
}

fn send_stdin(t: &TestRepo, name: &str, text: &str) -> Output {
    let mut child = Command::new(GROVE)
        .args(["send", name, "-"])
        .current_dir(&t.root)
        .envs(t.grove_env())
        .env_remove("GROVE_LOG")
        .env_remove("GROVE_PANE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn prompts_arrive_byte_for_byte_and_never_run() {
    let t = TestRepo::new();
    let script = t.dir.path().join("recorder.sh");
    std::fs::write(&script, RECORDER).unwrap();
    write_in(
        &t.root,
        ".grove.yaml",
        format!(
            "agent: rec\nagents:\n  rec:\n    command: [\"sh\", \"{}\"]\n",
            script.display()
        )
        .as_bytes(),
    );
    let _server = Server(&t);
    let name = "x-rf.-n_ü";
    t.grove_ok(&["new", name]);
    let path = PathBuf::from(listed(&t, name).unwrap()["path"].as_str().unwrap());
    wait_until("the agent to be ready", || {
        t.grove_ok(&["capture", name]).contains("ready")
    });
    let received = path.join("received.bin");

    let by_argument = [
        r#"it's "quoted" and 'single', with \back\\slashes"#,
        "$(touch pwned) `touch pwned` ${HOME:+x} $HOME; touch pwned # && || > out.txt < /etc/passwd",
        "line one\nline two\n\n  indented line four",
        "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b[201~ early end? \x1b[200~ and \x1b\x1b[201~",
        "tab\there, cr\rhere, é中😀 \u{202e}rtl\u{202c} %s %n %x {prompt} {{item}}",
        "-n",
        "--help",
    ];
    let mut expected = Vec::new();
    for text in by_argument {
        let sent = t.grove(&t.root, &["send", name, "--", text]);
        assert!(sent.status.success(), "{text:?}: {}", stderr(&sent));
        expected.extend(delivered(text));
        let want = expected.len();
        wait_until("the prompt to arrive", || {
            std::fs::metadata(&received).is_ok_and(|m| m.len() as usize >= want)
        });
        let got = std::fs::read(&received).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "after sending {text:?}"
        );
    }
    // From stdin: NUL and a trailing newline, which `grove send -` trims.
    let text = "from stdin with a NUL \0 and $(touch pwned)\n";
    let sent = send_stdin(&t, name, text);
    assert!(sent.status.success(), "{}", stderr(&sent));
    expected.extend(delivered(text.trim_end_matches('\n')));
    let want = expected.len();
    wait_until("the prompt from stdin to arrive", || {
        std::fs::metadata(&received).is_ok_and(|m| m.len() as usize >= want)
    });
    assert_eq!(std::fs::read(&received).unwrap(), expected);
    assert_nothing_ran(&t);
}
