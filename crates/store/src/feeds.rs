//! Feeds: one per account, set and removed by those who may feed data in,
//! the feeds due for a poll, and the outcome of each poll (health, the
//! validators for conditional GET, the next poll, and — on success — a
//! delivery for the account's coverage).

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::monitoring_ingest::{from_secs, record_deliveries, secs};
use crate::monitoring_lists::MonitorFilter;
use crate::orgs::Actor;
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::{DateTime, Utc};
use govmedia_domain::auth::Scope;
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::{AccountId, OrgId};
use serde::Serialize;
use sqlx::Row;

/// A feed with its account, as the lists and the poller see it.
#[derive(Debug, Clone, Serialize)]
pub struct FeedView {
    pub id: i64,
    pub account_id: AccountId,
    pub account_name: String,
    pub platform: String,
    pub host_org_id: OrgId,
    pub host_org_name: String,
    pub url: String,
    #[serde(skip)]
    pub etag: String,
    #[serde(skip)]
    pub last_modified: String,
    pub last_polled_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error_code: String,
    pub last_error: String,
    pub last_error_at: Option<DateTime<Utc>>,
    /// Failed polls in a row.
    pub failures: u32,
    /// Entries taken from the feed over its life.
    pub items_seen: i64,
    pub next_poll_at: DateTime<Utc>,
}

const COLUMNS: &str = "f.id, f.account_id, a.name AS account_name, a.platform, o.id AS org_id, o.name AS org_name, f.url, f.etag, f.last_modified, f.last_polled_at, f.last_success_at, f.last_error_code, f.last_error, f.last_error_at, f.failures, f.items_seen, f.next_poll_at \
     FROM feeds f JOIN accounts a ON a.id = f.account_id JOIN orgs o ON o.id = a.host_org_id";

fn from_row(r: &sqlx::any::AnyRow) -> StoreResult<FeedView> {
    let t = |c: &str| -> StoreResult<Option<DateTime<Utc>>> {
        Ok(r.try_get::<Option<i64>, _>(c)?.map(from_secs))
    };
    Ok(FeedView {
        id: r.try_get("id")?,
        account_id: AccountId(r.try_get("account_id")?),
        account_name: r.try_get("account_name")?,
        platform: r.try_get("platform")?,
        host_org_id: OrgId(r.try_get("org_id")?),
        host_org_name: r.try_get("org_name")?,
        url: r.try_get("url")?,
        etag: r.try_get("etag")?,
        last_modified: r.try_get("last_modified")?,
        last_polled_at: t("last_polled_at")?,
        last_success_at: t("last_success_at")?,
        last_error_code: r.try_get("last_error_code")?,
        last_error: r.try_get("last_error")?,
        last_error_at: t("last_error_at")?,
        failures: u32::try_from(r.try_get::<i64, _>("failures")?).unwrap_or(u32::MAX),
        items_seen: r.try_get("items_seen")?,
        next_poll_at: from_secs(r.try_get("next_poll_at")?),
    })
}

/// What a successful poll brings back.
#[derive(Debug, Clone, Default)]
pub struct PollSuccess {
    pub etag: String,
    pub last_modified: String,
    /// Entries in the document (0 for a 304).
    pub items: i64,
}

