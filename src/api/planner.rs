//! Planner endpoints: competency suggestions for courses
//! (`GET /v1/courses/{id}/suggested-competencies`, `GET /v1/suggested-competencies` in bulk
//! as JSON or CSV); supply against demand is in [`super::supply`].
//!
//! Handlers parse the query and call [`crate::app::suggestions`]: the text model and the
//! suggester are built once per dataset version.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::params::{Format, nz};
use super::table::{csv_response, number as num};
use crate::analysis::suggest::{Evidence, Suggestion};
use crate::app::suggestions::{self, BulkRequest};
use crate::graph::CatalogGraph;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(course_suggestions)
        .service(bulk_suggestions)
        .service(super::supply::supply_report);
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
    let found = suggestions::for_course(&state, id.into_inner(), min_score, limit).await?;
    let g = &found.snapshot.graph;
    let out = CourseSuggestionsOut {
        dataset_version: g.version(),
        course: g.course(found.course).id.to_string(),
        title: g.course(found.course).title.clone(),
        competencies: g
            .course_competencies(found.course)
            .iter()
            .map(|&k| g.competency(k).id.to_string())
            .collect(),
        suggestions: found.suggestions.iter().map(|x| suggestion_out(g, x)).collect(),
    };
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
    pub format: Option<Format>,
    /// `review` (default: one row per course and competency, with an `accept` column) or
    /// `patch` (one row per course, `id,competencies`: the course's tags plus every proposal,
    /// ready to import with `mode=patch` after deleting the unwanted ids).
    #[param(inline)]
    pub layout: Option<Layout>,
    /// Courses per page, 0-100000 (default 1000; 0 answers only the total).
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
    /// Courses to skip (default 0).
    pub offset: Option<usize>,
}

/// The spreadsheet layout of bulk suggestions (documentation of the `layout` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
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
    let (limit, offset) = super::paging(q.limit, q.offset, 1000, 100_000)?;
    let req = BulkRequest {
        min_score,
        per_course,
        all: q.all == Some(true),
        limit,
        offset,
    };
    let found = suggestions::bulk(&state, req).await?;
    let g = &found.snapshot.graph;
    let out = BulkSuggestionsOut {
        dataset_version: g.version(),
        courses: found
            .courses
            .iter()
            .map(|(c, list)| BulkCourseOut {
                course: g.course(*c).id.to_string(),
                title: g.course(*c).title.clone(),
                suggestions: list.iter().map(|x| suggestion_out(g, x)).collect(),
            })
            .collect(),
        total: found.total,
        limit: found.limit,
        offset: found.offset,
    };
    match (q.format.unwrap_or(Format::Csv), q.layout.unwrap_or(Layout::Review)) {
        (Format::Json, _) => Ok(HttpResponse::Ok().json(out)),
        (Format::Csv, Layout::Patch) => csv_response(found.courses.iter().zip(&out.courses).map(|((c, _), o)| {
            let mut ids: Vec<String> = g
                .course_competencies(*c)
                .iter()
                .map(|&k| g.competency(k).id.to_string())
                .collect();
            ids.extend(o.suggestions.iter().map(|s| s.competency.clone()));
            PatchRow {
                id: o.course.clone(),
                competencies: ids.join(";"),
            }
        })),
        (Format::Csv, Layout::Review) => csv_response(out.courses.iter().flat_map(|c| {
            c.suggestions.iter().map(|s| {
                let basis: Vec<&str> = s.evidence.iter().map(|e| e.basis.as_str()).collect();
                let evidence: Vec<String> = s.evidence.iter().map(evidence_text).collect();
                ReviewRow {
                    accept: String::new(),
                    course: c.course.clone(),
                    competency: s.competency.clone(),
                    score: num(s.score),
                    basis: basis.join(";"),
                    evidence: evidence.join(" | "),
                    course_title: c.title.clone(),
                    competency_name: s.name.clone(),
                }
            })
        })),
    }
}

/// One course and its tags plus every proposal, ready to import with `mode=patch`.
#[derive(Serialize, Default)]
struct PatchRow {
    id: String,
    competencies: String,
}

/// One proposal for a planner to review (`accept` left empty for them).
#[derive(Serialize, Default)]
struct ReviewRow {
    accept: String,
    course: String,
    competency: String,
    score: String,
    basis: String,
    evidence: String,
    course_title: String,
    competency_name: String,
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
