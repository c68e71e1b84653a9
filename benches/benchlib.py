"""Shared pieces of the benchmarks (benches/drain.py, benches/idle.py, benches/watcher.py).

Everything runs in a private temporary root: HOME and the XDG directories point
inside it, git ignores the user's and the system's config, tmux servers listen
on sockets inside it (`tmux -S`) and read no config file (`-f /dev/null`). The
root and every process started here are removed on exit, also on an error or
Ctrl-C. Nothing waits with a bare sleep where a condition can be polled with a
deadline; a missed deadline is a `BenchError` with a message saying what did
not happen, and the scripts exit non-zero.

Python 3.11 standard library only.
"""

from __future__ import annotations

import atexit
import codecs
import errno
import fcntl
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unicodedata
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
REPO_ROOT = Path(__file__).resolve().parent.parent


class BenchError(Exception):
    """A benchmark could not run or measure; the message says why."""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def wait_for(condition, timeout: float, what: str, interval: float = 0.02):
    """Polls `condition()` until it returns something truthy; raises after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise BenchError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return float("nan")
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# --------------------------------------------------------------------------
# Tools


def find_grove(explicit: str | None) -> Path:
    """The grove binary: --grove, $GROVE_BIN, or target/release/grove."""
    candidate = explicit or os.environ.get("GROVE_BIN") or str(REPO_ROOT / "target/release/grove")
    path = Path(candidate)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise BenchError(
            f"grove binary not found at {path}; run `cargo build --release` "
            "or pass --grove PATH (or set GROVE_BIN)"
        )
    return path.resolve()


def find_tmux(explicit: str | None) -> Path:
    candidate = explicit or shutil.which("tmux")
    if not candidate or not os.access(candidate, os.X_OK):
        raise BenchError("tmux not found on PATH; install tmux or pass --tmux PATH")
    return Path(candidate).resolve()


def tool_version(argv) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


# --------------------------------------------------------------------------
# /proc


def proc_cpu_ticks(pid: int) -> int:
    """utime + stime of a process (all its threads), in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name is in parentheses and may contain spaces.
    fields = text[text.rindex(")") + 2 :].split()
    # After the name: state is field 3, utime field 14, stime field 15.
    return int(fields[11]) + int(fields[12])


