#!/usr/bin/env python3
"""Watcher benchmark: what grove's git watcher costs on a big repository.

A repository of --files (default 20,000) small text files in nested
directories, one commit, and --workspaces (default 16) workspaces whose agents
are idle shells (`.grove.yaml`: `agent: idle`, `idle: { command: ["sh"] }`).
Once every workspace has its `git` object in `grove ls --json` (the initial
reads), in this order:

1. Nothing changes (no client): over --idle-seconds (default 30) the server's
   `git_reads` (`grove stats --json`) must not move, and no git process may
   run. Git processes are counted two ways: `strace -f -e trace=execve` attached
   to the server (when strace is installed; every exec of every thread and
   child), and a thread polling the server's children in /proc every 2 ms (a
   lower bound: a git that lives less than 2 ms can be missed). Then a control:
   one file is changed and changed back with both counters still attached, so
   a count of zero means "none ran", not "the counter saw nothing".
2. Refresh of every worktree, against git (no client), --rounds rounds (default
   3): one more file is changed in each worktree at once; measured from the
   first write until `grove ls --json` shows every workspace with that many
   uncommitted files (polled every --poll s), and the server's CPU from the
   first write until the watcher has settled: its own utime+stime plus
   cutime+cstime, the CPU of the git processes it ran and reaped. Then, with
   the server stopped (SIGSTOP, so nothing competes and its watcher does not
   react yet), `git status` and `git diff --shortstat` run in each worktree in
   sequence on the same files: wall time and their CPU (getrusage
   RUSAGE_CHILDREN before and after). Then the server continues (SIGCONT) and
   the reads that the plain commands caused are counted (`git status` takes
   `index.lock`, an event in the worktree's git directory). Round 1 runs on the
   indexes `git worktree add` wrote, which hold racily clean entries (files
   written in the same second as the index); a lock-free status re-hashes
   those on every read, a plain `git status` refreshes them and writes the
   index once. Rounds 2+ run on refreshed indexes.
3. The files are changed back; a dashboard attaches in a --cols x --rows PTY
   whose output is parsed by a tiny VT parser (benchlib.Screen), and the idle
   window of step 1 is repeated with the client attached.
4. Commits, --commits (default 10) spread over the workspaces: a file is
   changed and `git commit -a` runs in the worktree, as an agent would. For
   each: the `git_reads` it caused (after the watcher settles; target 1), the
   time from the end of `git commit` to `grove ls --json` showing `git.ahead`
   one higher (polled every --poll s, so an upper bound by up to one poll and
   one `grove ls`), and to the dashboard's sidebar showing the new ↑N for that
   workspace (the time the frame reached the terminal); target < 2 s. Then two
   diagnostics: one commit with strace attached, to see which worktrees the
   watcher read for it, and one made with plumbing (`git add -u`, `write-tree`,
   `commit-tree`, `update-ref`), which deletes no ref.

Every wait is a poll with a deadline (--timeout); the watcher has "settled"
when `git_reads` has not moved for --settle s (default 1) and the server has
no git child. Everything runs in a temporary directory (see benchlib.Sandbox),
removed on exit, also on an error or Ctrl-C.

    python3 benches/watcher.py [--files 20000] [--workspaces 16] [--commits 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (  # noqa: E402
    CLOCK_TICKS,
    BenchError,
    Grove,
    OuterTerminal,
    Sandbox,
    children_of,
    find_grove,
    log,
    median,
    proc_threads,
    tool_version,
    wait_for,
)

# The dashboard's sidebar is this many columns wide (ui::layout::SIDEBAR_WIDTH)
# in a terminal at least 80 wide.
SIDEBAR_COLUMNS = 32


# --------------------------------------------------------------------------
# The repository


def file_path(i: int) -> str:
    """Tracked file number i: 20 top directories of 20 subdirectories each."""
    return f"src/m{i % 20:02}/d{(i // 20) % 20:02}/f{i:05}.txt"


def file_body(i: int) -> str:
    return "".join(f"file {i} line {line}\n" for line in range(4))


def make_big_repo(sandbox: Sandbox, files: int) -> Path:
    repo = sandbox.make_repo("repo", 'agent: idle\nagents:\n  idle: { command: ["sh"] }\n')
    made = set()
    for i in range(files):
        path = repo / file_path(i)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(file_body(i))
    sandbox.run(["git", "add", "-A"], cwd=repo, timeout=300)
    sandbox.run(["git", "commit", "-q", "-m", f"{files} files"], cwd=repo, timeout=300)
    tracked = sandbox.run(["git", "ls-files", "-z"], cwd=repo, timeout=120).stdout.count("\0")
    if tracked < files:
        raise BenchError(f"the repository tracks {tracked} files, wanted at least {files}")
    return repo


def racy_entries(worktree: Path, index: Path, files: int) -> int:
    """Tracked files whose mtime is not older than the index, in whole seconds.

    git treats such entries as racily clean and compares their content; a
    status that may not write the index (`--no-optional-locks`) does so on
    every run.
    """
    index_second = int(index.stat().st_mtime)
    return sum(1 for i in range(files) if int((worktree / file_path(i)).stat().st_mtime) >= index_second)


# --------------------------------------------------------------------------
# /proc and process counting


def proc_cpu_split(pid: int) -> tuple[int, int]:
    """(utime + stime, cutime + cstime) of a process, in clock ticks.

    cutime + cstime is the CPU of the children it has waited for (grove waits
    for every git it runs).
    """
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def comm_of(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except (FileNotFoundError, ProcessLookupError):
        return None


def git_children(server: int) -> list[int]:
    return [kid for kid in children_of(server) if comm_of(kid) == "git"]


class ChildPoller:
    """Counts the server's git children by polling /proc every `interval` s.

    A lower bound: a git that starts and ends between two polls is missed.
    """

    def __init__(self, server: int, interval: float = 0.002):
        self.server = server
        self.interval = interval
        self.seen: dict[int, str] = {}  # pid -> command line
        self.polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def thread_names(self) -> set[str]:
        names = set()
        try:
            for task in os.listdir(f"/proc/{self.server}/task"):
                names.add(comm_of(int(task)))
        except FileNotFoundError:
            pass
        return names

    def _run(self) -> None:
        known: set[int] = set()
        names = self.thread_names()
        while not self._stop.is_set():
            for kid in children_of(self.server):
                if kid in known:
                    continue
                comm = comm_of(kid)
                if comm is None or comm in names:
                    continue  # forked by one of the server's threads, not yet exec'd: look again
                known.add(kid)
                if comm == "git":
                    try:
                        with open(f"/proc/{kid}/cmdline", "rb") as f:
                            argv = f.read().split(b"\0")
                    except (FileNotFoundError, ProcessLookupError):
                        argv = [b"git"]
                    self.seen[kid] = " ".join(a.decode(errors="replace") for a in argv if a)
            self.polls += 1
            if self.polls % 500 == 0:
                names = self.thread_names()
            time.sleep(self.interval)

    def count(self) -> int:
        return len(self.seen)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


EXEC_LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(.*)$")
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


class ExecTrace:
    """`strace -f -e trace=execve` attached to the server: every program it and its threads start."""

    def __init__(self, sandbox: Sandbox, server: int, name: str, timeout: float):
        self.out = sandbox.root / f"{name}.strace"
        self.err = sandbox.root / f"{name}.strace.err"
        argv = ["strace", "-f", "-ttt", "-s", "1024", "-e", "trace=execve,execveat", "-o", str(self.out),
                "-p", str(server)]
        with open(self.err, "wb") as err:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        sandbox.on_close(self.stop)

        def attached():
            # "strace: Process PID attached with N threads" once all are traced.
            if self.process.poll() is not None:
                raise BenchError(f"strace exited {self.process.returncode}: {self.err.read_text().strip()}")
            return "attached" in self.err.read_text()

        wait_for(attached, timeout, f"strace to attach to the grove server ({server})", 0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # strace detaches and exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def execs(self) -> list[tuple[float, list[str]]]:
        """Successful execs as (wall-clock time, argv), in order."""
        pending: dict[str, tuple[float, list[str]]] = {}
        done = []
        try:
            text = self.out.read_text(errors="replace")
        except FileNotFoundError:
            return []
        for line in text.splitlines():
            match = EXEC_LINE.match(line)
            if not match:
                continue
            pid, stamp, rest = match.group(1), float(match.group(2)), match.group(3)
            if rest.startswith(("execve(", "execveat(")):
                argv_part = rest[rest.find("[") + 1 : rest.find("]")] if "[" in rest else ""
                argv = QUOTED.findall(argv_part)
                if rest.endswith("= 0"):
                    done.append((stamp, argv))
                elif "<unfinished" in rest:
                    pending[pid] = (stamp, argv)
            elif "execve resumed" in rest or "execveat resumed" in rest:
                if rest.endswith("= 0") and pid in pending:
                    done.append(pending.pop(pid))
        return done


def git_execs(execs, since: float, until: float) -> list[list[str]]:
    return [argv for stamp, argv in execs if since <= stamp <= until and argv and Path(argv[0]).name == "git"]


def git_subcommand(argv: list[str]) -> str:
    """`status` of `git -C DIR --no-optional-locks status …`; `--version` of `git -C . --version`."""
    rest = argv[1:]
    while rest:
        if rest[0] in ("-C", "-c"):
            rest = rest[2:]
        elif rest[0].startswith("--") and rest[0] != "--version":
            rest = rest[1:]
        else:
            return rest[0]
    return "?"


def worktree_of(argv: list[str]) -> str | None:
    """The directory of a `git -C DIR …` command line."""
    for i, arg in enumerate(argv[:-1]):
        if arg == "-C":
            return argv[i + 1]
    return None


def percentile(values, p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cpu_s(ticks: int) -> float:
    return ticks / CLOCK_TICKS


def thread_run_ns(pid: int) -> dict[str, int]:
    """Nanoseconds on CPU per thread (/proc/PID/task/*/schedstat), keyed "tid name"."""
    return {name: ran for name, (_, ran) in proc_threads(pid).items()}


def thread_cpu_ms(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    """CPU ms per thread name (threads of the same name summed) between two `thread_run_ns`."""
    out: dict[str, float] = {}
    for name, ran in after.items():
        spent = (ran - before.get(name, 0)) / 1e6
        if spent > 0:
            label = name.split(" ", 1)[1] if " " in name else name
            out[label] = out.get(label, 0.0) + spent
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


# --------------------------------------------------------------------------
# The benchmark


class Watcher:
    def __init__(self, args, sandbox: Sandbox, grove_bin: Path):
        self.args = args
        self.sandbox = sandbox
        self.grove = Grove(sandbox, grove_bin)
        self.repo: Path | None = None
        self.names = [f"ws-{n:02}" for n in range(1, args.workspaces + 1)]
        self.paths: dict[str, Path] = {}
        self.server = 0
        self.stopped = False
        self.strace = shutil.which("strace") if not args.no_strace else None
        self.results: dict = {}
        sandbox.on_close(self.resume_server)

    # -- grove -------------------------------------------------------------

    def ls(self) -> dict[str, dict]:
        done = self.grove.run("ls", "--json", cwd=self.repo, timeout=self.args.timeout)
        return {w["name"]: w for w in json.loads(done.stdout)["workspaces"]}

    def git_reads(self) -> int:
        done = self.grove.run("stats", "--json", cwd=self.repo, timeout=self.args.timeout)
        return int(json.loads(done.stdout)["git_reads"])

    def cpu(self) -> tuple[int, int]:
        return proc_cpu_split(self.server)

    def settle(self, what: str) -> int:
        """Waits until `git_reads` holds still for --settle s with no git child; returns it."""
        state = {"reads": -1, "since": time.monotonic()}

        def settled():
            reads = self.git_reads()
            now = time.monotonic()
            if reads != state["reads"]:
                state["reads"], state["since"] = reads, now
                return None
            if now - state["since"] >= self.args.settle and not git_children(self.server):
                return reads + 1  # truthy even for 0
            return None

        return wait_for(settled, self.args.timeout, f"the watcher to settle ({what})", 0.1) - 1

    def wait_ls(self, condition, what: str):
        """Polls `grove ls --json` every --poll s until `condition(workspaces)`; returns (value, monotonic time)."""
        def check():
            value = condition(self.ls())
            return (value, time.monotonic()) if value else None

        return wait_for(check, self.args.timeout, what, self.args.poll)

    def pause_server(self) -> None:
        os.kill(self.server, signal.SIGSTOP)
        self.stopped = True

    def resume_server(self) -> None:
        if self.stopped and self.server:
            try:
                os.kill(self.server, signal.SIGCONT)
            except ProcessLookupError:
                pass
            self.stopped = False

    # -- 0. set-up ---------------------------------------------------------

    def setup(self) -> None:
        started = time.monotonic()
        self.repo = make_big_repo(self.sandbox, self.args.files)
        log(f"repository with {self.args.files} files in {time.monotonic() - started:.1f} s; "
            f"creating {len(self.names)} workspaces")
        started = time.monotonic()
        for name in self.names:
            self.grove.run("new", name, cwd=self.repo, timeout=self.args.timeout)
        self.server = self.grove.wait_server()
        workspaces, _ = self.wait_ls(
            lambda ws: ws if all(ws.get(n, {}).get("status") == "running" and "git" in ws[n] for n in self.names)
            else None,
            f"all {len(self.names)} workspaces running with their git state read",
        )
        self.paths = {n: Path(workspaces[n]["path"]) for n in self.names}
        reads = self.settle("the initial reads")
        took = time.monotonic() - started
        log(f"{len(self.names)} workspaces in {took:.1f} s; git_reads {reads} after set-up")
        self.results["setup"] = {"files": self.args.files, "workspaces": len(self.names), "seconds": took,
                                 "git_reads": reads}

    # -- 1, 3. nothing changes ----------------------------------------------

    def idle_window(self, label: str) -> dict:
        reads0 = self.settle(f"before the idle window ({label})")
        trace = ExecTrace(self.sandbox, self.server, f"idle-{label}", self.args.timeout) if self.strace else None
        poller = ChildPoller(self.server)
        cpu0 = self.cpu()
        wall0 = time.time()
        log(f"idle window ({label}): {self.args.idle_seconds:g} s with nothing changing")
        deadline = time.monotonic() + self.args.idle_seconds
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(0.5, left))
        wall1 = time.time()
        cpu1 = self.cpu()
        polled = poller.count()
        reads1 = self.git_reads()
        # The control: a change and its undo must be seen by both counters.
        name = self.names[0]
        path = self.paths[name] / file_path(0)
        path.write_text(file_body(0) + "control\n")
        self.wait_ls(lambda ws: ws[name]["git"]["uncommitted"]["files"] >= 1, "the control change to show")
        path.write_text(file_body(0))
        self.wait_ls(lambda ws: ws[name]["git"]["uncommitted"]["files"] == 0, "the control undo to show")
        reads2 = self.settle("after the control")
        poller.stop()
        figures = {
            "seconds": wall1 - wall0,
            "git_reads": reads1 - reads0,
            "server_cpu_s": cpu_s(cpu1[0] - cpu0[0]),
            "children_cpu_s": cpu_s(cpu1[1] - cpu0[1]),
            "git_processes_polled": polled,
            "poll_interval_s": poller.interval,
            "control_git_reads": reads2 - reads1,
            "control_git_processes_polled": poller.count() - polled,
        }
        if trace:
            trace.stop()
            execs = trace.execs()
            figures["git_processes_strace"] = len(git_execs(execs, wall0, wall1))
            figures["other_execs_strace"] = len(
                [a for t, a in execs if wall0 <= t <= wall1 and not (a and Path(a[0]).name == "git")])
            control = git_execs(execs, wall1, time.time())
            figures["control_git_processes_strace"] = len(control)
            figures["control_git_commands"] = sorted({git_subcommand(a) for a in control})
        log(f"idle window ({label}): git_reads +{figures['git_reads']}, "
            f"git processes {figures.get('git_processes_strace', 'n/a')} (strace), {polled} (polled), "
            f"server CPU {figures['server_cpu_s'] * 1000:.0f} ms; control: +{figures['control_git_reads']} reads, "
            f"{figures.get('control_git_processes_strace', 'n/a')} git processes (strace), "
            f"{figures['control_git_processes_polled']} (polled)")
        return figures

    # -- 2. every worktree at once, against git ----------------------------

    def refresh_rounds(self) -> list[dict]:
        rounds = []
        for r in range(1, self.args.rounds + 1):
            reads0 = self.settle(f"before refresh round {r}")
            racy = None
            if r == 1 and not self.args.no_racy_count:
                racy = sorted(
                    racy_entries(self.paths[n], self.admin_dir(n) / "index", self.args.files) for n in self.names)
            cpu0 = self.cpu()
            threads0 = thread_run_ns(self.server)
            started = time.monotonic()
            for j, name in enumerate(self.names):
                i = self.round_file(r, j)
                (self.paths[name] / file_path(i)).write_text(file_body(i) + f"round {r}\n")
            written = time.monotonic()
            first_seen: dict[str, float] = {}

            def all_dirty(ws):
                now = time.monotonic()
                for n in self.names:
                    if n not in first_seen and ws[n]["git"]["uncommitted"]["files"] >= r:
                        first_seen[n] = now
                return len(first_seen) == len(self.names)

            _, seen = self.wait_ls(all_dirty, f"all {len(self.names)} worktrees to show {r} uncommitted files")
            reads1 = self.settle(f"after refresh round {r}")
            cpu1 = self.cpu()
            threads1 = thread_run_ns(self.server)
            watcher = {
                "wall_s": seen - started,
                "write_s": written - started,
                "first_seen_s": sorted(t - started for t in first_seen.values()),
                "git_reads": reads1 - reads0,
                "server_cpu_s": cpu_s(cpu1[0] - cpu0[0]),
                "git_cpu_s": cpu_s(cpu1[1] - cpu0[1]),
                "server_threads_ms": thread_cpu_ms(threads0, threads1),
            }
            watcher["cpu_s"] = watcher["server_cpu_s"] + watcher["git_cpu_s"]

            # The same state read by plain git, one worktree after another, with the server stopped.
            self.pause_server()
            try:
                usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                begun = time.monotonic()
                for name in self.names:
                    self.sandbox.run(["git", "status"], cwd=self.paths[name], timeout=self.args.timeout)
                    stat = self.sandbox.run(["git", "diff", "--shortstat"], cwd=self.paths[name],
                                            timeout=self.args.timeout)
                    if f"{r} file" not in stat.stdout:
                        raise BenchError(f"`git diff --shortstat` in {name} says {stat.stdout.strip()!r}, "
                                         f"expected {r} files changed")
                ended = time.monotonic()
                usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            finally:
                self.resume_server()
            git = {
                "wall_s": ended - begun,
                "cpu_s": (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime),
            }
            cpu2 = self.cpu()
            reads2 = self.settle(f"after plain git in round {r}")
            cpu3 = self.cpu()
            after_git = {
                "git_reads": reads2 - reads1,
                "cpu_s": cpu_s(cpu3[0] - cpu2[0] + cpu3[1] - cpu2[1]),
            }
            figures = {
                "round": r,
                "racy_entries": racy,
                "watcher": watcher,
                "git": git,
                "reads_after_plain_git": after_git,
                "wall_ratio": watcher["wall_s"] / git["wall_s"],
                "cpu_ratio": watcher["cpu_s"] / git["cpu_s"] if git["cpu_s"] else float("nan"),
            }
            rounds.append(figures)
            log(f"refresh round {r}: watcher {watcher['wall_s']:.2f} s wall, {watcher['cpu_s']:.2f} s CPU "
                f"(server {watcher['server_cpu_s']:.2f} + git {watcher['git_cpu_s']:.2f}), "
                f"{watcher['git_reads']} reads; git status + diff --shortstat x{len(self.names)}: "
                f"{git['wall_s']:.2f} s wall, {git['cpu_s']:.2f} s CPU; ratios wall {figures['wall_ratio']:.2f}, "
                f"CPU {figures['cpu_ratio']:.2f}; plain git then caused {after_git['git_reads']} reads "
                f"({after_git['cpu_s']:.2f} s CPU)"
                + (f"; racily clean entries per index: {racy[0]}–{racy[-1]}" if racy else ""))
        return rounds

    def round_file(self, r: int, j: int) -> int:
        return (j * 1201 + r * 37) % self.args.files

    def admin_dir(self, name: str) -> Path:
        return self.repo / ".git" / "worktrees" / name

    def undo_rounds(self) -> None:
        for r in range(1, self.args.rounds + 1):
            for j, name in enumerate(self.names):
                i = self.round_file(r, j)
                (self.paths[name] / file_path(i)).write_text(file_body(i))
        self.wait_ls(lambda ws: all(ws[n]["git"]["uncommitted"]["files"] == 0 for n in self.names),
                     "every worktree to show clean again")
        self.settle("after undoing the rounds")

    # -- 4. commits --------------------------------------------------------

    def attach(self) -> OuterTerminal:
        outer = OuterTerminal(self.sandbox, [self.grove.binary], self.args.cols, self.args.rows, cwd=self.repo,
                              screen=True)

        def sidebar_complete():
            text = "\n".join(line[:SIDEBAR_COLUMNS] for line in outer.screen_lines())
            return all(f" {n} " in text + " " for n in self.names)

        wait_for(sidebar_complete, self.args.timeout, "the dashboard's sidebar to list every workspace", 0.05)
        outer.wait_quiet(0.5, self.args.timeout, "the dashboard's first frames")
        outer.answer_queries = False
        return outer

    @staticmethod
    def sidebar_shows(name: str, ahead: int):
        """A screen predicate: the sidebar line under `name` shows ↑ahead."""
        mark = f"↑{ahead}↓"

        def predicate(screen) -> bool:
            lines = screen.lines()
            for y in range(len(lines) - 1):
                if f" {name} " in lines[y][:SIDEBAR_COLUMNS] + " ":
                    return mark in lines[y + 1][:SIDEBAR_COLUMNS]
            return False

        return predicate

    def commit(self, name: str, k: int, plumbing: bool = False) -> float:
        """Changes a file in `name` and commits it; returns when the commit ended (monotonic)."""
        wt = self.paths[name]
        i = (k * 613 + 17) % self.args.files
        path = wt / file_path(i)
        path.write_text(path.read_text() + f"commit {k}\n")
        if not plumbing:
            self.sandbox.run(["git", "commit", "-a", "-q", "-m", f"bench commit {k}"], cwd=wt,
                             timeout=self.args.timeout)
        else:
            self.sandbox.run(["git", "add", "-u"], cwd=wt, timeout=self.args.timeout)
            tree = self.sandbox.run(["git", "write-tree"], cwd=wt).stdout.strip()
            head = self.sandbox.run(["git", "rev-parse", "HEAD"], cwd=wt).stdout.strip()
            new = self.sandbox.run(["git", "commit-tree", tree, "-p", head, "-m", f"bench commit {k}"],
                                   cwd=wt).stdout.strip()
            self.sandbox.run(["git", "update-ref", "-m", "bench", "HEAD", new, head], cwd=wt)
        return time.monotonic()

    def one_commit(self, outer: OuterTerminal, name: str, k: int, plumbing: bool = False) -> dict:
        reads0 = self.settle(f"before commit {k}")
        ahead = self.ls()[name]["git"]["ahead"] + 1
        waiter = outer.watch_screen(self.sidebar_shows(name, ahead))
        cpu0 = self.cpu()
        threads0 = thread_run_ns(self.server)
        started = time.monotonic()
        ended = self.commit(name, k, plumbing)
        _, at_ls = self.wait_ls(lambda ws: ws[name]["git"]["ahead"] >= ahead,
                                f"`grove ls` to show {name} ahead by {ahead}")
        at_screen = wait_for(lambda: outer.screen_seen(waiter), self.args.timeout,
                             f"the sidebar to show ↑{ahead} for {name}", 0.01)
        outer.unwatch_screen(waiter)
        reads1 = self.settle(f"after commit {k}")
        cpu1 = self.cpu()
        threads1 = thread_run_ns(self.server)
        return {
            "workspace": name,
            "ahead": ahead,
            "commit_s": ended - started,
            "to_ls_s": at_ls - ended,
            "to_sidebar_s": at_screen - ended,
            "git_reads": reads1 - reads0,
            "cpu_s": cpu_s(cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1]),
            "server_cpu_s": cpu_s(cpu1[0] - cpu0[0]),
            "git_cpu_s": cpu_s(cpu1[1] - cpu0[1]),
            "server_threads_ms": thread_cpu_ms(threads0, threads1),
        }

    def commits(self, outer: OuterTerminal) -> dict:
        runs = []
        for k in range(self.args.commits):
            name = self.names[(k * 7) % len(self.names)]
            figures = self.one_commit(outer, name, k)
            runs.append(figures)
            log(f"commit {k + 1}/{self.args.commits} in {name}: git commit {figures['commit_s'] * 1000:.0f} ms, "
                f"then `grove ls` {figures['to_ls_s'] * 1000:.0f} ms, sidebar {figures['to_sidebar_s'] * 1000:.0f} ms; "
                f"{figures['git_reads']} git reads, {figures['cpu_s']:.2f} s server CPU")
        out = {"runs": runs}

        # Which worktrees does the watcher read for one commit? strace says.
        if self.strace:
            k = self.args.commits
            name = self.names[(k * 7) % len(self.names)]
            trace = ExecTrace(self.sandbox, self.server, "commit", self.args.timeout)
            since = time.time()
            figures = self.one_commit(outer, name, k)
            trace.stop()
            gits = git_execs(trace.execs(), since, time.time())
            statuses = [a for a in gits if "status" in a]
            figures["git_processes"] = len(gits)
            figures["status_runs"] = len(statuses)
            figures["worktrees_read"] = len({worktree_of(a) for a in statuses})
            figures["commands"] = sorted({git_subcommand(a) for a in gits})
            figures["git_version_runs"] = len([a for a in gits if "--version" in a])
            out["traced"] = figures
            log(f"traced commit in {name}: {figures['git_reads']} reads, {figures['worktrees_read']} worktrees "
                f"read, {len(gits)} git processes ({figures['git_version_runs']} of them `git --version`)")

        # A commit that deletes no ref (plumbing) for comparison.
        k = self.args.commits + 1
        name = self.names[(k * 7) % len(self.names)]
        out["plumbing"] = self.one_commit(outer, name, k, plumbing=True)
        log(f"plumbing commit in {name}: reads {out['plumbing']['git_reads']}, "
            f"`grove ls` {out['plumbing']['to_ls_s'] * 1000:.0f} ms, sidebar "
            f"{out['plumbing']['to_sidebar_s'] * 1000:.0f} ms")
        return out

    # -- diagnostic: a full inotify queue ----------------------------------

    def overflow_check(self) -> dict:
        """Does a change survive an inotify queue overflow?

        With the server stopped, every tracked file of one worktree is opened
        and read (notify watches IN_OPEN, so that is one event each, more than
        the 16,384 the kernel queues by default), then one file of another
        worktree is changed. The server continues; the change should show.
        Then the same change-and-look without the flood, as a control.
        """
        if len(self.names) < 2:
            raise BenchError("--overflow-check needs two workspaces")
        flooded, changed = self.names[1], self.names[0]
        limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
        results = {"max_queued_events": limit, "opens": self.args.files}
        for label, flood in (("after a flood", True), ("control", False)):
            self.settle(f"before the overflow check ({label})")
            files = self.ls()[changed]["git"]["uncommitted"]["files"]
            reads0 = self.git_reads()
            i = 4242 % self.args.files if flood else 4343 % self.args.files
            self.pause_server()
            try:
                if flood:
                    for n in range(self.args.files):
                        (self.paths[flooded] / file_path(n)).read_bytes()
                (self.paths[changed] / file_path(i)).write_text(file_body(i) + f"{label}\n")
            finally:
                self.resume_server()
            self.settle(f"after the overflow check ({label})")
            # More than before: the control also brings in what the flood's change left unseen.
            now = self.ls()[changed]["git"]["uncommitted"]["files"]
            results[label] = {"seen": now > files, "git_reads": self.git_reads() - reads0}
            log(f"overflow check ({label}): change in {changed} {'seen' if now > files else 'MISSED'} "
                f"({results[label]['git_reads']} reads)")
        return results

    # -- all ---------------------------------------------------------------

    def run(self) -> dict:
        self.setup()
        self.results["idle_detached"] = self.idle_window("no client")
        self.results["refresh"] = self.refresh_rounds()
        self.undo_rounds()
        outer = self.attach()
        self.results["idle_attached"] = self.idle_window("one client")
        self.results["commits"] = self.commits(outer)
        if not outer.alive():
            raise BenchError("the dashboard exited during the run")
        outer.close()
        if self.args.overflow_check:
            self.results["overflow"] = self.overflow_check()
        return self.results


# --------------------------------------------------------------------------
# Output


def summarize(results: dict) -> dict:
    runs = results["commits"]["runs"]
    summary = {}
    for key in ("to_ls_s", "to_sidebar_s", "commit_s"):
        values = [r[key] for r in runs]
        summary[key] = {"p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values),
                        "min": min(values)}
    reads = [r["git_reads"] for r in runs]
    summary["git_reads"] = {"median": median(reads), "min": min(reads), "max": max(reads)}
    for key in ("cpu_s", "server_cpu_s", "git_cpu_s"):
        summary[key] = {"median": median([r[key] for r in runs])}
    return summary


def report(args, grove_bin: Path, results: dict, load_start) -> None:
    ms = lambda s: f"{s * 1000:.0f}"  # noqa: E731
    setup = results["setup"]
    print()
    print(f"watcher: {setup['files']} files, {setup['workspaces']} workspaces with idle `sh` agents")
    print(f"  grove  {tool_version([grove_bin, '--version'])}")
    print(f"  git    {tool_version(['git', '--version'])}")
    print(f"  {platform.node()}: {os.cpu_count()} CPUs, {platform.platform()}, "
          f"load average {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    print(f"  set-up: {setup['seconds']:.1f} s for the workspaces, git_reads {setup['git_reads']} once settled")
    print()
    print("  nothing changes (target: 0 reads, 0 git processes)")
    print(f"    {'window':12} {'seconds':>7} {'git_reads':>9} {'git (strace)':>12} {'git (polled)':>12} "
          f"{'server CPU ms':>13}  control: reads, git (strace), git (polled)")
    for key, label in (("idle_detached", "no client"), ("idle_attached", "one client")):
        f = results[key]
        print(f"    {label:12} {f['seconds']:7.1f} {f['git_reads']:9d} {str(f.get('git_processes_strace', 'n/a')):>12} "
              f"{f['git_processes_polled']:12d} {f['server_cpu_s'] * 1000:13.0f}  "
              f"{f['control_git_reads']}, {f.get('control_git_processes_strace', 'n/a')}, "
              f"{f['control_git_processes_polled']}")
    print()
    print(f"  one file changed in each of the {setup['workspaces']} worktrees: watcher against "
          f"`git status` + `git diff --shortstat` in each, in sequence")
    print(f"    {'round':5} {'racy entries':>12} {'watcher wall s':>14} {'CPU s':>6} {'(server+git)':>12} {'reads':>5} "
          f"{'git wall s':>10} {'CPU s':>6} {'wall ratio':>10} {'CPU ratio':>9} {'reads after git':>15}")
    for f in results["refresh"]:
        w, g = f["watcher"], f["git"]
        racy = f"{median(f['racy_entries']):.0f}" if f["racy_entries"] else ""
        print(f"    {f['round']:5d} {racy:>12} {w['wall_s']:14.2f} {w['cpu_s']:6.2f} "
              f"{w['server_cpu_s']:5.2f}+{w['git_cpu_s']:<6.2f} {w['git_reads']:5d} {g['wall_s']:10.2f} "
              f"{g['cpu_s']:6.2f} {f['wall_ratio']:10.2f} {f['cpu_ratio']:9.2f} "
              f"{f['reads_after_plain_git']['git_reads']:15d}")
    for f in results["refresh"]:
        top = ", ".join(f"{name} {spent:.0f}" for name, spent in list(f["watcher"]["server_threads_ms"].items())[:4])
        print(f"    round {f['round']}: server threads' CPU ms: {top}")
    print("    (ratios are watcher / git: below 1 the watcher is cheaper; its wall time includes the 250 ms debounce "
          "and up to one `grove ls` poll)")
    s = summarize(results)
    runs = results["commits"]["runs"]
    print()
    print(f"  {len(runs)} commits (`git commit -a` after changing a file; targets: 1 read, < 2 s)")
    print(f"    git reads per commit: median {s['git_reads']['median']:g}, min {s['git_reads']['min']}, "
          f"max {s['git_reads']['max']}; CPU per commit, medians: server {s['server_cpu_s']['median']:.2f} s "
          f"+ its git {s['git_cpu_s']['median']:.2f} s")
    for key, label in (("to_ls_s", "commit → grove ls"), ("to_sidebar_s", "commit → sidebar"),
                       ("commit_s", "git commit itself")):
        v = s[key]
        print(f"    {label:18} ms: p50 {ms(v['p50'])}, p95 {ms(v['p95'])}, max {ms(v['max'])}, min {ms(v['min'])}")
    traced = results["commits"].get("traced")
    if traced:
        print(f"    traced commit: {traced['git_reads']} reads; the watcher ran `git status` in "
              f"{traced['worktrees_read']} worktrees, {traced['git_processes']} git processes "
              f"({traced['git_version_runs']} `git --version`); commands {', '.join(traced['commands'])}")
    p = results["commits"]["plumbing"]
    print(f"    plumbing commit (no ref deleted): reads {p['git_reads']}, grove ls {ms(p['to_ls_s'])} ms, "
          f"sidebar {ms(p['to_sidebar_s'])} ms")
    o = results.get("overflow")
    if o:
        print()
        print(f"  inotify queue overflow ({o['opens']} files opened with the server stopped, queue "
              f"{o['max_queued_events']} events), then one change elsewhere:")
        for label in ("after a flood", "control"):
            print(f"    {label:14} the change was {'seen' if o[label]['seen'] else 'MISSED'} "
                  f"({o[label]['git_reads']} reads)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20000, help="tracked files (default 20000)")
    parser.add_argument("--workspaces", type=int, default=16, help="workspaces (default 16)")
    parser.add_argument("--idle-seconds", type=float, default=30, help="each idle window (default 30)")
    parser.add_argument("--rounds", type=int, default=3, help="refresh rounds against git (default 3)")
    parser.add_argument("--commits", type=int, default=10, help="timed commits (default 10)")
    parser.add_argument("--poll", type=float, default=0.05, help="seconds between `grove ls` polls (default 0.05)")
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds git_reads must hold still to call the watcher settled (default 1)")
    parser.add_argument("--timeout", type=float, default=120, help="deadline of every wait, seconds (default 120)")
    parser.add_argument("--cols", type=int, default=200)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--no-strace", action="store_true", help="count git processes by polling /proc only")
    parser.add_argument("--overflow-check", action="store_true",
                        help="also check that a change survives an inotify queue overflow (a diagnostic)")
    parser.add_argument("--no-racy-count", action="store_true", help="skip counting racily clean index entries")
    parser.add_argument("--grove", help="grove binary (default target/release/grove)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.workspaces < 1 or args.files < 100 or args.commits < 1 or args.rounds < 1:
        parser.error("need at least 1 workspace, 100 files, 1 commit and 1 round")
    load_start = os.getloadavg()

    try:
        grove_bin = find_grove(args.grove)
        if shutil.which("git") is None:
            raise BenchError("git not found on PATH")
        sandbox = Sandbox("grove-bench-watcher-", keep=args.keep)
        bench = Watcher(args, sandbox, grove_bin)
        if not bench.strace and not args.no_strace:
            log("strace not found: counting git processes by polling /proc only (a lower bound)")
        try:
            results = bench.run()
        except BenchError as error:
            raise BenchError(f"{error}\n--- grove server log (tail) ---\n{bench.grove.server_log_tail()}") from error
    except BenchError as error:
        print(f"watcher: {error}", file=sys.stderr)
        return 1

    results["summary"] = summarize(results)
    sys.stderr.flush()
    report(args, grove_bin, results, load_start)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
