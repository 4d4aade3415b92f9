//! Persisting ingested posts and messages: the stored rows a batch is
//! compared with (read inside the write transaction), and the writes the
//! application decided — inserts in multi-row statements, revisions of
//! changed posts, the daily rollups and the per-source delivery times.

use crate::db::{Backend, Store, WriteTx};
use crate::error::StoreResult;
use crate::filings::decode;
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use chrono::{DateTime, NaiveDate, Utc};
use govmedia_domain::AccountId;
use govmedia_domain::auth::Scope;
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::monitoring::ingest::{
    Channel, MessageInput, PostChange, PostInput, StoredMessage, StoredPost,
};
use govmedia_domain::monitoring::posts::PostKind;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// Rows per multi-row statement: well under both databases' bind limits.
const CHUNK: usize = 200;
/// Advisory lock that serializes ingest batches on PostgreSQL, so two
/// collectors sending the same new post at once cannot both create it.
const INGEST_LOCK: i64 = 0x676f_766d_696e;

pub(crate) fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn from_secs(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

/// A stored post and its id.
#[derive(Debug, Clone)]
pub struct PostRow {
    pub id: i64,
    pub post: StoredPost,
}

/// A stored message and its id.
#[derive(Debug, Clone)]
pub struct MessageRow {
    pub id: i64,
    pub message: StoredMessage,
}

/// The scan of one post, as the application computed it.
#[derive(Debug, Clone, Default)]
pub struct PostScan {
    /// The findings as JSON, with their spans.
    pub findings: String,
    /// Findings of severity review or block.
    pub flagged: i64,
    /// Findings of severity block.
    pub blocked: i64,
}

/// What to write for one accepted post.
#[derive(Debug, Clone)]
pub enum PostWrite {
    Create {
        account: AccountId,
        input: PostInput,
        scan: PostScan,
    },
    Update {
        id: i64,
        account: AccountId,
        input: PostInput,
        before: StoredPost,
        change: PostChange,
        scan: PostScan,
    },
    /// Seen again, unchanged: only `last_seen_at` moves.
    Seen { id: i64 },
}

/// What to write for one accepted message.
#[derive(Debug, Clone)]
pub enum MessageWrite {
    Create {
        account: AccountId,
        input: MessageInput,
    },
    Update {
        id: i64,
        input: MessageInput,
    },
    Seen {
        id: i64,
    },
}

impl Store {
    /// The accounts within `scope` among `ids`.
    pub async fn accounts_in_scope(
        &self,
        scope: &Scope,
        ids: &[AccountId],
    ) -> StoreResult<Vec<AccountId>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK * 4) {
            let mut q = Sql::new(
                "SELECT a.id FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE a.id IN (",
            );
            q.bind_list(chunk.iter().map(|i| i.0));
            q.push(")");
            push_scope(&mut q, scope, "o.id", "o.path");
            for r in q.query()?.fetch_all(&self.pool).await? {
                out.push(AccountId(r.try_get(0)?));
            }
        }
        Ok(out)
    }

    /// The accounts within `scope` holding each of `handles` (platform
    /// code, handle), any status: more than one is ambiguous.
    pub async fn accounts_by_handle(
        &self,
        scope: &Scope,
        handles: &[(String, String)],
    ) -> StoreResult<HashMap<(String, String), Vec<AccountId>>> {
        let mut out: HashMap<(String, String), Vec<AccountId>> = HashMap::new();
        let names: Vec<&String> = handles.iter().map(|(_, h)| h).collect();
        for chunk in names.chunks(CHUNK * 4) {
            let mut q = Sql::new(
                "SELECT a.id, a.platform, a.handle FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE a.handle IN (",
            );
            q.bind_list(chunk.iter().map(|h| h.as_str()));
            q.push(")");
            push_scope(&mut q, scope, "o.id", "o.path");
            q.push(" ORDER BY a.id");
            for r in q.query()?.fetch_all(&self.pool).await? {
                let key = (r.try_get::<String, _>(1)?, r.try_get::<String, _>(2)?);
                out.entry(key).or_default().push(AccountId(r.try_get(0)?));
            }
        }
        Ok(out)
    }
}

