//! A small per-snapshot cache of analysis results (duplicates, gaps, reports), keyed by the
//! analysis and its parameters. A snapshot is immutable, so entries never go stale; they go
//! away with the snapshot when a new dataset version is swapped in.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// At most this many entries are kept; the cache is emptied when it is full.
const MAX_ENTRIES: usize = 64;

/// Results computed once per snapshot and parameter set.
#[derive(Default)]
pub struct AnalysisCache {
    entries: Mutex<HashMap<String, Arc<dyn Any + Send + Sync>>>,
}

impl AnalysisCache {
    /// The cached value under `key`, or `compute()`'s, cached. Two callers that miss at the
    /// same time may both compute; the answers are equal, and the later one is kept.
    pub fn get_or_compute<T: Any + Send + Sync>(&self, key: String, compute: impl FnOnce() -> T) -> Arc<T> {
        if let Some(v) = self.lock().get(&key).cloned()
            && let Ok(v) = v.downcast::<T>()
        {
            return v;
        }
        let v = Arc::new(compute());
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, v.clone());
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<dyn Any + Send + Sync>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn computes_once_per_key() {
        let cache = super::AnalysisCache::default();
        let mut calls = 0;
        let a = cache.get_or_compute("k".into(), || {
            calls += 1;
            7u32
        });
        let b = cache.get_or_compute("k".into(), || 8u32);
        assert_eq!((*a, *b, calls), (7, 7, 1));
    }
}
