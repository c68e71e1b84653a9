//! `grove demo`: every part of grove in the first minute, with no agent CLI
//! installed. It makes a throwaway repository, starts three scripted demo
//! agents (`assets/demo-agent.sh`) that edit files, commit, ask a question
//! and finish, and opens the dashboard on them.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::remote::{self, Start};
use crate::git::Git;
use crate::paths::Paths;
use crate::protocol::{Request, Response};

const AGENT_SCRIPT: &str = include_str!("../../assets/demo-agent.sh");

/// The three demo workspaces: name, role, first prompt.
const AGENTS: [(&str, &str, &str); 3] = [
    ("feature", "builder", "add a feature function"),
    ("docs", "careful", "explain the project in the README"),
    ("research", "thinker", "find out why the tests are slow"),
];

pub fn demo() -> anyhow::Result<()> {
    let git = Git::from_path()?;
    let root = make_repository(&git)?;
    println!("demo repository: {}", root.display());
    let paths = Paths::from_env()?;
    for (name, role, prompt) in AGENTS {
        let request = Request::New {
            cwd: root.clone(),
            name: name.to_owned(),
            agent: Some(format!("demo-{role}")),
            prompt: Some(prompt.to_owned()),
            base: None,
        };
        match remote::request(&paths, Start::IfNeeded, request)?
            .map(remote::check)
            .transpose()?
        {
            Some(Response::Created { .. }) => {}
            other => anyhow::bail!("could not start the demo agent {name}: {other:?}"),
        }
    }
    println!(
        "three demo agents are working; the dashboard opens now. C-b ? lists the keys, C-b d detaches.\n\
         When you are done: `grove kill-server` stops them, and `rm -rf {}` removes the demo.",
        root.display()
    );
    remote::dashboard(&paths, &root, Start::Never)
}

/// A small repository with one commit and the demo agents' profiles.
fn make_repository(git: &Git) -> anyhow::Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix("grove-demo-")
        .tempdir()
        .context("cannot make a directory for the demo")?
        .keep();
    let root = dir.join("shop");
    std::fs::create_dir_all(root.join("src"))
        .with_context(|| format!("cannot create {}", root.display()))?;
    let write = |relative: &str, text: &str| -> anyhow::Result<()> {
        let path = root.join(relative);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("README.md", "# shop\n\nA tiny project for trying grove.\n")?;
    write(
        "src/lib.rs",
        "pub fn price(cents: u32) -> String {\n    format!(\"{}.{:02}\", cents / 100, cents % 100)\n}\n",
    )?;
    let script = dir.join("demo-agent.sh");
    std::fs::write(&script, AGENT_SCRIPT)
        .with_context(|| format!("cannot write {}", script.display()))?;
    write(".grove.yaml", &config(&script))?;
    git.run(&root, ["init", "-q", "-b", "main"])?;
    // The agents commit; a machine without a git identity still gets a demo.
    git.run(&root, ["config", "user.name", "grove demo"])?;
    git.run(&root, ["config", "user.email", "demo@grove.invalid"])?;
    git.run(&root, ["add", "-A"])?;
    git.run(&root, ["commit", "-q", "-m", "A tiny shop"])?;
    Ok(root)
}

fn config(script: &Path) -> String {
    let mut text = String::from(
        "# The demo agents: scripts that act like coding agents (grove demo).\n\
         agent: demo-builder\nagents:\n",
    );
    for (_, role, _) in AGENTS {
        text.push_str(&format!(
            "  demo-{role}:\n    command: [\"sh\", {script:?}, \"{role}\"]\n    status:\n      \
             rows: 3\n      waiting: [\"Do you want to proceed\\\\?\"]\n      \
             working: [\"esc to interrupt\"]\n      idle: [\"(?m)^> *$\"]\n",
            script = script.display().to_string()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_is_valid_and_has_the_three_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".grove.yaml");
        std::fs::write(&path, config(Path::new("/tmp/demo agent.sh"))).unwrap();
        let config = crate::config::check_file(&path).unwrap();
        for role in ["builder", "careful", "thinker"] {
            let profile = &config.agents[&format!("demo-{role}")];
            assert_eq!(profile.command, ["sh", "/tmp/demo agent.sh", role]);
            assert_eq!(profile.status.waiting, ["Do you want to proceed\\?"]);
        }
        assert_eq!(config.agent, "demo-builder");
    }
}
