//! The cache of parameter-dependent analysis results of one snapshot (duplicates, gaps,
//! alignment reports, supply, and career maps whose search reached its cap), keyed by typed
//! parameters. A snapshot is immutable, so entries
//! never go stale; they go away with the snapshot when a new dataset version is swapped in.
//! Results that depend on the snapshot alone (the text model, reachability, the suggester)
//! are not here: they are computed once in `OnceLock` fields of the snapshot.
//!
//! The cache is a [`moka::sync::Cache`] bounded in bytes, not entries: every value says
//! roughly how much memory it holds ([`Weigh`]) and the cache keeps the total under the budget
//! (`CAREERMAP_ANALYSIS_CACHE_BYTES`), dropping what is least likely to be asked again.
//! Callers that miss on the same key at the same time wait for one computation.

use super::career_map::{CareerMap, Limits, MapRequest};
use super::demand::HighDemandPolicy;
use super::duplicates::{DuplicateParams, Duplicates, Measure};
use super::gaps::{Gap, GapParams, Reachability};
use super::report::AlignmentReport;
use super::suggest::Suggester;
use super::supply::SupplyRow;
use super::text::TextModel;
use crate::domain::EntryPoint;
use std::mem::size_of;
use std::sync::Arc;

/// Default budget of one snapshot's cache, in bytes.
pub const DEFAULT_BUDGET: usize = 256 << 20;

/// The parameters a duplicates result depends on (filters are applied to the cached result).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DuplicatesKey {
    min_overlap: u64,
    measure: Measure,
    min_text_similarity: u64,
}

impl From<&DuplicateParams> for DuplicatesKey {
    fn from(p: &DuplicateParams) -> Self {
        DuplicatesKey {
            min_overlap: p.min_overlap.to_bits(),
            measure: p.measure,
            min_text_similarity: p.min_text_similarity.to_bits(),
        }
    }
}

/// The parameters a gap analysis depends on (kind and tier filters are applied to the
/// cached result). Fractions are keyed by their bits: the API rounds them to two decimals.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GapsKey {
    region: String,
    openings_percentile: u64,
    wage_percentile: u64,
    min_growth_pct: Option<u64>,
    containment: u64,
    entry: Option<EntryPoint>,
}

impl From<&GapParams> for GapsKey {
    fn from(p: &GapParams) -> Self {
        let HighDemandPolicy {
            openings_percentile,
            wage_percentile,
            min_growth_pct,
        } = p.policy;
        GapsKey {
            region: p.region.clone(),
            openings_percentile: openings_percentile.to_bits(),
            wage_percentile: wage_percentile.to_bits(),
            min_growth_pct: min_growth_pct.map(f64::to_bits),
            containment: p.containment.to_bits(),
            entry: p.entry,
        }
    }
}

/// The parameters an alignment report depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportKey {
    gaps: GapsKey,
    tier_min: u8,
}

impl ReportKey {
    pub fn new(p: &GapParams, tier_min: u8) -> Self {
        ReportKey {
            gaps: p.into(),
            tier_min,
        }
    }
}

/// The parameters a supply report depends on (status filters are applied to the cached rows).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SupplyKey {
    region: String,
    under: u64,
    over: u64,
}

impl SupplyKey {
    pub fn new(region: &str, under: f64, over: f64) -> Self {
        SupplyKey {
            region: region.to_owned(),
            under: under.to_bits(),
            over: over.to_bits(),
        }
    }
}

/// Everything a career map depends on besides the snapshot: the whole request (learner
/// included), the search budget and the high-demand rule, in one canonical text (their debug
/// form, which lists every field).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MapKey(String);

impl MapKey {
    pub fn new(req: &MapRequest, limits: &Limits, policy: &HighDemandPolicy) -> Self {
        MapKey(format!("{req:?}|{limits:?}|{policy:?}"))
    }
}

/// Which result, for which parameters. Each variant's value is the same-named [`Value`]
/// variant: [`ResultCache`]'s methods are the only writers and readers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Duplicates(DuplicatesKey),
    Gaps(GapsKey),
    Report(ReportKey),
    Supply(SupplyKey),
    Map(MapKey),
}

#[derive(Clone)]
enum Value {
    Duplicates(Arc<Duplicates>),
    Gaps(Arc<Vec<Gap>>),
    Report(Arc<AlignmentReport>),
    Supply(Arc<Vec<SupplyRow>>),
    Map(Arc<CareerMap>),
}

