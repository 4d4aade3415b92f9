//! Test databases: a fresh SQLite file, or a fresh PostgreSQL database
//! created on the server named by `GOVMEDIA_TEST_PG_URL` and dropped after.

use crate::db::Store;
use crate::secrets::random_token;

pub struct TestDb {
    pub store: Store,
    pg: Option<(String, String)>,
    file: Option<std::path::PathBuf>,
}

impl TestDb {
    /// A migrated SQLite database in a new temporary file.
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("govmedia-test-{}.db", random_token(8)));
        let url = format!("sqlite://{}", path.display());
        let store = Store::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("connect {url}: {e}"));
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("migrate: {e}"));
        TestDb {
            store,
            pg: None,
            file: Some(path),
        }
    }

    /// A migrated PostgreSQL database, or None when the variable is unset.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("GOVMEDIA_TEST_PG_URL").ok()?;
        let name = format!("govmedia_test_{}", random_token(6));
        let admin = Store::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("connect {admin_url}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin.pool)
            .await
            .unwrap_or_else(|e| panic!("create database: {e}"));
        admin.close().await;
        let url = replace_db_name(&admin_url, &name);
        let store = Store::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("connect {url}: {e}"));
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("migrate: {e}"));
        Some(TestDb {
            store,
            pg: Some((admin_url, name)),
            file: None,
        })
    }

    /// Closes the pool and removes the database.
    pub async fn teardown(self) {
        self.store.close().await;
        if let Some((admin_url, name)) = self.pg
            && let Ok(admin) = Store::connect(&admin_url).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin.pool)
                .await;
            admin.close().await;
        }
        if let Some(f) = self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

/// Swaps the database name in a postgres URL.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Defines a test that runs once on SQLite and once on PostgreSQL (the
/// latter only when `GOVMEDIA_TEST_PG_URL` is set).
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::sqlite().await;
                ($body)(db.store.clone()).await;
                db.teardown().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = $crate::testing::TestDb::postgres().await else {
                    eprintln!("GOVMEDIA_TEST_PG_URL not set: PostgreSQL run skipped");
                    return;
                };
                ($body)(db.store.clone()).await;
                db.teardown().await;
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_db_name() {
        assert_eq!(
            replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_db_name("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(replace_db_name("postgres://h", "x"), "postgres://h/x");
    }
}
