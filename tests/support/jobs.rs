//! Helpers for the job tests (`grove run job.yaml`): a scripted fake agent
//! that adds a header to the file its prompt names and commits, with a hook
//! per item for the test's twists; the job file; the run's ledger, read from
//! grove's state directory; and what git says about the integration branch,
//! the worktrees and the snapshots.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use grove::job::ledger::{self, Ledger};

use super::repo::TestRepo;

/// Generous: a job makes a worktree, runs an agent and merges per item, in a
/// debug build, on a shared machine, while other tests run. A passing test
/// never waits this long.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(45);

/// How often a condition is checked again while waiting.
const POLL: Duration = Duration::from_millis(50);

/// The fake agent. It logs `start WORKSPACE PID` to the starts log (outside
/// the repository), says it is ready, reads the prompt line and takes its
/// last word as the file to work on, runs the test's `case` arms for that
/// file (`$dir` is the test's temporary directory; `wait_for PATH` waits up
/// to 60 s for a file), puts `// header for FILE` on top of the file unless
/// it is there already, commits everything, logs `end WORKSPACE PID` and
/// exits 0.
const AGENT: &str = r#"#!/bin/sh
dir='@DIR@'
log="$dir/agent-starts.log"
wait_for() { n=0; while [ ! -e "$1" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n+1)); done; }
echo "start $GROVE_WORKSPACE $$" >> "$log"
echo "fake job agent ready"
IFS= read -r line
file=${line##* }
echo "working on $file"
case "$file" in
@CASES@
*) ;;
esac
if ! grep -qx "// header for $file" "$file"; then
  { echo "// header for $file"; cat "$file"; } > "$file.tmp" && mv "$file.tmp" "$file"
fi
git add -A && git commit -qm "Header for $file"
echo "end $GROVE_WORKSPACE $$" >> "$log"
echo "done"
exit 0
"#;

/// What the fake agent logged: one entry per start or end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentEvent {
    pub start: bool,
    pub workspace: String,
    pub pid: u32,
}

impl TestRepo {
    /// The test's temporary directory, outside the repository: marker
    /// files, the job file and the agent's log go here.
    pub fn outside(&self) -> &Path {
        self.dir.path()
    }

    /// Writes the source files `src/NAME` with `contents`, and commits them.
    pub fn add_sources(&self, files: &[(String, String)]) {
        for (path, contents) in files {
            self.write(path, contents);
        }
        self.commit_all(&self.root, "sources");
    }

    /// Installs the fake job agent as profile `fake` (and the default agent)
    /// in a committed `.grove.yaml`. `cases` are `case "$file" in` arms run
    /// before the header is written, e.g. `src/b.rs) echo x >> README.md ;;`.
    pub fn use_job_agent(&self, cases: &str) {
        let script = self.outside().join("job-agent.sh");
        let text = AGENT
            .replace("@DIR@", &self.outside().display().to_string())
            .replace("@CASES@", cases);
        std::fs::write(&script, text).unwrap();
        let config = format!(
            "agent: fake\nagents:\n  fake:\n    command: [\"sh\", \"{}\"]\n",
            script.display()
        );
        std::fs::write(self.root.join(".grove.yaml"), config).unwrap();
        self.commit_all(&self.root, "the fake job agent");
    }

    /// Writes the job file `job.yaml` outside the repository.
    pub fn write_job(&self, yaml: &str) -> PathBuf {
        let path = self.outside().join("job.yaml");
        std::fs::write(&path, yaml).unwrap();
        path
    }

    /// `grove run FILE` in the repository, in the background, its output
    /// going to `run.out` and `run.err` outside it ([`Self::run_stderr`]).
    pub fn spawn_run(&self, file: &Path) -> Child {
        let out = |name: &str| std::fs::File::create(self.outside().join(name)).unwrap();
        Command::new(super::grove::GROVE)
            .args(["run", file.to_str().unwrap()])
            .current_dir(&self.root)
            .envs(self.grove_env())
            .env_remove("GROVE_LOG")
            .env_remove("GROVE_PANE")
            .stdin(Stdio::null())
            .stdout(out("run.out"))
            .stderr(out("run.err"))
            .spawn()
            .unwrap()
    }

    /// Waits for a [`Self::spawn_run`] to end, for at most `JOB_TIMEOUT`.
    pub fn wait_run(&self, run: &mut Child, what: &str) -> ExitStatus {
        let deadline = Instant::now() + JOB_TIMEOUT;
        loop {
            if let Some(status) = run.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{what}:\n{}", self.run_stderr());
            std::thread::sleep(POLL);
        }
    }

    /// What a [`Self::spawn_run`] printed on stderr so far.
    pub fn run_stderr(&self) -> String {
        std::fs::read_to_string(self.outside().join("run.err")).unwrap_or_default()
    }

    /// `grove run FILE args…` in the repository, waited for.
    pub fn run_job(&self, file: &Path, args: &[&str]) -> Output {
        let file = file.to_str().unwrap();
        let mut argv = vec!["run", file];
        argv.extend_from_slice(args);
        self.grove(&self.root, &argv)
    }

