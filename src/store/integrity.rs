//! The store's integrity: the seal of each kept version, its verification, the offline check of
//! every kept version, the commit marker that tells an acknowledged commit from one cut short,
//! free space, and the reserve file that lets a store filled to its last byte open again.
//!
//! - **Seal** (`0x00 's' [u64 big-endian]`, JSON [`Seal`]): what a whole copy of a kept version
//!   holds, records per kind and the SHA-256 of its manifest. A commit writes the seal with the
//!   manifest and flushes both *before* the version becomes current. A version verifies when its
//!   manifest's digest is the sealed one, every chunk is present, every chunk's SHA-256 prefix is
//!   its key (chunks are content-addressed, so a changed byte shows) and decodes, and the
//!   records counted per kind are the sealed counts.
//! - **Commit marker** (`careermap.commit` in the data directory, 8 bytes overwritten in place,
//!   so writing it needs no new disk blocks): the version whose `current` pointer a commit is
//!   writing, 0 once the commit returned. A marker still naming the current version at the next
//!   open means that commit never answered (its flush failed, or the process died first): the
//!   open puts the previous version back, so a store never serves a write it did not
//!   acknowledge.
//! - **Reserve** (`careermap.reserve`, [`RESERVE_FILE_BYTES`] allocated): released at an open
//!   that finds the disk nearly full, so sled can write what it writes when it opens, and taken
//!   again once there is room.

use super::{HASH, Store, StoreError, VersionInfo, chunk_hash, hex, manifest_key};
use crate::domain::Counts;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

/// Bytes of the reserve file (see the module doc).
pub const RESERVE_FILE_BYTES: u64 = 2 << 20;
const RESERVE_FILE: &str = "careermap.reserve";
pub(super) const MARKER_FILE: &str = "careermap.commit";

/// What a whole copy of a kept version holds (see the module doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seal {
    pub version: u64,
    /// Records per kind.
    pub counts: Counts,
    /// Chunks in the manifest.
    pub chunks: usize,
    /// SHA-256 of the manifest (the chunk hashes in order), hex.
    pub digest: String,
}

impl Seal {
    pub(super) fn of(version: u64, manifest: &[u8], counts: Counts) -> Seal {
        use sha2::Digest;
        Seal {
            version,
            counts,
            chunks: manifest.len() / HASH,
            digest: hex(&sha2::Sha256::digest(manifest)),
        }
    }
}

/// Adds the seal of `version` (its `manifest` holding `counts`) and the manifest to `batch`.
pub(super) fn put_sealed_manifest(batch: &mut sled::Batch, version: u64, manifest: Vec<u8>, counts: Counts) {
    let seal = Seal::of(version, &manifest, counts);
    batch.insert(seal_key(version), serde_json::to_vec(&seal).expect("a seal serialises"));
    batch.insert(manifest_key(version), manifest);
}

/// Key of a version's seal.
pub(super) fn seal_key(version: u64) -> Vec<u8> {
    let mut k = vec![super::META, b's'];
    k.extend_from_slice(&version.to_be_bytes());
    k
}

/// Not enough free space for a write: the figures it was refused on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortage {
    /// Bytes free on the data directory's file system.
    pub available: u64,
    /// Bytes the write needed free: the reserve plus twice the incoming size.
    pub required: u64,
    /// `CAREERMAP_MIN_FREE_DISK`.
    pub reserve: u64,
    /// Bytes the write brings.
    pub incoming: u64,
    /// The disk filled while the write ran (sled answered "no space"), rather than before.
    pub during_write: bool,
}

impl std::fmt::Display for Shortage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.during_write {
            write!(
                f,
                "the disk of the data directory filled during the write ({} bytes free now); nothing was committed \
                 and the previous version stays current",
                self.available
            )
        } else {
            write!(
                f,
                "{} bytes are free on the disk of the data directory and this write needs {}: the reserve \
                 (CAREERMAP_MIN_FREE_DISK, {} bytes) plus twice its {} incoming bytes; nothing was written",
                self.available, self.required, self.reserve, self.incoming
            )
        }
    }
}

/// Whether an I/O error says the disk (or the quota) is full.
pub(super) fn is_disk_full(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(28)
        || matches!(
            e.kind(),
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
        )
}

