//! Career maps: `POST /v1/career-maps` and `GET /v1/occupations/{soc}/ladder`.
//!
//! The handler parses the request into the engine's types (unknown ids are 404 for the target
//! and 422 for the learner), runs [`crate::analysis::career_map::career_map`] on the blocking
//! pool (bounded by `CAREERMAP_MAX_SEARCHES`), and answers JSON or a rendering chosen by
//! `?format=` or `Accept`.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use crate::analysis::career_map::{self as engine, CareerMap, Exit, MapError, Plan, Source};
use crate::analysis::demand::{DemandIndex, HighDemandPolicy, OccupationDemand};
use crate::domain::EntryPoint;
use crate::graph::{CatalogGraph, CredentialIx, Item};
use crate::i18n::Lang;
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

/// What "shortest" means after non-duplication.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Optimize {
    /// Total new hours.
    #[default]
    Hours,
    /// Hours in postsecondary and work-based steps (tuition-bearing), ties by total hours.
    PostsecondaryHours,
    /// Net cost to the learner after braided funding (`net_cost`, dollars). A step whose cost
    /// is unknown counts as 0; at equal net cost a plan with fewer such steps comes first (a
    /// plan with `cost_complete: true` before one with `false`), then fewer total hours.
    Cost,
    /// Weeks to finish (`weeks`: terms times the entry point's term length), ties by total
    /// hours.
    Weeks,
}

/// Most ids in each learner list.
pub const MAX_LEARNER_IDS: usize = 1000;
/// Most unknown learner ids named in one 422 (the rest are counted).
const MAX_UNKNOWN_NAMED: usize = 5;

/// Where the learner stands. Each list holds at most 1000 ids.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerSpec {
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub completed_courses: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub credentials: Vec<String>,
    /// Competencies demonstrated by prior learning.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub competencies: Vec<String>,
    /// Assessment results the learner holds; an articulation with `min_score` applies only
    /// when the score reaches it.
    #[serde(default)]
    pub assessments: Vec<HeldAssessment>,
    /// Hours of plan steps per term (default per entry point, see docs/career-maps.md).
    #[serde(default)]
    pub hours_per_term: Option<f64>,
    /// Eligibility flags (`low_income`, `dislocated_worker`, `under_24`...) matched against
    /// the funding sources' `eligibility`.
    #[serde(default)]
    pub eligibility: Vec<String>,
}

/// An assessment result the learner holds.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "ex.ap-bio", "score": 4}))]
pub struct HeldAssessment {
    pub id: String,
    /// The score, for scored assessments (AP 1-5, CLEP 20-80).
    #[serde(default)]
    pub score: Option<f64>,
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
    #[schema(max_length = 32, pattern = "\\S")]
    pub region: String,
    /// How many alternative plans, 1-10 (default 3).
    #[serde(default = "default_k")]
    #[schema(minimum = 1, maximum = 10)]
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
    #[param(value_type = Option<super::MapFormat>)]
    pub format: Option<String>,
    /// The plan (rank) a picture shows (default 1); a rank the map does not have is a 422 problem.
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
    /// Figures that are not exact numbers (`median_wage_top_coded`: `median_wage` is a lower
    /// bound; `openings_suppressed`, `median_wage_suppressed`...: withheld by the source, so
    /// absent here and never compared).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// For an aggregated occupation (BLS's 31-1120...): the detailed occupations it covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// For a detailed occupation with no figures of its own that an aggregate covers (31-1121,
    /// covered by 31-1120): the SOC code of that aggregate, whose figures are shown here (BLS
    /// projects them together).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures_of: Option<String>,
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
    /// The steps by term (docs/career-maps.md, "Terms"): consecutive terms from 1, each step
    /// in exactly one, a course after its prerequisites' terms, at most `hours_per_term` hours
    /// unless one step alone exceeds it.
    pub terms: Vec<TermOut>,
    /// Terms times the entry point's term length (18 weeks secondary, 16 otherwise).
    pub weeks: f64,
    /// Sum of the known `cost` of the course and assessment steps, dollars (a secondary
    /// course with no cost is free).
    pub total_cost: f64,
    /// False when some course or assessment step has no known cost.
    pub cost_complete: bool,
    /// Funding braided into the plan, largest share first.
    pub funding: Vec<FundingOut>,
    /// `total_cost` less `funding`.
    pub net_cost: f64,
}

/// One term of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"term": 1, "stage": "postsecondary", "steps": ["cc.nur-101", "cc.bio-105"], "hours": 150}))]
pub struct TermOut {
    pub term: usize,
    /// `secondary`, `adult`, `postsecondary` or `work_based`: the system of the term's courses.
    pub stage: String,
    /// Step ids in order.
    pub steps: Vec<String>,
    pub hours: f64,
}

/// A funding source's part of a plan's cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundingOut {
    /// The funding source's id.
    pub source: String,
    pub name: String,
    /// Dollars.
    pub amount: f64,
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

