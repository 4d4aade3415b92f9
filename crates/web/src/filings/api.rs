//! Filing API: apply, act, list, load, to-do.

use crate::auth::ApiUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{ApiJson, ApiQuery, api_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use govmedia_app::filings;
use govmedia_domain::account::AccountDraft;
use govmedia_domain::auth::Permission;
use govmedia_domain::filing;
use govmedia_domain::filing::Upload;
use govmedia_domain::filing::{ActInput, ChangeInput};
use govmedia_domain::filing::{Action, FilingKind, State as WfState};
use govmedia_domain::{AccountId, FilingId};
use govmedia_store::filings::FilingFilter;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    account: String,
    /// Host org: that unit and its subtree.
    #[serde(default)]
    org: String,
    /// Keyword in the title or the applicant's name.
    #[serde(default)]
    q: String,
}

async fn list(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    let scope = s.require(Permission::AccountRead)?;
    let bad = |code: &'static str, m: &str| AppError::bad_request(code, m.to_string());
    if q.q.chars().count() > 50 {
        return Err(bad("invalid_query", "关键词不能超过50个字符"));
    }
    let f = FilingFilter {
        kind: match q.kind.as_str() {
            "" => None,
            k => Some(FilingKind::parse(k).ok_or_else(|| bad("invalid_kind", "未知的申请类型"))?),
        },
        state: match q.state.as_str() {
            "" => None,
            k => Some(WfState::parse(k).ok_or_else(|| bad("invalid_state", "未知的状态"))?),
        },
        overdue_on: match q.overdue.as_str() {
            "" | "false" | "0" => None,
            "true" | "1" => Some(state.today()),
            _ => return Err(bad("invalid_query", "overdue 只能为 true 或 false")),
        },
        account: match q.account.as_str() {
            "" => None,
            a => Some(AccountId(api_id(a, "ID")?)),
        },
        open_only: false,
        org: match q.org.as_str() {
            "" => None,
            o => Some(govmedia_domain::OrgId(api_id(o, "单位ID")?)),
        },
        q: Some(q.q.clone()).filter(|v| !v.trim().is_empty()),
    };
    let items = state.store.workflows(&scope, &f).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

async fn load(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    s.require(Permission::AccountRead)?;
    let w = state
        .store
        .workflow_for(&s.principal, FilingId(api_id(&id, "ID")?))
        .await?;
    let steps = state.store.workflow_steps(w.id).await?;
    let targets = state.store.filing_targets(w.id).await?;
    let actions: Vec<&str> = filing::allowed_actions(&s.principal, &w, &targets)
        .iter()
        .map(|a| a.code())
        .collect();
    let attachments = state.store.filing_attachments(w.id).await?;
    Ok(Json(
        json!({"workflow": w, "steps": steps, "filing_targets": targets, "allowed_actions": actions, "attachments": attachments}),
    ))
}

/// A new opening application.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplyBody {
    kind: String,
    platform: String,
    name: String,
    host_org_id: i64,
    responsible_person: String,
    #[serde(default)]
    operators: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    owner_name: String,
}

async fn apply(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiJson(b): ApiJson<ApplyBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    s.require(Permission::FilingSubmit)?;
    let kind = match FilingKind::parse(&b.kind) {
        Some(k @ (FilingKind::Open | FilingKind::PersonalOpen)) => k,
        _ => {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_kind",
                "kind 须为 open 或 personal_open",
            ));
        }
    };
    let input = AccountDraft {
        platform: b.platform,
        name: b.name,
        host_org_id: b.host_org_id.to_string(),
        responsible_person: b.responsible_person,
        operators: b.operators,
        purpose: b.purpose,
        personal_official: kind == FilingKind::PersonalOpen,
        owner_name: b.owner_name,
        status: "opening".into(),
        ..Default::default()
    }
    .parse(state.today())
    .map_err(AppError::invalid)?;
    let actor = s.actor();
    let id = filings::apply_open(&state.store, s.caller(&actor), kind, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    kind: String,
    reason: String,
    #[serde(default)]
    survivor_account_id: Option<i64>,
}

async fn close(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if !filing::may_apply_closures(&s.principal) {
        return Err(AppError::forbidden());
    }
    let kind = match FilingKind::parse(&b.kind) {
        Some(k @ (FilingKind::Close | FilingKind::Merge)) => k,
        _ => {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_kind",
                "kind 须为 close 或 merge",
            ));
        }
    };
    let actor = s.actor();
    let wid = filings::apply_close(
        &state.store,
        s.caller(&actor),
        kind,
        AccountId(api_id(&id, "ID")?),
        &b.reason,
        b.survivor_account_id.map(AccountId),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": wid}))))
}

async fn change(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ChangeInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    s.require(Permission::AccountUpdate)?;
    let cal = state.store.calendar().await?;
    let actor = s.actor();
    let wid = filings::record_change(
        &state.store,
        s.caller(&actor),
        AccountId(api_id(&id, "ID")?),
        &b,
        state.today(),
        &cal,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": wid}))))
}

/// A file in a JSON body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiUpload {
    filename: String,
    content_base64: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActBody {
    action: String,
    #[serde(default)]
    opinion: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    home_url: String,
    #[serde(default)]
    certification_subject: String,
    #[serde(default)]
    opened_on: String,
    #[serde(default)]
    announce_text: String,
    #[serde(default)]
    date: String,
    /// Approve over registry warnings: why the unit agrees anyway.
    #[serde(default)]
    override_reason: String,
    /// submit_filing: files to keep with the filing, base64-encoded.
    #[serde(default)]
    attachments: Vec<ApiUpload>,
}

async fn act(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ActBody>,
) -> ApiResult<Json<Value>> {
    let id = api_id(&id, "ID")?;
    let action = Action::parse(&b.action).ok_or_else(|| {
        AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_action",
            "未知的操作",
        )
    })?;
    let input = ActInput {
        opinion: b.opinion,
        handle: b.handle,
        home_url: b.home_url,
        certification_subject: b.certification_subject,
        opened_on: b.opened_on,
        announce_text: b.announce_text,
        date: b.date,
        override_reason: b.override_reason,
        attachments: b
            .attachments
            .into_iter()
            .map(|u| {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(u.content_base64.trim())
                    .map(|bytes| Upload {
                        filename: u.filename,
                        bytes,
                    })
                    .map_err(|_| {
                        AppError::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "invalid_attachment",
                            "附件内容须为 base64 编码",
                        )
                    })
            })
            .collect::<Result<_, _>>()?,
    };
    let cal = state.store.calendar().await?;
    let actor = s.actor();
    let to = filings::act(
        &state.store,
        s.caller(&actor),
        FilingId(id),
        action,
        &input,
        state.today(),
        &cal,
        state.config.announce_workdays,
    )
    .await?;
    Ok(Json(json!({"id": id, "state": to.code()})))
}

async fn todo(State(state): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Json<Value>> {
    let items = filings::todo(&state.store, &s.principal).await?;
    let alerts = govmedia_app::monitoring_alerts::todo(&state.store, &s.principal).await?;
    Ok(Json(
        json!({"total": items.len(), "items": items, "alerts": alerts}),
    ))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/filings", get(list).post(apply))
        .route("/filings/{id}", get(load))
        .route("/filings/{id}/actions", post(act))
        // The earlier name, kept for existing integrations.
        .route("/workflows", get(list).post(apply))
        .route("/workflows/{id}", get(load))
        .route("/workflows/{id}/actions", post(act))
        .route("/accounts/{id}/close", post(close))
        .route("/accounts/{id}/change", post(change))
        .route("/todo", get(todo))
}
