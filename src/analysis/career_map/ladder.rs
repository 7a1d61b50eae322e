//! The credential ladder of an occupation: its entry credentials and every credential below
//! them (named in their requirement groups, or stacking into them), by level, with the demand
//! of the occupations each rung opens.
//!
//! Time O(rungs + their requirement members + their occupations).

use crate::analysis::demand::{DemandIndex, HighDemandPolicy, OccupationDemand};
use crate::graph::{CatalogGraph, CredentialIx, Item, OccupationIx};
use std::collections::BTreeSet;

/// One rung of a ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct Rung {
    pub credential: CredentialIx,
    /// Whether it is an entry credential of the occupation (the top of the ladder).
    pub entry: bool,
    /// Ladder credentials it stacks into or is required by.
    pub leads_to: Vec<CredentialIx>,
    pub occupations: Vec<OccupationDemand>,
}

/// The ladder of `occupation`, lowest level first (ties by id).
pub fn ladder(
    g: &CatalogGraph,
    demand: &DemandIndex,
    policy: &HighDemandPolicy,
    occupation: OccupationIx,
    region: &str,
) -> Vec<Rung> {
    let tops = g.entry_credentials(occupation);
    let mut seen: BTreeSet<CredentialIx> = tops.iter().copied().collect();
    let mut stack: Vec<CredentialIx> = tops.to_vec();
    while let Some(c) = stack.pop() {
        let below = g
            .requirements(c)
            .iter()
            .flat_map(|grp| grp.items().iter())
            .filter_map(|i| match i {
                Item::Credential(k) => Some(*k),
                _ => None,
            })
            .chain(g.stacked_from(c).iter().copied())
            .collect::<Vec<_>>();
        for k in below {
            if seen.insert(k) {
                stack.push(k);
            }
        }
    }
    let mut rungs: Vec<Rung> = seen
        .iter()
        .map(|&c| {
            let mut leads_to: Vec<CredentialIx> =
                g.stacks_into(c).iter().copied().filter(|k| seen.contains(k)).collect();
            for k in g.counts_toward(Item::Credential(c)) {
                if let Item::Credential(k) = k
                    && seen.contains(&k)
                    && !leads_to.contains(&k)
                {
                    leads_to.push(k);
                }
            }
            leads_to.sort();
            Rung {
                credential: c,
                entry: tops.contains(&c),
                leads_to,
                occupations: g
                    .qualifies_for(c)
                    .iter()
                    .map(|&o| demand.occupation(g, o, region, policy))
                    .collect(),
            }
        })
        .collect();
    rungs.sort_by(|a, b| {
        let (ca, cb) = (g.credential(a.credential), g.credential(b.credential));
        ca.level.cmp(&cb.level).then(ca.id.cmp(&cb.id))
    });
    rungs
}
