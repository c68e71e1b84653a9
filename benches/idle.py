#!/usr/bin/env python3
"""Idle benchmark: what a multiplexer server costs when nothing happens.

A grove server with 16 workspaces whose agents are idle `sh` shells, and a tmux
server (private socket, `-f /dev/null`, so tmux's defaults) with one window of
16 tiled panes running idle `sh`, measured side by side over the same window of
--seconds (default 30):

* CPU: utime + stime of the server process (all threads) from /proc/PID/stat,
  before and after, in clock ticks, shown in ms
  (and, finer, the threads' run time from /proc/PID/task/*/schedstat, in µs);
* wakeups: voluntary + nonvoluntary context switches summed over every thread
  of the server (/proc/PID/task/*/status), before and after; the threads are
  polled every 0.1 s so one that exits in the window still counts (+1 for its
  exit), and the threads that woke are listed.

Only the server process is counted (not the shells, not the client).

Phase 1 has no client attached. Phase 2 (skip with --no-attached) attaches one
client to each, both in outer terminals of --cols x --rows (default 200x50;
grove shows its 16 panes tiled, tmux its 16 tiled panes), and measures again,
counting the client process too.

Before each window both servers must settle: right after the 16 `grove new`s
(or an attach) a server is still finishing start-up work, so the window starts
only once neither server has had a context switch for --settle seconds
(default 2), waiting at most --settle-timeout seconds (default 60; a server
that never settles is reported and measured anyway). With the default, grove's
window still sees one tokio blocking-pool thread retire (tokio keeps an idle
blocking thread 10 s); --settle 12 waits that out and shows the steady state.

    python3 benches/idle.py [--seconds 30] [--panes 16] [--no-attached] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    proc_threads,
    tool_version,
    wait_for,
    watch_window,
)


def settle(pids: dict[str, int], quiet: float, timeout: float) -> dict[str, float | None]:
    """Waits until every process in `pids` has gone `quiet` s without a context switch.

    Returns, per name, how long it took to settle, or None if it did not within `timeout`.
    """
    start = time.monotonic()
    last = {name: sum(c for c, _ in proc_threads(pid).values()) for name, pid in pids.items()}
    since = {name: start for name in pids}
    settled: dict[str, float | None] = {name: None for name in pids}
    while time.monotonic() - start < timeout:
        time.sleep(0.1)
        now = time.monotonic()
        for name, pid in pids.items():
            count = sum(c for c, _ in proc_threads(pid).values())
            if count != last[name]:
                last[name], since[name] = count, now
                settled[name] = None
            elif settled[name] is None and now - since[name] >= quiet:
                settled[name] = now - start
        if all(v is not None for v in settled.values()):
            break
    for name, took in settled.items():
        if took is None:
            log(f"warning: {name} did not go {quiet:g} s without a wakeup within {timeout:g} s")
    return settled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30, help="measurement window (default 30)")
    parser.add_argument("--panes", type=int, default=16, help="idle shells per server (default 16)")
    parser.add_argument("--settle", type=float, default=2, help="quiet seconds required before a window")
    parser.add_argument("--settle-timeout", type=float, default=60)
    parser.add_argument("--no-attached", action="store_true", help="skip the phase with a client attached")
    parser.add_argument("--cols", type=int, default=200)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--ready-timeout", type=float, default=30, help="seconds to wait for set-up steps")
    parser.add_argument("--grove", help="grove binary (default target/release/grove)")
    parser.add_argument("--tmux", help="tmux binary (default: tmux on PATH)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    load_start = os.getloadavg()

    phases = {}
    try:
        grove_bin = find_grove(args.grove)
        tmux_bin = find_tmux(args.tmux)
        sandbox = Sandbox("grove-bench-idle-", keep=args.keep)
        repo = sandbox.make_repo("repo", 'agents:\n  idle: { command: ["sh"] }\n')

        grove = Grove(sandbox, grove_bin)
        names = [f"idle-{i:02}" for i in range(1, args.panes + 1)]
        for name in names:
            grove.new(repo, name, "idle")
        grove_pid = grove.wait_server()
        wait_for(
            lambda: all(grove.statuses(repo).get(n) == "running" for n in names),
            args.ready_timeout,
            f"{args.panes} grove workspaces to show `running`",
            0.2,
        )

        tmux = Tmux(sandbox, tmux_bin, "idle")
        tmux.run("new-session", "-d", "-s", "idle", "-x", args.cols, "-y", args.rows - 1, "sh")
        for _ in range(args.panes - 1):
            tmux.run("split-window", "-t", "idle:0", "sh")
            tmux.run("select-layout", "-t", "idle:0", "tiled")
        tmux_pid = tmux.wait_server()
        panes = tmux.run("list-panes", "-a", "-F", "#{pane_pid}").stdout.split()
        if len(panes) != args.panes:
            raise BenchError(f"tmux has {len(panes)} panes, wanted {args.panes}")

        servers = {"grove server": grove_pid, "tmux server": tmux_pid}
        log(f"grove server {grove_pid} and tmux server {tmux_pid} each run {args.panes} idle shells; settling")
        settled = settle(servers, args.settle, args.settle_timeout)
        log(f"settled after {settled}; measuring {args.seconds:g} s with no client attached")
        phases["no client"] = {"settle_s": settled, "figures": watch_window(servers, args.seconds)}

        if not args.no_attached:
            grove_client = OuterTerminal(sandbox, [grove_bin], args.cols, args.rows, cwd=repo)
            tmux_client = OuterTerminal(sandbox, tmux.argv("attach-session", "-t", "idle"), args.cols, args.rows)
            wait_for(
                lambda: tmux.run("list-clients").stdout.strip(), args.ready_timeout, "the tmux client to attach"
            )
            wait_for(lambda: grove_client.received() > 0, args.ready_timeout, "the grove dashboard's first frame")
            for outer in (grove_client, tmux_client):
                outer.wait_quiet(0.5, args.ready_timeout, "the first frames to go out")
            watched = dict(servers)
            watched["grove client"] = grove_client.process.pid
            watched["tmux client"] = tmux_client.process.pid
            settled = settle(watched, args.settle, args.settle_timeout)
            log(f"settled after {settled}; measuring {args.seconds:g} s with one client attached to each")
            before = {"grove": grove_client.received(), "tmux": tmux_client.received()}
            figures = watch_window(watched, args.seconds)
            figures["grove client"]["terminal_bytes"] = grove_client.received() - before["grove"]
            figures["tmux client"]["terminal_bytes"] = tmux_client.received() - before["tmux"]
            phases["one client"] = {"settle_s": settled, "figures": figures}
            for outer in (grove_client, tmux_client):
                if not outer.alive():
                    raise BenchError("a client exited during the idle window")
    except BenchError as error:
        print(f"idle: {error}", file=sys.stderr)
        return 1

    print()
    print(f"idle: {args.panes} idle `sh` per server, {args.seconds:g} s windows, measured side by side")
    print(f"  grove  {tool_version([grove_bin, '--version'])}")
    print(f"  tmux   {tool_version([tmux_bin, '-V'])}")
    print(f"  {platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}, "
          f"load average {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    for phase, data in phases.items():
        print(f"  {phase}:")
        print(f"    {'process':14} {'CPU ms':>7} {'sched µs':>8} {'wakeups':>8} {'per s':>6} {'threads':>8} {'exited':>7}"
              "  which threads woke (tid name: switches)")
        for name, f in data["figures"].items():
            woke = ", ".join(f"{k}: {v}" for k, v in sorted(f["woke"].items(), key=lambda kv: -kv[1])) or "-"
            print(f"    {name:14} {f['cpu_ms']:7.0f} {f['cpu_us_schedstat']:8.0f} {f['wakeups']:8d} "
                  f"{f['wakeups'] / f['seconds']:6.2f} "
                  f"{f['threads']:8d} {f['threads_exited']:7d}  {woke}")
        g, t = data["figures"]["grove server"], data["figures"]["tmux server"]
        print(f"    grove/tmux: CPU {ratio(g['cpu_ms'], t['cpu_ms'])}, wakeups {ratio(g['wakeups'], t['wakeups'])}")
    if args.json:
        args.json.write_text(json.dumps({"panes": args.panes, "seconds": args.seconds, "phases": phases}, indent=2))
    return 0


def ratio(a: float, b: float) -> str:
    if b == 0:
        return "n/a (tmux 0)" if a else "0/0"
    return f"{a / b:.2f}x"


if __name__ == "__main__":
    sys.exit(main())
