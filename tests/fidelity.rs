//! Fidelity: grove's terminal emulator against tmux. The same bytes go to a
//! grove pane and to a tmux pane of the same size (80x24, the size a grove
//! pane has while no dashboard is attached: `START_SIZE` in
//! src/server/launch.rs), and `grove capture` must show what
//! `tmux capture-pane -p` shows, line by line (trailing spaces and trailing
//! empty lines aside).
//!
//! The bytes are:
//! - the recorded agent sessions of tests/fixtures/agents/, cut at each
//!   mark (recorded at 120x40 and without the terminal's answers to queries,
//!   so the screens are odd at 80x24, but both emulators must agree on them);
//! - `vim`, `less` and `htop`, each when installed: run once under
//!   `script(1)` in a pane while the test types keys, and the recording
//!   (up to the program leaving the alternate screen) replayed in both;
//! - short escape sequences, one behaviour each.
//!
//! A replay runs `replay.sh`, which `cat`s the bytes on a raw terminal and
//! then sets the window title to [`DONE`]: the grove workspace's profile has
//! a title rule that makes its agent "waiting" on that title, and tmux shows
//! it as `#{pane_title}`, so both have parsed every byte before they are
//! compared. Differences are allowed only where tmux is known to be wrong,
//! each listed in [`TMUX_IS_WRONG`] with its reason; one where grove is
//! wrong would be an `#[ignore]`d test saying what grove gets wrong (there
//! are none now). tmux is
//! needed (`.ci/run` installs it); without it every test here says so and
//! passes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use base64::Engine as _;
use grove::pane::{Pane, PaneSize, PaneSpec};
use support::pane::{TIMEOUT, installed, note, spawn, wait_for_exit, wait_for_screen};
use support::repo::TestRepo;

/// The pane size of both sides.
const SIZE: PaneSize = PaneSize { rows: 24, cols: 80 };

/// The title `replay.sh` sets once every byte is out.
const DONE: &str = "grove-fidelity-done";

/// Replays `$1` (or, in a grove workspace, `$GROVE_WORKSPACE.bytes` next to
/// the script) unchanged: raw, so `\n` stays `\n` and the emulator's answers
/// to queries in the bytes are not echoed. CAN ends any sequence a cut left
/// open, so the title is read as a title.
const REPLAY: &str = r#"stty raw -echo
cat "${1:-$(dirname "$0")/$GROVE_WORKSPACE.bytes}"
printf '\030\033]2;grove-fidelity-done\007'
exec sleep 100000
"#;

/// A difference that is tmux's mistake: the screens of `case` as tmux and
/// grove show them (rows joined with `\n`), and why grove's is the right one.
struct TmuxIsWrong {
    case: &'static str,
    tmux: &'static str,
    grove: &'static str,
    reason: &'static str,
}

const TMUX_IS_WRONG: &[TmuxIsWrong] = &[
    TmuxIsWrong {
        case: "il-outside-margins",
        tmux: "1\n\n2\n3\n4\n5\n6",
        grove: "1\n2\n3\n4\n5\n6",
        reason: "IL (CSI L) with the cursor above the scrolling region (DECSTBM 5;10, cursor on \
                 row 2) must do nothing (DEC STD 070, VT510: IL is ignored outside the \
                 margins; xterm does the same). tmux's screen_write_insertline inserts a line \
                 across the whole screen instead.",
    },
    TmuxIsWrong {
        case: "dl-outside-margins",
        tmux: "1\n3\n4\n5\n6",
        grove: "1\n2\n3\n4\n5\n6",
        reason: "DL (CSI M) outside the scrolling region must do nothing, as IL; tmux deletes \
                 a line of the whole screen.",
    },
    TmuxIsWrong {
        case: "cht",
        tmux: "abc",
        grove: "a               b       c",
        reason: "CHT (CSI Ps I, ECMA-48 8.3.10, in xterm's ctlseqs) moves the cursor forward \
                 over Ps tab stops; tmux 3.3a does not implement it and ignores the sequence.",
    },
    TmuxIsWrong {
        case: "autowrap-off-while-pending",
        tmux: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        grove: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxz",
        reason: "With a wrap pending (80 characters drawn) and autowrap then turned off, xterm \
                 drops the pending wrap and draws the next characters in the last column \
                 (charproc.c dotext: `if (screen->do_wrap) { screen->do_wrap = False; if \
                 (flags & WRAPAROUND) WrapLine(xw); }`). tmux keeps its cursor past the last \
                 column, where screen_write_cell's bounds check drops every character.",
    },
    TmuxIsWrong {
        case: "autowrap-off-combining",
        tmux: concat!(
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "x\u{301}e"
        ),
        grove: concat!(
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xe\u{301}"
        ),
        reason: "With autowrap off the cursor stays on the last column after drawing there, \
                 and a combining character joins the character just drawn: xterm keeps the \
                 last written cell for this (last_written_col). tmux 3.3a joins it to the cell \
                 left of the cursor, the character before.",
    },
];

