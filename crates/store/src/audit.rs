//! The audit log: append inside the same transaction as the change it
//! records, search, verify the hash chain, purge past retention.

use crate::db::{Backend, Store, WriteTx};
use crate::error::StoreResult;
use crate::sql::{Sql, like_escape};
use govmedia_domain::audit::{AuditFields, ChainBreak, GENESIS_HASH, Outcome, entry_hash};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// Advisory-lock key that serializes audit appends on PostgreSQL, so the
/// chain stays linear with several instances writing.
const AUDIT_LOCK: i64 = 0x676f_7661_7564;

/// What to record. Who acted and from where is filled by the caller.
#[derive(Debug, Clone, Default)]
pub struct NewAudit {
    pub user_id: Option<i64>,
    pub username: String,
    pub org_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub outcome: Option<Outcome>,
    pub ip: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub org_id: Option<i64>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub outcome: String,
    pub ip: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    fn from_row(r: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
        Ok(AuditEntry {
            id: r.try_get("id")?,
            at: r.try_get("at")?,
            user_id: r.try_get("user_id")?,
            username: r.try_get("username")?,
            org_id: r.try_get("org_id")?,
            action: r.try_get("action")?,
            target_type: r.try_get("target_type")?,
            target_id: r.try_get("target_id")?,
            outcome: r.try_get("outcome")?,
            ip: r.try_get("ip")?,
            detail: r.try_get("detail")?,
            prev_hash: r.try_get("prev_hash")?,
            hash: r.try_get("hash")?,
        })
    }

    fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            id: self.id,
            at_ms: self.at,
            user_id: self.user_id,
            username: &self.username,
            org_id: self.org_id,
            action: &self.action,
            target_type: &self.target_type,
            target_id: &self.target_id,
            outcome: &self.outcome,
            ip: &self.ip,
            detail: &self.detail,
        }
    }
}

const COLUMNS: &str = "id, at, user_id, username, org_id, action, target_type, target_id, outcome, ip, detail, prev_hash, hash";

