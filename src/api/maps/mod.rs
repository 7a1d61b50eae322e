//! Career maps: `POST /v1/career-maps` and `GET /v1/occupations/{soc}/ladder`.
//!
//! The handler parses the request against one snapshot ([`parse`](mod@parse)), calls the use case
//! [`crate::app::maps::career_map`] on that snapshot, and answers JSON ([`wire`]) or a
//! rendering ([`crate::render::render`]) chosen by `?format=` or `Accept`. The pages call the
//! same use case and the same conversions ([`map_response`], [`ladder_out`]).

pub mod parse;
pub mod wire;

use crate::analysis::demand::HighDemandPolicy;
use crate::api::AppState;
use crate::api::error::{ApiError, ProblemDetails};
use crate::app::AppError;
use crate::app::maps::{self as use_case, LadderOutcome, MapOutcome};
use crate::i18n::Lang;
use crate::render::{self, Format};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use parse::parse;
use utoipa_actix_web::service_config::ServiceConfig;
pub use wire::*;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(career_map).service(ladder);
}

fn format_of(query: &MapQuery, http: &HttpRequest) -> Result<Format, ApiError> {
    if let Some(f) = query.format {
        return Ok(f.into());
    }
    Ok(http
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(Format::from_accept)
        .unwrap_or(Format::Json))
}

/// The k best distinct minimal stackable-credential plans from where the learner stands to a
/// target occupation or credential.
///
/// Plans are ranked by duplicative hours, then the objective (`hours` or
/// `postsecondary_hours`), then number of courses, then the labor-market value of the exits.
/// Every credential earned is an exit with the occupations it opens and their demand in the
/// region (national figures, flagged, when the region has none). A target the learner already
/// qualifies for answers one path with no steps; an unreachable one `paths: []` and a
/// `reason`. `?format=svg|dot|mermaid|ctdl` (or `Accept: image/svg+xml`,
/// `text/vnd.graphviz`, `text/vnd.mermaid`, `application/ld+json`) returns plan `?path=`
/// (default 1) as a picture or a CTDL pathway.
#[utoipa::path(tag = "career maps", params(MapQuery),
    request_body(content = CareerMapRequest, description = "Target, entry point, region, k, objective and learner",
        example = json!({"target": {"occupation": "29-1141"}, "entry": "adult", "region": "US", "k": 3,
            "learner": {"credentials": ["cna"]}})),
    responses(
        (status = 200, description = "The career map (JSON, or the requested rendering)", content(
            (CareerMapResponse = "application/json", example = json!({
                "target": {"kind": "occupation", "id": "29-1141", "title": "Registered Nurses", "high_demand": true,
                    "occupations": [{"soc": "29-1141", "title": "Registered Nurses", "median_wage": 93600.0,
                        "annual_openings": 189100.0, "growth_pct": 5.0, "high_demand": true, "region": "US", "region_fallback": false}]},
                "entry": "adult", "region": "US", "optimize": "hours",
                "paths": [{"rank": 1, "total_hours": 1430.0, "duplicative_hours": 0.0, "postsecondary_hours": 1170.0,
                    "courses": 14, "exit_value": 93600.0, "high_demand": true,
                    "steps": [{"id": "adult.hse-rla", "kind": "course", "title": "HSE Reasoning Through Language Arts",
                        "system": "adult", "hours": 90.0, "duplicative": false, "covered_by": []},
                        {"id": "adn-rn", "kind": "credential", "title": "Associate Degree in Nursing (RN)",
                        "system": "postsecondary", "hours": 0.0, "duplicative": false, "covered_by": []}],
                    "credentials_earned": ["hse", "adn-rn"], "reaches": ["adn-rn"],
                    "skipped": [{"id": "cna", "kind": "credential", "title": "Certified Nursing Assistant", "reason": "completed"}],
                    "exits": [{"credential": "adn-rn", "title": "Associate Degree in Nursing (RN)", "level": 4,
                        "occupations": [{"soc": "29-1141", "title": "Registered Nurses", "median_wage": 93600.0,
                        "annual_openings": 189100.0, "growth_pct": 5.0, "high_demand": true, "region": "US", "region_fallback": false}]}]}],
                "search": {"universe": 64, "expanded": 498}})),
            (String = "image/svg+xml"),
            (String = "text/vnd.graphviz"),
            (String = "text/vnd.mermaid"),
            (Object = "application/ld+json"),
        )),
        (status = 404, description = "Unknown target", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Body not sent as application/json", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Malformed request (unknown entry, k out of 1..=10, more than 1000 ids in a learner list, unknown learner ids)",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Over the per-client rate limit (CAREERMAP_RATE_LIMIT)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Too many searches running", body = ProblemDetails, content_type = "application/problem+json"),
    ))]
