//! Saved plans: `POST /v1/plans`, `GET /v1/plans/{id}`, `DELETE /v1/plans/{id}`.
//!
//! A counselor saves a career-map request under a label; reading the plan re-runs the request
//! on today's dataset and says whether the answer changed. Ids are 128 random bits from the
//! operating system (`getrandom`), so they cannot be guessed or enumerated; the delete key is
//! another 128 random bits, returned once and stored only as a digest. Writes are
//! rate-limited per client address ([`WriteLimiter`], a `governor` keyed limiter; swap it for
//! the service-wide limiter when there is one).

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::maps::{self, CareerMapRequest};
use crate::render::Format;
use crate::settings::Settings;
use crate::store::StoreError;
use crate::store::plans::{PlanStore, StoredPlan};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use governor::{DefaultKeyedRateLimiter, Quota};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::num::NonZeroU32;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 120;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_plan).service(get_plan).service(delete_plan);
}

/// Rate limit of saved-plan writes, per client address.
pub struct WriteLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl WriteLimiter {
    pub fn per_minute(n: u32) -> WriteLimiter {
        let n = NonZeroU32::new(n.max(1)).expect("at least 1");
        WriteLimiter {
            limiter: DefaultKeyedRateLimiter::keyed(Quota::per_minute(n)),
        }
    }

    /// Counts one write from `ip`; `RateLimited` when over the quota.
    pub fn check(&self, ip: IpAddr) -> Result<(), ApiError> {
        // Bound the memory of the keyed state: forget addresses whose quota has refilled.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            ApiError::RateLimited {
                retry_after: wait.as_secs().max(1),
            }
        })
    }
}

/// The saved-plan store and its write limiter (app data beside [`AppState`]).
pub struct Plans {
    pub store: PlanStore,
    pub limiter: WriteLimiter,
}

impl Plans {
    pub fn open(catalog: &crate::service::Catalog, settings: &Settings) -> Result<Plans, StoreError> {
        Ok(Plans {
            store: catalog.plans()?,
            limiter: WriteLimiter::per_minute(settings.plans_per_minute),
        })
    }
}

/// A plan to save: a counselor's label and a career-map request. No personal data fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Adult CNA to RN, evening route",
    "request": {"target": {"occupation": "29-1141"}, "entry": "adult", "learner": {"credentials": ["cna"]}}}))]
