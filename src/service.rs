//! The catalog service: owns the store and the current snapshot, and runs writes.
//!
//! Writes validate a whole bundle, commit it to sled as a new dataset version, build the new
//! graph and swap it in with one atomic pointer store. Readers `load()` the current snapshot
//! and never wait on a writer; writers are serialised by a mutex.

use crate::analysis::cache::{DEFAULT_BUDGET, ResultCache};
use crate::analysis::gaps::Reachability;
use crate::analysis::search::SearchIndex;
use crate::analysis::suggest::Suggester;
use crate::analysis::text::TextModel;
use crate::domain::ImportMode;
use crate::domain::changes::diff;
use crate::domain::{Bundle, ChangeWarning as Warning, Counts, Diff, Incoming, Origins, Problem};
use crate::graph::CatalogGraph;
use crate::store::{Shortage, Store, StoreError, VersionInfo, now_rfc3339};
use crate::telemetry::Phase;
use arc_swap::ArcSwap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// The seed dataset, embedded in the binary.
pub const SEED: &str = include_str!("../seed/catalog.json");

/// One dataset version as readers see it.
pub struct Snapshot {
    pub info: VersionInfo,
    pub graph: CatalogGraph,
    /// Per-region demand distributions, computed on first use.
    demand: OnceLock<crate::analysis::demand::DemandIndex>,
    /// The courses' TF-IDF text model, computed on first use.
    text_model: OnceLock<TextModel>,
    /// Reachability from each entry point, computed on first use.
    reachability: OnceLock<Reachability>,
    /// The competency suggester, computed on first use.
    suggester: OnceLock<Suggester>,
    /// The search index of occupations, credentials and courses, built on first use.
    search: OnceLock<Result<SearchIndex, String>>,
    /// Parameter-dependent results (duplicates, gaps, reports, supply), created on first use
    /// with the catalog's byte budget at that time.
    results: OnceLock<ResultCache>,
    /// The byte budget of `results`, shared with the catalog (`CAREERMAP_ANALYSIS_CACHE_BYTES`).
    budget: Arc<AtomicUsize>,
}

impl Snapshot {
    fn new(info: VersionInfo, bundle: Bundle, budget: Arc<AtomicUsize>) -> Snapshot {
        Snapshot {
            graph: CatalogGraph::build(info.version, bundle),
            info,
            demand: OnceLock::new(),
            text_model: OnceLock::new(),
            reachability: OnceLock::new(),
            suggester: OnceLock::new(),
            search: OnceLock::new(),
            results: OnceLock::new(),
            budget,
        }
    }

    /// The empty dataset of a store nothing was committed to.
    fn empty(budget: Arc<AtomicUsize>) -> Snapshot {
        Snapshot::new(
            VersionInfo {
                version: 0,
                committed_at: now_rfc3339(),
                origin: "empty".into(),
                counts: Default::default(),
                author: None,
            },
            Bundle::default(),
            budget,
        )
    }

    pub fn bundle(&self) -> &Bundle {
        self.graph.bundle()
    }

    /// The demand distributions of this snapshot (built once, on first use).
    pub fn demand(&self) -> &crate::analysis::demand::DemandIndex {
        self.demand
            .get_or_init(|| crate::analysis::demand::DemandIndex::build(&self.graph))
    }

    /// The courses' text model (built once, on first use).
    pub fn text_model(&self) -> &TextModel {
        self.text_model
            .get_or_init(|| crate::analysis::duplicates::course_text_model(&self.graph))
    }

    /// Reachability from each entry point (built once, on first use).
    pub fn reachability(&self) -> &Reachability {
        self.reachability.get_or_init(|| Reachability::new(&self.graph))
    }

    /// The competency suggester (built once, on first use, on the text model).
    pub fn suggester(&self) -> &Suggester {
        self.suggester
            .get_or_init(|| Suggester::new(&self.graph, self.text_model()))
    }

