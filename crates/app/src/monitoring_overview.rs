//! 首页's monitoring numbers for a scope as of a day: zombies, frequency
//! breaches, late messages, posts with findings and open alerts, the
//! update activity of the last 26 weeks (from the daily rollups) and a
//! ranking of the orgs under the reader.

use crate::monitoring::REPORT_WEEKS;
use crate::monitoring_lists::Period;
use crate::monitoring_tallies::scope_counts;
use chrono::{Days, NaiveDate};
use govmedia_domain::OrgId;
use govmedia_domain::auth::{Permission, Principal};
use govmedia_domain::monitoring::MonitoringRules;
use govmedia_domain::monitoring::feeds::{FeedHealth, FeedSettings};
use govmedia_domain::monitoring::posts::{monday_of, week_label};
use govmedia_store::alerts::AlertFilter;
use govmedia_store::monitoring_lists::MonitorFilter;
use govmedia_store::orgs::OrgRecord;
use govmedia_store::{Store, StoreResult};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct WeekTotal {
    pub week: String,
    pub monday: NaiveDate,
    pub originals: i64,
    pub reposts: i64,
}

/// One org of the ranking: its whole subtree.
#[derive(Debug, Clone, Serialize)]
pub struct OrgRank {
    pub org_id: OrgId,
    pub org_name: String,
    /// Accounts hosted by the org itself only (its subtree is ranked apart).
    pub own_only: bool,
    pub accounts: u32,
    pub zombies: u32,
    /// Zombies among the active accounts, 0–1.
    pub zombie_share: f64,
    pub received: u32,
    pub on_time: u32,
    /// On time among the messages whose outcome is known (replied, or
    /// overdue), 0–1; `None` without any.
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub as_of: NaiveDate,
    /// Active accounts measured.
    pub accounts: usize,
    pub zombies: usize,
    pub zombie_soon: usize,
    pub no_data: usize,
    /// The last complete week, and the accounts below its minimum.
    pub week: String,
    pub below_min: usize,
    pub overdue_messages: usize,
    pub due_soon_messages: usize,
    /// Posts with findings in the 30 days ending `as_of`.
    pub period: Period,
    pub flagged_posts: i64,
    pub open_alerts: usize,
    /// Feeds failing long enough to count as broken.
    pub broken_feeds: usize,
    pub weekly: Vec<WeekTotal>,
    pub ranking: Vec<OrgRank>,
}

/// The orgs a ranking compares: with one root, its children (and the root
/// itself for its own accounts); with several roots, the roots.
pub fn rank_groups(orgs: &[OrgRecord], under: Option<OrgId>) -> Vec<(OrgRecord, bool)> {
    let ids: HashSet<OrgId> = orgs.iter().map(|o| o.id).collect();
    let roots: Vec<&OrgRecord> = match under {
        Some(u) => orgs.iter().filter(|o| o.id == u).collect(),
        None => orgs
            .iter()
            .filter(|o| o.parent_id.is_none_or(|p| !ids.contains(&p)))
            .collect(),
    };
    if let [root] = roots[..] {
        let mut out = vec![(root.clone(), true)];
        out.extend(
            orgs.iter()
                .filter(|o| o.parent_id == Some(root.id))
                .map(|o| (o.clone(), false)),
        );
        out
    } else {
        roots.into_iter().map(|o| (o.clone(), false)).collect()
    }
}

/// The group of an account's host org path: the deepest group whose
/// subtree holds it (an own-only group holds only its exact path).
fn group_of(groups: &[(OrgRecord, bool)], path: &str) -> Option<usize> {
    groups
        .iter()
        .enumerate()
        .filter(|(_, (o, own))| {
            if *own {
                o.path == path
            } else {
                path.starts_with(&o.path)
            }
        })
        .max_by_key(|(_, (o, _))| o.path.len())
        .map(|(i, _)| i)
}

