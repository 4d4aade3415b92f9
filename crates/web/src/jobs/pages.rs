//! The 定时任务 page: every job with its period, last run, outcome and
//! duration, and when it is due next.

use crate::auth::PageUser;
use crate::error::PageResult;
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use govmedia_domain::auth::Permission;
use govmedia_jobs::Job;
use govmedia_store::job_runs::RunOutcome;

pub struct Row {
    pub name: &'static str,
    pub label: &'static str,
    pub period: String,
    pub last_run: String,
    /// Chinese outcome and its status class.
    pub outcome: (&'static str, &'static str),
    pub summary: String,
    pub duration: String,
    pub next_due: String,
    pub runs: i64,
    pub failures: i64,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    title: &'static str,
    ctx: Ctx,
    rows: Vec<Row>,
}

fn period(job: Job) -> String {
    let h = job.period().num_hours();
    if h % 24 == 0 {
        format!("每 {} 天", h / 24)
    } else {
        format!("每 {h} 小时")
    }
}

async fn list(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    s.require(Permission::JobsRead)?;
    let runs = state.store.job_runs().await?;
    let rows = Job::ALL
        .into_iter()
        .map(|job| {
            let r = runs.iter().find(|r| r.name == job.name());
            let ts = |t: Option<i64>| t.map(crate::fmt::ts).unwrap_or_else(|| "—".into());
            Row {
                name: job.name(),
                label: job.label(),
                period: period(job),
                last_run: ts(r.and_then(|r| r.last_finished_at)),
                outcome: match r.and_then(|r| r.last_outcome) {
                    Some(RunOutcome::Ok) => ("成功", "done"),
                    Some(RunOutcome::Failed) => ("失败", "refused"),
                    None => ("尚未运行", "draft"),
                },
                summary: r.map(|r| r.last_summary.clone()).unwrap_or_default(),
                duration: r
                    .and_then(|r| r.last_duration_ms)
                    .map(|ms| format!("{ms} 毫秒"))
                    .unwrap_or_else(|| "—".into()),
                next_due: ts(r.map(|r| r.next_due_at)),
                runs: r.map(|r| r.runs).unwrap_or(0),
                failures: r.map(|r| r.failures).unwrap_or(0),
            }
        })
        .collect();
    render(&JobsPage {
        title: "定时任务",
        ctx: Ctx::new(&s, "jobs").crumb("定时任务", ""),
        rows,
    })
}

pub fn router() -> Router<AppState> {
    Router::new().route("/jobs", get(list))
}
