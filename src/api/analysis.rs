//! Analysis endpoints for planners and state teams: cross-system duplicate courses
//! (`GET /v1/duplicates`), system gaps (`GET /v1/gaps`) and the state alignment report
//! (`GET /v1/reports/alignment`), as JSON or CSV.
//!
//! Results are computed on the blocking pool and cached per dataset version and parameters
//! ([`crate::analysis::cache`]); filters and paging are applied to the cached answer.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::table::{csv_response, number as num};
use crate::analysis::demand::HighDemandPolicy;
use crate::analysis::duplicates::{
    self, Basis, DEFAULT_MIN_OVERLAP, DEFAULT_MIN_TEXT_SIMILARITY, DuplicateParams, Duplicates, Measure,
};
use crate::analysis::gaps::{self, Gap, GapKind, GapParams, Reachability};
use crate::analysis::reach::EntryPoint;
use crate::analysis::report::{self, AlignmentReport};
use crate::domain::System;
use crate::graph::CatalogGraph;
use crate::service::{DatasetAt, Snapshot};
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_duplicates)
        .service(list_gaps)
        .service(alignment_report);
}

const MAX_LIMIT: usize = 100_000;

/// `json` (default) or `csv`.
#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Csv,
}

fn parse_format(f: &Option<String>) -> Result<Format, ApiError> {
    match f.as_deref() {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some(other) => Err(ApiError::InvalidParameter {
            name: "format".into(),
            message: format!("must be `json` or `csv`, got `{other}`"),
        }),
    }
}

fn paging(limit: Option<usize>, offset: Option<usize>, default: usize) -> Result<(usize, usize), ApiError> {
    super::paging(limit, offset, default, MAX_LIMIT)
}

/// A fraction parameter: in [0, 1] (`zero_ok`) or [0.01, 1], rounded to two decimals so that
/// the analysis cache sees at most 101 values of it.
fn fraction(name: &str, v: Option<f64>, default: f64, zero_ok: bool) -> Result<f64, ApiError> {
    let v = v.unwrap_or(default);
    let low = if zero_ok { 0.0 } else { 0.01 };
    if v.is_finite() && (low..=1.0).contains(&v) {
        Ok((v * 100.0).round() / 100.0)
    } else {
        Err(ApiError::InvalidParameter {
            name: name.into(),
            message: format!("must be a number from {low} to 1 (two decimals are used), got {v}"),
        })
    }
}

// ---- duplicates --------------------------------------------------------------------------

/// What `min_overlap` applies to (documentation of the `measure` parameter).
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "lowercase")]
enum MeasureDoc {
    Jaccard,
    Containment,
}

#[derive(Default, Deserialize, IntoParams)]
pub struct DuplicatesQuery {
    /// Minimum similarity of two courses' competency sets, on `measure`, 0.01-1, rounded to two decimals (default 0.5).
    #[param(minimum = 0.01, maximum = 1.0)]
    pub min_overlap: Option<f64>,
    /// `jaccard` (default: shared over union) or `containment` (shared over the smaller set):
    /// what `min_overlap` applies to.
    #[param(value_type = Option<MeasureDoc>, inline)]
    pub measure: Option<String>,
    /// Minimum cosine of two courses' title-and-description TF-IDF vectors for `text` pairs,
    /// 0.01-1, rounded to two decimals (default 0.6).
    #[param(minimum = 0.01, maximum = 1.0)]
    pub min_similarity: Option<f64>,
    /// Comma-separated bases: `competencies`, `text`, `codes` (same SCED or CIP code in
    /// different systems). Default all; spaces around the commas are ignored.
    #[param(pattern = "^ *(competencies|text|codes)? *(, *(competencies|text|codes)? *)*$")]
    pub basis: Option<String>,
    /// Comma-separated systems (`secondary`, `adult`, `postsecondary`, `work_based`): only pairs
    /// whose two courses are both in these systems.
    #[param(pattern = "^(secondary|adult|postsecondary|work_based)(,(secondary|adult|postsecondary|work_based))*$")]
    pub systems: Option<String>,
    /// Only pairs of courses in different systems.
    pub cross_system: Option<bool>,
    /// Only pairs that no articulation links fully (`articulation` `partial` or `none`).
    pub unarticulated: Option<bool>,
    #[param(value_type = Option<super::TableFormat>)]
    /// `json` (default) or `csv` (one row per pair, with its cluster number).
    pub format: Option<String>,
    /// Pairs per page, 0-100000 (default 1000; 0 answers only the total). Clusters are over all
    /// matching pairs.
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
    /// Pairs to skip (default 0).
    pub offset: Option<usize>,
}

/// A pair of courses teaching largely the same thing.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"a": "cc.hit-105", "b": "hs.medical-terminology", "basis": "competencies", "jaccard": 1.0,
    "containment": 1.0, "shared": ["hc.t5.anatomy-physiology", "hc.t5.medical-terminology"], "articulated": false,
    "articulation": "none", "system_a": "postsecondary", "system_b": "secondary", "cluster": 0}))]