/// What the check of one version found.
#[derive(Debug, Clone)]
pub struct VersionCheck {
    pub version: u64,
    /// Its history entry (absent when even that is missing).
    pub info: Option<VersionInfo>,
    /// The records it holds, or what is wrong with it.
    pub result: Result<Counts, String>,
}

/// What [`Store::check`] found: every kept version, newest first, and which is current.
#[derive(Debug, Clone)]
pub struct StoreCheck {
    pub dir: PathBuf,
    /// The version the `current` pointer names.
    pub current: Option<u64>,
    pub versions: Vec<VersionCheck>,
}

impl StoreCheck {
    /// Whether the current version (if any) is whole.
    pub fn current_is_whole(&self) -> bool {
        match self.current {
            None => true,
            Some(c) => self.versions.iter().any(|v| v.version == c && v.result.is_ok()),
        }
    }
}

/// Each chunk's kind and record count (or what is wrong with it), shared between the versions
/// a check verifies (a chunk is usually in many).
type ChunkMemo = HashMap<[u8; HASH], Result<(u8, usize), String>>;

/// The kind and number of records of one stored chunk, after checking its bytes against the
/// hash it is stored under and that it decodes as an array of records.
pub(super) fn chunk_records(hash: &[u8], bytes: &[u8]) -> Result<(u8, usize), String> {
    let name = hex(hash);
    if chunk_hash(bytes)[..] != hash[..] {
        return Err(format!(
            "chunk {name} does not match its hash (its bytes changed on disk)"
        ));
    }
    let Some((&kind, body)) = bytes.split_first() else {
        return Err(format!("chunk {name} is empty"));
    };
    let n = if kind & super::MSGPACK != 0 {
        rmp_serde::from_slice::<Vec<serde::de::IgnoredAny>>(body)
            .map(|v| v.len())
            .map_err(|e| e.to_string())
    } else {
        serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(body)
            .map(|v| v.len())
            .map_err(|e| e.to_string())
    }
    .map_err(|e| format!("chunk {name} does not decode: {e}"))?;
    match kind & !super::MSGPACK {
        k @ 1..=8 => Ok((k, n)),
        k => Err(format!("chunk {name} has an unknown record kind {k}")),
    }
}

/// Adds `n` records of `kind` (1-8) to `counts`.
pub(super) fn count(counts: &mut Counts, kind: u8, n: usize) {
    let slot = match kind {
        1 => &mut counts.competencies,
        2 => &mut counts.courses,
        3 => &mut counts.credentials,
        4 => &mut counts.occupations,
        5 => &mut counts.articulations,
        6 => &mut counts.pathways,
        7 => &mut counts.assessments,
        _ => &mut counts.funding,
    };
    *slot += n;
}

/// How the sealed counts and the counted ones differ, in words (`None` when equal).
pub(super) fn counts_differ(sealed: &Counts, found: &Counts) -> Option<String> {
    let pairs = [
        ("competencies", sealed.competencies, found.competencies),
        ("courses", sealed.courses, found.courses),
        ("credentials", sealed.credentials, found.credentials),
        ("occupations", sealed.occupations, found.occupations),
        ("articulations", sealed.articulations, found.articulations),
        ("pathways", sealed.pathways, found.pathways),
        ("assessments", sealed.assessments, found.assessments),
        ("funding", sealed.funding, found.funding),
    ];
    let diffs: Vec<String> = pairs
        .iter()
        .filter(|(_, s, f)| s != f)
        .map(|(kind, s, f)| format!("{f} {kind} where its seal says {s}"))
        .collect();
    (!diffs.is_empty()).then(|| format!("it holds {}", diffs.join(", ")))
}

impl Store {
    /// The seal of `version`, if written.
    pub(super) fn seal(&self, version: u64) -> Result<Option<Seal>, StoreError> {
        self.catalog
            .get(seal_key(version))?
            .map(|v| super::decode(&format!("seal of version {version}"), &v))
            .transpose()
    }

