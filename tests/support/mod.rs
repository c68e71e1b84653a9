//! Shared helpers for the integration tests.
#![allow(dead_code)]
// Test helpers fail loudly by design; clippy only exempts `#[test]` functions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod repo;