/// What `high_demand` was judged against: the one high-demand rule (the gaps and the report use
/// it too) over every occupation with demand figures in `region`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HighDemandBasisOut {
    /// The region of the distribution: the requested one, or `US` when it has no figures
    /// (an occupation without figures of its own in the region is judged nationally).
    pub region: String,
    /// Occupations with demand figures in `region`: the whole distribution the percentiles
    /// are taken over, not only the map's occupations.
    pub occupations_in_distribution: usize,
    /// Annual openings at the configured percentile (nearest rank).
    pub openings_threshold: Option<f64>,
    /// Median wage at the configured percentile (nearest rank).
    pub wage_threshold: Option<f64>,
    pub openings_percentile: f64,
    pub wage_percentile: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_growth_pct: Option<f64>,
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
    /// The basis of the `high_demand` flags; absent when no occupation has demand figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_demand_basis: Option<HighDemandBasisOut>,
}

fn basis_out(demand: &DemandIndex, region: &str, policy: &HighDemandPolicy) -> Option<HighDemandBasisOut> {
    demand.basis(region, policy).map(|b| HighDemandBasisOut {
        region: b.region,
        occupations_in_distribution: b.occupations_in_distribution,
        openings_threshold: b.openings_threshold,
        wage_threshold: b.wage_threshold,
        openings_percentile: policy.openings_percentile,
        wage_percentile: policy.wage_percentile,
        min_growth_pct: policy.min_growth_pct,
    })
}

/// An occupation with its demand; `via`, the credential it is reached from, adds the evidence
/// of that link.
pub(crate) fn occupation_out(g: &CatalogGraph, d: &OccupationDemand, via: Option<CredentialIx>) -> OccupationOut {
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
        flags: d.flags.clone(),
        covers: occ.covers.iter().map(|c| c.0.clone()).collect(),
        figures_of: d.figures_of.map(|a| g.occupation(a).soc.0.clone()),
        evidence: via.and_then(|c| g.link_evidence(c, d.occupation)),
    }
}

fn kind(item: Item) -> &'static str {
    item.step_kind().as_str()
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
        terms: p
            .terms
            .iter()
            .map(|t| TermOut {
                term: t.term,
                stage: t.stage.clone(),
                steps: t.steps.iter().map(|&i| g.item_id(i).to_owned()).collect(),
                hours: t.hours,
            })
            .collect(),
        weeks: p.weeks,
        total_cost: p.total_cost,
        cost_complete: p.cost_complete,
        funding: p
            .funding
            .iter()
            .map(|&(f, amount)| FundingOut {
                source: g.funding(f).id.0.clone(),
                name: g.funding(f).name.clone(),
                amount,
            })
            .collect(),
        net_cost: p.net_cost,
    }
}

fn response(
    g: &CatalogGraph,
    map: &CareerMap,
    req: &CareerMapRequest,
    basis: Option<HighDemandBasisOut>,
) -> CareerMapResponse {
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
        high_demand_basis: basis,
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
    if region.is_empty() || super::region_too_long(region) {
        return Err(ApiError::BadRequest(
            "region must be 1-32 characters, e.g. `US` or `TX`".into(),
        ));
    }
    for (name, list) in [
        ("learner.completed_courses", &req.learner.completed_courses),
        ("learner.credentials", &req.learner.credentials),
        ("learner.competencies", &req.learner.competencies),
    ] {
        if list.len() > MAX_LEARNER_IDS {
            return Err(ApiError::InvalidParameter {
                name: name.into(),
                message: format!("at most {MAX_LEARNER_IDS} ids, got {}", list.len()),
            });
        }
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
    let assessments = req
        .learner
        .assessments
        .iter()
        .enumerate()
        .filter_map(|(i, held)| {
            let Some(a) = g.assessment_ix(&held.id) else {
                errors.push(format!("learner.assessments[{i}].id: unknown assessment `{}`", held.id));
                return None;
            };
            if let Some(score) = held.score {
                let max = g.assessment(a).max_score;
                if !score.is_finite() || score < 0.0 || max.is_some_and(|m| score > m) {
                    errors.push(format!(
                        "learner.assessments[{i}].score: {score} is outside 0..={} for `{}`",
                        max.map_or("any".to_string(), |m| m.to_string()),
                        held.id
                    ));
                    return None;
                }
            }
            Some((a, held.score))
        })
        .collect();
    if let Some(h) = req.learner.hours_per_term
        && (!h.is_finite() || h <= 0.0 || h > 5000.0)
    {
        errors.push(format!(
            "learner.hours_per_term: must be a positive number of hours up to 5000, got {h}"
        ));
    }
    for (i, flag) in req.learner.eligibility.iter().enumerate() {
        if flag.trim().is_empty() || flag.len() > 64 {
            errors.push(format!(
                "learner.eligibility[{i}]: a flag is a non-empty word of at most 64 characters"
            ));
        }
    }
    if !errors.is_empty() {
        let total = errors.len();
        let named: Vec<String> = errors
            .into_iter()
            .take(MAX_UNKNOWN_NAMED)
            .map(|e| crate::domain::clip(&e))
            .collect();
        let more = total - named.len();
        return Err(ApiError::BadRequest(format!(
            "{}{}",
            if more > 0 {
                format!("{total} unknown learner ids in all; the first {}: ", named.len())
            } else {
                String::new()
            },
            named.join("; "),
        )));
    }
    Ok(engine::MapRequest {
        target,
        entry: req.entry,
        region: region.to_owned(),
        k: req.k as usize,
        optimize: match req.optimize {
            Optimize::Hours => engine::Objective::Hours,
            Optimize::PostsecondaryHours => engine::Objective::PostsecondaryHours,
            Optimize::Cost => engine::Objective::Cost,
            Optimize::Weeks => engine::Objective::Weeks,
        },
        learner: engine::Learner {
            completed,
            credentials,
            competencies,
            assessments,
            hours_per_term: req.learner.hours_per_term,
            eligibility: req.learner.eligibility.clone(),
            term_defaults: None,
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
            (Object = "application/ld+json"),
        )),
        (status = 404, description = "Unknown target", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 413, description = "Body over 1 MiB", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 415, description = "Body not sent as application/json", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Malformed request (unknown entry, k out of 1..=10, more than 1000 ids in a learner list, unknown learner ids), or a search over budget (`/problems/too-complex`)",
            body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Over the per-client rate limit (CAREERMAP_RATE_LIMIT)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 503, description = "Too many searches running", body = ProblemDetails, content_type = "application/problem+json"),
    ))]
