//! The HTTP API: actix-web handlers, OpenAPI documentation, problem+json errors, auth, limits.
//!
//! Handlers are adapters: they extract and check the request, call one function of
//! [`crate::service`] or [`crate::analysis`], and map the result to a wire type. Only this
//! module speaks HTTP.

pub mod analysis;
pub mod auth;
pub mod catalog;
pub mod error;
pub mod health;
pub mod imports;
pub mod maps;
pub mod plans;
pub mod pulls;

use crate::service::Catalog;
use crate::settings::Settings;
use actix_web::{HttpRequest, HttpResponse, web};
use error::{ApiError, extractor_error};
use std::sync::Arc;
use tokio::sync::Semaphore;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

/// Shared state of every handler.
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub settings: Settings,
    /// Bounds how many heavy searches run at once on the blocking pool.
    pub searches: Arc<Semaphore>,
}

impl AppState {
    pub fn new(catalog: Arc<Catalog>, settings: Settings) -> Self {
        let searches = Arc::new(Semaphore::new(settings.max_searches));
        AppState {
            catalog,
            settings,
            searches,
        }
    }

    /// Runs `f` on the blocking pool, at most `max_searches` at once, with the caller's span.
    pub async fn run_blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.searches.acquire().await.map_err(|_| ApiError::Busy)?;
        let span = tracing::Span::current();
        web::block(move || span.in_scope(f)).await?
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "careermap",
        description = "Stackable-credential career maps from secondary CTE courses through adult education to \
postsecondary and industry credentials and the occupations they lead to, driven by labor-market demand and \
competency models. Errors are RFC 9457 problem+json documents. Write endpoints need `Authorization: Bearer <token>`.",
        license(name = "MIT OR Apache-2.0")
    ),
    tags(
        (name = "service", description = "Health and documentation"),
        (name = "catalog", description = "Competencies, courses, credentials, occupations and articulations"),
        (name = "imports", description = "Loading catalog data"),
        (name = "sources", description = "Pulling labor-market and competency data from external sources"),
        (name = "career maps", description = "Optimal, minimal, non-duplicative stackable-credential plans and credential ladders"),
        (name = "plans", description = "Saved career-map requests with a counselor's label, re-answered on today's dataset"),
    ),
    components(schemas(error::ProblemDetails, error::ValidationError)),
    modifiers(&BearerAuth)
)]
struct BaseDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("CAREERMAP_ADMIN_TOKEN"))
                    .build(),
            ),
        );
    }
}

/// Registers every documented endpoint.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::health)
        .service(health::datasets)
        .service(imports::import);
    maps::configure(cfg);
    catalog::configure(cfg);
    analysis::configure(cfg);
    pulls::configure(cfg);
    plans::configure(cfg);
}

/// The OpenAPI document of the service (the same one `/openapi.json` serves).
pub fn openapi() -> utoipa::openapi::OpenApi {
    actix_web::App::new()
        .into_utoipa_app()
        .openapi(BaseDoc::openapi())
        .configure(configure)
        .split_for_parts()
        .1
}

/// Configures actix's own extractors to answer with problems.
pub fn extractor_configs(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|e, _| extractor_error(e, "invalid query parameter")))
        .app_data(web::PathConfig::default().error_handler(|e, _| extractor_error(e, "invalid path")))
        .app_data(
            web::JsonConfig::default()
                .limit(1 << 20)
                .error_handler(|e, _| json_error(e)),
        );
}

fn json_error(e: actix_web::error::JsonPayloadError) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    match e {
        J::OverflowKnownLength { limit, .. } | J::Overflow { limit } => ApiError::PayloadTooLarge { limit }.into(),
        J::ContentType => ApiError::UnsupportedMediaType("send the body as application/json".into()).into(),
        other => extractor_error(other, "invalid JSON body"),
    }
}

/// Checks paging parameters: `limit` in 1..=`max` (default `default`), `offset` default 0.
pub fn paging(
    limit: Option<usize>,
    offset: Option<usize>,
    default: usize,
    max: usize,
) -> Result<(usize, usize), ApiError> {
    let limit = limit.unwrap_or(default);
    if !(1..=max).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {max}, got {limit}"
        )));
    }
    Ok((limit, offset.unwrap_or(0)))
}

/// Answers unknown routes with a 404 problem.
pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound {
        what: "route",
        id: format!("{} {}", req.method(), req.path()),
    })
}