def proc_threads(pid: int) -> dict[str, tuple[int, int]]:
    """Per thread ("tid comm"): (voluntary + nonvoluntary context switches, ns on CPU).

    The time on CPU comes from /proc/PID/task/TID/schedstat (nanoseconds, finer
    than the clock ticks of /proc/PID/stat); it is 0 where the kernel lacks it.
    """
    out = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for task in tasks:
        base = f"/proc/{pid}/task/{task}"
        try:
            with open(f"{base}/comm") as f:
                comm = f.read().strip()
            switches = 0
            with open(f"{base}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
            try:
                with open(f"{base}/schedstat") as f:
                    run_ns = int(f.read().split()[0])
            except (FileNotFoundError, ValueError, IndexError):
                run_ns = 0
        except FileNotFoundError:
            continue  # the thread ended while we looked
        out[f"{task} {comm}"] = (switches, run_ns)
    return out


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except FileNotFoundError:
        return False
    return text[text.rindex(")") + 2] != "Z"


def children_of(pid: int) -> list[int]:
    """Direct children of `pid` (from every thread's children list)."""
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    kids.extend(int(k) for k in f.read().split())
            except FileNotFoundError:
                pass
    except FileNotFoundError:
        pass
    return kids


def descendants_of(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for kid in children_of(todo.pop()):
            out.append(kid)
            todo.append(kid)
    return out


class Sample:
    """CPU ticks and per-thread counters of one process at one moment."""

    def __init__(self, pid: int):
        self.pid = pid
        self.time = time.monotonic()
        self.ticks = proc_cpu_ticks(pid)
        self.per_thread = proc_threads(pid)


class Watch:
    """Counts a process's CPU time and wakeups over a window.

    Context switches (and schedstat run time) are per thread in /proc, and a
    thread that exits takes its counts with it, so the threads are sampled every
    poll while the window runs: a thread's wakeups are its last seen count minus
    its first, one more if it exited (its last wakeup was to exit); a thread born
    in the window counts from zero. CPU in ticks (utime + stime of the whole
    process, exited threads included) is the headline; the schedstat sum is the
    same in nanoseconds, missing what exited threads did after their last poll.
    """

    def __init__(self, pid: int):
        self.pid = pid
        self.first = Sample(pid)
        self.base = dict(self.first.per_thread)
        self.last_seen = dict(self.first.per_thread)
        self.born: set[str] = set()
        self.exited: set[str] = set()

    def poll(self) -> None:
        now = proc_threads(self.pid)
        for name, counts in now.items():
            if name not in self.base:
                self.base[name] = (0, 0)
                self.born.add(name)
            self.last_seen[name] = counts
        self.exited.update(name for name in self.last_seen if name not in now)

    def result(self) -> dict:
        self.poll()
        end = Sample(self.pid)
        woke = {}
        run_ns = 0
        for name, (switches, ran) in self.last_seen.items():
            first_switches, first_ran = self.base[name]
            run_ns += ran - first_ran
            delta = switches - first_switches + (1 if name in self.exited else 0)
            if delta:
                label = name + (" (exited)" if name in self.exited else "") + (" (new)" if name in self.born else "")
                woke[label] = delta
        return {
            "seconds": end.time - self.first.time,
            "cpu_ms": (end.ticks - self.first.ticks) * 1000.0 / CLOCK_TICKS,
            "cpu_us_schedstat": run_ns / 1000.0,
            "wakeups": sum(woke.values()),
            "threads": len(end.per_thread),
            "threads_exited": len(self.exited),
            "threads_born": len(self.born),
            "woke": woke,
        }


def watch_window(pids: dict[str, int], seconds: float, interval: float = 0.1) -> dict[str, dict]:
    """CPU and wakeups of each process over the next `seconds`."""
    watches = {name: Watch(pid) for name, pid in pids.items()}
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(interval, left))
        for watch in watches.values():
            watch.poll()
    return {name: watch.result() for name, watch in watches.items()}


# --------------------------------------------------------------------------
# The isolated environment


class Sandbox:
    """A temporary root with HOME/XDG dirs, a hermetic git env and cleanups run on exit."""

    def __init__(self, prefix: str, keep: bool = False):
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.keep = keep
        self._cleanups: list = []
        self._closed = False
        for name in ("home", "config", "data", "state", "runtime"):
            (self.root / name).mkdir(mode=0o700)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TMUX", "GROVE", "XDG_", "GIT_", "ZELLIJ", "TERM_PROGRAM"))
            and key not in ("LINES", "COLUMNS")
        }
        env.update(
            HOME=str(self.root / "home"),
            XDG_CONFIG_HOME=str(self.root / "config"),
            XDG_DATA_HOME=str(self.root / "data"),
            XDG_STATE_HOME=str(self.root / "state"),
            XDG_RUNTIME_DIR=str(self.root / "runtime"),
            TMUX_TMPDIR=str(self.root / "runtime"),
            GIT_CONFIG_GLOBAL="/dev/null",
            GIT_CONFIG_NOSYSTEM="1",
            GIT_AUTHOR_NAME="grove bench",
            GIT_AUTHOR_EMAIL="bench@grove.invalid",
            GIT_COMMITTER_NAME="grove bench",
            GIT_COMMITTER_EMAIL="bench@grove.invalid",
            TERM="xterm-256color",
            LANG=os.environ.get("LANG", "C.UTF-8") or "C.UTF-8",
            LC_ALL="C.UTF-8",
        )
        self.env = env
        atexit.register(self.close)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, _frame):
        log(f"caught signal {signum}; cleaning up")
        self.close()
        sys.exit(128 + signum)

    def on_close(self, cleanup) -> None:
        """Runs `cleanup()` on exit; the last registered runs first."""
        self._cleanups.append(cleanup)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        while self._cleanups:
            cleanup = self._cleanups.pop()
            try:
                cleanup()
            except Exception as error:  # keep cleaning up the rest
                log(f"cleanup step failed: {error}")
        if self.keep:
            log(f"kept {self.root}")
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def run(self, argv, cwd=None, timeout=60, check=True) -> subprocess.CompletedProcess:
        try:
            done = subprocess.run(
                [str(a) for a in argv],
                cwd=cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"`{' '.join(map(str, argv))}` did not finish in {timeout} s") from error
        if check and done.returncode != 0:
            raise BenchError(
                f"`{' '.join(map(str, argv))}` exited {done.returncode}: "
                f"{(done.stderr or done.stdout).strip()}"
            )
        return done

    def make_repo(self, name: str, grove_yaml: str) -> Path:
        """A git repository with one commit holding `.grove.yaml`."""
        repo = self.root / name
        repo.mkdir()
        (repo / ".grove.yaml").write_text(grove_yaml)
        (repo / "README").write_text("benchmark repository\n")
        self.run(["git", "init", "-q", "-b", "main"], cwd=repo)
        self.run(["git", "add", "."], cwd=repo)
        self.run(["git", "commit", "-q", "-m", "bench"], cwd=repo)
        return repo


