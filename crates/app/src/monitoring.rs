//! The monitoring measures of one account and the lists of a scope, as of
//! any day: load the facts, resolve the rules for the account's org, and
//! ask the domain's pure measures.

use crate::Caller;
use chrono::{DateTime, Days, NaiveDate, Utc};
use govmedia_domain::auth::{Permission, Principal};
use govmedia_domain::calendar::CalendarError;
use govmedia_domain::clock::china_date;
use govmedia_domain::error::RuleError;
use govmedia_domain::monitoring::posts::{self, day_start, monday_of, window_end};
use govmedia_domain::monitoring::{
    AppliedRules, MonitoringRules, PostFact, PostKind, ReplyStats, RuleOverride, resolve,
};
use govmedia_domain::{AccountId, OrgId};
use govmedia_store::monitoring::AccountFacts;
use govmedia_store::{Store, StoreError, StoreResult};
use serde::Serialize;

/// Complete weeks a report covers.
pub const REPORT_WEEKS: u32 = 26;

#[derive(Debug, Clone, Serialize)]
pub struct WeekOut {
    pub week: String,
    pub monday: NaiveDate,
    pub posts: u32,
    pub below_min: Option<bool>,
}

/// Whether some source covered the account's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageState {
    Covered,
    Insufficient,
}

impl CoverageState {
    pub fn label(self) -> &'static str {
        match self {
            CoverageState::Covered => "数据正常",
            CoverageState::Insufficient => "数据不足",
        }
    }
}

/// Early warnings before a breach.
#[derive(Debug, Clone, Serialize)]
pub struct EarlyWarnings {
    /// 即将成为僵尸号.
    pub zombie_soon: bool,
    /// 本周更新不足.
    pub week_short: bool,
}

/// `GET /api/v1/accounts/{id}/monitoring`.
#[derive(Debug, Clone, Serialize)]
pub struct MonitoringReport {
    pub account_id: AccountId,
    pub as_of: NaiveDate,
    pub last_post_at: Option<DateTime<Utc>>,
    pub days_since_update: Option<i64>,
    pub zombie: Option<bool>,
    pub coverage: CoverageState,
    pub last_delivery_at: Option<DateTime<Utc>>,
    pub weeks: Vec<WeekOut>,
    pub messages: ReplyStats,
    /// Posts published in the weeks reported with a finding of severity
    /// review or block.
    pub violations: i64,
    pub warnings: EarlyWarnings,
    pub rules: AppliedRules,
}

pub(crate) fn calendar_error(e: CalendarError) -> StoreError {
    StoreError::Rule(match e {
        CalendarError::NoData(y) => RuleError::Invalid {
            code: "calendar_year_missing",
            message: format!("法定节假日日历缺少{y}年的数据，无法计算回复期限"),
        },
        CalendarError::Invalid(m) => RuleError::Invalid {
            code: "calendar_invalid",
            message: m,
        },
        CalendarError::OutOfRange => RuleError::Invalid {
            code: "calendar_invalid",
            message: "回复期限的工作日数超出范围".into(),
        },
    })
}

/// `as_of` may not lie after today (China time).
pub fn check_as_of(as_of: NaiveDate, now: DateTime<Utc>) -> Result<(), RuleError> {
    if as_of > china_date(now) {
        return Err(RuleError::Invalid {
            code: "as_of_in_future",
            message: "as_of 不能晚于今天".into(),
        });
    }
    Ok(())
}

/// The rules for an org path (configured defaults and the overrides of
/// its ancestors).
pub async fn rules_for(
    store: &Store,
    defaults: &MonitoringRules,
    org_path: &str,
) -> StoreResult<AppliedRules> {
    let overrides = store.monitoring_overrides().await?;
    Ok(resolve(defaults, &overrides, org_path))
}

/// The thresholds set on an org, and those its accounts are measured with.
#[derive(Debug, Clone, Serialize)]
pub struct OrgRules {
    pub org_id: OrgId,
    /// What this org sets for its subtree (unset fields are inherited).
    pub rules: RuleOverride,
    /// What applies to the org's own accounts, and which orgs set it.
    pub applied: AppliedRules,
}

