//! The 监测 pages: one tab per list (zombies, update frequency, replies,
//! violations, alerts), each filtered by org subtree, platform and day or
//! period, each exportable to Excel. The lists come from the same
//! application functions as the API.

use super::params::{ListQuery, Parsed};
use crate::auth::{PageUser, Session};
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use govmedia_app::monitoring::{ZombieItem, zombies};
use govmedia_app::monitoring_lists::Period;
use govmedia_domain::auth::Permission;
use govmedia_domain::clock::china_date;
use govmedia_domain::platform::Platform;

/// The tabs of 监测: (code, path, label).
pub const TABS: &[(&str, &str, &str)] = &[
    ("zombies", "/monitoring", "僵尸号"),
    ("frequency", "/monitoring/frequency", "更新频率"),
    ("replies", "/monitoring/replies", "留言回复"),
    ("violations", "/monitoring/violations", "违规内容"),
    ("alerts", "/monitoring/alerts", "预警"),
    ("feeds", "/monitoring/feeds", "数据源"),
];

/// What every tab shows above its list: the tabs and the filter form.
pub struct Common {
    pub tab: &'static str,
    pub path: &'static str,
    pub q: ListQuery,
    pub orgs: Vec<(i64, String)>,
    pub platforms: Vec<(&'static str, &'static str)>,
    pub as_of: NaiveDate,
    pub period: Period,
    /// The period fields are shown (the lists over a period).
    pub with_period: bool,
    /// The export link, empty when the user may not export.
    pub export: String,
}

impl Common {
    pub fn tabs(&self) -> &'static [(&'static str, &'static str, &'static str)] {
        TABS
    }
}

pub async fn common(
    state: &AppState,
    s: &Session,
    tab: &'static str,
    q: ListQuery,
    with_period: bool,
) -> PageResult<(Common, Parsed)> {
    let scope = s.require(Permission::AccountRead)?;
    let p = q.parse(state)?;
    let path = TABS
        .iter()
        .find(|t| t.0 == tab)
        .map(|t| t.1)
        .unwrap_or("/monitoring");
    let qs = q.query_string();
    let export = if s.can(Permission::AccountExport) {
        format!(
            "/monitoring/export/{tab}{}{qs}",
            if qs.is_empty() { "" } else { "?" }
        )
    } else {
        String::new()
    };
    Ok((
        Common {
            tab,
            path,
            orgs: crate::orgs::view::org_options(&crate::orgs::view::tree_order(
                state.store.orgs_in_scope(&scope).await?,
            )),
            platforms: Platform::ALL
                .into_iter()
                .map(|p| (p.code(), p.label()))
                .collect(),
            as_of: p.as_of,
            period: p.period,
            with_period,
            export,
            q,
        },
        p,
    ))
}

pub fn platform_label(code: &str) -> &'static str {
    Platform::parse(code).map(|p| p.label()).unwrap_or("—")
}

pub fn day(t: Option<DateTime<Utc>>, none: &str) -> String {
    t.map(|t| china_date(t).to_string())
        .unwrap_or_else(|| none.into())
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub platform: &'static str,
    pub org: String,
    pub last_post: String,
    pub days: String,
    pub delivered: String,
}

#[derive(Template)]
#[template(path = "monitoring.html")]
struct ZombiePage {
    title: &'static str,
    ctx: Ctx,
    c: Common,
    zombies: Vec<Row>,
    soon: Vec<Row>,
    no_data: Vec<Row>,
}

pub fn zombie_rows(items: Vec<ZombieItem>) -> Vec<Row> {
    items
        .into_iter()
        .map(|i| Row {
            id: i.account_id.0,
            name: i.account_name,
            platform: platform_label(&i.platform),
            org: i.host_org_name,
            last_post: day(i.last_post_at, "无发布记录"),
            days: i
                .days_since_update
                .map(|d| format!("{d} 天"))
                .unwrap_or_else(|| "—".into()),
            delivered: i
                .last_delivery_at
                .map(|t| crate::fmt::ts(t.timestamp()))
                .unwrap_or_else(|| "从未收到数据".into()),
        })
        .collect()
}

async fn page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let (c, p) = common(&state, &s, "zombies", q, false).await?;
    let list = zombies(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        &p.filter,
        p.as_of,
    )
    .await?;
    render(&ZombiePage {
        title: "监测",
        ctx: Ctx::new(&s, "monitoring").crumb("监测", ""),
        c,
        zombies: zombie_rows(list.items),
        soon: zombie_rows(list.soon),
        no_data: zombie_rows(list.no_data),
    })
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitoring", get(page))
        .route("/monitoring/frequency", get(super::lists::frequency_page))
        .route("/monitoring/replies", get(super::lists::replies_page))
        .route("/monitoring/violations", get(super::lists::violations_page))
        .route("/monitoring/alerts", get(super::alerts_page::page))
        .route(
            "/monitoring/alerts/{id}/ack",
            post(super::alerts_page::acknowledge),
        )
        .route("/monitoring/feeds", get(super::feeds_page::page))
        .route(
            "/monitoring/upload",
            get(super::upload_page::form).post(super::upload_page::submit),
        )
        .route("/accounts/{id}/feed", post(super::feeds_page::save))
        .route("/monitoring/export/{list}", get(super::export::export))
        .route("/accounts/{id}/monitoring", get(super::account_tab::page))
        .route(
            "/accounts/{id}/monitoring/import",
            get(super::import_page::form).post(super::import_page::upload),
        )
        .route(
            "/accounts/{id}/monitoring/import/{upload}",
            post(super::import_page::confirm),
        )
}
