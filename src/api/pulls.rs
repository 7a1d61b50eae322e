//! `POST /v1/pulls`, `GET /v1/jobs/{id}`, `GET /v1/sources`: pulling external sources.

use super::AppState;
use super::auth::require_admin;
use super::error::{ApiError, ProblemDetails};
use super::imports::read_body;
use crate::sources::PullOptions;
use crate::sources::jobs::{Job, Puller, SourceStatus};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(start_pull).service(get_job).service(list_sources);
}

/// A pull request.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source": "bls_projections", "url": "https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx"}))]
pub struct PullRequest {
    /// `onet_db`, `bls_projections`, `bls_oews`, `bls_api`, `cip_soc`, `career_clusters`,
    /// `sced`, `case` or `ctdl`.
    #[schema(value_type = SourceKindDoc)]
    pub source: String,
    /// Where to pull from. Optional for `bls_api` (CAREERMAP_BLS_API_URL); for `case` a bare
    /// package id resolves against CAREERMAP_CASE_BASE_URL.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub options: Option<PullOptions>,
}

/// The source kinds a pull takes (documentation of `source`).
#[derive(ToSchema)]
#[allow(dead_code, non_camel_case_types)]
pub enum SourceKindDoc {
    onet_db,
    bls_projections,
    bls_oews,
    bls_api,
    cip_soc,
    career_clusters,
    sced,
    case,
    ctdl,
}

/// A pull was accepted and queued.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"job": "7", "state": "queued", "href": "/v1/jobs/7"}))]
pub struct PullAccepted {
    /// The job id; follow it at `href`.
    pub job: String,
    pub state: crate::sources::jobs::JobState,
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
        (status = 429, description = "Too many failed authentications or writes from this client", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Unknown source kind or bad URL", body = ProblemDetails, content_type = "application/problem+json",
            example = json!({"type": "/problems/invalid-request", "title": "The request is invalid", "status": 422,
                "detail": "unknown source kind `onet`; expected one of onet_db, bls_projections, bls_oews, bls_api, cip_soc, career_clusters, sced, case, ctdl"})),
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
    let request: PullRequest =
        serde_json::from_value(value).map_err(|e| ApiError::BadRequest(format!("invalid pull request: {e}")))?;
    let puller = puller(&req)?;
    let (kind, url) = puller
        .resolve(&request.source, request.url.as_deref())
        .map_err(ApiError::BadRequest)?;
    let job = puller
        .into_inner()
        .submit(kind, url, request.options.unwrap_or_default(), "api")
        .map_err(ApiError::Unexpected)?;
    tracing::info!(job = %job.id, source = %job.source, "pull queued");
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/v1/jobs/{}", job.id)))
        .json(PullAccepted {
            href: format!("/v1/jobs/{}", job.id),
            job: job.id,
            state: job.state,
        }))
}

/// A pull job: its state, counts, warnings and error.
#[utoipa::path(
    tag = "sources",
    params(("id" = String, Path, description = "Job id", example = "7")),
    responses(
        (status = 200, description = "The job", body = Job),
        (status = 404, description = "No such job", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/v1/jobs/{id}")]
pub async fn get_job(req: HttpRequest, id: web::Path<String>) -> Result<web::Json<Job>, ApiError> {
    let puller = puller(&req)?;
    let id = id.into_inner();
    let job = web::block(move || puller.job(&id).ok_or(id)).await?;
    job.map(web::Json).map_err(|id| ApiError::NotFound { what: "job", id })
}

/// The configured sources (CAREERMAP_SOURCES) and every source pulled, with the last pull.
#[utoipa::path(tag = "sources", responses((status = 200, description = "Sources", body = SourceList)))]
#[get("/v1/sources")]
pub async fn list_sources(req: HttpRequest) -> Result<web::Json<SourceList>, ApiError> {
    let puller = puller(&req)?;
    let sources = web::block(move || puller.sources()).await?;
    Ok(web::Json(SourceList { sources }))
}