pub async fn org_rules(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    org: OrgId,
) -> StoreResult<OrgRules> {
    let o = store
        .org_scoped(&principal.scope(Permission::AccountRead), org)
        .await?;
    Ok(OrgRules {
        org_id: org,
        rules: store.monitoring_override(org).await?.unwrap_or_default(),
        applied: rules_for(store, defaults, &o.path).await?,
    })
}

/// Sets an org's thresholds (an empty set removes them): the publicity
/// center or a supervising department, within its scope.
pub async fn set_org_rules(
    store: &Store,
    c: Caller<'_>,
    defaults: &MonitoringRules,
    org: OrgId,
    rules: &RuleOverride,
) -> StoreResult<OrgRules> {
    let scope = c.principal.scope(Permission::MonitoringRules);
    if scope == govmedia_domain::auth::Scope::Denied {
        return Err(StoreError::Rule(RuleError::Forbidden {
            message: "无权设置监测规则".into(),
        }));
    }
    store.org_scoped(&scope, org).await?;
    rules.validate().map_err(|m| {
        StoreError::Rule(RuleError::Invalid {
            code: "invalid_rules",
            message: m,
        })
    })?;
    store.set_monitoring_override(c.actor, org, rules).await?;
    org_rules(store, c.principal, defaults, org).await
}

pub async fn account_report(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    id: AccountId,
    as_of: NaiveDate,
) -> StoreResult<MonitoringReport> {
    let now = store.now();
    check_as_of(as_of, now)?;
    let account = store
        .account(&principal.scope(Permission::AccountRead), id)
        .await?;
    let applied = rules_for(store, defaults, &account.host_org_path).await?;
    let rules = &applied.rules;
    let end = window_end(as_of, now);
    let first_monday = monday_of(as_of) - Days::new(7 * u64::from(REPORT_WEEKS));
    let window = store.post_facts(id, day_start(first_monday), end).await?;
    let last = store.last_posts(id, end).await?;
    let coverage = store.coverage(id).await?;
    let verdict = posts::zombie(rules, &last, &coverage, as_of, now);
    let weeks = posts::weeks(rules, &window, &coverage, as_of, REPORT_WEEKS);
    let messages = store
        .message_facts(id, day_start(first_monday), day_start(monday_of(as_of)))
        .await?;
    let cal = store.calendar().await?;
    let stats = govmedia_domain::monitoring::reply_stats(&cal, rules, &messages, as_of)
        .map_err(calendar_error)?;
    let violations = store
        .flagged_posts(id, day_start(first_monday), end)
        .await?;
    Ok(MonitoringReport {
        account_id: id,
        as_of,
        last_post_at: verdict.last_post_at,
        days_since_update: verdict.days_since_update,
        zombie: verdict.zombie,
        coverage: if coverage.covers(posts::coverage_needed(as_of, now)) {
            CoverageState::Covered
        } else {
            CoverageState::Insufficient
        },
        last_delivery_at: coverage.last_delivery,
        weeks: weeks
            .into_iter()
            .map(|w| WeekOut {
                week: w.week,
                monday: w.monday,
                posts: w.posts,
                below_min: w.below_min,
            })
            .collect(),
        messages: stats,
        violations,
        warnings: EarlyWarnings {
            zombie_soon: verdict.warning,
            week_short: posts::week_short(rules, &window, as_of, now),
        },
        rules: applied,
    })
}

/// The last posts of an account's facts, as the zombie measure takes them.
pub fn facts_posts(f: &AccountFacts) -> Vec<PostFact> {
    let mut v = Vec::new();
    if let Some(t) = f.last_original_at {
        v.push(PostFact {
            published_at: t,
            kind: PostKind::Original,
        });
    }
    if let Some(t) = f.last_post_at.filter(|t| Some(*t) != f.last_original_at) {
        v.push(PostFact {
            published_at: t,
            kind: PostKind::Repost,
        });
    }
    v
}

pub use crate::monitoring_lists::{ZombieItem, ZombieList, zombies};
