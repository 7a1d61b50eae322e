//! The home page's lists: the search by any name (occupations and credentials, through
//! [`super::search`]) and the region's high-demand occupations, with the choices of its
//! filters (career clusters, SOC major groups, regions).

use super::search::{SearchHit, SearchParams};
use super::{App, AppError};
use crate::analysis::catalog;
use crate::analysis::demand::{HighDemandPolicy, OccupationDemand};
use crate::analysis::search::HitKind;
use crate::domain::Occupation;
use crate::i18n::Lang;
use crate::service::Snapshot;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The most records a search lists.
pub const MAX_RESULTS: usize = 50;

/// One record the search found, with an occupation's figures in the region.
pub struct Found {
    pub hit: SearchHit,
    /// For an occupation: its demand in the region.
    pub occupation: Option<OccupationDemand>,
}

/// Filters of the home page's lists.
#[derive(Debug, Clone, Default)]
pub struct OccupationFilter {
    /// Only occupations of this career cluster.
    pub cluster: Option<String>,
    /// Only occupations whose SOC code starts with this (a major group, `29`).
    pub group: Option<String>,
}

impl OccupationFilter {
    pub fn keeps(&self, o: &Occupation) -> bool {
        self.cluster.as_deref().is_none_or(|c| catalog::in_cluster(o, c))
            && self.group.as_deref().is_none_or(|g| o.soc.as_str().starts_with(g))
    }
}

/// The home page's lists on one snapshot.
pub struct HomeLists {
    pub snapshot: Arc<Snapshot>,
    /// Occupations and credentials found by the search text (none without one), at most
    /// [`MAX_RESULTS`], best first.
    pub results: Vec<Found>,
    /// The region's high-demand occupations (on figures of their own), most openings first.
    pub high_demand: Vec<OccupationDemand>,
    /// Every career cluster of the catalog's occupations.
    pub clusters: BTreeSet<String>,
    /// SOC major-group prefixes some occupation has.
    pub groups: BTreeSet<String>,
    /// `US` and every region with demand figures.
    pub regions: BTreeSet<String>,
}

/// Searches occupations and credentials for `text` (see [`super::search`]; with a cluster or
/// group filter, occupations only, within it) and lists the high-demand occupations of
/// `region` under the configured policy within `filter`, on the blocking pool.
/// Time O(occupations) plus the search.
pub async fn home(
    app: &App,
    region: &str,
    lang: Lang,
    text: Option<&str>,
    filter: &OccupationFilter,
) -> Result<HomeLists, AppError> {
    let (snap, hits) = match text {
        None => (app.catalog.snapshot(), Vec::new()),
        Some(q) => {
            let occupations_only = filter.cluster.is_some() || filter.group.is_some();
            let params = SearchParams {
                q: q.to_owned(),
                lang,
                kinds: if occupations_only {
                    vec![HitKind::Occupation]
                } else {
                    vec![HitKind::Occupation, HitKind::Credential]
                },
                // Hits are the same in every region; the page's region may have no figures.
                region: crate::domain::region::NATIONAL.to_owned(),
                routes_only: false,
                limit: super::search::MAX_LIMIT,
            };
            let found = super::search::search(app, params).await?;
            (found.snapshot, found.hits)
        }
    };
    let policy = app.settings.high_demand;
    let region = region.to_owned();
    let filter = filter.clone();
    app.run_blocking(move || Ok(lists(snap, &region, &policy, hits, &filter)))
        .await
}

fn lists(
    snap: Arc<Snapshot>,
    region: &str,
    policy: &HighDemandPolicy,
    hits: Vec<SearchHit>,
    filter: &OccupationFilter,
) -> HomeLists {
    let g = &snap.graph;
    let occs = &snap.bundle().occupations;
    let demand = |o: &Occupation| {
        g.occupation_ix(o.soc.as_str())
            .map(|ix| snap.demand().occupation(g, ix, region, policy))
    };
    let results: Vec<Found> = hits
        .into_iter()
        .filter_map(|hit| match hit.kind {
            HitKind::Occupation => {
                let o = g.occupation(g.occupation_ix(&hit.id)?);
                let d = demand(o).filter(|_| filter.keeps(o))?;
                Some(Found {
                    hit,
                    occupation: Some(d),
                })
            }
            _ => Some(Found { hit, occupation: None }),
        })
        .take(MAX_RESULTS)
        .collect();
    let mut high_demand: Vec<OccupationDemand> = occs
        .iter()
        .filter(|o| filter.keeps(o))
        .filter_map(demand)
        .filter(OccupationDemand::high_demand_on_its_own)
        .collect();
    high_demand.sort_by(|a, b| {
        b.annual_openings
            .unwrap_or(0.0)
            .total_cmp(&a.annual_openings.unwrap_or(0.0))
    });
    let clusters = occs
        .iter()
        .flat_map(|o| catalog::clusters(o).into_iter().map(str::to_owned))
        .collect();
    let groups = occs
        .iter()
        .filter_map(|o| o.soc.as_str().get(..2).map(str::to_owned))
        .collect();
    let regions = occs
        .iter()
        .flat_map(|o| o.demand.iter().map(|d| d.region.clone()))
        .chain([crate::domain::region::NATIONAL.to_owned()])
        .collect();
    HomeLists {
        snapshot: snap,
        results,
        high_demand,
        clusters,
        groups,
        regions,
    }
}
