//! Taking in posts and messages (the ingest API, JSON-lines files, imports
//! and feeds all come through here): check each item, resolve its account
//! within the caller's scope, compare it with what is stored, scan what is
//! new or changed, and write the batch in one transaction. A bad item is
//! refused with its reason; with `atomic`, one bad item stores nothing.

use crate::Caller;
use govmedia_domain::AccountId;
use govmedia_domain::auth::{Permission, Scope};
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::monitoring::ingest::{
    self, AccountRef, ItemError, ItemStatus, MessageInput, PostInput, RawMessage, RawPost,
};
use govmedia_domain::monitoring::posts::PostKind;
use govmedia_domain::platform::Platform;
use govmedia_scan::{ScanOptions, Scanner, Severity};
use govmedia_store::monitoring_ingest::{self as mi, MessageWrite, PostScan, PostWrite};
use govmedia_store::{Store, StoreResult, WriteTx};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The answer for one item, in the order the items came.
#[derive(Debug, Clone, Serialize)]
pub struct ItemResult {
    pub index: usize,
    pub status: ItemStatus,
    pub id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ItemError>,
}

/// The answer for a batch: `stored` is false when `atomic` refused it.
#[derive(Debug, Clone, Serialize)]
pub struct IngestOutcome {
    pub results: Vec<ItemResult>,
    #[serde(skip)]
    pub stored: bool,
}

impl IngestOutcome {
    pub fn count(&self, s: ItemStatus) -> usize {
        self.results.iter().filter(|r| r.status == s).count()
    }
}

fn rejected(index: usize, e: ItemError) -> ItemResult {
    ItemResult {
        index,
        status: ItemStatus::Rejected,
        id: None,
        error: Some(e),
    }
}

