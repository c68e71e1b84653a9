#!/usr/bin/env python3
"""Resize storm benchmark: the SIGWINCHes each pane's program gets while panes are made in a row.

Each new workspace changes every tile of the dashboard, and each resize of a
pane's PTY sends its program SIGWINCH; an agent like Claude Code answers each
one by redrawing its whole screen (CPU, and a garbled screen when a resize
lands in the middle of a redraw). grove spaces one pane's resizes at least
250 ms apart (RESIZE_SPACING, src/server/panes.rs): the first goes at once, of
those that follow within the spacing only the last size is applied when it is
up. This counts what the programs see, in grove and tmux in the same run.

The agent (both sides) is a small Python script written into the sandbox, run
with `-I -S` so that it hears SIGWINCH ~10 ms after it is spawned. It appends
to a file named after its pane ($GROVE_WORKSPACE in grove, an argument in
tmux): its start (time, size, pid), one line per SIGWINCH (time.monotonic()
and the new size from the TIOCGWINSZ ioctl, as `stty size` reads it), and on
SIGUSR1 its size at that moment. It prints `ready` and sleeps; a signal runs
its handler at once (not after a sleep ends, as a shell's trap would), so the
times are the signals' times, give or take the scheduler.

grove: a repository whose .grove.yaml has the profile `winch` running the
agent; the dashboard (`grove` in the repository) runs in a --cols x --rows
outer terminal (default 200x50). `grove new w01 --agent winch`, and once its
agent has started and had no SIGWINCH for 0.5 s, `grove new w02 … wNN` one
after another (each waited for, nothing else in between).

tmux: a server on a private socket (`-f /dev/null`), a session of --cols x
(--rows - 1) whose one pane runs the agent, `tmux attach` in an outer terminal
of the same size (tmux sizes the window from a real client, as grove does
from its dashboard), the same 0.5 s wait, then --panes - 1 times
`split-window` + `select-layout tiled`, each waited for.

Then, on both sides, the agents must all have started and no pane may get a
SIGWINCH for --settle seconds (default 2: late resizes still count). Each agent
is sent SIGUSR1 and must report a size equal to the last one it was sent (a
mismatch means a SIGWINCH was lost; it is reported). Per side and run:

* SIGWINCH total over all panes and the most any one pane got, counted from
  each agent's start (a resize before it, such as a new pane's first, is not
  seen: its start line has that size);
* the smallest gap between two consecutive SIGWINCH of one pane (ms), and how
  many gaps were under 230 ms (the 250 ms spacing less 20 ms of slack: the
  agent's handler can run ~10 ms late on a busy machine, and a gap whose first
  stamp is late looks short);
* `creations s`: the wall time of creations 2..N, so the reader sees how close
  together they came.

Runs alternate (grove, tmux, tmux, grove, …), each side fresh per run; the
table shows medians. --json FILE writes every figure, with each pane's
SIGWINCH times (s since the first creation of the burst) and sizes.

    python3 benches/resize_storm.py [--panes 10] [--runs 3] [--settle 2] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (  # noqa: E402
    BenchError,
    Grove,
    OuterTerminal,
    Sandbox,
    Tmux,
    find_grove,
    find_tmux,
    log,
    median,
    tool_version,
    wait_for,
)

SPACING_MS = 250  # grove's RESIZE_SPACING
# A gap counts as too close under the spacing less this. The agent stamps a SIGWINCH when its
# handler runs, which on a busy 2-CPU machine can be ~10 ms after the resize: a gap whose first
# stamp came late looks short (tmux's 250 ms showed up as 248, grove's as 240).
SLACK_MS = 20
CLOSE_MS = SPACING_MS - SLACK_MS

AGENT = r'''
import os, signal, sys, time

def size():
    cols, rows = os.get_terminal_size(0)
    return f"{rows} {cols}"

def note(kind):
    os.write(fd, f"{kind} {time.monotonic():.6f} {size()} {os.getpid()}\n".encode())

name = sys.argv[2] if len(sys.argv) > 2 else os.environ["GROVE_WORKSPACE"]
fd = os.open(os.path.join(sys.argv[1], name), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
# Handlers before the start line: a SIGWINCH before them goes unheard (Python ignores it by
# default), but then the start line has the size it brought.
signal.signal(signal.SIGWINCH, lambda *_: note("winch"))
signal.signal(signal.SIGUSR1, lambda *_: note("now"))
note("start")
print("ready", flush=True)
while True:
    time.sleep(3600)  # a signal runs its handler at once, then the sleep goes on
'''


def read_pane(path: Path) -> dict:
    """One agent's file: start (t, rows, cols), pid, every winch (t, rows, cols), the last `now` size."""
    pane = {"start": None, "pid": None, "winch": [], "now": None}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 5:
            continue  # a line being written
        kind, t, rows, cols, pid = parts[0], float(parts[1]), int(parts[2]), int(parts[3]), int(parts[4])
        if kind == "start":
            pane["start"], pane["pid"] = (t, rows, cols), pid
        elif kind == "winch":
            pane["winch"].append((t, rows, cols))
        elif kind == "now":
            pane["now"] = (rows, cols)
    return pane


