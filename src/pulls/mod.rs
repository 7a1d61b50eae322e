//! Pulls: the layer that runs a source connector as a job. It fetches with
//! [`crate::sources::http::Fetcher`], parses with the source's module, derives the next
//! dataset ([`apply::apply`]) inside [`Catalog::write_with`], and keeps the job record in the
//! typed job store ([`crate::store::jobs`]). `sources/` knows nothing of jobs, the catalog or
//! the settings; this module is where they meet.
//!
//! # Flow of a pull
//!
//! 1. [`Puller::submit`] records a `queued` job in the job store ([`crate::store::jobs`]) and spawns a task.
//! 2. The task waits for the pull gate (one pull at a time), marks the job `running`, and
//!    fetches the URL with [`crate::sources::http::Fetcher`]: connect and total timeouts, retries with
//!    exponential backoff and jitter on timeouts, connection errors, cut-off bodies and 5xx
//!    (never on 4xx), a size cap, a redirect limit, and a conditional GET with the ETag /
//!    Last-Modified of the last *successful* pull of the same source and URL (kept in
//!    the job store). A 304, or a body identical (SHA-256) to the one last imported,
//!    finishes the job as `succeeded` with `not_modified: true` and no new dataset version.
//! 3. The body is parsed on the blocking pool by the source's module into a [`crate::sources::Pulled`]:
//!    records the source *owns* (a [`crate::domain::Bundle`]) and *enrichments* of existing records.
//! 4. [`apply::apply`] derives the next dataset from the current one inside
//!    [`Catalog::write_with`](crate::service::Catalog::write_with), which validates it and
//!    commits it as one new dataset version, or changes nothing. A failed pull leaves the last
//!    good dataset serving and its job says why in one sentence.
//!
//! # Ownership: what a pull replaces and what it leaves alone
//!
//! Every pulled record and every pulled figure carries a [`crate::domain::Provenance`] whose `source` is the
//! source kind. A pull of kind K replaces exactly what earlier pulls of K put there:
//!
//! * **Owned records** (`onet_db`: occupations and competencies; `case`: competencies;
//!   `ctdl`: courses, credentials and pathways) are removed and re-added. `case` and `ctdl`
//!   (and `bls_oews`, `bls_api`, `state_projections`) are keyed by source *and URL*, so pulling two CTDL documents
//!   keeps both; the others are keyed by source alone, so a new O*NET release replaces the old.
//! * A pulled record whose id is already used by a record from elsewhere (an import, the seed,
//!   another source) does **not** replace it: the imported record is left alone and only
//!   enriched (O*NET adds its competencies, job zone and O*NET-SOC codes where missing), and the
//!   job warns `kept_existing_record`.
//! * **Enrichments** (`bls_projections`, `bls_api`, `state_projections`: demand per region;
//!   `bls_oews`: wages per area; `cip_soc`: program links; `ctdl`: program links of evidence
//!   `ctdl` from its credentials' `occupationType`; `career_clusters`: cluster links; `sced`: official course
//!   titles) are written onto existing records, each with its own provenance. Pulled demand or
//!   wages for a region replace the figures for that region whatever their origin (they are
//!   newer and say where they come from); lists of links are replaced only where this source
//!   made them. Enrichment never creates records: codes that match no catalog record are
//!   listed in the job's warnings (`unmatched_occupation`...). Pull `onet_db` first.
//! * **Every projections row is kept**: a `bls_projections` row whose code matches no catalog
//!   occupation (one of BLS's aggregated codes, 31-1120...) becomes an occupation the source
//!   owns, with its figures. After every pull, each such occupation `covers` the occupations
//!   of its SOC broad group that have no projections figures of their own (the detailed codes
//!   the table replaced: 31-1121 and 31-1122); an O*NET pull later replaces a kept row that
//!   turns out to be an O*NET occupation, keeping its figures.
//! * When an owned record is replaced (a new O*NET release), the enrichments other sources put
//!   on it are carried over to the new record.
//! * References that the new data leaves dangling (a competency that O*NET no longer lists, a
//!   requirement naming a course the document does not define) are dropped from the pulled
//!   records with a warning instead of failing the pull. References from imported records to
//!   a pulled record that disappeared fail validation: the pull fails and says which.
//! * After every pull, crosswalk program links are re-resolved to the catalog credentials that
//!   carry their CIP code (`ProgramLink::credentials`, evidence `cip_soc`).
//!
//! # Settings (see [`crate::settings::PullArgs`])
//!
//! | setting | env | default |
//! |---|---|---|
//! | connect timeout | `CAREERMAP_PULL_CONNECT_TIMEOUT` | `10s` |
//! | total timeout per request | `CAREERMAP_PULL_TIMEOUT` | `300s` |
//! | retries after the first attempt | `CAREERMAP_PULL_RETRIES` | `3` |
//! | first backoff delay (doubles, plus jitter) | `CAREERMAP_PULL_BACKOFF` | `500ms` |
//! | largest body | `CAREERMAP_PULL_MAX_BYTES` | `512MiB` |
//! | redirects followed | `CAREERMAP_PULL_MAX_REDIRECTS` | `5` |
//! | BLS API key (secret) | `CAREERMAP_BLS_API_KEY` | none |
//! | BLS API endpoint | `CAREERMAP_BLS_API_URL` | `https://api.bls.gov/publicAPI/v2/timeseries/data/` |
//! | CASE provider base URL | `CAREERMAP_CASE_BASE_URL` | none |
//! | sources file (JSON) | `CAREERMAP_SOURCES` | none |
//! | O*NET importance threshold | `CAREERMAP_ONET_IMPORTANCE_MIN` | `3.0` |
//! | O*NET level threshold | `CAREERMAP_ONET_LEVEL_MIN` | `0` (off) |

