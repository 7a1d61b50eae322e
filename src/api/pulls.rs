//! `POST /v1/pulls`, `GET /v1/jobs/{id}`, `GET /v1/sources`: pulling external sources.
//!
//! Adapters over [`crate::app::pulls`]: the wire types ([`Job`], [`SourceStatus`], the
//! request with its [`PullSource`]) and the admin check.

use super::AppState;
use super::auth::{require_admin, require_admin_to_read};
use super::error::{ApiError, ProblemDetails};
use super::imports::read_body;
use crate::app::pulls as use_case;
use crate::domain::{JobState, Progress, PullOptions, SourceKind, Warning};
use crate::pulls::{Puller, SourceState};
use crate::store::JobRecord;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(start_pull).service(get_job).service(list_sources);
}

/// A pull job as `GET /v1/jobs/{id}` shows it (built from the job store's record).
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
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// HTTP requests made (retries included).
    pub attempts: u32,
    /// Bytes received.
    pub bytes: Option<u64>,
    /// The upstream release or date the data says it is.
    pub release: Option<String>,
    /// What was read and pulled, per kind (rows, occupations, competencies, links...).
    pub counts: BTreeMap<String, u64>,
    /// What did not match or was skipped, counted, with examples.
    pub warnings: Vec<Warning>,
    /// Why the job failed, as one sentence.
    pub error: Option<String>,
    /// The dataset version the pull committed (absent when it failed or nothing changed).
    pub dataset_version: Option<u64>,
    /// True when the source had not changed since the last successful pull (no re-import).
    pub not_modified: bool,
    pub options: Option<PullOptions>,
    /// How far a queued or running job has got (absent once it finished).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

impl From<JobRecord> for Job {
    fn from(r: JobRecord) -> Job {
        Job {
            id: r.id,
            source: r.source,
            url: r.url,
            state: r.state,
            trigger: r.trigger,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
            attempts: r.attempts,
            bytes: r.bytes,
            release: r.release,
            counts: r.counts,
            warnings: r.warnings,
            error: r.error,
            dataset_version: r.dataset_version,
            not_modified: r.not_modified,
            options: r.options,
            progress: match r.state {
                JobState::Queued | JobState::Running => r.progress,
                _ => None,
            },
        }
    }
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

impl From<SourceState> for SourceStatus {
    fn from(s: SourceState) -> SourceStatus {
        SourceStatus {
            source: s.source,
            url: s.url,
            configured: s.configured,
            refresh: s.refresh.map(|d| humantime::format_duration(d).to_string()),
            last_job: s.last_job.map(Job::from),
        }
    }
}

/// A pull request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source": "bls_projections", "url": "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"}))]
pub struct PullRequest {
    /// `onet_db`, `bls_projections`, `bls_oews`, `bls_api`, `cip_soc`, `career_clusters`,
    /// `sced`, `case`, `ctdl`, `ipeds_completions` or `state_projections`.
    pub source: PullSource,
    /// Where to pull from. Optional for `bls_api` (CAREERMAP_BLS_API_URL); for `case` a bare
    /// package id resolves against CAREERMAP_CASE_BASE_URL.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub options: Option<PullOptions>,
}

/// The `source` of a pull request: a [`SourceKind`], read with [`SourceKind::parse`]'s message
/// for an unknown kind (which lists the known ones), documented as `SourceKindDoc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullSource(pub SourceKind);

impl<'de> Deserialize<'de> for PullSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SourceKind::parse(&s).map(PullSource).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for PullSource {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("The source kinds a pull takes (documentation of `source`)."))
            .enum_values(Some(SourceKind::ALL.map(SourceKind::as_str)))
            .into()
    }
}

impl ToSchema for PullSource {
    fn name() -> std::borrow::Cow<'static, str> {
        "SourceKindDoc".into()
    }
}

/// A pull was accepted and queued.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"job": "7", "state": "queued", "href": "/v1/jobs/7"}))]
pub struct PullAccepted {
    /// The job id; follow it at `href`.
    pub job: String,
    pub state: JobState,
    pub href: String,
}

/// The configured and pulled sources.
#[derive(Serialize, ToSchema)]
pub struct SourceList {
    pub sources: Vec<SourceStatus>,
}

fn puller(req: &HttpRequest) -> Result<web::Data<Puller>, ApiError> {
    req.app_data::<web::Data<Puller>>()
        .cloned()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("the pull service is not configured")))
}

