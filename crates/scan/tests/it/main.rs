//! Golden cases and property tests of the scanner.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use govmedia_scan::normalize::MAX_NOISE;
use govmedia_scan::{ScanOptions, Scanner, ScannerConfig, Tally, mask, parse_lexicon};
use proptest::prelude::*;

fn scanner() -> Scanner {
    Scanner::new(
        parse_lexicon("敏感词\tpolitics\tblock\n测试术语\ttest\treview\n", "t").unwrap(),
        true,
        ScannerConfig::default(),
    )
    .unwrap()
}

#[test]
fn golden_cases() {
    let s = scanner();
    let mut failures = Vec::new();
    for line in include_str!("golden.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (input, expected) = line.split_once('\t').unwrap_or((line, ""));
        let input = input.replace("\\n", "\n");
        let got: Vec<String> = s
            .scan(&input, &ScanOptions::default())
            .iter()
            .map(|f| match f.subkind() {
                Some(sk) => format!("{}/{}={}", f.kind.code(), sk, f.matched),
                None => format!("{}={}", f.kind.code(), f.matched),
            })
            .collect();
        let got = got.join(" | ");
        if got != expected.trim() {
            failures.push(format!(
                "{input}\n   expected: {expected}\n   got:      {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn long_terms_map_back_to_their_start() {
    let term: String = "政务新媒体管理".chars().cycle().take(100).collect();
    let s = Scanner::new(
        parse_lexicon(&format!("{term}\tt\tblock\n"), "t").unwrap(),
        false,
        ScannerConfig::default(),
    )
    .unwrap();
    let spaced: String = term.chars().flat_map(|c| [c, ' ']).collect();
    let text = format!("前文。{spaced}后文");
    let f = s.scan(&text, &ScanOptions::default());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].matched, spaced.trim_end());
    assert_eq!(f[0].char_start, 3);
}

#[test]
fn duplicate_and_folded_terms_each_report() {
    let s = Scanner::new(
        parse_lexicon(
            "敏感词\ta\tblock\n敏感詞\tb\treview\n敏感词\tc\tnotice\n",
            "t",
        )
        .unwrap(),
        false,
        ScannerConfig::default(),
    )
    .unwrap();
    assert_eq!(s.entry_count(), 2, "the repeated term is kept once");
    let f = s.scan("有敏感词", &ScanOptions::default());
    let rules: Vec<_> = f
        .iter()
        .map(|x| (x.rule.name(), x.rule.category()))
        .collect();
    assert_eq!(rules, vec![("敏感詞", "b"), ("敏感词", "a")]);
    assert_eq!(s.tally("有敏感词", &ScanOptions::default()).total(), 2);
}

#[test]
fn findings_serialize_every_field() {
    let s = scanner();
    let text = "甲：警钟常鸣，电话13812345678";
    let f = s.scan(text, &ScanOptions::default());
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"kind": "correction", "subkind": null, "rule": "警钟常鸣",
             "category": "wording", "severity": "review",
             "start": 6, "end": 18, "char_start": 2, "char_end": 6,
             "matched": "警钟常鸣", "suggestion": "警钟长鸣"},
            {"kind": "pii", "subkind": "mobile", "rule": "mobile",
             "category": "personal_data", "severity": "block",
             "start": 27, "end": 38, "char_start": 9, "char_end": 20,
             "matched": "13812345678", "suggestion": "138****5678"}
        ])
    );
}

fn noise() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(' '),
            Just('*'),
            Just('-'),
            Just('·'),
            Just('|'),
            Just('\u{200B}'),
            Just('😀'),
            Just('_')
        ],
        0..=MAX_NOISE as usize,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn random_text_never_panics_and_spans_are_sound(text in "\\PC{0,200}") {
        let s = scanner();
        for f in s.scan(&text, &ScanOptions { repost: true, ..Default::default() }) {
            let (start, end) = (f.span().start, f.span().end);
            prop_assert!(start <= end && end <= text.len());
            prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            prop_assert_eq!(&text[start..end], f.matched);
            prop_assert_eq!(text[..start].chars().count(), f.char_start as usize);
            prop_assert_eq!(text[..end].chars().count(), f.char_end as usize);
        }
        let _ = mask(&text);
    }

    #[test]
    fn tally_counts_what_scan_finds(text in "[敏感词測試测试术语警钟常鸣加微信购买仅需元¥0-9１３８ *·。@.a-z/:]{0,160}", repost in any::<bool>()) {
        let s = scanner();
        let opts = ScanOptions { repost, ..Default::default() };
        prop_assert_eq!(s.tally(&text, &opts), Tally::of(&s.scan(&text, &opts)));
    }

    #[test]
    fn noise_inside_a_term_never_hides_it(prefix in "[a-z一-龥]{0,10}", n1 in noise(), n2 in noise(), suffix in "[a-z一-龥]{0,10}") {
        let s = scanner();
        let text = format!("{prefix}。敏{n1}感{n2}词。{suffix}");
        let f = s.scan(&text, &ScanOptions::default());
        prop_assert!(f.iter().any(|x| x.rule.name() == "敏感词"), "{text}: {f:?}");
    }

    #[test]
    fn masking_hides_numbers_and_keeps_everything_else(
        before in "[一-龥a-z，。 ]{0,20}",
        phone in "1(3[0-9]|5[0-35-9]|8[0-9])[0-9]{8}",
        after in "[一-龥a-z，。 ]{0,20}",
    ) {
        let text = format!("{before} {phone} {after}");
        let masked = mask(&text);
        prop_assert!(!masked.contains(&phone));
        prop_assert_eq!(masked.len(), text.len());
        let head = format!("{} ", before);
        let tail = format!(" {}", after);
        prop_assert!(masked.starts_with(&head));
        prop_assert!(masked.ends_with(&tail));
    }
}

#[test]
fn the_fingerprint_follows_what_the_scanner_knows() {
    let entry = |term: &str| govmedia_scan::Entry {
        term: term.into(),
        category: "测试".into(),
        severity: govmedia_scan::Severity::Review,
        suggestion: None,
        kind: govmedia_scan::Kind::Lexicon,
    };
    let a = Scanner::new(vec![entry("甲乙")], true, ScannerConfig::default()).unwrap();
    let again = Scanner::new(vec![entry("甲乙")], true, ScannerConfig::default()).unwrap();
    let other = Scanner::new(vec![entry("甲丙")], true, ScannerConfig::default()).unwrap();
    let links = ScannerConfig {
        link_allowlist: vec!["example.cn".into()],
        ..Default::default()
    };
    let linked = Scanner::new(vec![entry("甲乙")], true, links).unwrap();
    assert_eq!(a.fingerprint(), again.fingerprint());
    assert_eq!(a.fingerprint().len(), 16);
    assert_ne!(a.fingerprint(), other.fingerprint());
    assert_ne!(a.fingerprint(), linked.fingerprint());
}
