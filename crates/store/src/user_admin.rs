//! Administering users beyond creation: editing a user's name, unit and
//! role, and disabling or re-enabling them. Either ends the user's
//! sessions (their rights changed) and is audited.

use crate::audit::append;
use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::orgs::Actor;
use govmedia_domain::auth::{DataScope, Role};
use govmedia_domain::{OrgId, UserId};
use sqlx::Row;

/// A user's editable record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEdit {
    pub display_name: String,
    pub org_id: OrgId,
    pub role: Role,
    pub scope: DataScope,
}

impl Store {
    /// Replaces a user's name, unit and role (one assignment, at the new
    /// unit), ends their sessions and revokes their API tokens when the
    /// rights change.
    pub async fn update_user(&self, actor: &Actor, id: UserId, e: &UserEdit) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let before = sqlx::query("SELECT display_name, org_id FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let (old_name, old_org): (String, i64) = (before.try_get(0)?, before.try_get(1)?);
        let roles_before: Vec<String> = sqlx::query(
            "SELECT role, scope FROM role_assignments WHERE user_id = $1 ORDER BY role",
        )
        .bind(id.0)
        .fetch_all(tx.conn())
        .await?
        .iter()
        .map(|r| -> Result<String, sqlx::Error> {
            Ok(format!(
                "{}:{}",
                r.try_get::<String, _>(0)?,
                r.try_get::<String, _>(1)?
            ))
        })
        .collect::<Result<_, _>>()?;
        let role_after = format!("{}:{}", e.role.code(), e.scope.code());
        let rights_change = old_org != e.org_id.0 || roles_before != [role_after.clone()];
        let now = tx.now.timestamp();
        sqlx::query(
            "UPDATE users SET display_name = $1, org_id = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(&e.display_name)
        .bind(e.org_id.0)
        .bind(now)
        .bind(id.0)
        .execute(tx.conn())
        .await?;
        if rights_change {
            sqlx::query("DELETE FROM role_assignments WHERE user_id = $1")
                .bind(id.0)
                .execute(tx.conn())
                .await?;
            sqlx::query(
                "INSERT INTO role_assignments (user_id, role, scope, org_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(id.0)
            .bind(e.role.code())
            .bind(e.scope.code())
            .bind(e.org_id.0)
            .execute(tx.conn())
            .await?;
            end_access(&mut tx, id, now).await?;
        }
        let mut changes = serde_json::Map::new();
        if old_name != e.display_name {
            changes.insert(
                "display_name".into(),
                serde_json::json!([old_name, e.display_name]),
            );
        }
        if old_org != e.org_id.0 {
            changes.insert("org_id".into(), serde_json::json!([old_org, e.org_id.0]));
        }
        if roles_before != [role_after.clone()] {
            changes.insert(
                "roles".into(),
                serde_json::json!([roles_before, [role_after]]),
            );
        }
        let mut a = actor.audit("user.update", "user", id.0);
        a.detail = serde_json::Value::Object(changes).to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables (or re-enables) a user. A disabled user cannot sign in;
    /// their sessions end and their API tokens are revoked at once.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        id: UserId,
        disabled: bool,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = tx.now.timestamp();
        let n = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(now)
            .bind(id.0)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            end_access(&mut tx, id, now).await?;
        }
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        append(&mut tx, actor.audit(action, "user", id.0)).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Ends every session of the user and revokes their API tokens.
async fn end_access(tx: &mut crate::db::WriteTx, id: UserId, now: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id.0)
        .execute(tx.conn())
        .await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(id.0)
        .execute(tx.conn())
        .await?;
    Ok(())
}
