//! Saved plans: a counselor's label and a career-map request, kept by an unguessable id.
//!
//! Tree `plans`: `id (32 hex chars)` -> JSON [`StoredPlan`]. The delete key is kept only as
//! its SHA-256 digest, so a copy of the store does not hand out the power to delete. Plans
//! hold no personal data fields: only a label and the request (ids of courses, credentials
//! and competencies). Each write is flushed before it answers.

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
}

/// The typed saved-plan store (one sled tree).
pub struct PlanStore {
    tree: sled::Tree,
}

impl PlanStore {
    pub(super) fn open(db: &sled::Db) -> Result<PlanStore, StoreError> {
        Ok(PlanStore {
            tree: db.open_tree("plans")?,
        })
    }

    /// Stores a new plan (its id must be fresh) and flushes.
    pub fn insert(&self, plan: &StoredPlan) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(plan).expect("a plan serialises");
        self.tree.insert(plan.id.as_bytes(), bytes)?;
        self.tree.flush()?;
        Ok(())
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
        let existed = self.tree.remove(id.as_bytes())?.is_some();
        self.tree.flush()?;
        Ok(existed)
    }

    pub fn len(&self) -> usize {
        self.tree.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
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
        };
        {
            let store = Store::open(dir.path()).unwrap();
            let plans = store.plans().unwrap();
            plans.insert(&plan).unwrap();
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
    }
}
