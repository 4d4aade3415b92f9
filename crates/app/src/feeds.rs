//! Feeds as a data source: setting an account's feed, reading a fetched
//! document (RSS, Atom or JSON Feed, with the maintained `feed-rs` parser)
//! into posts, and recording each poll — new entries go through the same
//! ingest as every other source (idempotent, scanned, provenance `feed`),
//! a success covers the account, a failure counts towards a broken feed.

use crate::Caller;
use crate::monitoring_ingest::{IngestOutcome, ingest_posts};
use chrono::{DateTime, Utc};
use govmedia_domain::AccountId;
use govmedia_domain::auth::{Permission, Scope};
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::monitoring::feeds::{
    FeedError, FeedHealth, FeedSettings, check_url, next_poll,
};
use govmedia_domain::monitoring::ingest::{ItemError, MAX_ITEMS, RawPost};
use govmedia_scan::Scanner;
use govmedia_store::feeds::{FeedView, PollSuccess};
use govmedia_store::{Store, StoreError, StoreResult};

fn scope_for_feeds(c: Caller<'_>) -> StoreResult<Scope> {
    match c.principal.scope(Permission::MonitoringIngest) {
        Scope::Denied => Err(StoreError::forbidden("无权设置订阅源")),
        s => Ok(s),
    }
}

/// Sets an account's feed URL: who may feed data in, within their scope.
pub async fn set_feed(
    store: &Store,
    c: Caller<'_>,
    account: AccountId,
    url: &str,
) -> StoreResult<FeedView> {
    let scope = scope_for_feeds(c)?;
    let url = check_url(url).map_err(|e| StoreError::invalid(e.code, e.message))?;
    store.set_feed(&scope, c.actor, account, &url).await
}

pub async fn remove_feed(store: &Store, c: Caller<'_>, account: AccountId) -> StoreResult<()> {
    let scope = scope_for_feeds(c)?;
    store.remove_feed(&scope, c.actor, account).await
}

/// A feed with its health, as the 数据源 list and the API show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedItem {
    #[serde(flatten)]
    pub feed: FeedView,
    pub health: FeedHealth,
}

pub fn item(settings: &FeedSettings, feed: FeedView) -> FeedItem {
    FeedItem {
        health: FeedHealth::of(settings, feed.failures, feed.last_polled_at.is_some()),
        feed,
    }
}

/// The feeds of the reader's scope, the most failures first.
pub async fn feed_list(
    store: &Store,
    principal: &govmedia_domain::auth::Principal,
    settings: &FeedSettings,
    f: &govmedia_store::monitoring_lists::MonitorFilter,
) -> StoreResult<Vec<FeedItem>> {
    let scope = principal.scope(Permission::AccountRead);
    if let Some(o) = f.org {
        store.org_scoped(&scope, o).await?;
    }
    Ok(store
        .feeds(&scope, f)
        .await?
        .into_iter()
        .map(|x| item(settings, x))
        .collect())
}

/// Text without markup: tags dropped (script and style with their
/// content), the common entities decoded, whitespace runs folded.
pub fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag = &rest[i..];
        // `a < b` is text: a tag starts with a letter, `/` or `!`.
        if !tag[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!')
        {
            out.push('<');
            rest = &tag[1..];
            continue;
        }
        let lower: String = tag.chars().take(8).collect::<String>().to_ascii_lowercase();
        let skip_to = ["script", "style"]
            .iter()
            .find(|t| lower.starts_with(&format!("<{t}")))
            .and_then(|t| {
                tag.to_ascii_lowercase()
                    .find(&format!("</{t}"))
                    .map(|e| e + t.len() + 2)
            });
        let after = match skip_to {
            Some(e) => tag[e..].find('>').map(|j| e + j + 1),
            None => tag.find('>').map(|j| j + 1),
        };
        match after {
            Some(a) => {
                out.push(' ');
                rest = &tag[a..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(j, _)| j);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The entries of a feed document as posts of `account`, newest first,
/// at most [`MAX_ITEMS`]. A document that is not a feed (an HTML page, an
/// error text, garbage) is refused whole.
pub fn parse_feed(bytes: &[u8], account: AccountId) -> Result<Vec<RawPost>, FeedError> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| {
        let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(60)])
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        FeedError::new(
            "not_a_feed",
            format!("返回的内容不是 RSS/Atom 订阅源（{e}；开头为“{head}”）"),
        )
    })?;
    let mut entries = feed.entries;
    entries.sort_by_key(|e| std::cmp::Reverse(e.published.or(e.updated)));
    entries.truncate(MAX_ITEMS);
    Ok(entries
        .into_iter()
        .map(|e| {
            let text = e
                .content
                .and_then(|c| c.body)
                .or_else(|| e.summary.map(|s| s.content))
                .map(|t| strip_html(&t));
            RawPost {
                account_id: Some(account.0),
                platform_post_id: Some(e.id),
                published_at: e.published.or(e.updated).map(|t| t.to_rfc3339()),
                title: e.title.map(|t| strip_html(&t.content)),
                text,
                url: e.links.into_iter().next().map(|l| l.href),
                kind: Some("original".into()),
                ..Default::default()
            }
        })
        .collect())
}

