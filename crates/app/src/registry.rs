//! The registry outside the workflows: back-entry of existing accounts
//! (存量账号登记, one by one or from a spreadsheet) and edits of
//! descriptive fields. The rules are `govmedia_domain::registry`.

use crate::Caller;
use chrono::NaiveDate;
use govmedia_domain::account::AccountInput;
use govmedia_domain::auth::{Permission, Scope};
use govmedia_domain::calendar::Calendar;
use govmedia_domain::registry;
use govmedia_domain::{AccountId, OrgId, RuleError};
use govmedia_store::registry::Registered;
use govmedia_store::{Store, StoreError, StoreResult};
use std::collections::HashMap;

async fn host_in(store: &Store, scope: &Scope, host: OrgId) -> StoreResult<Option<OrgId>> {
    match store.org_scoped(scope, host).await {
        Ok(o) => Ok(Some(o.id)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// 存量账号登记: enters an existing account with its filing.
pub async fn register_existing(
    store: &Store,
    c: Caller<'_>,
    input: &AccountInput,
    reason: &str,
    today: NaiveDate,
    cal: &Calendar,
) -> StoreResult<Registered> {
    let scope = c.principal.scope(Permission::AccountCreate);
    let host = host_in(store, &scope, input.host_org_id).await?;
    let holder = store.account_holding(input.platform, &input.handle).await?;
    let f = registry::decide_register_existing(input, host, reason, holder.as_ref(), today, cal)?;
    let mut done = store
        .register_existing(c.actor, &[(input.clone(), f)], "register")
        .await?;
    done.pop()
        .ok_or_else(|| StoreError::Other("registration wrote nothing".into()))
}

/// Imports existing accounts all at once: each row is decided like a
/// single registration (and checked against the rows above it), and the
/// rows go in one transaction, so any error imports nothing. Returns the
/// per-row errors (row numbers as given) if any.
pub async fn import_existing(
    store: &Store,
    c: Caller<'_>,
    rows: &[(usize, AccountInput)],
    reason: &str,
    today: NaiveDate,
    cal: &Calendar,
) -> StoreResult<Result<Vec<Registered>, Vec<(usize, String)>>> {
    let scope = c.principal.scope(Permission::AccountImport);
    let mut hosts: HashMap<OrgId, Option<OrgId>> = HashMap::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    registry::check_reason(reason)?;
    for (line, input) in rows {
        let host = match hosts.get(&input.host_org_id) {
            Some(h) => *h,
            None => {
                let h = host_in(store, &scope, input.host_org_id).await?;
                hosts.insert(input.host_org_id, h);
                h
            }
        };
        if let Some(key) = registry::handle_key(input.status, &input.handle) {
            let k = (input.platform.code().to_string(), key);
            if let Some(first) = seen.get(&k) {
                errors.push((*line, format!("平台账号ID与第{first}行重复")));
                continue;
            }
            seen.insert(k, *line);
        }
        let holder = store.account_holding(input.platform, &input.handle).await?;
        match registry::decide_register_existing(input, host, reason, holder.as_ref(), today, cal) {
            Ok(f) => entries.push((input.clone(), f)),
            Err(e) => errors.push((*line, message(&e))),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok(store
        .register_existing(c.actor, &entries, "import")
        .await?))
}

fn message(e: &RuleError) -> String {
    match e {
        RuleError::Fields(f) => f.summary(),
        other => other.to_string(),
    }
}

/// 编辑: saves descriptive changes of an account, guarded by the version
/// the editor last saw.
pub async fn edit(
    store: &Store,
    c: Caller<'_>,
    id: AccountId,
    input: &AccountInput,
    version: i64,
) -> StoreResult<()> {
    let scope = c.principal.scope(Permission::AccountUpdate);
    let current = store.account(&scope, id).await?;
    // A stale edit is judged against nothing: refuse it first.
    if version != current.version {
        return Err(StoreError::conflict(
            "version_conflict",
            "该账号已被他人修改，请刷新后重试",
        ));
    }
    let holder = store.account_holding(input.platform, &input.handle).await?;
    registry::decide_edit(&current, input, holder.as_ref())?;
    store
        .update_account(c.actor, &scope, id, input, version)
        .await
}
