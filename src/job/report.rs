//! `grove job report NAME`: a run's ledger as a Markdown report. A header
//! (job, repository, branches, times), one summary line, a table of every
//! item, and a "What to do" section that says, per kind of failure and per
//! item, which commands pick the work up again.

use super::ledger::{CheckResult, ItemRecord, ItemState, Ledger};

/// How many characters of a reason the table shows; the full text is in
/// "What to do".
const CELL_MAX: usize = 120;

/// How many lines of a failed check's output the report repeats.
const CHECK_LINES: usize = 40;

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
        ItemState::Queued
        | ItemState::Starting
        | ItemState::Running
        | ItemState::Checking
        | ItemState::Merging => Kind::Pending,
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
        | ItemState::Merging
        | ItemState::Merged
        | ItemState::Failed
        | ItemState::Conflict => state.key(),
    }
}

fn what_to_do(ledger: &Ledger, out: &mut Vec<String>) {
    let job = &ledger.job;
    let branch = &ledger.branch;
    let file = ledger.file.display().to_string();
    let of = |wanted: Kind| -> Vec<&ItemRecord> {
        ledger.items.iter().filter(|r| kind(r) == wanted).collect()
    };
    let tally = Tally::of(ledger);
    out.push("## What to do".to_owned());
    out.push(String::new());
    if tally.need_you() == 0 && tally.pending == 0 {
        out.push("Nothing: every item is merged.".to_owned());
    } else if tally.need_you() > 0 {
        out.push(format!(
            "Run these in {}. A kept item keeps its workspace (branch `grove/<workspace>`) and, \
             where one is shown, a snapshot ref of its whole working state: if the workspace \
             was removed, `grove restore <workspace>` brings it back.",
            code(&ledger.repo.display().to_string())
        ));
    }

    let conflicts = of(Kind::Conflict);
    if !conflicts.is_empty() {
        group(out, "Conflicts", conflicts.len());
        out.push(format!(
            "These changes collide with items merged before them. Merge by hand into the \
             integration branch, or resolve in the workspace (rebase it onto {} there, or ask \
             its agent to) and then `grove merge <workspace>`, or have the item done again from \
             the current integration branch with `grove job resume {job} --retry`.",
            code(branch)
        ));
        out.push(String::new());
        for record in conflicts {
            item_line(record, out);
            if let Some(workspace) = workspace_of(record) {
                out.push(format!(
                    "  - by hand: `git switch {branch}`, `git merge grove/{workspace}`, resolve, `git commit`"
                ));
                out.push(format!(
                    "  - or, once resolved in the workspace: `grove merge {workspace}`"
                ));
            }
        }
    }

    let out_of_bounds = of(Kind::OutOfBounds);
    if !out_of_bounds.is_empty() {
        group(out, "Out of bounds", out_of_bounds.len());
        out.push(format!(
            "These changed paths they do not own, or a contract file. Look at the change, then \
             either widen `owns` in {} (the change belongs to the item) or revert the stray \
             change in the workspace and commit, and run `grove job resume {job} --retry`.",
            code(&file)
        ));
        out.push(String::new());
        for record in out_of_bounds {
            item_line(record, out);
            if let Some(workspace) = workspace_of(record) {
                out.push(format!(
                    "  - the change: `git diff {branch}...grove/{workspace}` \
                     (or `git log -p {branch}..grove/{workspace}`)"
                ));
            }
        }
    }

    let check_failed = of(Kind::CheckFailed);
    if !check_failed.is_empty() {
        group(out, "Check failed", check_failed.len());
        out.push(format!(
            "The job's `check` command (in {}) failed in the item's worktree. Run it there \
             again to see why (`grove attach`, then the item's pane), fix the item or tell its \
             agent what is wrong, commit, and run `grove job resume {job} --retry`.",
            code(&file)
        ));
        out.push(String::new());
        for record in check_failed {
            item_line(record, out);
            if let Some(output) = record
                .check_output
                .as_deref()
                .filter(|o| !o.trim().is_empty())
            {
                out.push(String::new());
                out.push("  The end of the check's output:".to_owned());
                out.push(String::new());
                fenced(output, out);
            }
        }
    }

    let failed = of(Kind::Failed);
    if !failed.is_empty() {
        group(out, "Timed out or failed", failed.len());
        out.push(format!(
            "The agent ran out of time, exited, changed nothing, or could not be started, on \
             every try. `grove attach` and look at the item's pane to see where it stopped; \
             `grove job resume {job} --retry` tries it again."
        ));
        out.push(String::new());
        for record in failed {
            item_line(record, out);
        }
    }

    let pending = of(Kind::Pending);
    if !pending.is_empty() {
        group(out, "Not finished", pending.len());
        out.push(format!(
            "These were queued or in progress when this report was written. If the run is not \
             going any more (the server stopped or was killed), `grove job resume {job}` picks \
             them up; merged items are never redone."
        ));
        out.push(String::new());
        for record in pending {
            let mut line = format!(
                "- **#{}** {}: {}",
                record.index,
                code(&one_line(&record.item)),
                state_words(record.state)
            );
            if let Some(at) = record.retry_at {
                line.push_str(&format!(", next try at {}", utc(at)));
            }
            if let Some(reason) = record
                .reason
                .as_deref()
                .map(one_line)
                .filter(|r| !r.is_empty())
            {
                line.push_str(&format!(" (last try: {reason})"));
            }
            out.push(line);
        }
    }

    if tally.merged > 0 {
        out.push(String::new());
        out.push("## Next".to_owned());
        out.push(String::new());
        out.push(format!(
            "The merged work is on {}. Review it (`git log -p {}..{branch}`) and merge it into \
             {}, or push it and open a pull request.",
            code(branch),
            ledger.base,
            code(&ledger.base)
        ));
    }
}