#[post("/v1/career-maps")]
pub async fn career_map(
    state: web::Data<AppState>,
    query: super::Query<MapQuery>,
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
    let mut out = answer(&state, body.into_inner(), vec![(format, rank)], Ranks::Exact, Lang::En).await?;
    let text = out.pop().unwrap_or_default();
    Ok(HttpResponse::Ok().content_type(format.content_type()).body(text))
}

/// How [`answer`] treats a picture rank past the map's last plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranks {
    /// The caller named the rank: past the last plan is a 400.
    Exact,
    /// Ranks 1..=k were asked for whatever the map holds: past the last plan is empty.
    UpToK,
}

/// Answers one career-map request in each of `outputs` (a format and, for pictures, the plan
/// rank), from one search on the current snapshot. The handler above and the web pages
/// ([`crate::web`]) both call this; the search runs on the blocking pool, bounded by
/// `CAREERMAP_MAX_SEARCHES`. A picture's rank past the map's last plan is a 400 under
/// [`Ranks::Exact`] (the API caller named it) and an empty string under [`Ranks::UpToK`] (the
/// pages ask for a picture of every plan up to `k`). Pictures speak `lang` (the API's are
/// English; the pages' follow the page).
pub async fn answer(
    state: &AppState,
    req: CareerMapRequest,
    outputs: Vec<(Format, usize)>,
    ranks: Ranks,
    lang: Lang,
) -> Result<Vec<String>, ApiError> {
    let snap = state.catalog.snapshot();
    let mut parsed = parse(&snap.graph, &req)?;
    parsed.learner.term_defaults = Some(state.settings.term_defaults(parsed.entry));
    let limits = engine::Limits {
        max_expansions: state.settings.map_max_expansions,
    };
    let policy = state.settings.high_demand;
    state
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
            outputs
                .into_iter()
                .map(|(format, rank)| {
                    if format != Format::Json && ranks == Ranks::UpToK && rank > map.paths.len() {
                        return Ok(String::new());
                    }
                    if rank == 0 || rank > map.paths.len().max(1) {
                        return Err(ApiError::BadRequest(format!(
                            "`path={rank}` names no plan: this map has {} plan(s), numbered from 1",
                            map.paths.len()
                        )));
                    }
                    Ok(match format {
                        Format::Json => serde_json::to_string(&response(
                            g,
                            &map,
                            &req,
                            basis_out(ctx.demand, &map.region, ctx.policy),
                        ))
                        .map_err(|e| ApiError::Unexpected(e.into()))?,
                        f => render::render(f, g, &map, rank, lang),
                    })
                })
                .collect()
        })
        .await
}

/// Region of the demand figures.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RegionQuery {
    /// `US` (default), a state code...; national figures are used where the region has none.
    #[param(max_length = 32, pattern = "\\S")]
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
    q: super::Query<RegionQuery>,
) -> Result<web::Json<LadderOut>, ApiError> {
    Ok(web::Json(ladder_answer(
        &state,
        &soc,
        q.into_inner().region.as_deref(),
    )?))
}

/// The credential ladder `ladder` answers: the one function the handler and the occupation
/// page call.
pub fn ladder_answer(state: &AppState, soc: &str, region: Option<&str>) -> Result<LadderOut, ApiError> {
    let snap = state.catalog.snapshot();
    let g = &snap.graph;
    let o = g.occupation_ix(soc).ok_or_else(|| ApiError::NotFound {
        what: "occupation",
        id: soc.to_string(),
    })?;
    let region = region.map(str::trim).unwrap_or("US");
    if region.is_empty() || super::region_too_long(region) {
        return Err(ApiError::BadRequest("region must be 1-32 characters".into()));
    }
    let policy = &state.settings.high_demand;
    let demand = snap.demand();
    let rungs = engine::ladder::ladder(g, demand, policy, o, region);
    Ok(LadderOut {
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
    })
}
