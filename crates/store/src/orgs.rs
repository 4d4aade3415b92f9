//! The org tree with materialized paths.

use crate::audit::{NewAudit, append};
use crate::db::{Store, WriteTx};
use crate::error::{StoreError, StoreResult};
use crate::scope_sql::push_scope;
use crate::sql::{Sql, like_escape};
use govmedia_domain::OrgId;
use govmedia_domain::auth::Scope;
use govmedia_domain::org::{
    OrgDesignation, OrgInput, OrgKind, OrgLevel, child_path, path_ids, supervising_department,
};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Serialize)]
pub struct OrgRecord {
    pub id: OrgId,
    pub parent_id: Option<OrgId>,
    pub name: String,
    pub kind: OrgKind,
    pub level: OrgLevel,
    pub region: String,
    pub path: String,
    pub is_publicity_center: bool,
    pub is_supervising: bool,
    pub sort_order: i64,
}

impl OrgRecord {
    pub fn depth(&self) -> usize {
        path_ids(&self.path).len().saturating_sub(1)
    }
}

pub(crate) const ORG_COLUMNS: &str = "o.id, o.parent_id, o.name, o.kind, o.level, o.region, o.path, o.is_publicity_center, o.is_supervising, o.sort_order";

fn from_row(r: &AnyRow) -> Result<OrgRecord, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let level: String = r.try_get("level")?;
    Ok(OrgRecord {
        id: OrgId(r.try_get("id")?),
        parent_id: r.try_get::<Option<i64>, _>("parent_id")?.map(OrgId),
        name: r.try_get("name")?,
        kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Organ),
        level: OrgLevel::parse(&level).unwrap_or(OrgLevel::County),
        region: r.try_get("region")?,
        path: r.try_get("path")?,
        is_publicity_center: r.try_get::<i64, _>("is_publicity_center")? != 0,
        is_supervising: r.try_get::<i64, _>("is_supervising")? != 0,
        sort_order: r.try_get("sort_order")?,
    })
}

/// Who performs a change, for the audit entry.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub org_id: Option<i64>,
    pub ip: String,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            username: "system".into(),
            ..Default::default()
        }
    }

    pub fn audit(&self, action: &str, target_type: &str, target_id: impl ToString) -> NewAudit {
        NewAudit {
            user_id: self.user_id,
            username: self.username.clone(),
            org_id: self.org_id,
            action: action.into(),
            target_type: target_type.into(),
            target_id: target_id.to_string(),
            outcome: None,
            ip: self.ip.clone(),
            detail: String::new(),
        }
    }
}

impl Store {
    /// All orgs within `scope`, ordered for a tree walk.
    /// Every list page's org filter asks for this, so it is cached (see
    /// `cache`).
    pub async fn orgs_in_scope(&self, scope: &Scope) -> StoreResult<Vec<OrgRecord>> {
        let orgs = self
            .cached(format!("orgs:{scope:?}"), || async {
                let mut q = Sql::new(&format!("SELECT {ORG_COLUMNS} FROM orgs o WHERE 1 = 1"));
                push_scope(&mut q, scope, "o.id", "o.path");
                q.push(" ORDER BY o.path");
                let rows = q.query()?.fetch_all(&self.pool).await?;
                Ok(rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?)
            })
            .await?;
        Ok(orgs.as_ref().clone())
    }

