//! Re-scanning stored posts when what the scanner knows changes (a lexicon
//! reloaded, a new release): the scanner's fingerprint is compared with
//! the one the stored findings were made under, and if they differ every
//! post is scanned again, in id order, a batch per transaction, so the job
//! can stop anywhere and go on from there. Posts taken in meanwhile are
//! scanned by the new scanner as they arrive.

use crate::monitoring_ingest::scan_post;
use govmedia_domain::monitoring::posts::PostKind;
use govmedia_scan::Scanner;
use govmedia_store::rescans::PostToScan;
use govmedia_store::{Store, StoreResult};
use std::sync::Arc;

/// Posts scanned per transaction.
pub const BATCH: i64 = 1000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RescanOutcome {
    /// A new fingerprint started a re-scan in this run.
    pub started: bool,
    pub scanned: i64,
    pub changed: i64,
    /// Every post is scanned under the current fingerprint.
    pub done: bool,
}

fn rescan_batch(
    scanner: &Scanner,
    posts: &[PostToScan],
) -> Vec<(i64, govmedia_store::monitoring_ingest::PostScan)> {
    posts
        .iter()
        .filter_map(|p| {
            let kind = PostKind::parse(&p.kind).unwrap_or(PostKind::Original);
            let s = scan_post(scanner, &p.title, &p.body, kind, &p.source);
            (s.findings != p.findings).then_some((p.id, s))
        })
        .collect()
}

/// Scans up to `max_batches` batches under `scanner`'s fingerprint.
pub async fn rescan(
    store: &Store,
    scanner: Arc<Scanner>,
    max_batches: usize,
) -> StoreResult<RescanOutcome> {
    let fp = scanner.fingerprint().to_string();
    let mut out = RescanOutcome::default();
    let mut state = store.rescan_state().await?;
    if state.as_ref().is_none_or(|s| s.fingerprint != fp) {
        store.start_rescan(&fp).await?;
        out.started = true;
        state = store.rescan_state().await?;
    }
    let Some(state) = state else {
        return Ok(out);
    };
    if state.finished_at.is_some() {
        out.done = true;
        return Ok(out);
    }
    let mut cursor = state.cursor_id;
    for _ in 0..max_batches {
        let posts = store.posts_after(cursor, BATCH).await?;
        let done = (posts.len() as i64) < BATCH;
        let last = posts.last().map_or(cursor, |p| p.id);
        let n = posts.len() as i64;
        // A batch scans in milliseconds; the job runs apart from requests.
        let changes = rescan_batch(&scanner, &posts);
        if !store.apply_rescan(&fp, n, &changes, last, done).await? {
            // Another scanner started over meanwhile: it goes on next run.
            return Ok(out);
        }
        out.scanned += n;
        out.changed += changes.len() as i64;
        cursor = last;
        if done {
            out.done = true;
            break;
        }
    }
    Ok(out)
}
