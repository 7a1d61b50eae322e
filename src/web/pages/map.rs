//! `/map`: the career-map form and its plans, with a picture of each.

use super::*;

pub(super) fn credential_options(g: &CatalogGraph) -> Vec<Value> {
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
            optimize: opt(q, "optimize").unwrap_or_else(|| "hours".into()),
            plan,
        })
    }

    pub(super) fn is_complete(&self) -> bool {
        self.occupation.is_some() || self.credential.is_some()
    }

    /// The `POST /v1/career-maps` request this form asks: each held id goes where the catalog
    /// has it (course, credential, competency; anything else is offered as an assessment).
    pub(super) fn request(&self, g: &CatalogGraph) -> Result<(serde_json::Value, CareerMapRequest), ApiError> {
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
pub(super) fn names(g: &CatalogGraph, answer: &serde_json::Value) -> BTreeMap<String, String> {
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
pub(super) async fn run_map(
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

pub(super) fn map_context(g: &CatalogGraph, answer: &serde_json::Value, svgs: Vec<String>) -> Value {
    context! {
        answer => Value::from_serialize(answer),
        names => names(g, answer),
        // Our own renderer's SVG: every text in it is escaped by `render::svg`.
        pictures => svgs.into_iter().map(Value::from_safe_string).collect::<Vec<_>>(),
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
