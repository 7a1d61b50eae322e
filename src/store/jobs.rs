//! The pull-job store: typed records of pull jobs, the last job of each source, and the
//! conditional-GET validators of each source's last successful pull. The only code that
//! touches the job trees; [`crate::pulls`] runs the jobs and the API shows them.
//!
//! Trees: `jobs` (`[b'j'][u64 BE id]` -> [`JobRecord`] JSON, `seq` -> last id),
//! `pull_validators` (`kind url` -> [`Validators`] of the last successful pull) and
//! `pull_last` (`kind url` -> last job id). Every write is flushed before it returns, so a
//! restart sees where each job got to.

use super::{StoreError, decode};
use crate::domain::{JobState, Progress, PullOptions, SourceKind, Validators, Warning};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A pull job as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Decimal job id (stored as a string since the first version of the store).
    pub id: String,
    pub source: SourceKind,
    /// The URL pulled, already redacted (no user info, no secret query values).
    pub url: String,
    pub state: JobState,
    /// `api`, `cli` or `schedule`.
    pub trigger: String,
    pub created_at: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub bytes: Option<u64>,
    #[serde(default)]
    pub release: Option<String>,
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
    #[serde(default)]
    pub warnings: Vec<Warning>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub dataset_version: Option<u64>,
    #[serde(default)]
    pub not_modified: bool,
    #[serde(default)]
    pub options: Option<PullOptions>,
    #[serde(default)]
    pub progress: Option<Progress>,
}

impl JobRecord {
    /// A job that has not started yet, created now: no attempts, counts or result.
    pub fn queued(id: u64, source: SourceKind, url: String, trigger: &str) -> JobRecord {
        JobRecord {
            id: id.to_string(),
            source,
            url,
            state: JobState::Queued,
            trigger: trigger.to_owned(),
            created_at: super::now_rfc3339(),
            started_at: None,
            finished_at: None,
            attempts: 0,
            bytes: None,
            release: None,
            counts: BTreeMap::new(),
            warnings: Vec::new(),
            error: None,
            dataset_version: None,
            not_modified: false,
            options: None,
            progress: None,
        }
    }
}

/// The job trees.
pub struct JobStore {
    jobs: sled::Tree,
    validators: sled::Tree,
    last: sled::Tree,
}

const SEQ: &[u8] = b"seq";

fn job_key(id: u64) -> Vec<u8> {
    let mut k = vec![b'j'];
    k.extend_from_slice(&id.to_be_bytes());
    k
}

fn source_key(kind: SourceKind, url: &str) -> Vec<u8> {
    format!("{} {url}", kind.as_str()).into_bytes()
}

impl JobStore {
    pub(super) fn open(db: &sled::Db) -> Result<JobStore, StoreError> {
        Ok(JobStore {
            jobs: db.open_tree("jobs")?,
            validators: db.open_tree("pull_validators")?,
            last: db.open_tree("pull_last")?,
        })
    }

    /// A new job id (1, 2, ...), never handed out twice.
    pub fn next_id(&self) -> Result<u64, StoreError> {
        let seq = self.jobs.update_and_fetch(SEQ, |old| {
            let n = old
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            Some((n + 1).to_be_bytes().to_vec())
        })?;
        Ok(seq
            .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(1))
    }

    /// Writes (or rewrites) a job and flushes.
    pub fn save(&self, job: &JobRecord) -> Result<(), StoreError> {
        let id: u64 = job.id.parse().map_err(|_| StoreError::BadKey(job.id.clone()))?;
        self.jobs
            .insert(job_key(id), serde_json::to_vec(job).expect("job records serialise"))?;
        self.jobs.flush()?;
        Ok(())
    }

    /// A job by id (`None` for an unknown or malformed id).
    pub fn get(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        let Ok(n) = id.parse::<u64>() else { return Ok(None) };
        self.jobs
            .get(job_key(n))?
            .map(|v| decode(&format!("job {n}"), &v))
            .transpose()
    }

