//! 首页's monitoring numbers and the 监测 lists through HTTP: the API and
//! the pages agree, each stays within the reader's jurisdiction, exports
//! are Excel files recorded in the audit log, and alerts reach 我的待办.

use crate::client::*;
use crate::monitoring::{active_account, count, ingest, monitoring_app, post, statuses};
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;
use serde_json::{Value, json};
use sqlx::Row;

const JJ: &str = "九江市人力资源和社会保障局";

/// The second active account of an org.
async fn second_account(store: &Store, org: &str) -> i64 {
    let rows = sqlx::query(
        "SELECT a.id FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE o.name = $1 AND a.status = 'active' ORDER BY a.id",
    )
    .bind(org)
    .fetch_all(&store.pool)
    .await
    .unwrap();
    rows[1].try_get(0).unwrap()
}

/// As of Thursday 2026-03-12: in 南昌, `a` posts twice in week W10 (one
/// post with a mobile number) and leaves a message unanswered past its
/// deadline; `b` posts once (a breach). In 九江, one account has not posted
/// since February (a zombie).
async fn seed(app: &App) -> (i64, i64, i64) {
    let a = active_account(&app.store, NC).await;
    let b = second_account(&app.store, NC).await;
    let jj = active_account(&app.store, JJ).await;
    let mut pii = post(a, "a2", "2026-03-05T09:00:00+08:00");
    pii["text"] = json!("咨询请联系经办人，手机13812345678。");
    let nc = app.token("nc_pub").await;
    let (_, v) = ingest(
        app,
        &nc,
        "/api/v1/ingest/posts",
        vec![
            post(a, "a1", "2026-03-02T09:00:00+08:00"),
            pii,
            post(b, "b1", "2026-03-04T09:00:00+08:00"),
            // This week: not judged yet.
            post(a, "a3", "2026-03-10T09:00:00+08:00"),
            post(b, "b2", "2026-03-10T09:00:00+08:00"),
        ],
    )
    .await;
    assert_eq!(statuses(&v), ["created"; 5]);
    let msg = json!({"account_id": a, "platform_message_id": "m1", "received_at": "2026-03-02T10:00:00+08:00",
                     "text": "请问失业金怎么领？", "channel": "board"});
    let (_, v) = ingest(app, &nc, "/api/v1/ingest/messages", vec![msg]).await;
    assert_eq!(statuses(&v), ["created"]);
    let jt = app.token("jj_pub").await;
    let (_, v) = ingest(
        app,
        &jt,
        "/api/v1/ingest/posts",
        vec![post(jj, "j1", "2026-02-01T09:00:00+08:00")],
    )
    .await;
    assert_eq!(statuses(&v), ["created"]);
    (a, b, jj)
}

fn ids(v: &Value, key: &str) -> Vec<i64> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["account_id"].as_i64().unwrap())
        .collect()
}

both_backends!(
    overview_and_lists_count_within_the_jurisdiction,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let (a, b, jj) = seed(&app).await;
        let nc = app.token("nc_pub").await;
        let o = app.get_api(&nc, "/api/v1/monitoring/overview").await;
        assert_eq!(o.status, StatusCode::OK, "{}", o.text());
        let o = o.json();
        assert_eq!(o["as_of"], "2026-03-12");
        assert_eq!(o["week"], "2026-W10");
        assert_eq!(o["zombies"], 0, "九江's zombie is not 南昌's: {o}");
        assert_eq!(o["below_min"], 1);
        assert_eq!(o["overdue_messages"], 1);
        assert_eq!(o["flagged_posts"], 1);
        // 26 complete weeks, the last one W10 with 3 posts.
        let weeks = o["weekly"].as_array().unwrap();
        assert_eq!(weeks.len(), 26);
        assert_eq!(weeks[25]["week"], "2026-W10");
        assert_eq!(weeks[25]["originals"], 3);
        assert!(
            o["ranking"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| !r["org_name"].as_str().unwrap().contains("九江"))
        );

        let jt = app.token("jj_pub").await;
        let oj = app.get_api(&jt, "/api/v1/monitoring/overview").await.json();
        assert_eq!(oj["zombies"], 1, "{oj}");
        assert_eq!(oj["flagged_posts"], 0);

        let f = app
            .get_api(&nc, "/api/v1/monitoring/frequency")
            .await
            .json();
        assert_eq!(f["below"], 1);
        let first = &f["items"][0];
        assert_eq!(first["account_id"], b, "the breach is listed first: {f}");
        assert_eq!(
            (first["posts"].as_i64(), first["below_min"].as_bool()),
            (Some(1), Some(true))
        );
        assert!(ids(&f, "items").contains(&a));
        assert!(!ids(&f, "items").contains(&jj));

        let r = app.get_api(&nc, "/api/v1/monitoring/replies").await.json();
        assert_eq!(ids(&r, "overdue"), [a]);
        assert_eq!(r["overdue"][0]["due"], "2026-03-09");
        assert_eq!(r["items"][0]["received"], 1);
        // Before the deadline passed, the same message was not overdue.
        let before = app
            .get_api(&nc, "/api/v1/monitoring/replies?as_of=2026-03-08")
            .await
            .json();
        assert!(ids(&before, "overdue").is_empty(), "{before}");

        let v = app
            .get_api(&nc, "/api/v1/monitoring/violations")
            .await
            .json();
        assert_eq!(v["total"], 1);
        assert_eq!(v["items"][0]["account_id"], a);
        assert_eq!(
            v["items"][0]["post"]["findings"]["text"][0]["rule"],
            "mobile"
        );

        // Filters: one platform, one org subtree, bad values.
        let jj_org = org_id(&app.store, JJ).await;
        let other = app
            .get_api(&nc, &format!("/api/v1/monitoring/frequency?org={jj_org}"))
            .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        let bad = app
            .get_api(&nc, "/api/v1/monitoring/frequency?platform=myspace")
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["code"], "invalid_query");
        let bad = app
            .get_api(
                &nc,
                "/api/v1/monitoring/replies?from=2026-03-10&to=2026-03-01",
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(bad.json()["code"], "invalid_period");
        let future = app
            .get_api(&nc, "/api/v1/monitoring/overview?as_of=2026-03-13")
            .await;
        assert_eq!(future.json()["code"], "as_of_in_future");
    }
);

