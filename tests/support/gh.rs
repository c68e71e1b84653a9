//! A fake `gh`: a shell script that records every call's argv (NUL-separated,
//! so spaces and newlines survive) and the environment it ran with, and
//! answers from flag files the test sets. Only the child processes see it:
//! tests hand its path to `Gh::with_program` or put its directory first on a
//! child's PATH, never on the test process's own.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use grove::workspace::Gh;

/// The script. `--probe` only exits 0; `auth status` fails while `signed-out` exists; `pr view`
/// prints `view.json` when it exists, fails with `view-error`, and otherwise
/// says there is no pull request; `pr create` prints a URL, or fails like gh
/// does for a duplicate while `create-exists` exists.
const SCRIPT: &str = r#"#!/bin/sh
[ "$1" = --probe ] && exit 0
dir=@DIR@
n=$(ls "$dir/calls" | wc -l)
call=$(printf '%03d' "$n")
for arg in "$@"; do printf '%s\0' "$arg"; done > "$dir/calls/$call"
if read -r _line; then stdin=open; else stdin=null; fi
printf 'GH_PROMPT_DISABLED=%s NO_COLOR=%s stdin=%s pwd=%s\n' \
  "$GH_PROMPT_DISABLED" "$NO_COLOR" "$stdin" "$(pwd)" > "$dir/envs/$call"
case "$1 $2" in
"auth status")
  if [ -e "$dir/signed-out" ]; then
    echo "You are not logged into any GitHub hosts. To log in, run: gh auth login" >&2
    exit 1
  fi
  echo "github.com: Logged in to github.com account tester"
  exit 0;;
"pr view")
  if [ -e "$dir/view-error" ]; then echo "HTTP 502: Bad Gateway" >&2; exit 1; fi
  if [ -e "$dir/view.json" ]; then cat "$dir/view.json"; exit 0; fi
  echo "no pull requests found for branch \"$3\"" >&2
  exit 1;;
"pr create")
  if [ -e "$dir/create-exists" ]; then
    printf 'a pull request for branch "%s" into branch "%s" already exists:\nhttps://github.com/owner/repo/pull/3\n' "$4" "$6" >&2
    exit 1
  fi
  echo "https://github.com/owner/repo/pull/42"
  exit 0;;
esac
echo "fake gh: unexpected call: $*" >&2
exit 2
"#;

pub struct FakeGh {
    pub dir: PathBuf,
}

impl FakeGh {
    /// Writes the fake into `parent/fake-gh/` (the script is `gh` there).
    pub fn install(parent: &Path) -> FakeGh {
        let dir = parent.join("fake-gh");
        for sub in ["calls", "envs"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let quoted = format!("'{}'", dir.display().to_string().replace('\'', r"'\''"));
        let script = dir.join("gh");
        std::fs::write(&script, SCRIPT.replace("@DIR@", &quoted)).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        wait_until_executable(&script, &["--probe"]);
        FakeGh { dir }
    }

    pub fn program(&self) -> PathBuf {
        self.dir.join("gh")
    }

    /// PATH with the fake first, for a child process.
    pub fn path_env(&self) -> OsString {
        let mut dirs = vec![self.dir.clone()];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(dirs).unwrap()
    }

    pub fn gh(&self) -> Gh {
        Gh::with_program(self.program(), vec![("PATH".into(), self.path_env())])
    }

    /// Creates or removes a flag file.
    pub fn flag(&self, name: &str, on: bool) {
        let path = self.dir.join(name);
        match on {
            true => std::fs::write(path, "").unwrap(),
            false => {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// What `pr view` prints, or `None` for "no pull requests found".
    pub fn view(&self, json: Option<&str>) {
        let path = self.dir.join("view.json");
        match json {
            Some(json) => std::fs::write(path, json).unwrap(),
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Every call's argv (without `gh` itself), in order.
    pub fn calls(&self) -> Vec<Vec<String>> {
        self.read_all("calls")
            .into_iter()
            .map(|text| {
                text.split_terminator('\0')
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every call's recorded environment line, in order.
    pub fn envs(&self) -> Vec<String> {
        self.read_all("envs")
    }

    fn read_all(&self, sub: &str) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.join(sub))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect()
    }
}

/// Waits until `program` can be executed. Another test thread that forks
/// while our write descriptor for a new script is open hands a copy to its
/// child until that child execs, and executing the script meanwhile fails
/// with ETXTBSY ("Text file busy"). Our descriptor is closed by now, so the
/// copies go away on their own; any exit status counts as runnable.
pub fn wait_until_executable(program: &Path, args: &[&str]) {
    for _ in 0..500 {
        let ran = std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        match ran {
            Ok(_) => return,
            Err(err) if err.raw_os_error() == Some(nix::errno::Errno::ETXTBSY as i32) => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(err) => panic!("cannot run {}: {err}", program.display()),
        }
    }
    panic!("{} stayed busy", program.display());
}