fn group(out: &mut Vec<String>, title: &str, count: usize) {
    out.push(String::new());
    out.push(format!("### {title} ({count})"));
    out.push(String::new());
}

/// An item's first line in "What to do", and where its work is kept.
fn item_line(record: &ItemRecord, out: &mut Vec<String>) {
    let reason = record
        .reason
        .as_deref()
        .map(one_line)
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "no reason recorded".to_owned());
    let tries = match record.attempts {
        1 => String::new(),
        n => format!(" ({n} tries)"),
    };
    out.push(format!(
        "- **#{}** {}: {reason}{tries}",
        record.index,
        code(&one_line(&record.item))
    ));
    let mut kept = Vec::new();
    if let Some(workspace) = &record.workspace {
        kept.push(format!("workspace {}", code(workspace)));
    }
    if let Some(snapshot) = &record.snapshot {
        kept.push(format!("snapshot {}", code(snapshot)));
    }
    if record.workspace.is_none()
        && let Some(workspace) = workspace_of(record)
    {
        kept.push(format!(
            "the workspace was removed: `grove restore {workspace}` brings it back"
        ));
    }
    if kept.is_empty() {
        kept.push("no workspace or snapshot kept".to_owned());
    }
    out.push(format!("  - {}", kept.join("; ")));
}

/// The item's workspace, or the one its snapshot was taken of
/// (`refs/grove/snapshots/NAME/<time>`).
fn workspace_of(record: &ItemRecord) -> Option<String> {
    if let Some(workspace) = &record.workspace {
        return Some(workspace.clone());
    }
    let rest = record
        .snapshot
        .as_deref()?
        .strip_prefix("refs/grove/snapshots/")?;
    let (name, _time) = rest.rsplit_once('/')?;
    (!name.is_empty()).then(|| name.to_owned())
}

/// The last [`CHECK_LINES`] lines of `text` in a fenced block indented to
/// sit inside a list item.
fn fenced(text: &str, out: &mut Vec<String>) {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let tail = &lines[lines.len().saturating_sub(CHECK_LINES)..];
    let fence = "`".repeat(3.max(longest_run(text, '`') + 1));
    out.push(format!("  {fence}text"));
    for line in tail {
        out.push(format!("  {line}").trim_end().to_owned());
    }
    out.push(format!("  {fence}"));
}

/// `text` as a Markdown code span, whatever backticks it holds.
fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_run(text, '`') + 1);
    if text.starts_with('`') || text.ends_with('`') {
        format!("{ticks} {text} {ticks}")
    } else {
        format!("{ticks}{text}{ticks}")
    }
}

fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// A table cell: `|` escaped, line breaks as `<br>`.
fn cell(text: &str) -> String {
    text.trim()
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

/// Lines joined with spaces, for list items.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
fn utc(seconds: u64) -> String {
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let of_day = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60
    )
}

