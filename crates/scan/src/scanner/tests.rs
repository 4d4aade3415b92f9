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
        .map(|f| (f.kind.code(), f.matched.to_string()))
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
    let t = "警钟常鸣！联系13812345678，加微信购买仅需99元，详见www.shop.com。绝密★10年 内部资料";
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
    assert_eq!(c.suggestion().as_deref(), Some("警钟长鸣"));
    let p = f.iter().find(|x| x.kind == Kind::Pii).unwrap();
    assert_eq!(p.suggestion().as_deref(), Some("138****5678"));
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
    assert_eq!(f[0].suggestion(), None, "disclosed data is not masked");
    let f = s.scan(
        "好文章",
        &ScanOptions {
            repost: true,
            ..Default::default()
        },
    );
    assert_eq!(f[0].subkind(), Some("missing_source"));
    let f = s.scan(
        "来源：某自媒体",
        &ScanOptions {
            repost: true,
            ..Default::default()
        },
    );
    assert_eq!(f[0].subkind(), Some("unapproved_source"));
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

/// Findings made the plain way: for every match, every rule whose
/// term folds to the matched pattern (found by folding every term
/// again, not from the scanner's grouping), then sorted, deduplicated
/// and given character offsets.
fn reference<'a>(s: &'a Scanner, text: &'a str, opts: &ScanOptions) -> Vec<Finding<'a>> {
    let all = s.rules.range(0, s.rules.len() as u32);
    let mut out = Vec::new();
    s.lexicon_hits(text, |h, info, _| {
        let pattern = normalize_term(s.rules.get(info.first()).name());
        for r in all.iter().filter(|r| normalize_term(r.name()) == pattern) {
            out.push(Finding::new(r, h.start as usize, h.end as usize));
        }
    });
    if !s.config.exact {
        s.detectors(text, opts, &mut out);
    }
    sort_and_dedup(&mut out);
    fill_char_offsets(text, &mut out);
    out
}

proptest::proptest! {
    /// Overlapping terms, terms folding to one pattern with different
    /// kinds, a term spanning an e-mail address: scan() merges hits and
    /// detector findings into exactly the plain order.
    #[test]
    fn scan_orders_findings_as_sorting_all_would(
        text in "[敏感词詞购買买警钟常鸣长abcn@.。 *·0-9１３８元¥]{0,120}",
        repost in proptest::prelude::any::<bool>(),
        disclosure in proptest::prelude::any::<bool>(),
    ) {
        let s = scanner(
            "敏感词\tp\tblock\n敏感詞\tp2\treview\n感词\tq\tnotice\n购买\tadvert\treview\n\
             購買\tx\tblock\n警钟常鸣\tc\treview\t警钟长鸣\nab\tz\tblock\nabcn\tz\tblock\n",
        );
        let opts = ScanOptions { repost, disclosure, ..Default::default() };
        proptest::prop_assert_eq!(s.scan(&text, &opts), reference(&s, &text, &opts));
        // Patterns with several entries (敏感词/敏感詞) are counted alike.
        proptest::prop_assert_eq!(s.tally(&text, &opts), Tally::of(&s.scan(&text, &opts)));
    }
}

/// A lexicon of more distinct characters than 16-bit codes hold: the
/// characters past them are looked up, not lost.
#[test]
fn characters_beyond_sixteen_bit_codes_still_match() {
    // 65,536 astral characters, each twice (so they take the first
    // codes), then 甲 and 乙, whose codes no longer fit in 16 bits.
    let mut lex: String = (0x20000u32..0x30000)
        .filter_map(char::from_u32)
        .map(|c| format!("{c}{c}\tx\tnotice\n"))
        .collect();
    lex.push_str("甲乙\tp\tblock\n");
    let s = scanner(&lex);
    assert_eq!(s.codes['甲' as usize], WIDE);
    let f = s.scan("前甲乙后\u{20001}\u{20001}", &ScanOptions::default());
    assert_eq!(
        kinds(&f),
        [
            ("lexicon", "甲乙".into()),
            ("lexicon", "\u{20001}\u{20001}".into())
        ]
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
fn merge_keeps_order_and_drops_repeats() {
    let d = DetectorRules::new();
    let a = Finding::new(&d.external_link, 0, 3);
    let b = Finding::new(&d.classification_star, 5, 9);
    let c = Finding::new(&d.priced_offer, 2, 4);
    let e = Finding::new(&d.priced_offer, 9, 12);
    let mut out = vec![a, b];
    merge(&mut out, &[c, b, e]);
    assert_eq!(out, [a, c, b, e]);
    let mut out = vec![b];
    merge(&mut out, &[a]);
    assert_eq!(out, [a, b]);
}

#[test]
fn findings_are_compact() {
    assert!(std::mem::size_of::<Finding>() <= 48);
}

#[test]
fn gov_links_pass() {
    let s = scanner("");
    assert!(
        s.scan("详见 https://rst.jiangxi.gov.cn/x", &ScanOptions::default())
            .is_empty()
    );
}