def kill_tree(pid: int, sig=signal.SIGKILL) -> None:
    """Signals `pid` and everything below it, leaves first."""
    for victim in reversed([pid] + descendants_of(pid)):
        try:
            os.kill(victim, sig)
        except ProcessLookupError:
            pass


# --------------------------------------------------------------------------
# grove


class Grove:
    """A grove binary run inside a sandbox, and the server it starts."""

    def __init__(self, sandbox: Sandbox, binary: Path):
        self.sandbox = sandbox
        self.binary = binary
        self.lock = Path(sandbox.env["XDG_RUNTIME_DIR"]) / "grove" / "server.lock"
        self.log = Path(sandbox.env["XDG_STATE_HOME"]) / "grove" / "server.log"
        sandbox.on_close(self.stop_server)

    def run(self, *args, cwd=None, timeout=60, check=True):
        return self.sandbox.run([self.binary, *args], cwd=cwd, timeout=timeout, check=check)

    def server_pid(self) -> int | None:
        """The pid in the server's lock file, if that process is alive."""
        try:
            text = self.lock.read_text().strip()
        except FileNotFoundError:
            return None
        if not text.isdigit():
            return None
        pid = int(text)
        return pid if pid_alive(pid) else None

    def wait_server(self, timeout=20) -> int:
        return wait_for(self.server_pid, timeout, f"the grove server (lock file {self.lock})")

    def new(self, repo: Path, name: str, agent: str) -> None:
        self.run("new", name, "--agent", agent, cwd=repo)

    def statuses(self, repo: Path) -> dict[str, str]:
        import json

        done = self.run("ls", "--json", cwd=repo)
        return {w["name"]: w["status"] for w in json.loads(done.stdout)["workspaces"]}

    def stop_server(self) -> None:
        """`grove kill-server`, then SIGKILL for anything left (server and its agents)."""
        pid = self.server_pid()
        if pid is None:
            return
        agents = descendants_of(pid)
        self.run("kill-server", timeout=30, check=False)
        try:
            wait_for(lambda: not pid_alive(pid), 15, f"grove server {pid} to exit")
        except BenchError as error:
            log(f"{error}; killing it")
            kill_tree(pid)
        for agent in agents:
            if pid_alive(agent):
                kill_tree(agent)

    def server_log_tail(self, lines=20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no server log)"


