//! A pull request's state as the sidebar shows it: open, draft, merged or
//! closed, and one word for its checks. The server asks on a slow poll, only
//! for workspaces known to have a pull request; this module is the one `gh`
//! call and the reading of its JSON.
//!
//! The checks word rolls up every entry of gh's `statusCheckRollup` (GitHub
//! check runs and commit statuses alike), worst first, with the same word
//! lists as `gh pr checks`:
//!
//! | entry (conclusion, else state, else status) | counts as |
//! |---|---|
//! | `FAILURE`, `ERROR`, `CANCELLED`, `TIMED_OUT`, `ACTION_REQUIRED`, `STARTUP_FAILURE` | failing |
//! | `SUCCESS`, `NEUTRAL`, `SKIPPED` | passing |
//! | anything else: `PENDING`, `EXPECTED`, `QUEUED`, `IN_PROGRESS`, `WAITING`, `REQUESTED`, `STALE`, unknown | pending |
//!
//! No entries → [`Checks::None`]; any failing → `Failing` (a red check
//! matters even while others still run); else any pending → `Pending`; else
//! `Passing`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::PrError;
use super::gh::{Exit, Gh};

/// What `gh pr view` is asked for when polling.
const FIELDS: &str = "number,url,state,isDraft,statusCheckRollup";

/// One pull request as the sidebar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrState {
    pub number: u64,
    pub url: String,
    pub state: PrLifecycle,
    pub checks: Checks,
}

/// Where a pull request is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PrLifecycle {
    Open,
    Draft,
    Merged,
    Closed,
}

/// The roll-up of a pull request's checks (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Checks {
    /// The head commit has no checks or statuses.
    None,
    Pending,
    Passing,
    Failing,
}

/// The pull request of `branch`, asked from `gh` in `worktree`; `None` when
/// the branch has none.
pub fn pr_state(gh: &Gh, worktree: &Path, branch: &str) -> Result<Option<PrState>, PrError> {
    let Some((json, command)) = view(gh, worktree, branch, FIELDS)? else {
        return Ok(None);
    };
    parse(&json)
        .map(Some)
        .map_err(|problem| PrError::GhOutput { command, problem })
}

/// `gh pr view BRANCH --json FIELDS`: its JSON and the command line, or
/// `None` when gh says the branch has no pull request.
pub(super) fn view(
    gh: &Gh,
    dir: &Path,
    branch: &str,
    fields: &str,
) -> Result<Option<(String, String)>, PrError> {
    let args = ["pr", "view", branch, "--json", fields].map(str::to_owned);
    let output = gh.run(dir, &args)?;
    match output.exit {
        Exit::Success => Ok(Some((output.stdout, output.command))),
        Exit::Failure if output.stderr.contains("no pull requests found") => Ok(None),
        Exit::Failure => Err(output.failed(dir)),
    }
}

/// gh's JSON for one pull request.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct View {
    number: u64,
    url: String,
    state: String,
    #[serde(default)]
    is_draft: bool,
    #[serde(default)]
    status_check_rollup: Option<Vec<RollupEntry>>,
}

/// A check run (`status`, `conclusion`) or a commit status (`state`).
#[derive(Debug, Deserialize)]
struct RollupEntry {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    conclusion: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

fn parse(json: &str) -> Result<PrState, String> {
    let view: View = serde_json::from_str(json).map_err(|err| err.to_string())?;
    let state = match (view.state.as_str(), view.is_draft) {
        ("OPEN", true) => PrLifecycle::Draft,
        ("OPEN", false) => PrLifecycle::Open,
        ("MERGED", _) => PrLifecycle::Merged,
        ("CLOSED", _) => PrLifecycle::Closed,
        (other, _) => return Err(format!("unknown pull request state {other:?}")),
    };
    let entries = view.status_check_rollup.unwrap_or_default();
    Ok(PrState {
        number: view.number,
        url: view.url,
        state,
        checks: roll_up(&entries),
    })
}

fn roll_up(entries: &[RollupEntry]) -> Checks {
    let verdicts: Vec<Checks> = entries.iter().map(verdict).collect();
    if verdicts.is_empty() {
        Checks::None
    } else if verdicts.contains(&Checks::Failing) {
        Checks::Failing
    } else if verdicts.contains(&Checks::Pending) {
        Checks::Pending
    } else {
        Checks::Passing
    }
}

/// One entry's word, chosen as `gh pr checks` does: a commit status has a
/// `state`; a check run has its `conclusion` once completed, else its
/// `status`.
fn verdict(entry: &RollupEntry) -> Checks {
    let text = |field: &Option<String>| field.clone().filter(|s| !s.is_empty());
    let word = text(&entry.state)
        .or_else(|| match entry.status.as_deref() {
            Some("COMPLETED") => text(&entry.conclusion),
            Some(_) | None => text(&entry.status).or_else(|| text(&entry.conclusion)),
        })
        .unwrap_or_default();
    match word.as_str() {
        "FAILURE" | "ERROR" | "CANCELLED" | "TIMED_OUT" | "ACTION_REQUIRED" | "STARTUP_FAILURE" => {
            Checks::Failing
        }
        "SUCCESS" | "NEUTRAL" | "SKIPPED" => Checks::Passing,
        _ => Checks::Pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(entries: &str) -> Checks {
        let json = format!(
            r#"{{"number":1,"url":"u","state":"OPEN","isDraft":false,"statusCheckRollup":{entries}}}"#
        );
        parse(&json)
            .map(|state| state.checks)
            .unwrap_or(Checks::None)
    }

    #[test]
    fn rolls_up_check_runs_and_statuses() {
        let run = |status: &str, conclusion: &str| {
            format!(
                r#"{{"__typename":"CheckRun","status":"{status}","conclusion":"{conclusion}"}}"#
            )
        };
        let status = |state: &str| format!(r#"{{"__typename":"StatusContext","state":"{state}"}}"#);
        let list = |items: &[String]| format!("[{}]", items.join(","));
        assert_eq!(checks("[]"), Checks::None);
        assert_eq!(checks("null"), Checks::None);
        let ok = run("COMPLETED", "SUCCESS");
        let skipped = run("COMPLETED", "SKIPPED");
        let running = run("IN_PROGRESS", "");
        let failed = run("COMPLETED", "FAILURE");
        assert_eq!(checks(&list(&[ok.clone(), skipped])), Checks::Passing);
        assert_eq!(
            checks(&list(&[ok.clone(), running.clone()])),
            Checks::Pending
        );
        assert_eq!(checks(&list(&[running, failed])), Checks::Failing);
        assert_eq!(
            checks(&list(&[ok.clone(), status("PENDING")])),
            Checks::Pending
        );
        assert_eq!(
            checks(&list(&[ok.clone(), status("ERROR")])),
            Checks::Failing
        );
        assert_eq!(checks(&list(&[ok, status("SUCCESS")])), Checks::Passing);
        assert_eq!(
            checks(&list(&[run("COMPLETED", "TIMED_OUT")])),
            Checks::Failing
        );
        assert_eq!(checks(&list(&[run("QUEUED", "")])), Checks::Pending);
    }

    #[test]
    fn refuses_unknown_states() {
        let json = r#"{"number":1,"url":"u","state":"LOCKED","isDraft":false}"#;
        assert!(parse(json).is_err());
        assert!(parse("not json").is_err());
    }
}
