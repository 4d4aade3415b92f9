//! A loop for `perf record`: scans the bench posts repeatedly with one
//! lexicon and mode. `cargo run --release --example profile -- rare|frequent full|exact|tally [rounds]`
use govmedia_scan::{ScanOptions, Scanner, ScannerConfig, parse_lexicon};
use std::hint::black_box;
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let work = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../work");
    let lex = if args.get(1).map(String::as_str) == Some("frequent") {
        "lex50000.txt"
    } else {
        "rare50000.txt"
    };
    let mode = args.get(2).cloned().unwrap_or_else(|| "full".into());
    let rounds: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(20);
    let lex = std::fs::read_to_string(work.join(lex)).expect("lexicon");
    let exact = mode == "exact";
    let scanner = Scanner::new(
        parse_lexicon(&lex, "lex").expect("lexicon"),
        !exact,
        ScannerConfig {
            exact,
            ..Default::default()
        },
    )
    .expect("scanner");
    let corpus = std::fs::read_dir(&work)
        .expect("work")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("generated"))
        })
        .expect("corpus");
    let text = std::fs::read_to_string(corpus).expect("corpus");
    let posts: Vec<String> = text
        .lines()
        .take(2000)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            let t = v["text"].as_str().expect("text");
            let mut end = t.len().min(2048);
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            t[..end].to_string()
        })
        .collect();
    let opts = ScanOptions::default();
    let mut n = 0usize;
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let t = std::time::Instant::now();
        for p in &posts {
            n += if mode == "tally" || mode == "exact" {
                black_box(scanner.tally(p, &opts).total() as usize)
            } else {
                black_box(scanner.scan(p, &opts).len())
            };
        }
        let mean = t.elapsed().as_secs_f64() * 1e6 / posts.len() as f64;
        eprint!("{mean:.1} ");
        best = best.min(mean);
    }
    println!("{n} findings, best round mean {best:.1} µs per post");
}
