//! `/map`: the career-map form and its plans, with a picture of each.
//!
//! The form becomes the API's typed request ([`CareerMapRequest`]), parsed against one
//! snapshot and answered by [`crate::app::maps::career_map`] on that snapshot; the page shows
//! the API's JSON answer ([`maps::map_response`]), the titles of the ids it names from the
//! same graph, and the pictures of [`render::render`].

use super::*;
use crate::analysis::career_map::{CareerMap, Source};
use crate::api::maps::{HeldAssessment, LearnerSpec, TargetSpec};
use crate::app::maps::{self as app_maps, MapOutcome};
use crate::render;
use crate::service::Snapshot;
use std::sync::Arc;

/// A credential in the map form's list.
#[derive(serde::Serialize)]
struct CredentialOption<'a> {
    id: &'a str,
    title: &'a str,
    level: u32,
}

/// An occupation in the map form's list.
#[derive(serde::Serialize)]
struct OccupationOption<'a> {
    soc: &'a str,
    title: &'a str,
}

/// The catalog's credentials, lowest level first, then by title and id.
pub(super) fn credential_options(g: &CatalogGraph) -> Vec<Value> {
    let mut v: Vec<_> = g
        .bundle()
        .credentials
        .iter()
        .map(|c| (c.level, c.title.as_str(), c.id.0.as_str()))
        .collect();
    v.sort();
    v.into_iter()
        .map(|(level, title, id)| Value::from_serialize(CredentialOption { id, title, level }))
        .collect()
}

/// The map form's fields, as given in the query.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub(super) struct MapForm {
    occupation: Option<String>,
    credential: Option<String>,
    entry: String,
    has: Vec<String>,
    k: u32,
    region: String,
    optimize: String,
    plan: usize,
}

impl MapForm {
    pub(super) fn parse(q: &Query) -> Result<MapForm, ApiError> {
        let k = match opt(q, "k") {
            None => 3,
            Some(k) => k
                .parse()
                .map_err(|_| bad(format!("k must be a number from 1 to 10, got `{k}`")))?,
        };
        let plan = match opt(q, "plan") {
            None => 1,
            Some(p) => p
                .parse()
                .map_err(|_| bad(format!("plan must be a plan number, got `{p}`")))?,
        };
        let has: Vec<String> = opt(q, "has")
            .unwrap_or_default()
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if has.len() > 200 {
            return Err(bad("has: at most 200 ids"));
        }
        Ok(MapForm {
            occupation: opt(q, "occupation"),
            credential: opt(q, "credential"),
            entry: opt(q, "entry").unwrap_or_else(|| "adult".into()),
            has,
            k,
            region: region_of(q)?,
            optimize: opt(q, "optimize").unwrap_or_else(|| "duplication".into()),
            plan,
        })
    }

    pub(super) fn is_complete(&self) -> bool {
        self.occupation.is_some() || self.credential.is_some()
    }

    /// The `POST /v1/career-maps` request this form asks: each held id goes where the
    /// catalog has it (course, credential, competency or assessment); an id the catalog does
    /// not have is named in the error.
    pub(super) fn request(&self, g: &CatalogGraph) -> Result<CareerMapRequest, ApiError> {
        let mut learner = LearnerSpec::default();
        let mut unknown = vec![];
        for id in &self.has {
            if g.course_ix(id).is_some() {
                learner.completed_courses.push(id.clone());
            } else if g.credential_ix(id).is_some() {
                learner.credentials.push(id.clone());
            } else if g.competency_ix(id).is_some() {
                learner.competencies.push(id.clone());
            } else if g.assessment_ix(id).is_some() {
                learner.assessments.push(HeldAssessment {
                    id: id.clone(),
                    score: None,
                });
            } else {
                unknown.push(id.as_str());
            }
        }
        if !unknown.is_empty() {
            return Err(bad(format!(
                "has: unknown course, credential, competency or assessment `{}`",
                unknown.join("`, `")
            )));
        }
        Ok(CareerMapRequest {
            target: TargetSpec {
                occupation: self.occupation.clone(),
                credential: self.credential.clone(),
            },
            entry: word(&self.entry)?,
            region: self.region.clone(),
            k: self.k,
            optimize: word(&self.optimize)?,
            learner,
        })
    }
}

