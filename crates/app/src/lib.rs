//! Application services: each loads what a decision needs, asks the
//! domain to decide, and hands the effects to the store (which persists
//! and audits them in one transaction). Pages, the API, jobs and the demo
//! call these same functions, so a rule is applied the same way whatever
//! the door.

pub mod calendar;
pub mod filings;
pub mod monitoring;
pub mod monitoring_files;
pub mod monitoring_ingest;
pub mod registry;

use govmedia_domain::auth::Principal;
use govmedia_store::orgs::Actor;

/// Who is acting: the audit identity and the rights.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub actor: &'a Actor,
    pub principal: &'a Principal,
}
