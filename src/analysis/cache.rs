//! A per-snapshot cache of analysis results (duplicates, gaps, reports), keyed by the
//! analysis and its parameters. A snapshot is immutable, so entries never go stale; they go
//! away with the snapshot when a new dataset version is swapped in.
//!
//! The cache is bounded in bytes, not entries: every value says roughly how much memory it
//! holds ([`Weigh`]), and the least recently used entries are dropped while the total is over
//! the budget (`CAREERMAP_ANALYSIS_CACHE_BYTES`). A value heavier than the whole budget is
//! answered but not kept.

use super::duplicates::Duplicates;
use super::gaps::{Gap, Reachability};
use super::report::AlignmentReport;
use super::suggest::Suggester;
use super::supply::SupplyRow;
use super::text::TextModel;
use std::any::Any;
use std::collections::HashMap;
use std::mem::size_of;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Default budget of one snapshot's cache, in bytes.
pub const DEFAULT_BUDGET: usize = 256 << 20;

static BUDGET: AtomicUsize = AtomicUsize::new(DEFAULT_BUDGET);

/// Sets the byte budget of every analysis cache (`CAREERMAP_ANALYSIS_CACHE_BYTES`).
pub fn set_budget(bytes: usize) {
    BUDGET.store(bytes.max(1), Ordering::Relaxed);
}

/// Roughly how many bytes a cached value holds (heap included).
pub trait Weigh {
    fn weight(&self) -> usize;
}

struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    weight: usize,
    used: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    bytes: usize,
    tick: u64,
}

/// Results computed once per snapshot and parameter set, bounded in bytes (LRU).
#[derive(Default)]
pub struct AnalysisCache {
    inner: Mutex<Inner>,
    budget: Option<usize>,
}

impl AnalysisCache {
    /// A cache with its own budget (tests); [`Default`] follows [`set_budget`].
    pub fn with_budget(bytes: usize) -> AnalysisCache {
        AnalysisCache {
            inner: Mutex::default(),
            budget: Some(bytes),
        }
    }

    /// The cached value under `key`, or `compute()`'s, cached. Two callers that miss at the
    /// same time may both compute; the answers are equal, and the later one is kept.
    pub fn get_or_compute<T: Any + Send + Sync + Weigh>(&self, key: String, compute: impl FnOnce() -> T) -> Arc<T> {
        {
            let mut inner = self.lock();
            inner.tick += 1;
            let tick = inner.tick;
            if let Some(e) = inner.entries.get_mut(&key) {
                e.used = tick;
                if let Ok(v) = e.value.clone().downcast::<T>() {
                    return v;
                }
            }
        }
        let v = Arc::new(compute());
        let weight = v.weight() + key.len() + size_of::<Entry>();
        let budget = self.budget.unwrap_or_else(|| BUDGET.load(Ordering::Relaxed));
        if weight > budget {
            return v;
        }
        let mut inner = self.lock();
        inner.tick += 1;
        let tick = inner.tick;
        if let Some(old) = inner.entries.remove(&key) {
            inner.bytes -= old.weight;
        }
        while inner.bytes + weight > budget {
            let Some(lru) = inner.entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| k.clone()) else {
                break;
            };
            let e = inner.entries.remove(&lru).expect("present");
            inner.bytes -= e.weight;
        }
        inner.bytes += weight;
        inner.entries.insert(
            key,
            Entry {
                value: v.clone(),
                weight,
                used: tick,
            },
        );
        v
    }

    /// Bytes held, by the values' own estimates.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn vec_bytes<T>(v: &Vec<T>) -> usize {
    v.capacity() * size_of::<T>()
}

fn string_bytes(s: &str) -> usize {
    size_of::<String>() + s.len()
}

impl Weigh for Duplicates {
    fn weight(&self) -> usize {
        size_of::<Duplicates>()
            + vec_bytes(&self.pairs)
            + self
                .pairs
                .iter()
                .map(|p| {
                    vec_bytes(&p.shared)
                        + vec_bytes(&p.terms)
                        + p.terms.iter().map(|t| t.len()).sum::<usize>()
                        + vec_bytes(&p.codes)
                        + p.codes.iter().map(|c| c.len()).sum::<usize>()
                })
                .sum::<usize>()
            + vec_bytes(&self.clusters)
            + self.clusters.iter().map(vec_bytes).sum::<usize>()
    }
}

