//! Content review (三审三核, article 11): the states of an item, the
//! review chain an org configures, the rules of each action and what a
//! version is.

pub mod chain;
pub mod model;
pub mod review;
pub mod version;

#[cfg(test)]
mod tests;

pub use chain::{Gate, ReviewChain, Stage, resolve_chain};
pub use model::{ContentKind, ContentState, Importance, Verdict};
pub use review::{Approval, Claim, Event, ReviewInput, ReviewItem};
pub use version::{Variant, VersionContent};
