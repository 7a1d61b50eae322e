//! `GET /v1/search`: one ranked search over occupations, credentials and courses by any name a
//! person uses, answered by [`crate::app::search::search`].

use super::AppState;
use super::error::{ApiError, ProblemDetails};
use crate::analysis::search::{HitKind, Matched};
use crate::app::search::{self, SearchAnswer, SearchParams};
use crate::domain::region;
use crate::i18n::Lang;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct SearchQueryParams {
    /// The words to search for: a title, a lay title or abbreviation (`CNA`, `help desk`,
    /// `enfermera`), with typos tolerated, or a SOC or CIP code with or without its dash or dot.
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
    /// `en` (default) or `es`: the language of the titles answered.
    #[param(pattern = "^(en|es)$")]
    pub lang: Option<String>,
    /// Comma-separated kinds to find: `occupation`, `credential`, `course` (default all).
    #[param(pattern = "^ *(occupation|credential|course)? *(, *(occupation|credential|course)? *)*$")]
    pub kind: Option<String>,
    /// A region the catalog knows (default `US`).
    pub region: Option<String>,
    /// `only`: keep the records the catalog has a route to.
    #[param(pattern = "^only$")]
    pub routes: Option<String>,
    /// Hits to answer, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// One record found.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"kind": "occupation", "id": "31-1131", "title": "Nursing Assistants", "score": 428.5,
    "matched": "alias", "has_route": true}))]
pub struct HitOut {
    pub kind: HitKind,
    /// The record's id (an occupation's SOC code).
    pub id: String,
    /// Its title in the asked language (English where it has no Spanish one).
    pub title: String,
    /// Higher is better; the hundreds say the tier (6 code, 5 exact title, 4 exact lay title,
    /// 3 every word in the title, 2 every word in a lay title, 1 some word or a near one).
    pub score: f32,
    /// What matched: `title`, `alias` (a lay title or abbreviation), `description` or `code`.
    pub matched: Matched,
    /// The catalog has a route to it from some entry point (an occupation: one of its entry
    /// credentials can be earned).
    pub has_route: bool,
}

/// The hits, best first.
#[derive(Serialize, ToSchema)]
pub struct SearchHits {
    pub hits: Vec<HitOut>,
    /// Records matching the query (and its filters) in all, of which `hits` are the best.
    pub total: usize,
    pub dataset_version: u64,
}

impl SearchHits {
    pub fn new(a: &SearchAnswer) -> SearchHits {
        SearchHits {
            hits: a
                .hits
                .iter()
                .map(|h| HitOut {
                    kind: h.kind,
                    id: h.id.clone(),
                    title: h.title.clone(),
                    score: h.score,
                    matched: h.matched,
                    has_route: h.has_route,
                })
                .collect(),
            total: a.total,
            dataset_version: a.snapshot.info.version,
        }
    }
}

/// Reads the search's query into the use case's parameters.
pub fn params(q: SearchQueryParams) -> Result<SearchParams, ApiError> {
    let lang = match q.lang.as_deref().map(str::trim) {
        None | Some("") | Some("en") => Lang::En,
        Some("es") => Lang::Es,
        Some(other) => {
            return Err(ApiError::InvalidParameter {
                name: "lang".into(),
                message: format!("unknown language `{other}` (use en or es)"),
            });
        }
    };
    let routes_only = match q.routes.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("only") => true,
        Some(other) => {
            return Err(ApiError::InvalidParameter {
                name: "routes".into(),
                message: format!("`{other}` is not understood (use routes=only)"),
            });
        }
    };
    Ok(SearchParams {
        q: q.q,
        lang,
        kinds: search::parse_kinds(q.kind.as_deref().unwrap_or(""))?,
        region: region::or_national(q.region.as_deref()),
        routes_only,
        limit: q.limit.unwrap_or(search::DEFAULT_LIMIT),
    })
}

/// Search by any name.
///
/// One ranked search over occupations, credentials and courses: title words with English and
/// Spanish stemming ("nurse" finds Nursing Assistants), accents and case folded, typos
/// tolerated, lay titles and abbreviations (`aliases`, "CNA", "help desk", "enfermera"), SOC and
/// CIP codes with or without the dash. An exact title ranks first, then an exact lay title, then
/// titles and lay titles holding every word, then anything holding some word (or a near one)
/// in its title, lay titles or description. Each hit says whether the catalog has a route to it;
/// `routes=only` keeps those.
#[utoipa::path(tag = "catalog", params(SearchQueryParams),
    responses(
        (status = 200, description = "The hits, best first", body = SearchHits),
        (status = 422, description = "Empty or over-long `q`; unknown `kind`, `lang`, `routes` or region; `limit` outside 1-100",
         body = ProblemDetails, content_type = "application/problem+json")))]
#[get("/v1/search")]
pub async fn search_catalog(
    state: web::Data<AppState>,
    q: super::Query<SearchQueryParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params(q.into_inner())?;
    let answer = search::search(&state, p).await?;
    Ok(HttpResponse::Ok().json(SearchHits::new(&answer)))
}
