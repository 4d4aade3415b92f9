//! Excel import of existing accounts (存量账号导入): the form, the
//! template, and the all-or-nothing import.

use super::excel;
use super::params::resolve_import;
use crate::auth::{PageUser, Session};
use crate::error::{AppError, PageResult};
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govmedia_app::registry;
use govmedia_domain::auth::Permission;
use govmedia_domain::registry as registry_rules;

pub(super) async fn import_template(PageUser(s): PageUser) -> PageResult<Response> {
    s.require(Permission::AccountImport)?;
    let bytes = excel::template().map_err(|_| AppError::internal())?;
    Ok(super::export::xlsx(bytes, "账号导入模板.xlsx"))
}

#[derive(Template)]
#[template(path = "account_import.html")]
struct ImportPage {
    title: &'static str,
    ctx: Ctx,
    max_rows: usize,
    max_mb: usize,
    summary: String,
    errors: Vec<(usize, String)>,
    reason: String,
}

fn import_page(
    state: &AppState,
    s: &Session,
    summary: String,
    errors: Vec<(usize, String)>,
    reason: String,
) -> PageResult<Response> {
    let failed = !summary.is_empty();
    let mut res = render(&ImportPage {
        title: "Excel 导入",
        ctx: Ctx::new(s, "accounts")
            .crumb("账号台账", "/accounts")
            .crumb("Excel 导入", ""),
        max_rows: state.config.max_import_rows,
        max_mb: state.config.max_body_bytes / (1024 * 1024),
        summary,
        errors,
        reason,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub(super) async fn import_form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
) -> PageResult<Response> {
    s.require(Permission::AccountImport)?;
    import_page(&state, &s, String::new(), Vec::new(), String::new())
}

pub(super) async fn import_submit(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    mut mp: Multipart,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountImport)?;
    let mut bytes = None;
    let mut reason = String::new();
    let broken = "上传失败：文件过大或传输中断";
    loop {
        match mp.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => bytes = Some(b),
                Err(_) => return import_page(&state, &s, broken.into(), vec![], reason),
            },
            Ok(Some(field)) if field.name() == Some("reason") => match field.text().await {
                Ok(t) => reason = t,
                Err(_) => return import_page(&state, &s, broken.into(), vec![], reason),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return import_page(&state, &s, broken.into(), vec![], reason),
        }
    }
    if let Err(e) = registry_rules::check_reason(&reason) {
        return import_page(&state, &s, e.to_string(), vec![], reason);
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return import_page(
            &state,
            &s,
            "请选择要导入的 Excel 文件".into(),
            vec![],
            reason,
        );
    };
    // Unpacking and parsing is CPU work: keep it off the async workers.
    let max_rows = state.config.max_import_rows;
    let parsed = tokio::task::spawn_blocking(move || excel::parse_import(&bytes, max_rows))
        .await
        .map_err(|_| AppError::internal())?;
    let rows = match parsed {
        Ok(r) => r,
        Err(e) => return import_page(&state, &s, e.message(), vec![], reason),
    };
    let orgs = state.store.orgs_in_scope(&scope).await?;
    let inputs = match resolve_import(rows, &orgs, state.today()) {
        Ok(i) => i,
        Err(errors) => {
            let summary = format!("共有 {} 行存在问题，本次未导入任何数据。", errors.len());
            return import_page(&state, &s, summary, errors, reason);
        }
    };
    let cal = state.store.calendar().await?;
    let actor = s.actor();
    match registry::import_existing(
        &state.store,
        s.caller(&actor),
        &inputs,
        &reason,
        state.today(),
        &cal,
    )
    .await?
    {
        Ok(ids) => Ok(Redirect::to(&format!(
            "/accounts?sort=updated&notice=imported&per_page={}",
            ids.len().clamp(1, 200)
        ))
        .into_response()),
        Err(errors) => {
            let summary = format!("共有 {} 行存在问题，本次未导入任何数据。", errors.len());
            import_page(&state, &s, summary, errors, reason)
        }
    }
}
