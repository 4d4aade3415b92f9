//! Stored posts are scanned again when the lexicons change: findings
//! follow the new scanner, a second run changes nothing, and the alert
//! job then sees the post's new block finding.

use crate::client::*;
use crate::monitoring::{active_account, count, ingest, monitoring_app, post};
use govmedia_jobs::{Job, JobCtx};
use govmedia_scan::{Scanner, ScannerConfig, SharedScanner, parse_lexicon};
use govmedia_store::Store;
use govmedia_store::both_backends;
use serde_json::json;
use std::sync::Arc;

fn ctx(store: &Store, scanner: &Arc<SharedScanner>) -> JobCtx {
    JobCtx {
        store: store.clone(),
        audit_retention_days: 180,
        instance: "t".into(),
        backups: None,
        monitoring: Default::default(),
        feeds: Default::default(),
        scanner: Some(scanner.clone()),
    }
}

fn scanner(lexicon: &str) -> Scanner {
    Scanner::new(
        parse_lexicon(lexicon, "t").unwrap(),
        true,
        ScannerConfig::default(),
    )
    .unwrap()
}

both_backends!(
    a_lexicon_change_rescans_stored_posts,
    async |store: Store| {
        let app = monitoring_app(store).await;
        let a = active_account(&app.store, NC).await;
        let nc = app.token("nc_pub").await;
        let mut p = post(a, "r1", "2026-03-10T09:00:00+08:00");
        p["text"] = json!("本周开展灵活就业专项服务。");
        ingest(&app, &nc, "/api/v1/ingest/posts", vec![p]).await;
        let blocked = |s: Store| async move {
            count(
                &s,
                &format!("SELECT COUNT(*) FROM posts WHERE account_id = {a} AND blocked > 0"),
            )
            .await
        };
        assert_eq!(blocked(app.store.clone()).await, 0);
        let shared = Arc::new(SharedScanner::new(scanner("")));
        let c = ctx(&app.store, &shared);
        let now = app.store.now();
        let out = Job::PostRescan.run_once(&c, now).await.unwrap();
        assert!(out.summary.contains("已全部完成"), "{}", out.summary);
        assert_eq!(blocked(app.store.clone()).await, 0);
        // The office adds a term: the stored post is found at the next run.
        shared.replace(scanner("灵活就业专项\t测试\tblock\n"));
        let out = Job::PostRescan.run_once(&c, now).await.unwrap();
        assert!(out.summary.contains("开始重新扫描"), "{}", out.summary);
        assert!(out.summary.contains("结果变化 1 条"), "{}", out.summary);
        assert_eq!(blocked(app.store.clone()).await, 1);
        let state = app.store.rescan_state().await.unwrap().unwrap();
        assert_eq!(state.fingerprint, shared.get().fingerprint());
        assert!(state.finished_at.is_some());
        // Nothing left to do the next time.
        let out = Job::PostRescan.run_once(&c, now).await.unwrap();
        assert!(out.summary.contains("本次扫描 0 条"), "{}", out.summary);
        // The alert job opens the post's block alert.
        Job::MonitoringAlerts.run_once(&c, now).await.unwrap();
        let alerts = count(
        &app.store,
        &format!("SELECT COUNT(*) FROM alerts WHERE account_id = {a} AND kind = 'blocked_post' AND closed_at IS NULL"),
    )
    .await;
        assert_eq!(alerts, 1);
    }
);
