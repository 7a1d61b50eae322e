//! Persistence: the one `sled::Db` of the service.
//!
//! Layout (tree `catalog`): records in content-defined chunks, `[kind byte][first id of the
//! chunk]` -> JSON array of the chunk's records (in id order). A chunk ends after a record whose
//! id hashes to 0 mod [`CHUNK`], so chunks hold about that many records and an upsert or delete
//! rewrites only its own chunk. Kinds 1-6: competency, course, credential, occupation,
//! articulation, pathway. Metadata keys live under the `0x00` prefix:
//! `0x00 "current"` -> the current [`VersionInfo`],
//! `0x00 'v' [u64 big-endian]` -> the info of each committed version (the history).
//!
//! A commit writes the difference between the previous and the next dataset, the new current
//! version and its history entry as **one** `sled::Batch` on one tree, which sled applies
//! atomically (also across a crash), then flushes before returning. So after a crash the store
//! holds exactly the previous dataset or the next one, and a commit that returned is durable.
//! No I/O happens in any closure; the caller serialises writers.

pub mod plans;

use crate::domain::{Bundle, Counts};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

const META: u8 = 0;
const CURRENT: &[u8] = b"\x00current";
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
    /// What made it: `seed`, `import:merge`, `import:replace`, `pull:<source>`.
    pub origin: String,
    pub counts: Counts,
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
        Ok(Store { db, catalog })
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
        let mut b = Bundle::default();
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
            }
        }
        b.canonicalize();
        Ok(Some((info, b)))
    }

    /// Atomically replaces the stored dataset `prev` by `next` (both canonical) as version
    /// `info.version`, and flushes to disk before returning.
    pub fn commit(&self, prev: &Bundle, next: &Bundle, info: &VersionInfo) -> Result<(), StoreError> {
        let old = encode_records(prev);
        let new = encode_records(next);
        let mut batch = sled::Batch::default();
        for key in old.keys() {
            if !new.contains_key(key) {
                batch.remove(key.as_slice());
            }
        }
        for (key, value) in new {
            if old.get(&key) != Some(&value) {
                batch.insert(key, value);
            }
        }
        let meta = serde_json::to_vec(info).expect("version info serialises");
        let mut hist = vec![META, b'v'];
        hist.extend_from_slice(&info.version.to_be_bytes());
        batch.insert(hist, meta.clone());
        batch.insert(CURRENT, meta);
        self.catalog.apply_batch(batch)?;
        self.db.flush()?;
        Ok(())
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }

    /// The underlying database, for other trees owned by this module's siblings (pull jobs).
    pub fn tree(&self, name: &str) -> Result<sled::Tree, StoreError> {
        Ok(self.db.open_tree(name)?)
    }

    /// Flushes everything written so far.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}

fn decode<T: for<'de> Deserialize<'de>>(key: &str, bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Corrupt {
        key: key.to_owned(),
        source,
    })
}

/// The chunked key/value pairs of a canonical bundle.
fn encode_records(b: &Bundle) -> HashMap<Vec<u8>, Vec<u8>> {
    fn put<T: Serialize>(out: &mut HashMap<Vec<u8>, Vec<u8>>, kind: u8, records: &[T], id: impl Fn(&T) -> &str) {
        let mut start = 0;
        for (i, r) in records.iter().enumerate() {
            let last = i + 1 == records.len();
            if last || chunk_ends_after(id(r)) {
                let mut k = Vec::with_capacity(id(&records[start]).len() + 1);
                k.push(kind);
                k.extend_from_slice(id(&records[start]).as_bytes());
                out.insert(k, serde_json::to_vec(&records[start..=i]).expect("records serialise"));
                start = i + 1;
            }
        }
    }
    let mut out = HashMap::new();
    put(&mut out, 1, &b.competencies, |r| r.id.as_str());
    put(&mut out, 2, &b.courses, |r| r.id.as_str());
    put(&mut out, 3, &b.credentials, |r| r.id.as_str());
    put(&mut out, 4, &b.occupations, |r| r.soc.as_str());
    put(&mut out, 5, &b.articulations, |r| r.id.as_str());
    put(&mut out, 6, &b.pathways, |r| r.id.as_str());
    out
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

    #[test]
    fn commit_replaces_and_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let a = Bundle {
            competencies: vec![comp("a"), comp("b")],
            ..Default::default()
        };
        let b = Bundle {
            competencies: vec![comp("b"), comp("c")],
            ..Default::default()
        };
        {
            let store = Store::open(dir.path()).unwrap();
            assert!(store.load().unwrap().is_none());
            let info = |v| VersionInfo {
                version: v,
                committed_at: now_rfc3339(),
                origin: "test".into(),
                counts: Counts::default(),
            };
            store.commit(&Bundle::default(), &a, &info(1)).unwrap();
            store.commit(&a, &b, &info(2)).unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let (info, loaded) = store.load().unwrap().unwrap();
        assert_eq!(info.version, 2);
        assert_eq!(loaded, b);
        assert_eq!(
            store.history().unwrap().iter().map(|v| v.version).collect::<Vec<_>>(),
            vec![1, 2]
        );
    }
}
