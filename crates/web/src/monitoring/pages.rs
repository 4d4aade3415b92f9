//! The 监测 page: zombie accounts (僵尸号), accounts about to become one,
//! and accounts no source reports on (数据不足), as of a day, for an org
//! subtree of the user's jurisdiction. The API's zombie list, on a page.

use crate::auth::PageUser;
use crate::error::{AppError, PageResult};
use crate::extract::PageQuery;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use govmedia_app::monitoring::{ZombieItem, zombies};
use govmedia_domain::OrgId;
use govmedia_domain::auth::Permission;
use govmedia_domain::clock::china_date;
use govmedia_domain::platform::Platform;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filter {
    pub org: String,
    pub as_of: String,
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
struct MonitoringPage {
    title: &'static str,
    ctx: Ctx,
    orgs: Vec<(i64, String)>,
    f: Filter,
    as_of: NaiveDate,
    zombies: Vec<Row>,
    soon: Vec<Row>,
    no_data: Vec<Row>,
}

fn rows(items: Vec<ZombieItem>) -> Vec<Row> {
    items
        .into_iter()
        .map(|i| Row {
            id: i.account_id.0,
            name: i.account_name,
            platform: Platform::parse(&i.platform)
                .map(|p| p.label())
                .unwrap_or("—"),
            org: i.host_org_name,
            last_post: i
                .last_post_at
                .map(|t| china_date(t).to_string())
                .unwrap_or_else(|| "无发布记录".into()),
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
    PageQuery(f): PageQuery<Filter>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountRead)?;
    let as_of = match f.as_of.trim() {
        "" => state.today(),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| AppError::bad_request("invalid_query", "日期格式应为 2026-03-02"))?,
    };
    let org = match f.org.trim() {
        "" => None,
        o => Some(OrgId(crate::extract::page_id(o)?)),
    };
    let list = zombies(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        org,
        as_of,
    )
    .await?;
    render(&MonitoringPage {
        title: "监测",
        ctx: Ctx::new(&s, "monitoring").crumb("监测", ""),
        orgs: crate::orgs::view::org_options(&crate::orgs::view::tree_order(
            state.store.orgs_in_scope(&scope).await?,
        )),
        f,
        as_of,
        zombies: rows(list.items),
        soon: rows(list.soon),
        no_data: rows(list.no_data),
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/monitoring", get(page))
}
