//! Planner endpoints: competency suggestions for courses
//! (`GET /v1/courses/{id}/suggested-competencies`, `GET /v1/suggested-competencies` in bulk
//! as JSON or CSV) and supply against demand (`GET /v1/reports/supply`).
//!
//! Suggestions and the supply report are computed on the blocking pool; the models they need
//! are cached per dataset version ([`crate::analysis::cache`]).

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::params::nz;
use super::table::{csv_response, number as num};
use crate::analysis::duplicates::course_text_model;
use crate::analysis::suggest::{self, Evidence, Suggester, Suggestion};
use crate::analysis::supply::{self, Status, SupplyRow};
use crate::analysis::text::TextModel;
use crate::graph::{CatalogGraph, CourseIx};
use crate::service::Snapshot;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(course_suggestions)
        .service(bulk_suggestions)
        .service(supply_report);
}

fn models(snap: &Snapshot) -> (Arc<TextModel>, Arc<Suggester>) {
    let text = snap
        .cache
        .get_or_compute("text_model".into(), || course_text_model(&snap.graph));
    let t2 = text.clone();
    let s = snap
        .cache
        .get_or_compute("suggester".into(), || Suggester::new(&snap.graph, &t2));
    (text, s)
}

fn score_param(name: &str, v: Option<f64>, default: f64) -> Result<f64, ApiError> {
    let v = v.unwrap_or(default);
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(ApiError::InvalidParameter {
            name: name.into(),
            message: format!("must be in [0, 1], got {v}"),
        })
    }
}

