//! Orchestrated jobs (`grove run job.yaml`): one batch of work fanned out to
//! child agents, one workspace per item, each result checked and merged into
//! the integration branch `grove/job/<name>`.
//!
//! `spec` is the job file, `template` its `{{…}}` variables, `ledger` the
//! durable per-item record that makes a run resumable, `boundary` the check
//! that an item changed only what it owns, and `report` the Markdown summary.
//! The scheduling itself lives in the server (`server/jobrun/`), next to
//! the panes it drives.

pub mod finish;
pub mod ledger;
pub mod report;
pub mod spec;
pub mod template;

pub use spec::{DoneWhen, Item, ItemSource, Items, JobFileError, JobSpec};
