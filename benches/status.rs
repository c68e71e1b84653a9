//! What agent status detection costs per MB of agent output, against what
//! parsing that output costs anyway (issue 5: detection must add under 5 %
//! to a pane's parse cost).
//!
//! Inputs: the five recorded sessions in `tests/fixtures/agents/` (claude,
//! codex, gemini, opencode, aider; 19–389 KB each, replayed chunk by chunk on
//! the recording's own clock), `gemini_x27` (the gemini recording played 27
//! times in a row, ~10 MB, each copy on its own clock after the last) and
//! `synthetic` (10 MB of coloured 120×40 full-screen redraws with a spinner
//! line `… esc to interrupt` under them, cut into 4 KB reads on a virtual
//! clock of 1 ms per read, read with claude's rules).
//!
//! For each input, on a fresh `Emulator` of the recording's size with the
//! built-in history limits:
//!
//! - `parse`: every chunk through `Emulator::process`, nothing else;
//! - `detect`: the same plus detection exactly as the server does it
//!   (`server/attention.rs`): `Tracker::output(t)` after every chunk, and
//!   whenever `Tracker::due() <= t` an `observation()` of the screen
//!   (through the pane's `TailCache`, which reads only rows that changed) and
//!   `Tracker::observe` with the built-in profile's rules: a look once the
//!   output pauses for `OUTPUT_SETTLE` (150 ms of the input's clock), at
//!   once after a quiet spell, and at least every `LOOK_CEILING` (500 ms)
//!   while it streams, plus the looks still due after the last chunk;
//! - `every_chunk`: an observation after every chunk, no throttle (what the
//!   throttle saves).
//!
//! The table also prints what the 5 % target allows per second of each
//! input's clock beside what detection spends: an agent that prints little
//! (claude: 19 KB in 16 s) costs little to parse, so 5 % of it is about a
//! microsecond a second, less than one look costs, while the 1 s target
//! needs about a look a second whenever the screen changes.
//!
//! Criterion reports bytes per second (`Throughput::Bytes`); the difference
//! between `parse` and `detect` is detection's cost. Because that difference
//! is a few per cent of a noisy figure, the bench first prints a table
//! measured directly: every `process` call and every look timed on its own
//! (median of several passes), with `Tracker::observe` (of which
//! `StatusRules::matches`) split out, and beside them `screen_tail`, the
//! tail read afresh as every look did before `TailCache`; those split-out
//! calls are made a second time beside the real ones, so they do not
//! disturb the ratio. A second table shows how precise the damage is at
//! those looks: the rows it marks (which the tail cache reads again)
//! against the rows whose text really changed.

// A benchmark reports its tables on stderr, next to criterion's output.
#![allow(clippy::print_stderr, clippy::unwrap_used, clippy::expect_used)]

#[path = "support/redraws.rs"]
mod redraws;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use grove::agent::observe::screen_tail;
use grove::agent::{Focus, StatusRules, TailCache, Tracker, look, observation};
use grove::config::Config;
use grove::pane::{Changed, Emulator, HistoryLimits, PaneSize};
use redraws::redraws;

/// The synthetic streams' size and the gemini repetition's target.
const HEAVY_BYTES: usize = 10 * 1024 * 1024;
/// One PTY read of the synthetic stream, and the virtual time it takes.
const SYNTHETIC_CHUNK: usize = 4096;
const SYNTHETIC_TICK: Duration = Duration::from_millis(1);
/// Passes of the directly timed table; the median is shown.
const TABLE_PASSES: usize = 7;

/// One input: output chunks with the time (since the start) each arrived.
struct Input {
    name: String,
    /// The built-in profile whose rules read it.
    agent: String,
    size: PaneSize,
    chunks: Vec<(Duration, Vec<u8>)>,
    bytes: usize,
}

impl Input {
    fn new(name: &str, agent: &str, size: PaneSize, chunks: Vec<(Duration, Vec<u8>)>) -> Input {
        let bytes = chunks.iter().map(|(_, c)| c.len()).sum();
        Input {
            name: name.to_owned(),
            agent: agent.to_owned(),
            size,
            chunks,
            bytes,
        }
    }

    fn span(&self) -> Duration {
        self.chunks.last().map_or(Duration::ZERO, |(at, _)| *at)
    }
}

/// The output of a recording in `tests/fixtures/agents/`.
fn fixture(agent: &str) -> Input {
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
    let chunks = lines
        .filter_map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).unwrap();
            let out = event["out"].as_str()?;
            let at = Duration::from_secs_f64(event["t"].as_f64().unwrap());
            Some((at, b64.decode(out).unwrap()))
        })
        .collect();
    Input::new(agent, agent, size, chunks)
}

