//! The scanner: compiled lexicon matchers plus the detectors.

use crate::attribution::{DEFAULT_APPROVED_SOURCES, approved, source_statement};
use crate::finding::{Finding, Kind, Severity, fill_char_offsets};
use crate::lexicon::{Entry, default_entries};
use crate::normalize::{MAX_NOISE, normalize, normalize_term};
use aho_corasick::{AhoCorasick, MatchKind};

#[derive(Debug, Clone)]
pub struct ScannerConfig {
    /// Domains whose links pass besides `.gov.cn`.
    pub link_allowlist: Vec<String>,
    /// Approved source units for reposts.
    pub approved_sources: Vec<String>,
    /// Plain exact term matching only: no normalization, no detectors.
    pub exact: bool,
}

impl Default for ScannerConfig {
    fn default() -> Self {
        ScannerConfig {
            link_allowlist: Vec::new(),
            approved_sources: DEFAULT_APPROVED_SOURCES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            exact: false,
        }
    }
}

/// Per-text options.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// The text is a repost: check its source statement.
    pub repost: bool,
    /// The source the caller declares for a repost.
    pub source: Option<String>,
    /// 惩戒公示/强制性信息披露: personal data is reported as `notice` and
    /// need not be masked.
    pub disclosure: bool,
}

pub struct Scanner {
    entries: Vec<Entry>,
    matcher: Option<AhoCorasick>,
    config: ScannerConfig,
}

impl Scanner {
    /// Compiles `entries` (plus the built-in lexicons when `defaults`).
    pub fn new(
        mut entries: Vec<Entry>,
        defaults: bool,
        config: ScannerConfig,
    ) -> Result<Scanner, String> {
        if defaults {
            let mut d = default_entries();
            d.append(&mut entries);
            entries = d;
        }
        let patterns: Vec<String> = entries
            .iter()
            .map(|e| {
                if config.exact {
                    e.term.clone()
                } else {
                    normalize_term(&e.term)
                }
            })
            .collect();
        let matcher = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| format!("词库编译失败：{e}"))?,
            )
        };
        Ok(Scanner {
            entries,
            matcher,
            config,
        })
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    fn entry_finding(&self, e: &Entry, start: usize, end: usize) -> Finding {
        Finding {
            kind: e.kind,
            subkind: None,
            rule: e.term.clone(),
            category: e.category.clone(),
            severity: e.severity,
            start,
            end,
            char_start: 0,
            char_end: 0,
            matched: String::new(),
            suggestion: e.suggestion.clone(),
        }
    }

    /// Scans one text.
    pub fn scan(&self, text: &str, opts: &ScanOptions) -> Vec<Finding> {
        let mut out = Vec::new();
        if let Some(m) = &self.matcher {
            if self.config.exact {
                for hit in m.find_overlapping_iter(text) {
                    out.push(self.entry_finding(
                        &self.entries[hit.pattern().as_usize()],
                        hit.start(),
                        hit.end(),
                    ));
                }
            } else {
                let n = normalize(text, true);
                for hit in m.find_overlapping_iter(&n.text) {
                    let (s, e) = (
                        n.byte_to_char[hit.start()] as usize,
                        n.byte_to_char[hit.end()] as usize,
                    );
                    if e <= s || n.gaps[s + 1..e].iter().any(|g| *g > MAX_NOISE) {
                        continue;
                    }
                    let start = n.spans[s].0 as usize;
                    let end = n.spans[e - 1].1 as usize;
                    out.push(self.entry_finding(
                        &self.entries[hit.pattern().as_usize()],
                        start,
                        end,
                    ));
                }
            }
        }
        if !self.config.exact {
            self.detectors(text, opts, &mut out);
        }
        out.sort_by_key(|f| (f.start, f.end, f.kind));
        out.dedup_by(|a, b| {
            a.start == b.start && a.end == b.end && a.kind == b.kind && a.rule == b.rule
        });
        fill_char_offsets(text, &mut out);
        out
    }

    fn detectors(&self, text: &str, opts: &ScanOptions, out: &mut Vec<Finding>) {
        let bare = |kind, subkind, rule: &str, category: &str, severity, start, end| Finding {
            kind,
            subkind,
            rule: rule.into(),
            category: category.into(),
            severity,
            start,
            end,
            char_start: 0,
            char_end: 0,
            matched: String::new(),
            suggestion: None,
        };
        for m in crate::pii::detect(text) {
            let severity = if opts.disclosure {
                Severity::Notice
            } else {
                Severity::Block
            };
            let suggestion =
                (!opts.disclosure).then(|| crate::mask::mask_item(&m, &text[m.start..m.end]));
            let mut f = bare(
                Kind::Pii,
                Some(m.subkind),
                m.subkind,
                "personal_data",
                severity,
                m.start,
                m.end,
            );
            f.suggestion = suggestion;
            out.push(f);
        }
        for l in crate::links::detect(text) {
            if !crate::links::host_allowed(&l.host, &self.config.link_allowlist) {
                out.push(bare(
                    Kind::Link,
                    None,
                    "external_link",
                    "link",
                    Severity::Review,
                    l.start,
                    l.end,
                ));
            }
        }
        for (s, e) in star_markings(text) {
            out.push(bare(
                Kind::SecretMarker,
                None,
                "classification_star",
                "secret",
                Severity::Block,
                s,
                e,
            ));
        }
        for (s, e) in priced_offers(text) {
            out.push(bare(
                Kind::Advert,
                None,
                "price_with_call_to_buy",
                "advert",
                Severity::Review,
                s,
                e,
            ));
        }
        if opts.repost {
            match source_statement(text) {
                None => out.push(bare(
                    Kind::Attribution,
                    Some("missing_source"),
                    "missing_source",
                    "repost",
                    Severity::Review,
                    0,
                    0,
                )),
                Some((s, e, name)) => {
                    if !approved(&name, &self.config.approved_sources) {
                        out.push(bare(
                            Kind::Attribution,
                            Some("unapproved_source"),
                            "unapproved_source",
                            "repost",
                            Severity::Review,
                            s,
                            e,
                        ));
                    }
                }
            }
            if let Some(declared) = opts.source.as_deref().filter(|s| !s.trim().is_empty())
                && !approved(declared, &self.config.approved_sources)
            {
                out.push(bare(
                    Kind::Attribution,
                    Some("unapproved_source"),
                    "declared_source",
                    "repost",
                    Severity::Review,
                    0,
                    0,
                ));
            }
        }
    }
}

