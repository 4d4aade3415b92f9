//! A small read cache for derived views that every page asks for (the home
//! page's registry warnings, the statutory calendar): computing them reads
//! hundreds of rows, and on SQLite each row costs a hop to the driver's
//! worker thread.
//!
//! Exactness: every committed write transaction of this process bumps the
//! generation, and an entry is only served while its generation is current,
//! so a reader never sees a view older than its own process's last write.
//! Writes by *another* instance on a shared PostgreSQL are seen within
//! [`TTL`]. An entry records the generation read *before* loading, so a
//! write that commits during a load invalidates what that load stores.

use crate::db::Store;
use crate::error::StoreResult;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long another instance's write may stay unseen.
pub const TTL: Duration = Duration::from_secs(2);

/// Entries beyond this are dropped wholesale (keys are per scope, so a
/// province has at most a few hundred).
const MAX_ENTRIES: usize = 4096;

struct Entry {
    generation: u64,
    loaded: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Default)]
pub struct ReadCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl ReadCache {
    /// Called after every committed write of this process.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn get<T: Send + Sync + 'static>(&self, key: &str) -> Option<Arc<T>> {
        let g = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().ok()?;
        let e = entries.get(key)?;
        if e.generation != g || e.loaded.elapsed() > TTL {
            return None;
        }
        e.value.clone().downcast::<T>().ok()
    }

    fn put<T: Send + Sync + 'static>(&self, key: String, generation: u64, value: Arc<T>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                key,
                Entry {
                    generation,
                    loaded: Instant::now(),
                    value,
                },
            );
        }
    }
}

impl Store {
    /// The cached value under `key`, or what `load` computes (then cached).
    /// `key` must name everything the value depends on but the data.
    pub(crate) async fn cached<T, F, Fut>(&self, key: String, load: F) -> StoreResult<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = StoreResult<T>>,
    {
        let cache = self.read_cache();
        if let Some(v) = cache.get::<T>(&key) {
            return Ok(v);
        }
        let generation = cache.generation.load(Ordering::Acquire);
        let v = Arc::new(load().await?);
        cache.put(key, generation, v.clone());
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_invalidates_what_was_loaded_before_it() {
        let c = ReadCache::default();
        let g = c.generation.load(Ordering::Acquire);
        c.put("k".into(), g, Arc::new(1u32));
        assert_eq!(c.get::<u32>("k").as_deref(), Some(&1));
        c.invalidate();
        assert_eq!(c.get::<u32>("k"), None);
    }

    #[test]
    fn a_value_loaded_across_a_write_is_not_served() {
        let c = ReadCache::default();
        let before = c.generation.load(Ordering::Acquire);
        c.invalidate(); // a write commits while the load runs
        c.put("k".into(), before, Arc::new(1u32));
        assert_eq!(c.get::<u32>("k"), None);
    }

    #[test]
    fn a_key_holds_one_type() {
        let c = ReadCache::default();
        c.put("k".into(), 0, Arc::new(1u32));
        assert_eq!(c.get::<String>("k"), None);
    }
}
