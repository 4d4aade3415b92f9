//! Imports of the platforms' exports: the uploaded file kept between the
//! preview and the import, and the column mapping an org last used per
//! platform and kind. The rows themselves are stored by the ingest.

use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::monitoring_ingest::secs;
use crate::orgs::Actor;
use govmedia_domain::AccountId;
use govmedia_domain::OrgId;
use govmedia_domain::monitoring::import::{Field, ImportKind, Mapping};
use sqlx::Row;
use std::collections::BTreeMap;

/// How long an upload waits for its import.
pub const UPLOAD_KEEP_SECS: i64 = 24 * 3600;

/// A file kept for its import.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub account: AccountId,
    pub kind: ImportKind,
    pub filename: String,
    pub data: Vec<u8>,
}

impl Store {
    /// Keeps an uploaded export for the user who sent it (and drops the
    /// uploads nobody imported within a day).
    pub async fn save_upload(
        &self,
        actor: &Actor,
        account: AccountId,
        kind: ImportKind,
        filename: &str,
        data: &[u8],
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        sqlx::query("DELETE FROM import_uploads WHERE uploaded_at < $1")
            .bind(now - UPLOAD_KEEP_SECS)
            .execute(tx.conn())
            .await?;
        let id: i64 = sqlx::query(
            "INSERT INTO import_uploads (account_id, kind, filename, data, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(account.0)
        .bind(kind.code())
        .bind(filename)
        .bind(data.to_vec())
        .bind(&actor.username)
        .bind(now)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
        tx.commit().await?;
        Ok(id)
    }

    /// The upload `id` of this user, if still kept.
    pub async fn upload(&self, actor: &Actor, id: i64) -> StoreResult<Upload> {
        let r = sqlx::query(
            "SELECT id, account_id, kind, filename, data FROM import_uploads WHERE id = $1 AND uploaded_by = $2 AND uploaded_at >= $3",
        )
        .bind(id)
        .bind(&actor.username)
        .bind(secs(self.now()) - UPLOAD_KEEP_SECS)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::invalid("upload_expired", "上传的文件已过期或不存在，请重新上传"))?;
        Ok(Upload {
            id: r.try_get(0)?,
            account: AccountId(r.try_get(1)?),
            kind: crate::filings::decode(&r, "kind", ImportKind::parse)?,
            filename: r.try_get(3)?,
            data: r.try_get(4)?,
        })
    }

    pub async fn delete_upload(&self, id: i64) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM import_uploads WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.commit().await
    }

    /// The mapping an org last imported this platform's exports with.
    pub async fn import_mapping(
        &self,
        org: OrgId,
        platform: &str,
        kind: ImportKind,
    ) -> StoreResult<Option<Mapping>> {
        let r = sqlx::query(
            "SELECT mapping FROM import_mappings WHERE org_id = $1 AND platform = $2 AND kind = $3",
        )
        .bind(org.0)
        .bind(platform)
        .bind(kind.code())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        let json: String = r.try_get(0)?;
        let by_code: BTreeMap<String, String> = serde_json::from_str(&json).unwrap_or_default();
        Ok(Some(
            by_code
                .into_iter()
                .filter_map(|(f, h)| Field::parse(&f).map(|f| (f, h)))
                .collect(),
        ))
    }

    pub async fn set_import_mapping(
        &self,
        actor: &Actor,
        org: OrgId,
        platform: &str,
        kind: ImportKind,
        m: &Mapping,
    ) -> StoreResult<()> {
        let by_code: BTreeMap<&str, &str> = m.iter().map(|(f, h)| (f.code(), h.as_str())).collect();
        let json = serde_json::to_string(&by_code).unwrap_or_default();
        let mut tx = self.begin_write().await?;
        let now = secs(tx.now);
        sqlx::query(
            "INSERT INTO import_mappings (org_id, platform, kind, mapping, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (org_id, platform, kind) DO UPDATE SET mapping = excluded.mapping, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(org.0)
        .bind(platform)
        .bind(kind.code())
        .bind(json)
        .bind(&actor.username)
        .bind(now)
        .execute(tx.conn())
        .await?;
        tx.commit().await
    }
}
