//! Scope-wide monitoring reads for 首页 and the 监测 lists: post counts
//! from the daily rollups (never scans of raw posts), the messages of a
//! period, and the posts with findings. Scope and filters in SQL; active
//! (运营中) accounts only, as the measures judge them.

use crate::db::Store;
use crate::error::StoreResult;
use crate::monitoring::PostView;
use crate::monitoring_ingest::{from_secs, secs};
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::{DateTime, NaiveDate, Utc};
use govmedia_domain::account::AccountStatus;
use govmedia_domain::auth::Scope;
use govmedia_domain::monitoring::MessageFact;
use govmedia_domain::platform::Platform;
use govmedia_domain::{AccountId, OrgId};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// The filters every monitoring list takes besides the caller's scope.
#[derive(Debug, Clone, Copy, Default)]
pub struct MonitorFilter {
    /// Only accounts hosted by this org or its subtree.
    pub org: Option<OrgId>,
    pub platform: Option<Platform>,
}

/// Joins `a` (accounts) and `o` (their host orgs) limited to the scope,
/// the filter and active accounts. Expects the query to end in `WHERE`
/// conditions.
fn push_accounts(q: &mut Sql, scope: &Scope, f: &MonitorFilter) {
    q.push(" a.status = ").bind(AccountStatus::Active.code());
    push_scope(q, scope, "o.id", "o.path");
    push_filter(q, f, "a.platform");
}

/// Appends the filter's org subtree (on `o.path`) and platform (on
/// `platform_col`) conditions.
pub(crate) fn push_filter(q: &mut Sql, f: &MonitorFilter, platform_col: &str) {
    if let Some(org) = f.org {
        q.push(" AND o.path LIKE (SELECT path FROM orgs WHERE id = ")
            .bind(org.0)
            .push(") || '%'");
    }
    if let Some(p) = f.platform {
        q.push(&format!(" AND {platform_col} = ")).bind(p.code());
    }
}

/// A stored post with a finding, with its account.
#[derive(Debug, Clone, Serialize)]
pub struct FlaggedPost {
    pub account_id: AccountId,
    pub account_name: String,
    pub host_org_name: String,
    pub post: PostView,
}

/// A message of a period with its account.
#[derive(Debug, Clone)]
pub struct ScopedMessage {
    pub id: i64,
    pub account_id: AccountId,
    pub text: String,
    pub fact: MessageFact,
}

impl Store {
    /// Posts per account over the China days `[from, to)`: (originals,
    /// reposts), for the accounts of a scope.
    pub async fn account_post_counts(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<HashMap<AccountId, (i64, i64)>> {
        let mut q = Sql::new(
            "SELECT r.account_id, CAST(SUM(r.originals) AS BIGINT), CAST(SUM(r.reposts) AS BIGINT) \
             FROM daily_rollups r JOIN accounts a ON a.id = r.account_id JOIN orgs o ON o.id = a.host_org_id WHERE",
        );
        push_accounts(&mut q, scope, f);
        q.push(" AND r.day >= ").bind(from.to_string());
        q.push(" AND r.day < ").bind(to.to_string());
        q.push(" GROUP BY r.account_id");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok((AccountId(r.try_get(0)?), (r.try_get(1)?, r.try_get(2)?))))
            .collect()
    }

