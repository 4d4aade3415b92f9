//! Property tests of the domain rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use govmedia_domain::account::{AccountDraft, AccountRow, AccountStatus};
use govmedia_domain::auth::{Assignment, DataScope, Permission, Principal, Role};
use govmedia_domain::checks::{WarningKind, check_accounts};
use govmedia_domain::org::{child_path, path_ids, path_within};
use govmedia_domain::platform::Platform;
use govmedia_domain::text::normalize_name;
use govmedia_domain::{AccountId, OrgId, UserId};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

proptest! {
    #[test]
    fn normalize_is_idempotent(s in "\\PC{0,40}") {
        let once = normalize_name(&s);
        prop_assert_eq!(normalize_name(&once), once);
    }

    #[test]
    fn paths_nest(ids in proptest::collection::vec(1i64..10_000, 1..8)) {
        let mut path: Option<String> = None;
        let mut all = Vec::new();
        for id in &ids {
            let p = child_path(path.as_deref(), OrgId(*id));
            all.push(p.clone());
            path = Some(p);
        }
        let leaf = path.unwrap();
        prop_assert_eq!(path_ids(&leaf), ids.iter().map(|i| OrgId(*i)).collect::<Vec<_>>());
        for ancestor in &all {
            prop_assert!(path_within(&leaf, ancestor));
        }
    }

    /// A subtree assignment reaches exactly the orgs whose path starts with
    /// the anchor's; own-org reaches only the anchor; nothing grants a
    /// permission the role does not hold.
    #[test]
    fn scope_matches_tree(anchor in 1i64..50, other in 1i64..50, child in 51i64..100, role_i in 0usize..9) {
        let role = Role::ALL[role_i];
        let anchor_path = format!("/1/{anchor}/");
        let mk = |scope| Principal {
            user_id: UserId(1), username: "u".into(), display_name: "u".into(), org_id: OrgId(anchor),
            org_name: "x".into(), restrict_path: None,
            assignments: vec![Assignment { role, scope, org_id: OrgId(anchor), org_path: anchor_path.clone() }],
        };
        let child_path = format!("{anchor_path}{child}/");
        let other_path = format!("/1/{other}/");
        for perm in Permission::ALL {
            let granted = role.permissions().contains(&perm);
            let sub = mk(DataScope::Subtree);
            prop_assert_eq!(sub.allows_org(perm, OrgId(child), &child_path), granted);
            prop_assert_eq!(sub.allows_org(perm, OrgId(other), &other_path), granted && other == anchor);
            let own = mk(DataScope::OwnOrg);
            prop_assert_eq!(own.allows_org(perm, OrgId(child), &child_path), false);
            prop_assert_eq!(own.allows_org(perm, OrgId(anchor), &anchor_path), granted);
        }
    }

    #[test]
    fn draft_parsing_never_panics(platform in "\\PC{0,12}", name in "\\PC{0,60}", org in "\\PC{0,6}", date in "\\PC{0,12}", url in "\\PC{0,30}") {
        let d = AccountDraft { platform, name, host_org_id: org, opened_on: date, home_url: url, responsible_person: "张三".into(), ..Default::default() };
        if let Ok(a) = d.parse(today()) {
            prop_assert!(!a.name.is_empty() && a.name.chars().count() <= 50);
            prop_assert!(a.opened_on.is_none_or(|d| d <= today()));
        }
    }

    /// Checks never panic, closed accounts never warn, and a host with one
    /// account per platform, all named alike and certified correctly, gets
    /// no cross-account warning.
    #[test]
    fn checks_are_consistent(specs in proptest::collection::vec((0usize..11, 0i64..4, 0usize..3, any::<bool>()), 0..30)) {
        let names = ["南昌人社", "南昌就业", "美食"];
        let rows: Vec<AccountRow> = specs.iter().enumerate().map(|(i, (p, host, n, closed))| AccountRow {
            id: AccountId(i as i64 + 1),
            platform: Platform::ALL[*p],
            name: names[*n].into(),
            host_org_id: OrgId(*host),
            host_org_name: "南昌市人力资源和社会保障局".into(),
            host_org_region: "南昌市".into(),
            certification_subject: "南昌市人力资源和社会保障局".into(),
            status: if *closed { AccountStatus::Closed } else { AccountStatus::Active },
            personal_official: false,
            created_by: None,
        }).collect();
        let w = check_accounts(&rows);
        for r in &rows {
            let kinds: Vec<WarningKind> = w.get(&r.id).map(|v| v.iter().map(|x| x.kind).collect()).unwrap_or_default();
            if r.status == AccountStatus::Closed {
                prop_assert!(kinds.is_empty());
                continue;
            }
            let live: Vec<&AccountRow> = rows.iter().filter(|o| o.host_org_id == r.host_org_id && o.status != AccountStatus::Closed).collect();
            let dup = live.iter().filter(|o| o.platform == r.platform).count() > 1;
            prop_assert_eq!(kinds.contains(&WarningKind::DuplicatePlatform), dup);
            let all_same = live.iter().all(|o| o.name == r.name);
            if all_same {
                prop_assert!(!kinds.contains(&WarningKind::InconsistentName));
            }
            prop_assert_eq!(kinds.contains(&WarningKind::NameUnrelated), r.name == "美食");
        }
    }
}