pub struct DuplicatePairOut {
    /// The course with the smaller id.
    pub a: String,
    pub b: String,
    /// What found the pair: `competencies`, `text` or `codes`. A pair found on several bases is
    /// listed once per basis.
    pub basis: String,
    /// |shared| / |union| of the two competency sets (0 when either has none).
    pub jaccard: f64,
    /// |shared| / size of the smaller competency set (0 when either has none).
    pub containment: f64,
    /// Competency ids both teach.
    pub shared: Vec<String>,
    /// Cosine of the two courses' title-and-description vectors (`text` pairs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_similarity: Option<f64>,
    /// Shared words contributing most to the cosine, as evidence (`text` pairs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// Shared codes, `sced:CODE` or `cip:CODE` (`codes` pairs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// True only when `articulation` is `full`.
    pub articulated: bool,
    /// `full` (an articulation, either way, directly or through a credential whose requirements
    /// list one course, grants all the target's credits), `partial` (one links them with fewer
    /// credits) or `none`.
    pub articulation: String,
    pub system_a: System,
    pub system_b: System,
    /// Index of the pair's cluster in `clusters`.
    pub cluster: usize,
}

/// Duplicate courses.
#[derive(Serialize, ToSchema)]
pub struct DuplicatesOut {
    pub dataset_version: u64,
    pub min_overlap: f64,
    /// `jaccard` or `containment`.
    pub measure: String,
    pub min_similarity: f64,
    /// Sorted by `jaccard` descending, then the basis's own score (the measure, the cosine, 1
    /// for codes) descending, then `a`, `b` and `basis`.
    pub pairs: Vec<DuplicatePairOut>,
    /// Connected components of all matching pairs (not only this page), largest first.
    #[schema(example = json!([["cc.hit-105", "hs.medical-terminology"]]))]
    pub clusters: Vec<Vec<String>>,
    /// Matching pairs over all pages.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// `x` with a negative zero turned into zero (JSON and CSV never show `-0`).
pub(crate) fn nz(x: f64) -> f64 {
    x + 0.0
}

fn text_model(snap: &Snapshot) -> Arc<crate::analysis::text::TextModel> {
    snap.cache
        .get_or_compute("text_model".into(), || duplicates::course_text_model(&snap.graph))
}

fn duplicates_of(snap: &Snapshot, p: &DuplicateParams) -> Arc<Duplicates> {
    let key = format!(
        "duplicates:{}:{}:{}",
        p.min_overlap.to_bits(),
        p.measure.as_str(),
        p.min_text_similarity.to_bits()
    );
    snap.cache.get_or_compute(key, || {
        let model = text_model(snap);
        duplicates::find_duplicates_with(&snap.graph, p, &Basis::ALL, Some(&model))
    })
}

/// Cross-system duplicate courses.
///
/// Pairs of distinct courses found on three bases: `competencies` (Jaccard or containment of
/// their competency sets at least `min_overlap`, by an exact prefix-filtered similarity join),
/// `text` (cosine of their title-and-description TF-IDF vectors at least `min_similarity`, by
/// an exact prefix-filtered cosine join, with the matching words as evidence) and `codes`
/// (the same SCED or CIP code in different systems); each with the competencies they share and
/// how an articulation links them; `clusters` are the connected components of the pairs.
/// Cached per dataset version. `?format=csv` gives the pairs as CSV
/// (`a,b,jaccard,shared,articulated,system_a,system_b,cluster,basis,containment,text_similarity,terms,codes,articulation`,
/// lists joined by `;`).
#[utoipa::path(tag = "analysis", params(DuplicatesQuery),
    responses(
        (status = 200, description = "The duplicate pairs and their clusters",
         content((DuplicatesOut = "application/json"), (String = "text/csv", example = json!("a,b,jaccard,shared,articulated,system_a,system_b,cluster,basis,containment,text_similarity,terms,codes,articulation\ncc.hit-105,hs.medical-terminology,1,hc.t5.anatomy-physiology;hc.t5.medical-terminology,false,postsecondary,secondary,0,competencies,1,,,,none\n")))),
        (status = 422, description = "`min_overlap` or `min_similarity` outside (0, 1], unknown measure, basis, system or format, bad paging",
         body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/duplicates")]
pub async fn list_duplicates(
    state: web::Data<AppState>,
    q: super::Query<DuplicatesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let format = parse_format(&q.format)?;
    let out = duplicates_answer(&state, q).await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(out)),
        Format::Csv => {
            let mut rows = vec![
                [
                    "a",
                    "b",
                    "jaccard",
                    "shared",
                    "articulated",
                    "system_a",
                    "system_b",
                    "cluster",
                    "basis",
                    "containment",
                    "text_similarity",
                    "terms",
                    "codes",
                    "articulation",
                ]
                .map(String::from)
                .to_vec(),
            ];
            rows.extend(out.pairs.into_iter().map(|p| {
                vec![
                    p.a,
                    p.b,
                    num(p.jaccard),
                    p.shared.join(";"),
                    p.articulated.to_string(),
                    p.system_a.as_str().into(),
                    p.system_b.as_str().into(),
                    p.cluster.to_string(),
                    p.basis,
                    num(p.containment),
                    p.text_similarity.map(num).unwrap_or_default(),
                    p.terms.join(";"),
                    p.codes.join(";"),
                    p.articulation,
                ]
            }));
            csv_response(rows)
        }
    }
}

// ---- gaps --------------------------------------------------------------------------------

#[derive(Default, Deserialize, IntoParams)]
pub struct GapsQuery {
    /// Comma-separated kinds: `missing_articulation`, `partial_credit`, `dead_end_credential`,
    /// `uncovered_competency`, `no_pathway`, `missing_entry_point` (default all).
    #[param(
        pattern = "^(missing_articulation|partial_credit|dead_end_credential|uncovered_competency|no_pathway|missing_entry_point)(,(missing_articulation|partial_credit|dead_end_credential|uncovered_competency|no_pathway|missing_entry_point))*$"
    )]
    pub kind: Option<String>,
    /// Region for demand figures (default `US`; occupations without figures for the region
    /// use their `US` figures).
    #[param(max_length = 32)]
    pub region: Option<String>,
    /// `secondary`, `adult` or `postsecondary`: `no_pathway` then lists high-demand occupations
    /// with no pathway from this entry point, and `missing_entry_point` only this entry point.
    /// Other kinds are not entry-specific.
    #[param(value_type = Option<crate::domain::EntryPoint>)]
    pub entry: Option<String>,
    /// Share of a postsecondary course's competencies a secondary or adult course must teach
    /// for a `missing_articulation`, in (0, 1] (default 1: all).
    #[param(minimum = 0.01, maximum = 1.0)]
    pub containment: Option<f64>,
    /// High-demand policy: minimum percentile of annual openings in the region, in [0, 1]
    /// (default: the server's CAREERMAP_HIGH_DEMAND_OPENINGS_PERCENTILE / 100, 0.5 unless
    /// configured; 0: every occupation with the figure passes). The rule is the career maps' one.
    #[param(minimum = 0.0, maximum = 1.0)]
    pub min_openings_percentile: Option<f64>,
    /// High-demand policy: minimum percentile of median wage in the region, in [0, 1]
    /// (default: the server's CAREERMAP_HIGH_DEMAND_WAGE_PERCENTILE / 100, 0.5 unless
    /// configured; 0: every occupation with the figure passes). The rule is the career maps' one.
    #[param(minimum = 0.0, maximum = 1.0)]
    pub min_wage_percentile: Option<f64>,
    /// Lowest DOL pyramid tier of `uncovered_competency` gaps listed, 1-9 (default 4: tiers 1-3,
    /// personal effectiveness, academic and workplace competencies, are left out; give 1 to
    /// see them).
    #[param(minimum = 1, maximum = 9)]
    pub tier_min: Option<u8>,
    #[param(value_type = Option<super::TableFormat>)]
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// Gaps per page, 1-100000 (default 100).
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
    /// Gaps to skip (default 0).
    pub offset: Option<usize>,
}

