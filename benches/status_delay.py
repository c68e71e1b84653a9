#!/usr/bin/env python3
"""Status delay benchmark: from a state change on an agent's screen to the sidebar showing it.

Issue 5's target: the dashboard's sidebar follows an agent's state change
within 1 s.

Two workspaces run the same fake agent (a small Python script written into
the sandbox), each under its own profile in the repository's `.grove.yaml`:

- `ruled`, with status rules over the lowest 4 non-blank rows: waiting
  `Allow\\?`, working `esc to interrupt`, idle `READY>`;
- `plain`, with no rules (`rows: 0`): output decides (printing is working,
  0.7 s without output is idle) and an OSC 9 notification means waiting;
- `titled`, the rules of `ruled` plus a title rule for working, over a
  title the agent sets as claude and codex do: a braille spinner frame
  (`⠋ agent`) while it works, `✳ agent` otherwise. While the title says
  working, a look reads no screen rows (`Tracker::rows_to_read`).

The fake agent draws a full screen for each state: idle is a transcript, a
rule and the prompt `READY> ` with no further output; working adds a spinner
line `⠋ Thinking… (Ns · esc to interrupt)` above the prompt and redraws it
every 0.1 s (so it keeps printing); waiting replaces the prompt with an
approval question `Allow? …` and, for `plain`, an OSC 9 notification carrying
the question. It takes orders from a FIFO (a blocking read, no polling),
draws the new screen with one write to its terminal and then appends to a
log file the `time.monotonic()` taken just before that write (and one taken
after it; CLOCK_MONOTONIC, the same clock in every process on Linux). The
time before the write is the reference: on 2 CPUs the agent can lose the CPU
inside its write while grove reads, decides and draws, so a time taken after
the write can come later than the sidebar's change.

The dashboard runs in a --cols x --rows PTY whose output is parsed by a tiny
VT parser (benchlib.Screen); before each order the benchmark starts watching
the sidebar line of that workspace for the glyph of the new state (● working,
? waiting, ○ or ✓ idle: seen or unseen, src/ui/theme.rs `status_glyph`). The
reader thread notes the `time.monotonic()` at which the read that made it
true arrived. The delay is that time minus the agent's. Each profile goes
through --cycles cycles (default 30) of idle → working → waiting → working →
idle, so every kind of transition is measured --cycles times; after the
sidebar shows a state the agent holds it for a random 0.15–0.6 s (seeded, so
the phase against the tracker's 100 ms look interval varies). A transition
whose glyph does not show within --timeout seconds counts as missed.

Expected from the tracker's constants (src/agent/status.rs): output from an
agent that is not working is read at once (at most one look per 100 ms), so
idle → working and waiting → working show at the next look (a working rule
about an idle agent must hold at a second look 100 ms later, WORK_SETTLE); a
working agent's output is read once it pauses for 150 ms (OUTPUT_SETTLE), or
500 ms (LOOK_CEILING) after the first unread output if it never pauses, so
working → waiting shows ~150 ms after the question is drawn; a rule saying
idle after working must hold for 300 ms more (IDLE_SETTLE); without rules
idle takes 0.7 s of quiet (QUIET). Frames go out at most every 16 ms.

Also reported: the server's `status_looks` and `status_changes` counters
(`grove stats --json`) per profile. Everything runs in a temporary directory
(see benchlib.Sandbox), removed on exit, also on an error or Ctrl-C.

    python3 benches/status_delay.py [--cycles 30] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
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
    find_grove,
    log,
    tool_version,
    wait_for,
)

# The dashboard's sidebar is this many columns wide (ui::layout::SIDEBAR_WIDTH).
SIDEBAR_COLUMNS = 32
# The sidebar glyphs each state may show (ui::theme::status_glyph).
GLYPHS = {"working": ("●",), "waiting": ("?",), "idle": ("○", "✓")}
PROFILES = ("ruled", "plain", "titled")
# One cycle; the transitions measured are each pair of neighbours.
CYCLE = ("working", "waiting", "working", "idle")
# The deadline of every wait that is not a measured transition, seconds.
SETUP_TIMEOUT = 60

AGENT = r'''
"""A fake agent for benches/status_delay.py: draws idle/working/waiting on orders from a FIFO."""
import os, select, signal, sys, time

fifo, log_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
notify, titled = mode == "notify", mode == "title"
SPIN = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
state, seq, frame, since = "idle", 0, 0, time.monotonic()
resized = False


def on_winch(_signum, _frame):
    global resized
    resized = True


signal.signal(signal.SIGWINCH, on_winch)


def size():
    try:
        cols, rows = os.get_terminal_size(1)
    except OSError:
        cols, rows = 80, 24
    return max(rows, 12), max(cols, 40)


def at(row, text):
    return f"\x1b[{row};1H\x1b[2K{text}"


def spinner_line():
    return f"\x1b[38;5;174m{SPIN[frame % len(SPIN)]}\x1b[0m Thinking… ({int(time.monotonic() - since)}s · esc to interrupt)"


def title():
    if not titled:
        return ""
    sign = SPIN[frame % len(SPIN)] if state == "working" else "✳"
    return f"\x1b]0;{sign} agent\x07"


def screen():
    rows, cols = size()
    out = ["\x1b[H\x1b[2J", title()]
    for i in range(min(6, rows - 8)):
        out.append(at(i + 1, f"\x1b[2m│\x1b[0m transcript line {seq}.{i}: the agent wrote something here"))
    rule = "\x1b[2m" + "─" * cols + "\x1b[0m"
    if state in ("waiting", "bell"):
        out += [at(rows - 4, "\x1b[1mRun shell command\x1b[0m  make test"),
                at(rows - 3, "\x1b[33mAllow?\x1b[0m (y/n)"),
                at(rows - 2, "❯ 1. Yes"),
                at(rows - 1, "  2. No"),
                at(rows, "\x1b[2mEsc to cancel\x1b[0m")]
        if notify and state == "waiting":
            out.append("\x1b]9;Allow? make test\x07")
    else:
        if state == "working":
            out.append(at(rows - 3, spinner_line()))
        out += [at(rows - 2, rule), at(rows - 1, "\x1b[1mREADY>\x1b[0m "), at(rows, "\x1b[2m  ? for help\x1b[0m")]
        out.append(f"\x1b[{rows - 1};8H")
    return "".join(out).encode()


def write(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]


def note(what, before):
    with open(log_path, "a") as f:
        f.write(f"{what} {before:.9f} {time.monotonic():.9f}\n")


fd = os.open(fifo, os.O_RDWR)  # also a writer, so reads never see end-of-file
pending = b""
bell_at = None  # "bell": the question, then BEL alone after a second of quiet
before = time.monotonic()
write(screen())
note("0 start", before)
while True:
    timeout = 0.1 if bell_at is None else max(0.0, min(0.1, bell_at - time.monotonic()))
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    except InterruptedError:
        ready = []
    if resized:
        resized = False
        write(screen())
    if bell_at is not None and time.monotonic() >= bell_at:
        bell_at = None
        before = time.monotonic()
        write(b"\x07")
        note(f"{seq} rang", before)
    if ready:
        pending += os.read(fd, 4096)
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            number, new = line.decode().split()
            seq, state, frame, since = int(number), new, 0, time.monotonic()
            bell_at = since + 1.0 if state == "bell" else None
            data = screen()
            before = time.monotonic()
            write(data)
            note(f"{seq} {state}", before)
    elif state == "working":
        frame += 1
        rows, _ = size()
        write((title() + at(rows - 3, spinner_line()) + f"\x1b[{rows - 1};8H").encode())
'''


def grove_yaml(python: str, agent: Path, root: Path) -> str:
    def command(name: str, mode: str) -> str:
        argv = [python, str(agent), str(root / f"{name}.fifo"), str(root / f"{name}.log"), mode]
        return json.dumps(argv)

    return f"""agent: ruled
