//! The alignment report's indicators, and two reports (of two dataset versions) compared
//! indicator by indicator: the numbers a state pathway team tracks over time.

use super::report::AlignmentReport;
use crate::graph::CatalogGraph;
use std::collections::{BTreeMap, BTreeSet};

/// One indicator of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub name: &'static str,
    /// What it is about (an entry point, a system, a gap kind), or `all`.
    pub subject: &'static str,
    pub value: f64,
}

/// The indicators of `r` (computed on `g`), in a fixed order.
pub fn indicators(g: &CatalogGraph, r: &AlignmentReport) -> Vec<Indicator> {
    let mut out = Vec::new();
    let mut push = |name, subject, value| out.push(Indicator { name, subject, value });
    push("high_demand_occupations", "all", r.high_demand_occupations.len() as f64);
    for s in &r.pathway_share {
        push("pathway_share", s.entry.as_str(), s.share);
        push("pathway_reachable", s.entry.as_str(), s.reachable as f64);
    }
    for t in &r.transitions {
        push("transitions", t.from.as_str(), t.transitions as f64);
        push("transitions_articulated", t.from.as_str(), t.articulated as f64);
        push("transitions_share", t.from.as_str(), t.share);
    }
    push(
        "hours_duplicated_without_articulation",
        "all",
        r.hours_duplicated_without_articulation,
    );
    push("dead_ends", "all", r.dead_ends.len() as f64);
    for (k, n) in &r.gaps_by_kind {
        push("gaps", k.as_str(), *n as f64);
    }
    push("foundational_uncovered", "all", r.foundational_uncovered as f64);
    let impact: f64 = r.top_gaps.iter().map(|x| x.impact).fold(0.0, |a, b| a + b);
    push("top_gaps_impact", "all", impact);
    push("credentials", "all", g.n_credentials() as f64);
    let total: u64 = r.complexity.iter().map(|c| c.structural_complexity).sum();
    let mean = if r.complexity.is_empty() {
        0.0
    } else {
        total as f64 / r.complexity.len() as f64
    };
    push("mean_structural_complexity", "all", mean);
    out
}

/// One indicator in two versions.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorChange {
    pub name: &'static str,
    pub subject: &'static str,
    /// In the report's version.
    pub value: f64,
    /// In the compared version (0 when the indicator is missing there).
    pub compared: f64,
    /// `value - compared`.
    pub change: f64,
}

/// A report against the report of another dataset version.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The compared version.
    pub version: u64,
    pub indicators: Vec<IndicatorChange>,
    /// SOC codes of high-demand occupations added since the compared version, and removed.
    pub high_demand_added: Vec<String>,
    pub high_demand_removed: Vec<String>,
    /// Credential ids of dead ends that are new, and that were resolved.
    pub dead_ends_added: Vec<String>,
    pub dead_ends_resolved: Vec<String>,
}

/// Compares report `r` of graph `g` with report `old` of graph `og` (records are matched by
/// id, as indices differ between versions). Time O(indicators + occupations + credentials).
pub fn compare(g: &CatalogGraph, r: &AlignmentReport, og: &CatalogGraph, old: &AlignmentReport) -> Comparison {
    let then: BTreeMap<(&str, &str), f64> = indicators(og, old)
        .into_iter()
        .map(|i| ((i.name, i.subject), i.value))
        .collect();
    let socs = |g: &CatalogGraph, r: &AlignmentReport| -> BTreeSet<String> {
        r.high_demand_occupations
            .iter()
            .map(|&o| g.occupation(o).soc.to_string())
            .collect()
    };
    let ends = |g: &CatalogGraph, r: &AlignmentReport| -> BTreeSet<String> {
        r.dead_ends.iter().map(|&c| g.credential(c).id.to_string()).collect()
    };
    let (hn, ho) = (socs(g, r), socs(og, old));
    let (dn, d_old) = (ends(g, r), ends(og, old));
    Comparison {
        version: og.version(),
        indicators: indicators(g, r)
            .into_iter()
            .map(|i| {
                let compared = then.get(&(i.name, i.subject)).copied().unwrap_or(0.0);
                IndicatorChange {
                    name: i.name,
                    subject: i.subject,
                    value: i.value,
                    compared,
                    change: i.value - compared,
                }
            })
            .collect(),
        high_demand_added: hn.difference(&ho).cloned().collect(),
        high_demand_removed: ho.difference(&hn).cloned().collect(),
        dead_ends_added: dn.difference(&d_old).cloned().collect(),
        dead_ends_resolved: d_old.difference(&dn).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::gaps::GapParams;
    use crate::analysis::report::alignment;
    use crate::domain::Bundle;

    #[test]
    fn a_report_against_itself_changes_nothing_and_a_dropped_occupation_is_removed() {
        let b = Bundle::from_json(crate::service::SEED.as_bytes()).unwrap();
        let g = CatalogGraph::build(2, b.clone());
        let r = alignment(&g, &GapParams::default());
        let same = compare(&g, &r, &g, &r);
        assert!(same.indicators.iter().all(|i| i.change == 0.0 && i.value == i.compared));
        assert!(same.high_demand_added.is_empty() && same.high_demand_removed.is_empty());
        assert_eq!(same.indicators.len(), indicators(&g, &r).len());

        let gone = g.occupation(r.high_demand_occupations[0]).soc.to_string();
        let mut fewer = b;
        fewer.occupations.retain(|o| o.soc.as_str() != gone);
        let og = CatalogGraph::build(1, fewer);
        let old = alignment(&og, &GapParams::default());
        let c = compare(&g, &r, &og, &old);
        assert_eq!(c.version, 1);
        assert!(c.high_demand_added.contains(&gone), "{c:?}");
        let hd = c
            .indicators
            .iter()
            .find(|i| i.name == "high_demand_occupations")
            .unwrap();
        assert_eq!(hd.change, hd.value - hd.compared);
    }
}
