//! Saved plans: `POST /v1/plans`, `GET /v1/plans/{id}`, `DELETE /v1/plans/{id}`.
//!
//! The use cases are [`crate::app::plans`]; this module keeps the wire types, the plans token,
//! the per-address write limit and the JSON form in which requests and answers are stored
//! ([`JsonWire`]: the `POST /v1/career-maps` request and answer).

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::maps::{self, CareerMapRequest};
use super::security::{self, Limiter};
use crate::analysis::career_map::MapRequest;
use crate::app::AppError;
use crate::app::maps::MapOutcome;
use crate::app::plans::{self as use_case, PlanWire, ReadPlan};
use crate::graph::CatalogGraph;
use crate::settings::Settings;
use crate::store::StoreError;
use crate::store::plans::PlanStore;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub use crate::app::plans::MAX_LABEL_CHARS;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_plan).service(get_plan).service(delete_plan);
}

/// The saved-plan store and its write limiter (app data beside [`AppState`]).
pub struct Plans {
    pub store: PlanStore,
    /// Saved-plan writes per client address (`CAREERMAP_PLANS_PER_MINUTE`).
    pub limiter: Limiter,
}

impl Plans {
    pub fn open(catalog: &crate::service::Catalog, settings: &Settings) -> Result<Plans, StoreError> {
        Ok(Plans {
            store: catalog.plans()?,
            limiter: Limiter::per_minute(settings.plans_per_minute, settings.plans_per_minute, "plan writes"),
        })
    }
}

/// Saved requests and answers in the API's JSON: a `POST /v1/career-maps` request and answer.
pub struct JsonWire<'a> {
    pub state: &'a AppState,
}

impl PlanWire for JsonWire<'_> {
    fn parse(&self, g: &CatalogGraph, request: &serde_json::Value) -> Result<MapRequest, AppError> {
        let request =
            CareerMapRequest::deserialize(request).map_err(|e| AppError::BadRequest(format!("request: {e}")))?;
        maps::parse::parse(g, &request)
    }

    fn answer(&self, outcome: &MapOutcome) -> Result<serde_json::Value, AppError> {
        serde_json::to_value(maps::map_response(self.state, outcome)).map_err(|e| AppError::Unexpected(e.into()))
    }
}

/// A plan to save: a counselor's label and a career-map request. No personal data fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Adult CNA to RN, evening route",
    "request": {"target": {"occupation": "29-1141"}, "entry": "adult", "learner": {"credentials": ["cna"]}}}))]
pub struct NewPlan {
    /// 1-80 characters of plain text, not all blank, no control or invisible formatting
    /// characters, nothing shaped like a Social Security number; shown (trimmed) as the plan's
    /// title. Do not put a learner's name here.
    #[schema(
        min_length = 1,
        max_length = 80,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f][^\\x00-\\x1f\\x7f-\\x9f]*$"
    )]
    pub label: String,
    /// A `POST /v1/career-maps` request.
    #[schema(value_type = CareerMapRequest)]
    pub request: serde_json::Value,
}

/// A saved plan's id and the key that deletes it (shown only once).
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedPlan {
    /// 32 hex characters (128 random bits).
    pub id: String,
    /// Send as `X-Delete-Key` to delete the plan; it is not stored in clear and cannot be shown again.
    pub delete_key: String,
}

/// A career-map answer on one dataset version.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanAnswer {
    pub dataset_version: u64,
    /// The `POST /v1/career-maps` answer (null when today's dataset cannot answer, see `problem`).
    #[schema(value_type = Object)]
    pub answer: serde_json::Value,
    /// Why today's dataset cannot answer the request (e.g. its target was removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<ProblemDetails>,
}

/// A saved plan with its answer when saved and on today's dataset.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanOut {
    pub id: String,
    pub label: String,
    #[schema(value_type = CareerMapRequest)]
    pub request: serde_json::Value,
    pub created_at: String,
    pub saved: PlanAnswer,
    pub current: PlanAnswer,
    /// Whether today's answer differs from the saved one (plans, exits, figures or target).
    pub changed: bool,
}

/// Checks a save is allowed: the plans token when the server sets one (or the admin token),
/// then the per-address rate limit.
pub fn check_create(state: &AppState, plans: &Plans, http: &HttpRequest) -> Result<(), ApiError> {
    if let Some(token) = &state.settings.plans_token {
        let ok = security::bearer(http).is_some_and(|given| {
            security::same_secret(given, token.expose())
                || state
                    .settings
                    .admin_token
                    .as_ref()
                    .is_some_and(|a| security::same_secret(given, a.expose()))
        });
        if !ok {
            return Err(ApiError::Unauthorized);
        }
    }
    plans.limiter.check(http)
}

/// Saves a plan (the handler and the web form call this): see [`use_case::create`].
pub async fn create(state: &AppState, plans: &Plans, plan: NewPlan) -> Result<CreatedPlan, ApiError> {
    let created = use_case::create(&state.app, &plans.store, &plan.label, plan.request, &JsonWire { state }).await?;
    Ok(CreatedPlan {
        id: created.id,
        delete_key: created.delete_key,
    })
}

