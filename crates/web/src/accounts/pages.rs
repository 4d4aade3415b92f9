//! Registry pages: list with filters, detail with history, create, edit,
//! Excel export and import.

use super::import;
use super::params::{AccountFormFields, ListParams};
use crate::auth::{PageUser, Session};
use crate::error::{FormError, PageError, PageResult};
use crate::extract::{PageForm, PageQuery, page_id};
use crate::layout::{Ctx, NoticeQuery, pager, query_string, render};
use crate::orgs::view::{org_options, tree_order};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use govmedia_app::registry;
use govmedia_domain::account::{AccountDraft, AccountStatus, field_label};
use govmedia_domain::auth::Permission;
use govmedia_domain::checks::{Warning, WarningKind};
use govmedia_domain::platform::Platform;
use govmedia_domain::{AccountId, ValidationErrors};
use govmedia_store::StoreError;
use govmedia_store::accounts::AccountRecord;

type Options = Vec<(&'static str, &'static str)>;

fn platforms() -> Options {
    Platform::ALL
        .iter()
        .map(|p| (p.code(), p.label()))
        .collect()
}
fn statuses() -> Options {
    AccountStatus::ALL
        .iter()
        .map(|s| (s.code(), s.label()))
        .collect()
}

/// Statuses an account may be registered with or edited into.
fn editable_statuses() -> Options {
    AccountStatus::ALL
        .iter()
        .filter(|s| govmedia_domain::registry::status_is_editable(**s))
        .map(|s| (s.code(), s.label()))
        .collect()
}

#[derive(Template)]
#[template(path = "accounts_list.html")]
struct ListPage {
    title: &'static str,
    ctx: Ctx,
    f: ListParams,
    orgs: Vec<(i64, String)>,
    platforms: Options,
    statuses: Options,
    warning_kinds: Options,
    sorts: Options,
    items: Vec<govmedia_store::accounts::AccountWithWarnings>,
    total: i64,
    pager: String,
    query: String,
    can_create: bool,
    can_apply: bool,
    can_export: bool,
}

async fn list(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(p): PageQuery<ListParams>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountRead)?;
    let filter = p.to_filter(20)?;
    let page = state.store.list_accounts(&scope, &filter).await?;
    let orgs = tree_order(state.store.orgs_in_scope(&scope).await?);
    let query = query_string(&p.query_pairs());
    render(&ListPage {
        title: "账号台账",
        ctx: Ctx::new(&s, "accounts")
            .crumb("账号台账", "")
            .notice(Some(&p.notice)),
        orgs: org_options(&orgs),
        platforms: platforms(),
        statuses: statuses(),
        warning_kinds: WarningKind::ALL
            .iter()
            .map(|w| (w.code(), w.label()))
            .collect(),
        sorts: vec![
            ("org", "按单位"),
            ("name", "按名称"),
            ("platform", "按平台"),
            ("opened_on", "按开设日期"),
            ("updated", "按最近更新"),
        ],
        total: page.total,
        pager: pager(
            "/accounts",
            &query,
            filter.page,
            filter.per_page,
            page.total,
        ),
        items: page.items,
        query,
        can_create: s.can(Permission::AccountCreate),
        can_apply: s.can(Permission::FilingSubmit),
        can_export: s.can(Permission::AccountExport),
        f: p,
    })
}

#[derive(Template)]
#[template(path = "account_form.html")]
struct FormPage {
    title: &'static str,
    ctx: Ctx,
    heading: String,
    action: String,
    cancel: String,
    d: AccountDraft,
    version: String,
    /// 登记原因 as typed (registration only).
    reason: String,
    errors: ValidationErrors,
    platforms: Options,
    statuses: Options,
    orgs: Vec<(i64, String)>,
    /// Editing an existing account: filed fields are shown, not edited.
    editing: Option<AccountRecord>,
}

