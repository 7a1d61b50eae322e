//! Persistence: the one `sled::Db` of the service.
//!
//! Layout (tree `catalog`): records in content-addressed, content-defined chunks.
//! A chunk ends after a record whose id hashes to 0 mod [`CHUNK`], so chunks hold about that
//! many records and an upsert or delete changes only its own chunk.
//! `0x07 [16-byte SHA-256 prefix of the chunk]` -> `[kind byte]` + the array of the chunk's
//! records (in id order). Kinds 1-8: competency, course, credential, occupation, articulation,
//! pathway, assessment, funding. The kind byte's high bit tells the encoding: set (`0x81`..)
//! for MessagePack with named fields (what commits write: about twice as fast to decode at a
//! restart), clear (`0x01`..) for JSON, which stores written before keep and still decode.
//! Both are the records' own serde shape, so both read the same records. A chunk is shared by
//! every version that holds exactly those bytes (copy-on-write): a commit writes only chunks
//! no kept version has yet (so the first commit after an upgrade rewrites JSON chunks once).
//! Metadata keys live under the `0x00` prefix:
//! `0x00 "current"` -> the current [`VersionInfo`],
//! `0x00 'v' [u64 big-endian]` -> the info of each committed version (the whole history),
//! `0x00 'm' [u64 big-endian]` -> the manifest of a version whose data is kept: its chunk
//! hashes in order. The newest `keep` versions keep their manifest (and so their data, for
//! `restore`); a commit drops older manifests and deletes the chunks no kept manifest uses,
//! so the store stays bounded.
//!
//! A commit first writes its new chunks in flushed batches of about 8 MB (unreferenced until
//! the end, with a `0x00 "pending"` marker), then the version's manifest and seal
//! (`0x00 's' [u64]`: records per kind and the manifest's digest, see [`integrity`]), flushed;
//! then sets the commit marker file, applies the history entry and the new current version as
//! **one** `sled::Batch` (atomic, also across a crash), flushes, clears the marker and returns;
//! only then does it drop the data of versions past `keep`. So after a crash the store holds
//! exactly the previous dataset or the next one (the next open deletes the chunks of a cut
//! commit, and takes back a version whose commit never returned), a commit that returned is
//! durable, and a version is served only once it verifies against its seal.
//! No I/O happens in any closure; the caller serialises writers.
//!
//! Stores written by earlier versions (records under `[kind][first id]` keys) are migrated to
//! this layout when opened.

pub mod jobs;

pub use jobs::{JobRecord, JobStore};

pub mod plans;

mod chunks;
pub mod integrity;
use chunks::{Encoding, chunk_hash, chunk_key, decode, decode_chunk, for_each_chunk, join, to_hash};

pub use integrity::{Seal, Shortage, StoreCheck, VersionCheck};

use crate::domain::{Bundle, Counts};
use crate::telemetry::Phase;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const META: u8 = 0;
/// Prefix of chunk keys.
const CHUNKS: u8 = 7;
/// Bytes of a chunk hash (a SHA-256 prefix: collisions are out of reach).
const HASH: usize = 16;
const CURRENT: &[u8] = b"\x00current";
/// Present while a commit has written chunks that no manifest references yet (see
/// [`Store::commit`]); the next open deletes them when a crash left it.
const PENDING: &[u8] = b"\x00pending";
/// Bytes of new chunks a commit writes per early batch.
const BATCH_BYTES: usize = 8 << 20;
const KINDS: [u8; 6] = [1, 2, 3, 4, 5, 6];
/// High bit of a chunk's kind byte: the records are MessagePack (else JSON).
const MSGPACK: u8 = 0x80;
/// sled's page cache. Its default (1 GiB) would dominate the memory of a service whose
/// reads are all served from the in-memory snapshot; the store is read once at start.
const CACHE_BYTES: u64 = 64 << 20;
/// Expected records per chunk: few enough that a merge rewrites little, many enough that a
/// large import is a few thousand sled entries rather than hundreds of thousands (which sled
/// holds in memory until they are consolidated).
const CHUNK: u64 = 64;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data directory {path} is in use by another careermap process (sled allows one)")]
    Locked { path: String },
    /// sled cannot open the store: the file at fault and what to do.
    #[error(
        "the store in {dir} cannot be opened: {reason} (file {file}). To recover: stop every careermap \
         using it, run `careermap check --data-dir {dir}` to see which versions are whole, and if the \
         store still cannot be opened move {dir} aside and restore it from a backup (or start on an empty \
         directory and import the catalog again)"
    )]
    Unopenable { dir: String, file: String, reason: String },
    #[error("stored record {key} cannot be read: {source}")]
    Corrupt { key: String, source: serde_json::Error },
    #[error("stored {key} cannot be read: {reason}")]
    CorruptChunk { key: String, reason: String },
    #[error("`{0}` is not a job id")]
    BadKey(String),
    #[error("the store is missing {0}")]
    Missing(String),
    /// A kept version does not verify against its seal.
    #[error("version {version} is not whole: {why}")]
    Broken { version: u64, why: String },
    /// No kept version verifies.
    #[error(
        "no dataset version in {dir} is whole ({why}); run `careermap check --data-dir {dir}`, then restore \
         the directory from a backup or start on an empty one and import the catalog again"
    )]
    NothingWhole { dir: String, why: String },
    /// The disk filled (sled or the file system answered "no space").
    #[error("the disk of the data directory is full: {0}")]
    DiskFull(String),
    /// Not enough free space to start a write (nothing was written).
    #[error("{0}")]
    InsufficientStorage(Shortage),
    /// The saved-plan store is at its bounds (nothing written).
    #[error("{0}")]
    PlansFull(String),
    /// An earlier write failed and could not be undone in this process: writes wait for a
    /// restart, which opens the store at the last acknowledged version.
    #[error("{0}")]
    Poisoned(String),
    #[error(transparent)]
    Unexpected(sled::Error),
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(ref io) if integrity::is_disk_full(io) => StoreError::DiskFull(io.to_string()),
            other => StoreError::Unexpected(other),
        }
    }
}