mod workflow_props {
    use govmedia_domain::filing::{Action, FilingKind, State, initial_state, next_state};
    use proptest::prelude::*;

    proptest! {
        /// Random action sequences: the machine never skips approval, the
        /// announcement or the filing, and final states absorb everything.
        #[test]
        fn random_sequences_keep_the_invariants(kind_i in 0usize..5, steps in proptest::collection::vec((0usize..8, any::<bool>()), 0..40)) {
            let kind = FilingKind::ALL[kind_i];
            let mut state = initial_state(kind);
            let mut seen = vec![state];
            for (ai, last) in steps {
                let action = Action::ALL[ai];
                if let Ok(to) = next_state(kind, state, action, last) {
                    {
                        prop_assert!(!state.is_final(), "left final state {state:?}");
                        if to == State::Filed {
                            prop_assert!(seen.iter().any(|s| matches!(s, State::Opened | State::Recorded | State::Deregistered)), "filed before the event: {seen:?}");
                        }
                        if to == State::Deregistered {
                            prop_assert!(seen.contains(&State::Announced), "deregistered without announcement");
                        }
                        if to == State::Opened {
                            prop_assert!(seen.contains(&State::Approved), "opened without approval");
                        }
                        if to == State::Accepted {
                            prop_assert_eq!(state, State::Filed);
                            prop_assert!(last);
                        }
                        state = to;
                        seen.push(to);
                    }
                }
            }
        }
    }
}

mod monitoring_props {
    use chrono::{Days, NaiveDate, TimeDelta, TimeZone, Utc};
    use govmedia_domain::monitoring::{Coverage, MonitoringRules, PostFact, PostKind, zombie};
    use proptest::prelude::*;

    proptest! {
        /// Zombie as of D is exactly "no post on D−13 … D" when covered,
        /// and a post anywhere in the window always answers `false`,
        /// covered or not.
        #[test]
        fn zombie_is_no_post_in_the_last_fourteen_days(
            offsets in proptest::collection::vec(0i64..60 * 24, 0..8),
            covered in any::<bool>(),
        ) {
            let d = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
            let start = Utc.with_ymd_and_hms(2026, 9, 21, 16, 0, 0).single().expect("time"); // 09-22 00:00 China
            let posts: Vec<PostFact> = offsets
                .iter()
                .map(|h| PostFact { published_at: start + TimeDelta::hours(*h), kind: PostKind::Original })
                .collect();
            let now = start + TimeDelta::days(90);
            let cov = Coverage { last_delivery: covered.then_some(now) };
            let v = zombie(&MonitoringRules::default(), &posts, &cov, d, now);
            let window_from = d - Days::new(13);
            let any_in_window = posts.iter().any(|p| {
                let day = govmedia_domain::clock::china_date(p.published_at);
                day >= window_from && day <= d
            });
            let expected = if any_in_window { Some(false) } else if covered { Some(true) } else { None };
            prop_assert_eq!(v.zombie, expected);
        }
    }
}
