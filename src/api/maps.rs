//! Career maps: `POST /v1/career-maps` and `GET /v1/occupations/{soc}/ladder`.
//!
//! The handler parses the request into the engine's types (unknown ids are 404 for the target
//! and 422 for the learner), runs [`crate::analysis::career_map::career_map`] on the blocking
//! pool (bounded by `CAREERMAP_MAX_SEARCHES`), and answers JSON or a rendering chosen by
//! `?format=` or `Accept`.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use crate::analysis::career_map::{self as engine, CareerMap, Exit, MapError, Plan, Source};
use crate::analysis::demand::OccupationDemand;
use crate::graph::{CatalogGraph, CredentialIx, Item};
use crate::render::{self, Format};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(career_map).service(ladder);
}

// ---- request -------------------------------------------------------------------------------

/// What the map leads to: exactly one of `occupation` (SOC code) or `credential` (id).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub occupation: Option<String>,
    pub credential: Option<String>,
}

/// Where the learner enters: `secondary` may take every system, `adult` no secondary courses,
/// `postsecondary` only postsecondary and work-based ones.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryPoint {
    Secondary,
    Adult,
    Postsecondary,
}

/// What "shortest" means after non-duplication.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Optimize {
    /// Total new hours.
    #[default]
    Hours,
    /// Hours in postsecondary and work-based steps (tuition-bearing), ties by total hours.
    PostsecondaryHours,
}

/// Where the learner stands.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerSpec {
    #[serde(default)]
    pub completed_courses: Vec<String>,
    #[serde(default)]
    pub credentials: Vec<String>,
    /// Competencies demonstrated by prior learning.
    #[serde(default)]
    pub competencies: Vec<String>,
}

fn default_region() -> String {
    "US".into()
}
fn default_k() -> u32 {
    3
}

/// A career-map question.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target": {"occupation": "29-1141"}, "entry": "adult", "region": "US", "k": 3,
    "optimize": "hours", "learner": {"completed_courses": [], "credentials": ["cna"], "competencies": []}}))]
pub struct CareerMapRequest {
    pub target: TargetSpec,
    pub entry: EntryPoint,
    /// Region of the demand figures (`US`, a state code...); national figures are used (and
    /// flagged) where the region has none. Default `US`.
    #[serde(default = "default_region")]
    pub region: String,
    /// How many alternative plans, 1-10 (default 3).
    #[serde(default = "default_k")]
    pub k: u32,
    #[serde(default)]
    pub optimize: Optimize,
    #[serde(default)]
    pub learner: LearnerSpec,
}

/// Output format and which plan a picture shows.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MapQuery {
    /// `json` (default), `svg`, `dot`, `mermaid` or `ctdl` (JSON-LD); overrides `Accept`.
    pub format: Option<String>,
    /// The plan (rank) a picture shows (default 1).
    pub path: Option<usize>,
}

// ---- response ------------------------------------------------------------------------------

/// Demand for an occupation in the requested region (or nationally, on fallback).
#[derive(Debug, Serialize, ToSchema)]
pub struct OccupationOut {
    pub soc: String,
    pub title: String,
    pub median_wage: Option<f64>,
    pub annual_openings: Option<f64>,
    pub growth_pct: Option<f64>,
    /// By the configured high-demand rule over the region's figures.
    pub high_demand: bool,
    /// The region the figures are for.
    pub region: String,
    /// True when the requested region had no figures and national ones are shown.
    pub region_fallback: bool,
    /// Where the occupation is reached from a credential (exits, ladder rungs, a credential
    /// target): how that credential is known to qualify for it, `stated` (the occupation's
    /// `entry_credentials`), `ctdl` (a CTDL `occupationType`) or `cip_soc` (the CIP-SOC
    /// crosswalk maps the credential's `codes.cip` to it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::domain::Evidence>,
}

/// One step of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    pub id: String,
    /// `course` or `credential`.
    pub kind: &'static str,
    pub title: String,
    /// The course's system; for a credential, the system of the course that completes it.
    pub system: crate::domain::System,
    pub hours: f64,
    /// Every competency it teaches is already held before this step.
    pub duplicative: bool,
    /// Completed courses, credentials, earlier steps or `prior_learning` that taught it.
    pub covered_by: Vec<String>,
}

