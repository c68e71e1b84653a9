#!/usr/bin/env python3
"""Latency and memory under load: grove against tmux in the same run.

Key to echo. An outer PTY of --cols x --rows (default 200x50) runs the client
(`grove`, or `tmux attach`). Its window holds 17 panes, tiled, all visible:
first an echo pane, then 16 flood panes. The echo pane runs a small Python
program that puts its terminal in raw mode and answers every key `a`..`x` by
drawing one Greek letter (a..x -> alpha..omega) at row 3, column 1 of its screen.
The harness writes one key to the outer PTY and times until the bytes of that
letter appear in what the client writes to the outer PTY (a reader thread
stamps the read they arrive in). Consecutive keys draw different letters, so
every echo changes a cell and each multiplexer must send it; neither the flood
text nor either UI contains Greek, and UTF-8 cannot match it by accident. Keys
follow each other after a seeded random gap (default 20-100 ms after the last
echo: fast typing to key repeat), so they fall at random points of a frame
interval. Per run and multiplexer:

* 0 flooding: the 16 flood panes exist but wait (`sh` blocked on a lock the
  harness holds, using no CPU).
* 16 flooding: the harness lets go of the lock; each flood pane then `cat`s an agent-like
  file (benches/agentfile.py: colours, wide characters, long wrapped lines) in
  a loop, as fast as the multiplexer takes it. Keys are timed once the client
  has shown a steady flow (the outer terminal got --warm-mb MB and a second
  passed).

Making tmux comparable: the same outer terminal size, 17 panes in a tiled
window (`select-layout tiled`; grove's tiled layout puts the same 17 in a
5-4-4-4 grid beside its sidebar, tmux a similar grid), the echo pane focused in
both, the same programs in the panes, one multiplexer at a time (the other's
server is stopped), runs alternating grove/tmux and tmux/grove. tmux reads no
config (`-f /dev/null`): defaults, status line included.

Memory. 32 panes, no client, 80x24 each (grove's size for a pane no client
shows; tmux: 32 windows of a detached 80x24 session). Both keep H lines of
history (--history, default 2000, tmux's default history-limit): tmux with
`history-limit H`, grove with `pane.scrollback_lines = H` and
`pane.scrollback_bytes` at 64 MiB, more than 100000 lines of 80 columns
take, so the line limit binds on both sides. Each pane `cat`s an agent-like file
(--fill-mb) that is far more than H rows, then sleeps. Once every pane is done
and the server has used no CPU for a second, the harness reads VmHWM (peak)
and VmRSS from /proc/PID/status, and checks with `grove capture --history` and
`tmux capture-pane -S -` that each kept H + 24 lines.

Targets (issue 9): grove's key-to-echo p99 no worse than tmux's in the same run,
with 0 and with 16 panes flooding, and within two frames (33 ms) while 16 flood;
the server's peak memory (VmHWM, 32 panes of equal history) no more than tmux's.
The summary prints each ratio and met/MISSED.

    python3 benches/latency.py [--runs 2] [--keys 400] [--history 2000] [--json OUT]
    python3 benches/latency.py --no-latency    # the memory part only (~2 min)
    python3 benches/latency.py --no-memory     # the latency part only
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import random
import shlex
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

import agentfile  # noqa: E402
from benchlib import (  # noqa: E402
    BenchError,
    Grove,
    OuterTerminal,
    Sandbox,
    Tmux,
    find_grove,
    find_tmux,
    descendants_of,
    log,
    proc_cpu_ticks,
    tool_version,
    wait_for,
)

GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
KEYS = "abcdefghijklmnopqrstuvwx"
FLOODERS = 16
MEMORY_PANES = 32
# The targets (issue 9): key-to-echo p99 no worse than tmux's (0 and 16
# flooding) and within two 60 Hz frames while 16 flood; peak memory no more
# than tmux's at equal history.
LATENCY_TARGET = 1.0
TWO_FRAMES_MS = 1000 / 60 * 2
MEMORY_TARGET = 1.0
# grove's history budget in bytes: far more than --history lines of 80
# columns take (src/pane/history.rs), so only the line limit binds, as
# tmux's history-limit does.
HISTORY_BYTES = 64 << 20

# The echo pane's program. $1: a file to create once the terminal is raw.
ECHO = r"""
import os, sys, tty
GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
tty.setraw(0)
os.write(1, b"\x1b[2J\x1b[Hecho ready\r\n")
open(sys.argv[1], "w").close()
while True:
    data = os.read(0, 64)
    if not data:
        break
    out = "".join("\x1b[3;1H" + GREEK[c - 97] for c in data if 97 <= c < 97 + len(GREEK))
    if out:
        os.write(1, out.encode())