/// 绝密★ / 机密★ / 秘密★, with an optional period (★10年, ★长期).
fn star_markings(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for level in ["绝密", "机密", "秘密"] {
        for (p, _) in text.match_indices(level) {
            let rest = &text[p + level.len()..];
            let after_space = rest.trim_start_matches([' ', '\u{3000}']);
            let Some(star) = after_space
                .chars()
                .next()
                .filter(|c| matches!(c, '★' | '☆' | '*' | '＊'))
            else {
                continue;
            };
            let mut end = p + level.len() + (rest.len() - after_space.len()) + star.len_utf8();
            let tail = &text[end..];
            let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && tail[digits..].starts_with('年') {
                end += digits + '年'.len_utf8();
            } else if tail.starts_with("长期") {
                end += "长期".len();
            }
            out.push((p, end));
        }
    }
    out
}

/// A price (¥99, 99元) within a short distance of a call to buy.
fn priced_offers(text: &str) -> Vec<(usize, usize)> {
    const CALLS: &[&str] = &[
        "购买",
        "下单",
        "抢购",
        "订购",
        "团购",
        "拍下",
        "包邮",
        "优惠价",
        "到手价",
        "仅需",
        "只要",
    ];
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let yen_len = ['¥', '￥']
            .into_iter()
            .find(|c| text[i..].starts_with(*c))
            .map(char::len_utf8);
        let yen = yen_len.is_some();
        if yen || b[i].is_ascii_digit() {
            let start = i;
            let mut j = i + yen_len.unwrap_or(0);
            let d0 = j;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                j += 1;
            }
            let has_digits = j > d0;
            let unit = text[j..].starts_with('元');
            if has_digits && (yen || unit) {
                let end = if unit { j + '元'.len_utf8() } else { j };
                let lo = text.floor_char_boundary(start.saturating_sub(30));
                let hi = text.ceil_char_boundary((end + 30).min(text.len()));
                if CALLS.iter().any(|c| text[lo..hi].contains(c)) {
                    out.push((start, end));
                }
                i = end;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
        while i < b.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::parse_lexicon;

    fn scanner(lex: &str) -> Scanner {
        Scanner::new(
            parse_lexicon(lex, "t").unwrap(),
            true,
            ScannerConfig::default(),
        )
        .unwrap()
    }

    fn kinds(fs: &[Finding]) -> Vec<(&'static str, String)> {
        fs.iter()
            .map(|f| (f.kind.code(), f.matched.clone()))
            .collect()
    }

    #[test]
    fn evasion_does_not_hide_terms() {
        let s = scanner("敏感词\tpolitics\tblock\n");
        for t in [
            "这是敏感词。",
            "这是敏 感 词",
            "这是敏*感-词",
            "这是敏·感|词",
            "这是敏\u{200B}感词",
            "这是敏😀感词",
            "这是敏感詞",
        ] {
            let f = s.scan(t, &ScanOptions::default());
            assert_eq!(f.len(), 1, "{t}: {f:?}");
            assert!(f[0].matched.starts_with('敏'), "{t}");
            assert!(
                f[0].matched.ends_with('词') || f[0].matched.ends_with('詞'),
                "{t}"
            );
        }
        assert!(
            s.scan("敏感。词", &ScanOptions::default()).is_empty(),
            "sentence break"
        );
        assert!(
            s.scan("敏****感词", &ScanOptions::default()).is_empty(),
            "too much noise"
        );
    }

    #[test]
    fn detectors_fire() {
        let s = scanner("");
        let t =
            "警钟常鸣！联系13812345678，加微信购买仅需99元，详见www.shop.com。绝密★10年 内部资料";
        let f = s.scan(t, &ScanOptions::default());
        let k = kinds(&f);
        assert!(k.contains(&("correction", "警钟常鸣".into())), "{k:?}");
        assert!(k.contains(&("pii", "13812345678".into())));
        assert!(k.contains(&("advert", "加微信".into())));
        assert!(k.contains(&("advert", "99元".into())));
        assert!(k.contains(&("link", "www.shop.com".into())));
        assert!(k.contains(&("secret_marker", "绝密★10年".into())));
        assert!(k.contains(&("secret_marker", "内部资料".into())));
        let c = f.iter().find(|x| x.kind == Kind::Correction).unwrap();
        assert_eq!(c.suggestion.as_deref(), Some("警钟长鸣"));
        assert_eq!((c.char_start, c.char_end), (0, 4));
    }

    #[test]
    fn disclosure_and_reposts() {
        let s = scanner("");
        let f = s.scan(
            "被执行人13812345678",
            &ScanOptions {
                disclosure: true,
                ..Default::default()
            },
        );
        assert_eq!(f[0].severity, Severity::Notice);
        let f = s.scan(
            "好文章",
            &ScanOptions {
                repost: true,
                ..Default::default()
            },
        );
        assert_eq!(f[0].subkind, Some("missing_source"));
        let f = s.scan(
            "来源：某自媒体",
            &ScanOptions {
                repost: true,
                ..Default::default()
            },
        );
        assert_eq!(f[0].subkind, Some("unapproved_source"));
        assert_eq!(f[0].matched, "某自媒体");
        assert!(
            s.scan(
                "来源：新华社",
                &ScanOptions {
                    repost: true,
                    ..Default::default()
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn exact_mode_matches_literally() {
        let s = Scanner::new(
            parse_lexicon("敏感词\n", "t").unwrap(),
            false,
            ScannerConfig {
                exact: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            s.scan("敏感词 敏 感词 13812345678", &ScanOptions::default())
                .len(),
            1
        );
    }

    #[test]
    fn gov_links_pass() {
        let s = scanner("");
        assert!(
            s.scan("详见 https://rst.jiangxi.gov.cn/x", &ScanOptions::default())
                .is_empty()
        );
    }
}
