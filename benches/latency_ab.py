#!/usr/bin/env python3
"""Key-to-echo latency of two or more grove builds, interleaved, with 0 panes flooding.

latency.py compares grove with tmux, one bench at a time. Between two such
benches this VM's own noise moves grove's median by up to 0.2 ms, more than
most changes on the echo path are worth. This script measures several grove
binaries (and, with --tmux, tmux) in one sandbox, alternating A B ... then
... B A, so a change is judged against its base under the same conditions.
Each run is latency.py's set-up (17 tiled panes, the echo pane focused, the
other 16 waiting on a lock) and its 0-flooding phase only. It also reports
the CPU that the multiplexer's processes (server and client) used per key.

    python3 benches/latency_ab.py /tmp/base/grove target/release/grove --tmux
    python3 benches/latency_ab.py A B --rounds 3 --keys 600
    python3 benches/latency_ab.py A --tmux --panes 1     # the echo pane alone, filling the window
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import latency  # noqa: E402
from benchlib import BenchError, Sandbox, find_tmux, proc_cpu_ticks  # noqa: E402

TMUX = "tmux"


def cpu_ticks(side: str, binary: str) -> int:
    """utime + stime of every process of the multiplexer under test."""
    pattern = ["-x", "tmux: (server|client)"] if side == TMUX else ["-f", f"^{binary}( |$)"]
    pids = subprocess.run(["pgrep", *pattern], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in pids:
        try:
            total += proc_cpu_ticks(int(pid))
        except (OSError, ValueError):
            pass  # exited meanwhile
    return total


class Bench(latency.Bench):
    def measure(self, outer, flood_dir, side):
        """The 0-flooding phase only, with the CPU it took."""
        self.key_index = 0
        outer.wait_quiet(0.5, self.args.ready_timeout, f"{side}'s first frames")
        self.time_keys(outer, 20, f"{side} warm-up")
        binary = str(self.grove_bin)
        before = cpu_ticks(side, binary)
        figures = {"idle": self.time_keys(outer, self.args.keys, f"{side}, 0 flooding")}
        used = cpu_ticks(side, binary) - before
        figures["cpu_ms_per_key"] = used * 1000 / os.sysconf("SC_CLK_TCK") / self.args.keys
        figures["flood"] = {"terminal_mb_per_s": 0}
        return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+", help="grove binaries to compare")
    parser.add_argument("--tmux", action="store_true", help="measure tmux too, as a reference")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each (default 2)")
    parser.add_argument("--keys", type=int, default=400, help="timed keys per run (default 400)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the gaps between keys")
    parser.add_argument("--panes", type=int, default=latency.FLOODERS + 1,
                        help="panes in the window, the echo pane among them (default 17, as latency.py); "
                             "with 1 the echo pane fills the window")
    args = parser.parse_args()
    if args.panes < 1:
        print("latency_ab: --panes must be at least 1 (the echo pane)", file=sys.stderr)
        return 2
    # The other panes wait on the harness's lock, as latency.py's flood panes do before they flood.
    latency.FLOODERS = args.panes - 1
    settings = argparse.Namespace(
        runs=1, keys=args.keys, min_gap_ms=20, max_gap_ms=100, key_timeout=5, flood_mb=1, warm_mb=1,
        history=2000, fill_mb=0.1, cols=200, rows=50, seed=args.seed, ready_timeout=30,
    )
    sides = [str(Path(b).resolve()) for b in args.binaries] + ([TMUX] if args.tmux else [])
    results: dict[str, list[dict]] = {side: [] for side in sides}
    try:
        sandbox = Sandbox("grove-bench-latency-ab-", keep=False)
        bench = Bench(settings, sandbox, Path(sides[0]), find_tmux(None))
        for index in range(args.rounds):
            for side in sides if index % 2 == 0 else sides[::-1]:
                if side == TMUX:
                    figures = bench.latency_tmux()
                else:
                    bench.grove_bin = Path(side)
                    figures = bench.latency_grove()
                results[side].append(figures)
                ms = figures["idle"]["ms"]
                latency.log(f"round {index + 1} {side}: p50 {latency.percentile(ms, 50):.3f} "
                            f"p99 {latency.percentile(ms, 99):.3f} ms, {figures['cpu_ms_per_key']:.3f} ms CPU a key")
    except BenchError as error:
        print(f"latency_ab: {error}", file=sys.stderr)
        return 1
    print(f"\n0 flooding, {args.panes} panes, {args.rounds} runs x {args.keys} keys each, interleaved")
    print(f"  {'':40} {'n':>5} {'p50':>6} {'p90':>6} {'p95':>6} {'p99':>6} {'CPU/key':>8}  (ms)")
    for side in sides:
        ms = [x for run in results[side] for x in run["idle"]["ms"]]
        cpu = sum(run["cpu_ms_per_key"] for run in results[side]) / len(results[side])
        row = " ".join(f"{latency.percentile(ms, p):6.3f}" for p in (50, 90, 95, 99))
        print(f"  {side[-40:]:40} {len(ms):5d} {row} {cpu:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
