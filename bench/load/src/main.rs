//! govmedia-load: the load generator of `bench/load/run.sh`.
//!
//! It logs in as many users as asked (API bearer tokens and browser
//! sessions, each its own session on the server), then runs each `--run`
//! in turn and prints one JSON line per run:
//!
//! - `closed=N`: N clients, each sending its next request as soon as the
//!   last one answered (throughput at a given concurrency);
//! - `rate=R`: requests scheduled at a constant R per second over a pool of
//!   connections; each latency is counted from the moment the request was
//!   *scheduled*, so a server that falls behind shows it in the tail
//!   (no coordinated omission).
//!
//! Paths under `/api/` carry a bearer token, `/healthz` nothing, every
//! other path a browser session cookie. Any status other than 200 counts
//! as an error.

mod http;

use http::Conn;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Args {
    base: String,
    username: String,
    password: String,
    sessions: usize,
    duration: Duration,
    warmup: Duration,
    connections: usize,
    runs: Vec<Run>,
}

#[derive(Clone)]
struct Run {
    label: String,
    mode: Mode,
    path: String,
}

#[derive(Clone, Copy)]
enum Mode {
    Closed(usize),
    Rate(f64),
}

fn usage() -> ! {
    eprintln!(
        "usage: govmedia-load --base http://127.0.0.1:PORT --username U --password P \
         [--sessions 200] [--duration 30] [--warmup 2] [--connections 100] \
         --run 'LABEL closed=N|rate=R PATH' ..."
    );
    std::process::exit(2)
}

fn parse_args() -> Args {
    let mut a = Args {
        base: String::new(),
        username: String::new(),
        password: String::new(),
        sessions: 200,
        duration: Duration::from_secs(30),
        warmup: Duration::from_secs(2),
        connections: 100,
        runs: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let Some(v) = it.next() else { usage() };
        let num = |v: &str| v.parse::<f64>().unwrap_or_else(|_| usage());
        match flag.as_str() {
            "--base" => a.base = v,
            "--username" => a.username = v,
            "--password" => a.password = v,
            "--sessions" => a.sessions = num(&v) as usize,
            "--duration" => a.duration = Duration::from_secs_f64(num(&v)),
            "--warmup" => a.warmup = Duration::from_secs_f64(num(&v)),
            "--connections" => a.connections = num(&v) as usize,
            "--run" => {
                let parts: Vec<&str> = v.split_whitespace().collect();
                let [label, mode, path] = parts[..] else {
                    usage()
                };
                let mode = if let Some(n) = mode.strip_prefix("closed=") {
                    Mode::Closed(num(n) as usize)
                } else if let Some(r) = mode.strip_prefix("rate=") {
                    Mode::Rate(num(r))
                } else {
                    usage()
                };
                a.runs.push(Run {
                    label: label.into(),
                    mode,
                    path: path.into(),
                });
            }
            _ => usage(),
        }
    }
    if a.base.is_empty() || a.runs.is_empty() || a.sessions == 0 || a.connections == 0 {
        usage()
    }
    a
}

/// The credentials one request carries, by path.
#[derive(Clone)]
struct Creds {
    api: Vec<String>,
    web: Vec<String>,
}

impl Creds {
    fn header(&self, path: &str, i: usize) -> Option<(&'static str, String)> {
        if path == "/healthz" || path == "/readyz" {
            None
        } else if path.starts_with("/api/") {
            Some((
                "authorization",
                format!("Bearer {}", self.api[i % self.api.len()]),
            ))
        } else {
            Some((
                "cookie",
                format!("gm_session={}", self.web[i % self.web.len()]),
            ))
        }
    }
}

fn cookie_value(res: &http::Response, name: &str) -> Option<String> {
    res.header_values("set-cookie").find_map(|c| {
        let (kv, _) = c.split_once(';').unwrap_or((c, ""));
        let (k, v) = kv.split_once('=')?;
        (k.trim() == name).then(|| v.trim().to_string())
    })
}

fn form_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn login_api(base: &str, user: &str, pass: &str) -> Result<String, String> {
    let mut c = Conn::new(base).map_err(|e| e.to_string())?;
    let body = serde_json::json!({"username": user, "password": pass}).to_string();
    let r = c
        .request(
            "POST",
            "/api/v1/auth/login",
            &[],
            Some(("application/json", body.as_bytes())),
            true,
        )
        .await
        .map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_slice(&r.body).map_err(|e| e.to_string())?;
    v["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("API login refused ({}): {v}", r.status))
}

async fn login_web(base: &str, user: &str, pass: &str) -> Result<String, String> {
    let mut c = Conn::new(base).map_err(|e| e.to_string())?;
    let r = c
        .request("GET", "/login", &[], None, false)
        .await
        .map_err(|e| e.to_string())?;
    let csrf = cookie_value(&r, "gm_login_csrf").ok_or("no login CSRF cookie")?;
    let form = format!(
        "username={}&password={}&_csrf={}",
        form_escape(user),
        form_escape(pass),
        form_escape(&csrf)
    );
    let cookie = format!("gm_login_csrf={csrf}");
    let r = c
        .request(
            "POST",
            "/login",
            &[("cookie", &cookie)],
            Some(("application/x-www-form-urlencoded", form.as_bytes())),
            false,
        )
        .await
        .map_err(|e| e.to_string())?;
    cookie_value(&r, "gm_session").ok_or_else(|| format!("page login refused ({})", r.status))
}

#[derive(Default)]
struct Tally {
    lat_us: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.lat_us.extend(o.lat_us);
        self.errors += o.errors;
        if self.first_error.is_none() {
            self.first_error = o.first_error;
        }
    }
}