/// One place where the pathway system breaks.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"kind": "missing_articulation", "severity": 45.0, "severity_unit": "hours repeated",
    "relative_severity": 1.0, "element": "POS 7: credit transfer agreements",
    "subjects": ["hs.medical-terminology", "cc.hit-105"],
    "detail": "secondary course `hs.medical-terminology` teaches 2 of the 2 competencies of postsecondary course `cc.hit-105` (45 hours, 3 credits), and no articulation links them: a learner who completed `hs.medical-terminology` must repeat what they already know.",
    "suggestion": "Add an articulation agreement (dual enrollment or statewide agreement) from `hs.medical-terminology` to `cc.hit-105` granting its 3 credits."}))]
pub struct GapOut {
    /// `missing_articulation`, `partial_credit`, `dead_end_credential`,
    /// `uncovered_competency`, `no_pathway` or `missing_entry_point`.
    pub kind: String,
    /// By kind: hours repeated (`missing_articulation`), credits lost (`partial_credit`),
    /// levels left unreachable (`dead_end_credential`), occupations affected
    /// (`uncovered_competency`), annual openings in the region (`no_pathway`,
    /// `missing_entry_point`).
    pub severity: f64,
    /// The unit of `severity`.
    pub severity_unit: String,
    /// The one severity scale across kinds: annual openings in the region of the occupations
    /// whose pathways the gap blocks or lengthens (see `impact_unit`); `top_gaps` ranks on it.
    pub impact: f64,
    /// `annual openings behind the gap`.
    pub impact_unit: String,
    /// SOC codes of the occupations behind `impact`.
    pub occupations: Vec<String>,
    /// DOL pyramid tier of the competency (`uncovered_competency`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    /// `severity` over the largest severity of the same kind (0-1), to rank across kinds.
    pub relative_severity: f64,
    /// The Perkins Programs of Study component (POS) or Career Pathways element (CP) it bears on.
    pub element: String,
    /// Ids involved: courses, credentials, articulations, competencies, SOC codes.
    pub subjects: Vec<String>,
    pub detail: String,
    pub suggestion: String,
    /// The entry point concerned (`no_pathway` asked per entry point, `missing_entry_point`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

impl GapOut {
    fn new(graph: &CatalogGraph, g: &Gap) -> Self {
        GapOut {
            kind: g.kind.as_str().into(),
            severity: nz(g.severity),
            severity_unit: g.kind.severity_unit().into(),
            impact: nz(g.impact),
            impact_unit: gaps::IMPACT_UNIT.into(),
            occupations: g
                .occupations
                .iter()
                .map(|&o| graph.occupation(o).soc.to_string())
                .collect(),
            tier: g.tier,
            relative_severity: nz(g.relative_severity),
            element: g.kind.element().into(),
            subjects: g.subjects.clone(),
            detail: g.detail.clone(),
            suggestion: g.suggestion.clone(),
            entry: g.entry.map(|e| e.as_str().into()),
        }
    }
}

/// Gaps, sorted by kind, then severity descending, then subjects.
#[derive(Serialize, ToSchema)]
pub struct GapsOut {
    pub dataset_version: u64,
    pub region: String,
    pub gaps: Vec<GapOut>,
    /// Matching gaps per kind, over all pages.
    pub counts: BTreeMap<String, usize>,
    /// Matching gaps over all pages.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

fn gap_params(
    configured: &crate::analysis::demand::HighDemandPolicy,
    region: Option<String>,
    containment: Option<f64>,
    openings: Option<f64>,
    wage: Option<f64>,
    entry: Option<&str>,
) -> Result<GapParams, ApiError> {
    let entry = entry
        .map(|e| {
            EntryPoint::parse(e).ok_or_else(|| {
                ApiError::BadRequest(format!("entry must be secondary, adult or postsecondary, got `{e}`"))
            })
        })
        .transpose()?;
    Ok(GapParams {
        region: region
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "US".into()),
        policy: HighDemandPolicy {
            // Defaults: the server's high-demand rule (CAREERMAP_HIGH_DEMAND_*), as career maps use.
            openings_percentile: 100.0
                * fraction(
                    "min_openings_percentile",
                    openings,
                    configured.openings_percentile / 100.0,
                    true,
                )?,
            wage_percentile: 100.0 * fraction("min_wage_percentile", wage, configured.wage_percentile / 100.0, true)?,
            min_growth_pct: configured.min_growth_pct,
        },
        containment: fraction("containment", containment, 1.0, false)?,
        entry,
    })
}

fn tier_min(v: Option<u8>) -> Result<u8, ApiError> {
    match v.unwrap_or(gaps::DEFAULT_TIER_MIN) {
        t @ 1..=9 => Ok(t),
        t => Err(ApiError::BadRequest(format!("tier_min must be 1-9, got {t}"))),
    }
}

fn check_region(g: &CatalogGraph, region: &str) -> Result<(), ApiError> {
    let known = region == "US"
        || g.bundle()
            .occupations
            .iter()
            .any(|o| o.demand.iter().any(|d| d.region == region));
    if known {
        Ok(())
    } else {
        Err(ApiError::InvalidParameter {
            name: "region".into(),
            message: format!("no occupation has demand figures for `{region}`"),
        })
    }
}

fn params_key(p: &GapParams) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}",
        p.region,
        p.policy.openings_percentile.to_bits(),
        p.policy.wage_percentile.to_bits(),
        p.policy.min_growth_pct.map(f64::to_bits).unwrap_or(u64::MAX),
        p.containment.to_bits(),
        p.entry.map_or("", |e| e.as_str())
    )
}

