//! The catalog service: owns the store and the current snapshot, and runs writes.
//!
//! Writes validate a whole bundle, commit it to sled as a new dataset version, build the new
//! graph and swap it in with one atomic pointer store. Readers `load()` the current snapshot
//! and never wait on a writer; writers are serialised by a mutex.

use crate::analysis::cache::AnalysisCache;
use crate::domain::changes::diff;
use crate::domain::{Bundle, Counts, Diff, Incoming, Origins, Problem, Warning};
use crate::graph::CatalogGraph;
use crate::settings::ImportMode;
use crate::store::{Store, StoreError, VersionInfo, now_rfc3339};
use arc_swap::ArcSwap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The seed dataset, embedded in the binary.
pub const SEED: &str = include_str!("../seed/catalog.json");

/// One dataset version as readers see it.
pub struct Snapshot {
    pub info: VersionInfo,
    pub graph: CatalogGraph,
    /// Analysis results computed on first use for this version (duplicates, gaps, reports).
    pub cache: AnalysisCache,
    /// Per-region demand distributions, computed on first use.
    demand: std::sync::OnceLock<crate::analysis::demand::DemandIndex>,
}

impl Snapshot {
    fn new(info: VersionInfo, bundle: Bundle) -> Snapshot {
        Snapshot {
            graph: CatalogGraph::build(info.version, bundle),
            info,
            cache: AnalysisCache::default(),
            demand: std::sync::OnceLock::new(),
        }
    }

    /// The empty dataset of a store nothing was committed to.
    fn empty() -> Snapshot {
        Snapshot::new(
            VersionInfo {
                version: 0,
                committed_at: now_rfc3339(),
                origin: "empty".into(),
                counts: Default::default(),
            },
            Bundle::default(),
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
}

/// Why a write was refused.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the bundle has {} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import did, or with `dry_run` would do.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The dataset version now served (unchanged by a dry run).
    pub version: u64,
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
}

impl Catalog {
    /// Opens the store and loads its current dataset. When the store is empty and `seed` is
    /// true, the embedded seed is committed as the first version.
    pub fn open(dir: &Path, seed: bool) -> anyhow::Result<Catalog> {
        std::fs::create_dir_all(dir)?;
        let store = Store::open(dir)?;
        let started = std::time::Instant::now();
        let snapshot = match store.load()? {
            Some((info, bundle)) => Snapshot::new(info, bundle),
            None => Snapshot::empty(),
        };
        tracing::info!(
            version = snapshot.info.version,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "dataset loaded"
        );
        let catalog = Catalog {
            store,
            current: ArcSwap::from_pointee(snapshot),
            writer: Mutex::new(()),
        };
        if seed && catalog.snapshot().info.version == 0 {
            let started = std::time::Instant::now();
            let bundle = Bundle::from_json(SEED.as_bytes())
                .map_err(|p| anyhow::anyhow!("the embedded seed does not parse: {}", p[0]))?;
            let info = catalog
                .write(bundle, ImportMode::Replace, "seed")
                .map_err(|e| match e {
                    WriteError::Invalid(p) => anyhow::anyhow!("the embedded seed is invalid: {}", p[0]),
                    WriteError::Store(s) => s.into(),
                })?;
            tracing::info!(
                version = info.version,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "seed dataset loaded"
            );
        }
        Ok(catalog)
    }

    /// The current snapshot. Cheap; never blocks on a writer.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Validates and commits `bundle` as a new dataset version, then makes it current.
    /// On any problem nothing is written and the current version stays.
    pub fn write(&self, bundle: Bundle, mode: ImportMode, origin: &str) -> Result<VersionInfo, WriteError> {
        self.write_with(origin, |current| match mode {
            ImportMode::Replace => {
                let mut b = bundle;
                b.canonicalize();
                Ok(b)
            }
            // A typed record gives every one of its fields, so patching with it is merging.
            ImportMode::Merge | ImportMode::Patch => {
                let dups = bundle.duplicate_ids();
                if !dups.is_empty() {
                    return Err(dups);
                }
                Ok(current.merge(bundle))
            }
        })
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
    ) -> Result<ImportOutcome, WriteError> {
        let relocate = |e: WriteError| match e {
            WriteError::Invalid(p) => WriteError::Invalid(origins.relocate(p)),
            other => other,
        };
        if dry_run {
            let current = self.snapshot();
            let applied = incoming
                .apply(current.bundle(), replace, origins)
                .map_err(WriteError::Invalid)?;
            applied
                .bundle
                .validate()
                .map_err(|p| WriteError::Invalid(origins.relocate(p)))?;
            return Ok(ImportOutcome {
                version: current.info.version,
                counts: applied.bundle.counts(),
                diff: Some(diff(current.bundle(), &applied.bundle)),
                warnings: applied.warnings,
            });
        }
        let mut warnings = Vec::new();
        let info = self
            .write_with(origin, |current| {
                let applied = incoming.apply(current, replace, origins)?;
                warnings = applied.warnings;
                Ok(applied.bundle)
            })
            .map_err(relocate)?;
        Ok(ImportOutcome {
            version: info.version,
            counts: info.counts,
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
        let _guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let current = self.snapshot();
        let next = make(current.bundle()).map_err(WriteError::Invalid)?;
        next.validate().map_err(WriteError::Invalid)?;
        let info = VersionInfo {
            version: current.info.version + 1,
            committed_at: now_rfc3339(),
            origin: origin.to_owned(),
            counts: next.counts(),
        };
        self.store.commit(current.bundle(), &next, &info)?;
        self.current.store(Arc::new(Snapshot::new(info.clone(), next)));
        Ok(info)
    }

    /// The committed versions, oldest first.
    pub fn history(&self) -> Result<Vec<VersionInfo>, StoreError> {
        self.store.history()
    }

    /// The store, for siblings that keep their own trees (pull jobs).
    pub fn store(&self) -> &Store {
        &self.store
    }
}
