//! The report on runs made up for the purpose: counts, verdicts, advice.

use std::path::Path;

use super::text::{cell, code, one_line, shorten, took, utc};
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
        "running 3 tests\ntest b ... FAILED\n```\nassertion failed\n(exit status: 101)".to_owned(),
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
