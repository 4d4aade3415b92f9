//! A small in-process client: requests go straight into the router.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use govmedia_store::Store;
use govmedia_web::{AppState, WebConfig};
use serde_json::Value;
use tower::ServiceExt;

pub const PW: &str = "Demo-Pass-2026";

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

pub struct App {
    pub router: Router,
    pub store: Store,
}

/// A seeded app on `store`.
pub async fn app(store: Store) -> App {
    govmedia_demo::seed(&store, PW).await.unwrap();
    App {
        router: govmedia_web::app(AppState::new(store.clone(), WebConfig::default())),
        store,
    }
}

impl App {
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    /// API token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let r = self
            .send(json_req(
                "POST",
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"username": username, "password": PW}).to_string(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()["token"].as_str().unwrap().to_string()
    }

    pub async fn get_api(&self, token: &str, path: &str) -> Resp {
        self.send(
            Request::get(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// A browser session for a demo user: (cookie header, csrf token).
    pub async fn browser(&self, username: &str) -> Browser {
        let u = self.store.user_by_username(username).await.unwrap();
        let s = self
            .store
            .create_session(u.id, "web", "", 3600)
            .await
            .unwrap();
        Browser {
            cookie: format!("gm_session={}", s.token),
            csrf: s.csrf_token,
            session_id: s.id,
        }
    }
}

pub struct Browser {
    pub cookie: String,
    pub csrf: String,
    pub session_id: i64,
}

impl Browser {
    pub fn get(&self, path: &str) -> Request<Body> {
        Request::get(path)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap()
    }
    /// A form POST carrying the CSRF token.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> Request<Body> {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &form(&all))
    }
    pub fn post_raw(&self, path: &str, body: &str) -> Request<Body> {
        Request::post(path)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap()
    }
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn json_req(method: &str, path: &str, token: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_string())).unwrap()
}

/// A multipart upload of one file field, with the CSRF token as a part
/// after the file (browsers send it first, as the hidden field comes
/// first in our forms; a script may send it last, the harder case).
pub fn multipart(browser: &Browser, path: &str, bytes: &[u8]) -> Request<Body> {
    multipart_with_token(browser, path, bytes, Some(&browser.csrf))
}

/// A multipart upload with the CSRF part only when `token` is given.
pub fn multipart_with_token(
    browser: &Browser,
    path: &str,
    bytes: &[u8],
    token: Option<&str>,
) -> Request<Body> {
    let boundary = "XyZgovmediaBoundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    // The import form's 登记原因, as an officer fills it in.
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\n平台上线前已开设的存量账号").as_bytes(),
    );
    if let Some(t) = token {
        body.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{t}"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::COOKIE, &browser.cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// Builds an .xlsx with the export headers and the given rows.
pub fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in govmedia_web::accounts::excel::COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string((r + 1) as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

pub async fn account_count(store: &Store) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM accounts")
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

pub async fn org_id(store: &Store, name: &str) -> i64 {
    store.org_by_name(name).await.unwrap().id.0
}

/// The id of some 南昌 account.
pub async fn nanchang_account(store: &Store) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT a.id FROM accounts a JOIN orgs o ON o.id = a.host_org_id WHERE o.name = '南昌市人力资源和社会保障局' ORDER BY a.id LIMIT 1")
        .fetch_one(&store.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

pub const NC: &str = "南昌市人力资源和社会保障局";
