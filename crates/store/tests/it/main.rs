//! Store conformance tests: each runs on SQLite, and on PostgreSQL when
//! GOVMEDIA_TEST_PG_URL is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

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
    let s = store.seed_demo(PW).await.unwrap().unwrap();
    assert!(s.accounts >= 200, "demo has {} accounts", s.accounts);
    assert!(
        store.seed_demo(PW).await.unwrap().is_none(),
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
