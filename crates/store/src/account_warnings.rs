//! Registry warnings of accounts: the check rows the domain's
//! `check_accounts` reads, and the warnings attached to the accounts of a
//! page or counted for a scope (the latter cached, see `cache`).

use crate::accounts::AccountWithWarnings;
use crate::db::Store;
use crate::error::{StoreError, StoreResult};
use crate::filings::decode;
use crate::scope_sql::push_scope;
use crate::sql::Sql;
use govmedia_domain::account::{AccountRecord, AccountRow, AccountStatus};
use govmedia_domain::auth::Scope;
use govmedia_domain::checks::{Warning, check_accounts};
use govmedia_domain::platform::Platform;
use govmedia_domain::{AccountId, OrgId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeSet, HashMap};

/// The columns the registry checks read: a check row is a tenth of a full
/// record, and the checks read every account of every host on a page.
const CHECK_COLUMNS: &str = "a.id, a.platform, a.name, a.host_org_id, o.name AS host_org_name, o.region AS host_org_region, a.certification_subject, a.status, a.personal_official, a.created_by";

fn check_row(r: &AnyRow) -> Result<AccountRow, sqlx::Error> {
    Ok(AccountRow {
        id: AccountId(r.try_get(0)?),
        platform: decode(r, "platform", Platform::parse)?,
        name: r.try_get(2)?,
        host_org_id: OrgId(r.try_get(3)?),
        host_org_name: r.try_get(4)?,
        host_org_region: r.try_get(5)?,
        certification_subject: r.try_get(6)?,
        status: decode(r, "status", AccountStatus::parse)?,
        personal_official: r.try_get::<i64, _>(8)? != 0,
        created_by: r.try_get::<Option<i64>, _>(9)?.map(UserId),
    })
}

impl Store {
    /// Every account of the given host orgs, as check rows. Internal: the
    /// caller has already established that the host orgs are in scope.
    async fn rows_of_hosts(&self, hosts: &BTreeSet<OrgId>) -> StoreResult<Vec<AccountRow>> {
        if hosts.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(&format!(
            "SELECT {CHECK_COLUMNS} FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE a.host_org_id IN ("
        ));
        q.bind_list(hosts.iter().map(|x| x.0));
        q.push(")");
        let rows = q.query()?.fetch_all(&self.pool).await?;
        rows.iter()
            .map(check_row)
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    /// Every account of one host org, as check rows (for the registry
    /// checks shown when deciding on a filing of that host).
    pub async fn check_rows_of_host(&self, host: OrgId) -> StoreResult<Vec<AccountRow>> {
        self.rows_of_hosts(&BTreeSet::from([host])).await
    }

    /// Attaches registry warnings to each account.
    pub async fn with_warnings(
        &self,
        accounts: Vec<AccountRecord>,
    ) -> StoreResult<Vec<AccountWithWarnings>> {
        let hosts: BTreeSet<OrgId> = accounts.iter().map(|a| a.host_org_id).collect();
        let mut warnings = check_accounts(&self.rows_of_hosts(&hosts).await?);
        let ids: Vec<AccountId> = accounts.iter().map(|a| a.id).collect();
        for (id, others) in self.registry_conflicts(&ids).await? {
            let w = warnings.entry(id).or_default();
            w.extend(
                others
                    .iter()
                    .map(|(o, name)| Warning::duplicate_handle(*o, name)),
            );
        }
        Ok(accounts
            .into_iter()
            .map(|a| AccountWithWarnings {
                warnings: warnings.remove(&a.id).unwrap_or_default(),
                account: a,
            })
            .collect())
    }

    /// Attaches to accounts of `scope` their warnings from the scope's
    /// (cached) warning map: the same warnings `with_warnings` computes,
    /// since a host org in scope is in scope with all its accounts.
    pub(crate) async fn with_scope_warnings(
        &self,
        scope: &Scope,
        accounts: Vec<AccountRecord>,
    ) -> StoreResult<Vec<AccountWithWarnings>> {
        let map = self.warnings_in_scope(scope).await?;
        Ok(accounts
            .into_iter()
            .map(|a| AccountWithWarnings {
                warnings: map.get(&a.id).cloned().unwrap_or_default(),
                account: a,
            })
            .collect())
    }

    /// One account within `scope`, with its registry warnings.
    pub async fn account_with_warnings(
        &self,
        scope: &Scope,
        id: AccountId,
    ) -> StoreResult<AccountWithWarnings> {
        let a = self.account(scope, id).await?;
        self.with_warnings(vec![a])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// The registry warnings of every account within `scope`, keyed by
    /// account (only accounts with at least one warning). Reads check rows,
    /// not whole records: the home page counts these on every visit.
    pub async fn warnings_in_scope(
        &self,
        scope: &Scope,
    ) -> StoreResult<std::sync::Arc<HashMap<AccountId, Vec<Warning>>>> {
        self.cached(format!("warnings:{scope:?}"), || {
            self.load_warnings_in_scope(scope)
        })
        .await
    }

    async fn load_warnings_in_scope(
        &self,
        scope: &Scope,
    ) -> StoreResult<HashMap<AccountId, Vec<Warning>>> {
        let mut q = Sql::new(&format!(
            "SELECT {CHECK_COLUMNS} FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE 1 = 1"
        ));
        push_scope(&mut q, scope, "o.id", "o.path");
        let rows: Vec<AccountRow> = q
            .query()?
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(check_row)
            .collect::<Result<_, _>>()?;
        // A host org is in scope with all its accounts, so the cross-account
        // checks see every account they compare.
        let mut warnings = check_accounts(&rows);
        let in_scope: BTreeSet<AccountId> = rows.iter().map(|a| a.id).collect();
        for (id, others) in self.all_registry_conflicts().await? {
            if !in_scope.contains(&id) {
                continue;
            }
            warnings.entry(id).or_default().extend(
                others
                    .iter()
                    .map(|(o, name)| Warning::duplicate_handle(*o, name)),
            );
        }
        warnings.retain(|id, w| !w.is_empty() && in_scope.contains(id));
        Ok(warnings)
    }
}
