//! One error envelope: RFC 9457 `application/problem+json`.
//!
//! Every error the API returns goes through [`ApiError`]. Each variant has a stable `type`
//! (`/problems/<code>`), a status and a title, in one table ([`ApiError::parts`]). Unexpected
//! errors are logged once here, with their cause chain, and answered with a generic 500.

use crate::app::AppError;
use crate::domain::{Problem, cap_problems, clip, problems_total};
use crate::service::WriteError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"type": "/problems/validation", "title": "The bundle is invalid", "status": 422,
    "detail": "1 problem(s): course `cc.nur-102`, prerequisites[0].from[0]: unknown course or credential `cc.nur-100`",
    "errors": [{"record_kind": "course", "index": 3, "id": "cc.nur-102", "field": "prerequisites[0].from[0]",
                "code": "unknown_reference", "message": "unknown course or credential `cc.nur-100`"}]}))]
pub struct ProblemDetails {
    /// Stable machine-readable problem type.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For validation failures: each offending record and field.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<ValidationError>>)]
    pub errors: Option<Vec<Problem>>,
    /// With `errors`: how many problems were found in all. At most 100 are listed; the last
    /// listed one is then a `too_many_problems` summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_errors: Option<usize>,
    /// The query or path parameter, or the body field, at fault (when one is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// `insufficient-storage`: bytes free on the data directory's disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_bytes: Option<u64>,
    /// `insufficient-storage`: bytes the write needed free (`CAREERMAP_MIN_FREE_DISK` plus twice
    /// the incoming size).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_bytes: Option<u64>,
}

/// One offending record and field of a rejected request.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ValidationError {
    /// `bundle`, `competency`, `course`, `credential`, `occupation`, `articulation` or `request`.
    pub record_kind: String,
    /// Position of the record in the list sent (absent for an existing record the import
    /// broke).
    pub index: Option<usize>,
    /// The record's id (SOC code for occupations).
    pub id: Option<String>,
    /// The offending field, e.g. `prerequisites[0].from[1]`.
    pub field: String,
    /// `malformed`, `duplicate_id`, `unknown_reference`, `cycle`, `choose_out_of_range`,
    /// `unreachable_credits`, `invalid_number`, `invalid_soc_code`, `self_articulation`,
    /// `invalid_tier`, `empty_field`, `too_many_problems` (the summary ending a cut list; its
    /// `index` is how many problems were left out).
    pub code: String,
    pub message: String,
    /// Spreadsheet imports: the sheet (or CSV file name without `.csv`).
    pub sheet: Option<String>,
    /// Spreadsheet imports: the row, numbered as the spreadsheet shows it (header = 1).
    pub row: Option<usize>,
    /// Spreadsheet imports: the column header.
    pub column: Option<String>,
}

/// Everything an API call can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// A request parameter or body field is invalid (422), with a message that names it.
    BadRequest(String),
    /// The named query/path parameter or body field is invalid (422).
    InvalidParameter {
        name: String,
        message: String,
    },
    /// The request conflicts with the data (409), e.g. a replace that would remove most records.
    Conflict(String),
    /// Too many requests from this client (429), retry after this many seconds: every rate
    /// limit ([`super::security::Limiter`]) and the failed-authentication lock-out.
    TooManyRequests {
        retry_after: u64,
        what: &'static str,
    },
    /// The client sent nothing for too long while uploading a body (408).
    RequestTimeout,
    /// The method is not allowed on this route (405); `allow` lists the ones that are.
    MethodNotAllowed {
        method: String,
        allow: String,
    },
    /// An import bundle failed validation (422), every problem listed.
    Invalid(Vec<Problem>),
    NotFound {
        what: &'static str,
        id: String,
    },
    Unauthorized,
    WritesDisabled,
    PayloadTooLarge {
        limit: usize,
    },
    UnsupportedMediaType(String),
    /// The service is busy (503).
    Busy,
    /// The service has started but is still loading its dataset (503, `Retry-After`).
    Loading,
    /// A dataset version was committed but its data is no longer kept (409).
    VersionNotRetained(u64),
    /// The pull queue is full (429).
    PullQueueFull(String),
    /// A credential other than the admin token is missing or wrong (403), e.g. a delete key.
    Forbidden(String),
    /// Not enough disk for the write (507), nothing written; or the disk filled during it.
    InsufficientStorage(crate::store::Shortage),
    /// The saved-plan store is full (507): `CAREERMAP_PLANS_MAX` plans or bytes.
    PlansFull(String),
    Unexpected(anyhow::Error),
}