pub mod apply;
pub mod config;

use crate::domain::{JobState, Progress, PullOptions, SourceKind, Validators};
use crate::service::{Catalog, WriteError};
use crate::settings::PullSettings;
use crate::sources::guard::check_url;
use crate::sources::http::{Expected, Fetcher, Outcome, sniff};
use crate::sources::{Context, PullError, Pulled, Warnings, provenance_url, redact};
use crate::store::{JobRecord, JobStore, StoreError, now_rfc3339};
use config::ConfiguredSource;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A source and its last pull, as the job store and the sources file know it.
#[derive(Debug, Clone)]
pub struct SourceState {
    pub source: SourceKind,
    pub url: String,
    /// Whether the source comes from the sources file (`CAREERMAP_SOURCES`).
    pub configured: bool,
    /// Refresh interval from the sources file.
    pub refresh: Option<std::time::Duration>,
    pub last_job: Option<JobRecord>,
}

/// Runs pulls and keeps their records.
pub struct Puller {
    catalog: Arc<Catalog>,
    settings: PullSettings,
    fetcher: Fetcher,
    jobs: JobStore,
    gate: Semaphore,
    /// Pulls submitted through the API and not finished (bounded by `CAREERMAP_PULL_QUEUE`).
    pending: std::sync::atomic::AtomicUsize,
    configured: Vec<ConfiguredSource>,
}