"""

# A flood pane. $1: the control directory (its gate and stop file), $2: the file
# to print.
FLOOD = r"""#!/bin/sh
echo "flood waiting"
flock -s "$1/gate" true
while [ ! -e "$1/stop" ]; do cat "$2"; done
exec sleep 3600
"""

# A memory pane, once the gate in $2 opens. $1: the file to print, $2: the control
# directory, $3: the pane's name (grove panes have $GROVE_WORKSPACE). The last line is not blank,
# so both captures end on the screen's last row.
FILL = r"""#!/bin/sh
flock -s "$2/gate" true
cat "$1"
printf 'fill done'
touch "$2/done-${3:-$GROVE_WORKSPACE}"
exec sleep 3600
"""


class EchoTerminal(OuterTerminal):
    """An outer terminal that also stamps when given bytes arrive."""

    def __init__(self, *args, **kwargs):
        self._want: bytes | None = None
        self._seen_at: float | None = None
        self._seen = threading.Event()
        self._carry = b""
        super().__init__(*args, **kwargs)

    def expect(self, needle: bytes) -> None:
        with self._lock:
            self._want, self._seen_at, self._carry = needle, None, b""
            self._seen.clear()

    def seen(self, timeout: float) -> float | None:
        """When the expected bytes arrived (monotonic s), or None after `timeout`."""
        if not self._seen.wait(timeout):
            return None
        with self._lock:
            return self._seen_at

    def _read(self) -> None:
        import errno

        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError as error:
                if error.errno == errno.EINTR:
                    continue
                break
            if not data:
                break
            arrived = time.monotonic()
            with self._lock:
                self.bytes += len(data)
                want = self._want
                if want is not None and self._seen_at is None:
                    if want in self._carry + data:
                        self._seen_at = arrived
                        self._seen.set()
                    else:
                        self._carry = data[-(len(want) - 1) :] if len(want) > 1 else b""
            if self.answer_queries:
                for query, reply in (
                    (b"\x1b[c", b"\x1b[?62;22c"),
                    (b"\x1b[0c", b"\x1b[?62;22c"),
                    (b"\x1b[>c", b"\x1b[>1;10;0c"),
                    (b"\x1b[>0c", b"\x1b[>1;10;0c"),
                    (b"\x1b[6n", b"\x1b[1;1R"),
                ):
                    if query in data:
                        try:
                            os.write(self.master, reply)
                        except OSError:
                            pass


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def proc_status_kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise BenchError(f"no {field} in /proc/{pid}/status")


def wait_idle(pid: int, quiet: float, timeout: float, what: str) -> None:
    """Waits until `pid` has used no CPU for `quiet` seconds."""
    state = {"ticks": -1, "since": time.monotonic()}

    def idle():
        ticks = proc_cpu_ticks(pid)
        now = time.monotonic()
        if ticks != state["ticks"]:
            state["ticks"], state["since"] = ticks, now
            return False
        return now - state["since"] >= quiet

    wait_for(idle, timeout, what, 0.1)


class Bench:
    def __init__(self, args, sandbox: Sandbox, grove_bin: Path, tmux_bin: Path):
        self.args = args
        self.sandbox = sandbox
        self.grove_bin = grove_bin
        self.tmux_bin = tmux_bin
        root = sandbox.root
        self.echo = root / "echo.py"
        self.echo.write_text(ECHO)
        self.flood = root / "flood.sh"
        self.flood.write_text(FLOOD)
        self.fill = root / "fill.sh"
        self.fill.write_text(FILL)
        self.flood_file = root / "flood.txt"
        size, sha = agentfile.generate(str(self.flood_file), args.flood_mb, seed=7)
        log(f"flood file: {size} bytes, sha256 {sha[:16]}…")
        self.fill_file = root / "fill.txt"
        size, sha = agentfile.generate(str(self.fill_file), args.fill_mb, seed=11)
        log(f"fill file: {size} bytes, sha256 {sha[:16]}…")
        # One control directory: runs are one at a time and each starts by
        # emptying it, so the repository's agent profiles can name it.
        self.control = root / "control"
        self.gate: int | None = None
        self.control.mkdir()
        yaml = (
            "pane:\n"
            f"  scrollback_lines: {args.history}\n"
            f"  scrollback_bytes: {HISTORY_BYTES}\n"
            "agents:\n"
            f"  echo: {{ command: {json.dumps(['python3', str(self.echo), str(self.control / 'echo-ready')])} }}\n"
            f"  flood: {{ command: {json.dumps(['sh', str(self.flood), str(self.control), str(self.flood_file)])} }}\n"
            f"  fill: {{ command: {json.dumps(['sh', str(self.fill), str(self.fill_file), str(self.control)])} }}\n"
        )
        self.repo = sandbox.make_repo("repo", yaml)
        self.rng = random.Random(args.seed)
        self.run_index = 0

    def control_dir(self) -> Path:
        """The control directory, emptied for the next run, with its gate shut.

        Waiting panes block on the gate (`flock -s gate`) until `go` opens it:
        no CPU, where a loop of `sleep`s in 16 idle panes forked 300 processes a
        second and put that noise into both multiplexers' 0-flooding figures."""
        if self.gate is not None:
            os.close(self.gate)
        for entry in self.control.iterdir():
            entry.unlink()
        self.gate = os.open(self.control / "gate", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.gate, fcntl.LOCK_EX)
        return self.control

    def go(self, control: Path) -> None:
        """Lets the waiting panes start."""
        (control / "go").touch()
        if self.gate is not None:
            os.close(self.gate)
            self.gate = None

    # -- latency -------------------------------------------------------------

    def time_keys(self, outer: EchoTerminal, count: int, label: str) -> dict:
        """Types `count` keys into the echo pane; returns the latencies in ms."""
        samples, missed = [], 0
        outer.answer_queries = False
        for i in range(count):
            letter = GREEK[self.key_index % len(GREEK)]
            key = KEYS[self.key_index % len(KEYS)]
            self.key_index += 1
            outer.expect(letter.encode())
            sent = time.monotonic()
            outer.write(key.encode())
            arrived = outer.seen(self.args.key_timeout)
            if arrived is None:
                missed += 1
                if not outer.alive():
                    raise BenchError(f"the client exited during {label}")
            else:
                samples.append((arrived - sent) * 1000)
            time.sleep(self.rng.uniform(self.args.min_gap_ms, self.args.max_gap_ms) / 1000)
        return {"ms": samples, "missed": missed}

    def measure(self, outer: EchoTerminal, flood_dir: Path, side: str) -> dict:
        self.key_index = 0
        outer.wait_quiet(0.5, self.args.ready_timeout, f"{side}'s first frames")
        warm = self.time_keys(outer, 20, f"{side} warm-up")
        if not warm["ms"]:
            raise BenchError(f"no key reached {side}'s echo pane (is it focused?)")
        figures = {"idle": self.time_keys(outer, self.args.keys, f"{side}, 0 flooding")}
        before = outer.received()
        self.go(flood_dir)
        wait_for(
            lambda: outer.received() - before > self.args.warm_mb * 1e6,
            self.args.ready_timeout,
            f"{side}'s client to show the flood",
        )
        time.sleep(1)  # let the flood reach its steady state
        start = (outer.received(), time.monotonic())
        figures["flood"] = self.time_keys(outer, self.args.keys, f"{side}, 16 flooding")
        figures["flood"]["terminal_mb_per_s"] = (outer.received() - start[0]) / 1e6 / (time.monotonic() - start[1])
        (flood_dir / "stop").touch()
        return figures

    def latency_grove(self) -> dict:
        self.run_index += 1
        control = self.control_dir()
        grove = Grove(self.sandbox, self.grove_bin)
        names = [f"echo-{self.run_index}"] + [f"flood-{self.run_index}-{i:02}" for i in range(1, FLOODERS + 1)]
        try:
            grove.new(self.repo, names[0], "echo")
            for name in names[1:]:
                grove.new(self.repo, name, "flood")
            server = grove.wait_server()
            wait_for(lambda: (control / "echo-ready").exists(), self.args.ready_timeout, "grove's echo pane")
            outer = EchoTerminal(self.sandbox, [self.grove_bin], self.args.cols, self.args.rows, cwd=self.repo)
            figures = self.measure(outer, control, "grove")
            figures["server_cpu_s"] = proc_cpu_ticks(server) / os.sysconf("SC_CLK_TCK")
        except BenchError as error:
            raise BenchError(f"{error}\n--- grove server log (tail) ---\n{grove.server_log_tail()}") from error
        outer.close()
        grove.stop_server()
        for name in names:
            grove.run("rm", "--force", name, cwd=self.repo, check=False)
        return figures

    def latency_tmux(self) -> dict:
        self.run_index += 1
        control = self.control_dir()
        tmux = Tmux(self.sandbox, self.tmux_bin, f"latency-{self.run_index}")
        echo = shlex.join(["python3", str(self.echo), str(control / "echo-ready")])
        flood = shlex.join(["sh", str(self.flood), str(control), str(self.flood_file)])
        tmux.run("new-session", "-d", "-s", "bench", "-x", self.args.cols, "-y", self.args.rows - 1, echo)
        for _ in range(FLOODERS):
            tmux.run("split-window", "-t", "bench:0", flood)
            tmux.run("select-layout", "-t", "bench:0", "tiled")
        tmux.run("select-pane", "-t", "bench:0.0")
        panes = tmux.run("list-panes", "-t", "bench:0", "-F", "#{pane_width}x#{pane_height}").stdout.split()
        if len(panes) != FLOODERS + 1:
            raise BenchError(f"tmux has {len(panes)} panes, wanted {FLOODERS + 1}")
        server = tmux.wait_server()
        wait_for(lambda: (control / "echo-ready").exists(), self.args.ready_timeout, "tmux's echo pane")
        outer = EchoTerminal(self.sandbox, tmux.argv("attach-session", "-t", "bench"), self.args.cols, self.args.rows)
        wait_for(lambda: tmux.run("list-clients").stdout.strip(), self.args.ready_timeout, "the tmux client")
        figures = self.measure(outer, control, "tmux")
        figures["server_cpu_s"] = proc_cpu_ticks(server) / os.sysconf("SC_CLK_TCK")
        figures["panes"] = panes
        outer.close()
        tmux.stop_server()
        return figures

    # -- memory --------------------------------------------------------------

    def memory_grove(self) -> dict:
        control = self.control_dir()
        grove = Grove(self.sandbox, self.grove_bin)
        names = [f"fill-{i:02}" for i in range(1, MEMORY_PANES + 1)]
        try:
            for name in names:
                grove.new(self.repo, name, "fill")
            server = grove.wait_server()
            wait_for(lambda: len(descendants_of(server)) >= MEMORY_PANES, self.args.ready_timeout, "grove's panes")
            wait_idle(server, 1.0, self.args.ready_timeout, "the grove server to settle")
            before = proc_status_kib(server, "VmRSS")
            self.go(control)
            wait_for(
                lambda: all((control / f"done-{n}").exists() for n in names),
                self.args.ready_timeout * 4,
                "grove's 32 panes to print their history",
                0.1,
            )
            wait_idle(server, 1.0, self.args.ready_timeout * 4, "the grove server to finish parsing")
            figures = {
                "before_kib": before,
                "hwm_kib": proc_status_kib(server, "VmHWM"),
                "rss_kib": proc_status_kib(server, "VmRSS"),
            }
            lines = []
            for name in (names[0], names[-1]):
                done = grove.run("capture", name, "--history", str(self.args.history * 10), cwd=self.repo)
                lines.append(len(done.stdout.splitlines()))
            figures["lines_kept"] = lines
        except BenchError as error:
            raise BenchError(f"{error}\n--- grove server log (tail) ---\n{grove.server_log_tail()}") from error
        grove.stop_server()
        return figures

    def memory_tmux(self) -> dict:
        control = self.control_dir()
        tmux = Tmux(self.sandbox, self.tmux_bin, "memory")

        def fill(n: int) -> str:
            return shlex.join(["sh", str(self.fill), str(self.fill_file), str(control), f"fill-{n:02}"])

        tmux.run(
            "start-server", ";", "set-option", "-g", "history-limit", self.args.history, ";",
            "new-session", "-d", "-s", "mem", "-x", 80, "-y", 24, fill(1),
        )
        for n in range(2, MEMORY_PANES + 1):
            tmux.run("new-window", "-t", "mem", fill(n))
        server = tmux.wait_server()
        wait_for(lambda: len(descendants_of(server)) >= MEMORY_PANES, self.args.ready_timeout, "tmux's panes")
        wait_idle(server, 1.0, self.args.ready_timeout, "the tmux server to settle")
        before = proc_status_kib(server, "VmRSS")
        self.go(control)
        wait_for(
            lambda: all((control / f"done-fill-{n:02}").exists() for n in range(1, MEMORY_PANES + 1)),
            self.args.ready_timeout * 4,
            "tmux's 32 panes to print their history",
            0.1,
        )
        wait_idle(server, 1.0, self.args.ready_timeout * 4, "the tmux server to finish parsing")
        sizes = set(tmux.run("list-panes", "-a", "-F", "#{pane_width}x#{pane_height}").stdout.split())
        figures = {
            "before_kib": before,
            "hwm_kib": proc_status_kib(server, "VmHWM"),
            "rss_kib": proc_status_kib(server, "VmRSS"),
            "pane_sizes": sorted(sizes),
        }
        lines = []
        for window in ("mem:0", f"mem:{MEMORY_PANES - 1}"):
            done = tmux.run("capture-pane", "-p", "-S", "-", "-t", window)
            lines.append(len(done.stdout.splitlines()))
        figures["lines_kept"] = lines
        tmux.stop_server()
        return figures


