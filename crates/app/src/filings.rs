//! The filing workflows (备案审批): applying, acting, what a user may do
//! next, and 我的待办.

use crate::Caller;
use chrono::NaiveDate;
use govmedia_domain::account::{AccountInput, AccountRow, AccountStatus};
use govmedia_domain::auth::{Permission, Principal, Scope};
use govmedia_domain::calendar::Calendar;
use govmedia_domain::checks::{RelatedWarning, WarningKind, check_subject};
use govmedia_domain::filing::{
    self, ActCtx, ActInput, Action, ChangeInput, Filing, FilingKind, Route, State,
};
use govmedia_domain::platform::Platform;
use govmedia_domain::{AccountId, FilingId};
use govmedia_store::{Store, StoreError, StoreResult};
use serde::Serialize;

/// Applies to open an account (or an official-capacity personal account).
pub async fn apply_open(
    store: &Store,
    c: Caller<'_>,
    kind: FilingKind,
    input: &AccountInput,
) -> StoreResult<FilingId> {
    let host = match store
        .org_scoped(
            &c.principal.scope(Permission::FilingSubmit),
            input.host_org_id,
        )
        .await
    {
        Ok(o) => Some(o.id),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e),
    };
    let w = filing::decide_apply_open(kind, input, host)?;
    store.start_workflow(c.actor, &w).await
}

/// Applies to close or merge an account (or, for the publicity center,
/// orders it closed).
pub async fn apply_close(
    store: &Store,
    c: Caller<'_>,
    kind: FilingKind,
    account: AccountId,
    reason: &str,
    survivor: Option<AccountId>,
) -> StoreResult<FilingId> {
    let everywhere = Scope::All { within: None };
    let a = store.account(&everywhere, account).await?;
    let kept = match survivor {
        None => None,
        Some(id) => match store.account(&everywhere, id).await {
            Ok(s) => Some(Some(s)),
            Err(StoreError::NotFound) => Some(None),
            Err(e) => return Err(e),
        },
    };
    let w = filing::decide_apply_close(
        c.principal,
        kind,
        &a,
        reason,
        kept.as_ref().map(Option::as_ref),
    )?;
    store.start_closure(c.actor, &w).await
}

/// Records a change of an account's name, responsible person, operators or
/// vendor and opens its filing.
pub async fn record_change(
    store: &Store,
    c: Caller<'_>,
    account: AccountId,
    change: &ChangeInput,
    today: NaiveDate,
    cal: &Calendar,
) -> StoreResult<FilingId> {
    let a = store
        .account(&c.principal.scope(Permission::AccountUpdate), account)
        .await?;
    let (input, w) = filing::decide_record_change(c.principal, &a, change, today, cal)?;
    store.record_change_effects(c.actor, &a, &input, &w).await
}

/// Performs `action` on workflow `id`. `today` is the actor's date (China
/// time); `announce_workdays` the configured announcement period.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    store: &Store,
    c: Caller<'_>,
    id: FilingId,
    action: Action,
    input: &ActInput,
    today: NaiveDate,
    cal: &Calendar,
    announce_workdays: u32,
) -> StoreResult<State> {
    let w = store.workflow_for(c.principal, id).await?;
    let targets = store.filing_targets(w.id).await?;
    let route = if filing::needs_route(action) {
        store.filing_route(w.host_org_id).await?
    } else {
        Route::default()
    };
    let warnings: Vec<WarningKind> = if action == Action::Approve {
        registry_checks(store, &w)
            .await?
            .into_iter()
            .map(|r| r.warning.kind)
            .collect()
    } else {
        Vec::new()
    };
    let ctx = ActCtx {
        actor: c.principal,
        today,
        cal,
        announce_workdays,
        warnings: &warnings,
    };
    let effects = filing::decide(&ctx, &w, &targets, &route, action, input)?;
    if let Some(a) = &effects.create_account {
        let holder = store.account_holding(a.platform, &a.handle).await?;
        govmedia_domain::registry::check_handle_free(a.platform, &a.handle, None, holder.as_ref())?;
    }
    store.apply_workflow_effects(c.actor, &w, &effects).await
}

