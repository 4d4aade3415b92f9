//! JSON-lines batches (one item a line, as the ingest API takes them),
//! carried across a one-way gateway or uploaded: each line is checked and
//! stored like an API item, with provenance `file`, in batches of at most
//! [`MAX_ITEMS`] lines, and reported line by line.

use crate::Caller;
use crate::monitoring_ingest::{ItemResult, ingest_messages, ingest_posts};
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::monitoring::ingest::{ItemError, MAX_ITEMS};
use govmedia_domain::monitoring::signature;
use govmedia_scan::Scanner;
use govmedia_store::{Store, StoreResult};
use serde::de::DeserializeOwned;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Posts,
    Messages,
}

/// Why a whole file is refused before any line is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    SignatureMissing,
    SignatureBad,
}

impl FileRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            FileRefusal::SignatureMissing => "signature_missing",
            FileRefusal::SignatureBad => "signature_invalid",
        }
    }
    pub fn message(&self) -> &'static str {
        match self {
            FileRefusal::SignatureMissing => "缺少签名文件，整批拒收",
            FileRefusal::SignatureBad => "签名不符（文件被改动或密钥不对），整批拒收",
        }
    }
}

/// With a key configured, the batch must carry a matching signature.
pub fn check_signature(
    key: Option<&[u8]>,
    data: &[u8],
    signature: Option<&str>,
) -> Result<(), FileRefusal> {
    match (key, signature) {
        (None, _) => Ok(()),
        (Some(_), None) => Err(FileRefusal::SignatureMissing),
        (Some(k), Some(s)) if signature::verify(k, data, s) => Ok(()),
        (Some(_), Some(_)) => Err(FileRefusal::SignatureBad),
    }
}

/// The items of a JSON-lines file with their line numbers (from 1);
/// blank lines are skipped, a line that is not an item is a rejection.
pub fn parse_lines<T: DeserializeOwned>(data: &[u8]) -> Vec<(usize, Result<T, ItemError>)> {
    data.split(|b| *b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.iter().all(u8::is_ascii_whitespace))
        .map(|(i, l)| {
            let item = serde_json::from_slice::<T>(l)
                .map_err(|e| ItemError::new("invalid_item", format!("此行不是有效的条目：{e}")));
            (i + 1, item)
        })
        .collect()
}

/// One line's outcome.
#[derive(Debug, Clone)]
pub struct LineResult {
    pub line: usize,
    pub result: ItemResult,
}

/// Loads a JSON-lines file; each batch of [`MAX_ITEMS`] lines is stored in
/// one transaction, so a repeated load after a failure changes nothing
/// that was stored.
pub async fn load_jsonl(
    store: &Store,
    scanner: &Scanner,
    c: Caller<'_>,
    kind: FileKind,
    data: &[u8],
) -> StoreResult<Vec<LineResult>> {
    let mut out = Vec::new();
    match kind {
        FileKind::Posts => {
            let lines = parse_lines(data);
            for chunk in lines.chunks(MAX_ITEMS) {
                let raws = chunk.iter().map(|(_, r)| r.clone()).collect();
                let o = ingest_posts(store, scanner, c, Provenance::File, raws, false).await?;
                out.extend(number(chunk.iter().map(|(n, _)| *n), o.results));
            }
        }
        FileKind::Messages => {
            let lines = parse_lines(data);
            for chunk in lines.chunks(MAX_ITEMS) {
                let raws = chunk.iter().map(|(_, r)| r.clone()).collect();
                let o = ingest_messages(store, c, Provenance::File, raws, false).await?;
                out.extend(number(chunk.iter().map(|(n, _)| *n), o.results));
            }
        }
    }
    Ok(out)
}

fn number(lines: impl Iterator<Item = usize>, results: Vec<ItemResult>) -> Vec<LineResult> {
    lines
        .zip(results)
        .map(|(line, result)| LineResult { line, result })
        .collect()
}
