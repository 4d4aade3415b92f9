//! Monitoring alerts: the facts the alerts job needs across all accounts,
//! applying its plan in one transaction, and the scoped list.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::filings::decode;
use crate::monitoring_ingest::{from_secs, secs};
use crate::orgs::Actor;
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::{DateTime, NaiveDate, Utc};
use govmedia_domain::auth::Scope;
use govmedia_domain::monitoring::alerts::{AlertKind, Cause};
use govmedia_domain::{AccountId, OrgId};
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    pub id: i64,
    pub kind: AlertKind,
    pub account_id: AccountId,
    pub account_name: String,
    /// The account's platform code.
    pub platform: String,
    pub host_org_id: OrgId,
    pub host_org_name: String,
    pub message: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: String,
    pub ack_note: String,
}

/// Filters of the alert list.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    /// `Some(true)`: open only; `Some(false)`: closed only.
    pub open: Option<bool>,
    pub kind: Option<AlertKind>,
    pub account: Option<AccountId>,
    pub org: Option<OrgId>,
    pub platform: Option<govmedia_domain::platform::Platform>,
}

fn push_alert_filter(q: &mut Sql, scope: &Scope, f: &AlertFilter) {
    push_scope(q, scope, "o.id", "o.path");
    match f.open {
        Some(true) => {
            q.push(" AND al.closed_at IS NULL");
        }
        Some(false) => {
            q.push(" AND al.closed_at IS NOT NULL");
        }
        None => {}
    }
    if let Some(k) = f.kind {
        q.push(" AND al.kind = ").bind(k.code());
    }
    if let Some(a) = f.account {
        q.push(" AND al.account_id = ").bind(a.0);
    }
    if let Some(o) = f.org {
        q.push(" AND o.path LIKE (SELECT path FROM orgs WHERE id = ")
            .bind(o.0)
            .push(") || '%'");
    }
    if let Some(p) = f.platform {
        q.push(" AND a.platform = ").bind(p.code());
    }
}

impl Store {
    /// Posts per account over the China days `[from, to)`: (originals, reposts).
    pub async fn rollup_counts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<HashMap<AccountId, (i64, i64)>> {
        let rows = sqlx::query(
            "SELECT account_id, CAST(SUM(originals) AS BIGINT), CAST(SUM(reposts) AS BIGINT) FROM daily_rollups WHERE day >= $1 AND day < $2 GROUP BY account_id",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((AccountId(r.try_get(0)?), (r.try_get(1)?, r.try_get(2)?))))
            .collect()
    }

