//! `govmedia bench monitoring`: the monitoring benchmark of the README on
//! the configured (empty) database. It generates N accounts with a year
//! of posts and messages, then measures, in the same run and the same
//! process as the server's router:
//!   - ingest through the API (`POST /api/v1/ingest/posts`, 5,000-item
//!     batches, each post scanned) against a bare multi-row insert of the
//!     same rows into the same table, batches interleaved;
//!   - 首页, the zombie list and the overview API for the province, p50
//!     and p95 of the server's time, against a bare `SELECT COUNT(*)` of
//!     the posts table;
//!   - the process's resident memory after the ingest.
//!
//! Requests go through the router in process (no TCP), so the times are
//! the server's own. Prints one JSON object a line and a Markdown table.

use crate::config::Config;
use crate::serve::connect;
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{Days, TimeDelta};
use clap::Args;
use govmedia_demo::scale::{POST_COLUMNS, seed_scale};
use govmedia_domain::monitoring::posts::day_start;
use govmedia_store::bulk::insert_rows;
use govmedia_store::sql::Arg;
use serde_json::json;
use sqlx::Row;
use std::process::ExitCode;
use std::time::Instant;
use tower::ServiceExt;

const PASSWORD: &str = "Bench-Pass-2026";

#[derive(Args)]
pub struct BenchArgs {
    /// Accounts to generate.
    #[arg(long, default_value_t = 10_000)]
    accounts: usize,
    /// Days of history per account, ending today.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// Ingest batches of 5,000 posts (each measured against a bare insert).
    #[arg(long, default_value_t = 6)]
    batches: usize,
    /// Timed requests per path.
    #[arg(long, default_value_t = 40)]
    repeat: usize,
    /// Label of the backend in the output.
    #[arg(long, default_value = "")]
    label: String,
    /// Measure again on a database an earlier run generated.
    #[arg(long)]
    reuse: bool,
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

async fn send(router: &axum::Router, req: Request<Body>) -> Result<(u16, Vec<u8>), String> {
    let res = router
        .clone()
        .oneshot(req)
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let status = res.status().as_u16();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .map_err(|e| format!("body: {e}"))?;
    Ok((status, body.to_vec()))
}

pub async fn run(cfg: &Config, a: BenchArgs) -> Result<ExitCode, String> {
    let err = |e: govmedia_store::StoreError| e.to_string();
    let store = connect(cfg).await?;
    let existing: i64 = sqlx::query("SELECT COUNT(*) FROM accounts")
        .fetch_one(&store.pool)
        .await
        .map_err(|e| e.to_string())?
        .try_get(0)
        .map_err(|e| e.to_string())?;
    let today = store.clock().today();
    let t = Instant::now();
    let s = if existing > 0 && a.reuse {
        let n = |sql: &'static str| {
            let pool = store.pool.clone();
            async move {
                sqlx::query(sql)
                    .fetch_one(&pool)
                    .await
                    .and_then(|r| r.try_get::<i64, _>(0))
                    .map(|v| v as usize)
                    .map_err(|e| e.to_string())
            }
        };
        govmedia_demo::scale::ScaleStats {
            accounts: n("SELECT COUNT(*) FROM accounts WHERE handle LIKE 'scale-%'").await?,
            posts: n("SELECT COUNT(*) FROM posts").await?,
            messages: n("SELECT COUNT(*) FROM messages").await?,
        }
    } else if existing > 0 {
        return Err("bench 需要一个空数据库（或 --reuse） / the benchmark needs an empty database (or --reuse)".into());
    } else {
        govmedia_demo::seed(&store, PASSWORD).await.map_err(err)?;
        seed_scale(&store, a.accounts, a.days, today)
            .await
            .map_err(err)?
    };
    let nonce = store.now().timestamp();
    eprintln!(
        "generated {} accounts, {} posts, {} messages in {:.0} s",
        s.accounts,
        s.posts,
        s.messages,
        t.elapsed().as_secs_f64()
    );
    let label = if a.label.is_empty() {
        format!("{:?}", store.backend).to_lowercase()
    } else {
        a.label.clone()
    };
    let state = govmedia_web::AppState::try_new(store.clone(), cfg.web.clone())?;
    let router = govmedia_web::app(state);
    let (status, body) = send(
        &router,
        Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"username": "center", "password": PASSWORD}).to_string(),
            ))
            .map_err(|e| e.to_string())?,
    )
    .await?;
    if status != 200 {
        return Err(format!("login failed: {}", String::from_utf8_lossy(&body)));
    }
    let token = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_string))
        .ok_or("login answer without token")?;
    let ids: Vec<i64> =
        sqlx::query("SELECT id FROM accounts WHERE handle LIKE 'scale-%' ORDER BY id")
            .fetch_all(&store.pool)
            .await
            .map_err(|e| e.to_string())?
            .iter()
            .filter_map(|r| r.try_get(0).ok())
            .collect();
    if ids.is_empty() {
        return Err("no accounts generated".into());
    }

    // Ingest: API batches and bare inserts of the same rows, interleaved.
    const BATCH: usize = 5_000;
    let yesterday = day_start(today - Days::new(1));
    let (mut api_secs, mut bare_secs, mut api_rows) = (0.0, 0.0, 0usize);
    for b in 0..a.batches {
        let items: Vec<serde_json::Value> = (0..BATCH)
            .map(|i| {
                let at = yesterday + TimeDelta::seconds((i * 17 % 86_000) as i64);
                json!({"account_id": ids[(b * BATCH + i) % ids.len()], "platform_post_id": format!("bench-api-{nonce}-{b}-{i}"),
                    "published_at": at.to_rfc3339(), "title": "关于做好2026年社会保险费征缴工作的通知",
                    "text": "各地人社部门将持续优化经办服务，群众可通过赣服通、江西人社App在线办理。咨询电话12333。", "kind": "original"})
            })
            .collect();
        let body = json!({ "items": items }).to_string();
        let t = Instant::now();
        let (status, out) = send(
            &router,
            Request::post("/api/v1/ingest/posts")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::from(body))
                .map_err(|e| e.to_string())?,
        )
        .await?;
        api_secs += t.elapsed().as_secs_f64();
        if status != 200 {
            return Err(format!(
                "ingest failed ({status}): {}",
                String::from_utf8_lossy(&out[..out.len().min(300)])
            ));
        }
        api_rows += BATCH;
        let now = store.now().timestamp();
        let rows: Vec<Vec<Arg>> = (0..BATCH)
            .map(|i| {
                let at = yesterday + TimeDelta::seconds((i * 17 % 86_000) as i64);
                vec![
                    ids[(b * BATCH + i) % ids.len()].into(),
                    format!("bench-bare-{nonce}-{b}-{i}").into(),
                    at.timestamp().into(),
                    (today - Days::new(1)).to_string().into(),
                    "关于做好2026年社会保险费征缴工作的通知".into(),
                    "各地人社部门将持续优化经办服务，群众可通过赣服通、江西人社App在线办理。咨询电话12333。".into(),
                    String::new().into(),
                    "original".into(),
                    String::new().into(),
                    "api".into(),
                    "{}".into(),
                    0_i64.into(),
                    0_i64.into(),
                    now.into(),
                    now.into(),
                ]
            })
            .collect();
        let t = Instant::now();
        let mut tx = store.begin_write().await.map_err(err)?;
        insert_rows(&mut tx, "posts", POST_COLUMNS, rows)
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)?;
        bare_secs += t.elapsed().as_secs_f64();
    }
    let rss_after_ingest = rss_mb();
    let (api_rate, bare_rate) = (api_rows as f64 / api_secs, api_rows as f64 / bare_secs);
    println!(
        "{}",
        json!({"backend": label, "measure": "ingest", "api_rows_per_s": api_rate, "bare_rows_per_s": bare_rate,
               "ratio": api_rate / bare_rate, "rss_mb": rss_after_ingest})
    );

    // Reads for the province, against a bare count of the posts.
    let session = {
        let u = store.user_by_username("center").await.map_err(err)?;
        store
            .create_session(u.id, "web", "", 3600)
            .await
            .map_err(err)?
            .token
    };
    let paths = [
        "/",
        "/api/v1/monitoring/zombies",
        "/api/v1/monitoring/overview",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); paths.len() + 1];
    for round in 0..a.repeat + 2 {
        for (k, p) in paths.iter().enumerate() {
            let req = Request::get(*p);
            let req = if p.starts_with("/api/") {
                req.header(header::AUTHORIZATION, format!("Bearer {token}"))
            } else {
                req.header(header::COOKIE, format!("gm_session={session}"))
            };
            let t = Instant::now();
            let (status, _) =
                send(&router, req.body(Body::empty()).map_err(|e| e.to_string())?).await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if status != 200 {
                return Err(format!("{p} answered {status}"));
            }
            if round >= 2 {
                times[k].push(ms);
            }
        }
        let t = Instant::now();
        let _: i64 = sqlx::query("SELECT COUNT(*) FROM posts")
            .fetch_one(&store.pool)
            .await
            .map_err(|e| e.to_string())?
            .try_get(0)
            .map_err(|e| e.to_string())?;
        if round >= 2 {
            times[paths.len()].push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    for t in &mut times {
        t.sort_by(f64::total_cmp);
    }
    let count_p95 = pct(&times[paths.len()], 0.95);
    for (k, p) in paths
        .iter()
        .chain(["SELECT COUNT(*) FROM posts"].iter())
        .enumerate()
    {
        println!(
            "{}",
            json!({"backend": label, "measure": "read", "path": p, "p50_ms": pct(&times[k], 0.5),
                   "p95_ms": pct(&times[k], 0.95), "ratio_to_count_p95": pct(&times[k], 0.95) / count_p95})
        );
    }
    println!(
        "{}",
        json!({"backend": label, "measure": "rss", "rss_mb_after_ingest": rss_after_ingest, "rss_mb_end": rss_mb(),
               "accounts": s.accounts, "posts": s.posts + 2 * api_rows, "messages": s.messages})
    );
    Ok(ExitCode::SUCCESS)
}
