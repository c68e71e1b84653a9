//! Load end to end: 32 panes flood output while a dashboard types into a 33rd.
//!
//! The real server runs 33 workspaces of one repository. 32 run a flood
//! script: once a go file appears, each prints coloured, underlined lines of
//! varying length with its own line counter (`f07:1234 …`) as fast as its PTY
//! takes them, until a stop file appears and it has printed at least
//! [`MIN_LINES`]. The 33rd runs a typist: its terminal in raw mode, it appends
//! every byte it reads to a file. A real dashboard in a PTY focuses the typist
//! with a mouse click and types a long, seeded sequence of keys (letters,
//! punctuation, accented and wide characters, Tab, arrows) in batches plus one
//! burst, all while the other 32 flood. The test checks that
//!
//! * the typist's file ends up with exactly the bytes of those keys, in order;
//! * the dashboard keeps drawing: after every batch, some flood pane's counter
//!   on the dashboard's screen has moved past where it stood before the batch,
//!   and at the end the typist's own pane shows the last thing typed;
//! * the server's peak memory (VmHWM) stays under a bound made of what it used
//!   before the flood plus the configured history of every pane (see
//!   [`memory_bound`]), although the flood printed more than the histories
//!   hold: each flood pane's history dropped lines to stay in its budget.
//!
//! Every wait has a deadline; nothing asserts on time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use grove::pane::PaneSize;
use grove::ui::LayoutMode;
use support::grove::Server;
use support::pane::{note, wait_for_screen, wait_for_text};
use support::repo::TestRepo;

const SIZE: PaneSize = PaneSize {
    rows: 40,
    cols: 160,
};
const FLOODERS: usize = 32;
/// Each flood pane prints at least this many lines before it may stop.
const MIN_LINES: u64 = 6000;
/// The history budget every pane gets (`pane.scrollback_bytes`; the line
/// limit is set far above what the flood prints, so this one binds).
const SCROLLBACK_BYTES: u64 = 256 * 1024;
const BATCHES: usize = 40;
const KEYS_PER_BATCH: usize = 25;
const BURST_KEYS: usize = 400;
/// Flood and typing share two CPUs with the test itself in a debug build:
/// a batch can take a while to land, but never this long.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Prints until `$1/go` exists, then lines until `$1/stop` exists and at
/// least `$2` are out; then says `NAME done COUNT`, records the count in
/// `$1/done-NAME` and idles.
const FLOOD: &str = r#"#!/bin/sh
dir="$1"
min="$2"
id="$GROVE_WORKSPACE"
echo "$id waiting"
while [ ! -e "$dir/go" ]; do sleep 0.05; done
n=0
while [ "$n" -lt "$min" ] || [ ! -e "$dir/stop" ]; do
    n=$((n + 1))
    case $((n % 4)) in
    0) printf '\033[1;3%dm%s:%d\033[0m \033[4mlorem ipsum\033[0m dolor sit amet, consectetur adipiscing elit\r\n' $((n % 8)) "$id" "$n" ;;
    1) printf '\033[38;5;%dm%s:%d\033[0m \033[7m+\033[0m fn main() { println!("{}", %d); }\033[K\r\n' $((n % 256)) "$id" "$n" "$n" ;;
    2) printf '%s:%d \033[48;2;40;%d;40m%s\033[0m\r\n' "$id" "$n" $((n % 200)) "sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ut enim ad minim veniam quis nostrud" ;;
    *) printf '%s:%d \342\224\200\342\224\200 caf\303\251 \346\274\242\345\255\227 done\r\n' "$id" "$n" ;;
    esac
done
printf '\r\n%s done %d\r\n' "$id" "$n"
echo "$n" > "$dir/done-$id.tmp" && mv "$dir/done-$id.tmp" "$dir/done-$id"
exec sleep 3600
"#;

/// Raw mode (echo stays on, so the pane shows what arrives), then every byte
/// read goes to `$1`.
const TYPIST: &str = r#"#!/bin/sh
stty raw
echo "typist ready"
exec cat >> "$1"
"#;

/// One key: what the outer terminal sends, and what the pane must receive.
struct Key {
    typed: &'static str,
    received: &'static str,
}

const fn key(typed: &'static str) -> Key {
    Key {
        typed,
        received: typed,
    }
}

/// Keys the sequence is drawn from. Enter is left out of the random part so
/// the typist's pane keeps its lines short; it starts every batch instead.
const KEYS: &[Key] = &[
    key("a"),
    key("b"),
    key("z"),
    key("Q"),
    key("0"),
    key("7"),
    key(" "),
    key("~"),
    key("#"),
    key("\""),
    key("'"),
    key("\\"),
    key("é"),
    key("漢"),
    key("\t"),
    key("\x1b[A"),
    key("\x1b[D"),
];

