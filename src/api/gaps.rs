//! Gaps in the pathway system (`GET /v1/gaps`), as JSON or CSV: the query parsed into a
//! [`GapsRequest`], answered by [`crate::app::gaps::gaps`], written as JSON or CSV rows.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::params::{Format, fraction, nz, paging};
use super::table::{number as num, table_response};
use crate::analysis::demand::HighDemandPolicy;
use crate::analysis::gaps::{self, Gap, GapKind, GapParams};
use crate::analysis::reach::EntryPoint;
use crate::app::gaps::{GapOrder, GapsPage, GapsRequest, policy_from_fractions};
use crate::domain::region;
use crate::graph::CatalogGraph;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

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
    /// `json` (default) or `csv`.
    pub format: Option<Format>,
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
    pub(crate) fn new(graph: &CatalogGraph, g: &Gap) -> Self {
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

impl GapsOut {
    /// The wire form of one page of gaps.
    pub fn new(page: &GapsPage) -> GapsOut {
        let g = &page.snapshot.graph;
        GapsOut {
            dataset_version: g.version(),
            region: page.params.region.clone(),
            total: page.matching.len(),
            gaps: page.page().map(|x| GapOut::new(g, x)).collect(),
            counts: page.counts.iter().map(|(k, n)| (k.as_str().to_owned(), *n)).collect(),
            limit: page.limit,
            offset: page.offset,
        }
    }
}

/// The gap analysis' parameters from a query: the region (default `US`), the high-demand
/// thresholds as fractions (defaults: the server's policy), the containment and the entry point.
pub(crate) fn gap_params(
    configured: &HighDemandPolicy,
    region: Option<&str>,
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
    // Defaults: the server's high-demand rule (CAREERMAP_HIGH_DEMAND_*), as career maps use.
    let openings = fraction(
        "min_openings_percentile",
        openings,
        configured.openings_percentile / 100.0,
        true,
    )?;
    let wage = fraction("min_wage_percentile", wage, configured.wage_percentile / 100.0, true)?;
    Ok(GapParams {
        region: region::or_national(region),
        policy: policy_from_fractions(configured, openings, wage),
        containment: fraction("containment", containment, 1.0, false)?,
        entry,
    })
}

pub(crate) fn tier_min(v: Option<u8>) -> Result<u8, ApiError> {
    match v.unwrap_or(gaps::DEFAULT_TIER_MIN) {
        t @ 1..=9 => Ok(t),
        t => Err(ApiError::BadRequest(format!("tier_min must be 1-9, got {t}"))),
    }
}

/// `kind`: comma-separated gap kinds, all when absent.
pub(crate) fn gap_kinds(kind: Option<&str>) -> Result<Option<Vec<GapKind>>, ApiError> {
    kind.map(|s| {
        s.split(',')
            .map(|x| {
                GapKind::parse(x).ok_or_else(|| {
                    let all: Vec<&str> = GapKind::ALL.iter().map(|k| k.as_str()).collect();
                    ApiError::BadRequest(format!("kind: unknown gap kind `{x}` (use {})", all.join(", ")))
                })
            })
            .collect()
    })
    .transpose()
}

impl GapsQuery {
    /// The use case's request, each error naming its parameter.
    pub fn request(&self, configured: &HighDemandPolicy, order: GapOrder) -> Result<GapsRequest, ApiError> {
        let (limit, offset) = paging(self.limit, self.offset, 100)?;
        let kinds = gap_kinds(self.kind.as_deref())?;
        let tier_min = tier_min(self.tier_min)?;
        let params = gap_params(
            configured,
            self.region.as_deref(),
            self.containment,
            self.min_openings_percentile,
            self.min_wage_percentile,
            self.entry.as_deref(),
        )?;
        Ok(GapsRequest {
            params,
            kinds,
            tier_min,
            order,
            limit,
            offset,
        })
    }
}

/// One gap as a CSV row.
#[derive(Serialize, Default)]
struct GapRow {
    kind: String,
    severity: String,
    severity_unit: String,
    relative_severity: String,
    element: String,
    entry: String,
    subjects: String,
    detail: String,
    suggestion: String,
    impact: String,
    tier: Option<u8>,
}

impl From<GapOut> for GapRow {
    fn from(g: GapOut) -> Self {
        GapRow {
            kind: g.kind,
            severity: num(g.severity),
            severity_unit: g.severity_unit,
            relative_severity: num(g.relative_severity),
            element: g.element,
            entry: g.entry.unwrap_or_default(),
            subjects: g.subjects.join(";"),
            detail: g.detail,
            suggestion: g.suggestion,
            impact: num(g.impact),
            tier: g.tier,
        }
    }
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
    let req = q.request(&state.settings.high_demand, GapOrder::Kind)?;
    let out = GapsOut::new(&crate::app::gaps::gaps(&state, req).await?);
    table_response(q.format, out, |o| o.gaps.into_iter().map(GapRow::from))
}