/// A recording played again and again until it holds `target` bytes; each
/// copy starts 100 ms after the last one ended.
fn repeated(one: &Input, target: usize) -> Input {
    let times = target.div_ceil(one.bytes.max(1));
    let mut chunks = Vec::new();
    let mut offset = Duration::ZERO;
    for _ in 0..times {
        chunks.extend(one.chunks.iter().map(|(at, c)| (offset + *at, c.clone())));
        offset += one.span() + Duration::from_millis(100);
    }
    Input::new(
        &format!("{}_x{times}", one.name),
        &one.agent,
        one.size,
        chunks,
    )
}

/// `HEAVY_BYTES` of full-screen 120×40 redraws: 37 rows of words in
/// 256-colour and truecolour SGR, a rule, a spinner line that claude's
/// working rule matches, and a footer; every frame shifts every word.
fn synthetic() -> Input {
    let text = redraws(40, 120, 120, "", HEAVY_BYTES);
    let chunks = text
        .as_bytes()
        .chunks(SYNTHETIC_CHUNK)
        .zip(1u32..)
        .map(|(chunk, n)| (SYNTHETIC_TICK * n, chunk.to_vec()))
        .collect();
    Input::new(
        "synthetic",
        "claude",
        PaneSize {
            rows: 40,
            cols: 120,
        },
        chunks,
    )
}

fn history_limits() -> HistoryLimits {
    let pane = Config::builtin().unwrap().pane;
    HistoryLimits::new(pane.scrollback_lines, pane.scrollback_bytes)
}

fn rules(agent: &str) -> StatusRules {
    let config = Config::builtin().unwrap();
    StatusRules::compile(&config.agents[agent].status).unwrap()
}

/// `parse`: every chunk through the emulator.
fn parse(input: &Input, scrollback: HistoryLimits) -> Emulator {
    let mut emulator = Emulator::new(input.size, scrollback);
    for (_, chunk) in &input.chunks {
        black_box(emulator.process(chunk));
    }
    emulator
}

/// Lets the tracker look whenever it asked to, up to `until`; the number of
/// looks.
fn looks_until(
    tracker: &mut Tracker,
    emulator: &mut Emulator,
    cache: &mut TailCache,
    rules: &StatusRules,
    until: Instant,
) -> usize {
    let mut looks = 0;
    while let Some(due) = tracker.due().filter(|d| *d <= until) {
        let seen = look(emulator, tracker, rules, 0, cache);
        black_box(tracker.observe(due, &seen, rules, Focus::Unfocused));
        looks += 1;
    }
    looks
}

/// `detect`: parse, and look as the server does; returns the looks.
fn detect(
    input: &Input,
    scrollback: HistoryLimits,
    rules: &StatusRules,
) -> (Emulator, Tracker, usize) {
    let start = Instant::now();
    let mut emulator = Emulator::new(input.size, scrollback);
    let mut tracker = Tracker::new();
    let mut cache = TailCache::new();
    let mut looks = 0;
    for (at, chunk) in &input.chunks {
        let now = start + *at;
        // The looks the server made while this chunk was on its way.
        looks += looks_until(&mut tracker, &mut emulator, &mut cache, rules, now);
        black_box(emulator.process(chunk));
        tracker.output(now);
    }
    // And those still due once the output stopped (quiet, idle settling).
    let end = start + input.span() + Duration::from_secs(5);
    looks += looks_until(&mut tracker, &mut emulator, &mut cache, rules, end);
    (emulator, tracker, looks)
}

/// `every_chunk`: a look after every chunk.
fn every_chunk(
    input: &Input,
    scrollback: HistoryLimits,
    rules: &StatusRules,
) -> (Emulator, Tracker) {
    let start = Instant::now();
    let mut emulator = Emulator::new(input.size, scrollback);
    let mut tracker = Tracker::new();
    let mut cache = TailCache::new();
    for (at, chunk) in &input.chunks {
        let now = start + *at;
        black_box(emulator.process(chunk));
        tracker.output(now);
        let seen = observation(&mut emulator, rules.rows(), 0, &mut cache);
        black_box(tracker.observe(now, &seen, rules, Focus::Unfocused));
    }
    (emulator, tracker)
}

/// One directly timed pass of `detect` (and of `every_chunk`'s looks).
#[derive(Default, Clone, Copy)]
struct Timed {
    parse: Duration,
    looks: usize,
    /// Everything the server does for status: `output` and the looks.
    detect: Duration,
    observe: Duration,
    /// The same calls again, beside the real ones, to split the cost.
    screen_tail: Duration,
    matches: Duration,
    /// A look after every chunk (`every_chunk`), timed the same way.
    every_chunk: Duration,
}

