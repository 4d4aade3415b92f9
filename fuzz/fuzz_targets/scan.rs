//! Fuzzes `scan` and `mask`: no panic, spans sound, masking keeps length
//! outside personal data. Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run scan`
//! (cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP enables them on the
//! stable toolchain).
#![no_main]

use govmedia_scan::{ScanOptions, Scanner, ScannerConfig, mask, parse_lexicon};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| {
        let lex = parse_lexicon("敏感词\tpolitics\tblock\n测试\ttest\treview\n", "fuzz")
            .unwrap_or_default();
        Scanner::new(lex, true, ScannerConfig::default()).unwrap_or_else(|e| panic!("{e}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let opts = ScanOptions {
        repost: data.first().is_some_and(|b| b & 1 == 1),
        disclosure: data.len() % 3 == 0,
        source: None,
    };
    let findings = scanner().scan(text, &opts);
    for f in &findings {
        let span = f.span();
        assert!(span.start <= span.end && span.end <= text.len());
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        assert_eq!(&text[span.clone()], f.matched);
        assert_eq!(text[..span.start].chars().count(), f.char_start as usize);
        assert_eq!(text[..span.end].chars().count(), f.char_end as usize);
        let _ = f.suggestion();
    }
    assert!(
        findings
            .windows(2)
            .all(|w| (w[0].start, w[0].end) <= (w[1].start, w[1].end))
    );
    let _ = mask(text);
});