/// Resolves every item's account within `scope`: unknown, outside the
/// scope and ambiguous are per-item rejections.
async fn resolve(
    store: &Store,
    scope: &Scope,
    refs: &[Option<&AccountRef>],
) -> StoreResult<Vec<Result<AccountId, ItemError>>> {
    let ids: Vec<AccountId> = refs
        .iter()
        .filter_map(|r| match r {
            Some(AccountRef::Id(id)) => Some(*id),
            _ => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let known: HashSet<AccountId> = store
        .accounts_in_scope(scope, &ids)
        .await?
        .into_iter()
        .collect();
    let handles: Vec<(String, String)> = refs
        .iter()
        .filter_map(|r| match r {
            Some(AccountRef::Handle { platform, handle }) => {
                Platform::parse(platform).map(|p| (p.code().to_string(), handle.clone()))
            }
            _ => None,
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let by_handle = store.accounts_by_handle(scope, &handles).await?;
    let unknown = || ItemError::new("unknown_account", "账号不存在或不在您的管辖范围内");
    Ok(refs
        .iter()
        .map(|r| match r {
            None => Err(ItemError::new("invalid_item", "条目无效")),
            Some(AccountRef::Id(id)) if known.contains(id) => Ok(*id),
            Some(AccountRef::Id(_)) => Err(unknown()),
            Some(AccountRef::Handle { platform, handle }) => {
                let Some(p) = Platform::parse(platform) else {
                    return Err(ItemError::new("invalid_platform", "未知的平台"));
                };
                match by_handle
                    .get(&(p.code().to_string(), handle.clone()))
                    .map(Vec::as_slice)
                {
                    None | Some([]) => Err(unknown()),
                    Some([one]) => Ok(*one),
                    Some(_) => Err(ItemError::new(
                        "ambiguous_account",
                        "该平台账号对应多个台账账号，请改用 account_id",
                    )),
                }
            }
        })
        .collect())
}

/// Checks, resolves and de-duplicates a batch: for each item its account
/// and clean input, or its rejection.
async fn prepare<T, R>(
    store: &Store,
    scope: &Scope,
    raws: Vec<Result<R, ItemError>>,
    parse: impl Fn(&R) -> Result<T, ItemError>,
    key: impl Fn(&T) -> (&AccountRef, &str),
) -> StoreResult<Vec<Result<(AccountId, T), ItemError>>> {
    let parsed: Vec<Result<T, ItemError>> = raws
        .into_iter()
        .map(|r| r.and_then(|r| parse(&r)))
        .collect();
    let refs: Vec<Option<&AccountRef>> = parsed
        .iter()
        .map(|p| p.as_ref().ok().map(|t| key(t).0))
        .collect();
    let accounts = resolve(store, scope, &refs).await?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(parsed.len());
    for (p, a) in parsed.into_iter().zip(accounts) {
        out.push(match (p, a) {
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
            (Ok(t), Ok(account)) => {
                if seen.insert((account, key(&t).1.to_string())) {
                    Ok((account, t))
                } else {
                    Err(ItemError::new(
                        "duplicate_in_batch",
                        "同一批次中重复出现的条目",
                    ))
                }
            }
        });
    }
    Ok(out)
}

/// With `atomic`, one rejection refuses the whole batch: every other
/// item is reported as not stored.
fn refuse_all<T>(items: &[Result<(AccountId, T), ItemError>]) -> IngestOutcome {
    let results = items
        .iter()
        .enumerate()
        .map(|(i, it)| match it {
            Err(e) => rejected(i, e.clone()),
            Ok(_) => rejected(
                i,
                ItemError::new("batch_rejected", "同一批次中有条目被拒绝，本条未保存"),
            ),
        })
        .collect();
    IngestOutcome {
        results,
        stored: false,
    }
}

/// Scans a post's title and text; spans refer to each separately.
pub fn scan_post(
    scanner: &Scanner,
    title: &str,
    text: &str,
    kind: PostKind,
    source: &str,
) -> PostScan {
    let opts = ScanOptions {
        repost: kind == PostKind::Repost,
        source: Some(source.to_string()).filter(|s| !s.is_empty()),
        disclosure: false,
    };
    // Attribution is a property of the whole post: the title of a repost
    // does not state its source, the text (or the `source` field) does.
    let t = scanner.scan(
        title,
        &ScanOptions {
            repost: false,
            ..opts.clone()
        },
    );
    let b = scanner.scan(text, &opts);
    let all = t.iter().chain(b.iter());
    let flagged = all
        .clone()
        .filter(|f| f.severity >= Severity::Review)
        .count() as i64;
    let blocked = all.filter(|f| f.severity == Severity::Block).count() as i64;
    let findings = if t.is_empty() && b.is_empty() {
        "{}".to_string()
    } else {
        serde_json::json!({"title": t, "text": b}).to_string()
    };
    PostScan {
        findings,
        flagged,
        blocked,
    }
}

fn audit_counts(
    c: Caller<'_>,
    what: &str,
    provenance: Provenance,
    o: &IngestOutcome,
) -> govmedia_store::audit::NewAudit {
    let mut e = c.actor.audit("monitoring.ingest", what, provenance.code());
    e.detail = serde_json::json!({
        "created": o.count(ItemStatus::Created),
        "updated": o.count(ItemStatus::Updated),
        "unchanged": o.count(ItemStatus::Unchanged),
        "rejected": o.count(ItemStatus::Rejected),
    })
    .to_string();
    e
}

/// Takes in a batch of posts for the accounts within the caller's
/// `monitoring:ingest` scope.
pub async fn ingest_posts(
    store: &Store,
    scanner: &Scanner,
    c: Caller<'_>,
    provenance: Provenance,
    raws: Vec<Result<RawPost, ItemError>>,
    atomic: bool,
) -> StoreResult<IngestOutcome> {
    let scope = c.principal.scope(Permission::MonitoringIngest);
    let now = store.now();
    let items = prepare(
        store,
        &scope,
        raws,
        |r| ingest::parse_post(r, now),
        |p: &PostInput| (&p.account, p.platform_post_id.as_str()),
    )
    .await?;
    let (mut tx, keys) = match open(store, atomic, &items, |p| &p.platform_post_id).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    let stored = mi::stored_posts(&mut tx, &keys).await?;
    let mut writes = Vec::new();
    let mut results = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let (account, p) = match it {
            Err(e) => {
                results.push(rejected(i, e.clone()));
                continue;
            }
            Ok(x) => x,
        };
        let row = stored.get(&(*account, p.platform_post_id.clone()));
        let (status, change) = ingest::decide_post(row.map(|r| &r.post), p);
        let scan = || scan_post(scanner, &p.title, &p.text, p.kind, &p.source);
        writes.push(match (row, change) {
            (None, _) => PostWrite::Create {
                account: *account,
                input: p.clone(),
                scan: scan(),
            },
            (Some(r), Some(change)) => PostWrite::Update {
                id: r.id,
                account: *account,
                input: p.clone(),
                before: r.post.clone(),
                change,
                scan: scan(),
            },
            (Some(r), None) => PostWrite::Seen { id: r.id },
        });
        results.push(ItemResult {
            index: i,
            status,
            id: row.map(|r| r.id),
            error: None,
        });
    }
    let created = mi::apply_posts(&mut tx, provenance, &writes).await?;
    fill_created_ids(&mut results, &items, &created, |p| &p.platform_post_id);
    finish(tx, c, "posts", provenance, &items, results).await
}

/// Takes in a batch of the public's messages.
pub async fn ingest_messages(
    store: &Store,
    c: Caller<'_>,
    provenance: Provenance,
    raws: Vec<Result<RawMessage, ItemError>>,
    atomic: bool,
) -> StoreResult<IngestOutcome> {
    let scope = c.principal.scope(Permission::MonitoringIngest);
    let now = store.now();
    let items = prepare(
        store,
        &scope,
        raws,
        |r| ingest::parse_message(r, now),
        |m: &MessageInput| (&m.account, m.platform_message_id.as_str()),
    )
    .await?;
    let (mut tx, keys) = match open(store, atomic, &items, |m| &m.platform_message_id).await? {
        Ok(x) => x,
        Err(refused) => return Ok(refused),
    };
    let stored = mi::stored_messages(&mut tx, &keys).await?;
    let mut writes = Vec::new();
    let mut results = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        let (account, m) = match it {
            Err(e) => {
                results.push(rejected(i, e.clone()));
                continue;
            }
            Ok(x) => x,
        };
        let row = stored.get(&(*account, m.platform_message_id.clone()));
        let status = ingest::decide_message(row.map(|r| &r.message), m);
        writes.push(match (row, status) {
            (None, _) => MessageWrite::Create {
                account: *account,
                input: m.clone(),
            },
            (Some(r), ItemStatus::Unchanged) => MessageWrite::Seen { id: r.id },
            (Some(r), _) => MessageWrite::Update {
                id: r.id,
                input: m.clone(),
            },
        });
        results.push(ItemResult {
            index: i,
            status,
            id: row.map(|r| r.id),
            error: None,
        });
    }
    let created = mi::apply_messages(&mut tx, provenance, &writes).await?;
    fill_created_ids(&mut results, &items, &created, |m| &m.platform_message_id);
    finish(tx, c, "messages", provenance, &items, results).await
}

/// Refuses an atomic batch with a rejection, or opens the write
/// transaction (serialized with other batches) and lists the items' keys.
async fn open<T>(
    store: &Store,
    atomic: bool,
    items: &[Result<(AccountId, T), ItemError>],
    id_of: impl Fn(&T) -> &String,
) -> StoreResult<Result<(WriteTx, Vec<(AccountId, String)>), IngestOutcome>> {
    if atomic && items.iter().any(Result::is_err) {
        return Ok(Err(refuse_all(items)));
    }
    let mut tx = store.begin_write().await?;
    mi::lock_ingest(&mut tx).await?;
    let keys = items
        .iter()
        .flatten()
        .map(|(a, t)| (*a, id_of(t).clone()))
        .collect();
    Ok(Ok((tx, keys)))
}

fn fill_created_ids<T>(
    results: &mut [ItemResult],
    items: &[Result<(AccountId, T), ItemError>],
    created: &HashMap<(AccountId, String), i64>,
    id_of: impl Fn(&T) -> &String,
) {
    for (r, it) in results.iter_mut().zip(items) {
        if let (ItemStatus::Created, Ok((a, t))) = (r.status, it) {
            r.id = created.get(&(*a, id_of(t).clone())).copied();
        }
    }
}

/// Records the deliveries and the audit entry, and commits.
async fn finish<T>(
    mut tx: WriteTx,
    c: Caller<'_>,
    what: &str,
    provenance: Provenance,
    items: &[Result<(AccountId, T), ItemError>],
    results: Vec<ItemResult>,
) -> StoreResult<IngestOutcome> {
    let accounts: Vec<AccountId> = items
        .iter()
        .flatten()
        .map(|(a, _)| *a)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    mi::record_deliveries(&mut tx, provenance, &accounts).await?;
    let outcome = IngestOutcome {
        results,
        stored: true,
    };
    govmedia_store::audit::append(&mut tx, audit_counts(c, what, provenance, &outcome)).await?;
    tx.commit().await?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use govmedia_scan::{Scanner, ScannerConfig};

    fn scanner() -> Scanner {
        Scanner::new(Vec::new(), true, ScannerConfig::default()).expect("a scanner without lexicon")
    }

    fn codes(findings: &str) -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(findings).expect("findings are JSON");
        ["title", "text"]
            .iter()
            .flat_map(|k| v[*k].as_array().cloned().unwrap_or_default())
            .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn a_repost_states_its_source_in_the_text_not_the_title() {
        let s = scanner();
        let ok = scan_post(
            &s,
            "社保卡线上申领流程",
            "全文。（来源：人力资源社会保障部）",
            PostKind::Repost,
            "",
        );
        assert!(codes(&ok.findings).is_empty(), "{}", ok.findings);
        assert_eq!(ok.flagged, 0);
        let missing = scan_post(&s, "社保卡线上申领流程", "全文。", PostKind::Repost, "");
        assert_eq!(codes(&missing.findings), ["missing_source"]);
        assert_eq!(missing.flagged, 1);
        // An original needs no source at all.
        let original = scan_post(&s, "标题", "全文。", PostKind::Original, "");
        assert!(codes(&original.findings).is_empty());
    }
}
