//! Pull jobs: submitted, queued, run one at a time, recorded in sled.
//!
//! Trees: `jobs` (`[b'j'][u64 BE id]` -> [`Job`] JSON, `seq` -> last id), `pull_validators`
//! (`kind url` -> [`Validators`] of the last successful pull) and `pull_last` (`kind url` ->
//! last job id). Every state change is flushed before the job moves on, so a restart sees
//! where each job got to; jobs a restart interrupted are marked `failed` when the next
//! [`Puller`] opens.

use super::config::ConfiguredSource;
use super::http::{Expected, Fetcher, Outcome, Validators, sniff};
use super::{Context, PullError, PullOptions, SourceKind, Warning, Warnings, apply};
use crate::service::{Catalog, WriteError};
use crate::settings::PullSettings;
use crate::store::now_rfc3339;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Semaphore;
use utoipa::ToSchema;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// A pull job as `GET /v1/jobs/{id}` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "7", "source": "bls_projections", "url": "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx",
    "state": "succeeded", "trigger": "api", "created_at": "2026-11-23T21:00:00Z", "started_at": "2026-11-23T21:00:00Z",
    "finished_at": "2026-11-23T21:00:03Z", "attempts": 1, "bytes": 409620, "release": "2024-34",
    "counts": {"rows": 1113, "detailed_occupations": 832, "demand": 790},
    "warnings": [{"code": "unmatched_occupation", "message": "SOC codes in the source that match no catalog occupation", "count": 42, "examples": ["13-1082"]}],
    "error": null, "dataset_version": 12, "not_modified": false}))]
pub struct Job {
    pub id: String,
    pub source: SourceKind,
    pub url: String,
    pub state: JobState,
    /// `api`, `cli` or `schedule`.
    pub trigger: String,
    pub created_at: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
    /// HTTP requests made (retries included).
    #[serde(default)]
    pub attempts: u32,
    /// Bytes received.
    #[serde(default)]
    pub bytes: Option<u64>,
    /// The upstream release or date the data says it is.
    #[serde(default)]
    pub release: Option<String>,
    /// What was read and pulled, per kind (rows, occupations, competencies, links...).
    #[serde(default)]
    pub counts: BTreeMap<String, u64>,
    /// What did not match or was skipped, counted, with examples.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// Why the job failed, as one sentence.
    #[serde(default)]
    pub error: Option<String>,
    /// The dataset version the pull committed (absent when it failed or nothing changed).
    #[serde(default)]
    pub dataset_version: Option<u64>,
    /// True when the source had not changed since the last successful pull (no re-import).
    #[serde(default)]
    pub not_modified: bool,
    #[serde(default)]
    pub options: Option<PullOptions>,
}

/// A source and its last pull, as `GET /v1/sources` lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceStatus {
    pub source: SourceKind,
    pub url: String,
    /// Whether the source comes from the sources file (`CAREERMAP_SOURCES`).
    pub configured: bool,
    /// Refresh interval from the sources file, e.g. `7days`.
    pub refresh: Option<String>,
    pub last_job: Option<Job>,
}

/// Runs pulls and keeps their records.
pub struct Puller {
    catalog: Arc<Catalog>,
    settings: PullSettings,
    fetcher: Fetcher,
    jobs: sled::Tree,
    validators: sled::Tree,
    last: sled::Tree,
    gate: Semaphore,
    configured: Vec<ConfiguredSource>,
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

impl Puller {
    /// Opens the job trees, reads the sources file, and fails jobs a restart interrupted.
    pub fn new(catalog: Arc<Catalog>, settings: &PullSettings) -> anyhow::Result<Puller> {
        let store = catalog.store();
        let configured = match &settings.sources_file {
            Some(path) => super::config::load(path).map_err(anyhow::Error::msg)?,
            None => Vec::new(),
        };
        let puller = Puller {
            jobs: store.tree("jobs")?,
            validators: store.tree("pull_validators")?,
            last: store.tree("pull_last")?,
            fetcher: Fetcher::new(settings).map_err(|e| anyhow::anyhow!(e.0))?,
            settings: settings.clone(),
            gate: Semaphore::new(1),
            configured,
            catalog,
        };
        for kv in puller.jobs.scan_prefix([b'j']) {
            let (k, v) = kv?;
            if let Ok(mut job) = serde_json::from_slice::<Job>(&v)
                && matches!(job.state, JobState::Queued | JobState::Running)
            {
                job.state = JobState::Failed;
                job.error = Some("the service stopped before the pull finished; nothing was changed".into());
                job.finished_at = Some(now_rfc3339());
                puller.jobs.insert(k, serde_json::to_vec(&job)?)?;
            }
        }
        puller.jobs.flush()?;
        Ok(puller)
    }

