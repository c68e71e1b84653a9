//! The words of a pull request and of the instructions grove prints when it
//! cannot make one itself: the title and body from the workspace's commits,
//! the `gh` command as a shell would need it quoted, and GitHub's compare
//! page for the branch. Pure functions, so every rule is unit-tested.

/// The pull request's title: the commit's summary when there is one commit,
/// otherwise the workspace name made readable (`fix-login` → `Fix login`),
/// since no single summary speaks for several commits.
pub(super) fn title(workspace: &str, summaries: &[String]) -> String {
    if let [only] = summaries {
        return only.clone();
    }
    let words = workspace.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// The pull request's body: one `- summary` line per commit, oldest first,
/// then a line saying where it came from.
pub(super) fn body(workspace: &str, summaries: &[String]) -> String {
    let mut body = String::new();
    for summary in summaries {
        body.push_str("- ");
        body.push_str(summary);
        body.push('\n');
    }
    body.push_str(&format!("\nCreated by grove from workspace {workspace}."));
    body
}

/// `argv` as one POSIX shell command line that runs exactly that argv; a
/// quoted argument may span lines, which every POSIX shell accepts.
pub(super) fn shell_command(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| shell_quote(arg))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One argument for a POSIX shell: bare when it has only characters no shell
/// treats specially, otherwise in single quotes (where only `'` itself needs
/// care, written as `'\''`).
pub(super) fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        return arg.to_owned();
    }
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// GitHub's "open a pull request" page for `branch` against `base`, when the
/// remote is a github.com repository.
pub(super) fn compare_url(remote_url: &str, base: &str, branch: &str) -> Option<String> {
    let (owner, repo) = github_repo(remote_url)?;
    Some(format!(
        "https://github.com/{owner}/{repo}/compare/{}...{}?expand=1",
        url_path(base),
        url_path(branch)
    ))
}

/// `(owner, repo)` of a github.com remote URL in any of git's spellings:
/// `https://github.com/o/r.git`, `git@github.com:o/r.git`,
/// `ssh://git@github.com/o/r`, with or without `.git` and a trailing `/`.
pub(super) fn github_repo(url: &str) -> Option<(String, String)> {
    let (host, path) = match url.split_once("://") {
        Some((scheme, rest)) => {
            let known = ["https", "http", "ssh", "git", "git+ssh", "ssh+git"];
            if !known.contains(&scheme) {
                return None;
            }
            let (authority, path) = rest.split_once('/')?;
            let host = authority.rsplit('@').next()?;
            (host.split(':').next()?, path)
        }
        None => {
            // scp-like syntax: [user@]host:path; a `/` before the colon
            // makes it a local path, as git reads it.
            let (authority, path) = url.split_once(':')?;
            if authority.contains('/') {
                return None;
            }
            (authority.rsplit('@').next()?, path)
        }
    };
    if !host.eq_ignore_ascii_case("github.com") {
        return None;
    }
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    match path.split('/').collect::<Vec<_>>().as_slice() {
        [owner, repo] if !owner.is_empty() && !repo.is_empty() => {
            Some(((*owner).to_owned(), (*repo).to_owned()))
        }
        _ => None,
    }
}

/// A branch name as a URL path: `/` stays (GitHub expects `grove/x`), any
/// other byte outside the unreserved set is percent-encoded.
fn url_path(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn titles_and_bodies() {
        assert_eq!(title("fix-login", &owned(&["Fix it"])), "Fix it");
        assert_eq!(
            title("fix-login_flow", &owned(&["a", "b"])),
            "Fix login flow"
        );
        assert_eq!(
            body("x", &owned(&["one", "two"])),
            "- one\n- two\n\nCreated by grove from workspace x."
        );
    }

    #[test]
    fn quotes_for_a_posix_shell() {
        assert_eq!(shell_quote("grove/auth"), "grove/auth");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's $(x) `y`"), r"'it'\''s $(x) `y`'");
        let argv = owned(&["gh", "pr", "create", "--title", "Fix \"it\""]);
        assert_eq!(shell_command(&argv), "gh pr create --title 'Fix \"it\"'");
    }

    #[test]
    fn reads_github_remotes() {
        let repo = Some(("owner".to_owned(), "repo".to_owned()));
        for url in [
            "https://github.com/owner/repo.git",
            "https://github.com/owner/repo",
            "https://user:token@github.com/owner/repo/",
            "git@github.com:owner/repo.git",
            "ssh://git@github.com:22/owner/repo.git",
            "git@GitHub.com:owner/repo",
        ] {
            assert_eq!(github_repo(url), repo, "{url}");
        }
        for url in [
            "https://gitlab.com/owner/repo.git",
            "/srv/git/repo.git",
            "./github.com:owner/repo",
            "https://github.com/owner",
            "https://github.com/owner/repo/extra",
            "file:///github.com/owner/repo",
        ] {
            assert_eq!(github_repo(url), None, "{url}");
        }
    }

    #[test]
    fn compare_urls() {
        assert_eq!(
            compare_url("git@github.com:o/r.git", "main", "grove/auth").as_deref(),
            Some("https://github.com/o/r/compare/main...grove/auth?expand=1")
        );
        assert_eq!(
            compare_url("https://github.com/o/r", "rel#1", "grove/a b").as_deref(),
            Some("https://github.com/o/r/compare/rel%231...grove/a%20b?expand=1")
        );
        assert_eq!(compare_url("/srv/r.git", "main", "grove/a"), None);
    }
}
