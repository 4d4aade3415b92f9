//! Monitoring through HTTP: ingest (idempotent, per-item rejections,
//! atomic batches, scope), and the measures read back as of a day.

use crate::client::*;
use axum::http::StatusCode;
use chrono::NaiveDate;
use govmedia_domain::clock::FixedClock;
use govmedia_store::Store;
use govmedia_store::both_backends;
use serde_json::{Value, json};
use sqlx::Row;
use std::sync::Arc;

/// Thursday 2026-03-12, noon in China.
pub(crate) fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at_china_noon(
        NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
    ))
}

pub(crate) async fn monitoring_app(store: Store) -> App {
    app(store.with_clock(clock())).await
}

/// An active (运营中) account of an org, by the org's name.
pub(crate) async fn active_account(store: &Store, org: &str) -> i64 {
    sqlx::query(
        "SELECT a.id FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE o.name = $1 AND a.status = 'active' ORDER BY a.id",
    )
    .bind(org)
    .fetch_one(&store.pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap()
}

pub(crate) async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

pub(crate) fn post(account: i64, id: &str, at: &str) -> Value {
    json!({"account_id": account, "platform_post_id": id, "published_at": at,
           "title": "社保卡办理指南", "text": "参保人员可在线申领社保卡。", "kind": "original"})
}

pub(crate) async fn ingest(
    app: &App,
    token: &str,
    path: &str,
    items: Vec<Value>,
) -> (StatusCode, Value) {
    let r = app
        .send(json_req(
            "POST",
            path,
            Some(token),
            &json!({ "items": items }).to_string(),
        ))
        .await;
    (r.status, r.json())
}

pub(crate) fn statuses(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| match r["error"]["code"].as_str() {
            Some(code) => format!("rejected:{code}"),
            None => r["status"].as_str().unwrap().to_string(),
        })
        .collect()
}