class Storm:
    def __init__(self, args, sandbox: Sandbox, grove_bin: Path, tmux_bin: Path):
        self.args, self.sandbox = args, sandbox
        self.grove_bin, self.tmux_bin = grove_bin, tmux_bin
        script = sandbox.root / "winch.py"
        script.write_text(AGENT)
        # -I -S: no site packages to import, so the agent starts (and can hear SIGWINCH) in ~10 ms.
        self.agent = [sys.executable, "-I", "-S", str(script)]
        self.names = [f"w{i:02}" for i in range(1, args.panes + 1)]

    def files(self, out: Path) -> dict[str, Path]:
        return {name: out / name for name in self.names}

    def quiet_since(self, out: Path, names, quiet: float, what: str) -> None:
        """Waits until every named agent has started and no file changed for `quiet` s."""
        state = {"sig": None, "since": time.monotonic()}

        def settled():
            paths = [out / n for n in names]
            if not all(p.exists() for p in paths):
                return False
            sig = tuple(p.stat().st_size for p in paths)
            now = time.monotonic()
            if sig != state["sig"]:
                state["sig"], state["since"] = sig, now
            return now - state["since"] >= quiet

        wait_for(settled, self.args.ready_timeout + quiet, what, 0.05)

    def burst(self, create) -> dict:
        """Makes panes 2..N one after another; when each creation started and ended (monotonic s)."""
        made = {}
        for name in self.names[1:]:
            before = time.monotonic()
            create(name)
            made[name] = (before, time.monotonic())
        return made

    def collect(self, out: Path, burst: dict) -> dict:
        """Asks every agent for its size, reads the files and sums them up."""
        panes = {name: read_pane(path) for name, path in self.files(out).items()}
        for pane in panes.values():
            os.kill(pane["pid"], signal.SIGUSR1)

        def reported():
            again = {name: read_pane(path) for name, path in self.files(out).items()}
            return again if all(pane["now"] for pane in again.values()) else None

        panes = wait_for(reported, self.args.ready_timeout, "every agent to report its size (SIGUSR1)")
        # Every time below is in seconds since the burst's first creation started.
        t0 = burst[self.names[1]][0]
        figures = {"creations_s": burst[self.names[-1]][1] - t0, "panes": {}}
        gaps, lost = [], []
        for name, pane in panes.items():
            times = [t for t, _, _ in pane["winch"]]
            pane_gaps = [b - a for a, b in zip(times, times[1:])]
            gaps += pane_gaps
            last = pane["winch"][-1][1:] if pane["winch"] else pane["start"][1:]
            if tuple(pane["now"]) != tuple(last):
                lost.append(name)
                log(f"{name}: the agent's size is {pane['now']}, its last SIGWINCH said {last}: one was lost")
            figures["panes"][name] = {
                "created": [round(t - t0, 4) for t in burst.get(name, ())],
                "start": [round(pane["start"][0] - t0, 4), *pane["start"][1:]],
                "winch": [[round(t - t0, 4), rows, cols] for t, rows, cols in pane["winch"]],
                "gaps_ms": [round(g * 1000, 1) for g in pane_gaps],
                "final": f"{pane['now'][1]}x{pane['now'][0]}",
            }
        counts = [len(p["winch"]) for p in figures["panes"].values()]
        figures.update(
            total=sum(counts),
            most=max(counts),
            min_gap_ms=min(gaps) * 1000 if gaps else None,
            too_close=sum(1 for g in gaps if g * 1000 < CLOSE_MS),
            lost=lost,
        )
        return figures

    def run_grove(self, index: int) -> dict:
        out = self.sandbox.root / f"grove-{index}"
        out.mkdir()
        yaml = f'agents:\n  winch: {{ command: {json.dumps([*self.agent, str(out)])} }}\n'
        repo = self.sandbox.make_repo(f"repo-{index}", yaml)
        grove = Grove(self.sandbox, self.grove_bin)
        try:
            outer = OuterTerminal(self.sandbox, [self.grove_bin], self.args.cols, self.args.rows, cwd=repo)
            grove.wait_server()
            wait_for(lambda: outer.received() > 0, self.args.ready_timeout, "the grove dashboard's first frame")
            outer.wait_quiet(0.3, self.args.ready_timeout, "the dashboard's first frames")
            grove.new(repo, self.names[0], "winch")
            self.quiet_since(out, self.names[:1], 0.5, "the first agent to start and keep its size")
            burst = self.burst(lambda name: grove.new(repo, name, "winch"))
            self.quiet_since(out, self.names, self.args.settle, f"{self.args.panes} agents and no SIGWINCH")
            if not outer.alive():
                raise BenchError("the grove dashboard exited")
            figures = self.collect(out, burst)
        except BenchError as error:
            raise BenchError(f"{error}\n--- grove server log (tail) ---\n{grove.server_log_tail()}") from error
        outer.close()
        grove.stop_server()
        return figures

    def run_tmux(self, index: int) -> dict:
        out = self.sandbox.root / f"tmux-{index}"
        out.mkdir()
        tmux = Tmux(self.sandbox, self.tmux_bin, f"storm-{index}")
        agent = [*self.agent, out]
        # The window is the client's terminal less tmux's status line.
        tmux.run("new-session", "-d", "-s", "storm", "-x", self.args.cols, "-y", self.args.rows - 1,
                 *agent, self.names[0])
        tmux.wait_server()
        outer = OuterTerminal(self.sandbox, tmux.argv("attach-session", "-t", "storm"),
                              self.args.cols, self.args.rows)
        wait_for(lambda: tmux.run("list-clients").stdout.strip(), self.args.ready_timeout,
                 "the tmux client to attach")
        self.quiet_since(out, self.names[:1], 0.5, "the first agent to start and keep its size")

        def create(name):
            tmux.run("split-window", "-t", "storm:0", *agent, name)
            tmux.run("select-layout", "-t", "storm:0", "tiled")

        burst = self.burst(create)
        self.quiet_since(out, self.names, self.args.settle, f"{self.args.panes} agents and no SIGWINCH")
        if not outer.alive():
            raise BenchError("the tmux client exited")
        figures = self.collect(out, burst)
        outer.close()
        tmux.stop_server()
        return figures


