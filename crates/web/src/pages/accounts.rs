//! Registry pages: list with filters, detail with history, create, edit,
//! Excel export and import.

use super::{Ctx, org_options, pager, query_string, render, tree_order};
use crate::account_params::{AccountFormFields, ListParams, resolve_import};
use crate::auth::{PageUser, Session};
use crate::error::{AppError, FormError, PageError, PageResult};
use crate::excel;
use crate::extract::{PageForm, PageQuery};
use crate::pages::login::NoticeQuery;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
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
    errors: ValidationErrors,
    platforms: Options,
    statuses: Options,
    orgs: Vec<(i64, String)>,
}

async fn form_page(
    state: &AppState,
    s: &Session,
    perm: Permission,
    existing: Option<&AccountRecord>,
    d: AccountDraft,
    version: String,
    errors: ValidationErrors,
) -> PageResult<Response> {
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
            "登记新账号".to_string(),
            "/accounts".to_string(),
            "/accounts".to_string(),
            "登记新账号",
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
        errors: errors.clone(),
        platforms: platforms(),
        statuses: statuses(),
        orgs: org_options(&orgs),
    })?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn draft_of(a: &AccountRecord) -> AccountDraft {
    AccountDraft {
        platform: a.platform.code().into(),
        name: a.name.clone(),
        handle: a.handle.clone(),
        home_url: a.home_url.clone(),
        host_org_id: a.host_org_id.0.to_string(),
        responsible_person: a.responsible_person.clone(),
        operators: a.operators.clone(),
        vendor_operated: a.vendor_operated,
        vendor_name: a.vendor_name.clone(),
        certification_subject: a.certification_subject.clone(),
        purpose: a.purpose.clone(),
        opened_on: a.opened_on.map(|d| d.to_string()).unwrap_or_default(),
        status: a.status.code().into(),
        personal_official: a.personal_official,
        owner_name: a.owner_name.clone(),
    }
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
        Permission::AccountCreate,
        None,
        d,
        String::new(),
        ValidationErrors::default(),
    )
    .await
}

