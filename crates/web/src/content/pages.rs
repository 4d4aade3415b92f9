//! 内容审核: the compliance check an editor runs on a draft before anyone
//! else sees it. (The three-stage review workflow is a later issue.)

use crate::auth::PageUser;
use crate::error::PageResult;
use crate::extract::PageForm;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use govmedia_scan::{Finding, Kind, ScanOptions, Severity};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "content_check.html")]
struct CheckPage {
    title: &'static str,
    ctx: Ctx,
    text: String,
    repost: bool,
    disclosure: bool,
    checked: bool,
    error: String,
    /// (text, css class or "" for plain, tooltip)
    segments: Vec<(String, &'static str, String)>,
    /// (line:col, severity, kind, matched, rule, suggestion)
    findings: Vec<(String, &'static str, &'static str, String, String, String)>,
    masked: String,
}

fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Lexicon => "词库词条",
        Kind::Correction => "错误表述",
        Kind::Pii => "个人信息",
        Kind::Advert => "商业广告",
        Kind::Link => "外部链接",
        Kind::SecretMarker => "密级标志",
        Kind::Attribution => "转载来源",
    }
}

fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Block => "禁止",
        Severity::Review => "需复核",
        Severity::Notice => "提示",
    }
}

/// Splits the text into plain and marked pieces; overlapping findings
/// after the first are shown in the table only.
pub fn segments(text: &str, findings: &[Finding]) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    for f in findings.iter().filter(|f| f.end > f.start) {
        let span = f.span();
        if span.start < at {
            continue;
        }
        out.push((text[at..span.start].to_string(), "", String::new()));
        out.push((
            f.matched.to_string(),
            f.severity.code(),
            format!("{}：{}", kind_label(f.kind), f.rule.name()),
        ));
        at = span.end;
    }
    out.push((text[at..].to_string(), "", String::new()));
    out
}

fn page(
    s: &crate::auth::Session,
    text: String,
    repost: bool,
    disclosure: bool,
    checked: Option<(Vec<Finding>, String)>,
    error: String,
) -> PageResult<Response> {
    let (segments, findings, masked, is_checked) = match checked {
        Some((fs, masked)) => {
            let rows = fs
                .iter()
                .map(|f| {
                    let (line, col) = govmedia_scan::line_col(&text, f.span().start);
                    (
                        format!("{line}:{col}"),
                        severity_label(f.severity),
                        kind_label(f.kind),
                        f.matched.to_string(),
                        f.rule.name().to_string(),
                        f.suggestion().unwrap_or_default().into_owned(),
                    )
                })
                .collect();
            (segments(&text, &fs), rows, masked, true)
        }
        None => (Vec::new(), Vec::new(), String::new(), false),
    };
    render(&CheckPage {
        title: "内容审核",
        ctx: Ctx::new(s, "content").crumb("内容审核", ""),
        text,
        repost,
        disclosure,
        checked: is_checked,
        error,
        segments,
        findings,
        masked,
    })
}

async fn show(PageUser(s): PageUser) -> PageResult<Response> {
    page(&s, String::new(), false, false, None, String::new())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckForm {
    text: String,
    repost: Option<String>,
    disclosure: Option<String>,
}

async fn check(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<CheckForm>,
) -> PageResult<Response> {
    let (repost, disclosure) = (f.repost.is_some(), f.disclosure.is_some());
    if f.text.trim().is_empty() {
        return page(
            &s,
            f.text,
            repost,
            disclosure,
            None,
            "请粘贴要检查的稿件正文".into(),
        );
    }
    if f.text.chars().count() > super::MAX_SCAN_CHARS {
        return page(
            &s,
            String::new(),
            repost,
            disclosure,
            None,
            "稿件过长，单次最多检查20万字".into(),
        );
    }
    let scanner = state.scanner.get();
    let start = std::time::Instant::now();
    let findings = scanner.scan(
        &f.text,
        &ScanOptions {
            repost,
            source: None,
            disclosure,
        },
    );
    crate::metrics::record_scan(f.text.len(), start.elapsed().as_secs_f64());
    let masked = if !disclosure && findings.iter().any(|x| x.kind == Kind::Pii) {
        govmedia_scan::mask(&f.text)
    } else {
        String::new()
    };
    page(
        &s,
        f.text.clone(),
        repost,
        disclosure,
        Some((findings, masked)),
        String::new(),
    )
}

pub fn router() -> Router<AppState> {
    Router::new().route("/content", get(show).post(check))
}
