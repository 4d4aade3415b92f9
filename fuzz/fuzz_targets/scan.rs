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
        let lex = parse_lexicon("敏感词\tpolitics\tblock\n测试\ttest\treview\n", "fuzz").unwrap_or_default();
        Scanner::new(lex, true, ScannerConfig::default()).unwrap_or_else(|e| panic!("{e}"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let opts = ScanOptions { repost: data.first().is_some_and(|b| b & 1 == 1), disclosure: data.len() % 3 == 0, source: None };
    for f in scanner().scan(text, &opts) {
        assert!(f.start <= f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert_eq!(&text[f.start..f.end], f.matched);
    }
    let _ = mask(text);
});
