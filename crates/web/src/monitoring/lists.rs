//! The 更新频率, 留言回复 and 违规内容 tabs of 监测.

use super::findings;
use super::pages::{Common, common, day, platform_label};
use super::params::ListQuery;
use crate::auth::PageUser;
use crate::error::PageResult;
use crate::extract::PageQuery;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use govmedia_app::monitoring_lists::{
    FrequencyItem, LateMessage, ReplyItem, frequency, replies, violations,
};
use govmedia_store::monitoring_lists::FlaggedPost;

/// Violations shown per page.
pub const PER_PAGE: i64 = 50;

pub struct FreqRow {
    pub id: i64,
    pub name: String,
    pub platform: &'static str,
    pub org: String,
    pub posts: i64,
    pub originals: i64,
    pub reposts: i64,
    pub min: u32,
    /// (label, tone class).
    pub state: (&'static str, &'static str),
}

pub fn freq_rows(items: &[FrequencyItem]) -> Vec<FreqRow> {
    items
        .iter()
        .map(|i| FreqRow {
            id: i.account.account_id.0,
            name: i.account.account_name.clone(),
            platform: platform_label(&i.account.platform),
            org: i.account.host_org_name.clone(),
            posts: i.posts,
            originals: i.originals,
            reposts: i.reposts,
            min: i.weekly_min,
            state: match i.below_min {
                Some(true) => ("未达标", "refused"),
                Some(false) => ("达标", "done"),
                None => ("数据不足", "pending"),
            },
        })
        .collect()
}

#[derive(Template)]
#[template(path = "monitoring_frequency.html")]
struct FrequencyPage {
    title: &'static str,
    ctx: Ctx,
    c: Common,
    week: String,
    monday: String,
    below: usize,
    no_data: usize,
    rows: Vec<FreqRow>,
}

pub async fn frequency_page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let (c, p) = common(&state, &s, "frequency", q, false).await?;
    let l = frequency(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        &p.filter,
        p.as_of,
    )
    .await?;
    render(&FrequencyPage {
        title: "更新频率",
        ctx: Ctx::new(&s, "monitoring")
            .crumb("监测", "/monitoring")
            .crumb("更新频率", ""),
        c,
        week: l.week.clone(),
        monday: l.monday.to_string(),
        below: l.below,
        no_data: l.no_data,
        rows: freq_rows(&l.items),
    })
}

pub struct ReplyRow {
    pub id: i64,
    pub name: String,
    pub platform: &'static str,
    pub org: String,
    pub received: u32,
    pub replied: u32,
    pub on_time: u32,
    pub rate: String,
    pub overdue: u32,
    pub median: String,
    pub p90: String,
    pub low_quality: u32,
}

fn workdays(v: Option<f64>) -> String {
    v.map(|d| format!("{d} 个工作日"))
        .unwrap_or_else(|| "—".into())
}

pub fn reply_rows(items: &[ReplyItem]) -> Vec<ReplyRow> {
    items
        .iter()
        .map(|i| {
            let known = i.stats.replied + i.stats.overdue;
            ReplyRow {
                id: i.account.account_id.0,
                name: i.account.account_name.clone(),
                platform: platform_label(&i.account.platform),
                org: i.account.host_org_name.clone(),
                received: i.stats.received,
                replied: i.stats.replied,
                on_time: i.stats.on_time,
                rate: if known == 0 {
                    "—".into()
                } else {
                    format!(
                        "{:.0}%",
                        100.0 * f64::from(i.stats.on_time) / f64::from(known)
                    )
                },
                overdue: i.stats.overdue,
                median: workdays(i.stats.median_reply_workdays),
                p90: workdays(i.stats.p90_reply_workdays),
                low_quality: i.stats.low_quality,
            }
        })
        .collect()
}

pub struct LateRow {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub received: String,
    pub due: String,
    pub text: String,
}

pub fn late_rows(items: &[LateMessage]) -> Vec<LateRow> {
    items
        .iter()
        .map(|m| LateRow {
            id: m.account.account_id.0,
            name: m.account.account_name.clone(),
            org: m.account.host_org_name.clone(),
            received: crate::fmt::ts(m.received_at.timestamp()),
            due: m.due.to_string(),
            text: m.text.chars().take(80).collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "monitoring_replies.html")]
struct RepliesPage {
    title: &'static str,
    ctx: Ctx,
    c: Common,
    rows: Vec<ReplyRow>,
    overdue: Vec<LateRow>,
    due_soon: Vec<LateRow>,
}

pub async fn replies_page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let (c, p) = common(&state, &s, "replies", q, true).await?;
    let l = replies(
        &state.store,
        &s.principal,
        &state.config.monitoring,
        &p.filter,
        p.period,
        p.as_of,
    )
    .await?;
    render(&RepliesPage {
        title: "留言回复",
        ctx: Ctx::new(&s, "monitoring")
            .crumb("监测", "/monitoring")
            .crumb("留言回复", ""),
        c,
        rows: reply_rows(&l.items),
        overdue: late_rows(&l.overdue),
        due_soon: late_rows(&l.due_soon),
    })
}

pub struct PostRow {
    pub account_id: i64,
    pub account: String,
    pub org: String,
    pub published: String,
    pub title: Vec<findings::Segment>,
    pub text: Vec<findings::Segment>,
    pub url: String,
    pub findings: Vec<(&'static str, &'static str, String, String)>,
    pub blocked: bool,
    pub deleted: String,
}

/// Texts longer than this are cut on the lists (after the last finding
/// that starts before the cut).
const SHOWN_CHARS: usize = 400;

fn cut(text: &str) -> &str {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

pub fn post_rows(items: &[FlaggedPost]) -> Vec<PostRow> {
    items
        .iter()
        .map(|f| {
            let p = &f.post;
            PostRow {
                account_id: f.account_id.0,
                account: f.account_name.clone(),
                org: f.host_org_name.clone(),
                published: crate::fmt::ts(p.published_at.timestamp()),
                title: findings::segments(&p.title, &p.findings["title"]),
                text: findings::segments(cut(&p.text), &p.findings["text"]),
                url: p.url.clone(),
                findings: findings::list(&p.findings),
                blocked: p.blocked > 0,
                deleted: day(p.deleted_at, ""),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "monitoring_violations.html")]
struct ViolationsPage {
    title: &'static str,
    ctx: Ctx,
    c: Common,
    total: i64,
    rows: Vec<PostRow>,
    pager: String,
}

pub async fn violations_page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let (c, p) = common(&state, &s, "violations", q, true).await?;
    let l = violations(
        &state.store,
        &s.principal,
        &p.filter,
        p.period,
        PER_PAGE,
        (p.page - 1).saturating_mul(PER_PAGE),
    )
    .await?;
    render(&ViolationsPage {
        title: "违规内容",
        ctx: Ctx::new(&s, "monitoring")
            .crumb("监测", "/monitoring")
            .crumb("违规内容", ""),
        pager: crate::layout::pager(
            "/monitoring/violations",
            &c.q.query_string(),
            p.page,
            PER_PAGE,
            l.total,
        ),
        c,
        total: l.total,
        rows: post_rows(&l.items),
    })
}
