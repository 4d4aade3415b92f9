//! Links: URLs with or without a scheme. Government domains (`.gov.cn`)
//! and a configurable allowlist pass; every other domain is reported for
//! review (article 12: no links to advertising pages).

/// A URL found in the text: byte span and its host (lowercase).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkMatch {
    pub start: usize,
    pub end: usize,
    pub host: String,
}

const TLDS: &[&str] = &[
    "cn", "com", "net", "org", "info", "top", "xyz", "io", "cc", "me", "tv", "vip", "shop", "club",
    "site", "online", "biz", "edu", "gov", "app", "link", "co", "hk", "tw", "mo",
];

fn url_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'*+,;=%".contains(&c)
}

fn host_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'.'
}

/// Finds URLs: `http(s)://…`, `www.…`, or a bare `name.tld/…`.
pub fn detect(text: &str) -> Vec<LinkMatch> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] >= 0x80 {
            i = crate::bytes::next_ascii(b, i);
            continue;
        }
        if !b[i].is_ascii_alphanumeric() || (i > 0 && (host_char(b[i - 1]) || b[i - 1] == b'@')) {
            i += 1;
            continue;
        }
        let lower_starts = |p: &str| {
            b.len() - i >= p.len() && b[i..i + p.len()].eq_ignore_ascii_case(p.as_bytes())
        };
        let host_start = if lower_starts("https://") {
            i + 8
        } else if lower_starts("http://") {
            i + 7
        } else {
            i
        };
        let mut h = host_start;
        while h < b.len() && host_char(b[h]) {
            h += 1;
        }
        let mut host_end = h;
        while host_end > host_start && b[host_end - 1] == b'.' {
            host_end -= 1;
        }
        let host = text[host_start..host_end].to_ascii_lowercase();
        let has_scheme = host_start != i;
        let tld_ok = host.rsplit('.').next().is_some_and(|t| TLDS.contains(&t))
            && host.contains('.')
            && !host.starts_with('.')
            && host.split('.').all(|l| !l.is_empty());
        // An e-mail address is not a link.
        let followed_by_at = host_end < b.len() && b[host_end] == b'@';
        if host.is_empty() || followed_by_at || !(tld_ok || (has_scheme && host.contains('.'))) {
            i = h.max(i + 1);
            continue;
        }
        // A bare name needs letters in its last label (not "1.5").
        if !has_scheme
            && !host
                .rsplit('.')
                .next()
                .is_some_and(|t| t.bytes().all(|c| c.is_ascii_alphabetic()))
        {
            i = h.max(i + 1);
            continue;
        }
        let mut end = host_end;
        if end < b.len() && (b[end] == b'/' || b[end] == b':' || b[end] == b'?') {
            while end < b.len() && url_char(b[end]) {
                end += 1;
            }
            while end > host_end
                && matches!(
                    b[end - 1],
                    b'.' | b',' | b';' | b':' | b'!' | b'?' | b')' | b']' | b'\''
                )
            {
                end -= 1;
            }
        }
        out.push(LinkMatch {
            start: i,
            end,
            host,
        });
        i = end.max(i + 1);
    }
    out
}

/// Whether a host passes: a government domain or on the allowlist
/// (the domain itself or any subdomain of it).
pub fn host_allowed(host: &str, allowlist: &[String]) -> bool {
    let under = |d: &str| host == d || host.ends_with(&format!(".{d}"));
    under("gov.cn")
        || allowlist.iter().any(|d| {
            under(
                d.trim()
                    .trim_start_matches('.')
                    .to_ascii_lowercase()
                    .as_str(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(t: &str) -> Vec<(String, &str)> {
        detect(t)
            .into_iter()
            .map(|m| (m.host, &t[m.start..m.end]))
            .collect()
    }

    #[test]
    fn finds_urls() {
        assert_eq!(
            hosts("见https://www.jiangxi.gov.cn/a?b=1。"),
            vec![(
                "www.jiangxi.gov.cn".into(),
                "https://www.jiangxi.gov.cn/a?b=1"
            )]
        );
        assert_eq!(
            hosts("访问 www.example.com/x, 谢谢"),
            vec![("www.example.com".into(), "www.example.com/x")]
        );
        assert_eq!(
            hosts("shop.taobao.com"),
            vec![("shop.taobao.com".into(), "shop.taobao.com")]
        );
        assert!(hosts("版本1.5发布，邮箱a@b.com").is_empty());
        assert!(hosts("file.txt").is_empty());
    }

    #[test]
    fn allowlist() {
        assert!(host_allowed("www.jiangxi.gov.cn", &[]));
        assert!(host_allowed("gov.cn", &[]));
        assert!(!host_allowed("fakegov.cn", &[]));
        assert!(host_allowed("www.people.com.cn", &["people.com.cn".into()]));
        assert!(!host_allowed(
            "evilpeople.com.cn",
            &["people.com.cn".into()]
        ));
    }
}
