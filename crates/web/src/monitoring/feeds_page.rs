//! The 数据源 tab of 监测 (every feed of the scope with its health) and
//! the feed form of an account's 监测 tab.

use super::account_tab::{FeedForm, render_tab};
use super::pages::{Common, common, day, platform_label};
use super::params::ListQuery;
use crate::auth::PageUser;
use crate::error::PageResult;
use crate::extract::{PageForm, PageQuery, page_id};
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use govmedia_app::feeds::{FeedItem, feed_list, remove_feed, set_feed};
use govmedia_domain::AccountId;
use govmedia_domain::monitoring::feeds::FeedHealth;
use serde::Deserialize;

pub struct FeedRow {
    pub account_id: i64,
    pub account: String,
    pub platform: &'static str,
    pub org: String,
    pub url: String,
    /// (label, tone class, code).
    pub health: (&'static str, &'static str, &'static str),
    pub last_success: String,
    pub error: String,
    pub failures: u32,
    pub next: String,
}

pub fn tone(h: FeedHealth) -> &'static str {
    match h {
        FeedHealth::New => "draft",
        FeedHealth::Ok => "done",
        FeedHealth::Failing => "pending",
        FeedHealth::Broken => "refused",
    }
}

pub fn feed_rows(items: &[FeedItem]) -> Vec<FeedRow> {
    items
        .iter()
        .map(|i| {
            let f = &i.feed;
            FeedRow {
                account_id: f.account_id.0,
                account: f.account_name.clone(),
                platform: platform_label(&f.platform),
                org: f.host_org_name.clone(),
                url: f.url.clone(),
                health: (i.health.label(), tone(i.health), i.health.code()),
                last_success: f
                    .last_success_at
                    .map(|t| crate::fmt::ts(t.timestamp()))
                    .unwrap_or_else(|| "从未成功".into()),
                error: if f.failures > 0 {
                    format!("{}（{}）", f.last_error, day(f.last_error_at, ""))
                } else {
                    String::new()
                },
                failures: f.failures,
                next: crate::fmt::ts(f.next_poll_at.timestamp()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "monitoring_feeds.html")]
struct FeedsPage {
    title: &'static str,
    ctx: Ctx,
    c: Common,
    rows: Vec<FeedRow>,
    broken: usize,
    broken_after: u32,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let (c, p) = common(&state, &s, "feeds", q, false).await?;
    let items = feed_list(&state.store, &s.principal, &state.config.feeds, &p.filter).await?;
    render(&FeedsPage {
        title: "数据源",
        ctx: Ctx::new(&s, "monitoring")
            .crumb("监测", "/monitoring")
            .crumb("数据源", ""),
        c,
        broken: items
            .iter()
            .filter(|i| i.health == FeedHealth::Broken)
            .count(),
        broken_after: state.config.feeds.broken_after,
        rows: feed_rows(&items),
    })
}

#[derive(Deserialize)]
pub struct UrlForm {
    #[serde(default)]
    url: String,
    /// "remove" removes the feed.
    #[serde(default)]
    action: String,
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<UrlForm>,
) -> PageResult<Response> {
    let account = AccountId(page_id(&id)?);
    let actor = s.actor();
    let done = if f.action == "remove" {
        remove_feed(&state.store, s.caller(&actor), account)
            .await
            .map(|_| "feed_removed")
    } else {
        set_feed(&state.store, s.caller(&actor), account, &f.url)
            .await
            .map(|_| "feed_saved")
    };
    match done {
        Ok(notice) => Ok(Redirect::to(&format!(
            "/accounts/{}/monitoring?notice={notice}",
            account.0
        ))
        .into_response()),
        // A refused URL: the tab again, with what was typed and why.
        Err(e) if matches!(e.rule(), Some(govmedia_domain::RuleError::Invalid { .. })) => {
            let message = e.rule().map(ToString::to_string).unwrap_or_default();
            let mut r = render_tab(
                &state,
                &s,
                account,
                state.today(),
                None,
                Some(FeedForm {
                    url: f.url,
                    error: message,
                }),
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
