//! Agents as grove sees them from the outside: what each one is doing and why
//! ([`status`]), decided from its profile's screen rules ([`rules`]) and what
//! its pane shows ([`observe`]).
//!
//! Everything here is pure or reads an emulator it is handed; the server
//! decides when to look and what to do about a change (attention, events).

pub mod observe;
pub mod rules;
pub mod status;

pub use observe::{TailCache, look, observation};
pub use rules::{BadRule, RuleKind, RuleMatch, Source, StatusRules};
pub use status::{Change, Focus, Observation, Seen, State, Status, Tracker};