fn reachability(snap: &Snapshot) -> Arc<Reachability> {
    snap.cache
        .get_or_compute("reach".into(), || Reachability::new(&snap.graph))
}

fn gaps_of(snap: &Snapshot, p: &GapParams) -> Arc<Vec<Gap>> {
    snap.cache.get_or_compute(format!("gaps:{}", params_key(p)), || {
        gaps::find_gaps_with(&snap.graph, p, &reachability(snap))
    })
}

/// Gaps in the pathway system.
///
/// Missing articulations (a secondary or adult course teaching a postsecondary course's
/// competencies with no articulation), partial credit, dead-end credentials, competencies no
/// pathway teaches, high-demand occupations with no pathway, and occupations missing an entry
/// point. Each gap has a severity whose unit depends on its kind (`severity_unit`), the ids
/// involved, a sentence, a suggestion and the Programs of Study component or Career Pathways
/// element it bears on, and `impact`, the one severity scale across kinds (annual openings in
/// the region of the occupations whose pathways the gap blocks or lengthens). Tiers 1-3 of
/// `uncovered_competency` are left out unless `tier_min` asks for them. `?format=csv` gives
/// `kind,severity,severity_unit,relative_severity,element,entry,subjects,detail,suggestion,impact,tier`.
#[utoipa::path(tag = "analysis", params(GapsQuery),
    responses(
        (status = 200, description = "The gaps",
         content((GapsOut = "application/json"), (String = "text/csv", example = json!("kind,severity,severity_unit,relative_severity,element,entry,subjects,detail,suggestion,impact,tier\npartial_credit,2,credits lost,1,POS 7: credit transfer agreements,,art.hs-welding-wld101;hs.welding;cc.wld-101,...,...,45700,\n")))),
        (status = 422, description = "Unknown kind, entry, region or format; a fraction out of range; bad paging",
         body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/gaps")]
pub async fn list_gaps(state: web::Data<AppState>, q: super::Query<GapsQuery>) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let format = parse_format(&q.format)?;
    let out = gaps_answer(&state, q).await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(out)),
        Format::Csv => {
            let mut rows = vec![
                [
                    "kind",
                    "severity",
                    "severity_unit",
                    "relative_severity",
                    "element",
                    "entry",
                    "subjects",
                    "detail",
                    "suggestion",
                    "impact",
                    "tier",
                ]
                .map(String::from)
                .to_vec(),
            ];
            rows.extend(out.gaps.into_iter().map(|g| {
                vec![
                    g.kind,
                    num(g.severity),
                    g.severity_unit,
                    num(g.relative_severity),
                    g.element,
                    g.entry.unwrap_or_default(),
                    g.subjects.join(";"),
                    g.detail,
                    g.suggestion,
                    num(g.impact),
                    g.tier.map(|t| t.to_string()).unwrap_or_default(),
                ]
            }));
            csv_response(rows)
        }
    }
}

// ---- alignment report --------------------------------------------------------------------

