//! 首页's counts for a whole scope without judging every account and
//! message in the application: the store counts with the bounds and cuts
//! of `monitoring::tallies` and returns only the accounts those cannot
//! clear, which are judged here as the lists judge them. When the
//! calendar cannot give the cuts (a year without data) the replies are
//! judged message by message instead, as the reply list does.

use crate::monitoring_lists::{
    self, Judged, OVERDUE_LOOKBACK_DAYS, Period, ZombieList, zombie_candidates, zombies_of,
};
use chrono::{Days, Duration, NaiveDate};
use govmedia_domain::auth::{Permission, Principal};
use govmedia_domain::monitoring::posts::{self, day_start, monday_of, week_label, window_end};
use govmedia_domain::monitoring::tallies::{Leniency, ReplyCuts};
use govmedia_domain::monitoring::{Coverage, MonitoringRules, resolve};
use govmedia_domain::{AccountId, OrgId};
use govmedia_store::monitoring_lists::MonitorFilter;
use govmedia_store::monitoring_tallies::{OrgAccounts, ReplyTally};
use govmedia_store::orgs::OrgRecord;
use govmedia_store::{Store, StoreResult};
use std::collections::{BTreeMap, HashMap};

/// What 首页 counts over a scope as of a day.
pub(crate) struct ScopeCounts {
    pub orgs: Vec<OrgRecord>,
    pub accounts: Vec<OrgAccounts>,
    /// The zombie list, and the host org path of each account judged.
    pub zombies: ZombieList,
    pub paths: HashMap<AccountId, String>,
    pub week: String,
    pub below_min: usize,
    /// Reply states of the period per host org.
    pub replies: Vec<ReplyTally>,
    pub overdue: usize,
    pub due_soon: usize,
}

pub(crate) async fn scope_counts(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    as_of: NaiveDate,
    period: Period,
) -> StoreResult<ScopeCounts> {
    let now = store.now();
    crate::monitoring::check_as_of(as_of, now)?;
    let scope = principal.scope(Permission::AccountRead);
    if let Some(o) = f.org {
        store.org_scoped(&scope, o).await?;
    }
    let overrides = store.monitoring_overrides().await?;
    let orgs = store.orgs_in_scope(&scope).await?;
    let org_rules: HashMap<OrgId, MonitoringRules> = orgs
        .iter()
        .map(|o| (o.id, resolve(defaults, &overrides, &o.path).rules))
        .collect();
    let l = Leniency::of(org_rules.values());
    let monday = monday_of(as_of) - Days::new(7);
    // Independent reads, side by side on the pool's connections.
    let (j, short, fast, accounts) = tokio::try_join!(
        zombie_candidates(store, principal, defaults, f, as_of),
        store.short_weeks(
            &scope,
            f,
            monday,
            monday_of(as_of),
            l.weekly_min,
            l.originals_only,
        ),
        fast_replies(store, principal, &orgs, &org_rules, f, as_of, period),
        store.org_account_counts(&scope, f),
    )?;
    let j: Judged = j;
    let zombies = zombies_of(&j, as_of, now);
    let paths = j
        .facts
        .iter()
        .map(|a| (a.account_id, a.host_org_path.clone()))
        .collect();
    // Frequency: only the accounts short of the most demanding minimum
    // are judged.
    let week_end = day_start(monday_of(as_of));
    let below_min = short
        .iter()
        .filter(|s| {
            let rules = resolve(defaults, &overrides, &s.host_org_path).rules;
            let n = s.originals + if rules.count_reposts { s.reposts } else { 0 };
            let covered = Coverage {
                last_delivery: s.last_delivery,
            }
            .covers(week_end);
            posts::week_breach(&rules, u32::try_from(n).unwrap_or(u32::MAX), covered) == Some(true)
        })
        .count();
    let (replies, overdue, due_soon) = match fast {
        Some(r) => r,
        None => slow_replies(store, principal, defaults, f, as_of, period).await?,
    };
    Ok(ScopeCounts {
        accounts,
        orgs,
        zombies,
        paths,
        week: week_label(monday),
        below_min,
        replies,
        overdue,
        due_soon,
    })
}

type ReplyCounts = (Vec<ReplyTally>, usize, usize);

/// The reply counts from the store, one pass per reply rule in use;
/// `None` when the calendar cannot give the cuts.
async fn fast_replies(
    store: &Store,
    principal: &Principal,
    orgs: &[OrgRecord],
    org_rules: &HashMap<OrgId, MonitoringRules>,
    f: &MonitorFilter,
    as_of: NaiveDate,
    period: Period,
) -> StoreResult<Option<ReplyCounts>> {
    let scope = principal.scope(Permission::AccountRead);
    let mut classes: BTreeMap<u32, (MonitoringRules, Vec<OrgId>)> = BTreeMap::new();
    for o in orgs {
        let r = &org_rules[&o.id];
        classes
            .entry(r.reply_workdays)
            .or_insert_with(|| (r.clone(), Vec::new()))
            .1
            .push(o.id);
    }
    let cal = store.calendar().await?;
    let mut all_cuts = Vec::new();
    for (rules, ids) in classes.values() {
        match ReplyCuts::new(&cal, rules, as_of, period.from, period.to) {
            Ok(c) => all_cuts.push((c, ids)),
            Err(_) => return Ok(None),
        }
    }
    let end = window_end(as_of, store.now());
    let (from, to) = period.bounds();
    let cut = day_start(as_of + Days::new(1));
    let lookback = end - Duration::days(OVERDUE_LOOKBACK_DAYS);
    let one = all_cuts.len() <= 1;
    let mut replies = Vec::new();
    let (mut overdue, mut due_soon) = (0usize, 0usize);
    for (cuts, ids) in &all_cuts {
        let only = (!one).then_some(ids.as_slice());
        let (tallies, (o, s)) = tokio::try_join!(
            store.reply_tallies(&scope, f, only, from, to.min(end), cut, cuts),
            store.late_counts(&scope, f, only, lookback, end, cut, cuts),
        )?;
        replies.extend(tallies);
        overdue += usize::try_from(o).unwrap_or_default();
        due_soon += usize::try_from(s).unwrap_or_default();
    }
    Ok(Some((replies, overdue, due_soon)))
}

/// The reply counts judged message by message (the reply list's way):
/// per host org tallies, overdue and 即将超期.
async fn slow_replies(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    as_of: NaiveDate,
    period: Period,
) -> StoreResult<ReplyCounts> {
    let list = monitoring_lists::replies(store, principal, defaults, f, period, as_of).await?;
    let mut by_org: BTreeMap<OrgId, ReplyTally> = BTreeMap::new();
    for r in &list.items {
        let t = by_org
            .entry(r.account.host_org_id)
            .or_insert_with(|| ReplyTally {
                org_id: r.account.host_org_id,
                received: 0,
                replied: 0,
                on_time: 0,
                overdue: 0,
            });
        t.received += i64::from(r.stats.received);
        t.replied += i64::from(r.stats.replied);
        t.on_time += i64::from(r.stats.on_time);
        t.overdue += i64::from(r.stats.overdue);
    }
    Ok((
        by_org.into_values().collect(),
        list.overdue.len(),
        list.due_soon.len(),
    ))
}
