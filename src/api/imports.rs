//! `POST /v1/imports`: all-or-nothing catalog imports.

use super::AppState;
use super::auth::require_admin;
use super::error::{ApiError, ProblemDetails};
use crate::domain::{Bundle, Counts};
use crate::service::WriteOptions;
use crate::settings::ImportMode;
use actix_web::{HttpRequest, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `merge` (default) upserts records by id; `replace` swaps the whole dataset.
    pub mode: Option<ImportMode>,
    /// A `replace` that would remove more than half of the current records, or all of them,
    /// is refused (409) unless this is `true`.
    pub confirm: Option<bool>,
}

/// Media types `POST /v1/imports` accepts (others: 415). One list, extended by new formats.
pub const IMPORT_TYPES: &[&str] = &["application/json"];

/// Checks the request's `Content-Type` against `accepted` (parameters such as `charset`
/// ignored), answering 415 naming the accepted types.
pub fn require_content_type(req: &HttpRequest, accepted: &[&str]) -> Result<String, ApiError> {
    let given = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    match given {
        Some(t) if accepted.contains(&t.as_str()) => Ok(t),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "send the body as {} (got {})",
            accepted.join(" or "),
            other
                .map(|t| format!("`{}`", crate::domain::clip(&t)))
                .unwrap_or_else(|| "no Content-Type".into())
        ))),
    }
}

/// The outcome of a successful import.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"dataset_version": 4, "mode": "merge",
    "received": {"competencies": 1, "courses": 1, "credentials": 0, "occupations": 0, "articulations": 0},
    "counts": {"competencies": 97, "courses": 73, "credentials": 24, "occupations": 30, "articulations": 14}}))]
pub struct ImportResult {
    /// The dataset version now being served (unchanged when `changed` is false).
    pub dataset_version: u64,
    /// False when the import changed nothing: no version was made.
    pub changed: bool,
    pub mode: ImportMode,
    /// Records in the request, per kind.
    pub received: Counts,
    /// Records in the dataset after the import, per kind.
    pub counts: Counts,
}

/// Reads the body up to `limit` bytes, answering 413 past it (before reading it all when
/// `Content-Length` says so).
pub async fn read_body(req: &HttpRequest, mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(8192).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            if super::guard::is_idle_timeout(&e) {
                ApiError::RequestTimeout
            } else {
                ApiError::BadRequest(format!("could not read the body: {e}"))
            }
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Import a bundle of catalog records, all or nothing.
///
/// On any problem (unknown reference, duplicate id, prerequisite cycle, choose out of range,
/// unreachable min_credits, negative hours, bad SOC code, unknown enum value...) the answer is a
/// 422 problem listing every problem, and the dataset is unchanged. On success a new dataset
/// version is committed to disk before the answer.
#[utoipa::path(
    tag = "imports",
    params(ImportQuery),
    request_body(content = Bundle, content_type = "application/json", description = "The import bundle (CONTRACT.md)",
        example = json!({"competencies": [{"id": "hc.t4.safety", "name": "Health and safety", "tier": 4}],
            "courses": [{"id": "hs.health-sci-1", "title": "Principles of Health Science", "system": "secondary",
                "hours": 120, "credits": 1.0, "competencies": ["hc.t4.safety"], "codes": {"sced": "14001"}}]})),
    responses(
        (status = 200, description = "Imported", body = ImportResult),
        (status = 401, description = "Missing or wrong token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Writes disabled (no admin token configured)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 408, description = "The body sent nothing for CAREERMAP_BODY_IDLE_TIMEOUT", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "A replace that would remove more than half of the records, without `confirm=true`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Body over CAREERMAP_BODY_LIMIT", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Content-Type not application/json", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid bundle; the problems listed (at most 100, with `total_errors`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed authentications or writes from this client", body = ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/v1/imports")]
pub async fn import(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: super::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<web::Json<ImportResult>, ApiError> {
    require_admin(&state.settings, &req)?;
    require_content_type(&req, IMPORT_TYPES)?;
    let body = read_body(&req, payload, state.settings.body_limit).await?;
    let mode = query.mode.unwrap_or(ImportMode::Merge);
    let opts = WriteOptions {
        confirm: query.confirm.unwrap_or(false),
        author: super::auth::fingerprint(&req),
    };
    let catalog = state.catalog.clone();
    let span = tracing::Span::current();
    let result = web::block(move || {
        let _enter = span.enter();
        let bundle = Bundle::from_json(&body).map_err(ApiError::Invalid)?;
        let received = bundle.counts();
        let outcome = catalog.write_opts(bundle, mode, &format!("import:{}", mode.as_str()), &opts)?;
        let info = outcome.info;
        tracing::info!(
            changed = outcome.changed,
            version = info.version,
            mode = mode.as_str(),
            records = received.total(),
            "import committed"
        );
        Ok::<_, ApiError>(ImportResult {
            dataset_version: info.version,
            changed: outcome.changed,
            mode,
            received,
            counts: info.counts,
        })
    })
    .await??;
    Ok(web::Json(result))
}
