//! Approval and filing pages (备案审批): the workflow list, the detail
//! page with the actions the user may take, and 我的待办. The application
//! forms are in `forms`.

use super::forms;

use super::view::due_info;
use crate::auth::{PageUser, Session};
use crate::badge::{self, Badge};
use crate::error::{AppError, FormError, PageError, PageResult};
use crate::extract::{PageForm, PageQuery, page_id};
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use govmedia_app::filings;
use govmedia_domain::auth::Permission;
use govmedia_domain::filing;
use govmedia_domain::filing::ActInput;
use govmedia_domain::filing::Filing;
use govmedia_domain::filing::{Action, FilingKind, State as WfState, Urgency};
use govmedia_domain::platform::Platform;
use govmedia_domain::{FilingId, OrgId};
use govmedia_store::filings::FilingFilter;
use serde::Deserialize;

pub struct Row {
    pub id: FilingId,
    pub title: String,
    pub kind: &'static str,
    pub host: String,
    pub applicant: String,
    pub state: Badge,
    pub due: String,
    pub urgency: &'static str,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    kind: String,
    state: String,
    overdue: String,
    /// Host org: that unit and the units under it.
    org: String,
    /// Keyword in the title or the applicant's name.
    q: String,
}

#[derive(Template)]
#[template(path = "filings.html")]
struct ListPage {
    title: &'static str,
    ctx: Ctx,
    f: ListQuery,
    kinds: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    orgs: Vec<(i64, String)>,
    rows: Vec<Row>,
    can_apply: bool,
}

async fn list(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountRead)?;
    let today = state.today();
    let bad = |m: &str| PageError(AppError::bad_request("invalid_query", m.to_string()));
    let filter = FilingFilter {
        kind: match q.kind.as_str() {
            "" => None,
            k => Some(FilingKind::parse(k).ok_or_else(|| bad("类型参数无效"))?),
        },
        state: match q.state.as_str() {
            "" => None,
            k => Some(WfState::parse(k).ok_or_else(|| bad("状态参数无效"))?),
        },
        overdue_on: (q.overdue == "1").then_some(today),
        org: match q.org.trim() {
            "" => None,
            v => Some(OrgId(v.parse().map_err(|_| bad("单位参数无效"))?)),
        },
        q: Some(q.q.clone()).filter(|v| !v.trim().is_empty()),
        ..Default::default()
    };
    let cal = state.store.calendar().await?;
    let rows = state
        .store
        .workflows(&scope, &filter)
        .await?
        .into_iter()
        .map(|w| {
            let (due, u) = due_info(&cal, today, &w);
            Row {
                id: w.id,
                kind: w.kind.label(),
                host: w.host_org_name.clone(),
                applicant: w.applicant_name.clone(),
                state: badge::filing_state(w.state),
                due,
                urgency: u.class(),
                title: w.title,
            }
        })
        .collect();
    render(&ListPage {
        title: "备案审批",
        ctx: Ctx::new(&s, "filings").crumb("备案审批", ""),
        kinds: FilingKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        states: WfState::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        orgs: crate::orgs::view::org_options(&crate::orgs::view::tree_order(
            state.store.orgs_in_scope(&scope).await?,
        )),
        rows,
        can_apply: s.can(Permission::FilingSubmit),
        f: q,
    })
}

pub struct TodoRow {
    pub id: FilingId,
    pub title: String,
    pub host: String,
    pub state: Badge,
    pub actions: String,
    pub due: String,
    pub urgency: &'static str,
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    title: &'static str,
    ctx: Ctx,
    rows: Vec<TodoRow>,
    notes: Vec<String>,
    /// For calendar managers: the years to load (year, 待定 deadlines).
    calendar_years: Vec<(i32, usize)>,
    /// Open monitoring alerts on the accounts of the user's org.
    alerts: Vec<crate::monitoring::alerts_page::AlertRow>,
}

async fn todo(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    let today = state.today();
    let cal = state.store.calendar().await?;
    let rows = filings::todo(&state.store, &s.principal)
        .await?
        .into_iter()
        .map(|t| {
            let (due, u) = due_info(&cal, today, &t.workflow);
            TodoRow {
                id: t.workflow.id,
                title: t.workflow.title.clone(),
                host: t.workflow.host_org_name.clone(),
                state: badge::filing_state(t.workflow.state),
                actions: t
                    .actions
                    .iter()
                    .map(|a| a.label())
                    .collect::<Vec<_>>()
                    .join("、"),
                due,
                urgency: u.class(),
            }
        })
        .collect();
    let notes = state
        .store
        .unread_notifications(s.principal.user_id)
        .await?
        .into_iter()
        .map(|n| n.message)
        .collect();
    let calendar_years = if s.can(Permission::CalendarManage) {
        let g = govmedia_app::calendar::gaps(&state.store, today).await?;
        g.years()
            .into_iter()
            .map(|y| {
                let n = g.awaited.iter().find(|a| a.0 == y).map_or(0, |a| a.1);
                (y, n)
            })
            .collect()
    } else {
        Vec::new()
    };
    let alerts = crate::monitoring::alerts_page::alert_rows(
        &govmedia_app::monitoring_alerts::todo(&state.store, &s.principal).await?,
    );
    render(&TodoPage {
        title: "我的待办",
        ctx: Ctx::new(&s, "todo").crumb("我的待办", ""),
        rows,
        notes,
        calendar_years,
        alerts,
    })
}

