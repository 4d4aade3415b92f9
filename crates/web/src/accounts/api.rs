//! Registry API: list, load, create, update, history, export.

use super::params::ListParams;
use crate::auth::ApiUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{ApiJson, ApiQuery, api_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use govmedia_app::registry;
use govmedia_domain::AccountId;
use govmedia_domain::account::AccountDraft;
use govmedia_domain::auth::Permission;
use govmedia_store::accounts::{AccountWithWarnings, HistoryEntry};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct AccountList {
    items: Vec<AccountWithWarnings>,
    total: i64,
    page: i64,
    per_page: i64,
}

async fn list(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<AccountList>> {
    let scope = s.require(Permission::AccountRead)?;
    let f = p.to_filter(50)?;
    let page = state.store.list_accounts(&scope, &f).await?;
    Ok(Json(AccountList {
        items: page.items,
        total: page.total,
        page: f.page,
        per_page: f.per_page,
    }))
}

async fn load(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AccountWithWarnings>> {
    let scope = s.require(Permission::AccountRead)?;
    Ok(Json(
        state
            .store
            .account_with_warnings(&scope, AccountId(api_id(&id, "账号ID")?))
            .await?,
    ))
}

/// Account fields in a request body. Unknown fields are refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountBody {
    platform: String,
    name: String,
    host_org_id: i64,
    responsible_person: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    home_url: String,
    #[serde(default)]
    operators: String,
    #[serde(default)]
    vendor_operated: bool,
    #[serde(default)]
    vendor_name: String,
    #[serde(default)]
    certification_subject: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    opened_on: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    personal_official: bool,
    #[serde(default)]
    owner_name: String,
    /// For updates: the version the client last saw (optimistic locking).
    #[serde(default)]
    version: Option<i64>,
    /// For a registration (存量账号登记): why an existing account is
    /// entered outside an application. Required on create.
    #[serde(default)]
    reason: String,
}

impl AccountBody {
    fn draft(&self) -> AccountDraft {
        AccountDraft {
            platform: self.platform.clone(),
            name: self.name.clone(),
            handle: self.handle.clone(),
            home_url: self.home_url.clone(),
            host_org_id: self.host_org_id.to_string(),
            responsible_person: self.responsible_person.clone(),
            operators: self.operators.clone(),
            vendor_operated: self.vendor_operated,
            vendor_name: self.vendor_name.clone(),
            certification_subject: self.certification_subject.clone(),
            purpose: self.purpose.clone(),
            opened_on: self.opened_on.clone().unwrap_or_default(),
            status: self.status.clone().unwrap_or_default(),
            personal_official: self.personal_official,
            owner_name: self.owner_name.clone(),
        }
    }
}

/// 存量账号登记: enters an existing account with its filing. New
/// accounts come through `POST /api/v1/filings` (申请开设).
async fn create(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(b): ApiJson<AccountBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    s.require(Permission::AccountCreate)?;
    let input = b.draft().parse(state.today()).map_err(AppError::invalid)?;
    let cal = state.store.calendar().await?;
    let actor = s.actor();
    let done = registry::register_existing(
        &state.store,
        s.caller(&actor),
        &input,
        &b.reason,
        state.today(),
        &cal,
    )
    .await?;
    let read = s.require(Permission::AccountRead)?;
    let created = state
        .store
        .account_with_warnings(&read, done.account)
        .await?;
    let mut body = serde_json::to_value(&created).map_err(|_| AppError::internal())?;
    if let Some(o) = body.as_object_mut() {
        o.insert("filing_id".into(), serde_json::json!(done.filing));
    }
    Ok((StatusCode::CREATED, Json(body)))
}

async fn update(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AccountBody>,
) -> ApiResult<Json<AccountWithWarnings>> {
    let scope = s.require(Permission::AccountUpdate)?;
    let id = AccountId(api_id(&id, "账号ID")?);
    // Scope first, so an account out of reach is 404 whatever the body says.
    state.store.account(&scope, id).await?;
    let version = b.version.ok_or_else(|| {
        AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "version_required",
            "修改须提供 version（最近一次读取到的版本号），以免覆盖他人的修改",
        )
    })?;
    let input = b.draft().parse(state.today()).map_err(AppError::invalid)?;
    let actor = s.actor();
    registry::edit(&state.store, s.caller(&actor), id, &input, version).await?;
    Ok(Json(state.store.account_with_warnings(&scope, id).await?))
}

async fn history(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let scope = s.require(Permission::AccountRead)?;
    Ok(Json(
        state
            .store
            .account_history(&scope, AccountId(api_id(&id, "账号ID")?))
            .await?,
    ))
}

async fn export(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Response> {
    super::export::export_response(&state, &s, &p).await
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list).post(create))
        .route("/accounts/export.xlsx", get(export))
        .route("/accounts/{id}", get(load).put(update))
        .route("/accounts/{id}/history", get(history))
}