/// What fetching a feed gave.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: nothing changed since the validators we sent.
    NotModified,
    Document {
        bytes: Vec<u8>,
        etag: String,
        last_modified: String,
    },
}

/// What one poll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollResult {
    /// Entries read (created, updated, unchanged, rejected).
    Ok {
        created: usize,
        updated: usize,
        rejected: usize,
    },
    NotModified,
    Failed(FeedError),
}

/// Records one poll of `feed`: the entries through the ingest service,
/// the feed's health, its validators and its next poll.
pub async fn record_poll(
    store: &Store,
    scanner: &Scanner,
    settings: &FeedSettings,
    feed: &FeedView,
    fetched: Result<Fetched, FeedError>,
    now: DateTime<Utc>,
) -> StoreResult<PollResult> {
    let doc = fetched.and_then(|f| match f {
        Fetched::NotModified => Ok(None),
        Fetched::Document {
            bytes,
            etag,
            last_modified,
        } => parse_feed(&bytes, feed.account_id).map(|items| Some((items, etag, last_modified))),
    });
    match doc {
        Err(e) => {
            let failures = feed.failures.saturating_add(1);
            store
                .feed_failed(feed, e.code, &e.message, next_poll(settings, now, failures))
                .await?;
            Ok(PollResult::Failed(e))
        }
        Ok(None) => {
            let ok = PollSuccess {
                etag: feed.etag.clone(),
                last_modified: feed.last_modified.clone(),
                items: 0,
            };
            store
                .feed_succeeded(feed, &ok, next_poll(settings, now, 0))
                .await?;
            Ok(PollResult::NotModified)
        }
        Ok(Some((items, etag, last_modified))) => {
            let n = items.len() as i64;
            let (actor, principal) = crate::operator();
            let raws: Vec<Result<RawPost, ItemError>> = items.into_iter().map(Ok).collect();
            let o: IngestOutcome = ingest_posts(
                store,
                scanner,
                Caller {
                    actor: &actor,
                    principal: &principal,
                },
                Provenance::Feed,
                raws,
                false,
            )
            .await?;
            use govmedia_domain::monitoring::ingest::ItemStatus;
            let ok = PollSuccess {
                etag,
                last_modified,
                items: n,
            };
            store
                .feed_succeeded(feed, &ok, next_poll(settings, now, 0))
                .await?;
            Ok(PollResult::Ok {
                created: o.count(ItemStatus::Created),
                updated: o.count(ItemStatus::Updated),
                rejected: o.count(ItemStatus::Rejected),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_dropped_and_entities_decoded() {
        assert_eq!(
            strip_html(
                "<p>参保&amp;缴费</p><script>alert(1)</script><b>指南</b>&#20013;&#x6587;&nbsp;x"
            ),
            "参保&缴费 指南 中文 x"
        );
        assert_eq!(strip_html("a < b & c"), "a < b & c");
        assert_eq!(strip_html("未闭合<b"), "未闭合");
    }

    #[test]
    fn rss_and_atom_become_posts_and_html_is_refused() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>江西人社</title>
<item><title>社保卡办理指南</title><link>http://bridge/1</link><guid>wb-1</guid><pubDate>Mon, 02 Mar 2026 09:00:00 +0800</pubDate><description>&lt;p&gt;参保人员可在线申领。&lt;/p&gt;</description></item>
<item><title>无日期</title><guid>wb-2</guid></item></channel></rss>"#;
        let posts = parse_feed(rss.as_bytes(), AccountId(7)).unwrap();
        assert_eq!(posts.len(), 2);
        let p = &posts[0];
        assert_eq!(p.platform_post_id.as_deref(), Some("wb-1"));
        assert_eq!(p.published_at.as_deref(), Some("2026-03-02T01:00:00+00:00"));
        assert_eq!(p.text.as_deref(), Some("参保人员可在线申领。"));
        assert_eq!(p.url.as_deref(), Some("http://bridge/1"));
        assert_eq!(p.account_id, Some(7));
        // The entry without a date goes to the ingest, which rejects it.
        assert_eq!(posts[1].published_at, None);

        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id><updated>2026-03-02T09:00:00+08:00</updated>
<entry><title>标题</title><id>a-1</id><updated>2026-03-02T09:00:00+08:00</updated><content type="html">正文</content></entry></feed>"#;
        let posts = parse_feed(atom.as_bytes(), AccountId(7)).unwrap();
        assert_eq!(posts[0].title.as_deref(), Some("标题"));

        for bad in [
            "<!DOCTYPE html><html><body>登录</body></html>",
            "Internal Server Error",
            "\u{0}\u{1}garbage",
        ] {
            assert_eq!(
                parse_feed(bad.as_bytes(), AccountId(7)).unwrap_err().code,
                "not_a_feed",
                "{bad}"
            );
        }
    }
}