/// The registration form (`existing` is `None`) or the edit form.
async fn form_page(
    state: &AppState,
    s: &Session,
    existing: Option<&AccountRecord>,
    d: AccountDraft,
    version: String,
    reason: String,
    errors: ValidationErrors,
) -> PageResult<Response> {
    let perm = if existing.is_some() {
        Permission::AccountUpdate
    } else {
        Permission::AccountCreate
    };
    let scope = s.require(perm)?;
    let orgs = tree_order(state.store.orgs_in_scope(&scope).await?);
    let (heading, action, cancel, crumb) = match existing {
        Some(a) => (
            format!("编辑账号：{}", a.name),
            format!("/accounts/{}", a.id),
            format!("/accounts/{}", a.id),
            "编辑账号",
        ),
        None => (
            "存量账号登记".to_string(),
            "/accounts".to_string(),
            "/accounts".to_string(),
            "存量账号登记",
        ),
    };
    let mut res = render(&FormPage {
        title: crumb,
        ctx: Ctx::new(s, "accounts")
            .crumb("账号台账", "/accounts")
            .crumb(crumb, ""),
        heading,
        action,
        cancel,
        d,
        version,
        reason,
        errors: errors.clone(),
        platforms: platforms(),
        statuses: editable_statuses(),
        orgs: org_options(&orgs),
        editing: existing.cloned(),
    })?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn new_form(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    let d = AccountDraft {
        status: "active".into(),
        host_org_id: s.principal.org_id.0.to_string(),
        ..Default::default()
    };
    form_page(
        &state,
        &s,
        None,
        d,
        String::new(),
        String::new(),
        ValidationErrors::default(),
    )
    .await
}

/// Turns a refusal into form errors so the user keeps their input: field
/// errors beside their fields, a conflict beside the field it concerns.
fn conflict_to_errors(e: StoreError) -> Result<ValidationErrors, PageError> {
    if let StoreError::Rule(govmedia_domain::RuleError::Fields(f)) = e {
        return Ok(f);
    }
    match FormError::from(e) {
        FormError::Message { code, message } => {
            let mut errs = ValidationErrors::default();
            let field = match code {
                "host_org_out_of_scope" => "host_org_id",
                "duplicate_handle" => "handle",
                "status_requires_filing" | "account_closed" | "account_opening" => "status",
                "version_conflict" | "version_required" => "",
                _ => "name",
            };
            errs.push(field, code, message);
            Ok(errs)
        }
        other => Err(other.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<AccountFormFields>,
) -> PageResult<Response> {
    s.require(Permission::AccountCreate)?;
    let draft = f.draft();
    let errs = match draft.parse(state.today()) {
        Err(errs) => errs,
        Ok(input) => {
            let cal = state.store.calendar().await?;
            let actor = s.actor();
            match registry::register_existing(
                &state.store,
                s.caller(&actor),
                &input,
                &f.reason,
                state.today(),
                &cal,
            )
            .await
            {
                Ok(done) => {
                    return Ok(Redirect::to(&format!(
                        "/accounts/{}?notice=registered",
                        done.account
                    ))
                    .into_response());
                }
                Err(e) => conflict_to_errors(e)?,
            }
        }
    };
    form_page(&state, &s, None, draft, String::new(), f.reason, errs).await
}

#[derive(Template)]
#[template(path = "account_detail.html")]
struct DetailPage {
    title: &'static str,
    ctx: Ctx,
    a: AccountRecord,
    warnings: Vec<Warning>,
    history: Vec<(String, String, &'static str, Vec<String>)>,
    updated: String,
    can_edit: bool,
    can_file: bool,
    can_order: bool,
    workflows: Vec<(
        govmedia_domain::FilingId,
        String,
        &'static str,
        String,
        &'static str,
    )>,
    /// A merged account's survivor: its id, and its name when the reader
    /// may see it.
    merged_into: Option<(i64, Option<String>)>,
}

/// A record the reader may see, `None` for one outside their scope (the
/// store answers NotFound for both a missing and an out-of-scope record).
fn in_scope<T>(r: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

fn describe_change(
    field: &str,
    pair: &serde_json::Value,
    org_names: &std::collections::HashMap<String, String>,
) -> String {
    let show = |v: &serde_json::Value| -> String {
        let s = v.as_str().unwrap_or("").to_string();
        let s = match field {
            "host_org_id" => org_names.get(&s).cloned().unwrap_or(s),
            "platform" => Platform::parse(&s)
                .map(|p| p.label().to_string())
                .unwrap_or(s),
            "status" => AccountStatus::parse(&s)
                .map(|p| p.label().to_string())
                .unwrap_or(s),
            "vendor_operated" | "personal_official" => {
                if s == "true" {
                    "是".into()
                } else {
                    "否".into()
                }
            }
            _ => s,
        };
        if s.is_empty() { "（空）".into() } else { s }
    };
    match pair.as_array().map(|a| a.as_slice()) {
        Some([old, new]) if old.is_null() => format!("{}：{}", field_label(field), show(new)),
        Some([old, new]) => format!("{}：{} → {}", field_label(field), show(old), show(new)),
        _ => field_label(field).to_string(),
    }
}

async fn detail(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountRead)?;
    let id = AccountId(page_id(&id)?);
    let aw = state.store.account_with_warnings(&scope, id).await?;
    let entries = state.store.account_history(&scope, id).await?;
    // History names host orgs by id; show the names of those the reader
    // may see, and only the id of any other (an account can move in from
    // outside the reader's scope).
    let mut org_names = std::collections::HashMap::new();
    for h in &entries {
        if let Some(pair) = h.changes.get("host_org_id").and_then(|v| v.as_array()) {
            for v in pair.iter().filter_map(|v| v.as_str()) {
                let Ok(oid) = v.parse::<i64>() else { continue };
                if org_names.contains_key(v) {
                    continue;
                }
                let org = state
                    .store
                    .org_scoped(&scope, govmedia_domain::OrgId(oid))
                    .await;
                let name = match in_scope(org)? {
                    Some(o) => o.name,
                    None => format!("范围外单位（编号 {oid}）"),
                };
                org_names.insert(v.to_string(), name);
            }
        }
    }
    let history = entries
        .into_iter()
        .map(|h| {
            let action = match h.action.as_str() {
                "create" => "登记",
                "import" => "导入",
                "update" => "修改",
                _ => "变更",
            };
            let changes = h
                .changes
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| describe_change(k, v, &org_names))
                        .collect()
                })
                .unwrap_or_default();
            (crate::fmt::ts(h.at), h.username, action, changes)
        })
        .collect();
    let can_edit = s.principal.allows_org(
        Permission::AccountUpdate,
        aw.account.host_org_id,
        &aw.account.host_org_path,
    );
    let can_file = s.principal.allows_org(
        Permission::FilingSubmit,
        aw.account.host_org_id,
        &aw.account.host_org_path,
    );
    let can_order = !can_file
        && s.principal
            .has_role(govmedia_domain::auth::Role::CenterAdmin)
        && s.principal.allows_org(
            Permission::InspectionRun,
            aw.account.host_org_id,
            &aw.account.host_org_path,
        );
    let merged_into = match aw.account.merged_into {
        None => None,
        Some(sid) => {
            let survivor = in_scope(state.store.account(&scope, sid).await)?;
            Some((sid.0, survivor.map(|a| a.name)))
        }
    };
    let cal = state.store.calendar().await?;
    let today = state.today();
    let workflows = state
        .store
        .workflows(
            &scope,
            &govmedia_store::filings::FilingFilter {
                account: Some(id),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|w| {
            // Same deadline text and colour as everywhere else.
            let (due, u) = crate::filings::view::due_info(&cal, today, &w);
            (w.id, w.title, w.state.label(), due, u.class())
        })
        .collect();
    render(&DetailPage {
        title: "账号详情",
        ctx: Ctx::new(&s, "accounts")
            .crumb("账号台账", "/accounts")
            .crumb(&aw.account.name, "")
            .notice(q.notice.as_deref()),
        updated: crate::fmt::ts(aw.account.updated_at),
        warnings: aw.warnings,
        a: aw.account,
        history,
        can_edit,
        can_file,
        can_order,
        workflows,
        merged_into,
    })
}

async fn edit_form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountUpdate)?;
    let a = state
        .store
        .account(&scope, AccountId(page_id(&id)?))
        .await?;
    let d = a.draft();
    form_page(
        &state,
        &s,
        Some(&a),
        d,
        a.version.to_string(),
        String::new(),
        ValidationErrors::default(),
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<AccountFormFields>,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountUpdate)?;
    let id = AccountId(page_id(&id)?);
    let current = state.store.account(&scope, id).await?;
    let draft = f.edit_draft(&current.draft());
    let errs = match draft.parse(state.today()) {
        Err(errs) => errs,
        Ok(input) => {
            let saved = match f.version.trim().parse::<i64>() {
                Ok(version) => {
                    let actor = s.actor();
                    registry::edit(&state.store, s.caller(&actor), id, &input, version).await
                }
                // A form without the version it was loaded at cannot be
                // checked against later edits: refuse it like a stale one.
                Err(_) => Err(StoreError::conflict(
                    "version_required",
                    "页面缺少版本信息，请刷新后重新修改",
                )),
            };
            match saved {
                Ok(()) => {
                    return Ok(
                        Redirect::to(&format!("/accounts/{id}?notice=updated")).into_response()
                    );
                }
                Err(e) => conflict_to_errors(e)?,
            }
        }
    };
    form_page(
        &state,
        &s,
        Some(&current),
        draft,
        f.version,
        String::new(),
        errs,
    )
    .await
}

async fn export(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(p): PageQuery<ListParams>,
) -> PageResult<Response> {
    Ok(super::export::export_response(&state, &s, &p).await?)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list).post(create))
        .route("/accounts/new", get(new_form))
        .route("/accounts/export.xlsx", get(export))
        .route(
            "/accounts/import",
            get(import::import_form).post(import::import_submit),
        )
        .route(
            "/accounts/import-template.xlsx",
            get(import::import_template),
        )
        .route("/accounts/{id}", get(detail).post(update))
        .route("/accounts/{id}/edit", get(edit_form))
}
