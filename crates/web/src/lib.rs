//! The HTTP layer: a JSON API under `/api/v1` and server-rendered zh-CN
//! pages, sharing one error type, one authorization model and one store.

#![recursion_limit = "256"]

// Shared by every feature.
pub mod assets;
pub mod badge;
pub mod charts;
pub mod config;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod fmt;
pub mod layout;
pub mod metrics;
pub mod openapi;
pub mod openapi_monitoring;
pub mod request_id;
pub mod routes;
pub mod spreadsheet;
pub mod state;
pub mod table_file;
pub mod xlsx;

// Features: each holds its `api.rs` and/or `pages.rs`, and the `view.rs`
// or helpers both share; no feature imports another's `api` or `pages`.
pub mod accounts;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod content;
pub mod filings;
pub mod home;
pub mod jobs;
pub mod monitoring;
pub mod orgs;
pub mod soon;
pub mod tokens;
pub mod users;

pub use config::WebConfig;
pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

/// Builds the whole application. Serving it is the caller's business, so
/// tests can drive it in-process.
pub fn app(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .nest("/api/v1", routes::api(&state.config))
        .merge(routes::pages(state.clone()))
        .merge(assets::router())
        .fallback(|| async {
            error::PageError(error::AppError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "页面不存在，请检查地址是否正确",
            ))
        })
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(request_id::assign))
        .with_state(state)
}

/// Ready when the database answers: load balancers stop sending traffic
/// to an instance that lost it. (`/healthz` only says the process runs.)
async fn readyz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match sqlx_ping(&state).await {
        true => (axum::http::StatusCode::OK, "ready"),
        false => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        ),
    }
}

async fn sqlx_ping(state: &AppState) -> bool {
    state.store.ping().await.is_ok()
}

/// Logs each request once, in a span keyed by the route template (so
/// `/accounts/{id}` groups every account), with status, latency, request
/// id and, once the session is known, the user id.
pub async fn trace_requests(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use tracing::Instrument;
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let request_id = req
        .extensions()
        .get::<request_id::RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let method = req.method().to_string();
    let span = tracing::info_span!(
        "request",
        method = %method,
        route = %route,
        request_id = %request_id,
        user_id = tracing::field::Empty,
    );
    let start = std::time::Instant::now();
    let res = next.run(req).instrument(span.clone()).await;
    let status = res.status().as_u16();
    let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
    metrics::record_request(&method, &route, status, latency_ms);
    if status >= 500 {
        tracing::error!(parent: &span, status, latency_ms, "request failed");
    } else {
        tracing::info!(parent: &span, status, latency_ms, "request");
    }
    res
}

/// Headers every response carries: no framing, no sniffing, a strict
/// content security policy (everything is served from this origin).
async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    let is_asset = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // Pages and API answers may carry one-time passwords, tokens or
    // personal data: never cache them.
    if !is_asset {
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    res
}
