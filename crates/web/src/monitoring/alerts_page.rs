//! The 预警 tab of 监测: alerts of the scope, open ones by default, with
//! an acknowledgement form for those who may act on them.

use super::pages::{Common, common, platform_label};
use super::params::ListQuery;
use crate::auth::{PageUser, Session};
use crate::error::{AppError, PageResult};
use crate::extract::{PageForm, PageQuery, page_id};
use crate::layout::{Ctx, NoticeQuery, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use govmedia_domain::auth::Permission;
use govmedia_domain::monitoring::alerts::AlertKind;
use govmedia_store::alerts::{AlertFilter, AlertView};
use serde::Deserialize;

pub struct AlertRow {
    pub id: i64,
    pub kind: &'static str,
    pub account_id: i64,
    pub account: String,
    pub platform: &'static str,
    pub org: String,
    pub message: String,
    pub opened: String,
    pub closed: String,
    pub acknowledged: String,
}

pub fn alert_rows(items: &[AlertView]) -> Vec<AlertRow> {
    items
        .iter()
        .map(|a| AlertRow {
            id: a.id,
            kind: a.kind.label(),
            account_id: a.account_id.0,
            account: a.account_name.clone(),
            platform: platform_label(&a.platform),
            org: a.host_org_name.clone(),
            message: a.message.clone(),
            opened: crate::fmt::ts(a.opened_at.timestamp()),
            closed: a
                .closed_at
                .map(|t| crate::fmt::ts(t.timestamp()))
                .unwrap_or_default(),
            acknowledged: match a.acknowledged_at {
                Some(t) => format!(
                    "{} 于 {} 确认{}{}",
                    a.acknowledged_by,
                    crate::fmt::ts(t.timestamp()),
                    if a.ack_note.is_empty() { "" } else { "：" },
                    a.ack_note
                ),
                None => String::new(),
            },
        })
        .collect()
}

/// The alert filter of a list query (the page's own parameters).
pub fn alert_filter(
    q: &ListQuery,
    org: Option<govmedia_domain::OrgId>,
) -> Result<AlertFilter, AppError> {
    Ok(AlertFilter {
        open: match q.state.as_str() {
            "" | "open" => Some(true),
            "closed" => Some(false),
            "all" => None,
            _ => {
                return Err(AppError::bad_request(
                    "invalid_query",
                    "state 只能为 open、closed 或 all",
                ));
            }
        },
        kind: match q.kind.as_str() {
            "" => None,
            k => Some(
                AlertKind::parse(k)
                    .ok_or_else(|| AppError::bad_request("invalid_query", "未知的预警类型"))?,
            ),
        },
        account: None,
        org,
        platform: None,
    })
}

/// The alerts of a list query.
pub async fn load(
    state: &AppState,
    s: &Session,
    q: &ListQuery,
    p: &super::params::Parsed,
) -> Result<Vec<AlertView>, AppError> {
    let scope = s.require(Permission::AccountRead)?;
    let mut f = alert_filter(q, p.filter.org)?;
    f.platform = p.filter.platform;
    Ok(state.store.alerts(&scope, &f).await?)
}

#[derive(Template)]
#[template(path = "monitoring_alerts.html")]
struct AlertsPage {
    title: &'static str,
    ctx: Ctx,
    c: Common,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<AlertRow>,
    can_ack: bool,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
    PageQuery(n): PageQuery<NoticeQuery>,
) -> PageResult<Response> {
    let (c, p) = common(&state, &s, "alerts", q.clone(), false).await?;
    let items = load(&state, &s, &q, &p).await?;
    render(&AlertsPage {
        title: "预警",
        ctx: Ctx::new(&s, "monitoring")
            .crumb("监测", "/monitoring")
            .crumb("预警", "")
            .notice(n.notice.as_deref()),
        c,
        kinds: AlertKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        rows: alert_rows(&items),
        can_ack: s.can(Permission::AccountUpdate) || s.can(Permission::MonitoringRules),
    })
}

#[derive(Deserialize)]
pub struct AckForm {
    #[serde(default)]
    note: String,
}

pub async fn acknowledge(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<AckForm>,
) -> PageResult<Response> {
    let id = page_id(&id)?;
    let actor = s.actor();
    govmedia_app::monitoring_alerts::acknowledge(&state.store, s.caller(&actor), id, &f.note)
        .await?;
    Ok(Redirect::to("/monitoring/alerts?notice=acknowledged").into_response())
}
