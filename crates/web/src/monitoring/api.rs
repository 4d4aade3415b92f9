//! Monitoring API: collectors send posts and messages; integrations read
//! an account's measures and the zombie list of a scope.

use super::params::ListQuery;
use crate::auth::ApiUser;
use crate::error::{ApiResult, AppError};
use crate::extract::{ApiJson, ApiQuery, api_id};
use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use govmedia_app::monitoring as measures;
use govmedia_app::monitoring_ingest::{self as ingest, IngestOutcome};
use govmedia_app::monitoring_lists as lists;
use govmedia_domain::auth::Permission;
use govmedia_domain::monitoring::ingest::{ItemStatus, MAX_ITEMS, RawMessage, RawPost};
use govmedia_domain::monitoring::{Provenance, RuleOverride};
use govmedia_domain::{AccountId, OrgId};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestQuery {
    #[serde(default)]
    atomic: String,
}

fn atomic(q: &IngestQuery) -> Result<bool, AppError> {
    match q.atomic.as_str() {
        "" | "false" | "0" => Ok(false),
        "true" | "1" => Ok(true),
        _ => Err(AppError::bad_request(
            "invalid_query",
            "atomic 只能为 true 或 false",
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch<T> {
    items: Vec<T>,
}

fn check_size(n: usize) -> Result<(), AppError> {
    if n == 0 {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_batch",
            "items 不能为空",
        ));
    }
    if n > MAX_ITEMS {
        return Err(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("每次最多 {MAX_ITEMS} 条，本次 {n} 条"),
        ));
    }
    Ok(())
}

fn answer(o: IngestOutcome) -> Response {
    let summary = json!({
        "created": o.count(ItemStatus::Created),
        "updated": o.count(ItemStatus::Updated),
        "unchanged": o.count(ItemStatus::Unchanged),
        "rejected": o.count(ItemStatus::Rejected),
    });
    if o.stored {
        Json(json!({"results": o.results, "summary": summary})).into_response()
    } else {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({
                "code": "batch_rejected",
                "message": "批次中有条目被拒绝，按 atomic=true 未保存任何条目",
                "results": o.results,
                "summary": summary,
            })),
        )
            .into_response()
    }
}

async fn ingest_posts(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<IngestQuery>,
    ApiJson(b): ApiJson<Batch<RawPost>>,
) -> ApiResult<Response> {
    s.require(Permission::MonitoringIngest)?;
    let atomic = atomic(&q)?;
    check_size(b.items.len())?;
    let actor = s.actor();
    let scanner = state.scanner.get();
    let o = ingest::ingest_posts(
        &state.store,
        &scanner,
        s.caller(&actor),
        Provenance::Api,
        b.items.into_iter().map(Ok).collect(),
        atomic,
    )
    .await?;
    Ok(answer(o))
}

async fn ingest_messages(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<IngestQuery>,
    ApiJson(b): ApiJson<Batch<RawMessage>>,
) -> ApiResult<Response> {
    s.require(Permission::MonitoringIngest)?;
    let atomic = atomic(&q)?;
    check_size(b.items.len())?;
    let actor = s.actor();
    let o = ingest::ingest_messages(
        &state.store,
        s.caller(&actor),
        Provenance::Api,
        b.items.into_iter().map(Ok).collect(),
        atomic,
    )
    .await?;
    Ok(answer(o))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsOfQuery {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    platform: String,
}

fn as_of(state: &AppState, raw: &str) -> Result<NaiveDate, AppError> {
    match raw.trim() {
        "" => Ok(state.today()),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| AppError::bad_request("invalid_query", "as_of 须为日期，如 2026-03-02")),
    }
}

async fn account_monitoring(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let id = AccountId(api_id(&id, "ID")?);
    if !q.org.is_empty() {
        return Err(AppError::bad_request(
            "invalid_query",
            "此接口不接受 org 参数",
        ));
    }
    let d = as_of(&state, &q.as_of)?;
    let r = measures::account_report(&state.store, &s.principal, &state.config.monitoring, id, d)
        .await?;
    Ok(Json(serde_json::to_value(r).unwrap_or_default()))
}

async fn zombies(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let p = ListQuery {
        as_of: q.as_of,
        org: q.org,
        platform: q.platform,
        ..Default::default()
    }
    .parse(&state)?;
    let list = measures::zombies(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        &p.filter,
        p.as_of,
    )
    .await?;
    Ok(Json(serde_json::to_value(list).unwrap_or_default()))
}

