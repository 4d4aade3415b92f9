//! Importing an account's export from a platform back-end (CSV or XLSX,
//! read into a [`Table`] at the edge): the column mapping is guessed from
//! the headers or taken from what the org used last for the platform, a
//! preview checks every row without writing, and the import stores all
//! rows in one transaction or none (provenance `import`), reporting each
//! row. The mapping used is remembered for the next file.

use crate::Caller;
use crate::monitoring_ingest::{IngestOutcome, ingest_messages, ingest_posts};
use govmedia_domain::AccountId;
use govmedia_domain::account::AccountRecord;
use govmedia_domain::auth::{Permission, Scope};
use govmedia_domain::monitoring::Provenance;
use govmedia_domain::monitoring::import::{
    Field, ImportKind, Mapping, Row, RowDefaults, Table, check_mapping, guess, message_row,
    post_row,
};
use govmedia_domain::monitoring::ingest::{
    ItemError, ItemStatus, MAX_ITEMS, RawMessage, RawPost, parse_message, parse_post,
};
use govmedia_scan::Scanner;
use govmedia_store::{Store, StoreError, StoreResult};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// How many rows a preview shows (every row is checked).
pub const PREVIEW_ROWS: usize = 20;

/// What the user chose for a file.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    /// `None`: guess (the remembered mapping first).
    pub mapping: Option<Mapping>,
    pub defaults: RowDefaults,
}

/// One row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct RowOutcome {
    pub row: u32,
    /// `None` in a preview.
    pub status: Option<ItemStatus>,
    pub id: Option<i64>,
    pub error: Option<ItemError>,
    /// The mapped values, in the order of the kind's fields.
    #[serde(skip)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub account_id: AccountId,
    pub kind: ImportKind,
    pub headers: Vec<String>,
    /// Field code → header.
    pub mapping: BTreeMap<&'static str, String>,
    #[serde(skip)]
    pub fields: Mapping,
    /// Why the mapping cannot be used yet (nothing is checked then).
    pub mapping_error: Option<ItemError>,
    pub total: usize,
    /// Rows with an error.
    pub errors: usize,
    /// Whether the rows were stored (never part of them).
    pub stored: bool,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rows: Vec<RowOutcome>,
}

fn scope_for_import(c: Caller<'_>) -> StoreResult<Scope> {
    match c.principal.scope(Permission::MonitoringIngest) {
        Scope::Denied => Err(StoreError::forbidden("无权导入监测数据")),
        s => Ok(s),
    }
}

/// The account an import is for, within the caller's ingest scope.
pub async fn import_account(
    store: &Store,
    c: Caller<'_>,
    account: AccountId,
) -> StoreResult<AccountRecord> {
    let scope = scope_for_import(c)?;
    store.account(&scope, account).await
}

/// A row's item id and its local check, or why it is not an item.
type Checked = Result<(Option<String>, Option<ItemError>), ItemError>;

enum Raws {
    Posts(Vec<Result<RawPost, ItemError>>),
    Messages(Vec<Result<RawMessage, ItemError>>),
}

fn check_table(t: &Table) -> StoreResult<()> {
    if t.headers.is_empty() {
        return Err(StoreError::invalid(
            "empty_file",
            "文件是空的：第一行应为列名",
        ));
    }
    if t.rows.is_empty() {
        return Err(StoreError::invalid(
            "empty_file",
            "文件中只有列名，没有数据行",
        ));
    }
    if t.rows.len() > MAX_ITEMS {
        return Err(StoreError::invalid(
            "too_many_rows",
            format!("单个文件最多导入 {MAX_ITEMS} 行，请拆分后分批导入"),
        ));
    }
    Ok(())
}

/// Every row as an item, checked as the ingest will check it (the
/// account is known to be in scope), with ids repeated in the file named.
fn rows_of(
    account: AccountId,
    kind: ImportKind,
    t: &Table,
    m: &Mapping,
    d: RowDefaults,
    now: chrono::DateTime<chrono::Utc>,
) -> (Raws, Vec<RowOutcome>) {
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut dup = |id: Option<&String>, row: u32| -> Option<ItemError> {
        let id = id?;
        match seen.get(id) {
            Some(first) => Some(ItemError::new(
                "duplicate_id",
                format!("与第 {first} 行是同一条（编号或链接、时间和内容相同）"),
            )),
            None => {
                seen.insert(id.clone(), row);
                None
            }
        }
    };
    let mut outcomes = Vec::with_capacity(t.rows.len());
    let values = |cells: &[String]| -> Vec<String> {
        kind.fields()
            .iter()
            .map(|f| {
                m.get(f)
                    .and_then(|h| t.headers.iter().position(|x| x == h))
                    .and_then(|i| cells.get(i))
                    .cloned()
                    .unwrap_or_default()
            })
            .collect()
    };
    let mut outcome = |row: u32, cells: &[String], error: Option<ItemError>| {
        outcomes.push(RowOutcome {
            row,
            status: None,
            id: None,
            error,
            values: values(cells),
        });
    };
    // Each row as an item, its local check, and its id for the repeat check.
    let mut each = |make: &dyn Fn(&Row<'_>) -> Checked| {
        for (n, cells) in &t.rows {
            let row = Row {
                headers: &t.headers,
                cells,
            };
            let err = match make(&row) {
                Err(e) => Some(e),
                Ok((id, checked)) => checked.or_else(|| dup(id.as_ref(), *n)),
            };
            outcome(*n, cells, err);
        }
    };
    let raws = match kind {
        ImportKind::Posts => {
            let make = |r: &Row<'_>| post_row(account, m, r, d);
            each(&|r| make(r).map(|p| (p.platform_post_id.clone(), parse_post(&p, now).err())));
            Raws::Posts(
                t.rows
                    .iter()
                    .map(|(_, cells)| {
                        make(&Row {
                            headers: &t.headers,
                            cells,
                        })
                    })
                    .collect(),
            )
        }
        ImportKind::Messages => {
            let make = |r: &Row<'_>| message_row(account, m, r, d);
            each(&|r| {
                make(r).map(|p| (p.platform_message_id.clone(), parse_message(&p, now).err()))
            });
            Raws::Messages(
                t.rows
                    .iter()
                    .map(|(_, cells)| {
                        make(&Row {
                            headers: &t.headers,
                            cells,
                        })
                    })
                    .collect(),
            )
        }
    };
    (raws, outcomes)
}

