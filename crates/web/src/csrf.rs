//! CSRF protection for every state-changing browser request: the form
//! field `_csrf` (a plain field in url-encoded forms, a part in file
//! uploads) or the `x-csrf-token` header must equal the session's token.
//! The token never travels in a URL, where logs and Referer headers would
//! keep it. The login form, which has no session yet, uses a double-submit
//! cookie.

use crate::auth::{LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie};
use crate::error::{AppError, PageError};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn csrf_error() -> Response {
    PageError(AppError::new(
        StatusCode::FORBIDDEN,
        "csrf_failed",
        "页面已过期或来源不可信，请刷新页面后重新提交",
    ))
    .into_response()
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    url_decode_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn url_decode_pairs(body: &[u8]) -> Vec<(String, String)> {
    let s = String::from_utf8_lossy(body);
    s.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    bytes.get(i + 1).copied().and_then(hex),
                    bytes.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Constant-time comparison of two tokens.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let expected = if parts.uri.path() == "/login" {
        cookie(&parts.headers, LOGIN_CSRF_COOKIE).map(str::to_string)
    } else if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
        match state
            .store
            .session(token, state.config.session_idle_secs)
            .await
        {
            Ok(Some(s)) => Some(s.csrf_token),
            // No live session: the handler will send the user to log in.
            Ok(None) => return next.run(Request::from_parts(parts, body)).await,
            Err(e) => return PageError(e.into()).into_response(),
        }
    } else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let Some(expected) = expected.filter(|e| !e.is_empty()) else {
        return csrf_error();
    };
    let from_header = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(given) = from_header {
        if same(&given, &expected) {
            return next.run(Request::from_parts(parts, body)).await;
        }
        return csrf_error();
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    let is_multipart = content_type.starts_with("multipart/form-data");
    if !is_form && !is_multipart {
        return csrf_error();
    }
    let bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return PageError(AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "提交的内容过大",
            ))
            .into_response();
        }
    };
    let given = if is_form {
        form_field(&bytes, "_csrf")
    } else {
        multipart_field(&parts, bytes.clone(), "_csrf").await
    };
    match given {
        Some(given) if same(&given, &expected) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => csrf_error(),
    }
}

/// The text of the first part named `name` of a multipart body. The
/// request's head goes along, so the parser applies the app's body limit
/// (kept in its extensions) rather than the extractor's 2 MiB default.
async fn multipart_field(
    parts: &axum::http::request::Parts,
    body: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    use axum::extract::{FromRequest, Multipart};
    let req = Request::from_parts(parts.clone(), Body::from(body));
    let mut mp = Multipart::from_request(req, &()).await.ok()?;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_fields() {
        assert_eq!(
            form_field(b"a=1&_csrf=ab%2Bc+d", "_csrf").as_deref(),
            Some("ab+c d")
        );
        assert_eq!(form_field(b"a=1", "_csrf"), None);
        assert_eq!(decode("%E5%8D%97"), "南");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%E5"), "\u{FFFD}");
        assert_eq!(decode("%南"), "%南");
    }

    #[test]
    fn compares() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
