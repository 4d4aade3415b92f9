//! The account registry (台账): scoped list, load, create, update, import,
//! change history. Every read is limited to the caller's scope in SQL.

use crate::audit::append;
use crate::db::{Store, WriteTx};
use crate::error::{StoreError, StoreResult};
use crate::filings::{date, decode};
use crate::orgs::Actor;
use crate::scope_sql::push_scope;
use crate::sql::{Sql, like_escape};
use chrono::NaiveDate;
pub use govmedia_domain::account::AccountRecord;
use govmedia_domain::account::{AccountInput, AccountStatus};
use govmedia_domain::auth::Scope;
use govmedia_domain::checks::{Warning, WarningKind};
use govmedia_domain::platform::Platform;
use govmedia_domain::registry::handle_key;
use govmedia_domain::text::sort_key;
use govmedia_domain::{AccountId, OrgId, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

pub(crate) const COLUMNS: &str = "a.id, a.platform, a.name, a.handle, a.home_url, a.host_org_id, o.name AS host_org_name, o.path AS host_org_path, o.region AS host_org_region, a.responsible_person, a.operators, a.vendor_operated, a.vendor_name, a.certification_subject, a.purpose, a.opened_on, a.status, a.personal_official, a.owner_name, a.merged_into, a.version, a.created_by, a.created_at, a.updated_at";

pub(crate) fn from_row(r: &AnyRow) -> Result<AccountRecord, sqlx::Error> {
    Ok(AccountRecord {
        id: AccountId(r.try_get("id")?),
        platform: decode(r, "platform", Platform::parse)?,
        name: r.try_get("name")?,
        handle: r.try_get("handle")?,
        home_url: r.try_get("home_url")?,
        host_org_id: OrgId(r.try_get("host_org_id")?),
        host_org_name: r.try_get("host_org_name")?,
        host_org_path: r.try_get("host_org_path")?,
        host_org_region: r.try_get("host_org_region")?,
        responsible_person: r.try_get("responsible_person")?,
        operators: r.try_get("operators")?,
        vendor_operated: r.try_get::<i64, _>("vendor_operated")? != 0,
        vendor_name: r.try_get("vendor_name")?,
        certification_subject: r.try_get("certification_subject")?,
        purpose: r.try_get("purpose")?,
        opened_on: date(r, "opened_on")?,
        status: decode(r, "status", AccountStatus::parse)?,
        personal_official: r.try_get::<i64, _>("personal_official")? != 0,
        owner_name: r.try_get("owner_name")?,
        merged_into: r.try_get::<Option<i64>, _>("merged_into")?.map(AccountId),
        version: r.try_get("version")?,
        created_by: r.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountSort {
    #[default]
    Org,
    Name,
    Platform,
    OpenedOn,
    Updated,
}

impl AccountSort {
    pub fn parse(s: &str) -> Option<AccountSort> {
        Some(match s {
            "" | "org" => AccountSort::Org,
            "name" => AccountSort::Name,
            "platform" => AccountSort::Platform,
            "opened_on" => AccountSort::OpenedOn,
            "updated" => AccountSort::Updated,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            AccountSort::Org => "org",
            AccountSort::Name => "name",
            AccountSort::Platform => "platform",
            AccountSort::OpenedOn => "opened_on",
            AccountSort::Updated => "updated",
        }
    }
    fn sql(self) -> &'static str {
        match self {
            AccountSort::Org => "o.path, a.platform, a.id",
            AccountSort::Name => "a.name_key, a.id",
            AccountSort::Platform => "a.platform, o.path, a.id",
            AccountSort::OpenedOn => "a.opened_on IS NULL, a.opened_on DESC, a.id DESC",
            AccountSort::Updated => "a.updated_at DESC, a.id DESC",
        }
    }
}

/// Filters of the registry list. `org` means that org and its subtree.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    pub org: Option<OrgId>,
    pub platform: Option<Platform>,
    pub status: Option<AccountStatus>,
    pub q: Option<String>,
    pub warning: Option<WarningKind>,
    /// Only accounts with at least one warning.
    pub any_warning: bool,
    pub sort: AccountSort,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountWithWarnings {
    #[serde(flatten)]
    pub account: AccountRecord,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone)]
pub struct AccountPage {
    pub items: Vec<AccountWithWarnings>,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub at: i64,
    pub username: String,
    pub action: String,
    pub changes: serde_json::Value,
}

impl Store {
    async fn filtered(
        &self,
        scope: &Scope,
        f: &AccountFilter,
        page: Option<(i64, i64)>,
    ) -> StoreResult<(Vec<AccountRecord>, i64)> {
        let mut w = Sql::new(" FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE 1 = 1");
        push_scope(&mut w, scope, "o.id", "o.path");
        if let Some(org) = f.org {
            w.push(" AND o.path LIKE (SELECT path FROM orgs WHERE id = ");
            w.bind(org.0);
            w.push(") || '%'");
        }
        if let Some(p) = f.platform {
            w.push(" AND a.platform = ").bind(p.code());
        }
        if let Some(s) = f.status {
            w.push(" AND a.status = ").bind(s.code());
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let pat = format!("%{}%", like_escape(&q.to_lowercase()));
            w.push(" AND (LOWER(a.name) LIKE ");
            w.bind(pat.clone());
            w.push(" ESCAPE '\\' OR LOWER(a.handle) LIKE ");
            w.bind(pat);
            w.push(" ESCAPE '\\')");
        }
        let mut count = Sql::new("SELECT COUNT(*)");
        count.text.push_str(&w.text);
        count.args = w.args.clone();
        let total: i64 = count.query()?.fetch_one(&self.pool).await?.try_get(0)?;
        let mut q = Sql::new(&format!("SELECT {COLUMNS}"));
        q.text.push_str(&w.text);
        q.args = w.args;
        q.push(&format!(" ORDER BY {}", f.sort.sql()));
        if let Some((limit, offset)) = page {
            q.push(" LIMIT ").bind(limit);
            q.push(" OFFSET ").bind(offset);
        }
        let rows = q.query()?.fetch_all(&self.pool).await?;
        Ok((rows.iter().map(from_row).collect::<Result<_, _>>()?, total))
    }

    /// One page of the registry within `scope`.
    pub async fn list_accounts(
        &self,
        scope: &Scope,
        f: &AccountFilter,
    ) -> StoreResult<AccountPage> {
        let per_page = f.per_page.clamp(1, 200);
        let page = f.page.max(1);
        if f.warning.is_some() || f.any_warning {
            // Warnings are computed, not stored: filter after computing.
            let (all, _) = self.filtered(scope, f, None).await?;
            let all = self.with_scope_warnings(scope, all).await?;
            let matching: Vec<AccountWithWarnings> = all
                .into_iter()
                .filter(|a| match f.warning {
                    Some(k) => a.warnings.iter().any(|w| w.kind == k),
                    None => !a.warnings.is_empty(),
                })
                .collect();
            let total = matching.len() as i64;
            let items = matching
                .into_iter()
                .skip(((page - 1) * per_page) as usize)
                .take(per_page as usize)
                .collect();
            return Ok(AccountPage { items, total });
        }
        let (rows, total) = self
            .filtered(scope, f, Some((per_page, (page - 1) * per_page)))
            .await?;
        Ok(AccountPage {
            items: self.with_scope_warnings(scope, rows).await?,
            total,
        })
    }

    /// Every matching account (for export), with warnings.
    pub async fn export_accounts(
        &self,
        scope: &Scope,
        f: &AccountFilter,
    ) -> StoreResult<Vec<AccountWithWarnings>> {
        let (rows, _) = self.filtered(scope, f, None).await?;
        let all = self.with_scope_warnings(scope, rows).await?;
        Ok(all
            .into_iter()
            .filter(|a| match (f.warning, f.any_warning) {
                (Some(k), _) => a.warnings.iter().any(|w| w.kind == k),
                (None, true) => !a.warnings.is_empty(),
                (None, false) => true,
            })
            .collect())
    }

    /// Loads one account if its host org lies within `scope`.
    pub async fn account(&self, scope: &Scope, id: AccountId) -> StoreResult<AccountRecord> {
        let mut q = Sql::new(&format!(
            "SELECT {COLUMNS} FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE a.id = "
        ));
        q.bind(id.0);
        push_scope(&mut q, scope, "o.id", "o.path");
        let r = q
            .query()?
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(from_row(&r)?)
    }

    pub async fn account_history(
        &self,
        scope: &Scope,
        id: AccountId,
    ) -> StoreResult<Vec<HistoryEntry>> {
        // Loading first applies the scope check.
        self.account(scope, id).await?;
        let rows = sqlx::query(
            "SELECT at, username, action, changes FROM account_history WHERE account_id = $1 ORDER BY id DESC",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let changes: String = r.try_get(3)?;
            out.push(HistoryEntry {
                at: r.try_get(0)?,
                username: r.try_get(1)?,
                action: r.try_get(2)?,
                changes: serde_json::from_str(&changes).unwrap_or(serde_json::Value::Null),
            });
        }
        Ok(out)
    }

    /// Updates an account. Both the current and the new host org must lie
    /// within `scope`; `expected_version`, the version the editor last
    /// saw, is required and guards against lost updates.
    pub async fn update_account(
        &self,
        actor: &Actor,
        scope: &Scope,
        id: AccountId,
        input: &AccountInput,
        expected_version: i64,
    ) -> StoreResult<()> {
        let current = self.account(scope, id).await?;
        self.host_in_scope(scope, input.host_org_id).await?;
        if expected_version != current.version {
            return Err(StoreError::conflict(
                "version_conflict",
                "该账号已被他人修改，请刷新后重试",
            ));
        }
        let mut tx = self.begin_write().await?;
        apply_account_update(&mut tx, actor, &current, input).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn host_in_scope(&self, scope: &Scope, host: OrgId) -> StoreResult<()> {
        match self.org_scoped(scope, host).await {
            Ok(_) => Ok(()),
            Err(StoreError::NotFound) => Err(StoreError::conflict(
                "host_org_out_of_scope",
                "主办单位不存在或不在您的管辖范围内",
            )),
            Err(e) => Err(e),
        }
    }

    /// Counts for the dashboard within `scope`: by status and by platform.
    pub async fn account_counts(
        &self,
        scope: &Scope,
    ) -> StoreResult<(Vec<(String, i64)>, Vec<(String, i64)>)> {
        let mut out = Vec::new();
        for col in ["a.status", "a.platform"] {
            let mut q = Sql::new(&format!(
                "SELECT {col}, COUNT(*) FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE 1 = 1"
            ));
            push_scope(&mut q, scope, "o.id", "o.path");
            q.push(&format!(" GROUP BY {col} ORDER BY {col}"));
            let rows = q.query()?.fetch_all(&self.pool).await?;
            let mut v = Vec::new();
            for r in rows {
                v.push((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?));
            }
            out.push(v);
        }
        let platform = out.pop().unwrap_or_default();
        let status = out.pop().unwrap_or_default();
        Ok((status, platform))
    }
}

/// Writes `input` over `current` inside `tx` with its history and audit
/// entries, guarded by `current.version`. Returns false when nothing
/// changed (and writes nothing).
pub(crate) async fn apply_account_update(
    tx: &mut WriteTx,
    actor: &Actor,
    current: &AccountRecord,
    input: &AccountInput,
) -> StoreResult<bool> {
    let before = current.field_values();
    let mut changes = serde_json::Map::new();
    for (field, new) in input.field_values() {
        let old = before
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if old != new {
            changes.insert(field.into(), serde_json::json!([old, new]));
        }
    }
    if changes.is_empty() {
        return Ok(false);
    }
    let now = tx.now.timestamp();
    let n = sqlx::query(
        "UPDATE accounts SET platform = $1, name = $2, handle = $3, home_url = $4, host_org_id = $5,
         responsible_person = $6, operators = $7, vendor_operated = $8, vendor_name = $9,
         certification_subject = $10, purpose = $11, opened_on = $12, status = $13,
         personal_official = $14, owner_name = $15, version = version + 1, updated_at = $16,
         handle_key = $19, name_key = $20
         WHERE id = $17 AND version = $18",
    )
    .bind(input.platform.code())
    .bind(&input.name)
    .bind(&input.handle)
    .bind(&input.home_url)
    .bind(input.host_org_id.0)
    .bind(&input.responsible_person)
    .bind(&input.operators)
    .bind(i64::from(input.vendor_operated))
    .bind(&input.vendor_name)
    .bind(&input.certification_subject)
    .bind(&input.purpose)
    .bind(input.opened_on.map(|d| d.to_string()))
    .bind(input.status.code())
    .bind(i64::from(input.personal_official))
    .bind(&input.owner_name)
    .bind(now)
    .bind(current.id.0)
    .bind(current.version)
    .bind(handle_key(input.status, &input.handle))
    .bind(sort_key(&input.name))
    .execute(tx.conn())
    .await
    .map_err(crate::registry::claimed_handle)?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::conflict(
            "version_conflict",
            "该账号已被他人修改，请刷新后重试",
        ));
    }
    // Its posts now count for another org or platform on 首页's chart.
    if changes.contains_key("host_org_id") || changes.contains_key("platform") {
        crate::week_totals::forget_all_weeks(tx).await?;
    }
    let changes = serde_json::Value::Object(changes).to_string();
    insert_history(tx, actor, current.id, "update", &changes, now).await?;
    let mut a = actor.audit("account.update", "account", current.id.0);
    a.detail = changes;
    append(tx, a).await?;
    Ok(true)
}

async fn insert_history(
    tx: &mut WriteTx,
    actor: &Actor,
    id: AccountId,
    action: &str,
    changes: &str,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO account_history (account_id, at, user_id, username, action, changes) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.0)
    .bind(now)
    .bind(actor.user_id)
    .bind(&actor.username)
    .bind(action)
    .bind(changes)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Inserts an account with its first history entry and audit entry.
pub async fn insert_account(
    tx: &mut WriteTx,
    actor: &Actor,
    input: &AccountInput,
    action: &str,
) -> StoreResult<AccountId> {
    let now = tx.now.timestamp();
    let id: i64 = sqlx::query(
        "INSERT INTO accounts (platform, name, handle, home_url, host_org_id, responsible_person, operators,
         vendor_operated, vendor_name, certification_subject, purpose, opened_on, status, personal_official,
         owner_name, version, created_by, created_at, updated_at, handle_key, name_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $17, $17, $18, $19) RETURNING id",
    )
    .bind(input.platform.code())
    .bind(&input.name)
    .bind(&input.handle)
    .bind(&input.home_url)
    .bind(input.host_org_id.0)
    .bind(&input.responsible_person)
    .bind(&input.operators)
    .bind(i64::from(input.vendor_operated))
    .bind(&input.vendor_name)
    .bind(&input.certification_subject)
    .bind(&input.purpose)
    .bind(input.opened_on.map(|d: NaiveDate| d.to_string()))
    .bind(input.status.code())
    .bind(i64::from(input.personal_official))
    .bind(&input.owner_name)
    .bind(actor.user_id)
    .bind(now)
    .bind(handle_key(input.status, &input.handle))
    .bind(sort_key(&input.name))
    .fetch_one(tx.conn())
    .await
    .map_err(crate::registry::claimed_handle)?
    .try_get(0)?;
    let id = AccountId(id);
    let changes = serde_json::Value::Object(
        input
            .field_values()
            .into_iter()
            .filter(|(_, v)| !v.is_empty() && v != "false")
            .map(|(f, v)| {
                (
                    f.to_string(),
                    serde_json::json!([serde_json::Value::Null, v]),
                )
            })
            .collect(),
    )
    .to_string();
    insert_history(tx, actor, id, action, &changes, now).await?;
    if action != "import" {
        let mut a = actor.audit(&format!("account.{action}"), "account", id.0);
        a.detail = serde_json::json!({"name": input.name, "platform": input.platform.code(), "host_org_id": input.host_org_id.0}).to_string();
        append(tx, a).await?;
    }
    Ok(id)
}
