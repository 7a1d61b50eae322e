//! The state alignment report (`GET /v1/reports/alignment`) and its comparison with an
//! earlier version, as JSON or CSV.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::gaps::GapOut;
use super::gaps::{check_region, gap_params, params_key, tier_min};
use super::params::{Format, nz, paging, parse_format};
use super::table::{csv_response, number as num};
use crate::analysis::gaps::GapParams;
use crate::analysis::report::{self, AlignmentReport};
use crate::graph::CatalogGraph;
use crate::service::{DatasetAt, Snapshot};
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

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
