//! `govmedia ingest posts|messages FILE.jsonl [--key KEYFILE]`: loads the
//! JSON-lines batches a collector on the extranet passed through the
//! one-way gateway. With a key (flag or `ingest_key_file`), `FILE.sig`
//! beside the batch must hold its HMAC-SHA256 (hex), or the whole batch
//! is refused. Exit 0 when every line was stored, 2 when some lines were
//! rejected (each is reported), 1 when the batch was refused.

use crate::config::Config;
use crate::serve::connect;
use clap::{Args, ValueEnum};
use govmedia_app::monitoring_files::{FileKind, check_signature, load_jsonl};
use govmedia_domain::monitoring::ingest::ItemStatus;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum What {
    Posts,
    Messages,
}

#[derive(Args)]
pub struct IngestArgs {
    /// What the file holds.
    what: What,
    /// The JSON-lines file: one item a line, as POST /api/v1/ingest/… takes.
    file: PathBuf,
    /// The shared HMAC key file; the signature is read from FILE.sig.
    #[arg(long)]
    key: Option<PathBuf>,
}

fn sig_path(file: &std::path::Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".sig");
    PathBuf::from(s)
}

/// The shared HMAC key in a file (surrounding whitespace ignored).
pub fn read_key(path: &std::path::Path) -> Result<Vec<u8>, String> {
    Ok(std::fs::read(path)
        .map_err(|e| format!("cannot read key {}: {e}", path.display()))?
        .trim_ascii()
        .to_vec())
}

/// The configured key, if `ingest_key_file` is set.
pub fn configured_key(cfg: &Config) -> Result<Option<Vec<u8>>, String> {
    match cfg.ingest_key_file.as_str() {
        "" => Ok(None),
        f => read_key(std::path::Path::new(f)).map(Some),
    }
}

pub async fn run(cfg: &Config, args: IngestArgs) -> Result<ExitCode, String> {
    let data = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let key_file = args.key.clone().or_else(|| {
        Some(PathBuf::from(&cfg.ingest_key_file)).filter(|p| !p.as_os_str().is_empty())
    });
    let key = key_file.as_deref().map(read_key).transpose()?;
    let sig = std::fs::read_to_string(sig_path(&args.file)).ok();
    if let Err(r) = check_signature(key.as_deref(), &data, sig.as_deref()) {
        eprintln!("{}（{}）：{}", r.message(), r.code(), args.file.display());
        return Ok(ExitCode::from(1));
    }
    let store = connect(cfg).await?;
    let scanner = govmedia_web::state::build_scanner(&cfg.web)?;
    let (actor, principal) = govmedia_app::operator();
    let caller = govmedia_app::Caller {
        actor: &actor,
        principal: &principal,
    };
    let kind = match args.what {
        What::Posts => FileKind::Posts,
        What::Messages => FileKind::Messages,
    };
    let lines = load_jsonl(&store, &scanner, caller, kind, &data)
        .await
        .map_err(|e| e.to_string())?;
    let mut rejected = 0;
    for l in &lines {
        match &l.result.error {
            Some(e) => {
                rejected += 1;
                println!("line {}: rejected {}: {}", l.line, e.code, e.message);
            }
            None => println!(
                "line {}: {} id={}",
                l.line,
                l.result.status.code(),
                l.result.id.unwrap_or_default()
            ),
        }
    }
    let n = |s: ItemStatus| lines.iter().filter(|l| l.result.status == s).count();
    println!(
        "{} lines: {} created, {} updated, {} unchanged, {} rejected",
        lines.len(),
        n(ItemStatus::Created),
        n(ItemStatus::Updated),
        n(ItemStatus::Unchanged),
        rejected
    );
    Ok(if rejected > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