/// Serializes ingest batches on PostgreSQL (SQLite already has one writer).
pub async fn lock_ingest(tx: &mut WriteTx) -> StoreResult<()> {
    if tx.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(INGEST_LOCK)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

fn by_account(keys: &[(AccountId, String)]) -> BTreeMap<AccountId, Vec<&str>> {
    let mut m: BTreeMap<AccountId, Vec<&str>> = BTreeMap::new();
    for (a, p) in keys {
        m.entry(*a).or_default().push(p);
    }
    m
}

/// The stored posts among `keys` (account, platform post id).
pub async fn stored_posts(
    tx: &mut WriteTx,
    keys: &[(AccountId, String)],
) -> StoreResult<HashMap<(AccountId, String), PostRow>> {
    let mut out = HashMap::new();
    for (account, ids) in by_account(keys) {
        for chunk in ids.chunks(CHUNK * 4) {
            let mut q = Sql::new(
                "SELECT id, platform_post_id, published_at, title, body, url, kind, source, deleted_at FROM posts WHERE account_id = ",
            );
            q.bind(account.0).push(" AND platform_post_id IN (");
            q.bind_list(chunk.iter().copied());
            q.push(")");
            for r in q.query()?.fetch_all(tx.conn()).await? {
                let deleted: Option<i64> = r.try_get("deleted_at")?;
                let post = StoredPost {
                    published_at: from_secs(r.try_get("published_at")?),
                    title: r.try_get("title")?,
                    text: r.try_get("body")?,
                    url: r.try_get("url")?,
                    kind: decode(&r, "kind", PostKind::parse)?,
                    source: r.try_get("source")?,
                    deleted: deleted.is_some(),
                };
                let key = (account, r.try_get::<String, _>("platform_post_id")?);
                out.insert(
                    key,
                    PostRow {
                        id: r.try_get("id")?,
                        post,
                    },
                );
            }
        }
    }
    Ok(out)
}

/// The stored messages among `keys` (account, platform message id).
pub async fn stored_messages(
    tx: &mut WriteTx,
    keys: &[(AccountId, String)],
) -> StoreResult<HashMap<(AccountId, String), MessageRow>> {
    let mut out = HashMap::new();
    for (account, ids) in by_account(keys) {
        for chunk in ids.chunks(CHUNK * 4) {
            let mut q = Sql::new(
                "SELECT id, platform_message_id, received_at, body, channel, replied_at, reply_text FROM messages WHERE account_id = ",
            );
            q.bind(account.0).push(" AND platform_message_id IN (");
            q.bind_list(chunk.iter().copied());
            q.push(")");
            for r in q.query()?.fetch_all(tx.conn()).await? {
                let replied: Option<i64> = r.try_get("replied_at")?;
                let message = StoredMessage {
                    received_at: from_secs(r.try_get("received_at")?),
                    text: r.try_get("body")?,
                    channel: decode(&r, "channel", Channel::parse)?,
                    replied_at: replied.map(from_secs),
                    reply_text: r.try_get("reply_text")?,
                };
                let key = (account, r.try_get::<String, _>("platform_message_id")?);
                out.insert(
                    key,
                    MessageRow {
                        id: r.try_get("id")?,
                        message,
                    },
                );
            }
        }
    }
    Ok(out)
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    govmedia_domain::clock::china_date(t)
}

/// Per (account, China day): change in originals and in reposts.
type Deltas = BTreeMap<(AccountId, NaiveDate), (i64, i64)>;

fn count(deltas: &mut Deltas, account: AccountId, at: DateTime<Utc>, kind: PostKind, by: i64) {
    let e = deltas.entry((account, day(at))).or_default();
    match kind {
        PostKind::Original => e.0 += by,
        PostKind::Repost => e.1 += by,
    }
}

/// Writes the posts of one batch and returns the id of every created post
/// by (account, platform post id). Deleted posts still count as updates on
/// the day they were published: they were published.
pub async fn apply_posts(
    tx: &mut WriteTx,
    provenance: Provenance,
    writes: &[PostWrite],
) -> StoreResult<HashMap<(AccountId, String), i64>> {
    let now = secs(tx.now);
    let mut deltas = Deltas::new();
    let mut seen = Vec::new();
    let creates: Vec<(&AccountId, &PostInput, &PostScan)> = writes
        .iter()
        .filter_map(|w| match w {
            PostWrite::Create {
                account,
                input,
                scan,
            } => Some((account, input, scan)),
            _ => None,
        })
        .collect();
    let mut ids = HashMap::new();
    for chunk in creates.chunks(CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO posts (account_id, platform_post_id, published_at, day, title, body, url, kind, source, provenance, findings, flagged, blocked, deleted_at, first_seen_at, last_seen_at) VALUES ",
        );
        for (i, (account, p, scan)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(account.0)
                .push(", ")
                .bind(p.platform_post_id.as_str());
            q.push(", ").bind(secs(p.published_at));
            q.push(", ").bind(day(p.published_at).to_string());
            q.push(", ")
                .bind(p.title.as_str())
                .push(", ")
                .bind(p.text.as_str());
            q.push(", ")
                .bind(p.url.as_str())
                .push(", ")
                .bind(p.kind.code());
            q.push(", ")
                .bind(p.source.as_str())
                .push(", ")
                .bind(provenance.code());
            q.push(", ")
                .bind(scan.findings.as_str())
                .push(", ")
                .bind(scan.flagged);
            q.push(", ").bind(scan.blocked).push(", ");
            q.bind(p.deleted.then_some(now));
            q.push(", ").bind(now).push(", ").bind(now).push(")");
            count(&mut deltas, **account, p.published_at, p.kind, 1);
        }
        q.push(" RETURNING id, account_id, platform_post_id");
        for r in q.query()?.fetch_all(tx.conn()).await? {
            let key = (AccountId(r.try_get(1)?), r.try_get::<String, _>(2)?);
            ids.insert(key, r.try_get::<i64, _>(0)?);
        }
    }
    for w in writes {
        match w {
            PostWrite::Create { .. } => {}
            PostWrite::Seen { id } => seen.push(*id),
            PostWrite::Update {
                id,
                account,
                input: p,
                before,
                change,
                scan,
            } => {
                sqlx::query(
                    "INSERT INTO post_revisions (post_id, seen_at, change, title, body, url, kind, source, published_at, provenance) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(id)
                .bind(now)
                .bind(change.code())
                .bind(&before.title)
                .bind(&before.text)
                .bind(&before.url)
                .bind(before.kind.code())
                .bind(&before.source)
                .bind(secs(before.published_at))
                .bind(provenance.code())
                .execute(tx.conn())
                .await?;
                // An edit seen on a deleted post leaves it deleted.
                let deleted_at = (*change == PostChange::Deleted).then_some(now);
                let keep_deleted = *change == PostChange::Edited && before.deleted;
                let mut q = Sql::new("UPDATE posts SET published_at = ");
                q.bind(secs(p.published_at));
                q.push(", day = ").bind(day(p.published_at).to_string());
                q.push(", title = ").bind(p.title.as_str());
                q.push(", body = ").bind(p.text.as_str());
                q.push(", url = ").bind(p.url.as_str());
                q.push(", kind = ").bind(p.kind.code());
                q.push(", source = ").bind(p.source.as_str());
                q.push(", findings = ").bind(scan.findings.as_str());
                q.push(", flagged = ").bind(scan.flagged);
                q.push(", blocked = ").bind(scan.blocked);
                if !keep_deleted {
                    q.push(", deleted_at = ").bind(deleted_at);
                }
                q.push(", last_seen_at = ").bind(now);
                q.push(" WHERE id = ").bind(*id);
                q.query()?.execute(tx.conn()).await?;
                count(&mut deltas, *account, before.published_at, before.kind, -1);
                count(&mut deltas, *account, p.published_at, p.kind, 1);
            }
        }
    }
    touch(tx, "posts", &seen, now).await?;
    apply_rollups(tx, &deltas).await?;
    Ok(ids)
}

async fn touch(tx: &mut WriteTx, table: &str, ids: &[i64], now: i64) -> StoreResult<()> {
    for chunk in ids.chunks(CHUNK * 4) {
        let mut q = Sql::new(&format!("UPDATE {table} SET last_seen_at = "));
        q.bind(now).push(" WHERE id IN (");
        q.bind_list(chunk.iter().copied());
        q.push(")");
        q.query()?.execute(tx.conn()).await?;
    }
    Ok(())
}

async fn apply_rollups(tx: &mut WriteTx, deltas: &Deltas) -> StoreResult<()> {
    let rows: Vec<_> = deltas.iter().filter(|(_, d)| **d != (0, 0)).collect();
    let weeks: std::collections::BTreeSet<_> = rows
        .iter()
        .map(|((_, d), _)| govmedia_domain::monitoring::posts::monday_of(*d))
        .collect();
    crate::week_totals::forget_weeks(tx, &weeks).await?;
    for chunk in rows.chunks(CHUNK) {
        let mut q =
            Sql::new("INSERT INTO daily_rollups (account_id, day, originals, reposts) VALUES ");
        for (i, ((account, d), (o, r))) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(account.0).push(", ").bind(d.to_string());
            q.push(", ").bind(*o).push(", ").bind(*r).push(")");
        }
        q.push(
            " ON CONFLICT (account_id, day) DO UPDATE SET originals = daily_rollups.originals + excluded.originals, reposts = daily_rollups.reposts + excluded.reposts",
        );
        q.query()?.execute(tx.conn()).await?;
    }
    Ok(())
}

