//! Claims and records of scheduled job runs. A claim is one conditional
//! UPDATE of the job's row, so with several instances on one PostgreSQL
//! exactly one wins each period (and SQLite serializes writers anyway).

use crate::db::Store;
use crate::error::StoreResult;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Ok,
    Failed,
}

impl RunOutcome {
    pub fn code(self) -> &'static str {
        match self {
            RunOutcome::Ok => "ok",
            RunOutcome::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<RunOutcome> {
        match s {
            "ok" => Some(RunOutcome::Ok),
            "failed" => Some(RunOutcome::Failed),
            _ => None,
        }
    }
}

/// The record of one job.
#[derive(Debug, Clone, Serialize)]
pub struct JobRun {
    pub name: String,
    pub next_due_at: i64,
    pub claimed_until: Option<i64>,
    pub claimed_by: String,
    pub last_started_at: Option<i64>,
    pub last_finished_at: Option<i64>,
    pub last_outcome: Option<RunOutcome>,
    pub last_summary: String,
    pub last_duration_ms: Option<i64>,
    pub runs: i64,
    pub failures: i64,
}

impl Store {
    /// Claims `name` for one run if it is due at `now` and nobody holds it:
    /// the claim lasts `lease_secs` (a crashed instance's claim runs out).
    /// A job never seen before is due at once.
    pub async fn claim_job(
        &self,
        name: &str,
        instance: &str,
        now: DateTime<Utc>,
        lease_secs: i64,
    ) -> StoreResult<bool> {
        let _w = self.write_guard().await;
        let now_s = now.timestamp();
        sqlx::query("INSERT INTO job_runs (name, next_due_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(now_s)
            .execute(&self.pool)
            .await?;
        let n = sqlx::query(
            "UPDATE job_runs SET claimed_until = $1, claimed_by = $2, last_started_at = $3
             WHERE name = $4 AND next_due_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(now_s + lease_secs)
        .bind(instance)
        .bind(now_s)
        .bind(name)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Records the end of a claimed run and when the job is due next.
    pub async fn finish_job(
        &self,
        name: &str,
        outcome: RunOutcome,
        summary: &str,
        duration_ms: i64,
        next_due_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let _w = self.write_guard().await;
        // A run started by hand (`govmedia jobs run-once`) has no row yet.
        sqlx::query("INSERT INTO job_runs (name, next_due_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(next_due_at.timestamp())
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "UPDATE job_runs SET claimed_until = NULL, last_finished_at = $1, last_outcome = $2,
             last_summary = $3, last_duration_ms = $4, next_due_at = $5, runs = runs + 1,
             failures = failures + $6 WHERE name = $7",
        )
        .bind(self.now().timestamp())
        .bind(outcome.code())
        .bind(summary)
        .bind(duration_ms)
        .bind(next_due_at.timestamp())
        .bind(i64::from(outcome == RunOutcome::Failed))
        .bind(name)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every job's record, by name.
    pub async fn job_runs(&self) -> StoreResult<Vec<JobRun>> {
        let rows = sqlx::query(
            "SELECT name, next_due_at, claimed_until, claimed_by, last_started_at, last_finished_at, last_outcome, last_summary, last_duration_ms, runs, failures FROM job_runs ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let outcome: String = r.try_get("last_outcome")?;
            out.push(JobRun {
                name: r.try_get("name")?,
                next_due_at: r.try_get("next_due_at")?,
                claimed_until: r.try_get("claimed_until")?,
                claimed_by: r.try_get("claimed_by")?,
                last_started_at: r.try_get("last_started_at")?,
                last_finished_at: r.try_get("last_finished_at")?,
                last_outcome: RunOutcome::parse(&outcome),
                last_summary: r.try_get("last_summary")?,
                last_duration_ms: r.try_get("last_duration_ms")?,
                runs: r.try_get("runs")?,
                failures: r.try_get("failures")?,
            });
        }
        Ok(out)
    }
}
