//! The audit log search page.

use crate::auth::PageUser;
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::layout::{Ctx, pager, query_string, render};
use crate::orgs::view::{org_options, tree_order};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use govmedia_domain::audit::Outcome;
use govmedia_domain::auth::Permission;
use govmedia_store::audit::AuditFilter;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditParams {
    pub username: String,
    pub action: String,
    pub outcome: String,
    pub org: String,
    pub from: String,
    pub to: String,
    pub page: String,
}

pub struct Row {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub target: String,
    pub outcome: &'static str,
    pub ip: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    title: &'static str,
    ctx: Ctx,
    f: AuditParams,
    orgs: Vec<(i64, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    items: Vec<Row>,
    total: i64,
    pager: String,
    error: String,
}

const PER_PAGE: i64 = 50;

async fn search(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(p): PageQuery<AuditParams>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AuditRead)?;
    let mut error = String::new();
    let date = |v: &str, error: &mut String| -> Option<NaiveDate> {
        if v.trim().is_empty() {
            return None;
        }
        let d = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
        if d.is_none() {
            *error = "日期格式应为 YYYY-MM-DD".into();
        }
        d
    };
    let from = date(&p.from, &mut error);
    let to = date(&p.to, &mut error);
    let page = p
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| (1..=1_000_000).contains(v))
        .unwrap_or(1);
    let filter = AuditFilter {
        username: Some(p.username.trim().to_string()),
        org_id: p.org.trim().parse().ok(),
        action: Some(p.action.trim().to_string()),
        outcome: Some(p.outcome.trim().to_string()),
        from_ms: from.map(crate::fmt::date_start_ms),
        to_ms: to.and_then(|d| d.succ_opt()).map(crate::fmt::date_start_ms),
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
    };
    let (entries, total) = state.store.audit_search(&filter, &scope).await?;
    let items = entries
        .into_iter()
        .map(|e| Row {
            id: e.id,
            at: crate::fmt::ts_ms(e.at),
            username: e.username,
            action: e.action,
            target: if e.target_type.is_empty() {
                String::new()
            } else {
                format!("{} {}", e.target_type, e.target_id)
            },
            outcome: Outcome::parse(&e.outcome)
                .map(|o| o.label())
                .unwrap_or("未知"),
            ip: e.ip,
            detail: e.detail,
        })
        .collect();
    let orgs = tree_order(state.store.orgs_in_scope(&scope).await?);
    let query = query_string(&[
        ("username", p.username.as_str()),
        ("action", p.action.as_str()),
        ("outcome", p.outcome.as_str()),
        ("org", p.org.as_str()),
        ("from", p.from.as_str()),
        ("to", p.to.as_str()),
    ]);
    render(&AuditPage {
        title: "审计日志",
        ctx: Ctx::new(&s, "audit").crumb("审计日志", ""),
        orgs: org_options(&orgs),
        outcomes: [Outcome::Success, Outcome::Failure, Outcome::Denied]
            .iter()
            .map(|o| (o.code(), o.label()))
            .collect(),
        items,
        total,
        pager: pager("/audit", &query, page, PER_PAGE, total),
        error,
        f: p,
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(search))
}