# --------------------------------------------------------------------------
# tmux


class Tmux:
    """One tmux server on a private socket inside the sandbox, without a config file."""

    def __init__(self, sandbox: Sandbox, binary: Path, name: str):
        self.sandbox = sandbox
        self.binary = binary
        self.socket = Path(sandbox.env["XDG_RUNTIME_DIR"]) / f"tmux-{name}.sock"
        sandbox.on_close(self.stop_server)

    def argv(self, *args) -> list[str]:
        return [str(self.binary), "-S", str(self.socket), "-f", "/dev/null", *map(str, args)]

    def run(self, *args, timeout=30, check=True):
        return self.sandbox.run(self.argv(*args), timeout=timeout, check=check)

    def server_pid(self) -> int | None:
        done = self.run("display-message", "-p", "#{pid}", check=False)
        text = done.stdout.strip()
        return int(text) if done.returncode == 0 and text.isdigit() else None

    def wait_server(self, timeout=20) -> int:
        return wait_for(self.server_pid, timeout, f"the tmux server on {self.socket}")

    def stop_server(self) -> None:
        pid = self.server_pid()
        if pid is None:
            return
        agents = descendants_of(pid)
        self.run("kill-server", check=False)
        try:
            wait_for(lambda: not pid_alive(pid), 15, f"tmux server {pid} to exit")
        except BenchError as error:
            log(f"{error}; killing it")
            kill_tree(pid)
        for agent in agents:
            if pid_alive(agent):
                kill_tree(agent)


# --------------------------------------------------------------------------
# The outer terminal


# Queries a client program may send its terminal at start-up, and our answers.
# crossterm (the grove client) waits up to 2 s for a primary device-attributes
# reply when it probes for the kitty keyboard protocol; tmux asks for DA2.
# We answer DA1/DA2/CPR and nothing else (so no kitty keyboard protocol).
QUERY_REPLIES = (
    (b"\x1b[c", b"\x1b[?62;22c"),
    (b"\x1b[0c", b"\x1b[?62;22c"),
    (b"\x1b[>c", b"\x1b[>1;10;0c"),
    (b"\x1b[>0c", b"\x1b[>1;10;0c"),
    (b"\x1b[6n", b"\x1b[1;1R"),
)