#[derive(Default, Deserialize, IntoParams)]
pub struct AlignmentQuery {
    /// Region for demand figures (default `US`).
    #[param(max_length = 32)]
    pub region: Option<String>,
    #[param(value_type = Option<super::TableFormat>)]
    /// `json` (default) or `csv` (long format: `section,subject,metric,value`).
    pub format: Option<String>,
    /// Lowest tier of `uncovered_competency` gaps counted with the others, 1-9 (default 4);
    /// lower tiers are counted apart in `foundational_uncovered`.
    pub tier_min: Option<u8>,
    /// A dataset version to compare with, side by side: `comparison` then lists every
    /// indicator of both versions and its change. 404 for a version never committed, 409 for
    /// one whose data the store no longer keeps.
    pub compare: Option<u64>,
    /// Credentials listed in `credentials`, most complex first, 1-100000 (default 100).
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
    /// Credentials to skip (default 0).
    pub offset: Option<usize>,
}

/// Share of the region's high-demand occupations reachable from one entry point.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"entry": "adult", "reachable": 14, "high_demand": 15, "share": 0.933}))]
pub struct EntryShareOut {
    pub entry: String,
    pub reachable: usize,
    pub high_demand: usize,
    pub share: f64,
}

/// Articulation coverage of course-to-course transitions from one system into postsecondary:
/// pairs that teach the same content (Jaccard >= 0.5, or all of the postsecondary course's
/// competencies), and how many of them an articulation links.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"from": "secondary", "to": "postsecondary", "transitions": 9, "articulated": 6, "share": 0.667}))]
pub struct TransitionOut {
    pub from: String,
    pub to: String,
    pub transitions: usize,
    pub articulated: usize,
    pub share: f64,
}

/// Heileman's curricular-analytics measures of one course in a credential's curriculum.
#[derive(Serialize, ToSchema)]
pub struct CourseComplexityOut {
    pub course: String,
    /// Courses on the longest prerequisite chain through this course.
    pub delay: u32,
    /// Courses this course unlocks (reachable from it by prerequisite edges).
    pub blocking: u32,
}

/// A credential's curriculum (the courses its requirements list plus their prerequisite
/// closure) and its structural complexity (sum of delay and blocking factors).
#[derive(Serialize, ToSchema)]
pub struct CredentialComplexityOut {
    pub credential: String,
    pub structural_complexity: u64,
    pub courses: Vec<CourseComplexityOut>,
}

/// System-level indicators of one region.
#[derive(Serialize, ToSchema)]
pub struct AlignmentOut {
    pub dataset_version: u64,
    pub region: String,
    /// SOC codes of the region's high-demand occupations (openings and median wage both at or
    /// above the region's median).
    pub high_demand_occupations: Vec<String>,
    /// Per entry point: share of high-demand occupations with a pathway.
    pub pathway_share: Vec<EntryShareOut>,
    /// Secondary -> postsecondary and adult -> postsecondary transitions that are articulated.
    pub transitions: Vec<TransitionOut>,
    /// Hours of postsecondary courses a learner repeats for want of an articulation (sum of
    /// `missing_articulation` severities).
    pub hours_duplicated_without_articulation: f64,
    /// Dead-end credentials.
    pub dead_ends: Vec<String>,
    /// Number of gaps per kind.
    pub gaps_by_kind: BTreeMap<String, usize>,
    /// The ten most severe gaps, ranked on `impact` (annual openings behind the gap), then
    /// blocking kinds first, then the kind's own severity.
    pub top_gaps: Vec<GapOut>,
    /// `uncovered_competency` gaps of tiers below `tier_min`, left out of `gaps_by_kind` and
    /// `top_gaps`.
    pub foundational_uncovered: usize,
    pub tier_min: u8,
    /// Per credential curricular complexity, most complex first (paged by `limit`/`offset`).
    pub credentials: Vec<CredentialComplexityOut>,
    /// Credentials over all pages.
    pub credentials_total: usize,
    pub limit: usize,
    pub offset: usize,
    /// With `compare=VERSION`: every indicator in both versions and its change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<ComparisonOut>,
}

/// One indicator in two dataset versions.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"indicator": "pathway_share", "subject": "adult", "value": 0.9, "compared": 0.8, "change": 0.1}))]
pub struct IndicatorChangeOut {
    pub indicator: String,
    /// What the indicator is about (an entry point, a system, a gap kind), or `all`.
    pub subject: String,
    /// In this report's version.
    pub value: f64,
    /// In the compared version.
    pub compared: f64,
    /// `value - compared`.
    pub change: f64,
}

/// The alignment report's indicators against another dataset version.
#[derive(Serialize, ToSchema)]
pub struct ComparisonOut {
    /// The compared version.
    pub dataset_version: u64,
    pub indicators: Vec<IndicatorChangeOut>,
    /// High-demand occupations added since the compared version (SOC codes).
    pub high_demand_added: Vec<String>,
    /// High-demand occupations no longer high demand.
    pub high_demand_removed: Vec<String>,
    /// Dead-end credentials that are new, and that were resolved.
    pub dead_ends_added: Vec<String>,
    pub dead_ends_resolved: Vec<String>,
}