    /// The manifest of `version` checked against its seal (digest and length), or what is wrong.
    pub(super) fn sealed_manifest(&self, version: u64) -> Result<(sled::IVec, Seal), String> {
        let manifest = self
            .catalog
            .get(manifest_key(version))
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("version {version} has no manifest: its records are not kept"))?;
        let seal = self
            .seal(version)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("version {version} has no seal: its commit never finished"))?;
        if manifest.len() % HASH != 0 || Seal::of(version, &manifest, seal.counts) != seal {
            return Err(format!("the manifest of version {version} does not match its seal"));
        }
        Ok((manifest, seal))
    }

    /// Verifies `version` without building its records (see the module doc): its records per
    /// kind, or what is wrong. `memo` keeps what each chunk held across versions.
    fn verify_with(&self, version: u64, memo: &mut ChunkMemo) -> Result<Counts, String> {
        let (manifest, seal) = self.sealed_manifest(version)?;
        let mut found = Counts::default();
        for hash in manifest.chunks_exact(HASH) {
            let key = super::to_hash(hash);
            let entry = match memo.get(&key) {
                Some(e) => e.clone(),
                None => {
                    let e = match self.catalog.get(super::chunk_key(hash)) {
                        Ok(Some(bytes)) => chunk_records(hash, &bytes),
                        Ok(None) => Err(format!("chunk {} is missing", hex(hash))),
                        Err(e) => Err(format!("chunk {} cannot be read: {e}", hex(hash))),
                    };
                    memo.insert(key, e.clone());
                    e
                }
            };
            let (kind, n) = entry?;
            count(&mut found, kind, n);
        }
        match counts_differ(&seal.counts, &found) {
            Some(why) => Err(why),
            None => Ok(found),
        }
    }

    /// Verifies `version` (see the module doc): its records per kind, or what is wrong with it.
    pub fn verify(&self, version: u64) -> Result<Counts, String> {
        self.verify_with(version, &mut HashMap::new())
    }

    /// Verifies every kept version (and the current one, kept or not), newest first.
    pub fn check(&self, dir: &Path) -> Result<StoreCheck, StoreError> {
        let current = self.current()?.map(|i| i.version);
        let history: HashMap<u64, VersionInfo> = self.history()?.into_iter().map(|i| (i.version, i)).collect();
        let mut versions: Vec<u64> = self.kept_versions()?;
        if let Some(c) = current
            && !versions.contains(&c)
        {
            versions.push(c);
        }
        versions.sort_unstable_by(|a, b| b.cmp(a));
        let mut memo = ChunkMemo::new();
        let versions = versions
            .into_iter()
            .map(|v| VersionCheck {
                version: v,
                info: history.get(&v).cloned(),
                result: self.verify_with(v, &mut memo),
            })
            .collect();
        Ok(StoreCheck {
            dir: dir.to_path_buf(),
            current,
            versions,
        })
    }

    /// Versions whose manifest is kept, oldest first.
    pub(super) fn kept_versions(&self) -> Result<Vec<u64>, StoreError> {
        self.catalog
            .scan_prefix([super::META, b'm'])
            .keys()
            .map(|k| k.map(|k| super::version_of(&k)).map_err(StoreError::from))
            .collect()
    }

    /// Writes the seal of every kept version that has none and verifies whole (stores written
    /// before seals existed); a version that does not verify stays unsealed, so it is never
    /// served. Returns the versions sealed.
    pub(super) fn seal_unsealed(&self) -> Result<Vec<u64>, StoreError> {
        let mut memo = ChunkMemo::new();
        let mut batch = sled::Batch::default();
        let mut sealed = Vec::new();
        for v in self.kept_versions()? {
            if self.catalog.contains_key(seal_key(v))? {
                continue;
            }
            let Some(manifest) = self.catalog.get(manifest_key(v))? else {
                continue;
            };
            let mut counts = Counts::default();
            let mut whole = manifest.len() % HASH == 0;
            for hash in manifest.chunks_exact(HASH) {
                let entry = memo.entry(super::to_hash(hash)).or_insert_with(|| {
                    match self.catalog.get(super::chunk_key(hash)) {
                        Ok(Some(bytes)) => chunk_records(hash, &bytes),
                        _ => Err("missing".into()),
                    }
                });
                match entry {
                    Ok((kind, n)) => count(&mut counts, *kind, *n),
                    Err(_) => whole = false,
                }
            }
            if whole {
                let seal = Seal::of(v, &manifest, counts);
                batch.insert(seal_key(v), serde_json::to_vec(&seal).expect("a seal serialises"));
                sealed.push(v);
            } else {
                tracing::error!(
                    version = v,
                    "a kept version written before seals is not whole; it stays unsealed"
                );
            }
        }
        if !sealed.is_empty() {
            self.catalog.apply_batch(batch)?;
            self.db.flush()?;
            tracing::info!(versions = ?sealed, "kept versions sealed (store written before seals)");
        }
        Ok(sealed)
    }
}

