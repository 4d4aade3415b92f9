//! Application services: each loads what a decision needs, asks the
//! domain to decide, and hands the effects to the store (which persists
//! and audits them in one transaction). Pages, the API, jobs and the demo
//! call these same functions, so a rule is applied the same way whatever
//! the door.

pub mod calendar;
pub mod feeds;
pub mod filings;
pub mod monitoring;
pub mod monitoring_alerts;
pub mod monitoring_files;
pub mod monitoring_import;
pub mod monitoring_ingest;
pub mod monitoring_lists;
pub mod monitoring_overview;
pub mod monitoring_rescan;
mod monitoring_tallies;
pub mod registry;

use govmedia_domain::auth::{Assignment, DataScope, Principal, Role};
use govmedia_domain::{OrgId, UserId};
use govmedia_store::orgs::Actor;

/// Who is acting: the audit identity and the rights.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub actor: &'a Actor,
    pub principal: &'a Principal,
}

/// The operator on the server (the CLI, the demo): acts for the whole
/// registry, as the publicity center does, and is audited as `cli`.
pub fn operator() -> (Actor, Principal) {
    let actor = Actor {
        username: "cli".into(),
        ..Default::default()
    };
    let principal = Principal {
        user_id: UserId(0),
        username: "cli".into(),
        display_name: "命令行".into(),
        org_id: OrgId(0),
        org_name: String::new(),
        assignments: vec![Assignment {
            role: Role::CenterAdmin,
            scope: DataScope::All,
            org_id: OrgId(0),
            org_path: "/".into(),
        }],
        restrict_path: None,
    };
    (actor, principal)
}
