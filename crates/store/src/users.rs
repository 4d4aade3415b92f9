//! Users, role assignments, login with lockout, passwords.

use crate::audit::{NewAudit, append};
use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::orgs::Actor;
use crate::scope_sql::push_scope;
use crate::secrets::{dummy_hash, hash_password, verify_password};
use crate::sql::Sql;
use govmedia_domain::audit::Outcome;
use govmedia_domain::auth::{Assignment, DataScope, Principal, Role, Scope};
use govmedia_domain::password::LockoutPolicy;
use govmedia_domain::{OrgId, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub must_change_password: bool,
    pub failed_attempts: i64,
    pub locked_until: Option<i64>,
    pub disabled: bool,
    pub password_changed_at: i64,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.org_id, o.name AS org_name, u.must_change_password, u.failed_attempts, u.locked_until, u.disabled, u.password_changed_at, u.last_login_at, u.created_at";

fn from_row(r: &AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: UserId(r.try_get("id")?),
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        org_id: OrgId(r.try_get("org_id")?),
        org_name: r.try_get("org_name")?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        failed_attempts: r.try_get("failed_attempts")?,
        locked_until: r.try_get("locked_until")?,
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        password_changed_at: r.try_get("password_changed_at")?,
        last_login_at: r.try_get("last_login_at")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A user to create. The password must already satisfy the policy.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_id: OrgId,
    pub password: String,
    pub must_change_password: bool,
    pub roles: Vec<(Role, DataScope)>,
}

/// Usernames: 3–32 lowercase letters, digits, `_`, `.` or `-`.
pub fn valid_username(s: &str) -> bool {
    (3..=32).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
}

/// How a login attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginOutcome {
    Ok {
        user_id: UserId,
        must_change_password: bool,
    },
    BadCredentials,
    Locked {
        until: i64,
    },
    Disabled,
}

/// The answer to a confirmation of the current password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfirmOutcome {
    Ok,
    Wrong,
    /// Locked now or already: every session of the user has ended.
    Locked,
}

async fn end_sessions(tx: &mut crate::db::WriteTx, user_id: UserId) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id.0)
        .execute(tx.conn())
        .await?;
    Ok(())
}

impl Store {
    pub async fn create_user(&self, actor: &Actor, u: &NewUser) -> StoreResult<UserId> {
        if govmedia_domain::text::clean_line(&u.display_name).as_deref()
            != Ok(u.display_name.as_str())
        {
            return Err(StoreError::invalid(
                "invalid_characters",
                "姓名含有不可见的控制字符，或首尾有空格",
            ));
        }
        if !valid_username(&u.username) {
            return Err(StoreError::conflict(
                "invalid_username",
                "用户名须为3至32位小写字母、数字或 _ . -",
            ));
        }
        let hash = hash_password(&u.password).map_err(StoreError::Other)?;
        let mut tx = self.begin_write().await?;
        let exists: i64 = sqlx::query("SELECT COUNT(*) FROM users WHERE username = $1")
            .bind(&u.username)
            .fetch_one(tx.conn())
            .await?
            .try_get(0)?;
        if exists > 0 {
            return Err(StoreError::conflict(
                "username_taken",
                format!("用户名“{}”已存在", u.username),
            ));
        }
        let now = self.now().timestamp();
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, display_name, org_id, password_hash, must_change_password, password_changed_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING id",
        )
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(u.org_id.0)
        .bind(hash)
        .bind(i64::from(u.must_change_password))
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
        for (role, scope) in &u.roles {
            sqlx::query(
                "INSERT INTO role_assignments (user_id, role, scope, org_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(role.code())
            .bind(scope.code())
            .bind(u.org_id.0)
            .execute(tx.conn())
            .await?;
        }
        let mut a = actor.audit("user.create", "user", id);
        a.detail = serde_json::json!({
            "username": u.username,
            "org_id": u.org_id.0,
            "roles": u.roles.iter().map(|(r, s)| format!("{}:{}", r.code(), s.code())).collect::<Vec<_>>(),
        })
        .to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(UserId(id))
    }

