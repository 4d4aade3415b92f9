//! Reads for monitoring: the facts one account is measured on (posts,
//! messages, deliveries), the facts of every account of a scope for the
//! lists, and the thresholds set per org subtree. Scope in SQL.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::filings::decode;
use crate::monitoring_ingest::{from_secs, secs};
use crate::orgs::Actor;
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::{DateTime, Utc};
use govmedia_domain::account::AccountStatus;
use govmedia_domain::auth::Scope;
use govmedia_domain::monitoring::posts::PostKind;
use govmedia_domain::monitoring::{Coverage, MessageFact, PostFact, RuleOverride};
use govmedia_domain::{AccountId, OrgId};
use serde::Serialize;
use sqlx::Row;

/// One account of a scope with what the lists need to judge it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountFacts {
    pub account_id: AccountId,
    pub account_name: String,
    pub platform: String,
    pub host_org_id: OrgId,
    pub host_org_name: String,
    pub host_org_path: String,
    /// The last post of any kind published before the window's end.
    pub last_post_at: Option<DateTime<Utc>>,
    /// The last original post published before the window's end.
    pub last_original_at: Option<DateTime<Utc>>,
    pub coverage: Coverage,
}

/// A stored post as lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub id: i64,
    pub platform_post_id: String,
    pub published_at: DateTime<Utc>,
    pub title: String,
    pub text: String,
    pub url: String,
    pub kind: PostKind,
    pub source: String,
    pub provenance: String,
    pub findings: serde_json::Value,
    pub flagged: i64,
    pub blocked: i64,
    pub deleted_at: Option<DateTime<Utc>>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// A post row (the columns of [`PostView`], `body` as the text).
pub(crate) fn post_view(r: &sqlx::any::AnyRow) -> StoreResult<PostView> {
    let findings: String = r.try_get("findings")?;
    Ok(PostView {
        id: r.try_get("id")?,
        platform_post_id: r.try_get("platform_post_id")?,
        published_at: from_secs(r.try_get("published_at")?),
        title: r.try_get("title")?,
        text: r.try_get("body")?,
        url: r.try_get("url")?,
        kind: decode(r, "kind", PostKind::parse)?,
        source: r.try_get("source")?,
        provenance: r.try_get("provenance")?,
        findings: serde_json::from_str(&findings).unwrap_or_default(),
        flagged: r.try_get("flagged")?,
        blocked: r.try_get("blocked")?,
        deleted_at: r.try_get::<Option<i64>, _>("deleted_at")?.map(from_secs),
        first_seen_at: from_secs(r.try_get("first_seen_at")?),
        last_seen_at: from_secs(r.try_get("last_seen_at")?),
    })
}

impl Store {
    /// The posts of one account published in `[from, to)`.
    pub async fn post_facts(
        &self,
        account: AccountId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<PostFact>> {
        let rows = sqlx::query(
            "SELECT published_at, kind FROM posts WHERE account_id = $1 AND published_at >= $2 AND published_at < $3",
        )
        .bind(account.0)
        .bind(secs(from))
        .bind(secs(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PostFact {
                    published_at: from_secs(r.try_get(0)?),
                    kind: decode(r, "kind", PostKind::parse)?,
                })
            })
            .collect()
    }

