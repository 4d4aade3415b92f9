//! Multi-row inserts for bulk loads (the scale generator and the bare
//! reference of the ingest benchmark): a couple of hundred rows per
//! statement, in the caller's transaction.

use crate::db::WriteTx;
use crate::error::StoreResult;
use crate::sql::{Arg, Sql};

/// Rows per statement: as the ingest writes them (larger statements are
/// slower, not faster, through the Any driver).
const ROWS: usize = 200;

/// Inserts `rows` (each with one value per column) into `table`.
pub async fn insert_rows(
    tx: &mut WriteTx,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Arg>>,
) -> StoreResult<u64> {
    let per = ROWS;
    let mut done = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut q = Sql::new(&format!(
            "INSERT INTO {table} ({}) VALUES ",
            columns.join(", ")
        ));
        for (i, row) in rows.by_ref().take(per).enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            for (j, v) in row.into_iter().enumerate() {
                if j > 0 {
                    q.push(", ");
                }
                q.bind(v);
            }
            q.push(")");
        }
        done += q.query()?.execute(tx.conn()).await?.rows_affected();
    }
    Ok(done)
}