    /// Loads one org without a scope check (for internal rules only).
    pub async fn org(&self, id: OrgId) -> StoreResult<OrgRecord> {
        let r = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM orgs o WHERE o.id = $1"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    /// Loads one org if it lies within `scope`.
    pub async fn org_scoped(&self, scope: &Scope, id: OrgId) -> StoreResult<OrgRecord> {
        let mut q = Sql::new(&format!("SELECT {ORG_COLUMNS} FROM orgs o WHERE o.id = "));
        q.bind(id.0);
        push_scope(&mut q, scope, "o.id", "o.path");
        let r = q
            .query()?
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    pub async fn org_by_name(&self, name: &str) -> StoreResult<OrgRecord> {
        let r = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM orgs o WHERE o.name = $1 ORDER BY o.id LIMIT 1"
        ))
        .bind(name)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    /// The org and its ancestors, root first.
    pub async fn org_chain(&self, id: OrgId) -> StoreResult<Vec<OrgRecord>> {
        let org = self.org(id).await?;
        let mut chain = Vec::new();
        for aid in path_ids(&org.path) {
            chain.push(self.org(aid).await?);
        }
        Ok(chain)
    }

    /// The org's supervising department (see the domain rule).
    pub async fn supervising_department(&self, id: OrgId) -> StoreResult<Option<OrgRecord>> {
        let chain = self.org_chain(id).await?;
        let designations: Vec<OrgDesignation> = chain
            .iter()
            .map(|o| OrgDesignation {
                id: o.id,
                supervising: o.is_supervising,
            })
            .collect();
        Ok(supervising_department(&designations)
            .and_then(|sid| chain.into_iter().find(|o| o.id == sid)))
    }

    /// Creates an org under its parent and records it in the audit log.
    pub async fn create_org(
        &self,
        actor: &Actor,
        input: &OrgInput,
        is_publicity_center: bool,
    ) -> StoreResult<OrgId> {
        let mut tx = self.begin_write().await?;
        let id = insert_org(&mut tx, input, is_publicity_center).await?;
        let mut a = actor.audit("org.create", "org", id.0);
        a.detail = format!(
            "{{\"name\":{}}}",
            serde_json::Value::from(input.name.clone())
        );
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Updates an org. Moving it under a new parent rewrites the paths of
    /// its whole subtree; moving it below itself is refused.
    pub async fn update_org(&self, actor: &Actor, id: OrgId, input: &OrgInput) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let current = sqlx::query(&format!("SELECT {ORG_COLUMNS} FROM orgs o WHERE o.id = $1"))
            .bind(id.0)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let current = from_row(&current)?;
        let new_path = match input.parent_id {
            Some(pid) => {
                let parent = parent_path(&mut tx, pid).await?;
                if parent.starts_with(&current.path) {
                    return Err(StoreError::conflict(
                        "org_cycle",
                        "不能把单位移到它自己或它的下级单位之下",
                    ));
                }
                child_path(Some(&parent), id)
            }
            None => child_path(None, id),
        };
        sqlx::query(
            "UPDATE orgs SET parent_id = $1, name = $2, kind = $3, level = $4, region = $5,
             is_supervising = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(input.parent_id.map(|p| p.0))
        .bind(&input.name)
        .bind(input.kind.code())
        .bind(input.level.code())
        .bind(&input.region)
        .bind(i64::from(input.is_supervising))
        .bind(self.now().timestamp())
        .bind(id.0)
        .execute(tx.conn())
        .await?;
        if new_path != current.path {
            let old_len = current.path.len() as i64;
            sqlx::query(
                "UPDATE orgs SET path = $1 || SUBSTR(path, CAST($2 AS INTEGER)) WHERE path LIKE $3 ESCAPE '\\'",
            )
            .bind(&new_path)
            .bind(old_len + 1)
            .bind(format!("{}%", like_escape(&current.path)))
            .execute(tx.conn())
            .await?;
        }
        let mut a = actor.audit("org.update", "org", id.0);
        a.detail = serde_json::json!({
            "name": [current.name, input.name],
            "parent_id": [current.parent_id.map(|p| p.0), input.parent_id.map(|p| p.0)],
            "is_supervising": [current.is_supervising, input.is_supervising],
        })
        .to_string();
        append(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn org_count(&self) -> StoreResult<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM orgs")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }
}

async fn parent_path(tx: &mut WriteTx, pid: OrgId) -> StoreResult<String> {
    let r = sqlx::query("SELECT path FROM orgs WHERE id = $1")
        .bind(pid.0)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| StoreError::conflict("invalid_parent", "上级单位不存在"))?;
    Ok(r.try_get(0)?)
}

/// Inserts an org inside an open transaction and sets its path.
pub async fn insert_org(
    tx: &mut WriteTx,
    input: &OrgInput,
    is_publicity_center: bool,
) -> StoreResult<OrgId> {
    let parent = match input.parent_id {
        Some(pid) => Some(parent_path(tx, pid).await?),
        None => None,
    };
    let dup =
        sqlx::query("SELECT COUNT(*) FROM orgs WHERE name = $1 AND COALESCE(parent_id, 0) = $2")
            .bind(&input.name)
            .bind(input.parent_id.map(|p| p.0).unwrap_or(0))
            .fetch_one(tx.conn())
            .await?
            .try_get::<i64, _>(0)?;
    if dup > 0 {
        return Err(StoreError::conflict(
            "org_name_taken",
            format!("同一上级单位下已有名为“{}”的单位", input.name),
        ));
    }
    if is_publicity_center {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM orgs WHERE is_publicity_center = 1")
            .fetch_one(tx.conn())
            .await?
            .try_get(0)?;
        if n > 0 {
            return Err(StoreError::conflict(
                "publicity_center_exists",
                "宣传中心只能有一个",
            ));
        }
    }
    let now = tx.now.timestamp();
    let id: i64 = sqlx::query(
        "INSERT INTO orgs (parent_id, name, kind, level, region, path, is_publicity_center, is_supervising, sort_order, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, '', $6, $7, 0, $8, $8) RETURNING id",
    )
    .bind(input.parent_id.map(|p| p.0))
    .bind(&input.name)
    .bind(input.kind.code())
    .bind(input.level.code())
    .bind(&input.region)
    .bind(i64::from(is_publicity_center))
    .bind(i64::from(input.is_supervising))
    .bind(now)
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    let path = child_path(parent.as_deref(), OrgId(id));
    sqlx::query("UPDATE orgs SET path = $1, sort_order = $2 WHERE id = $2")
        .bind(path)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(OrgId(id))
}
