//! `grove completions`, `grove man` and `grove doctor`: shell completion
//! scripts and the man page generated from the same clap definitions as the
//! parser (so they cannot drift), and a check of everything grove depends
//! on, each problem with its fix.

use std::path::Path;

use clap::CommandFactory as _;

use super::Args;
use crate::paths::Paths;

/// The shells `grove completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

pub fn completions(shell: Shell) -> anyhow::Result<()> {
    let mut command = Args::command();
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    clap_complete::generate(shell, &mut command, "grove", &mut std::io::stdout());
    Ok(())
}

pub fn man() -> anyhow::Result<()> {
    let command = Args::command();
    clap_mangen::Man::new(command).render(&mut std::io::stdout())?;
    Ok(())
}

/// One line of `grove doctor`.
struct Finding {
    verdict: Verdict,
    what: String,
    /// How to fix it (for warnings and failures).
    fix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    Warn,
    Fail,
}

pub fn doctor(cwd: &Path) -> anyhow::Result<()> {
    let mut findings = Vec::new();
    findings.push(git_finding());
    let paths = Paths::from_env();
    match &paths {
        Ok(paths) => findings.push(socket_finding(paths)),
        Err(error) => findings.push(Finding {
            verdict: Verdict::Fail,
            what: format!("grove's directories: {error}"),
            fix: Some("set HOME (or the XDG_* variables)".to_owned()),
        }),
    }
    findings.push(inotify_finding());
    let repo = crate::git::Git::from_path()
        .ok()
        .and_then(|git| crate::git::Repo::discover(&git, cwd).ok());
    if let Ok(paths) = &paths {
        match crate::config::load(paths, repo.as_ref().map(|r| r.root.as_path())) {
            Ok(loaded) => {
                findings.push(Finding {
                    verdict: Verdict::Ok,
                    what: "configuration is valid".to_owned(),
                    fix: None,
                });
                findings.extend(agent_findings(&loaded.config));
            }
            Err(error) => findings.push(Finding {
                verdict: Verdict::Fail,
                what: format!("configuration: {error}"),
                fix: Some("fix that file; `grove config check` validates it".to_owned()),
            }),
        }
    }
    let mut failed = false;
    for finding in &findings {
        let mark = match finding.verdict {
            Verdict::Ok => "ok  ",
            Verdict::Warn => "warn",
            Verdict::Fail => {
                failed = true;
                "FAIL"
            }
        };
        println!("{mark}  {}", finding.what);
        if let Some(fix) = &finding.fix {
            println!("      fix: {fix}");
        }
    }
    if failed {
        return Err(super::exit::KnownFailure {
            message: "grove doctor found problems; each has its fix above".to_owned(),
            kind: crate::protocol::FailureKind::Failure,
        }
        .into());
    }
    Ok(())
}

fn git_finding() -> Finding {
    match crate::git::Git::from_path() {
        Ok(git) => Finding {
            verdict: Verdict::Ok,
            what: format!("git {}", git.version()),
            fix: None,
        },
        Err(error) => Finding {
            verdict: Verdict::Fail,
            what: format!("git: {error}"),
            fix: Some(
                "install git 2.38 or newer (`apt install git`, `brew install git`)".to_owned(),
            ),
        },
    }
}

fn socket_finding(paths: &Paths) -> Finding {
    let socket = paths.socket_path();
    let dir = socket.parent().unwrap_or(Path::new("/"));
    match std::fs::symlink_metadata(dir) {
        Ok(meta) => {
            use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
            let mode = meta.permissions().mode() & 0o777;
            if meta.uid() != crate::sys::current_uid() || mode & 0o077 != 0 {
                return Finding {
                    verdict: Verdict::Fail,
                    what: format!(
                        "socket directory {} is not private (mode {mode:o}, owner {})",
                        dir.display(),
                        meta.uid()
                    ),
                    fix: Some(format!("chmod 700 {} (it must be yours)", dir.display())),
                };
            }
            Finding {
                verdict: Verdict::Ok,
                what: format!("socket directory {} is private", dir.display()),
                fix: None,
            }
        }
        Err(_) => Finding {
            verdict: Verdict::Ok,
            what: format!("socket directory {} (made on first start)", dir.display()),
            fix: None,
        },
    }
}

fn inotify_finding() -> Finding {
    let read = |name: &str| {
        std::fs::read_to_string(format!("/proc/sys/fs/inotify/{name}"))
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
    };
    match read("max_user_watches") {
        Some(watches) if watches < 65_536 => Finding {
            verdict: Verdict::Warn,
            what: format!(
                "inotify allows {watches} watches per user; big repositories fall back to slower polling"
            ),
            fix: Some(
                "sudo sysctl fs.inotify.max_user_watches=524288 (and in /etc/sysctl.d/ to keep it)"
                    .to_owned(),
            ),
        },
        Some(watches) => Finding {
            verdict: Verdict::Ok,
            what: format!("inotify allows {watches} watches per user"),
            fix: None,
        },
        None => Finding {
            verdict: Verdict::Warn,
            what: "inotify limits unknown (not Linux?): changes are noticed by polling".to_owned(),
            fix: None,
        },
    }
}

fn agent_findings(config: &crate::config::Config) -> Vec<Finding> {
    config
        .agents
        .iter()
        .map(|(name, profile)| {
            let found = crate::server::agent::argv(
                name,
                profile,
                crate::server::agent::Launch::Start,
                |v| std::env::var_os(v),
            );
            match found {
                Ok(argv) => Finding {
                    verdict: Verdict::Ok,
                    what: format!(
                        "agent {name}: {}",
                        argv.first()
                            .map(|p| p.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    ),
                    fix: None,
                },
                Err(error) => Finding {
                    verdict: match name == &config.agent {
                        true => Verdict::Fail,
                        false => Verdict::Warn,
                    },
                    what: format!("{error:#}"),
                    // A profile with `install` says how in the error itself.
                    fix: match &profile.install {
                        Some(_) => None,
                        None => Some(format!("install it, or change agents.{name}.command")),
                    },
                },
            }
        })
        .collect()
}
