//! Faults on purpose, for `tests/e2e_faults*.rs`: a trap that stops git (in
//! a hook), a setup command or an agent at a chosen moment, so a test can
//! SIGKILL a process exactly there; starting a server by hand (under a file
//! size limit, to fill the disk). `checks` has what every fault test checks
//! afterwards.
//!
//! The trap is one script. Hooks in the test repository, a clean filter on
//! every file (so `git add` stops in it) and commands the test configures call
//! it with where they are (`reference-transaction`, `post-checkout`, `clean`,
//! `setup`…) and what is happening (a hook's arguments and input, the file
//! being added). Nothing happens until the test arms that point with a glob; the
//! first call that matches disarms it, writes `reached` and blocks reading
//! the `release` fifo, whose line is its exit code (a non-zero one from a
//! `prepared` reference transaction makes git abort it).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub mod checks;

use super::grove::GROVE;
use super::pane::gone_or_foreign_zombie;
use super::repo::TestRepo;

/// Generous: a passing test never waits this long.
pub const FAULT_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(20);

const TRAP: &str = r#"#!/bin/sh
# $1: where (a hook or a command); $2: what is happening there.
dir='@DIR@'
arm="$dir/arm-$1"
[ -e "$arm" ] || exit 0
want=$(cat "$arm")
case "$2" in $want) ;; *) exit 0 ;; esac
mv "$arm" "$arm.fired" 2>/dev/null || exit 0
echo "$$ $1 $2" > "$dir/reached.tmp" && mv "$dir/reached.tmp" "$dir/reached"
read code < "$dir/release"
exit "${code:-0}"
"#;

/// The trap of one test (see the module docs).
pub struct Trap {
    dir: PathBuf,
}

impl TestRepo {
    /// Installs the trap: its script, its fifo, the repository's
    /// `reference-transaction` and `post-checkout` hooks, and a clean filter
    /// on every path that passes content through once the trap lets it go.
    pub fn trap(&self) -> Trap {
        let dir = self.outside().join("trap");
        std::fs::create_dir_all(&dir).unwrap();
        let script = dir.join("trap.sh");
        std::fs::write(&script, TRAP.replace("@DIR@", &dir.display().to_string())).unwrap();
        nix::unistd::mkfifo(&dir.join("release"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        let hooks = PathBuf::from(self.git(
            &self.root,
            &["rev-parse", "--path-format=absolute", "--git-path", "hooks"],
        ));
        std::fs::create_dir_all(&hooks).unwrap();
        let script = script.display();
        let hook_scripts = [
            (
                "reference-transaction",
                format!(
                    "#!/bin/sh\nexec sh '{script}' reference-transaction \"$1 $(tr '\\n' ' ')\"\n"
                ),
            ),
            (
                "post-checkout",
                format!("#!/bin/sh\nexec sh '{script}' post-checkout \"$*\"\n"),
            ),
        ];
        for (hook, text) in hook_scripts {
            let path = hooks.join(hook);
            std::fs::write(&path, text).unwrap();
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        // The filter lives in the repository's own config and info/attributes,
        // so worktrees share it and no file of the user's changes.
        let attributes = PathBuf::from(self.git(
            &self.root,
            &[
                "rev-parse",
                "--path-format=absolute",
                "--git-path",
                "info/attributes",
            ],
        ));
        std::fs::create_dir_all(attributes.parent().unwrap()).unwrap();
        std::fs::write(&attributes, "* filter=trap\n").unwrap();
        let clean = format!("sh '{script}' clean %f </dev/null; cat");
        self.git(&self.root, &["config", "filter.trap.clean", &clean]);
        Trap { dir }
    }

    /// Makes the user config run `command` as the workspace setup.
    pub fn user_setup(&self, command: &str) {
        let dir = self.xdg().join("config").join("grove");
        std::fs::create_dir_all(&dir).unwrap();
        let yaml = format!("workspace:\n  setup: [{}]\n", serde_json::json!(command));
        std::fs::write(dir.join("config.yaml"), yaml).unwrap();
    }

    /// `grove args…` in the background, in its own process group (so the
    /// test can kill it with everything it started), output to files.
    pub fn grove_spawn(&self, args: &[&str]) -> Child {
        use std::os::unix::process::CommandExt as _;
        let log = |name: &str| std::fs::File::create(self.outside().join(name)).unwrap();
        Command::new(GROVE)
            .args(args)
            .current_dir(&self.root)
            .envs(self.grove_env())
            .env_remove("GROVE_LOG")
            .env_remove("GROVE_PANE")
            .stdin(Stdio::null())
            .stdout(log("spawned.out"))
            .stderr(log("spawned.err"))
            .process_group(0)
            .spawn()
            .unwrap()
    }

    /// What the last [`TestRepo::grove_spawn`] printed on stderr.
    pub fn spawned_stderr(&self) -> String {
        std::fs::read_to_string(self.outside().join("spawned.err")).unwrap_or_default()
    }

    /// `grove server --foreground` started by hand in its own process group,
    /// with SIGXFSZ ignored (`ignore_xfsz`: a write past the file size limit
    /// fails with EFBIG, as on a full disk) or left to kill it; returns once
    /// it answers.
    pub fn start_server(&self, xfsz: Xfsz) -> Child {
        use std::os::unix::process::CommandExt as _;
        let script = match xfsz {
            Xfsz::Ignored => "trap '' XFSZ; exec \"$0\" server --foreground",
            Xfsz::Kills => "exec \"$0\" server --foreground",
        };
        let child = Command::new("sh")
            .args(["-c", script, GROVE])
            .current_dir(&self.root)
            .envs(self.grove_env())
            .env_remove("GROVE_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        wait_until("the hand-started server to answer", || {
            self.server_answers()
        });
        child
    }

    /// Whether a server answers on the test's socket.
    pub fn server_answers(&self) -> bool {
        let paths = self.grove_paths();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            matches!(grove::client::connect::connect(&paths).await, Ok(Some(_)))
        })
    }

