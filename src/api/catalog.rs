//! Catalog reads: paged, filtered lists and single records of each kind.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use crate::analysis::catalog as q;
use crate::domain::*;
use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_competencies)
        .service(get_competency)
        .service(list_courses)
        .service(get_course)
        .service(list_credentials)
        .service(get_credential)
        .service(list_occupations)
        .service(get_occupation)
        .service(list_articulations)
        .service(get_articulation);
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items matching the filters, over all pages.
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
}

/// Paging parameters shared by every list.
#[derive(Deserialize, IntoParams)]
pub struct Paging {
    /// Page size, 0-1000 (default 50; 0 answers only `total`).
    #[param(minimum = 0, maximum = 1000)]
    pub limit: Option<usize>,
    /// Items to skip (default 0).
    pub offset: Option<usize>,
    /// Case-insensitive text to find in the id or title (name for competencies).
    pub q: Option<String>,
}

impl Paging {
    fn page<T: Clone>(&self, items: Vec<&T>) -> Result<Page<T>, ApiError> {
        let (limit, offset) = super::paging(self.limit, self.offset, 50, 1000)?;
        Ok(Page {
            total: items.len(),
            items: items.into_iter().skip(offset).take(limit).cloned().collect(),
            limit,
            offset,
        })
    }

    fn text(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
    }
}

type PageResult<T> = Result<web::Json<Page<T>>, ApiError>;

fn not_found(what: &'static str, id: &str) -> ApiError {
    ApiError::NotFound {
        what,
        id: id.to_owned(),
    }
}

// ---- competencies ------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
pub struct CompetencyFilter {
    /// Only this DOL tier (1-9).
    #[param(minimum = 1, maximum = 9)]
    pub tier: Option<u8>,
    /// Only this framework.
    pub framework: Option<String>,
}