fn timed_pass(input: &Input, scrollback: HistoryLimits, rules: &StatusRules) -> Timed {
    let mut out = Timed::default();
    let start = Instant::now();
    let mut emulator = Emulator::new(input.size, scrollback);
    let mut tracker = Tracker::new();
    let mut cache = TailCache::new();
    let mut look = |tracker: &mut Tracker, emulator: &mut Emulator, out: &mut Timed, due| {
        let t0 = Instant::now();
        let seen = look(emulator, tracker, rules, 0, &mut cache);
        let t1 = Instant::now();
        black_box(tracker.observe(due, &seen, rules, Focus::Unfocused));
        let t2 = Instant::now();
        out.observe += t2 - t1;
        out.detect += t2 - t0;
        out.looks += 1;
        let t3 = Instant::now();
        black_box(screen_tail(emulator.screen(), rules.rows()));
        let t4 = Instant::now();
        black_box(rules.matches(&seen.tail, &seen.title));
        let t5 = Instant::now();
        out.screen_tail += t4 - t3;
        out.matches += t5 - t4;
    };
    for (at, chunk) in &input.chunks {
        let now = start + *at;
        while let Some(due) = tracker.due().filter(|d| *d <= now) {
            look(&mut tracker, &mut emulator, &mut out, due);
        }
        let t0 = Instant::now();
        black_box(emulator.process(chunk));
        let t1 = Instant::now();
        tracker.output(now);
        let t2 = Instant::now();
        out.parse += t1 - t0;
        out.detect += t2 - t1;
    }
    let end = start + input.span() + Duration::from_secs(5);
    while let Some(due) = tracker.due().filter(|d| *d <= end) {
        look(&mut tracker, &mut emulator, &mut out, due);
    }
    // Every chunk, separately: only its looks are timed.
    let mut emulator = Emulator::new(input.size, scrollback);
    let mut tracker = Tracker::new();
    let mut cache = TailCache::new();
    for (at, chunk) in &input.chunks {
        let now = start + *at;
        black_box(emulator.process(chunk));
        let t0 = Instant::now();
        tracker.output(now);
        let seen = observation(&mut emulator, rules.rows(), 0, &mut cache);
        black_box(tracker.observe(now, &seen, rules, Focus::Unfocused));
        out.every_chunk += t0.elapsed();
    }
    out
}

