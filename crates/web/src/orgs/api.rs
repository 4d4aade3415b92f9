//! Org tree API (read-only), limited to the caller's scope.

use crate::auth::ApiUser;
use crate::error::ApiResult;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use govmedia_domain::auth::Permission;
use govmedia_store::orgs::OrgRecord;
use serde::Serialize;

#[derive(Serialize)]
struct OrgList {
    items: Vec<OrgRecord>,
    total: usize,
}

async fn list(State(state): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Json<OrgList>> {
    let scope = s.require(Permission::OrgRead)?;
    let items = super::view::tree_order(state.store.orgs_in_scope(&scope).await?);
    Ok(Json(OrgList {
        total: items.len(),
        items,
    }))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/orgs", get(list))
}