async fn overview(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let p = q.parse(&state)?;
    let o = govmedia_app::monitoring_overview::overview(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        &state.config.feeds,
        &p.filter,
        p.as_of,
    )
    .await?;
    Ok(Json(serde_json::to_value(o).unwrap_or_default()))
}

async fn frequency(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let p = q.parse(&state)?;
    let l = lists::frequency(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        &p.filter,
        p.as_of,
    )
    .await?;
    Ok(Json(serde_json::to_value(l).unwrap_or_default()))
}

async fn replies(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let p = q.parse(&state)?;
    let l = lists::replies(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        &p.filter,
        p.period,
        p.as_of,
    )
    .await?;
    Ok(Json(serde_json::to_value(l).unwrap_or_default()))
}

/// Violations per API page.
const VIOLATIONS_PER_PAGE: i64 = 100;

async fn violations(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let p = q.parse(&state)?;
    let l = lists::violations(
        &state.store,
        &s.principal,
        &p.filter,
        p.period,
        VIOLATIONS_PER_PAGE,
        (p.page - 1).saturating_mul(VIOLATIONS_PER_PAGE),
    )
    .await?;
    Ok(Json(serde_json::to_value(l).unwrap_or_default()))
}

fn org_of(raw: &str) -> Result<OrgId, AppError> {
    Ok(OrgId(api_id(raw, "单位ID")?))
}

async fn get_rules(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let r = measures::org_rules(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        org_of(&id)?,
    )
    .await?;
    Ok(Json(serde_json::to_value(r).unwrap_or_default()))
}

