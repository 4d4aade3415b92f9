//! The alerts job's work: list every current cause over all active
//! accounts as of `now`, and open and close alerts to match.

use chrono::{DateTime, Days, Duration, Utc};
use govmedia_domain::auth::Scope;
use govmedia_domain::clock::china_date;
use govmedia_domain::monitoring::alerts::{self, Cause};
use govmedia_domain::monitoring::feeds::FeedSettings;
use govmedia_domain::monitoring::posts::{self, day_start, monday_of, week_label, window_end};
use govmedia_domain::monitoring::{MonitoringRules, resolve};
use govmedia_store::{Store, StoreResult};
use std::collections::HashMap;

/// How far back unanswered messages are looked at.
const MESSAGE_DAYS: i64 = 400;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertRun {
    pub causes: usize,
    pub opened: u64,
    pub closed: u64,
}

/// Every current cause of an alert, as of `now`.
pub async fn causes(
    store: &Store,
    defaults: &MonitoringRules,
    feeds: &FeedSettings,
    now: DateTime<Utc>,
) -> StoreResult<Vec<Cause>> {
    let today = china_date(now);
    let overrides = store.monitoring_overrides().await?;
    let facts = store
        .account_facts(
            &Scope::All { within: None },
            &Default::default(),
            window_end(today, now),
        )
        .await?;
    let last_monday = monday_of(today) - Days::new(7);
    let week = store.rollup_counts(last_monday, monday_of(today)).await?;
    let mut out = Vec::new();
    let mut rules_of = HashMap::new();
    for f in &facts {
        let rules = resolve(defaults, &overrides, &f.host_org_path).rules;
        let last = crate::monitoring::facts_posts(f);
        let v = posts::zombie(&rules, &last, &f.coverage, today, now);
        if v.zombie == Some(true) {
            out.push(alerts::zombie(
                f.account_id,
                v.last_post_at.map(china_date),
                v.days_since_update,
            ));
        }
        let (o, r) = week.get(&f.account_id).copied().unwrap_or_default();
        let covered = f.coverage.covers(day_start(monday_of(today)));
        let n = u32::try_from(o + if rules.count_reposts { r } else { 0 }).unwrap_or(u32::MAX);
        if posts::week_breach(&rules, n, covered) == Some(true) {
            out.push(alerts::frequency(
                f.account_id,
                &week_label(last_monday),
                n,
                rules.weekly_min,
            ));
        }
        rules_of.insert(f.account_id, rules);
    }
    let cal = store.calendar().await?;
    for (id, account, received) in store
        .unanswered_messages(now - Duration::days(MESSAGE_DAYS))
        .await?
    {
        let Some(rules) = rules_of.get(&account) else {
            continue;
        };
        // A year without calendar data has no deadline yet (待定).
        if let Ok(due) = govmedia_domain::monitoring::reply_due(&cal, rules, received)
            && today > due
        {
            out.push(alerts::overdue(account, id, due));
        }
    }
    for (id, account, title) in store.blocked_posts().await? {
        if rules_of.contains_key(&account) {
            out.push(alerts::blocked(account, id, &title));
        }
    }
    for f in store.failing_feeds(feeds.broken_after).await? {
        if rules_of.contains_key(&f.account_id) {
            out.push(alerts::feed_broken(
                f.account_id,
                f.id,
                f.failures,
                &f.last_error,
            ));
        }
    }
    Ok(out)
}

/// Opens and closes alerts to match the causes as of `now`. Idempotent: a
/// second run with the same facts changes nothing.
pub async fn evaluate(
    store: &Store,
    defaults: &MonitoringRules,
    feeds: &FeedSettings,
    now: DateTime<Utc>,
) -> StoreResult<AlertRun> {
    let causes = causes(store, defaults, feeds, now).await?;
    let open = store.open_alert_keys().await?;
    let (to_open, to_close) = alerts::plan(&open, &causes);
    let (opened, closed) = store.apply_alerts(&to_open, &to_close).await?;
    Ok(AlertRun {
        causes: causes.len(),
        opened,
        closed,
    })
}

/// The longest note an acknowledgement takes, in characters.
pub const MAX_ACK_NOTE: usize = 500;

/// Acknowledges an alert with a note: whoever may update the account or
/// set monitoring rules, within their scope. Audited by the store.
pub async fn acknowledge(
    store: &Store,
    c: crate::Caller<'_>,
    id: i64,
    note: &str,
) -> StoreResult<()> {
    use govmedia_domain::auth::Permission;
    let scope = match c.principal.scope(Permission::AccountUpdate) {
        Scope::Denied => c.principal.scope(Permission::MonitoringRules),
        s => s,
    };
    if scope == Scope::Denied {
        return Err(govmedia_store::StoreError::forbidden("无权确认预警"));
    }
    if note.chars().count() > MAX_ACK_NOTE {
        return Err(govmedia_store::StoreError::invalid(
            "note_too_long",
            format!("说明不能超过{MAX_ACK_NOTE}个字符"),
        ));
    }
    if note.contains('\0') {
        return Err(govmedia_store::StoreError::invalid(
            "invalid_char",
            "说明含有不允许的控制字符",
        ));
    }
    store
        .acknowledge_alert(&scope, c.actor, id, note.trim())
        .await
}

/// The alerts waiting in a user's 我的待办: open and not yet acknowledged,
/// on accounts hosted by the user's own org (the responsible org).
pub async fn todo(
    store: &Store,
    p: &govmedia_domain::auth::Principal,
) -> StoreResult<Vec<govmedia_store::alerts::AlertView>> {
    if p.org_id.0 == 0 {
        return Ok(Vec::new());
    }
    let own = Scope::Rules {
        rules: vec![govmedia_domain::auth::ScopeRule::Org(p.org_id)],
        within: None,
    };
    Ok(store
        .alerts(
            &own,
            &govmedia_store::alerts::AlertFilter {
                open: Some(true),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .filter(|a| a.acknowledged_at.is_none())
        .collect())
}