/// Days since 1970-01-01 as a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// A run's length: `45s`, `12m`, `2h 14m`, `3d 1h`.
fn took(seconds: u64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes}m")
    } else if minutes > 0 {
        format!("{minutes}m")
    } else {
        format!("{seconds}s")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::job::Item;

    fn ledger(values: &[&str]) -> Ledger {
        let items: Vec<Item> = values
            .iter()
            .enumerate()
            .map(|(i, v)| Item {
                index: i + 1,
                value: (*v).to_owned(),
                slug: crate::job::spec::slug_of(v),
            })
            .collect();
        Ledger::new(
            "headers",
            Path::new("/src/app"),
            Path::new("/src/app/job.yaml"),
            "main",
            &items,
            1_700_000_000,
        )
    }

    fn mixed() -> Ledger {
        let mut ledger = ledger(&[
            "src/a.rs",
            "src/b.rs",
            "src/c.rs",
            "src/d.rs",
            "src/e.rs",
            "src/f|g.rs",
            "src/h.rs",
            "src/i.rs",
        ]);
        ledger.finished = Some(1_700_008_040);
        let items = &mut ledger.items;
        // 1: merged.
        items[0].state = ItemState::Merged;
        items[0].attempts = 1;
        items[0].diffstat = Some("1 file changed, 3 insertions(+)".to_owned());
        items[0].check = Some(CheckResult::Passed);
        items[0].snapshot = Some("refs/grove/snapshots/headers-1-src-a-rs/1700000500".to_owned());
        // 2: the check failed.
        items[1].state = ItemState::Failed;
        items[1].attempts = 2;
        items[1].workspace = Some("headers-2-src-b-rs".to_owned());
        items[1].check = Some(CheckResult::Failed);
        items[1].reason = Some("the check `cargo test` failed".to_owned());
        items[1].check_output = Some(
            "running 3 tests\ntest b ... FAILED\n```\nassertion failed\n(exit status: 101)"
                .to_owned(),
        );
        // 3: conflict, with a snapshot.
        items[2].state = ItemState::Conflict;
        items[2].attempts = 1;
        items[2].workspace = Some("headers-3-src-c-rs".to_owned());
        items[2].reason = Some("conflicts with items merged before it,\nin src/c.rs".to_owned());
        items[2].snapshot = Some("refs/grove/snapshots/headers-3-src-c-rs/1700000900".to_owned());
        // 4: out of bounds.
        items[3].state = ItemState::OutOfBounds;
        items[3].attempts = 1;
        items[3].workspace = Some("headers-4-src-d-rs".to_owned());
        items[3].reason = Some("changed src/lib.rs | x outside what it owns (src/d.rs)".to_owned());
        // 5: timed out; its workspace gone but its snapshot kept.
        items[4].state = ItemState::Failed;
        items[4].attempts = 2;
        items[4].reason = Some("timed out after 30 min".to_owned());
        items[4].snapshot = Some("refs/grove/snapshots/headers-5-src-e-rs/1700002000".to_owned());
        // 6: merged, with a `|` in its name.
        items[5].state = ItemState::Merged;
        items[5].attempts = 1;
        items[5].check = Some(CheckResult::None);
        // 7: still running.
        items[6].state = ItemState::Running;
        items[6].attempts = 1;
        // 8: waiting to be tried again.
        items[7].attempts = 1;
        items[7].retry_at = Some(1_700_003_600);
        items[7].reason = Some("rate limited: Too many requests".to_owned());
        ledger
    }

    #[test]
    fn the_summary_line_counts_and_gives_a_verdict() {
        assert_eq!(
            summary(&mixed()),
            "**2 of 8 merged; 4 need you; 2 still to go.** 2 merged, 2 failed, 1 in conflict, \
             1 out of bounds, 2 still queued or running."
        );
        let mut all = ledger(&["a", "b", "c"]);
        for item in &mut all.items {
            item.state = ItemState::Merged;
        }
        assert_eq!(
            summary(&all),
            "**all 3 items merged.** 3 merged, 0 failed, 0 in conflict, 0 out of bounds, 0 still queued or running."
        );
        all.items[1].state = ItemState::Failed;
        assert!(
            summary(&all).starts_with("**2 of 3 merged; 1 needs you.**"),
            "{}",
            summary(&all)
        );
        let mut one = ledger(&["a"]);
        one.items[0].state = ItemState::Merged;
        assert!(summary(&one).starts_with("**the one item merged.**"));
    }

    #[test]
    fn a_mixed_run_says_what_happened_and_what_to_do() {
        let report = markdown(&mixed());
        let expect = [
            "# Job `headers`",
            "- **Repository:** `/src/app`",
            "- **Integration branch:** `grove/job/headers`, from `main`",
            "- **Started:** 2023-11-14 22:13 UTC",
            "- **Finished:** 2023-11-15 00:27 UTC (took 2h 14m)",
            "| # | item | state | tries | diffstat | check | reason |",
            "| 1 | `src/a.rs` | merged | 1 | 1 file changed, 3 insertions(+) | passed |  |",
            "| 2 | `src/b.rs` | **failed** | 2 |  | **failed** | the check `cargo test` failed |",
            "| 3 | `src/c.rs` | **conflict** | 1 |  |  | conflicts with items merged before it,<br>in src/c.rs |",
            "| 4 | `src/d.rs` | **out of bounds** | 1 |  |  | changed src/lib.rs \\| x outside what it owns (src/d.rs) |",
            "| 6 | `src/f\\|g.rs` | merged | 1 |  | none |  |",
            "| 7 | `src/h.rs` | running | 1 |  |  |  |",
            "### Conflicts (1)",
            "- **#3** `src/c.rs`: conflicts with items merged before it, in src/c.rs",
            "  - workspace `headers-3-src-c-rs`; snapshot `refs/grove/snapshots/headers-3-src-c-rs/1700000900`",
            "  - by hand: `git switch grove/job/headers`, `git merge grove/headers-3-src-c-rs`, resolve, `git commit`",
            "  - or, once resolved in the workspace: `grove merge headers-3-src-c-rs`",
            "### Out of bounds (1)",
            "widen `owns` in `/src/app/job.yaml`",
            "  - the change: `git diff grove/job/headers...grove/headers-4-src-d-rs` (or `git log -p grove/job/headers..grove/headers-4-src-d-rs`)",
            "### Check failed (1)",
            "- **#2** `src/b.rs`: the check `cargo test` failed (2 tries)",
            "  ````text",
            "  test b ... FAILED",
            "  ````\n\n### Timed out or failed (1)",
            "- **#5** `src/e.rs`: timed out after 30 min (2 tries)",
            "  - snapshot `refs/grove/snapshots/headers-5-src-e-rs/1700002000`; the workspace was removed: `grove restore headers-5-src-e-rs` brings it back",
            "### Not finished (2)",
            "- **#7** `src/h.rs`: running",
            "- **#8** `src/i.rs`: queued, next try at 2023-11-14 23:13 UTC (last try: rate limited: Too many requests)",
            "`grove job resume headers`",
            "## Next",
            "The merged work is on `grove/job/headers`. Review it (`git log -p main..grove/job/headers`)",
        ];
        for line in expect {
            assert!(report.contains(line), "missing {line:?} in:\n{report}");
        }
        assert!(!report.contains("Nothing: every item is merged."));
        // The check's output sits in the item's list entry, in one block.
        let fence = report.find("  ````text").unwrap_or(0);
        assert!(
            report[fence..].contains("  ```\n  assertion failed\n  (exit status: 101)\n  ````"),
            "{report}"
        );
    }

    #[test]
    fn a_clean_run_needs_nothing() {
        let mut clean = ledger(&["src/a.rs"]);
        clean.items[0].state = ItemState::Merged;
        let report = markdown(&clean);
        assert!(
            report.contains("Nothing: every item is merged."),
            "{report}"
        );
        assert!(report.contains("- **Finished:** not yet"), "{report}");
        assert!(!report.contains("###"), "{report}");
    }

    #[test]
    fn helpers() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(utc(4_102_444_799), "2099-12-31 23:59 UTC");
        assert_eq!(utc(4_107_542_400), "2100-03-01 00:00 UTC");
        assert_eq!(took(45), "45s");
        assert_eq!(took(8040), "2h 14m");
        assert_eq!(took(90_000), "1d 1h");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(cell("a|b\r\nc"), "a\\|b<br>c");
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(one_line(" a\n  b "), "a b");
    }
}
