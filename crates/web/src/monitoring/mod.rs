//! Monitoring (监测): the ingest API for collectors and the measures of
//! accounts — zombie, update frequency, replies, violations.

pub mod api;
pub mod pages;
