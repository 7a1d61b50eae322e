//! Supply against demand (`GET /v1/reports/supply`), as JSON or CSV: the query parsed into a
//! [`SupplyRequest`], answered by [`crate::app::supply::supply`], written as JSON or CSV rows.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::params::{Format, nz};
use super::table::{number as num, table_response};
use crate::analysis::supply::{self, Status, SupplyRow};
use crate::app::supply::{SupplyPage, SupplyRequest};
use crate::domain::region;
use crate::graph::CatalogGraph;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    pub format: Option<Format>,
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
    let statuses: Option<Vec<Status>> = q
        .status
        .as_deref()
        .map(|s| {
            super::params::list("status", s, Status::parse, |x| {
                format!("unknown status `{x}` (use under_supply, over_supply, balanced, unknown)")
            })
        })
        .transpose()?;
    let (limit, offset) = super::paging(q.limit, q.offset, 1000, 100_000)?;
    let req = SupplyRequest {
        region: region::or_national(q.region.as_deref()),
        under,
        over,
        statuses,
        limit,
        offset,
    };
    let out = SupplyOut::new(&crate::app::supply::supply(&state, req).await?);
    table_response(q.format, out, |o| o.occupations.into_iter().map(SupplyCsvRow::from))
}

impl SupplyOut {
    /// The wire form of one page of the report.
    pub fn new(page: &SupplyPage) -> SupplyOut {
        let g = &page.snapshot.graph;
        let r = &page.request;
        SupplyOut {
            dataset_version: g.version(),
            region: r.region.clone(),
            under: r.under,
            over: r.over,
            total: page.matching.len(),
            occupations: page.page().map(|x| row_out(g, x)).collect(),
            counts: page.counts.iter().map(|(s, n)| (s.as_str().to_owned(), *n)).collect(),
            limit: r.limit,
            offset: r.offset,
        }
    }
}

/// One occupation as a CSV row.
#[derive(Serialize, Default)]
struct SupplyCsvRow {
    soc: String,
    title: String,
    annual_openings: String,
    completers: String,
    ratio: String,
    status: String,
    credentials: String,
    credentials_without_figures: String,
}

impl From<SupplyRowOut> for SupplyCsvRow {
    fn from(r: SupplyRowOut) -> Self {
        let opt = |x: Option<f64>| x.map(num).unwrap_or_default();
        SupplyCsvRow {
            soc: r.soc,
            title: r.title,
            annual_openings: opt(r.annual_openings),
            completers: opt(r.completers),
            ratio: opt(r.ratio),
            status: r.status,
            credentials: r.credentials.join(";"),
            credentials_without_figures: r.credentials_without_figures.join(";"),
        }
    }
}
