//! The state alignment report (`GET /v1/reports/alignment`) and its comparison with an
//! earlier version, as JSON or CSV: the query parsed into an [`AlignmentRequest`], answered
//! by [`crate::app::reports::alignment`], written as JSON or long-format CSV rows.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::gaps::GapOut;
use super::gaps::{gap_params, tier_min};
use super::params::{Format, nz, paging};
use super::table::{number as num, table_response};
use crate::analysis::report_compare::Comparison;
use crate::app::reports::{Alignment, AlignmentRequest};
use crate::graph::CatalogGraph;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

// ---- alignment report --------------------------------------------------------------------

#[derive(Default, Deserialize, IntoParams)]
pub struct AlignmentQuery {
    /// Region for demand figures (default `US`).
    #[param(max_length = 32)]
    pub region: Option<String>,
    /// `json` (default) or `csv` (long format: `section,subject,metric,value`).
    pub format: Option<Format>,
    /// Lowest tier of `uncovered_competency` gaps counted with the others, 1-9 (default 4);
    /// lower tiers are counted apart in `foundational_uncovered`.
    #[param(minimum = 1, maximum = 9)]
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

impl ComparisonOut {
    fn new(c: &Comparison) -> ComparisonOut {
        ComparisonOut {
            dataset_version: c.version,
            indicators: c
                .indicators
                .iter()
                .map(|i| IndicatorChangeOut {
                    indicator: i.name.into(),
                    subject: i.subject.into(),
                    value: nz(i.value),
                    compared: nz(i.compared),
                    change: nz(i.change),
                })
                .collect(),
            high_demand_added: c.high_demand_added.clone(),
            high_demand_removed: c.high_demand_removed.clone(),
            dead_ends_added: c.dead_ends_added.clone(),
            dead_ends_resolved: c.dead_ends_resolved.clone(),
        }
    }
}

impl AlignmentOut {
    /// The wire form of a report (one page of its credentials).
    pub fn new(a: &Alignment) -> AlignmentOut {
        let g: &CatalogGraph = &a.snapshot.graph;
        let r = &a.report;
        let n_hd = r.high_demand_occupations.len();
        AlignmentOut {
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
                .skip(a.offset)
                .take(a.limit)
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
            limit: a.limit,
            offset: a.offset,
            comparison: a.comparison.as_ref().map(ComparisonOut::new),
        }
    }

    /// The report in long format, one CSV row per figure.
    fn rows(&self) -> Vec<ReportRow> {
        let mut rows = Vec::new();
        let mut row = |section: &'static str, subject: String, metric: &str, value: String| {
            rows.push(ReportRow {
                section,
                subject,
                metric: metric.to_owned(),
                value,
            })
        };
        for s in &self.pathway_share {
            row("pathway_share", s.entry.clone(), "reachable", s.reachable.to_string());
            row(
                "pathway_share",
                s.entry.clone(),
                "high_demand",
                s.high_demand.to_string(),
            );
            row("pathway_share", s.entry.clone(), "share", num(s.share));
        }
        for t in &self.transitions {
            let subject = format!("{}->{}", t.from, t.to);
            row("transitions", subject.clone(), "transitions", t.transitions.to_string());
            row("transitions", subject.clone(), "articulated", t.articulated.to_string());
            row("transitions", subject, "share", num(t.share));
        }
        row(
            "duplication",
            "all".into(),
            "hours_duplicated_without_articulation",
            num(self.hours_duplicated_without_articulation),
        );
        for d in &self.dead_ends {
            row("dead_end", d.clone(), "dead_end", "1".into());
        }
        for (k, n) in &self.gaps_by_kind {
            row("gaps_by_kind", k.clone(), "count", n.to_string());
        }
        for (i, gp) in self.top_gaps.iter().enumerate() {
            let subject = format!("{}:{}", i + 1, gp.subjects.join(";"));
            row("top_gap", subject, &gp.kind, num(gp.severity));
        }
        if let Some(cmp) = &self.comparison {
            for i in &cmp.indicators {
                let subject = format!("{}:{}", i.indicator, i.subject);
                row("comparison", subject.clone(), "value", num(i.value));
                row("comparison", subject.clone(), "compared", num(i.compared));
                row("comparison", subject, "change", num(i.change));
            }
        }
        for c in &self.credentials {
            row(
                "credential",
                c.credential.clone(),
                "structural_complexity",
                c.structural_complexity.to_string(),
            );
            for x in &c.courses {
                let subject = format!("{}/{}", c.credential, x.course);
                row("course", subject.clone(), "delay", x.delay.to_string());
                row("course", subject, "blocking", x.blocking.to_string());
            }
        }
        rows
    }
}

/// One figure of the report as a CSV row (long format).
#[derive(Serialize, Default)]
struct ReportRow {
    section: &'static str,
    subject: String,
    metric: String,
    value: String,
}

impl AlignmentQuery {
    /// The use case's request, each error naming its parameter.
    pub fn request(
        &self,
        configured: &crate::analysis::demand::HighDemandPolicy,
    ) -> Result<AlignmentRequest, ApiError> {
        let (limit, offset) = paging(self.limit, self.offset, 100)?;
        let tier_min = tier_min(self.tier_min)?;
        let params = gap_params(configured, self.region.as_deref(), None, None, None, None)?;
        Ok(AlignmentRequest {
            params,
            tier_min,
            compare: self.compare,
            limit,
            offset,
        })
    }
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
    let req = q.request(&state.settings.high_demand)?;
    let out = AlignmentOut::new(&crate::app::reports::alignment(&state, req).await?);
    table_response(q.format, out, |o| o.rows())
}