    /// Sets the soft file size limit of process `pid` (`prlimit`); `None`
    /// lifts it.
    pub fn limit_file_size(&self, pid: u32, bytes: Option<u64>) {
        let limit = bytes.map_or("unlimited".to_owned(), |b| b.to_string());
        let status = Command::new("prlimit")
            .args([
                "--pid",
                &pid.to_string(),
                &format!("--fsize={limit}:"),
                "--core=0:",
            ])
            .status()
            .expect("prlimit (util-linux) is needed to fill the disk");
        assert!(
            status.success(),
            "prlimit --pid {pid} --fsize={limit}: failed"
        );
    }

    /// The state file's text (empty when there is none).
    pub fn state_text(&self) -> String {
        std::fs::read_to_string(self.grove_paths().state_file()).unwrap_or_default()
    }

    /// Files in the state directory other than the state, its locks and
    /// the server's own (log, lock): what a killed writer left.
    pub fn state_litter(&self) -> Vec<String> {
        let dir = self.grove_paths().state_file();
        let dir = dir.parent().unwrap();
        let known = [
            "workspaces.yaml",
            "workspaces.lock",
            "workspaces.ops.lock",
            "server.log",
            "jobs",
            "trust",
        ];
        let mut litter: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !known.contains(&n.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        litter.sort();
        litter
    }
}

/// What SIGXFSZ does to a hand-started server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Xfsz {
    Ignored,
    Kills,
}

impl Trap {
    /// The shell command that runs the trap at point `point` (for setup
    /// commands, checks and agents).
    pub fn command(&self, point: &str) -> String {
        format!("sh '{}' {point} ''", self.dir.join("trap.sh").display())
    }

    /// Arms `point`: its first call whose "what" matches `glob` blocks.
    pub fn arm(&self, point: &str, glob: &str) {
        let _ = std::fs::remove_file(self.dir.join("reached"));
        std::fs::write(self.dir.join(format!("arm-{point}")), glob).unwrap();
    }

    /// Waits until an armed point is reached; returns the pid of the
    /// blocked trap and what it saw.
    pub fn wait(&self) -> (u32, String) {
        let reached = self.dir.join("reached");
        wait_until("the trap to be reached", || reached.exists());
        self.reached()
    }

    /// [`Trap::wait`] for a point `child` (a [`TestRepo::grove_spawn`])
    /// should reach: fails at once, with what it printed, if it ends first.
    pub fn wait_for(&self, t: &TestRepo, child: &mut Child) -> (u32, String) {
        let reached = self.dir.join("reached");
        let deadline = Instant::now() + FAULT_TIMEOUT;
        while !reached.exists() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "grove ended ({status}) before the trap:\n{}{}",
                    std::fs::read_to_string(t.outside().join("spawned.out")).unwrap_or_default(),
                    t.spawned_stderr()
                );
            }
            assert!(Instant::now() < deadline, "timed out waiting for the trap");
            std::thread::sleep(POLL);
        }
        self.reached()
    }

    fn reached(&self) -> (u32, String) {
        let reached = self.dir.join("reached");
        let text = std::fs::read_to_string(&reached).unwrap();
        let (pid, what) = text.trim_end().split_once(' ').unwrap();
        (pid.parse().unwrap(), what.to_owned())
    }

    /// Lets the blocked trap go on, exiting with `code`. Only while it is
    /// alive: opening the fifo waits for its reader.
    pub fn release(&self, code: u8) {
        std::fs::write(self.dir.join("release"), format!("{code}\n")).unwrap();
    }
}

impl Drop for Trap {
    /// Lets a trap still blocked go (a test that failed half way), so no
    /// hook or command waits forever; without a reader, opening fails.
    fn drop(&mut self) {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let fifo = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open(self.dir.join("release"));
        if let Ok(mut fifo) = fifo {
            let _ = fifo.write_all(b"1\n");
        }
    }
}

/// SIGKILL to process `pid`.
pub fn kill(pid: u32) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
}

/// SIGKILL to the process group `pgid` (the leader and everything it
/// started that did not leave the group: git, its hooks, setup commands).
pub fn kill_group(pgid: u32) {
    let pgid = nix::unistd::Pid::from_raw(i32::try_from(pgid).unwrap());
    nix::sys::signal::killpg(pgid, nix::sys::signal::Signal::SIGKILL).unwrap();
}

/// Waits until process `pid` (not our child) is gone.
pub fn wait_gone(pid: u32) {
    wait_until(&format!("process {pid} to die"), || {
        gone_or_foreign_zombie(pid)
    });
}

/// Waits for `check`, failing the test after [`FAULT_TIMEOUT`].
pub fn wait_until(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + FAULT_TIMEOUT;
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(POLL);
    }
}