    /// Checks a pull request: the kind, and the URL (or a default for kinds that have one).
    pub fn resolve(&self, source: &str, url: Option<&str>) -> Result<(SourceKind, String), String> {
        let kind = SourceKind::parse(source)?;
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        let url = match (kind, url) {
            (SourceKind::BlsApi, None) => self.settings.bls_api_url.clone(),
            (SourceKind::Case, Some(u)) if !u.contains("://") => match &self.settings.case_base_url {
                Some(base) => format!("{}/ims/case/v1p0/CFPackages/{u}", base.trim_end_matches('/')),
                None => {
                    return Err(format!(
                        "`{u}` is a CASE package id, but no CASE provider is configured (CAREERMAP_CASE_BASE_URL); give the package URL instead"
                    ));
                }
            },
            (_, Some(u)) => u.to_owned(),
            (_, None) => return Err(format!("a `{kind}` pull needs a `url`")),
        };
        let parsed = reqwest::Url::parse(&url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(format!("`{url}` is not an http(s) URL"));
        }
        Ok((kind, url))
    }

    /// Records a queued job and starts it on the runtime. Returns the queued job.
    pub fn submit(
        self: &Arc<Self>,
        kind: SourceKind,
        url: String,
        options: PullOptions,
        trigger: &str,
    ) -> anyhow::Result<Job> {
        let job = self.create(kind, url, options, trigger)?;
        let this = self.clone();
        let queued = job.clone();
        tokio::spawn(async move {
            this.run(job).await;
        });
        Ok(queued)
    }

    /// Records a new queued job.
    pub fn create(&self, kind: SourceKind, url: String, options: PullOptions, trigger: &str) -> anyhow::Result<Job> {
        let seq = self.jobs.update_and_fetch(SEQ, |old| {
            let n = old
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            Some((n + 1).to_be_bytes().to_vec())
        })?;
        let id = seq
            .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(1);
        let job = Job {
            id: id.to_string(),
            source: kind,
            url,
            state: JobState::Queued,
            trigger: trigger.to_owned(),
            created_at: now_rfc3339(),
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
            options: Some(options),
        };
        self.save(&job)?;
        self.last.insert(source_key(kind, &job.url), job.id.as_bytes())?;
        self.last.flush()?;
        Ok(job)
    }

    fn save(&self, job: &Job) -> anyhow::Result<()> {
        let id: u64 = job.id.parse()?;
        self.jobs.insert(job_key(id), serde_json::to_vec(job)?)?;
        self.jobs.flush()?;
        Ok(())
    }

    /// A job by id.
    pub fn job(&self, id: &str) -> Option<Job> {
        let n: u64 = id.parse().ok()?;
        let v = self.jobs.get(job_key(n)).ok()??;
        serde_json::from_slice(&v).ok()
    }

