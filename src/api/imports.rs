//! `POST /v1/imports`: all-or-nothing catalog imports (JSON bundle, xlsx workbook or zip of
//! CSV files; merge, replace or patch; optionally a dry run), and the spreadsheet template.
//!
//! The handler checks the token, the media type and the size, reads the body and runs the
//! use case [`crate::app::imports::import`] (the one `careermap import` runs) on the blocking
//! pool.

use super::AppState;
use super::auth::require_admin;
use super::error::{ApiError, ProblemDetails};
use crate::app::imports::{self as use_case, ImportFormat};
use crate::domain::{Bundle, ChangeWarning as Warning, Counts, Diff, ImportMode};
use crate::service::WriteOptions;
use crate::sources::workbook::{self, Format};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `merge` (default) upserts records by id; `replace` swaps the whole dataset; `patch`
    /// changes only the fields each record gives (`null` clears one).
    pub mode: Option<ImportMode>,
    /// A `replace` that would remove more than half of the current records, or all of them,
    /// is refused (409) unless this is `true`.
    pub confirm: Option<bool>,
    /// Answer what the import would change (`diff`) and write nothing.
    pub dry_run: Option<bool>,
}

/// Media types `POST /v1/imports` accepts (others: 415). One list, extended by new formats.
pub const IMPORT_TYPES: &[&str] = &[
    "application/json",
    workbook::XLSX_TYPE,
    "application/zip",
    "application/octet-stream",
];

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
    /// The dataset version now being served (unchanged by a dry run or when `changed` is false).
    pub dataset_version: u64,
    /// False when the import changed nothing: no version was made.
    pub changed: bool,
    pub mode: ImportMode,
    /// True when nothing was written.
    pub dry_run: bool,
    /// Records in the request, per kind.
    pub received: Counts,
    /// Records in the dataset after the import (or that it would have), per kind.
    pub counts: Counts,
    /// Pulled fields (with provenance) that a merge dropped (or would drop).
    pub warnings: Vec<Warning>,
    /// For a dry run: records added, changed (with the changed fields) and removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Diff>,
}

/// What the body of an import is, by its `Content-Type` (and, for a zip, its content).
fn body_format(req: &HttpRequest, body: &[u8]) -> Result<ImportFormat, ApiError> {
    let ctype = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    match ctype.as_str() {
        "" | "application/json" => Ok(ImportFormat::Json),
        workbook::XLSX_TYPE | "application/zip" | "application/octet-stream" => match Format::sniff(body) {
            Some(f) => Ok(ImportFormat::Spreadsheet(f)),
            None => Err(ApiError::BadRequest(format!(
                "the body is sent as `{ctype}` but is not a zip: send an .xlsx workbook or a zip of CSV files"
            ))),
        },
        other => Err(ApiError::UnsupportedMediaType(format!(
            "`{other}` cannot be imported; send application/json, {} or application/zip",
            workbook::XLSX_TYPE
        ))),
    }
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
/// The body is a JSON bundle, an `.xlsx` workbook or a zip of CSV files (one sheet or file per
/// kind; see docs/import-format.md and `GET /v1/imports/template`). On any problem (unknown
/// reference, duplicate id, prerequisite cycle, choose out of range, unreachable min_credits,
/// negative hours, bad SOC code, unknown enum value, a bad spreadsheet cell...) the answer is a
/// 422 problem listing every problem (spreadsheet problems name `sheet`, `row` and `column`),
/// and the dataset is unchanged. On success a new dataset version is committed to disk before
/// the answer; with `dry_run=true` nothing is written and the answer carries the `diff`.
#[utoipa::path(
    tag = "imports",
    params(ImportQuery),
    request_body(description = "The import bundle (docs/import-format.md), an xlsx workbook or a zip of CSV files",
        content(
            (Bundle = "application/json", example = json!({"competencies": [{"id": "hc.t4.safety", "name": "Health and safety", "tier": 4}],
                "courses": [{"id": "hs.health-sci-1", "title": "Principles of Health Science", "system": "secondary",
                    "hours": 120, "credits": 1.0, "competencies": ["hc.t4.safety"], "codes": {"sced": "14001"}}]})),
            ([u8] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ([u8] = "application/zip")
        )),
    responses(
        (status = 200, description = "Imported", body = ImportResult),
        (status = 401, description = "Missing or wrong token", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Writes disabled (no admin token configured)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 408, description = "The body sent nothing for CAREERMAP_BODY_IDLE_TIMEOUT", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "A replace that would remove more than half of the records, without `confirm=true`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Body over CAREERMAP_BODY_LIMIT", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Content-Type not JSON, an .xlsx workbook or a zip of CSV files", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid bundle; the problems listed (at most 100, with `total_errors`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed authentications or writes from this client", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 507, description = "Not enough free disk for this import (CAREERMAP_MIN_FREE_DISK plus twice its size), or the disk filled during it; nothing written", body = ProblemDetails, content_type = "application/problem+json"),
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
    let format = body_format(&req, &body)?;
    let mode = query.mode.unwrap_or(ImportMode::Merge);
    let opts = WriteOptions {
        confirm: query.confirm.unwrap_or(false),
        author: super::security::fingerprint(&req),
        incoming_bytes: body.len() as u64,
    };
    let dry_run = query.dry_run.unwrap_or(false);
    let catalog = state.catalog.clone();
    let span = tracing::Span::current();
    let done =
        web::block(move || span.in_scope(|| use_case::import(&catalog, format, body, mode, dry_run, &opts))).await??;
    Ok(web::Json(ImportResult {
        dataset_version: done.outcome.version,
        changed: done.outcome.changed,
        mode: done.mode,
        dry_run: done.dry_run,
        received: done.received,
        counts: done.outcome.counts,
        warnings: done.outcome.warnings,
        diff: done.outcome.diff,
    }))
}

#[derive(serde::Deserialize, IntoParams)]
pub struct TemplateQuery {
    /// `xlsx` (default): one workbook; `csv`: a zip of one CSV file per sheet.
    #[param(inline)]
    pub format: Option<TemplateFormat>,
}

/// The file formats of the import template (documentation of its `format` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(try_from = "String")]
#[schema(rename_all = "lowercase")]
pub enum TemplateFormat {
    #[default]
    Xlsx,
    Csv,
}

impl TryFrom<String> for TemplateFormat {
    type Error = String;
    fn try_from(s: String) -> Result<TemplateFormat, String> {
        match s.as_str() {
            "xlsx" => Ok(TemplateFormat::Xlsx),
            "csv" => Ok(TemplateFormat::Csv),
            other => Err(format!("unknown template format `{other}`; use `xlsx` or `csv`")),
        }
    }
}

/// The empty spreadsheet template for imports.
///
/// Every sheet (`competencies`, `courses`, `assessments`, `credentials`, `occupation_links`,
/// `articulations`) with its header row of field names and a `#` comment row explaining each
/// column.
#[utoipa::path(
    tag = "imports",
    params(TemplateQuery),
    responses(
        (status = 200, description = "The template", content(
            ([u8] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ([u8] = "application/zip")
        )),
        (status = 422, description = "Unknown format", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/v1/imports/template")]
pub async fn template(query: super::Query<TemplateQuery>) -> Result<HttpResponse, ApiError> {
    let (format, file) = match query.format.unwrap_or_default() {
        TemplateFormat::Xlsx => (Format::Xlsx, "careermap-template.xlsx"),
        TemplateFormat::Csv => (Format::CsvZip, "careermap-template.zip"),
    };
    let bytes = web::block(move || workbook::template(format))
        .await?
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!(e)))?;
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file}\"")))
        .body(bytes))
}
