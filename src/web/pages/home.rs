//! `/`: the search by any name and the region's high-demand list.

use super::*;
use crate::analysis::demand::OccupationDemand;
use crate::analysis::search::HitKind;
use crate::app::home::{self, Found, OccupationFilter};

/// One occupation of the high-demand list, as the template reads it.
#[derive(serde::Serialize)]
struct Row {
    occ: maps::OccupationOut,
}

/// One search hit, as the template reads it.
#[derive(serde::Serialize)]
struct HitRow {
    kind: &'static str,
    title: String,
    /// The page the hit opens (the path, without the page's language and region).
    href: String,
    has_route: bool,
    /// For an occupation: its SOC code and figures.
    occ: Option<maps::OccupationOut>,
}

/// `/`: search occupations and credentials by any name, and the region's high-demand list.
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
    let lists = page_or_error!(
        page,
        home::home(&state, &region, page.lang, text.as_deref(), &filter).await
    );
    let snap = &lists.snapshot;
    let rows = |list: &[OccupationDemand]| -> Vec<Row> {
        list.iter()
            .map(|d| Row {
                occ: maps::occupation_out(&snap.graph, d, None),
            })
            .collect()
    };
    let hit_row = |f: &Found| HitRow {
        kind: f.hit.kind.as_str(),
        title: f.hit.title.clone(),
        href: match f.hit.kind {
            HitKind::Occupation => format!("/occupations/{}", f.hit.id),
            HitKind::Credential => format!("/credentials/{}", f.hit.id),
            HitKind::Course => format!("/courses/{}", f.hit.id),
        },
        has_route: f.hit.has_route,
        occ: f
            .occupation
            .as_ref()
            .map(|d| maps::occupation_out(&snap.graph, d, None)),
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
            results => Value::from_serialize(lists.results.iter().map(hit_row).collect::<Vec<_>>()),
            high_demand => Value::from_serialize(rows(&lists.high_demand)),
            clusters => Value::from_serialize(&lists.clusters), groups,
            regions => Value::from_serialize(&lists.regions),
            dataset_version => snap.info.version,
            data_date => snap.info.committed_at.get(..10).unwrap_or("").to_owned(),
        },
    )
}
