//! `grove job report NAME`: a run's ledger as a Markdown report. A header
//! (job, repository, branches, times), one summary line, a table of every
//! item, and a "What to do" section that says, per kind of failure and per
//! item, which commands pick the work up again.

mod advice;
#[cfg(test)]
mod tests;
mod text;

use super::ledger::{CheckResult, ItemRecord, ItemState, Ledger};
use advice::what_to_do;
use text::{cell, code, shorten, took, utc};

/// How many characters of a reason the table shows; the full text is in
/// "What to do".
const CELL_MAX: usize = 120;

/// The Markdown report of a run.
pub fn markdown(ledger: &Ledger) -> String {
    let mut out: Vec<String> = Vec::new();
    header(ledger, &mut out);
    out.push(String::new());
    out.push(summary(ledger));
    out.push(String::new());
    table(ledger, &mut out);
    out.push(String::new());
    what_to_do(ledger, &mut out);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// What the report does with an item, in the order "What to do" lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Conflict,
    OutOfBounds,
    CheckFailed,
    /// Timed out, the agent failed, or the item could not be started.
    Failed,
    /// Not final yet.
    Pending,
    Merged,
}

fn kind(record: &ItemRecord) -> Kind {
    match record.state {
        ItemState::Merged => Kind::Merged,
        ItemState::Conflict => Kind::Conflict,
        ItemState::OutOfBounds => Kind::OutOfBounds,
        ItemState::Failed => match record.check {
            Some(CheckResult::Failed) => Kind::CheckFailed,
            Some(CheckResult::Passed | CheckResult::None) | None => Kind::Failed,
        },
        ItemState::Queued | ItemState::Starting | ItemState::Running | ItemState::Checking => {
            Kind::Pending
        }
    }
}

/// Items per kind (failed counts both check failures and other failures).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    merged: usize,
    failed: usize,
    conflict: usize,
    out_of_bounds: usize,
    pending: usize,
}

impl Tally {
    fn of(ledger: &Ledger) -> Tally {
        let mut tally = Tally::default();
        for record in &ledger.items {
            match kind(record) {
                Kind::Merged => tally.merged += 1,
                Kind::CheckFailed | Kind::Failed => tally.failed += 1,
                Kind::Conflict => tally.conflict += 1,
                Kind::OutOfBounds => tally.out_of_bounds += 1,
                Kind::Pending => tally.pending += 1,
            }
        }
        tally
    }

    fn need_you(&self) -> usize {
        self.failed + self.conflict + self.out_of_bounds
    }

    fn total(&self) -> usize {
        self.merged + self.need_you() + self.pending
    }
}

fn header(ledger: &Ledger, out: &mut Vec<String>) {
    out.push(format!("# Job {}", code(&ledger.job)));
    out.push(String::new());
    out.push(format!(
        "- **Repository:** {}",
        code(&ledger.repo.display().to_string())
    ));
    out.push(format!(
        "- **Job file:** {}",
        code(&ledger.file.display().to_string())
    ));
    out.push(format!(
        "- **Integration branch:** {}, from {}",
        code(&ledger.branch),
        code(&ledger.base)
    ));
    out.push(format!("- **Started:** {}", utc(ledger.created)));
    let finished = match ledger.finished {
        Some(finished) => format!(
            "{} (took {})",
            utc(finished),
            took(finished.saturating_sub(ledger.created))
        ),
        None => "not yet".to_owned(),
    };
    out.push(format!("- **Finished:** {finished}"));
}

/// The verdict and the counts, on one line.
fn summary(ledger: &Ledger) -> String {
    let tally = Tally::of(ledger);
    let total = tally.total();
    let need = tally.need_you();
    let verdict = if total == 0 {
        "no items".to_owned()
    } else if tally.merged == total && total == 1 {
        "the one item merged".to_owned()
    } else if tally.merged == total {
        format!("all {total} items merged")
    } else {
        let mut verdict = format!("{} of {total} merged", tally.merged);
        if need > 0 {
            let verb = if need == 1 { "needs" } else { "need" };
            verdict.push_str(&format!("; {need} {verb} you"));
        }
        if tally.pending > 0 {
            verdict.push_str(&format!("; {} still to go", tally.pending));
        }
        verdict
    };
    format!(
        "**{verdict}.** {} merged, {} failed, {} in conflict, {} out of bounds, {} still queued or running.",
        tally.merged, tally.failed, tally.conflict, tally.out_of_bounds, tally.pending
    )
}

fn table(ledger: &Ledger, out: &mut Vec<String>) {
    out.push("| # | item | state | tries | diffstat | check | reason |".to_owned());
    out.push("|--:|---|---|--:|---|---|---|".to_owned());
    for record in &ledger.items {
        let check = match record.check {
            Some(CheckResult::Passed) => "passed",
            Some(CheckResult::Failed) => "**failed**",
            Some(CheckResult::None) => "none",
            None => "",
        };
        let state = match kind(record) {
            Kind::Merged | Kind::Pending => state_words(record.state).to_owned(),
            Kind::Conflict | Kind::OutOfBounds | Kind::CheckFailed | Kind::Failed => {
                format!("**{}**", state_words(record.state))
            }
        };
        out.push(format!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            record.index,
            cell(&code(&record.item)),
            state,
            record.attempts,
            cell(record.diffstat.as_deref().unwrap_or("")),
            check,
            cell(&shorten(record.reason.as_deref().unwrap_or(""), CELL_MAX)),
        ));
    }
}

fn state_words(state: ItemState) -> &'static str {
    match state {
        ItemState::OutOfBounds => "out of bounds",
        ItemState::Queued
        | ItemState::Starting
        | ItemState::Running
        | ItemState::Checking
        | ItemState::Merged
        | ItemState::Failed
        | ItemState::Conflict => state.key(),
    }
}