both_backends!(
    pages_show_the_lists_and_export_them,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let (a, _, jj) = seed(&app).await;
        let br = app.browser("nc_pub").await;
        let home = app.send(br.get("/")).await;
        assert_eq!(home.status, StatusCode::OK);
        let html = home.text();
        assert!(
            html.contains("id=\"tile-below-min\""),
            "首页 shows the counts"
        );
        assert!(html.contains("href=\"/monitoring/frequency\""));
        assert!(html.contains("<svg class=\"chart columns\""));
        for path in [
            "/monitoring",
            "/monitoring/frequency",
            "/monitoring/replies",
            "/monitoring/violations",
            "/monitoring/alerts",
            "/monitoring/feeds",
            &format!("/accounts/{a}/monitoring"),
        ] {
            let r = app.send(br.get(path)).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert!(!r.text().contains("九江"), "{path} stays within 南昌");
        }
        let v = app.send(br.get("/monitoring/violations")).await.text();
        assert!(v.contains("<mark class=\"block\""), "the finding is marked");
        let tab = app
            .send(br.get(&format!("/accounts/{a}/monitoring")))
            .await
            .text();
        assert!(tab.contains("请问失业金怎么领？"));
        assert!(tab.contains("超期未回复"));
        let other = app
            .send(br.get(&format!("/accounts/{jj}/monitoring")))
            .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND);
        let bad = app
            .send(br.get("/monitoring/frequency?platform=myspace"))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.text().contains("未知的平台"));

        let before = count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'monitoring.export'",
        )
        .await;
        for list in [
            "zombies",
            "frequency",
            "replies",
            "violations",
            "alerts",
            "feeds",
        ] {
            let r = app
                .send(br.get(&format!("/monitoring/export/{list}")))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{list}");
            assert!(r.body.starts_with(b"PK"), "{list} is an xlsx file");
        }
        let after = count(
            &app.store,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'monitoring.export'",
        )
        .await;
        assert_eq!(after - before, 6);
        let unknown = app.send(br.get("/monitoring/export/everything")).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        // A reviewer may read but not export.
        let rv = app.browser("nc_reviewer").await;
        let r = app.send(rv.get("/monitoring/export/frequency")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
);

