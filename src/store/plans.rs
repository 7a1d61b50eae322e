//! Saved plans: a counselor's label and a career-map request, kept by an unguessable id.
//!
//! Tree `plans`: `id (32 hex chars)` -> JSON [`StoredPlan`]. The delete key is kept only as
//! its SHA-256 digest, so a copy of the store does not hand out the power to delete. Plans
//! hold no personal data fields: only a label and the request (ids of courses, credentials
//! and competencies). Each write is flushed before it answers.
//!
//! The store is bounded: [`PlanStore::insert`] refuses a plan past a count or a byte budget
//! (kept in memory, counted once at open), and [`PlanStore::expire`] deletes the plans not read
//! since a cut-off (each plan records the day it was last read, written at most once a day).

use super::StoreError;
use serde::{Deserialize, Serialize};

/// A saved plan as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredPlan {
    pub id: String,
    pub label: String,
    /// The career-map request, as the client sent it (re-run on read).
    pub request: serde_json::Value,
    /// The dataset version the answer was computed on when saved.
    pub saved_version: u64,
    /// The answer when saved.
    pub saved_answer: serde_json::Value,
    pub created_at: String,
    /// SHA-256 of the delete key, hex.
    pub delete_key_sha256: String,
    /// When it was last read (RFC 3339; recorded at most once a day), for expiry. Absent in
    /// plans stored before it was kept: their `created_at` counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<String>,
}

impl StoredPlan {
    /// When it was last read, or saved.
    pub fn last_used(&self) -> Option<std::time::SystemTime> {
        humantime::parse_rfc3339(self.read_at.as_deref().unwrap_or(&self.created_at)).ok()
    }
}

/// Plans and bytes stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanTotals {
    pub plans: usize,
    pub bytes: u64,
}

/// The typed saved-plan store (one sled tree).
pub struct PlanStore {
    tree: sled::Tree,
    /// What is stored, kept in step with every write (writes hold the lock).
    totals: std::sync::Mutex<PlanTotals>,
    /// When [`PlanStore::expire_if_due`] last swept.
    swept: std::sync::Mutex<Option<std::time::Instant>>,
}

impl PlanStore {
    pub(super) fn open(db: &sled::Db) -> Result<PlanStore, StoreError> {
        let tree = db.open_tree("plans")?;
        let mut totals = PlanTotals::default();
        for kv in tree.iter() {
            let (k, v) = kv?;
            totals.plans += 1;
            totals.bytes += (k.len() + v.len()) as u64;
        }
        Ok(PlanStore {
            tree,
            totals: std::sync::Mutex::new(totals),
            swept: std::sync::Mutex::new(None),
        })
    }

    fn totals_lock(&self) -> std::sync::MutexGuard<'_, PlanTotals> {
        self.totals.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Plans and bytes stored now.
    pub fn totals(&self) -> PlanTotals {
        *self.totals_lock()
    }