async fn put_rules(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RuleOverride>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::MonitoringRules)?;
    let actor = s.actor();
    let r = measures::set_org_rules(
        &state.store,
        s.caller(&actor),
        &state.config.monitoring,
        org_of(&id)?,
        &b,
    )
    .await?;
    Ok(Json(serde_json::to_value(r).unwrap_or_default()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    org: String,
}

async fn alerts(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let scope = s.require(Permission::AccountRead)?;
    let org = match q.org.as_str() {
        "" => None,
        o => Some(org_of(o)?),
    };
    let lq = super::params::ListQuery {
        state: q.state,
        kind: q.kind,
        ..Default::default()
    };
    let mut f = super::alerts_page::alert_filter(&lq, org)?;
    f.account = match q.account.as_str() {
        "" => None,
        a => Some(AccountId(api_id(a, "账号ID")?)),
    };
    let items = state.store.alerts(&scope, &f).await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckBody {
    #[serde(default)]
    note: String,
}

async fn acknowledge(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AckBody>,
) -> ApiResult<StatusCode> {
    let id = api_id(&id, "ID")?;
    let actor = s.actor();
    govmedia_app::monitoring_alerts::acknowledge(&state.store, s.caller(&actor), id, &b.note)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedBody {
    url: String,
}

async fn put_feed(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<FeedBody>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = AccountId(api_id(&id, "ID")?);
    let actor = s.actor();
    let f = govmedia_app::feeds::set_feed(&state.store, s.caller(&actor), id, &b.url).await?;
    Ok(Json(
        serde_json::to_value(govmedia_app::feeds::item(&state.config.feeds, f)).unwrap_or_default(),
    ))
}

async fn delete_feed(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = AccountId(api_id(&id, "ID")?);
    let actor = s.actor();
    govmedia_app::feeds::remove_feed(&state.store, s.caller(&actor), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn feeds(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    s.require(Permission::AccountRead)?;
    let p = q.parse(&state)?;
    let items =
        govmedia_app::feeds::feed_list(&state.store, &s.principal, &state.config.feeds, &p.filter)
            .await?;
    Ok(Json(json!({"total": items.len(), "items": items})))
}

pub fn router(config: &crate::WebConfig) -> Router<AppState> {
    let ingest = Router::new()
        .route("/ingest/posts", post(ingest_posts))
        .route("/ingest/messages", post(ingest_messages))
        .layer(DefaultBodyLimit::max(config.ingest_max_body_bytes));
    Router::new()
        .merge(ingest)
        .route("/accounts/{id}/monitoring", get(account_monitoring))
        .route("/monitoring/zombies", get(zombies))
        .route("/monitoring/overview", get(overview))
        .route("/monitoring/frequency", get(frequency))
        .route("/monitoring/replies", get(replies))
        .route("/monitoring/violations", get(violations))
        .route("/monitoring/feeds", get(feeds))
        .route("/accounts/{id}/feed", put(put_feed).delete(delete_feed))
        .route("/accounts/{id}/imports", post(import_file))
        .route("/orgs/{id}/monitoring-rules", get(get_rules).put(put_rules))
        .route("/alerts", get(alerts))
        .route("/alerts/{id}/ack", post(acknowledge))
}

/// `POST /accounts/{id}/imports`: a platform export (multipart `file`,
/// `kind`, optional `mapping` as a JSON object of field → header,
/// `default_kind`, `default_channel`, `dry_run`). The same application
/// functions as the import page: all rows or none.
async fn import_file(
    State(state): State<AppState>,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    use govmedia_app::monitoring_import::{ImportRequest, import, preview};
    use govmedia_domain::monitoring::import::{Field, ImportKind, RowDefaults};
    let account = AccountId(api_id(&id, "ID")?);
    let mut fields = std::collections::HashMap::new();
    let mut file = None;
    let broken = || AppError::bad_request("invalid_multipart", "上传失败：表单不完整或传输中断");
    let mut mp = mp.map_err(|_| {
        AppError::bad_request(
            "invalid_multipart",
            "请求须为 multipart/form-data，含 file 与 kind 两项",
        )
    })?;
    while let Some(f) = mp.next_field().await.map_err(|_| broken())? {
        let name = f.name().unwrap_or("").to_string();
        if name == "file" {
            file = Some(f.bytes().await.map_err(|_| broken())?.to_vec());
        } else {
            fields.insert(name, f.text().await.map_err(|_| broken())?);
        }
    }
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    // A well-formed request with a wrong value is unprocessable (422).
    let bad =
        |code, msg: &str| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, msg.to_string());
    let kind = ImportKind::parse(get("kind"))
        .ok_or_else(|| bad("invalid_kind", "kind 只能为 posts 或 messages"))?;
    let mut defaults = RowDefaults::default();
    if !get("default_kind").is_empty() {
        defaults.kind = govmedia_domain::monitoring::PostKind::parse(get("default_kind"))
            .ok_or_else(|| {
                bad(
                    "invalid_default_kind",
                    "default_kind 只能为 original 或 repost",
                )
            })?;
    }
    if !get("default_channel").is_empty() {
        defaults.channel =
            govmedia_domain::monitoring::ingest::Channel::parse(get("default_channel"))
                .ok_or_else(|| {
                    bad(
                        "invalid_default_channel",
                        "default_channel 只能为 comment、private 或 board",
                    )
                })?;
    }
    let mapping = match get("mapping") {
        "" => None,
        m => {
            let by_code: std::collections::BTreeMap<String, String> = serde_json::from_str(m)
                .map_err(|_| {
                    bad(
                        "invalid_mapping",
                        "mapping 应为 {\"字段\":\"列名\"} 形式的 JSON 对象",
                    )
                })?;
            let mut out = govmedia_domain::monitoring::import::Mapping::new();
            for (code, header) in by_code {
                let f = Field::parse(&code)
                    .ok_or_else(|| bad("invalid_mapping", &format!("未知字段 {code}")))?;
                out.insert(f, header);
            }
            Some(out)
        }
    };
    let dry_run = match get("dry_run") {
        "" | "false" | "0" => false,
        "true" | "1" => true,
        _ => return Err(bad("invalid_dry_run", "dry_run 只能为 true 或 false")),
    };
    let bytes = file
        .filter(|b| !b.is_empty())
        .ok_or_else(|| bad("missing_file", "缺少 file（CSV 或 XLSX 文件）"))?;
    let table = super::import_page::table_of(bytes).await?;
    let req = ImportRequest { mapping, defaults };
    let actor = s.actor();
    let c = s.caller(&actor);
    let r = if dry_run {
        preview(&state.store, c, account, kind, &table, &req).await?
    } else {
        import(
            &state.store,
            &state.scanner.get(),
            c,
            account,
            kind,
            &table,
            &req,
        )
        .await?
    };
    let refused = r.mapping_error.is_some() || (!dry_run && !r.stored);
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(r)).into_response())
}