both_backends!(
    alerts_reach_the_todo_list_of_the_host_org,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let (a, _, _) = seed(&app).await;
        let ctx = govmedia_jobs::JobCtx {
            store: app.store.clone(),
            audit_retention_days: 180,
            instance: "t".into(),
            backups: None,
            monitoring: Default::default(),
            feeds: Default::default(),
            scanner: None,
        };
        govmedia_jobs::Job::MonitoringAlerts
            .run_once(&ctx, app.store.now())
            .await
            .unwrap();
        let editor = app.token("nc_editor").await;
        let todo = app.get_api(&editor, "/api/v1/todo").await.json();
        let alerts = todo["alerts"].as_array().unwrap();
        assert!(
            alerts
                .iter()
                .any(|x| x["account_id"] == a && x["kind"] == "overdue_message"),
            "{todo}"
        );
        let br = app.browser("nc_editor").await;
        let page = app.send(br.get("/todo")).await.text();
        assert!(page.contains("id=\"todo-alerts\""));
        // 九江's users do not see 南昌's alerts.
        let jj = app.token("jj_editor").await;
        let theirs = app.get_api(&jj, "/api/v1/todo").await.json();
        assert!(
            theirs["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["account_id"] != a)
        );
        // Acknowledged from the page, an alert leaves the to-do list.
        let id = alerts[0]["id"].as_i64().unwrap();
        let pub_ = app.browser("nc_pub").await;
        let r = app
            .send(pub_.post(
                &format!("/monitoring/alerts/{id}/ack"),
                &[("note", "已安排回复")],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let todo = app.get_api(&editor, "/api/v1/todo").await.json();
        assert!(
            todo["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["id"] != id)
        );
        let long = "长".repeat(501);
        let r = app
            .send(pub_.post(
                &format!("/monitoring/alerts/{}/ack", alerts[1]["id"]),
                &[("note", &long)],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
);

/// Sums a number field over the rows of a list.
fn sum(v: &Value, list: &str, field: &str) -> i64 {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_i64().unwrap_or(0))
        .sum()
}

// 首页 counts in the database with the domain's bounds and cuts; the lists
// judge every account and message one by one. On six months of demo data,
// with a stricter rule set on one city (so two reply rules and two zombie
// thresholds are in use), both give the same numbers for every reader and
// day — National Day, Spring Festival and an ordinary week among them.
both_backends!(
    overview_counts_agree_with_the_lists,
    async |store: Store| {
        use govmedia_domain::OrgId;
        use govmedia_domain::monitoring::RuleOverride;
        use govmedia_store::orgs::Actor;
        let app = monitoring_app(store).await;
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 12).unwrap();
        assert!(
            govmedia_demo::seed_monitoring(&app.store, today)
                .await
                .unwrap()
                > 0
        );
        let jj_org = org_id(&app.store, JJ).await;
        let strict = RuleOverride {
            zombie_days: Some(7),
            warn_zombie_days: Some(4),
            weekly_min: Some(4),
            count_reposts: Some(false),
            reply_workdays: Some(2),
            ..Default::default()
        };
        app.store
            .set_monitoring_override(&Actor::system(), OrgId(jj_org), &strict)
            .await
            .unwrap();
        let center = app.token("center").await;
        let mut seen = [0i64; 4];
        for user in ["center", "nc_pub", "jj_pub"] {
            let t = app.token(user).await;
            for as_of in [
                "2026-03-12",
                "2026-03-08",
                "2026-02-24",
                "2026-01-05",
                "2025-10-09",
            ] {
                let q = format!("?as_of={as_of}");
                let get = |path: &str| {
                    let (t, path) = (t.clone(), format!("/api/v1/monitoring/{path}{q}"));
                    let app = &app;
                    async move {
                        let r = app.get_api(&t, &path).await;
                        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
                        r.json()
                    }
                };
                let o = get("overview").await;
                let z = get("zombies").await;
                let f = get("frequency").await;
                let r = get("replies").await;
                let at = format!("{user} as of {as_of}");
                assert_eq!(o["zombies"], z["total"], "{at}");
                assert_eq!(o["below_min"], f["below"], "{at}");
                let len = |v: &Value| v.as_array().unwrap().len();
                assert_eq!(o["overdue_messages"], len(&r["overdue"]), "{at}");
                assert_eq!(o["due_soon_messages"], len(&r["due_soon"]), "{at}");
                assert_eq!(o["accounts"], len(&f["items"]), "{at}");
                assert_eq!(
                    sum(&o, "ranking", "received"),
                    sum(&r, "items", "received"),
                    "{at}"
                );
                assert_eq!(
                    sum(&o, "ranking", "on_time"),
                    sum(&r, "items", "on_time"),
                    "{at}"
                );
                seen[0] += o["zombies"].as_i64().unwrap();
                seen[1] += o["below_min"].as_i64().unwrap();
                seen[2] += o["overdue_messages"].as_i64().unwrap();
                seen[3] += sum(&o, "ranking", "on_time");
                if user == "center" {
                    // The zombie list against each account's own measure.
                    let mut zombies = Vec::new();
                    for i in f["items"].as_array().unwrap() {
                        let id = i["account_id"].as_i64().unwrap();
                        let m = app
                            .get_api(&center, &format!("/api/v1/accounts/{id}/monitoring{q}"))
                            .await
                            .json();
                        if m["zombie"] == true {
                            zombies.push(id);
                        }
                    }
                    let mut listed = ids(&z, "items");
                    listed.sort_unstable();
                    zombies.sort_unstable();
                    assert_eq!(listed, zombies, "{at}");
                }
            }
        }
        assert!(
            seen.iter().all(|n| *n > 0),
            "the demo data exercises every count: {seen:?}"
        );
    }
);
