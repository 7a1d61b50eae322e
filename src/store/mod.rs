//! Persistence: the one `sled::Db` of the service.
//!
//! Layout (tree `catalog`): records in content-addressed, content-defined chunks.
//! A chunk ends after a record whose id hashes to 0 mod [`CHUNK`], so chunks hold about that
//! many records and an upsert or delete changes only its own chunk.
//! `0x07 [16-byte SHA-256 prefix of the chunk]` -> `[kind byte]` + JSON array of the chunk's
//! records (in id order). Kinds 1-8: competency, course, credential, occupation, articulation,
//! pathway, assessment, funding. A chunk is shared by every version that holds exactly those records
//! (copy-on-write): a commit writes only chunks no kept version has yet.
//! Metadata keys live under the `0x00` prefix:
//! `0x00 "current"` -> the current [`VersionInfo`],
//! `0x00 'v' [u64 big-endian]` -> the info of each committed version (the whole history),
//! `0x00 'm' [u64 big-endian]` -> the manifest of a version whose data is kept: its chunk
//! hashes in order. The newest `keep` versions keep their manifest (and so their data, for
//! `restore`); a commit drops older manifests and deletes the chunks no kept manifest uses,
//! in the same batch, so the store stays bounded.
//!
//! A commit first writes its new chunks in flushed batches of about 8 MB (unreferenced until
//! the end, with a `0x00 "pending"` marker), then the manifest, the new current version and its
//! history entry, and the garbage collection of dropped versions as **one** `sled::Batch` on
//! one tree, which sled applies atomically (also across a crash), then flushes before
//! returning. So after a crash the store holds exactly the previous dataset or the next one
//! (the next open deletes the chunks of a cut commit), and a commit that returned is durable.
//! No I/O happens in any closure; the caller serialises writers.
//!
//! Stores written by earlier versions (records under `[kind][first id]` keys) are migrated to
//! this layout when opened.

pub mod jobs;

pub use jobs::{JobRecord, JobStore};

pub mod plans;

use crate::domain::{Bundle, Counts};
use crate::telemetry::Phase;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

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
    #[error("stored record {key} cannot be read: {source}")]
    Corrupt { key: String, source: serde_json::Error },
    #[error("`{0}` is not a job id")]
    BadKey(String),
    #[error("the store is missing {0}")]
    Missing(String),
    #[error(transparent)]
    Unexpected(#[from] sled::Error),
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
}