both_backends!(
    ingest_is_idempotent_and_names_bad_items,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let nc = active_account(&app.store, NC).await;
        let t = app.token("nc_pub").await;
        let batch = vec![
            post(nc, "p1", "2026-03-02T09:00:00+08:00"),
            post(nc, "p2", "2026-03-03T09:00:00+08:00"),
            post(nc, "p3", "2026-03-14T09:00:00+08:00"), // two days ahead
            post(nc, "p1", "2026-03-02T09:00:00+08:00"), // twice in one batch
            post(999_999, "p4", "2026-03-02T09:00:00+08:00"),
            json!({"account_id": nc, "platform_post_id": "p5", "published_at": "2026/03/02", "text": "x", "kind": "original"}),
            json!({"account_id": nc, "platform_post_id": "p6", "published_at": "2026-03-02T09:00:00Z", "text": " ", "kind": "original"}),
        ];
        let (status, v) = ingest(&app, &t, "/api/v1/ingest/posts", batch.clone()).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(
            statuses(&v),
            [
                "created",
                "created",
                "rejected:time_in_future",
                "rejected:duplicate_in_batch",
                "rejected:unknown_account",
                "rejected:invalid_time",
                "rejected:empty_post",
            ]
        );
        assert_eq!(v["results"][1]["index"], 1);
        assert!(v["results"][0]["id"].as_i64().unwrap() > 0);
        let posts = "SELECT COUNT(*) FROM posts";
        assert_eq!(count(&app.store, posts).await, 2);

        // The same batch again changes nothing.
        let (_, again) = ingest(&app, &t, "/api/v1/ingest/posts", batch[..2].to_vec()).await;
        assert_eq!(statuses(&again), ["unchanged", "unchanged"]);
        assert_eq!(again["results"][0]["id"], v["results"][0]["id"]);
        assert_eq!(count(&app.store, posts).await, 2);
        assert_eq!(
            count(&app.store, "SELECT COUNT(*) FROM post_revisions").await,
            0
        );

        // An edit is stored, with the text before it kept as a revision.
        let mut edited = post(nc, "p1", "2026-03-02T09:00:00+08:00");
        edited["text"] = json!("参保人员可在线申领社保卡（更正：须本人办理）。");
        let (_, e) = ingest(&app, &t, "/api/v1/ingest/posts", vec![edited]).await;
        assert_eq!(statuses(&e), ["updated"]);
        let r = sqlx::query("SELECT body, change FROM post_revisions")
            .fetch_one(&app.store.pool)
            .await
            .unwrap();
        assert_eq!(
            r.try_get::<String, _>(0).unwrap(),
            "参保人员可在线申领社保卡。"
        );
        assert_eq!(r.try_get::<String, _>(1).unwrap(), "edited");

        // atomic=true: one bad item, nothing stored.
        let (status, a) = ingest(
            &app,
            &t,
            "/api/v1/ingest/posts?atomic=true",
            vec![
                post(nc, "p7", "2026-03-04T09:00:00+08:00"),
                post(nc, "p8", "not a time"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{a}");
        assert_eq!(a["code"], "batch_rejected");
        assert_eq!(
            statuses(&a),
            ["rejected:batch_rejected", "rejected:invalid_time"]
        );
        assert_eq!(count(&app.store, posts).await, 2);

        // The rollup counts each post once, on its China day.
        assert_eq!(
            count(
                &app.store,
                "SELECT CAST(SUM(originals) AS BIGINT) FROM daily_rollups"
            )
            .await,
            2
        );
    }
);

both_backends!(
    jiujiang_cannot_ingest_into_nanchang,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let nc = active_account(&app.store, NC).await;
        let jj = active_account(&app.store, "九江市人力资源和社会保障局").await;
        let t = app.token("jj_pub").await;
        let (status, v) = ingest(
            &app,
            &t,
            "/api/v1/ingest/posts",
            vec![
                post(nc, "x1", "2026-03-02T09:00:00+08:00"),
                post(jj, "x2", "2026-03-02T09:00:00+08:00"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(statuses(&v), ["rejected:unknown_account", "created"]);
        let sql = format!("SELECT COUNT(*) FROM posts WHERE account_id = {nc}");
        assert_eq!(count(&app.store, &sql).await, 0);
        // An editor has no monitoring:ingest at all.
        let e = app.token("jj_editor").await;
        let (status, _) = ingest(
            &app,
            &e,
            "/api/v1/ingest/posts",
            vec![post(jj, "x3", "2026-03-02T09:00:00+08:00")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Nor may 九江 read a 南昌 account's measures.
        let r = app
            .get_api(&t, &format!("/api/v1/accounts/{nc}/monitoring"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
);

both_backends!(batches_have_limits, async |store: Store| {
    let app = monitoring_app(store).await;
    let nc = active_account(&app.store, NC).await;
    let t = app.token("center").await;
    let (status, v) = ingest(&app, &t, "/api/v1/ingest/posts", vec![]).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("empty_batch"))
    );
    let many: Vec<Value> = (0..5001)
        .map(|i| post(nc, &format!("b{i}"), "2026-03-02T09:00:00+08:00"))
        .collect();
    let (status, v) = ingest(&app, &t, "/api/v1/ingest/posts", many).await;
    assert_eq!(
        (status, v["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("batch_too_large"))
    );
    // A full batch of long articles is over the general 10 MB limit but
    // within the ingest routes' own.
    let long = "人社政策解读。".repeat(1000);
    let full: Vec<Value> = (0..600)
        .map(|i| {
            let mut p = post(nc, &format!("l{i}"), "2026-03-02T09:00:00+08:00");
            p["text"] = json!(long);
            p
        })
        .collect();
    let (status, v) = ingest(&app, &t, "/api/v1/ingest/posts", full).await;
    assert_eq!(status, StatusCode::OK, "{}", v["code"]);
    assert_eq!(count(&app.store, "SELECT COUNT(*) FROM posts").await, 600);
});

both_backends!(
    accounts_by_platform_handle_and_messages,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let nc = active_account(&app.store, NC).await;
        let r = sqlx::query("SELECT platform, handle FROM accounts WHERE id = $1")
            .bind(nc)
            .fetch_one(&app.store.pool)
            .await
            .unwrap();
        let (platform, handle): (String, String) = (r.try_get(0).unwrap(), r.try_get(1).unwrap());
        let t = app.token("nc_pub").await;
        let mut by_handle = post(0, "h1", "2026-03-02T09:00:00+08:00");
        by_handle.as_object_mut().unwrap().remove("account_id");
        by_handle["account"] = json!({"platform": platform, "handle": handle});
        let mut unknown = by_handle.clone();
        unknown["account"]["handle"] = json!("no-such-handle");
        unknown["platform_post_id"] = json!("h2");
        let (_, v) = ingest(&app, &t, "/api/v1/ingest/posts", vec![by_handle, unknown]).await;
        if handle.is_empty() {
            assert_eq!(statuses(&v)[0], "rejected:missing_account");
        } else {
            assert_eq!(statuses(&v), ["created", "rejected:unknown_account"]);
        }

        let msg = |id: &str, received: &str, replied: Option<&str>| {
            let mut m = json!({"account_id": nc, "platform_message_id": id, "received_at": received,
                           "text": "请问失业金如何申领？", "channel": "comment"});
            if let Some(r) = replied {
                m["replied_at"] = json!(r);
                m["reply_text"] = json!("您好，可通过赣服通在线申领失业保险金。");
            }
            m
        };
        let batch = vec![
            msg(
                "m1",
                "2026-03-02T10:00:00+08:00",
                Some("2026-03-03T10:00:00+08:00"),
            ),
            msg("m2", "2026-03-02T10:00:00+08:00", None),
            msg(
                "m3",
                "2026-03-02T10:00:00+08:00",
                Some("2026-03-01T10:00:00+08:00"),
            ),
        ];
        let (status, v) = ingest(&app, &t, "/api/v1/ingest/messages", batch).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(
            statuses(&v),
            ["created", "created", "rejected:reply_before_received"]
        );
        // The reply arrives later: the stored message is updated, not doubled.
        let (_, v) = ingest(
            &app,
            &t,
            "/api/v1/ingest/messages",
            vec![msg(
                "m2",
                "2026-03-02T10:00:00+08:00",
                Some("2026-03-11T10:00:00+08:00"),
            )],
        )
        .await;
        assert_eq!(statuses(&v), ["updated"]);
        assert_eq!(count(&app.store, "SELECT COUNT(*) FROM messages").await, 2);
    }
);

both_backends!(measures_as_of_a_day, async |store: Store| {
    let app = monitoring_app(store).await;
    let nc = active_account(&app.store, NC).await;
    let t = app.token("nc_pub").await;
    // Week 2026-W09 (23 Feb–1 Mar): one post; W10 (2–8 Mar): two.
    let (_, v) = ingest(
        &app,
        &t,
        "/api/v1/ingest/posts",
        vec![
            post(nc, "w9", "2026-02-25T09:00:00+08:00"),
            post(nc, "w10a", "2026-03-02T09:00:00+08:00"),
            post(nc, "w10b", "2026-03-06T23:30:00+08:00"),
        ],
    )
    .await;
    assert_eq!(statuses(&v), ["created", "created", "created"]);
    let r = app
        .get_api(
            &t,
            &format!("/api/v1/accounts/{nc}/monitoring?as_of=2026-03-12"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let m = r.json();
    assert_eq!(m["as_of"], "2026-03-12");
    assert_eq!(m["zombie"], false);
    assert_eq!(m["coverage"], "covered");
    assert_eq!(m["days_since_update"], 6);
    let weeks = m["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 26);
    let last = &weeks[25];
    assert_eq!(
        (last["week"].as_str(), last["posts"].as_i64()),
        (Some("2026-W10"), Some(2))
    );
    assert_eq!(last["below_min"], false);
    assert_eq!(weeks[24]["week"], "2026-W09");
    assert_eq!(weeks[24]["below_min"], true);
    assert!(m["messages"]["received"].is_number());
    assert!(m["violations"].is_number());

    // As of 20 March (two weeks after the last post) it is a zombie… but
    // that is in the future of the clock: refused, not guessed.
    let r = app
        .get_api(
            &t,
            &format!("/api/v1/accounts/{nc}/monitoring?as_of=2026-03-20"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "as_of_in_future");
    let r = app
        .get_api(
            &t,
            &format!("/api/v1/accounts/{nc}/monitoring?as_of=12-03-2026"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The zombie list: the account with posts is not in it; the accounts
    // nothing ever reported on are 数据不足, not zombies.
    let r = app
        .get_api(&t, "/api/v1/monitoring/zombies?as_of=2026-03-12")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let z = r.json();
    let ids = |k: &str| -> Vec<i64> {
        z[k].as_array()
            .unwrap()
            .iter()
            .map(|i| i["account_id"].as_i64().unwrap())
            .collect()
    };
    assert!(!ids("items").contains(&nc));
    assert!(!ids("no_data").contains(&nc));
    assert_eq!(z["total"], z["items"].as_array().unwrap().len());
    assert!(!ids("no_data").is_empty());
    assert!(
        ids("items").is_empty(),
        "nothing reported, so nothing is a zombie: {z}"
    );

    // A covered account whose last post is 20 days old is a zombie.
    let other: i64 = sqlx::query(
        "SELECT a.id FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE o.path LIKE (SELECT path FROM orgs WHERE name = $1) || '%' AND a.status = 'active' AND a.id <> $2 ORDER BY a.id",
    )
    .bind(NC)
    .bind(nc)
    .fetch_one(&app.store.pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    let (_, v) = ingest(
        &app,
        &t,
        "/api/v1/ingest/posts",
        vec![post(other, "old", "2026-02-20T09:00:00+08:00")],
    )
    .await;
    assert_eq!(statuses(&v), ["created"]);
    let z = app
        .get_api(&t, "/api/v1/monitoring/zombies?as_of=2026-03-12")
        .await
        .json();
    let item = z["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["account_id"] == other)
        .cloned()
        .unwrap_or_else(|| panic!("{other} not a zombie: {z}"));
    assert_eq!(item["days_since_update"], 20);
    assert!(item["account_name"].is_string() && item["host_org_name"].is_string());
    // As of 5 March it had posted 13 days before: not yet a zombie.
    let m = app
        .get_api(
            &t,
            &format!("/api/v1/accounts/{other}/monitoring?as_of=2026-03-05"),
        )
        .await
        .json();
    assert_eq!(
        (m["zombie"].clone(), m["days_since_update"].clone()),
        (json!(false), json!(13))
    );
    let m = app
        .get_api(
            &t,
            &format!("/api/v1/accounts/{other}/monitoring?as_of=2026-03-06"),
        )
        .await
        .json();
    assert_eq!(m["zombie"], true);
});

both_backends!(
    a_stricter_city_rule_applies_to_its_counties_not_its_siblings,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let county = active_account(&app.store, "青山湖区人力资源和社会保障局").await;
        let sibling = active_account(&app.store, "九江市人力资源和社会保障局").await;
        let nc_org = org_id(&app.store, NC).await;
        let t = app.token("center").await;
        // Both last posted ten days before the day measured.
        let (_, v) = ingest(
            &app,
            &t,
            "/api/v1/ingest/posts",
            vec![
                post(county, "c1", "2026-03-02T09:00:00+08:00"),
                post(sibling, "s1", "2026-03-02T09:00:00+08:00"),
            ],
        )
        .await;
        assert_eq!(statuses(&v), ["created", "created"]);
        let zombies = || async {
            let z = app
                .get_api(&t, "/api/v1/monitoring/zombies?as_of=2026-03-12")
                .await
                .json();
            z["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["account_id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        };
        assert!(!zombies().await.contains(&county));

        // 南昌 requires an update every 7 days: its county is now a zombie.
        let put = |body: &str| {
            json_req(
                "PUT",
                &format!("/api/v1/orgs/{nc_org}/monitoring-rules"),
                Some(&t),
                body,
            )
        };
        let r = app
            .send(put(r#"{"zombie_days": 7, "warn_zombie_days": 5}"#))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["applied"]["rules"]["zombie_days"], 7);
        let z = zombies().await;
        assert!(z.contains(&county), "{z:?}");
        assert!(!z.contains(&sibling), "{z:?}");
        let m = app
            .get_api(
                &t,
                &format!("/api/v1/accounts/{county}/monitoring?as_of=2026-03-12"),
            )
            .await
            .json();
        assert_eq!(m["zombie"], true);
        assert_eq!(m["rules"]["rules"]["zombie_days"], 7);
        assert_eq!(m["rules"]["from"].as_array().unwrap().len(), 1);

        // Impossible values are refused; a supervising department of another
        // city cannot set 南昌's rules; an editor cannot set any.
        let r = app.send(put(r#"{"zombie_days": 0}"#)).await;
        assert_eq!(
            (r.status, r.json()["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_rules"))
        );
        let jj = app.token("jj_pub").await;
        let r = app
            .send(json_req(
                "PUT",
                &format!("/api/v1/orgs/{nc_org}/monitoring-rules"),
                Some(&jj),
                "{}",
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let ed = app.token("nc_editor").await;
        let r = app
            .send(json_req(
                "PUT",
                &format!("/api/v1/orgs/{nc_org}/monitoring-rules"),
                Some(&ed),
                "{}",
            ))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Removing the override restores the default.
        let r = app.send(put("{}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!zombies().await.contains(&county));
    }
);
