//! Consistent online copies of a SQLite database (`VACUUM INTO`: one read
//! transaction, so writers carry on and the copy is a single moment).
//! PostgreSQL is backed up with its own tools (`pg_dump`, see README).

use crate::db::{Backend, Store};
use crate::error::{StoreError, StoreResult};
use std::path::{Path, PathBuf};

impl Store {
    /// Writes a consistent copy of the database to `path`, which must not
    /// exist yet.
    pub async fn backup_to(&self, path: &Path) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Other(
                "PostgreSQL 请用 pg_dump 备份 / back up PostgreSQL with pg_dump".into(),
            ));
        }
        if path.exists() {
            return Err(StoreError::Other(format!(
                "备份文件已存在 / backup file exists: {}",
                path.display()
            )));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", dir.display())))?;
        }
        let target = path.to_string_lossy().replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{target}'"))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Versions of the migrations applied so far (none on a new database).
    pub async fn applied_migrations(&self) -> StoreResult<Vec<String>> {
        use sqlx::Row;
        let exists = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
            }
        };
        let n: i64 = sqlx::query(exists)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if n == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?)
    }
}

/// The SQLite file behind a `sqlite:` URL.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Backups in `dir` written by the scheduled job or before a migration,
/// oldest first.
pub fn list_backups(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("govmedia-") && n.ends_with(".db"))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/govmedia.db?mode=rwc"),
            Some(PathBuf::from("data/govmedia.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
