//! Golden cases and property tests of the scanner.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use govmedia_scan::normalize::MAX_NOISE;
use govmedia_scan::{ScanOptions, Scanner, ScannerConfig, mask, parse_lexicon};
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
            .map(|f| match f.subkind {
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
            prop_assert!(f.start <= f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert_eq!(&text[f.start..f.end], f.matched.as_str());
            prop_assert_eq!(text[..f.start].chars().count(), f.char_start);
            prop_assert_eq!(text[..f.end].chars().count(), f.char_end);
        }
        let _ = mask(&text);
    }

    #[test]
    fn noise_inside_a_term_never_hides_it(prefix in "[a-z一-龥]{0,10}", n1 in noise(), n2 in noise(), suffix in "[a-z一-龥]{0,10}") {
        let s = scanner();
        let text = format!("{prefix}。敏{n1}感{n2}词。{suffix}");
        let f = s.scan(&text, &ScanOptions::default());
        prop_assert!(f.iter().any(|x| x.rule == "敏感词"), "{text}: {f:?}");
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
