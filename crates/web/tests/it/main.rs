//! HTTP integration tests of the whole app, each on SQLite and (when
//! GOVMEDIA_TEST_PG_URL is set) on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod bad_input;
mod calendar;
mod client;
mod language;
mod monitoring;
mod monitoring_alerts;
mod monitoring_feeds;
mod monitoring_import;
mod monitoring_lists;
mod monitoring_rescan;
mod pages;
mod registry;
mod scan;
mod scope;
mod security;
mod snapshots;
mod workflows;
