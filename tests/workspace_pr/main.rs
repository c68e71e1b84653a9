//! Pushing workspaces and opening their pull requests, against a local bare
//! remote and a fake `gh` that records its argv: what reaches the remote,
//! exactly what gh is asked, and what the user is told when gh cannot help.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod cli;
mod create;
mod manual;
mod push;
mod state;

use std::path::{Path, PathBuf};
use std::process::Command;

use grove::state::WorkspaceRecord;
use grove::workspace::{
    self, Checks, Draft, ManualReason, PrError, PrLifecycle, PrOutcome, PrState, PushHint,
    WorkspaceError, WorkspaceName,
};
use support::gh::FakeGh;
use support::repo::{TestRepo, write_in};

fn name(s: &str) -> WorkspaceName {
    WorkspaceName::parse(s).unwrap()
}

/// A bare repository beside the test repository, added as `origin`, with
/// `main` pushed to it.
fn with_remote(t: &TestRepo) -> PathBuf {
    let bare = t.dir.path().join("remote.git");
    let bare_arg = bare.to_str().unwrap();
    t.git(t.dir.path(), &["init", "--quiet", "--bare", bare_arg]);
    t.git(&t.root, &["remote", "add", "origin", bare_arg]);
    t.git(&t.root, &["push", "--quiet", "origin", "main"]);
    bare
}

/// Workspace `ws` with one commit per message.
fn workspace_with(t: &TestRepo, ws: &str, messages: &[&str]) -> WorkspaceRecord {
    let record = workspace::create(&t.ctx(), &t.request(ws)).unwrap();
    for (index, message) in messages.iter().enumerate() {
        write_in(
            &record.path,
            &format!("file{index}.txt"),
            message.as_bytes(),
        );
        t.commit_all(&record.path, message);
    }
    record
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The argv `open_pr` should hand gh to create the pull request.
fn create_argv(branch: &str, title: &str, body: &str, draft: Draft) -> Vec<String> {
    let mut argv = strings(&["pr", "create", "--head", branch, "--base", "main"]);
    argv.extend(strings(&["--title", title, "--body", body]));
    if draft == Draft::Yes {
        argv.push("--draft".to_owned());
    }
    argv
}

fn view_argv(branch: &str) -> Vec<String> {
    strings(&["pr", "view", branch, "--json", "url,state"])
}

fn auth_argv() -> Vec<String> {
    strings(&["auth", "status"])
}
