//! The page handlers: parse the query, call the API's functions, render a template.

use super::{PageCtx, charts};
use crate::api::AppState;
use crate::api::analysis::{self, AlignmentQuery, DuplicatesQuery, GapsQuery};
use crate::api::error::ApiError;
use crate::api::maps::{self, CareerMapRequest};
use crate::api::plans::{self, NewPlan, Plans};
use crate::graph::CatalogGraph;
use crate::i18n::Lang;
use crate::render::Format;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use minijinja::context;
use minijinja::value::Value;
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

type Query = BTreeMap<String, String>;

fn query_of(req: &HttpRequest) -> Query {
    web::Query::<Query>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default()
}

fn opt(q: &Query, k: &str) -> Option<String> {
    q.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::BadRequest(msg.into())
}

/// The SOC major groups (2018), for browsing occupations by field.
const MAJOR_GROUPS: &[(&str, &str)] = &[
    ("11", "Management"),
    ("13", "Business and Financial Operations"),
    ("15", "Computer and Mathematical"),
    ("17", "Architecture and Engineering"),
    ("19", "Life, Physical, and Social Science"),
    ("21", "Community and Social Service"),
    ("23", "Legal"),
    ("25", "Educational Instruction and Library"),
    ("27", "Arts, Design, Entertainment, Sports, and Media"),
    ("29", "Healthcare Practitioners and Technical"),
    ("31", "Healthcare Support"),
    ("33", "Protective Service"),
    ("35", "Food Preparation and Serving Related"),
    ("37", "Building and Grounds Cleaning and Maintenance"),
    ("39", "Personal Care and Service"),
    ("41", "Sales and Related"),
    ("43", "Office and Administrative Support"),
    ("45", "Farming, Fishing, and Forestry"),
    ("47", "Construction and Extraction"),
    ("49", "Installation, Maintenance, and Repair"),
    ("51", "Production"),
    ("53", "Transportation and Material Moving"),
    ("55", "Military Specific"),
];

fn clusters_of(o: &crate::domain::Occupation) -> BTreeSet<String> {
    o.cluster
        .iter()
        .cloned()
        .chain(o.clusters.iter().map(|c| c.cluster.clone()))
        .collect()
}

fn region_of(q: &Query) -> Result<String, ApiError> {
    let r = opt(q, "region").unwrap_or_else(|| "US".into());
    if crate::api::region_too_long(&r) {
        return Err(bad("region must be 1-32 characters, e.g. `US` or `TX`"));
    }
    Ok(r)
}

fn occupation_row(
    state: &AppState,
    g: &CatalogGraph,
    snap: &crate::service::Snapshot,
    soc: &str,
    region: &str,
) -> Value {
    let Some(ix) = g.occupation_ix(soc) else {
        return Value::UNDEFINED;
    };
    let d = snap.demand().occupation(g, ix, region, &state.settings.high_demand);
    let out = maps::occupation_out(g, &d, None);
    let clusters: Vec<String> = clusters_of(g.occupation(ix)).into_iter().collect();
    Value::from_serialize(json!({"occ": out, "clusters": clusters}))
}