impl ApiError {
    /// (type code, status, title): the one table of problem kinds.
    fn parts(&self) -> (&'static str, StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) | ApiError::InvalidParameter { .. } => (
                "invalid-request",
                StatusCode::UNPROCESSABLE_ENTITY,
                "The request is invalid",
            ),
            ApiError::Conflict(_) => ("conflict", StatusCode::CONFLICT, "The request conflicts with the data"),
            ApiError::TooManyRequests { .. } => ("rate-limited", StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
            ApiError::RequestTimeout => (
                "request-timeout",
                StatusCode::REQUEST_TIMEOUT,
                "The request body stopped arriving",
            ),
            ApiError::MethodNotAllowed { .. } => (
                "method-not-allowed",
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed",
            ),
            ApiError::Invalid(_) => ("validation", StatusCode::UNPROCESSABLE_ENTITY, "The bundle is invalid"),
            ApiError::NotFound { .. } => ("not-found", StatusCode::NOT_FOUND, "Not found"),
            ApiError::Unauthorized => (
                "unauthorized",
                StatusCode::UNAUTHORIZED,
                "Missing or wrong bearer token",
            ),
            ApiError::WritesDisabled => ("writes-disabled", StatusCode::FORBIDDEN, "Writes are disabled"),
            ApiError::PayloadTooLarge { .. } => (
                "payload-too-large",
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request body is too large",
            ),
            ApiError::UnsupportedMediaType(_) => (
                "unsupported-media-type",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
            ),
            ApiError::Busy => ("busy", StatusCode::SERVICE_UNAVAILABLE, "The service is busy"),
            ApiError::Loading => (
                "loading",
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is loading its dataset",
            ),
            ApiError::VersionNotRetained(_) => (
                "version-not-retained",
                StatusCode::CONFLICT,
                "The dataset version's data was not retained",
            ),
            ApiError::PullQueueFull(_) => (
                "pull-queue-full",
                StatusCode::TOO_MANY_REQUESTS,
                "Too many pulls are waiting",
            ),
            ApiError::Forbidden(_) => ("forbidden", StatusCode::FORBIDDEN, "Not allowed"),
            ApiError::InsufficientStorage(_) => (
                "insufficient-storage",
                StatusCode::INSUFFICIENT_STORAGE,
                "Not enough disk space for this write",
            ),
            ApiError::PlansFull(_) => (
                "plans-full",
                StatusCode::INSUFFICIENT_STORAGE,
                "The saved-plan store is full",
            ),
            ApiError::Unexpected(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::BadRequest(m)
            | ApiError::UnsupportedMediaType(m)
            | ApiError::Conflict(m)
            | ApiError::PullQueueFull(m)
            | ApiError::PlansFull(m)
            | ApiError::Forbidden(m) => clip_long(m),
            ApiError::InsufficientStorage(s) => s.to_string(),
            ApiError::InvalidParameter { name, message } => clip_long(&format!("`{}`: {message}", clip(name))),
            ApiError::TooManyRequests { retry_after, what } => {
                format!("too many {what} from this client; retry after {retry_after} s")
            }
            ApiError::RequestTimeout => {
                "the body sent nothing for longer than CAREERMAP_BODY_IDLE_TIMEOUT, or was not whole within CAREERMAP_BODY_TIMEOUT (CAREERMAP_IMPORT_BODY_TIMEOUT for imports); the connection is closed".into()
            }
            ApiError::MethodNotAllowed { method, allow } => {
                format!("{} is not allowed here; allowed: {allow}", clip(method))
            }
            ApiError::Invalid(problems) => {
                let total = problems_total(problems);
                let shown: Vec<String> = problems.iter().take(3).map(|p| clip(&p.to_string())).collect();
                let more = total.saturating_sub(shown.len());
                format!(
                    "{} problem(s): {}{}; nothing was changed",
                    total,
                    shown.join("; "),
                    if more > 0 { format!("; and {more} more in `errors`") } else { String::new() }
                )
            }
            ApiError::NotFound { what, id } => format!("no {what} with id `{}`", clip(id)),
            ApiError::Unauthorized => "send `Authorization: Bearer <token>` with the token configured in CAREERMAP_ADMIN_TOKEN".into(),
            ApiError::WritesDisabled => {
                "this server has no admin token; set CAREERMAP_ADMIN_TOKEN (16+ characters) and restart to enable writes".into()
            }
            ApiError::PayloadTooLarge { limit } => {
                format!("the body is larger than the limit of {limit} bytes for this endpoint")
            }
            ApiError::Busy => "too many searches are running; retry shortly".into(),
            ApiError::Loading => {
                "the service started and is loading its dataset; retry after the given seconds (GET /health/ready answers 200 once it is ready)".into()
            }
            ApiError::VersionNotRetained(v) => format!(
                "dataset version {v} was committed, but the store keeps only the records of versions it retains; compare with a retained version (see GET /v1/datasets)"
            ),
            ApiError::Unexpected(_) => "an internal error occurred; it has been logged".into(),
        }
    }