    /// Stores a new plan (its id must be fresh) and flushes, unless that would pass `limit`
    /// plans or bytes ([`StoreError::PlansFull`], nothing written).
    pub fn insert(&self, plan: &StoredPlan, limit: PlanTotals) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(plan).expect("a plan serialises");
        let size = (plan.id.len() + bytes.len()) as u64;
        let mut totals = self.totals_lock();
        if totals.plans + 1 > limit.plans || totals.bytes + size > limit.bytes {
            return Err(StoreError::PlansFull(format!(
                "the saved-plan store holds {} plans in {} bytes and this one ({size} bytes) would pass its bounds \
                 of {} plans or {} bytes (CAREERMAP_PLANS_MAX, CAREERMAP_PLANS_MAX_BYTES); nothing was saved",
                totals.plans, totals.bytes, limit.plans, limit.bytes
            )));
        }
        self.tree.insert(plan.id.as_bytes(), bytes)?;
        totals.plans += 1;
        totals.bytes += size;
        self.tree.flush()?;
        Ok(())
    }

    /// Records that plan `id` was read at `now` (RFC 3339) when its last record is a day old
    /// or more; true when it wrote.
    pub fn touch(&self, plan: &StoredPlan, now: std::time::SystemTime) -> Result<bool, StoreError> {
        let day = std::time::Duration::from_secs(24 * 3600);
        if plan
            .last_used()
            .is_some_and(|t| now.duration_since(t).unwrap_or_default() < day)
        {
            return Ok(false);
        }
        let mut updated = plan.clone();
        updated.read_at = Some(humantime::format_rfc3339_seconds(now).to_string());
        let bytes = serde_json::to_vec(&updated).expect("a plan serialises");
        let mut totals = self.totals_lock();
        if let Some(old) = self.tree.insert(plan.id.as_bytes(), bytes.as_slice())? {
            totals.bytes = totals.bytes + bytes.len() as u64 - old.len() as u64;
        }
        self.tree.flush()?;
        Ok(true)
    }

    /// [`PlanStore::expire`] when the last sweep is `every` old or more (or there was none).
    pub fn expire_if_due(
        &self,
        cutoff: std::time::SystemTime,
        every: std::time::Duration,
    ) -> Result<usize, StoreError> {
        {
            let mut swept = self.swept.lock().unwrap_or_else(|p| p.into_inner());
            if swept.is_some_and(|t| t.elapsed() < every) {
                return Ok(0);
            }
            *swept = Some(std::time::Instant::now());
        }
        self.expire(cutoff)
    }

    /// Deletes the plans last read (or saved) before `cutoff`; returns how many.
    pub fn expire(&self, cutoff: std::time::SystemTime) -> Result<usize, StoreError> {
        let mut removed = 0;
        for kv in self.tree.iter() {
            let (k, v) = kv?;
            let Ok(plan) = serde_json::from_slice::<StoredPlan>(&v) else {
                continue;
            };
            if plan.last_used().is_some_and(|t| t < cutoff) {
                let mut totals = self.totals_lock();
                if let Some(old) = self.tree.remove(&k)? {
                    totals.plans -= 1;
                    totals.bytes -= (k.len() + old.len()) as u64;
                    removed += 1;
                }
            }
        }
        if removed > 0 {
            self.tree.flush()?;
        }
        Ok(removed)
    }

    pub fn get(&self, id: &str) -> Result<Option<StoredPlan>, StoreError> {
        self.tree
            .get(id.as_bytes())?
            .map(|v| {
                serde_json::from_slice(&v).map_err(|source| StoreError::Corrupt {
                    key: format!("plans/{id}"),
                    source,
                })
            })
            .transpose()
    }

    /// Removes a plan; true when it existed.
    pub fn remove(&self, id: &str) -> Result<bool, StoreError> {
        let mut totals = self.totals_lock();
        let old = self.tree.remove(id.as_bytes())?;
        if let Some(old) = &old {
            totals.plans -= 1;
            totals.bytes -= (id.len() + old.len()) as u64;
        }
        self.tree.flush()?;
        Ok(old.is_some())
    }

    pub fn len(&self) -> usize {
        self.totals().plans
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn insert_get_remove_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let plan = StoredPlan {
            id: "0123456789abcdef0123456789abcdef".into(),
            label: "Ana's route".into(),
            request: serde_json::json!({"target": {"occupation": "29-1141"}, "entry": "adult"}),
            saved_version: 3,
            saved_answer: serde_json::json!({"paths": []}),
            created_at: "2026-12-01T00:00:00Z".into(),
            delete_key_sha256: "00".into(),
            read_at: None,
        };
        {
            let store = Store::open(dir.path()).unwrap();
            let plans = store.plans().unwrap();
            plans.insert(&plan, UNBOUNDED).unwrap();
            assert_eq!(plans.len(), 1);
        }
        let store = Store::open(dir.path()).unwrap();
        let plans = store.plans().unwrap();
        let back = plans.get(&plan.id).unwrap().expect("the plan survives a reopen");
        assert_eq!(back.label, "Ana's route");
        assert_eq!(back.saved_version, 3);
        assert!(plans.get("ffffffffffffffffffffffffffffffff").unwrap().is_none());
        assert!(plans.remove(&plan.id).unwrap());
        assert!(!plans.remove(&plan.id).unwrap());
        assert!(plans.is_empty());
        assert_eq!(plans.totals(), PlanTotals::default());
    }

    const UNBOUNDED: PlanTotals = PlanTotals {
        plans: usize::MAX,
        bytes: u64::MAX,
    };

    fn plan(i: usize, created_at: &str) -> StoredPlan {
        StoredPlan {
            id: format!("{i:032x}"),
            label: "l".into(),
            request: serde_json::json!({}),
            saved_version: 1,
            saved_answer: serde_json::json!({"paths": [i]}),
            created_at: created_at.into(),
            delete_key_sha256: "00".into(),
            read_at: None,
        }
    }

    /// The count and byte bounds refuse the plan that would pass them and write nothing; the
    /// totals kept in memory equal a recount after a reopen (the oracle), through inserts,
    /// touches, expiry and removes.
    #[test]
    fn bounds_refuse_past_them_and_totals_match_a_recount() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let plans = store.plans().unwrap();
        let cap = PlanTotals {
            plans: 3,
            bytes: u64::MAX,
        };
        for i in 0..3 {
            plans.insert(&plan(i, "2026-12-01T00:00:00Z"), cap).unwrap();
        }
        let e = plans.insert(&plan(3, "2026-12-01T00:00:00Z"), cap).unwrap_err();
        assert!(
            matches!(e, StoreError::PlansFull(ref m) if m.contains("3 plans")),
            "{e}"
        );
        assert!(plans.get(&plan(3, "").id).unwrap().is_none(), "nothing written");
        let bytes = plans.totals().bytes;
        let tight = PlanTotals {
            plans: usize::MAX,
            bytes: bytes + 10,
        };
        assert!(matches!(
            plans.insert(&plan(4, "2026-12-01T00:00:00Z"), tight),
            Err(StoreError::PlansFull(_))
        ));
        // Reading on 2026-12-20 records it; expiring before 2026-12-10 keeps that one only.
        let at = |s: &str| humantime::parse_rfc3339(s).unwrap();
        let read = plans.get(&plan(1, "").id).unwrap().unwrap();
        assert!(plans.touch(&read, at("2026-12-20T00:00:00Z")).unwrap());
        let again = plans.get(&plan(1, "").id).unwrap().unwrap();
        assert!(!plans.touch(&again, at("2026-12-20T05:00:00Z")).unwrap(), "once a day");
        assert_eq!(plans.expire(at("2026-12-10T00:00:00Z")).unwrap(), 2);
        assert!(plans.get(&plan(1, "").id).unwrap().is_some());
        assert!(plans.get(&plan(0, "").id).unwrap().is_none());
        let kept = plans.totals();
        drop(plans);
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.plans().unwrap().totals(), kept, "the recount at open agrees");
    }
}