pub struct NewPlan {
    /// 1-120 characters, not all blank, no control characters; shown (trimmed) as the plan's
    /// title. Do not put a learner's name here.
    #[schema(
        min_length = 1,
        max_length = 120,
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

fn random_hex() -> Result<String, ApiError> {
    let mut buf = [0u8; 16];
    getrandom::getrandom(&mut buf).map_err(|e| ApiError::Unexpected(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn digest_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn is_plan_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The client address the limiter counts (the peer; no proxy headers are trusted).
pub fn client_ip(req: &HttpRequest) -> IpAddr {
    req.peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

fn bearer(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
}

fn same_secret(given: &str, expected: &str) -> bool {
    bool::from(digest_hex(given).as_bytes().ct_eq(digest_hex(expected).as_bytes()))
}

/// Parses and checks a plan to save; the problem names the offending field.
pub fn parse_new_plan(plan: NewPlan) -> Result<(String, CareerMapRequest, serde_json::Value), ApiError> {
    let label = plan.label.trim().to_owned();
    let chars = label.chars().count();
    if chars == 0 || chars > MAX_LABEL_CHARS {
        return Err(ApiError::InvalidParameter {
            name: "label".into(),
            message: format!("must be 1-{MAX_LABEL_CHARS} characters once trimmed, got {chars}"),
        });
    }
    if label.chars().any(char::is_control) {
        return Err(ApiError::InvalidParameter {
            name: "label".into(),
            message: "must not contain control characters".into(),
        });
    }
    let request: CareerMapRequest =
        serde_json::from_value(plan.request.clone()).map_err(|e| ApiError::BadRequest(format!("request: {e}")))?;
    Ok((label, request, plan.request))
}

/// Checks a save is allowed: the plans token when the server sets one (or the admin token),
/// then the per-address rate limit.
pub fn check_create(state: &AppState, plans: &Plans, http: &HttpRequest) -> Result<(), ApiError> {
    if let Some(token) = &state.settings.plans_token {
        let ok = bearer(http).is_some_and(|given| {
            same_secret(given, token.expose())
                || state
                    .settings
                    .admin_token
                    .as_ref()
                    .is_some_and(|a| same_secret(given, a.expose()))
        });
        if !ok {
            return Err(ApiError::Unauthorized);
        }
    }
    plans.limiter.check(client_ip(http))
}

/// Saves a plan: checks it, answers it on today's dataset (an unknown target is 404, a
/// malformed request 422), stores it and returns its id and delete key. The handler and the
/// web form call this.
pub async fn create(state: &AppState, plans: &Plans, plan: NewPlan) -> Result<CreatedPlan, ApiError> {
    let (label, request, raw) = parse_new_plan(plan)?;
    let version = state.catalog.snapshot().info.version;
    let answer = maps::answer(
        state,
        request,
        vec![(Format::Json, 1)],
        maps::Ranks::Exact,
        crate::i18n::Lang::En,
    )
    .await?;
    let saved_answer: serde_json::Value =
        serde_json::from_str(&answer[0]).map_err(|e| ApiError::Unexpected(e.into()))?;
    let id = random_hex()?;
    let delete_key = random_hex()?;
    let stored = StoredPlan {
        id: id.clone(),
        label,
        request: raw,
        saved_version: version,
        saved_answer,
        created_at: crate::store::now_rfc3339(),
        delete_key_sha256: digest_hex(&delete_key),
    };
    let store = &plans.store;
    store.insert(&stored).map_err(|e| ApiError::Unexpected(e.into()))?;
    tracing::info!(plan = %id, "plan saved");
    Ok(CreatedPlan { id, delete_key })
}

/// Parts of an answer that are effort, not content: ignored when comparing answers.
fn content(answer: &serde_json::Value) -> serde_json::Value {
    let mut a = answer.clone();
    if let Some(o) = a.as_object_mut() {
        o.remove("search");
    }
    a
}

/// The stored plan `id`; a 404 naming it (at most 64 characters) when the id is malformed or
/// unknown.
fn stored(plans: &Plans, id: &str) -> Result<StoredPlan, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "plan",
        id: id.chars().take(64).collect(),
    };
    if !is_plan_id(id) {
        return Err(not_found());
    }
    plans
        .store
        .get(id)
        .map_err(|e| ApiError::Unexpected(e.into()))?
        .ok_or_else(not_found)
}

/// A saved plan with its answer re-run on today's dataset: the handler and `/plans/{id}` call this.
pub async fn read(state: &AppState, plans: &Plans, id: &str) -> Result<PlanOut, ApiError> {
    let stored = stored(plans, id)?;
    let version = state.catalog.snapshot().info.version;
    let current = match serde_json::from_value::<CareerMapRequest>(stored.request.clone()) {
        Ok(req) => match maps::answer(
            state,
            req,
            vec![(Format::Json, 1)],
            maps::Ranks::Exact,
            crate::i18n::Lang::En,
        )
        .await
        {
            Ok(text) => PlanAnswer {
                dataset_version: version,
                answer: serde_json::from_str(&text[0]).map_err(|e| ApiError::Unexpected(e.into()))?,
                problem: None,
            },
            Err(e @ (ApiError::NotFound { .. } | ApiError::BadRequest(_) | ApiError::TooComplex(_))) => PlanAnswer {
                dataset_version: version,
                answer: serde_json::Value::Null,
                problem: Some(e.problem()),
            },
            Err(e) => return Err(e),
        },
        Err(e) => PlanAnswer {
            dataset_version: version,
            answer: serde_json::Value::Null,
            problem: Some(ApiError::BadRequest(format!("request: {e}")).problem()),
        },
    };
    let changed = content(&current.answer) != content(&stored.saved_answer);
    Ok(PlanOut {
        id: stored.id,
        label: stored.label,
        request: stored.request,
        created_at: stored.created_at,
        saved: PlanAnswer {
            dataset_version: stored.saved_version,
            answer: stored.saved_answer,
            problem: None,
        },
        current,
        changed,
    })
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
    let stored = stored(plans, id)?;
    let by_key = key.is_some_and(|k| {
        bool::from(
            digest_hex(k.trim())
                .as_bytes()
                .ct_eq(stored.delete_key_sha256.as_bytes()),
        )
    });
    let by_admin = state
        .settings
        .admin_token
        .as_ref()
        .is_some_and(|t| admin_bearer.is_some_and(|g| same_secret(g, t.expose())));
    if !(by_key || by_admin) {
        return Err(ApiError::Forbidden(
            "send the plan's delete key (returned when it was saved) in `X-Delete-Key`, or the admin token".into(),
        ));
    }
    plans.store.remove(id).map_err(|e| ApiError::Unexpected(e.into()))?;
    tracing::info!(plan = %id, "plan deleted");
    Ok(())
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
        (status = 422, description = "Label blank, over 120 characters or with control characters; malformed request", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many plan writes from this address", body = ProblemDetails, content_type = "application/problem+json"),
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
    Ok(web::Json(read(&state, &plans, &id).await?))
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
    plans.limiter.check(client_ip(&http))?;
    let key = http.headers().get("X-Delete-Key").and_then(|v| v.to_str().ok());
    remove(&state, &plans, &id, key, bearer(&http))?;
    Ok(HttpResponse::NoContent().finish())
}