impl Value {
    fn weight(&self) -> usize {
        match self {
            Value::Duplicates(d) => d.weight(),
            Value::Gaps(g) => g.weight(),
            Value::Report(r) => r.weight(),
            Value::Supply(s) => s.weight(),
            Value::Map(m) => m.weight(),
        }
    }
}

impl Key {
    fn weight(&self) -> usize {
        size_of::<Key>()
            + match self {
                Key::Gaps(k) => k.region.len(),
                Key::Report(k) => k.gaps.region.len(),
                Key::Supply(k) => k.region.len(),
                Key::Map(k) => k.0.len(),
                Key::Duplicates(_) => 0,
            }
    }
}

/// One snapshot's parameter-dependent results, bounded in bytes.
pub struct ResultCache {
    cache: moka::sync::Cache<Key, Value>,
}

impl ResultCache {
    /// A cache holding at most about `budget` bytes of results.
    pub fn new(budget: usize) -> ResultCache {
        ResultCache {
            cache: moka::sync::Cache::builder()
                .max_capacity(budget.max(1) as u64)
                .weigher(|k: &Key, v: &Value| u32::try_from(k.weight() + v.weight()).unwrap_or(u32::MAX))
                .build(),
        }
    }

    /// The duplicates for `p`, computed by `compute` on a miss (once, however many ask).
    pub fn duplicates(&self, p: &DuplicateParams, compute: impl FnOnce() -> Duplicates) -> Arc<Duplicates> {
        match self
            .cache
            .get_with(Key::Duplicates(p.into()), || Value::Duplicates(Arc::new(compute())))
        {
            Value::Duplicates(v) => v,
            _ => unreachable!("a duplicates key holds duplicates"),
        }
    }

    /// The gaps for `p`, computed by `compute` on a miss.
    pub fn gaps(&self, p: &GapParams, compute: impl FnOnce() -> Vec<Gap>) -> Arc<Vec<Gap>> {
        match self
            .cache
            .get_with(Key::Gaps(p.into()), || Value::Gaps(Arc::new(compute())))
        {
            Value::Gaps(v) => v,
            _ => unreachable!("a gaps key holds gaps"),
        }
    }

    /// The alignment report for `key`, computed by `compute` on a miss.
    pub fn report(&self, key: ReportKey, compute: impl FnOnce() -> AlignmentReport) -> Arc<AlignmentReport> {
        match self
            .cache
            .get_with(Key::Report(key), || Value::Report(Arc::new(compute())))
        {
            Value::Report(v) => v,
            _ => unreachable!("a report key holds a report"),
        }
    }

    /// The supply rows for `key`, computed by `compute` on a miss.
    pub fn supply(&self, key: SupplyKey, compute: impl FnOnce() -> Vec<SupplyRow>) -> Arc<Vec<SupplyRow>> {
        match self
            .cache
            .get_with(Key::Supply(key), || Value::Supply(Arc::new(compute())))
        {
            Value::Supply(v) => v,
            _ => unreachable!("a supply key holds supply rows"),
        }
    }

    /// The career map for `key`: computed by `compute` on a miss, and kept only when its
    /// search reached its cap (a capped search costs the whole budget; the others are fast
    /// and their answers not worth the memory). Concurrent misses on a key wait for one
    /// computation.
    pub fn career_map(&self, key: MapKey, compute: impl FnOnce() -> CareerMap) -> Arc<CareerMap> {
        let mut compute = Some(compute);
        let mut fresh = None;
        let cached = self.cache.optionally_get_with(Key::Map(key), || {
            let map = compute.take().expect("the initializer runs once")();
            if map.stats.capped {
                Some(Value::Map(Arc::new(map)))
            } else {
                fresh = Some(Arc::new(map));
                None
            }
        });
        match (cached, fresh) {
            (_, Some(map)) => map,
            (Some(Value::Map(map)), None) => map,
            // The value was not kept and this caller's initializer did not run.
            (None, None) => Arc::new(compute.take().expect("not run yet")()),
            (Some(_), None) => unreachable!("a career-map key holds a career map"),
        }
    }

    /// Bytes held, by the values' own estimates (after pending maintenance).
    pub fn bytes(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.weighted_size()
    }

