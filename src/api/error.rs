//! One error envelope: RFC 9457 `application/problem+json`.
//!
//! Every error the API returns goes through [`ApiError`]. Each variant has a stable `type`
//! (`/problems/<code>`), a status and a title, in one table ([`ApiError::parts`]). Unexpected
//! errors are logged once here, with their cause chain, and answered with a generic 500.

use crate::domain::Problem;
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
}

/// One offending record and field of a rejected request.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ValidationError {
    /// `bundle`, `competency`, `course`, `credential`, `occupation`, `articulation` or `request`.
    pub record_kind: String,
    /// Position of the record in its list.
    pub index: Option<usize>,
    /// The record's id (SOC code for occupations).
    pub id: Option<String>,
    /// The offending field, e.g. `prerequisites[0].from[1]`.
    pub field: String,
    /// `malformed`, `duplicate_id`, `unknown_reference`, `cycle`, `choose_out_of_range`,
    /// `unreachable_credits`, `invalid_number`, `invalid_soc_code`, `self_articulation`,
    /// `invalid_tier`, `empty_field`.
    pub code: String,
    pub message: String,
}

/// Everything an API call can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// A request parameter or body field is invalid (422), with a message that names it.
    BadRequest(String),
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
    /// A search exceeded its budget (422).
    TooComplex(String),
    /// The service is busy (503).
    Busy,
    /// A credential other than the admin token is missing or wrong (403), e.g. a delete key.
    Forbidden(String),
    /// Too many writes from one client (429); retry after the given seconds.
    RateLimited {
        retry_after: u64,
    },
    Unexpected(anyhow::Error),
}

impl ApiError {
    /// (type code, status, title): the one table of problem kinds.
    fn parts(&self) -> (&'static str, StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (
                "invalid-request",
                StatusCode::UNPROCESSABLE_ENTITY,
                "The request is invalid",
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
            ApiError::TooComplex(_) => (
                "too-complex",
                StatusCode::UNPROCESSABLE_ENTITY,
                "The request needs too much search",
            ),
            ApiError::Busy => ("busy", StatusCode::SERVICE_UNAVAILABLE, "The service is busy"),
            ApiError::Forbidden(_) => ("forbidden", StatusCode::FORBIDDEN, "Not allowed"),
            ApiError::RateLimited { .. } => ("rate-limited", StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
            ApiError::Unexpected(_) => ("internal", StatusCode::INTERNAL_SERVER_ERROR, "Internal error"),
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::BadRequest(m)
            | ApiError::TooComplex(m)
            | ApiError::UnsupportedMediaType(m)
            | ApiError::Forbidden(m) => m.clone(),
            ApiError::RateLimited { retry_after } => {
                format!("too many writes from this address; retry in {retry_after} s")
            }
            ApiError::Invalid(problems) => {
                let shown: Vec<String> = problems.iter().take(3).map(|p| p.to_string()).collect();
                let more = problems.len().saturating_sub(3);
                format!(
                    "{} problem(s): {}{}; nothing was changed",
                    problems.len(),
                    shown.join("; "),
                    if more > 0 { format!("; and {more} more in `errors`") } else { String::new() }
                )
            }
            ApiError::NotFound { what, id } => format!("no {what} with id `{id}`"),
            ApiError::Unauthorized => "send `Authorization: Bearer <token>` with the token configured in CAREERMAP_ADMIN_TOKEN".into(),
            ApiError::WritesDisabled => {
                "this server has no admin token; set CAREERMAP_ADMIN_TOKEN (16+ characters) and restart to enable writes".into()
            }
            ApiError::PayloadTooLarge { limit } => {
                format!("the body is larger than the limit of {limit} bytes (CAREERMAP_BODY_LIMIT)")
            }
            ApiError::Busy => "too many searches are running; retry shortly".into(),
            ApiError::Unexpected(_) => "an internal error occurred; it has been logged".into(),
        }
    }

    pub fn problem(&self) -> ProblemDetails {
        let (code, status, title) = self.parts();
        ProblemDetails {
            type_: format!("/problems/{code}"),
            title: title.into(),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match self {
                ApiError::Invalid(p) => Some(p.clone()),
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
        if matches!(self, ApiError::Unauthorized) {
            resp.insert_header(("WWW-Authenticate", "Bearer"));
        }
        if let ApiError::RateLimited { retry_after } = self {
            resp.insert_header(("Retry-After", retry_after.to_string()));
        }
        resp.json(self.problem())
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Invalid(p) => ApiError::Invalid(p),
            WriteError::Store(s) => ApiError::Unexpected(s.into()),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::Unexpected(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// Turns actix's own extractor errors (bad query string, bad path, bad JSON) into problems.
pub fn extractor_error(err: impl fmt::Display, what: &str) -> actix_web::Error {
    ApiError::BadRequest(format!("{what}: {err}")).into()
}