/// The indicators of a report as `(indicator, subject, value)`, in a fixed order.
fn indicators(g: &CatalogGraph, r: &AlignmentReport) -> Vec<(String, String, f64)> {
    let mut out: Vec<(String, String, f64)> = Vec::new();
    let mut push = |a: &str, b: &str, v: f64| out.push((a.into(), b.into(), v));
    push("high_demand_occupations", "all", r.high_demand_occupations.len() as f64);
    for s in &r.pathway_share {
        push("pathway_share", s.entry.as_str(), s.share);
        push("pathway_reachable", s.entry.as_str(), s.reachable as f64);
    }
    for t in &r.transitions {
        push("transitions", t.from.as_str(), t.transitions as f64);
        push("transitions_articulated", t.from.as_str(), t.articulated as f64);
        push("transitions_share", t.from.as_str(), t.share);
    }
    push(
        "hours_duplicated_without_articulation",
        "all",
        r.hours_duplicated_without_articulation,
    );
    push("dead_ends", "all", r.dead_ends.len() as f64);
    for (k, n) in &r.gaps_by_kind {
        push("gaps", k.as_str(), *n as f64);
    }
    push("foundational_uncovered", "all", r.foundational_uncovered as f64);
    let impact: f64 = r.top_gaps.iter().map(|x| x.impact).fold(0.0, |a, b| a + b);
    push("top_gaps_impact", "all", impact);
    push("credentials", "all", g.n_credentials() as f64);
    let total: u64 = r.complexity.iter().map(|c| c.structural_complexity).sum();
    push(
        "mean_structural_complexity",
        "all",
        if r.complexity.is_empty() {
            0.0
        } else {
            total as f64 / r.complexity.len() as f64
        },
    );
    out
}

/// Compares two reports indicator by indicator (an indicator missing on one side is 0 there).
fn comparison(g: &CatalogGraph, r: &AlignmentReport, og: &CatalogGraph, or: &AlignmentReport) -> ComparisonOut {
    let now = indicators(g, r);
    let then: BTreeMap<(String, String), f64> = indicators(og, or).into_iter().map(|(a, b, v)| ((a, b), v)).collect();
    let socs = |g: &CatalogGraph, r: &AlignmentReport| -> std::collections::BTreeSet<String> {
        r.high_demand_occupations
            .iter()
            .map(|&o| g.occupation(o).soc.to_string())
            .collect()
    };
    let ends = |g: &CatalogGraph, r: &AlignmentReport| -> std::collections::BTreeSet<String> {
        r.dead_ends.iter().map(|&c| g.credential(c).id.to_string()).collect()
    };
    let (hn, ho) = (socs(g, r), socs(og, or));
    let (dn, d_old) = (ends(g, r), ends(og, or));
    ComparisonOut {
        dataset_version: og.version(),
        indicators: now
            .into_iter()
            .map(|(indicator, subject, value)| {
                let compared = then.get(&(indicator.clone(), subject.clone())).copied().unwrap_or(0.0);
                IndicatorChangeOut {
                    indicator,
                    subject,
                    value: nz(value),
                    compared: nz(compared),
                    change: nz(value - compared),
                }
            })
            .collect(),
        high_demand_added: hn.difference(&ho).cloned().collect(),
        high_demand_removed: ho.difference(&hn).cloned().collect(),
        dead_ends_added: dn.difference(&d_old).cloned().collect(),
        dead_ends_resolved: d_old.difference(&dn).cloned().collect(),
    }
}

fn report_of(snap: &Snapshot, p: &GapParams, tier_min: u8) -> Arc<AlignmentReport> {
    snap.cache
        .get_or_compute(format!("alignment:{}:{tier_min}", params_key(p)), || {
            report::alignment_with(&snap.graph, p, tier_min)
        })
}

/// The state alignment report.
///
/// Indicators a state pathway team tracks over time: the share of high-demand occupations with
/// a pathway from each entry point, the share of cross-system transitions that are articulated,
/// hours duplicated without articulation, dead ends, gaps by kind and the ten most severe gaps;
/// and per credential the curricular complexity measures of Heileman et al. (2018): each
/// course's delay and blocking factors and the credential's structural complexity.
/// `?format=csv` gives the same in long format (`section,subject,metric,value`).
#[utoipa::path(tag = "analysis", params(AlignmentQuery),
    responses(
        (status = 200, description = "The report",
         content((AlignmentOut = "application/json"), (String = "text/csv", example = json!("section,subject,metric,value\npathway_share,secondary,share,1\n")))),
        (status = 404, description = "`compare` names a dataset version never committed",
         body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`compare` names a dataset version whose data the store no longer keeps",
         body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Unknown region or format, `tier_min` outside 1-9, bad paging",
         body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/reports/alignment")]
pub async fn alignment_report(
    state: web::Data<AppState>,
    q: super::Query<AlignmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let format = parse_format(&q.format)?;
    let out = alignment_answer(&state, q).await?;
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(out)),
        Format::Csv => {
            let mut rows: Vec<Vec<String>> = vec![vec![
                "section".into(),
                "subject".into(),
                "metric".into(),
                "value".into(),
            ]];
            let mut row = |a: &str, b: &str, c: &str, d: String| rows.push(vec![a.into(), b.into(), c.into(), d]);
            for s in &out.pathway_share {
                row("pathway_share", &s.entry, "reachable", s.reachable.to_string());
                row("pathway_share", &s.entry, "high_demand", s.high_demand.to_string());
                row("pathway_share", &s.entry, "share", num(s.share));
            }
            for t in &out.transitions {
                let subject = format!("{}->{}", t.from, t.to);
                row("transitions", &subject, "transitions", t.transitions.to_string());
                row("transitions", &subject, "articulated", t.articulated.to_string());
                row("transitions", &subject, "share", num(t.share));
            }
            row(
                "duplication",
                "all",
                "hours_duplicated_without_articulation",
                num(out.hours_duplicated_without_articulation),
            );
            for d in &out.dead_ends {
                row("dead_end", d, "dead_end", "1".into());
            }
            for (k, n) in &out.gaps_by_kind {
                row("gaps_by_kind", k, "count", n.to_string());
            }
            for (i, gp) in out.top_gaps.iter().enumerate() {
                let subject = format!("{}:{}", i + 1, gp.subjects.join(";"));
                row("top_gap", &subject, &gp.kind, num(gp.severity));
            }
            if let Some(cmp) = &out.comparison {
                for i in &cmp.indicators {
                    let subject = format!("{}:{}", i.indicator, i.subject);
                    row("comparison", &subject, "value", num(i.value));
                    row("comparison", &subject, "compared", num(i.compared));
                    row("comparison", &subject, "change", num(i.change));
                }
            }
            for c in &out.credentials {
                row(
                    "credential",
                    &c.credential,
                    "structural_complexity",
                    c.structural_complexity.to_string(),
                );
                for x in &c.courses {
                    let subject = format!("{}/{}", c.credential, x.course);
                    row("course", &subject, "delay", x.delay.to_string());
                    row("course", &subject, "blocking", x.blocking.to_string());
                }
            }
            csv_response(rows)
        }
    }
}