// ---------------------------------------------------------------- tmux

/// A tmux server on a private socket in the test's directory, with no
/// status line (the pane is the whole window); killed when dropped.
struct Tmux {
    program: PathBuf,
    socket: PathBuf,
    conf: PathBuf,
}

impl Tmux {
    fn new(program: PathBuf, dir: &Path) -> Tmux {
        let conf = dir.join("tmux.conf");
        std::fs::write(
            &conf,
            "set -g status off\nset -g default-shell /bin/sh\nset -g history-limit 100\n",
        )
        .unwrap();
        Tmux {
            program,
            socket: dir.join("tmux.sock"),
            conf,
        }
    }

    fn run(&self, args: &[&OsStr]) -> Output {
        Command::new(&self.program)
            .arg("-u")
            .arg("-S")
            .arg(&self.socket)
            .arg("-f")
            .arg(&self.conf)
            .args(args)
            .env_remove("TMUX")
            .env_remove("TMUX_PANE")
            .env("SHELL", "/bin/sh")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn target(name: &str) -> String {
        format!("={name}:")
    }

    fn start(&self, name: &str, command: &str) {
        let (rows, cols) = (SIZE.rows.to_string(), SIZE.cols.to_string());
        self.ok(&[
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            &cols,
            "-y",
            &rows,
            command,
        ]);
    }

    fn title(&self, name: &str) -> String {
        self.ok(&[
            "display-message",
            "-p",
            "-t",
            &Tmux::target(name),
            "#{pane_title}",
        ])
        .trim_end_matches('\n')
        .to_owned()
    }

    /// The pane's rows as a terminal shows them: `capture-pane -e`, whose
    /// escapes say which cells are in the DEC line-drawing set (`-p` alone
    /// gives their ASCII letters), with the line drawing applied and every
    /// escape removed.
    fn screen(&self, name: &str) -> Vec<String> {
        let text = self.ok(&["capture-pane", "-p", "-e", "-t", &Tmux::target(name)]);
        normalize(text.lines().map(unescape).collect())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&[OsStr::new("kill-server")]);
    }
}

/// The DEC Special Graphics set (`ESC ( 0`), 0x5f to 0x7e.
fn line_drawing(c: char) -> char {
    const SET: &str = " ◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·";
    match u32::from(c).checked_sub(0x5f) {
        Some(i) => SET.chars().nth(i as usize).unwrap_or(c),
        None => c,
    }
}

/// One row of `capture-pane -e`: escapes removed, SO … SI (the line-drawing
/// set) applied.
fn unescape(row: &str) -> String {
    let mut out = String::new();
    let mut chars = row.chars().peekable();
    let mut drawing = false;
    while let Some(c) = chars.next() {
        match c {
            '\x0e' => drawing = true,
            '\x0f' => drawing = false,
            '\x1b' => match chars.next() {
                // CSI: parameters and intermediates up to a final byte.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC (a hyperlink): up to ST or BEL.
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                other => panic!("unexpected escape {other:?} in tmux's capture {row:?}"),
            },
            c if drawing => out.push(line_drawing(c)),
            c => out.push(c),
        }
    }
    out
}

/// Rows without trailing spaces, and without trailing empty rows.
fn normalize(rows: Vec<String>) -> Vec<String> {
    let mut rows: Vec<String> = rows
        .into_iter()
        .map(|r| r.trim_end_matches(' ').to_owned())
        .collect();
    while rows.last().is_some_and(String::is_empty) {
        rows.pop();
    }
    rows
}

// ------------------------------------------------------------- harness

