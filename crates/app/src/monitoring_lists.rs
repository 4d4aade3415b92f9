//! The 监测 lists of a scope as of a day: update frequency in the last
//! complete week, replies over a period with the messages overdue, and the
//! posts with compliance findings. Pages, exports and 首页 call these.

use crate::monitoring::{calendar_error, check_as_of};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use govmedia_domain::auth::{Permission, Principal};
use govmedia_domain::calendar::Calendar;
use govmedia_domain::monitoring::posts::{self, day_start, monday_of, week_label, window_end};
use govmedia_domain::monitoring::tallies::Leniency;
use govmedia_domain::monitoring::{
    MonitoringRules, ReplyState, ReplyStats, reply_due, reply_state, reply_stats, resolve,
};
use govmedia_domain::{AccountId, OrgId};
use govmedia_store::monitoring::AccountFacts;
use govmedia_store::monitoring_lists::{FlaggedPost, MonitorFilter};
use govmedia_store::{Store, StoreResult};
use serde::Serialize;
use std::collections::HashMap;

/// How far back unanswered messages are looked at for the overdue lists.
pub const OVERDUE_LOOKBACK_DAYS: i64 = 400;

/// The accounts of a scope with the rules each is measured with.
pub(crate) struct Judged {
    pub facts: Vec<AccountFacts>,
    pub rules: HashMap<AccountId, MonitoringRules>,
}

pub(crate) async fn judged(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    as_of: NaiveDate,
) -> StoreResult<Judged> {
    judged_unless(store, principal, defaults, f, as_of, None).await
}

/// The accounts of a scope that need judging for the zombie list as of a
/// day: every one but those that posted recently enough to be fine under
/// every rule set in use ([`Leniency`]), which the list would leave out.
pub(crate) async fn zombie_candidates(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    as_of: NaiveDate,
) -> StoreResult<Judged> {
    let scope = principal.scope(Permission::AccountRead);
    let overrides = store.monitoring_overrides().await?;
    let orgs = store.orgs_in_scope(&scope).await?;
    let all: Vec<MonitoringRules> = orgs
        .iter()
        .map(|o| resolve(defaults, &overrides, &o.path).rules)
        .collect();
    let l = Leniency::of(&all);
    let since = l
        .recent_from(as_of)
        .map(|d| (day_start(d), l.originals_only));
    judged_unless(store, principal, defaults, f, as_of, since).await
}

async fn judged_unless(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    as_of: NaiveDate,
    posted_since: Option<(DateTime<Utc>, bool)>,
) -> StoreResult<Judged> {
    let now = store.now();
    check_as_of(as_of, now)?;
    let scope = principal.scope(Permission::AccountRead);
    if let Some(o) = f.org {
        store.org_scoped(&scope, o).await?;
    }
    let overrides = store.monitoring_overrides().await?;
    let facts = store
        .account_facts_unless(&scope, f, window_end(as_of, now), posted_since)
        .await?;
    let rules = facts
        .iter()
        .map(|a| {
            (
                a.account_id,
                resolve(defaults, &overrides, &a.host_org_path).rules,
            )
        })
        .collect();
    Ok(Judged { facts, rules })
}

/// One row of the zombie and no-data lists.
#[derive(Debug, Clone, Serialize)]
pub struct ZombieItem {
    pub account_id: AccountId,
    pub account_name: String,
    pub platform: String,
    pub host_org_id: OrgId,
    pub host_org_name: String,
    pub last_post_at: Option<DateTime<Utc>>,
    pub days_since_update: Option<i64>,
    pub last_delivery_at: Option<DateTime<Utc>>,
    /// The zombie threshold applied to this account, in days.
    pub zombie_days: u32,
}

/// The zombie accounts of a scope as of a day, and the accounts whose
/// data does not cover the window (数据不足), never counted as zombies.
#[derive(Debug, Clone, Serialize)]
pub struct ZombieList {
    pub as_of: NaiveDate,
    pub items: Vec<ZombieItem>,
    pub total: usize,
    /// 即将成为僵尸号.
    pub soon: Vec<ZombieItem>,
    pub no_data: Vec<ZombieItem>,
}

/// The zombie accounts of the judged accounts, as of a day.
pub(crate) fn zombies_of(j: &Judged, as_of: NaiveDate, now: DateTime<Utc>) -> ZombieList {
    let (mut items, mut soon, mut no_data) = (Vec::new(), Vec::new(), Vec::new());
    for f in &j.facts {
        let rules = &j.rules[&f.account_id];
        let v = posts::zombie(
            rules,
            &crate::monitoring::facts_posts(f),
            &f.coverage,
            as_of,
            now,
        );
        let item = ZombieItem {
            account_id: f.account_id,
            account_name: f.account_name.clone(),
            platform: f.platform.clone(),
            host_org_id: f.host_org_id,
            host_org_name: f.host_org_name.clone(),
            last_post_at: v.last_post_at,
            days_since_update: v.days_since_update,
            last_delivery_at: f.coverage.last_delivery,
            zombie_days: rules.zombie_days,
        };
        match v.zombie {
            Some(true) => items.push(item),
            None => no_data.push(item),
            Some(false) if v.warning => soon.push(item),
            Some(false) => {}
        }
    }
    ZombieList {
        as_of,
        total: items.len(),
        items,
        soon,
        no_data,
    }
}