async fn one(
    conn: &mut Conn,
    path: &str,
    auth: &Option<(&'static str, String)>,
) -> Result<(), String> {
    let headers: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();
    match conn.request("GET", path, &headers, None, false).await {
        Ok(r) if r.status == 200 => Ok(()),
        Ok(r) => Err(format!("status {}", r.status)),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs `run` for `duration`; requests that start before `measure_from`
/// are warm-up and not counted.
async fn drive(a: &Args, creds: &Creds, run: &Run, duration: Duration, count: bool) -> Tally {
    let start = Instant::now();
    let end = start + duration;
    let next = Arc::new(AtomicU64::new(0));
    let workers = match run.mode {
        Mode::Closed(n) => n,
        Mode::Rate(_) => a.connections,
    };
    let mut handles = Vec::with_capacity(workers);
    for w in 0..workers {
        let base = a.base.clone();
        let path = run.path.clone();
        let auth = creds.header(&run.path, w);
        let next = next.clone();
        let mode = run.mode;
        handles.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let Ok(mut conn) = Conn::new(&base) else {
                return t;
            };
            loop {
                let began = match mode {
                    Mode::Closed(_) => {
                        let now = Instant::now();
                        if now >= end {
                            break;
                        }
                        now
                    }
                    Mode::Rate(r) => {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let at = start + Duration::from_secs_f64(i as f64 / r);
                        if at >= end {
                            break;
                        }
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                };
                let res = one(&mut conn, &path, &auth).await;
                let us = began.elapsed().as_micros().min(u32::MAX as u128) as u32;
                match res {
                    Ok(()) => t.lat_us.push(us),
                    Err(e) => {
                        t.errors += 1;
                        t.first_error.get_or_insert(e);
                    }
                }
            }
            t
        }));
    }
    let mut total = Tally::default();
    for h in handles {
        if let Ok(t) = h.await {
            total.merge(t);
        }
    }
    if !count {
        total.lat_us.clear();
    }
    total
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i] as f64 / 1000.0
}

async fn main_async(a: Args) -> Result<(), String> {
    let needs_api = a.runs.iter().any(|r| r.path.starts_with("/api/"));
    let needs_web = a
        .runs
        .iter()
        .any(|r| !r.path.starts_with("/api/") && r.path != "/healthz" && r.path != "/readyz");
    let mut creds = Creds {
        api: Vec::new(),
        web: Vec::new(),
    };
    for _ in 0..a.sessions {
        if needs_api {
            creds
                .api
                .push(login_api(&a.base, &a.username, &a.password).await?);
        }
        if needs_web {
            creds
                .web
                .push(login_web(&a.base, &a.username, &a.password).await?);
        }
    }
    eprintln!(
        "logged in {} API and {} browser sessions",
        creds.api.len(),
        creds.web.len()
    );
    for run in &a.runs {
        if !a.warmup.is_zero() {
            drive(&a, &creds, run, a.warmup, false).await;
        }
        let t0 = Instant::now();
        let mut t = drive(&a, &creds, run, a.duration, true).await;
        let secs = t0.elapsed().as_secs_f64();
        t.lat_us.sort_unstable();
        let (mode, level) = match run.mode {
            Mode::Closed(n) => ("closed", n as f64),
            Mode::Rate(r) => ("rate", r),
        };
        let line = serde_json::json!({
            "label": run.label,
            "path": run.path,
            "mode": mode,
            "level": level,
            "requests": t.lat_us.len(),
            "errors": t.errors,
            "first_error": t.first_error,
            "seconds": (secs * 100.0).round() / 100.0,
            "rps": (t.lat_us.len() as f64 / secs * 10.0).round() / 10.0,
            "p50_ms": pct(&t.lat_us, 0.50),
            "p90_ms": pct(&t.lat_us, 0.90),
            "p99_ms": pct(&t.lat_us, 0.99),
            "max_ms": pct(&t.lat_us, 1.0),
        });
        println!("{line}");
        eprintln!(
            "{:<14} {:<6} {:>6} {:<28} {:>8.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
            run.label,
            mode,
            level,
            run.path,
            t.lat_us.len() as f64 / secs,
            pct(&t.lat_us, 0.5),
            pct(&t.lat_us, 0.99),
            t.errors
        );
    }
    Ok(())
}

fn main() {
    let a = parse_args();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("govmedia-load: {e}");
            std::process::exit(1)
        }
    };
    if let Err(e) = rt.block_on(main_async(a)) {
        eprintln!("govmedia-load: {e}");
        std::process::exit(1);
    }
}
