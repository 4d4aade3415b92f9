//! `govmedia scan` and `govmedia mask`: the compliance scanner on files,
//! standard input or JSON lines. Exit 0 on success, 1 when a finding of
//! `--fail-on` severity or worse is present, 2 on bad input.

use clap::Args;
use govmedia_scan::{
    Finding, Kind, MAX_TEXT_BYTES, ScanOptions, Scanner, ScannerConfig, Severity, Tally, line_col,
    mask, parse_lexicon,
};
use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ScanArgs {
    /// Extra lexicon file (term<TAB>category<TAB>severity<TAB>suggestion); repeatable.
    #[arg(long = "lexicon")]
    lexicons: Vec<PathBuf>,
    /// Do not load the built-in lexicons (secret markings, advertising, wrong expressions).
    #[arg(long)]
    no_default_lexicons: bool,
    /// The text is a repost: check its source statement.
    #[arg(long)]
    repost: bool,
    /// Declared source of a repost.
    #[arg(long)]
    source: Option<String>,
    /// Disciplinary or mandatory disclosure: personal data is only a notice.
    #[arg(long)]
    disclosure: bool,
    /// Domain whose links pass besides .gov.cn; repeatable.
    #[arg(long = "allow-domain")]
    allow_domains: Vec<String>,
    /// Output format for a single document.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Plain exact term matching only: no normalization, no detectors.
    #[arg(long)]
    exact: bool,
    /// Input is JSON lines {"id","text"[,"repost","source","disclosure"]}.
    #[arg(long)]
    jsonl: bool,
    /// With --jsonl: print only totals by kind at the end.
    #[arg(long)]
    summary: bool,
    /// Exit 1 when a finding of this severity or worse is present.
    #[arg(long, value_parser = ["notice", "review", "block"])]
    fail_on: Option<String>,
    /// Input file, or - for standard input (default).
    input: Option<PathBuf>,
}

fn bad(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("{msg}");
    ExitCode::from(2)
}

fn read_input(path: Option<&PathBuf>) -> Result<Box<dyn BufRead>, String> {
    match path {
        None => Ok(Box::new(std::io::BufReader::new(std::io::stdin()))),
        Some(p) if p.as_os_str() == "-" => Ok(Box::new(std::io::BufReader::new(std::io::stdin()))),
        Some(p) => std::fs::File::open(p)
            .map(|f| Box::new(std::io::BufReader::with_capacity(1 << 20, f)) as Box<dyn BufRead>)
            .map_err(|e| format!("无法读取 {}: {e}", p.display())),
    }
}

fn build(args: &ScanArgs) -> Result<Scanner, String> {
    let mut entries = Vec::new();
    for p in &args.lexicons {
        let text =
            std::fs::read_to_string(p).map_err(|e| format!("无法读取词库 {}: {e}", p.display()))?;
        entries.extend(parse_lexicon(&text, &p.display().to_string()).map_err(|e| e.to_string())?);
    }
    let config = ScannerConfig {
        link_allowlist: args.allow_domains.clone(),
        exact: args.exact,
        ..Default::default()
    };
    Scanner::new(entries, !args.no_default_lexicons && !args.exact, config)
}

fn context(text: &str, f: &Finding) -> String {
    let span = f.span();
    let line_start = text[..span.start].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let line_end = text[span.end..]
        .find('\n')
        .map(|p| span.end + p)
        .unwrap_or(text.len());
    let pre: String = text[line_start..span.start]
        .chars()
        .rev()
        .take(20)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let post: String = text[span.end..line_end].chars().take(20).collect();
    format!("{pre}【{}】{post}", f.matched)
}

/// Lines scanned together (spread over the cores).
const BATCH: usize = 2048;

/// One JSON line as read: borrowed text, optional flags.
#[derive(serde::Deserialize)]
struct InLine<'a> {
    #[serde(default)]
    id: serde_json::Value,
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
    #[serde(default)]
    repost: Option<bool>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    disclosure: Option<bool>,
}

#[derive(serde::Serialize)]
struct OutLine<'a> {
    id: &'a serde_json::Value,
    findings: &'a [Finding<'a>],
}

struct LineResult {
    by_kind: [u64; Kind::ALL.len()],
    worst: Option<Severity>,
    output: Option<String>,
}

fn scan_line(
    scanner: &Scanner,
    base: &ScanOptions,
    no: usize,
    line: &str,
    summary: bool,
) -> Result<LineResult, String> {
    let v: InLine<'_> = serde_json::from_str(line).map_err(|e| {
        if e.to_string().contains("missing field `text`") || e.to_string().contains("invalid type")
        {
            format!("第 {no} 行缺少字符串字段 text 或字段类型不对: {e}")
        } else {
            format!("第 {no} 行不是合法的 JSON: {e}")
        }
    })?;
    let opts = ScanOptions {
        repost: v.repost.unwrap_or(base.repost),
        source: v.source.or_else(|| base.source.clone()),
        disclosure: v.disclosure.unwrap_or(base.disclosure),
    };
    if v.text.len() > MAX_TEXT_BYTES {
        return Err(format!("第 {no} 行的 text 超过 4 GiB，无法一次扫描"));
    }
    if summary {
        let t = scanner.tally(&v.text, &opts);
        return Ok(LineResult {
            by_kind: t.by_kind,
            worst: t.worst,
            output: None,
        });
    }
    let findings = scanner.scan(&v.text, &opts);
    let t = Tally::of(&findings);
    Ok(LineResult {
        by_kind: t.by_kind,
        worst: t.worst,
        output: Some(
            serde_json::to_string(&OutLine {
                id: &v.id,
                findings: &findings,
            })
            .unwrap_or_default(),
        ),
    })
}