    pub async fn user(&self, id: UserId) -> StoreResult<UserRecord> {
        let r = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    pub async fn user_by_username(&self, username: &str) -> StoreResult<UserRecord> {
        let r = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    /// Users whose org lies within `scope`, by org path then username.
    pub async fn users_in_scope(&self, scope: &Scope) -> StoreResult<Vec<UserRecord>> {
        let mut q = Sql::new(&format!(
            "SELECT {USER_COLUMNS} FROM users u JOIN orgs o ON o.id = u.org_id WHERE 1 = 1"
        ));
        push_scope(&mut q, scope, "o.id", "o.path");
        q.push(" ORDER BY o.path, u.username");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// Role assignments of a user, with the anchor org's path.
    pub async fn assignments(&self, user_id: UserId) -> StoreResult<Vec<Assignment>> {
        let rows = sqlx::query(
            "SELECT a.role, a.scope, a.org_id, o.path FROM role_assignments a
             JOIN orgs o ON o.id = a.org_id WHERE a.user_id = $1 ORDER BY a.id",
        )
        .bind(user_id.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let role: String = r.try_get(0)?;
            let scope: String = r.try_get(1)?;
            // Unknown codes grant nothing (default deny).
            if let (Some(role), Some(scope)) = (Role::parse(&role), DataScope::parse(&scope)) {
                out.push(Assignment {
                    role,
                    scope,
                    org_id: OrgId(r.try_get(2)?),
                    org_path: r.try_get(3)?,
                });
            }
        }
        Ok(out)
    }

    /// Everything authorization needs about a user.
    pub async fn principal(&self, user_id: UserId) -> StoreResult<Principal> {
        let u = self.user(user_id).await?;
        self.principal_of(u).await
    }

    /// The principal of a user record already loaded (one query less on
    /// every authenticated request).
    pub async fn principal_of(&self, u: UserRecord) -> StoreResult<Principal> {
        let user_id = u.id;
        Ok(Principal {
            user_id: u.id,
            username: u.username,
            display_name: u.display_name,
            org_id: u.org_id,
            org_name: u.org_name,
            assignments: self.assignments(user_id).await?,
            restrict_path: None,
        })
    }

    /// Checks a username and password, applying the lockout policy, and
    /// records the attempt (with its IP) in the audit log.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: &str,
        policy: &LockoutPolicy,
    ) -> StoreResult<LoginOutcome> {
        let now = self.now().timestamp();
        let row = sqlx::query(
            "SELECT id, org_id, password_hash, locked_until, disabled, must_change_password FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        let mut entry = NewAudit {
            username: username.chars().take(64).collect(),
            action: "auth.login".into(),
            target_type: "user".into(),
            ip: ip.into(),
            ..Default::default()
        };
        let Some(row) = row else {
            // Spend the same time as a real check so usernames cannot be probed.
            let _ = verify_password(password, dummy_hash());
            entry.outcome = Some(Outcome::Failure);
            entry.detail = "{\"reason\":\"unknown_user\"}".into();
            self.audit(entry).await?;
            return Ok(LoginOutcome::BadCredentials);
        };
        let id: i64 = row.try_get(0)?;
        let hash: String = row.try_get(2)?;
        let locked_until: Option<i64> = row.try_get(3)?;
        entry.user_id = Some(id);
        entry.org_id = Some(row.try_get(1)?);
        entry.target_id = id.to_string();
        if row.try_get::<i64, _>(4)? != 0 {
            // Same time as a real check: a refusal must not tell a
            // disabled or locked account from a wrong password.
            let _ = verify_password(password, dummy_hash());
            entry.outcome = Some(Outcome::Denied);
            entry.detail = "{\"reason\":\"disabled\"}".into();
            self.audit(entry).await?;
            return Ok(LoginOutcome::Disabled);
        }
        if let Some(until) = locked_until.filter(|_| policy.is_locked(locked_until, now)) {
            let _ = verify_password(password, dummy_hash());
            entry.outcome = Some(Outcome::Denied);
            entry.detail = "{\"reason\":\"locked\"}".into();
            self.audit(entry).await?;
            return Ok(LoginOutcome::Locked { until });
        }
        let mut tx = self.begin_write().await?;
        // Claim the attempt before checking the password, inside the write
        // transaction: a row that is locked (or becomes locked by a
        // concurrent failure) yields nothing, so parallel guesses cannot get
        // past the limit.
        let claimed = sqlx::query(
            "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_attempts",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        let Some(claimed) = claimed else {
            // Locked by a concurrent failure: same time as a real check.
            let _ = verify_password(password, dummy_hash());
            let until: i64 = sqlx::query("SELECT locked_until FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(tx.conn())
                .await?
                .try_get::<Option<i64>, _>(0)?
                .unwrap_or(now);
            entry.outcome = Some(Outcome::Denied);
            entry.detail = "{\"reason\":\"locked\"}".into();
            append(&mut tx, entry).await?;
            tx.commit().await?;
            return Ok(LoginOutcome::Locked { until });
        };
        let n: i64 = claimed.try_get(0)?;
        if verify_password(password, &hash) {
            sqlx::query(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(id)
            .execute(tx.conn())
            .await?;
            entry.outcome = Some(Outcome::Success);
            append(&mut tx, entry).await?;
            tx.commit().await?;
            return Ok(LoginOutcome::Ok {
                user_id: UserId(id),
                must_change_password: row.try_get::<i64, _>(5)? != 0,
            });
        }
        let outcome = policy.on_failure(n - 1, now);
        let result = if let Some(until) = outcome.locked_until {
            sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = $1 WHERE id = $2")
                .bind(until)
                .bind(id)
                .execute(tx.conn())
                .await?;
            entry.detail = format!("{{\"reason\":\"bad_password\",\"locked_until\":{until}}}");
            LoginOutcome::Locked { until }
        } else {
            entry.detail = format!("{{\"reason\":\"bad_password\",\"failures\":{n}}}");
            LoginOutcome::BadCredentials
        };
        entry.outcome = Some(Outcome::Failure);
        append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Confirms a signed-in user's current password (before a password
    /// change). A wrong one counts toward the same lockout as a failed
    /// login; the failure that locks the account also ends every session
    /// of the user. Claimed like a login attempt, so parallel guesses
    /// cannot pass the limit.
    pub async fn confirm_password(
        &self,
        actor: &Actor,
        user_id: UserId,
        password: &str,
        policy: &LockoutPolicy,
    ) -> StoreResult<ConfirmOutcome> {
        let mut tx = self.begin_write().await?;
        let now = tx.now.timestamp();
        let claimed = sqlx::query(
            "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2) RETURNING failed_attempts, password_hash",
        )
        .bind(user_id.0)
        .bind(now)
        .fetch_optional(tx.conn())
        .await?;
        let mut entry = actor.audit("user.password", "user", user_id.0);
        entry.outcome = Some(Outcome::Failure);
        let Some(claimed) = claimed else {
            let _ = verify_password(password, dummy_hash());
            entry.detail = "{\"reason\":\"locked\"}".into();
            end_sessions(&mut tx, user_id).await?;
            append(&mut tx, entry).await?;
            tx.commit().await?;
            return Ok(ConfirmOutcome::Locked);
        };
        let n: i64 = claimed.try_get(0)?;
        let hash: String = claimed.try_get(1)?;
        if verify_password(password, &hash) {
            sqlx::query("UPDATE users SET failed_attempts = 0 WHERE id = $1")
                .bind(user_id.0)
                .execute(tx.conn())
                .await?;
            tx.commit().await?;
            return Ok(ConfirmOutcome::Ok);
        }
        let result = match policy.on_failure(n - 1, now).locked_until {
            Some(until) => {
                sqlx::query(
                    "UPDATE users SET failed_attempts = 0, locked_until = $1 WHERE id = $2",
                )
                .bind(until)
                .bind(user_id.0)
                .execute(tx.conn())
                .await?;
                end_sessions(&mut tx, user_id).await?;
                entry.detail =
                    format!("{{\"reason\":\"wrong_current_password\",\"locked_until\":{until}}}");
                ConfirmOutcome::Locked
            }
            None => {
                entry.detail =
                    format!("{{\"reason\":\"wrong_current_password\",\"failures\":{n}}}");
                ConfirmOutcome::Wrong
            }
        };
        append(&mut tx, entry).await?;
        tx.commit().await?;
        Ok(result)
    }

    /// Checks a user's current password without counting failures (used to
    /// confirm a password change).
    pub async fn check_password(&self, user_id: UserId, password: &str) -> StoreResult<bool> {
        let hash: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get(0)?;
        Ok(verify_password(password, &hash))
    }

    /// Sets a new password. `must_change` forces another change at next
    /// login (an administrator's reset). Ends the user's other sessions.
    pub async fn set_password(
        &self,
        actor: &Actor,
        user_id: UserId,
        password: &str,
        must_change: bool,
        keep_session_id: Option<i64>,
    ) -> StoreResult<()> {
        if self.check_password(user_id, password).await? {
            return Err(StoreError::conflict(
                "password_reused",
                "新密码不能与当前密码相同",
            ));
        }
        let hash = hash_password(password).map_err(StoreError::Other)?;
        let now = self.now().timestamp();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, updated_at = $3 WHERE id = $4",
        )
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(now)
        .bind(user_id.0)
        .execute(tx.conn())
        .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id.0)
            .bind(keep_session_id.unwrap_or(0))
            .execute(tx.conn())
            .await?;
        if must_change {
            // An administrator's reset (e.g. a suspected compromise) also
            // revokes the user's API tokens.
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(user_id.0)
            .execute(tx.conn())
            .await?;
        }
        append(&mut tx, actor.audit("user.password", "user", user_id.0)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Locks a user until `until` (Unix seconds) and ends their sessions.
    pub async fn lock_user(&self, actor: &Actor, user_id: UserId, until: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("UPDATE users SET locked_until = $1 WHERE id = $2")
            .bind(until)
            .bind(user_id.0)
            .execute(tx.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.0)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(self.now().timestamp())
        .bind(user_id.0)
        .execute(tx.conn())
        .await?;
        append(&mut tx, actor.audit("user.lock", "user", user_id.0)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn unlock_user(&self, actor: &Actor, user_id: UserId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let n =
            sqlx::query("UPDATE users SET locked_until = NULL, failed_attempts = 0 WHERE id = $1")
                .bind(user_id.0)
                .execute(tx.conn())
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, actor.audit("user.unlock", "user", user_id.0)).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn user_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(valid_username("nc_editor"));
        assert!(!valid_username("NC"));
        assert!(!valid_username("a b c"));
        assert!(!valid_username("张三丰"));
    }
}