// ---- suggestions ---------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
pub struct SuggestQuery {
    /// Lowest combined score proposed, in [0, 1] (default 0.2).
    #[param(minimum = 0.0, maximum = 1.0)]
    pub min_score: Option<f64>,
    /// Most suggestions, 1-500 (default 25).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

/// Why a competency is proposed.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"basis": "cip", "score": 1.0, "cip": "51.3801", "occupations": ["29-1141"], "of": 1}))]
pub struct EvidenceOut {
    /// `cip` (the course's CIP code leads to occupations requiring it), `text` (its name or
    /// description shares words with the course) or `similar_courses` (similar tagged courses
    /// teach it).
    pub basis: String,
    /// This source's score, 0-1: the share of the CIP code's occupations requiring it, the
    /// text cosine, or the largest cosine of a similar course teaching it.
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cip: Option<String>,
    /// SOC codes (`cip`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub occupations: Vec<String>,
    /// How many occupations the CIP code leads to (`cip`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<usize>,
    /// Shared words (`text`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// Similar tagged courses teaching it (`similar_courses`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub courses: Vec<String>,
}

/// One proposed competency tag.
#[derive(Serialize, ToSchema)]
pub struct SuggestionOut {
    pub competency: String,
    pub name: String,
    pub tier: u8,
    /// `1 - Π(1 - s)` over the evidence scores.
    pub score: f64,
    pub evidence: Vec<EvidenceOut>,
}

/// The suggestions for one course.
#[derive(Serialize, ToSchema)]
pub struct CourseSuggestionsOut {
    pub dataset_version: u64,
    pub course: String,
    pub title: String,
    /// Competencies the course already carries (never proposed again).
    pub competencies: Vec<String>,
    /// Best first.
    pub suggestions: Vec<SuggestionOut>,
}

fn evidence_out(g: &CatalogGraph, e: &Evidence) -> EvidenceOut {
    let mut out = EvidenceOut {
        basis: e.basis().into(),
        score: nz(e.score()),
        cip: None,
        occupations: Vec::new(),
        of: None,
        terms: Vec::new(),
        courses: Vec::new(),
    };
    match e {
        Evidence::Cip {
            cip, occupations, of, ..
        } => {
            out.cip = Some(cip.clone());
            out.occupations = occupations.iter().map(|&o| g.occupation(o).soc.to_string()).collect();
            out.of = Some(*of);
        }
        Evidence::Text { terms, .. } => out.terms = terms.clone(),
        Evidence::Similar { courses, .. } => {
            out.courses = courses.iter().map(|(c, _)| g.course(*c).id.to_string()).collect();
        }
    }
    out
}

fn suggestion_out(g: &CatalogGraph, s: &Suggestion) -> SuggestionOut {
    let k = g.competency(s.competency);
    SuggestionOut {
        competency: k.id.to_string(),
        name: k.name.clone(),
        tier: k.tier,
        score: nz(s.score),
        evidence: s.evidence.iter().map(|e| evidence_out(g, e)).collect(),
    }
}

const DEFAULT_MIN_SCORE: f64 = 0.2;

/// Suggested competencies of one course.
///
/// Proposes competency tags for a course from its CIP code (CIP -> occupations through the
/// CIP-SOC crosswalk and the credentials carrying the code -> the competencies those
/// occupations require), from its title and description against competency names and
/// descriptions (TF-IDF cosine), and from similar tagged courses; each with a score and its
/// evidence. Competencies the course already has are not proposed.
#[utoipa::path(tag = "analysis", params(("id" = String, Path, description = "Course id"), SuggestQuery),
    responses(
        (status = 200, description = "The suggestions, best first", body = CourseSuggestionsOut),
        (status = 404, description = "No course with this id", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`min_score` outside [0, 1] or `limit` outside 1-500",
         body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/courses/{id}/suggested-competencies")]
pub async fn course_suggestions(
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: super::Query<SuggestQuery>,
) -> Result<web::Json<CourseSuggestionsOut>, ApiError> {
    let min_score = score_param("min_score", q.min_score, DEFAULT_MIN_SCORE)?;
    let limit = q.limit.unwrap_or(25);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::InvalidParameter {
            name: "limit".into(),
            message: format!("must be between 1 and 500, got {limit}"),
        });
    }
    let snap = state.catalog.snapshot();
    let id = id.into_inner();
    let Some(course) = snap.graph.course_ix(&id) else {
        return Err(ApiError::NotFound { what: "course", id });
    };
    let out = state
        .run_blocking(move || {
            let (text, s) = models(&snap);
            let g = &snap.graph;
            let found = suggest::suggest(g, &s, &text, course, min_score, limit);
            Ok(CourseSuggestionsOut {
                dataset_version: g.version(),
                course: id,
                title: g.course(course).title.clone(),
                competencies: g
                    .course_competencies(course)
                    .iter()
                    .map(|&k| g.competency(k).id.to_string())
                    .collect(),
                suggestions: found.iter().map(|x| suggestion_out(g, x)).collect(),
            })
        })
        .await?;
    Ok(web::Json(out))
}

#[derive(Deserialize, IntoParams)]
pub struct BulkSuggestQuery {
    /// Lowest combined score proposed, in [0, 1] (default 0.2).
    #[param(minimum = 0.0, maximum = 1.0)]
    pub min_score: Option<f64>,
    /// Most suggestions per course, 1-100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub per_course: Option<usize>,
    /// Also propose tags for courses that already carry some (default false: untagged only).
    pub all: Option<bool>,
    /// `csv` (default) or `json`.
    #[param(value_type = Option<super::TableFormat>)]
    pub format: Option<String>,
    /// `review` (default: one row per course and competency, with an `accept` column) or
    /// `patch` (one row per course, `id,competencies`: the course's tags plus every proposal,
    /// ready to import with `mode=patch` after deleting the unwanted ids).
    #[param(value_type = Option<LayoutDoc>, inline)]
    pub layout: Option<String>,
    /// Courses per page, 0-100000 (default 1000; 0 answers only the total).
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
    /// Courses to skip (default 0).
    pub offset: Option<usize>,
}

/// The spreadsheet layout of bulk suggestions (documentation of the `layout` parameter).
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "lowercase")]
enum LayoutDoc {
    Review,
    Patch,
}

/// The proposals for one course in bulk.
#[derive(Serialize, ToSchema)]
pub struct BulkCourseOut {
    pub course: String,
    pub title: String,
    pub suggestions: Vec<SuggestionOut>,
}