agents:
  ruled:
    command: {command("ruled", "quiet")}
    status:
      rows: 4
      waiting: ["Allow\\\\?"]
      working: ["esc to interrupt"]
      idle: ["READY>"]
  plain:
    command: {command("plain", "notify")}
    status:
      rows: 0
  titled:
    command: {command("titled", "title")}
    status:
      rows: 4
      waiting: ["Allow\\\\?"]
      working: ["esc to interrupt"]
      idle: ["READY>"]
      title: {{ working: ["^[⠀-⣿] "] }}
attention:
  bell: false
"""


def percentile(values, p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Agent:
    """One fake agent: its order FIFO and its timestamp log."""

    def __init__(self, root: Path, name: str):
        self.name = name
        self.fifo = root / f"{name}.fifo"
        self.log = root / f"{name}.log"
        os.mkfifo(self.fifo)
        self.fd: int | None = None
        self.seq = 0

    def stamps(self) -> dict[tuple[int, str], float]:
        """(order number, what was drawn) → the monotonic time just before the agent's write."""
        try:
            text = self.log.read_text()
        except FileNotFoundError:
            return {}
        out = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 4:
                out[(int(parts[0]), parts[1])] = float(parts[2])
        return out

    def drawn(self, seq: int, what: str) -> float:
        return wait_for(lambda: self.stamps().get((seq, what)), SETUP_TIMEOUT,
                        f"the {self.name} agent to draw {what} (order {seq})", 0.005)

    def open(self, timeout: float) -> None:
        wait_for(lambda: (0, "start") in self.stamps(), timeout, f"the {self.name} agent to start")
        self.fd = os.open(self.fifo, os.O_WRONLY)

    def order(self, state: str) -> int:
        self.seq += 1
        os.write(self.fd, f"{self.seq} {state}\n".encode())
        return self.seq

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def sidebar_glyph(screen, name: str) -> str | None:
    """The glyph in front of `name` on the sidebar, or None."""
    for line in screen.lines():
        part = line[:SIDEBAR_COLUMNS]
        at = part.find(f" {name} ")
        if at < 0 and part.rstrip().endswith(f" {name}"):
            at = len(part.rstrip()) - len(name) - 1
        if at >= 1:
            return part[at - 1]
    return None