/// List competencies.
#[utoipa::path(tag = "catalog", params(Paging, CompetencyFilter),
    responses((status = 200, body = Page<Competency>), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/competencies")]
pub async fn list_competencies(
    state: web::Data<AppState>,
    paging: super::Query<Paging>,
    f: super::Query<CompetencyFilter>,
) -> PageResult<Competency> {
    if let Some(t) = f.tier
        && !(1..=9).contains(&t)
    {
        return Err(ApiError::InvalidParameter {
            name: "tier".into(),
            message: format!("must be a DOL tier from 1 to 9, got {t}"),
        });
    }
    let snap = state.catalog.snapshot();
    let text = paging.text();
    let items = snap
        .bundle()
        .competencies
        .iter()
        .filter(|c| f.tier.is_none_or(|t| c.tier == t))
        .filter(|c| {
            f.framework
                .as_deref()
                .is_none_or(|fw| c.framework.as_deref() == Some(fw))
        })
        .filter(|c| q::matches(&text, &[c.id.as_str(), &c.name]))
        .collect();
    Ok(web::Json(paging.page(items)?))
}

/// One competency.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Competency id")),
    responses((status = 200, body = Competency), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/competencies/{id}")]
pub async fn get_competency(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Competency>, ApiError> {
    let snap = state.catalog.snapshot();
    let c = snap
        .graph
        .competency_ix(&id)
        .ok_or_else(|| not_found("competency", &id))?;
    Ok(web::Json(snap.graph.competency(c).clone()))
}

// ---- courses -----------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
pub struct CourseFilter {
    /// Only this system: `secondary`, `adult`, `postsecondary`, `work_based`.
    pub system: Option<System>,
    /// Only courses that teach this competency.
    pub competency: Option<String>,
    /// Only courses from this provider.
    pub provider: Option<String>,
}

/// List courses.
#[utoipa::path(tag = "catalog", params(Paging, CourseFilter),
    responses((status = 200, body = Page<Course>), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/courses")]
pub async fn list_courses(
    state: web::Data<AppState>,
    paging: super::Query<Paging>,
    f: super::Query<CourseFilter>,
) -> PageResult<Course> {
    let system = f.system;
    let snap = state.catalog.snapshot();
    let text = paging.text();
    let items = snap
        .bundle()
        .courses
        .iter()
        .filter(|c| system.is_none_or(|s| c.system == s))
        .filter(|c| {
            f.competency
                .as_deref()
                .is_none_or(|k| c.competencies.iter().any(|x| x.as_str() == k))
        })
        .filter(|c| f.provider.as_deref().is_none_or(|p| c.provider.as_deref() == Some(p)))
        .filter(|c| q::matches(&text, &[c.id.as_str(), &c.title]))
        .collect();
    Ok(web::Json(paging.page(items)?))
}

/// One course.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Course id")),
    responses((status = 200, body = Course), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/courses/{id}")]
pub async fn get_course(state: web::Data<AppState>, id: web::Path<String>) -> Result<web::Json<Course>, ApiError> {
    let snap = state.catalog.snapshot();
    let c = snap.graph.course_ix(&id).ok_or_else(|| not_found("course", &id))?;
    Ok(web::Json(snap.graph.course(c).clone()))
}

// ---- credentials -------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
pub struct CredentialFilter {
    /// Only this kind, e.g. `industry_certification`, `associate`.
    pub kind: Option<CredentialKind>,
    /// Only this level on the stack.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295_i64)]
    pub level: Option<u32>,
}

/// List credentials.
#[utoipa::path(tag = "catalog", params(Paging, CredentialFilter),
    responses((status = 200, body = Page<Credential>), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/credentials")]
pub async fn list_credentials(
    state: web::Data<AppState>,
    paging: super::Query<Paging>,
    f: super::Query<CredentialFilter>,
) -> PageResult<Credential> {
    let kind = f.kind;
    let snap = state.catalog.snapshot();
    let text = paging.text();
    let items = snap
        .bundle()
        .credentials
        .iter()
        .filter(|c| kind.is_none_or(|k| c.kind == k))
        .filter(|c| f.level.is_none_or(|l| c.level == l))
        .filter(|c| q::matches(&text, &[c.id.as_str(), &c.title]))
        .collect();
    Ok(web::Json(paging.page(items)?))
}

/// One credential.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Credential id")),
    responses((status = 200, body = Credential), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/credentials/{id}")]
pub async fn get_credential(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Credential>, ApiError> {
    let snap = state.catalog.snapshot();
    let c = snap
        .graph
        .credential_ix(&id)
        .ok_or_else(|| not_found("credential", &id))?;
    Ok(web::Json(snap.graph.credential(c).clone()))
}

// ---- occupations -------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
pub struct OccupationFilter {
    /// Only occupations with demand figures for this region (`US`, a state code...); each
    /// item's `demand` is then limited to that region.
    #[param(max_length = 32)]
    pub region: Option<String>,
    /// Only this career cluster.
    pub cluster: Option<String>,
    /// Only this SOC major group, e.g. `29` (healthcare practitioners).
    pub major_group: Option<String>,
}

/// List occupations.
#[utoipa::path(tag = "catalog", params(Paging, OccupationFilter),
    responses((status = 200, body = Page<Occupation>), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/occupations")]
pub async fn list_occupations(
    state: web::Data<AppState>,
    paging: super::Query<Paging>,
    f: super::Query<OccupationFilter>,
) -> PageResult<Occupation> {
    if let Some(r) = &f.region
        && super::region_too_long(r)
    {
        return Err(ApiError::InvalidParameter {
            name: "region".into(),
            message: "must be at most 32 characters".into(),
        });
    }
    let snap = state.catalog.snapshot();
    let text = paging.text();
    let items = snap
        .bundle()
        .occupations
        .iter()
        .filter(|o| {
            f.region
                .as_deref()
                .is_none_or(|r| o.demand.iter().any(|d| d.region == r))
        })
        .filter(|o| f.cluster.as_deref().is_none_or(|c| o.cluster.as_deref() == Some(c)))
        .filter(|o| f.major_group.as_deref().is_none_or(|g| o.soc.as_str().starts_with(g)))
        .filter(|o| q::matches(&text, &[o.soc.as_str(), &o.title]))
        .collect();
    let mut page = paging.page(items)?;
    if let Some(region) = &f.region {
        for o in &mut page.items {
            o.demand.retain(|d| &d.region == region);
        }
    }
    Ok(web::Json(page))
}

/// One occupation, by SOC code.
#[utoipa::path(tag = "catalog", params(("soc" = String, Path, description = "SOC 2018 code, e.g. 29-1141")),
    responses((status = 200, body = Occupation), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/occupations/{soc}")]
pub async fn get_occupation(
    state: web::Data<AppState>,
    soc: web::Path<String>,
) -> Result<web::Json<Occupation>, ApiError> {
    let snap = state.catalog.snapshot();
    let o = snap
        .graph
        .occupation_ix(&soc)
        .ok_or_else(|| not_found("occupation", &soc))?;
    Ok(web::Json(snap.graph.occupation(o).clone()))
}

// ---- articulations -----------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
pub struct ArticulationFilter {
    /// Only this kind, e.g. `dual_enrollment`.
    pub kind: Option<ArticulationKind>,
    /// Only articulations from this course or credential.
    pub from: Option<String>,
    /// Only articulations toward this course.
    pub to: Option<String>,
}

/// List articulations.
#[utoipa::path(tag = "catalog", params(Paging, ArticulationFilter),
    responses((status = 200, body = Page<Articulation>), (status = 422, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/articulations")]
pub async fn list_articulations(
    state: web::Data<AppState>,
    paging: super::Query<Paging>,
    f: super::Query<ArticulationFilter>,
) -> PageResult<Articulation> {
    let kind = f.kind;
    let snap = state.catalog.snapshot();
    let text = paging.text();
    let items = snap
        .bundle()
        .articulations
        .iter()
        .filter(|a| kind.is_none_or(|k| a.kind == k))
        .filter(|a| f.from.as_deref().is_none_or(|x| a.from.as_str() == x))
        .filter(|a| f.to.as_deref().is_none_or(|x| a.to.as_str() == x))
        .filter(|a| q::matches(&text, &[a.id.as_str(), a.from.as_str(), a.to.as_str()]))
        .collect();
    Ok(web::Json(paging.page(items)?))
}

/// One articulation.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Articulation id")),
    responses((status = 200, body = Articulation), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/articulations/{id}")]
pub async fn get_articulation(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Articulation>, ApiError> {
    let snap = state.catalog.snapshot();
    snap.bundle()
        .articulations
        .binary_search_by(|a| a.id.as_str().cmp(id.as_str()))
        .map(|i| web::Json(snap.bundle().articulations[i].clone()))
        .map_err(|_| not_found("articulation", &id))
}