/// Suggestions for every untagged course.
#[derive(Serialize, ToSchema)]
pub struct BulkSuggestionsOut {
    pub dataset_version: u64,
    pub courses: Vec<BulkCourseOut>,
    /// Courses considered, over all pages.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// Suggested competencies for untagged courses, in bulk.
///
/// The suggestions of `GET /v1/courses/{id}/suggested-competencies` for every course without
/// competency tags (or every course with `all=true`), as a spreadsheet a planner reviews:
/// `layout=review` (default) has one row per course and competency,
/// `accept,course,competency,score,basis,evidence,course_title,competency_name`, with `accept`
/// empty for the planner to mark `yes`; `layout=patch` has one row per course, `id,competencies`
/// (existing tags and every proposal, `;`-separated), which imports back as a `courses` sheet
/// with `POST /v1/imports?mode=patch` once the unwanted ids are deleted.
#[utoipa::path(tag = "analysis", params(BulkSuggestQuery),
    responses(
        (status = 200, description = "The suggestions",
         content((String = "text/csv", example = json!("accept,course,competency,score,basis,evidence,course_title,competency_name\n,cc.nur-099,hc.t7.patient-assessment,1,cip,cip 51.3801 -> 29-1141 (1 of 1 occupations),Nursing Concepts,Patient assessment\n")),
                 (BulkSuggestionsOut = "application/json"))),
        (status = 422, description = "Bad `min_score`, `per_course`, `format`, `layout` or paging",
         body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/suggested-competencies")]
pub async fn bulk_suggestions(
    state: web::Data<AppState>,
    q: super::Query<BulkSuggestQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let min_score = score_param("min_score", q.min_score, DEFAULT_MIN_SCORE)?;
    let per_course = q.per_course.unwrap_or(10);
    if !(1..=100).contains(&per_course) {
        return Err(ApiError::InvalidParameter {
            name: "per_course".into(),
            message: format!("must be between 1 and 100, got {per_course}"),
        });
    }
    let json = match q.format.as_deref() {
        None | Some("csv") => false,
        Some("json") => true,
        Some(other) => {
            return Err(ApiError::InvalidParameter {
                name: "format".into(),
                message: format!("must be `csv` or `json`, got `{other}`"),
            });
        }
    };
    let patch = match q.layout.as_deref() {
        None | Some("review") => false,
        Some("patch") => true,
        Some(other) => {
            return Err(ApiError::InvalidParameter {
                name: "layout".into(),
                message: format!("must be `review` or `patch`, got `{other}`"),
            });
        }
    };
    let (limit, offset) = super::paging(q.limit, q.offset, 1000, 100_000)?;
    let all = q.all == Some(true);
    let snap = state.catalog.snapshot();
    let out = state
        .run_blocking(move || {
            let (text, s) = models(&snap);
            let g = &snap.graph;
            let courses: Vec<CourseIx> = if all {
                (0..g.n_courses()).map(|i| CourseIx(i as u32)).collect()
            } else {
                suggest::untagged_courses(g)
            };
            let page: Vec<(CourseIx, Vec<Suggestion>)> = courses
                .iter()
                .skip(offset)
                .take(limit)
                .map(|&c| (c, suggest::suggest(g, &s, &text, c, min_score, per_course)))
                .collect();
            Ok((
                BulkSuggestionsOut {
                    dataset_version: g.version(),
                    courses: page
                        .iter()
                        .map(|(c, found)| BulkCourseOut {
                            course: g.course(*c).id.to_string(),
                            title: g.course(*c).title.clone(),
                            suggestions: found.iter().map(|x| suggestion_out(g, x)).collect(),
                        })
                        .collect(),
                    total: courses.len(),
                    limit,
                    offset,
                },
                page.iter()
                    .map(|(c, _)| {
                        g.course_competencies(*c)
                            .iter()
                            .map(|&k| g.competency(k).id.to_string())
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>(),
            ))
        })
        .await?;
    let (out, existing) = out;
    if json {
        return Ok(HttpResponse::Ok().json(out));
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    if patch {
        rows.push(vec!["id".into(), "competencies".into()]);
        for (c, have) in out.courses.iter().zip(existing) {
            let mut ids = have;
            ids.extend(c.suggestions.iter().map(|s| s.competency.clone()));
            rows.push(vec![c.course.clone(), ids.join(";")]);
        }
    } else {
        rows.push(
            [
                "accept",
                "course",
                "competency",
                "score",
                "basis",
                "evidence",
                "course_title",
                "competency_name",
            ]
            .map(String::from)
            .to_vec(),
        );
        for c in &out.courses {
            for s in &c.suggestions {
                let basis: Vec<&str> = s.evidence.iter().map(|e| e.basis.as_str()).collect();
                let evidence: Vec<String> = s.evidence.iter().map(evidence_text).collect();
                rows.push(vec![
                    String::new(),
                    c.course.clone(),
                    s.competency.clone(),
                    num(s.score),
                    basis.join(";"),
                    evidence.join(" | "),
                    c.title.clone(),
                    s.name.clone(),
                ]);
            }
        }
    }
    csv_response(rows)
}

/// One evidence item as a sentence fragment for a spreadsheet cell.
fn evidence_text(e: &EvidenceOut) -> String {
    match e.basis.as_str() {
        "cip" => format!(
            "cip {} -> {} ({} of {} occupations)",
            e.cip.as_deref().unwrap_or(""),
            e.occupations.join(", "),
            e.occupations.len(),
            e.of.unwrap_or(0)
        ),
        "text" => format!("text {} ({})", num(e.score), e.terms.join(", ")),
        _ => format!("similar courses {} ({})", e.courses.join(", "), num(e.score)),
    }
}

// ---- supply against demand -----------------------------------------------------------------

/// Largest `under` or `over` ratio.
const MAX_SUPPLY_RATIO: f64 = 1000.0;

/// Checks `under` and `over`: each in [0, 1000], rounded to two decimals (so the analysis cache
/// sees a small key space), `under <= over`. A ratio left out defaults to its usual value, moved
/// to the other one's when that one crosses it (`over=0.5` alone means `under=0.5`).
fn supply_bounds(under: Option<f64>, over: Option<f64>) -> Result<(f64, f64), ApiError> {
    let ratio = |name: &str, v: Option<f64>| -> Result<Option<f64>, ApiError> {
        match v {
            Some(x) if !(x.is_finite() && (0.0..=MAX_SUPPLY_RATIO).contains(&x)) => Err(ApiError::InvalidParameter {
                name: name.into(),
                message: format!("must be a number from 0 to {MAX_SUPPLY_RATIO} (two decimals are used), got {x}"),
            }),
            v => Ok(v.map(|x| (x * 100.0).round() / 100.0)),
        }
    };
    let (under, over) = (ratio("under", under)?, ratio("over", over)?);
    match (under, over) {
        (Some(u), Some(o)) if u > o => Err(ApiError::InvalidParameter {
            name: "under".into(),
            message: format!("must not be above `over`, got under={u}, over={o}"),
        }),
        (Some(u), Some(o)) => Ok((u, o)),
        (Some(u), None) => Ok((u, supply::DEFAULT_OVER.max(u))),
        (None, Some(o)) => Ok((supply::DEFAULT_UNDER.min(o), o)),
        (None, None) => Ok((supply::DEFAULT_UNDER, supply::DEFAULT_OVER)),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct SupplyQuery {
    /// Region for annual openings (default `US`; national figures where the region has none).
    pub region: Option<String>,
    /// Ratio completers/openings below which an occupation is `under_supply`, 0-1000, rounded
    /// to two decimals (default 0.8, or `over` when that is lower). Not above `over`.
    #[param(minimum = 0.0, maximum = 1000.0)]
    pub under: Option<f64>,
    /// Ratio above which it is `over_supply`, 0-1000, rounded to two decimals (default 1.5, or
    /// `under` when that is higher). Not below `under`.
    #[param(minimum = 0.0, maximum = 1000.0)]
    pub over: Option<f64>,
    /// Comma-separated statuses to list: `under_supply`, `over_supply`, `balanced`, `unknown`
    /// (default all; spaces around the commas are ignored).
    #[param(
        pattern = "^ *(under_supply|over_supply|balanced|unknown)? *(, *(under_supply|over_supply|balanced|unknown)? *)*$"
    )]
    pub status: Option<String>,
    /// `json` (default) or `csv`.
    #[param(value_type = Option<super::TableFormat>)]
    pub format: Option<String>,
    /// Rows per page, 0-100000 (default 1000; 0 answers only the total).
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
    /// Rows to skip (default 0).
    pub offset: Option<usize>,
}

/// One occupation's completers against its openings.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"soc": "31-1131", "title": "Nursing Assistants", "annual_openings": 210000, "completers": 95000,
    "ratio": 0.452, "status": "under_supply", "credentials": ["cna"], "credentials_without_figures": []}))]
pub struct SupplyRowOut {
    pub soc: String,
    pub title: String,
    /// Annual openings in the region.
    pub annual_openings: Option<f64>,
    /// Annual completers of the credentials qualifying for it (a credential's completers split
    /// evenly over the occupations it qualifies for).
    pub completers: Option<f64>,
    /// `completers / annual_openings`.
    pub ratio: Option<f64>,
    /// `under_supply`, `over_supply`, `balanced` or `unknown`.
    pub status: String,
    /// Qualifying credentials with a completers figure.
    pub credentials: Vec<String>,
    /// Qualifying credentials without one.
    pub credentials_without_figures: Vec<String>,
}

/// Supply against demand in one region.
#[derive(Serialize, ToSchema)]
pub struct SupplyOut {
    pub dataset_version: u64,
    pub region: String,
    pub under: f64,
    pub over: f64,
    /// Under-supplied first, then over-supplied, balanced, unknown; within each, the largest
    /// shortfall (openings - completers) first.
    pub occupations: Vec<SupplyRowOut>,
    /// Matching occupations per status, over all pages.
    pub counts: std::collections::BTreeMap<String, usize>,
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

fn row_out(g: &CatalogGraph, r: &SupplyRow) -> SupplyRowOut {
    let o = g.occupation(r.occupation);
    let ids = |v: &[crate::graph::CredentialIx]| v.iter().map(|&c| g.credential(c).id.to_string()).collect();
    SupplyRowOut {
        soc: o.soc.to_string(),
        title: o.title.clone(),
        annual_openings: r.annual_openings.map(nz),
        completers: r.completers.map(nz),
        ratio: r.ratio.map(nz),
        status: r.status.as_str().into(),
        credentials: ids(&r.credentials),
        credentials_without_figures: ids(&r.credentials_without_figures),
    }
}

/// Supply against demand.
///
/// Per occupation in a region: annual completers of the credentials that qualify for it
/// (`annual_completers` on credentials, imported or pulled from IPEDS completions) against its
/// annual openings, flagged `under_supply` or `over_supply` outside the `under`/`over` ratios.
/// `?format=csv` gives
/// `soc,title,annual_openings,completers,ratio,status,credentials,credentials_without_figures`.
#[utoipa::path(tag = "analysis", params(SupplyQuery),
    responses(
        (status = 200, description = "The report",
         content((SupplyOut = "application/json"), (String = "text/csv", example = json!("soc,title,annual_openings,completers,ratio,status,credentials,credentials_without_figures\n31-1131,Nursing Assistants,210000,95000,0.4524,under_supply,cna,\n")))),
        (status = 422, description = "Unknown region, status or format; `under` or `over` outside 0-1000 or `under` above `over`; bad paging",
         body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/reports/supply")]
pub async fn supply_report(state: web::Data<AppState>, q: super::Query<SupplyQuery>) -> Result<HttpResponse, ApiError> {
    let q = q.into_inner();
    let (under, over) = supply_bounds(q.under, q.over)?;
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::InvalidParameter {
                name: "format".into(),
                message: format!("must be `json` or `csv`, got `{other}`"),
            });
        }
    };
    let statuses: Option<Vec<Status>> = q
        .status
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| {
                    Status::parse(x).ok_or_else(|| ApiError::InvalidParameter {
                        name: "status".into(),
                        message: format!("unknown status `{x}` (use under_supply, over_supply, balanced, unknown)"),
                    })
                })
                .collect()
        })
        .transpose()?;
    let (limit, offset) = super::paging(q.limit, q.offset, 1000, 100_000)?;
    let region = q
        .region
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "US".into());
    let snap = state.catalog.snapshot();
    let known = region == "US"
        || snap
            .bundle()
            .occupations
            .iter()
            .any(|o| o.demand.iter().any(|d| d.region == region));
    if !known {
        return Err(ApiError::InvalidParameter {
            name: "region".into(),
            message: format!("no occupation has demand figures for `{region}`"),
        });
    }
    let out = state
        .run_blocking(move || {
            let g = &snap.graph;
            let key = format!("supply:{region}:{}:{}", under.to_bits(), over.to_bits());
            let rows = snap
                .cache
                .get_or_compute(key, || supply::supply(g, &region, under, over));
            let matching: Vec<&SupplyRow> = rows
                .iter()
                .filter(|r| statuses.as_ref().is_none_or(|s| s.contains(&r.status)))
                .collect();
            let mut counts = std::collections::BTreeMap::new();
            for r in &matching {
                *counts.entry(r.status.as_str().to_string()).or_insert(0) += 1;
            }
            Ok(SupplyOut {
                dataset_version: g.version(),
                region,
                under,
                over,
                total: matching.len(),
                occupations: matching
                    .into_iter()
                    .skip(offset)
                    .take(limit)
                    .map(|r| row_out(g, r))
                    .collect(),
                counts,
                limit,
                offset,
            })
        })
        .await?;
    if !csv {
        return Ok(HttpResponse::Ok().json(out));
    }
    let opt = |x: Option<f64>| x.map(num).unwrap_or_default();
    let mut rows = vec![
        [
            "soc",
            "title",
            "annual_openings",
            "completers",
            "ratio",
            "status",
            "credentials",
            "credentials_without_figures",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(out.occupations.into_iter().map(|r| {
        vec![
            r.soc,
            r.title,
            opt(r.annual_openings),
            opt(r.completers),
            opt(r.ratio),
            r.status,
            r.credentials.join(";"),
            r.credentials_without_figures.join(";"),
        ]
    }));
    csv_response(rows)
}
