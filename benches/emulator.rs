//! How fast a pane's emulator parses output: `Emulator::process` (the filter
//! in front of vt100, then vt100 and the query shim) over recorded agent
//! sessions and synthetic floods, in MB of program output per second.
//!
//! The filter reads vt100's cursor before some controls (a tab, text with
//! autowrap off, an alternate-screen switch), which costs an extra call into
//! the parser; these inputs show what that costs against plain parsing:
//!
//! - the five recordings in `tests/fixtures/agents/` (claude, codex, gemini,
//!   opencode, aider: aider draws through prompt_toolkit, with autowrap off),
//!   each played again until it holds about 4 MB, in the recording's reads;
//! - `redraw`: full-screen 120×40 redraws in 256-colour and truecolour SGR
//!   with a spinner line (`status.rs`'s synthetic stream);
//! - `log`: a `cat` of a build log, plain lines with some UTF-8 (`✓`, `—`,
//!   `é`, CJK) and a tab-separated column;
//! - `nowrap`: the redraws again with autowrap off (`CSI ? 7 l`) and lines
//!   longer than the screen, so every row is clipped at the margin;
//! - `emoji`: lines of emoji with U+FE0F, some reaching the right margin.
//!
//! Synthetic floods are 8 MB cut into 4 KB reads. Each input is parsed into
//! a fresh emulator `PASSES` times and the median pass is shown, as MB/s of
//! wall time and of the thread's CPU time (`/proc/thread-self/schedstat`,
//! which leaves out the time other work on a busy machine took the CPU; `-`
//! where that file is missing). To compare
//! two commits, run the same file in a worktree of each (it uses only
//! `Emulator::new` and `Emulator::process`); see benches/README.md.

// A benchmark reports its table on stdout.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/redraws.rs"]
mod redraws;

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use grove::pane::{Emulator, HistoryLimits, PaneSize};
use redraws::redraws;

/// What each recording is played up to, and the size of a synthetic flood.
const RECORDED_BYTES: usize = 4 << 20;
const SYNTHETIC_BYTES: usize = 8 << 20;
/// One PTY read of a synthetic flood.
const READ: usize = 4096;
/// Timed passes per input; the median is shown.
const PASSES: usize = 7;
/// The history the built-in config gives a pane (10000 lines, 8 MiB).
const HISTORY: HistoryLimits = HistoryLimits::new(10_000, 8 << 20);

struct Input {
    name: String,
    size: PaneSize,
    reads: Vec<Vec<u8>>,
    bytes: usize,
}

impl Input {
    fn new(name: &str, size: PaneSize, reads: Vec<Vec<u8>>) -> Self {
        let bytes = reads.iter().map(Vec::len).sum();
        Self {
            name: name.to_owned(),
            size,
            reads,
            bytes,
        }
    }

    fn synthetic(name: &str, rows: u16, cols: u16, text: &str) -> Self {
        let reads = text.as_bytes().chunks(READ).map(<[u8]>::to_vec).collect();
        Self::new(name, PaneSize { rows, cols }, reads)
    }
}

/// A recording in `tests/fixtures/agents/`, played until it holds
/// `RECORDED_BYTES`.
fn recording(agent: &str) -> Input {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/agents")
        .join(format!("{agent}.jsonl"));
    let text = std::fs::read_to_string(&path).expect("a recording");
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let size = PaneSize {
        rows: u16::try_from(header["rows"].as_u64().unwrap()).unwrap(),
        cols: u16::try_from(header["cols"].as_u64().unwrap()).unwrap(),
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let once: Vec<Vec<u8>> = lines
        .filter_map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            Some(b64.decode(event["out"].as_str()?).unwrap())
        })
        .collect();
    let one: usize = once.iter().map(Vec::len).sum();
    let times = RECORDED_BYTES.div_ceil(one.max(1));
    let reads = (0..times).flat_map(|_| once.iter().cloned()).collect();
    Input::new(agent, size, reads)
}