def summarize(runs: list[dict], phase: str) -> dict:
    samples = [ms for run in runs for ms in run[phase]["ms"]]
    return {
        "n": len(samples),
        "missed": sum(run[phase]["missed"] for run in runs),
        "p50": percentile(samples, 50),
        "p90": percentile(samples, 90),
        "p99": percentile(samples, 99),
        "max": max(samples) if samples else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2, help="latency runs per multiplexer (default 2)")
    parser.add_argument("--keys", type=int, default=400, help="timed keys per run and phase (default 400)")
    parser.add_argument("--min-gap-ms", type=float, default=20, help="shortest pause after an echo (default 20)")
    parser.add_argument("--max-gap-ms", type=float, default=100, help="longest pause after an echo (default 100)")
    parser.add_argument("--key-timeout", type=float, default=5, help="seconds before a key counts as missed")
    parser.add_argument("--flood-mb", type=float, default=4, help="the flood file's size (default 4 MB)")
    parser.add_argument("--warm-mb", type=float, default=2, help="MB the client must show before timing")
    parser.add_argument("--history", type=int, default=2000, help="history lines per pane (default 2000)")
    parser.add_argument("--fill-mb", type=float, default=2, help="what each memory pane prints (default 2 MB)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory part")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency part")
    parser.add_argument("--cols", type=int, default=200, help="outer terminal columns (default 200)")
    parser.add_argument("--rows", type=int, default=50, help="outer terminal rows (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the gaps between keys")
    parser.add_argument("--ready-timeout", type=float, default=30, help="seconds to wait for set-up steps")
    parser.add_argument("--grove", help="grove binary (default target/release/grove)")
    parser.add_argument("--tmux", help="tmux binary (default: tmux on PATH)")
    parser.add_argument("--json", type=Path, help="also write every figure here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    load_start = os.getloadavg()

    results: dict = {"latency": {"grove": [], "tmux": []}, "memory": {}}
    try:
        grove_bin = find_grove(args.grove)
        tmux_bin = find_tmux(args.tmux)
        sandbox = Sandbox("grove-bench-latency-", keep=args.keep)
        bench = Bench(args, sandbox, grove_bin, tmux_bin)
        if not args.no_latency:
            for index in range(1, args.runs + 1):
                for side in ("grove", "tmux") if index % 2 else ("tmux", "grove"):
                    figures = bench.latency_grove() if side == "grove" else bench.latency_tmux()
                    results["latency"][side].append(figures)
                    idle, flood = (summarize([figures], p) for p in ("idle", "flood"))
                    log(
                        f"{side} run {index}: 0 flooding p50 {idle['p50']:.1f} p99 {idle['p99']:.1f} ms; "
                        f"16 flooding p50 {flood['p50']:.1f} p99 {flood['p99']:.1f} ms, "
                        f"{flood['missed']} missed, {figures['flood']['terminal_mb_per_s']:.1f} MB/s to the terminal"
                    )
        if not args.no_memory:
            for side in ("grove", "tmux"):
                figures = bench.memory_grove() if side == "grove" else bench.memory_tmux()
                results["memory"][side] = figures
                log(f"{side} memory: peak {figures['hwm_kib'] / 1024:.1f} MiB, lines kept {figures['lines_kept']}")
                # tmux lets its history grow to the limit, then drops the
                # oldest tenth at once; grove keeps exactly the limit.
                low = args.history + 24 if side == "grove" else args.history * 9 // 10 + 24
                if any(not low <= n <= args.history + 24 for n in figures["lines_kept"]):
                    raise BenchError(
                        f"{side} kept {figures['lines_kept']} lines, not {low}..{args.history + 24}: "
                        "the history is not full (raise --fill-mb) or the limits differ"
                    )
    except BenchError as error:
        print(f"latency: {error}", file=sys.stderr)
        return 1

    sys.stderr.flush()
    print(flush=True)
    print(f"latency: key to echo through the client, {args.cols}x{args.rows} outer terminal, "
          f"17 tiled panes, {args.runs} runs x {args.keys} keys per phase")
    print(f"  grove  {tool_version([grove_bin, '--version'])}")
    print(f"  tmux   {tool_version([tmux_bin, '-V'])}")
    print(f"  {platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}, "
          f"load average {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    summary: dict = {}
    if not args.no_latency:
        print(f"  {'':6} {'phase':12} {'n':>5} {'missed':>6} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} {'max ms':>7}")
        for phase, label in (("idle", "0 flooding"), ("flood", "16 flooding")):
            for side in ("grove", "tmux"):
                s = summarize(results["latency"][side], phase)
                summary[f"{side} {phase}"] = s
                print(f"  {side:6} {label:12} {s['n']:5d} {s['missed']:6d} {s['p50']:7.1f} {s['p90']:7.1f} "
                      f"{s['p99']:7.1f} {s['max']:7.1f}")
        for phase, label in (("idle", "0 flooding"), ("flood", "16 flooding")):
            g, t = summary[f"grove {phase}"], summary[f"tmux {phase}"]
            p50, p99 = g["p50"] / t["p50"], g["p99"] / t["p99"]
            summary[f"{phase}_ratio"] = {"p50": p50, "p99": p99}
            verdict = " (target p99 <= {:.1f}x: {}".format(
                LATENCY_TARGET, "met" if p99 <= LATENCY_TARGET else "MISSED"
            )
            if phase == "flood":
                verdict += "; p99 within two frames, {:.0f} ms: {}".format(
                    TWO_FRAMES_MS, "met" if g["p99"] <= TWO_FRAMES_MS else "MISSED"
                )
            verdict += ")"
            print(f"  {label}: grove/tmux p50 {p50:.2f}x, p99 {p99:.2f}x{verdict}")
    if not args.no_memory:
        g, t = results["memory"]["grove"], results["memory"]["tmux"]
        print(f"  memory, {MEMORY_PANES} panes of 80x24 with {args.history} lines of history each "
              f"(grove scrollback_lines {args.history}, scrollback_bytes {HISTORY_BYTES}), "
              "server VmHWM / VmRSS:")
        for side, f in (("grove", g), ("tmux", t)):
            kept = sum(f["lines_kept"]) / len(f["lines_kept"]) - 24
            per_line = (f["rss_kib"] - f["before_kib"]) * 1024 / (MEMORY_PANES * (kept + 24))
            print(f"    {side:5} {f['hwm_kib'] / 1024:8.1f} / {f['rss_kib'] / 1024:8.1f} MiB; "
                  f"{f['before_kib'] / 1024:.1f} MiB before the output, so {per_line:.0f} bytes "
                  f"per line kept (~{kept:.0f} history + 24 screen lines a pane)")
        # Per pane: the server's peak over its panes, so what the server
        # holds besides the panes counts too (the same 32 panes on both sides,
        # so the ratio is that of the peaks).
        ratio = g["hwm_kib"] / t["hwm_kib"]
        added = (g["hwm_kib"] - g["before_kib"]) / (t["hwm_kib"] - t["before_kib"])
        print(f"    per pane: grove {g['hwm_kib'] / MEMORY_PANES / 1024:.2f} MiB, "
              f"tmux {t['hwm_kib'] / MEMORY_PANES / 1024:.2f} MiB of peak; grove/tmux {ratio:.2f}x "
              f"(target <= {MEMORY_TARGET:.1f}x: {'met' if ratio <= MEMORY_TARGET else 'MISSED'}); "
              f"what the output added, grove/tmux {added:.2f}x")
        summary["memory_ratio"] = ratio
        summary["memory_added_ratio"] = added
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)}, "results": results,
                                         "summary": summary}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
