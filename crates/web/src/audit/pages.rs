//! The audit log search page.

use super::view;
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
use govmedia_domain::audit_labels::{action_label, target_label};
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
    /// The person's name, and their username for the tooltip.
    pub name: String,
    pub username: String,
    pub action: String,
    pub action_code: String,
    pub target: String,
    pub target_href: Option<String>,
    pub outcome: &'static str,
    pub ip: String,
    pub detail: Vec<String>,
}

/// Groups of actions to filter by (code prefix, Chinese name).
const ACTION_GROUPS: [(&str, &str); 8] = [
    ("auth.", "登录与退出"),
    ("account.", "账号台账"),
    ("workflow.", "备案审批"),
    ("user.", "用户管理"),
    ("org.", "组织机构"),
    ("calendar.", "法定工作日历"),
    ("token.", "API令牌"),
    ("audit.", "审计日志"),
];

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    title: &'static str,
    ctx: Ctx,
    f: AuditParams,
    orgs: Vec<(i64, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    action_groups: Vec<(&'static str, &'static str)>,
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
    let mut usernames: Vec<String> = entries.iter().map(|e| e.username.clone()).collect();
    usernames.sort();
    usernames.dedup();
    let names = state.store.display_names(&usernames).await?;
    let items = entries
        .into_iter()
        .map(|e| {
            let outcome = Outcome::parse(&e.outcome);
            Row {
                id: e.id,
                at: crate::fmt::ts_ms(e.at),
                name: names.get(&e.username).cloned().unwrap_or_else(|| {
                    if e.username == "system" {
                        "系统".into()
                    } else {
                        e.username.clone()
                    }
                }),
                action: action_label(&e.action, outcome),
                detail: view::describe(&e.action, &e.detail),
                action_code: e.action,
                target: if e.target_type.is_empty() {
                    String::new()
                } else {
                    format!("{} {}", target_label(&e.target_type), e.target_id)
                },
                target_href: view::target_href(&e.target_type, &e.target_id),
                username: e.username,
                outcome: outcome.map(|o| o.label()).unwrap_or("未知"),
                ip: e.ip,
            }
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
        action_groups: ACTION_GROUPS.to_vec(),
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
