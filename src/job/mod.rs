//! Orchestrated jobs (`grove run job.yaml`): one batch of work fanned out to
//! child agents, one workspace per item, each result checked and merged into
//! the integration branch `grove/job/<name>`.
//!
//! `spec` is the job file, `template` its `{{…}}` variables, `ledger` the
//! durable per-item record that makes a run resumable, `finish` the check
//! and merge of a done item (`changes` what it changed, judged against what
//! it owns; `merge` the checkout-free merge), and `report` the Markdown
//! summary.
//! The scheduling itself lives in the server (`server/jobrun/`), next to
//! the panes it drives.

pub mod changes;
pub mod finish;
pub mod ledger;
mod merge;
pub mod report;
pub mod spec;
pub mod template;

pub use spec::{DoneWhen, Item, ItemSource, Items, JobFileError, JobSpec};
