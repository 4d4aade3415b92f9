//! 上传批次文件: the JSON-lines batches a collector wrote (one ingest item
//! a line), uploaded instead of carried to the server's disk, through the
//! same loader as `govmedia ingest`. With a key configured the batch must
//! come with its signature file, or it is refused whole.

use crate::auth::{PageUser, Session};
use crate::error::PageResult;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use govmedia_app::monitoring_files::{FileKind, check_signature, load_jsonl};
use govmedia_domain::auth::Permission;
use govmedia_domain::monitoring::ingest::ItemStatus;

pub struct LineView {
    pub line: usize,
    pub status: (&'static str, &'static str),
    pub id: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "monitoring_upload.html")]
struct UploadPage {
    title: &'static str,
    ctx: Ctx,
    kind: &'static str,
    signed: bool,
    error: String,
    summary: String,
    lines: Vec<LineView>,
    max_mb: usize,
}

fn page(state: &AppState, s: &Session, kind: FileKind) -> UploadPage {
    UploadPage {
        title: "上传批次文件",
        ctx: Ctx::new(s, "monitoring")
            .crumb("监测", "/monitoring")
            .crumb("数据源", "/monitoring/feeds")
            .crumb("上传批次文件", ""),
        kind: match kind {
            FileKind::Posts => "posts",
            FileKind::Messages => "messages",
        },
        signed: state.config.ingest_key.is_some(),
        error: String::new(),
        summary: String::new(),
        lines: Vec::new(),
        max_mb: state.config.max_body_bytes / (1024 * 1024),
    }
}

pub async fn form(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    s.require(Permission::MonitoringIngest)?;
    render(&page(&state, &s, FileKind::Posts))
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    mut mp: Multipart,
) -> PageResult<Response> {
    s.require(Permission::MonitoringIngest)?;
    let (mut kind, mut data, mut sig, mut broken) = (FileKind::Posts, None, None, false);
    loop {
        match mp.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                match f.bytes().await {
                    Ok(b) if name == "file" => data = Some(b.to_vec()),
                    Ok(b) if name == "signature" && !b.is_empty() => {
                        sig = Some(String::from_utf8_lossy(&b).trim().to_string())
                    }
                    Ok(b) if name == "kind" && &b[..] == b"messages" => kind = FileKind::Messages,
                    Ok(_) => {}
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
    let mut p = page(&state, &s, kind);
    let refuse = |mut p: UploadPage, msg: String| {
        p.error = msg;
        render(&p).map(|mut r| {
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        })
    };
    if broken {
        return refuse(p, "上传失败：文件过大或传输中断".into());
    }
    let Some(data) = data.filter(|d| !d.is_empty()) else {
        return refuse(p, "请选择要上传的批次文件（.jsonl）".into());
    };
    if let Err(r) = check_signature(state.config.ingest_key.as_deref(), &data, sig.as_deref()) {
        return refuse(p, format!("{}（{}）", r.message(), r.code()));
    }
    let actor = s.actor();
    let scanner = state.scanner.get();
    let lines = load_jsonl(&state.store, &scanner, s.caller(&actor), kind, &data).await?;
    let n = |st: ItemStatus| lines.iter().filter(|l| l.result.status == st).count();
    let rejected = n(ItemStatus::Rejected);
    p.summary = format!(
        "共 {} 行：新增 {}，更新 {}，无变化 {}，拒收 {}。",
        lines.len(),
        n(ItemStatus::Created),
        n(ItemStatus::Updated),
        n(ItemStatus::Unchanged),
        rejected
    );
    p.lines = lines
        .iter()
        .map(|l| LineView {
            line: l.line,
            status: (
                l.result.status.label(),
                match l.result.status {
                    ItemStatus::Created => "done",
                    ItemStatus::Updated => "pending",
                    ItemStatus::Unchanged => "draft",
                    ItemStatus::Rejected => "refused",
                },
            ),
            id: l.result.id.map(|i| i.to_string()).unwrap_or_default(),
            error: l
                .result
                .error
                .as_ref()
                .map(|e| format!("{}（{}）", e.message, e.code))
                .unwrap_or_default(),
        })
        // Rejections first, then the rest in file order.
        .collect();
    p.lines.sort_by_key(|l| (l.error.is_empty(), l.line));
    let mut r = render(&p)?;
    if rejected > 0 {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}