/// `/`: search occupations and the region's high-demand list.
pub async fn home(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let region = match region_of(&q) {
        Ok(r) => r,
        Err(e) => return page.error(&e),
    };
    let text = opt(&q, "q");
    let cluster = opt(&q, "cluster");
    let group = opt(&q, "group");
    let snap = state.catalog.snapshot();
    let g = &snap.graph;
    let occs = &snap.bundle().occupations;
    let in_filters = |o: &crate::domain::Occupation| {
        cluster.as_deref().is_none_or(|c| clusters_of(o).contains(c))
            && group.as_deref().is_none_or(|gr| o.soc.as_str().starts_with(gr))
    };
    let needle = text.as_ref().map(|t| t.to_lowercase());
    let results: Vec<Value> = if needle.is_some() {
        occs.iter()
            .filter(|o| in_filters(o) && crate::analysis::catalog::matches(&needle, &[o.soc.as_str(), &o.title]))
            .take(100)
            .map(|o| occupation_row(&state, g, &snap, o.soc.as_str(), &region))
            .collect()
    } else {
        vec![]
    };
    let mut high: Vec<(f64, Value)> = occs
        .iter()
        .filter(|o| in_filters(o))
        .filter_map(|o| {
            let ix = g.occupation_ix(o.soc.as_str())?;
            let d = snap.demand().occupation(g, ix, &region, &state.settings.high_demand);
            d.high_demand_on_its_own().then(|| {
                (
                    d.annual_openings.unwrap_or(0.0),
                    occupation_row(&state, g, &snap, o.soc.as_str(), &region),
                )
            })
        })
        .collect();
    high.sort_by(|a, b| b.0.total_cmp(&a.0));
    let all_clusters: BTreeSet<String> = occs.iter().flat_map(clusters_of).collect();
    let groups: Vec<(&str, &str)> = MAJOR_GROUPS
        .iter()
        .filter(|(code, _)| occs.iter().any(|o| o.soc.as_str().starts_with(code)))
        .copied()
        .collect();
    let regions: BTreeSet<String> = occs
        .iter()
        .flat_map(|o| o.demand.iter().map(|d| d.region.clone()))
        .chain(["US".to_owned()])
        .collect();
    page.render(
        StatusCode::OK,
        "home.html",
        context! {
            q => text, region, cluster, group,
            searched => needle.is_some(),
            results,
            high_demand => high.into_iter().map(|h| h.1).collect::<Vec<_>>(),
            clusters => all_clusters, groups, regions,
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}

/// `/occupations/{soc}`: pay, openings, the ladder and "make a map".
pub async fn occupation(state: web::Data<AppState>, req: HttpRequest, soc: web::Path<String>) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let region = match region_of(&q) {
        Ok(r) => r,
        Err(e) => return page.error(&e),
    };
    let ladder = match maps::ladder_answer(&state, &soc, Some(&region)) {
        Ok(l) => l,
        Err(e) => return page.error(&e),
    };
    let snap = state.catalog.snapshot();
    let g = &snap.graph;
    let Some(ix) = g.occupation_ix(&soc) else {
        return page.error(&ApiError::NotFound {
            what: "occupation",
            id: soc.to_string(),
        });
    };
    let occ = g.occupation(ix);
    page.render(
        StatusCode::OK,
        "occupation.html",
        context! {
            occ => Value::from_serialize(occ),
            ladder => Value::from_serialize(&ladder),
            region,
            entries => ["secondary", "adult", "postsecondary"],
            credentials => credential_options(g),
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}

fn credential_options(g: &CatalogGraph) -> Vec<Value> {
    let mut v: Vec<_> = g
        .bundle()
        .credentials
        .iter()
        .map(|c| (c.level, c.title.clone(), c.id.to_string()))
        .collect();
    v.sort();
    v.into_iter()
        .map(|(level, title, id)| Value::from_serialize(json!({"id": id, "title": title, "level": level})))
        .collect()
}

/// The map form's fields, as given in the query.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct MapForm {
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
    fn parse(q: &Query) -> Result<MapForm, ApiError> {
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
            optimize: opt(q, "optimize").unwrap_or_else(|| "hours".into()),
            plan,
        })
    }

    fn is_complete(&self) -> bool {
        self.occupation.is_some() || self.credential.is_some()
    }

    /// The `POST /v1/career-maps` request this form asks: each held id goes where the catalog
    /// has it (course, credential, competency; anything else is offered as an assessment).
    fn request(&self, g: &CatalogGraph) -> Result<(serde_json::Value, CareerMapRequest), ApiError> {
        let (mut courses, mut creds, mut comps, mut other) = (vec![], vec![], vec![], vec![]);
        for id in &self.has {
            if g.course_ix(id).is_some() {
                courses.push(id.clone());
            } else if g.credential_ix(id).is_some() {
                creds.push(id.clone());
            } else if g.competency_ix(id).is_some() {
                comps.push(id.clone());
            } else {
                other.push(id.clone());
            }
        }
        let mut target = serde_json::Map::new();
        if let Some(o) = &self.occupation {
            target.insert("occupation".into(), o.clone().into());
        }
        if let Some(c) = &self.credential {
            target.insert("credential".into(), c.clone().into());
        }
        let mut learner = json!({"completed_courses": courses, "credentials": creds, "competencies": comps});
        if !other.is_empty() {
            learner["assessments"] = other.iter().map(|id| json!({"id": id})).collect();
        }
        let raw = json!({"target": target, "entry": self.entry, "region": self.region, "k": self.k,
                         "optimize": self.optimize, "learner": learner});
        let parsed: CareerMapRequest = serde_json::from_value(raw.clone()).map_err(|e| {
            if !other.is_empty() && e.to_string().contains("assessments") {
                bad(format!(
                    "has: unknown course, credential or competency `{}`",
                    other.join("`, `")
                ))
            } else {
                bad(format!("{e}"))
            }
        })?;
        Ok((raw, parsed))
    }
}