class OuterTerminal:
    """A pseudo-terminal of a fixed size running one program, like a terminal window.

    A thread reads everything the program writes and throws it away (a terminal
    that never falls behind), counting the bytes, and answers the few queries in
    `QUERY_REPLIES`. The program is a session leader with the PTY as its
    controlling terminal.
    """

    def __init__(self, sandbox: Sandbox, argv, cols: int, rows: int, cwd=None, screen: bool = False):
        self.cols, self.rows = cols, rows
        # With `screen`, what the program writes is also parsed into a `Screen`
        # (see `wait_screen`); without it the output is only counted.
        self.screen = Screen(cols, rows) if screen else None
        self._screen_waiters: list[dict] = []
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.bytes = 0
        self._lock = threading.Lock()
        self._tail = b""
        # Queries come at start-up; later output is only counted, not scanned.
        self.answer_queries = True

        def become_terminal_owner():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            [str(a) for a in argv],
            cwd=cwd,
            env=sandbox.env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            preexec_fn=become_terminal_owner,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        sandbox.on_close(self.close)

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError as error:
                if error.errno == errno.EINTR:
                    continue
                break  # EIO: the program and its children closed the PTY
            if not data:
                break
            arrived = time.monotonic()
            with self._lock:
                self.bytes += len(data)
                if self.screen is not None:
                    self.screen.feed(data)
                    for waiter in self._screen_waiters:
                        if waiter["at"] is None and waiter["predicate"](self.screen):
                            waiter["at"] = arrived
            # Queries are short; look at the joint with the previous read too.
            if not self.answer_queries:
                continue
            window = self._tail + data
            if b"\x1b[" in window:
                for query, reply in QUERY_REPLIES:
                    if query in window:
                        try:
                            os.write(self.master, reply)
                        except OSError:
                            pass
            self._tail = data[-8:]

    def received(self) -> int:
        with self._lock:
            return self.bytes

    def watch_screen(self, predicate) -> dict:
        """Starts watching the screen for `predicate(screen)`; returns a handle for `screen_seen`.

        The predicate is checked on the reader thread after every read (and
        once now); the handle records the `time.monotonic()` at which the read
        that made it true arrived.
        """
        if self.screen is None:
            raise BenchError("this terminal keeps no screen (pass screen=True)")
        waiter = {"predicate": predicate, "at": None}
        with self._lock:
            if predicate(self.screen):
                waiter["at"] = time.monotonic()
            self._screen_waiters.append(waiter)
        return waiter

    def screen_seen(self, waiter: dict) -> float | None:
        """When the watched predicate became true (monotonic seconds), or None yet."""
        with self._lock:
            return waiter["at"]

    def unwatch_screen(self, waiter: dict) -> None:
        with self._lock:
            if waiter in self._screen_waiters:
                self._screen_waiters.remove(waiter)

    def screen_lines(self) -> list[str]:
        with self._lock:
            return self.screen.lines() if self.screen is not None else []

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_quiet(self, quiet: float, timeout: float, what: str) -> None:
        """Waits until no output has arrived for `quiet` seconds."""
        state = {"bytes": -1, "since": time.monotonic()}

        def settled():
            now = time.monotonic()
            seen = self.received()
            if seen != state["bytes"]:
                state["bytes"], state["since"] = seen, now
                return False
            return now - state["since"] >= quiet

        wait_for(settled, timeout, what)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGHUP)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=5)
        try:
            os.close(self.master)
        except OSError:
            pass
        self._reader.join(timeout=2)


# --------------------------------------------------------------------------
# A tiny terminal screen