impl Weigh for Gap {
    fn weight(&self) -> usize {
        size_of::<Gap>()
            + self.subjects.iter().map(|s| string_bytes(s)).sum::<usize>()
            + self.detail.len()
            + self.suggestion.len()
    }
}

impl<T: Weigh> Weigh for Vec<T> {
    fn weight(&self) -> usize {
        size_of::<Vec<T>>()
            + self.iter().map(Weigh::weight).sum::<usize>()
            + (self.capacity() - self.len()) * size_of::<T>()
    }
}

impl Weigh for AlignmentReport {
    fn weight(&self) -> usize {
        size_of::<AlignmentReport>()
            + self.region.len()
            + vec_bytes(&self.high_demand_occupations)
            + vec_bytes(&self.pathway_share)
            + vec_bytes(&self.transitions)
            + vec_bytes(&self.dead_ends)
            + vec_bytes(&self.gaps_by_kind)
            + self.top_gaps.weight()
            + vec_bytes(&self.complexity)
    }
}

impl Weigh for Reachability {
    /// One bit-ish flag per node and entry point would be less; the estimate stays on the
    /// safe side with a word per node of the larger reach sets.
    fn weight(&self) -> usize {
        size_of::<Reachability>() + 3 * 64 * 1024
    }
}

impl Weigh for TextModel {
    fn weight(&self) -> usize {
        size_of::<TextModel>()
            // the vocabulary twice (terms and the term index) plus document frequencies
            + 2 * self.terms.iter().map(|t| string_bytes(t) + size_of::<u32>()).sum::<usize>()
            + vec_bytes(&self.df)
            + vec_bytes(&self.vectors)
            + self.vectors.iter().map(vec_bytes).sum::<usize>()
    }
}

impl Weigh for Suggester {
    fn weight(&self) -> usize {
        size_of::<Suggester>() + self.heap_bytes()
    }
}

impl Weigh for SupplyRow {
    fn weight(&self) -> usize {
        size_of::<SupplyRow>() + vec_bytes(&self.credentials) + vec_bytes(&self.credentials_without_figures)
    }
}

impl Weigh for u32 {
    fn weight(&self) -> usize {
        size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Blob(usize);
    impl Weigh for Blob {
        fn weight(&self) -> usize {
            self.0
        }
    }

    #[test]
    fn computes_once_per_key() {
        let cache = AnalysisCache::default();
        let mut calls = 0;
        let a = cache.get_or_compute("k".into(), || {
            calls += 1;
            7u32
        });
        let b = cache.get_or_compute("k".into(), || 8u32);
        assert_eq!((*a, *b, calls), (7, 7, 1));
    }

    /// Against a brute-force model of an LRU bounded in bytes: after each access the kept keys
    /// are exactly the most recently used ones that fit, newest first.
    #[test]
    fn lru_in_bytes_matches_a_model() {
        let overhead = |k: &str| k.len() + size_of::<Entry>();
        let budget = 10_000;
        let cache = AnalysisCache::with_budget(budget);
        let mut rng = fastrand::Rng::with_seed(3);
        let mut order: Vec<(String, usize)> = Vec::new(); // most recent last
        for _ in 0..2_000 {
            let k = format!("k{}", rng.usize(0..30));
            let w = 100 + (k.len() * 397) % 2_500;
            let mut computed = false;
            cache.get_or_compute(k.clone(), || {
                computed = true;
                Blob(w)
            });
            let was_kept = order.iter().any(|(x, _)| *x == k);
            assert_eq!(computed, !was_kept, "hit iff kept: {k}");
            order.retain(|(x, _)| *x != k);
            order.push((k.clone(), w + overhead(&k)));
            // Model: keep from the newest back while they fit.
            let mut total = 0;
            let mut kept = Vec::new();
            for (x, wt) in order.iter().rev() {
                if total + wt > budget {
                    break;
                }
                total += wt;
                kept.push((x.clone(), *wt));
            }
            kept.reverse();
            order = kept;
            assert_eq!(cache.bytes(), total);
            assert_eq!(cache.len(), order.len());
            assert!(cache.bytes() <= budget);
        }
    }

    #[test]
    fn a_value_over_the_budget_is_not_kept() {
        let cache = AnalysisCache::with_budget(1_000);
        cache.get_or_compute("big".into(), || Blob(5_000));
        assert_eq!((cache.len(), cache.bytes()), (0, 0));
    }
}
