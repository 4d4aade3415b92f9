//! The application forms of the filing workflows: to open an account,
//! to close or merge one, and to record a change.

use crate::auth::{PageUser, Session};
use crate::error::{AppError, FormError, PageError, PageResult};
use crate::extract::{PageForm, PageQuery, page_id};
use crate::layout::{Ctx, render};
use crate::orgs::view::{org_options, tree_order};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govmedia_app::filings;
use govmedia_domain::AccountId;
use govmedia_domain::account::{AccountDraft, AccountStatus};
use govmedia_domain::auth::Permission;
use govmedia_domain::filing;
use govmedia_domain::filing::ChangeInput;
use govmedia_domain::filing::FilingKind;
use govmedia_domain::platform::Platform;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "filing_open.html")]
struct OpenPage {
    title: &'static str,
    ctx: Ctx,
    heading: &'static str,
    kind: &'static str,
    personal: bool,
    d: AccountDraft,
    platforms: Vec<(&'static str, &'static str)>,
    orgs: Vec<(i64, String)>,
    error: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct KindQuery {
    kind: String,
}

async fn open_page(
    state: &AppState,
    s: &Session,
    kind: FilingKind,
    d: AccountDraft,
    error: String,
) -> PageResult<Response> {
    let scope = s.require(Permission::FilingSubmit)?;
    let orgs = tree_order(state.store.orgs_in_scope(&scope).await?);
    let personal = kind == FilingKind::PersonalOpen;
    let mut res = render(&OpenPage {
        title: "申请开设",
        ctx: Ctx::new(s, "filings")
            .crumb("备案审批", "/filings")
            .crumb("申请开设", ""),
        heading: if personal {
            "公务人员职务账号开设申请"
        } else {
            "政务新媒体账号开设申请"
        },
        kind: kind.code(),
        personal,
        d,
        platforms: Platform::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect(),
        orgs: org_options(&orgs),
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn kind_of(s: &str) -> FilingKind {
    match FilingKind::parse(s) {
        Some(FilingKind::PersonalOpen) => FilingKind::PersonalOpen,
        _ => FilingKind::Open,
    }
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(q): PageQuery<KindQuery>,
) -> PageResult<Response> {
    let d = AccountDraft {
        host_org_id: s.principal.org_id.0.to_string(),
        ..Default::default()
    };
    open_page(&state, &s, kind_of(&q.kind), d, String::new()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OpenForm {
    kind: String,
    platform: String,
    name: String,
    host_org_id: String,
    responsible_person: String,
    operators: String,
    owner_name: String,
    purpose: String,
}

pub(super) async fn apply(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<OpenForm>,
) -> PageResult<Response> {
    s.require(Permission::FilingSubmit)?;
    let kind = kind_of(&f.kind);
    let d = AccountDraft {
        platform: f.platform,
        name: f.name,
        host_org_id: f.host_org_id,
        responsible_person: f.responsible_person,
        operators: f.operators,
        purpose: f.purpose,
        personal_official: kind == FilingKind::PersonalOpen,
        owner_name: f.owner_name,
        status: "opening".into(),
        ..Default::default()
    };
    let input = match d.parse(state.today()) {
        Ok(i) => i,
        Err(e) => return open_page(&state, &s, kind, d, e.summary()).await,
    };
    let actor = s.actor();
    match filings::apply_open(&state.store, s.caller(&actor), kind, &input)
        .await
        .map_err(FormError::from)
    {
        Ok(id) => Ok(Redirect::to(&format!("/filings/{id}")).into_response()),
        Err(FormError::Message { message, .. }) => open_page(&state, &s, kind, d, message).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "filing_close.html")]
struct ClosePage {
    title: &'static str,
    ctx: Ctx,
    account_id: i64,
    account_name: String,
    survivors: Vec<(i64, String)>,
    kind: String,
    reason: String,
    error: String,
}

async fn close_page(
    state: &AppState,
    s: &Session,
    id: AccountId,
    kind: String,
    reason: String,
    error: String,
) -> PageResult<Response> {
    // Host staff apply; the publicity center may order a closure of any
    // account it inspects (one rule: filing::closure_right).
    if !filing::may_apply_closures(&s.principal) {
        return Err(AppError::forbidden().into());
    }
    let a = state
        .store
        .account(&govmedia_domain::auth::Scope::All { within: None }, id)
        .await?;
    let Some(right) = filing::closure_right(&s.principal, a.host_org_id, &a.host_org_path) else {
        return Err(AppError::not_found().into());
    };
    let scope = s.principal.scope(right.permission());
    let filter = govmedia_store::accounts::AccountFilter {
        org: Some(a.host_org_id),
        per_page: 200,
        ..Default::default()
    };
    let survivors = state
        .store
        .list_accounts(&scope, &filter)
        .await?
        .items
        .into_iter()
        .filter(|o| o.account.id != a.id && o.account.status != AccountStatus::Closed)
        .map(|o| {
            (
                o.account.id.0,
                format!("{}（{}）", o.account.name, o.account.platform.label()),
            )
        })
        .collect();
    let mut res = render(&ClosePage {
        title: "申请关停/整合",
        ctx: Ctx::new(s, "accounts")
            .crumb("账号台账", "/accounts")
            .crumb(&a.name, &format!("/accounts/{}", a.id))
            .crumb("申请关停/整合", ""),
        account_id: a.id.0,
        account_name: a.name,
        survivors,
        kind,
        reason,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn account_id(raw: &str) -> Result<AccountId, PageError> {
    page_id(raw).map(AccountId)
}

pub(super) async fn close_form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    close_page(
        &state,
        &s,
        account_id(&id)?,
        String::new(),
        String::new(),
        String::new(),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CloseForm {
    kind: String,
    reason: String,
    survivor: String,
}

pub(super) async fn close_submit(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<CloseForm>,
) -> PageResult<Response> {
    let id = account_id(&id)?;
    let kind = match f.kind.as_str() {
        "merge" => FilingKind::Merge,
        _ => FilingKind::Close,
    };
    let survivor = f.survivor.trim().parse::<i64>().ok().map(AccountId);
    let actor = s.actor();
    match filings::apply_close(
        &state.store,
        s.caller(&actor),
        kind,
        id,
        &f.reason,
        survivor,
    )
    .await
    .map_err(FormError::from)
    {
        Ok(wid) => Ok(Redirect::to(&format!("/filings/{wid}")).into_response()),
        Err(FormError::Message { message, .. }) => {
            close_page(&state, &s, id, f.kind, f.reason, message).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "filing_change.html")]
struct ChangePage {
    title: &'static str,
    ctx: Ctx,
    a: govmedia_store::accounts::AccountRecord,
    error: String,
}

async fn change_page(
    state: &AppState,
    s: &Session,
    id: AccountId,
    error: String,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountUpdate)?;
    let a = state.store.account(&scope, id).await?;
    let mut res = render(&ChangePage {
        title: "登记变更",
        ctx: Ctx::new(s, "accounts")
            .crumb("账号台账", "/accounts")
            .crumb(&a.name, &format!("/accounts/{}", a.id))
            .crumb("登记变更", ""),
        a,
        error: error.clone(),
    })?;
    if !error.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub(super) async fn change_form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    change_page(&state, &s, account_id(&id)?, String::new()).await
}

/// The change form as posted (it also carries `_csrf`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChangeForm {
    name: String,
    responsible_person: String,
    operators: String,
    vendor_name: String,
    changed_on: String,
    note: String,
}

impl From<ChangeForm> for ChangeInput {
    fn from(f: ChangeForm) -> Self {
        ChangeInput {
            name: f.name,
            responsible_person: f.responsible_person,
            operators: f.operators,
            vendor_name: f.vendor_name,
            changed_on: f.changed_on,
            note: f.note,
        }
    }
}

pub(super) async fn change_submit(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<ChangeForm>,
) -> PageResult<Response> {
    let id = account_id(&id)?;
    let cal = state.store.calendar().await?;
    let actor = s.actor();
    match filings::record_change(
        &state.store,
        s.caller(&actor),
        id,
        &ChangeInput::from(f),
        state.today(),
        &cal,
    )
    .await
    .map_err(FormError::from)
    {
        Ok(wid) => Ok(Redirect::to(&format!("/filings/{wid}")).into_response()),
        Err(FormError::Message { message, .. }) => change_page(&state, &s, id, message).await,
        Err(FormError::Fields(e)) => change_page(&state, &s, id, e.summary()).await,
        Err(e) => Err(e.into()),
    }
}