/// The commit marker file (see the module doc).
pub(super) struct Marker {
    file: std::fs::File,
}

impl Marker {
    /// Opens (creating, allocated) the marker of the store in `dir`.
    pub(super) fn open(dir: &Path) -> std::io::Result<Marker> {
        let path = dir.join(MARKER_FILE);
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        if file.metadata()?.len() < 8 {
            file.write_all(&[0; 8])?;
            file.sync_all()?;
        }
        Ok(Marker { file })
    }

    /// The version a commit was making current when it stopped, or 0.
    pub(super) fn read(&self) -> std::io::Result<u64> {
        let mut b = [0; 8];
        self.file.read_exact_at(&mut b, 0)?;
        Ok(u64::from_be_bytes(b))
    }

    /// Records (durably) that `version` is being made current (0: no commit is).
    pub(super) fn set(&self, version: u64) -> std::io::Result<()> {
        self.file.write_all_at(&version.to_be_bytes(), 0)?;
        self.file.sync_data()
    }
}

/// Before sled opens `dir`: deletes the snapshot files sled left half-written (`snap.*.generating`:
/// sled would take the newest of them for its snapshot and refuse to open), and releases the
/// reserve file when the disk is nearly full. Returns what it did, for the log.
pub(super) fn prepare_dir(dir: &Path) -> Vec<String> {
    let mut done = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("snap.") && name.ends_with(".generating") && std::fs::remove_file(e.path()).is_ok() {
                done.push(format!("deleted the half-written sled snapshot {}", e.path().display()));
            }
        }
    }
    let reserve = dir.join(RESERVE_FILE);
    if reserve.exists()
        && fs2::available_space(dir).is_ok_and(|free| free < 2 * RESERVE_FILE_BYTES)
        && std::fs::remove_file(&reserve).is_ok()
    {
        done.push(format!(
            "released the space reserve {} to open a store on a nearly full disk",
            reserve.display()
        ));
    }
    done
}

/// Takes the reserve file again when it is missing and the disk has room for it and as much
/// again; false when it could not.
pub(super) fn take_reserve(dir: &Path) -> bool {
    let path = dir.join(RESERVE_FILE);
    if path.exists() {
        return true;
    }
    if !fs2::available_space(dir).is_ok_and(|free| free >= 2 * RESERVE_FILE_BYTES) {
        return false;
    }
    let made = std::fs::File::create(&path).and_then(|f| {
        fs2::FileExt::allocate(&f, RESERVE_FILE_BYTES)?;
        f.sync_all()
    });
    if made.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    made.is_ok()
}

/// Bytes free for this process on the file system of `dir` (statvfs).
pub fn free_space(dir: &Path) -> std::io::Result<u64> {
    fs2::available_space(dir)
}

#[cfg(test)]
mod tests {
    use super::super::{CHUNKS, Cut, Encoding, PENDING, chunk_key};
    use super::*;
    use crate::domain::Bundle;

    fn comps(n: usize, tag: &str) -> Bundle {
        super::super::tests::comps((0..n).map(|i| format!("k{i:04}{tag}")))
    }

    /// Opens the store, retrying while the last handle's flusher still holds sled's lock.
    fn reopen(dir: &Path) -> Store {
        for _ in 0..200 {
            match Store::open(dir) {
                Err(StoreError::Locked { .. }) => std::thread::sleep(std::time::Duration::from_millis(20)),
                other => return other.unwrap(),
            }
        }
        panic!("the store stayed locked")
    }

    fn info(v: u64, b: &Bundle) -> VersionInfo {
        VersionInfo {
            version: v,
            committed_at: super::super::now_rfc3339(),
            origin: "test".into(),
            counts: b.counts(),
            author: None,
        }
    }

