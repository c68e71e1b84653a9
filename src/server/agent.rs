//! Turning an agent profile into a pane: the argv (with `$NAME` arguments taken
//! from the environment), a check that the program exists before anything is
//! created, and the environment every agent gets.
//!
//! Profiles are argv lists, never shell strings, so a workspace name or a
//! prompt can never be parsed by a shell on the way to the agent.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{AgentProfile, Config, PromptVia};
use crate::pane::{HistoryLimits, PaneSize, PaneSpec};
use crate::state::WorkspaceRecord;
use crate::workspace::SetupEnv;

/// Set in every agent's environment to the workspace's name.
pub const PANE_VAR: &str = "GROVE_PANE";

/// Which of a profile's commands to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// The profile's `command`.
    Start,
    /// The profile's `resume` command, or `command` when it has none.
    Resume,
}

/// A profile chosen by name, or the config's default.
pub fn profile<'c>(
    config: &'c Config,
    name: Option<&str>,
) -> anyhow::Result<(&'c str, &'c AgentProfile)> {
    let name = name.unwrap_or(&config.agent);
    match config.agents.get_key_value(name) {
        Some((name, profile)) => Ok((name.as_str(), profile)),
        None => {
            let known: Vec<&str> = config.agents.keys().map(String::as_str).collect();
            anyhow::bail!(
                "no agent profile {name:?}; the config defines {}",
                known.join(", ")
            )
        }
    }
}

/// The argv for `launch`, with `$NAME` / `${NAME}` arguments replaced from
/// `lookup`, and the program checked to exist.
pub fn argv(
    name: &str,
    profile: &AgentProfile,
    launch: Launch,
    lookup: impl Fn(&str) -> Option<OsString>,
) -> anyhow::Result<Vec<OsString>> {
    let template = match launch {
        Launch::Resume if !profile.resume.is_empty() => &profile.resume,
        Launch::Resume | Launch::Start => &profile.command,
    };
    let mut argv = Vec::with_capacity(template.len());
    for arg in template {
        argv.push(expand(name, arg, &lookup)?);
    }
    let Some(program) = argv.first() else {
        anyhow::bail!("agent profile {name:?} has an empty command");
    };
    let needed =
        std::iter::once(program.clone()).chain(profile.requires.iter().map(OsString::from));
    for program in needed {
        if find_program(Path::new(&program), &lookup).is_none() {
            let hint = match &profile.install {
                Some(install) => format!("; install it with `{install}`"),
                None => String::new(),
            };
            anyhow::bail!(
                "agent {name:?} needs `{}`, which is not installed or not on PATH{hint}",
                program.to_string_lossy()
            );
        }
    }
    Ok(argv)
}

/// Hands an initial prompt to agent `name` as its profile says: appended to
/// `argv` (`via: argument`), or returned to be typed once the agent is ready
/// (`via: paste`). A profile that takes none (`via: none`, the shell) is an
/// error before anything is made: typed into a shell, a prompt runs.
pub fn with_prompt(
    name: &str,
    profile: &AgentProfile,
    mut argv: Vec<OsString>,
    prompt: Option<String>,
) -> anyhow::Result<(Vec<OsString>, Option<String>)> {
    let Some(prompt) = prompt else {
        return Ok((argv, None));
    };
    takes_prompt(name, profile)?;
    match profile.prompt.via {
        // `None` was refused just above.
        PromptVia::Paste | PromptVia::None => Ok((argv, Some(prompt))),
        PromptVia::Argument => {
            argv.extend(
                profile
                    .prompt
                    .args
                    .iter()
                    .map(|arg| OsString::from(arg.replace("{prompt}", &prompt))),
            );
            Ok((argv, None))
        }
    }
}

/// Whether agent `name` may be given a prompt: not one whose profile
/// takes none (`via: none`, the shell).
pub fn takes_prompt(name: &str, profile: &AgentProfile) -> anyhow::Result<()> {
    match profile.prompt.via {
        PromptVia::Paste | PromptVia::Argument => Ok(()),
        PromptVia::None => anyhow::bail!(
            "agent {name:?} takes no prompt (its prompt.via is none): typed into it, a prompt \
             would run as commands; choose another agent: --agent NAME, or `agent:` in .grove.yaml \
             (or in the job file)"
        ),
    }
}

fn expand(
    profile: &str,
    arg: &str,
    lookup: &impl Fn(&str) -> Option<OsString>,
) -> anyhow::Result<OsString> {
    let var = arg
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .or_else(|| arg.strip_prefix('$'));
    let Some(var) = var.filter(|v| !v.is_empty()) else {
        return Ok(OsString::from(arg));
    };
    if var == "SHELL" {
        // A login without $SHELL (some containers) still deserves a shell.
        return Ok(lookup(var).unwrap_or_else(|| OsString::from("/bin/sh")));
    }
    lookup(var).ok_or_else(|| anyhow::anyhow!("agent {profile:?} uses ${var}, which is not set"))
}