    /// The last post of one account before `to`, of any kind and original.
    pub async fn last_posts(
        &self,
        account: AccountId,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<PostFact>> {
        let mut out = Vec::new();
        for kind in PostKind::ALL {
            let r = sqlx::query(
                "SELECT MAX(published_at) FROM posts WHERE account_id = $1 AND published_at < $2 AND kind = $3",
            )
            .bind(account.0)
            .bind(secs(to))
            .bind(kind.code())
            .fetch_one(&self.pool)
            .await?;
            if let Some(t) = r.try_get::<Option<i64>, _>(0)? {
                out.push(PostFact {
                    published_at: from_secs(t),
                    kind,
                });
            }
        }
        Ok(out)
    }

    /// Messages of one account received in `[from, to)`.
    pub async fn message_facts(
        &self,
        account: AccountId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Vec<MessageFact>> {
        let rows = sqlx::query(
            "SELECT received_at, replied_at, reply_text FROM messages WHERE account_id = $1 AND received_at >= $2 AND received_at < $3",
        )
        .bind(account.0)
        .bind(secs(from))
        .bind(secs(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MessageFact {
                    received_at: from_secs(r.try_get(0)?),
                    replied_at: r.try_get::<Option<i64>, _>(1)?.map(from_secs),
                    reply_text: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// The last delivery of any source for one account.
    pub async fn coverage(&self, account: AccountId) -> StoreResult<Coverage> {
        let r = sqlx::query(
            "SELECT MAX(last_delivery_at) FROM account_deliveries WHERE account_id = $1",
        )
        .bind(account.0)
        .fetch_one(&self.pool)
        .await?;
        Ok(Coverage {
            last_delivery: r.try_get::<Option<i64>, _>(0)?.map(from_secs),
        })
    }

    /// Posts of one account published in `[from, to)` with a finding of
    /// severity review or block.
    pub async fn flagged_posts(
        &self,
        account: AccountId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let r = sqlx::query(
            "SELECT COUNT(*) FROM posts WHERE account_id = $1 AND published_at >= $2 AND published_at < $3 AND flagged > 0",
        )
        .bind(account.0)
        .bind(secs(from))
        .bind(secs(to))
        .fetch_one(&self.pool)
        .await?;
        Ok(r.try_get(0)?)
    }

    /// The latest posts of one account, newest first.
    pub async fn recent_posts(&self, account: AccountId, limit: i64) -> StoreResult<Vec<PostView>> {
        let rows = sqlx::query(
            "SELECT id, platform_post_id, published_at, title, body, url, kind, source, provenance, findings, flagged, blocked, deleted_at, first_seen_at, last_seen_at FROM posts WHERE account_id = $1 ORDER BY published_at DESC, id DESC LIMIT $2",
        )
        .bind(account.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(post_view).collect()
    }

    /// The revisions of one post, oldest first: (seen at, change code,
    /// title and text before the change).
    pub async fn post_revisions(
        &self,
        post_id: i64,
    ) -> StoreResult<Vec<(DateTime<Utc>, String, String, String)>> {
        let rows = sqlx::query(
            "SELECT seen_at, change, title, body FROM post_revisions WHERE post_id = $1 ORDER BY id",
        )
        .bind(post_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    from_secs(r.try_get(0)?),
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                ))
            })
            .collect()
    }

    /// Every active (运营中) account within `scope` (and under `org`), with
    /// its last posts before `end` and its last delivery.
    pub async fn account_facts(
        &self,
        scope: &Scope,
        f: &crate::monitoring_lists::MonitorFilter,
        end: DateTime<Utc>,
    ) -> StoreResult<Vec<AccountFacts>> {
        self.account_facts_unless(scope, f, end, None).await
    }

    /// [`Store::account_facts`] without the accounts that published a post
    /// in `[since, end)` (only originals count with `originals_only`): the
    /// accounts a [`govmedia_domain::monitoring::tallies::Leniency`] does
    /// not clear.
    pub async fn account_facts_unless(
        &self,
        scope: &Scope,
        f: &crate::monitoring_lists::MonitorFilter,
        end: DateTime<Utc>,
        posted_since: Option<(DateTime<Utc>, bool)>,
    ) -> StoreResult<Vec<AccountFacts>> {
        let mut q = Sql::new(
            "SELECT a.id, a.name, a.platform, a.host_org_id, o.name AS org_name, o.path, \
             (SELECT MAX(p.published_at) FROM posts p WHERE p.account_id = a.id AND p.published_at < ",
        );
        q.bind(secs(end));
        q.push(") AS last_any, (SELECT MAX(p.published_at) FROM posts p WHERE p.account_id = a.id AND p.published_at < ");
        q.bind(secs(end));
        q.push(" AND p.kind = ").bind(PostKind::Original.code());
        q.push(") AS last_original, (SELECT MAX(d.last_delivery_at) FROM account_deliveries d WHERE d.account_id = a.id) AS delivered \
             FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE a.status = ");
        q.bind(AccountStatus::Active.code());
        push_scope(&mut q, scope, "o.id", "o.path");
        crate::monitoring_lists::push_filter(&mut q, f, "a.platform");
        if let Some((since, originals_only)) = posted_since {
            crate::monitoring_tallies::push_not_posted(&mut q, since, end, originals_only);
        }
        q.push(" ORDER BY o.path, a.name_key, a.id");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(AccountFacts {
                    account_id: AccountId(r.try_get("id")?),
                    account_name: r.try_get("name")?,
                    platform: r.try_get("platform")?,
                    host_org_id: OrgId(r.try_get("host_org_id")?),
                    host_org_name: r.try_get("org_name")?,
                    host_org_path: r.try_get("path")?,
                    last_post_at: r.try_get::<Option<i64>, _>("last_any")?.map(from_secs),
                    last_original_at: r.try_get::<Option<i64>, _>("last_original")?.map(from_secs),
                    coverage: Coverage {
                        last_delivery: r.try_get::<Option<i64>, _>("delivered")?.map(from_secs),
                    },
                })
            })
            .collect()
    }

    /// Every threshold override, by the path of the org that set it.
    pub async fn monitoring_overrides(&self) -> StoreResult<Vec<(String, RuleOverride)>> {
        let rows = sqlx::query(
            "SELECT o.path, r.rules FROM monitoring_rules r JOIN orgs o ON o.id = r.org_id ORDER BY o.path",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let json: String = r.try_get(1)?;
                let o: RuleOverride = serde_json::from_str(&json).map_err(|e| {
                    StoreError::Db(sqlx::Error::Decode(format!("monitoring_rules: {e}").into()))
                })?;
                Ok((r.try_get(0)?, o))
            })
            .collect()
    }

    /// The override an org set, if any.
    pub async fn monitoring_override(&self, org: OrgId) -> StoreResult<Option<RuleOverride>> {
        let r = sqlx::query("SELECT rules FROM monitoring_rules WHERE org_id = $1")
            .bind(org.0)
            .fetch_optional(&self.pool)
            .await?;
        match r {
            None => Ok(None),
            Some(r) => {
                let json: String = r.try_get(0)?;
                Ok(serde_json::from_str(&json).ok())
            }
        }
    }

    /// Sets (or, with an empty override, removes) an org's thresholds.
    pub async fn set_monitoring_override(
        &self,
        actor: &Actor,
        org: OrgId,
        rules: &RuleOverride,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = tx.now.timestamp();
        sqlx::query("DELETE FROM monitoring_rules WHERE org_id = $1")
            .bind(org.0)
            .execute(tx.conn())
            .await?;
        if *rules != RuleOverride::default() {
            let json = serde_json::to_string(rules).unwrap_or_default();
            sqlx::query(
                "INSERT INTO monitoring_rules (org_id, rules, updated_by, updated_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(org.0)
            .bind(json)
            .bind(&actor.username)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
        let mut e = actor.audit("monitoring.rules", "org", org.0);
        e.detail = serde_json::to_string(rules).unwrap_or_default();
        crate::audit::append(&mut tx, e).await?;
        tx.commit().await
    }
}
