//! Importing a platform export into an account (导入平台导出文件): upload
//! the CSV/XLSX, check the column mapping and every row in a preview,
//! then import all rows or none. The file waits in the store between the
//! steps; the API's `POST /api/v1/accounts/{id}/imports` runs the same
//! application functions.

use crate::auth::{PageUser, Session};
use crate::error::{AppError, PageResult};
use crate::extract::{PageForm, page_id};
use crate::layout::{Ctx, render};
use crate::spreadsheet::SheetLimits;
use crate::state::AppState;
use crate::table_file::read_table;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use govmedia_app::monitoring_import::{
    ImportReport, ImportRequest, PREVIEW_ROWS, import, import_account, preview,
};
use govmedia_domain::AccountId;
use govmedia_domain::monitoring::PostKind;
use govmedia_domain::monitoring::import::{Field, ImportKind, Mapping, RowDefaults, Table};
use govmedia_domain::monitoring::ingest::{Channel, ItemStatus, MAX_ITEMS};
use std::collections::HashMap;

pub struct FieldChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: String,
}

pub struct RowView {
    pub row: u32,
    pub values: Vec<String>,
    pub error: String,
    /// (label, tone class); empty in a preview.
    pub status: (&'static str, &'static str),
}

#[derive(Template)]
#[template(path = "account_import_data.html")]
struct ImportPage {
    title: String,
    ctx: Ctx,
    id: i64,
    name: String,
    /// upload | preview | done
    step: &'static str,
    kind: &'static str,
    kinds: Vec<(&'static str, &'static str)>,
    default_kind: &'static str,
    default_channel: &'static str,
    upload_id: i64,
    filename: String,
    headers: Vec<String>,
    fields: Vec<FieldChoice>,
    labels: Vec<&'static str>,
    rows: Vec<RowView>,
    /// Rows in error, listed apart from the preview.
    bad: Vec<RowView>,
    total: usize,
    errors: usize,
    error: String,
    summary: String,
    max_rows: usize,
    max_mb: usize,
}

fn status_view(s: ItemStatus) -> (&'static str, &'static str) {
    let tone = match s {
        ItemStatus::Created => "done",
        ItemStatus::Updated => "pending",
        ItemStatus::Unchanged => "draft",
        ItemStatus::Rejected => "refused",
    };
    (s.label(), tone)
}

struct Choices {
    kind: ImportKind,
    defaults: RowDefaults,
}

impl Choices {
    fn read(get: impl Fn(&str) -> Option<String>) -> Choices {
        let kind = get("kind")
            .and_then(|k| ImportKind::parse(&k))
            .unwrap_or(ImportKind::Posts);
        let defaults = RowDefaults {
            kind: get("default_kind")
                .and_then(|k| PostKind::parse(&k))
                .unwrap_or(PostKind::Original),
            channel: get("default_channel")
                .and_then(|c| Channel::parse(&c))
                .unwrap_or(Channel::Comment),
        };
        Choices { kind, defaults }
    }
}

struct PageData<'a> {
    state: &'a AppState,
    s: &'a Session,
    account: AccountId,
    name: String,
    choices: Choices,
}

impl PageData<'_> {
    fn page(&self, step: &'static str) -> ImportPage {
        let kind = self.choices.kind;
        ImportPage {
            title: format!("{} · 导入平台导出文件", self.name),
            ctx: Ctx::new(self.s, "monitoring")
                .crumb("账号台账", "/accounts")
                .crumb(
                    &self.name,
                    &format!("/accounts/{}/monitoring", self.account.0),
                )
                .crumb("导入平台导出文件", ""),
            id: self.account.0,
            name: self.name.clone(),
            step,
            kind: kind.code(),
            kinds: ImportKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
            default_kind: self.choices.defaults.kind.code(),
            default_channel: self.choices.defaults.channel.code(),
            upload_id: 0,
            filename: String::new(),
            headers: Vec::new(),
            fields: Vec::new(),
            labels: kind.fields().iter().map(|f| f.label()).collect(),
            rows: Vec::new(),
            bad: Vec::new(),
            total: 0,
            errors: 0,
            error: String::new(),
            summary: String::new(),
            max_rows: MAX_ITEMS,
            max_mb: self.state.config.max_body_bytes / (1024 * 1024),
        }
    }

    fn with_report(&self, mut p: ImportPage, r: &ImportReport) -> ImportPage {
        p.headers = r.headers.clone();
        p.fields = r
            .kind
            .fields()
            .iter()
            .map(|f| FieldChoice {
                code: f.code(),
                label: f.label(),
                selected: r.fields.get(f).cloned().unwrap_or_default(),
            })
            .collect();
        let view = |o: &govmedia_app::monitoring_import::RowOutcome| RowView {
            row: o.row,
            values: o.values.clone(),
            error: o
                .error
                .as_ref()
                .map(|e| format!("{}（{}）", e.message, e.code))
                .unwrap_or_default(),
            status: o.status.map(status_view).unwrap_or(("", "")),
        };
        p.rows = if r.stored {
            r.rows.iter().map(view).collect()
        } else {
            r.rows.iter().take(PREVIEW_ROWS).map(view).collect()
        };
        p.bad = r
            .rows
            .iter()
            .filter(|o| o.error.is_some())
            .map(view)
            .collect();
        p.total = r.total;
        p.errors = r.errors;
        if let Some(e) = &r.mapping_error {
            p.error = e.message.clone();
        }
        p
    }
}