async fn mapping_for(
    store: &Store,
    c: Caller<'_>,
    a: &AccountRecord,
    kind: ImportKind,
    t: &Table,
    req: &ImportRequest,
) -> StoreResult<Mapping> {
    Ok(match &req.mapping {
        Some(m) => m.clone(),
        None => {
            let remembered = store
                .import_mapping(c.principal.org_id, a.platform.code(), kind)
                .await?;
            guess(kind, &t.headers, remembered.as_ref())
        }
    })
}

fn report(
    account: AccountId,
    kind: ImportKind,
    t: &Table,
    fields: Mapping,
    mapping_error: Option<ItemError>,
    rows: Vec<RowOutcome>,
) -> ImportReport {
    ImportReport {
        account_id: account,
        kind,
        headers: t.headers.clone(),
        mapping: fields.iter().map(|(f, h)| (f.code(), h.clone())).collect(),
        fields,
        mapping_error,
        total: t.rows.len(),
        errors: rows.iter().filter(|r| r.error.is_some()).count(),
        stored: false,
        created: 0,
        updated: 0,
        unchanged: 0,
        rows,
    }
}

/// Checks every row of a file against the mapping without storing
/// anything. A mapping that cannot be used is reported, not refused, so
/// the page can ask for the missing columns.
pub async fn preview(
    store: &Store,
    c: Caller<'_>,
    account: AccountId,
    kind: ImportKind,
    t: &Table,
    req: &ImportRequest,
) -> StoreResult<ImportReport> {
    let a = import_account(store, c, account).await?;
    check_table(t)?;
    let m = mapping_for(store, c, &a, kind, t, req).await?;
    if let Err(e) = check_mapping(kind, &m, &t.headers) {
        return Ok(report(account, kind, t, m, Some(e), Vec::new()));
    }
    let (_, rows) = rows_of(account, kind, t, &m, req.defaults, store.now());
    Ok(report(account, kind, t, m, None, rows))
}

/// Imports every row or none. A refused import (a bad mapping, or any row
/// in error) is a report with `stored` false; the mapping of a stored one
/// is remembered for the org and platform.
pub async fn import(
    store: &Store,
    scanner: &Scanner,
    c: Caller<'_>,
    account: AccountId,
    kind: ImportKind,
    t: &Table,
    req: &ImportRequest,
) -> StoreResult<ImportReport> {
    let a = import_account(store, c, account).await?;
    check_table(t)?;
    let m = mapping_for(store, c, &a, kind, t, req).await?;
    check_mapping(kind, &m, &t.headers).map_err(|e| StoreError::invalid(e.code, e.message))?;
    let (raws, mut rows) = rows_of(account, kind, t, &m, req.defaults, store.now());
    if rows.iter().any(|r| r.error.is_some()) {
        return Ok(report(account, kind, t, m, None, rows));
    }
    let o: IngestOutcome = match raws {
        Raws::Posts(r) => ingest_posts(store, scanner, c, Provenance::Import, r, true).await?,
        Raws::Messages(r) => ingest_messages(store, c, Provenance::Import, r, true).await?,
    };
    for (row, res) in rows.iter_mut().zip(&o.results) {
        row.status = Some(res.status);
        row.id = res.id;
        row.error = res.error.clone();
    }
    if o.stored {
        store
            .set_import_mapping(c.actor, c.principal.org_id, a.platform.code(), kind, &m)
            .await?;
    }
    let mut r = report(account, kind, t, m, None, rows);
    r.stored = o.stored;
    r.created = o.count(ItemStatus::Created);
    r.updated = o.count(ItemStatus::Updated);
    r.unchanged = o.count(ItemStatus::Unchanged);
    Ok(r)
}

/// The fields a kind maps, with their labels, for forms.
pub fn field_labels(kind: ImportKind) -> Vec<(Field, &'static str)> {
    kind.fields().iter().map(|f| (*f, f.label())).collect()
}