    /// The search index (built once, on first use, with reachability for `has_route`); an
    /// error of the index library is kept and given to every search.
    pub fn search_index(&self) -> Result<&SearchIndex, &str> {
        self.search
            .get_or_init(|| SearchIndex::build(&self.graph, self.reachability()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The cache of this snapshot's parameter-dependent results.
    pub fn results(&self) -> &ResultCache {
        self.results
            .get_or_init(|| ResultCache::new(self.budget.load(Ordering::Relaxed)))
    }
}

/// What the catalog can give of one dataset version.
pub enum DatasetAt {
    /// The version's data, as a snapshot.
    Retained(Arc<Snapshot>),
    /// The version was committed, but its records are no longer kept.
    NotRetained,
    /// No such version was ever committed.
    Unknown,
}

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the bundle has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    /// The write is refused as it stands (a replace removing most records without confirm).
    #[error("{0}")]
    Refused(String),
    /// No kept data for this version (never committed, or older than the retention).
    #[error("version {0} has no kept data")]
    NotKept(u64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did, or with `dry_run` would do.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The dataset version now served (unchanged by a dry run).
    pub version: u64,
    /// Whether the import changed (or, dry, would change) the dataset; an import that changes
    /// nothing makes no version.
    pub changed: bool,
    /// Records per kind in the resulting dataset.
    pub counts: Counts,
    /// The changes, for a dry run.
    pub diff: Option<Diff>,
    /// Pulled fields a merge drops.
    pub warnings: Vec<Warning>,
}

/// The catalog: store plus current snapshot.
pub struct Catalog {
    store: Store,
    current: ArcSwap<Snapshot>,
    writer: Mutex<()>,
    /// Versions whose data is kept for restore (`CAREERMAP_KEEP_VERSIONS`).
    keep: AtomicUsize,
    /// Byte budget of each snapshot's result cache (`CAREERMAP_ANALYSIS_CACHE_BYTES`).
    cache_budget: Arc<AtomicUsize>,
    /// False while [`Catalog::open_in_background`] is still loading the dataset; writes wait
    /// for it (`loaded`), readers are answered 503 by the API guard.
    ready: AtomicBool,
    loaded: (Mutex<bool>, Condvar),
    /// Set by [`Catalog::one_shot`]: a write commits and does not build the new snapshot.
    one_shot: AtomicBool,
    /// The thread that loads the dataset: its seed write must not wait for the load it is
    /// part of.
    loader: std::sync::OnceLock<std::thread::ThreadId>,
    /// Why the service is degraded (`/health`): the current version did not verify and an
    /// older one is served, or a write could not be undone.
    degraded: Mutex<Option<String>>,
    /// Set when a failed write could not be undone in this process: writes are refused until a
    /// restart (the reason, and whether the disk was full).
    poisoned: Mutex<Option<(String, bool)>>,
    /// Bytes a write must leave free (`CAREERMAP_MIN_FREE_DISK`).
    min_free_disk: AtomicU64,
}

/// Default of `CAREERMAP_KEEP_VERSIONS`.
pub const DEFAULT_KEEP_VERSIONS: usize = 20;

/// How a write is made and recorded.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// A `replace` may remove more than half of the records (or all of them).
    pub confirm: bool,
    /// Fingerprint of the token that wrote it.
    pub author: Option<String>,
    /// Bytes the write brings (an import's body): the disk must have twice that free beyond
    /// `CAREERMAP_MIN_FREE_DISK` before it starts.
    pub incoming_bytes: u64,
}

/// What a write did.
#[derive(Debug, Clone)]
pub struct WriteOutcome {
    /// The version now current (the old one when nothing changed).
    pub info: VersionInfo,
    /// False when the write changed nothing and no version was made.
    pub changed: bool,
}

impl Catalog {
    /// Opens the store and loads its current dataset. When the store is empty and `seed` is
    /// true, the embedded seed is committed as the first version.
    pub fn open(dir: &Path, seed: bool) -> anyhow::Result<Catalog> {
        let catalog = Catalog::open_unloaded(dir)?;
        catalog.load(seed)?;
        Ok(catalog)
    }

    /// Opens the store (so a locked or unreadable data directory fails here) and loads its
    /// dataset on a background thread: until then [`Catalog::is_ready`] is false, the snapshot
    /// is empty (version 0) and writes wait. A dataset that cannot be loaded ends the process
    /// (as it would have failed the start before).
    pub fn open_in_background(dir: &Path, seed: bool) -> anyhow::Result<Arc<Catalog>> {
        let catalog = Arc::new(Catalog::open_unloaded(dir)?);
        let loading = catalog.clone();
        std::thread::Builder::new().name("catalog-load".into()).spawn(move || {
            if let Err(e) = loading.load(seed) {
                tracing::error!(error = format!("{e:#}"), "the dataset cannot be loaded");
                eprintln!("careermap: the dataset cannot be loaded: {e:#}");
                std::process::exit(1);
            }
        })?;
        Ok(catalog)
    }

    pub(crate) fn open_unloaded(dir: &Path) -> anyhow::Result<Catalog> {
        std::fs::create_dir_all(dir)?;
        let store = Store::open(dir)?;
        let cache_budget = Arc::new(AtomicUsize::new(DEFAULT_BUDGET));
        Ok(Catalog {
            store,
            current: ArcSwap::from_pointee(Snapshot::empty(cache_budget.clone())),
            cache_budget,
            writer: Mutex::new(()),
            keep: AtomicUsize::new(DEFAULT_KEEP_VERSIONS),
            ready: AtomicBool::new(false),
            loaded: (Mutex::new(false), Condvar::new()),
            one_shot: AtomicBool::new(false),
            loader: std::sync::OnceLock::new(),
            degraded: Mutex::new(None),
            poisoned: Mutex::new(None),
            min_free_disk: AtomicU64::new(crate::settings::DEFAULT_MIN_FREE_DISK),
        })
    }

    /// Loads the current dataset (seeding an empty store when `seed`), then marks the catalog
    /// ready: a seeded start is never served empty. Runs once, before any other write.
    fn load(&self, seed: bool) -> anyhow::Result<()> {
        let _ = self.loader.set(std::thread::current().id());
        let outcome = self.load_and_seed(seed);
        self.mark_ready();
        outcome
    }

    fn load_and_seed(&self, seed: bool) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let result = (|| {
            let removed = self.store.collect_interrupted()?;
            if removed > 0 {
                tracing::info!(chunks = removed, "chunks of an interrupted commit deleted");
            }
            if let Some(served) = self.store.load_served()? {
                if let Some((broken, why)) = &served.fallback {
                    let v = served.info.version;
                    let reason = format!(
                        "dataset version {broken} is not whole ({why}); version {v}, the newest that is, is served. \
                         Make it current again with POST /v1/datasets/{v}/restore, or see every kept version with \
                         `careermap check`"
                    );
                    tracing::error!(broken = *broken, served = v, why = %why, "{reason}");
                    *lock(&self.degraded) = Some(reason);
                }
                let phase = Phase::start("load.snapshot");
                let snapshot = Snapshot::new(served.info, served.bundle, self.cache_budget.clone());
                phase.end();
                self.current.store(Arc::new(snapshot));
            }
            anyhow::Ok(())
        })();
        tracing::info!(
            version = self.snapshot().info.version,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "dataset loaded"
        );
        result?;
        if seed && self.snapshot().info.version == 0 {
            let started = std::time::Instant::now();
            let bundle = Bundle::from_json(SEED.as_bytes())
                .map_err(|p| anyhow::anyhow!("the embedded seed does not parse: {}", p[0]))?;
            let info = self.write(bundle, ImportMode::Replace, "seed").map_err(|e| match e {
                WriteError::Invalid(p) => anyhow::anyhow!("the embedded seed is invalid: {}", p[0]),
                other => anyhow::anyhow!("the embedded seed cannot be stored: {other}"),
            })?;
            tracing::info!(
                version = info.version,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "seed dataset loaded"
            );
        }
        Ok(())
    }

    fn mark_ready(&self) {
        let (lock, cv) = &self.loaded;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.ready.store(true, Ordering::Release);
        cv.notify_all();
    }

    /// Blocks until the dataset is loaded (at once after [`Catalog::open`]).
    pub fn wait_ready(&self) {
        if self.is_ready() {
            return;
        }
        let (lock, cv) = &self.loaded;
        let mut done = lock.lock().unwrap_or_else(|p| p.into_inner());
        while !*done {
            done = cv.wait(done).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// For a command that writes once and exits (`careermap import`): the write commits but
    /// skips building the graph of the new version (most of a large import's memory); any
    /// write after that one is refused.
    pub fn one_shot(&self) {
        self.one_shot.store(true, Ordering::Relaxed);
    }

    /// Whether the dataset is loaded and served.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The current version as the store records it: available before the dataset is loaded.
    pub fn stored_version(&self) -> Result<Option<VersionInfo>, StoreError> {
        self.store.current()
    }

    /// The snapshot of dataset `version`: the current one, or one built from the records the
    /// store still keeps for it ([`Store::load_version`]; see `CAREERMAP_KEEP_VERSIONS`).
    pub fn dataset_at(&self, version: u64) -> Result<DatasetAt, StoreError> {
        self.wait_ready();
        let current = self.snapshot();
        if current.info.version == version {
            return Ok(DatasetAt::Retained(current));
        }
        let Some(info) = self.history()?.into_iter().find(|v| v.version == version) else {
            return Ok(DatasetAt::Unknown);
        };
        Ok(match self.store.load_version(version)? {
            Some(bundle) => DatasetAt::Retained(Arc::new(Snapshot::new(info, bundle, self.cache_budget.clone()))),
            None => DatasetAt::NotRetained,
        })
    }

    /// The current snapshot. Cheap; never blocks on a writer.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// The byte budget of each snapshot's cache of analysis results
    /// (`CAREERMAP_ANALYSIS_CACHE_BYTES`); a snapshot's cache takes the budget in force when it
    /// is first used.
    pub fn set_analysis_cache_bytes(&self, bytes: usize) {
        self.cache_budget.store(bytes.max(1), Ordering::Relaxed);
    }

    /// Bytes every write must leave free on the data directory's disk (`CAREERMAP_MIN_FREE_DISK`).
    pub fn set_min_free_disk(&self, bytes: u64) {
        self.min_free_disk.store(bytes, Ordering::Relaxed);
    }

    /// Why the service is degraded, if it is: the current version did not verify (an older
    /// one is served) or a failed write could not be undone.
    pub fn degraded(&self) -> Option<String> {
        lock(&self.degraded).clone()
    }

    /// Refuses a write that would bring `incoming` bytes when the disk has less than
    /// `CAREERMAP_MIN_FREE_DISK` plus twice that free ([`StoreError::InsufficientStorage`]).
    pub fn ensure_space(&self, incoming: u64) -> Result<(), StoreError> {
        let reserve = self.min_free_disk.load(Ordering::Relaxed);
        let required = reserve.saturating_add(incoming.saturating_mul(2));
        let available = self.store.free_bytes().map_err(|e| StoreError::Unexpected(e.into()))?;
        if available < required {
            tracing::warn!(
                available,
                required,
                reserve,
                incoming,
                "write refused: not enough free disk"
            );
            return Err(StoreError::InsufficientStorage(Shortage {
                available,
                required,
                reserve,
                incoming,
                during_write: false,
            }));
        }
        Ok(())
    }

    /// A store error of a write that brought `incoming` bytes, with a full disk told as the
    /// shortage it is (the figures as they are now).
    pub fn storage_error(&self, e: StoreError, incoming: u64) -> StoreError {
        if !e.is_disk_full() {
            return e;
        }
        let reserve = self.min_free_disk.load(Ordering::Relaxed);
        StoreError::InsufficientStorage(Shortage {
            available: self.store.free_bytes().unwrap_or(0),
            required: reserve.saturating_add(incoming.saturating_mul(2)),
            reserve,
            incoming,
            during_write: true,
        })
    }

    /// After a commit failed: takes its version back (in this process) and deletes what it
    /// wrote; when even that fails (sled refuses every write after a disk error), writes are
    /// refused until a restart, which opens the store at the last acknowledged version.
    fn after_failed_commit(&self, e: StoreError, incoming: u64) -> WriteError {
        let undone = self
            .store
            .take_back_unacknowledged()
            .and_then(|_| self.store.collect_interrupted());
        let disk_full = e.is_disk_full();
        match undone {
            Ok(_) => tracing::error!(error = %e, "a write failed; nothing was committed"),
            Err(undo) => {
                let why = format!(
                    "a write failed ({e}) and could not be undone in this process ({undo}); writes are refused \
                     until the service restarts, which opens the store at the last acknowledged version"
                );
                tracing::error!("{why}");
                *lock(&self.poisoned) = Some((why.clone(), disk_full));
                *lock(&self.degraded) = Some(why);
            }
        }
        WriteError::Store(self.storage_error(e, incoming))
    }

    /// How many versions keep their data (at least 1).
    pub fn set_keep_versions(&self, keep: usize) {
        self.keep.store(keep.max(1), Ordering::Relaxed);
    }

    /// Validates and commits `bundle` as a new dataset version, then makes it current.
    /// On any problem nothing is written and the current version stays.
    pub fn write(&self, bundle: Bundle, mode: ImportMode, origin: &str) -> Result<VersionInfo, WriteError> {
        let opts = WriteOptions {
            confirm: true,
            ..Default::default()
        };
        self.write_opts(bundle, mode, origin, &opts).map(|o| o.info)
    }

    /// [`Catalog::write`] with options: a `replace` that would remove more than half of the
    /// current records, or all of them, is refused unless `confirm`; a write that changes
    /// nothing makes no version (`changed: false`).
    pub fn write_opts(
        &self,
        bundle: Bundle,
        mode: ImportMode,
        origin: &str,
        opts: &WriteOptions,
    ) -> Result<WriteOutcome, WriteError> {
        let confirm = opts.confirm;
        let mut refused = None;
        let outcome = self.commit_with(origin, opts, |current| match mode {
            ImportMode::Replace => {
                let mut b = bundle;
                b.canonicalize();
                if let Some(why) = replace_refusal(current, &b, confirm) {
                    refused = Some(why);
                    return Ok(None);
                }
                Ok(Some(b))
            }
            // A typed record gives every one of its fields, so patching with it is merging.
            ImportMode::Merge | ImportMode::Patch => {
                let dups = bundle.duplicate_ids();
                if !dups.is_empty() {
                    return Err(dups);
                }
                Ok(Some(current.merge(bundle)))
            }
        })?;
        match (refused, outcome) {
            (Some(why), _) => Err(WriteError::Refused(why)),
            (None, Some(o)) => Ok(o),
            (None, None) => unreachable!("no refusal without a reason"),
        }
    }

    /// Imports records (whole ones merged by id, or onto an empty catalog when `replace`;
    /// partial ones field by field), all or nothing. With `dry_run` nothing is written and
    /// the answer carries the diff the import would make. Problems name the place in the
    /// import each record came from (`origins`).
    pub fn import(
        &self,
        incoming: Incoming,
        origins: &Origins,
        replace: bool,
        dry_run: bool,
        origin: &str,
        opts: &WriteOptions,
    ) -> Result<ImportOutcome, WriteError> {
        let relocate = |e: WriteError| match e {
            WriteError::Invalid(p) => WriteError::Invalid(origins.relocate(p)),
            other => other,
        };
        if dry_run {
            self.wait_ready();
            let current = self.snapshot();
            let applied = incoming
                .apply(current.bundle(), replace, origins)
                .map_err(WriteError::Invalid)?;
            applied
                .bundle
                .validate()
                .map_err(|p| WriteError::Invalid(origins.relocate(p)))?;
            let diff = diff(current.bundle(), &applied.bundle);
            return Ok(ImportOutcome {
                version: current.info.version,
                changed: !diff.is_empty(),
                counts: applied.bundle.counts(),
                diff: Some(diff),
                warnings: applied.warnings,
            });
        }
        let mut warnings = Vec::new();
        let mut refused = None;
        let outcome = self
            .commit_with(origin, opts, |current| {
                let applied = incoming.apply(current, replace, origins)?;
                if replace && let Some(why) = replace_refusal(current, &applied.bundle, opts.confirm) {
                    refused = Some(why);
                    return Ok(None);
                }
                warnings = applied.warnings;
                Ok(Some(applied.bundle))
            })
            .map_err(relocate)?;
        if let Some(why) = refused {
            return Err(WriteError::Refused(why));
        }
        let outcome = outcome.expect("made unless refused");
        Ok(ImportOutcome {
            version: outcome.info.version,
            changed: outcome.changed,
            counts: outcome.info.counts,
            diff: None,
            warnings,
        })
    }

    /// Commits the dataset `make` derives from the current one (for writes that are neither a
    /// plain merge nor a replace, such as a pull replacing one source's records).
    pub fn write_with(
        &self,
        origin: &str,
        make: impl FnOnce(&Bundle) -> Result<Bundle, Vec<Problem>>,
    ) -> Result<VersionInfo, WriteError> {
        self.commit_with(origin, &WriteOptions::default(), |b| make(b).map(Some))
            .map(|o| o.expect("always made").info)
    }

    /// Makes a new version equal to the kept `version` (an undo).
    pub fn restore(&self, version: u64, opts: &WriteOptions) -> Result<WriteOutcome, WriteError> {
        let bundle = self.store.load_version(version)?.ok_or(WriteError::NotKept(version))?;
        let mut refused = None;
        let outcome = self.commit_with(&format!("restore:{version}"), opts, |current| {
            refused = refusal(current, &bundle, opts.confirm, &format!("restoring version {version}"));
            Ok(refused.is_none().then_some(bundle))
        })?;
        match (refused, outcome) {
            (Some(why), _) => Err(WriteError::Refused(why)),
            (None, Some(o)) => Ok(o),
            (None, None) => unreachable!("no refusal without a reason"),
        }
    }

    /// The one write path: `make` returns the next dataset (or `None` to stop without
    /// writing); it is validated, and committed unless equal to the current one.
    fn commit_with(
        &self,
        origin: &str,
        opts: &WriteOptions,
        make: impl FnOnce(&Bundle) -> Result<Option<Bundle>, Vec<Problem>>,
    ) -> Result<Option<WriteOutcome>, WriteError> {
        if self.one_shot.load(Ordering::Relaxed) && !self.is_ready() {
            return Err(WriteError::Refused("this one-shot catalog has already written".into()));
        }
        if self.loader.get() != Some(&std::thread::current().id()) {
            self.wait_ready();
        }
        let _guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((why, disk_full)) = lock(&self.poisoned).clone() {
            return Err(WriteError::Store(match disk_full {
                true => self.storage_error(StoreError::DiskFull(why), opts.incoming_bytes),
                false => StoreError::Poisoned(why),
            }));
        }
        // The embedded seed of a first start is what makes the service usable: not held to it.
        if self.is_ready() || self.loader.get() != Some(&std::thread::current().id()) {
            self.ensure_space(opts.incoming_bytes)?;
        }
        let current = self.snapshot();
        let mut phase = Phase::start("write.make");
        let Some(next) = make(current.bundle()).map_err(WriteError::Invalid)? else {
            return Ok(None);
        };
        phase.next("write.validate");
        next.validate().map_err(WriteError::Invalid)?;
        phase.next("write.compare");
        // When an older version is served because the stored current one is not whole, even
        // equal data is committed: it makes a whole version current again.
        let served_is_stored = self.store.current()?.map(|i| i.version) == Some(current.info.version);
        let same = current.info.version > 0 && served_is_stored && &next == current.bundle();
        phase.end();
        if same {
            return Ok(Some(WriteOutcome {
                info: current.info.clone(),
                changed: false,
            }));
        }
        let info = VersionInfo {
            // Above every version ever committed, also when an older one is served.
            version: current.info.version.max(self.store.last_version()?) + 1,
            committed_at: now_rfc3339(),
            origin: origin.to_owned(),
            counts: next.counts(),
            author: opts.author.clone(),
        };
        if let Err(e) = self.store.commit(&next, &info, self.keep.load(Ordering::Relaxed)) {
            return Err(self.after_failed_commit(e, opts.incoming_bytes));
        }
        *lock(&self.degraded) = None;
        if self.one_shot.load(Ordering::Relaxed) {
            // The snapshot no longer tells the current version: no further write.
            drop(next);
            self.ready.store(false, Ordering::Release);
            *self.loaded.0.lock().unwrap_or_else(|p| p.into_inner()) = false;
            return Ok(Some(WriteOutcome { info, changed: true }));
        }
        let phase = Phase::start("write.snapshot");
        self.current
            .store(Arc::new(Snapshot::new(info.clone(), next, self.cache_budget.clone())));
        phase.end();
        Ok(Some(WriteOutcome { info, changed: true }))
    }

    /// Whether the data of `version` is kept (restorable).
    pub fn is_kept(&self, version: u64) -> Result<bool, StoreError> {
        self.store.is_kept(version)
    }

    /// The committed versions, oldest first.
    pub fn history(&self) -> Result<Vec<VersionInfo>, StoreError> {
        self.store.history()
    }

    /// The pull-job store kept beside the catalog (same database).
    /// The saved-plan store.
    pub fn plans(&self) -> Result<crate::store::plans::PlanStore, StoreError> {
        self.store.plans()
    }

    pub fn jobs(&self) -> Result<crate::store::JobStore, StoreError> {
        self.store.jobs()
    }

    /// Flushes everything written so far (at shutdown).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.store.flush()
    }
}

/// A mutex's value, also after a panic elsewhere held it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Records of `current` whose id `next` does not have.
/// Why a `replace` from `current` to `next` is refused without `confirm`: it would remove more
/// than half of the records, or all of them.
fn replace_refusal(current: &Bundle, next: &Bundle, confirm: bool) -> Option<String> {
    refusal(current, next, confirm, "this replace")
}

/// Why a write that makes `next` of `current` (`what`: a replace, a restore) is refused without
/// `confirm`: it would remove more than half of the records of every kind, or all of them.
fn refusal(current: &Bundle, next: &Bundle, confirm: bool, what: &str) -> Option<String> {
    let before = current.counts().total();
    let removed = removed_records(current, next);
    (!confirm && before > 0 && (removed * 2 > before || next.is_empty())).then(|| {
        format!(
            "{what} would remove {removed} of the {before} records; send `confirm=true` to do it \
             (older versions can be restored with POST /v1/datasets/{{version}}/restore)"
        )
    })
}

fn removed_records(current: &Bundle, next: &Bundle) -> usize {
    fn gone<T>(a: &[T], b: &[T], id: impl Fn(&T) -> &str) -> usize {
        let keep: std::collections::HashSet<&str> = b.iter().map(&id).collect();
        a.iter().filter(|r| !keep.contains(id(r))).count()
    }
    gone(&current.competencies, &next.competencies, |r| r.id.as_str())
        + gone(&current.courses, &next.courses, |r| r.id.as_str())
        + gone(&current.credentials, &next.credentials, |r| r.id.as_str())
        + gone(&current.occupations, &next.occupations, |r| r.soc.as_str())
        + gone(&current.articulations, &next.articulations, |r| r.id.as_str())
        + gone(&current.pathways, &next.pathways, |r| r.id.as_str())
        + gone(&current.assessments, &next.assessments, |r| r.id.as_str())
        + gone(&current.funding, &next.funding, |r| r.id.as_str())
}