fn with_status(mut r: Response, ok: bool) -> Response {
    if !ok {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

async fn start(state: &AppState, s: &Session, id: &str) -> PageResult<(AccountId, String)> {
    let account = AccountId(page_id(id)?);
    let actor = s.actor();
    let a = import_account(&state.store, s.caller(&actor), account).await?;
    Ok((account, a.name))
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let (account, name) = start(&state, &s, &id).await?;
    let d = PageData {
        state: &state,
        s: &s,
        account,
        name,
        choices: Choices::read(|_| None),
    };
    render(&d.page("upload"))
}

/// Reads an upload off the async workers: unpacking is CPU work.
pub async fn table_of(bytes: Vec<u8>) -> Result<Table, AppError> {
    tokio::task::spawn_blocking(move || read_table(&bytes, SheetLimits::for_import(MAX_ITEMS)))
        .await
        .map_err(|_| AppError::internal())?
        .map_err(|e| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.message()))
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> PageResult<Response> {
    let (account, name) = start(&state, &s, &id).await?;
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut broken = false;
    loop {
        match mp.next_field().await {
            Ok(Some(f)) if f.name() == Some("file") => {
                let filename = f.file_name().unwrap_or("").to_string();
                match f.bytes().await {
                    Ok(b) => file = Some((filename, b.to_vec())),
                    Err(_) => broken = true,
                }
            }
            Ok(Some(f)) => {
                let n = f.name().unwrap_or("").to_string();
                match f.text().await {
                    Ok(t) => {
                        fields.insert(n, t);
                    }
                    Err(_) => broken = true,
                }
            }
            Ok(None) => break,
            Err(_) => {
                broken = true;
                break;
            }
        }
    }
    let d = PageData {
        state: &state,
        s: &s,
        account,
        name,
        choices: Choices::read(|k| fields.get(k).cloned()),
    };
    let refuse = |msg: String| {
        let mut p = d.page("upload");
        p.error = msg;
        render(&p).map(|r| with_status(r, false))
    };
    if broken {
        return refuse("上传失败：文件过大或传输中断".into());
    }
    let Some((filename, bytes)) = file.filter(|f| !f.1.is_empty()) else {
        return refuse("请选择要导入的 CSV 或 Excel 文件".into());
    };
    let table = match table_of(bytes.clone()).await {
        Ok(t) => t,
        Err(e) => return refuse(e.message),
    };
    let actor = s.actor();
    let caller = s.caller(&actor);
    let req = ImportRequest {
        mapping: None,
        defaults: d.choices.defaults,
    };
    let r = match preview(&state.store, caller, account, d.choices.kind, &table, &req).await {
        Ok(r) => r,
        Err(e) if e.rule().is_some() => {
            return refuse(e.rule().map(ToString::to_string).unwrap_or_default());
        }
        Err(e) => return Err(e.into()),
    };
    let upload_id = state
        .store
        .save_upload(&actor, account, d.choices.kind, &filename, &bytes)
        .await?;
    let mut p = d.with_report(d.page("preview"), &r);
    p.upload_id = upload_id;
    p.filename = filename;
    render(&p)
}

/// The mapping chosen on the preview form: `map_<field>` = header.
fn mapping_of(kind: ImportKind, f: &HashMap<String, String>) -> Mapping {
    kind.fields()
        .iter()
        .filter_map(|field: &Field| {
            f.get(&format!("map_{}", field.code()))
                .filter(|h| !h.is_empty())
                .map(|h| (*field, h.clone()))
        })
        .collect()
}

pub async fn confirm(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path((id, upload)): Path<(String, String)>,
    PageForm(f): PageForm<HashMap<String, String>>,
) -> PageResult<Response> {
    let (account, name) = start(&state, &s, &id).await?;
    let actor = s.actor();
    let up = state.store.upload(&actor, page_id(&upload)?).await?;
    if up.account != account {
        return Err(AppError::not_found().into());
    }
    let mut d = PageData {
        state: &state,
        s: &s,
        account,
        name,
        choices: Choices::read(|k| f.get(k).cloned()),
    };
    d.choices.kind = up.kind;
    let table = table_of(up.data.clone()).await?;
    let req = ImportRequest {
        mapping: Some(mapping_of(up.kind, &f)),
        defaults: d.choices.defaults,
    };
    let caller = s.caller(&actor);
    let kind = up.kind;
    if f.get("action").map(String::as_str) != Some("import") {
        let r = preview(&state.store, caller, account, kind, &table, &req).await?;
        let mut p = d.with_report(d.page("preview"), &r);
        p.upload_id = up.id;
        p.filename = up.filename;
        return render(&p);
    }
    let r = match import(
        &state.store,
        &state.scanner.get(),
        caller,
        account,
        kind,
        &table,
        &req,
    )
    .await
    {
        Ok(r) => r,
        Err(e) if e.rule().is_some() => {
            let mut r = preview(&state.store, caller, account, kind, &table, &req).await?;
            r.mapping_error = r.mapping_error.or_else(|| {
                e.rule().map(|x| {
                    govmedia_domain::monitoring::ingest::ItemError::new(
                        "import_refused",
                        x.to_string(),
                    )
                })
            });
            let mut p = d.with_report(d.page("preview"), &r);
            p.upload_id = up.id;
            p.filename = up.filename;
            return render(&p).map(|r| with_status(r, false));
        }
        Err(e) => return Err(e.into()),
    };
    if !r.stored {
        let mut p = d.with_report(d.page("preview"), &r);
        p.upload_id = up.id;
        p.filename = up.filename;
        p.error = format!(
            "共有 {} 行存在问题，本次未导入任何数据。请修改文件后重新上传，或调整列对应关系。",
            r.errors
        );
        return render(&p).map(|x| with_status(x, false));
    }
    state.store.delete_upload(up.id).await?;
    let mut p = d.with_report(d.page("done"), &r);
    p.filename = up.filename;
    p.summary = format!(
        "已导入 {} 行：新增 {}，更新 {}，无变化 {}。",
        r.total, r.created, r.updated, r.unchanged
    );
    render(&p)
}
