//! Scheduled jobs. Each job is one idempotent step, `run_once(ctx, now)`,
//! that tests call directly with any moment and production drives from a
//! loop. [`run_due`] claims each due job in the database first, so several
//! instances sharing one PostgreSQL run a job once per period, not once
//! per instance; every run's outcome and duration is recorded for the
//! 定时任务 page.

pub mod audit_purge;
pub mod backup;
pub mod feed_http;
pub mod feed_poll;
pub mod monitoring_alerts;
pub mod post_rescan;
pub mod reminders;

use chrono::{DateTime, TimeDelta, Utc};
use govmedia_store::job_runs::RunOutcome;
use govmedia_store::{Store, StoreError};
use std::sync::Arc;
use std::time::Instant;

/// What a job needs: the store and its settings.
#[derive(Clone)]
pub struct JobCtx {
    pub store: Store,
    /// Audit entries older than this many days are purged.
    pub audit_retention_days: i64,
    /// Names this instance in claims (host and process).
    pub instance: String,
    /// Where the daily SQLite backups go and how many are kept; None: no
    /// scheduled backups.
    pub backups: Option<backup::BackupPolicy>,
    /// The configured monitoring thresholds (orgs may override them).
    pub monitoring: govmedia_domain::monitoring::MonitoringRules,
    /// How feeds are polled.
    pub feeds: govmedia_domain::monitoring::feeds::FeedSettings,
    /// The server's scanner (lexicon reloads apply); None: the built-in
    /// lexicons (tools and tests).
    pub scanner: Option<Arc<govmedia_scan::SharedScanner>>,
}

impl JobCtx {
    /// The scanner posts taken in by jobs are checked with.
    pub fn scanner(&self) -> Arc<govmedia_scan::Scanner> {
        match &self.scanner {
            Some(s) => s.get(),
            None => Arc::new(
                govmedia_scan::Scanner::new(
                    Vec::new(),
                    true,
                    govmedia_scan::ScannerConfig::default(),
                )
                .unwrap_or_else(|e| panic!("the built-in lexicons do not compile: {e}")),
            ),
        }
    }
}

/// What a run did, in a line for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub summary: String,
}

/// Every scheduled job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// 备案期限提醒: notifications for filings due soon or overdue.
    DeadlineReminders,
    /// 审计日志清理: entries past retention.
    AuditPurge,
    /// 数据库备份: a consistent copy of a SQLite database, old ones pruned.
    Backup,
    MonitoringAlerts,
    /// 订阅源采集: polls the feeds that are due.
    FeedPoll,
    /// 内容重新扫描: stored posts scanned again after the lexicons change.
    PostRescan,
}

impl Job {
    pub const ALL: [Job; 6] = [
        Job::DeadlineReminders,
        Job::AuditPurge,
        Job::Backup,
        Job::FeedPoll,
        Job::PostRescan,
        Job::MonitoringAlerts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::DeadlineReminders => "deadline_reminders",
            Job::AuditPurge => "audit_purge",
            Job::Backup => "backup",
            Job::MonitoringAlerts => "monitoring_alerts",
            Job::FeedPoll => "feed_poll",
            Job::PostRescan => "post_rescan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Job::DeadlineReminders => "备案期限提醒",
            Job::AuditPurge => "审计日志清理",
            Job::Backup => "数据库备份",
            Job::MonitoringAlerts => "监测预警",
            Job::FeedPoll => "订阅源采集",
            Job::PostRescan => "内容重新扫描",
        }
    }

    pub fn parse(name: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|j| j.name() == name.trim())
    }

    /// How often the job runs.
    pub fn period(self) -> TimeDelta {
        match self {
            Job::DeadlineReminders | Job::MonitoringAlerts => TimeDelta::hours(1),
            Job::AuditPurge | Job::Backup => TimeDelta::hours(24),
            Job::FeedPoll => TimeDelta::minutes(5),
            Job::PostRescan => TimeDelta::minutes(10),
        }
    }

    /// One run as of `now`. Idempotent: running it twice for the same
    /// moment changes nothing the second time.
    pub async fn run_once(self, ctx: &JobCtx, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
        match self {
            Job::DeadlineReminders => reminders::run_once(ctx, now).await,
            Job::AuditPurge => audit_purge::run_once(ctx, now).await,
            Job::Backup => backup::run_once(ctx, now).await,
            Job::MonitoringAlerts => monitoring_alerts::run_once(ctx, now).await,
            Job::FeedPoll => feed_poll::run_once(ctx, now).await,
            Job::PostRescan => post_rescan::run_once(ctx, now).await,
        }
    }
}

/// The label of a job by its stored name (for pages).
pub fn label_of(name: &str) -> &str {
    Job::parse(name).map(Job::label).unwrap_or(name)
}

/// How long a claim holds: a crashed instance's claim runs out after this.
const LEASE_SECS: i64 = 15 * 60;

/// Runs `job` now if this instance wins its claim, and records the run.
/// Returns None when another instance holds it or it is not due.
pub async fn run_claimed(
    ctx: &JobCtx,
    job: Job,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, StoreError> {
    if !ctx
        .store
        .claim_job(job.name(), &ctx.instance, now, LEASE_SECS)
        .await?
    {
        return Ok(None);
    }
    let start = Instant::now();
    let result = job.run_once(ctx, now).await;
    let ms = i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (outcome, summary) = match &result {
        Ok(o) => (RunOutcome::Ok, o.summary.clone()),
        Err(e) => (RunOutcome::Failed, e.to_string()),
    };
    ctx.store
        .finish_job(job.name(), outcome, &summary, ms, now + job.period())
        .await?;
    result.map(Some)
}

/// Runs every job that is due at `now` (and that this instance claims).
pub async fn run_due(ctx: &JobCtx, now: DateTime<Utc>) {
    for job in Job::ALL {
        match run_claimed(ctx, job, now).await {
            Ok(Some(o)) => tracing::info!(job = job.name(), summary = %o.summary, "job ran"),
            Ok(None) => {}
            Err(e) => tracing::warn!(job = job.name(), error = %e, "job failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for j in Job::ALL {
            assert_eq!(Job::parse(j.name()), Some(j));
            assert!(!j.label().is_empty());
        }
        assert_eq!(Job::parse("nope"), None);
        assert_eq!(label_of("audit_purge"), "审计日志清理");
    }
}