/// Pull a source over HTTP into the catalog, as a background job.
///
/// Answers 202 with the job id at once; follow `GET /v1/jobs/{id}`. The pull is validated
/// and committed as one new dataset version, or changes nothing (see docs/DATA_SOURCES.md).
#[utoipa::path(
    tag = "sources",
    request_body(content = PullRequest, content_type = "application/json",
        example = json!({"source": "onet_db", "url": "https://www.onetcenter.org/dl_files/database/db_29_3_excel.zip"})),
    responses(
        (status = 202, description = "Queued", body = PullAccepted),
        (status = 401, description = "Missing or wrong token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Writes disabled (no admin token configured)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "CAREERMAP_PULL_QUEUE pulls are already queued or running, or too many failed authentications or writes from this client", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Unknown source kind, bad URL, credentials in the URL, or a host that is not public and not in CAREERMAP_PULL_ALLOW", body = ProblemDetails, content_type = "application/problem+json",
            example = json!({"type": "/problems/invalid-request", "title": "The request is invalid", "status": 422,
                "detail": "unknown source kind `onet`; expected one of onet_db, bls_projections, bls_oews, bls_api, cip_soc, career_clusters, sced, case, ctdl"})),
        (status = 507, description = "Less than CAREERMAP_MIN_FREE_DISK free on the data directory's disk; nothing queued", body = ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/v1/pulls")]
pub async fn start_pull(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_admin(&state.settings, &req)?;
    let body = read_body(&req, payload, 64 * 1024).await?;
    // serde would take a JSON array for a struct; the documented shape is an object.
    let value: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(format!("invalid pull request: {e}")))?;
    if !value.is_object() || value.get("options").is_some_and(|o| !o.is_object() && !o.is_null()) {
        return Err(ApiError::BadRequest(
            "invalid pull request: the body and its `options` must be JSON objects".into(),
        ));
    }
    let request: PullRequest = serde_path_to_error::deserialize(value).map_err(|e| {
        // An unknown source kind says so in the words of `SourceKind::parse`.
        if e.path().to_string() == "source" {
            ApiError::BadRequest(e.into_inner().to_string())
        } else {
            ApiError::BadRequest(format!("invalid pull request: {}", e.into_inner()))
        }
    })?;
    let puller = puller(&req)?.into_inner();
    let job = use_case::start(
        &state.catalog,
        &puller,
        request.source.0,
        request.url.as_deref(),
        request.options.unwrap_or_default(),
        "api",
    )?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/v1/jobs/{}", job.id)))
        .json(PullAccepted {
            href: format!("/v1/jobs/{}", job.id),
            job: job.id,
            state: job.state,
        }))
}

/// A pull job: its state, progress, counts, warnings and error (admin only; URLs redacted).
#[utoipa::path(
    tag = "sources",
    params(("id" = String, Path, description = "Job id", example = "7")),
    responses(
        (status = 200, description = "The job", body = Job),
        (status = 401, description = "Missing or wrong token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "No admin token configured", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such job", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed authentications from this address (Retry-After), or past CAREERMAP_RATE_LIMIT", body = ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/v1/jobs/{id}")]
pub async fn get_job(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<web::Json<Job>, ApiError> {
    require_admin_to_read(&state.settings, &req)?;
    let puller = puller(&req)?;
    let job = web::block(move || use_case::job(&puller, &id)).await??;
    Ok(web::Json(Job::from(job)))
}

/// The configured sources (CAREERMAP_SOURCES) and every source pulled, with the last pull
/// (admin only; URLs redacted).
#[utoipa::path(
    tag = "sources",
    responses(
        (status = 200, description = "Sources", body = SourceList),
        (status = 401, description = "Missing or wrong token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "No admin token configured", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed authentications from this address (Retry-After), or past CAREERMAP_RATE_LIMIT", body = ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/v1/sources")]
pub async fn list_sources(state: web::Data<AppState>, req: HttpRequest) -> Result<web::Json<SourceList>, ApiError> {
    require_admin_to_read(&state.settings, &req)?;
    let puller = puller(&req)?;
    let sources = web::block(move || use_case::sources(&puller)).await??;
    Ok(web::Json(SourceList {
        sources: sources.into_iter().map(SourceStatus::from).collect(),
    }))
}
