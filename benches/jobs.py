#!/usr/bin/env python3
"""Jobs benchmark: what `grove run job.yaml` costs per item, against plain git.

A repository of --items (default 20) files `src/fNN.rs`, one commit. Both sides
do the same work for each item: a worktree on a new branch made from the
integration branch as it is at that moment, a header line put on top of the
item's file, `git add` and `git commit` in that worktree, a `--no-ff` merge
into the integration branch, the worktree removed and the branch deleted.

- **plain**: one `sh` script doing exactly that with git, item after item:
  `git worktree add -q -b bench/item-N WT integ`, the edit and the commit in
  WT, `git merge --no-ff -q` in a side worktree that has `integ` checked out
  (made once at the start, removed at the end, both inside the timed part),
  `git worktree remove WT`, `git branch -D bench/item-N` (`-d` checks
  against HEAD, which is main).
- **grove**: `grove run job.yaml` (wall time from the start of the command
  until it returns, so including its start-up and its 0.5 s progress poll)
  with `items: { glob: "src/*.rs" }`, `done: exit`, `retries: 3`, `backoff: 1s`
  (a git race can fail a try; such items are counted), and a fake agent (`sh`)
  that makes the same edit and commit and exits at once: its own time is the
  edit, the commit and a few `date`/`stat` calls to log when things happened.
  The agent gets its prompt as grove's default does, typed in once it is idle
  (`paste`: the profile has an idle rule matching the agent's ready line, as
  every built-in profile has one for its agent's input box; the agent has not
  asked for bracketed paste, so Enter goes with the text), typed in by a
  profile without status rules (`quiet`: grove waits for 0.7 s without output
  before it types), or on its command line (`argument`, no wait: the pure
  orchestration cost). Each of --concurrency (default 1 and 4) with each of
  --via (default paste and argument).

Every run uses a fresh repository (same files, same commit). A round runs
plain git, then each grove configuration (rotated from round to round), each
followed by plain git again; --runs rounds (default 3). Each grove run is
divided by the mean of the plain runs just before and after it, because the
machine's load moves; the table gives the median of these ratios and of the
wall times, per item (wall / N), and the CPU of the server (its own
utime+stime and that of the children it reaped: git and the agents) against
the plain script's children. One grove server serves every run, started (and
warmed with a 2-item job) before the first.

Where grove's time goes: the fake agent logs, with nanosecond wall-clock
times, when it started, when it got its prompt and when it was done, and the
modification time of its worktree's `.git` file (written by `git worktree
add`). A thread polls, every 5 ms, the integration branch's ref file (each
new value, with the file's modification time, is one item's merge by `git
update-ref`) and the job's worktree directory (when each worktree went away).
The snapshot ref grove writes before it removes a merged worktree dates the
start of the removal. Medians over the items:

  head   `grove run` started -> the first item's worktree exists (per run)
  create worktree exists -> its agent runs (checkout, workspace record, pane)
  prompt agent runs -> agent has its prompt (the readiness wait when typed)
  agent  prompt -> agent done (the agent's own work)
  merge  agent done -> merged (exit noticed, boundary, check, merge)
  snap   merged -> snapshot ref written (the start of the removal)
  remove snapshot -> worktree gone
  item   worktree made -> worktree gone
  next   at concurrency 1: an agent done -> the next item's worktree exists
  tail   last worktree gone -> `grove run` returned (per run)

--strace adds one untimed run (concurrency 1, prompt as an argument) with
strace attached to the server, and counts its git processes by subcommand.

Every grove run and plain loop has a deadline (--timeout); waits are polls
with deadlines. Everything runs in a temporary directory (benchlib.Sandbox), removed on exit, also on an error or
Ctrl-C.

    python3 benches/jobs.py [--items 20] [--runs 3] [--concurrency 1,4] [--via paste,quiet,argument] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
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
    Sandbox,
    find_grove,
    log,
    median,
    tool_version,
)

# The fake agent. Logs one line when it is done:
#   WORKSPACE START PROMPT END WORKTREE_MTIME REF_MTIME
# (seconds since the epoch, to the nanosecond). REF_MTIME, the integration
# branch's ref when the agent is done ("-" when packed), is only a diagnostic:
# the merges' times come from the Poller.
AGENT = r"""#!/bin/sh
start=$(date +%s.%N)
if [ $# -gt 0 ]; then
  line="$*"
else
  echo "fake job agent ready"
  IFS= read -r line
fi
prompt=$(date +%s.%N)
file=${line##* }
{ echo "// header for $file"; cat "$file"; } > "$file.tmp" && mv "$file.tmp" "$file"
git add "$file" && git commit -qm "Header for $file"
end=$(date +%s.%N)
wt=$(stat -c %.9Y .git)
ref=$(stat -c %.9Y '@REF@' 2>/dev/null || echo -)
echo "$GROVE_WORKSPACE $start $prompt $end $wt $ref" >> '@LOG@'
exit 0
"""

# The plain-git loop: the same edit and commit per item, in its own worktree
# made from the integration branch, merged --no-ff into it, then removed.
PLAIN = r"""#!/bin/sh
set -e
repo=$1; wts=$2; shift 2
cd "$repo"
git branch integ main
git worktree add -q "$wts/side" integ
for file in "$@"; do
  n=$(basename "$file" .rs)
  wt="$wts/$n"
  git worktree add -q -b "bench/item-$n" "$wt" integ
  (
    cd "$wt"
    { echo "// header for $file"; cat "$file"; } > "$file.tmp" && mv "$file.tmp" "$file"
    git add "$file" && git commit -qm "Header for $file"
  )
  git -C "$wts/side" merge --no-ff -q -m "plain: $file" "bench/item-$n"
  git worktree remove "$wt"
  git branch -q -D "bench/item-$n"  # -d would check it is merged into HEAD (main), not integ
done
git worktree remove "$wts/side"
"""


def files_of(items: int) -> list[str]:
    return [f"src/f{i:02}.rs" for i in range(1, items + 1)]


def make_repo(sandbox: Sandbox, name: str, items: int, grove_yaml: str) -> Path:
    repo = sandbox.make_repo(name, grove_yaml)
    (repo / "src").mkdir()
    for i, path in enumerate(files_of(items), start=1):
        (repo / path).write_text(f"pub fn f{i}() {{}}\n")
    sandbox.run(["git", "add", "-A"], cwd=repo)
    sandbox.run(["git", "commit", "-q", "-m", f"{items} files"], cwd=repo)
    return repo


def server_cpu_ticks(pid: int) -> int:
    """utime + stime + cutime + cstime of the server, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2 :].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14))


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Poller:
    """Watches, every `interval` s, the integration branch's ref file and the job's worktrees.

    Keeps each new value of the ref with the file's modification time (the
    time of the merge's `git update-ref`, to the nanosecond), and for each
    worktree directory the times it was first and last seen (its removal is
    known to within one interval).
    """

    def __init__(self, ref: Path, worktrees: Path, prefix: str, interval: float = 0.005):
        self.ref, self.worktrees, self.prefix, self.interval = ref, worktrees, prefix, interval
        self.updates: list[tuple[float, str]] = []
        self.seen: dict[str, list[float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last_mtime, last_sha, folder = None, None, None
        while not self._stop.is_set():
            now = time.time()
            try:
                mtime = os.stat(self.ref).st_mtime_ns
                if mtime != last_mtime:
                    sha = self.ref.read_text().strip()
                    if sha != last_sha:
                        self.updates.append((mtime / 1e9, sha))
                    last_mtime, last_sha = mtime, sha
            except (FileNotFoundError, NotADirectoryError):
                pass
            if folder is None:
                try:
                    folder = next((self.worktrees / d for d in os.listdir(self.worktrees)
                                   if d.startswith(self.prefix)), None)
                except FileNotFoundError:
                    pass
            if folder is not None:
                try:
                    for entry in os.listdir(folder):
                        self.seen.setdefault(entry, [now, now])[1] = now
                except FileNotFoundError:
                    pass
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class Jobs:
    def __init__(self, args, sandbox: Sandbox, grove_bin: Path):
        self.args = args
        self.sandbox = sandbox
        self.grove = Grove(sandbox, grove_bin)
        self.count = 0

    def fresh(self) -> int:
        self.count += 1
        return self.count

    # ---------------------------------------------------------------- plain

    def plain(self) -> dict:
        n = self.fresh()
        repo = make_repo(self.sandbox, f"plain-{n}", self.args.items, "agents: {}\n")
        script = self.sandbox.root / "plain.sh"
        script.write_text(PLAIN)
        wts = self.sandbox.root / f"plain-{n}-worktrees"
        wts.mkdir()
        files = files_of(self.args.items)
        cpu0 = children_cpu_s()
        t0 = time.monotonic()
        self.sandbox.run(["sh", script, repo, wts, *files], timeout=self.args.timeout)
        wall = time.monotonic() - t0
        cpu = children_cpu_s() - cpu0
        merges = self.sandbox.run(["git", "log", "--format=%s", "integ"], cwd=repo).stdout.count("plain: ")
        if merges != self.args.items:
            raise BenchError(f"plain: {merges} merges on integ, wanted {self.args.items}")
        left = self.sandbox.run(["git", "worktree", "list"], cwd=repo).stdout.strip().splitlines()
        if len(left) != 1:
            raise BenchError(f"plain left worktrees behind: {left}")
        return {"wall_s": wall, "cpu_s": cpu}

    # ---------------------------------------------------------------- grove

    def grove_repo(self, name: str, via: str, items: int) -> tuple[Path, Path]:
        log_path = self.sandbox.root / f"{name}.agent.log"
        repo_dir = self.sandbox.root / name
        ref = repo_dir / ".git" / "refs" / "heads" / "grove" / "job" / name
        agent = self.sandbox.root / f"{name}.agent.sh"
        agent.write_text(AGENT.replace("@REF@", str(ref)).replace("@LOG@", str(log_path)))
        profile = f'  fake:\n    command: ["sh", "{agent}"]\n'
        if via == "argument":
            profile += '    prompt: { via: argument, args: ["{prompt}"] }\n'
        elif via == "paste":
            # Like the built-in profiles: a rule that knows the ready screen.
            profile += '    status: { rows: 1, idle: ["^fake job agent ready$"] }\n'
        repo = make_repo(self.sandbox, name, items, f"agent: fake\nagents:\n{profile}")
        if repo != repo_dir:
            raise BenchError(f"unexpected repository path {repo}")
        return repo, log_path

    def job_file(self, name: str, concurrency: int) -> Path:
        path = self.sandbox.root / f"{name}.yaml"
        path.write_text(
            f"name: {name}\nagent: fake\nitems: {{ glob: \"src/*.rs\" }}\n"
            f"prompt: \"Add a header comment to {{{{item}}}}\"\nconcurrency: {concurrency}\ndone: exit\n"
            # A try that fails (a git race while worktrees are made at once,
            # see the README) is tried again after 1 s (then 2, 4), not the
            # default 30 s, up to 3 times; such retries are counted and reported.
            "retries: 3\nbackoff: 1s\n"
        )
        return path

    def warm_up(self) -> None:
        repo, _ = self.grove_repo("warmup", "paste", 2)
        job = self.job_file("warmup", 2)
        self.grove.run("run", job, "--json", cwd=repo, timeout=self.args.timeout)
        self.grove.wait_server()

    def grove_run(self, concurrency: int, via: str) -> dict:
        n = self.fresh()
        name = f"g{n}-c{concurrency}-{via[:3]}"
        repo, log_path = self.grove_repo(name, via, self.args.items)
        job = self.job_file(name, concurrency)
        server = self.grove.wait_server()
        poller = Poller(
            repo / ".git" / "refs" / "heads" / "grove" / "job" / name,
            Path(self.sandbox.env["XDG_DATA_HOME"]) / "grove" / "worktrees",
            f"{name}-",
        )
        cpu0 = server_cpu_ticks(server)
        started = time.time()
        t0 = time.monotonic()
        done = self.grove.run("run", job, "--json", cwd=repo, timeout=self.args.timeout, check=False)
        wall = time.monotonic() - t0
        returned = time.time()
        poller.stop()
        # The server reaps its last children (the agent, git) a moment later.
        cpu = (server_cpu_ticks(server) - cpu0) / CLOCK_TICKS
        try:
            summary = json.loads(done.stdout)
        except json.JSONDecodeError:
            summary = {"counts": {}, "items": []}
        if done.returncode != 0 or summary["counts"].get("merged") != self.args.items:
            failed = "".join(
                f"\n  {i['item']}: {i['state']}: {i['reason']}" for i in summary["items"] if i["state"] != "merged"
            )
            raise BenchError(f"grove run {name} exited {done.returncode}: {done.stderr.strip()}{failed}")
        left = self.sandbox.run(["git", "worktree", "list"], cwd=repo).stdout.strip().splitlines()
        if len(left) != 1:
            raise BenchError(f"grove left worktrees behind: {left}")
        retried = [i["item"] for i in summary["items"] if i["attempts"] > 1]
        if retried:
            log(f"{name}: retried after a failed try: {', '.join(retried)}")
        result = {"name": name, "wall_s": wall, "cpu_s": cpu, "retried": len(retried)}
        result["phases"] = self.phases(repo, name, concurrency, summary, log_path, poller, started, returned)
        return result

    def phases(self, repo: Path, name: str, concurrency: int, summary: dict, log_path: Path,
               poller: "Poller", started: float, returned: float) -> dict:
        """Per-item intervals (medians over the items) and the run's head and tail, in seconds."""
        rows = {}
        for line in log_path.read_text().splitlines():
            ws, start, prompt, end, wt, _ref = line.split()
            rows[ws] = {"start": float(start), "prompt": float(prompt), "end": float(end), "wt": float(wt)}
        if len(rows) != self.args.items:
            raise BenchError(f"{name}: the agent ran {len(rows)} times, wanted {self.args.items}")
        workspace = {i["item"]: i["workspace"] for i in summary["items"]}
        prefix = f"grove job {name}: "
        merge_of = {}
        for line in self.sandbox.run(["git", "log", "--format=%H %s", f"grove/job/{name}"], cwd=repo).stdout.splitlines():
            sha, subject = line.split(" ", 1)
            if subject.startswith(prefix):
                merge_of[sha] = workspace.get(subject[len(prefix):])
        for mtime, sha in poller.updates:
            ws = merge_of.get(sha)
            if ws in rows:
                rows[ws]["merged"] = mtime
        snap_dir = repo / ".git" / "refs" / "grove" / "snapshots"
        for ws, row in rows.items():
            snaps = list((snap_dir / ws).glob("*")) if (snap_dir / ws).is_dir() else []
            if snaps:
                row["snap"] = min(e.stat().st_mtime_ns for e in snaps) / 1e9
            if ws in poller.seen:
                row["gone"] = poller.seen[ws][1]
        steps = {
            "create": ("wt", "start"),
            "prompt": ("start", "prompt"),
            "agent": ("prompt", "end"),
            "merge": ("end", "merged"),
            "snap": ("merged", "snap"),
            "remove": ("snap", "gone"),
            "item": ("wt", "gone"),
        }
        out = {}
        for step, (a, b) in steps.items():
            values = [row[b] - row[a] for row in rows.values() if a in row and b in row]
            if values:
                out[step] = median(values)
        ordered = sorted(rows.values(), key=lambda r: r["wt"])
        out["head"] = ordered[0]["wt"] - started
        gone = [r["gone"] for r in ordered if "gone" in r]
        if gone:
            out["tail"] = returned - max(gone)
        if concurrency == 1:
            # From an agent's exit to the next item's worktree: at concurrency
            # 1 the next item starts once the previous agent is done (while
            # that item is still being checked and merged).
            out["next"] = median([b["wt"] - a["end"] for a, b in zip(ordered, ordered[1:])])
        out["missing"] = sum(1 for r in rows.values() if not all(k in r for k in ("merged", "snap", "gone")))
        return out

    def count_git(self) -> dict:
        """One more run (concurrency 1, prompt as an argument) with strace on the server: its git processes."""
        from watcher import ExecTrace, git_subcommand  # noqa: E402 (same directory)

        n = self.fresh()
        name = f"g{n}-strace"
        repo, _ = self.grove_repo(name, "argument", self.args.items)
        job = self.job_file(name, 1)
        trace = ExecTrace(self.sandbox, self.grove.wait_server(), name, 30)
        self.grove.run("run", job, "--json", cwd=repo, timeout=self.args.timeout)
        trace.stop()
        execs = trace.execs()
        counts: dict[str, int] = {}
        for _, argv in execs:
            if argv and Path(argv[0]).name == "git":
                sub = git_subcommand(argv)
                counts[sub] = counts.get(sub, 0) + 1
        total = sum(counts.values())
        log(f"strace: {total} git processes for {self.args.items} items ({total / self.args.items:.1f} per item), "
            f"{len(execs)} execs in all")
        return {"git": total, "execs": len(execs), "by_subcommand": dict(sorted(counts.items(), key=lambda kv: -kv[1]))}

    # ---------------------------------------------------------------- all

    def run(self) -> dict:
        groves = [(c, v) for v in self.args.via for c in self.args.concurrency]
        log(f"{self.args.items} items; plain git between every grove run; grove: "
            + ", ".join(label("grove", c, v) for c, v in groves))
        self.warm_up()
        results: dict[str, list] = {label("plain", None, None): []}
        results.update({label("grove", c, v): [] for c, v in groves})

        def measure(kind, c=None, v=None) -> dict:
            key = label(kind, c, v)
            figures = self.plain() if kind == "plain" else self.grove_run(c, v)
            figures["per_item_ms"] = figures["wall_s"] * 1000 / self.args.items
            results[key].append(figures)
            log(f"{key}: {figures['wall_s']:.2f} s, {figures['per_item_ms']:.0f} ms/item")
            return figures

        for r in range(self.args.runs):
            log(f"round {r + 1} of {self.args.runs}")
            order = groves[r % len(groves) :] + groves[: r % len(groves)]
            before = measure("plain")
            for c, v in order:
                figures = measure("grove", c, v)
                after = measure("plain")
                # Against the plain runs just before and just after it: the
                # machine's load moves, and this keeps both sides in one window.
                figures["plain_s"] = (before["wall_s"] + after["wall_s"]) / 2
                figures["ratio"] = figures["wall_s"] / figures["plain_s"]
                before = after
        data = {"results": results}
        if self.args.strace:
            if shutil.which("strace") is None:
                raise BenchError("--strace needs strace on PATH")
            data["git_processes"] = self.count_git()
        return data


def label(kind: str, concurrency, via) -> str:
    return "plain git" if kind == "plain" else f"grove c={concurrency} {via}"


def report(args, grove_bin: Path, data: dict, load_start) -> None:
    results = data["results"]
    plain = median([r["wall_s"] for r in results["plain git"]])
    print(f"\njobs: {args.items} items, {args.runs} runs; grove {grove_bin}")
    print(f"{tool_version(['git', '--version'])}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load {load_start[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end\n")
    print("| configuration | wall s (median) | per item ms | grove / plain (median of runs) | each run | CPU s (median) | retried items |")
    print("|---|---|---|---|---|---|---|")
    for key, runs in results.items():
        wall = median([r["wall_s"] for r in runs])
        cpu = median([r["cpu_s"] for r in runs])
        if key == "plain git":
            ratio, each = "", ", ".join(f"{r['wall_s']:.2f}" for r in runs) + " s"
        else:
            ratio = f"**{median([r['ratio'] for r in runs]):.2f}x**"
            each = ", ".join(f"{r['ratio']:.2f}" for r in runs)
        retried = sum(r.get("retried", 0) for r in runs)
        print(f"| {key} | {wall:.2f} | {wall * 1000 / args.items:.0f} | {ratio} | {each} | {cpu:.2f} | {retried} |")
    print(f"\n(plain git median {plain:.2f} s, {plain * 1000 / args.items:.0f} ms per item; each grove run is "
          "divided by the mean of the plain runs just before and after it)")
    keys = ["head", "create", "prompt", "agent", "merge", "snap", "remove", "item", "next", "tail"]
    print("\nWhere grove's time goes (ms; per item: medians over the items, then over the runs):\n")
    print("| configuration | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for key, runs in results.items():
        if not runs or "phases" not in runs[0]:
            continue
        cells = []
        for k in keys:
            values = [r["phases"][k] for r in runs if k in r["phases"]]
            cells.append(f"{median(values) * 1000:.0f}" if values else "")
        print(f"| {key} | " + " | ".join(cells) + " |")
    counted = data.get("git_processes")
    if counted:
        per = counted["git"] / args.items
        top = ", ".join(f"{k} {v / args.items:.1f}" for k, v in counted["by_subcommand"].items())
        print(f"\ngit processes per item (strace, concurrency 1, argument): grove {per:.1f} ({top}); "
              "plain 6 (worktree add, add, commit, merge, worktree remove, branch -D)")
    missing = sum(r["phases"].get("missing", 0) for runs in results.values() for r in runs if "phases" in r)
    if missing:
        print(f"\n({missing} items lack a merge, snapshot or removal time: an update the poller missed)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20, help="items per job (default 20)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each configuration (default 3)")
    parser.add_argument("--concurrency", default="1,4", help="grove concurrencies, comma-separated (default 1,4)")
    parser.add_argument("--via", default="paste,argument",
                        help="how the agent gets its prompt: paste, quiet, argument, comma-separated "
                             "(default paste,argument)")
    parser.add_argument("--strace", action="store_true",
                        help="also count the server's git processes in one more (untimed) run, with strace")
    parser.add_argument("--timeout", type=float, default=300, help="deadline of every run, seconds (default 300)")
    parser.add_argument("--grove", help="grove binary (default target/release/grove)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    try:
        args.concurrency = [int(c) for c in args.concurrency.split(",")]
    except ValueError:
        parser.error("--concurrency takes numbers, e.g. 1,4")
    args.via = args.via.split(",")
    if args.items < 2 or args.runs < 1 or any(c < 1 for c in args.concurrency):
        parser.error("need at least 2 items, 1 run and concurrency 1 or more")
    if any(v not in ("paste", "quiet", "argument") for v in args.via):
        parser.error("--via takes paste, quiet and argument, comma-separated")
    load_start = os.getloadavg()
    try:
        grove_bin = find_grove(args.grove)
        if shutil.which("git") is None:
            raise BenchError("git not found on PATH")
        sandbox = Sandbox("grove-bench-jobs-", keep=args.keep)
        bench = Jobs(args, sandbox, grove_bin)
        try:
            data = bench.run()
        except BenchError as error:
            raise BenchError(f"{error}\n--- grove server log (tail) ---\n{bench.grove.server_log_tail()}") from error
    except BenchError as error:
        print(f"jobs: {error}", file=sys.stderr)
        return 1
    sys.stderr.flush()
    report(args, grove_bin, data, load_start)
    if args.json:
        args.json.write_text(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
