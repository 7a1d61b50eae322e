//! Labor-market demand per region and the high-demand policy.
//!
//! An occupation is flagged `high_demand` in a region by a rule over the demand figures of
//! that region, never by a hand-kept list. The default rule ([`HighDemandPolicy::default`]):
//!
//! - its average **annual openings** are at or above the 50th percentile of the openings of
//!   every occupation with figures in that region, **and**
//! - its **median wage** is at or above the 50th percentile of those occupations' wages, **and**
//! - when a growth floor is configured, its projected **growth** is at least that many percent.
//!
//! The percentiles and the growth floor are settings (`CAREERMAP_HIGH_DEMAND_OPENINGS_PERCENTILE`,
//! `CAREERMAP_HIGH_DEMAND_WAGE_PERCENTILE`, `CAREERMAP_HIGH_DEMAND_MIN_GROWTH_PCT`). Percentiles use
//! the nearest-rank method over the region's sorted figures. An occupation without figures in
//! the requested region is judged by its national (`US`) figures against the national
//! distribution, and the answer says so (`fallback`). An occupation missing a figure the rule
//! needs is not high demand.
//!
//! The sorted per-region figures are computed once per snapshot ([`DemandIndex::build`],
//! O(occupations · log occupations)); a lookup is O(1) after that.

use crate::graph::{CatalogGraph, OccupationIx};
use std::collections::HashMap;

/// The configurable high-demand rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HighDemandPolicy {
    /// Openings must reach this percentile (0-100) of the region's openings. Default 50.
    pub openings_percentile: f64,
    /// The median wage must reach this percentile (0-100) of the region's wages. Default 50.
    pub wage_percentile: f64,
    /// When set, projected growth (percent) must be at least this. Default: not used.
    pub min_growth_pct: Option<f64>,
}

impl Default for HighDemandPolicy {
    fn default() -> Self {
        HighDemandPolicy {
            openings_percentile: 50.0,
            wage_percentile: 50.0,
            min_growth_pct: None,
        }
    }
}

impl HighDemandPolicy {
    /// Checks the percentiles are within 0-100 and the growth floor is finite.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("CAREERMAP_HIGH_DEMAND_OPENINGS_PERCENTILE", self.openings_percentile),
            ("CAREERMAP_HIGH_DEMAND_WAGE_PERCENTILE", self.wage_percentile),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return Err(format!("{name} must be between 0 and 100, got {v}"));
            }
        }
        if self.min_growth_pct.is_some_and(|g| !g.is_finite()) {
            return Err("CAREERMAP_HIGH_DEMAND_MIN_GROWTH_PCT must be a number".into());
        }
        Ok(())
    }
}

/// The sorted openings and wages of one region.
#[derive(Debug, Default)]
struct RegionFigures {
    /// Occupations with a demand record in the region.
    occupations: usize,
    openings: Vec<f64>,
    wages: Vec<f64>,
}

/// Per-region distributions of the demand figures of one snapshot.
#[derive(Debug, Default)]
pub struct DemandIndex {
    regions: HashMap<String, RegionFigures>,
}

/// The demand of one occupation as a career map reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupationDemand {
    pub occupation: OccupationIx,
    /// The region the figures are for (the requested one, or `US` on fallback).
    pub region: String,
    /// True when the requested region had no figures and national ones are used.
    pub fallback: bool,
    pub median_wage: Option<f64>,
    pub annual_openings: Option<f64>,
    pub growth_pct: Option<f64>,
    pub high_demand: bool,
}

/// What the high-demand flags of a region were judged against: the distribution's region
/// (the requested one, or `US` when it has no figures), its size and the thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandBasis {
    pub region: String,
    /// Occupations with demand figures in `region` (the whole distribution, not only the map's).
    pub occupations_in_distribution: usize,
    pub openings_threshold: Option<f64>,
    pub wage_threshold: Option<f64>,
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

