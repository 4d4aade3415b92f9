//! Counts for 首页 over a whole scope that stay in the database: active
//! accounts per host org, the accounts short of a week's posts, and the
//! reply states of messages per host org, each evaluated from the bounds
//! and cuts the domain computes (`monitoring::tallies`), so a province
//! moves a few hundred rows instead of every account and message.

use crate::db::Store;
use crate::error::StoreResult;
use crate::monitoring_ingest::{from_secs, secs};
use crate::monitoring_lists::{MonitorFilter, push_filter};
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::{DateTime, NaiveDate, Utc};
use govmedia_domain::account::AccountStatus;
use govmedia_domain::auth::Scope;
use govmedia_domain::monitoring::PostKind;
use govmedia_domain::monitoring::tallies::ReplyCuts;
use govmedia_domain::{AccountId, OrgId};
use sqlx::Row;

/// Appends the condition "no post in `[since, end)`" on the account `a`
/// (only originals count with `originals_only`).
pub(crate) fn push_not_posted(
    q: &mut Sql,
    since: DateTime<Utc>,
    end: DateTime<Utc>,
    originals_only: bool,
) {
    q.push(" AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.account_id = a.id");
    if originals_only {
        q.push(" AND p.kind = ").bind(PostKind::Original.code());
    }
    q.push(" AND p.published_at >= ").bind(secs(since));
    q.push(" AND p.published_at < ").bind(secs(end));
    q.push(")");
}

/// The active accounts of the scope, the filter and (when given) these
/// host orgs: `FROM accounts a JOIN orgs o`, then `join` (more joins),
/// then the conditions.
fn push_active(
    q: &mut Sql,
    scope: &Scope,
    f: &MonitorFilter,
    orgs: Option<&[OrgId]>,
    join: impl FnOnce(&mut Sql),
) {
    // The host orgs are read only when the scope or the filter names
    // some: a province's counts skip a lookup per row.
    let all = matches!(scope, Scope::All { within: None }) && f.org.is_none();
    q.push(if all {
        " FROM accounts a"
    } else {
        " FROM accounts a JOIN orgs o ON o.id = a.host_org_id"
    });
    join(q);
    q.push(" WHERE a.status = ")
        .bind(AccountStatus::Active.code());
    push_scope(q, scope, "o.id", "o.path");
    push_filter(q, f, "a.platform");
    if let Some(ids) = orgs {
        q.push(" AND a.host_org_id IN (");
        if ids.is_empty() {
            q.push("NULL");
        } else {
            q.bind_list(ids.iter().map(|o| o.0));
        }
        q.push(")");
    }
}

/// Active accounts of one host org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccounts {
    pub org_id: OrgId,
    pub org_path: String,
    pub accounts: i64,
}

/// An active account short of posts in a week, with what judging needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortWeek {
    pub account_id: AccountId,
    pub host_org_path: String,
    pub originals: i64,
    pub reposts: i64,
    pub last_delivery: Option<DateTime<Utc>>,
}

/// Reply states of the messages of one host org's accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTally {
    pub org_id: OrgId,
    pub received: i64,
    pub replied: i64,
    pub on_time: i64,
    pub overdue: i64,
}