/// The registry checks (articles 7 and 8) of the account a filing is
/// about — the planned one of an application, or the registered one —
/// against the other accounts of its host, with the accounts each
/// concerns. Closures have none: the account is going away.
pub async fn registry_checks(store: &Store, w: &Filing) -> StoreResult<Vec<RelatedWarning>> {
    if matches!(w.kind, FilingKind::Close | FilingKind::Merge) {
        return Ok(Vec::new());
    }
    let everywhere = Scope::All { within: None };
    let subject: AccountRow = match w.account_id {
        Some(id) => store.account(&everywhere, id).await?.row(),
        None => {
            let Ok(draft) = filing::planned_account(w) else {
                return Ok(Vec::new());
            };
            let Some(platform) = Platform::parse(&draft.platform) else {
                return Ok(Vec::new());
            };
            let host = store.org_scoped(&everywhere, w.host_org_id).await?;
            AccountRow {
                id: AccountId(0),
                platform,
                name: draft.name,
                host_org_id: host.id,
                host_org_name: host.name,
                host_org_region: host.region,
                certification_subject: String::new(),
                status: AccountStatus::Opening,
                personal_official: w.kind == FilingKind::PersonalOpen,
                created_by: None,
            }
        }
    };
    let rows = store.check_rows_of_host(subject.host_org_id).await?;
    Ok(check_subject(&subject, &rows)
        .into_iter()
        // A planned account has no certification yet: nothing to compare.
        .filter(|r| {
            !(subject.id.0 == 0
                && matches!(
                    r.warning.kind,
                    WarningKind::CertificationMissing | WarningKind::CertificationMismatch
                ))
        })
        .collect())
}

/// Computes the 待定 deadlines the calendar now covers (after a year's
/// calendar is loaded; the hourly reminder job calls it too). Returns how
/// many were set.
pub async fn fill_waiting_deadlines(store: &Store, cal: &Calendar) -> StoreResult<usize> {
    let mut n = 0;
    for (id, from) in store.deadlines_waiting().await? {
        if let Ok(filing::Deadline { due: Some(due), .. }) = filing::deadline(cal, from)
            && store.set_waiting_deadline(id, due).await?
        {
            n += 1;
        }
    }
    Ok(n)
}

/// The calendar years that 待定 deadlines wait for, with how many each.
pub async fn years_awaited(store: &Store, cal: &Calendar) -> StoreResult<Vec<(i32, usize)>> {
    let mut years: std::collections::BTreeMap<i32, usize> = Default::default();
    for (_, from) in store.deadlines_waiting().await? {
        if let Some(y) = filing::missing_calendar_year(cal, from) {
            *years.entry(y).or_default() += 1;
        }
    }
    Ok(years.into_iter().collect())
}

/// Where the filing of `w` will go when it is submitted (the units, by
/// name), while it is still to be submitted; empty afterwards.
pub async fn destinations(store: &Store, w: &Filing) -> StoreResult<Vec<String>> {
    let before_submission = w.state == State::Applied || w.state.filing_pending();
    if !before_submission {
        return Ok(Vec::new());
    }
    let route = store.filing_route(w.host_org_id).await?;
    let everywhere = Scope::All { within: None };
    let mut names = Vec::new();
    for id in filing::filing_targets(&route.chain, route.publicity_center) {
        names.push(store.org_scoped(&everywhere, id).await?.name);
    }
    Ok(names)
}

/// The actions `p` may take on `w` right now.
pub async fn allowed_actions(store: &Store, p: &Principal, w: &Filing) -> StoreResult<Vec<Action>> {
    let targets = store.filing_targets(w.id).await?;
    Ok(filing::allowed_actions(p, w, &targets))
}

/// One entry of 我的待办: what this user can do now, and by when.
#[derive(Debug, Clone, Serialize)]
pub struct TodoItem {
    pub workflow: Filing,
    pub actions: Vec<Action>,
}

/// Everything `p` can act on now, soonest deadline first. Two queries
/// whatever the length of the list.
pub async fn todo(store: &Store, p: &Principal) -> StoreResult<Vec<TodoItem>> {
    let open = store.open_workflows_for(p).await?;
    let ids: Vec<FilingId> = open.iter().map(|w| w.id).collect();
    let targets = store.filing_targets_of(&ids).await?;
    let mut out: Vec<TodoItem> = open
        .into_iter()
        .filter_map(|w| {
            let t = targets.get(&w.id).map(Vec::as_slice).unwrap_or(&[]);
            // Taking back one's own application is possible, not a to-do.
            let actions: Vec<Action> = filing::allowed_actions(p, &w, t)
                .into_iter()
                .filter(|a| *a != Action::Withdraw)
                .collect();
            (!actions.is_empty()).then_some(TodoItem {
                workflow: w,
                actions,
            })
        })
        .collect();
    out.sort_by_key(|t| {
        (
            t.workflow.filing_due.unwrap_or(NaiveDate::MAX),
            t.workflow.id,
        )
    });
    Ok(out)
}