pub async fn overview(
    store: &Store,
    principal: &Principal,
    defaults: &MonitoringRules,
    feeds: &FeedSettings,
    f: &MonitorFilter,
    as_of: NaiveDate,
) -> StoreResult<Overview> {
    let scope = principal.scope(Permission::AccountRead);
    let period = Period::ending(as_of);
    let (from, to) = period.bounds();
    let first = monday_of(as_of) - Days::new(7 * u64::from(REPORT_WEEKS));
    let mondays: Vec<NaiveDate> = (0..u64::from(REPORT_WEEKS))
        .map(|i| first + Days::new(7 * i))
        .collect();
    let alerts = AlertFilter {
        open: Some(true),
        org: f.org,
        platform: f.platform,
        ..Default::default()
    };
    // Independent reads, side by side on the pool's connections.
    let (c, (_, flagged), open_alerts, feed_rows, totals) = tokio::try_join!(
        scope_counts(store, principal, defaults, f, as_of, period),
        store.flagged_post_list(&scope, f, from, to, 0, 0),
        store.count_alerts(&scope, &alerts),
        store.feeds(&scope, f),
        store.weekly_posts(&scope, f, &mondays),
    )?;
    let open_alerts = open_alerts as usize;
    let broken_feeds = feed_rows
        .iter()
        .filter(|x| {
            FeedHealth::of(feeds, x.failures, x.last_polled_at.is_some()) == FeedHealth::Broken
        })
        .count();
    let weekly = mondays
        .iter()
        .map(|m| {
            let (o, r) = totals
                .iter()
                .find(|t| t.0 == *m)
                .map(|t| (t.1, t.2))
                .unwrap_or_default();
            WeekTotal {
                week: week_label(*m),
                monday: *m,
                originals: o,
                reposts: r,
            }
        })
        .collect();
    let groups = rank_groups(&c.orgs, f.org);
    let mut ranks: Vec<OrgRank> = groups
        .iter()
        .map(|(o, own)| OrgRank {
            org_id: o.id,
            org_name: o.name.clone(),
            own_only: *own,
            accounts: 0,
            zombies: 0,
            zombie_share: 0.0,
            received: 0,
            on_time: 0,
            on_time_rate: None,
        })
        .collect();
    let mut accounts = 0usize;
    for a in &c.accounts {
        accounts += usize::try_from(a.accounts).unwrap_or_default();
        if let Some(g) = group_of(&groups, &a.org_path) {
            ranks[g].accounts += u32::try_from(a.accounts).unwrap_or(u32::MAX);
        }
    }
    for z in &c.zombies.items {
        if let Some(g) = c
            .paths
            .get(&z.account_id)
            .and_then(|p| group_of(&groups, p))
        {
            ranks[g].zombies += 1;
        }
    }
    let path_of: HashMap<OrgId, &str> = c.orgs.iter().map(|o| (o.id, o.path.as_str())).collect();
    let mut known = vec![0u32; ranks.len()];
    for t in &c.replies {
        if let Some(g) = path_of.get(&t.org_id).and_then(|p| group_of(&groups, p)) {
            let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
            ranks[g].received += n(t.received);
            ranks[g].on_time += n(t.on_time);
            known[g] += n(t.replied + t.overdue);
        }
    }
    for (r, k) in ranks.iter_mut().zip(known) {
        r.zombie_share = f64::from(r.zombies) / f64::from(r.accounts.max(1));
        r.on_time_rate = (k > 0).then(|| f64::from(r.on_time) / f64::from(k));
    }
    ranks.retain(|r| r.accounts > 0);
    // The worst first: most zombies, then the lowest on-time rate.
    ranks.sort_by(|a, b| {
        b.zombie_share.total_cmp(&a.zombie_share).then(
            a.on_time_rate
                .unwrap_or(1.0)
                .total_cmp(&b.on_time_rate.unwrap_or(1.0)),
        )
    });
    Ok(Overview {
        as_of,
        accounts,
        zombies: c.zombies.total,
        zombie_soon: c.zombies.soon.len(),
        no_data: c.zombies.no_data.len(),
        week: c.week,
        below_min: c.below_min,
        overdue_messages: c.overdue,
        due_soon_messages: c.due_soon,
        period,
        flagged_posts: flagged,
        open_alerts,
        broken_feeds,
        weekly,
        ranking: ranks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use govmedia_domain::org::{OrgKind, OrgLevel};

    fn org(id: i64, parent: Option<i64>, path: &str) -> OrgRecord {
        OrgRecord {
            id: OrgId(id),
            parent_id: parent.map(OrgId),
            name: format!("单位{id}"),
            kind: OrgKind::Organ,
            level: OrgLevel::City,
            region: String::new(),
            path: path.into(),
            is_publicity_center: false,
            is_supervising: false,
            sort_order: 0,
        }
    }

    #[test]
    fn one_root_ranks_its_children_and_its_own_accounts() {
        let orgs = [
            org(1, None, "/1/"),
            org(2, Some(1), "/1/2/"),
            org(3, Some(1), "/1/3/"),
            org(4, Some(2), "/1/2/4/"),
        ];
        let g = rank_groups(&orgs, None);
        let ids: Vec<i64> = g.iter().map(|(o, _)| o.id.0).collect();
        assert_eq!(ids, [1, 2, 3]);
        assert_eq!(group_of(&g, "/1/"), Some(0));
        assert_eq!(group_of(&g, "/1/2/4/"), Some(1));
        assert_eq!(group_of(&g, "/1/3/"), Some(2));
        // A path outside every group (it cannot happen within a scope).
        assert_eq!(group_of(&g, "/9/"), None);
    }

    #[test]
    fn several_roots_rank_the_roots() {
        let orgs = [
            org(2, Some(1), "/1/2/"),
            org(3, Some(1), "/1/3/"),
            org(4, Some(2), "/1/2/4/"),
        ];
        let g = rank_groups(&orgs, None);
        let ids: Vec<i64> = g.iter().map(|(o, _)| o.id.0).collect();
        assert_eq!(ids, [2, 3]);
        assert_eq!(group_of(&g, "/1/2/4/"), Some(0));
        let under = rank_groups(&orgs, Some(OrgId(2)));
        let ids: Vec<i64> = under.iter().map(|(o, _)| o.id.0).collect();
        assert_eq!(ids, [2, 4]);
    }
}
