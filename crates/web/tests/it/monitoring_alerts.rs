//! Monitoring alerts through HTTP and the job: one per cause, closed with
//! it, never duplicated by a second instance, scoped like everything else.

use crate::client::*;
use crate::monitoring::{active_account, count, ingest, monitoring_app, post, statuses};
use axum::http::StatusCode;
use govmedia_store::Store;
use govmedia_store::both_backends;
use serde_json::json;

both_backends!(
    alerts_open_once_per_cause_and_close_with_it,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let nc = active_account(&app.store, NC).await;
        let t = app.token("nc_pub").await;
        let mut secret = post(nc, "b1", "2026-02-20T09:00:00+08:00");
        secret["text"] = json!("本文件为机密级，请勿外传。");
        let (_, v) = ingest(&app, &t, "/api/v1/ingest/posts", vec![secret]).await;
        assert_eq!(statuses(&v), ["created"]);
        let msg = json!({"account_id": nc, "platform_message_id": "q1", "received_at": "2026-03-02T10:00:00+08:00",
                     "text": "请问社保卡补办要多久？", "channel": "private"});
        let (_, v) = ingest(&app, &t, "/api/v1/ingest/messages", vec![msg.clone()]).await;
        assert_eq!(statuses(&v), ["created"]);

        let ctx = |instance: &str| govmedia_jobs::JobCtx {
            store: app.store.clone(),
            audit_retention_days: 180,
            instance: instance.into(),
            backups: None,
            monitoring: Default::default(),
            feeds: Default::default(),
            scanner: None,
        };
        let now = app.store.now();
        let job = govmedia_jobs::Job::MonitoringAlerts;
        let first = govmedia_jobs::run_claimed(&ctx("a"), job, now)
            .await
            .unwrap();
        assert!(first.is_some());
        // A second instance in the same period does not run it again …
        assert!(
            govmedia_jobs::run_claimed(&ctx("b"), job, now)
                .await
                .unwrap()
                .is_none()
        );
        // … and running it anyway opens nothing twice.
        job.run_once(&ctx("b"), now).await.unwrap();
        let list = |q: &str| {
            let q = q.to_string();
            let t = t.clone();
            let app = &app;
            async move { app.get_api(&t, &format!("/api/v1/alerts{q}")).await.json() }
        };
        let open = list(&format!("?account={nc}")).await;
        let kinds: Vec<&str> = open["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["kind"].as_str().unwrap())
            .collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        // Nothing was published in 2026-W10 either: a breached week.
        assert_eq!(
            sorted,
            [
                "blocked_post",
                "frequency_breach",
                "overdue_message",
                "zombie"
            ],
            "{open}"
        );
        assert_eq!(
            count(&app.store, "SELECT COUNT(*) FROM alerts").await as usize,
            count(&app.store, "SELECT COUNT(DISTINCT cause_key) FROM alerts").await as usize
        );

        // Another city sees none of them.
        let jj = app.token("jj_pub").await;
        let other = app
            .get_api(&jj, &format!("/api/v1/alerts?account={nc}&state=all"))
            .await
            .json();
        assert_eq!(other["total"], 0);

        // Acknowledged with a note; the answer arrives and the post is taken
        // down: those two alerts close, the zombie and the week stay open.
        let id = open["items"][0]["id"].as_i64().unwrap();
        let r = app
            .send(json_req(
                "POST",
                &format!("/api/v1/alerts/{id}/ack"),
                Some(&t),
                r#"{"note":"已通知运营单位"}"#,
            ))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let mut answered = msg;
        answered["replied_at"] = json!("2026-03-12T10:00:00+08:00");
        answered["reply_text"] = json!("您好，补办社保卡一般需要5个工作日。");
        ingest(&app, &t, "/api/v1/ingest/messages", vec![answered]).await;
        let mut gone = post(nc, "b1", "2026-02-20T09:00:00+08:00");
        gone["text"] = json!("本文件为机密级，请勿外传。");
        gone["deleted"] = json!(true);
        let (_, v) = ingest(&app, &t, "/api/v1/ingest/posts", vec![gone]).await;
        assert_eq!(statuses(&v), ["updated"]);
        job.run_once(&ctx("a"), now).await.unwrap();
        let open = list(&format!("?account={nc}")).await;
        let mut kinds: Vec<&str> = open["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["kind"].as_str().unwrap())
            .collect();
        kinds.sort();
        assert_eq!(kinds, ["frequency_breach", "zombie"], "{open}");
        let closed = list(&format!("?account={nc}&state=closed")).await;
        assert_eq!(closed["total"], 2);
        let r = app.get_api(&t, "/api/v1/alerts?state=maybe").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
    }
);