pub async fn zombies(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    as_of: NaiveDate,
) -> StoreResult<ZombieList> {
    let j = zombie_candidates(store, principal, defaults, f, as_of).await?;
    Ok(zombies_of(&j, as_of, store.now()))
}

/// The account columns every list row starts with.
#[derive(Debug, Clone, Serialize)]
pub struct AccountRef {
    pub account_id: AccountId,
    pub account_name: String,
    pub platform: String,
    pub host_org_id: OrgId,
    pub host_org_name: String,
}

impl From<&AccountFacts> for AccountRef {
    fn from(f: &AccountFacts) -> Self {
        AccountRef {
            account_id: f.account_id,
            account_name: f.account_name.clone(),
            platform: f.platform.clone(),
            host_org_id: f.host_org_id,
            host_org_name: f.host_org_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FrequencyItem {
    #[serde(flatten)]
    pub account: AccountRef,
    pub originals: i64,
    pub reposts: i64,
    /// What counts under the account's rule.
    pub posts: i64,
    pub weekly_min: u32,
    /// `None`: short, but no source covered the week (数据不足).
    pub below_min: Option<bool>,
}

/// Update frequency in the last complete ISO week before `as_of`.
#[derive(Debug, Clone, Serialize)]
pub struct FrequencyList {
    pub as_of: NaiveDate,
    pub week: String,
    pub monday: NaiveDate,
    /// Breaches first, then the fewest posts.
    pub items: Vec<FrequencyItem>,
    pub below: usize,
    pub no_data: usize,
}

pub async fn frequency(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    as_of: NaiveDate,
) -> StoreResult<FrequencyList> {
    let j = judged(store, principal, defaults, f, as_of).await?;
    frequency_of(store, principal, &j, f, as_of).await
}

pub(crate) async fn frequency_of(
    store: &Store,
    principal: &Principal,
    j: &Judged,
    f: &MonitorFilter,
    as_of: NaiveDate,
) -> StoreResult<FrequencyList> {
    let monday = monday_of(as_of) - Days::new(7);
    let counts = store
        .account_post_counts(
            &principal.scope(Permission::AccountRead),
            f,
            monday,
            monday_of(as_of),
        )
        .await?;
    let week_end = day_start(monday_of(as_of));
    let mut items: Vec<FrequencyItem> = j
        .facts
        .iter()
        .map(|a| {
            let rules = &j.rules[&a.account_id];
            let (originals, reposts) = counts.get(&a.account_id).copied().unwrap_or_default();
            let n = originals + if rules.count_reposts { reposts } else { 0 };
            FrequencyItem {
                account: a.into(),
                originals,
                reposts,
                posts: n,
                weekly_min: rules.weekly_min,
                below_min: posts::week_breach(
                    rules,
                    u32::try_from(n).unwrap_or(u32::MAX),
                    a.coverage.covers(week_end),
                ),
            }
        })
        .collect();
    let rank = |b: Option<bool>| match b {
        Some(true) => 0,
        None => 1,
        Some(false) => 2,
    };
    // Stable: ties keep the registry's order (org path, pinyin name).
    items.sort_by_key(|i| (rank(i.below_min), i.posts));
    Ok(FrequencyList {
        as_of,
        week: week_label(monday),
        monday,
        below: items.iter().filter(|i| i.below_min == Some(true)).count(),
        no_data: items.iter().filter(|i| i.below_min.is_none()).count(),
        items,
    })
}

/// The period of a list: China days `[from, to]`, both included.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The 30 days ending on `as_of`.
    pub fn ending(as_of: NaiveDate) -> Period {
        Period {
            from: as_of - Days::new(29),
            to: as_of,
        }
    }

    pub fn bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (day_start(self.from), day_start(self.to + Days::new(1)))
    }

    /// The period must be ordered and at most about a year long.
    pub fn check(&self) -> Result<(), govmedia_domain::error::RuleError> {
        if self.from > self.to || (self.to - self.from).num_days() > 366 {
            return Err(govmedia_domain::error::RuleError::Invalid {
                code: "invalid_period",
                message: "统计期间的开始日期应不晚于结束日期，且不超过一年".into(),
            });
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyItem {
    #[serde(flatten)]
    pub account: AccountRef,
    #[serde(flatten)]
    pub stats: ReplyStats,
    pub reply_workdays: u32,
}

/// A message past (or about to pass) its reply deadline.
#[derive(Debug, Clone, Serialize)]
pub struct LateMessage {
    pub id: i64,
    #[serde(flatten)]
    pub account: AccountRef,
    pub received_at: DateTime<Utc>,
    pub due: NaiveDate,
    pub state: ReplyState,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyList {
    pub as_of: NaiveDate,
    pub period: Period,
    /// Accounts that received messages in the period, the lowest on-time
    /// share first.
    pub items: Vec<ReplyItem>,
    /// Every message unanswered past its deadline as of `as_of` (whenever
    /// received), and those due within a working day, oldest first.
    pub overdue: Vec<LateMessage>,
    pub due_soon: Vec<LateMessage>,
}

/// Replies over a period and the late messages, as of `as_of`.
pub async fn replies(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    f: &MonitorFilter,
    period: Period,
    as_of: NaiveDate,
) -> StoreResult<ReplyList> {
    period.check()?;
    let j = judged(store, principal, defaults, f, as_of).await?;
    replies_of(store, principal, &j, f, period, as_of).await
}

pub(crate) async fn replies_of(
    store: &Store,
    principal: &Principal,
    j: &Judged,
    f: &MonitorFilter,
    period: Period,
    as_of: NaiveDate,
) -> StoreResult<ReplyList> {
    let scope = principal.scope(Permission::AccountRead);
    let cal = store.calendar().await?;
    let end = window_end(as_of, store.now());
    let (from, to) = period.bounds();
    let mut by_account: HashMap<AccountId, Vec<_>> = HashMap::new();
    for m in store
        .scoped_messages(&scope, f, from, to.min(end), None)
        .await?
    {
        by_account.entry(m.account_id).or_default().push(m.fact);
    }
    let mut items = Vec::new();
    for a in &j.facts {
        let Some(ms) = by_account.get(&a.account_id) else {
            continue;
        };
        let rules = &j.rules[&a.account_id];
        items.push(ReplyItem {
            account: a.into(),
            stats: reply_stats(&cal, rules, ms, as_of).map_err(calendar_error)?,
            reply_workdays: rules.reply_workdays,
        });
    }
    let share = |s: &ReplyStats| f64::from(s.on_time) / f64::from(s.received.max(1));
    items.sort_by(|x, y| share(&x.stats).total_cmp(&share(&y.stats)));
    let (overdue, due_soon) = late_messages(store, principal, j, f, &cal, as_of).await?;
    Ok(ReplyList {
        as_of,
        period,
        items,
        overdue,
        due_soon,
    })
}

/// The messages of the judged accounts unanswered as of `as_of`, split
/// into overdue and 即将超期. A year without calendar data has no deadline
/// yet (待定) and is left out.
pub(crate) async fn late_messages(
    store: &Store,
    principal: &Principal,
    j: &Judged,
    f: &MonitorFilter,
    cal: &Calendar,
    as_of: NaiveDate,
) -> StoreResult<(Vec<LateMessage>, Vec<LateMessage>)> {
    let end = window_end(as_of, store.now());
    let refs: HashMap<AccountId, &AccountFacts> =
        j.facts.iter().map(|a| (a.account_id, a)).collect();
    let (mut overdue, mut soon) = (Vec::new(), Vec::new());
    for m in store
        .scoped_messages(
            &principal.scope(Permission::AccountRead),
            f,
            end - Duration::days(OVERDUE_LOOKBACK_DAYS),
            end,
            Some(end),
        )
        .await?
    {
        let (Some(a), Some(rules)) = (refs.get(&m.account_id), j.rules.get(&m.account_id)) else {
            continue;
        };
        let (Ok(due), Ok(state)) = (
            reply_due(cal, rules, m.fact.received_at),
            reply_state(cal, rules, &m.fact, as_of),
        ) else {
            continue;
        };
        let late = LateMessage {
            id: m.id,
            account: (*a).into(),
            received_at: m.fact.received_at,
            due,
            state,
            text: m.text,
        };
        match state {
            ReplyState::Overdue => overdue.push(late),
            ReplyState::DueSoon => soon.push(late),
            _ => {}
        }
    }
    Ok((overdue, soon))
}

/// Posts with a finding published in a period, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct ViolationList {
    pub period: Period,
    pub items: Vec<FlaggedPost>,
    pub total: i64,
}

pub async fn violations(
    store: &Store,
    principal: &Principal,
    f: &MonitorFilter,
    period: Period,
    limit: i64,
    offset: i64,
) -> StoreResult<ViolationList> {
    period.check()?;
    let scope = principal.scope(Permission::AccountRead);
    if let Some(o) = f.org {
        store.org_scoped(&scope, o).await?;
    }
    let (from, to) = period.bounds();
    let (items, total) = store
        .flagged_post_list(&scope, f, from, to, limit, offset)
        .await?;
    Ok(ViolationList {
        period,
        items,
        total,
    })
}
