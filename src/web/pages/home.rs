//! `/`: occupation search and the region's high-demand list.

use super::*;

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