pub fn scan(args: ScanArgs) -> ExitCode {
    if args.summary && !args.jsonl {
        return bad("--summary 只能与 --jsonl 一起使用");
    }
    let scanner = match build(&args) {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    let threshold = args.fail_on.as_deref().and_then(Severity::parse);
    let mut worst: Option<Severity> = None;
    let mut input = match read_input(args.input.as_ref()) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let base = ScanOptions {
        repost: args.repost,
        source: args.source.clone(),
        disclosure: args.disclosure,
    };
    if args.jsonl {
        let mut totals: BTreeMap<&'static str, u64> = BTreeMap::new();
        let (mut lines, mut total) = (0u64, 0u64);
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let mut n = 0usize;
        let mut eof = false;
        // Lines are read in batches and scanned on every core; results are
        // written in input order.
        while !eof {
            let mut batch: Vec<(usize, String)> = Vec::with_capacity(BATCH);
            while batch.len() < BATCH {
                let mut buf = String::new();
                match input.read_line(&mut buf) {
                    Ok(0) => {
                        eof = true;
                        break;
                    }
                    Ok(_) => {}
                    Err(e) => return bad(format!("第 {} 行读取失败: {e}", n + 1)),
                }
                n += 1;
                if !buf.trim().is_empty() {
                    batch.push((n, buf));
                }
            }
            let chunk = batch.len().div_ceil(workers).max(1);
            let results: Vec<Result<Vec<LineResult>, String>> = std::thread::scope(|sc| {
                let handles: Vec<_> = batch
                    .chunks(chunk)
                    .map(|part| {
                        sc.spawn(|| {
                            part.iter()
                                .map(|(no, line)| {
                                    scan_line(&scanner, &base, *no, line, args.summary)
                                })
                                .collect()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| Err("扫描线程异常退出".to_string()))
                    })
                    .collect()
            });
            for part in results {
                let part = match part {
                    Ok(p) => p,
                    Err(e) => return bad(e),
                };
                for r in part {
                    lines += 1;
                    for (kind, n) in Kind::ALL.iter().zip(r.by_kind) {
                        if n > 0 {
                            total += n;
                            *totals.entry(kind.code()).or_default() += n;
                        }
                    }
                    worst = worst.max(r.worst);
                    if let Some(line) = r.output
                        && writeln!(out, "{line}").is_err()
                    {
                        return ExitCode::from(2);
                    }
                }
            }
        }
        if args.summary {
            let _ = writeln!(
                out,
                "{}",
                serde_json::json!({"lines": lines, "findings": total, "by_kind": totals})
            );
        }
    } else {
        let mut text = String::new();
        if let Err(e) = input.read_to_string(&mut text) {
            return bad(format!("输入不是合法的 UTF-8 文本: {e}"));
        }
        if text.len() > MAX_TEXT_BYTES {
            return bad("文本超过 4 GiB，无法一次扫描；请分段扫描");
        }
        let findings = scanner.scan(&text, &base);
        for f in &findings {
            worst = worst.max(Some(f.severity));
        }
        let written = if args.format == "json" {
            writeln!(out, "{}", serde_json::json!({"findings": findings}))
        } else if findings.is_empty() {
            writeln!(out, "未发现问题 / no findings")
        } else {
            findings.iter().try_for_each(|f| {
                let (line, col) = line_col(&text, f.span().start);
                let kind = match f.subkind() {
                    Some(s) => format!("{}/{s}", f.kind.code()),
                    None => f.kind.code().to_string(),
                };
                let hint = f
                    .suggestion()
                    .map(|s| format!(" → {s}"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{line}:{col} [{}] {kind} ({}){hint}\n    {}",
                    f.severity.code(),
                    f.rule.name(),
                    context(&text, f)
                )
            })
        };
        if written.is_err() {
            return ExitCode::from(2);
        }
    }
    let _ = out.flush();
    match (threshold, worst) {
        (Some(t), Some(w)) if w >= t => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

pub fn mask_cmd(input: Option<PathBuf>) -> ExitCode {
    let mut r = match read_input(input.as_ref()) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let mut text = String::new();
    if let Err(e) = r.read_to_string(&mut text) {
        return bad(format!("输入不是合法的 UTF-8 文本: {e}"));
    }
    print!("{}", mask(&text));
    ExitCode::SUCCESS
}
