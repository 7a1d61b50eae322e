//! `/health` and the dataset history.

use super::AppState;
use super::error::ApiError;
use crate::domain::Counts;
use crate::store::VersionInfo;
use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// Service health and the dataset being served.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok", "dataset_version": 3, "committed_at": "2026-11-23T21:00:00Z",
    "origin": "import:merge", "counts": {"competencies": 96, "courses": 72, "credentials": 24, "occupations": 30, "articulations": 14}}))]
pub struct Health {
    pub status: &'static str,
    /// The dataset version being served (0: empty store).
    pub dataset_version: u64,
    pub committed_at: String,
    pub origin: String,
    pub counts: Counts,
}

/// Is the service up, and which dataset version does it serve?
#[utoipa::path(tag = "service", responses((status = 200, description = "Up", body = Health)))]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> web::Json<Health> {
    let snap = state.catalog.snapshot();
    web::Json(Health {
        status: "ok",
        dataset_version: snap.info.version,
        committed_at: snap.info.committed_at.clone(),
        origin: snap.info.origin.clone(),
        counts: snap.info.counts,
    })
}

/// The committed dataset versions.
#[derive(Serialize, ToSchema)]
pub struct DatasetHistory {
    /// Oldest first.
    pub versions: Vec<VersionInfo>,
}

/// Every dataset version committed to this store, oldest first.
#[utoipa::path(tag = "service", responses((status = 200, description = "History", body = DatasetHistory)))]
#[get("/v1/datasets")]
pub async fn datasets(state: web::Data<AppState>) -> Result<web::Json<DatasetHistory>, ApiError> {
    let catalog = state.catalog.clone();
    let versions = web::block(move || catalog.history())
        .await?
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    Ok(web::Json(DatasetHistory { versions }))
}