COLUMNS = (("total", "SIGWINCH", "{:.0f}"), ("most", "most/pane", "{:.0f}"),
           ("min_gap_ms", "min gap ms", "{:.0f}"), ("too_close", f"gaps<{CLOSE_MS}ms", "{:.0f}"),
           ("creations_s", "creations s", "{:.2f}"))


def cell(values, fmt: str) -> str:
    """The median of the values that exist (a pane with one SIGWINCH has no gap), or `-`."""
    values = [v for v in values if v is not None]
    return fmt.format(median(values)) if values else "-"


def gap(figures: dict) -> str:
    return cell([figures["min_gap_ms"]], "{:.0f}")


def report(args, grove_bin: Path, tmux_bin: Path, runs: dict, load_start) -> None:
    print()
    print(f"resize storm: {args.panes} panes made one after another under a {args.cols}x{args.rows} client, "
          f"{args.runs} runs each, medians")
    print(f"  grove  {tool_version([grove_bin, '--version'])}")
    print(f"  tmux   {tool_version([tmux_bin, '-V'])}")
    print(f"  {platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}, "
          f"load average {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    print()
    print(f"    {'':6}" + "".join(f"{head:>13}" for _, head, _ in COLUMNS) + "   per run: SIGWINCH / min gap ms")
    for side, figures in runs.items():
        cells = "".join(f"{cell([f[key] for f in figures], fmt):>13}" for key, _, fmt in COLUMNS)
        per_run = ", ".join(f"{f['total']} / {gap(f)}" for f in figures)
        print(f"    {side:6}{cells}   {per_run}")
    print()
    for side, figures in runs.items():
        sizes = sorted({p["final"] for f in figures for p in f["panes"].values()})
        lost = sum(len(f["lost"]) for f in figures)
        print(f"    {side}: final pane sizes {', '.join(sizes)}" + (f"; {lost} SIGWINCH lost" if lost else ""))
    print(f"    SIGWINCH: over all {args.panes} panes, from each agent's start; most/pane: the most one pane got;")
    print(f"    min gap: the closest two of one pane; creations s: wall time of creations 2..{args.panes}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--panes", type=int, default=10, help="panes made per run (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs per multiplexer (default 3)")
    parser.add_argument("--settle", type=float, default=2,
                        help="seconds without a SIGWINCH that end a run (default 2)")
    parser.add_argument("--cols", type=int, default=200, help="outer terminal columns (default 200)")
    parser.add_argument("--rows", type=int, default=50, help="outer terminal rows (default 50)")
    parser.add_argument("--ready-timeout", type=float, default=30, help="seconds to wait for set-up steps")
    parser.add_argument("--grove", help="grove binary (default target/release/grove)")
    parser.add_argument("--tmux", help="tmux binary (default: tmux on PATH)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.panes < 2 or args.runs < 1:
        parser.error("need at least 2 panes and 1 run")
    load_start = os.getloadavg()

    runs: dict[str, list[dict]] = {"grove": [], "tmux": []}
    try:
        grove_bin = find_grove(args.grove)
        tmux_bin = find_tmux(args.tmux)
        sandbox = Sandbox("grove-bench-storm-", keep=args.keep)
        storm = Storm(args, sandbox, grove_bin, tmux_bin)
        for index in range(args.runs):
            order = ("grove", "tmux") if index % 2 == 0 else ("tmux", "grove")
            for side in order:
                figures = storm.run_grove(index) if side == "grove" else storm.run_tmux(index)
                runs[side].append(figures)
                log(f"run {index + 1}/{args.runs} {side}: {figures['total']} SIGWINCH, most {figures['most']} "
                    f"on one pane, min gap {gap(figures)} ms, creations {figures['creations_s']:.2f} s")
    except BenchError as error:
        print(f"resize_storm: {error}", file=sys.stderr)
        return 1

    sys.stderr.flush()
    report(args, grove_bin, tmux_bin, runs, load_start)
    if args.json:
        args.json.write_text(json.dumps({"panes": args.panes, "cols": args.cols, "rows": args.rows,
                                         "settle_s": args.settle, "runs": runs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