    /// Flips one byte of a chunk that `version` holds and no other version does.
    fn damage_own_chunk(store: &Store, version: u64, other: u64) -> String {
        let theirs = store.catalog.get(manifest_key(other)).unwrap().unwrap();
        let mine = store.catalog.get(manifest_key(version)).unwrap().unwrap();
        let hash = mine
            .chunks_exact(HASH)
            .find(|h| !theirs.chunks_exact(HASH).any(|t| t == *h))
            .expect("a chunk of its own")
            .to_vec();
        let mut bytes = store.catalog.get(chunk_key(&hash)).unwrap().unwrap().to_vec();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        store.catalog.insert(chunk_key(&hash), bytes).unwrap();
        store.flush().unwrap();
        hex(&hash)
    }

    /// A version whose chunk changed on disk does not verify (the chunk named), is never
    /// served: the newest whole version is, with the reason; `check` says which are whole.
    #[test]
    fn a_damaged_current_version_is_passed_over_for_the_newest_whole_one() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (comps(300, "a"), comps(300, "b"), comps(300, "c"));
        let store = reopen(dir.path());
        store.commit(&a, &info(1, &a), 5).unwrap();
        store.commit(&b, &info(2, &b), 5).unwrap();
        store.commit(&c, &info(3, &c), 5).unwrap();
        assert_eq!(store.verify(3).unwrap(), c.counts());
        let chunk = damage_own_chunk(&store, 3, 2);
        let why = store.verify(3).unwrap_err();
        assert!(why.contains(&chunk) && why.contains("hash"), "{why}");
        let served = store.load_served().unwrap().unwrap();
        assert_eq!((served.info.version, &served.bundle), (2, &b));
        let (broken, reason) = served.fallback.unwrap();
        assert_eq!(broken, 3);
        assert!(reason.contains(&chunk), "{reason}");
        assert!(matches!(store.load(), Err(StoreError::CorruptChunk { .. })));
        let check = store.check(dir.path()).unwrap();
        assert_eq!(check.current, Some(3));
        assert!(!check.current_is_whole());
        let whole: Vec<(u64, bool)> = check.versions.iter().map(|v| (v.version, v.result.is_ok())).collect();
        assert_eq!(whole, vec![(3, false), (2, true), (1, true)]);
        // A new commit takes the number after the broken one.
        assert_eq!(store.last_version().unwrap(), 3);
    }

    /// A version whose seal disagrees with its records (a record count) does not verify, and a
    /// store where nothing verifies says so, naming the directory.
    #[test]
    fn counts_that_disagree_with_the_seal_fail_and_nothing_whole_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = comps(200, "a");
        let store = reopen(dir.path());
        store.commit(&a, &info(1, &a), 5).unwrap();
        let mut seal = store.seal(1).unwrap().unwrap();
        seal.counts.competencies += 1;
        store
            .catalog
            .insert(seal_key(1), serde_json::to_vec(&seal).unwrap())
            .unwrap();
        let why = store.verify(1).unwrap_err();
        assert!(why.contains("200 competencies where its seal says 201"), "{why}");
        let e = store.load_served().err().expect("nothing is whole").to_string();
        assert!(
            e.contains(&dir.path().display().to_string()) && e.contains("careermap check"),
            "{e}"
        );
    }

    /// Cut after the manifest and seal (before `current`): the next open keeps the previous
    /// version and deletes the cut version's manifest, seal and chunks.
    #[test]
    fn a_commit_cut_after_its_seal_leaves_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (comps(300, "a"), comps(300, "b"));
        {
            let store = reopen(dir.path());
            store.commit(&a, &info(1, &a), 5).unwrap();
            store
                .commit_in_batches(&b, &info(2, &b), 5, 1 << 20, Cut::AfterSeal, Encoding::MessagePack)
                .unwrap();
            assert!(store.catalog.contains_key(PENDING).unwrap());
        }
        let store = reopen(dir.path());
        assert!(store.collect_interrupted().unwrap() > 0);
        let (i, loaded) = store.load().unwrap().unwrap();
        assert_eq!((i.version, &loaded), (1, &a));
        assert_eq!(store.kept_versions().unwrap(), vec![1]);
        assert!(store.seal(2).unwrap().is_none());
        let mut chunks = 0;
        super::super::for_each_chunk(&a, Encoding::MessagePack, |_| {
            chunks += 1;
            Ok::<_, ()>(())
        })
        .unwrap();
        assert_eq!(store.catalog.scan_prefix([CHUNKS]).count(), chunks);
    }

    /// Cut after `current` was written but before the marker was cleared (the commit never
    /// answered): the next open takes the version back, and a later commit works.
    #[test]
    fn a_commit_that_never_answered_is_taken_back_at_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c) = (comps(300, "a"), comps(300, "b"), comps(300, "c"));
        {
            let store = reopen(dir.path());
            store.commit(&a, &info(1, &a), 1).unwrap();
            store
                .commit_in_batches(&b, &info(2, &b), 1, 1 << 20, Cut::BeforeAnswer, Encoding::MessagePack)
                .unwrap();
            assert_eq!(store.current().unwrap().unwrap().version, 2, "durable, not answered");
        }
        let store = reopen(dir.path());
        assert_eq!(store.current().unwrap().unwrap().version, 1);
        assert_eq!(
            store.load().unwrap().unwrap().1,
            a,
            "keep=1 did not drop the previous version"
        );
        assert_eq!(store.history().unwrap().len(), 1);
        assert_eq!(store.marker.read().unwrap(), 0);
        assert_eq!(store.take_back_unacknowledged().unwrap(), None);
        store.collect_interrupted().unwrap();
        store.commit(&c, &info(2, &c), 1).unwrap();
        drop(store);
        let store = reopen(dir.path());
        assert_eq!(store.load().unwrap().unwrap().1, c);
        assert_eq!(
            store.kept_versions().unwrap(),
            vec![2],
            "keep=1 after an answered commit"
        );
    }

    /// A store written before seals: the versions that read back whole are sealed at open and
    /// served; one with a missing chunk stays unsealed and is passed over.
    #[test]
    fn stores_without_seals_are_sealed_when_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (comps(300, "a"), comps(300, "b"));
        {
            let store = reopen(dir.path());
            store.commit(&a, &info(1, &a), 5).unwrap();
            store.commit(&b, &info(2, &b), 5).unwrap();
            let theirs = store.catalog.get(manifest_key(1)).unwrap().unwrap();
            let mine = store.catalog.get(manifest_key(2)).unwrap().unwrap();
            let own = mine
                .chunks_exact(HASH)
                .find(|h| !theirs.chunks_exact(HASH).any(|t| t == *h))
                .unwrap()
                .to_vec();
            store.catalog.remove(chunk_key(&own)).unwrap();
            store.catalog.remove(seal_key(1)).unwrap();
            store.catalog.remove(seal_key(2)).unwrap();
            store.flush().unwrap();
        }
        let store = reopen(dir.path());
        assert!(store.seal(1).unwrap().is_some(), "the whole version is sealed");
        assert!(store.seal(2).unwrap().is_none(), "the broken one is not");
        let served = store.load_served().unwrap().unwrap();
        assert_eq!((served.info.version, served.bundle), (1, a));
        assert!(served.fallback.unwrap().1.contains("no seal"));
    }

    /// A half-written sled snapshot (which sled itself would take and refuse to open with) is
    /// deleted before opening; the store opens with its data.
    #[test]
    fn a_half_written_sled_snapshot_does_not_stop_the_open() {
        let dir = tempfile::tempdir().unwrap();
        let a = comps(100, "a");
        {
            let store = reopen(dir.path());
            store.commit(&a, &info(1, &a), 5).unwrap();
        }
        let junk = dir.path().join("snap.FFFFFFFFFFFFFFFF.generating");
        std::fs::write(&junk, b"").unwrap();
        let store = reopen(dir.path());
        assert!(!junk.exists());
        assert_eq!(store.load().unwrap().unwrap().1, a);
    }

    #[test]
    fn shortages_say_the_figures() {
        let s = Shortage {
            available: 10,
            required: 300,
            reserve: 100,
            incoming: 100,
            during_write: false,
        };
        let text = s.to_string();
        assert!(
            ["10 bytes", "needs 300", "100 bytes", "CAREERMAP_MIN_FREE_DISK"]
                .iter()
                .all(|w| text.contains(w))
        );
        assert!(is_disk_full(&std::io::Error::from_raw_os_error(28)));
        assert!(!is_disk_full(&std::io::Error::from_raw_os_error(2)));
    }
}