// ---- answers shared by the handlers and the web pages ------------------------------------

/// The duplicate pairs `list_duplicates` answers (filters and paging applied): the one
/// function the handler and the planner pages call.
pub async fn duplicates_answer(state: &AppState, q: DuplicatesQuery) -> Result<DuplicatesOut, ApiError> {
    let measure = match q.measure.as_deref() {
        None => Measure::Jaccard,
        Some(m) => Measure::parse(m).ok_or_else(|| ApiError::InvalidParameter {
            name: "measure".into(),
            message: format!("must be `jaccard` or `containment`, got `{m}`"),
        })?,
    };
    let params = DuplicateParams {
        min_overlap: fraction("min_overlap", q.min_overlap, DEFAULT_MIN_OVERLAP, false)?,
        measure,
        min_text_similarity: fraction("min_similarity", q.min_similarity, DEFAULT_MIN_TEXT_SIMILARITY, false)?,
    };
    let bases: Vec<Basis> = match q.basis.as_deref() {
        None => Basis::ALL.to_vec(),
        Some(s) => s
            .split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| {
                Basis::parse(x).ok_or_else(|| ApiError::InvalidParameter {
                    name: "basis".into(),
                    message: format!("unknown basis `{x}` (use competencies, text, codes)"),
                })
            })
            .collect::<Result<_, _>>()?,
    };
    parse_format(&q.format)?;
    let (limit, offset) = paging(q.limit, q.offset, 1000)?;
    let systems: Option<Vec<System>> = q
        .systems
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(|x| {
                    System::parse(x).ok_or_else(|| ApiError::InvalidParameter {
                        name: "systems".into(),
                        message: format!("unknown system `{x}` (use secondary, adult, postsecondary, work_based)"),
                    })
                })
                .collect()
        })
        .transpose()?;
    let snap = state.catalog.snapshot();
    state
        .run_blocking(move || {
            let d = duplicates_of(&snap, &params);
            let g = &snap.graph;
            let keep = |p: &&duplicates::DuplicatePair| {
                let (sa, sb) = (g.course(p.a).system, g.course(p.b).system);
                bases.contains(&p.basis)
                    && systems.as_ref().is_none_or(|s| s.contains(&sa) && s.contains(&sb))
                    && (q.cross_system != Some(true) || sa != sb)
                    && (q.unarticulated != Some(true) || !p.articulated)
            };
            let filtered: Vec<&duplicates::DuplicatePair> = d.pairs.iter().filter(keep).collect();
            let clusters = if filtered.len() == d.pairs.len() {
                d.clusters.clone()
            } else {
                duplicates::components(filtered.iter().map(|p| (p.a, p.b)))
            };
            let mut cluster_of = std::collections::HashMap::new();
            for (i, c) in clusters.iter().enumerate() {
                for &course in c {
                    cluster_of.insert(course, i);
                }
            }
            let id = |c| g.course(c).id.to_string();
            let pairs = filtered
                .iter()
                .skip(offset)
                .take(limit)
                .map(|p| DuplicatePairOut {
                    a: id(p.a),
                    b: id(p.b),
                    basis: p.basis.as_str().into(),
                    jaccard: nz(p.jaccard),
                    containment: nz(p.containment),
                    shared: p.shared.iter().map(|&k| g.competency(k).id.to_string()).collect(),
                    text_similarity: p.text_similarity.map(nz),
                    terms: p.terms.clone(),
                    codes: p.codes.clone(),
                    articulated: p.articulated,
                    articulation: p.articulation.as_str().into(),
                    system_a: g.course(p.a).system,
                    system_b: g.course(p.b).system,
                    cluster: cluster_of[&p.a],
                })
                .collect();
            Ok(DuplicatesOut {
                dataset_version: g.version(),
                min_overlap: params.min_overlap,
                measure: params.measure.as_str().into(),
                min_similarity: params.min_text_similarity,
                pairs,
                clusters: clusters.iter().map(|c| c.iter().map(|&x| id(x)).collect()).collect(),
                total: filtered.len(),
                limit,
                offset,
            })
        })
        .await
}

