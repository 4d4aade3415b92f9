//! Posts per complete ISO week for a scope (首页's 26-week chart) from
//! per-org, per-platform weekly totals: computed from the daily rollups
//! the first time a week is asked for, then read from a few thousand rows
//! instead of a million. The ingest forgets the weeks it touches; an
//! account moving to another org or platform forgets them all.

use crate::db::{Store, WriteTx};
use crate::error::{StoreError, StoreResult};
use crate::monitoring_ingest::lock_ingest;
use crate::monitoring_lists::MonitorFilter;
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::{Days, NaiveDate};
use govmedia_domain::auth::Scope;
use sqlx::Row;
use std::collections::{BTreeSet, HashSet};

/// Forgets the cached totals of the weeks starting on `mondays`.
pub async fn forget_weeks(tx: &mut WriteTx, mondays: &BTreeSet<NaiveDate>) -> StoreResult<()> {
    for chunk in mondays.iter().collect::<Vec<_>>().chunks(200) {
        let mut q = Sql::new("DELETE FROM org_weeks_done WHERE monday IN (");
        q.bind_list(chunk.iter().map(|d| d.to_string()));
        q.push(")");
        q.query()?.execute(tx.conn()).await?;
    }
    Ok(())
}

/// Forgets every cached week (an account changed org or platform).
pub async fn forget_all_weeks(tx: &mut WriteTx) -> StoreResult<()> {
    sqlx::query("DELETE FROM org_weeks_done")
        .execute(tx.conn())
        .await?;
    Ok(())
}

fn parse_day(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Other(format!("bad week {s:?}: {e}")))
}

impl Store {
    /// Computes and caches the totals of complete weeks not cached yet.
    async fn fill_weeks(&self, mondays: &[NaiveDate]) -> StoreResult<()> {
        let mut q = Sql::new("SELECT monday FROM org_weeks_done WHERE monday IN (");
        q.bind_list(mondays.iter().map(|d| d.to_string()));
        q.push(")");
        let done: HashSet<String> = q
            .query()?
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let missing: Vec<&NaiveDate> = mondays
            .iter()
            .filter(|m| !done.contains(&m.to_string()))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // Serialized with the ingest, so no batch lands between reading
        // the rollups and marking the week done.
        lock_ingest(&mut tx).await?;
        let now = tx.now.timestamp();
        for m in missing {
            let (from, to) = (m.to_string(), (*m + Days::new(7)).to_string());
            sqlx::query("DELETE FROM org_week_totals WHERE monday = $1")
                .bind(&from)
                .execute(tx.conn())
                .await?;
            sqlx::query(
                "INSERT INTO org_week_totals (monday, org_id, platform, originals, reposts) \
                 SELECT $1, a.host_org_id, a.platform, CAST(SUM(r.originals) AS BIGINT), CAST(SUM(r.reposts) AS BIGINT) \
                 FROM daily_rollups r JOIN accounts a ON a.id = r.account_id \
                 WHERE r.day >= $1 AND r.day < $2 GROUP BY a.host_org_id, a.platform",
            )
            .bind(&from)
            .bind(&to)
            .execute(tx.conn())
            .await?;
            sqlx::query(
                "INSERT INTO org_weeks_done (monday, computed_at) VALUES ($1, $2) ON CONFLICT (monday) DO NOTHING",
            )
            .bind(&from)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await
    }

    /// Posts of the accounts hosted within `scope` (every status: what
    /// was published) in each complete week starting on `mondays`:
    /// (monday, originals, reposts), weeks without posts left out.
    pub async fn weekly_posts(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
        mondays: &[NaiveDate],
    ) -> StoreResult<Vec<(NaiveDate, i64, i64)>> {
        if mondays.is_empty() {
            return Ok(Vec::new());
        }
        self.fill_weeks(mondays).await?;
        let mut q = Sql::new(
            "SELECT t.monday, CAST(SUM(t.originals) AS BIGINT), CAST(SUM(t.reposts) AS BIGINT) \
             FROM org_week_totals t JOIN orgs o ON o.id = t.org_id WHERE t.monday IN (",
        );
        q.bind_list(mondays.iter().map(|d| d.to_string()));
        q.push(")");
        push_scope(&mut q, scope, "o.id", "o.path");
        crate::monitoring_lists::push_filter(&mut q, f, "t.platform");
        q.push(" GROUP BY t.monday ORDER BY t.monday");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                let m: String = r.try_get(0)?;
                Ok((parse_day(&m)?, r.try_get(1)?, r.try_get(2)?))
            })
            .collect()
    }
}