impl DemandIndex {
    /// Collects and sorts every region's openings and wages. O(n log n) in the number of
    /// demand records.
    pub fn build(graph: &CatalogGraph) -> DemandIndex {
        let mut regions: HashMap<String, RegionFigures> = HashMap::new();
        for occ in &graph.bundle().occupations {
            for d in &occ.demand {
                let r = regions.entry(d.region.clone()).or_default();
                r.occupations += 1;
                if let Some(o) = d.annual_openings.filter(|v| v.is_finite()) {
                    r.openings.push(o);
                }
                if let Some(w) = d.median_wage.filter(|v| v.is_finite()) {
                    r.wages.push(w);
                }
            }
        }
        for r in regions.values_mut() {
            r.openings.sort_by(f64::total_cmp);
            r.wages.sort_by(f64::total_cmp);
        }
        DemandIndex { regions }
    }

    /// The thresholds of `policy` in `region`: (openings, wage).
    pub fn thresholds(&self, region: &str, policy: &HighDemandPolicy) -> Option<(f64, f64)> {
        let r = self.regions.get(region)?;
        Some((
            percentile(&r.openings, policy.openings_percentile)?,
            percentile(&r.wages, policy.wage_percentile)?,
        ))
    }

    /// The basis of the flags in `region`: its own distribution, or the national one when the
    /// region has no figures. None when neither has any.
    pub fn basis(&self, region: &str, policy: &HighDemandPolicy) -> Option<DemandBasis> {
        let (name, r) = self
            .regions
            .get_key_value(region)
            .or_else(|| self.regions.get_key_value("US"))?;
        Some(DemandBasis {
            region: name.clone(),
            occupations_in_distribution: r.occupations,
            openings_threshold: percentile(&r.openings, policy.openings_percentile),
            wage_threshold: percentile(&r.wages, policy.wage_percentile),
        })
    }

    /// The demand of `o` in `region` (national fallback) and whether it is high demand.
    pub fn occupation(
        &self,
        graph: &CatalogGraph,
        o: OccupationIx,
        region: &str,
        policy: &HighDemandPolicy,
    ) -> OccupationDemand {
        let occ = graph.occupation(o);
        match occ.demand_in(region) {
            None => OccupationDemand {
                occupation: o,
                region: region.to_owned(),
                fallback: false,
                median_wage: None,
                annual_openings: None,
                growth_pct: None,
                high_demand: false,
            },
            Some((d, fallback)) => {
                let high_demand = match (d.annual_openings, d.median_wage, self.thresholds(&d.region, policy)) {
                    (Some(open), Some(wage), Some((t_open, t_wage))) => {
                        open >= t_open
                            && wage >= t_wage
                            && policy
                                .min_growth_pct
                                .is_none_or(|g| d.growth_pct.is_some_and(|x| x >= g))
                    }
                    _ => false,
                };
                OccupationDemand {
                    occupation: o,
                    region: d.region.clone(),
                    fallback,
                    median_wage: d.median_wage,
                    annual_openings: d.annual_openings,
                    growth_pct: d.growth_pct,
                    high_demand,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v = [10.0, 20.0, 30.0, 40.0];
        assert_eq!(percentile(&v, 50.0), Some(20.0));
        assert_eq!(percentile(&v, 0.0), Some(10.0));
        assert_eq!(percentile(&v, 100.0), Some(40.0));
        assert_eq!(percentile(&v, 76.0), Some(40.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn policy_checks_ranges() {
        assert!(HighDemandPolicy::default().validate().is_ok());
        let bad = HighDemandPolicy {
            wage_percentile: 120.0,
            ..Default::default()
        };
        assert!(bad.validate().unwrap_err().contains("WAGE_PERCENTILE"));
    }

    #[test]
    fn seed_flags_follow_the_distribution() {
        let bundle = crate::domain::Bundle::from_json(crate::service::SEED.as_bytes()).unwrap();
        let g = CatalogGraph::build(1, bundle);
        let idx = DemandIndex::build(&g);
        let policy = HighDemandPolicy::default();
        let rn = idx.occupation(&g, g.occupation_ix("29-1141").unwrap(), "TX", &policy);
        assert!(rn.high_demand, "registered nurses: many openings, high wage");
        assert!(rn.fallback && rn.region == "US");
        let aide = idx.occupation(&g, g.occupation_ix("31-1131").unwrap(), "US", &policy);
        assert!(!aide.high_demand, "nursing assistants: many openings, low wage");
        assert!(!aide.fallback);
    }
}
