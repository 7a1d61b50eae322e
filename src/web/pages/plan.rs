//! `/plans`: saving a map, reading a saved plan, deleting it with its key.

use super::map::{MapForm, map_context, run_map};
use super::*;

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
