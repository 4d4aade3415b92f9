//! The background re-scan of stored posts: which scanner fingerprint is
//! being applied and how far it has come, the posts to scan next (by id),
//! and writing their new findings. What to scan and when is decided in
//! `app::monitoring_rescan`.

use crate::db::Store;
use crate::error::StoreResult;
use crate::monitoring_ingest::{PostScan, from_secs, secs};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// The re-scan's progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RescanState {
    pub fingerprint: String,
    /// The last post id scanned.
    pub cursor_id: i64,
    pub scanned: i64,
    pub changed: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A stored post as the scanner reads it.
#[derive(Debug, Clone)]
pub struct PostToScan {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub kind: String,
    pub source: String,
    pub findings: String,
}

impl Store {
    pub async fn rescan_state(&self) -> StoreResult<Option<RescanState>> {
        let r = sqlx::query(
            "SELECT fingerprint, cursor_id, scanned, changed, started_at, finished_at FROM post_rescans WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        r.map(|r| {
            Ok(RescanState {
                fingerprint: r.try_get(0)?,
                cursor_id: r.try_get(1)?,
                scanned: r.try_get(2)?,
                changed: r.try_get(3)?,
                started_at: from_secs(r.try_get(4)?),
                finished_at: r.try_get::<Option<i64>, _>(5)?.map(from_secs),
            })
        })
        .transpose()
    }

    /// Starts over with a new fingerprint, from the first post.
    pub async fn start_rescan(&self, fingerprint: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        sqlx::query(
            "INSERT INTO post_rescans (id, fingerprint, cursor_id, scanned, changed, started_at, finished_at) VALUES (1, $1, 0, 0, 0, $2, NULL) \
             ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, cursor_id = 0, scanned = 0, changed = 0, started_at = excluded.started_at, finished_at = NULL",
        )
        .bind(fingerprint)
        .bind(now)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }

    /// The next posts after `cursor`, in id order.
    pub async fn posts_after(&self, cursor: i64, limit: i64) -> StoreResult<Vec<PostToScan>> {
        let rows = sqlx::query(
            "SELECT id, title, body, kind, source, findings FROM posts WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(cursor)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PostToScan {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    body: r.try_get(2)?,
                    kind: r.try_get(3)?,
                    source: r.try_get(4)?,
                    findings: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Writes the changed findings of one batch and moves the cursor, in
    /// one transaction, unless another fingerprint has started since.
    /// Returns whether the batch was applied.
    pub async fn apply_rescan(
        &self,
        fingerprint: &str,
        scanned: i64,
        changes: &[(i64, PostScan)],
        cursor: i64,
        done: bool,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        let moved = sqlx::query(
            "UPDATE post_rescans SET cursor_id = $1, scanned = scanned + $2, changed = changed + $3, finished_at = $4 WHERE id = 1 AND fingerprint = $5",
        )
        .bind(cursor)
        .bind(scanned)
        .bind(changes.len() as i64)
        .bind(done.then_some(now))
        .bind(fingerprint)
        .execute(tx.conn())
        .await?
        .rows_affected();
        if moved == 0 {
            return Ok(false);
        }
        for (id, s) in changes {
            sqlx::query("UPDATE posts SET findings = $1, flagged = $2, blocked = $3 WHERE id = $4")
                .bind(&s.findings)
                .bind(s.flagged)
                .bind(s.blocked)
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
