//! Real git for unit tests: runs `git` in a directory with a fixed identity
//! and fails the test, with git's output, when it fails.

use std::path::Path;
use std::process::Command;

/// Runs `git args…` in `dir` and returns its standard output.
#[allow(clippy::unwrap_used)]
pub fn git(dir: &Path, args: &[&str]) -> String {
    let done = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .output()
        .unwrap();
    assert!(done.status.success(), "git {args:?}: {done:?}");
    String::from_utf8(done.stdout).unwrap()
}
