//! Connecting, pool setup and write transactions.

use crate::error::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use govmedia_domain::clock::{SharedClock, SystemClock};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> StoreResult<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Other(format!(
                "unsupported database URL (expected sqlite: or postgres://): {}",
                redact_url(url)
            )))
        }
    }
}

/// Hides the password in a database URL for logs and messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The database handle shared by the whole application.
#[derive(Clone)]
pub struct Store {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite allows one writer; serializing writers in-process avoids
    /// SQLITE_BUSY on lock upgrades. Unused on PostgreSQL.
    write_lock: Arc<Mutex<()>>,
    /// Where "now" comes from for every write and every time-dependent
    /// query (the system clock unless a caller sets another).
    clock: SharedClock,
    /// Derived views, invalidated by every committed write (see `cache`).
    cache: Arc<crate::cache::ReadCache>,
}

/// A transaction for writes. On SQLite it also holds the process-wide
/// writer lock until it is committed or dropped.
pub struct WriteTx {
    pub tx: Transaction<'static, Any>,
    pub backend: Backend,
    /// The moment of this transaction: every row it stamps gets this time.
    pub now: DateTime<Utc>,
    cache: Arc<crate::cache::ReadCache>,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// The connection to run statements on.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        self.cache.invalidate();
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = Transaction<'static, Any>;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Store {
    /// Connects and prepares the pool. For SQLite the file (and its folder)
    /// is created if missing; WAL, foreign keys and a busy timeout are set
    /// on every connection.
    pub async fn connect(url: &str) -> StoreResult<Store> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let opts = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = opts.connect(&url).await?;
        Ok(Store {
            pool,
            backend,
            write_lock: Arc::new(Mutex::new(())),
            clock: Arc::new(SystemClock),
            cache: Arc::default(),
        })
    }

    /// The same store with another clock (tests, `--now`, jobs as of a
    /// moment). Shares the pool and the writer lock.
    pub fn with_clock(mut self, clock: SharedClock) -> Store {
        self.clock = clock;
        self
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// The current moment by this store's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn read_cache(&self) -> &crate::cache::ReadCache {
        &self.cache
    }

    /// Drops every cached view: for a write made outside [`WriteTx`]
    /// (raw SQL in tests and tools).
    pub fn invalidate_cache(&self) {
        self.cache.invalidate();
    }

    /// Starts a write transaction (see [`WriteTx`]).
    pub async fn begin_write(&self) -> StoreResult<WriteTx> {
        let guard = match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        // SQLite: take the write lock at BEGIN, so a transaction that reads
        // first can never fail to upgrade when another process wrote since.
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            now: self.clock.now(),
            cache: self.cache.clone(),
            _guard: guard,
        })
    }

    /// For a single write outside a transaction: on SQLite, waits for the
    /// in-process writer lock so it never races a write transaction.
    pub async fn write_guard(&self) -> Option<OwnedMutexGuard<()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_lock.clone().lock_owned().await),
            Backend::Postgres => None,
        }
    }

    /// One round trip to the database (readiness checks).
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Adds `mode=rwc` so SQLite creates the file, and creates its folder.
fn prepare_sqlite_url(url: &str) -> StoreResult<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path != ":memory:"
        && !path.is_empty()
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::Other(format!("cannot create folder {}: {e}", parent.display()))
        })?;
    }
    let query = match query {
        Some(q) if q.contains("mode=") => q.to_string(),
        Some(q) => format!("{q}&mode=rwc"),
        None => "mode=rwc".to_string(),
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_password() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn backend_from_url() {
        assert_eq!(
            Backend::from_url("sqlite://x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://h/db").is_err());
    }
}
