//! Shared helpers for the integration tests: real repositories (`repo`) and
//! real programs in panes (`pane`), the grove binary (`grove`), a fake
//! `gh` (`gh`), waiting on agent status (`status`) and faults on purpose
//! (`faults`: traps at git's worst moments, SIGKILL, a full disk).

#![allow(dead_code, reason = "each test binary uses a different subset")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a helper fails its calling test by panicking"
)]

pub mod faults;
pub mod gh;
pub mod grove;
pub mod jobs;
pub mod merge;
pub mod pane;
pub mod repo;
pub mod status;
