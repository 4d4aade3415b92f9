//! Demo data for `serve --demo` and the tests: a province's org tree, its
//! accounts, a user per role and filing workflows in every state. One
//! module per area; each new capability adds its own.

mod monitoring;
mod registry;
pub mod scale;
mod users;
mod workflows;

pub use monitoring::seed_monitoring;
pub use registry::{CITIES, PROVINCE_BUREAU, PUBLICITY_CENTER};
pub use users::DEMO_USERS;

use chrono::NaiveDate;
use govmedia_store::{Store, StoreResult};

/// What `seed_demo` created.
#[derive(Debug, Clone, Copy)]
pub struct DemoSummary {
    pub orgs: usize,
    pub accounts: usize,
    pub users: usize,
}

/// Fills an empty database with demo data as of the store clock's today.
/// Does nothing (returns None) when any org exists already. Every demo
/// user gets `password` and is not forced to change it.
pub async fn seed(store: &Store, password: &str) -> StoreResult<Option<DemoSummary>> {
    seed_at(store, password, store.clock().today()).await
}

/// `seed` as of `today` (China time), which places the demo workflows'
/// deadlines around that day.
pub async fn seed_at(
    store: &Store,
    password: &str,
    today: NaiveDate,
) -> StoreResult<Option<DemoSummary>> {
    if store.org_count().await? > 0 {
        return Ok(None);
    }
    let (orgs, accounts) = registry::seed_registry(store).await?;
    let users = users::seed_users(store, password).await?;
    workflows::seed_workflows(store, today).await?;
    Ok(Some(DemoSummary {
        orgs,
        accounts,
        users,
    }))
}
