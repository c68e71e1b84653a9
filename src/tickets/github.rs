//! Importing GitHub issues as tickets with `gh issue list --json`: each
//! issue becomes a ticket once (its `source` is `github#N`), so importing
//! again only adds what is new.

use std::path::Path;

use serde::Deserialize;

use super::{Ticket, TicketState, Tickets};
use crate::workspace::{Gh, PrError};

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "gh (the GitHub CLI) is not installed; install it from https://cli.github.com and run \
         `gh auth login`, or add tickets with `grove ticket add`"
    )]
    NoGh,
    #[error(transparent)]
    Gh(#[from] PrError),
    #[error("gh printed something that is not a list of issues ({0}); is gh up to date?")]
    Parse(String),
}

#[derive(Debug, Deserialize)]
struct Issue {
    number: u64,
    title: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    labels: Vec<Label>,
}

#[derive(Debug, Deserialize)]
struct Label {
    name: String,
}

/// Runs `gh issue list` in `dir` and adds the open issues not imported yet;
/// returns the ids of the new tickets.
pub fn import_from_gh(
    gh: Option<&Gh>,
    dir: &Path,
    limit: u32,
    tickets: &mut Tickets,
) -> Result<Vec<u32>, ImportError> {
    let gh = gh.ok_or(ImportError::NoGh)?;
    let args: Vec<String> = [
        "issue",
        "list",
        "--state",
        "open",
        "--limit",
        &limit.to_string(),
        "--json",
        "number,title,body,labels",
    ]
    .map(str::to_owned)
    .to_vec();
    let json = gh.stdout(dir, &args)?;
    parse_gh_issues(&json, tickets)
}

/// Adds the issues in `json` (gh's output) that `tickets` lacks.
pub fn parse_gh_issues(json: &str, tickets: &mut Tickets) -> Result<Vec<u32>, ImportError> {
    let issues: Vec<Issue> =
        serde_json::from_str(json).map_err(|error| ImportError::Parse(error.to_string()))?;
    let mut added = Vec::new();
    // Oldest first, so ticket ids follow issue numbers.
    let mut issues = issues;
    issues.sort_by_key(|i| i.number);
    for issue in issues {
        let source = format!("github#{}", issue.number);
        if tickets
            .tickets
            .iter()
            .any(|t| t.source.as_deref() == Some(&source))
        {
            continue;
        }
        let id = tickets.add(
            issue.title,
            issue.body.unwrap_or_default(),
            issue.labels.into_iter().map(|l| l.name).collect(),
        );
        if let Some(ticket) = tickets.get_mut(id) {
            ticket.source = Some(source);
            ticket.state = TicketState::Open;
        }
        added.push(id);
    }
    Ok(added)
}

impl Ticket {
    /// The GitHub issue it came from, if any.
    pub fn github_issue(&self) -> Option<u64> {
        self.source
            .as_deref()?
            .strip_prefix("github#")?
            .parse()
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_are_imported_once() {
        let json = r#"[
            {"number": 7, "title": "Crash on empty input", "body": "Steps:\n1. run", "labels": [{"name": "bug"}]},
            {"number": 3, "title": "Docs", "body": null, "labels": []}
        ]"#;
        let mut tickets = Tickets::default();
        tickets.add("Local one".into(), String::new(), vec![]);
        assert_eq!(parse_gh_issues(json, &mut tickets).unwrap(), [2, 3]);
        assert_eq!(tickets.get(2).unwrap().title, "Docs");
        assert_eq!(tickets.get(3).unwrap().github_issue(), Some(7));
        assert_eq!(tickets.get(3).unwrap().labels, ["bug"]);
        assert_eq!(
            parse_gh_issues(json, &mut tickets).unwrap(),
            Vec::<u32>::new()
        );
        assert!(matches!(
            parse_gh_issues("{\"not\": \"a list\"}", &mut tickets),
            Err(ImportError::Parse(_))
        ));
    }
}