    /// Entries held (after pending maintenance).
    pub fn len(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Roughly how many bytes a cached value holds (heap included).
pub trait Weigh {
    fn weight(&self) -> usize;
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

/// Heap bytes of a region and flags an occupation's demand carries, roughly.
const DEMAND_EXTRA: usize = 64;

impl Weigh for CareerMap {
    fn weight(&self) -> usize {
        let demand = |v: &Vec<super::demand::OccupationDemand>| vec_bytes(v) + v.len() * DEMAND_EXTRA;
        size_of::<CareerMap>()
            + demand(&self.destination)
            + self.region.len()
            + self.reason.as_ref().map_or(0, String::len)
            + vec_bytes(&self.paths)
            + self
                .paths
                .iter()
                .map(|p| {
                    vec_bytes(&p.steps)
                        + p.steps
                            .iter()
                            .map(|s| vec_bytes(&s.covered_by) + vec_bytes(&s.alternatives))
                            .sum::<usize>()
                        + vec_bytes(&p.credentials_earned)
                        + vec_bytes(&p.reaches)
                        + vec_bytes(&p.skipped)
                        + vec_bytes(&p.links)
                        + vec_bytes(&p.courses)
                        + vec_bytes(&p.terms)
                        + p.terms
                            .iter()
                            .map(|t| vec_bytes(&t.steps) + t.stage.len())
                            .sum::<usize>()
                        + vec_bytes(&p.funding)
                        + vec_bytes(&p.exits)
                        + p.exits.iter().map(|e| demand(&e.occupations)).sum::<usize>()
                })
                .sum::<usize>()
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
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn params(min_overlap: f64) -> DuplicateParams {
        DuplicateParams {
            min_overlap,
            ..DuplicateParams::default()
        }
    }

    fn empty() -> Duplicates {
        Duplicates {
            min_overlap: 0.5,
            pairs: Vec::new(),
            clusters: Vec::new(),
        }
    }

    #[test]
    fn computes_once_per_key_and_keys_are_the_parameters() {
        let cache = ResultCache::new(DEFAULT_BUDGET);
        let calls = AtomicUsize::new(0);
        let compute = || {
            calls.fetch_add(1, Ordering::SeqCst);
            empty()
        };
        let a = cache.duplicates(&params(0.5), compute);
        let b = cache.duplicates(&params(0.5), compute);
        assert!(Arc::ptr_eq(&a, &b));
        cache.duplicates(&params(0.6), compute);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(cache.len(), 2);
    }

    /// Callers missing the same key at once wait for one computation.
    #[test]
    fn concurrent_misses_compute_once() {
        let cache = ResultCache::new(DEFAULT_BUDGET);
        let calls = AtomicUsize::new(0);
        let barrier = std::sync::Barrier::new(8);
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    barrier.wait();
                    cache.gaps(&GapParams::default(), || {
                        calls.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        Vec::new()
                    });
                });
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_budget_bounds_the_bytes_held() {
        let budget = 4_000;
        let cache = ResultCache::new(budget);
        for i in 0..200 {
            cache.supply(SupplyKey::new("US", i as f64, 1000.0), Vec::new);
        }
        assert!(cache.bytes() <= budget as u64, "{}", cache.bytes());
        assert!(!cache.is_empty());
    }

    /// A capped career map is kept (asking again computes nothing); an uncapped one is not.
    #[test]
    fn only_capped_career_maps_are_kept() {
        use crate::analysis::career_map::{EntryPoint, Objective, SearchStats, Target};
        use crate::graph::CredentialIx;
        let map = |capped: bool| CareerMap {
            target: Target::Credential(CredentialIx(0)),
            destination: vec![],
            high_demand: false,
            entry: EntryPoint::Adult,
            region: "US".into(),
            optimize: Objective::Duplication,
            paths: vec![],
            reason: None,
            stats: SearchStats {
                capped,
                ..SearchStats::default()
            },
        };
        let req = |k: usize| MapRequest {
            k,
            ..MapRequest::with_defaults(Target::Credential(CredentialIx(0)), EntryPoint::Adult)
        };
        let key = |k: usize| MapKey::new(&req(k), &Limits::default(), &HighDemandPolicy::DEFAULT);
        let cache = ResultCache::new(DEFAULT_BUDGET);
        let runs = AtomicUsize::new(0);
        let run = |capped: bool| {
            runs.fetch_add(1, Ordering::SeqCst);
            map(capped)
        };
        for _ in 0..3 {
            assert!(cache.career_map(key(10), || run(true)).stats.capped);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "a capped answer is searched once");
        for _ in 0..3 {
            assert!(!cache.career_map(key(3), || run(false)).stats.capped);
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            4,
            "an uncapped answer is searched each time"
        );
        assert_eq!(cache.len(), 1);
        assert_ne!(key(3), key(10), "the key is the whole request");
    }
}