/// A form's word (`adult`, `postsecondary_hours`...) as the enum the API's JSON names it by,
/// with serde's message for a word it does not know.
fn word<T: serde::de::DeserializeOwned>(w: &str) -> Result<T, ApiError> {
    use serde::de::value::{Error, StrDeserializer};
    T::deserialize(StrDeserializer::<Error>::new(w)).map_err(|e| bad(e.to_string()))
}

/// Courses and credentials a map's plans name by id (what covered a step, the steps of a
/// term, what earned an articulated credit), with their titles from the map's graph.
fn map_names(g: &CatalogGraph, map: &CareerMap) -> BTreeMap<String, String> {
    let mut items = BTreeSet::new();
    for p in &map.paths {
        for s in &p.steps {
            items.insert(s.item);
            items.extend(s.covered_by.iter().filter_map(|c| match c {
                Source::Item(i) => Some(*i),
                Source::PriorLearning => None,
            }));
        }
        items.extend(p.terms.iter().flat_map(|t| t.steps.iter().copied()));
        items.extend(p.skipped.iter().filter_map(|s| s.via.map(|(i, _)| i)));
    }
    items
        .into_iter()
        .map(|i| (g.item_id(i).to_owned(), render::title(g, i).to_owned()))
        .collect()
}

/// Parses the form's request against `snapshot` and runs it.
pub(super) async fn run_map(
    state: &AppState,
    snapshot: Arc<Snapshot>,
    request: &CareerMapRequest,
) -> Result<MapOutcome, ApiError> {
    let parsed = maps::parse::parse(&snapshot.graph, request)?;
    Ok(app_maps::career_map(&state.app, snapshot, parsed).await?)
}

/// The template context of a map: its JSON answer, the titles of the ids it names, and one
/// picture per plan in the page's language, all from the snapshot it was computed on.
pub(super) fn map_context(state: &AppState, outcome: &MapOutcome, lang: Lang) -> Value {
    let g = &outcome.snapshot.graph;
    let pictures: Vec<Value> = (1..=outcome.map.paths.len())
        // Our own renderer's SVG: every text in it is escaped by `render::svg`.
        .map(|rank| Value::from_safe_string(render::render(Format::Svg, g, &outcome.map, rank, lang)))
        .collect();
    context! {
        answer => Value::from_serialize(maps::map_response(state, outcome)),
        names => map_names(g, &outcome.map),
        pictures,
    }
}

pub(super) fn map_query_string(form: &MapForm) -> String {
    let mut parts: Vec<(String, String)> = vec![];
    if let Some(o) = &form.occupation {
        parts.push(("occupation".into(), o.clone()));
    }
    if let Some(c) = &form.credential {
        parts.push(("credential".into(), c.clone()));
    }
    parts.push(("entry".into(), form.entry.clone()));
    if !form.has.is_empty() {
        parts.push(("has".into(), form.has.join(",")));
    }
    parts.push(("k".into(), form.k.to_string()));
    parts.push(("region".into(), form.region.clone()));
    parts.push(("optimize".into(), form.optimize.clone()));
    serde_urlencoded::to_string(parts).unwrap_or_default()
}

/// `/map`: the k plans side by side, each as a picture and plain-language steps.
pub async fn map(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let form = page_or_error!(page, MapForm::parse(&q));
    let snap = state.catalog.snapshot();
    let g = &snap.graph;
    let mut ctx = context! {
        form => Value::from_serialize(&form),
        has_text => form.has.join(", "),
        entries => ["secondary", "adult", "postsecondary"],
        optimizes => ["duplication", "hours", "postsecondary_hours", "cost", "weeks"],
        credentials => credential_options(g),
        occupations => g.bundle().occupations.iter().map(|o| Value::from_serialize(OccupationOption { soc: &o.soc.0, title: &o.title })).collect::<Vec<_>>(),
        dataset_version => snap.info.version,
        data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        query => map_query_string(&form),
        max_label => plans::MAX_LABEL_CHARS,
    };
    if form.is_complete() {
        let result = async {
            let request = form.request(g)?;
            run_map(&state, snap.clone(), &request).await
        }
        .await;
        match result {
            Ok(outcome) => ctx = context! { ..map_context(&state, &outcome, page.lang), ..ctx },
            Err(e @ (ApiError::BadRequest(_) | ApiError::NotFound { .. })) => {
                let p = e.problem();
                let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                return page.render(status, "map.html", context! { problem => p.detail, ..ctx });
            }
            Err(e) => return page.error(&e),
        }
    }
    page.render(StatusCode::OK, "map.html", ctx)
}