/// Something the learner does not need to take.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkipOut {
    pub id: String,
    /// `course` or `credential`.
    pub kind: &'static str,
    pub title: String,
    /// `completed`, `articulated` or `prior_learning`.
    pub reason: &'static str,
    /// The course or credential that earns the credit (articulated, prior_learning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articulated_by: Option<String>,
    /// The articulation agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articulation: Option<String>,
}

/// A credential earned on the way: a place to stop and work.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExitOut {
    pub credential: String,
    pub title: String,
    pub level: u32,
    pub occupations: Vec<OccupationOut>,
}

/// One plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathOut {
    pub rank: usize,
    /// New hours.
    pub total_hours: f64,
    /// Hours of duplicative steps (unavoidable ones only).
    pub duplicative_hours: f64,
    /// Hours in postsecondary and work-based steps.
    pub postsecondary_hours: f64,
    /// Number of courses to take.
    pub courses: usize,
    /// Sum over the credentials earned of the best median wage each opens (tie-break).
    pub exit_value: f64,
    /// Whether the destination is high demand in the region.
    pub high_demand: bool,
    /// Steps in an order the learner can follow, grouped by system.
    pub steps: Vec<StepOut>,
    pub credentials_earned: Vec<String>,
    /// The target credentials (entry credentials of the occupation) this plan earns.
    pub reaches: Vec<String>,
    pub skipped: Vec<SkipOut>,
    pub exits: Vec<ExitOut>,
}

/// The target as resolved.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetOut {
    /// `occupation` or `credential`.
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    pub high_demand: bool,
    /// The destination occupation(s) and their demand.
    pub occupations: Vec<OccupationOut>,
}

/// Search effort.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchOut {
    /// Courses and credentials around the target the search looked at.
    pub universe: usize,
    /// Search nodes expanded (the budget is `CAREERMAP_MAP_MAX_EXPANSIONS`).
    pub expanded: usize,
}

/// A career map: the k best distinct minimal plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct CareerMapResponse {
    pub target: TargetOut,
    pub entry: EntryPoint,
    pub region: String,
    pub optimize: Optimize,
    /// Sorted by rank; empty when the target is out of reach (see `reason`).
    pub paths: Vec<PathOut>,
    /// Why there is no path, naming the missing piece.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub search: SearchOut,
}

/// An occupation with its demand; `via`, the credential it is reached from, adds the evidence
/// of that link.
fn occupation_out(g: &CatalogGraph, d: &OccupationDemand, via: Option<CredentialIx>) -> OccupationOut {
    let occ = g.occupation(d.occupation);
    OccupationOut {
        soc: occ.soc.0.clone(),
        title: occ.title.clone(),
        median_wage: d.median_wage,
        annual_openings: d.annual_openings,
        growth_pct: d.growth_pct,
        high_demand: d.high_demand,
        region: d.region.clone(),
        region_fallback: d.fallback,
        evidence: via.and_then(|c| g.link_evidence(c, d.occupation)),
    }
}

fn kind(item: Item) -> &'static str {
    match item {
        Item::Course(_) => "course",
        Item::Credential(_) => "credential",
    }
}

fn exit_out(g: &CatalogGraph, e: &Exit) -> ExitOut {
    let c = g.credential(e.credential);
    ExitOut {
        credential: c.id.0.clone(),
        title: c.title.clone(),
        level: c.level,
        occupations: e
            .occupations
            .iter()
            .map(|d| occupation_out(g, d, Some(e.credential)))
            .collect(),
    }
}