/// A grove server and a tmux server replaying the same bytes, one grove
/// workspace and one tmux session per case.
struct Harness {
    /// Before `t`: its server's socket is in `t`'s directory, which goes
    /// when `t` is dropped.
    tmux: Tmux,
    t: TestRepo,
    cases: PathBuf,
    names: Vec<String>,
}

impl Harness {
    /// `None` (after a note) when tmux is not installed.
    fn new(test: &str) -> Option<Harness> {
        let Some(program) = installed("tmux") else {
            note(&format!(
                "tmux is not installed (.ci/run installs it); skipping {test}"
            ));
            return None;
        };
        let t = TestRepo::new();
        let cases = t.dir.path().join("cases");
        std::fs::create_dir_all(&cases).unwrap();
        let script = cases.join("replay.sh");
        std::fs::write(&script, REPLAY).unwrap();
        let config = format!(
            "agent: replay\n\
             agents:\n  \
               replay:\n    \
                 command: [\"sh\", \"{}\"]\n    \
                 status: {{ rows: 0, waiting: [], working: [], idle: [], \
                 title: {{ waiting: [\"^{DONE}$\"], working: [], idle: [] }} }}\n",
            script.display()
        );
        std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
        let tmux = Tmux::new(program, t.dir.path());
        Some(Harness {
            tmux,
            t,
            cases,
            names: Vec::new(),
        })
    }

    /// Starts replaying `bytes` as case `name` on both sides.
    fn add(&mut self, name: &str, bytes: &[u8]) {
        let file = self.cases.join(format!("{name}.bytes"));
        std::fs::write(&file, bytes).unwrap();
        let command = format!(
            "sh '{}' '{}'",
            self.cases.join("replay.sh").display(),
            file.display()
        );
        self.tmux.start(name, &command);
        self.t.grove_ok(&["new", name]);
        self.names.push(name.to_owned());
    }