    /// The directory grove keeps this repository's job records in:
    /// `$XDG_STATE_HOME/grove/jobs/<repo>-<hash>`, found by its name.
    pub fn jobs_dir(&self) -> Option<PathBuf> {
        let jobs = self.xdg().join("state").join("grove").join("jobs");
        let prefix = format!("{}-", self.root.file_name().unwrap().to_string_lossy());
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&jobs)
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .collect();
        assert!(
            dirs.len() <= 1,
            "more than one job directory for one repository: {dirs:?}"
        );
        dirs.pop()
    }

    /// The job's ledger, if it has one yet.
    pub fn try_ledger(&self, job: &str) -> Option<Ledger> {
        let path = self.jobs_dir()?.join(format!("{job}.yaml"));
        ledger::load(&path).unwrap()
    }

    /// The job's ledger; fails the test when there is none.
    pub fn ledger(&self, job: &str) -> Ledger {
        self.try_ledger(job)
            .unwrap_or_else(|| panic!("job {job} has no ledger under {}", self.xdg().display()))
    }

    /// Waits until the job's ledger satisfies `check`, and returns it.
    pub fn wait_for_ledger(
        &self,
        job: &str,
        what: &str,
        check: impl Fn(&Ledger) -> bool,
    ) -> Ledger {
        let deadline = Instant::now() + JOB_TIMEOUT;
        loop {
            let ledger = self.try_ledger(job);
            if let Some(ledger) = ledger.as_ref().filter(|l| check(l)) {
                return ledger.clone();
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; the ledger:\n{ledger:#?}\nthe agent's log:\n{}",
                    self.agent_log()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// The fake agent's log as written.
    pub fn agent_log(&self) -> String {
        std::fs::read_to_string(self.outside().join("agent-starts.log")).unwrap_or_default()
    }

    /// The fake agent's starts and ends, in order.
    pub fn agent_events(&self) -> Vec<AgentEvent> {
        self.agent_log()
            .lines()
            .map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                assert_eq!(fields.len(), 3, "a bad line in the agent's log: {line:?}");
                AgentEvent {
                    start: fields[0] == "start",
                    workspace: fields[1].to_owned(),
                    pid: fields[2].parse().unwrap(),
                }
            })
            .collect()
    }

    /// The subjects of the commits on `rev`, newest first.
    pub fn subjects(&self, rev: &str) -> Vec<String> {
        self.git(&self.root, &["log", "--format=%s", rev])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// `git show REV:PATH`, byte for byte (`git` trims its output).
    pub fn show(&self, rev: &str, path: &str) -> String {
        let output = self
            .git_command(&self.root)
            .args(["show", &format!("{rev}:{path}")])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git show {rev}:{path}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Every worktree git knows of (`git worktree list`), the main one first.
    pub fn worktrees(&self) -> Vec<PathBuf> {
        self.git(&self.root, &["worktree", "list", "--porcelain"])
            .lines()
            .filter_map(|l| l.strip_prefix("worktree "))
            .map(PathBuf::from)
            .collect()
    }

    /// The snapshot refs (`refs/grove/snapshots/…`).
    pub fn snapshot_refs(&self) -> Vec<String> {
        self.git(
            &self.root,
            &[
                "for-each-ref",
                "--format=%(refname)",
                "refs/grove/snapshots",
            ],
        )
        .lines()
        .map(str::to_owned)
        .collect()
    }

    /// Local branches matching `pattern` (`git branch --list`).
    pub fn branches(&self, pattern: &str) -> Vec<String> {
        self.git(
            &self.root,
            &["branch", "--list", "--format=%(refname:short)", pattern],
        )
        .lines()
        .map(str::to_owned)
        .collect()
    }

    /// The workspaces `grove ls --json` lists: (name, path).
    pub fn listed_workspaces(&self) -> Vec<(String, PathBuf)> {
        let listing: serde_json::Value =
            serde_json::from_str(&self.grove_ok(&["ls", "--json"])).unwrap();
        listing["workspaces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["name"].as_str().unwrap().to_owned(),
                    PathBuf::from(w["path"].as_str().unwrap()),
                )
            })
            .collect()
    }
}

/// `count` source files `src/fNN.rs`, each with its own one-line body.
pub fn numbered_sources(count: usize) -> Vec<(String, String)> {
    (1..=count)
        .map(|i| (format!("src/f{i:02}.rs"), format!("pub fn f{i}() {{}}\n")))
        .collect()
}

/// What the fake agent makes of `original` for `path`.
pub fn with_header(path: &str, original: &str) -> String {
    format!("// header for {path}\n{original}")
}

/// A job file for the fake agent: `done: exit`, the header prompt, and a
/// retry 1 s after a failed try rather than the default 30 s (a try can
/// fail on a git race when worktrees are made at once; see
/// `items_started_together_do_not_fail_making_their_worktrees`).
pub fn job_yaml(name: &str, items: &str, concurrency: usize, extra: &str) -> String {
    format!(
        "name: {name}\nagent: fake\nitems: {items}\nprompt: \"Add a header comment to {{{{item}}}}\"\nconcurrency: {concurrency}\ndone: exit\nbackoff: 1s\n{extra}"
    )
}

/// The `--json` summary `grove run` printed.
pub fn summary(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "grove run printed no JSON ({e}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The `--json` entry of `item`.
pub fn summary_item<'a>(summary: &'a serde_json::Value, item: &str) -> &'a serde_json::Value {
    summary["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == item)
        .unwrap_or_else(|| panic!("no item {item} in\n{summary:#}"))
}

/// The most agents the log shows alive at once (each logs its start first
/// and its end last, so grove had at least as many at that moment).
pub fn most_at_once(events: &[AgentEvent]) -> usize {
    let mut alive = std::collections::BTreeSet::new();
    let mut most = 0;
    for event in events {
        if event.start {
            alive.insert(event.pid);
        } else {
            alive.remove(&event.pid);
        }
        most = most.max(alive.len());
    }
    most
}