def shows(name: str, glyphs):
    return lambda screen: sidebar_glyph(screen, name) in glyphs


class StatusDelay:
    def __init__(self, args, sandbox: Sandbox, grove_bin: Path):
        self.args = args
        self.sandbox = sandbox
        self.grove = Grove(sandbox, grove_bin)
        self.agents = {name: Agent(sandbox.root, name) for name in PROFILES}
        for agent in self.agents.values():
            sandbox.on_close(agent.close)
        self.random = random.Random(args.seed)
        self.repo: Path | None = None
        self.outer: OuterTerminal | None = None

    def stats(self) -> dict:
        done = self.grove.run("stats", "--json", cwd=self.repo)
        return json.loads(done.stdout)

    def setup(self) -> None:
        script = self.sandbox.root / "fake_agent.py"
        script.write_text(AGENT)
        self.repo = self.sandbox.make_repo("repo", grove_yaml(sys.executable, script, self.sandbox.root))
        for name in PROFILES:
            self.grove.new(self.repo, name, name)
        self.grove.wait_server()
        for agent in self.agents.values():
            agent.open(SETUP_TIMEOUT)
        self.outer = OuterTerminal(self.sandbox, [self.grove.binary], self.args.cols, self.args.rows,
                                   cwd=self.repo, screen=True)

        def settled(screen) -> bool:
            return all(sidebar_glyph(screen, n) in GLYPHS["idle"] for n in PROFILES)

        self.wait_screen(settled, SETUP_TIMEOUT, "the sidebar to show every agent idle")
        self.outer.wait_quiet(0.5, SETUP_TIMEOUT, "the dashboard's first frames")
        self.outer.answer_queries = False

    def wait_screen(self, predicate, timeout: float, what: str) -> float:
        """Waits until the dashboard's screen satisfies `predicate`; when it did (monotonic s)."""
        waiter = self.outer.watch_screen(predicate)
        try:
            return wait_for(lambda: self.outer.screen_seen(waiter), timeout, what, 0.01)
        finally:
            self.outer.unwatch_screen(waiter)

    def glyph_now(self, name: str) -> str | None:
        """The glyph the sidebar shows in front of `name` now."""
        seen = []
        waiter = self.outer.watch_screen(lambda screen: seen.append(sidebar_glyph(screen, name)) or True)
        self.outer.unwatch_screen(waiter)
        return seen[0] if seen else None

    def transition(self, agent: Agent, state: str) -> tuple[str, float | None]:
        """Orders `state`; ("ok", delay until the sidebar shows it), ("missed", None) when it did not
        within --timeout, or ("already", None) when the sidebar showed it before the change."""
        waiter = self.outer.watch_screen(shows(agent.name, GLYPHS[state]))
        already = self.outer.screen_seen(waiter) is not None
        seq = agent.order(state)
        drawn = agent.drawn(seq, state)
        try:
            if already:
                return "already", None
            seen = wait_for(lambda: self.outer.screen_seen(waiter), self.args.timeout,
                            f"the sidebar to show {agent.name} {state}", 0.01)
        except BenchError:
            return "missed", None
        finally:
            self.outer.unwatch_screen(waiter)
        return "ok", seen - drawn

    def profile(self, name: str) -> dict:
        agent = self.agents[name]
        before = self.stats()
        delays: dict[str, list[float]] = {}
        missed: dict[str, int] = {}
        skipped: dict[str, int] = {}
        unheld: dict[str, list[str]] = {}
        state, last_kind = "idle", None
        started = time.monotonic()
        for cycle in range(self.args.cycles):
            for new in CYCLE:
                kind = f"{state}→{new}"
                # Did the state the sidebar showed hold until now, with the screen unchanged?
                shown = self.glyph_now(name)
                if last_kind and shown not in GLYPHS[state]:
                    unheld.setdefault(last_kind, []).append(shown or "")
                    log(f"{name}: after {last_kind} the sidebar went on to show {shown!r} with the screen unchanged")
                outcome, delay = self.transition(agent, new)
                if outcome == "ok":
                    delays.setdefault(kind, []).append(delay)
                elif outcome == "already":
                    skipped[kind] = skipped.get(kind, 0) + 1
                    log(f"{name}: {kind} not measured: the sidebar already showed {new}")
                else:
                    missed[kind] = missed.get(kind, 0) + 1
                    log(f"{name}: {kind} did not show within {self.args.timeout:g} s")
                    # Let it show before the next change, however late.
                    self.wait_screen(shows(name, GLYPHS[new]), SETUP_TIMEOUT,
                                     f"the sidebar to show {name} {new} at all")
                state, last_kind = new, kind
                time.sleep(self.random.uniform(0.15, 0.6))
            if (cycle + 1) % 10 == 0 or cycle + 1 == self.args.cycles:
                log(f"{name}: {cycle + 1}/{self.args.cycles} cycles")
        after = self.stats()
        return {
            "delays_s": delays,
            "missed": missed,
            "skipped": skipped,
            "unheld": unheld,
            "seconds": time.monotonic() - started,
            "status_looks": after.get("status_looks", 0) - before.get("status_looks", 0),
            "status_changes": after.get("status_changes", 0) - before.get("status_changes", 0),
        }

    def bell_check(self) -> list[dict]:
        """`plain` asks its question and rings a bare BEL after a second of quiet: what does the sidebar show?"""
        agent = self.agents["plain"]
        trials = []
        for trial in range(self.args.bell_trials):
            if self.transition(agent, "working")[0] == "missed":
                raise BenchError("the bell check's agent did not start working")
            time.sleep(0.3)
            glyphs: list[tuple[float, str | None]] = []

            def record(screen) -> bool:
                glyph = sidebar_glyph(screen, "plain")
                if not glyphs or glyphs[-1][1] != glyph:
                    glyphs.append((time.monotonic(), glyph))
                return False

            waiter = self.outer.watch_screen(record)
            seq = agent.order("bell")
            drawn = agent.drawn(seq, "bell")
            rang = agent.drawn(seq, "rang")
            time.sleep(2.0)
            self.outer.unwatch_screen(waiter)
            after = [(round(t - rang, 3), g) for t, g in glyphs if t >= rang]
            final = glyphs[-1][1] if glyphs else None
            trials.append({
                "question_to_bell_s": rang - drawn,
                "glyphs_after_bell": after,
                "glyphs_from_question": [(round(t - drawn, 3), g) for t, g in glyphs],
                "showed_waiting": any(g == "?" for _, g in after),
                "final": final,
            })
            log(f"bell check {trial + 1}/{self.args.bell_trials}: after the bell the sidebar showed "
                f"{' '.join(f'{g}@{t * 1000:.0f}ms' for t, g in after) or 'no change'}; now {final!r}")
            outcome, _ = self.transition(agent, "idle")
            if outcome != "ok" and self.glyph_now("plain") not in GLYPHS["idle"]:
                self.wait_screen(shows("plain", GLYPHS["idle"]), SETUP_TIMEOUT, "plain to show idle again")
            time.sleep(0.3)
        return trials

    def run(self) -> dict:
        self.setup()
        results = {"profiles": {}}
        for name in PROFILES:
            results["profiles"][name] = self.profile(name)
        if self.args.bell_trials:
            results["bell_check"] = self.bell_check()
        if not self.outer.alive():
            raise BenchError("the dashboard exited during the run")
        return results


