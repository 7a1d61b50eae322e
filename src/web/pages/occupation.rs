//! `/occupations/{soc}`: one occupation, its demand and credential ladder, all read from the
//! one snapshot the ladder use case ([`crate::app::maps::ladder`]) was computed on.

use super::*;

/// `/occupations/{soc}`: pay, openings, the ladder and "make a map"; for an occupation the
/// catalog has no route to, that said in plain words and the related occupations that have one.
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
    let has_route = crate::app::detail::occupation_routed(snap, outcome.occupation);
    let related: Vec<maps::OccupationOut> = if has_route {
        Vec::new()
    } else {
        crate::app::detail::related_with_route(snap, outcome.occupation, &region, &state.app)
            .iter()
            .map(|d| maps::occupation_out(g, d, None))
            .collect()
    };
    page.render_cached(
        &req,
        snap.info.version,
        "occupation.html",
        context! {
            occ => Value::from_serialize(g.occupation(outcome.occupation)),
            ladder => Value::from_serialize(maps::ladder_out(&outcome)),
            has_route,
            related => Value::from_serialize(related),
            region,
            entries => ["secondary", "adult", "postsecondary"],
            credentials => credential_options(g),
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}
