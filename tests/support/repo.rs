//! A real git repository in a temporary directory with a hermetic git
//! environment: no user or system config, a fixed identity, `main` as the
//! first branch. Everything grove writes (worktrees, state) also lands inside
//! the temporary directory.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use grove::config::Config;
use grove::git::{Git, Repo};
use grove::paths::Paths;
use grove::state::Store;
use grove::workspace::{Context, CreateRequest, WorkspaceName};
use tempfile::TempDir;

pub struct TestRepo {
    pub dir: TempDir,
    pub root: PathBuf,
    pub paths: Paths,
    pub git: Git,
}

/// The environment every git command in a test runs with.
pub fn hermetic_env(home: &Path) -> Vec<(OsString, OsString)> {
    [
        ("HOME", home.as_os_str()),
        ("XDG_CONFIG_HOME", home.join(".config").as_os_str()),
        ("GIT_CONFIG_NOSYSTEM", "1".as_ref()),
        ("GIT_CONFIG_GLOBAL", "/dev/null".as_ref()),
        ("GIT_AUTHOR_NAME", "Test Author".as_ref()),
        ("GIT_AUTHOR_EMAIL", "author@example.com".as_ref()),
        ("GIT_COMMITTER_NAME", "Test Author".as_ref()),
        ("GIT_COMMITTER_EMAIL", "author@example.com".as_ref()),
        ("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z".as_ref()),
        ("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z".as_ref()),
    ]
    .into_iter()
    .map(|(k, v)| (OsString::from(k), v.to_owned()))
    .collect()
}

impl TestRepo {
    /// A repository with one commit on `main`.
    pub fn new() -> TestRepo {
        let repo = TestRepo::empty();
        repo.write("README.md", "hello\n");
        repo.commit_all(&repo.root, "first commit");
        repo
    }

    /// A repository with no commits (unborn HEAD).
    pub fn empty() -> TestRepo {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let root = dir.path().join("my repo");
        std::fs::create_dir_all(&root).unwrap();
        let root = root.canonicalize().unwrap();
        let git = Git::with_program("git".into(), hermetic_env(&home)).unwrap();
        git.run(&root, ["init", "--quiet", "--initial-branch=main"])
            .unwrap();
        let paths = Paths::under(&dir.path().join("xdg"));
        TestRepo {
            dir,
            root,
            paths,
            git,
        }
    }

    pub fn repo(&self) -> Repo {
        Repo::discover(&self.git, &self.root).unwrap()
    }

    pub fn ctx(&self) -> Context {
        self.ctx_with(|_| {})
    }

    pub fn ctx_with(&self, change: impl FnOnce(&mut Config)) -> Context {
        let mut config = Config::builtin().unwrap();
        change(&mut config);
        Context {
            git: self.git.clone(),
            repo: self.repo(),
            config,
            store: Store::new(self.paths.state_file()),
            paths: self.paths.clone(),
        }
    }

    pub fn request(&self, name: &str) -> CreateRequest {
        CreateRequest {
            name: WorkspaceName::parse(name).unwrap(),
            base: None,
            from_dir: self.root.clone(),
            agent: None,
        }
    }

    /// Runs git in `dir`, panicking with git's message on failure.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        self.git.run(dir, args).unwrap()
    }

    /// A `Command` for git with the hermetic environment, for status checks.
    pub fn git_command(&self, dir: &Path) -> Command {
        self.git.command(dir)
    }

    pub fn write(&self, relative: &str, content: &str) {
        write_in(&self.root, relative, content.as_bytes());
    }

    pub fn commit_all(&self, dir: &Path, message: &str) {
        self.git(dir, &["add", "--all"]);
        self.git(dir, &["commit", "--quiet", "-m", message]);
    }
}

pub fn write_in(dir: &Path, relative: &str, content: &[u8]) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}
