//! `/health`, and the dataset history and restore (adapters over [`crate::app::datasets`]).

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use crate::app::datasets as use_case;
use crate::domain::Counts;
use crate::service::WriteOptions;
use crate::store::VersionInfo;
use actix_web::{HttpRequest, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Service health and the dataset being served.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "ready": true, "dataset_version": 3, "committed_at": "2026-11-23T21:00:00Z",
    "origin": "import:merge", "counts": {"competencies": 96, "courses": 72, "credentials": 24, "occupations": 30, "articulations": 14}}))]
pub struct Health {
    /// `ok` once the dataset is served; `loading` while a start is still loading it (the
    /// process is alive, the API answers 503 `loading` with `Retry-After` until then);
    /// `degraded` when it serves, but not as it should: the current version did not verify
    /// against its manifest and an older one is served, or a failed write could not be undone
    /// (writes then wait for a restart). `reason` says which and what to do.
    #[schema(example = "ok")]
    pub status: &'static str,
    /// With `degraded`: what is wrong and how to repair it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether the dataset is loaded and the API serves it (the same as `GET /health/ready`
    /// answering 200).
    pub ready: bool,
    /// The dataset version being served, or while loading the one being loaded (0: empty store).
    pub dataset_version: u64,
    pub committed_at: String,
    pub origin: String,
    pub counts: Counts,
}

fn health_now(state: &AppState) -> Result<Health, ApiError> {
    let ready = state.catalog.is_ready();
    let info = if ready {
        state.catalog.snapshot().info.clone()
    } else {
        match state
            .catalog
            .stored_version()
            .map_err(|e| ApiError::Unexpected(e.into()))?
        {
            Some(info) => info,
            None => state.catalog.snapshot().info.clone(),
        }
    };
    let reason = state.catalog.degraded();
    Ok(Health {
        status: match (ready, &reason) {
            (false, _) => "loading",
            (true, Some(_)) => "degraded",
            (true, None) => "ok",
        },
        reason,
        ready,
        dataset_version: info.version,
        committed_at: info.committed_at,
        origin: info.origin,
        counts: info.counts,
    })
}

/// Is the service up (live), and which dataset version does it serve?
///
/// Answers 200 as soon as the process listens, also while a start is still loading the
/// dataset (`status: loading`, `ready: false`); use `GET /health/ready` to wait for the API.
#[utoipa::path(tag = "service", responses((status = 200, description = "Up", body = Health)))]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    health_now(&state).map(web::Json)
}

/// Is the dataset loaded and the API serving it (readiness)?
///
/// 200 with the same body as `/health` once ready; 503 `loading` with `Retry-After` while a
/// start is still loading the dataset.
#[utoipa::path(tag = "service", responses(
    (status = 200, description = "Ready", body = Health),
    (status = 503, description = "Still loading the dataset", body = ProblemDetails, content_type = "application/problem+json"),
))]
#[get("/health/ready")]
pub async fn health_ready(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    if !state.catalog.is_ready() {
        return Err(ApiError::Loading);
    }
    health_now(&state).map(web::Json)
}

/// One committed dataset version.
#[derive(Serialize, ToSchema)]
pub struct DatasetEntry {
    #[serde(flatten)]
    pub info: VersionInfo,
    /// Its data is kept: `POST /v1/datasets/{version}/restore` can bring it back.
    pub restorable: bool,
}

/// One page of the committed dataset versions.
#[derive(Serialize, ToSchema)]
pub struct DatasetHistory {
    /// Oldest first.
    pub versions: Vec<DatasetEntry>,
    /// Versions committed in all.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// Paging of the history.
#[derive(Deserialize, IntoParams)]
pub struct HistoryPaging {
    /// Page size, 0-1000 (default 100).
    #[param(minimum = 0, maximum = 1000)]
    pub limit: Option<usize>,
    /// Versions to skip, oldest first (default 0).
    pub offset: Option<usize>,
}

/// The dataset versions committed to this store, oldest first, paged; who wrote each (token
/// fingerprint) and whether its data is kept for restore.
#[utoipa::path(tag = "service", params(HistoryPaging), responses(
    (status = 200, description = "History", body = DatasetHistory),
    (status = 422, description = "Bad paging", body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/datasets")]
pub async fn datasets(
    state: web::Data<AppState>,
    q: super::Query<HistoryPaging>,
) -> Result<web::Json<DatasetHistory>, ApiError> {
    let (limit, offset) = super::paging(q.limit, q.offset, 100, 1000)?;
    let catalog = state.catalog.clone();
    let history = web::block(move || use_case::history(&catalog, limit, offset)).await??;
    Ok(web::Json(DatasetHistory {
        versions: history
            .versions
            .into_iter()
            .map(|(info, restorable)| DatasetEntry { info, restorable })
            .collect(),
        total: history.total,
        limit,
        offset,
    }))
}

/// The outcome of a restore.
#[derive(Serialize, ToSchema)]
pub struct RestoreResult {
    /// The new version, equal in data to the restored one.
    pub dataset_version: u64,
    /// The version whose data it has.
    pub restored: u64,
    pub counts: crate::domain::Counts,
    /// False when the current data already equals it (no version was made).
    pub changed: bool,
}

#[derive(Deserialize, IntoParams)]
pub struct RestoreQuery {
    /// A restore that would remove more than half of the current records (of every kind), or
    /// all of them, is refused (409) unless this is `true`, as a replace is.
    pub confirm: Option<bool>,
}

/// Make a new dataset version equal to an older, kept one (undo).
#[utoipa::path(tag = "service",
    params(("version" = u64, Path, description = "A version listed as `restorable` in /v1/datasets", minimum = 1), RestoreQuery),
    responses(
        (status = 200, description = "Restored", body = RestoreResult),
        (status = 409, description = "A restore that would remove more than half of the records, without `confirm=true`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, description = "Missing or wrong token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Writes disabled", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No kept data for this version", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Bad version", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed authentications or writes", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 507, description = "Not enough free disk (CAREERMAP_MIN_FREE_DISK); nothing written", body = ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[post("/v1/datasets/{version}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    req: HttpRequest,
    version: web::Path<u64>,
    query: web::Query<RestoreQuery>,
) -> Result<web::Json<RestoreResult>, ApiError> {
    super::auth::require_admin(&state.settings, &req)?;
    let version = version.into_inner();
    let opts = WriteOptions {
        confirm: query.confirm.unwrap_or(false),
        author: super::security::fingerprint(&req),
        ..Default::default()
    };
    let catalog = state.catalog.clone();
    let outcome = web::block(move || use_case::restore(&catalog, version, &opts)).await??;
    Ok(web::Json(RestoreResult {
        dataset_version: outcome.info.version,
        restored: version,
        counts: outcome.info.counts,
        changed: outcome.changed,
    }))
}
