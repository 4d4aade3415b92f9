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
use govmedia_scan::{Finding, Kind, ScanOptions, Severity, Verdict, merge_overlaps};
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
    /// (第N行第M字, severity, kind, matched, rule label, rule code, suggestion)
    findings: Vec<FindingRow>,
    masked: String,
    /// 可发布 / 需审核确认 / 需修改后发布, and its code (for colour).
    verdict: Option<Verdict>,
}

struct FindingRow {
    at: String,
    severity: Severity,
    kind: &'static str,
    matched: String,
    rule: String,
    code: String,
    suggestion: String,
}

impl CheckPage {
    fn verdict_tone(&self) -> &'static str {
        match self.verdict {
            Some(Verdict::Publishable) => "done",
            Some(Verdict::NeedsReview) => "pending",
            _ => "refused",
        }
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
            format!("{}：{}", f.kind.label(), f.rule.label()),
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
    let (segments, findings, masked, verdict) = match checked {
        Some((fs, masked)) => {
            let fs = merge_overlaps(&fs);
            let rows = fs
                .iter()
                .map(|f| {
                    let (line, col) = govmedia_scan::line_col(&text, f.span().start);
                    FindingRow {
                        at: format!("第{line}行第{col}字"),
                        severity: f.severity,
                        kind: f.kind.label(),
                        matched: f.matched.to_string(),
                        rule: f.rule.label().to_string(),
                        code: format!("{}/{}", f.kind.code(), f.rule.name()),
                        suggestion: f.suggestion().unwrap_or_default().into_owned(),
                    }
                })
                .collect();
            (segments(&text, &fs), rows, masked, Some(Verdict::of(&fs)))
        }
        None => (Vec::new(), Vec::new(), String::new(), None),
    };
    render(&CheckPage {
        title: "内容审核",
        ctx: Ctx::new(s, "content").crumb("内容审核", ""),
        text,
        repost,
        disclosure,
        checked: verdict.is_some(),
        error,
        segments,
        findings,
        masked,
        verdict,
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
