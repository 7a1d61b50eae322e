//! `/plans`: saving a map, reading a saved plan, deleting it with its key.
//!
//! The use cases are [`crate::app::plans`] with the API's JSON form of requests and answers;
//! a saved plan's page shows today's answer with its pictures and names from the snapshot it
//! was computed on (or, when today's data cannot answer, the answer saved with the plan).

use super::map::{MapForm, map_context};
use super::*;
use crate::app::plans::ReadPlan;
use crate::graph::Item;

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
        let request = mf.request(&state.catalog.snapshot().graph)?;
        let request = serde_json::to_value(&request).map_err(|e| ApiError::Unexpected(e.into()))?;
        plans::create(
            &state,
            &plans_data,
            NewPlan {
                label: form.label.clone(),
                request,
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

/// The `/map` query that asks a saved request again.
fn map_url(request: &serde_json::Value) -> String {
    let Ok(r) = CareerMapRequest::deserialize(request) else {
        return String::new();
    };
    let has: Vec<&str> = [
        &r.learner.completed_courses,
        &r.learner.credentials,
        &r.learner.competencies,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    let has = has.join(",");
    let entry = serde_json::to_value(r.entry).ok();
    serde_urlencoded::to_string(
        [
            ("occupation", r.target.occupation.as_deref()),
            ("credential", r.target.credential.as_deref()),
            ("entry", entry.as_ref().and_then(|e| e.as_str())),
            ("has", Some(has.as_str()).filter(|s| !s.is_empty())),
            ("region", Some(r.region.as_str())),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default()
}

/// The titles of the ids a saved answer names (when today's data cannot answer), looked up in
/// today's graph where they still exist.
fn saved_names(g: &CatalogGraph, answer: &serde_json::Value) -> BTreeMap<String, String> {
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect()
    };
    let mut named = BTreeSet::new();
    for p in answer["paths"].as_array().into_iter().flatten() {
        for s in p["steps"].as_array().into_iter().flatten() {
            named.extend(ids(&s["covered_by"]));
        }
        for t in p["terms"].as_array().into_iter().flatten() {
            named.extend(ids(&t["steps"]));
        }
        for s in p["skipped"].as_array().into_iter().flatten() {
            named.extend(s["articulated_by"].as_str().map(str::to_owned));
        }
    }
    named
        .into_iter()
        .filter_map(|id| {
            let item = g
                .course_ix(&id)
                .map(Item::Course)
                .or_else(|| g.credential_ix(&id).map(Item::Credential))?;
            Some((id, g.item_title(item).to_owned()))
        })
        .collect()
}

/// `/plans/{id}`: a saved plan on today's data, what changed since it was saved.
pub async fn plan(
    state: web::Data<AppState>,
    plans_data: web::Data<Plans>,
    req: HttpRequest,
    id: web::Path<String>,
) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    let read: ReadPlan = page_or_error!(page, plans::read(&state, &plans_data, &id).await);
    let saved = plans::plan_out(&read);
    let snap = &read.snapshot;
    let shown = match &read.current {
        Ok(a) => map_context(&state, &a.outcome, page.lang),
        Err(_) => context! {
            answer => Value::from_serialize(&saved.saved.answer),
            names => saved_names(&snap.graph, &saved.saved.answer),
            pictures => Vec::<Value>::new(),
        },
    };
    let ctx = context! {
        plan => Value::from_serialize(&saved),
        id => saved.id.clone(),
        map_url => map_url(&saved.request),
        form => context! { plan => 1 },
        dataset_version => snap.info.version,
        data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
    };
    page.render(StatusCode::OK, "plan.html", context! { ..shown, ..ctx })
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
        .check(&req)
        .and_then(|_| plans::remove(&state, &plans_data, &id, Some(&form.key), None));
    match result {
        Ok(()) => page.render(StatusCode::OK, "plan.html", context! { deleted => true }),
        Err(e) => page.error(&e),
    }
}
