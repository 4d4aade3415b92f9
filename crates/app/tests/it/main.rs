//! Store conformance tests on the demo data, and the filing flows through
//! the application services: each runs on SQLite, and on PostgreSQL when
//! GOVMEDIA_TEST_PG_URL is set. (They live here because the demo data
//! needs the application layer, which needs the store.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use govmedia_app::{Caller, filings};
use govmedia_domain::audit::ChainBreak;
use govmedia_domain::auth::{Permission, Scope};
use govmedia_domain::password::LockoutPolicy;
use govmedia_store::Store;
use govmedia_store::accounts::AccountFilter;
use govmedia_store::both_backends;
use govmedia_store::orgs::Actor;
use govmedia_store::testing::TestDb;
use govmedia_store::users::LoginOutcome;

const PW: &str = "Demo-Pass-2026";

async fn seeded(store: &Store) {
    let s = govmedia_demo::seed(store, PW).await.unwrap().unwrap();
    assert!(s.accounts >= 200, "demo has {} accounts", s.accounts);
    assert!(
        govmedia_demo::seed(store, PW).await.unwrap().is_none(),
        "second seed is a no-op"
    );
}

both_backends!(migrate_is_idempotent, async |store: Store| {
    assert!(store.migrate().await.unwrap().is_empty());
});

