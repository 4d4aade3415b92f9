//! Persistence for govmedia: one implementation that serves SQLite and
//! PostgreSQL through sqlx's Any driver. Queries are portable SQL with `$n`
//! placeholders; times are stored as integers (Unix seconds, or
//! milliseconds where named `_ms`/`at` in the audit log); booleans as 0/1.
//!
//! Every function that lists or loads business data takes the caller's
//! [`Scope`](govmedia_domain::auth::Scope) and filters in SQL, so data
//! outside the caller's reach is never read.

pub mod account_warnings;
pub mod accounts;
pub mod alerts;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod cache;
pub mod calendar;
pub mod db;
pub mod error;
pub mod feeds;
pub mod filing_effects;
pub mod filings;
pub mod imports;
pub mod job_runs;
pub mod migrate;
pub mod monitoring;
pub mod monitoring_ingest;
pub mod monitoring_lists;
pub mod monitoring_tallies;
pub mod notifications;
pub mod orgs;
pub mod registry;
pub mod rescans;
pub mod schema;
pub mod scope_sql;
pub mod secrets;
pub mod sessions;
pub mod sql;
pub mod testing;
pub mod user_admin;
pub mod users;
pub mod week_totals;

pub use db::{Backend, Store, WriteTx};
pub use error::{StoreError, StoreResult};