/// Writes the messages of one batch; returns the id of every created one.
pub async fn apply_messages(
    tx: &mut WriteTx,
    provenance: Provenance,
    writes: &[MessageWrite],
) -> StoreResult<HashMap<(AccountId, String), i64>> {
    let now = secs(tx.now);
    let creates: Vec<(&AccountId, &MessageInput)> = writes
        .iter()
        .filter_map(|w| match w {
            MessageWrite::Create { account, input } => Some((account, input)),
            _ => None,
        })
        .collect();
    let mut ids = HashMap::new();
    for chunk in creates.chunks(CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO messages (account_id, platform_message_id, received_at, body, channel, replied_at, reply_text, provenance, first_seen_at, last_seen_at) VALUES ",
        );
        for (i, (account, m)) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(account.0)
                .push(", ")
                .bind(m.platform_message_id.as_str());
            q.push(", ")
                .bind(secs(m.received_at))
                .push(", ")
                .bind(m.text.as_str());
            q.push(", ").bind(m.channel.code()).push(", ");
            q.bind(m.replied_at.map(secs))
                .push(", ")
                .bind(m.reply_text.as_str());
            q.push(", ").bind(provenance.code());
            q.push(", ").bind(now).push(", ").bind(now).push(")");
        }
        q.push(" RETURNING id, account_id, platform_message_id");
        for r in q.query()?.fetch_all(tx.conn()).await? {
            let key = (AccountId(r.try_get(1)?), r.try_get::<String, _>(2)?);
            ids.insert(key, r.try_get::<i64, _>(0)?);
        }
    }
    let mut seen = Vec::new();
    for w in writes {
        match w {
            MessageWrite::Create { .. } => {}
            MessageWrite::Seen { id } => seen.push(*id),
            MessageWrite::Update { id, input: m } => {
                let mut q = Sql::new("UPDATE messages SET received_at = ");
                q.bind(secs(m.received_at));
                q.push(", body = ").bind(m.text.as_str());
                q.push(", channel = ").bind(m.channel.code());
                q.push(", replied_at = ").bind(m.replied_at.map(secs));
                q.push(", reply_text = ").bind(m.reply_text.as_str());
                q.push(", last_seen_at = ").bind(now);
                q.push(" WHERE id = ").bind(*id);
                q.query()?.execute(tx.conn()).await?;
            }
        }
    }
    touch(tx, "messages", &seen, now).await?;
    Ok(ids)
}

/// Records that a source of kind `provenance` delivered for `accounts` now.
pub async fn record_deliveries(
    tx: &mut WriteTx,
    provenance: Provenance,
    accounts: &[AccountId],
) -> StoreResult<()> {
    let now = secs(tx.now);
    for chunk in accounts.chunks(CHUNK) {
        let mut q = Sql::new(
            "INSERT INTO account_deliveries (account_id, provenance, last_delivery_at) VALUES ",
        );
        for (i, a) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(a.0)
                .push(", ")
                .bind(provenance.code())
                .push(", ")
                .bind(now)
                .push(")");
        }
        q.push(
            " ON CONFLICT (account_id, provenance) DO UPDATE SET last_delivery_at = CASE WHEN excluded.last_delivery_at > account_deliveries.last_delivery_at THEN excluded.last_delivery_at ELSE account_deliveries.last_delivery_at END",
        );
        q.query()?.execute(tx.conn()).await?;
    }
    Ok(())
}