/// Ids shown in a map answer, with their titles (courses, credentials, competencies).
fn names(g: &CatalogGraph, answer: &serde_json::Value) -> BTreeMap<String, String> {
    let mut ids = BTreeSet::new();
    fn walk(v: &serde_json::Value, ids: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::String(s) => {
                ids.insert(s.clone());
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, ids)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, ids)),
            _ => {}
        }
    }
    walk(answer, &mut ids);
    ids.into_iter()
        .filter_map(|id| {
            let title = g
                .course_ix(&id)
                .map(|c| g.course(c).title.clone())
                .or_else(|| g.credential_ix(&id).map(|c| g.credential(c).title.clone()))
                .or_else(|| g.competency_ix(&id).map(|c| g.competency(c).name.clone()))?;
            Some((id, title))
        })
        .collect()
}

/// Runs the map request and gives the JSON answer and one picture per plan.
async fn run_map(
    state: &AppState,
    req: CareerMapRequest,
    k: u32,
    lang: Lang,
) -> Result<(serde_json::Value, Vec<String>), ApiError> {
    let mut outputs = vec![(Format::Json, 1)];
    outputs.extend((1..=k as usize).map(|r| (Format::Svg, r)));
    let mut out = maps::answer(state, req, outputs, maps::Ranks::UpToK, lang).await?;
    let svgs = out.split_off(1);
    let answer: serde_json::Value = serde_json::from_str(&out[0]).map_err(|e| ApiError::Unexpected(e.into()))?;
    let n = answer["paths"].as_array().map_or(0, Vec::len);
    Ok((answer, svgs.into_iter().take(n).collect()))
}

fn map_context(g: &CatalogGraph, answer: &serde_json::Value, svgs: Vec<String>) -> Value {
    context! {
        answer => Value::from_serialize(answer),
        names => names(g, answer),
        // Our own renderer's SVG: every text in it is escaped by `render::svg`.
        pictures => svgs.into_iter().map(Value::from_safe_string).collect::<Vec<_>>(),
    }
}