/// The gaps `list_gaps` answers (filters and paging applied): the one function the handler
/// and the planner pages call.
pub async fn gaps_answer(state: &AppState, q: GapsQuery) -> Result<GapsOut, ApiError> {
    parse_format(&q.format)?;
    let (limit, offset) = paging(q.limit, q.offset, 100)?;
    let kinds: Option<Vec<GapKind>> = q
        .kind
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(|x| {
                    GapKind::parse(x).ok_or_else(|| {
                        let all: Vec<&str> = GapKind::ALL.iter().map(|k| k.as_str()).collect();
                        ApiError::BadRequest(format!("kind: unknown gap kind `{x}` (use {})", all.join(", ")))
                    })
                })
                .collect()
        })
        .transpose()?;
    let tier_min = tier_min(q.tier_min)?;
    let params = gap_params(
        &state.settings.high_demand,
        q.region,
        q.containment,
        q.min_openings_percentile,
        q.min_wage_percentile,
        q.entry.as_deref(),
    )?;
    let snap = state.catalog.snapshot();
    check_region(&snap.graph, &params.region)?;
    state
        .run_blocking(move || {
            let all = gaps_of(&snap, &params);
            let matching: Vec<&Gap> = all
                .iter()
                .filter(|g| kinds.as_ref().is_none_or(|k| k.contains(&g.kind)) && gaps::keeps_tier(g, tier_min))
                .collect();
            let mut counts = BTreeMap::new();
            for g in &matching {
                *counts.entry(g.kind.as_str().to_string()).or_insert(0) += 1;
            }
            Ok(GapsOut {
                dataset_version: snap.graph.version(),
                region: params.region.clone(),
                total: matching.len(),
                gaps: matching
                    .into_iter()
                    .skip(offset)
                    .take(limit)
                    .map(|x| GapOut::new(&snap.graph, x))
                    .collect(),
                counts,
                limit,
                offset,
            })
        })
        .await
}

/// The alignment report `alignment_report` answers: the one function the handler and the
/// planner pages call.
pub async fn alignment_answer(state: &AppState, q: AlignmentQuery) -> Result<AlignmentOut, ApiError> {
    parse_format(&q.format)?;
    let (limit, offset) = paging(q.limit, q.offset, 100)?;
    let tier_min = tier_min(q.tier_min)?;
    let params = gap_params(&state.settings.high_demand, q.region, None, None, None, None)?;
    let snap = state.catalog.snapshot();
    check_region(&snap.graph, &params.region)?;
    let other = match q.compare {
        None => None,
        Some(v) => match state
            .catalog
            .dataset_at(v)
            .map_err(|e| ApiError::Unexpected(e.into()))?
        {
            DatasetAt::Retained(s) => Some(s),
            DatasetAt::NotRetained => return Err(ApiError::VersionNotRetained(v)),
            DatasetAt::Unknown => {
                return Err(ApiError::NotFound {
                    what: "dataset version",
                    id: v.to_string(),
                });
            }
        },
    };
    state
        .run_blocking(move || {
            let r = report_of(&snap, &params, tier_min);
            let comparison = other.map(|o| {
                let or = report_of(&o, &params, tier_min);
                comparison(&snap.graph, &r, &o.graph, &or)
            });
            let g = &snap.graph;
            let n_hd = r.high_demand_occupations.len();
            Ok(AlignmentOut {
                dataset_version: g.version(),
                region: r.region.clone(),
                high_demand_occupations: r
                    .high_demand_occupations
                    .iter()
                    .map(|&o| g.occupation(o).soc.to_string())
                    .collect(),
                pathway_share: r
                    .pathway_share
                    .iter()
                    .map(|s| EntryShareOut {
                        entry: s.entry.as_str().into(),
                        reachable: s.reachable,
                        high_demand: n_hd,
                        share: nz(s.share),
                    })
                    .collect(),
                transitions: r
                    .transitions
                    .iter()
                    .map(|t| TransitionOut {
                        from: t.from.as_str().into(),
                        to: "postsecondary".into(),
                        transitions: t.transitions,
                        articulated: t.articulated,
                        share: nz(t.share),
                    })
                    .collect(),
                hours_duplicated_without_articulation: nz(r.hours_duplicated_without_articulation),
                dead_ends: r.dead_ends.iter().map(|&c| g.credential(c).id.to_string()).collect(),
                gaps_by_kind: r
                    .gaps_by_kind
                    .iter()
                    .map(|(k, n)| (k.as_str().to_string(), *n))
                    .collect(),
                top_gaps: r.top_gaps.iter().map(|x| GapOut::new(g, x)).collect(),
                foundational_uncovered: r.foundational_uncovered,
                tier_min: r.tier_min,
                credentials: r
                    .complexity
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|c| CredentialComplexityOut {
                        credential: g.credential(c.credential).id.to_string(),
                        structural_complexity: c.structural_complexity,
                        courses: c
                            .courses
                            .iter()
                            .map(|x| CourseComplexityOut {
                                course: g.course(x.course).id.to_string(),
                                delay: x.delay,
                                blocking: x.blocking,
                            })
                            .collect(),
                    })
                    .collect(),
                credentials_total: r.complexity.len(),
                limit,
                offset,
                comparison,
            })
        })
        .await
}
