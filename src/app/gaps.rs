//! Gaps in the pathway system: the cached analysis of the current snapshot for a region and
//! policy, filtered by kind and tier, ordered and paged.

use super::{App, AppError};
use crate::analysis::demand::HighDemandPolicy;
use crate::analysis::gaps::{self, Gap, GapKind, GapParams};
use crate::domain::region;
use crate::service::Snapshot;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The high-demand policy of a request whose thresholds are given as fractions (0-1, the
/// API's scale) on the policy's percentile scale (0-100); the growth floor is the configured one.
pub fn policy_from_fractions(configured: &HighDemandPolicy, openings: f64, wage: f64) -> HighDemandPolicy {
    HighDemandPolicy {
        openings_percentile: 100.0 * openings,
        wage_percentile: 100.0 * wage,
        min_growth_pct: configured.min_growth_pct,
    }
}

/// Checks `region` against the one region rule on `snap` ([`crate::domain::region`]).
pub fn check_region(snap: &Snapshot, region: &str) -> Result<(), AppError> {
    region::check_known(snap.bundle(), region).map_err(|e| AppError::InvalidParameter {
        name: "region".into(),
        message: e.to_string(),
    })
}

/// The order of a page of gaps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GapOrder {
    /// The analysis' own: by kind, then severity descending, then subjects.
    #[default]
    Kind,
    /// `relative_severity` descending across kinds (ties keep the analysis' order).
    RelativeSeverity,
}

/// What a reader asks of the gaps.
#[derive(Debug, Clone)]
pub struct GapsRequest {
    pub params: GapParams,
    /// Only these kinds (all when `None`).
    pub kinds: Option<Vec<GapKind>>,
    /// Lowest tier of `uncovered_competency` gaps listed.
    pub tier_min: u8,
    pub order: GapOrder,
    pub limit: usize,
    pub offset: usize,
}

/// One page of gaps and the snapshot they were computed on.
pub struct GapsPage {
    pub snapshot: Arc<Snapshot>,
    pub params: GapParams,
    pub gaps: Arc<Vec<Gap>>,
    /// Indices into `gaps` of the matching gaps, over all pages, in the asked order.
    pub matching: Vec<usize>,
    /// Matching gaps per kind, over all pages.
    pub counts: BTreeMap<GapKind, usize>,
    pub limit: usize,
    pub offset: usize,
}

impl GapsPage {
    /// The gaps of this page.
    pub fn page(&self) -> impl Iterator<Item = &Gap> {
        super::page_of(&self.gaps, &self.matching, self.offset, self.limit)
    }
}

/// The gaps of `snap` for `p`, computed once per snapshot and parameters.
pub fn gaps_of(snap: &Snapshot, p: &GapParams) -> Arc<Vec<Gap>> {
    snap.results()
        .gaps(p, || gaps::find_gaps_with(&snap.graph, p, snap.reachability()))
}

/// The gaps of the current dataset that `req` asks for (on the blocking pool).
pub async fn gaps(app: &App, req: GapsRequest) -> Result<GapsPage, AppError> {
    let snapshot = app.catalog.snapshot();
    check_region(&snapshot, &req.params.region)?;
    app.run_blocking(move || {
        let all = gaps_of(&snapshot, &req.params);
        let mut matching: Vec<usize> = (0..all.len())
            .filter(|&i| {
                let g = &all[i];
                req.kinds.as_ref().is_none_or(|k| k.contains(&g.kind)) && gaps::keeps_tier(g, req.tier_min)
            })
            .collect();
        if req.order == GapOrder::RelativeSeverity {
            matching.sort_by(|&i, &j| all[j].relative_severity.total_cmp(&all[i].relative_severity));
        }
        let mut counts = BTreeMap::new();
        for &i in &matching {
            *counts.entry(all[i].kind).or_insert(0) += 1;
        }
        Ok(GapsPage {
            snapshot,
            params: req.params,
            gaps: all,
            matching,
            counts,
            limit: req.limit,
            offset: req.offset,
        })
    })
    .await
}
