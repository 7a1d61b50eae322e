//! The home page's lists: occupation search and the region's high-demand occupations, with
//! the choices of its filters (career clusters, SOC major groups, regions).

use crate::analysis::catalog;
use crate::analysis::demand::{HighDemandPolicy, OccupationDemand};
use crate::domain::Occupation;
use crate::service::Snapshot;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The most occupations a search lists.
pub const MAX_RESULTS: usize = 100;

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
    /// Occupations matching the search text (none without one), at most [`MAX_RESULTS`].
    pub results: Vec<OccupationDemand>,
    /// The region's high-demand occupations (on figures of their own), most openings first.
    pub high_demand: Vec<OccupationDemand>,
    /// Every career cluster of the catalog's occupations.
    pub clusters: BTreeSet<String>,
    /// SOC major-group prefixes some occupation has.
    pub groups: BTreeSet<String>,
    /// `US` and every region with demand figures.
    pub regions: BTreeSet<String>,
}

/// Searches `snap`'s occupations for `text` (case-insensitive, in SOC code and title) and
/// lists the high-demand occupations of `region` under `policy`, both within `filter`.
/// Time O(occupations).
pub fn home(
    snap: Arc<Snapshot>,
    region: &str,
    policy: &HighDemandPolicy,
    text: Option<&str>,
    filter: &OccupationFilter,
) -> HomeLists {
    let g = &snap.graph;
    let occs = &snap.bundle().occupations;
    let demand = |o: &Occupation| {
        g.occupation_ix(o.soc.as_str())
            .map(|ix| snap.demand().occupation(g, ix, region, policy))
    };
    let needle = text.map(str::to_lowercase);
    let results: Vec<OccupationDemand> = match &needle {
        None => Vec::new(),
        Some(_) => occs
            .iter()
            .filter(|o| filter.keeps(o) && catalog::matches(&needle, &[o.soc.as_str(), &o.title]))
            .filter_map(demand)
            .take(MAX_RESULTS)
            .collect(),
    };
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
