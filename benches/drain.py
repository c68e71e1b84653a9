#!/usr/bin/env python3
"""Drain benchmark: `cat` of a ~100 MB agent-like file through a pane with a
client attached, grove against tmux, same file, same pane size, same run.

Setup (every run, alternating grove and tmux):

* The outer terminal is a PTY of --cols x --rows (default 200x50) driven by this
  script: a thread reads and discards everything (a terminal that never falls
  behind) and answers device-attribute queries. Both clients run in it.
* grove: a fresh server; `grove new drain-N --agent drain` starts the agent;
  then `grove` (the dashboard) attaches in the outer terminal. With one
  workspace in a 200x50 terminal the pane is 174x47 (sidebar, borders and
  status bar take the rest).
* tmux: a fresh server on a private socket (`-S`, `-f /dev/null`), a session
  whose window is laid out like the dashboard: a 25-column pane on the left, the
  drain pane of exactly the grove pane's size on the right, and a 1-row pane
  under it (tmux's status line takes the 50th row). `tmux attach` runs in the
  outer terminal.
* The agent (`sh`) waits for a go file, then runs
  `start=$(date +%s.%N); cat FILE; end=$(date +%s.%N)` and writes both times to
  a result file. The go file is written once the client is attached, the pane
  has the client's size and the first frames have gone out. `cat` ends when the
  last byte is in the pane's PTY, so the time is how fast the multiplexer drains
  the PTY and parses it while feeding an attached client.

MB/s = file bytes / 10^6 / elapsed. Per side the median over --runs runs is
reported, then grove/tmux (>1 means grove is faster). Also recorded per run:
CPU seconds of the server and of the client during the cat, and the bytes the
outer terminal received.

    python3 benches/drain.py [--runs 3] [--mb 100] [--file PATH] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

import agentfile  # noqa: E402
from benchlib import (  # noqa: E402
    CLOCK_TICKS,
    BenchError,
    Grove,
    OuterTerminal,
    Sandbox,
    Tmux,
    find_grove,
    find_tmux,
    log,
    median,
    proc_cpu_ticks,
    tool_version,
    wait_for,
)

# The pane's program. $1: directory of run directories, $2: the file, $3: the
# run's name (grove panes use $GROVE_WORKSPACE). Until the go file appears it
# keeps the pane's current size in `size`; it gives up after $4 polls.
AGENT = r"""#!/bin/sh
dir="$1/${3:-$GROVE_WORKSPACE}"
file="$2"
limit="$4"
mkdir -p "$dir"
waited=0
while [ ! -e "$dir/go" ]; do
    stty size > "$dir/size.tmp" && mv "$dir/size.tmp" "$dir/size"
    sleep 0.05
    waited=$((waited + 1))
    if [ "$waited" -gt "$limit" ]; then
        echo "no go file after $limit polls" > "$dir/error"
        exit 1
    fi
