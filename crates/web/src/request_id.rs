//! Every request gets an id: taken from a well-formed `x-request-id` a
//! proxy set, or made here. It is returned in the `x-request-id` header,
//! written on the request's log line and shown on error pages, so an
//! officer's report can be matched with the log.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being handled, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// The request id, also kept in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Accepts a proxy's id only when it is short and plain.
fn well_formed(v: &str) -> bool {
    (8..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn fresh() -> String {
    format!("r{}", govmedia_store::secrets::random_token(12))
}

pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| well_formed(v))
        .map(str::to_string)
        .unwrap_or_else(fresh);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = CURRENT.scope(id.clone(), next.run(req)).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_are_taken_over() {
        assert!(well_formed("abcd-1234_EF"));
        assert!(!well_formed("short"));
        assert!(!well_formed("has space in it"));
        assert!(!well_formed(&"x".repeat(65)));
        let f = fresh();
        assert!(well_formed(&f) && f.len() == 25);
    }
}