/// Turns a store conflict into a form error so the user keeps their input.
fn conflict_to_errors(e: StoreError) -> Result<ValidationErrors, PageError> {
    match FormError::from(e) {
        FormError::Message { code, message } => {
            let mut errs = ValidationErrors::default();
            let field = if code == "host_org_out_of_scope" {
                "host_org_id"
            } else {
                "name"
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
    let scope = s.require(Permission::AccountCreate)?;
    let draft = f.draft();
    let input = match draft.parse(state.today()) {
        Ok(i) => i,
        Err(errs) => {
            return form_page(
                &state,
                &s,
                Permission::AccountCreate,
                None,
                draft,
                String::new(),
                errs,
            )
            .await;
        }
    };
    match state.store.create_account(&s.actor(), &scope, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/accounts/{id}?notice=created")).into_response()),
        Err(e) => {
            let errs = conflict_to_errors(e)?;
            form_page(
                &state,
                &s,
                Permission::AccountCreate,
                None,
                draft,
                String::new(),
                errs,
            )
            .await
        }
    }
}

fn parse_id(raw: &str) -> Result<AccountId, PageError> {
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .map(AccountId)
        .ok_or_else(|| PageError(AppError::not_found()))
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
        govmedia_domain::WorkflowId,
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
    let id = parse_id(&id)?;
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
            &govmedia_store::workflows::WorkflowFilter {
                account: Some(id),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|w| {
            // Same deadline text and colour as everywhere else.
            let (due, u) = crate::pages::filings::due_info(&cal, today, &w);
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
    let a = state.store.account(&scope, parse_id(&id)?).await?;
    let d = draft_of(&a);
    form_page(
        &state,
        &s,
        Permission::AccountUpdate,
        Some(&a),
        d,
        a.version.to_string(),
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
    let id = parse_id(&id)?;
    let current = state.store.account(&scope, id).await?;
    let draft = f.draft();
    let input = match draft.parse(state.today()) {
        Ok(i) => i,
        Err(errs) => {
            return form_page(
                &state,
                &s,
                Permission::AccountUpdate,
                Some(&current),
                draft,
                f.version,
                errs,
            )
            .await;
        }
    };
    let version = f.version.trim().parse::<i64>().ok();
    match state
        .store
        .update_account(&s.actor(), &scope, id, &input, version)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{id}?notice=updated")).into_response()),
        Err(e) => {
            let errs = conflict_to_errors(e)?;
            form_page(
                &state,
                &s,
                Permission::AccountUpdate,
                Some(&current),
                draft,
                f.version,
                errs,
            )
            .await
        }
    }
}

fn xlsx(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"accounts.xlsx\"; filename*=UTF-8''{}",
                    crate::auth::urlencode(filename)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Exports the filtered registry and records the export in the audit log.
pub async fn export_response(
    state: &AppState,
    s: &Session,
    p: &ListParams,
) -> Result<Response, AppError> {
    let scope = s.require(Permission::AccountExport)?;
    let filter = p.to_filter(20)?;
    let rows = state.store.export_accounts(&scope, &filter).await?;
    let bytes = excel::export(&rows).map_err(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        AppError::internal()
    })?;
    let mut a = s.actor().audit("account.export", "account", "");
    a.detail = serde_json::json!({"count": rows.len(), "filter": query_string(&p.query_pairs())})
        .to_string();
    state.store.audit(a).await?;
    Ok(xlsx(bytes, &format!("账号台账-{}.xlsx", state.today())))
}

async fn export(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageQuery(p): PageQuery<ListParams>,
) -> PageResult<Response> {
    Ok(export_response(&state, &s, &p).await?)
}

async fn import_template(PageUser(s): PageUser) -> PageResult<Response> {
    s.require(Permission::AccountImport)?;
    let bytes = excel::template().map_err(|_| AppError::internal())?;
    Ok(xlsx(bytes, "账号导入模板.xlsx"))
}

#[derive(Template)]
#[template(path = "account_import.html")]
struct ImportPage {
    title: &'static str,
    ctx: Ctx,
    max_rows: usize,
    max_mb: usize,
    summary: String,
    errors: Vec<(usize, String)>,
}

fn import_page(
    state: &AppState,
    s: &Session,
    summary: String,
    errors: Vec<(usize, String)>,
) -> PageResult<Response> {
    let failed = !summary.is_empty();
    let mut res = render(&ImportPage {
        title: "Excel 导入",
        ctx: Ctx::new(s, "accounts")
            .crumb("账号台账", "/accounts")
            .crumb("Excel 导入", ""),
        max_rows: state.config.max_import_rows,
        max_mb: state.config.max_body_bytes / (1024 * 1024),
        summary,
        errors,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn import_form(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    s.require(Permission::AccountImport)?;
    import_page(&state, &s, String::new(), Vec::new())
}

async fn import_submit(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    mut mp: Multipart,
) -> PageResult<Response> {
    let scope = s.require(Permission::AccountImport)?;
    let mut bytes = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(b) => bytes = Some(b),
                Err(_) => {
                    return import_page(&state, &s, "上传失败：文件过大或传输中断".into(), vec![]);
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                return import_page(&state, &s, "上传失败：文件过大或传输中断".into(), vec![]);
            }
        }
    }
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return import_page(&state, &s, "请选择要导入的 Excel 文件".into(), vec![]);
    };
    // Unpacking and parsing is CPU work: keep it off the async workers.
    let max_rows = state.config.max_import_rows;
    let parsed = tokio::task::spawn_blocking(move || excel::parse_import(&bytes, max_rows))
        .await
        .map_err(|_| AppError::internal())?;
    let rows = match parsed {
        Ok(r) => r,
        Err(e) => return import_page(&state, &s, e.message(), vec![]),
    };
    let orgs = state.store.orgs_in_scope(&scope).await?;
    let inputs = match resolve_import(rows, &orgs, state.today()) {
        Ok(i) => i,
        Err(errors) => {
            let summary = format!("共有 {} 行存在问题，本次未导入任何数据。", errors.len());
            return import_page(&state, &s, summary, errors);
        }
    };
    match state
        .store
        .import_accounts(&s.actor(), &scope, &inputs)
        .await?
    {
        Ok(ids) => Ok(Redirect::to(&format!(
            "/accounts?sort=updated&notice=imported&per_page={}",
            ids.len().clamp(1, 200)
        ))
        .into_response()),
        Err(errors) => {
            let summary = format!("共有 {} 行存在问题，本次未导入任何数据。", errors.len());
            import_page(&state, &s, summary, errors)
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list).post(create))
        .route("/accounts/new", get(new_form))
        .route("/accounts/export.xlsx", get(export))
        .route("/accounts/import", get(import_form).post(import_submit))
        .route("/accounts/import-template.xlsx", get(import_template))
        .route("/accounts/{id}", get(detail).post(update))
        .route("/accounts/{id}/edit", get(edit_form))
}
