//! Supply against demand (Career Pathways element 2, "compare the capacity of education and
//! training systems to the needs of employers"), behind `GET /v1/reports/supply`.
//!
//! For each occupation and region:
//!
//! * **completers**: people finishing, in a year, the credentials that qualify for the
//!   occupation (its entry credentials, stated or through the CIP-SOC crosswalk), from each
//!   credential's `annual_completers` (imported, or pulled from IPEDS completions by CIP). A
//!   credential that qualifies for several occupations has its completers split evenly among
//!   them, so that no completer is counted twice across the report.
//! * **openings**: annual openings in the region (national figures when the region has none).
//! * **ratio** = completers / openings, and a **status**: `under_supply` when the ratio is
//!   below `under` (default 0.8), `over_supply` above `over` (default 1.5), `balanced`
//!   between, `unknown` when no qualifying credential has a completers figure or the
//!   occupation has no openings figure (absent, or flagged `openings_suppressed`: a withheld
//!   figure is unknown, never a number).
//!
//! Completers are not regional (a credential has no region); a state reads a report for its
//! region after importing or pulling its own completions.

use super::gaps::openings;
use crate::graph::{CatalogGraph, CredentialIx, OccupationIx};

/// Default ratio below which an occupation is under-supplied.
pub const DEFAULT_UNDER: f64 = 0.8;
/// Default ratio above which an occupation is over-supplied.
pub const DEFAULT_OVER: f64 = 1.5;

/// Supply status of one occupation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    UnderSupply,
    OverSupply,
    Balanced,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::UnderSupply => "under_supply",
            Status::OverSupply => "over_supply",
            Status::Balanced => "balanced",
            Status::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::UnderSupply,
            Status::OverSupply,
            Status::Balanced,
            Status::Unknown,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One occupation's supply and demand.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyRow {
    pub occupation: OccupationIx,
    /// Annual openings in the region (None when unknown).
    pub annual_openings: Option<f64>,
    /// Completers counted for the occupation (None when no qualifying credential has a figure).
    pub completers: Option<f64>,
    /// completers / openings.
    pub ratio: Option<f64>,
    pub status: Status,
    /// Qualifying credentials with a completers figure.
    pub credentials: Vec<CredentialIx>,
    /// Qualifying credentials without one.
    pub credentials_without_figures: Vec<CredentialIx>,
}

/// The supply report of a region: one row per occupation with at least one entry credential
/// or an openings figure, sorted by status (under, over, balanced, unknown), then the gap
/// `openings - completers` descending (most needed first), then SOC order.
///
/// Time O(occupations + credential links).
pub fn supply(g: &CatalogGraph, region: &str, under: f64, over: f64) -> Vec<SupplyRow> {
    let mut rows = Vec::new();
    for o in 0..g.n_occupations() {
        let o = OccupationIx(o as u32);
        let open = g
            .occupation(o)
            .demand_in(region)
            .and_then(|(d, _)| d.openings_figure().exact())
            .map(|_| openings(g, o, region));
        let creds = g.entry_credentials(o);
        if creds.is_empty() && open.is_none() {
            continue;
        }
        let (mut with, mut without) = (Vec::new(), Vec::new());
        let mut total = 0.0;
        for &c in creds {
            match g.credential(c).annual_completers {
                Some(n) => {
                    total += n / g.qualifies_for(c).len().max(1) as f64;
                    with.push(c);
                }
                None => without.push(c),
            }
        }
        let completers = (!with.is_empty()).then_some(total + 0.0);
        let ratio = match (completers, open) {
            (Some(c), Some(op)) if op > 0.0 => Some(c / op),
            _ => None,
        };
        let status = match ratio {
            None => Status::Unknown,
            Some(r) if r < under => Status::UnderSupply,
            Some(r) if r > over => Status::OverSupply,
            Some(_) => Status::Balanced,
        };
        rows.push(SupplyRow {
            occupation: o,
            annual_openings: open,
            completers,
            ratio,
            status,
            credentials: with,
            credentials_without_figures: without,
        });
    }
    let shortfall = |r: &SupplyRow| r.annual_openings.unwrap_or(0.0) - r.completers.unwrap_or(0.0);
    rows.sort_by(|a, b| {
        a.status
            .cmp(&b.status)
            .then(shortfall(b).total_cmp(&shortfall(a)))
            .then(a.occupation.cmp(&b.occupation))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withheld_openings_are_unknown_not_a_number() {
        let b = crate::domain::Bundle::from_json(
            serde_json::json!({
                "credentials": [{"id": "cna", "title": "CNA", "kind": "license", "level": 1, "annual_completers": 50}],
                "occupations": [
                    {"soc": "31-1131", "title": "Nursing Assistants", "entry_credentials": ["cna"],
                     "demand": [{"region": "US", "annual_openings": 100, "flags": ["openings_suppressed"]}]}
                ]
            })
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let g = CatalogGraph::build(1, b.clone());
        let rows = supply(&g, "US", DEFAULT_UNDER, DEFAULT_OVER);
        assert_eq!(rows[0].annual_openings, None, "the 100 beside the flag is not a figure");
        assert_eq!(rows[0].ratio, None);
        assert_eq!(rows[0].status, Status::Unknown);
        // Without the flag the same figure is compared: 50 / 100 is under-supply.
        let mut b = b;
        b.occupations[0].demand[0].flags.clear();
        let g = CatalogGraph::build(1, b);
        let rows = supply(&g, "US", DEFAULT_UNDER, DEFAULT_OVER);
        assert_eq!(rows[0].ratio, Some(0.5));
        assert_eq!(rows[0].status, Status::UnderSupply);
    }
}