/// A build log: plain lines, some UTF-8, a tab-separated column.
fn log() -> String {
    let mut text = String::with_capacity(SYNTHETIC_BYTES + 1024);
    let mut n = 0usize;
    while text.len() < SYNTHETIC_BYTES {
        let _ = match n % 4 {
            0 => writeln!(
                text,
                "   Compiling crate-{n} v0.{}.{} — café",
                n % 13,
                n % 7
            ),
            1 => writeln!(text, "test tests::case_{n} ... ok ✓"),
            2 => writeln!(text, "{n}\tsrc/module_{}.rs\t{} 行", n % 97, n * 3),
            _ => writeln!(
                text,
                "warning: unused variable `x{n}` at src/lib.rs:{}:{}",
                n % 400,
                n % 80
            ),
        };
        n += 1;
    }
    text
}

/// Lines of emoji with VS16; every third line ends at the right margin.
fn emoji(cols: usize) -> String {
    let mut text = String::with_capacity(SYNTHETIC_BYTES + 1024);
    let mut n = 0usize;
    while text.len() < SYNTHETIC_BYTES {
        let pad = if n.is_multiple_of(3) {
            cols - 1
        } else {
            n % 40
        };
        text.push_str(&"-".repeat(pad));
        text.push_str("❤\u{fe0f} ⚠\u{fe0f} done ✔\u{fe0f}\r\n");
        n += 1;
    }
    text
}

fn inputs() -> Vec<Input> {
    let mut inputs: Vec<Input> = ["claude", "codex", "gemini", "opencode", "aider"]
        .into_iter()
        .map(recording)
        .collect();
    inputs.push(Input::synthetic(
        "redraw",
        40,
        120,
        &redraws(40, 120, 120, "", SYNTHETIC_BYTES),
    ));
    inputs.push(Input::synthetic("log", 40, 120, &log()));
    inputs.push(Input::synthetic(
        "nowrap",
        40,
        120,
        &redraws(40, 120, 150, "\x1b[?7l", SYNTHETIC_BYTES),
    ));
    inputs.push(Input::synthetic("emoji", 40, 120, &emoji(120)));
    inputs
}

/// The time this thread has run on a CPU, when Linux says.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// One pass: every read into a fresh emulator; wall and CPU time.
fn pass(input: &Input) -> (Duration, Option<Duration>) {
    let mut emulator = Emulator::new(input.size, HISTORY);
    let cpu = cpu_time();
    let start = Instant::now();
    for read in &input.reads {
        black_box(emulator.process(read));
    }
    let elapsed = start.elapsed();
    let cpu = cpu.zip(cpu_time()).map(|(before, after)| after - before);
    black_box(emulator.screen().cursor_position());
    (elapsed, cpu)
}

/// The median of `times` as MB/s of `bytes`.
fn rate(bytes: usize, mut times: Vec<Duration>) -> f64 {
    times.sort();
    bytes as f64 / 1e6 / times[times.len() / 2].as_secs_f64()
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument picks inputs.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    println!(
        "{:<10} {:>9} {:>8} {:>10} {:>10}",
        "input", "MB", "size", "wall MB/s", "CPU MB/s"
    );
    for input in inputs() {
        if !filter.is_empty() && !filter.iter().any(|f| input.name.contains(f.as_str())) {
            continue;
        }
        // One untimed pass warms caches and the allocator.
        pass(&input);
        let (wall, cpu): (Vec<_>, Vec<_>) = (0..PASSES).map(|_| pass(&input)).unzip();
        let cpu = match cpu.into_iter().collect::<Option<Vec<_>>>() {
            Some(cpu) => format!("{:.1}", rate(input.bytes, cpu)),
            None => "-".to_owned(),
        };
        println!(
            "{:<10} {:>9.2} {:>8} {:>10.1} {:>10}",
            input.name,
            input.bytes as f64 / 1e6,
            format!("{}x{}", input.size.cols, input.size.rows),
            rate(input.bytes, wall),
            cpu
        );
    }
}