#[post("/v1/career-maps")]
pub async fn career_map(
    state: web::Data<AppState>,
    query: crate::api::Query<MapQuery>,
    http: HttpRequest,
    body: web::Json<CareerMapRequest>,
) -> Result<HttpResponse, ApiError> {
    let format = format_of(&query, &http)?;
    let rank = query.path.unwrap_or(1);
    if !(1..=10).contains(&rank) {
        return Err(ApiError::InvalidParameter {
            name: "path".into(),
            message: format!("must be a plan rank from 1 to 10, got {rank}"),
        });
    }
    let snapshot = state.catalog.snapshot();
    let request = parse(&snapshot.graph, &body)?;
    let policy = state.settings.high_demand;
    // Rendered in the search's blocking task, not on an async worker.
    let text = use_case::career_map_then(&state.app, snapshot, request, move |outcome| {
        let n = outcome.map.paths.len();
        if rank > n.max(1) {
            return Err(AppError::BadRequest(format!(
                "`path={rank}` names no plan: this map has {n} plan(s), numbered from 1"
            )));
        }
        Ok(match format {
            Format::Json => {
                serde_json::to_string(&response_of(&policy, &outcome)).map_err(|e| AppError::Unexpected(e.into()))?
            }
            f => render::render(f, &outcome.snapshot.graph, &outcome.map, rank, Lang::En),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().content_type(format.content_type()).body(text))
}

/// The JSON answer of a career map, on the snapshot it was computed on.
pub fn map_response(state: &AppState, outcome: &MapOutcome) -> CareerMapResponse {
    response_of(&state.settings.high_demand, outcome)
}

/// [`map_response`] under a high-demand `policy`.
fn response_of(policy: &HighDemandPolicy, outcome: &MapOutcome) -> CareerMapResponse {
    let snap = &outcome.snapshot;
    let basis = basis_out(snap.demand(), &outcome.map.region, policy);
    response(&snap.graph, &outcome.map, basis)
}

/// The credential ladder that leads to an occupation: its entry credentials and every
/// credential below them, by level, with the demand of what each rung qualifies for.
#[utoipa::path(tag = "career maps",
    params(("soc" = String, Path, description = "SOC code, e.g. 29-1141"), RegionQuery),
    responses(
        (status = 200, body = LadderOut, example = json!({"occupation": {"soc": "29-1141", "title": "Registered Nurses",
            "median_wage": 93600.0, "annual_openings": 189100.0, "growth_pct": 5.0, "high_demand": true, "region": "US", "region_fallback": false},
            "region": "US", "rungs": [{"credential": "cna", "title": "Certified Nursing Assistant", "kind": "license", "level": 1,
            "entry": false, "leads_to": ["lpn"], "occupations": [{"soc": "31-1131", "title": "Nursing Assistants", "median_wage": 39530.0,
            "annual_openings": 204100.0, "growth_pct": 2.4, "high_demand": false, "region": "US", "region_fallback": false}]}]})),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, body = ProblemDetails, content_type = "application/problem+json"),
    ))]
#[get("/v1/occupations/{soc}/ladder")]
pub async fn ladder(
    state: web::Data<AppState>,
    soc: web::Path<String>,
    q: crate::api::Query<RegionQuery>,
) -> Result<web::Json<LadderOut>, ApiError> {
    let outcome = use_case::ladder(&state.app, &soc, q.into_inner().region.as_deref())?;
    Ok(web::Json(ladder_out(&outcome)))
}

/// The wire form of a credential ladder (the handler's answer, and the occupation page's).
pub fn ladder_out(outcome: &LadderOutcome) -> LadderOut {
    let g = &outcome.snapshot.graph;
    LadderOut {
        occupation: occupation_out(g, &outcome.demand, None),
        region: outcome.region.clone(),
        rungs: outcome
            .rungs
            .iter()
            .map(|r| {
                let c = g.credential(r.credential);
                RungOut {
                    credential: c.id.0.clone(),
                    title: c.title.clone(),
                    kind: c.kind,
                    level: c.level,
                    entry: r.entry,
                    leads_to: r.leads_to.iter().map(|k| g.credential(*k).id.0.clone()).collect(),
                    occupations: r
                        .occupations
                        .iter()
                        .map(|d| occupation_out(g, d, Some(r.credential)))
                        .collect(),
                }
            })
            .collect(),
    }
}
