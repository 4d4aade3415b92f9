//! Prometheus metrics, written by hand in the text exposition format (no
//! client crate to build). Counters live in one process-wide registry;
//! pool and job figures are read when scraped. Served on their own listen
//! address (`metrics_addr`, off by default), never on the public one.

use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, OnceLock};

/// Upper bounds of the latency buckets, in milliseconds.
const BUCKETS_MS: [f64; 11] = [
    5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS_MS.len()],
    sum_ms: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// route → latency.
    latency: BTreeMap<String, Histogram>,
    /// reason → refused logins.
    login_refusals: BTreeMap<&'static str, u64>,
    scan_bytes: u64,
    scan_seconds: f64,
    scans: u64,
}

fn registry() -> &'static Mutex<Registry> {
    static R: OnceLock<Mutex<Registry>> = OnceLock::new();
    R.get_or_init(Mutex::default)
}

fn with<T>(f: impl FnOnce(&mut Registry) -> T) -> Option<T> {
    registry().lock().ok().map(|mut r| f(&mut r))
}

/// One answered request.
pub fn record_request(method: &str, route: &str, status: u16, latency_ms: f64) {
    let route = if route.is_empty() { "unmatched" } else { route };
    with(|r| {
        *r.requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let h = r.latency.entry(route.to_string()).or_default();
        for (i, b) in BUCKETS_MS.iter().enumerate() {
            if latency_ms <= *b {
                h.counts[i] += 1;
            }
        }
        h.sum_ms += latency_ms;
        h.count += 1;
    });
}

/// A refused login: `bad_credentials`, `locked` or `disabled`.
pub fn record_login_refusal(reason: &'static str) {
    with(|r| *r.login_refusals.entry(reason).or_default() += 1);
}

/// One scan of `bytes` bytes that took `seconds`.
pub fn record_scan(bytes: usize, seconds: f64) {
    with(|r| {
        r.scan_bytes += bytes as u64;
        r.scan_seconds += seconds;
        r.scans += 1;
    });
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The counters of this process in the text exposition format.
pub fn render_process() -> String {
    let mut out = String::new();
    with(|r| {
        let _ = writeln!(
            out,
            "# HELP govmedia_http_requests_total Requests answered, by route template and status."
        );
        let _ = writeln!(out, "# TYPE govmedia_http_requests_total counter");
        for ((m, route, status), n) in &r.requests {
            let _ = writeln!(
                out,
                "govmedia_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                label(m),
                label(route)
            );
        }
        let _ = writeln!(
            out,
            "# HELP govmedia_http_request_duration_seconds Time to answer, by route template."
        );
        let _ = writeln!(
            out,
            "# TYPE govmedia_http_request_duration_seconds histogram"
        );
        for (route, h) in &r.latency {
            let route = label(route);
            for (i, b) in BUCKETS_MS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "govmedia_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{}\"}} {}",
                    b / 1000.0,
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "govmedia_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "govmedia_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum_ms / 1000.0
            );
            let _ = writeln!(
                out,
                "govmedia_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP govmedia_login_refusals_total Refused logins, by reason (locked counts attempts while locked)."
        );
        let _ = writeln!(out, "# TYPE govmedia_login_refusals_total counter");
        for reason in ["bad_credentials", "locked", "disabled"] {
            let n = r.login_refusals.get(reason).copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "govmedia_login_refusals_total{{reason=\"{reason}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP govmedia_scan_bytes_total Bytes checked by the compliance scanner."
        );
        let _ = writeln!(out, "# TYPE govmedia_scan_bytes_total counter");
        let _ = writeln!(out, "govmedia_scan_bytes_total {}", r.scan_bytes);
        let _ = writeln!(out, "# TYPE govmedia_scan_seconds_total counter");
        let _ = writeln!(out, "govmedia_scan_seconds_total {}", r.scan_seconds);
        let _ = writeln!(out, "# TYPE govmedia_scans_total counter");
        let _ = writeln!(out, "govmedia_scans_total {}", r.scans);
    });
    out
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut out = render_process();
    let pool = &state.store.pool;
    let _ = writeln!(
        out,
        "# HELP govmedia_db_pool_connections Database connections of this process."
    );
    let _ = writeln!(out, "# TYPE govmedia_db_pool_connections gauge");
    let _ = writeln!(
        out,
        "govmedia_db_pool_connections{{state=\"open\"}} {}",
        pool.size()
    );
    let _ = writeln!(
        out,
        "govmedia_db_pool_connections{{state=\"idle\"}} {}",
        pool.num_idle()
    );
    // Job figures are shared by every instance (they live in the database).
    match state.store.job_runs().await {
        Ok(runs) => {
            let _ = writeln!(
                out,
                "# HELP govmedia_job_runs_total Runs of each scheduled job, all instances."
            );
            let _ = writeln!(out, "# TYPE govmedia_job_runs_total counter");
            for r in &runs {
                let _ = writeln!(
                    out,
                    "govmedia_job_runs_total{{job=\"{}\"}} {}",
                    label(&r.name),
                    r.runs
                );
            }
            let _ = writeln!(out, "# TYPE govmedia_job_failures_total counter");
            for r in &runs {
                let _ = writeln!(
                    out,
                    "govmedia_job_failures_total{{job=\"{}\"}} {}",
                    label(&r.name),
                    r.failures
                );
            }
            let _ = writeln!(out, "# TYPE govmedia_job_last_duration_seconds gauge");
            for r in &runs {
                if let Some(ms) = r.last_duration_ms {
                    let _ = writeln!(
                        out,
                        "govmedia_job_last_duration_seconds{{job=\"{}\"}} {}",
                        label(&r.name),
                        ms as f64 / 1000.0
                    );
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: job runs unavailable"),
    }
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}

/// The metrics listener's router: `/metrics` only.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_land_in_counters_and_buckets() {
        record_request("GET", "/metrics-test/{id}", 200, 7.0);
        record_request("GET", "/metrics-test/{id}", 200, 700.0);
        let text = render_process();
        assert!(text.contains(
            "govmedia_http_requests_total{method=\"GET\",route=\"/metrics-test/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "govmedia_http_request_duration_seconds_bucket{route=\"/metrics-test/{id}\",le=\"0.01\"} 1"
        ));
        assert!(text.contains(
            "govmedia_http_request_duration_seconds_bucket{route=\"/metrics-test/{id}\",le=\"1\"} 2"
        ));
        assert_eq!(label("a\"b\\c"), "a\\\"b\\\\c");
    }
}