/// A small seeded generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The batches to type: each starts with Enter and a marker, then random
/// keys; one long burst sits in the middle.
fn batches() -> Vec<(String, String)> {
    let mut rng = Lcg(0x9e37_79b9);
    let mut out = Vec::new();
    for batch in 0..BATCHES {
        let count = if batch == BATCHES / 2 {
            BURST_KEYS
        } else {
            KEYS_PER_BATCH
        };
        let marker = format!("\rK#{batch:03} ");
        let (mut typed, mut received) = (marker.clone(), marker);
        for _ in 0..count {
            let key = &KEYS[rng.below(KEYS.len())];
            typed.push_str(key.typed);
            received.push_str(key.received);
        }
        out.push((typed, received));
    }
    out.push(("\rEND-OF-KEYS".to_owned(), "\rEND-OF-KEYS".to_owned()));
    out
}

/// Waits for a condition with this test's deadline.
fn wait(what: &str, check: impl FnMut() -> bool) {
    wait_with(what, check, String::new);
}

fn wait_with(what: &str, mut check: impl FnMut() -> bool, explain: impl Fn() -> String) {
    let deadline = Instant::now() + TIMEOUT;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}\n{}",
            explain()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The highest flood counter each pane shows on the dashboard's screen
/// (`fNN:COUNT` anywhere in a row), keyed by pane number.
fn flood_counters(screen: &str) -> Vec<(u32, u64)> {
    let mut seen: Vec<(u32, u64)> = Vec::new();
    for line in screen.lines() {
        let mut rest = line;
        while let Some(at) = rest.find('f') {
            rest = &rest[at + 1..];
            let digits = |s: &str| s.chars().take_while(char::is_ascii_digit).count();
            let id_len = digits(rest);
            if id_len != 2 || rest.as_bytes().get(2) != Some(&b':') {
                continue;
            }
            let count_len = digits(&rest[3..]);
            let (Ok(id), Ok(count)) = (rest[..2].parse(), rest[3..3 + count_len].parse()) else {
                continue;
            };
            match seen.iter_mut().find(|(i, _)| *i == id) {
                Some(entry) => entry.1 = entry.1.max(count),
                None => seen.push((id, count)),
            }
        }
    }
    seen
}

/// Whether some pane shows a counter past the one it showed in `before`.
fn advanced(before: &[(u32, u64)], now: &[(u32, u64)]) -> bool {
    now.iter().any(|(id, count)| {
        before
            .iter()
            .find(|(i, _)| i == id)
            .is_none_or(|(_, old)| count > old)
    })
}

/// A field of `/proc/PID/status` in bytes (`VmRSS`, `VmHWM`).
fn proc_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// The most the server may hold at its peak.
///
/// * `baseline`: its resident size with all 33 panes running and the
///   dashboard attached, before any flood: code, runtime, threads, every
///   pane's screen, the client's frame buffers. None of that grows with
///   output.
/// * What output may add is each pane's history, which grove caps at
///   `pane.scrollback_bytes` (each line's text, its heap block and its slot
///   in the queue), so at most `panes × SCROLLBACK_BYTES` of lines.
/// * Twice that, because the allocator does not hand freed lines back at
///   once: each pane's reader thread frees the oldest line as it pushes a
///   new one, in its own malloc arena, and may keep up to as much again in
///   free lists (the queue's unused slots are within that too).
/// * 32 MiB for what is in flight and bounded by constants, not by output:
///   the client's outbox (dropped past 4 MiB), frame diffs, read buffers, the
///   arenas' top padding.
fn memory_bound(baseline: u64, panes: u64) -> u64 {
    baseline + 2 * panes * SCROLLBACK_BYTES + (32 << 20)
}