both_backends!(demo_scope_limits_lists, async |store: Store| {
    seeded(&store).await;
    let jj = store
        .principal(store.user_by_username("jj_editor").await.unwrap().id)
        .await
        .unwrap();
    let scope = jj.scope(Permission::AccountRead);
    let page = store
        .list_accounts(
            &scope,
            &AccountFilter {
                per_page: 200,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(page.total > 10);
    for a in &page.items {
        assert!(
            !a.account.host_org_name.contains("南昌"),
            "{}",
            a.account.host_org_name
        );
    }
    let nc_account = store
        .list_accounts(
            &Scope::All { within: None },
            &AccountFilter {
                q: Some("南昌人社".into()),
                per_page: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let id = nc_account.items[0].account.id;
    assert!(store.account(&scope, id).await.is_err());
    let all = store
        .list_accounts(
            &Scope::All { within: None },
            &AccountFilter {
                per_page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(all.total >= 200);
});

both_backends!(lockout_after_five_failures, async |store: Store| {
    seeded(&store).await;
    let policy = LockoutPolicy::default();
    for _ in 0..4 {
        assert_eq!(
            store
                .login("nc_editor", "wrong", "127.0.0.1", &policy)
                .await
                .unwrap(),
            LoginOutcome::BadCredentials
        );
    }
    assert!(matches!(
        store
            .login("nc_editor", "wrong", "127.0.0.1", &policy)
            .await
            .unwrap(),
        LoginOutcome::Locked { .. }
    ));
    assert!(matches!(
        store
            .login("nc_editor", PW, "127.0.0.1", &policy)
            .await
            .unwrap(),
        LoginOutcome::Locked { .. }
    ));
    let u = store.user_by_username("nc_editor").await.unwrap();
    store.unlock_user(&Actor::system(), u.id).await.unwrap();
    assert!(matches!(
        store
            .login("nc_editor", PW, "127.0.0.1", &policy)
            .await
            .unwrap(),
        LoginOutcome::Ok { .. }
    ));
});

both_backends!(audit_chain_detects_edits, async |store: Store| {
    seeded(&store).await;
    let _ = store
        .login("admin", "wrong", "10.0.0.1", &LockoutPolicy::default())
        .await
        .unwrap();
    let r = store.audit_verify().await.unwrap();
    assert!(r.first_break.is_none());
    assert!(r.checked > 5);
    // An administrator with database access edits a row behind our back.
    let drop = match store.backend {
        govmedia_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        govmedia_store::Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    assert!(
        sqlx::query("UPDATE audit_log SET ip = '1.2.3.4' WHERE id = 3")
            .execute(&store.pool)
            .await
            .is_err(),
        "trigger blocks updates"
    );
    sqlx::query(drop).execute(&store.pool).await.unwrap();
    sqlx::query("UPDATE audit_log SET ip = '1.2.3.4' WHERE id = 3")
        .execute(&store.pool)
        .await
        .unwrap();
    assert_eq!(
        store.audit_verify().await.unwrap().first_break,
        Some(ChainBreak::Altered { id: 3 })
    );
});

both_backends!(audit_chain_detects_deletes, async |store: Store| {
    seeded(&store).await;
    assert!(
        sqlx::query("DELETE FROM audit_log WHERE id = 4")
            .execute(&store.pool)
            .await
            .is_err(),
        "recent entries cannot be deleted"
    );
    let drop = match store.backend {
        govmedia_store::Backend::Sqlite => "DROP TRIGGER audit_log_keep_recent",
        govmedia_store::Backend::Postgres => "DROP TRIGGER audit_log_keep_recent ON audit_log",
    };
    sqlx::query(drop).execute(&store.pool).await.unwrap();
    sqlx::query("DELETE FROM audit_log WHERE id = 4")
        .execute(&store.pool)
        .await
        .unwrap();
    assert_eq!(
        store.audit_verify().await.unwrap().first_break,
        Some(ChainBreak::Unlinked {
            id: 5,
            previous_id: Some(3)
        })
    );
});

both_backends!(
    moving_an_org_rewrites_subtree_paths,
    async |store: Store| {
        seeded(&store).await;
        let actor = Actor::system();
        let nc = store
            .org_by_name("南昌市人力资源和社会保障局")
            .await
            .unwrap();
        let jj = store
            .org_by_name("九江市人力资源和社会保障局")
            .await
            .unwrap();
        let qsh = store
            .org_by_name("青山湖区人力资源和社会保障局")
            .await
            .unwrap();
        let input = govmedia_domain::org::OrgInput {
            name: qsh.name.clone(),
            kind: qsh.kind,
            level: qsh.level,
            region: qsh.region.clone(),
            parent_id: Some(jj.id),
            is_supervising: true,
        };
        store.update_org(&actor, qsh.id, &input).await.unwrap();
        let moved = store.org(qsh.id).await.unwrap();
        assert!(moved.path.starts_with(&jj.path));
        // Moving 南昌 below its own county is refused.
        let cycle = govmedia_domain::org::OrgInput {
            parent_id: Some(
                store
                    .org_by_name("东湖区人力资源和社会保障局")
                    .await
                    .unwrap()
                    .id,
            ),
            name: nc.name.clone(),
            kind: nc.kind,
            level: nc.level,
            region: nc.region.clone(),
            is_supervising: true,
        };
        assert!(store.update_org(&actor, nc.id, &cycle).await.is_err());
        let sup = store
            .supervising_department(moved.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(sup.id, moved.id);
    }
);

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let Some(pg) = TestDb::postgres().await else {
        eprintln!("GOVMEDIA_TEST_PG_URL not set: schema comparison skipped");
        return;
    };
    let lite = TestDb::sqlite().await;
    let a = lite.store.schema().await.unwrap();
    let b = pg.store.schema().await.unwrap();
    assert!(a.len() >= 8);
    assert_eq!(a, b);
    lite.teardown().await;
    pg.teardown().await;
}

both_backends!(calendar_years_load_and_edit, async |store: Store| {
    use chrono::NaiveDate;
    use govmedia_domain::calendar::{CalendarError, YearFile};
    let actor = Actor::system();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        store.calendar().await.unwrap().is_workday(d("2027-01-01")),
        Err(CalendarError::NoData(2027))
    );
    let f = YearFile::parse(r#"{"year": 2027, "papers": ["https://www.gov.cn/x"], "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#).unwrap();
    store.calendar_load_year(&actor, &f).await.unwrap();
    let cal = store.calendar().await.unwrap();
    assert_eq!(cal.is_workday(d("2027-01-01")), Ok(false));
    // Editing one day keeps the rest of a shipped year.
    store
        .calendar_set_day(&actor, d("2026-11-30"), Some(("测试假日".into(), true)))
        .await
        .unwrap();
    let cal = store.calendar().await.unwrap();
    assert_eq!(cal.is_workday(d("2026-11-30")), Ok(false));
    assert_eq!(
        cal.is_workday(d("2026-10-01")),
        Ok(false),
        "National Day still off"
    );
    assert_eq!(
        cal.is_workday(d("2026-09-20")),
        Ok(true),
        "adjusted Sunday still worked"
    );
    store
        .calendar_set_day(&actor, d("2026-11-30"), None)
        .await
        .unwrap();
    assert_eq!(
        store.calendar().await.unwrap().is_workday(d("2026-11-30")),
        Ok(true)
    );
    // A weekday cannot be an adjusted working day; nothing changes.
    assert!(
        store
            .calendar_set_day(&actor, d("2026-12-01"), Some(("x".into(), false)))
            .await
            .is_err()
    );
    assert_eq!(store.calendar_sources().await.unwrap().len(), 2);
    assert!(store.audit_verify().await.unwrap().first_break.is_none());
});

async fn who(store: &Store, username: &str) -> (Actor, govmedia_domain::auth::Principal) {
    let u = store.user_by_username(username).await.unwrap();
    let p = store.principal(u.id).await.unwrap();
    (
        Actor {
            user_id: Some(u.id.0),
            username: u.username,
            org_id: Some(u.org_id.0),
            ip: String::new(),
        },
        p,
    )
}

both_backends!(opening_workflow_end_to_end, async |store: Store| {
    use chrono::NaiveDate;
    use govmedia_domain::account::AccountDraft;
    use govmedia_domain::filing::ActInput;
    use govmedia_domain::filing::{Action, FilingKind, State};
    seeded(&store).await;
    let cal = store.calendar().await.unwrap();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let (ed, edp) = who(&store, "nc_editor").await;
    let (lead, leadp) = who(&store, "nc_leader").await;
    let (pubu, pubp) = who(&store, "nc_pub").await;
    let (center, centerp) = who(&store, "center").await;
    let (_, jjp) = who(&store, "jj_editor").await;
    let nc = store
        .org_by_name("南昌市人力资源和社会保障局")
        .await
        .unwrap();
    let input = AccountDraft {
        platform: "kuaishou".into(),
        name: "南昌人社快手".into(),
        host_org_id: nc.id.0.to_string(),
        responsible_person: "王磊".into(),
        ..Default::default()
    }
    .parse(day("2025-09-26"))
    .unwrap();
    let id = filings::apply_open(
        &store,
        Caller {
            actor: &ed,
            principal: &edp,
        },
        FilingKind::Open,
        &input,
    )
    .await
    .unwrap();
    let act = |who: (&Actor, &govmedia_domain::auth::Principal),
               action: Action,
               input: ActInput,
               today: &str| {
        let store = store.clone();
        let cal = cal.clone();
        let (a, p) = (who.0.clone(), who.1.clone());
        let today = day(today);
        async move {
            filings::act(
                &store,
                Caller {
                    actor: &a,
                    principal: &p,
                },
                id,
                action,
                &input,
                today,
                &cal,
                0,
            )
            .await
        }
    };
    let none = ActInput::default;
    // Nobody approves their own application; other cities cannot see it.
    let e = act((&ed, &edp), Action::Approve, none(), "2025-09-26")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("own_request") || e.to_string().contains("无权"),
        "{e}"
    );
    assert!(matches!(
        act((&ed, &jjp), Action::Approve, none(), "2025-09-26").await,
        Err(govmedia_store::StoreError::NotFound)
    ));
    // Filing before approval is refused and changes nothing.
    let e = act((&ed, &edp), Action::SubmitFiling, none(), "2025-09-26")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("illegal_transition"), "{e}");
    assert_eq!(
        act(
            (&lead, &leadp),
            Action::Approve,
            ActInput {
                override_reason: "名称开通后统一".into(),
                ..none()
            },
            "2025-09-26"
        )
        .await
        .unwrap(),
        State::Approved
    );
    let w = store
        .workflow(
            &centerp.scope(govmedia_domain::auth::Permission::AccountRead),
            id,
        )
        .await
        .unwrap();
    assert_eq!(
        w.filing_due.map(|d| d.to_string()).as_deref(),
        Some("2025-10-10"),
        "5 working days after the Friday before National Day"
    );
    let opened = ActInput {
        handle: "nc_rs_ks".into(),
        certification_subject: nc.name.clone(),
        ..Default::default()
    };
    assert_eq!(
        act((&ed, &edp), Action::OpenAccount, opened, "2025-09-28")
            .await
            .unwrap(),
        State::Opened
    );
    assert_eq!(
        act((&ed, &edp), Action::SubmitFiling, none(), "2025-09-28")
            .await
            .unwrap(),
        State::Filed
    );
    let targets: Vec<String> = store
        .filing_targets(id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.org_name)
        .collect();
    assert_eq!(
        targets,
        vec![
            nc.name.clone(),
            "江西省人力资源和社会保障宣传中心".to_string()
        ],
        "city-level account: city bureau and the center"
    );
    // Returning needs a reason.
    assert!(
        act((&pubu, &pubp), Action::ReturnFiling, none(), "2025-09-29")
            .await
            .is_err()
    );
    let reason = ActInput {
        opinion: "认证信息截图缺失".into(),
        ..Default::default()
    };
    assert_eq!(
        act((&pubu, &pubp), Action::ReturnFiling, reason, "2025-09-29")
            .await
            .unwrap(),
        State::Returned
    );
    assert_eq!(
        act((&ed, &edp), Action::SubmitFiling, none(), "2025-09-29")
            .await
            .unwrap(),
        State::Filed
    );
    assert_eq!(
        act((&pubu, &pubp), Action::AcceptFiling, none(), "2025-09-30")
            .await
            .unwrap(),
        State::Filed,
        "the center has not accepted yet"
    );
    assert!(
        act((&pubu, &pubp), Action::AcceptFiling, none(), "2025-09-30")
            .await
            .is_err(),
        "accepting twice"
    );
    assert_eq!(
        act(
            (&center, &centerp),
            Action::AcceptFiling,
            none(),
            "2025-09-30"
        )
        .await
        .unwrap(),
        State::Accepted
    );
    let w = store
        .workflow(
            &centerp.scope(govmedia_domain::auth::Permission::AccountRead),
            id,
        )
        .await
        .unwrap();
    assert!(w.account_id.is_some());
    assert_eq!(store.workflow_steps(id).await.unwrap().len(), 8);
    assert!(store.audit_verify().await.unwrap().first_break.is_none());
});

both_backends!(closure_waits_for_the_announcement, async |store: Store| {
    use chrono::NaiveDate;
    use govmedia_domain::account::AccountStatus;
    use govmedia_domain::auth::{Permission, Scope};
    use govmedia_domain::filing::ActInput;
    use govmedia_domain::filing::{Action, FilingKind, State};
    seeded(&store).await;
    let cal = store.calendar().await.unwrap();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let (ed, edp) = who(&store, "nc_editor").await;
    let (lead, leadp) = who(&store, "nc_leader").await;
    let all = Scope::All { within: None };
    let page = store
        .list_accounts(
            &all,
            &govmedia_store::accounts::AccountFilter {
                q: Some("南昌人社".into()),
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let victim = page
        .items
        .iter()
        .find(|a| a.account.platform == govmedia_domain::platform::Platform::Toutiao)
        .unwrap()
        .account
        .id;
    let survivor = page
        .items
        .iter()
        .find(|a| a.account.platform == govmedia_domain::platform::Platform::Douyin)
        .unwrap()
        .account
        .id;
    assert!(
        filings::apply_close(
            &store,
            Caller {
                actor: &ed,
                principal: &edp
            },
            FilingKind::Merge,
            victim,
            "",
            Some(survivor)
        )
        .await
        .is_err(),
        "a reason is required"
    );
    let id = filings::apply_close(
        &store,
        Caller {
            actor: &ed,
            principal: &edp,
        },
        FilingKind::Merge,
        victim,
        "功能重复，并入抖音号",
        Some(survivor),
    )
    .await
    .unwrap();
    assert!(
        filings::apply_close(
            &store,
            Caller {
                actor: &ed,
                principal: &edp
            },
            FilingKind::Close,
            victim,
            "再来一次",
            None
        )
        .await
        .is_err(),
        "one closure at a time"
    );
    let run =
        |a: &Actor, p: &govmedia_domain::auth::Principal, action, input: ActInput, today: &str| {
            let (store, cal, a, p, today) =
                (store.clone(), cal.clone(), a.clone(), p.clone(), day(today));
            async move {
                filings::act(
                    &store,
                    Caller {
                        actor: &a,
                        principal: &p,
                    },
                    id,
                    action,
                    &input,
                    today,
                    &cal,
                    3,
                )
                .await
            }
        };
    run(
        &lead,
        &leadp,
        Action::Approve,
        ActInput::default(),
        "2025-09-25",
    )
    .await
    .unwrap();
    let e = run(
        &ed,
        &edp,
        Action::Deregister,
        ActInput::default(),
        "2025-09-25",
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("illegal_transition"),
        "no skipping the announcement: {e}"
    );
    let ann = ActInput {
        announce_text: "本账号将于近日注销，相关服务请关注南昌人社抖音号。".into(),
        date: "2025-09-26".into(),
        ..Default::default()
    };
    assert_eq!(
        run(&ed, &edp, Action::Announce, ann, "2025-09-26")
            .await
            .unwrap(),
        State::Announced
    );
    let early = ActInput {
        date: "2025-09-29".into(),
        ..Default::default()
    };
    let e = run(&ed, &edp, Action::Deregister, early, "2025-09-29")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("2025-09-30"),
        "three working days after 09-26 (Sunday 09-28 is worked) is 09-30: {e}"
    );
    let ok = ActInput {
        date: "2025-10-09".into(),
        ..Default::default()
    };
    assert_eq!(
        run(&ed, &edp, Action::Deregister, ok, "2025-10-09")
            .await
            .unwrap(),
        State::Deregistered
    );
    let acc = store.account(&all, victim).await.unwrap();
    assert_eq!(acc.status, AccountStatus::Closed);
    let w = store.workflow(&all, id).await.unwrap();
    assert_eq!(
        w.filing_due.map(|d| d.to_string()).as_deref(),
        Some("2025-10-15"),
        "Saturday 10-11 is an adjusted working day"
    );
    // The merged account's history is reachable from the survivor.
    let merged = store
        .workflows(
            &edp.scope(Permission::AccountRead),
            &govmedia_store::filings::FilingFilter {
                account: Some(survivor),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(merged.len(), 1);
});

both_backends!(purge_keeps_a_verifiable_prefix_cut, async |store: Store| {
    seeded(&store).await;
    for drop in [
        "DROP TRIGGER audit_log_keep_recent",
        "DROP TRIGGER audit_log_keep_recent ON audit_log",
    ] {
        let _ = sqlx::query(drop).execute(&store.pool).await;
    }
    // Deleting the oldest rows by hand is detected ...
    sqlx::query("DELETE FROM audit_log WHERE id <= 2")
        .execute(&store.pool)
        .await
        .unwrap();
    assert_eq!(
        store.audit_verify().await.unwrap().first_break,
        Some(ChainBreak::Unlinked {
            id: 3,
            previous_id: None
        })
    );
    // ... while a recorded purge is not.
    let n = store
        .audit_purge(chrono::Utc::now().timestamp_millis() + 60_000)
        .await
        .unwrap();
    assert!(n > 0);
    let r = store.audit_verify().await.unwrap();
    assert!(r.first_break.is_none(), "{r:?}");
});

both_backends!(
    the_overdue_list_is_the_overdue_rule,
    async |store: Store| {
        use chrono::NaiveDate;
        use govmedia_domain::filing::State;
        use govmedia_store::filings::FilingFilter;
        seeded(&store).await;
        // An announced closure whose filing deadline has passed: the
        // reminders counted it as pending while the overdue list left
        // the state out.
        let all = Scope::All { within: None };
        let announced = store
            .workflows(
                &all,
                &FilingFilter {
                    state: Some(State::Announced),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let w = announced
            .first()
            .expect("the demo has an announced closure");
        sqlx::query("UPDATE workflows SET filing_due = '2000-01-03' WHERE id = $1")
            .bind(w.id.0)
            .execute(&store.pool)
            .await
            .unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let listed: Vec<_> = store
            .workflows(
                &all,
                &FilingFilter {
                    overdue_on: Some(today),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .iter()
            .map(|w| w.id)
            .collect();
        let ruled: Vec<_> = store
            .workflows(&all, &FilingFilter::default())
            .await
            .unwrap()
            .iter()
            .filter(|w| w.overdue_on(today))
            .map(|w| w.id)
            .collect();
        assert!(listed.contains(&w.id), "the announced closure is overdue");
        assert_eq!(listed, ruled);
    }
);
