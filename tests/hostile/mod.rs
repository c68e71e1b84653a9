//! Shared pieces of the hostile-input tests (`tests/hostile_*.rs`): how many
//! cases a property runs, and a per-thread allocation meter for the
//! properties that say "never allocates without bound".
//!
//! Each property runs a small number of cases by default so that all of them
//! together stay well under a minute in a debug build on two cores (CI runs
//! them on every push). `GROVE_FUZZ_CASES=100000 cargo test --test
//! 'hostile_*'` runs every property that many times instead, for a longer
//! hunt on demand. A failure prints the shrunk input, and proptest records its
//! seed in `tests/hostile_*.proptest-regressions` (committed) so that every
//! later run tries it first.

#![allow(dead_code, reason = "each test binary uses a different subset")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a helper fails its calling test by panicking"
)]

pub mod alloc;
pub mod escapes;
pub mod keys;
pub mod screen;

use proptest::test_runner::Config;

/// The variable that overrides every property's case count.
pub const CASES_VAR: &str = "GROVE_FUZZ_CASES";

/// A proptest config running `default` cases, or `GROVE_FUZZ_CASES` when set.
pub fn config(default: u32) -> Config {
    let cases = std::env::var(CASES_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Shrinking a failure of a slow property (a PTY, a git repository)
        // must still end in reasonable time.
        max_shrink_iters: 256,
        ..Config::default()
    }
}