    /// Unanswered messages received since `since`: (id, account, received).
    pub async fn unanswered_messages(
        &self,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<(i64, AccountId, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT id, account_id, received_at FROM messages WHERE replied_at IS NULL AND received_at >= $1",
        )
        .bind(secs(since))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get(0)?,
                    AccountId(r.try_get(1)?),
                    from_secs(r.try_get(2)?),
                ))
            })
            .collect()
    }

    /// Posts still online with a finding of severity block: (id, account, title).
    pub async fn blocked_posts(&self) -> StoreResult<Vec<(i64, AccountId, String)>> {
        let rows = sqlx::query(
            "SELECT id, account_id, CASE WHEN title = '' THEN SUBSTR(body, 1, 30) ELSE title END FROM posts WHERE blocked > 0 AND deleted_at IS NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, AccountId(r.try_get(1)?), r.try_get(2)?)))
            .collect()
    }

    pub async fn open_alert_keys(&self) -> StoreResult<HashSet<String>> {
        let rows = sqlx::query("SELECT cause_key FROM alerts WHERE closed_at IS NULL")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Opens (or reopens) the alerts of `open` and closes those of `close`,
    /// in one transaction. Opening twice is harmless: the cause key is
    /// unique. Returns (opened, closed).
    pub async fn apply_alerts(&self, open: &[&Cause], close: &[String]) -> StoreResult<(u64, u64)> {
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        let mut opened = 0;
        for c in open {
            opened += sqlx::query(
                "INSERT INTO alerts (cause_key, kind, account_id, message, opened_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (cause_key) DO UPDATE SET closed_at = NULL, opened_at = excluded.opened_at, message = excluded.message, acknowledged_at = NULL, acknowledged_by = '', ack_note = '' \
                 WHERE alerts.closed_at IS NOT NULL",
            )
            .bind(&c.key)
            .bind(c.kind.code())
            .bind(c.account.0)
            .bind(&c.message)
            .bind(now)
            .execute(tx.conn())
            .await?
            .rows_affected();
        }
        let mut closed = 0;
        for chunk in close.chunks(500) {
            let mut q = Sql::new("UPDATE alerts SET closed_at = ");
            q.bind(now)
                .push(" WHERE closed_at IS NULL AND cause_key IN (");
            q.bind_list(chunk.iter().map(String::as_str));
            q.push(")");
            closed += q.query()?.execute(tx.conn()).await?.rows_affected();
        }
        tx.commit().await?;
        Ok((opened, closed))
    }

    /// Alerts of the accounts within `scope`, newest first.
    /// How many alerts of `scope` match `f`.
    pub async fn count_alerts(&self, scope: &Scope, f: &AlertFilter) -> StoreResult<i64> {
        let mut q = Sql::new(
            "SELECT COUNT(*) FROM alerts al JOIN accounts a ON a.id = al.account_id JOIN orgs o ON o.id = a.host_org_id WHERE 1 = 1",
        );
        push_alert_filter(&mut q, scope, f);
        Ok(q.query()?.fetch_one(&self.pool).await?.try_get(0)?)
    }

    pub async fn alerts(&self, scope: &Scope, f: &AlertFilter) -> StoreResult<Vec<AlertView>> {
        let mut q = Sql::new(
            "SELECT al.id, al.kind, al.account_id, a.name AS account_name, a.platform, o.id AS org_id, o.name AS org_name, al.message, al.opened_at, al.closed_at, al.acknowledged_at, al.acknowledged_by, al.ack_note \
             FROM alerts al JOIN accounts a ON a.id = al.account_id JOIN orgs o ON o.id = a.host_org_id WHERE 1 = 1",
        );
        push_alert_filter(&mut q, scope, f);
        q.push(" ORDER BY al.opened_at DESC, al.id DESC LIMIT 5000");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(AlertView {
                    id: r.try_get("id")?,
                    kind: decode(r, "kind", AlertKind::parse)?,
                    account_id: AccountId(r.try_get("account_id")?),
                    account_name: r.try_get("account_name")?,
                    platform: r.try_get("platform")?,
                    host_org_id: OrgId(r.try_get("org_id")?),
                    host_org_name: r.try_get("org_name")?,
                    message: r.try_get("message")?,
                    opened_at: from_secs(r.try_get("opened_at")?),
                    closed_at: r.try_get::<Option<i64>, _>("closed_at")?.map(from_secs),
                    acknowledged_at: r
                        .try_get::<Option<i64>, _>("acknowledged_at")?
                        .map(from_secs),
                    acknowledged_by: r.try_get("acknowledged_by")?,
                    ack_note: r.try_get("ack_note")?,
                })
            })
            .collect()
    }

    /// Acknowledges an alert of an account within `scope`, with a note.
    pub async fn acknowledge_alert(
        &self,
        scope: &Scope,
        actor: &Actor,
        id: i64,
        note: &str,
    ) -> StoreResult<()> {
        let mut q = Sql::new(
            "SELECT al.id FROM alerts al JOIN accounts a ON a.id = al.account_id JOIN orgs o ON o.id = a.host_org_id WHERE al.id = ",
        );
        q.bind(id);
        push_scope(&mut q, scope, "o.id", "o.path");
        q.query()?
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE alerts SET acknowledged_at = $1, acknowledged_by = $2, ack_note = $3 WHERE id = $4",
        )
        .bind(secs(tx.now))
        .bind(&actor.username)
        .bind(note)
        .bind(id)
        .execute(tx.conn())
        .await?;
        let mut e = actor.audit("monitoring.alert_ack", "alert", id);
        e.detail = serde_json::json!({ "note": note }).to_string();
        crate::audit::append(&mut tx, e).await?;
        tx.commit().await
    }
}