/// `program` itself when it contains a slash, else the first match on PATH.
fn find_program(program: &Path, lookup: &impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_owned());
    }
    let path = lookup("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// The pane for a workspace's agent: its worktree as cwd, the `GROVE_*`
/// variables, the profile's environment.
pub fn pane_spec(
    config: &Config,
    record: &WorkspaceRecord,
    profile: &AgentProfile,
    argv: Vec<OsString>,
    size: PaneSize,
) -> PaneSpec {
    let mut spec = PaneSpec::new(argv, &record.path);
    spec.size = size;
    spec.history = HistoryLimits::new(config.pane.scrollback_lines, config.pane.scrollback_bytes);
    spec.kill_grace = Duration::from_millis(config.pane.kill_grace_ms);
    let setup = SetupEnv {
        workspace: &record.name,
        branch: &record.branch,
        repo: &record.repo,
        worktree: &record.path,
        port: record.port,
    };
    for (key, value) in setup.vars() {
        spec.env.insert(key.into(), value.into());
    }
    // Lets `grove` inside a pane notice that it would nest a dashboard in
    // itself (as tmux does with $TMUX).
    spec.env.insert(PANE_VAR.into(), record.name.clone().into());
    for (key, value) in &profile.env {
        spec.env.insert(key.into(), value.into());
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(command: &[&str], resume: &[&str]) -> AgentProfile {
        AgentProfile {
            command: command.iter().map(|s| s.to_string()).collect(),
            env: Default::default(),
            resume: resume.iter().map(|s| s.to_string()).collect(),
            ..AgentProfile::default()
        }
    }

    fn env(var: &str) -> Option<OsString> {
        match var {
            "SHELL" => Some("/bin/bash".into()),
            "MODEL" => Some("big one".into()),
            "PATH" => std::env::var_os("PATH"),
            _ => None,
        }
    }

    #[test]
    fn expands_whole_variable_arguments_only() {
        let p = profile(&["sh", "-c", "echo $HOME", "${MODEL}", "$MODEL"], &[]);
        let argv = argv("x", &p, Launch::Start, env).unwrap();
        assert_eq!(argv, ["sh", "-c", "echo $HOME", "big one", "big one"]);
    }

    #[test]
    fn shell_falls_back_to_bin_sh_and_other_variables_must_exist() {
        let p = profile(&["$SHELL"], &[]);
        assert_eq!(argv("s", &p, Launch::Start, env).unwrap(), ["/bin/bash"]);
        let none = |var: &str| (var == "PATH").then(|| std::env::var_os("PATH")).flatten();
        assert_eq!(argv("s", &p, Launch::Start, none).unwrap(), ["/bin/sh"]);
        let missing = profile(&["sh", "$NOPE"], &[]);
        let err = argv("m", &missing, Launch::Start, env).unwrap_err();
        assert_eq!(err.to_string(), "agent \"m\" uses $NOPE, which is not set");
    }

    #[test]
    fn a_missing_program_is_named() {
        let p = profile(&["no-such-agent-cli", "--fast"], &[]);
        let err = argv("lab", &p, Launch::Start, env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "agent \"lab\" needs `no-such-agent-cli`, which is not installed or not on PATH"
        );
    }

    #[test]
    fn a_missing_requirement_names_how_to_install_it() {
        let mut p = profile(&["sh"], &[]);
        p.requires = vec!["no-such-helper".into()];
        p.install = Some("npm install -g no-such-helper".into());
        let err = argv("lab", &p, Launch::Start, env).unwrap_err();
        assert_eq!(
            err.to_string(),
            "agent \"lab\" needs `no-such-helper`, which is not installed or not on PATH; \
             install it with `npm install -g no-such-helper`"
        );
    }

    #[test]
    fn a_prompt_is_an_argument_or_typed_later() {
        let mut p = profile(&["agent"], &[]);
        let base = vec![OsString::from("agent")];
        let text = "fix \"it\"; rm -rf /".to_owned();
        assert_eq!(
            with_prompt("a", &p, base.clone(), Some(text.clone())).unwrap(),
            (base.clone(), Some(text.clone()))
        );
        p.prompt.via = PromptVia::Argument;
        p.prompt.args = vec!["-i".into(), "{prompt}".into()];
        let (argv, typed) = with_prompt("a", &p, base.clone(), Some(text.clone())).unwrap();
        assert_eq!(argv, ["agent", "-i", text.as_str()]);
        assert_eq!(typed, None);
        assert_eq!(
            with_prompt("a", &p, base.clone(), None).unwrap(),
            (base.clone(), None)
        );
        // A shell takes none: the prompt would run.
        p.prompt.via = PromptVia::None;
        let err = with_prompt("shell", &p, base.clone(), Some(text)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("agent \"shell\" takes no prompt"),
            "{err}"
        );
        assert_eq!(
            with_prompt("shell", &p, base.clone(), None).unwrap(),
            (base, None)
        );
    }

    #[test]
    fn resume_uses_the_resume_command_when_there_is_one() {
        let p = profile(&["sh"], &["sh", "-c", "echo resumed"]);
        assert_eq!(argv("a", &p, Launch::Resume, env).unwrap()[1], "-c");
        assert_eq!(argv("a", &p, Launch::Start, env).unwrap(), ["sh"]);
        let plain = profile(&["sh"], &[]);
        assert_eq!(argv("a", &plain, Launch::Resume, env).unwrap(), ["sh"]);
    }
}