fn write_script(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn thirty_two_flooding_panes_lose_no_keystroke_and_memory_stays_bounded() {
    let t = TestRepo::new();
    let _server = Server(&t);
    let dir = t.dir.path().join("load");
    std::fs::create_dir_all(&dir).unwrap();
    let flood = write_script(t.dir.path(), "flood.sh", FLOOD);
    let typist = write_script(t.dir.path(), "typist.sh", TYPIST);
    let keys_file = dir.join("keys.txt");
    let config = format!(
        "agent: flood\n\
         pane:\n  scrollback_bytes: {SCROLLBACK_BYTES}\n  scrollback_lines: 10000000\n\
         agents:\n\
         \x20 flood: {{ command: [\"sh\", \"{flood}\", \"{}\", \"{MIN_LINES}\"] }}\n\
         \x20 typist: {{ command: [\"sh\", \"{typist}\", \"{}\"] }}\n",
        dir.display(),
        keys_file.display(),
    );
    std::fs::write(t.root.join(".grove.yaml"), config).unwrap();
    t.commit_all(&t.root, "load agents");

    for n in 1..=FLOODERS {
        t.grove_ok(&["new", &format!("f{n:02}")]);
    }
    t.grove_ok(&["new", "typist", "--agent", "typist"]);
    let server = t.server_pid();

    let dashboard = t.dashboard(&[], SIZE);
    wait_for_screen(&dashboard, "33 panes with their programs started", |s| {
        s.contains("typist ready") && s.contains("f32 waiting") && s.contains("f01 waiting")
    });
    // Focus the 33rd pane with a click in it (SGR mouse, 1-based).
    let area = ratatui::layout::Rect::new(0, 0, SIZE.cols, SIZE.rows);
    let layout = grove::ui::layout::compute(area, FLOODERS + 1, LayoutMode::Tiled, Some(0));
    let target = layout.panes[FLOODERS].outer;
    let (col, row) = (
        target.x + target.width / 2 + 1,
        target.y + target.height / 2 + 1,
    );
    dashboard
        .write(format!("\x1b[<0;{col};{row}M\x1b[<0;{col};{row}m").as_bytes())
        .unwrap();

    let baseline = proc_kib(server, "VmRSS");
    std::fs::write(dir.join("go"), "").unwrap();
    wait_for_screen(&dashboard, "the flood on the dashboard", |s| {
        flood_counters(s).iter().any(|&(_, count)| count > 10)
    });

    let started = Instant::now();
    let mut expected = String::new();
    let keys_now = || std::fs::read(&keys_file).unwrap_or_default();
    for (index, (typed, received)) in batches().into_iter().enumerate() {
        let before = flood_counters(&dashboard.contents());
        // One write per key, as a terminal sends them.
        let mut rest = typed.as_str();
        while !rest.is_empty() {
            let len = KEYS
                .iter()
                .map(|k| k.typed)
                .chain(["\r"])
                .filter(|k| rest.starts_with(k))
                .map(str::len)
                .max()
                .unwrap_or_else(|| rest.chars().next().unwrap().len_utf8());
            dashboard.write(&rest.as_bytes()[..len]).unwrap();
            rest = &rest[len..];
        }
        expected.push_str(&received);
        let expected_len = expected.len();
        wait_with(
            &format!("batch {index} in the typist's file"),
            || keys_now().len() >= expected_len,
            || {
                format!(
                    "{} of {expected_len} bytes arrived\n{}",
                    keys_now().len(),
                    dashboard.contents()
                )
            },
        );
        assert_eq!(
            String::from_utf8_lossy(&keys_now()),
            expected,
            "the typist received other bytes than were typed (after batch {index})"
        );
        wait_with(
            &format!("the dashboard to draw more flood after batch {index}"),
            || advanced(&before, &flood_counters(&dashboard.contents())),
            || dashboard.contents(),
        );
        note(&format!("batch {index} in after {:?}", started.elapsed()));
    }
    wait_for_text(&dashboard, "END-OF-KEYS");

    std::fs::write(dir.join("stop"), "").unwrap();
    let mut printed = Vec::new();
    for n in 1..=FLOODERS {
        let done = dir.join(format!("done-f{n:02}"));
        wait(&format!("f{n:02} to finish its flood"), || done.exists());
        let lines: u64 = std::fs::read_to_string(&done)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(lines >= MIN_LINES, "f{n:02} printed only {lines} lines");
        printed.push(lines);
    }
    // The last frames still come: every pane's final count is on screen.
    let finals: Vec<String> = printed
        .iter()
        .enumerate()
        .map(|(i, lines)| format!("f{:02} done {lines}", i + 1))
        .collect();
    wait_for_screen(&dashboard, "every flood pane's final count", |s| {
        finals.iter().all(|f| s.contains(f.as_str()))
    });

    let peak = proc_kib(server, "VmHWM");
    let rss = proc_kib(server, "VmRSS");
    let bound = memory_bound(baseline, FLOODERS as u64 + 1);
    let mib = |b: u64| b as f64 / f64::from(1 << 20);
    note(&format!(
        "server memory: baseline {:.1} MiB, peak {:.1} MiB, now {:.1} MiB, bound {:.1} MiB; \
         {} lines printed",
        mib(baseline),
        mib(peak),
        mib(rss),
        mib(bound),
        printed.iter().sum::<u64>(),
    ));
    // The budget bound the histories: every printed line is at least one
    // row, yet fewer rows are left, so lines were dropped to stay in it.
    for (n, lines) in [(1, printed[0]), (FLOODERS, printed[FLOODERS - 1])] {
        let name = format!("f{n:02}");
        let kept = t
            .grove_ok(&["capture", &name, "--history", "10000000"])
            .lines()
            .count() as u64;
        note(&format!("{name}: {lines} lines printed, {kept} rows kept"));
        assert!(
            kept < lines,
            "{name} kept {kept} rows of {lines} lines: the flood was too small to show a bound"
        );
    }
    assert!(
        peak <= bound,
        "the server peaked at {:.1} MiB, over the bound of {:.1} MiB \
         (baseline {:.1} MiB + history {} × {} KiB × 2 + 32 MiB)",
        mib(peak),
        mib(bound),
        mib(baseline),
        FLOODERS + 1,
        SCROLLBACK_BYTES / 1024,
    );
}
