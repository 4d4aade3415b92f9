//! In-app notifications, and the daily job that raises them for filings
//! due soon or overdue. The job is idempotent: a (user, workflow, kind)
//! notification is raised once, however often the job runs.

use crate::db::Store;
use crate::error::StoreResult;
use chrono::NaiveDate;
use govmedia_domain::UserId;
use govmedia_domain::auth::{Permission, Scope};
use govmedia_domain::calendar::Calendar;
use govmedia_domain::workflow::{Urgency, urgency};
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

    /// One run of the daily reminder job for `today`: every filing still to
    /// be submitted that is due within two working days or overdue raises
    /// a notification for each user who can submit it. Returns how many
    /// notifications were new.
    pub async fn run_deadline_reminders(
        &self,
        today: NaiveDate,
        cal: &Calendar,
    ) -> StoreResult<u64> {
        let open = self
            .workflows(
                &Scope::All { within: None },
                &crate::workflows::WorkflowFilter {
                    open_only: true,
                    ..Default::default()
                },
            )
            .await?;
        let pending: Vec<_> = open.into_iter().filter(|w| w.filing_pending()).collect();
        if pending.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = sqlx::query("SELECT id FROM users WHERE disabled = 0")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        let mut principals = Vec::new();
        for id in ids {
            principals.push(self.principal(UserId(id)).await?);
        }
        let now = self.now().timestamp();
        let mut created = 0;
        for w in pending {
            let Some(due) = w.due_date() else { continue };
            let (kind, message) = match urgency(cal, today, due) {
                Urgency::Overdue => (
                    "overdue",
                    format!("“{}”的备案已于 {due} 逾期，请尽快报送", w.title),
                ),
                Urgency::DueSoon => (
                    "due_soon",
                    format!("“{}”最迟须于 {due}（含当日）报送备案", w.title),
                ),
                Urgency::Normal => continue,
            };
            let _w = self.write_guard().await;
            for p in principals
                .iter()
                .filter(|p| p.allows_org(Permission::FilingSubmit, w.host_org_id, &w.host_org_path))
            {
                created += sqlx::query(
                    "INSERT INTO notifications (user_id, workflow_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (user_id, workflow_id, kind) DO NOTHING",
                )
                .bind(p.user_id.0)
                .bind(w.id)
                .bind(kind)
                .bind(&message)
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected();
            }
        }
        Ok(created)
    }
}