done
stty size > "$dir/size.final"
start=$(date +%s.%N)
cat "$file"
end=$(date +%s.%N)
echo "$start $end" > "$dir/result.tmp" && mv "$dir/result.tmp" "$dir/result"
exec sleep 3600
"""


def sink_cpu() -> float:
    """CPU seconds this script has used (the outer terminals' reader threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Drain:
    def __init__(self, args, sandbox: Sandbox, grove_bin: Path, tmux_bin: Path, big: Path):
        self.args = args
        self.sandbox = sandbox
        self.grove_bin = grove_bin
        self.tmux_bin = tmux_bin
        self.big = big
        self.size = big.stat().st_size
        self.runs_dir = sandbox.root / "runs"
        self.runs_dir.mkdir()
        self.agent = sandbox.root / "agent.sh"
        self.agent.write_text(AGENT)
        # The agent gives up waiting for its go file after this many 50 ms polls.
        self.polls = int(4 * args.ready_timeout / 0.05) + 1
        yaml = (
            "agents:\n"
            f"  drain: {{ command: {json.dumps(['sh', str(self.agent), str(self.runs_dir), str(big), '', str(self.polls)])} }}\n"
        )
        self.repo = sandbox.make_repo("repo", yaml)
        self.pane_size: tuple[int, int] | None = None  # (rows, cols) grove gave its pane

    # -- shared ------------------------------------------------------------

    def read_size(self, run_dir: Path) -> tuple[int, int] | None:
        try:
            rows, cols = (run_dir / "size").read_text().split()
            return int(rows), int(cols)
        except (FileNotFoundError, ValueError):
            return None

    def check_error(self, run_dir: Path) -> None:
        error = run_dir / "error"
        if error.exists():
            raise BenchError(f"the agent in {run_dir.name} gave up: {error.read_text().strip()}")

    def stable_size(self, run_dir: Path, changed_from=None) -> tuple[int, int]:
        """Waits until the pane's size (as the agent sees it) holds still for 0.3 s."""
        state = {"size": None, "since": 0.0}

        def settled():
            self.check_error(run_dir)
            size = self.read_size(run_dir)
            now = time.monotonic()
            if size is None or size == changed_from:
                state["size"] = None
                return None
            if size != state["size"]:
                state["size"], state["since"] = size, now
                return None
            return size if now - state["since"] >= 0.3 else None

        what = f"the pane of {run_dir.name} to take the attached client's size"
        return wait_for(settled, self.args.ready_timeout, what)

    def timed_cat(self, run_dir: Path, outer: OuterTerminal, server_pid: int) -> dict:
        """Lets the agent go and waits for its result; returns the run's figures."""
        client_pid = outer.process.pid
        outer.answer_queries = False
        before = (outer.received(), proc_cpu_ticks(server_pid), proc_cpu_ticks(client_pid), sink_cpu())
        (run_dir / "go").touch()

        def finished():
            self.check_error(run_dir)
            if not outer.alive():
                raise BenchError(f"the client in the outer terminal exited during {run_dir.name}")
            return (run_dir / "result").exists()

        wait_for(finished, self.args.timeout, f"the result of {run_dir.name} (cat of {self.big})", 0.05)
        after = (outer.received(), proc_cpu_ticks(server_pid), proc_cpu_ticks(client_pid), sink_cpu())
        start, end = map(float, (run_dir / "result").read_text().split())
        final = (run_dir / "size.final").read_text().split()
        elapsed = end - start
        return {
            "seconds": elapsed,
            "mb_per_s": self.size / 1e6 / elapsed,
            "pane": f"{final[1]}x{final[0]}",
            "client_bytes": after[0] - before[0],
            # CPU from `go` until the harness saw the result (up to 50 ms more than the cat).
            "server_cpu_s": (after[1] - before[1]) / CLOCK_TICKS,
            "client_cpu_s": (after[2] - before[2]) / CLOCK_TICKS,
            # This script, mostly the outer terminal's reader thread.
            "sink_cpu_s": after[3] - before[3],
        }

    # -- grove -------------------------------------------------------------

    def run_grove(self, index: int) -> dict:
        name = f"drain-{index}"
        run_dir = self.runs_dir / name
        grove = Grove(self.sandbox, self.grove_bin)
        grove.new(self.repo, name, "drain")
        server = grove.wait_server()
        try:
            wait_for(lambda: self.read_size(run_dir), self.args.ready_timeout, f"the agent of {name} to start")
            detached = self.read_size(run_dir)
            outer = OuterTerminal(self.sandbox, [self.grove_bin], self.args.cols, self.args.rows, cwd=self.repo)
            size = self.stable_size(run_dir, changed_from=detached)
            outer.wait_quiet(0.3, self.args.ready_timeout, "the dashboard's first frames")
            if self.pane_size is None:
                self.pane_size = size
            elif size != self.pane_size:
                raise BenchError(f"grove gave {name} a {size[1]}x{size[0]} pane, earlier runs {self.pane_size}")
            figures = self.timed_cat(run_dir, outer, server)
        except BenchError as error:
            raise BenchError(f"{error}\n--- grove server log (tail) ---\n{grove.server_log_tail()}") from error
        outer.close()
        grove.stop_server()
        # The next run's dashboard must show one pane only.
        grove.run("rm", "--force", name, cwd=self.repo)
        return figures

    # -- tmux --------------------------------------------------------------

    def run_tmux(self, index: int) -> dict:
        name = f"tmux-{index}"
        run_dir = self.runs_dir / name
        rows, cols = self.pane_size
        tmux = Tmux(self.sandbox, self.tmux_bin, f"drain-{index}")
        # The window is what the attached client leaves below tmux's status line.
        width, height = self.args.cols, self.args.rows - 1
        left = width - cols - 1
        below = height - rows - 1
        if left < 1 or below < 1:
            raise BenchError(f"a {cols}x{rows} pane leaves no room for tmux's layout in {width}x{height}")
        agent = shlex.join(["sh", str(self.agent), str(self.runs_dir), str(self.big), name, str(self.polls)])
        tmux.run("new-session", "-d", "-s", "bench", "-x", width, "-y", height, "sh")
        tmux.run("split-window", "-h", "-t", "bench:0.0", "-l", cols, agent)
        tmux.run("split-window", "-v", "-t", "bench:0.1", "-l", below, "sh")
        server = tmux.wait_server()
        outer = OuterTerminal(
            self.sandbox, tmux.argv("attach-session", "-t", "bench"), self.args.cols, self.args.rows
        )
        wait_for(
            lambda: tmux.run("list-clients", "-t", "bench").stdout.strip(),
            self.args.ready_timeout,
            "the tmux client to attach",
        )
        size = self.stable_size(run_dir)
        outer.wait_quiet(0.3, self.args.ready_timeout, "tmux's first frames")
        if size != self.pane_size:
            raise BenchError(f"tmux's drain pane is {size[1]}x{size[0]}, grove's {cols}x{rows}")
        figures = self.timed_cat(run_dir, outer, server)
        outer.close()
        tmux.stop_server()
        return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per multiplexer (default 3)")
    parser.add_argument("--mb", type=float, default=100, help="size of the generated file in MB (default 100)")
    parser.add_argument("--file", type=Path, help="use this file instead of generating one")
    parser.add_argument("--cols", type=int, default=200, help="outer terminal columns (default 200)")
    parser.add_argument("--rows", type=int, default=50, help="outer terminal rows (default 50)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one cat may take (default 300)")
    parser.add_argument("--ready-timeout", type=float, default=30, help="seconds to wait for set-up steps")
    parser.add_argument("--grove", help="grove binary (default target/release/grove)")
    parser.add_argument("--tmux", help="tmux binary (default: tmux on PATH)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    load_start = os.getloadavg()

    try:
        grove_bin = find_grove(args.grove)
        tmux_bin = find_tmux(args.tmux)
        sandbox = Sandbox("grove-bench-drain-", keep=args.keep)
        if args.file:
            big = args.file.resolve()
            if not big.is_file():
                raise BenchError(f"{big} is not a file")
        else:
            big = sandbox.root / "agent.txt"
            size, sha = agentfile.generate(str(big), args.mb)
            log(f"generated {big.name}: {size} bytes, sha256 {sha[:16]}…")
        bench = Drain(args, sandbox, grove_bin, tmux_bin, big)
        results = {"grove": [], "tmux": []}
        for index in range(1, args.runs + 1):
            # Alternate; the first run is grove's, and it fixes the pane size tmux gets.
            for side in ("grove", "tmux") if index % 2 else ("tmux", "grove"):
                figures = bench.run_grove(index) if side == "grove" else bench.run_tmux(index)
                results[side].append(figures)
                log(
                    f"{side} run {index}: {figures['mb_per_s']:.1f} MB/s ({figures['seconds']:.2f} s), "
                    f"pane {figures['pane']}, server CPU {figures['server_cpu_s']:.2f} s, "
                    f"client CPU {figures['client_cpu_s']:.2f} s, sink CPU {figures['sink_cpu_s']:.2f} s, "
                    f"{figures['client_bytes'] / 1e6:.1f} MB to the terminal"
                )
    except BenchError as error:
        print(f"drain: {error}", file=sys.stderr)
        return 1

    summary = {
        side: {key: median([r[key] for r in runs]) for key in runs[0] if key != "pane"}
        for side, runs in results.items()
    }
    ratio = summary["grove"]["mb_per_s"] / summary["tmux"]["mb_per_s"]
    rows, cols = bench.pane_size
    sys.stderr.flush()
    print(flush=True)
    print(f"drain: {bench.size / 1e6:.1f} MB, pane {cols}x{rows} in a {args.cols}x{args.rows} outer terminal, "
          f"{args.runs} runs each, medians")
    print(f"  grove  {tool_version([grove_bin, '--version'])}")
    print(f"  tmux   {tool_version([tmux_bin, '-V'])}")
    print(f"  {platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}, "
          f"load average {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    print(f"  {'':6} {'MB/s':>7} {'seconds':>8} {'server CPU s':>13} {'client CPU s':>13} "
          f"{'sink CPU s':>11} {'MB to terminal':>15}")
    for side in ("grove", "tmux"):
        s = summary[side]
        print(f"  {side:6} {s['mb_per_s']:7.1f} {s['seconds']:8.2f} {s['server_cpu_s']:13.2f} "
              f"{s['client_cpu_s']:13.2f} {s['sink_cpu_s']:11.2f} {s['client_bytes'] / 1e6:15.1f}")
    print(f"  grove/tmux throughput ratio: {ratio:.2f}x (target >= 1.5x)")
    print(f"  per run MB/s: grove {[round(r['mb_per_s'], 1) for r in results['grove']]}, "
          f"tmux {[round(r['mb_per_s'], 1) for r in results['tmux']]}")
    if args.json:
        args.json.write_text(json.dumps({"file_bytes": bench.size, "pane": [cols, rows],
                                         "runs": results, "median": summary, "ratio": ratio}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
