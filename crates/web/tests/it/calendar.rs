//! Calendar page and API.

use crate::client::*;
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;

both_backends!(calendar_page_and_api, async |store: Store| {
    let app = app(store).await;
    let editor = app.browser("nc_editor").await;
    let r = app.send(editor.get("/calendar?month=2025-10")).await;
    assert_eq!(r.status, StatusCode::OK);
    let page = r.text();
    assert!(page.contains("2025年10月") && page.contains("国庆节"));
    assert!(
        !page.contains("录入年度安排"),
        "editors cannot manage the calendar"
    );
    let r = app
        .send(editor.get("/calendar?month=2025-10&from=2025-09-26&n=5"))
        .await;
    assert!(r.text().contains("2025-10-10"));
    let r = app.send(editor.get("/calendar?month=2027-01")).await;
    assert!(r.text().contains("尚未录入"));
    // Editors may not change it.
    let r = app
        .send(editor.post(
            "/calendar/days",
            &[("date", "2027-01-01"), ("kind", "off"), ("name", "元旦")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The API agrees, and a missing year is a clear 422.
    let t = app.token("nc_editor").await;
    let r = app
        .get_api(&t, "/api/v1/calendar/add-workdays?from=2025-09-26&n=5")
        .await;
    assert_eq!(r.json()["due"], "2025-10-10");
    let r = app
        .get_api(&t, "/api/v1/calendar/add-workdays?from=2026-12-28&n=5")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "calendar_year_missing");
    let r = app.get_api(&t, "/api/v1/calendar/days/2025-13-01").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get_api(&t, "/api/v1/calendar/days/2025-09-28")
            .await
            .json()["workday"],
        true
    );

    // The publicity center edits a day; it takes effect at once.
    let center = app.browser("center").await;
    let r = app
        .send(center.post(
            "/calendar/days",
            &[
                ("date", "2026-12-31"),
                ("kind", "off"),
                ("name", "测试假日"),
            ],
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        app.get_api(&t, "/api/v1/calendar/days/2026-12-31")
            .await
            .json()["workday"],
        false
    );
    assert_eq!(
        app.get_api(&t, "/api/v1/calendar/days/2026-10-01")
            .await
            .json()["workday"],
        false,
        "the rest of the year is kept"
    );
    // A single day of a year without data would turn it into a
    // weekend-only guess: refused until the notice is loaded.
    let r = app
        .send(center.post(
            "/calendar/days",
            &[("date", "2027-01-01"), ("kind", "off"), ("name", "元旦")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("尚未录入"));
    assert_eq!(
        app.get_api(&t, "/api/v1/calendar/days/2027-01-04")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = app
        .send(center.post(
            "/calendar/days",
            &[("date", "2026-12-01"), ("kind", "work"), ("name", "x")],
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不能标为调休上班"));
    let ct = app.token("center").await;
    let body =
        r#"{"year": 2028, "days": [{"name": "元旦", "date": "2028-01-03", "isOffDay": true}]}"#;
    let r = app
        .send(json_req(
            "PUT",
            "/api/v1/calendar/years/2028",
            Some(&ct),
            body,
        ))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(
        app.get_api(&t, "/api/v1/calendar/add-workdays?from=2027-12-31&n=1")
            .await
            .json()["due"],
        "2028-01-04"
    );
    let r = app
        .send(json_req(
            "PUT",
            "/api/v1/calendar/years/2029",
            Some(&ct),
            body,
        ))
        .await;
    assert_eq!(r.json()["code"], "year_mismatch");
    let r = app
        .send(json_req(
            "PUT",
            "/api/v1/calendar/years/2028",
            Some(&t),
            body,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A token limited to one subtree may not change the national calendar.
    let center_user = app.store.user_by_username("center").await.unwrap();
    let jj = app
        .store
        .org_by_name("九江市人力资源和社会保障局")
        .await
        .unwrap();
    let (_, limited) = app
        .store
        .create_api_token(
            &govmedia_store::orgs::Actor::system(),
            center_user.id,
            "limited",
            jj.id,
        )
        .await
        .unwrap();
    let r = app
        .send(json_req(
            "PUT",
            "/api/v1/calendar/years/2028",
            Some(&limited),
            body,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

// A deadline that counts into a year whose holidays are not loaded is
// 待定, never an error: the approval goes through, the page says which
// year is missing, the calendar manager gets a to-do, and loading the
// year computes the date.
both_backends!(
    a_deadline_in_a_missing_year_is_pending_with_a_todo,
    async |store: Store| {
        use govmedia_domain::clock::FixedClock;
        use std::sync::Arc;
        let clock = Arc::new(FixedClock::at_china_noon(
            chrono::NaiveDate::from_ymd_opt(2026, 12, 28).unwrap(),
        ));
        let app = app(store.with_clock(clock)).await;
        let nc = org_id(&app.store, NC).await;
        let t = app.token("nc_editor").await;
        let r = app
            .send(json_req(
                "POST",
                "/api/v1/filings",
                Some(&t),
                &serde_json::json!({"kind": "open", "platform": "toutiao", "name": "南昌人社",
                    "host_org_id": nc, "responsible_person": "王磊"})
                .to_string(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let id = r.json()["id"].as_i64().unwrap();
        let lt = app.token("nc_leader").await;
        let r = app
            .send(json_req(
                "POST",
                &format!("/api/v1/filings/{id}/actions"),
                Some(&lt),
                r#"{"action":"approve","override_reason":"已核实"}"#,
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let editor = app.browser("nc_editor").await;
        let page = app.send(editor.get(&format!("/filings/{id}"))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text().contains("待定（缺少2027年日历）"),
            "{}",
            page.text()
        );
        let todo = app.send(editor.get("/todo")).await.text();
        assert!(todo.contains("待定（缺少2027年日历）"));
        assert!(
            !todo.contains("录入2027年"),
            "only calendar managers are asked"
        );
        // The calendar manager is asked, on 我的待办, 首页 and the calendar.
        let center = app.browser("center").await;
        let todo = app.send(center.get("/todo")).await.text();
        assert!(todo.contains("录入2027年法定节假日安排"), "{todo}");
        assert!(todo.contains("个备案期限待定"), "with how many wait");
        let home = app.send(center.get("/")).await.text();
        assert!(home.contains("id=\"calendar-gap\"") && home.contains("2027年"));
        let cal = app.send(center.get("/calendar?month=2026-12")).await.text();
        assert!(cal.contains("id=\"calendar-gap\""));
        assert!(cal.contains("id=\"today\""), "today is highlighted");
        // Loading 2027 computes the deadline.
        let ct = app.token("center").await;
        let body =
            r#"{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true}]}"#;
        let r = app
            .send(json_req(
                "PUT",
                "/api/v1/calendar/years/2027",
                Some(&ct),
                body,
            ))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let w = app
            .get_api(&t, &format!("/api/v1/filings/{id}"))
            .await
            .json();
        assert_eq!(w["workflow"]["filing_due"], "2027-01-05", "{w}");
        let page = app.send(editor.get(&format!("/filings/{id}"))).await.text();
        assert!(!page.contains("待定"));
    }
);
