//! Feeds against a local server (no internet): entries are stored once,
//! a 304 is handled with the validators sent, a broken feed raises one
//! alert and its recovery clears it, and an account whose only feed is
//! broken for the whole window is 数据不足, not a zombie.

use crate::client::*;
use crate::monitoring::{active_account, count, monitoring_app};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use govmedia_domain::monitoring::feeds::FeedSettings;
use govmedia_jobs::{Job, JobCtx};
use govmedia_store::Store;
use govmedia_store::both_backends;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Feed,
    Html,
    Error,
    Hang,
}

#[derive(Clone, Default)]
struct Server {
    modes: Arc<Mutex<HashMap<String, Mode>>>,
    /// (path, If-None-Match) of every request.
    seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl Server {
    fn set(&self, path: &str, m: Mode) {
        self.modes.lock().unwrap().insert(path.into(), m);
    }
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>人社发布</title>
<item><title>社保卡办理指南</title><guid>e-1</guid><link>http://bridge/e-1</link><pubDate>Sun, 01 Feb 2026 09:00:00 +0800</pubDate><description>参保人员可在线申领社保卡。</description></item>
<item><title>失业保险金申领</title><guid>e-2</guid><pubDate>Mon, 02 Feb 2026 09:00:00 +0800</pubDate><description>&lt;p&gt;符合条件的可在线申领。&lt;/p&gt;</description></item>
</channel></rss>"#;

async fn serve_feed(
    State(s): State<Server>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let inm = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    s.seen.lock().unwrap().push((name.clone(), inm.clone()));
    let mode = s
        .modes
        .lock()
        .unwrap()
        .get(&name)
        .copied()
        .unwrap_or(Mode::Feed);
    match mode {
        Mode::Feed if inm == "\"v1\"" => StatusCode::NOT_MODIFIED.into_response(),
        Mode::Feed => (
            [
                (header::ETAG, "\"v1\""),
                (header::CONTENT_TYPE, "application/rss+xml"),
            ],
            RSS,
        )
            .into_response(),
        Mode::Html => (
            [(header::CONTENT_TYPE, "text/html")],
            "<!DOCTYPE html><html><body>请登录</body></html>",
        )
            .into_response(),
        Mode::Error => (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response(),
        Mode::Hang => {
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            "late".into_response()
        }
    }
}

async fn start() -> (Server, String) {
    let s = Server::default();
    let app = axum::Router::new()
        .route("/feeds/{name}", axum::routing::get(serve_feed))
        .with_state(s.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (s, format!("http://{addr}/feeds"))
}

fn ctx(store: &Store) -> JobCtx {
    JobCtx {
        store: store.clone(),
        audit_retention_days: 180,
        instance: "t".into(),
        backups: None,
        monitoring: Default::default(),
        feeds: FeedSettings {
            timeout_seconds: 1,
            ..Default::default()
        },
        scanner: None,
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn set_feed(app: &App, token: &str, account: i64, url: &str) -> (StatusCode, Value) {
    let r = app
        .send(json_req(
            "PUT",
            &format!("/api/v1/accounts/{account}/feed"),
            Some(token),
            &json!({ "url": url }).to_string(),
        ))
        .await;
    (r.status, r.json())
}

async fn feed_alerts(app: &App, token: &str, account: i64) -> Vec<Value> {
    app.get_api(
        token,
        &format!("/api/v1/alerts?kind=feed_broken&account={account}&state=all"),
    )
    .await
    .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

both_backends!(
    feeds_store_once_handle_304_and_raise_one_alert_per_break,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let (server, base) = start().await;
        let a = active_account(&app.store, NC).await;
        let t = app.token("nc_pub").await;
        let (status, v) = set_feed(&app, &t, a, &format!("{base}/a")).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["health"], "new");
        let c = ctx(&app.store);
        let posts = format!("SELECT COUNT(*) FROM posts WHERE account_id = {a}");

        // First poll: both entries stored, from the feed.
        let out = Job::FeedPoll
            .run_once(&c, at("2026-03-10T01:00:00Z"))
            .await
            .unwrap();
        assert!(out.summary.contains("成功 1 个"), "{}", out.summary);
        assert_eq!(count(&app.store, &posts).await, 2);
        let prov =
            format!("SELECT COUNT(*) FROM posts WHERE account_id = {a} AND provenance = 'feed'");
        assert_eq!(count(&app.store, &prov).await, 2);
        // Not due again within the interval.
        let out = Job::FeedPoll
            .run_once(&c, at("2026-03-10T01:30:00Z"))
            .await
            .unwrap();
        assert!(out.summary.contains("采集订阅源 0 个"), "{}", out.summary);
        // Next poll sends the ETag and gets a 304: nothing new, still covered.
        let out = Job::FeedPoll
            .run_once(&c, at("2026-03-10T02:05:00Z"))
            .await
            .unwrap();
        assert!(out.summary.contains("未变化 1 个"), "{}", out.summary);
        assert_eq!(server.seen.lock().unwrap().last().unwrap().1, "\"v1\"");
        assert_eq!(count(&app.store, &posts).await, 2);

        // The bridge now answers with a login page: failures count, and at
        // the third in a row one alert opens — not one per failure.
        server.set("a", Mode::Html);
        let polls = [
            "2026-03-10T03:10:00Z",
            "2026-03-10T05:20:00Z",
            "2026-03-10T09:30:00Z",
            "2026-03-10T17:40:00Z",
        ];
        for (i, when) in polls.iter().enumerate() {
            Job::FeedPoll.run_once(&c, at(when)).await.unwrap();
            let open = feed_alerts(&app, &t, a).await;
            assert_eq!(
                open.len(),
                usize::from(i >= 2),
                "after failure {}: {open:?}",
                i + 1
            );
        }
        let list = app.get_api(&t, "/api/v1/monitoring/feeds").await.json();
        let f = &list["items"][0];
        assert_eq!(
            (f["health"].as_str(), f["failures"].as_i64()),
            (Some("broken"), Some(4))
        );
        assert_eq!(f["last_error_code"], "not_a_feed");
        // Backing off: the next poll is 16 hours after the fourth failure.
        assert_eq!(f["next_poll_at"], "2026-03-11T09:40:00Z");

        // A server that never answers is a time-out.
        server.set("a", Mode::Hang);
        Job::FeedPoll
            .run_once(&c, at("2026-03-11T09:40:00Z"))
            .await
            .unwrap();
        let f = &app.get_api(&t, "/api/v1/monitoring/feeds").await.json()["items"][0];
        assert_eq!(f["last_error_code"], "timeout");

        // Recovery clears the alert, and the entries are still stored once.
        server.set("a", Mode::Feed);
        Job::FeedPoll
            .run_once(&c, at("2026-03-12T09:40:00Z"))
            .await
            .unwrap();
        let alerts = feed_alerts(&app, &t, a).await;
        assert_eq!(alerts.len(), 1);
        assert!(alerts[0]["closed_at"].is_string(), "{alerts:?}");
        assert_eq!(count(&app.store, &posts).await, 2);

        // Bad URLs and other people's accounts are refused.
        let (status, v) = set_feed(&app, &t, a, "https://bridge/x").await;
        assert_eq!(
            (status, v["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("unsupported_scheme"))
        );
        let (_, v) = set_feed(&app, &t, a, "javascript:alert(1)").await;
        assert_eq!(v["code"], "invalid_feed_url");
        let jj = active_account(&app.store, "九江市人力资源和社会保障局").await;
        let (status, _) = set_feed(&app, &t, jj, &format!("{base}/j")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // The page form keeps what was typed and says why it was refused.
        let br = app.browser("nc_pub").await;
        let r = app
            .send(br.post(
                &format!("/accounts/{a}/feed"),
                &[("url", "https://bridge/typed")],
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("value=\"https://bridge/typed\""), "{html}");
        assert!(html.contains("暂不支持 https"));
        let r = app
            .send(br.post(
                &format!("/accounts/{a}/feed"),
                &[("url", ""), ("action", "remove")],
            ))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            app.get_api(&t, "/api/v1/monitoring/feeds").await.json()["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        let editor = app.token("nc_editor").await;
        let (status, _) = set_feed(&app, &editor, a, &format!("{base}/e")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

both_backends!(
    an_account_whose_only_feed_is_broken_is_no_data_not_a_zombie,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let (server, base) = start().await;
        let b = active_account(&app.store, NC).await;
        let t = app.token("nc_pub").await;
        set_feed(&app, &t, b, &format!("{base}/b")).await;
        let c = ctx(&app.store);
        // The feed worked once, on 20 February (entries from 1–2 February),
        // then broke for good.
        Job::FeedPoll
            .run_once(&c, at("2026-02-20T01:00:00Z"))
            .await
            .unwrap();
        server.set("b", Mode::Error);
        for day in 21..=28 {
            Job::FeedPoll
                .run_once(&c, at(&format!("2026-02-{day}T03:00:00Z")))
                .await
                .unwrap();
        }
        for day in 1..=11 {
            Job::FeedPoll
                .run_once(&c, at(&format!("2026-03-{day:02}T03:00:00Z")))
                .await
                .unwrap();
        }
        let z = app
            .get_api(&t, "/api/v1/monitoring/zombies?as_of=2026-03-11")
            .await
            .json();
        let ids = |k: &str| -> Vec<i64> {
            z[k].as_array()
                .unwrap()
                .iter()
                .map(|i| i["account_id"].as_i64().unwrap())
                .collect()
        };
        assert!(ids("no_data").contains(&b), "{z}");
        assert!(
            !ids("items").contains(&b),
            "a broken feed is not a silent account: {z}"
        );
        let m = app
            .get_api(
                &t,
                &format!("/api/v1/accounts/{b}/monitoring?as_of=2026-03-11"),
            )
            .await
            .json();
        assert_eq!(
            (m["zombie"].clone(), m["coverage"].as_str()),
            (Value::Null, Some("insufficient"))
        );

        // Once the feed answers again (after the window), the silence is real.
        server.set("b", Mode::Feed);
        Job::FeedPoll
            .run_once(&c, at("2026-03-12T03:30:00Z"))
            .await
            .unwrap();
        let m = app
            .get_api(
                &t,
                &format!("/api/v1/accounts/{b}/monitoring?as_of=2026-03-11"),
            )
            .await
            .json();
        assert_eq!(m["zombie"], true, "{m}");
    }
);