/// Why a pull could not be submitted.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("{0} pulls are queued or running, the most CAREERMAP_PULL_QUEUE allows; retry when one finishes")]
    QueueFull(usize),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Puller {
    /// Opens the job store, reads the sources file, and fails jobs a restart interrupted.
    pub fn new(catalog: Arc<Catalog>, settings: &PullSettings) -> anyhow::Result<Puller> {
        let configured = match &settings.sources_file {
            Some(path) => config::load(path).map_err(anyhow::Error::msg)?,
            None => Vec::new(),
        };
        for c in &configured {
            let url = reqwest::Url::parse(&c.url)
                .map_err(|e| anyhow::anyhow!("CAREERMAP_SOURCES: {}: {e}", redact(&c.url)))?;
            check_url(&url, &settings.allow).map_err(|e| anyhow::anyhow!("CAREERMAP_SOURCES: {e}"))?;
        }
        let jobs = catalog.jobs()?;
        jobs.fail_unfinished(
            "the service stopped before the pull finished; nothing was changed",
            &now_rfc3339(),
        )?;
        Ok(Puller {
            jobs,
            fetcher: Fetcher::new(&settings.fetch).map_err(|e| anyhow::anyhow!(e.0))?,
            settings: settings.clone(),
            gate: Semaphore::new(1),
            pending: Default::default(),
            configured,
            catalog,
        })
    }

    /// Checks a pull request's URL for its kind (or gives the default of kinds that have one).
    pub fn resolve(&self, kind: SourceKind, url: Option<&str>) -> Result<String, String> {
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
        let parsed = reqwest::Url::parse(&url).map_err(|e| format!("`{}` is not a URL: {e}", redact(&url)))?;
        check_url(&parsed, &self.settings.allow)?;
        Ok(url)
    }

    /// Records a queued job and starts it on the runtime. Returns the queued job, or
    /// [`SubmitError::QueueFull`] when `CAREERMAP_PULL_QUEUE` pulls are already waiting or
    /// running.
    pub fn submit(
        self: &Arc<Self>,
        kind: SourceKind,
        url: String,
        options: PullOptions,
        trigger: &str,
    ) -> Result<JobRecord, SubmitError> {
        use std::sync::atomic::Ordering;
        let max = self.settings.queue;
        self.pending
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < max).then_some(n + 1))
            .map_err(SubmitError::QueueFull)?;
        let job = match self.create(kind, &url, options, trigger) {
            Ok(job) => job,
            Err(e) => {
                self.pending.fetch_sub(1, Ordering::SeqCst);
                return Err(e.into());
            }
        };
        let this = self.clone();
        let queued = job.clone();
        tokio::spawn(async move {
            this.run(job, &url).await;
            this.pending.fetch_sub(1, Ordering::SeqCst);
        });
        Ok(queued)
    }

    /// Records a new queued job (its URL redacted: no user info, no secret query values).
    pub fn create(
        &self,
        kind: SourceKind,
        url: &str,
        options: PullOptions,
        trigger: &str,
    ) -> Result<JobRecord, StoreError> {
        let id = self.jobs.next_id()?;
        let job = JobRecord {
            options: Some(options),
            ..JobRecord::queued(id, kind, redact(url), trigger)
        };
        self.jobs.save(&job)?;
        self.jobs.set_last(kind, &job.url, &job.id)?;
        Ok(job)
    }

    fn save(&self, job: &JobRecord) {
        if let Err(e) = self.jobs.save(job) {
            tracing::error!(error = %e, job = %job.id, "cannot record the job");
        }
    }

    /// A job by id.
    pub fn job(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        self.jobs.get(id)
    }

    /// The configured sources and every source pulled so far, with their last job.
    pub fn sources(&self) -> Result<Vec<SourceState>, StoreError> {
        let mut out = Vec::new();
        for c in &self.configured {
            let url = redact(&c.url);
            out.push(SourceState {
                source: c.source,
                configured: true,
                refresh: c.refresh,
                last_job: self.jobs.last(c.source, &url)?,
                url,
            });
        }
        for (kind, url) in self.jobs.pulled_sources()? {
            if out.iter().any(|s| s.source == kind && s.url == url) {
                continue;
            }
            out.push(SourceState {
                last_job: self.jobs.last(kind, &url)?,
                source: kind,
                url,
                configured: false,
                refresh: None,
            });
        }
        Ok(out)
    }

    /// Runs a queued job (whose unredacted URL is `url`) to the end and returns it finished.
    pub async fn run(self: &Arc<Self>, mut job: JobRecord, url: &str) -> JobRecord {
        let _permit = self.gate.acquire().await;
        job.state = JobState::Running;
        job.started_at = Some(now_rfc3339());
        self.save(&job);
        let started = std::time::Instant::now();
        let result = self.execute(&mut job, url).await;
        job.finished_at = Some(now_rfc3339());
        if let Some(p) = job.progress.as_mut() {
            p.phase = "done".into();
        }
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
        self.save(&job);
        job
    }

    /// The parser context of a job: its options with the service's defaults filled in.
    fn context(&self, job: &JobRecord) -> Context {
        let mut options = job.options.clone().unwrap_or_default();
        options
            .onet_importance_min
            .get_or_insert(self.settings.onet_importance_min);
        options.onet_level_min.get_or_insert(self.settings.onet_level_min);
        Context {
            kind: job.source,
            // Records keep where they came from as scheme, host and path only.
            url: provenance_url(&job.url),
            retrieved_at: now_rfc3339(),
            options,
            bls_api_key: self.settings.bls_api_key.clone(),
        }
    }

    async fn execute(self: &Arc<Self>, job: &mut JobRecord, real_url: &str) -> Result<(), PullError> {
        // A pull scheduled at start waits for the dataset it reads and writes to be loaded.
        while !self.catalog.is_ready() {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let mut ctx = self.context(job);
        let validators: Option<Validators> = if ctx.options.force == Some(true) {
            None
        } else {
            self.jobs.validators(job.source, &job.url).ok().flatten()
        };

        let (pulled, new_validators) = if job.source == SourceKind::BlsApi {
            let socs: Vec<String> = self
                .catalog
                .snapshot()
                .bundle()
                .occupations
                .iter()
                .map(|o| o.soc.0.clone())
                .collect();
            // The BLS API takes its own key from the context; its URL carries none.
            ctx.url = real_url.to_owned();
            let mut pulled = crate::sources::bls_api::pull(&self.fetcher, &ctx, &socs, &mut job.attempts).await?;
            ctx.url = provenance_url(&job.url);
            for d in pulled.enrich.demand.iter_mut() {
                if let Some(p) = d.1.provenance.as_mut() {
                    p.url = Some(ctx.url.clone());
                }
            }
            (pulled, None)
        } else {
            let accept = match job.source {
                SourceKind::Case | SourceKind::Ctdl => "application/ld+json, application/json;q=0.9, */*;q=0.1",
                _ => "*/*",
            };
            // While the body arrives, the job record shows the bytes fetched (every 500 ms).
            let ticker = {
                let this = self.clone();
                let mut shown = job.clone();
                tokio::spawn(async move {
                    loop {
                        let (bytes_fetched, bytes_total) = this.fetcher.progress();
                        shown.progress = Some(Progress {
                            phase: "fetching".into(),
                            bytes_fetched,
                            bytes_total,
                            records_parsed: 0,
                        });
                        this.save(&shown);
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                })
            };
            let outcome = self
                .fetcher
                .get(real_url, validators.as_ref(), accept, &mut job.attempts)
                .await;
            ticker.abort();
            let _ = ticker.await;
            let outcome = outcome?;
            let fetched = match outcome {
                Outcome::NotModified => {
                    not_modified(job, "the server answered 304 Not Modified");
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
                not_modified(job, "the body is identical to the one last imported");
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
            job.progress = Some(Progress {
                phase: "parsing".into(),
                bytes_fetched: fetched.bytes.len() as u64,
                bytes_total: Some(fetched.bytes.len() as u64),
                records_parsed: 0,
            });
            self.save(job);
            let pulled = tokio::task::spawn_blocking(move || crate::sources::parse(&fetched, &ctx2))
                .await
                .map_err(|e| PullError::new(format!("the parser stopped unexpectedly: {e}")))??;
            (pulled, Some(v))
        };

        job.release = pulled.release.clone();
        job.counts = pulled.counts.clone();
        if is_empty(&pulled) {
            return Err(PullError::new(format!(
                "the document holds no {} data (no record or figure was read from it); nothing was changed",
                job.source
            )));
        }
        let mut warnings = pulled.warnings.clone();
        let progress = job.progress.get_or_insert_with(Progress::default);
        progress.phase = "committing".into();
        progress.records_parsed = records(&pulled);
        self.save(job);
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
        if let Some(v) = new_validators
            && let Err(e) = self.jobs.set_validators(job.source, &job.url, &v)
        {
            tracing::warn!(error = %e, "cannot keep the validators of the pull");
        }
        Ok(())
    }

    /// Starts one task per configured source with a refresh interval: it pulls when the last
    /// successful pull is older than the interval (or there is none), then every interval.
    pub fn start_scheduler(self: &Arc<Self>) {
        for c in self.configured.clone() {
            let Some(every) = c.refresh else { continue };
            let this = self.clone();
            tokio::spawn(async move {
                let due_in = this
                    .jobs
                    .last(c.source, &redact(&c.url))
                    .ok()
                    .flatten()
                    .filter(|j| j.state == JobState::Succeeded)
                    .and_then(|j| j.finished_at)
                    .and_then(|t| humantime::parse_rfc3339(&t).ok())
                    .and_then(|t| t.elapsed().ok())
                    .map(|age| every.saturating_sub(age))
                    .unwrap_or_default();
                tokio::time::sleep(due_in).await;
                loop {
                    match this.create(c.source, &c.url, c.options.clone(), "schedule") {
                        Ok(job) => {
                            this.run(job, &c.url).await;
                        }
                        Err(e) => tracing::error!(error = %e, "cannot schedule a pull"),
                    }
                    tokio::time::sleep(every).await;
                }
            });
        }
    }
}

fn not_modified(job: &mut JobRecord, why: &str) {
    job.not_modified = true;
    let mut w = Warnings::default();
    w.add(
        "not_modified",
        "the source has not changed since the last successful pull; nothing was re-imported",
        why,
    );
    job.warnings = w.into_vec();
}

/// Whether a parse read nothing of its kind (no record, no figure, no link): such a pull
/// fails rather than commit an empty change (arbitrary JSON pulled as `ctdl`, say).
fn is_empty(p: &Pulled) -> bool {
    let o = &p.owned;
    let e = &p.enrich;
    o.competencies.is_empty()
        && o.courses.is_empty()
        && o.credentials.is_empty()
        && o.occupations.is_empty()
        && o.articulations.is_empty()
        && o.pathways.is_empty()
        && e.demand.is_empty()
        && e.wages.is_empty()
        && e.programs.is_empty()
        && e.clusters.is_empty()
        && e.sced_titles.as_ref().is_none_or(|t| t.is_empty())
        && e.completions.as_ref().is_none_or(|c| c.is_empty())
}

/// Records and figures a parse produced (for job progress).
fn records(p: &Pulled) -> u64 {
    let o = &p.owned;
    let e = &p.enrich;
    (o.competencies.len()
        + o.courses.len()
        + o.credentials.len()
        + o.occupations.len()
        + o.articulations.len()
        + o.pathways.len()
        + e.demand.len()
        + e.wages.len()
        + e.programs.len()
        + e.clusters.len()
        + e.sced_titles.as_ref().map_or(0, |t| t.len())) as u64
}