    /// The configured sources and every source pulled so far, with their last job.
    pub fn sources(&self) -> Vec<SourceStatus> {
        let mut out: Vec<SourceStatus> = self
            .configured
            .iter()
            .map(|c| SourceStatus {
                source: c.source,
                url: c.url.clone(),
                configured: true,
                refresh: c.refresh.map(|d| humantime::format_duration(d).to_string()),
                last_job: self.last_job(c.source, &c.url),
            })
            .collect();
        for kv in self.last.iter().flatten() {
            let key = String::from_utf8_lossy(&kv.0).into_owned();
            let Some((kind, url)) = key.split_once(' ') else {
                continue;
            };
            let Ok(kind) = SourceKind::parse(kind) else { continue };
            if out.iter().any(|s| s.source == kind && s.url == url) {
                continue;
            }
            out.push(SourceStatus {
                source: kind,
                url: url.to_owned(),
                configured: false,
                refresh: None,
                last_job: self.last_job(kind, url),
            });
        }
        out
    }

    fn last_job(&self, kind: SourceKind, url: &str) -> Option<Job> {
        let id = self.last.get(source_key(kind, url)).ok()??;
        self.job(&String::from_utf8_lossy(&id))
    }

    /// Runs a queued job to the end and returns it finished.
    pub async fn run(self: &Arc<Self>, mut job: Job) -> Job {
        let _permit = self.gate.acquire().await;
        job.state = JobState::Running;
        job.started_at = Some(now_rfc3339());
        if let Err(e) = self.save(&job) {
            tracing::error!(error = %e, "cannot record the job");
        }
        let started = std::time::Instant::now();
        let result = self.execute(&mut job).await;
        job.finished_at = Some(now_rfc3339());
        match result {
            Ok(()) => {
                job.state = JobState::Succeeded;
                tracing::info!(job = %job.id, source = %job.source, version = ?job.dataset_version,
                    not_modified = job.not_modified, elapsed_ms = started.elapsed().as_millis() as u64, "pull succeeded");
            }
            Err(e) => {
                job.state = JobState::Failed;
                job.error = Some(e.0);
                tracing::warn!(job = %job.id, source = %job.source, error = ?job.error, "pull failed");
            }
        }
        if let Err(e) = self.save(&job) {
            tracing::error!(error = %e, "cannot record the job");
        }
        job
    }

