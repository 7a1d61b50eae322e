//! `/`: occupation search and the region's high-demand list.

use super::*;
use crate::analysis::demand::OccupationDemand;
use crate::app::home::{self, OccupationFilter};

/// One occupation of a list, as the template reads it.
#[derive(serde::Serialize)]
struct Row {
    occ: maps::OccupationOut,
}

/// `/`: search occupations and the region's high-demand list.
pub async fn home(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let page = PageCtx::from_request(&req);
    if let Some(cached) = page.cached(&req, state.catalog.snapshot().info.version) {
        return cached;
    }
    let q = query_of(&req);
    let region = page_or_error!(page, region_of(&q));
    let text = opt(&q, "q");
    let filter = OccupationFilter {
        cluster: opt(&q, "cluster"),
        group: opt(&q, "group"),
    };
    let lists = home::home(
        state.catalog.snapshot(),
        &region,
        &state.settings.high_demand,
        text.as_deref(),
        &filter,
    );
    let snap = &lists.snapshot;
    let rows = |list: &[OccupationDemand]| -> Vec<Row> {
        list.iter()
            .map(|d| Row {
                occ: maps::occupation_out(&snap.graph, d, None),
            })
            .collect()
    };
    let groups: Vec<(&str, &str)> = MAJOR_GROUPS
        .iter()
        .filter(|(code, _)| lists.groups.contains(*code))
        .copied()
        .collect();
    page.render_cached(
        &req,
        snap.info.version,
        "home.html",
        context! {
            q => text.clone(), region,
            cluster => filter.cluster.clone(), group => filter.group.clone(),
            searched => text.is_some(),
            results => Value::from_serialize(rows(&lists.results)),
            high_demand => Value::from_serialize(rows(&lists.high_demand)),
            clusters => Value::from_serialize(&lists.clusters), groups,
            regions => Value::from_serialize(&lists.regions),
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}
