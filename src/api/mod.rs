//! The HTTP API: actix-web handlers, OpenAPI documentation, problem+json errors, auth, limits.
//!
//! Handlers are adapters: they extract and check the request, call one use case of
//! [`crate::app`], and map the result to a wire type. Only this module speaks HTTP; its
//! security primitives (bearer token, constant-time compare, client address, rate limits)
//! are in [`security`].

pub mod auth;
pub mod catalog;
pub mod duplicates;
pub mod error;
pub mod gaps;
pub mod guard;
pub mod health;
pub mod imports;
pub mod maps;
pub mod params;
pub mod planner;
pub mod plans;
pub mod pulls;
pub mod reports;
pub mod search;
pub mod security;
pub mod supply;
pub mod table;

use crate::app::App;
use crate::service::Catalog;
use crate::settings::Settings;
use actix_web::{HttpRequest, HttpResponse, web};
use error::{ApiError, extractor_error};
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig;

/// Whether a region code is longer than the 32 characters every endpoint documents: the
/// length half of the one region rule ([`crate::domain::region`]).
pub(crate) fn region_too_long(region: &str) -> bool {
    crate::domain::region::too_long(region)
}

/// Shared state of every handler: the use cases' [`App`] and the HTTP limits.
pub struct AppState {
    pub app: App,
    /// Per-client rate limiters (failed authentication, writes, the optional general limit).
    pub guards: Arc<guard::Guards>,
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    /// The state of a service whose catalog in `dir` has not been loaded (as while a restart
    /// loads it), for tests of what answers before it is ready.
    #[cfg(test)]
    pub(crate) fn unloaded(dir: &std::path::Path) -> web::Data<AppState> {
        let catalog = Arc::new(Catalog::open_unloaded(dir).unwrap());
        assert!(!catalog.is_ready());
        web::Data::new(AppState::new(
            catalog,
            crate::settings::Settings::for_tests(dir.to_owned()),
        ))
    }