    async fn execute(self: &Arc<Self>, job: &mut Job) -> Result<(), PullError> {
        let ctx = Context {
            kind: job.source,
            url: job.url.clone(),
            retrieved_at: now_rfc3339(),
            options: job.options.clone().unwrap_or_default(),
            settings: self.settings.clone(),
        };
        let vkey = source_key(job.source, &job.url);
        let validators: Option<Validators> = self
            .validators
            .get(&vkey)
            .ok()
            .flatten()
            .and_then(|v| serde_json::from_slice(&v).ok())
            .filter(|_| ctx.options.force != Some(true));

        let (pulled, new_validators) = if job.source == SourceKind::BlsApi {
            let socs: Vec<String> = self
                .catalog
                .snapshot()
                .bundle()
                .occupations
                .iter()
                .map(|o| o.soc.0.clone())
                .collect();
            let pulled = super::bls_api::pull(&self.fetcher, &ctx, &socs, &mut job.attempts).await?;
            (pulled, None)
        } else {
            let accept = match job.source {
                SourceKind::Case | SourceKind::Ctdl => "application/ld+json, application/json;q=0.9, */*;q=0.1",
                _ => "*/*",
            };
            let outcome = self
                .fetcher
                .get(&job.url, validators.as_ref(), accept, &mut job.attempts)
                .await?;
            let fetched = match outcome {
                Outcome::NotModified => {
                    self.not_modified(job, "the server answered 304 Not Modified");
                    return Ok(());
                }
                Outcome::Fetched(f) => f,
            };
            job.bytes = Some(fetched.bytes.len() as u64);
            let sha = {
                use sha2::Digest;
                let d = sha2::Sha256::digest(&fetched.bytes);
                d.iter().map(|b| format!("{b:02x}")).collect::<String>()
            };
            if validators.as_ref().and_then(|v| v.sha256.as_deref()) == Some(sha.as_str()) {
                self.not_modified(job, "the body is identical to the one last imported");
                return Ok(());
            }
            let expected = match job.source {
                SourceKind::OnetDb => Expected::Zip,
                SourceKind::Case | SourceKind::Ctdl => Expected::Json,
                SourceKind::BlsProjections | SourceKind::BlsOews => Expected::Workbook,
                _ => Expected::WorkbookOrText,
            };
            let csv_ok = matches!(job.source, SourceKind::BlsProjections | SourceKind::BlsOews)
                && (job.url.ends_with(".csv") || fetched.content_type.as_deref().is_some_and(|c| c.contains("csv")));
            sniff(&fetched, if csv_ok { Expected::WorkbookOrText } else { expected })?;
            let v = Validators {
                etag: fetched.etag.clone(),
                last_modified: fetched.last_modified.clone(),
                sha256: Some(sha),
            };
            let ctx2 = ctx.clone();
            let pulled = tokio::task::spawn_blocking(move || super::parse(&fetched, &ctx2))
                .await
                .map_err(|e| PullError::new(format!("the parser stopped unexpectedly: {e}")))??;
            (pulled, Some(v))
        };

        job.release = pulled.release.clone();
        job.counts = pulled.counts.clone();
        let mut warnings = pulled.warnings.clone();
        let catalog = self.catalog.clone();
        let kind = job.source;
        let url = job.url.clone();
        let origin = format!("pull:{kind}");
        let (result, warnings) = tokio::task::spawn_blocking(move || {
            let r = catalog.write_with(&origin, |current| {
                Ok(apply::apply(current, kind, &url, pulled, &mut warnings))
            });
            (r, warnings)
        })
        .await
        .map_err(|e| PullError::new(format!("the commit stopped unexpectedly: {e}")))?;
        job.warnings = warnings.into_vec();
        let info = result.map_err(|e| match e {
            WriteError::Invalid(problems) => {
                let shown: Vec<String> = problems.iter().take(3).map(|p| p.to_string()).collect();
                PullError::new(format!(
                    "the pulled data does not fit the catalog ({} problem(s): {}); nothing was changed",
                    problems.len(),
                    shown.join("; ")
                ))
            }
            other => PullError::new(format!("the store could not commit the pull: {other}")),
        })?;
        job.dataset_version = Some(info.version);
        if let Some(v) = new_validators {
            let _ = self
                .validators
                .insert(vkey, serde_json::to_vec(&v).expect("validators serialise"));
            let _ = self.validators.flush();
        }
        Ok(())
    }

    fn not_modified(&self, job: &mut Job, why: &str) {
        job.not_modified = true;
        let mut w = Warnings::default();
        w.add(
            "not_modified",
            "the source has not changed since the last successful pull; nothing was re-imported",
            why,
        );
        job.warnings = w.into_vec();
    }

    /// Starts one task per configured source with a refresh interval: it pulls when the last
    /// successful pull is older than the interval (or there is none), then every interval.
    pub fn start_scheduler(self: &Arc<Self>) {
        for c in self.configured.clone() {
            let Some(every) = c.refresh else { continue };
            let this = self.clone();
            tokio::spawn(async move {
                let due_in = this
                    .last_job(c.source, &c.url)
                    .filter(|j| j.state == JobState::Succeeded)
                    .and_then(|j| j.finished_at)
                    .and_then(|t| humantime::parse_rfc3339(&t).ok())
                    .and_then(|t| t.elapsed().ok())
                    .map(|age| every.saturating_sub(age))
                    .unwrap_or_default();
                tokio::time::sleep(due_in).await;
                loop {
                    match this.create(c.source, c.url.clone(), c.options.clone(), "schedule") {
                        Ok(job) => {
                            this.run(job).await;
                        }
                        Err(e) => tracing::error!(error = %e, "cannot schedule a pull"),
                    }
                    tokio::time::sleep(every).await;
                }
            });
        }
    }
}