def summarize(results: dict) -> dict:
    out = {}
    for name, figures in results["profiles"].items():
        out[name] = {}
        kinds = []
        for source in ("delays_s", "missed", "skipped", "unheld"):
            kinds += [k for k in figures[source] if k not in kinds]
        for kind in sorted(kinds, key=lambda k: [f"{a}→{b}" for a, b in zip(("idle",) + CYCLE, CYCLE)].index(k)):
            values = figures["delays_s"].get(kind, [])
            out[name][kind] = {
                "n": len(values),
                "missed": figures["missed"].get(kind, 0),
                "skipped": figures["skipped"].get(kind, 0),
                "unheld": len(figures["unheld"].get(kind, [])),
                "p50": percentile(values, 50),
                "p95": percentile(values, 95),
                "max": max(values) if values else float("nan"),
                "min": min(values) if values else float("nan"),
            }
    return out


def report(args, grove_bin: Path, results: dict, load_start) -> None:
    ms = lambda s: "-" if math.isnan(s) else f"{s * 1000:.0f}"  # noqa: E731
    print()
    print(f"status delay: fake agent's screen change → sidebar glyph, {args.cycles} cycles per profile")
    print(f"  grove  {tool_version([grove_bin, '--version'])}")
    print(f"  {platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}, "
          f"load average {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    print(f"  dashboard {args.cols}x{args.rows}; target: under 1000 ms")
    print()
    print(f"    {'profile':8} {'transition':16} {'n':>3} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'min ms':>7} "
          f"{'missed':>6} {'skipped':>7} {'unheld':>6}")
    summary = results["summary"]
    for name in PROFILES:
        for kind, s in summary[name].items():
            print(f"    {name:8} {kind:16} {s['n']:3d} {ms(s['p50']):>7} {ms(s['p95']):>7} {ms(s['max']):>7} "
                  f"{ms(s['min']):>7} {s['missed']:6d} {s['skipped']:7d} {s['unheld']:6d}")
    print("    (missed: not shown within --timeout; skipped: the sidebar showed the new state before the change; "
          "unheld: the sidebar left this state before the next change, the screen unchanged)")
    print()
    for name in PROFILES:
        f = results["profiles"][name]
        print(f"    {name}: {f['status_looks']} looks and {f['status_changes']} changes in {f['seconds']:.0f} s "
              f"(grove stats)")
    trials = results.get("bell_check")
    if trials:
        waited = sum(1 for t in trials if t["showed_waiting"])
        print()
        print(f"  bell check: plain's question, then a bare BEL after {median_of(t['question_to_bell_s'] for t in trials):.1f} s "
              f"of quiet; the sidebar showed ? (waiting) in {waited} of {len(trials)} trials")
        for t in trials:
            seq = " ".join(f"{g}@{at * 1000:.0f}" for at, g in t["glyphs_from_question"])
            print(f"    glyph@ms since the question: {seq}; bell at {t['question_to_bell_s'] * 1000:.0f}")


def median_of(values) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=30,
                        help="cycles of idle → working → waiting → working → idle per profile (default 30)")
    parser.add_argument("--timeout", type=float, default=5,
                        help="seconds a transition may take before it counts as missed (default 5)")
    parser.add_argument("--seed", type=int, default=5, help="seed of the hold times (default 5)")
    parser.add_argument("--bell-trials", type=int, default=5,
                        help="times the rule-less agent asks its question with a bare BEL after 1 s of quiet "
                             "instead of OSC 9, to see what the sidebar shows (default 5; 0 skips it)")
    parser.add_argument("--cols", type=int, default=160)
    parser.add_argument("--rows", type=int, default=45)
    parser.add_argument("--grove", help="grove binary (default target/release/grove)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.cycles < 1:
        parser.error("need at least 1 cycle")
    load_start = os.getloadavg()

    try:
        grove_bin = find_grove(args.grove)
        sandbox = Sandbox("grove-bench-status-", keep=args.keep)
        bench = StatusDelay(args, sandbox, grove_bin)
        try:
            results = bench.run()
        except BenchError as error:
            raise BenchError(f"{error}\n--- grove server log (tail) ---\n{bench.grove.server_log_tail()}") from error
    except BenchError as error:
        print(f"status_delay: {error}", file=sys.stderr)
        return 1

    results["summary"] = summarize(results)
    sys.stderr.flush()
    report(args, grove_bin, results, load_start)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
