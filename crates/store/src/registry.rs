//! Registry integrity in the database: who holds a platform account ID,
//! accounts entered with their filing, and the duplicates found when the
//! uniqueness rule arrived. The rules are `govmedia_domain::registry`;
//! the partial unique index `accounts_active_handle` backs them.

use crate::accounts::{AccountRecord, COLUMNS, from_row, insert_account};
use crate::audit::append;
use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::filing_effects::insert_workflow;
use crate::orgs::Actor;
use crate::sql::Sql;
use govmedia_domain::account::{AccountInput, AccountStatus};
use govmedia_domain::filing::NewFiling;
use govmedia_domain::platform::Platform;
use govmedia_domain::registry::handle_key;
use govmedia_domain::{AccountId, FilingId, RuleError};
use sqlx::Row;
use std::collections::HashMap;

/// Turns the unique index's refusal into the rule's error (for a write
/// that raced past the check the domain made).
pub(crate) fn claimed_handle(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        let m = d.message();
        if m.contains("accounts_active_handle") || m.contains("handle_key") {
            return StoreError::Rule(RuleError::conflict(
                "duplicate_handle",
                "该平台账号ID已被另一个未关停的账号登记，同一平台账号不能重复登记",
            ));
        }
    }
    StoreError::Db(e)
}

/// An account entered together with its filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub account: AccountId,
    pub filing: FilingId,
}

impl Store {
    /// The account that holds `handle` on `platform` (not closed), across
    /// the whole registry. Internal to rules: callers show it only in the
    /// refusal that names it.
    pub async fn account_holding(
        &self,
        platform: Platform,
        handle: &str,
    ) -> StoreResult<Option<AccountRecord>> {
        let Some(key) = handle_key(AccountStatus::Active, handle) else {
            return Ok(None);
        };
        let mut q = Sql::new(&format!(
            "SELECT {COLUMNS} FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE a.platform = "
        ));
        q.bind(platform.code());
        q.push(" AND a.handle_key = ").bind(key);
        let row = q.query()?.fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(from_row).transpose()?)
    }

    /// Enters decided back-registrations: each account with its filing, all
    /// in one transaction, so a failure enters nothing.
    pub async fn register_existing(
        &self,
        actor: &Actor,
        entries: &[(AccountInput, NewFiling)],
        action: &str,
    ) -> StoreResult<Vec<Registered>> {
        let mut tx = self.begin_write().await?;
        let mut out = Vec::with_capacity(entries.len());
        for (input, filing) in entries {
            let account = insert_account(&mut tx, actor, input, action).await?;
            let f = NewFiling {
                account: Some(account),
                ..filing.clone()
            };
            let filing = insert_workflow(&mut tx, actor, &f).await?;
            out.push(Registered { account, filing });
        }
        if action == "import" {
            let mut a = actor.audit("account.import", "account", "");
            a.detail = serde_json::json!({"count": out.len()}).to_string();
            append(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// For each of `ids` listed as a duplicate found by the migration (in
    /// either role), the other account of the pair, while both are open.
    pub async fn registry_conflicts(
        &self,
        ids: &[AccountId],
    ) -> StoreResult<HashMap<AccountId, Vec<(AccountId, String)>>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        self.conflicts_among(Some(ids)).await
    }

    /// Every open pair of duplicates found by the migration, both ways
    /// round. The list is short (a handful of pairs), so reading it whole
    /// beats binding every account id of a province.
    pub async fn all_registry_conflicts(
        &self,
    ) -> StoreResult<HashMap<AccountId, Vec<(AccountId, String)>>> {
        self.conflicts_among(None).await
    }

    async fn conflicts_among(
        &self,
        ids: Option<&[AccountId]>,
    ) -> StoreResult<HashMap<AccountId, Vec<(AccountId, String)>>> {
        let mut out: HashMap<AccountId, Vec<(AccountId, String)>> = HashMap::new();
        let mut q = Sql::new(
            "SELECT c.account_id, a.name, c.holder_account_id, h.name FROM registry_conflicts c
             JOIN accounts a ON a.id = c.account_id JOIN accounts h ON h.id = c.holder_account_id
             WHERE a.status <> ",
        );
        q.bind(AccountStatus::Closed.code());
        q.push(" AND h.status <> ")
            .bind(AccountStatus::Closed.code());
        if let Some(ids) = ids {
            q.push(" AND (c.account_id IN (");
            q.bind_list(ids.iter().map(|x| x.0));
            q.push(") OR c.holder_account_id IN (");
            q.bind_list(ids.iter().map(|x| x.0));
            q.push("))");
        }
        for r in q.query()?.fetch_all(&self.pool).await? {
            let (a, an, h, hn): (i64, String, i64, String) =
                (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
            out.entry(AccountId(a))
                .or_default()
                .push((AccountId(h), hn));
            out.entry(AccountId(h))
                .or_default()
                .push((AccountId(a), an));
        }
        Ok(out)
    }
}
