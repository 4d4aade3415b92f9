//! `govmedia jobs`: list the scheduled jobs with their last run, or run one
//! now (or as of another moment, for catching up or testing).

use crate::config::Config;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use govmedia_domain::clock::{Clock, FixedClock};
use govmedia_jobs::{Job, JobCtx};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Subcommand)]
pub enum JobsCommand {
    /// Every job with its period and last run.
    List,
    /// Run one job once, whether or not it is due, and record the run.
    RunOnce {
        /// deadline_reminders, audit_purge or backup.
        name: String,
        /// The moment to run as of: RFC 3339, or a date (noon China time).
        #[arg(long)]
        now: Option<String>,
    },
}

/// Parses `--now`: an RFC 3339 moment or a date (noon in China).
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| FixedClock::at_china_noon(d).now())
        .map_err(|_| format!("--now 须为 RFC 3339 时间或 YYYY-MM-DD 日期：{s}"))
}

pub fn ctx(cfg: &Config, store: govmedia_store::Store) -> JobCtx {
    JobCtx {
        store,
        audit_retention_days: cfg.audit_retention_days,
        instance: format!("pid-{}", std::process::id()),
        backups: (!cfg.backup_dir.trim().is_empty()).then(|| govmedia_jobs::backup::BackupPolicy {
            dir: cfg.backup_dir.trim().into(),
            keep: cfg.backup_keep.max(1),
        }),
        monitoring: cfg.web.monitoring.clone(),
        feeds: cfg.web.feeds.clone(),
        // The configured lexicons, or the built-in ones if they fail to
        // load (the server refuses to start on a bad lexicon anyway).
        scanner: govmedia_web::state::build_scanner(&cfg.web)
            .ok()
            .map(|s| std::sync::Arc::new(govmedia_scan::SharedScanner::new(s))),
    }
}

pub async fn run(cfg: &Config, c: JobsCommand) -> Result<ExitCode, String> {
    let store = crate::serve::connect(cfg).await?;
    match c {
        JobsCommand::List => {
            let runs = store.job_runs().await.map_err(|e| e.to_string())?;
            for job in Job::ALL {
                let last = runs.iter().find(|r| r.name == job.name());
                let when = last
                    .and_then(|r| r.last_finished_at)
                    .and_then(|t| DateTime::from_timestamp(t, 0))
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_else(|| "-".into());
                let summary = last.map(|r| r.last_summary.as_str()).unwrap_or("");
                println!(
                    "{:<20} {:<8} every {:>3} h  last {when}  {summary}",
                    job.name(),
                    job.label(),
                    job.period().num_hours()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        JobsCommand::RunOnce { name, now } => {
            let job = Job::parse(&name).ok_or_else(|| {
                let names: Vec<&str> = Job::ALL.iter().map(|j| j.name()).collect();
                format!("未知的任务 {name}；可用：{}", names.join(", "))
            })?;
            let (store, at) = match now {
                Some(n) => {
                    let at = parse_now(&n)?;
                    (store.with_clock(Arc::new(FixedClock::new(at))), at)
                }
                None => {
                    let at = store.now();
                    (store, at)
                }
            };
            let ctx = ctx(cfg, store);
            let start = std::time::Instant::now();
            let result = job.run_once(&ctx, at).await;
            let ms = i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX);
            let (outcome, summary) = match &result {
                Ok(o) => (govmedia_store::job_runs::RunOutcome::Ok, o.summary.clone()),
                Err(e) => (govmedia_store::job_runs::RunOutcome::Failed, e.to_string()),
            };
            ctx.store
                .finish_job(job.name(), outcome, &summary, ms, at + job.period())
                .await
                .map_err(|e| e.to_string())?;
            match result {
                Ok(_) => {
                    println!("{}：{summary}", job.label());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Err(format!("{} 失败：{e}", job.label())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_takes_a_moment_or_a_date() {
        assert_eq!(
            parse_now("2026-11-20").unwrap().to_rfc3339(),
            "2026-11-20T04:00:00+00:00"
        );
        assert_eq!(
            parse_now("2026-11-20T08:30:00+08:00").unwrap().to_rfc3339(),
            "2026-11-20T00:30:00+00:00"
        );
        assert!(parse_now("yesterday").is_err());
    }
}