impl Store {
    /// Opens (or creates) the store in `dir`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
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
                other => StoreError::Unexpected(other),
            })?;
        let catalog = db.open_tree("catalog")?;
        let store = Store { db, catalog };
        store.migrate()?;
        Ok(store)
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

    /// Loads the current dataset (canonical order), or `None` for an empty store.
    pub fn load(&self) -> Result<Option<(VersionInfo, Bundle)>, StoreError> {
        let Some(info) = self.current()? else { return Ok(None) };
        let bundle = self
            .load_version(info.version)?
            .ok_or_else(|| StoreError::Missing(format!("the manifest of current version {}", info.version)))?;
        Ok(Some((info, bundle)))
    }

    /// The dataset of `version`, if its data is kept (see `keep` of [`Store::commit`]).
    /// The chunks are read and decoded on one thread per core (in manifest order, so the
    /// parts join in canonical order).
    pub fn load_version(&self, version: u64) -> Result<Option<Bundle>, StoreError> {
        let Some(manifest) = self.catalog.get(manifest_key(version))? else {
            return Ok(None);
        };
        let mut phase = Phase::start("load.read_decode");
        let hashes: Vec<&[u8]> = manifest.chunks_exact(HASH).collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let per = hashes.len().div_ceil(threads).max(1);
        let parts: Vec<Result<Bundle, StoreError>> = std::thread::scope(|s| {
            let workers: Vec<_> = hashes
                .chunks(per)
                .map(|part| s.spawn(move || self.decode_chunks(version, part)))
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
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
        phase.next("load.canonicalize");
        b.canonicalize();
        phase.end();
        Ok(Some(b))
    }

    /// Reads and decodes the chunks `hashes` of `version`, in order.
    fn decode_chunks(&self, version: u64, hashes: &[&[u8]]) -> Result<Bundle, StoreError> {
        let mut b = Bundle::default();
        for hash in hashes {
            let key = chunk_key(hash);
            let v = self
                .catalog
                .get(&key)?
                .ok_or_else(|| StoreError::Missing(format!("chunk {} of version {version}", hex(hash))))?;
            let name = format!("chunk {}", hex(hash));
            let Some((&kind, json)) = v.split_first() else {
                return Err(StoreError::Missing(name));
            };
            match kind {
                1 => b.competencies.extend(decode::<Vec<_>>(&name, json)?),
                2 => b.courses.extend(decode::<Vec<_>>(&name, json)?),
                3 => b.credentials.extend(decode::<Vec<_>>(&name, json)?),
                4 => b.occupations.extend(decode::<Vec<_>>(&name, json)?),
                5 => b.articulations.extend(decode::<Vec<_>>(&name, json)?),
                6 => b.pathways.extend(decode::<Vec<_>>(&name, json)?),
                7 => b.assessments.extend(decode::<Vec<_>>(&name, json)?),
                8 => b.funding.extend(decode::<Vec<_>>(&name, json)?),
                _ => return Err(StoreError::Missing(format!("{name}: unknown record kind {kind}"))),
            }
        }
        Ok(b)
    }

    /// Whether the data of `version` is kept (restorable).
    pub fn is_kept(&self, version: u64) -> Result<bool, StoreError> {
        Ok(self.catalog.contains_key(manifest_key(version))?)
    }

    /// Commits `next` (canonical) as version `info.version` and makes it current; keeps the data
    /// of the newest `keep` versions (at least this one) and deletes what only older ones used.
    ///
    /// The new chunks go first, in batches of about [`BATCH_BYTES`] each flushed (so a large
    /// import never holds its whole serialised dataset in sled's buffers); then one atomic
    /// batch writes the manifest, the history entry and the `current` pointer and deletes what
    /// dropped versions used, and is flushed before returning. Until that last batch the new
    /// chunks are unreferenced: a crash before it leaves the previous version current, and the
    /// `pending` marker written with the first early batch makes the next open delete them
    /// ([`Store::collect_interrupted`]).
    pub fn commit(&self, next: &Bundle, info: &VersionInfo, keep: usize) -> Result<(), StoreError> {
        self.commit_in_batches(next, info, keep, BATCH_BYTES, true)
    }

    /// [`Store::commit`] with early batches of `batch_bytes`; with `finish` false it stops
    /// after the early batches, as a crash would (for tests).
    fn commit_in_batches(
        &self,
        next: &Bundle,
        info: &VersionInfo,
        keep: usize,
        batch_bytes: usize,
        finish: bool,
    ) -> Result<(), StoreError> {
        let mut phase = Phase::start("commit.chunks");
        let mut batch = sled::Batch::default();
        let mut batched = 0;
        let mut marked = false;
        let mut manifest = Vec::new();
        let mut fresh = HashSet::new();
        for_each_chunk(next, |bytes| {
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
        if !finish {
            return Ok(());
        }
        drop(fresh);
        phase.next("commit.final_batch");
        // Versions whose data is dropped now, and the chunks only they use.
        let kept: Vec<u64> = self
            .catalog
            .scan_prefix([META, b'm'])
            .keys()
            .map(|k| k.map(|k| version_of(&k)))
            .collect::<Result<_, _>>()?;
        let keep = keep.max(1);
        let mut all: Vec<u64> = kept.into_iter().filter(|&v| v != info.version).collect();
        all.push(info.version);
        all.sort_unstable();
        let cut = all.len().saturating_sub(keep);
        let (dropped, retained) = all.split_at(cut);
        if !dropped.is_empty() {
            let mut used: HashSet<[u8; HASH]> = manifest.chunks_exact(HASH).map(to_hash).collect();
            for &v in retained.iter().filter(|&&v| v != info.version) {
                if let Some(m) = self.catalog.get(manifest_key(v))? {
                    used.extend(m.chunks_exact(HASH).map(to_hash));
                }
            }
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
            }
        }
        let meta = serde_json::to_vec(info).expect("version info serialises");
        let mut hist = vec![META, b'v'];
        hist.extend_from_slice(&info.version.to_be_bytes());
        batch.insert(hist, meta.clone());
        batch.insert(manifest_key(info.version), manifest);
        batch.insert(CURRENT, meta);
        batch.remove(PENDING);
        phase.next("commit.apply_batch");
        self.catalog.apply_batch(batch)?;
        phase.next("commit.flush");
        self.db.flush()?;
        phase.end();
        Ok(())
    }

    /// After a commit that stopped before its last batch (a crash): deletes the chunks it
    /// wrote, which no manifest uses. Returns how many; 0 at once when no commit was cut short.
    pub fn collect_interrupted(&self) -> Result<usize, StoreError> {
        if !self.catalog.contains_key(PENDING)? {
            return Ok(0);
        }
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
        for_each_chunk(&b, |bytes| {
            let hash = chunk_hash(&bytes);
            manifest.extend_from_slice(&hash);
            batch.insert(chunk_key(&hash), bytes);
            Ok::<_, StoreError>(())
        })?;
        for k in old_keys {
            batch.remove(k);
        }
        batch.insert(manifest_key(info.version), manifest);
        self.catalog.apply_batch(batch)?;
        self.db.flush()?;
        tracing::info!(version = info.version, "store migrated to versioned chunks");
        Ok(true)
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

/// Appends `part` to `list`, moving it whole when `list` is empty.
fn join<T>(list: &mut Vec<T>, mut part: Vec<T>) {
    if list.is_empty() {
        *list = part;
    } else {
        list.append(&mut part);
    }
}

fn decode<T: for<'de> Deserialize<'de>>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        key: key.to_owned(),
        source,
    })
}

/// Calls `f` with each chunk of a canonical bundle (`[kind]` + JSON array), one at a time, so
/// a commit never holds the whole dataset serialised.
fn for_each_chunk<E>(b: &Bundle, mut f: impl FnMut(Vec<u8>) -> Result<(), E>) -> Result<(), E> {
    fn put<T: Serialize, E>(
        f: &mut impl FnMut(Vec<u8>) -> Result<(), E>,
        kind: u8,
        records: &[T],
        id: impl Fn(&T) -> &str,
    ) -> Result<(), E> {
        let mut start = 0;
        for (i, r) in records.iter().enumerate() {
            let last = i + 1 == records.len();
            if last || chunk_ends_after(id(r)) {
                let mut bytes = vec![kind];
                serde_json::to_writer(&mut bytes, &records[start..=i]).expect("records serialise");
                f(bytes)?;
                start = i + 1;
            }
        }
        Ok(())
    }
    put(&mut f, 1, &b.competencies, |r| r.id.as_str())?;
    put(&mut f, 2, &b.courses, |r| r.id.as_str())?;
    put(&mut f, 3, &b.credentials, |r| r.id.as_str())?;
    put(&mut f, 4, &b.occupations, |r| r.soc.as_str())?;
    put(&mut f, 5, &b.articulations, |r| r.id.as_str())?;
    put(&mut f, 6, &b.pathways, |r| r.id.as_str())?;
    put(&mut f, 7, &b.assessments, |r| r.id.as_str())?;
    put(&mut f, 8, &b.funding, |r| r.id.as_str())?;
    Ok(())
}

fn chunk_hash(bytes: &[u8]) -> [u8; HASH] {
    use sha2::Digest;
    to_hash(&sha2::Sha256::digest(bytes)[..HASH])
}

fn to_hash(b: &[u8]) -> [u8; HASH] {
    let mut h = [0; HASH];
    h.copy_from_slice(&b[..HASH]);
    h
}

fn chunk_key(hash: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + HASH);
    k.push(CHUNKS);
    k.extend_from_slice(hash);
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

    fn comps(ids: impl IntoIterator<Item = String>) -> Bundle {
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
            for_each_chunk(b, |bytes| {
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
            for_each_chunk(&b, |bytes| {
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
            for_each_chunk(b, |bytes| {
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
            store.commit_in_batches(&new, &info(2), 5, 1024, false).unwrap();
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
        store.commit_in_batches(&new, &info(2), 5, 1024, true).unwrap();
        assert_eq!(store.load().unwrap().unwrap().1, new);
        assert!(!store.catalog.contains_key(PENDING).unwrap());
        let expected: HashSet<_> = chunks_of(&old).union(&chunks_of(&new)).copied().collect();
        assert_eq!(store.catalog.scan_prefix([CHUNKS]).count(), expected.len());
        assert_eq!(store.collect_garbage().unwrap(), 0);
    }
}
