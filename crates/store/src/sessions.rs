//! Login sessions (browser and API) and long-lived API tokens. Only hashes
//! of tokens are stored.

use crate::audit::append;
use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::orgs::Actor;
use crate::secrets::random_token;
use govmedia_domain::audit::token_hash;
use govmedia_domain::{OrgId, UserId};
use serde::Serialize;
use sqlx::Row;

/// A live session found by its token.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id: i64,
    pub user_id: UserId,
    pub kind: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// A freshly created session; the token is never stored in clear.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: i64,
    pub token: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub user_id: UserId,
    pub username: String,
    pub org_id: OrgId,
    pub org_name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// What an API token stands for when presented.
#[derive(Debug, Clone)]
pub struct TokenGrant {
    pub token_id: i64,
    pub user_id: UserId,
    pub org_path: String,
}

/// How stale `last_seen_at` may get before a request refreshes it: an
/// idle timeout is therefore exact to within this many seconds.
pub const TOUCH_EVERY_SECS: i64 = 60;

impl Store {
    pub async fn create_session(
        &self,
        user_id: UserId,
        kind: &str,
        ip: &str,
        absolute_secs: i64,
    ) -> StoreResult<NewSession> {
        let token = random_token(32);
        let csrf_token = random_token(16);
        let now = self.now().timestamp();
        let expires_at = now + absolute_secs;
        let _w = self.write_guard().await;
        let id: i64 = sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, last_seen_at, expires_at, ip)
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING id",
        )
        .bind(token_hash(&token))
        .bind(user_id.0)
        .bind(kind)
        .bind(&csrf_token)
        .bind(now)
        .bind(expires_at)
        .bind(ip)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        Ok(NewSession {
            id,
            token,
            csrf_token,
            expires_at,
        })
    }

    /// Finds a live session and marks it used. A session idle for longer
    /// than `idle_secs`, or past its absolute expiry, is deleted and not
    /// returned. The idle clock lives in the database, so it holds across
    /// instances.
    pub async fn session(&self, token: &str, idle_secs: i64) -> StoreResult<Option<SessionInfo>> {
        let now = self.now().timestamp();
        let hash = token_hash(token);
        let Some(r) = sqlx::query(
            "SELECT id, user_id, kind, csrf_token, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = r.try_get(0)?;
        let last_seen: i64 = r.try_get(4)?;
        let expires_at: i64 = r.try_get(5)?;
        if now - last_seen > idle_secs || now >= expires_at {
            let _w = self.write_guard().await;
            sqlx::query("DELETE FROM sessions WHERE id = $1")
                .bind(id)
                .execute(&self.pool)
                .await?;
            return Ok(None);
        }
        // The idle clock is kept to the minute: a busy session writes once
        // a minute, not once per request (the write would serialize every
        // request of a SQLite server behind the writer lock).
        if now - last_seen >= TOUCH_EVERY_SECS {
            let _w = self.write_guard().await;
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(SessionInfo {
            id,
            user_id: UserId(r.try_get(1)?),
            kind: r.try_get(2)?,
            csrf_token: r.try_get(3)?,
            expires_at,
        }))
    }

    /// Ends a session and records the logout in one transaction.
    pub async fn logout(&self, actor: &Actor, session_id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_id)
            .execute(tx.conn())
            .await?;
        append(
            &mut tx,
            actor.audit("auth.logout", "user", actor.user_id.unwrap_or(0)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends the session a browser presents, if it still exists (a new
    /// login in the same browser replaces it).
    pub async fn delete_session_by_token(&self, token: &str) -> StoreResult<()> {
        let _w = self.write_guard().await;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id: i64) -> StoreResult<()> {
        let _w = self.write_guard().await;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Test hook and admin tool: moves a session's idle clock back.
    pub async fn age_session(&self, id: i64, secs: i64) -> StoreResult<()> {
        let _w = self.write_guard().await;
        sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - $1 WHERE id = $2")
            .bind(secs)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Creates an API token acting for `actor`'s user, limited to the
    /// subtree of `org_id`. Returns the record and the token, shown once.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: UserId,
        name: &str,
        org_id: OrgId,
    ) -> StoreResult<(i64, String)> {
        let prefix = random_token(4);
        let token = format!("gm_{prefix}_{}", random_token(24));
        let now = self.now().timestamp();
        let mut tx = self.begin_write().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO api_tokens (name, token_hash, prefix, user_id, org_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(name)
        .bind(token_hash(&token))
        .bind(&prefix)
        .bind(user_id.0)
        .bind(org_id.0)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
        let mut a = actor.audit("token.create", "api_token", id);
        a.detail =
            serde_json::json!({"name": name, "org_id": org_id.0, "prefix": prefix}).to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok((id, token))
    }

    /// Tokens created by `user_id`, or every token when None.
    pub async fn api_tokens(&self, user_id: Option<UserId>) -> StoreResult<Vec<ApiTokenRecord>> {
        let rows = sqlx::query(
            "SELECT t.id, t.name, t.prefix, t.user_id, u.username, t.org_id, o.name AS org_name, t.created_at, t.last_used_at, t.revoked_at
             FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN orgs o ON o.id = t.org_id
             WHERE ($1 = 0 OR t.user_id = $1) ORDER BY t.id DESC",
        )
        .bind(user_id.map(|u| u.0).unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            out.push(ApiTokenRecord {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                prefix: r.try_get(2)?,
                user_id: UserId(r.try_get(3)?),
                username: r.try_get(4)?,
                org_id: OrgId(r.try_get(5)?),
                org_name: r.try_get(6)?,
                created_at: r.try_get(7)?,
                last_used_at: r.try_get(8)?,
                revoked_at: r.try_get(9)?,
            });
        }
        Ok(out)
    }

    /// Revokes a token. `owner` limits it to that user's own tokens.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: i64,
        owner: Option<UserId>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND ($3 = 0 OR user_id = $3)",
        )
        .bind(self.now().timestamp())
        .bind(id)
        .bind(owner.map(|u| u.0).unwrap_or(0))
        .execute(tx.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append(&mut tx, actor.audit("token.revoke", "api_token", id)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Resolves a presented API token, if it exists and is not revoked.
    pub async fn api_token_grant(&self, token: &str) -> StoreResult<Option<TokenGrant>> {
        let Some(r) = sqlx::query(
            "SELECT t.id, t.user_id, o.path FROM api_tokens t JOIN orgs o ON o.id = t.org_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = r.try_get(0)?;
        let _w = self.write_guard().await;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(self.now().timestamp())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(Some(TokenGrant {
            token_id: id,
            user_id: UserId(r.try_get(1)?),
            org_path: r.try_get(2)?,
        }))
    }
}