async fn mark_read(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    state
        .store
        .mark_notifications_read(s.principal.user_id)
        .await?;
    Ok(Redirect::to("/todo").into_response())
}

/// One handling record: when, who (name; username in the tooltip), what,
/// with what result and opinion.
struct StepRow {
    at: String,
    name: String,
    username: String,
    action: &'static str,
    result: &'static str,
    opinion: String,
}

#[derive(Template)]
#[template(path = "filing_detail.html")]
struct DetailPage {
    title: &'static str,
    ctx: Ctx,
    w: Filing,
    kind: &'static str,
    state: Badge,
    account_name: String,
    details: Vec<(&'static str, String)>,
    event_label: &'static str,
    due: String,
    urgency_notice: &'static str,
    targets: Vec<(String, Badge, String, String, String)>,
    actions: Vec<(&'static str, &'static str)>,
    steps: Vec<StepRow>,
    error: String,
    /// Registry checks of the account the filing concerns.
    checks: Vec<govmedia_domain::checks::RelatedWarning>,
    /// What was typed into the action form that failed (kept on error).
    typed: ActForm,
    /// 下一步：由XX办理, while the filing is open.
    next_step: Option<String>,
    /// Where the filing will go once submitted.
    destinations: Vec<String>,
    /// Files kept with the filing.
    attachments: Vec<govmedia_store::filings::AttachmentMeta>,
}

impl DetailPage {
    /// Approve and reject go in one form: one 审批意见, 同意 / 不同意.
    fn decides(&self) -> bool {
        self.actions.iter().any(|a| a.0 == "approve")
    }
    /// The error belongs beside the form that was submitted.
    fn failed_here(&self, action: &str) -> bool {
        !self.error.is_empty()
            && (self.typed.action == action
                || action == "decide" && matches!(self.typed.action.as_str(), "approve" | "reject"))
    }
}

fn details_of(w: &Filing) -> Vec<(&'static str, String)> {
    let d = &w.data;
    let mut out = Vec::new();
    if let Some(a) = d.get("account") {
        let text = |k: &str| a.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        out.push((
            "平台",
            Platform::parse(&text("platform"))
                .map(|p| p.label().to_string())
                .unwrap_or_default(),
        ));
        out.push(("拟用名称", text("name")));
        out.push(("负责人", text("responsible_person")));
        if !text("owner_name").is_empty() {
            out.push(("开设人", text("owner_name")));
        }
        if !text("purpose").is_empty() {
            out.push(("功能定位", text("purpose")));
        }
    }
    if let Some(r) = d.get("reason").and_then(|v| v.as_str()) {
        out.push(("理由", r.to_string()));
    }
    if let (Some(b), Some(a)) = (d.get("before"), d.get("after")) {
        for (k, label) in [
            ("name", "名称"),
            ("responsible_person", "负责人"),
            ("operators", "运营人员"),
            ("vendor_name", "外包运维单位"),
        ] {
            let (x, y) = (b[k].as_str().unwrap_or(""), a[k].as_str().unwrap_or(""));
            if x != y {
                out.push((label, format!("{x} → {y}")));
            }
        }
        if let Some(n) = d
            .get("note")
            .and_then(|v| v.as_str())
            .filter(|n| !n.is_empty())
        {
            out.push(("说明", n.to_string()));
        }
    }
    out
}

async fn detail_page(
    state: &AppState,
    s: &Session,
    id: FilingId,
    error: String,
    status: StatusCode,
    typed: ActForm,
) -> PageResult<Response> {
    s.require(Permission::AccountRead)?;
    let w = state.store.workflow_for(&s.principal, id).await?;
    let filing_targets = state.store.filing_targets(id).await?;
    let today = state.today();
    let cal = state.store.calendar().await?;
    let (due_text, u) = due_info(&cal, today, &w);
    let due = if due_text.is_empty() {
        String::new()
    } else {
        format!("备案时限：{due_text}")
    };
    let actions = filing::allowed_actions(&s.principal, &w, &filing_targets)
        .into_iter()
        .map(|a| (a.code(), a.label()))
        .collect();
    let target_list = filing_targets.clone();
    let raw_steps = state.store.workflow_steps(id).await?;
    let mut who: Vec<String> = raw_steps
        .iter()
        .map(|st| st.username.clone())
        .chain(filing_targets.iter().map(|t| t.acted_by.clone()))
        .collect();
    who.sort();
    who.dedup();
    let names = state.store.display_names(&who).await?;
    let targets = filing_targets
        .into_iter()
        .map(|t| {
            (
                t.org_name,
                badge::target_status(t.status),
                names.get(&t.acted_by).cloned().unwrap_or(t.acted_by),
                t.acted_at.map(crate::fmt::ts).unwrap_or_default(),
                t.reason,
            )
        })
        .collect();
    let steps = raw_steps
        .into_iter()
        .map(|st| {
            let action = Action::parse(&st.action);
            let label = action.map(|a| a.label()).unwrap_or(match w.kind {
                FilingKind::Change => "登记变更",
                FilingKind::Backfill => "存量账号登记",
                _ => "提交申请",
            });
            let result = match action {
                Some(a) => a.result_label(),
                None if w.kind.records() => "已登记待备案",
                None => "已提交待审批",
            };
            let name = names
                .get(&st.username)
                .cloned()
                .unwrap_or_else(|| st.username.clone());
            StepRow {
                at: crate::fmt::ts(st.at),
                name,
                username: st.username,
                action: label,
                result,
                opinion: st.opinion,
            }
        })
        .collect();
    let mut res = render(&DetailPage {
        title: "申请详情",
        ctx: Ctx::new(s, "filings")
            .crumb("备案审批", "/filings")
            .crumb(&w.title, ""),
        kind: w.kind.label(),
        state: badge::filing_state(w.state),
        account_name: w.account_name.clone().unwrap_or_default(),
        details: details_of(&w),
        event_label: match w.kind {
            FilingKind::Change => "变更日期",
            _ => "注销日期",
        },
        due,
        urgency_notice: match u {
            Urgency::Overdue => "overdue",
            Urgency::DueSoon => "due-soon",
            Urgency::Normal => "normal",
        },
        targets,
        actions,
        steps,
        error,
        checks: filings::registry_checks(&state.store, &w).await?,
        typed,
        next_step: filing::next_step(&w, &target_list),
        destinations: filings::destinations(&state.store, &w).await?,
        attachments: state.store.filing_attachments(w.id).await?,
        w,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

/// The filing page again after a failed action, keeping what was typed.
pub(super) async fn detail_with_error(
    state: &AppState,
    s: &Session,
    id: FilingId,
    message: String,
    action: Action,
    input: ActInput,
) -> PageResult<Response> {
    let typed = ActForm {
        action: action.code().to_string(),
        opinion: input.opinion,
        ..Default::default()
    };
    detail_page(
        state,
        s,
        id,
        message,
        StatusCode::UNPROCESSABLE_ENTITY,
        typed,
    )
    .await
}

async fn detail(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    detail_page(
        &state,
        &s,
        FilingId(page_id(&id)?),
        String::new(),
        StatusCode::OK,
        ActForm::default(),
    )
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    action: String,
    opinion: String,
    handle: String,
    home_url: String,
    certification_subject: String,
    opened_on: String,
    announce_text: String,
    date: String,
    override_reason: String,
}

async fn act(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<ActForm>,
) -> PageResult<Response> {
    let id = FilingId(page_id(&id)?);
    let Some(action) = Action::parse(&f.action) else {
        return detail_page(
            &state,
            &s,
            id,
            "操作无效".into(),
            StatusCode::BAD_REQUEST,
            ActForm::default(),
        )
        .await;
    };
    let input = ActInput {
        opinion: f.opinion.clone(),
        handle: f.handle.clone(),
        home_url: f.home_url.clone(),
        certification_subject: f.certification_subject.clone(),
        opened_on: f.opened_on.clone(),
        announce_text: f.announce_text.clone(),
        date: f.date.clone(),
        override_reason: f.override_reason.clone(),
        attachments: Vec::new(),
    };
    let cal = state.store.calendar().await?;
    let actor = s.actor();
    match filings::act(
        &state.store,
        s.caller(&actor),
        id,
        action,
        &input,
        state.today(),
        &cal,
        state.config.announce_workdays,
    )
    .await
    .map_err(FormError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/filings/{id}")).into_response()),
        Err(FormError::Message { message, .. }) => {
            detail_page(&state, &s, id, message, StatusCode::CONFLICT, f).await
        }
        Err(FormError::Fields(e)) => {
            detail_page(
                &state,
                &s,
                id,
                e.summary(),
                StatusCode::UNPROCESSABLE_ENTITY,
                f,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/filings", get(list).post(forms::apply))
        .route("/filings/new", get(forms::new_form))
        .route("/filings/{id}", get(detail))
        .route("/filings/{id}/act", post(act))
        .route("/filings/{id}/resubmit", post(super::attachments::resubmit))
        .route(
            "/filings/{id}/attachments/{file}",
            get(super::attachments::download),
        )
        .route("/todo", get(todo))
        .route("/todo/read", post(mark_read))
        .route(
            "/accounts/{id}/close",
            get(forms::close_form).post(forms::close_submit),
        )
        .route(
            "/accounts/{id}/change",
            get(forms::change_form).post(forms::change_submit),
        )
}
