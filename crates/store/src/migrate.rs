//! Embedded migrations, one SQL file per version for each backend. The
//! version names are the same on both; `schema` tests compare the results.

use crate::db::{Backend, Store};
use crate::error::StoreResult;
use sqlx::{Executor, Row};

pub struct Migration {
    pub version: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: "0001_foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: "0002_calendar",
        sqlite: include_str!("../migrations/sqlite/0002_calendar.sql"),
        postgres: include_str!("../migrations/postgres/0002_calendar.sql"),
    },
    Migration {
        version: "0003_workflows",
        sqlite: include_str!("../migrations/sqlite/0003_workflows.sql"),
        postgres: include_str!("../migrations/postgres/0003_workflows.sql"),
    },
    Migration {
        version: "0004_jobs",
        sqlite: include_str!("../migrations/sqlite/0004_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0004_jobs.sql"),
    },
    Migration {
        version: "0005_registry_integrity",
        sqlite: include_str!("../migrations/sqlite/0005_registry_integrity.sql"),
        postgres: include_str!("../migrations/postgres/0005_registry_integrity.sql"),
    },
    Migration {
        version: "0006_pending_deadlines",
        sqlite: include_str!("../migrations/sqlite/0006_pending_deadlines.sql"),
        postgres: include_str!("../migrations/postgres/0006_pending_deadlines.sql"),
    },
    Migration {
        version: "0007_sort_keys",
        sqlite: include_str!("../migrations/sqlite/0007_sort_keys.sql"),
        postgres: include_str!("../migrations/postgres/0007_sort_keys.sql"),
    },
    Migration {
        version: "0008_filing_attachments",
        sqlite: include_str!("../migrations/sqlite/0008_filing_attachments.sql"),
        postgres: include_str!("../migrations/postgres/0008_filing_attachments.sql"),
    },
    Migration {
        version: "0009_monitoring",
        sqlite: include_str!("../migrations/sqlite/0009_monitoring.sql"),
        postgres: include_str!("../migrations/postgres/0009_monitoring.sql"),
    },
    Migration {
        version: "0010_alerts",
        sqlite: include_str!("../migrations/sqlite/0010_alerts.sql"),
        postgres: include_str!("../migrations/postgres/0010_alerts.sql"),
    },
    Migration {
        version: "0011_feeds",
        sqlite: include_str!("../migrations/sqlite/0011_feeds.sql"),
        postgres: include_str!("../migrations/postgres/0011_feeds.sql"),
    },
    Migration {
        version: "0012_monitoring_indexes",
        sqlite: include_str!("../migrations/sqlite/0012_monitoring_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0012_monitoring_indexes.sql"),
    },
    Migration {
        version: "0013_imports",
        sqlite: include_str!("../migrations/sqlite/0013_imports.sql"),
        postgres: include_str!("../migrations/postgres/0013_imports.sql"),
    },
    Migration {
        version: "0014_rescans",
        sqlite: include_str!("../migrations/sqlite/0014_rescans.sql"),
        postgres: include_str!("../migrations/postgres/0014_rescans.sql"),
    },
    Migration {
        version: "0015_monitoring_covering",
        sqlite: include_str!("../migrations/sqlite/0015_monitoring_covering.sql"),
        postgres: include_str!("../migrations/postgres/0015_monitoring_covering.sql"),
    },
    Migration {
        version: "0016_unanswered_messages",
        sqlite: include_str!("../migrations/sqlite/0016_unanswered_messages.sql"),
        postgres: include_str!("../migrations/postgres/0016_unanswered_messages.sql"),
    },
];

/// Key of the PostgreSQL advisory lock that serializes migrations across
/// instances starting at once.
const MIGRATION_LOCK: i64 = 0x676f_766d_6d69;

impl Store {
    /// Applies every migration not yet applied, each in its own transaction.
    /// Returns the versions applied now.
    pub async fn migrate(&self) -> StoreResult<Vec<&'static str>> {
        let mut conn = self.pool.acquire().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        let result = async {
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version TEXT PRIMARY KEY,
                    applied_at BIGINT NOT NULL
                )",
            )
            .await?;
            let done: Vec<String> = sqlx::query("SELECT version FROM schema_migrations")
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?;
            let mut applied = Vec::new();
            for m in MIGRATIONS {
                if done.iter().any(|v| v == m.version) {
                    continue;
                }
                let sql = match self.backend {
                    Backend::Sqlite => m.sqlite,
                    Backend::Postgres => m.postgres,
                };
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                    .bind(m.version)
                    .bind(self.now().timestamp())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                tracing::info!(version = m.version, "migration applied");
                applied.push(m.version);
            }
            Ok::<_, crate::error::StoreError>(applied)
        }
        .await;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        drop(conn);
        let applied = result?;
        self.fill_sort_keys().await?;
        Ok(applied)
    }

    /// Keys the names that have none yet (rows from before the sort keys,
    /// or written by hand): idempotent, one query when nothing is missing.
    pub async fn fill_sort_keys(&self) -> StoreResult<u64> {
        let rows = sqlx::query("SELECT id, name FROM accounts WHERE name_key = '' AND name <> ''")
            .fetch_all(&self.pool)
            .await?;
        let mut n = 0;
        for r in rows {
            let (id, name): (i64, String) = (r.try_get(0)?, r.try_get(1)?);
            n += sqlx::query("UPDATE accounts SET name_key = $1 WHERE id = $2 AND name = $3")
                .bind(govmedia_domain::text::sort_key(&name))
                .bind(id)
                .bind(name)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(n)
    }
}