impl Store {
    /// Sets (or replaces) the feed of an account within `scope`; a new URL
    /// starts afresh (no validators, no failures) and is due at the next run.
    /// Audited.
    pub async fn set_feed(
        &self,
        scope: &Scope,
        actor: &Actor,
        account: AccountId,
        url: &str,
    ) -> StoreResult<FeedView> {
        self.account(scope, account).await?;
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        let changed = sqlx::query(
            "UPDATE feeds SET url = $1, etag = '', last_modified = '', failures = 0, last_error_code = '', last_error = '', next_poll_at = 0, updated_at = $2 \
             WHERE account_id = $3 AND url <> $1",
        )
        .bind(url)
        .bind(now)
        .bind(account.0)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            sqlx::query(
                "INSERT INTO feeds (account_id, url, next_poll_at, created_at, updated_at) VALUES ($1, $2, 0, $3, $3) ON CONFLICT (account_id) DO NOTHING",
            )
            .bind(account.0)
            .bind(url)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        let mut e = actor.audit("monitoring.feed_set", "account", account.0);
        e.detail = serde_json::json!({ "url": url }).to_string();
        crate::audit::append(&mut tx, e).await?;
        tx.commit().await?;
        self.feed_of(scope, account)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Removes an account's feed (its stored posts stay). Audited.
    pub async fn remove_feed(
        &self,
        scope: &Scope,
        actor: &Actor,
        account: AccountId,
    ) -> StoreResult<()> {
        self.account(scope, account).await?;
        let mut tx = self.begin_write().await?;
        let gone = sqlx::query("DELETE FROM feeds WHERE account_id = $1")
            .bind(account.0)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if gone == 0 {
            // Nothing to remove: a repeated DELETE succeeds and changes nothing.
            return Ok(());
        }
        crate::audit::append(
            &mut tx,
            actor.audit("monitoring.feed_remove", "account", account.0),
        )
        .await?;
        tx.commit().await
    }

    /// The feed of one account within `scope`, if it has one.
    pub async fn feed_of(
        &self,
        scope: &Scope,
        account: AccountId,
    ) -> StoreResult<Option<FeedView>> {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} WHERE f.account_id = "));
        q.bind(account.0);
        push_scope(&mut q, scope, "o.id", "o.path");
        q.query()?
            .fetch_optional(&self.pool)
            .await?
            .map(|r| from_row(&r))
            .transpose()
    }

    /// The feeds of a scope, the most failures first.
    pub async fn feeds(&self, scope: &Scope, f: &MonitorFilter) -> StoreResult<Vec<FeedView>> {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} WHERE 1 = 1"));
        push_scope(&mut q, scope, "o.id", "o.path");
        crate::monitoring_lists::push_filter(&mut q, f, "a.platform");
        q.push(" ORDER BY f.failures DESC, o.path, a.name_key, f.id LIMIT 20000");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// Feeds due at `now`, the longest waiting first.
    pub async fn due_feeds(&self, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<FeedView>> {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} WHERE f.next_poll_at <= "));
        q.bind(secs(now));
        q.push(" ORDER BY f.next_poll_at, f.id LIMIT ").bind(limit);
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// Records a successful poll: health reset, validators kept for the
    /// next conditional GET, and a delivery for the account (a feed that
    /// answered covers the account even with nothing new).
    pub async fn feed_succeeded(
        &self,
        feed: &FeedView,
        ok: &PollSuccess,
        next: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        sqlx::query(
            "UPDATE feeds SET etag = $1, last_modified = $2, last_polled_at = $3, last_success_at = $3, failures = 0, items_seen = items_seen + $4, next_poll_at = $5, updated_at = $3 WHERE id = $6",
        )
        .bind(&ok.etag)
        .bind(&ok.last_modified)
        .bind(now)
        .bind(ok.items)
        .bind(secs(next))
        .bind(feed.id)
        .execute(tx.conn())
        .await?;
        record_deliveries(&mut tx, Provenance::Feed, &[feed.account_id]).await?;
        tx.commit().await
    }

    /// Records a failed poll: one more failure in a row, the error, and
    /// the next (backed-off) poll. Nothing is delivered.
    pub async fn feed_failed(
        &self,
        feed: &FeedView,
        code: &str,
        message: &str,
        next: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        sqlx::query(
            "UPDATE feeds SET last_polled_at = $1, last_error_code = $2, last_error = $3, last_error_at = $1, failures = failures + 1, next_poll_at = $4, updated_at = $1 WHERE id = $5",
        )
        .bind(now)
        .bind(code)
        .bind(message)
        .bind(secs(next))
        .bind(feed.id)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// Every feed with at least `failures` failed polls in a row.
    pub async fn failing_feeds(&self, failures: u32) -> StoreResult<Vec<FeedView>> {
        let mut q = Sql::new(&format!("SELECT {COLUMNS} WHERE f.failures >= "));
        q.bind(i64::from(failures.max(1)));
        q.push(" ORDER BY f.id");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }
}
