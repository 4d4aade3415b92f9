//! Compliance scanning over HTTP: scan a text, mask a text, reload the
//! configured lexicons (swapped in without stopping requests).

use crate::auth::ApiUser;
use crate::error::{ApiResult, AppError};
use crate::extract::ApiJson;
use crate::state::{AppState, build_scanner};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use govmedia_domain::auth::Permission;
use govmedia_scan::ScanOptions;
use serde::Deserialize;
use serde_json::{Value, json};

use super::MAX_SCAN_CHARS;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanBody {
    text: String,
    #[serde(default)]
    repost: bool,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    disclosure: bool,
}

fn check_len(text: &str) -> Result<(), AppError> {
    if text.chars().count() > MAX_SCAN_CHARS {
        return Err(AppError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "text_too_long",
            format!("文本不能超过{MAX_SCAN_CHARS}个字符"),
        ));
    }
    Ok(())
}

async fn scan(
    State(state): State<AppState>,
    ApiUser(_): ApiUser,
    ApiJson(b): ApiJson<ScanBody>,
) -> ApiResult<Json<Value>> {
    check_len(&b.text)?;
    let opts = ScanOptions {
        repost: b.repost,
        source: b.source,
        disclosure: b.disclosure,
    };
    let scanner = state.scanner.get();
    let start = std::time::Instant::now();
    let findings = scanner.scan(&b.text, &opts);
    crate::metrics::record_scan(b.text.len(), start.elapsed().as_secs_f64());
    Ok(Json(json!({"findings": findings})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskBody {
    text: String,
}

async fn mask(ApiUser(_): ApiUser, ApiJson(b): ApiJson<MaskBody>) -> ApiResult<Json<Value>> {
    check_len(&b.text)?;
    Ok(Json(json!({"text": govmedia_scan::mask(&b.text)})))
}

async fn reload(State(state): State<AppState>, ApiUser(s): ApiUser) -> ApiResult<Json<Value>> {
    s.require(Permission::LexiconManage)?;
    if s.principal.restrict_path.is_some() {
        return Err(AppError::forbidden());
    }
    let config = state.config.clone();
    // Compiling a large lexicon takes a moment: off the async threads.
    let built = tokio::task::spawn_blocking(move || build_scanner(&config))
        .await
        .map_err(|_| AppError::internal())?;
    let scanner =
        built.map_err(|e| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_lexicon", e))?;
    let entries = scanner.entry_count();
    state.scanner.replace(scanner);
    let mut a = s.actor().audit("lexicon.reload", "scanner", "");
    a.detail = json!({"entries": entries}).to_string();
    state.store.audit(a).await?;
    Ok(Json(json!({"entries": entries})))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/scan", post(scan))
        .route("/mask", post(mask))
        .route("/scan/reload", post(reload))
}