    pub fn new(catalog: Arc<Catalog>, settings: Settings) -> Self {
        let guards = Arc::new(guard::Guards::new(&settings.http));
        AppState {
            app: App::new(catalog, settings),
            guards,
        }
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
    components(schemas(error::ProblemDetails, error::ValidationError, params::Format, MapFormat)),
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
        .service(health::health_ready)
        .service(health::datasets)
        .service(health::restore)
        .service(imports::import)
        .service(imports::template);
    maps::configure(cfg);
    catalog::configure(cfg);
    cfg.service(duplicates::list_duplicates)
        .service(gaps::list_gaps)
        .service(reports::alignment_report)
        .service(search::search_catalog);
    planner::configure(cfg);
    pulls::configure(cfg);
    plans::configure(cfg);
}

/// The OpenAPI document of the service (the same one `/openapi.json` serves).
pub fn openapi() -> utoipa::openapi::OpenApi {
    finish_doc(
        actix_web::App::new()
            .into_utoipa_app()
            .openapi(BaseDoc::openapi())
            .configure(configure)
            .split_for_parts()
            .1,
    )
}

/// Final touches on the generated document so it says exactly what the server accepts:
/// utoipa documents `u32` as `int32` with minimum 0, but the server accepts up to 2^32-1;
/// such integers become `int64` with that maximum. `usize` (an integer with minimum 0 and no
/// format) gets its maximum, 2^64-1, where the annotation gives none.
pub fn finish_doc(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                let unsigned32 = m.get("format").and_then(|f| f.as_str()) == Some("int32")
                    && m.get("minimum").and_then(|x| x.as_f64()) == Some(0.0)
                    && !m.contains_key("maximum");
                let is_integer = match m.get("type") {
                    Some(serde_json::Value::String(t)) => t == "integer",
                    Some(serde_json::Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                    _ => false,
                };
                let unsigned_size = is_integer
                    && !m.contains_key("format")
                    && m.get("minimum").and_then(|x| x.as_f64()) == Some(0.0)
                    && !m.contains_key("maximum");
                if unsigned32 {
                    m.insert("format".into(), "int64".into());
                    m.insert("maximum".into(), u32::MAX.into());
                } else if unsigned_size {
                    m.insert("maximum".into(), (usize::MAX as u64).into());
                }
                m.values_mut().for_each(walk);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(&doc).expect("the OpenAPI document serialises");
    walk(&mut v);
    serde_json::from_value(v).expect("the OpenAPI document reads back")
}

/// The renderings of a career map (documentation of its `format` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String")]
#[schema(rename_all = "lowercase")]
pub enum MapFormat {
    Json,
    Svg,
    Dot,
    Mermaid,
    Ctdl,
}

impl TryFrom<String> for MapFormat {
    type Error = String;
    fn try_from(s: String) -> Result<MapFormat, String> {
        Ok(match crate::render::Format::parse(&s) {
            Some(crate::render::Format::Json) => MapFormat::Json,
            Some(crate::render::Format::Svg) => MapFormat::Svg,
            Some(crate::render::Format::Dot) => MapFormat::Dot,
            Some(crate::render::Format::Mermaid) => MapFormat::Mermaid,
            Some(crate::render::Format::Ctdl) => MapFormat::Ctdl,
            None => return Err(format!("format must be json, svg, dot, mermaid or ctdl, got `{s}`")),
        })
    }
}

impl From<MapFormat> for crate::render::Format {
    fn from(f: MapFormat) -> Self {
        match f {
            MapFormat::Json => crate::render::Format::Json,
            MapFormat::Svg => crate::render::Format::Svg,
            MapFormat::Dot => crate::render::Format::Dot,
            MapFormat::Mermaid => crate::render::Format::Mermaid,
            MapFormat::Ctdl => crate::render::Format::Ctdl,
        }
    }
}

/// Query parameters, parsed so that an error names the parameter at fault (422 problem with
/// `parameter`). Use it instead of `web::Query`.
pub struct Query<T>(pub T);

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned> actix_web::FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// Parses a query string into `T`, naming the parameter at fault.
pub fn parse_query<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        // serde names unknown or missing fields in the message itself.
        let name = if path == "." {
            inner.split('`').nth(1).unwrap_or("query").to_owned()
        } else {
            path
        };
        ApiError::InvalidParameter { name, message: inner }
    })
}

/// Configures actix's own extractors to answer with problems.
pub fn extractor_configs(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|e, _| extractor_error(e, "invalid query parameter")))
        .app_data(web::PathConfig::default().error_handler(|e, req| {
            let names: Vec<&str> = req.match_info().iter().map(|(n, _)| n).collect();
            ApiError::InvalidParameter {
                name: names.join(","),
                message: crate::domain::clip(&e.to_string()),
            }
            .into()
        }))
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
        J::Payload(ref p) if guard::is_idle_timeout(p) => ApiError::RequestTimeout.into(),
        J::Deserialize(ref de) => {
            // Name the field at fault: serde_json says where, not which; say both.
            let msg = crate::domain::clip(&de.to_string());
            let field = msg
                .split('`')
                .nth(1)
                .filter(|_| msg.starts_with("unknown field") || msg.starts_with("missing field"))
                .unwrap_or("body")
                .to_owned();
            ApiError::InvalidParameter {
                name: field,
                message: msg,
            }
            .into()
        }
        other => extractor_error(other, "invalid JSON body"),
    }
}

/// Checks paging parameters: `limit` in 0..=`max` (default `default`; 0 answers only the
/// total), `offset` default 0.
pub fn paging(
    limit: Option<usize>,
    offset: Option<usize>,
    default: usize,
    max: usize,
) -> Result<(usize, usize), ApiError> {
    let limit = limit.unwrap_or(default);
    if limit > max {
        return Err(ApiError::InvalidParameter {
            name: "limit".into(),
            message: format!("must be between 0 and {max}, got {limit}"),
        });
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
