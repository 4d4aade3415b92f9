//! An account's 监测 tab: the weekly update chart, the measures as of a
//! day, recent posts with their findings marked, messages with reply
//! times, the data sources and the alerts. The API's account report, on
//! a page.

use super::lists::{PostRow, post_rows};
use crate::auth::PageUser;
use crate::charts::{Column, columns};
use crate::error::{AppError, PageResult};
use crate::extract::{PageQuery, page_id};
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use govmedia_app::monitoring::{CoverageState, MonitoringReport, account_report};
use govmedia_domain::AccountId;
use govmedia_domain::auth::Permission;
use govmedia_domain::monitoring::posts::window_end;
use govmedia_domain::monitoring::{ReplyState, reply_state};
use govmedia_store::alerts::AlertFilter;
use govmedia_store::monitoring_lists::FlaggedPost;
use serde::Deserialize;

/// Posts and messages shown on the tab.
const RECENT: i64 = 10;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TabQuery {
    pub as_of: String,
    pub notice: Option<String>,
}

/// The feed form as typed, and why it was refused.
#[derive(Debug, Clone, Default)]
pub struct FeedForm {
    pub url: String,
    pub error: String,
}

pub struct MessageRow {
    pub channel: &'static str,
    pub received: String,
    pub text: String,
    pub replied: String,
    pub reply: String,
    /// (label, tone class).
    pub state: (&'static str, &'static str),
}

#[derive(Template)]
#[template(path = "account_monitoring.html")]
struct TabPage {
    title: String,
    ctx: Ctx,
    id: i64,
    name: String,
    as_of: NaiveDate,
    r: MonitoringReport,
    zombie: (&'static str, &'static str),
    coverage: (&'static str, &'static str),
    delivered: String,
    chart: String,
    posts: Vec<PostRow>,
    messages: Vec<MessageRow>,
    alerts: Vec<super::alerts_page::AlertRow>,
    feed: Option<super::feeds_page::FeedRow>,
    /// The user may set the account's feed.
    can_feed: bool,
    form: FeedForm,
}

fn tone(s: ReplyState) -> &'static str {
    match s {
        ReplyState::OnTime => "done",
        ReplyState::Waiting | ReplyState::DueSoon => "pending",
        ReplyState::Late | ReplyState::Overdue => "refused",
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<TabQuery>,
) -> PageResult<Response> {
    let id = AccountId(page_id(&id)?);
    let as_of = match q.as_of.trim() {
        "" => state.today(),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| AppError::bad_request("invalid_query", "日期格式应为 2026-03-02"))?,
    };
    render_tab(&state, &s, id, as_of, q.notice.as_deref(), None).await
}

/// The tab of account `id` as of a day; `form` is a refused feed form.
pub async fn render_tab(
    state: &AppState,
    s: &crate::auth::Session,
    id: AccountId,
    as_of: NaiveDate,
    notice: Option<&str>,
    form: Option<FeedForm>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountRead)?;
    let account = state.store.account(&scope, id).await?;
    let rules = &state.config.monitoring;
    let r = account_report(&state.store, &s.principal, rules, id, as_of).await?;
    let end = window_end(as_of, state.store.now());
    let chart = columns(
        &r.weeks
            .iter()
            .map(|w| Column {
                label: w.week.clone(),
                value: i64::from(w.posts),
                class: match w.below_min {
                    Some(true) => "bad",
                    None => "unknown",
                    Some(false) => "b",
                },
            })
            .collect::<Vec<_>>(),
        Some(i64::from(r.rules.rules.weekly_min)),
        4,
        "近26周每周更新条数",
    );
    let posts: Vec<FlaggedPost> = state
        .store
        .recent_posts(id, RECENT)
        .await?
        .into_iter()
        .filter(|p| p.published_at < end)
        .map(|post| FlaggedPost {
            account_id: id,
            account_name: account.name.clone(),
            host_org_name: account.host_org_name.clone(),
            post,
        })
        .collect();
    let cal = state.store.calendar().await?;
    let messages = state
        .store
        .recent_messages(id, end, RECENT)
        .await?
        .into_iter()
        .map(|m| {
            let fact = govmedia_domain::monitoring::MessageFact {
                received_at: m.fact.received_at,
                replied_at: m.fact.replied_at,
                reply_text: m.fact.reply_text.clone(),
            };
            let st = reply_state(&cal, &r.rules.rules, &fact, as_of).ok();
            MessageRow {
                channel: m.channel.label(),
                received: crate::fmt::ts(m.fact.received_at.timestamp()),
                text: m.text,
                replied: m
                    .fact
                    .replied_at
                    .filter(|t| *t < end)
                    .map(|t| crate::fmt::ts(t.timestamp()))
                    .unwrap_or_default(),
                reply: m.fact.reply_text,
                state: st
                    .map(|st| (st.label(), tone(st)))
                    .unwrap_or(("期限待定", "draft")),
            }
        })
        .collect();
    let alerts = state
        .store
        .alerts(
            &scope,
            &AlertFilter {
                open: Some(true),
                account: Some(id),
                ..Default::default()
            },
        )
        .await?;
    let feed = state.store.feed_of(&scope, id).await?;
    let form = form.unwrap_or_else(|| FeedForm {
        url: feed.as_ref().map(|f| f.url.clone()).unwrap_or_default(),
        error: String::new(),
    });
    let feed = feed.map(|f| {
        let item = govmedia_app::feeds::item(&state.config.feeds, f);
        super::feeds_page::feed_rows(std::slice::from_ref(&item)).remove(0)
    });
    render(&TabPage {
        title: format!("{} · 监测", account.name),
        ctx: Ctx::new(s, "accounts")
            .crumb("账号台账", "/accounts")
            .crumb(&account.name, &format!("/accounts/{}", id.0))
            .crumb("监测", "")
            .notice(notice),
        id: id.0,
        name: account.name.clone(),
        as_of,
        zombie: match r.zombie {
            Some(true) => ("僵尸号", "refused"),
            Some(false) if r.warnings.zombie_soon => ("即将成为僵尸号", "pending"),
            Some(false) => ("正常更新", "done"),
            None => ("数据不足", "draft"),
        },
        coverage: match r.coverage {
            CoverageState::Covered => (r.coverage.label(), "done"),
            CoverageState::Insufficient => (r.coverage.label(), "pending"),
        },
        delivered: r
            .last_delivery_at
            .map(|t| crate::fmt::ts(t.timestamp()))
            .unwrap_or_else(|| "从未收到数据".into()),
        chart,
        posts: post_rows(&posts),
        messages,
        alerts: super::alerts_page::alert_rows(&alerts),
        feed,
        can_feed: s.can(Permission::MonitoringIngest),
        form,
        r,
    })
}
