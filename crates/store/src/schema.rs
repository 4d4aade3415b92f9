//! Reads back the live schema so tests can prove the SQLite and PostgreSQL
//! migrations produce the same tables and columns.

use crate::db::{Backend, Store};
use crate::error::StoreResult;
use sqlx::Row;
use std::collections::BTreeMap;

/// Column name → (normalized type, nullable).
pub type Columns = BTreeMap<String, (String, bool)>;

/// Integer types become "integer", character types "text", binary types
/// (SQLite BLOB, PostgreSQL BYTEA) "blob".
pub fn normalize_type(t: &str) -> String {
    let t = t.to_ascii_lowercase();
    if t.contains("int") {
        "integer".into()
    } else if t.contains("char") || t == "text" || t.contains("clob") {
        "text".into()
    } else if t == "bytea" || t == "blob" {
        "blob".into()
    } else {
        t
    }
}

impl Store {
    /// Every table (except migration bookkeeping) with its columns.
    pub async fn schema(&self) -> StoreResult<BTreeMap<String, Columns>> {
        let mut out: BTreeMap<String, Columns> = BTreeMap::new();
        match self.backend {
            Backend::Sqlite => {
                let tables = sqlx::query(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'",
                )
                .fetch_all(&self.pool)
                .await?;
                for t in tables {
                    let table: String = t.try_get(0)?;
                    let cols = sqlx::query(
                        "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)",
                    )
                    .bind(&table)
                    .fetch_all(&self.pool)
                    .await?;
                    let entry = out.entry(table).or_default();
                    for c in cols {
                        let notnull: i64 = c.try_get(2)?;
                        let pk: i64 = c.try_get(3)?;
                        entry.insert(
                            c.try_get(0)?,
                            (
                                normalize_type(&c.try_get::<String, _>(1)?),
                                notnull == 0 && pk == 0,
                            ),
                        );
                    }
                }
            }
            Backend::Postgres => {
                let cols = sqlx::query(
                    "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
                     FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'",
                )
                .fetch_all(&self.pool)
                .await?;
                for c in cols {
                    let table: String = c.try_get(0)?;
                    let nullable: String = c.try_get(3)?;
                    out.entry(table).or_default().insert(
                        c.try_get(1)?,
                        (
                            normalize_type(&c.try_get::<String, _>(2)?),
                            nullable == "YES",
                        ),
                    );
                }
            }
        }
        Ok(out)
    }
}
