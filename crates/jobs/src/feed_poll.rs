//! 订阅源采集 (every 5 minutes): polls the feeds that are due, a few at a
//! time, and records each poll; when a feed breaks or recovers, the
//! monitoring alerts are evaluated at once, so the one alert of a broken
//! feed opens (or clears) without waiting for the hourly run.

use crate::feed_http::{client, fetch};
use crate::{JobCtx, Outcome};
use chrono::{DateTime, Utc};
use govmedia_app::feeds::{PollResult, record_poll};
use govmedia_domain::monitoring::feeds::FeedHealth;
use govmedia_store::StoreError;
use std::sync::Arc;

/// Feeds fetched at once.
const PARALLEL: usize = 8;

pub async fn run_once(ctx: &JobCtx, now: DateTime<Utc>) -> Result<Outcome, StoreError> {
    let store = ctx
        .store
        .clone()
        .with_clock(Arc::new(govmedia_domain::clock::FixedClock::new(now)));
    let s = &ctx.feeds;
    let due = store.due_feeds(now, i64::from(s.batch.max(1))).await?;
    let scanner = ctx.scanner();
    let http = client(s);
    let (mut ok, mut unchanged, mut failed, mut created, mut health_changed) = (0, 0, 0, 0, false);
    for chunk in due.chunks(PARALLEL) {
        let mut set = tokio::task::JoinSet::new();
        for (i, f) in chunk.iter().enumerate() {
            let (http, s, f) = (http.clone(), s.clone(), f.clone());
            set.spawn(
                async move { (i, fetch(&http, &s, &f.url, &f.etag, &f.last_modified).await) },
            );
        }
        let mut fetched = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(r) = r {
                fetched.push(r);
            }
        }
        fetched.sort_by_key(|r| r.0);
        for (i, result) in fetched {
            let f = &chunk[i];
            let before = FeedHealth::of(s, f.failures, f.last_polled_at.is_some());
            let r = record_poll(&store, &scanner, s, f, result, now).await?;
            let failures = match &r {
                PollResult::Failed(_) => f.failures + 1,
                _ => 0,
            };
            let after = FeedHealth::of(s, failures, true);
            health_changed |= (before == FeedHealth::Broken) != (after == FeedHealth::Broken);
            match r {
                PollResult::Ok { created: c, .. } => {
                    ok += 1;
                    created += c;
                }
                PollResult::NotModified => unchanged += 1,
                PollResult::Failed(e) => {
                    failed += 1;
                    tracing::info!(feed = f.id, code = e.code, error = %e.message, "feed poll failed");
                }
            }
        }
    }
    if health_changed {
        govmedia_app::monitoring_alerts::evaluate(&store, &ctx.monitoring, &ctx.feeds, now).await?;
    }
    Ok(Outcome {
        summary: format!(
            "采集订阅源 {} 个：成功 {ok} 个（新内容 {created} 条），未变化 {unchanged} 个，失败 {failed} 个",
            due.len()
        ),
    })
}