fn map_query_string(form: &MapForm) -> String {
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
    let form = match MapForm::parse(&q) {
        Ok(f) => f,
        Err(e) => return page.error(&e),
    };
    let snap = state.catalog.snapshot();
    let g = &snap.graph;
    let mut ctx = context! {
        form => Value::from_serialize(&form),
        has_text => form.has.join(", "),
        entries => ["secondary", "adult", "postsecondary"],
        optimizes => ["hours", "postsecondary_hours", "cost", "weeks"],
        credentials => credential_options(g),
        occupations => g.bundle().occupations.iter().map(|o| Value::from_serialize(json!({"soc": o.soc, "title": o.title}))).collect::<Vec<_>>(),
        dataset_version => snap.info.version,
        data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        query => map_query_string(&form),
        max_label => plans::MAX_LABEL_CHARS,
    };
    if form.is_complete() {
        let result = async {
            let (_, request) = form.request(g)?;
            run_map(&state, request, form.k, page.lang).await
        }
        .await;
        match result {
            Ok((answer, svgs)) => ctx = context! { ..map_context(g, &answer, svgs), ..ctx },
            Err(e @ (ApiError::BadRequest(_) | ApiError::NotFound { .. } | ApiError::TooComplex(_))) => {
                let p = e.problem();
                let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                return page.render(status, "map.html", context! { problem => p.detail, ..ctx });
            }
            Err(e) => return page.error(&e),
        }
    }
    page.render(StatusCode::OK, "map.html", ctx)
}

#[derive(Deserialize)]
pub struct SaveForm {
    label: String,
    query: String,
}