/// The wire form of a saved plan read on today's dataset.
pub fn plan_out(read: &ReadPlan) -> PlanOut {
    let stored = &read.stored;
    let version = read.snapshot.info.version;
    let current = match &read.current {
        Ok(a) => PlanAnswer {
            dataset_version: version,
            answer: a.answer.clone(),
            problem: None,
        },
        Err(e) => PlanAnswer {
            dataset_version: version,
            answer: serde_json::Value::Null,
            problem: Some(problem_of(e)),
        },
    };
    PlanOut {
        id: stored.id.clone(),
        label: stored.label.clone(),
        request: stored.request.clone(),
        created_at: stored.created_at.clone(),
        saved: PlanAnswer {
            dataset_version: stored.saved_version,
            answer: stored.saved_answer.clone(),
            problem: None,
        },
        current,
        changed: read.changed,
    }
}

/// The problem document of a use-case error.
fn problem_of(e: &AppError) -> ProblemDetails {
    let api: ApiError = match e {
        AppError::NotFound { what, id } => ApiError::NotFound { what, id: id.clone() },
        other => ApiError::BadRequest(other.to_string()),
    };
    api.problem()
}

/// A saved plan with its answer re-run on today's dataset: the handler and `/plans/{id}` call this.
pub async fn read(state: &AppState, plans: &Plans, id: &str) -> Result<ReadPlan, ApiError> {
    Ok(use_case::read(&state.app, &plans.store, id, &JsonWire { state }).await?)
}

/// Deletes plan `id` given its delete key or the admin token (the handler and the page's
/// delete form call this; the caller counts the write against the rate limit).
pub fn remove(
    state: &AppState,
    plans: &Plans,
    id: &str,
    key: Option<&str>,
    admin_bearer: Option<&str>,
) -> Result<(), ApiError> {
    let by_admin = state
        .settings
        .admin_token
        .as_ref()
        .is_some_and(|t| admin_bearer.is_some_and(|g| security::same_secret(g, t.expose())));
    Ok(use_case::remove(&plans.store, id, |stored| {
        key.is_some_and(|k| security::matches_digest(k.trim(), &stored.delete_key_sha256)) || by_admin
    })?)
}

/// Save a career-map request under a label.
///
/// Open to everyone unless the server sets `CAREERMAP_PLANS_TOKEN` (then `Authorization:
/// Bearer` with it, or the admin token). Rate-limited per client address
/// (`CAREERMAP_PLANS_PER_MINUTE`). The answer's `delete_key` is shown only once.
#[utoipa::path(tag = "plans",
    request_body(content = NewPlan),
    responses(
        (status = 201, description = "Saved; `Location` is the plan", body = CreatedPlan,
         example = json!({"id": "5f0c6d1e9a8b4c3d2e1f00112233aabb", "delete_key": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"})),
        (status = 401, description = "The server requires a token and none or a wrong one was sent", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "The request's target does not exist", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Body not sent as application/json", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Label blank, over 80 characters, not plain text or shaped like a Social Security number; an eligibility flag no funding source of the catalog uses; malformed request", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many plan writes from this address", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 507, description = "The saved-plan store is full (`plans-full`: CAREERMAP_PLANS_MAX, CAREERMAP_PLANS_MAX_BYTES), or the disk is (`insufficient-storage`: CAREERMAP_MIN_FREE_DISK); nothing saved", body = ProblemDetails, content_type = "application/problem+json"),
    ))]
#[post("/v1/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    plans: web::Data<Plans>,
    http: HttpRequest,
    body: web::Json<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    check_create(&state, &plans, &http)?;
    let created = create(&state, &plans, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/plans/{}", created.id)))
        .json(created))
}

/// A saved plan: its request, the answer when saved, the answer on today's dataset and
/// whether it changed.
#[utoipa::path(tag = "plans",
    params(("id" = String, Path, description = "Plan id (32 hex characters)")),
    responses(
        (status = 200, body = PlanOut),
        (status = 404, description = "No such plan", body = ProblemDetails, content_type = "application/problem+json"),
    ))]
#[get("/v1/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    plans: web::Data<Plans>,
    id: web::Path<String>,
) -> Result<web::Json<PlanOut>, ApiError> {
    Ok(web::Json(plan_out(&read(&state, &plans, &id).await?)))
}

/// Delete a saved plan with its `X-Delete-Key` (or the admin token).
#[utoipa::path(tag = "plans",
    params(("id" = String, Path, description = "Plan id"),
        ("X-Delete-Key" = Option<String>, Header, description = "The key returned when the plan was saved")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Missing or wrong delete key", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many plan writes from this address", body = ProblemDetails, content_type = "application/problem+json"),
    ))]
#[delete("/v1/plans/{id}")]
pub async fn delete_plan(
    state: web::Data<AppState>,
    plans: web::Data<Plans>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    plans.limiter.check(&http)?;
    let key = http.headers().get("X-Delete-Key").and_then(|v| v.to_str().ok());
    remove(&state, &plans, &id, key, security::bearer(&http))?;
    Ok(HttpResponse::NoContent().finish())
}
