//! Fetching a feed over HTTP with conditional GET: the validators of the
//! last success are sent (If-None-Match, If-Modified-Since), a 304 means
//! nothing changed, redirects are followed a few hops, and the whole poll
//! (connect, answer, body) is bounded in time and size.

use govmedia_app::feeds::Fetched;
use govmedia_domain::monitoring::feeds::{FeedError, FeedSettings, check_url};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::{Request, StatusCode, Uri, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 3;

pub type HttpClient = Client<HttpConnector, Empty<Bytes>>;

pub fn client(s: &FeedSettings) -> HttpClient {
    let mut c = HttpConnector::new();
    c.set_connect_timeout(Some(Duration::from_secs(u64::from(
        s.timeout_seconds.max(1),
    ))));
    Client::builder(TokioExecutor::new()).build(c)
}

fn header_text(h: &header::HeaderMap, name: header::HeaderName) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn fetch_once(
    client: &HttpClient,
    s: &FeedSettings,
    url: &str,
    etag: &str,
    last_modified: &str,
) -> Result<Result<Fetched, String>, FeedError> {
    let uri: Uri = url
        .parse()
        .map_err(|_| FeedError::new("invalid_feed_url", "订阅源地址无法解析"))?;
    let mut req = Request::get(uri)
        .header(header::USER_AGENT, "govmedia-feed/1")
        .header(
            header::ACCEPT,
            "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.1",
        );
    if !etag.is_empty() {
        req = req.header(header::IF_NONE_MATCH, etag);
    }
    if !last_modified.is_empty() {
        req = req.header(header::IF_MODIFIED_SINCE, last_modified);
    }
    let req = req
        .body(Empty::new())
        .map_err(|_| FeedError::new("invalid_feed_url", "订阅源地址无法用于请求"))?;
    let resp = client
        .request(req)
        .await
        .map_err(|e| FeedError::new("connect_failed", format!("无法连接订阅源：{e}")))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Ok(Fetched::NotModified));
    }
    if status.is_redirection() {
        let to = header_text(&headers, header::LOCATION);
        return Ok(Err(to));
    }
    if !status.is_success() {
        return Err(FeedError::new(
            "http_status",
            format!("订阅源返回 HTTP {}", status.as_u16()),
        ));
    }
    let body = Limited::new(resp.into_body(), s.max_bytes)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                FeedError::new(
                    "feed_too_large",
                    format!("订阅源内容超过 {} 字节", s.max_bytes),
                )
            } else {
                FeedError::new("read_failed", format!("读取订阅源内容失败：{e}"))
            }
        })?
        .to_bytes();
    Ok(Ok(Fetched::Document {
        bytes: body.to_vec(),
        etag: header_text(&headers, header::ETAG),
        last_modified: header_text(&headers, header::LAST_MODIFIED),
    }))
}

/// Fetches `url`, sending the validators of the last success.
pub async fn fetch(
    client: &HttpClient,
    s: &FeedSettings,
    url: &str,
    etag: &str,
    last_modified: &str,
) -> Result<Fetched, FeedError> {
    let limit = Duration::from_secs(u64::from(s.timeout_seconds.max(1)));
    let work = async {
        let mut url = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            match fetch_once(client, s, &url, etag, last_modified).await? {
                Ok(f) => return Ok(f),
                Err(location) => {
                    let next = if location.starts_with('/') {
                        let base: Uri = url.parse().map_err(|_| {
                            FeedError::new("invalid_feed_url", "订阅源地址无法解析")
                        })?;
                        format!(
                            "http://{}{location}",
                            base.authority().map(|a| a.as_str()).unwrap_or_default()
                        )
                    } else {
                        location
                    };
                    url = check_url(&next).map_err(|e| {
                        FeedError::new(
                            "bad_redirect",
                            format!("订阅源重定向到不可用的地址：{}", e.message),
                        )
                    })?;
                }
            }
        }
        Err(FeedError::new("too_many_redirects", "订阅源重定向次数过多"))
    };
    tokio::time::timeout(limit, work).await.unwrap_or_else(|_| {
        Err(FeedError::new(
            "timeout",
            format!("订阅源 {} 秒内没有答复", limit.as_secs()),
        ))
    })
}
