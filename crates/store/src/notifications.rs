//! In-app notifications. Raising one is idempotent: a (user, workflow,
//! kind) notification exists once, however often it is raised.

use crate::db::Store;
use crate::error::StoreResult;
use govmedia_domain::auth::Principal;
use govmedia_domain::{FilingId, UserId};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i64,
    pub workflow_id: i64,
    pub kind: String,
    pub message: String,
    pub created_at: i64,
}

impl Store {
    pub async fn unread_notifications(&self, user: UserId) -> StoreResult<Vec<Notification>> {
        let rows = sqlx::query(
            "SELECT id, workflow_id, kind, message, created_at FROM notifications WHERE user_id = $1 AND read_at IS NULL ORDER BY id DESC LIMIT 100",
        )
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(Notification {
                id: r.try_get(0)?,
                workflow_id: r.try_get(1)?,
                kind: r.try_get(2)?,
                message: r.try_get(3)?,
                created_at: r.try_get(4)?,
            });
        }
        Ok(out)
    }

    pub async fn mark_notifications_read(&self, user: UserId) -> StoreResult<()> {
        let _w = self.write_guard().await;
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(self.now().timestamp())
            .bind(user.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Raises notifications; a (user, workflow, kind) triple is raised
    /// once however often it is asked for. Returns how many were new.
    pub async fn raise_notifications(&self, items: &[NewNotification]) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let now = tx.now.timestamp();
        let mut created = 0;
        for n in items {
            created += sqlx::query(
                "INSERT INTO notifications (user_id, workflow_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (user_id, workflow_id, kind) DO NOTHING",
            )
            .bind(n.user.0)
            .bind(n.workflow.0)
            .bind(n.kind)
            .bind(&n.message)
            .bind(now)
            .execute(tx.conn())
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(created)
    }

    /// The principals of every user who is not disabled.
    pub async fn active_principals(&self) -> StoreResult<Vec<Principal>> {
        let ids: Vec<i64> = sqlx::query("SELECT id FROM users WHERE disabled = 0 ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.principal(UserId(id)).await?);
        }
        Ok(out)
    }
}

/// A notification to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user: UserId,
    pub workflow: FilingId,
    pub kind: &'static str,
    pub message: String,
}
