//! Monitoring (articles 10, 13 and 16): measures over an account's posts
//! and the public's messages, as pure functions of the facts, the
//! statutory calendar and the moment they are computed as of.

pub mod alerts;
pub mod coverage;
pub mod feeds;
pub mod import;
pub mod ingest;
pub mod posts;
pub mod replies;
pub mod rules;
pub mod signature;
pub mod tallies;

pub use coverage::{Coverage, Provenance};
pub use posts::{PostFact, PostKind, WeekCount, ZombieVerdict, week_short, weeks, zombie};
pub use replies::{MessageFact, ReplyState, ReplyStats, reply_due, reply_state, reply_stats};
pub use rules::{AppliedRules, MonitoringRules, RuleOverride, resolve};

#[cfg(test)]
mod ingest_tests;
#[cfg(test)]
mod tests;