    /// Waits until both sides have parsed every byte of every case.
    fn wait_until_drawn(&self) {
        let deadline = Instant::now() + TIMEOUT;
        let done = format!("title is \"{DONE}\"");
        loop {
            let listing: serde_json::Value =
                serde_json::from_str(&self.t.grove_ok(&["ls", "--json"])).unwrap();
            let pending: Vec<String> = listing["workspaces"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|w| !w["reason"].as_str().unwrap_or("").contains(&done))
                .map(|w| format!("{}: {} ({})", w["name"], w["state"], w["reason"]))
                .collect();
            if pending.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "grove did not finish replaying:\n{}",
                pending.join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        for name in &self.names {
            loop {
                let title = self.tmux.title(name);
                if title == DONE {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "tmux did not finish replaying {name}; its title is {title:?}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    fn grove_screen(&self, name: &str) -> Vec<String> {
        let text = self.t.grove_ok(&["capture", name]);
        normalize(text.lines().map(str::to_owned).collect())
    }

    /// Compares every case; fails listing each difference tmux is not
    /// known to be wrong about, both screens side by side.
    fn assert_same(&self) {
        self.wait_until_drawn();
        let mut failures = Vec::new();
        for name in &self.names {
            let tmux = self.tmux.screen(name);
            let grove = self.grove_screen(name);
            if tmux == grove {
                continue;
            }
            let known = TMUX_IS_WRONG.iter().find(|k| {
                k.case == name && k.tmux == tmux.join("\n") && k.grove == grove.join("\n")
            });
            match known {
                Some(known) => note(&format!("{name}: tmux is wrong: {}", known.reason)),
                None => failures.push(side_by_side(name, &tmux, &grove)),
            }
        }
        assert!(
            failures.is_empty(),
            "grove and tmux differ in {} of {} cases:\n{}",
            failures.len(),
            self.names.len(),
            failures.join("\n")
        );
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.t.grove(&self.t.root, &["kill-server"]);
    }
}

/// Both screens, row by row, the differing rows marked `!`.
fn side_by_side(name: &str, tmux: &[String], grove: &[String]) -> String {
    let mut out = format!("--- {name}: row | tmux | grove\n");
    for row in 0..tmux.len().max(grove.len()) {
        let t = tmux.get(row).map_or("", String::as_str);
        let g = grove.get(row).map_or("", String::as_str);
        let mark = if t == g { ' ' } else { '!' };
        out.push_str(&format!("{mark}{:>3} |{t}|\n", row + 1));
        if t != g {
            out.push_str(&format!("{mark}    |{g}|\n"));
        }
    }
    out
}

/// Runs `cases` through both emulators and compares them.
fn assert_same_as_tmux(test: &str, cases: &[(String, Vec<u8>)]) {
    let Some(mut harness) = Harness::new(test) else {
        return;
    };
    for (name, bytes) in cases {
        harness.add(name, bytes);
    }
    harness.assert_same();
}

// ------------------------------------------------- recorded agent sessions

/// The output of `agent`'s recorded session up to each mark (a case per
/// mark, `AGENT-N-MARK`), and the whole output when more came after the last.
fn fixture_cases(agent: &str) -> Vec<(String, Vec<u8>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/agents")
        .join(format!("{agent}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap();
    let base64 = base64::engine::general_purpose::STANDARD;
    let mut out = Vec::new();
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for line in text.lines().skip(1) {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(chunk) = event["out"].as_str() {
            out.extend(base64.decode(chunk).unwrap());
        }
        if let Some(mark) = event["mark"].as_str() {
            let name = format!("{agent}-{}-{mark}", cases.len());
            cases.push((name, out.clone()));
        }
    }
    assert!(
        cases.len() >= 8,
        "{} has {} marks",
        path.display(),
        cases.len()
    );
    if cases.last().is_some_and(|(_, bytes)| *bytes != out) {
        cases.push((format!("{agent}-end"), out));
    }
    cases
}

#[test]
fn claude_session_looks_the_same_as_in_tmux() {
    assert_same_as_tmux("claude", &fixture_cases("claude"));
}

#[test]
fn codex_session_looks_the_same_as_in_tmux() {
    assert_same_as_tmux("codex", &fixture_cases("codex"));
}

#[test]
fn gemini_session_looks_the_same_as_in_tmux() {
    assert_same_as_tmux("gemini", &fixture_cases("gemini"));
}

#[test]
fn opencode_session_looks_the_same_as_in_tmux() {
    assert_same_as_tmux("opencode", &fixture_cases("opencode"));
}

/// aider (prompt_toolkit) draws 120-column lines with autowrap off: in an
/// 80-column pane they are cut at the margin.
#[test]
fn aider_session_looks_the_same_as_in_tmux() {
    assert_same_as_tmux("aider", &fixture_cases("aider"));
}

// ---------------------------------------------------------- real programs

/// A line of text with a tab, accented letters and wide characters at the
/// end of 100 numbered lines.
fn text_file(dir: &Path) -> PathBuf {
    let mut text: String = (1..=100).map(|i| format!("line number {i}\n")).collect();
    text.push_str("fn main() {\n\tprintln!(\"tab\");\n}\nété 中文 wide\n");
    let path = dir.join("file.txt");
    std::fs::write(&path, text).unwrap();
    path
}

/// A key to type, and what the screen shows once the program has handled it.
struct Step {
    keys: &'static [u8],
    shows: &'static str,
}

/// Runs `command` under `script(1)` in a pane of [`SIZE`], types each step
/// once the screen shows the one before, types `quit` and returns what the
/// program wrote until it left the alternate screen. `None` (after a note)
/// when `script` is not installed.
fn record(dir: &Path, command: &str, first: &str, steps: &[Step], quit: &[u8]) -> Option<Vec<u8>> {
    let Some(script) = installed("script") else {
        note("script(1) (util-linux) is not installed; cannot record a program");
        return None;
    };
    let log = dir.join("typescript");
    let mut spec = PaneSpec::new(
        [
            script.into_os_string(),
            "-q".into(),
            "-f".into(),
            "-c".into(),
            command.into(),
            log.clone().into_os_string(),
        ],
        dir,
    );
    spec.size = SIZE;
    for (key, value) in [
        ("HOME", dir.as_os_str()),
        ("XDG_CONFIG_HOME", dir.join("config").as_os_str()),
        ("LANG", OsStr::new("C.UTF-8")),
        ("LC_ALL", OsStr::new("C.UTF-8")),
        ("LESS", OsStr::new("")),
        ("LESSHISTFILE", OsStr::new("-")),
    ] {
        spec.env.insert(key.into(), value.to_owned());
    }
    let pane = spawn(spec);
    shows(&pane, first);
    for step in steps {
        pane.write(step.keys).unwrap();
        shows(&pane, step.shows);
    }
    pane.write(quit).unwrap();
    wait_for_exit(&pane);
    let typescript = std::fs::read(&log).unwrap();
    // `Script started on … [COMMAND=…]` is the first line; the program's
    // bytes follow.
    let start = typescript.iter().position(|&b| b == b'\n').unwrap() + 1;
    let bytes = &typescript[start..];
    let leave = b"\x1b[?1049l";
    let end = bytes
        .windows(leave.len())
        .rposition(|w| w == leave)
        .unwrap_or_else(|| panic!("{command} never left the alternate screen"));
    Some(bytes[..end].to_vec())
}

fn shows(pane: &Pane, text: &str) {
    wait_for_screen(pane, &format!("{text:?} on screen"), |s| s.contains(text));
}

#[test]
fn vim_looks_the_same_as_in_tmux() {
    let Some(vim) = installed("vim") else {
        note("vim is not installed; skipping vim_looks_the_same_as_in_tmux");
        return;
    };
    let dir = support::pane::tempdir();
    let file = text_file(dir.path());
    let command = format!("{} -u NONE -i NONE -N -n {}", vim.display(), file.display());
    let steps = [
        // The end of the file: a tab, accents, wide characters.
        Step {
            keys: b"G",
            shows: "wide",
        },
        // Line numbers and list mode: every row redrawn.
        Step {
            keys: b":set nu list\r",
            shows: "wide$",
        },
        Step {
            keys: b"gg",
            shows: "  1 line number 1$",
        },
        // Deleting and restoring a line: delete/insert line, scrolling.
        Step {
            keys: b"dd",
            shows: "  1 line number 2$",
        },
        Step {
            keys: b"u",
            shows: "1 more line",
        },
        // Ctrl-E twice: scroll by a line.
        Step {
            keys: b"\x05\x05",
            shows: "  3 line number 3$",
        },
        Step {
            keys: b"/number 7\r",
            shows: "/number 7",
        },
    ];
    let Some(bytes) = record(dir.path(), &command, "line number 23", &steps, b":q!\r") else {
        return;
    };
    assert_same_as_tmux("vim", &[("vim".to_owned(), bytes)]);
}

#[test]
fn less_looks_the_same_as_in_tmux() {
    let Some(less) = installed("less") else {
        note("less is not installed; skipping less_looks_the_same_as_in_tmux");
        return;
    };
    let dir = support::pane::tempdir();
    let file = text_file(dir.path());
    let command = format!("{} {}", less.display(), file.display());
    let steps = [
        Step {
            keys: b" ",
            shows: "line number 46",
        },
        // A search: the match in standout, the view moved.
        Step {
            keys: b"/number 7\r",
            shows: "line number 70",
        },
        Step {
            keys: b"G",
            shows: "(END)",
        },
        Step {
            keys: b"g",
            shows: "line number 1\n",
        },
    ];
    let Some(bytes) = record(dir.path(), &command, "line number 23", &steps, b"q") else {
        return;
    };
    assert_same_as_tmux("less", &[("less".to_owned(), bytes)]);
}

/// htop's numbers change from one moment to the next, but both emulators get
/// the same recorded bytes, so every row can be compared.
#[test]
fn htop_looks_the_same_as_in_tmux() {
    let Some(htop) = installed("htop") else {
        note("htop is not installed; skipping htop_looks_the_same_as_in_tmux");
        return;
    };
    let dir = support::pane::tempdir();
    let command = htop.display().to_string();
    // The tree view (`t`): the function bar then offers the list again.
    let steps = [Step {
        keys: b"t",
        shows: "F5List",
    }];
    let Some(bytes) = record(dir.path(), &command, "F5Tree", &steps, b"q") else {
        return;
    };
    assert_same_as_tmux("htop", &[("htop".to_owned(), bytes)]);
}

// ------------------------------------------------------- escape sequences

/// Sequences the agents, shells and full-screen programs use, each on its
/// own screen.
const SEQUENCES: &[(&str, &[u8])] = &[
    (
        "sgr",
        b"\x1b[1;4;38;5;196;48;2;0;0;255mbold\x1b[22;24;39;49m plain \x1b[7mrev\x1b[27m \
          \x1b[38:2::255:0:0mcolon\x1b[m",
    ),
    (
        "cup-ed-el",
        b"aaaa\r\nbbbb\r\ncccc\x1b[2;3H\x1b[1J\x1b[3;2H\x1b[K",
    ),
    ("el-left", b"abcdef\x1b[3D\x1b[1K"),
    (
        "ich-dch-ech",
        b"abcdefgh\x1b[1;3H\x1b[2@\x1b[1;7H\x1b[P\x1b[1;2H\x1b[2X",
    ),
    ("rep", b"ab\x1b[5bc"),
    ("hpa-vpa-cha", b"abc\x1b[10`x\x1b[3dy\x1b[5Gz"),
    ("cnl-cpl", b"abc\r\ndef\x1b[2F\x1b[2Gx\x1b[E\x1b[3Gy"),
    ("decsc-decrc", b"\x1b[31mabc\x1b7\x1b[m\x1b[5;5Hxx\x1b8yy"),
    (
        "decrc-pending-wrap",
        b"\x1b[1;80Hx\x1b7\x1b[5;5Hx\x1b8q\x1b[3;80Hy\x1b[s\x1b[6;6Hy\x1b[uz",
    ),
    ("sco-save-restore", b"abc\x1b[s\x1b[5;5Hxx\x1b[uyy"),
    (
        "decstbm-scroll",
        b"l1\r\nl2\r\nl3\r\nl4\r\nl5\x1b[2;4r\x1b[4;1H\n\nnew\x1b[r",
    ),
    ("reverse-index", b"\x1b[2;4r\x1b[2;1Htop\x1bM\x1bMri\x1b[r"),
    (
        "il-dl-inside-margins",
        b"1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\x1b[3;5r\x1b[4;1H\x1b[L\x1b[3;1H\x1b[M\x1b[r",
    ),
    (
        "il-outside-margins",
        b"1\r\n2\r\n3\r\n4\r\n5\r\n6\x1b[5;10r\x1b[2;1H\x1b[L\x1b[r",
    ),
    (
        "dl-outside-margins",
        b"1\r\n2\r\n3\r\n4\r\n5\r\n6\x1b[5;10r\x1b[2;1H\x1b[M\x1b[r",
    ),
    ("su-sd", b"1\r\n2\r\n3\r\n4\x1b[2S\x1b[4;1H5\x1b[T"),
    ("origin-mode", b"\x1b[5;10r\x1b[?6h\x1b[1;1Hx\x1b[?6l\x1b[r"),
    ("default-tabs", b"a\tb\t\tc\r\n\x1b[75Cx\ty"),
    ("default-tab-pending-wrap", b"\x1b[1;80Hx\tq"),
    ("wrap-and-scroll", b"\x1b[24;75H0123456789abcdef"),
    ("pending-wrap-cr", b"\x1b[1;80HX\r\nY\x1b[3;80HZ\x1b[Cz"),
    ("backspace-at-margin", b"\x1b[80Gxy\x08z"),
    (
        "wide-characters",
        b"\xe4\xb8\xad\xe6\x96\x87|\x1b[79G\xe4\xb8\xad|\r\n\x1b[2;80G\xe4\xb8\xadx",
    ),
    (
        "combining-and-emoji",
        b"e\xcc\x81x\xe2\x80\x8bz \xf0\x9f\x91\x8d|\xe2\x9c\x94\xef\xb8\x8f|\
          \xf0\x9f\x87\xba\xf0\x9f\x87\xb8|",
    ),
    ("invalid-utf8", b"a\xff\xfeb\xe4\xb8c"),
    (
        "strings-are-swallowed",
        b"\x1b]0;title\x07\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1bPqabc\x1b\\ \
          \x1b_Gi=1;AAAA\x1b\\ \x1bXsos\x1b\\ \x1bP$qm\x1b\\end",
    ),
    ("can-and-esc-abort", b"a\x1b[3\x1bb\x1b[3\x18Cc"),
    ("controls", b"a\x07b\x7fc\x00d\x0be\x0cf"),
    (
        "alternate-screen-1049",
        b"main\x1b[?1049halt\x1b[?1049l more",
    ),
    ("reset", b"abc\x1bcx"),
    ("cursor-beyond", b"\x1b[200Cx\x1b[100;200Hy\x1b[0;0Hz"),
];

#[test]
fn escape_sequences_look_the_same_as_in_tmux() {
    let cases: Vec<(String, Vec<u8>)> = SEQUENCES
        .iter()
        .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
        .collect();
    assert_same_as_tmux("escape_sequences", &cases);
}

/// One sequence grove gets wrong (xterm and tmux agree on it).
fn one(name: &str, bytes: &[u8]) {
    assert_same_as_tmux(name, &[(name.to_owned(), bytes.to_vec())]);
}

/// Autowrap off (vt100 0.18 always wraps; the filter keeps text on its row),
/// at the margin with wide and combining characters, colours, cursor moves,
/// and autowrap set again.
#[test]
fn autowrap_off_keeps_text_on_its_row() {
    let x = |n: usize| "x".repeat(n);
    let cases = [
        (
            "autowrap-off",
            format!("\x1b[?7l{}|\x1b[?7h\r\nnext", x(90)),
        ),
        // A wide character ending in the last column, then a narrow one
        // over its right half.
        (
            "autowrap-off-wide-fits",
            format!("\x1b[?7l{}中\r\n{}中y", x(78), x(78)),
        ),
        // A wide character that does not fit is not drawn.
        (
            "autowrap-off-wide-too-wide",
            format!("\x1b[?7l{}中y\r\n{}中", x(79), x(79)),
        ),
        // The cursor is on the last column, not past it.
        (
            "autowrap-off-cursor-left",
            format!("\x1b[?7l{}\x1b[Dy\r\n{}\x08z", x(85), x(85)),
        ),
        ("autowrap-on-again", format!("\x1b[?7l{}\x1b[?7hij", x(85))),
        (
            "autowrap-off-colours",
            format!("\x1b[?7l{}\x1b[31mab\x1b[mc\x1b[1;1H\x1b[32md", x(79)),
        ),
        // Autowrap turned off while a wrap is pending: the next
        // characters overwrite the last column (tmux drops them).
        ("autowrap-off-while-pending", format!("{}\x1b[?7lyz", x(80))),
        // A combining character joins the character drawn in the last
        // column (tmux joins it to the one before).
        (
            "autowrap-off-combining",
            format!("\x1b[?7l{}e\u{301}", x(85)),
        ),
        (
            "autowrap-off-rep",
            "\x1b[?7lab\x1b[100bc\r\nd\x1b[50be\x1b[40b".to_owned(),
        ),
        (
            "autowrap-off-insert",
            format!("\x1b[?7l\x1b[4h{}\rab中c\x1b[4l", x(78)),
        ),
        (
            "autowrap-off-tab",
            format!("\x1b[?7l{}\tz\r\n\x1b[75G\tw", x(85)),
        ),
    ];
    let cases: Vec<(String, Vec<u8>)> = cases
        .into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes.into_bytes()))
        .collect();
    assert_same_as_tmux("autowrap-off", &cases);
}

#[test]
fn insert_mode_inserts() {
    one("insert-mode", b"abcdef\x1b[3D\x1b[4hXY\x1b[4lZ");
}

/// HTS (`ESC H`), TBC (`CSI 3 g`), CBT (`CSI Z`) and CHT (`CSI I`), which
/// vt100 0.18 lacks (the filter keeps the tab stops).
#[test]
fn tab_stops_can_be_set_cleared_and_moved_between() {
    assert_same_as_tmux(
        "tab-stops",
        &[
            (
                "tab-stops".to_owned(),
                b"abcdefghijklmnopq\x1b[2ZC\r\na\tb\tc\x1b[3g\r\x1b[10Cx\x1bH\rz\ty".to_vec(),
            ),
            // After the last stop a tab goes to the last column.
            (
                "tab-stops-past-the-last".to_owned(),
                b"\x1b[3g\x1b[5G\x1bH\r\tx\ty".to_vec(),
            ),
            (
                "tab-stops-back-from-the-margin".to_owned(),
                b"\x1b[80G\x1b[Zx\x1b[3Zy".to_vec(),
            ),
            (
                "tab-stops-clear-one".to_owned(),
                b"\x1b[9G\x1b[g\r\tx".to_vec(),
            ),
            (
                "tab-stops-reset-by-ris".to_owned(),
                b"\x1b[3g\x1bc\tx".to_vec(),
            ),
            ("cht".to_owned(), b"a\x1b[2Ib\x1b[Ic".to_vec()),
            // A tab on a pending wrap leaves it pending, and HTS there sets
            // nothing.
            (
                "tab-stops-pending-wrap".to_owned(),
                [b"\x1b[3g", &b"x".repeat(80)[..], b"\tq"].concat(),
            ),
            (
                "tab-stops-set-on-pending-wrap".to_owned(),
                [b"\x1b[3g", &b"x".repeat(80)[..], b"\x1bH\r\tq"].concat(),
            ),
        ],
    );
}

#[test]
fn index_and_next_line_move_down() {
    one("ind-nel", b"a\x1bDb\x1bEc\x1b[24;1Hbottom\x1bEnext\x1bDx");
}

#[test]
fn line_drawing_characters_draw_lines() {
    one("line-drawing", b"\x1b(0lqqk\x1b(B x\r\n\x1b)0\x0exqx\x0f y");
}

/// Mode 1047 (the filter passes it on as 47); the cursor stays where the
/// alternate screen left it.
#[test]
fn alternate_screen_1047_is_a_separate_screen() {
    one(
        "alternate-screen-1047",
        b"main\x1b[?1047halt\x1b[?1047l more",
    );
}

/// Entering the alternate screen leaves the cursor where it is, as in xterm
/// (vt100 keeps a cursor per screen; the filter puts it back).
#[test]
fn the_alternate_screen_starts_at_the_cursor() {
    assert_same_as_tmux(
        "alternate-screen-cursor",
        &[
            (
                "alternate-1049-cursor".to_owned(),
                b"main\x1b[?1049halt".to_vec(),
            ),
            (
                "alternate-1049-again".to_owned(),
                b"ab\r\ncd\x1b[?1049h\x1b[3;5Hx\x1b[?1049l\x1b[?1049hy".to_vec(),
            ),
            (
                "alternate-47-cursor".to_owned(),
                b"main\x1b[?47halt\x1b[?47l more".to_vec(),
            ),
            // A wrap pending when the screen is switched: it stays pending
            // on entering (the next character wraps), and the cursor goes
            // to the last column on leaving.
            (
                "alternate-47-pending".to_owned(),
                [&b"x".repeat(80)[..], b"\x1b[?47hq"].concat(),
            ),
            (
                "alternate-1049-pending".to_owned(),
                [&b"x".repeat(80)[..], b"\x1b[?1049hq"].concat(),
            ),
            (
                "alternate-47-leave-pending".to_owned(),
                b"abc\x1b[?47h\x1b[1;80Hx\x1b[?47lq".to_vec(),
            ),
            (
                "alternate-47-leave-pending-wide".to_owned(),
                "\x1b[1;79H中\x1b[5;1H\x1b[?47h\x1b[1;80Hx\x1b[?47lq"
                    .as_bytes()
                    .to_vec(),
            ),
            (
                "alternate-1049-leave-pending".to_owned(),
                [&b"x".repeat(80)[..], b"\x1b[?1049h\x1b[5;5Hx\x1b[?1049lq"].concat(),
            ),
        ],
    );
}

/// Erasing and editing with the cursor on a pending wrap (a full row just
/// printed) act on the last column, and the next character wraps or not as
/// in tmux: how a renderer that fills rows to the margin redraws them.
#[test]
fn erasing_on_a_pending_wrap_acts_on_the_last_column() {
    let x = "x".repeat(80);
    let cases: Vec<(String, Vec<u8>)> = [
        ("el0-pending-wrap", format!("{x}\x1b[KY")),
        ("el1-pending-wrap", format!("{x}\x1b[1KY")),
        ("el2-pending-wrap", format!("{x}\x1b[2KY")),
        ("ed0-pending-wrap", format!("{x}\x1b[JY")),
        ("ech-pending-wrap", format!("{x}\x1b[XY")),
        ("dch-pending-wrap", format!("{x}\x1b[PY")),
        ("ich-pending-wrap", format!("{x}\x1b[@Y")),
        (
            "el0-pending-wrap-sgr",
            format!("\x1b[5;1H{x}\x1b[K\x1b[31mY"),
        ),
        ("cr-after-el-pending-wrap", format!("{x}\x1b[K\rZ")),
    ]
    .into_iter()
    .map(|(name, bytes)| (name.to_owned(), bytes.into_bytes()))
    .collect();
    assert_same_as_tmux("erase_on_pending_wrap", &cases);
}