impl StoreError {
    /// Whether this is the disk filling during a write.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::DiskFull(_))
    }
}

/// What a committed dataset version is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionInfo {
    /// Increases by one with every commit.
    pub version: u64,
    /// When it was committed (RFC 3339, UTC).
    pub committed_at: String,
    /// What made it: `seed`, `import:merge`, `import:replace`, `pull:<source>`, `restore:<version>`.
    pub origin: String,
    pub counts: Counts,
    /// Who wrote it: the fingerprint of the admin token used (first 12 hex digits of its
    /// SHA-256), never the token. Absent for the seed, offline commands and older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// The sled store.
pub struct Store {
    db: sled::Db,
    catalog: sled::Tree,
    dir: PathBuf,
    marker: integrity::Marker,
}

/// The dataset a start serves: the current version when it verifies, else the newest kept
/// version that does (`fallback` then says which failed and why).
pub struct Served {
    pub info: VersionInfo,
    pub bundle: Bundle,
    /// The version the store names current and what is wrong with it, when it was passed over.
    pub fallback: Option<(u64, String)>,
}

impl Store {
    /// Opens (or creates) the store in `dir`, and repairs what an interrupted run left: a
    /// half-written sled snapshot, a commit that never answered (its version is taken back),
    /// stores of earlier layouts (migrated, and their whole versions sealed).
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let store = Store::open_only(dir)?;
        store.migrate()?;
        store.seal_unsealed()?;
        store.take_back_unacknowledged()?;
        if !integrity::take_reserve(dir) {
            tracing::warn!(dir = %dir.display(), "no room for the space reserve file; the disk is nearly full");
        }
        Ok(store)
    }

    /// Opens the store in `dir` without repairing or migrating anything (`careermap check`).
    pub fn open_only(dir: &Path) -> Result<Store, StoreError> {
        for done in integrity::prepare_dir(dir) {
            tracing::warn!(what = done, "store repaired before opening");
        }
        let unopenable = |reason: String| StoreError::Unopenable {
            dir: dir.display().to_string(),
            file: dir.join("db").display().to_string(),
            reason,
        };
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| match e {
                sled::Error::Io(ref io)
                    if io.kind() == std::io::ErrorKind::WouldBlock || io.to_string().contains("lock") =>
                {
                    StoreError::Locked {
                        path: dir.display().to_string(),
                    }
                }
                sled::Error::Io(ref io) if integrity::is_disk_full(io) => {
                    unopenable(format!("the disk is full ({io}); free some space first"))
                }
                other => unopenable(other.to_string()),
            })?;
        let catalog = db.open_tree("catalog")?;
        let marker = integrity::Marker::open(dir).map_err(|e| StoreError::Unopenable {
            dir: dir.display().to_string(),
            file: dir.join(integrity::MARKER_FILE).display().to_string(),
            reason: format!("its commit marker cannot be opened: {e}"),
        })?;
        Ok(Store {
            db,
            catalog,
            dir: dir.to_path_buf(),
            marker,
        })
    }

    /// The current version, if anything was ever committed.
    pub fn current(&self) -> Result<Option<VersionInfo>, StoreError> {
        self.catalog.get(CURRENT)?.map(|v| decode("current", &v)).transpose()
    }

    /// Every committed version, oldest first.
    pub fn history(&self) -> Result<Vec<VersionInfo>, StoreError> {
        self.catalog
            .scan_prefix([META, b'v'])
            .map(|kv| {
                let (k, v) = kv?;
                decode(&format!("{k:?}"), &v)
            })
            .collect()
    }

    /// Loads the current dataset (canonical order) verified against its seal, or `None` for an
    /// empty store; a current version that does not verify is [`StoreError::Broken`].
    pub fn load(&self) -> Result<Option<(VersionInfo, Bundle)>, StoreError> {
        let Some(info) = self.current()? else { return Ok(None) };
        let bundle = self.load_version(info.version)?.ok_or_else(|| StoreError::Broken {
            version: info.version,
            why: "it has no manifest".into(),
        })?;
        Ok(Some((info, bundle)))
    }

    /// The dataset a start serves: the current version if it verifies, else the newest kept
    /// version below it that does (a version that fails is never served); `None` for an empty
    /// store, [`StoreError::NothingWhole`] when no kept version verifies.
    pub fn load_served(&self) -> Result<Option<Served>, StoreError> {
        let Some(current) = self.current()? else {
            return Ok(None);
        };
        let why = match self.load() {
            Ok(Some((info, bundle))) => {
                return Ok(Some(Served {
                    info,
                    bundle,
                    fallback: None,
                }));
            }
            Ok(None) => unreachable!("a current version was read"),
            Err(e @ (StoreError::Broken { .. } | StoreError::CorruptChunk { .. } | StoreError::Missing(_))) => {
                e.to_string()
            }
            Err(e) => return Err(e),
        };
        let history = self.history()?;
        let mut kept = self.kept_versions()?;
        kept.retain(|&v| v < current.version);
        for v in kept.into_iter().rev() {
            let Some(info) = history.iter().find(|i| i.version == v) else {
                continue;
            };
            match self.load_version(v) {
                Ok(Some(bundle)) => {
                    return Ok(Some(Served {
                        info: info.clone(),
                        bundle,
                        fallback: Some((current.version, why)),
                    }));
                }
                Ok(None) => {}
                Err(e) => tracing::error!(version = v, error = %e, "a kept version is not whole either"),
            }
        }
        Err(StoreError::NothingWhole {
            dir: self.dir.display().to_string(),
            why,
        })
    }

    /// The newest version ever committed (0 for none): a new commit takes the next one, also
    /// when an older version is served because the newest is not whole.
    pub fn last_version(&self) -> Result<u64, StoreError> {
        Ok(match self.catalog.scan_prefix([META, b'v']).keys().next_back() {
            Some(k) => version_of(&k?),
            None => 0,
        })
    }

    /// The dataset of `version`, if its data is kept (see `keep` of [`Store::commit`]).
    ///
    /// The chunks are read in key order (sled then reads each of its pages once: about four
    /// times faster than in manifest order through its small cache), then decoded on one
    /// thread per core in manifest order, so the parts join in canonical order; each chunk's
    /// bytes are dropped once decoded.
    pub fn load_version(&self, version: u64) -> Result<Option<Bundle>, StoreError> {
        if !self.catalog.contains_key(manifest_key(version))? {
            return Ok(None);
        }
        let broken = |why: String| StoreError::Broken { version, why };
        let (manifest, seal) = self.sealed_manifest(version).map_err(broken)?;
        let mut phase = Phase::start("load.read");
        let hashes: Vec<&[u8]> = manifest.chunks_exact(HASH).collect();
        let mut by_key: Vec<usize> = (0..hashes.len()).collect();
        by_key.sort_unstable_by_key(|&i| hashes[i]);
        let mut chunks: Vec<Option<sled::IVec>> = vec![None; hashes.len()];
        for i in by_key {
            let v = self
                .catalog
                .get(chunk_key(hashes[i]))?
                .ok_or_else(|| StoreError::Missing(format!("chunk {} of version {version}", hex(hashes[i]))))?;
            chunks[i] = Some(v);
        }
        phase.next("load.decode");
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let per = chunks.len().div_ceil(threads).max(1);
        let parts: Vec<Result<Bundle, StoreError>> = std::thread::scope(|s| {
            let workers: Vec<_> = chunks
                .chunks_mut(per)
                .zip(hashes.chunks(per))
                .map(|(part, hashes)| {
                    s.spawn(move || {
                        let mut b = Bundle::default();
                        for (chunk, hash) in part.iter_mut().zip(hashes) {
                            let bytes = chunk.take().expect("every chunk was read");
                            if chunk_hash(&bytes)[..] != hash[..] {
                                return Err(StoreError::CorruptChunk {
                                    key: format!("chunk {} of version {version}", hex(hash)),
                                    reason: "its bytes do not match its hash (they changed on disk)".into(),
                                });
                            }
                            decode_chunk(&format!("chunk {}", hex(hash)), &bytes, &mut b)?;
                        }
                        Ok(b)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        drop(chunks);
        phase.next("load.join");
        // Each list is taken whole from the first part that has records of its kind and the
        // later parts are appended (growing a list of many MB remaps it, no copy): parts
        // split the manifest in order, so most kinds sit in one part and nothing is copied.
        let mut b = Bundle::default();
        for part in parts {
            let part = part?;
            join(&mut b.competencies, part.competencies);
            join(&mut b.courses, part.courses);
            join(&mut b.credentials, part.credentials);
            join(&mut b.occupations, part.occupations);
            join(&mut b.articulations, part.articulations);
            join(&mut b.pathways, part.pathways);
            join(&mut b.assessments, part.assessments);
            join(&mut b.funding, part.funding);
        }
        if let Some(why) = integrity::counts_differ(&seal.counts, &b.counts()) {
            return Err(broken(why));
        }
        phase.next("load.canonicalize");
        b.canonicalize();
        phase.end();
        Ok(Some(b))
    }

    /// Whether the data of `version` is kept (restorable).
    pub fn is_kept(&self, version: u64) -> Result<bool, StoreError> {
        Ok(self.catalog.contains_key(manifest_key(version))?)
    }

    /// Commits `next` (canonical) as version `info.version` and makes it current; keeps the data
    /// of the newest `keep` versions (at least this one) and deletes what only older ones used.
    ///
    /// In steps, each flushed before the next: the new chunks in batches of about
    /// [`BATCH_BYTES`] (so a large import never holds its whole serialised dataset in sled's
    /// buffers, with a `pending` marker so the next open deletes them if the commit is cut
    /// short, [`Store::collect_interrupted`]); the last chunks with the version's manifest and
    /// [`Seal`]; the commit marker file; then one atomic batch with the history entry and the
    /// `current` pointer; then the marker is cleared and the commit has answered. Only then are
    /// the versions past `keep` dropped (their manifests, seals and the chunks only they used),
    /// in one more batch. A crash, a full disk or any error before the marker is cleared leaves
    /// the previous version current at the next open ([`Store::take_back_unacknowledged`]).
    pub fn commit(&self, next: &Bundle, info: &VersionInfo, keep: usize) -> Result<(), StoreError> {
        self.commit_in_batches(next, info, keep, BATCH_BYTES, Cut::Never, Encoding::MessagePack)
    }

    /// [`Store::commit`] with early batches of `batch_bytes`, stopping at `cut` as a crash
    /// there would (for tests).
    fn commit_in_batches(
        &self,
        next: &Bundle,
        info: &VersionInfo,
        keep: usize,
        batch_bytes: usize,
        cut: Cut,
        encoding: Encoding,
    ) -> Result<(), StoreError> {
        let mut phase = Phase::start("commit.chunks");
        let mut batch = sled::Batch::default();
        let mut batched = 0;
        let mut marked = false;
        let mut manifest = Vec::new();
        let mut fresh = HashSet::new();
        for_each_chunk(next, encoding, |bytes| {
            let hash = chunk_hash(&bytes);
            manifest.extend_from_slice(&hash);
            let key = chunk_key(&hash);
            if !fresh.contains(&hash) && !self.catalog.contains_key(&key)? {
                fresh.insert(hash);
                batched += bytes.len();
                batch.insert(key, bytes);
                if batched >= batch_bytes {
                    if !marked {
                        batch.insert(PENDING, &[][..]);
                        marked = true;
                    }
                    self.catalog.apply_batch(std::mem::take(&mut batch))?;
                    self.db.flush()?;
                    batched = 0;
                }
            }
            Ok::<_, StoreError>(())
        })?;
        if cut == Cut::AfterChunks {
            return Ok(());
        }
        drop(fresh);
        phase.next("commit.seal");
        batch.insert(PENDING, &[][..]);
        integrity::put_sealed_manifest(&mut batch, info.version, manifest, next.counts());
        self.catalog.apply_batch(batch)?;
        self.db.flush()?;
        if cut == Cut::AfterSeal {
            return Ok(());
        }
        phase.next("commit.current");
        let io = |e: std::io::Error| match integrity::is_disk_full(&e) {
            true => StoreError::DiskFull(e.to_string()),
            false => StoreError::Unexpected(sled::Error::Io(e)),
        };
        self.marker.set(info.version).map_err(io)?;
        let meta = serde_json::to_vec(info).expect("version info serialises");
        let mut batch = sled::Batch::default();
        let mut hist = vec![META, b'v'];
        hist.extend_from_slice(&info.version.to_be_bytes());
        batch.insert(hist, meta.clone());
        batch.insert(CURRENT, meta);
        batch.remove(PENDING);
        self.catalog.apply_batch(batch)?;
        self.db.flush()?;
        if cut == Cut::BeforeAnswer {
            return Ok(());
        }
        self.marker.set(0).map_err(io)?;
        phase.next("commit.drop_old");
        // Answered: a failure to drop old versions now leaves them for the next commit.
        if let Err(e) = self.drop_old_versions(info.version, keep) {
            tracing::warn!(error = %e, "old dataset versions could not be dropped; the next commit retries");
        }
        phase.end();
        Ok(())
    }

    /// Drops the data of the versions past the newest `keep` (at least `current`): their
    /// manifests and seals, and the chunks no kept version uses, in one batch.
    fn drop_old_versions(&self, current: u64, keep: usize) -> Result<(), StoreError> {
        let mut all = self.kept_versions()?;
        all.sort_unstable();
        let cut = all.len().saturating_sub(keep.max(1));
        let (dropped, retained) = all.split_at(cut);
        if dropped.is_empty() || !retained.contains(&current) {
            return Ok(());
        }
        let mut used: HashSet<[u8; HASH]> = HashSet::new();
        for &v in retained {
            if let Some(m) = self.catalog.get(manifest_key(v))? {
                used.extend(m.chunks_exact(HASH).map(to_hash));
            }
        }
        let mut batch = sled::Batch::default();
        let mut gone = HashSet::new();
        for &v in dropped {
            if let Some(m) = self.catalog.get(manifest_key(v))? {
                for h in m.chunks_exact(HASH).map(to_hash) {
                    if !used.contains(&h) && gone.insert(h) {
                        batch.remove(chunk_key(&h));
                    }
                }
            }
            batch.remove(manifest_key(v));
            batch.remove(integrity::seal_key(v));
        }
        self.catalog.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// Puts the previous version back when the commit marker names the current one (that
    /// commit never answered: its flush failed, or the process died first; see
    /// [`integrity`]), then clears the marker. The taken-back version's data is deleted by
    /// [`Store::collect_interrupted`]. Returns the version taken back.
    pub fn take_back_unacknowledged(&self) -> Result<Option<u64>, StoreError> {
        let marked = self
            .marker
            .read()
            .map_err(|e| StoreError::Unexpected(sled::Error::Io(e)))?;
        if marked == 0 {
            return Ok(None);
        }
        let current = self.current()?;
        let taken = match current {
            Some(c) if c.version == marked => {
                let mut batch = sled::Batch::default();
                let previous = self
                    .catalog
                    .range(hist_key(0)..hist_key(marked))
                    .values()
                    .next_back()
                    .transpose()?;
                match previous {
                    Some(p) => batch.insert(CURRENT, p),
                    None => batch.remove(CURRENT),
                }
                batch.remove(hist_key(marked));
                batch.remove(manifest_key(marked));
                batch.remove(integrity::seal_key(marked));
                batch.insert(PENDING, &[][..]);
                self.catalog.apply_batch(batch)?;
                self.db.flush()?;
                tracing::warn!(
                    version = marked,
                    "version {marked} was made current by a commit that never answered; the previous version is current again"
                );
                Some(marked)
            }
            _ => None,
        };
        self.marker
            .set(0)
            .map_err(|e| StoreError::Unexpected(sled::Error::Io(e)))?;
        Ok(taken)
    }

    /// After a commit that stopped before its last batch (a crash): deletes the chunks it
    /// wrote, which no manifest uses. Returns how many; 0 at once when no commit was cut short.
    pub fn collect_interrupted(&self) -> Result<usize, StoreError> {
        if !self.catalog.contains_key(PENDING)? {
            return Ok(0);
        }
        // A commit cut after its seal: its manifest and seal, with no history entry, go first.
        let mut batch = sled::Batch::default();
        for v in self.kept_versions()? {
            if !self.catalog.contains_key(hist_key(v))? {
                batch.remove(manifest_key(v));
                batch.remove(integrity::seal_key(v));
            }
        }
        self.catalog.apply_batch(batch)?;
        let removed = self.collect_garbage()?;
        self.catalog.remove(PENDING)?;
        self.db.flush()?;
        Ok(removed)
    }

    /// Deletes every chunk no kept manifest uses (such as those of a commit cut short; see
    /// [`Store::collect_interrupted`]). Returns how many.
    pub fn collect_garbage(&self) -> Result<usize, StoreError> {
        let mut used = HashSet::new();
        for kv in self.catalog.scan_prefix([META, b'm']) {
            let (_, m) = kv?;
            used.extend(m.chunks_exact(HASH).map(to_hash));
        }
        let mut batch = sled::Batch::default();
        let mut removed = 0;
        for k in self.catalog.scan_prefix([CHUNKS]).keys() {
            let k = k?;
            if k.len() == 1 + HASH && !used.contains(&to_hash(&k[1..])) {
                batch.remove(k);
                removed += 1;
            }
        }
        if removed > 0 {
            self.catalog.apply_batch(batch)?;
            self.db.flush()?;
        }
        Ok(removed)
    }

    /// Moves a store of the earlier layout (records under `[kind][first id]`, no manifests)
    /// to this one in one batch. Returns whether anything was migrated.
    fn migrate(&self) -> Result<bool, StoreError> {
        let Some(info) = self.current()? else { return Ok(false) };
        if self.catalog.contains_key(manifest_key(info.version))? {
            return Ok(false);
        }
        let mut b = Bundle::default();
        let mut old_keys = Vec::new();
        for kind in KINDS {
            for kv in self.catalog.scan_prefix([kind]) {
                let (k, v) = kv?;
                let key = String::from_utf8_lossy(&k[1..]).into_owned();
                match kind {
                    1 => b.competencies.extend(decode::<Vec<_>>(&key, &v)?),
                    2 => b.courses.extend(decode::<Vec<_>>(&key, &v)?),
                    3 => b.credentials.extend(decode::<Vec<_>>(&key, &v)?),
                    4 => b.occupations.extend(decode::<Vec<_>>(&key, &v)?),
                    5 => b.articulations.extend(decode::<Vec<_>>(&key, &v)?),
                    _ => b.pathways.extend(decode::<Vec<_>>(&key, &v)?),
                }
                old_keys.push(k);
            }
        }
        b.canonicalize();
        let mut batch = sled::Batch::default();
        let mut manifest = Vec::new();
        for_each_chunk(&b, Encoding::MessagePack, |bytes| {
            let hash = chunk_hash(&bytes);
            manifest.extend_from_slice(&hash);
            batch.insert(chunk_key(&hash), bytes);
            Ok::<_, StoreError>(())
        })?;
        for k in old_keys {
            batch.remove(k);
        }
        integrity::put_sealed_manifest(&mut batch, info.version, manifest, b.counts());
        self.catalog.apply_batch(batch)?;
        self.db.flush()?;
        tracing::info!(version = info.version, "store migrated to versioned chunks");
        Ok(true)
    }

    /// Bytes free for this process on the data directory's file system (statvfs).
    pub fn free_bytes(&self) -> std::io::Result<u64> {
        integrity::free_space(&self.dir)
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }

    /// The saved-plan store, on the same database.
    pub fn plans(&self) -> Result<plans::PlanStore, StoreError> {
        plans::PlanStore::open(&self.db)
    }

    /// The pull-job store, on the same database.
    pub fn jobs(&self) -> Result<JobStore, StoreError> {
        JobStore::open(&self.db)
    }

    /// Flushes everything written so far.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

/// Where a commit stops (tests cut commits where a crash could).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    Never,
    /// After the early chunk batches.
    #[cfg_attr(not(test), allow(dead_code))]
    AfterChunks,
    /// After the manifest and seal, before the version is current.
    #[cfg_attr(not(test), allow(dead_code))]
    AfterSeal,
    /// After the `current` pointer, before the marker is cleared (the commit never answers).
    #[cfg_attr(not(test), allow(dead_code))]
    BeforeAnswer,
}

fn hist_key(version: u64) -> Vec<u8> {
    let mut k = vec![META, b'v'];
    k.extend_from_slice(&version.to_be_bytes());
    k
}

fn manifest_key(version: u64) -> Vec<u8> {
    let mut k = vec![META, b'm'];
    k.extend_from_slice(&version.to_be_bytes());
    k
}

fn version_of(key: &[u8]) -> u64 {
    let mut b = [0; 8];
    b.copy_from_slice(&key[key.len() - 8..]);
    u64::from_be_bytes(b)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Content-defined chunk boundary: FNV-1a of the id, mod [`CHUNK`].
fn chunk_ends_after(id: &str) -> bool {
    let mut h: u64 = 0xcbf29ce484222325;
    for &byte in id.as_bytes() {
        h ^= byte as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h.is_multiple_of(CHUNK)
}

/// Now, as RFC 3339 UTC with seconds.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;

    fn comp(id: &str) -> Competency {
        Competency {
            id: id.into(),
            name: id.into(),
            tier: 1,
            framework: None,
            parent: None,
            description: None,
            provenance: None,
            element_id: None,
        }
    }

    fn info(v: u64) -> VersionInfo {
        VersionInfo {
            version: v,
            committed_at: now_rfc3339(),
            origin: "test".into(),
            counts: Counts::default(),
            author: None,
        }
    }

    pub(super) fn comps(ids: impl IntoIterator<Item = String>) -> Bundle {
        let mut b = Bundle {
            competencies: ids.into_iter().map(|i| comp(&i)).collect(),
            ..Default::default()
        };
        b.canonicalize();
        b
    }

    #[test]
    fn commit_replaces_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let a = comps(["a".into(), "b".into()]);
        let b = comps(["b".into(), "c".into()]);
        {
            let store = Store::open(dir.path()).unwrap();
            assert!(store.load().unwrap().is_none());
            store.commit(&a, &info(1), 5).unwrap();
            store.commit(&b, &info(2), 5).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let (info, loaded) = store.load().unwrap().unwrap();
        assert_eq!(info.version, 2);
        assert_eq!(loaded, b);
        assert_eq!(
            store.history().unwrap().iter().map(|v| v.version).collect::<Vec<_>>(),
            vec![1, 2]
        );
        // The older version keeps its data.
        assert_eq!(store.load_version(1).unwrap(), Some(a));
    }

    /// Only the newest `keep` versions keep data, and chunks no kept version uses are deleted:
    /// the chunk count equals what a brute-force union of the kept datasets' chunks gives.
    #[test]
    fn retention_drops_old_data_and_unused_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let keep = 3;
        let mut datasets = Vec::new();
        for v in 1..=8u64 {
            // Each version changes a different slice of 600 records.
            let b = comps((0..600).map(|i| {
                if i % 8 == v as usize - 1 {
                    format!("c{i:04}-v{v}")
                } else {
                    format!("c{i:04}")
                }
            }));
            store.commit(&b, &info(v), keep).unwrap();
            datasets.push(b);
        }
        for v in 1..=8u64 {
            let loaded = store.load_version(v).unwrap();
            if v > 8 - keep as u64 {
                assert_eq!(loaded.as_ref(), Some(&datasets[v as usize - 1]), "version {v}");
            } else {
                assert_eq!(loaded, None, "version {v} should be dropped");
            }
        }
        let mut expected = HashSet::new();
        for b in &datasets[8 - keep..] {
            for_each_chunk(b, Encoding::MessagePack, |bytes| {
                expected.insert(chunk_hash(&bytes));
                Ok::<_, ()>(())
            })
            .unwrap();
        }
        let stored = store.catalog.scan_prefix([CHUNKS]).count();
        assert_eq!(stored, expected.len());
        assert_eq!(store.collect_garbage().unwrap(), 0);
        assert_eq!(store.history().unwrap().len(), 8);
    }

    /// A store of the earlier layout is migrated when opened and loads the same dataset.
    #[test]
    fn earlier_layout_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let b = comps((0..300).map(|i| format!("k{i}")));
        {
            let db = sled::open(dir.path()).unwrap();
            let t = db.open_tree("catalog").unwrap();
            let mut batch = sled::Batch::default();
            for_each_chunk(&b, Encoding::Json, |bytes| {
                let records: Vec<Competency> = serde_json::from_slice(&bytes[1..]).unwrap();
                let mut k = vec![bytes[0]];
                k.extend_from_slice(records[0].id.as_str().as_bytes());
                batch.insert(k, &bytes[1..]);
                Ok::<_, ()>(())
            })
            .unwrap();
            let meta = serde_json::to_vec(&info(4)).unwrap();
            batch.insert(CURRENT, meta);
            t.apply_batch(batch).unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let (i, loaded) = store.load().unwrap().unwrap();
        assert_eq!((i.version, loaded), (4, b));
        assert_eq!(store.catalog.scan_prefix([1u8]).count(), 0, "old keys removed");
    }

    /// A commit cut short after its early chunk batches (as a crash would leave it) leaves the
    /// previous version current and loadable; the next open's `collect_interrupted` deletes
    /// exactly the chunks it wrote, and a later commit works.
    #[test]
    fn commit_cut_after_its_chunk_batches_keeps_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let old = comps((0..500).map(|i| format!("c{i:04}")));
        let new = comps((0..3000).map(|i| format!("n{i:05}")));
        let chunks_of = |b: &Bundle| {
            let mut h = HashSet::new();
            for_each_chunk(b, Encoding::MessagePack, |bytes| {
                h.insert(chunk_hash(&bytes));
                Ok::<_, ()>(())
            })
            .unwrap();
            h
        };
        {
            let store = Store::open(dir.path()).unwrap();
            store.commit(&old, &info(1), 5).unwrap();
            assert_eq!(
                store.collect_interrupted().unwrap(),
                0,
                "a finished commit leaves nothing"
            );
            // Early batches of ~1 KB: many batches, then stop before the manifest.
            store
                .commit_in_batches(&new, &info(2), 5, 1024, Cut::AfterChunks, Encoding::MessagePack)
                .unwrap();
            let stored = store.catalog.scan_prefix([CHUNKS]).count();
            assert!(stored > chunks_of(&old).len(), "the cut commit wrote chunks");
            store.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let (i, loaded) = store.load().unwrap().unwrap();
        assert_eq!((i.version, &loaded), (1, &old));
        let orphans = store.catalog.scan_prefix([CHUNKS]).count() - chunks_of(&old).len();
        assert!(orphans > 0);
        assert_eq!(store.collect_interrupted().unwrap(), orphans);
        assert_eq!(store.catalog.scan_prefix([CHUNKS]).count(), chunks_of(&old).len());
        assert_eq!(store.collect_interrupted().unwrap(), 0, "the marker is gone");
        assert_eq!(store.load_version(1).unwrap().as_ref(), Some(&old));
        // Small batches in a finished commit store the same dataset as one batch would.
        store
            .commit_in_batches(&new, &info(2), 5, 1024, Cut::Never, Encoding::MessagePack)
            .unwrap();
        assert_eq!(store.load().unwrap().unwrap().1, new);
        assert!(!store.catalog.contains_key(PENDING).unwrap());
        let expected: HashSet<_> = chunks_of(&old).union(&chunks_of(&new)).copied().collect();
        assert_eq!(store.catalog.scan_prefix([CHUNKS]).count(), expected.len());
        assert_eq!(store.collect_garbage().unwrap(), 0);
    }

    /// One record of every kind with every field given (and every nested type with every
    /// field), as the import format writes it.
    fn every_field() -> Bundle {
        let prov = serde_json::json!({"source": "bls_projections", "url": "https://www.bls.gov/emp/",
            "release": "2024-34", "retrieved_at": "2026-01-02T03:04:05Z"});
        let b = serde_json::json!({
            "competencies": [{"id": "k.1", "name": "Infection control", "tier": 5, "framework": "hs",
                "parent": "k.0", "description": "Hand hygiene \"and\" PPE — ünïcode", "provenance": prov,
                "element_id": "2.A.1.a"},
                {"id": "k.0", "name": "Safety", "tier": 4}],
            "courses": [{"id": "c.1", "title": "Nurse Aide", "system": "work_based", "provider": "ACC",
                "hours": 75.5, "credits": 0.1, "competencies": ["k.1", "k.0"],
                "prerequisites": [{"choose": 1, "from": ["c.0"]}, {"min_credits": 2.5, "from": ["c.0", "r.0"]}],
                "codes": {"sced": "14001", "cip": "51.3902", "local": "NUR 101"}, "cost": 1234.56,
                "provenance": prov, "sced_title": "Health Science", "parts": ["c.0"],
                "eligible_entries": ["adult", "postsecondary"], "prior_learning_credit": true,
                "description": "Theory and clinicals", "annual_completers": 1e-7,
                "aliases": ["nurse aide class"], "i18n": {"es": {"title": "Auxiliar de enfermería", "description": "Teoría", "aliases": ["CNA"]}},},
                {"id": "c.0", "title": "Intro", "system": "secondary", "hours": 0.0}],
            "credentials": [{"id": "r.1", "title": "CNA", "kind": "license", "level": "intermediate",
                "requires": [{"choose": 2, "from": ["c.1", "c.0"]}], "competencies": ["k.1"],
                "stacks_into": ["r.0"], "codes": {"cip": "51.3902"}, "ctid": "ce-123", "provider": "TX HHSC",
                "provenance": prov, "annual_completers": 17.0,
                "aliases": ["CNA class"], "i18n": {"es": {"title": "Auxiliar de enfermería", "description": "Teoría", "aliases": ["CNA"]}},},
                {"id": "r.0", "title": "LPN", "kind": "associate", "level": 4}],
            "occupations": [{"soc": "31-1131", "title": "Nursing Assistants", "job_zone": 2,
                "competencies": ["k.1"], "entry_credentials": ["r.1"],
                "demand": [{"region": "US", "employment": 1390000.0, "projected_employment": 1400000.0,
                    "growth_pct": -4.1, "annual_openings": 210000.0, "median_wage": 239200.0,
                    "typical_entry_education": "Postsecondary nondegree award", "provenance": prov,
                    "change": 10000.0, "experience": "None", "training": "None", "period": "2024-34",
                    "flags": ["median_wage_top_coded", "change_suppressed"]}],
                "cluster": "Health Science", "provenance": prov, "subcluster": "Therapeutic",
                "clusters": [{"cluster": "Healthcare", "subcluster": "Patient Care", "provenance": prov}],
                "programs": [{"cip": "51.3902", "title": "Nursing Assistant", "evidence": "cip_soc",
                    "credentials": ["r.1"], "provenance": prov}, {"evidence": "ctdl"}],
                "wages": [{"region": "TX", "employment": 5.0,
                    "hourly": {"mean": 1.0, "p10": 2.0, "p25": 3.0, "median": 4.0, "p75": 5.0, "p90": 6.0},
                    "annual": {"median": 93600.0}, "top_coded": ["annual.p90"],
                    "not_available": ["hourly.p90"], "provenance": prov}],
                "onet_codes": ["31-1131.00"], "covers": ["31-1132"],
                "aliases": ["nurse aide"], "i18n": {"es": {"title": "Auxiliar de enfermería", "description": "Teoría", "aliases": ["CNA"]}},},
                {"soc": "31-1132", "title": "Orderlies"}],
            "articulations": [{"id": "a.1", "from": "c.0", "to": "c.1", "credits": 3.0,
                "kind": "credit_by_exam", "source": "https://example.org/a", "start_date": "2025-01-01",
                "end_date": "2027-12-31", "provenance": prov, "min_score": 3.0},
                {"id": "a.0", "from": "r.0", "to": "c.0", "credits": 1.0, "kind": "dual_enrollment"}],
            "pathways": [{"id": "p.1", "name": "Nursing", "description": "d", "ctid": "ce-p", "uri": "u",
                "destination": ["x"], "components": [{"id": "x", "kind": "CredentialComponent", "name": "n",
                    "description": "d", "ctid": "ce-x", "code": "c", "target": "r.1", "target_uri": "t",
                    "has_child": ["y"], "is_child_of": ["z"], "precedes": ["w"], "preceded_by": ["v"],
                    "conditions": [{"name": "n", "description": "d", "required_number": 1,
                        "target_components": ["y"], "logical_operator": "And",
                        "conditions": [{"required_number": 2}]}],
                    "credit_value": 12.5, "progression_level": "1"}],
                "progression_model": "m", "provenance": prov}],
            "assessments": [{"id": "e.1", "title": "NCLEX-PN", "hours": 5.0, "cost": 200.0,
                "competencies": ["k.1"], "provider": "NCSBN", "max_score": 80.0,
                "prerequisites": [{"choose": 1, "from": ["r.0"]}], "source": "https://ncsbn.org",
                "provenance": prov}, {"id": "e.0", "title": "Skills"}],
            "funding": [{"id": "f.1", "name": "Pell", "eligibility": ["low_income"],
                "covers": {"systems": ["postsecondary"], "kinds": ["course", "assessment"],
                    "credit_bearing_only": true, "providers": ["ACC"]},
                "share": 0.5, "cap": 7395.0, "source": "https://studentaid.gov", "provenance": prov},
                {"id": "f.0", "name": "Employer"}]
        });
        let mut b: Bundle = serde_json::from_value(b).expect("every-field bundle parses");
        b.canonicalize();
        b
    }

    /// The property names a record type's schema lists.
    fn schema_fields<T: utoipa::PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap();
        schema["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Every property of `T`'s schema occurs under some object of `json` that has the rest.
    fn assert_all_fields<T: utoipa::PartialSchema>(json: &serde_json::Value, what: &str) {
        let fields = schema_fields::<T>();
        assert!(!fields.is_empty(), "{what} has a schema");
        fn objects(v: &serde_json::Value, out: &mut Vec<serde_json::Map<String, serde_json::Value>>) {
            match v {
                serde_json::Value::Object(m) => {
                    out.push(m.clone());
                    m.values().for_each(|v| objects(v, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| objects(v, out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        objects(json, &mut all);
        assert!(
            all.iter().any(|o| fields.iter().all(|f| o.contains_key(f))),
            "the every-field bundle has a {what} with all of {fields:?}"
        );
    }

    /// The every-field bundle really gives every field of every record kind and nested type
    /// (so a field added later must be added here, and the round trip below covers it).
    #[test]
    fn every_field_bundle_gives_every_field() {
        let json = serde_json::to_value(every_field()).unwrap();
        assert_all_fields::<Competency>(&json, "Competency");
        assert_all_fields::<Course>(&json, "Course");
        assert_all_fields::<Codes>(&json, "Codes");
        assert_all_fields::<Provenance>(&json, "Provenance");
        assert_all_fields::<Credential>(&json, "Credential");
        assert_all_fields::<Occupation>(&json, "Occupation");
        assert_all_fields::<Demand>(&json, "Demand");
        assert_all_fields::<Wages>(&json, "Wages");
        assert_all_fields::<WagePercentiles>(&json, "WagePercentiles");
        assert_all_fields::<ProgramLink>(&json, "ProgramLink");
        assert_all_fields::<ClusterLink>(&json, "ClusterLink");
        assert_all_fields::<Articulation>(&json, "Articulation");
        assert_all_fields::<Pathway>(&json, "Pathway");
        assert_all_fields::<PathwayComponent>(&json, "PathwayComponent");
        assert_all_fields::<ComponentCondition>(&json, "ComponentCondition");
        assert_all_fields::<Assessment>(&json, "Assessment");
        assert_all_fields::<Funding>(&json, "Funding");
        assert_all_fields::<FundingCovers>(&json, "FundingCovers");
    }

    /// Each record's JSON view, byte for byte, kind by kind.
    fn json_views(b: &Bundle) -> Vec<Vec<u8>> {
        fn each<T: Serialize>(out: &mut Vec<Vec<u8>>, records: &[T]) {
            out.extend(records.iter().map(|r| serde_json::to_vec(r).unwrap()));
        }
        let mut out = Vec::new();
        each(&mut out, &b.competencies);
        each(&mut out, &b.courses);
        each(&mut out, &b.credentials);
        each(&mut out, &b.occupations);
        each(&mut out, &b.articulations);
        each(&mut out, &b.pathways);
        each(&mut out, &b.assessments);
        each(&mut out, &b.funding);
        out
    }

    /// MessagePack chunks give back every record of every kind exactly: the JSON view of
    /// each decoded record equals the original's byte for byte (every field set, every
    /// optional field absent, the seed and a synthetic state catalog); JSON chunks too.
    #[test]
    fn chunk_encodings_round_trip_every_record_kind() {
        let seed = Bundle::from_json(crate::service::SEED.as_bytes()).unwrap();
        let synth = crate::synth::generate(&crate::synth::SynthParams {
            courses: 3000,
            credentials: 1200,
            occupations: 300,
            competencies: 500,
            seed: 7,
        });
        for (name, b) in [("every field", every_field()), ("seed", seed), ("synth", synth)] {
            for encoding in [Encoding::MessagePack, Encoding::Json] {
                let mut back = Bundle::default();
                let mut chunks = 0;
                for_each_chunk(&b, encoding, |bytes| {
                    assert_eq!(bytes[0] & MSGPACK != 0, encoding == Encoding::MessagePack);
                    chunks += 1;
                    decode_chunk("test", &bytes, &mut back)
                })
                .unwrap();
                assert!(chunks > 0);
                assert_eq!(json_views(&back), json_views(&b), "{name}, {encoding:?}");
                assert_eq!(back, b, "{name}, {encoding:?}");
            }
        }
    }

    /// A chunk claiming billions of records in a few bytes is corrupt, not a reason to
    /// reserve terabytes (which would abort the process).
    #[test]
    fn a_chunk_that_claims_a_huge_array_is_corrupt() {
        let mut b = Bundle::default();
        let chunk = [2 | MSGPACK, 0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0];
        let e = decode_chunk("chunk x", &chunk, &mut b).unwrap_err();
        assert!(matches!(e, StoreError::CorruptChunk { .. }), "{e}");
        assert!(b.courses.is_empty());
    }

    /// The kind byte of every stored chunk (its high bit: MessagePack).
    fn chunk_kinds(store: &Store) -> Vec<u8> {
        store
            .catalog
            .scan_prefix([CHUNKS])
            .values()
            .map(|v| v.unwrap()[0])
            .collect()
    }

    /// A store whose chunks are JSON (written before MessagePack) opens and loads; the next
    /// commit writes MessagePack chunks, and both versions load the same records as before.
    #[test]
    fn json_chunks_of_earlier_stores_still_load() {
        let dir = tempfile::tempdir().unwrap();
        let old = every_field();
        let mut new = old.clone();
        new.courses[0].title = "Renamed".into();
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .commit_in_batches(&old, &info(1), 5, BATCH_BYTES, Cut::Never, Encoding::Json)
                .unwrap();
            let kinds = chunk_kinds(&store);
            assert!(!kinds.is_empty() && kinds.iter().all(|k| k & MSGPACK == 0), "{kinds:?}");
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.load().unwrap().unwrap().1, old);
        store.commit(&new, &info(2), 5).unwrap();
        let kinds = chunk_kinds(&store);
        assert!(
            kinds.iter().any(|k| k & MSGPACK != 0),
            "the new commit writes MessagePack"
        );
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.load().unwrap().unwrap().1, new);
        assert_eq!(
            store.load_version(1).unwrap(),
            Some(old),
            "the JSON version still restores"
        );
    }

    /// A chunk that does not decode is reported with its name, in either encoding.
    #[test]
    fn a_corrupt_chunk_names_itself() {
        let mut b = Bundle::default();
        for chunk in [&[2u8, b'[', b'{'][..], &[2 | MSGPACK, 0x91, 0xc1][..], &[9u8, b'['][..]] {
            let e = decode_chunk("chunk 00ff", chunk, &mut b).unwrap_err().to_string();
            assert!(e.contains("chunk 00ff"), "{e}");
        }
    }
}