    /// Messages received in `[from, to)` by the accounts of a scope, oldest
    /// first. With `unanswered_at`, only those without a reply given
    /// before that moment.
    pub async fn scoped_messages(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        unanswered_at: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<ScopedMessage>> {
        let mut q = Sql::new(
            "SELECT m.id, m.account_id, m.body, m.received_at, m.replied_at, m.reply_text \
             FROM messages m JOIN accounts a ON a.id = m.account_id JOIN orgs o ON o.id = a.host_org_id WHERE",
        );
        push_accounts(&mut q, scope, f);
        q.push(" AND m.received_at >= ").bind(secs(from));
        q.push(" AND m.received_at < ").bind(secs(to));
        if let Some(t) = unanswered_at {
            q.push(" AND (m.replied_at IS NULL OR m.replied_at >= ")
                .bind(secs(t))
                .push(")");
        }
        q.push(" ORDER BY m.received_at, m.id");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(ScopedMessage {
                    id: r.try_get(0)?,
                    account_id: AccountId(r.try_get(1)?),
                    text: r.try_get(2)?,
                    fact: MessageFact {
                        received_at: from_secs(r.try_get(3)?),
                        replied_at: r.try_get::<Option<i64>, _>(4)?.map(from_secs),
                        reply_text: r.try_get(5)?,
                    },
                })
            })
            .collect()
    }

    /// Posts with a finding published in `[from, to)` by the accounts of a
    /// scope, newest first, one page, and how many there are.
    pub async fn flagged_post_list(
        &self,
        scope: &Scope,
        f: &MonitorFilter,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<FlaggedPost>, i64)> {
        let cond = |q: &mut Sql| {
            push_accounts(q, scope, f);
            q.push(" AND p.flagged > 0 AND p.published_at >= ")
                .bind(secs(from));
            q.push(" AND p.published_at < ").bind(secs(to));
        };
        let mut c = Sql::new(
            "SELECT COUNT(*) FROM posts p JOIN accounts a ON a.id = p.account_id JOIN orgs o ON o.id = a.host_org_id WHERE",
        );
        cond(&mut c);
        let total: i64 = c.query()?.fetch_one(&self.pool).await?.try_get(0)?;
        let mut q = Sql::new(
            "SELECT a.id AS account_id, a.name AS account_name, o.name AS org_name, p.id, p.platform_post_id, p.published_at, p.title, p.body, p.url, p.kind, p.source, p.provenance, p.findings, p.flagged, p.blocked, p.deleted_at, p.first_seen_at, p.last_seen_at \
             FROM posts p JOIN accounts a ON a.id = p.account_id JOIN orgs o ON o.id = a.host_org_id WHERE",
        );
        cond(&mut q);
        q.push(" ORDER BY p.published_at DESC, p.id DESC LIMIT ")
            .bind(limit);
        q.push(" OFFSET ").bind(offset);
        let rows = q.query()?.fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(FlaggedPost {
                    account_id: AccountId(r.try_get("account_id")?),
                    account_name: r.try_get("account_name")?,
                    host_org_name: r.try_get("org_name")?,
                    post: crate::monitoring::post_view(r)?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok((items, total))
    }
}

/// A stored message as the account's 监测 tab shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub id: i64,
    pub platform_message_id: String,
    pub channel: govmedia_domain::monitoring::ingest::Channel,
    pub text: String,
    pub fact: MessageFactView,
    pub provenance: String,
}

/// The times and reply of a message.
#[derive(Debug, Clone, Serialize)]
pub struct MessageFactView {
    pub received_at: DateTime<Utc>,
    pub replied_at: Option<DateTime<Utc>>,
    pub reply_text: String,
}

impl Store {
    /// The latest messages of one account received before `end`, newest
    /// first.
    pub async fn recent_messages(
        &self,
        account: AccountId,
        end: DateTime<Utc>,
        limit: i64,
    ) -> StoreResult<Vec<MessageView>> {
        let rows = sqlx::query(
            "SELECT id, platform_message_id, channel, body, received_at, replied_at, reply_text, provenance FROM messages \
             WHERE account_id = $1 AND received_at < $2 ORDER BY received_at DESC, id DESC LIMIT $3",
        )
        .bind(account.0)
        .bind(secs(end))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MessageView {
                    id: r.try_get("id")?,
                    platform_message_id: r.try_get("platform_message_id")?,
                    channel: crate::filings::decode(
                        r,
                        "channel",
                        govmedia_domain::monitoring::ingest::Channel::parse,
                    )?,
                    text: r.try_get("body")?,
                    fact: MessageFactView {
                        received_at: from_secs(r.try_get("received_at")?),
                        replied_at: r.try_get::<Option<i64>, _>("replied_at")?.map(from_secs),
                        reply_text: r.try_get("reply_text")?,
                    },
                    provenance: r.try_get("provenance")?,
                })
            })
            .collect()
    }
}