    pub fn problem(&self) -> ProblemDetails {
        let (code, status, title) = self.parts();
        let errors = match self {
            ApiError::Invalid(p) => Some(cap_problems(p)),
            _ => None,
        };
        ProblemDetails {
            type_: format!("/problems/{code}"),
            title: title.into(),
            status: status.as_u16(),
            detail: self.detail(),
            total_errors: match self {
                ApiError::Invalid(p) => Some(problems_total(p)),
                _ => None,
            },
            errors,
            parameter: match self {
                ApiError::InvalidParameter { name, .. } => Some(clip(name)),
                _ => None,
            },
            available_bytes: match self {
                ApiError::InsufficientStorage(s) => Some(s.available),
                _ => None,
            },
            required_bytes: match self {
                ApiError::InsufficientStorage(s) if !s.during_write => Some(s.required),
                _ => None,
            },
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().1
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Unexpected(e) = self {
            tracing::error!(error = format!("{e:#}"), "unexpected error");
        }
        let mut resp = HttpResponse::build(self.status_code());
        resp.content_type("application/problem+json");
        match self {
            ApiError::Unauthorized => {
                resp.insert_header(("WWW-Authenticate", "Bearer"));
            }
            ApiError::TooManyRequests { retry_after, .. } => {
                resp.insert_header(("Retry-After", retry_after.to_string()));
            }
            ApiError::MethodNotAllowed { allow, .. } => {
                resp.insert_header(("Allow", allow.as_str()));
            }
            ApiError::RequestTimeout => {
                resp.insert_header(("Connection", "close"));
            }
            _ => {}
        }
        if let ApiError::Loading = self {
            resp.insert_header(("Retry-After", "1"));
        }
        resp.json(self.problem())
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        AppError::from(e).into()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::BadRequest(m) => ApiError::BadRequest(m),
            AppError::InvalidParameter { name, message } => ApiError::InvalidParameter { name, message },
            AppError::Conflict(m) => ApiError::Conflict(m),
            AppError::Invalid(p) => ApiError::Invalid(p),
            AppError::NotFound { what, id } => ApiError::NotFound { what, id },
            AppError::Busy => ApiError::Busy,
            AppError::Loading => ApiError::Loading,
            AppError::VersionNotRetained(v) => ApiError::VersionNotRetained(v),
            AppError::PullQueueFull(m) => ApiError::PullQueueFull(m),
            AppError::Forbidden(m) => ApiError::Forbidden(m),
            AppError::WritesDisabled => ApiError::WritesDisabled,
            AppError::InsufficientStorage(s) => ApiError::InsufficientStorage(s),
            AppError::PlansFull(m) => ApiError::PlansFull(m),
            AppError::Unexpected(e) => ApiError::Unexpected(e),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Unexpected(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// `s` cut to a few hundred characters: messages quote what the client sent.
fn clip_long(s: &str) -> String {
    match s.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Turns actix's own extractor errors (bad query string, bad path, bad JSON) into problems.
pub fn extractor_error(err: impl fmt::Display, what: &str) -> actix_web::Error {
    ApiError::BadRequest(format!("{what}: {err}")).into()
}
