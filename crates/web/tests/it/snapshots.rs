//! Snapshots of every page's HTML and every API route's JSON on the demo
//! data, as of a fixed moment. They pin behaviour that no assertion
//! names, so refactoring can be checked against them: a change in a
//! snapshot is either intended (review and accept it with
//! `INSTA_UPDATE=always cargo test -p govmedia-web --test it snapshots`)
//! or a regression.
//!
//! Only what cannot be the same twice is normalized: session, CSRF and API
//! tokens, one-time passwords and hashes (long random-looking runs).

use crate::client::*;
use axum::body::Body;
use axum::http::{Request, header};
use chrono::NaiveDate;
use govmedia_domain::clock::FixedClock;
use govmedia_store::testing::TestDb;
use std::sync::Arc;

/// Long runs of letters, digits, `-` and `_` that mix letters and digits
/// are tokens or hashes: replace them.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let letters = run.chars().any(|c| c.is_ascii_alphabetic());
        let digits = run.chars().any(|c| c.is_ascii_digit());
        if run.len() >= 24 && letters && digits {
            out.push_str("[random]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// One response as text: status, the headers a client acts on, the body
/// (JSON pretty-printed; HTML with indentation and blank lines dropped).
fn render(r: &Resp) -> String {
    let mut s = format!("status: {}\n", r.status.as_u16());
    for h in [
        header::LOCATION,
        header::CONTENT_TYPE,
        header::CONTENT_DISPOSITION,
    ] {
        if let Some(v) = r.headers.get(&h) {
            s.push_str(&format!("{h}: {}\n", v.to_str().unwrap_or("?")));
        }
    }
    s.push('\n');
    let ct = r
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/json") {
        s.push_str(&serde_json::to_string_pretty(&r.json()).unwrap());
    } else if ct.starts_with("text/") {
        for line in r.text().lines() {
            let line = line.trim();
            if !line.is_empty() {
                s.push_str(line);
                s.push('\n');
            }
        }
    } else {
        s.push_str(&format!("<{} bytes>", r.body.len()));
    }
    normalize(&s)
}

fn check(name: &str, r: &Resp) {
    insta::assert_snapshot!(name, render(r));
}

fn get(token: &str, path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

async fn first_id(app: &App, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_one(&app.store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn workflow_ids(app: &App) -> Vec<i64> {
    use sqlx::Row;
    sqlx::query("SELECT id FROM workflows ORDER BY id")
        .fetch_all(&app.store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect()
}

#[tokio::test]
async fn every_page_and_api_route_on_the_demo() {
    let db = TestDb::sqlite().await;
    // A Friday, with filings due and overdue around it in the demo.
    let clock = Arc::new(FixedClock::at_china_noon(
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    ));
    let app = app(db.store.clone().with_clock(clock)).await;
    let nc = org_id(&app.store, NC).await;
    let acc = nanchang_account(&app.store).await;
    let merged = first_id(
        &app,
        "SELECT COALESCE(MIN(id), 0) FROM accounts WHERE merged_into IS NOT NULL",
    )
    .await;
    let wfs = workflow_ids(&app).await;

    // Pages, per role.
    let center = app.browser("center").await;
    let editor = app.browser("nc_editor").await;
    let leader = app.browser("nc_leader").await;
    let admin = app.browser("admin").await;
    let mut pages: Vec<(&str, &Browser, String)> = vec![
        ("center", &center, "/".into()),
        ("center", &center, "/accounts".into()),
        ("center", &center, "/accounts?page=2".into()),
        (
            "center",
            &center,
            "/accounts?q=%E5%8D%97%E6%98%8C&sort=name".into(),
        ),
        ("center", &center, format!("/accounts/{acc}")),
        ("center", &center, "/accounts/import".into()),
        ("center", &center, "/filings".into()),
        ("center", &center, "/todo".into()),
        ("center", &center, "/orgs".into()),
        ("center", &center, "/orgs/new".into()),
        ("center", &center, format!("/orgs/{nc}/edit")),
        ("center", &center, "/calendar".into()),
        ("center", &center, "/calendar?month=2025-10-01".into()),
        ("center", &center, "/content".into()),
        ("center", &center, "/monitoring".into()),
        ("center", &center, "/monitoring/frequency".into()),
        ("center", &center, "/monitoring/replies".into()),
        ("center", &center, "/monitoring/violations".into()),
        ("center", &center, "/monitoring/alerts".into()),
        ("center", &center, "/monitoring/feeds".into()),
        ("center", &center, format!("/accounts/{acc}/monitoring")),
        (
            "center",
            &center,
            format!("/accounts/{acc}/monitoring/import"),
        ),
        ("center", &center, "/monitoring/upload".into()),
        ("center", &center, "/inspections".into()),
        ("center", &center, "/password".into()),
        ("center", &center, format!("/accounts/{acc}/close")),
        ("nc_editor", &editor, "/".into()),
        ("nc_editor", &editor, "/accounts".into()),
        ("nc_editor", &editor, "/accounts/new".into()),
        ("nc_editor", &editor, format!("/accounts/{acc}/edit")),
        ("nc_editor", &editor, format!("/accounts/{acc}/change")),
        ("nc_editor", &editor, format!("/accounts/{acc}/close")),
        ("nc_editor", &editor, "/filings/new".into()),
        ("nc_editor", &editor, "/todo".into()),
        ("nc_editor", &editor, "/tokens".into()),
        ("nc_leader", &leader, "/".into()),
        ("nc_leader", &leader, "/todo".into()),
        ("nc_leader", &leader, "/filings".into()),
        ("admin", &admin, "/users".into()),
        ("admin", &admin, "/audit".into()),
        ("admin", &admin, "/calendar".into()),
        ("admin", &admin, "/jobs".into()),
        ("admin", &admin, "/no/such/page".into()),
    ];
    if merged > 0 {
        pages.push(("center", &center, format!("/accounts/{merged}")));
    }
    let wf_pages: Vec<String> = wfs.iter().map(|id| format!("/filings/{id}")).collect();
    for p in &wf_pages {
        pages.push(("center", &center, p.clone()));
        pages.push(("nc_leader", &leader, p.clone()));
    }
    for (who, b, path) in &pages {
        let r = app.send(b.get(path)).await;
        check(&format!("page {who} GET {}", name_of(path)), &r);
    }
    let r = app
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    check("page anonymous GET login", &r);
    let r = app
        .send(Request::get("/accounts").body(Body::empty()).unwrap())
        .await;
    check("page anonymous GET accounts", &r);

    // API reads, per role.
    let tc = app.token("center").await;
    let te = app.token("nc_editor").await;
    let tl = app.token("nc_leader").await;
    let tj = app.token("jj_editor").await;
    let mut reads: Vec<(&str, &str, String)> = vec![
        ("center", &tc, "/api/v1/me".into()),
        ("center", &tc, "/api/v1/orgs".into()),
        ("center", &tc, "/api/v1/accounts".into()),
        ("center", &tc, "/api/v1/accounts?page=3&per_page=20".into()),
        ("center", &tc, format!("/api/v1/accounts/{acc}")),
        ("center", &tc, format!("/api/v1/accounts/{acc}/history")),
        ("center", &tc, "/api/v1/workflows".into()),
        ("center", &tc, "/api/v1/workflows?overdue=true".into()),
        ("center", &tc, "/api/v1/todo".into()),
        (
            "center",
            &tc,
            "/api/v1/calendar/add-workdays?from=2025-09-26&n=5".into(),
        ),
        ("center", &tc, "/api/v1/calendar/days/2025-09-28".into()),
        ("center", &tc, "/api/v1/openapi.json".into()),
        ("center", &tc, format!("/api/v1/accounts/{acc}/monitoring")),
        ("center", &tc, "/api/v1/monitoring/zombies".into()),
        ("center", &tc, "/api/v1/monitoring/overview".into()),
        ("center", &tc, "/api/v1/monitoring/frequency".into()),
        ("center", &tc, "/api/v1/monitoring/replies".into()),
        ("center", &tc, "/api/v1/monitoring/violations".into()),
        ("center", &tc, "/api/v1/monitoring/feeds".into()),
        ("nc_editor", &te, "/api/v1/me".into()),
        ("nc_editor", &te, "/api/v1/accounts".into()),
        ("nc_editor", &te, "/api/v1/todo".into()),
        ("nc_leader", &tl, "/api/v1/todo".into()),
        ("jj_editor", &tj, format!("/api/v1/accounts/{acc}")),
        ("jj_editor", &tj, "/api/v1/workflows".into()),
        ("center", &tc, "/api/v1/accounts/999999".into()),
        ("center", &tc, "/api/v1/accounts/abc".into()),
    ];
    if merged > 0 {
        reads.push(("center", &tc, format!("/api/v1/accounts/{merged}")));
    }
    for id in &wfs {
        reads.push(("center", &tc, format!("/api/v1/workflows/{id}")));
        reads.push(("nc_leader", &tl, format!("/api/v1/workflows/{id}")));
    }
    for (who, token, path) in &reads {
        let r = app.send(get(token, path)).await;
        check(&format!("api {who} GET {}", name_of(path)), &r);
    }
    let r = app.send(get("", "/api/v1/me")).await;
    check("api anonymous GET me", &r);

    // API writes, in the order a user would make them.
    let post = |token: &str, path: &str, body: serde_json::Value| {
        json_req("POST", path, Some(token), &body.to_string())
    };
    let writes: Vec<(&str, Request<Body>)> = vec![
        (
            "scan",
            post(
                &te,
                "/api/v1/scan",
                serde_json::json!({"text": "限时特价！联系13800138000，身份证号码110101199003071234，详见 http://example.com"}),
            ),
        ),
        (
            "mask",
            post(
                &te,
                "/api/v1/mask",
                serde_json::json!({"text": "张三，手机13800138000"}),
            ),
        ),
        (
            "create account",
            post(
                &te,
                "/api/v1/accounts",
                serde_json::json!({"platform": "douyin", "name": "南昌就业直播", "host_org_id": nc, "responsible_person": "王磊", "reason": "平台上线前已开设"}),
            ),
        ),
        (
            "create account invalid",
            post(
                &te,
                "/api/v1/accounts",
                serde_json::json!({"platform": "myspace", "name": "", "host_org_id": nc, "responsible_person": ""}),
            ),
        ),
        (
            "apply open",
            post(
                &te,
                "/api/v1/workflows",
                serde_json::json!({"kind": "open", "platform": "toutiao", "name": "南昌人社头条号二", "host_org_id": nc, "responsible_person": "王磊"}),
            ),
        ),
        (
            "record change",
            post(
                &te,
                &format!("/api/v1/accounts/{acc}/change"),
                serde_json::json!({"name": "", "responsible_person": "李明", "operators": "", "vendor_name": "", "changed_on": "2026-11-19", "note": "人员调整"}),
            ),
        ),
        (
            "close merge without survivor",
            post(
                &te,
                &format!("/api/v1/accounts/{acc}/close"),
                serde_json::json!({"kind": "merge", "reason": "重复"}),
            ),
        ),
        (
            "login wrong password",
            json_req(
                "POST",
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"username": "nc_editor", "password": "wrong-Password1"})
                    .to_string(),
            ),
        ),
    ];
    let mut new_wf = 0;
    for (name, req) in writes {
        let r = app.send(req).await;
        if name == "apply open" {
            new_wf = r.json()["id"].as_i64().unwrap();
        }
        check(&format!("api nc_editor POST {name}"), &r);
    }
    let act = |token: &str, body: &str| {
        json_req(
            "POST",
            &format!("/api/v1/workflows/{new_wf}/actions"),
            Some(token),
            body,
        )
    };
    for (name, req) in [
        ("own approve", act(&te, r#"{"action":"approve"}"#)),
        (
            "leader approve",
            act(
                &tl,
                r#"{"action":"approve","opinion":"同意","override_reason":"名称开通后统一"}"#,
            ),
        ),
        ("leader approve again", act(&tl, r#"{"action":"approve"}"#)),
    ] {
        let r = app.send(req).await;
        check(&format!("api POST workflow action {name}"), &r);
    }
    let r = app
        .send(get(&tc, &format!("/api/v1/workflows/{new_wf}")))
        .await;
    check("api center GET new workflow after approval", &r);
    let r = app
        .send(json_req(
            "PUT",
            &format!("/api/v1/accounts/{acc}"),
            Some(&te),
            &serde_json::json!({"platform": "weibo", "name": "南昌人社", "host_org_id": nc, "responsible_person": "王磊", "version": 1}).to_string(),
        ))
        .await;
    check("api nc_editor PUT account", &r);

    // Page writes: a form with errors, and one that succeeds.
    let nc_s = nc.to_string();
    let r = app
        .send(editor.post(
            "/accounts",
            &[
                ("platform", "weibo"),
                ("name", "南昌<script>"),
                ("host_org_id", &nc_s),
                ("responsible_person", ""),
                ("opened_on", "2025-13-01"),
            ],
        ))
        .await;
    check("page nc_editor POST accounts invalid", &r);
    let r = app
        .send(editor.post(
            "/content",
            &[("text", "限时特价，特价优惠！电话13800138000")],
        ))
        .await;
    check("page nc_editor POST content", &r);
    let r = app.send(admin.get("/audit")).await;
    check("page admin GET audit after writes", &r);
    db.teardown().await;
}

/// A file-name-friendly form of a path with its query.
fn name_of(path: &str) -> String {
    path.trim_start_matches('/')
        .replace(['/', '?', '&', '='], "_")
}