impl Store {
    /// Active accounts per host org within the scope and filter.
    pub async fn org_account_counts(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
    ) -> StoreResult<Vec<OrgAccounts>> {
        let mut q = Sql::new(
            "SELECT o.id, o.path, c.n FROM orgs o JOIN (SELECT a.host_org_id, COUNT(*) AS n",
        );
        push_active(&mut q, scope, f, None, |_| {});
        q.push(" GROUP BY a.host_org_id) c ON c.host_org_id = o.id");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(OrgAccounts {
                    org_id: OrgId(r.try_get(0)?),
                    org_path: r.try_get(1)?,
                    accounts: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The active accounts with fewer than `min` posts (originals only,
    /// or all) over the China days `[monday, next)` — from the daily
    /// rollups.
    pub async fn short_weeks(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
        monday: NaiveDate,
        next: NaiveDate,
        min: u32,
        originals_only: bool,
    ) -> StoreResult<Vec<ShortWeek>> {
        let mut q = Sql::new(
            "SELECT a.id, (SELECT x.path FROM orgs x WHERE x.id = a.host_org_id) AS path, COALESCE(w.originals, 0) AS originals, COALESCE(w.reposts, 0) AS reposts, \
             (SELECT MAX(d.last_delivery_at) FROM account_deliveries d WHERE d.account_id = a.id) AS delivered",
        );
        push_active(&mut q, scope, f, None, |q| {
            q.push(
                " LEFT JOIN (SELECT r.account_id, CAST(SUM(r.originals) AS BIGINT) AS originals, \
                 CAST(SUM(r.reposts) AS BIGINT) AS reposts FROM daily_rollups r WHERE r.day >= ",
            )
            .bind(monday.to_string());
            q.push(" AND r.day < ").bind(next.to_string());
            q.push(" GROUP BY r.account_id) w ON w.account_id = a.id");
        });
        q.push(if originals_only {
            " AND COALESCE(w.originals, 0) < "
        } else {
            " AND COALESCE(w.originals, 0) + COALESCE(w.reposts, 0) < "
        })
        .bind(i64::from(min));
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(ShortWeek {
                    account_id: AccountId(r.try_get(0)?),
                    host_org_path: r.try_get(1)?,
                    originals: r.try_get(2)?,
                    reposts: r.try_get(3)?,
                    last_delivery: r.try_get::<Option<i64>, _>(4)?.map(from_secs),
                })
            })
            .collect()
    }

    /// Reply states per host org of the messages received in `[from, to)`
    /// by the active accounts of the scope (and of `orgs`, the host orgs
    /// under one reply rule), as of the China day ending at `cut`: replied
    /// before `cut`; on time, replied before the deadline of the receipt
    /// day's step; overdue, unanswered and received before
    /// `cuts.overdue_before`.
    #[allow(clippy::too_many_arguments)]
    pub async fn reply_tallies(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
        orgs: Option<&[OrgId]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        cut: DateTime<Utc>,
        cuts: &ReplyCuts,
    ) -> StoreResult<Vec<ReplyTally>> {
        let mut q = Sql::new("SELECT a.host_org_id, COUNT(*), SUM(CASE WHEN m.replied_at < ");
        q.bind(secs(cut));
        q.push(" THEN 1 ELSE 0 END), SUM(CASE WHEN m.replied_at < ");
        q.bind(secs(cut));
        q.push(" AND m.replied_at < ");
        push_deadline(&mut q, cuts);
        q.push(" THEN 1 ELSE 0 END), SUM(CASE WHEN (m.replied_at IS NULL OR m.replied_at >= ");
        q.bind(secs(cut));
        q.push(") AND m.received_at < ")
            .bind(secs(cuts.overdue_before));
        q.push(" THEN 1 ELSE 0 END)");
        push_active(&mut q, scope, f, orgs, |q| {
            q.push(" JOIN messages m ON m.account_id = a.id");
        });
        q.push(" AND m.received_at >= ").bind(secs(from));
        q.push(" AND m.received_at < ").bind(secs(to));
        q.push(" GROUP BY a.host_org_id");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(ReplyTally {
                    org_id: OrgId(r.try_get(0)?),
                    received: r.try_get(1)?,
                    replied: r.try_get(2)?,
                    on_time: r.try_get(3)?,
                    overdue: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Messages received in `[from, to)` by the active accounts of the
    /// scope (and of `orgs`) unanswered before `cut`: (overdue, 即将超期)
    /// by the cuts. Counted as two disjoint parts, never answered (read
    /// through the partial index of unanswered messages) and answered at
    /// or after `cut`, since an OR of the two would read every message.
    #[allow(clippy::too_many_arguments)]
    pub async fn late_counts(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
        orgs: Option<&[OrgId]>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        cut: DateTime<Utc>,
        cuts: &ReplyCuts,
    ) -> StoreResult<(i64, i64)> {
        let part = |answered_late: bool| {
            let mut q = Sql::new("SELECT COALESCE(SUM(CASE WHEN m.received_at < ");
            q.bind(secs(cuts.overdue_before));
            q.push(" THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN m.received_at >= ");
            q.bind(secs(cuts.overdue_before));
            q.push(" THEN 1 ELSE 0 END), 0)");
            push_active(&mut q, scope, f, orgs, |q| {
                q.push(" JOIN messages m ON m.account_id = a.id");
            });
            if answered_late {
                q.push(" AND m.replied_at >= ").bind(secs(cut));
            } else {
                q.push(" AND m.replied_at IS NULL");
            }
            q.push(" AND m.received_at >= ").bind(secs(from));
            q.push(" AND m.received_at < ")
                .bind(secs(to.min(cuts.due_soon_before)));
            q
        };
        let (never, late) = (part(false), part(true));
        let (a, b) = tokio::try_join!(
            async {
                never
                    .query()?
                    .fetch_one(&self.pool)
                    .await
                    .map_err(Into::into)
            },
            async {
                late.query()?
                    .fetch_one(&self.pool)
                    .await
                    .map_err(Into::into)
            },
        )
        .map_err(|e: crate::error::StoreError| e)?;
        Ok((
            a.try_get::<i64, _>(0)? + b.try_get::<i64, _>(0)?,
            a.try_get::<i64, _>(1)? + b.try_get::<i64, _>(1)?,
        ))
    }
}

/// The deadline of a message's receipt day as a CASE over the steps,
/// nested as a binary search so each row takes a handful of comparisons.
fn push_deadline(q: &mut Sql, cuts: &ReplyCuts) {
    push_steps(q, &cuts.steps);
}

fn push_steps(q: &mut Sql, steps: &[(DateTime<Utc>, DateTime<Utc>)]) {
    match steps {
        // Past the last step (cannot happen for a period's messages):
        // never on time, so a gap shows as late rather than as a good
        // reply.
        [] => {
            q.push("0");
        }
        [(_, due_end)] => {
            q.push("CAST(").bind(secs(*due_end)).push(" AS BIGINT)");
        }
        _ => {
            let mid = steps.len() / 2;
            // Steps before `mid` hold the receipts before its lower bound.
            q.push("(CASE WHEN m.received_at < ")
                .bind(secs(steps[mid - 1].0));
            q.push(" THEN ");
            push_steps(q, &steps[..mid]);
            q.push(" ELSE ");
            push_steps(q, &steps[mid..]);
            q.push(" END)");
        }
    }
}