class Screen:
    """Just enough of a VT100/xterm to read back what a full-screen program drew.

    Keeps the characters of one screen (no attributes, no scrollback, one
    buffer for the main and alternate screens) and understands what grove's
    frames and crossterm's set-up use: printable text with wide characters
    (two cells) and combining marks, CR/LF/BS/TAB, autowrap with a pending
    wrap at the last column, CUP/HVP, CUU/CUD/CUF/CUB, CHA, VPA, ED, EL, ECH,
    DECSC/DECRC (ESC 7/8, CSI s/u). Every other CSI (SGR, modes, cursor
    shape…), OSC, DCS and ESC sequence is parsed and ignored. The Python
    standard library has no terminal emulator; this is a stand-in for
    checking text on a dashboard, not a general one.
    """

    def __init__(self, cols: int, rows: int):
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.saved = (0, 0)
        self.wrap_pending = False
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._state = "text"
        self._seq = ""

    def lines(self) -> list[str]:
        return ["".join(c for c in row if c is not None).rstrip() for row in self.grid]

    def feed(self, data: bytes) -> None:
        for ch in self._decoder.decode(data):
            self._char(ch)

    def _char(self, ch: str) -> None:
        state = self._state
        if state == "text":
            if ch == "\x1b":
                self._state, self._seq = "esc", ""
            elif ch >= " " and ch != "\x7f":
                self._print(ch)
            else:
                self._control(ch)
        elif state == "esc":
            if ch == "[":
                self._state, self._seq = "csi", ""
            elif ch in "]PX^_":  # OSC, DCS, SOS, PM, APC: strings up to ST/BEL
                self._state = "string"
            elif ch in " #%()*+-./":  # one intermediate, then the final byte
                self._state = "esc-intermediate"
            else:
                self._state = "text"
                if ch == "7":
                    self.saved = (self.x, self.y)
                elif ch == "8":
                    self.x, self.y = self.saved
                    self.wrap_pending = False
                elif ch == "c":
                    self.__init__(self.cols, self.rows)
        elif state == "esc-intermediate":
            self._state = "text"
        elif state == "csi":
            if "\x40" <= ch <= "\x7e":
                self._state = "text"
                self._csi(self._seq, ch)
            elif ch == "\x1b":
                self._state, self._seq = "esc", ""
            else:
                self._seq += ch
        elif state == "string":
            if ch == "\x07":
                self._state = "text"
            elif ch == "\x1b":
                self._state = "string-esc"
        elif state == "string-esc":
            # ESC \\ ends the string; anything else starts a new escape.
            self._state = "text" if ch == "\\" else "esc"
            if ch != "\\":
                self._char(ch)

    def _control(self, ch: str) -> None:
        if ch == "\r":
            self.x, self.wrap_pending = 0, False
        elif ch in "\n\x0b\x0c":
            self._line_feed()
        elif ch == "\b":
            self.x, self.wrap_pending = max(0, self.x - 1), False
        elif ch == "\t":
            self.x, self.wrap_pending = min(self.cols - 1, (self.x // 8 + 1) * 8), False

    def _line_feed(self) -> None:
        self.wrap_pending = False
        if self.y + 1 < self.rows:
            self.y += 1
        else:
            self.grid.pop(0)
            self.grid.append([" "] * self.cols)

    def _print(self, ch: str) -> None:
        if unicodedata.combining(ch) or ch in "\u200d\ufe0f":
            return  # marks and joiners ride on the previous cell
        width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if self.wrap_pending or self.x + width > self.cols:
            self.x = 0
            self._line_feed()
        row = self.grid[self.y]
        row[self.x] = ch
        if width == 2:
            row[self.x + 1] = None  # the right half of a wide character
        if self.x + width >= self.cols:
            self.x, self.wrap_pending = self.cols - 1, True
        else:
            self.x += width

    def _csi(self, seq: str, final: str) -> None:
        if seq[:1] in "?<=>":  # private modes, kitty keys, XTVERSION…: ignored
            return
        params = [int(p) if p.isdigit() else 0 for p in seq.split(";")] if seq else []

        def arg(i: int, default: int = 1) -> int:
            return params[i] if len(params) > i and params[i] else default

        self.wrap_pending = False
        if final in "Hf":
            self.y = min(self.rows, arg(0)) - 1
            self.x = min(self.cols, arg(1)) - 1
        elif final == "A":
            self.y = max(0, self.y - arg(0))
        elif final == "B":
            self.y = min(self.rows - 1, self.y + arg(0))
        elif final == "C":
            self.x = min(self.cols - 1, self.x + arg(0))
        elif final == "D":
            self.x = max(0, self.x - arg(0))
        elif final == "G":
            self.x = min(self.cols, arg(0)) - 1
        elif final == "d":
            self.y = min(self.rows, arg(0)) - 1
        elif final == "J":
            mode = arg(0, 0)
            if mode == 0:
                self._erase(self.y, self.x, self.cols)
                for y in range(self.y + 1, self.rows):
                    self._erase(y, 0, self.cols)
            elif mode == 1:
                for y in range(self.y):
                    self._erase(y, 0, self.cols)
                self._erase(self.y, 0, self.x + 1)
            else:
                for y in range(self.rows):
                    self._erase(y, 0, self.cols)
        elif final == "K":
            mode = arg(0, 0)
            start, end = {0: (self.x, self.cols), 1: (0, self.x + 1)}.get(mode, (0, self.cols))
            self._erase(self.y, start, end)
        elif final == "X":
            self._erase(self.y, self.x, min(self.cols, self.x + arg(0)))
        elif final == "s":
            self.saved = (self.x, self.y)
        elif final == "u":
            self.x, self.y = self.saved

    def _erase(self, y: int, start: int, end: int) -> None:
        row = self.grid[y]
        for x in range(start, end):
            row[x] = " "
