//! The catalog service: owns the store and the current snapshot, and runs writes.
//!
//! Writes validate a whole bundle, commit it to sled as a new dataset version, build the new
//! graph and swap it in with one atomic pointer store. Readers `load()` the current snapshot
//! and never wait on a writer; writers are serialised by a mutex.

use crate::analysis::cache::AnalysisCache;
use crate::domain::{Bundle, Problem};
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
    #[error(transparent)]
    Store(#[from] StoreError),
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
    /// The snapshot of dataset `version`: the current one, or one built from the records the
    /// store still holds for it ([`Store::dataset_at`]).
    pub fn dataset_at(&self, version: u64) -> Result<DatasetAt, StoreError> {
        let current = self.snapshot();
        if current.info.version == version {
            return Ok(DatasetAt::Retained(current));
        }
        let Some(info) = self.history()?.into_iter().find(|v| v.version == version) else {
            return Ok(DatasetAt::Unknown);
        };
        Ok(match self.store.dataset_at(version)? {
            Some(bundle) => DatasetAt::Retained(Arc::new(Snapshot::new(info, bundle))),
            None => DatasetAt::NotRetained,
        })
    }

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
            ImportMode::Merge => {
                let dups = bundle.duplicate_ids();
                if !dups.is_empty() {
                    return Err(dups);
                }
                Ok(current.merge(bundle))
            }
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