fn path_out(g: &CatalogGraph, p: &Plan, high_demand: bool) -> PathOut {
    let cid = |c: &crate::graph::CredentialIx| g.credential(*c).id.0.clone();
    PathOut {
        rank: p.rank,
        total_hours: p.total_hours,
        duplicative_hours: p.duplicative_hours,
        postsecondary_hours: p.postsecondary_hours,
        courses: p.courses.len(),
        exit_value: p.exit_value,
        high_demand,
        steps: p
            .steps
            .iter()
            .map(|s| StepOut {
                id: g.item_id(s.item).to_owned(),
                kind: kind(s.item),
                title: render::title(g, s.item).to_owned(),
                system: s.system,
                hours: s.hours,
                duplicative: s.duplicative,
                covered_by: s
                    .covered_by
                    .iter()
                    .map(|c| match c {
                        Source::Item(i) => g.item_id(*i).to_owned(),
                        Source::PriorLearning => "prior_learning".to_owned(),
                    })
                    .collect(),
            })
            .collect(),
        credentials_earned: p.credentials_earned.iter().map(cid).collect(),
        reaches: p.reaches.iter().map(cid).collect(),
        skipped: p
            .skipped
            .iter()
            .map(|s| SkipOut {
                id: g.item_id(s.item).to_owned(),
                kind: kind(s.item),
                title: render::title(g, s.item).to_owned(),
                reason: s.reason.as_str(),
                articulated_by: s.via.map(|(i, _)| g.item_id(i).to_owned()),
                articulation: s.via.map(|(_, a)| g.articulation(a).id.0.clone()),
            })
            .collect(),
        exits: p.exits.iter().map(|e| exit_out(g, e)).collect(),
    }
}

fn response(g: &CatalogGraph, map: &CareerMap, req: &CareerMapRequest) -> CareerMapResponse {
    let via_credential = match map.target {
        engine::Target::Credential(c) => Some(c),
        engine::Target::Occupation(_) => None,
    };
    let (kind, id, title) = match map.target {
        engine::Target::Occupation(o) => (
            "occupation",
            g.occupation(o).soc.0.clone(),
            g.occupation(o).title.clone(),
        ),
        engine::Target::Credential(c) => (
            "credential",
            g.credential(c).id.0.clone(),
            g.credential(c).title.clone(),
        ),
    };
    CareerMapResponse {
        target: TargetOut {
            kind,
            id,
            title,
            high_demand: map.high_demand,
            occupations: map
                .destination
                .iter()
                .map(|d| occupation_out(g, d, via_credential))
                .collect(),
        },
        entry: req.entry,
        region: map.region.clone(),
        optimize: req.optimize,
        paths: map.paths.iter().map(|p| path_out(g, p, map.high_demand)).collect(),
        reason: map.reason.clone(),
        search: SearchOut {
            universe: map.stats.universe,
            expanded: map.stats.expanded,
        },
    }
}

/// Parses the request against the snapshot's graph.
fn parse(g: &CatalogGraph, req: &CareerMapRequest) -> Result<engine::MapRequest, ApiError> {
    let target = match (&req.target.occupation, &req.target.credential) {
        (Some(soc), None) => {
            crate::domain::SocCode::parse(soc).map_err(|e| ApiError::BadRequest(format!("target.occupation: {e}")))?;
            engine::Target::Occupation(g.occupation_ix(soc).ok_or_else(|| ApiError::NotFound {
                what: "occupation",
                id: soc.clone(),
            })?)
        }
        (None, Some(id)) => engine::Target::Credential(g.credential_ix(id).ok_or_else(|| ApiError::NotFound {
            what: "credential",
            id: id.clone(),
        })?),
        _ => {
            return Err(ApiError::BadRequest(
                "target: give exactly one of `occupation` (a SOC code) or `credential` (an id)".into(),
            ));
        }
    };
    if !(1..=10).contains(&req.k) {
        return Err(ApiError::BadRequest(format!(
            "k must be between 1 and 10, got {}",
            req.k
        )));
    }
    let region = req.region.trim();
    if region.is_empty() || region.len() > 32 {
        return Err(ApiError::BadRequest(
            "region must be 1-32 characters, e.g. `US` or `TX`".into(),
        ));
    }
    let mut errors = Vec::new();
    let completed = req
        .learner
        .completed_courses
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            g.course_ix(id).or_else(|| {
                errors.push(format!("learner.completed_courses[{i}]: unknown course `{id}`"));
                None
            })
        })
        .collect();
    let credentials = req
        .learner
        .credentials
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            g.credential_ix(id).or_else(|| {
                errors.push(format!("learner.credentials[{i}]: unknown credential `{id}`"));
                None
            })
        })
        .collect();
    let competencies = req
        .learner
        .competencies
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            g.competency_ix(id).or_else(|| {
                errors.push(format!("learner.competencies[{i}]: unknown competency `{id}`"));
                None
            })
        })
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::BadRequest(errors.join("; ")));
    }
    Ok(engine::MapRequest {
        target,
        entry: match req.entry {
            EntryPoint::Secondary => engine::Entry::Secondary,
            EntryPoint::Adult => engine::Entry::Adult,
            EntryPoint::Postsecondary => engine::Entry::Postsecondary,
        },
        region: region.to_owned(),
        k: req.k as usize,
        optimize: match req.optimize {
            Optimize::Hours => engine::Objective::Hours,
            Optimize::PostsecondaryHours => engine::Objective::PostsecondaryHours,
        },
        learner: engine::Learner {
            completed,
            credentials,
            competencies,
        },
    })
}

