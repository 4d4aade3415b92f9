//! Pure domain rules of govmedia. Nothing here does I/O: no database, no
//! HTTP, no clock reads (callers pass "now" in; `clock` holds the one
//! system-time read, used by the edges).

pub mod account;
pub mod audit;
pub mod audit_labels;
pub mod auth;
pub mod calendar;
pub mod checks;
pub mod clock;
pub mod content;
pub mod error;
pub mod filing;
pub mod ids;
pub mod monitoring;
pub mod org;
pub mod password;
pub mod platform;
pub mod registry;
pub mod text;

pub use error::{FieldError, RuleError, ValidationErrors};
pub use ids::{AccountId, FilingId, OrgId, UserId};