fn median_by(passes: &[Timed], key: impl Fn(&Timed) -> f64) -> f64 {
    let mut values: Vec<f64> = passes.iter().map(key).collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The directly timed table, on stderr.
fn table(inputs: &[Input], scrollback: HistoryLimits) {
    eprintln!(
        "status detection, timed directly (median of {TABLE_PASSES} passes; % of parse time):\n\
         {:<11} {:>8} {:>6} {:>6} {:>9} {:>7} {:>8} {:>9} {:>8} {:>7} {:>7} {:>8} {:>11} {:>8} {:>8}",
        "input",
        "KiB",
        "chunks",
        "looks",
        "parse ms",
        "MB/s",
        "detect",
        "µs/look",
        "fresh µs",
        "obs µs",
        "match",
        "µs/chunk",
        "every chunk",
        "det µs/s",
        "5% µs/s"
    );
    for input in inputs {
        let rules = rules(&input.agent);
        let passes: Vec<Timed> = (0..TABLE_PASSES)
            .map(|_| timed_pass(input, scrollback, &rules))
            .collect();
        let parse = median_by(&passes, |t| t.parse.as_secs_f64());
        let looks = passes[0].looks.max(1) as f64;
        let us = |key: fn(&Timed) -> Duration| median_by(&passes, |t| key(t).as_secs_f64()) * 1e6;
        let pct = |t: &Timed, d: Duration| 100.0 * d.as_secs_f64() / t.parse.as_secs_f64();
        eprintln!(
            "{:<11} {:>8.0} {:>6} {:>6} {:>9.2} {:>7.1} {:>7.2}% {:>9.1} {:>8.1} {:>7.1} {:>7.1} {:>8.2} {:>10.1}% {:>8.1} {:>8.1}",
            input.name,
            input.bytes as f64 / 1024.0,
            input.chunks.len(),
            passes[0].looks,
            parse * 1e3,
            input.bytes as f64 / 1e6 / parse,
            median_by(&passes, |t| pct(t, t.detect)),
            us(|t| t.detect) / looks,
            us(|t| t.screen_tail) / looks,
            us(|t| t.observe) / looks,
            us(|t| t.matches) / looks,
            parse * 1e6 / input.chunks.len() as f64,
            median_by(&passes, |t| pct(t, t.every_chunk)),
            us(|t| t.detect) / input.span().as_secs_f64().max(1e-3),
            0.05 * parse * 1e6 / input.span().as_secs_f64().max(1e-3),
        );
    }
    eprintln!(
        "  detect: output() after every chunk and the throttled looks, as % of parse time; \
         µs/look: one look (observation + observe);\n  fresh: screen_tail alone (the tail read afresh, as looks did before TailCache), obs: \
         Tracker::observe (rules, reason), match: StatusRules::matches alone, per look; \
         µs/chunk: parse time per chunk;\n  every chunk: a look after every chunk, as % of parse time; det µs/s: detection's CPU per second of the \
         input's own clock (one pane of that agent, at the pace it printed);\n  5% µs/s: what the \
         5 % target allows per second of that clock. The 1 s target needs about a look a second \
         while the screen changes, and a look costs µs/look: where that is above 5% µs/s, the \
         two targets pull against each other"
    );
}

/// How precise the damage is at the looks of `detect`: rows it marks (that
/// the tail cache must read again) against rows whose text really changed
/// since the last look. Rows the damage marks but that read the same are
/// what a look spends on redraws of unchanged text.
fn damage_precision(inputs: &[Input], scrollback: HistoryLimits) {
    eprintln!(
        "damage at the looks (whole screen): {:<11} {:>6} {:>8} {:>8} {:>8}",
        "input", "looks", "marked", "changed", "everything"
    );
    for input in inputs {
        let rules = rules(&input.agent);
        let start = Instant::now();
        let mut emulator = Emulator::new(input.size, scrollback);
        let mut tracker = Tracker::new();
        let mut cache = TailCache::new();
        let mut seen = emulator.changes();
        let mut before: Vec<String> = Vec::new();
        let (mut looks, mut marked, mut changed, mut everything) = (0, 0, 0, 0);
        let chunks = input
            .chunks
            .iter()
            .map(|(at, chunk)| (start + *at, Some(chunk)));
        let end = start + input.span() + Duration::from_secs(5);
        for (now, chunk) in chunks.chain([(end, None)]) {
            while let Some(due) = tracker.due().filter(|d| *d <= now) {
                let rows: Vec<u16> = match emulator.changed_since(seen) {
                    Changed::Nothing => Vec::new(),
                    Changed::Rows(rows) => rows.into_iter().collect(),
                    Changed::Everything => {
                        everything += 1;
                        (0..input.size.rows).collect()
                    }
                };
                seen = emulator.changes();
                let after: Vec<String> = emulator.screen().rows(0, input.size.cols).collect();
                for row in rows.into_iter().map(usize::from) {
                    marked += 1;
                    if before.get(row) != after.get(row) {
                        changed += 1;
                    }
                }
                before = after;
                let look = observation(&mut emulator, rules.rows(), 0, &mut cache);
                tracker.observe(due, &look, &rules, Focus::Unfocused);
                looks += 1;
            }
            if let Some(chunk) = chunk {
                emulator.process(chunk);
                tracker.output(now);
            }
        }
        eprintln!(
            "{:>34} {:<11} {looks:>6} {marked:>8} {changed:>8} {everything:>8}",
            "", input.name
        );
    }
    eprintln!(
        "  marked: rows the damage marked since the last look, summed over the looks; changed: of those, \
         rows whose text differs from the last look's; everything: looks after a whole-screen mark"
    );
}

fn bench(c: &mut Criterion) {
    let scrollback = history_limits();
    let mut inputs: Vec<Input> = ["claude", "codex", "gemini", "opencode", "aider"]
        .into_iter()
        .map(fixture)
        .collect();
    let heavy = repeated(&inputs[2], HEAVY_BYTES);
    inputs.push(heavy);
    inputs.push(synthetic());
    table(&inputs, scrollback);
    damage_precision(&inputs, scrollback);

    let mut group = c.benchmark_group("status");
    group.sampling_mode(SamplingMode::Flat);
    for input in &inputs {
        let rules = rules(&input.agent);
        let (_, tracker, looks) = detect(input, scrollback, &rules);
        eprintln!(
            "{}: {} bytes in {} chunks over {:.1} s of its clock; {} looks; ends {:?} ({})",
            input.name,
            input.bytes,
            input.chunks.len(),
            input.span().as_secs_f64(),
            looks,
            tracker.status().state,
            tracker.status().reason
        );
        group.throughput(Throughput::Bytes(input.bytes as u64));
        group.bench_function(BenchmarkId::new("parse", &input.name), |b| {
            b.iter(|| black_box(parse(input, scrollback)));
        });
        group.bench_function(BenchmarkId::new("detect", &input.name), |b| {
            b.iter(|| black_box(detect(input, scrollback, &rules)));
        });
        group.bench_function(BenchmarkId::new("every_chunk", &input.name), |b| {
            b.iter(|| black_box(every_chunk(input, scrollback, &rules)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