fn format_of(query: &MapQuery, http: &HttpRequest) -> Result<Format, ApiError> {
    if let Some(f) = &query.format {
        return Format::parse(f)
            .ok_or_else(|| ApiError::BadRequest(format!("format must be json, svg, dot, mermaid or ctdl, got `{f}`")));
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
            (String = "application/ld+json"),
        )),
        (status = 404, description = "Unknown target", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Malformed request (unknown entry, k out of 1..=10, unknown learner ids), or a search over budget (`/problems/too-complex`)",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Too many searches running", body = ProblemDetails, content_type = "application/problem+json"),
    ))]
#[post("/v1/career-maps")]
pub async fn career_map(
    state: web::Data<AppState>,
    query: web::Query<MapQuery>,
    http: HttpRequest,
    body: web::Json<CareerMapRequest>,
) -> Result<HttpResponse, ApiError> {
    let format = format_of(&query, &http)?;
    let rank = query.path.unwrap_or(1);
    let snap = state.catalog.snapshot();
    let req = body.into_inner();
    let parsed = parse(&snap.graph, &req)?;
    let limits = engine::Limits {
        max_expansions: state.settings.map_max_expansions,
    };
    let policy = state.settings.high_demand;
    let (ctype, text) = state
        .run_blocking(move || {
            let g = &snap.graph;
            let ctx = engine::MapContext {
                graph: g,
                demand: snap.demand(),
                policy: &policy,
            };
            let map = engine::career_map(&ctx, &parsed, &limits).map_err(|e| match e {
                MapError::TooComplex { .. } => ApiError::TooComplex(e.to_string()),
            })?;
            tracing::debug!(
                universe = map.stats.universe,
                expanded = map.stats.expanded,
                "career map"
            );
            Ok(match format {
                Format::Json => (
                    format.content_type(),
                    serde_json::to_string(&response(g, &map, &req)).map_err(|e| ApiError::Unexpected(e.into()))?,
                ),
                f => (f.content_type(), render::render(f, g, &map, rank)),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().content_type(ctype).body(text))
}

/// Region of the demand figures.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RegionQuery {
    /// `US` (default), a state code...; national figures are used where the region has none.
    pub region: Option<String>,
}

/// One rung of a credential ladder.
#[derive(Debug, Serialize, ToSchema)]
pub struct RungOut {
    pub credential: String,
    pub title: String,
    pub kind: crate::domain::CredentialKind,
    pub level: u32,
    /// An entry credential of the occupation (top of the ladder).
    pub entry: bool,
    /// Ladder credentials this one stacks into or counts toward.
    pub leads_to: Vec<String>,
    /// Occupations this rung qualifies for, with demand.
    pub occupations: Vec<OccupationOut>,
}

/// The credential ladder of an occupation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LadderOut {
    pub occupation: OccupationOut,
    pub region: String,
    /// Lowest level first.
    pub rungs: Vec<RungOut>,
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
    q: web::Query<RegionQuery>,
) -> Result<web::Json<LadderOut>, ApiError> {
    let snap = state.catalog.snapshot();
    let g = &snap.graph;
    let o = g.occupation_ix(&soc).ok_or_else(|| ApiError::NotFound {
        what: "occupation",
        id: soc.to_string(),
    })?;
    let region = q.region.as_deref().map(str::trim).unwrap_or("US");
    if region.is_empty() || region.len() > 32 {
        return Err(ApiError::BadRequest("region must be 1-32 characters".into()));
    }
    let policy = &state.settings.high_demand;
    let demand = snap.demand();
    let rungs = engine::ladder::ladder(g, demand, policy, o, region);
    Ok(web::Json(LadderOut {
        occupation: occupation_out(g, &demand.occupation(g, o, region, policy), None),
        region: region.to_owned(),
        rungs: rungs
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
    }))
}