/// Appends one entry inside `tx`. The entry commits or rolls back with the
/// change it describes.
pub async fn append(tx: &mut WriteTx, e: NewAudit) -> StoreResult<i64> {
    if tx.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(AUDIT_LOCK)
            .execute(tx.conn())
            .await?;
    }
    let last = sqlx::query("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_optional(tx.conn())
        .await?;
    let (prev_id, prev_hash) = match last {
        Some(r) => (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?),
        None => (0, GENESIS_HASH.to_string()),
    };
    let id = prev_id + 1;
    let at = tx.now.timestamp_millis();
    let outcome = e.outcome.unwrap_or(Outcome::Success).code();
    let hash = entry_hash(
        &prev_hash,
        &AuditFields {
            id,
            at_ms: at,
            user_id: e.user_id,
            username: &e.username,
            org_id: e.org_id,
            action: &e.action,
            target_type: &e.target_type,
            target_id: &e.target_id,
            outcome,
            ip: &e.ip,
            detail: &e.detail,
        },
    );
    sqlx::query(
        "INSERT INTO audit_log (id, at, user_id, username, org_id, action, target_type, target_id, outcome, ip, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id)
    .bind(at)
    .bind(e.user_id)
    .bind(e.username)
    .bind(e.org_id)
    .bind(e.action)
    .bind(e.target_type)
    .bind(e.target_id)
    .bind(outcome)
    .bind(e.ip)
    .bind(e.detail)
    .bind(prev_hash)
    .bind(hash)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

/// Filters for the audit search page and API.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub org_id: Option<i64>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// Whole verification result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub checked: i64,
    pub first_break: Option<ChainBreak>,
}

impl Store {
    /// Display names of the users with these usernames (for showing who
    /// acted; usernames stay in the tooltip).
    pub async fn display_names(
        &self,
        usernames: &[String],
    ) -> StoreResult<std::collections::HashMap<String, String>> {
        let mut out = std::collections::HashMap::new();
        if usernames.is_empty() {
            return Ok(out);
        }
        let mut q = Sql::new("SELECT username, display_name FROM users WHERE username IN (");
        q.bind_list(usernames.iter().cloned());
        q.push(")");
        for r in q.query()?.fetch_all(&self.pool).await? {
            out.insert(r.try_get(0)?, r.try_get(1)?);
        }
        Ok(out)
    }

    /// Records one entry in a transaction of its own (logins, exports and
    /// other events that change nothing else).
    pub async fn audit(&self, e: NewAudit) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let id = append(&mut tx, e).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Searches the log, newest first, within `scope`.
    pub async fn audit_search(
        &self,
        f: &AuditFilter,
        scope: &govmedia_domain::auth::Scope,
    ) -> StoreResult<(Vec<AuditEntry>, i64)> {
        let mut where_ = Sql::new(" WHERE 1 = 1");
        if let Some(u) = f.username.as_deref().filter(|s| !s.is_empty()) {
            where_.push(" AND username = ").bind(u);
        }
        if let Some(o) = f.org_id {
            where_.push(" AND org_id = ").bind(o);
        }
        if let Some(a) = f.action.as_deref().filter(|s| !s.is_empty()) {
            where_.push(" AND action LIKE ");
            where_.bind(format!("{}%", like_escape(a)));
            where_.push(" ESCAPE '\\'");
        }
        if let Some(o) = f.outcome.as_deref().filter(|s| !s.is_empty()) {
            where_.push(" AND outcome = ").bind(o);
        }
        if let Some(t) = f.from_ms {
            where_.push(" AND at >= ").bind(t);
        }
        if let Some(t) = f.to_ms {
            where_.push(" AND at < ").bind(t);
        }
        // Readers with a limited scope see the entries of orgs in it; entries
        // without an org (system events) only with unrestricted reach.
        if !matches!(scope, govmedia_domain::auth::Scope::All { within: None }) {
            where_.push(" AND org_id IN (SELECT o.id FROM orgs o WHERE 1 = 1");
            crate::scope_sql::push_scope(&mut where_, scope, "o.id", "o.path");
            where_.push(")");
        }
        let mut count = Sql::new("SELECT COUNT(*) FROM audit_log");
        count.text.push_str(&where_.text);
        count.args = where_.args.clone();
        let total: i64 = count.query()?.fetch_one(&self.pool).await?.try_get(0)?;
        let mut q = Sql::new(&format!("SELECT {COLUMNS} FROM audit_log"));
        q.text.push_str(&where_.text);
        q.args = where_.args;
        q.push(" ORDER BY id DESC LIMIT ")
            .bind(f.limit.clamp(1, 1000));
        q.push(" OFFSET ").bind(f.offset.max(0));
        let rows = q.query()?.fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(AuditEntry::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((items, total))
    }

    /// Walks the whole chain in id order and reports the first break. The
    /// oldest remaining row is the anchor when a recorded purge names it
    /// (rows before it were removed past retention); every later row must
    /// link to the one before it, carry the next id, and hash to its
    /// stored hash.
    pub async fn audit_verify(&self) -> StoreResult<VerifyReport> {
        let mut checked = 0i64;
        let mut prev: Option<(i64, String)> = None;
        // A chain that does not start at 1 must have been cut by a recorded
        // purge naming its first kept entry.
        let first: Option<i64> = sqlx::query("SELECT MIN(id) FROM audit_log")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if let Some(first) = first.filter(|f| *f > 1) {
            let marker = format!("%\"first_kept\":{first}}}");
            let purged: i64 = sqlx::query(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'audit.purge' AND detail LIKE $1",
            )
            .bind(marker)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
            if purged == 0 {
                return Ok(VerifyReport {
                    checked,
                    first_break: Some(ChainBreak::Unlinked {
                        id: first,
                        previous_id: None,
                    }),
                });
            }
        }
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000"
            ))
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let e = AuditEntry::from_row(r)?;
                after = e.id;
                if let Some((pid, phash)) = &prev
                    && (e.id != pid + 1 || e.prev_hash != *phash)
                {
                    return Ok(VerifyReport {
                        checked,
                        first_break: Some(ChainBreak::Unlinked {
                            id: e.id,
                            previous_id: Some(*pid),
                        }),
                    });
                }
                if entry_hash(&e.prev_hash, &e.fields()) != e.hash {
                    return Ok(VerifyReport {
                        checked,
                        first_break: Some(ChainBreak::Altered { id: e.id }),
                    });
                }
                checked += 1;
                prev = Some((e.id, e.hash));
            }
        }
        Ok(VerifyReport {
            checked,
            first_break: None,
        })
    }

    /// Deletes entries older than `cutoff_ms` and records the purge itself.
    pub async fn audit_purge(&self, cutoff_ms: i64) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        // Delete a prefix of the chain only: everything before the first
        // entry at or after the cutoff (keeping at least the newest entry,
        // the anchor), whatever the clocks of several writers said.
        let keep: Option<i64> = sqlx::query(
            "SELECT COALESCE((SELECT MIN(id) FROM audit_log WHERE at >= $1), (SELECT MAX(id) FROM audit_log))",
        )
        .bind(cutoff_ms)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
        let Some(keep) = keep else {
            return Ok(0);
        };
        let n = sqlx::query("DELETE FROM audit_log WHERE id < $1")
            .bind(keep)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n > 0 {
            append(
                &mut tx,
                NewAudit {
                    username: "system".into(),
                    action: "audit.purge".into(),
                    detail: format!(
                        "{{\"deleted\":{n},\"cutoff_ms\":{cutoff_ms},\"first_kept\":{keep}}}"
                    ),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}
