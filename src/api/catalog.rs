//! Catalog reads: paged, filtered lists and single records of each kind (adapters over
//! [`crate::app::catalog`], which holds the filters).

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use crate::app::catalog as use_case;
use crate::domain::*;
use crate::service::Snapshot;
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
        use_case::needle(self.q.as_deref())
    }
}

type PageResult<T> = Result<web::Json<Page<T>>, ApiError>;

/// The record `id` of the current snapshot, as `find` looks it up.
fn one<T: Clone>(
    state: &AppState,
    id: &str,
    find: for<'s> fn(&'s Snapshot, &str) -> Result<&'s T, crate::app::AppError>,
) -> Result<web::Json<T>, ApiError> {
    Ok(web::Json(find(&state.catalog.snapshot(), id)?.clone()))
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
    let snap = state.catalog.snapshot();
    let filter = use_case::CompetencyFilter {
        tier: f.tier,
        framework: f.framework.as_deref(),
        text: paging.text(),
    };
    Ok(web::Json(paging.page(use_case::competencies(&snap, &filter)?)?))
}

/// One competency.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Competency id")),
    responses((status = 200, body = Competency), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/competencies/{id}")]
pub async fn get_competency(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Competency>, ApiError> {
    one(&state, &id, use_case::competency)
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
    let snap = state.catalog.snapshot();
    let filter = use_case::CourseFilter {
        system: f.system,
        competency: f.competency.as_deref(),
        provider: f.provider.as_deref(),
        text: paging.text(),
    };
    Ok(web::Json(paging.page(use_case::courses(&snap, &filter))?))
}

/// One course.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Course id")),
    responses((status = 200, body = Course), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/courses/{id}")]
pub async fn get_course(state: web::Data<AppState>, id: web::Path<String>) -> Result<web::Json<Course>, ApiError> {
    one(&state, &id, use_case::course)
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
    let snap = state.catalog.snapshot();
    let filter = use_case::CredentialFilter {
        kind: f.kind,
        level: f.level,
        text: paging.text(),
    };
    Ok(web::Json(paging.page(use_case::credentials(&snap, &filter))?))
}

/// One credential.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Credential id")),
    responses((status = 200, body = Credential), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/credentials/{id}")]
pub async fn get_credential(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Credential>, ApiError> {
    one(&state, &id, use_case::credential)
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
    let filter = use_case::OccupationFilter {
        region: f.region.as_deref(),
        cluster: f.cluster.as_deref(),
        major_group: f.major_group.as_deref(),
        text: paging.text(),
    };
    let items = use_case::occupations(&snap, &filter);
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
    one(&state, &soc, use_case::occupation)
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
    let snap = state.catalog.snapshot();
    let filter = use_case::ArticulationFilter {
        kind: f.kind,
        from: f.from.as_deref(),
        to: f.to.as_deref(),
        text: paging.text(),
    };
    Ok(web::Json(paging.page(use_case::articulations(&snap, &filter))?))
}

/// One articulation.
#[utoipa::path(tag = "catalog", params(("id" = String, Path, description = "Articulation id")),
    responses((status = 200, body = Articulation), (status = 404, body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/articulations/{id}")]
pub async fn get_articulation(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Articulation>, ApiError> {
    one(&state, &id, use_case::articulation)
}
