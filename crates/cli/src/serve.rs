//! `govmedia serve`: migrate, optionally seed the demo, serve until
//! SIGTERM or Ctrl-C, and run housekeeping in the background.

use crate::config::Config;
use govmedia_store::Store;
use govmedia_store::db::redact_url;
use govmedia_store::secrets::random_password;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

pub async fn connect(cfg: &Config) -> Result<Store, String> {
    let store = Store::connect(&cfg.database_url).await.map_err(|e| {
        format!(
            "cannot open database {}: {e}",
            redact_url(&cfg.database_url)
        )
    })?;
    backup_before_migrating(cfg, &store).await?;
    store
        .migrate()
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    Ok(store)
}

/// A SQLite database about to be migrated is copied first, so a failed or
/// unwanted upgrade can be undone with `govmedia restore`.
pub async fn backup_before_migrating(cfg: &Config, store: &Store) -> Result<(), String> {
    if store.backend != govmedia_store::Backend::Sqlite || cfg.backup_dir.trim().is_empty() {
        return Ok(());
    }
    let applied = store
        .applied_migrations()
        .await
        .map_err(|e| format!("cannot read migrations: {e}"))?;
    let pending = govmedia_store::migrate::MIGRATIONS
        .iter()
        .any(|m| !applied.iter().any(|a| a == m.version));
    if applied.is_empty() || !pending {
        return Ok(());
    }
    let file = govmedia_jobs::backup::backup_file(
        std::path::Path::new(cfg.backup_dir.trim()),
        store.now(),
        "-pre-migrate",
    );
    store
        .backup_to(&file)
        .await
        .map_err(|e| format!("backup before migration failed: {e}"))?;
    println!(
        "升级前已备份 / backed up before migrating: {}",
        file.display()
    );
    Ok(())
}

pub async fn run(cfg: Config, demo: bool) -> Result<ExitCode, String> {
    let store = connect(&cfg).await?;
    tracing::info!(database = %redact_url(&cfg.database_url), "database ready");
    if demo {
        let (password, generated) = match std::env::var("GOVMEDIA_DEMO_PASSWORD") {
            Ok(p) if !p.is_empty() => {
                for (username, name, _, _) in govmedia_demo::DEMO_USERS {
                    cfg.web
                        .password
                        .check_person(username, name, &p)
                        .map_err(|e| format!("GOVMEDIA_DEMO_PASSWORD ({username}): {e}"))?;
                }
                (p, false)
            }
            _ => (random_password(), true),
        };
        match govmedia_demo::seed(&store, &password)
            .await
            .map_err(|e| format!("demo data: {e}"))?
        {
            Some(s) => {
                let posts = govmedia_demo::seed_monitoring(&store, store.clock().today())
                    .await
                    .map_err(|e| format!("demo monitoring data: {e}"))?;
                println!(
                    "演示数据已写入 / demo data loaded: {} orgs, {} accounts, {} users (admin, center, nc_editor, jj_editor …), {posts} posts",
                    s.orgs, s.accounts, s.users
                );
                if generated {
                    println!("演示用户密码 / demo password (shown once): {password}");
                } else {
                    println!(
                        "演示用户密码取自 GOVMEDIA_DEMO_PASSWORD / demo password from GOVMEDIA_DEMO_PASSWORD"
                    );
                }
            }
            None => println!(
                "数据库已有数据，未写入演示数据 / database not empty: demo data not loaded"
            ),
        }
    }
    let addr: SocketAddr = cfg
        .addr
        .parse()
        .map_err(|_| format!("invalid listen address: {}", cfg.addr))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let mut web = cfg.web.clone();
    web.ingest_key = crate::ingest_cmd::configured_key(&cfg)?;
    let state = govmedia_web::AppState::try_new(store.clone(), web)?;
    // Jobs check what they take in with the server's scanner, so a
    // lexicon reload applies to them too.
    let mut jobs = crate::jobs_cmd::ctx(&cfg, store.clone());
    jobs.scanner = Some(state.scanner.clone());
    let housekeeping = tokio::spawn(run_jobs(jobs));
    let metrics = match cfg.metrics_addr.trim() {
        "" => None,
        a => {
            let maddr: SocketAddr = a
                .parse()
                .map_err(|_| format!("invalid metrics address: {a}"))?;
            let l = tokio::net::TcpListener::bind(maddr)
                .await
                .map_err(|e| format!("cannot listen on {maddr} for metrics: {e}"))?;
            let router = govmedia_web::metrics::router(state.clone());
            println!("指标 / metrics on http://{maddr}/metrics");
            Some(tokio::spawn(async move {
                if let Err(e) = axum::serve(l, router).await {
                    tracing::error!(error = %e, "metrics listener failed");
                }
            }))
        }
    };
    let app = govmedia_web::app(state);
    println!("govmedia 已启动 / listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error: {e}"))?;
    housekeeping.abort();
    if let Some(m) = metrics {
        m.abort();
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// Every minute, runs the jobs that are due and that this instance
/// claims (each job once per period across all instances).
async fn run_jobs(ctx: govmedia_jobs::JobCtx) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        govmedia_jobs::run_due(&ctx, ctx.store.now()).await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
