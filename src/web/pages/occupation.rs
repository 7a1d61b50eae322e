//! `/occupations/{soc}`: one occupation, its demand and credential ladder.

use super::*;

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
