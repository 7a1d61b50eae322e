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
//! The wage of a region is the demand record's median wage, or else the occupation's OEWS
//! wages for that region (a state or metro workbook), so a state's projections table (openings)
//! and its OEWS workbook (wages) judge together.
//!
//! **Flagged figures** ([`crate::domain::Demand::flags`]) are never compared as exact numbers:
//! a suppressed figure is unknown (left out of the distribution; the occupation is not high
//! demand), and a top-coded median wage is a lower bound ([`Figure::AtLeast`]): it sorts at its
//! bound, passes a threshold it reaches, and otherwise, like an exact wage set against a
//! threshold that is itself a bound, leaves the answer unknown, hence not high demand.
//!
//! **Aggregated occupations** (`covers`, e.g. BLS's 31-1120 for 31-1121 and 31-1122) enter a
//! region's distribution once: an aggregate's figures count unless an occupation it covers has
//! figures of its own in that region (then the finer figures count and the aggregate's do not),
//! so no job is counted twice. A covered occupation with no figures of its own (31-1121 once
//! O*NET is pulled) is shown with its aggregate's figures, named in
//! [`OccupationDemand::figures_of`]: BLS projects the two together, and those figures stand for
//! each of them. Where an occupation it covers has figures of its own in the region, the
//! aggregate is superseded there: not high demand, and no one's fallback (its figures would hold
//! that occupation's jobs a second time).

use crate::domain::Figure;
use crate::graph::{CatalogGraph, OccupationIx};
use std::collections::{HashMap, HashSet};

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
        HighDemandPolicy::DEFAULT
    }
}

impl HighDemandPolicy {
    /// The default rule: the median of openings and of wages, no growth floor.
    pub const DEFAULT: HighDemandPolicy = HighDemandPolicy {
        openings_percentile: 50.0,
        wage_percentile: 50.0,
        min_growth_pct: None,
    };

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
    /// Exact wages and lower bounds (`true`), sorted by value, a bound after an equal exact.
    wages: Vec<(f64, bool)>,
}

/// Per-region distributions of the demand figures of one snapshot.
#[derive(Debug, Default)]
pub struct DemandIndex {
    regions: HashMap<String, RegionFigures>,
    /// Each covered occupation's aggregate (the first that lists it in `covers`).
    aggregate_of: HashMap<String, OccupationIx>,
    /// Per aggregate, the regions where an occupation it covers has figures of its own: there
    /// the finer figures count, so the aggregate is neither high demand nor anyone's fallback.
    superseded: HashMap<OccupationIx, Vec<String>>,
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
    /// The demand record's flags (`median_wage_top_coded`, `openings_suppressed`...).
    pub flags: Vec<String>,
    /// The aggregate whose figures these are, when `occupation` has none of its own (31-1120
    /// for 31-1121); None for the occupation's own figures.
    pub figures_of: Option<OccupationIx>,
}

impl OccupationDemand {
    /// High demand on figures of its own: what lists and sums (the home page's list, gaps, the
    /// alignment report) go by, so an aggregate's openings count once, as the aggregate.
    pub fn high_demand_on_its_own(&self) -> bool {
        self.high_demand && self.figures_of.is_none()
    }
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

/// Nearest-rank percentile of wages some of which are bounds: a bound at the rank makes the
/// threshold a bound.
fn wage_percentile(sorted: &[(f64, bool)], p: f64) -> Option<Figure> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    let (v, bound) = sorted[rank.min(sorted.len()) - 1];
    Some(if bound { Figure::AtLeast(v) } else { Figure::Exact(v) })
}

