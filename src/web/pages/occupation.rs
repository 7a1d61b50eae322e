//! `/occupations/{soc}`: one occupation, its demand and credential ladder, all read from the
//! one snapshot the ladder use case ([`crate::app::maps::ladder`]) was computed on.

use super::*;

/// `/occupations/{soc}`: pay, openings, the ladder and "make a map".
pub async fn occupation(state: web::Data<AppState>, req: HttpRequest, soc: web::Path<String>) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    if let Some(cached) = page.cached(&req, state.catalog.snapshot().info.version) {
        return cached;
    }
    let q = query_of(&req);
    let region = page_or_error!(page, region_of(&q));
    let outcome = page_or_error!(page, crate::app::maps::ladder(&state.app, &soc, Some(&region)));
    let snap = &outcome.snapshot;
    let g = &snap.graph;
    page.render_cached(
        &req,
        snap.info.version,
        "occupation.html",
        context! {
            occ => Value::from_serialize(g.occupation(outcome.occupation)),
            ladder => Value::from_serialize(maps::ladder_out(&outcome)),
            region,
            entries => ["secondary", "adult", "postsecondary"],
            credentials => credential_options(g),
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}
