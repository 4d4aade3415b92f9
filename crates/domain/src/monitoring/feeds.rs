//! Feeds (RSS/Atom, as produced by a feed bridge inside the network):
//! which URLs are accepted, when a feed is polled next (backing off after
//! failures), and when a failing feed counts as broken — one alert when it
//! breaks, cleared when it recovers, never one per failure.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// How feeds are polled (configuration, `[web.monitoring.feeds]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeedSettings {
    /// A healthy feed is polled this often.
    pub interval_minutes: u32,
    /// A feed is broken after this many failed polls in a row.
    pub broken_after: u32,
    /// Back-off after failures doubles the interval up to this.
    pub max_backoff_minutes: u32,
    /// One poll (connect, answer and body) may take this long.
    pub timeout_seconds: u32,
    /// A feed document larger than this is refused.
    pub max_bytes: usize,
    /// Feeds polled at most per job run.
    pub batch: u32,
}

impl Default for FeedSettings {
    fn default() -> Self {
        FeedSettings {
            interval_minutes: 60,
            broken_after: 3,
            max_backoff_minutes: 24 * 60,
            timeout_seconds: 20,
            max_bytes: 10 * 1024 * 1024,
            batch: 200,
        }
    }
}

/// Why a poll failed: a stable code for the API, a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedError {
    pub code: &'static str,
    pub message: String,
}

impl FeedError {
    pub fn new(code: &'static str, message: impl Into<String>) -> FeedError {
        FeedError {
            code,
            message: message.into(),
        }
    }
}

/// The longest feed URL accepted.
pub const MAX_URL: usize = 2000;

/// A feed URL must be `http://host[:port]/path`: the bridge inside the
/// network serves plain HTTP; HTTPS needs a TLS stack and certificates the
/// intranet CA issues, which this version does not carry.
pub fn check_url(url: &str) -> Result<String, FeedError> {
    let u = url.trim();
    let bad = |m: &str| Err(FeedError::new("invalid_feed_url", m));
    if u.is_empty() {
        return bad("订阅源地址不能为空");
    }
    if u.len() > MAX_URL {
        return bad("订阅源地址过长");
    }
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("订阅源地址不能含空格或控制字符");
    }
    if u.get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        return Err(FeedError::new(
            "unsupported_scheme",
            "暂不支持 https 订阅源，请使用内网订阅桥接服务的 http 地址",
        ));
    }
    let Some(rest) = u
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .map(|_| &u[7..])
    else {
        return bad("订阅源地址须以 http:// 开头");
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') {
        return bad("订阅源地址缺少主机名");
    }
    Ok(u.to_string())
}

/// When to poll next: the interval after a success; after `failures`
/// failures in a row, the interval doubled per failure up to the maximum.
pub fn next_poll(s: &FeedSettings, now: DateTime<Utc>, failures: u32) -> DateTime<Utc> {
    let base = i64::from(s.interval_minutes.max(1));
    let minutes = if failures == 0 {
        base
    } else {
        let factor = 1_i64 << failures.min(20);
        (base.saturating_mul(factor)).min(i64::from(s.max_backoff_minutes.max(1)))
    };
    now + TimeDelta::minutes(minutes)
}

/// The health of a feed as its list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedHealth {
    /// Not polled yet.
    New,
    Ok,
    /// Failed lately, not yet broken.
    Failing,
    Broken,
}

impl FeedHealth {
    pub fn of(s: &FeedSettings, failures: u32, ever_polled: bool) -> FeedHealth {
        if !ever_polled {
            FeedHealth::New
        } else if failures == 0 {
            FeedHealth::Ok
        } else if failures < s.broken_after.max(1) {
            FeedHealth::Failing
        } else {
            FeedHealth::Broken
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FeedHealth::New => "new",
            FeedHealth::Ok => "ok",
            FeedHealth::Failing => "failing",
            FeedHealth::Broken => "broken",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FeedHealth::New => "待采集",
            FeedHealth::Ok => "正常",
            FeedHealth::Failing => "采集失败",
            FeedHealth::Broken => "中断",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_plain_http_with_a_host() {
        assert_eq!(
            check_url(" http://bridge.gov.local:8080/wb/123.xml ").unwrap(),
            "http://bridge.gov.local:8080/wb/123.xml"
        );
        assert_eq!(check_url("HTTP://10.1.2.3/f").unwrap(), "HTTP://10.1.2.3/f");
        for (u, code) in [
            ("", "invalid_feed_url"),
            ("ftp://x/f", "invalid_feed_url"),
            ("http:///f", "invalid_feed_url"),
            ("http://user@host/f", "invalid_feed_url"),
            ("http://a b/f", "invalid_feed_url"),
            ("https://x/f", "unsupported_scheme"),
        ] {
            assert_eq!(check_url(u).unwrap_err().code, code, "{u}");
        }
        assert!(check_url(&format!("http://h/{}", "a".repeat(MAX_URL))).is_err());
    }

    #[test]
    fn polls_back_off_after_failures_up_to_the_maximum() {
        let s = FeedSettings::default();
        let now = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(next_poll(&s, now, 0) - now, TimeDelta::minutes(60));
        assert_eq!(next_poll(&s, now, 1) - now, TimeDelta::minutes(120));
        assert_eq!(next_poll(&s, now, 3) - now, TimeDelta::minutes(480));
        assert_eq!(next_poll(&s, now, 10) - now, TimeDelta::minutes(1440));
        assert_eq!(next_poll(&s, now, 1000) - now, TimeDelta::minutes(1440));
    }

    #[test]
    fn a_feed_breaks_after_failures_in_a_row() {
        let s = FeedSettings::default();
        assert_eq!(FeedHealth::of(&s, 0, false), FeedHealth::New);
        assert_eq!(FeedHealth::of(&s, 0, true), FeedHealth::Ok);
        assert_eq!(FeedHealth::of(&s, 2, true), FeedHealth::Failing);
        assert_eq!(FeedHealth::of(&s, 3, true), FeedHealth::Broken);
    }
}
