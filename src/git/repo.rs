//! A repository as grove sees it: the main worktree's root, the shared git
//! directory, and a short stable id that keeps worktree roots of two
//! repositories with the same name apart.

use std::path::{Path, PathBuf};

use super::{Git, GitError, RepoError};

/// A non-bare git repository, found from any directory inside it or inside one
/// of its worktrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The root of the main worktree (where `.grove.yaml` lives).
    pub root: PathBuf,
    /// The git directory shared by all worktrees.
    pub common_dir: PathBuf,
}

impl Repo {
    /// Finds the repository containing `dir`.
    pub fn discover(git: &Git, dir: &Path) -> Result<Repo, RepoError> {
        // One process for both answers, one per line.
        let answer = git
            .run(
                dir,
                [
                    "rev-parse",
                    "--path-format=absolute",
                    "--git-common-dir",
                    "--is-bare-repository",
                ],
            )
            .map_err(|err| match outside_repository(&err) {
                true => RepoError::NotARepository {
                    path: dir.to_owned(),
                },
                false => RepoError::Git(err),
            })?;
        let (common, bare) = answer.rsplit_once('\n').unwrap_or((answer.as_str(), ""));
        let common_dir = PathBuf::from(common);
        if bare == "true" {
            return Err(RepoError::Bare { path: common_dir });
        }
        let listing = git.run(dir, ["worktree", "list", "--porcelain", "-z"])?;
        let root = listing
            .split('\0')
            .find_map(|line| line.strip_prefix("worktree "))
            .map(PathBuf::from)
            .ok_or_else(|| RepoError::NotARepository {
                path: dir.to_owned(),
            })?;
        let root = root.canonicalize().unwrap_or(root);
        Ok(Repo { root, common_dir })
    }

    /// The repository's directory name, used in worktree paths and listings.
    pub fn name(&self) -> String {
        self.root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "repo".to_owned())
    }

    /// Eight hex digits derived from the root path: stable across runs, and
    /// different for two checkouts that share a directory name.
    pub fn short_id(&self) -> String {
        short_hash(self.root.to_string_lossy().as_bytes())
    }

    /// The branch checked out at `dir` (a worktree of this repository).
    pub fn current_branch(&self, git: &Git, dir: &Path) -> Result<String, RepoError> {
        if !git.succeeds(dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])? {
            return Err(RepoError::UnbornHead {
                path: self.root.clone(),
            });
        }
        git.run(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"])
            .map_err(|_| RepoError::DetachedHead {
                path: dir.to_owned(),
            })
    }

    /// The commit a revision names, or `None` when it names none.
    ///
    /// libgit2 answers the usual case in process; whatever it cannot resolve
    /// goes to `git rev-parse`, so the whole revision grammar still works and
    /// a name git rejects is still rejected.
    pub fn resolve_commit(&self, git: &Git, rev: &str) -> Result<Option<String>, GitError> {
        let in_process = self.open().ok().and_then(|repo| {
            let object = repo.revparse_single(rev).ok()?;
            let commit = object.peel_to_commit().ok()?;
            Some(commit.id().to_string())
        });
        if in_process.is_some() {
            return Ok(in_process);
        }
        let spec = format!("{rev}^{{commit}}");
        let args = [
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ];
        // `--quiet`: a rev that names no commit fails without a message.
        let output = git.output(&self.root, args)?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned()))
    }

    /// The commit `refs/heads/<branch>` points at, or `None` when there is no
    /// such branch.
    pub fn branch_tip(&self, branch: &str) -> Result<Option<git2::Oid>, GitError> {
        let refname = format!("refs/heads/{branch}");
        let found = self.open()?.refname_to_id(&refname);
        match found {
            Ok(oid) => Ok(Some(oid)),
            Err(error) if error.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(source) => Err(GitError::Library {
                context: format!("cannot read {refname}"),
                dir: self.root.clone(),
                source,
            }),
        }
    }

    /// Whether `refs/heads/<branch>` exists.
    pub fn branch_exists(&self, branch: &str) -> Result<bool, GitError> {
        self.branch_tip(branch).map(|tip| tip.is_some())
    }

    /// Opens the repository with git2 for reads.
    pub fn open(&self) -> Result<git2::Repository, GitError> {
        git2::Repository::open(&self.root).map_err(|source| GitError::Library {
            context: "cannot open the repository".to_owned(),
            dir: self.root.clone(),
            source,
        })
    }
}

fn outside_repository(err: &GitError) -> bool {
    match err {
        GitError::Failed { stderr, .. } => stderr.contains("not a git repository"),
        GitError::Spawn { .. }
        | GitError::TooOld { .. }
        | GitError::UnknownVersion { .. }
        | GitError::Library { .. } => false,
    }
}

/// The first eight hex digits of git's blob hash of `bytes`: a stable hash
/// without another dependency.
pub fn short_hash(bytes: &[u8]) -> String {
    match git2::Oid::hash_object(git2::ObjectType::Blob, bytes) {
        Ok(oid) => oid.to_string().chars().take(8).collect(),
        Err(_) => format!("{:08x}", bytes.len()),
    }
}
