//! Monitoring (监测): the ingest API for collectors, the measures of
//! accounts — zombie, update frequency, replies, violations — and their
//! lists, exports and the per-account tab.

pub mod account_tab;
pub mod alerts_page;
pub mod api;
pub mod export;
pub mod feeds_page;
pub mod findings;
pub mod import_page;
pub mod lists;
pub mod pages;
pub mod params;
pub mod upload_page;
