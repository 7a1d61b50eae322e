//! Cross-system duplicate courses (`GET /v1/duplicates`), as JSON or CSV.
//!
//! The handler parses the query into a [`DuplicatesRequest`], calls
//! [`crate::app::duplicates::duplicates`] (cached per dataset version and parameters, filtered
//! and paged there) and writes the page as JSON or CSV rows.

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use super::params::{Format, fraction, nz, paging};
use super::table::{number as num, table_response};
use crate::analysis::duplicate_filter::{DuplicateFilter, PairOrder};
use crate::analysis::duplicates::{Basis, DEFAULT_MIN_OVERLAP, DEFAULT_MIN_TEXT_SIMILARITY, DuplicateParams, Measure};
use crate::app::duplicates::{DuplicatesPage, DuplicatesRequest};
use crate::domain::System;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

// ---- duplicates --------------------------------------------------------------------------

/// What `min_overlap` applies to (documentation of the `measure` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeasureParam {
    Jaccard,
    Containment,
}

impl From<MeasureParam> for Measure {
    fn from(m: MeasureParam) -> Measure {
        match m {
            MeasureParam::Jaccard => Measure::Jaccard,
            MeasureParam::Containment => Measure::Containment,
        }
    }
}

#[derive(Default, Deserialize, IntoParams)]
pub struct DuplicatesQuery {
    /// Minimum similarity of two courses' competency sets, on `measure`, 0.01-1, rounded to two decimals (default 0.5).
    #[param(minimum = 0.01, maximum = 1.0)]
    pub min_overlap: Option<f64>,
    /// `jaccard` (default: shared over union) or `containment` (shared over the smaller set):
    /// what `min_overlap` applies to.
    #[param(inline)]
    pub measure: Option<MeasureParam>,
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
    /// `json` (default) or `csv` (one row per pair, with its cluster number).
    pub format: Option<Format>,
    /// Pairs per page, 0-100000 (default 1000; 0 answers only the total). Clusters are over all
    /// matching pairs.
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
    /// Pairs to skip (default 0).
    pub offset: Option<usize>,
}

impl DuplicatesQuery {
    /// The use case's request: parameters checked and filters parsed, each error naming its
    /// parameter; `order` sorts the pairs before paging (the planner page's sortable columns).
    pub fn request(&self, order: Option<(PairOrder, bool)>) -> Result<DuplicatesRequest, ApiError> {
        let params = DuplicateParams {
            min_overlap: fraction("min_overlap", self.min_overlap, DEFAULT_MIN_OVERLAP, false)?,
            measure: self.measure.map_or(Measure::Jaccard, Measure::from),
            min_text_similarity: fraction(
                "min_similarity",
                self.min_similarity,
                DEFAULT_MIN_TEXT_SIMILARITY,
                false,
            )?,
        };
        let bases: Vec<Basis> = match self.basis.as_deref() {
            None => Basis::ALL.to_vec(),
            Some(s) => super::params::list("basis", s, Basis::parse, |x| {
                format!("unknown basis `{x}` (use competencies, text, codes)")
            })?,
        };
        let (limit, offset) = paging(self.limit, self.offset, 1000)?;
        let systems: Option<Vec<System>> = self
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
        Ok(DuplicatesRequest {
            params,
            filter: DuplicateFilter {
                bases,
                systems,
                cross_system: self.cross_system == Some(true),
                unarticulated: self.unarticulated == Some(true),
            },
            order,
            limit,
            offset,
        })
    }
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

impl DuplicatesOut {
    /// The wire form of one page of duplicates.
    pub fn new(page: &DuplicatesPage) -> DuplicatesOut {
        let g = &page.snapshot.graph;
        let id = |c| g.course(c).id.to_string();
        let f = &page.filtered;
        DuplicatesOut {
            dataset_version: g.version(),
            min_overlap: page.params.min_overlap,
            measure: page.params.measure.as_str().into(),
            min_similarity: page.params.min_text_similarity,
            pairs: page
                .page()
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
                    cluster: f.cluster_of(p.a),
                })
                .collect(),
            clusters: f.clusters.iter().map(|c| c.iter().map(|&x| id(x)).collect()).collect(),
            total: page.total(),
            limit: page.limit,
            offset: page.offset,
        }
    }
}

/// One pair as a CSV row.
#[derive(Serialize, Default)]
struct PairRow {
    a: String,
    b: String,
    jaccard: String,
    shared: String,
    articulated: bool,
    system_a: &'static str,
    system_b: &'static str,
    cluster: usize,
    basis: String,
    containment: String,
    text_similarity: String,
    terms: String,
    codes: String,
    articulation: String,
}

impl From<DuplicatePairOut> for PairRow {
    fn from(p: DuplicatePairOut) -> Self {
        PairRow {
            jaccard: num(p.jaccard),
            shared: p.shared.join(";"),
            articulated: p.articulated,
            system_a: p.system_a.as_str(),
            system_b: p.system_b.as_str(),
            cluster: p.cluster,
            containment: num(p.containment),
            text_similarity: p.text_similarity.map(num).unwrap_or_default(),
            terms: p.terms.join(";"),
            codes: p.codes.join(";"),
            a: p.a,
            b: p.b,
            basis: p.basis,
            articulation: p.articulation,
        }
    }
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
    let page = crate::app::duplicates::duplicates(&state, q.request(None)?).await?;
    let out = DuplicatesOut::new(&page);
    table_response(q.format, out, |o| o.pairs.into_iter().map(PairRow::from))
}
