//! Running the real `grove` binary against a [`TestRepo`]: every XDG
//! directory (config, data, state, and the runtime directory with the
//! server's socket) lives inside the test's temporary directory, so each test
//! has its own server. [`Server`] stops it when the test ends.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use grove::pane::{Pane, PaneSize, PaneSpec};
use grove::paths::Paths;
use grove::protocol::{ClientMsg, Request, Response, ServerMsg, Stats};

use super::pane::spawn;
use super::repo::{TestRepo, hermetic_env};

pub const GROVE: &str = env!("CARGO_BIN_EXE_grove");

impl TestRepo {
    /// The root the XDG directories hang from (see `Paths::under`).
    pub fn xdg(&self) -> PathBuf {
        self.dir.path().join("xdg")
    }

    /// The environment every grove process of this test runs with.
    pub fn grove_env(&self) -> Vec<(OsString, OsString)> {
        let xdg = self.xdg();
        let mut env = hermetic_env(&self.dir.path().join("home"));
        for (key, dir) in [
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_RUNTIME_DIR", "run"),
        ] {
            env.push((key.into(), xdg.join(dir).into()));
        }
        env.push(("SHELL".into(), "/bin/sh".into()));
        env
    }

    /// Runs `grove args…` in `dir` and waits for it.
    pub fn grove(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(GROVE)
            .args(args)
            .current_dir(dir)
            .envs(self.grove_env())
            .env_remove("GROVE_LOG")
            .env_remove("GROVE_PANE")
            .output()
            .unwrap()
    }

    /// Runs `grove args…` and fails the test unless it succeeds.
    pub fn grove_ok(&self, args: &[&str]) -> String {
        let output = self.grove(&self.root, args);
        assert!(
            output.status.success(),
            "grove {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// `grove args…` in a real PTY of `size`, read back through grove's own
    /// emulator: a dashboard as a user's terminal would show it.
    pub fn dashboard(&self, args: &[&str], size: PaneSize) -> Pane {
        self.dashboard_in(args, size, &[])
    }

    /// [`Self::dashboard`] in a terminal whose environment also has `env`
    /// (`TERM_PROGRAM`, say).
    pub fn dashboard_in(&self, args: &[&str], size: PaneSize, env: &[(&str, &str)]) -> Pane {
        let mut argv: Vec<OsString> = vec![GROVE.into()];
        argv.extend(args.iter().map(OsString::from));
        let mut spec = PaneSpec::new(argv, &self.root);
        spec.size = size;
        for (key, value) in self.grove_env() {
            spec.env.insert(key, value);
        }
        for (key, value) in env {
            spec.env.insert(OsString::from(key), OsString::from(value));
        }
        spawn(spec)
    }

    /// The paths the test's grove processes use.
    pub fn grove_paths(&self) -> Paths {
        Paths::under(&self.xdg())
    }

    /// Sends one request to the test's server from this process.
    pub fn ask_server(&self, request: Request) -> Option<Response> {
        let paths = self.grove_paths();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut conn = grove::client::connect::connect(&paths).await.unwrap()?;
            conn.send(&ClientMsg::Request { request }).await.unwrap();
            let message = conn.recv().await.unwrap();
            let ServerMsg::Response { response } = message else {
                panic!("unexpected answer {message:?}");
            };
            Some(response)
        })
    }

    /// The server's counters.
    pub fn stats(&self) -> Stats {
        match self.ask_server(Request::Stats) {
            Some(Response::Stats { stats }) => stats,
            other => panic!("no stats: {other:?}"),
        }
    }

    /// The pid of the running server (it holds the lock file).
    pub fn server_pid(&self) -> u32 {
        let lock = self.grove_paths().server_lock_path();
        std::fs::read_to_string(lock)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    /// Writes a fake agent script and makes it this repository's default
    /// agent: it says it is ready, then answers every line it reads, and
    /// appends each line to `notes.txt` in its worktree (work to lose). The
    /// line `size` makes it print its terminal's size as `size ROWS COLS`.
    pub fn use_fake_agent(&self) {
        let script = self.dir.path().join("fake-agent.sh");
        std::fs::write(
            &script,
            "#!/bin/sh\n\
             echo \"fake agent in $GROVE_WORKSPACE ready\"\n\
             while IFS= read -r line; do\n\
             \x20 if [ \"$line\" = size ]; then echo \"size $(stty size)\"; continue; fi\n\
             \x20 echo \"$line\" >> notes.txt\n\
             \x20 echo \"$GROVE_WORKSPACE got: $line\"\n\
             done\n",
        )
        .unwrap();
        let config = format!(
            "agent: fake\nagents:\n  fake:\n    command: [\"sh\", \"{}\"]\n",
            script.display()
        );
        std::fs::write(self.root.join(".grove.yaml"), config).unwrap();
    }
}

/// Stops the test's grove server (if one started) when the test ends.
pub struct Server<'a>(pub &'a TestRepo);

impl Drop for Server<'_> {
    fn drop(&mut self) {
        let _ = self.0.grove(&self.0.root, &["kill-server"]);
    }
}