/// `POST /plans` (the map page's save form): saves the map's request and shows the link and
/// the delete key once.
pub async fn save_plan(
    state: web::Data<AppState>,
    plans_data: web::Data<Plans>,
    req: HttpRequest,
    form: web::Form<SaveForm>,
) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let result = async {
        plans::check_create(&state, &plans_data, &req)?;
        let q: Query = serde_urlencoded::from_str(&form.query).map_err(|e| bad(format!("query: {e}")))?;
        let mf = MapForm::parse(&q)?;
        if !mf.is_complete() {
            return Err(bad("make a map before saving it"));
        }
        let (raw, _) = mf.request(&state.catalog.snapshot().graph)?;
        plans::create(
            &state,
            &plans_data,
            NewPlan {
                label: form.label.clone(),
                request: raw,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(created) => page.render(
            StatusCode::CREATED,
            "plan.html",
            context! { created => Value::from_serialize(&created), id => created.id.clone() },
        ),
        Err(e) => page.error(&e),
    }
}

/// `/plans/{id}`: a saved plan on today's data, what changed since it was saved.
pub async fn plan(
    state: web::Data<AppState>,
    plans_data: web::Data<Plans>,
    req: HttpRequest,
    id: web::Path<String>,
) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let saved = match plans::read(&state, &plans_data, &id).await {
        Ok(p) => p,
        Err(e) => return page.error(&e),
    };
    let snap = state.catalog.snapshot();
    let g = &snap.graph;
    let svgs = match serde_json::from_value::<CareerMapRequest>(saved.request.clone()) {
        Ok(r) if !saved.current.answer.is_null() => {
            let k = r.k;
            run_map(&state, r, k, page.lang).await.map(|x| x.1).unwrap_or_default()
        }
        _ => vec![],
    };
    // The map link: the saved request as a /map query.
    let r = &saved.request;
    let has: Vec<String> = ["completed_courses", "credentials", "competencies"]
        .iter()
        .flat_map(|k| r["learner"][*k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let map_url = serde_urlencoded::to_string(
        [
            ("occupation", r["target"]["occupation"].as_str()),
            ("credential", r["target"]["credential"].as_str()),
            ("entry", r["entry"].as_str()),
            ("has", Some(has.join(",").as_str()).filter(|s| !s.is_empty())),
            ("region", r["region"].as_str()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let shown = if saved.current.answer.is_null() {
        &saved.saved.answer
    } else {
        &saved.current.answer
    };
    let ctx = context! {
        plan => Value::from_serialize(&saved),
        id => saved.id.clone(),
        map_url,
        form => context! { plan => 1 },
        dataset_version => snap.info.version,
        data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
    };
    page.render(
        StatusCode::OK,
        "plan.html",
        context! { ..map_context(g, shown, svgs), ..ctx },
    )
}

#[derive(Deserialize)]
pub struct DeleteForm {
    key: String,
}

/// `POST /plans/{id}/delete` (the plan page's delete form, with the delete key).
pub async fn delete_plan(
    state: web::Data<AppState>,
    plans_data: web::Data<Plans>,
    req: HttpRequest,
    id: web::Path<String>,
    form: web::Form<DeleteForm>,
) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let result = plans_data
        .limiter
        .check(plans::client_ip(&req))
        .and_then(|_| plans::remove(&state, &plans_data, &id, Some(&form.key), None));
    match result {
        Ok(()) => page.render(StatusCode::OK, "plan.html", context! { deleted => true }),
        Err(e) => page.error(&e),
    }
}

fn parse_num<T: std::str::FromStr>(q: &Query, k: &str) -> Result<Option<T>, ApiError> {
    opt(q, k)
        .map(|v| v.parse().map_err(|_| bad(format!("{k}: `{v}` is not a number"))))
        .transpose()
}

fn checked(q: &Query, k: &str) -> Option<bool> {
    opt(q, k).map(|v| v == "true" || v == "on" || v == "1")
}

/// Sorts rows of a JSON list by `key` (numbers numerically, text by text).
fn sort_rows(rows: &mut [serde_json::Value], key: &str, desc: bool) {
    rows.sort_by(|a, b| {
        let o = match (a[key].as_f64(), b[key].as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a[key].to_string().cmp(&b[key].to_string()),
        };
        if desc { o.reverse() } else { o }
    });
}

/// `/planner/duplicates`: the duplicate pairs with the API's filters, sortable, CSV link.
pub async fn duplicates(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let sort = opt(&q, "sort").unwrap_or_else(|| "jaccard".into());
    let desc = opt(&q, "dir").as_deref() != Some("asc");
    let result = async {
        let dq = DuplicatesQuery {
            min_overlap: parse_num(&q, "min_overlap")?,
            systems: opt(&q, "systems"),
            cross_system: checked(&q, "cross_system"),
            unarticulated: checked(&q, "unarticulated"),
            format: None,
            limit: Some(parse_num(&q, "limit")?.unwrap_or(200)),
            offset: parse_num(&q, "offset")?,
            ..Default::default()
        };
        analysis::duplicates_answer(&state, dq).await
    }
    .await;
    let out = match result {
        Ok(o) => o,
        Err(e) => return page.error(&e),
    };
    let mut v = serde_json::to_value(&out).unwrap_or_default();
    let g = &state.catalog.snapshot().graph;
    if let Some(rows) = v["pairs"].as_array_mut() {
        for r in rows.iter_mut() {
            r["shared_count"] = r["shared"].as_array().map_or(0, Vec::len).into();
        }
        if [
            "a",
            "b",
            "jaccard",
            "shared_count",
            "articulated",
            "system_a",
            "system_b",
        ]
        .contains(&sort.as_str())
        {
            sort_rows(rows, &sort, desc);
        }
    }
    let csv = {
        let mut params: Vec<(&str, String)> = vec![("format", "csv".into())];
        for k in ["min_overlap", "systems"] {
            if let Some(v) = opt(&q, k) {
                params.push((k, v));
            }
        }
        for k in ["cross_system", "unarticulated"] {
            if checked(&q, k) == Some(true) {
                params.push((k, "true".into()));
            }
        }
        params.push(("limit", "100000".into()));
        format!(
            "/v1/duplicates?{}",
            serde_urlencoded::to_string(params).unwrap_or_default()
        )
    };
    let base: Vec<(String, String)> = q
        .iter()
        .filter(|(k, _)| !["sort", "dir"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    page.render(
        StatusCode::OK,
        "duplicates.html",
        context! {
            out => Value::from_serialize(&v),
            names => names(g, &v),
            q => Value::from_serialize(&q),
            sort, desc, csv,
            base => serde_urlencoded::to_string(base).unwrap_or_default(),
            systems => ["secondary", "adult", "postsecondary", "work_based"],
        },
    )
}

/// `/planner/gaps`: gaps by kind, most severe first, with the suggestion and POS component.
pub async fn gaps(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let result = async {
        let gq = GapsQuery {
            kind: opt(&q, "kind"),
            region: opt(&q, "region"),
            entry: opt(&q, "entry"),
            limit: Some(parse_num(&q, "limit")?.unwrap_or(500)),
            offset: parse_num(&q, "offset")?,
            ..Default::default()
        };
        analysis::gaps_answer(&state, gq).await
    }
    .await;
    let out = match result {
        Ok(o) => o,
        Err(e) => return page.error(&e),
    };
    let mut v = serde_json::to_value(&out).unwrap_or_default();
    if let Some(rows) = v["gaps"].as_array_mut() {
        sort_rows(rows, "relative_severity", true);
    }
    let g = &state.catalog.snapshot().graph;
    let csv = {
        let mut params: Vec<(&str, String)> = vec![("format", "csv".into())];
        for k in ["kind", "region", "entry"] {
            if let Some(v) = opt(&q, k) {
                params.push((k, v));
            }
        }
        params.push(("limit", "100000".into()));
        format!("/v1/gaps?{}", serde_urlencoded::to_string(params).unwrap_or_default())
    };
    page.render(
        StatusCode::OK,
        "gaps.html",
        context! {
            out => Value::from_serialize(&v),
            names => names(g, &v),
            q => Value::from_serialize(&q),
            kinds => crate::analysis::gaps::GapKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            entries => ["secondary", "adult", "postsecondary"],
            csv,
        },
    )
}

/// `/planner/report`: the alignment report with SVG charts.
pub async fn report(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let q = query_of(&req);
    let aq = AlignmentQuery {
        region: opt(&q, "region"),
        limit: Some(20),
        ..Default::default()
    };
    let out = match analysis::alignment_answer(&state, aq).await {
        Ok(o) => o,
        Err(e) => return page.error(&e),
    };
    let lang = page.lang;
    let tr = |k: &str| crate::i18n::tr(lang, k, &[]);
    let share_chart = charts::bars(
        &tr("report-chart-pathways"),
        &out.pathway_share
            .iter()
            .map(|s| {
                (
                    tr(&format!("entry-{}", s.entry)),
                    s.share,
                    format!("{:.0}% ({}/{})", s.share * 100.0, s.reachable, s.high_demand),
                )
            })
            .collect::<Vec<_>>(),
        1.0,
    );
    let transitions_chart = charts::bars(
        &tr("report-chart-transitions"),
        &out.transitions
            .iter()
            .map(|t| {
                (
                    tr(&format!("entry-{}", t.from)),
                    t.share,
                    format!("{:.0}% ({}/{})", t.share * 100.0, t.articulated, t.transitions),
                )
            })
            .collect::<Vec<_>>(),
        1.0,
    );
    let max_gaps = out.gaps_by_kind.values().copied().max().unwrap_or(1).max(1) as f64;
    let gaps_chart = charts::bars(
        &tr("report-chart-gaps"),
        &out.gaps_by_kind
            .iter()
            .map(|(k, n)| {
                (
                    tr(&format!("gap-kind-{}", k.replace('_', "-"))),
                    *n as f64,
                    n.to_string(),
                )
            })
            .collect::<Vec<_>>(),
        max_gaps,
    );
    let v = serde_json::to_value(&out).unwrap_or_default();
    let g = &state.catalog.snapshot().graph;
    page.render(
        StatusCode::OK,
        "report.html",
        context! {
            out => Value::from_serialize(&v),
            names => names(g, &v),
            region => out.region.clone(),
            // Our own SVG (charts::bars escapes every text).
            share_chart => Value::from_safe_string(share_chart),
            transitions_chart => Value::from_safe_string(transitions_chart),
            gaps_chart => Value::from_safe_string(gaps_chart),
        },
    )
}