    /// Marks every queued or running job failed with `why` (a restart interrupted them).
    /// Returns how many there were.
    pub fn fail_unfinished(&self, why: &str, now: &str) -> Result<usize, StoreError> {
        let mut n = 0;
        for kv in self.jobs.scan_prefix([b'j']) {
            let (k, v) = kv?;
            if let Ok(mut job) = serde_json::from_slice::<JobRecord>(&v)
                && matches!(job.state, JobState::Queued | JobState::Running)
            {
                job.state = JobState::Failed;
                job.error = Some(why.to_owned());
                job.finished_at = Some(now.to_owned());
                job.progress = None;
                self.jobs
                    .insert(k, serde_json::to_vec(&job).expect("job records serialise"))?;
                n += 1;
            }
        }
        self.jobs.flush()?;
        Ok(n)
    }

    /// Records `id` as the last job of the source `kind` at `url`.
    pub fn set_last(&self, kind: SourceKind, url: &str, id: &str) -> Result<(), StoreError> {
        self.last.insert(source_key(kind, url), id.as_bytes())?;
        self.last.flush()?;
        Ok(())
    }

    /// The last job of a source.
    pub fn last(&self, kind: SourceKind, url: &str) -> Result<Option<JobRecord>, StoreError> {
        match self.last.get(source_key(kind, url))? {
            Some(id) => self.get(&String::from_utf8_lossy(&id)),
            None => Ok(None),
        }
    }

    /// Every source pulled so far (kind and redacted URL), in key order.
    pub fn pulled_sources(&self) -> Result<Vec<(SourceKind, String)>, StoreError> {
        let mut out = Vec::new();
        for kv in self.last.iter() {
            let (k, _) = kv?;
            let key = String::from_utf8_lossy(&k).into_owned();
            let Some((kind, url)) = key.split_once(' ') else {
                continue;
            };
            let Ok(kind) = SourceKind::parse(kind) else { continue };
            out.push((kind, url.to_owned()));
        }
        Ok(out)
    }

    /// The validators of the last successful pull of a source.
    pub fn validators(&self, kind: SourceKind, url: &str) -> Result<Option<Validators>, StoreError> {
        self.validators
            .get(source_key(kind, url))?
            .map(|v| decode("pull validators", &v))
            .transpose()
    }

    /// Keeps the validators of a successful pull.
    pub fn set_validators(&self, kind: SourceKind, url: &str, v: &Validators) -> Result<(), StoreError> {
        self.validators.insert(
            source_key(kind, url),
            serde_json::to_vec(v).expect("validators serialise"),
        )?;
        self.validators.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: u64, state: JobState) -> JobRecord {
        JobRecord {
            state,
            created_at: "2026-01-01T00:00:00Z".into(),
            ..JobRecord::queued(id, SourceKind::CipSoc, "http://x/c.csv".into(), "test")
        }
    }

    #[test]
    fn jobs_ids_last_and_validators_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = super::super::Store::open(dir.path()).unwrap();
            let jobs = store.jobs().unwrap();
            assert_eq!(jobs.next_id().unwrap(), 1);
            assert_eq!(jobs.next_id().unwrap(), 2);
            jobs.save(&job(1, JobState::Succeeded)).unwrap();
            jobs.save(&job(2, JobState::Running)).unwrap();
            jobs.set_last(SourceKind::CipSoc, "http://x/c.csv", "2").unwrap();
            let v = Validators {
                etag: Some("\"e\"".into()),
                ..Default::default()
            };
            jobs.set_validators(SourceKind::CipSoc, "http://x/c.csv", &v).unwrap();
        }
        let store = super::super::Store::open(dir.path()).unwrap();
        let jobs = store.jobs().unwrap();
        assert_eq!(jobs.next_id().unwrap(), 3);
        assert_eq!(jobs.fail_unfinished("stopped", "now").unwrap(), 1);
        let last = jobs.last(SourceKind::CipSoc, "http://x/c.csv").unwrap().unwrap();
        assert_eq!((last.id.as_str(), last.state), ("2", JobState::Failed));
        assert_eq!(jobs.get("1").unwrap().unwrap().state, JobState::Succeeded);
        assert_eq!(jobs.get("nope").unwrap(), None);
        assert_eq!(
            jobs.pulled_sources().unwrap(),
            vec![(SourceKind::CipSoc, "http://x/c.csv".to_owned())]
        );
        assert_eq!(
            jobs.validators(SourceKind::CipSoc, "http://x/c.csv")
                .unwrap()
                .unwrap()
                .etag
                .as_deref(),
            Some("\"e\"")
        );
    }
}