impl DemandIndex {
    /// Collects and sorts every region's openings and wages. O(n log n) in the number of
    /// demand records.
    pub fn build(graph: &CatalogGraph) -> DemandIndex {
        let b = graph.bundle();
        // (SOC, region) pairs with figures, to leave out an aggregate whose covered
        // occupations have their own figures in a region.
        let has: HashSet<(&str, &str)> = b
            .occupations
            .iter()
            .flat_map(|o| o.demand.iter().map(move |d| (o.soc.as_str(), d.region.as_str())))
            .collect();
        let mut regions: HashMap<String, RegionFigures> = HashMap::new();
        let mut superseded: HashMap<OccupationIx, Vec<String>> = HashMap::new();
        let mut aggregate_of = HashMap::new();
        for (i, occ) in b.occupations.iter().enumerate() {
            for c in &occ.covers {
                aggregate_of
                    .entry(c.as_str().to_owned())
                    .or_insert(OccupationIx(i as u32));
            }
            for d in &occ.demand {
                if occ
                    .covers
                    .iter()
                    .any(|c| has.contains(&(c.as_str(), d.region.as_str())))
                {
                    superseded
                        .entry(OccupationIx(i as u32))
                        .or_default()
                        .push(d.region.clone());
                    continue;
                }
                let r = regions.entry(d.region.clone()).or_default();
                r.occupations += 1;
                if let Some(o) = d.openings_figure().exact() {
                    r.openings.push(o);
                }
                match occ.wage_in(d) {
                    Figure::Exact(w) => r.wages.push((w, false)),
                    Figure::AtLeast(w) => r.wages.push((w, true)),
                    Figure::Unknown => {}
                }
            }
        }
        for r in regions.values_mut() {
            r.openings.sort_by(f64::total_cmp);
            r.wages.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        DemandIndex {
            regions,
            aggregate_of,
            superseded,
        }
    }

    /// The thresholds of `policy` in `region`: (openings, wage; the wage may be a bound).
    fn thresholds(&self, region: &str, policy: &HighDemandPolicy) -> Option<(f64, Figure)> {
        let r = self.regions.get(region)?;
        Some((
            percentile(&r.openings, policy.openings_percentile)?,
            wage_percentile(&r.wages, policy.wage_percentile)?,
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
            wage_threshold: wage_percentile(&r.wages, policy.wage_percentile).and_then(Figure::shown),
        })
    }

    /// The demand of `o` in `region` (national fallback) and whether it is high demand; for a
    /// covered occupation with no figures of its own, its aggregate's (see the module docs).
    pub fn occupation(
        &self,
        graph: &CatalogGraph,
        o: OccupationIx,
        region: &str,
        policy: &HighDemandPolicy,
    ) -> OccupationDemand {
        let occ = graph.occupation(o);
        if occ.demand_in(region).is_none()
            && let Some(&a) = self.aggregate_of.get(occ.soc.as_str())
            && a != o
            && let Some((d, _)) = graph.occupation(a).demand_in(region)
            && !self.is_superseded(a, &d.region)
        {
            return OccupationDemand {
                occupation: o,
                figures_of: Some(a),
                ..self.own(graph, a, region, policy)
            };
        }
        self.own(graph, o, region, policy)
    }

    /// Whether occupations `aggregate` covers have figures of their own in `region`.
    fn is_superseded(&self, aggregate: OccupationIx, region: &str) -> bool {
        self.superseded
            .get(&aggregate)
            .is_some_and(|r| r.iter().any(|r| r == region))
    }

    /// The demand of `o` from its own records.
    fn own(&self, graph: &CatalogGraph, o: OccupationIx, region: &str, policy: &HighDemandPolicy) -> OccupationDemand {
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
                flags: Vec::new(),
                figures_of: None,
            },
            Some((d, fallback)) => {
                let wage = occ.wage_in(d);
                let high_demand = !self.is_superseded(o, &d.region)
                    && match (d.openings_figure(), self.thresholds(&d.region, policy)) {
                        (Figure::Exact(open), Some((t_open, t_wage))) => {
                            open >= t_open
                                && wage.at_least(t_wage) == Some(true)
                                && policy
                                    .min_growth_pct
                                    .is_none_or(|g| d.growth_figure().at_least(Figure::Exact(g)) == Some(true))
                        }
                        _ => false,
                    };
                OccupationDemand {
                    occupation: o,
                    region: d.region.clone(),
                    fallback,
                    median_wage: wage.shown(),
                    annual_openings: d.openings_figure().exact(),
                    growth_pct: d.growth_figure().exact(),
                    high_demand,
                    flags: {
                        // A bound read from the region's OEWS wages is flagged like one on the
                        // demand record, so a shown wage is never taken for an exact one.
                        let mut f = d.flags.clone();
                        if matches!(wage, Figure::AtLeast(_)) && !f.iter().any(|x| x == "median_wage_top_coded") {
                            f.push("median_wage_top_coded".to_owned());
                        }
                        f
                    },
                    figures_of: None,
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

    fn graph(occupations: serde_json::Value) -> CatalogGraph {
        let b =
            crate::domain::Bundle::from_json(serde_json::json!({ "occupations": occupations }).to_string().as_bytes())
                .unwrap();
        CatalogGraph::build(1, b)
    }

    fn occ(soc: &str, open: f64, wage: f64, flags: &[&str]) -> serde_json::Value {
        serde_json::json!({"soc": soc, "title": soc,
            "demand": [{"region": "US", "annual_openings": open, "median_wage": wage, "flags": flags}]})
    }

    fn high(g: &CatalogGraph, soc: &str) -> bool {
        let idx = DemandIndex::build(g);
        idx.occupation(g, g.occupation_ix(soc).unwrap(), "US", &HighDemandPolicy::default())
            .high_demand
    }

    #[test]
    fn suppressed_figures_are_unknown_not_numbers() {
        // 11-0003's openings are withheld; the number beside the flag must not count.
        let g = graph(serde_json::json!([
            occ("11-0001", 100.0, 50_000.0, &[]),
            occ("11-0002", 200.0, 60_000.0, &[]),
            occ("11-0003", 900_000.0, 90_000.0, &["openings_suppressed"]),
            occ("11-0004", 300.0, 70_000.0, &["median_wage_suppressed"]),
        ]));
        let idx = DemandIndex::build(&g);
        let basis = idx.basis("US", &HighDemandPolicy::default()).unwrap();
        // Openings 100, 200, 300 -> median 200; wages 50k, 60k, 90k -> median 60k.
        assert_eq!(basis.openings_threshold, Some(200.0));
        assert_eq!(basis.wage_threshold, Some(60_000.0));
        assert!(!high(&g, "11-0003"), "withheld openings are unknown, not 900,000");
        assert!(!high(&g, "11-0004"), "a withheld wage is unknown");
        assert!(high(&g, "11-0002"));
        let d = idx.occupation(
            &g,
            g.occupation_ix("11-0003").unwrap(),
            "US",
            &HighDemandPolicy::default(),
        );
        assert_eq!(d.annual_openings, None);
        assert_eq!(d.flags, ["openings_suppressed"]);
    }

    #[test]
    fn a_top_coded_wage_is_a_bound() {
        // The bound reaches the threshold: high demand.
        let g = graph(serde_json::json!([
            occ("29-0001", 100.0, 50_000.0, &[]),
            occ("29-0002", 200.0, 60_000.0, &[]),
            occ("29-0003", 300.0, 239_200.0, &["median_wage_top_coded"]),
        ]));
        assert!(high(&g, "29-0003"));
        // The threshold lands on a bound: an exact wage cannot be compared with it, nor can
        // another bound, so nobody is high demand (unknown), not "everyone at 239,200 and up".
        let g = graph(serde_json::json!([
            occ("29-0001", 100.0, 50_000.0, &[]),
            occ("29-0002", 200.0, 239_200.0, &["median_wage_top_coded"]),
            occ("29-0003", 300.0, 239_200.0, &["median_wage_top_coded"]),
            occ("29-0004", 400.0, 300_000.0, &[]),
        ]));
        let idx = DemandIndex::build(&g);
        assert_eq!(
            idx.thresholds("US", &HighDemandPolicy::default()).unwrap().1,
            Figure::AtLeast(239_200.0)
        );
        for soc in ["29-0002", "29-0003", "29-0004"] {
            assert!(!high(&g, soc), "{soc}: compared against a bound");
        }
    }

    #[test]
    fn an_aggregate_enters_the_distribution_once() {
        let agg = |detailed_have_figures: bool| {
            let mut occs = vec![
                occ("31-0001", 100.0, 30_000.0, &[]),
                occ("31-0002", 200.0, 40_000.0, &[]),
                serde_json::json!({"soc": "31-1120", "title": "Home health and personal care aides",
                    "covers": ["31-1121", "31-1122"],
                    "demand": [{"region": "US", "annual_openings": 765_800.0, "median_wage": 34_900.0}]}),
            ];
            for soc in ["31-1121", "31-1122"] {
                occs.push(if detailed_have_figures {
                    occ(soc, 300_000.0, 35_000.0, &[])
                } else {
                    serde_json::json!({"soc": soc, "title": soc})
                });
            }
            let g = graph(serde_json::Value::Array(occs));
            DemandIndex::build(&g)
                .basis("US", &HighDemandPolicy::default())
                .unwrap()
                .occupations_in_distribution
        };
        assert_eq!(agg(false), 3, "the aggregate stands for the detailed occupations");
        assert_eq!(agg(true), 4, "the detailed figures count, the aggregate's do not");
    }

    #[test]
    fn a_covered_occupation_without_figures_shows_its_aggregates() {
        // `sibling`: the demand of 31-1122, the other occupation the aggregate covers.
        let catalog = |sibling: serde_json::Value| {
            graph(serde_json::json!([
                occ("31-0001", 100.0, 30_000.0, &[]),
                occ("31-0002", 50.0, 20_000.0, &[]),
                {"soc": "31-1120", "title": "Home health and personal care aides", "covers": ["31-1121", "31-1122"],
                    "demand": [{"region": "US", "annual_openings": 765_800.0, "median_wage": 34_900.0}]},
                {"soc": "31-1121", "title": "Home health aides"},
                {"soc": "31-1122", "title": "Personal care aides", "demand": sibling},
                {"soc": "31-9999", "title": "Uncovered, no figures"},
            ]))
        };
        let policy = HighDemandPolicy::default();
        let g = catalog(serde_json::json!([]));
        let idx = DemandIndex::build(&g);
        let at = |soc: &str, region: &str| idx.occupation(&g, g.occupation_ix(soc).unwrap(), region, &policy);
        let aggregate = at("31-1120", "US");
        assert!(aggregate.high_demand && aggregate.figures_of.is_none());
        for soc in ["31-1121", "31-1122"] {
            let d = at(soc, "US");
            assert_eq!(d.occupation, g.occupation_ix(soc).unwrap());
            assert_eq!(d.figures_of, g.occupation_ix("31-1120"), "{soc}");
            assert_eq!(
                (d.annual_openings, d.median_wage, d.high_demand),
                (Some(765_800.0), aggregate.median_wage, true)
            );
        }
        // With a state asked for, the national fallback of the aggregate is said as such.
        let tx = at("31-1121", "TX");
        assert!(tx.fallback && tx.figures_of.is_some() && tx.region == "US");
        let none = at("31-9999", "US");
        assert_eq!((none.figures_of, none.annual_openings), (None, None));

        // Once a covered occupation has figures of its own, they count and the aggregate's do
        // not: it is not high demand and stands for nobody (its figures hold the sibling's jobs).
        let g = catalog(serde_json::json!([{"region": "US", "annual_openings": 500.0, "median_wage": 33_000.0}]));
        let idx = DemandIndex::build(&g);
        let at = |soc: &str| idx.occupation(&g, g.occupation_ix(soc).unwrap(), "US", &policy);
        assert!(!at("31-1120").high_demand);
        assert_eq!(at("31-1120").annual_openings, Some(765_800.0), "still shown");
        assert_eq!(
            (at("31-1122").figures_of, at("31-1122").annual_openings),
            (None, Some(500.0))
        );
        assert_eq!((at("31-1121").figures_of, at("31-1121").annual_openings), (None, None));
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
