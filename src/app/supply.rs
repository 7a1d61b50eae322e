//! Supply against demand in a region: the cached rows of the current snapshot, filtered by
//! status and paged.

use super::gaps::check_region;
use super::{App, AppError};
use crate::analysis::cache::SupplyKey;
use crate::analysis::supply::{self, Status, SupplyRow};
use crate::service::Snapshot;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a reader asks of the supply report.
#[derive(Debug, Clone)]
pub struct SupplyRequest {
    pub region: String,
    /// Ratios completers/openings below which an occupation is under-supplied and above which
    /// it is over-supplied (`under <= over`).
    pub under: f64,
    pub over: f64,
    /// Only these statuses (all when `None`).
    pub statuses: Option<Vec<Status>>,
    pub limit: usize,
    pub offset: usize,
}

/// One page of the supply report and the snapshot it was computed on.
pub struct SupplyPage {
    pub snapshot: Arc<Snapshot>,
    pub request: SupplyRequest,
    pub rows: Arc<Vec<SupplyRow>>,
    /// Indices into `rows` of the matching rows, over all pages.
    pub matching: Vec<usize>,
    /// Matching rows per status, over all pages.
    pub counts: BTreeMap<Status, usize>,
}

impl SupplyPage {
    /// The rows of this page.
    pub fn page(&self) -> impl Iterator<Item = &SupplyRow> {
        super::page_of(&self.rows, &self.matching, self.request.offset, self.request.limit)
    }
}

/// The supply report that `req` asks for (on the blocking pool).
pub async fn supply(app: &App, req: SupplyRequest) -> Result<SupplyPage, AppError> {
    let snapshot = app.catalog.snapshot();
    check_region(&snapshot, &req.region)?;
    app.run_blocking(move || {
        let key = SupplyKey::new(&req.region, req.under, req.over);
        let rows = snapshot.results().supply(key, || {
            supply::supply(&snapshot.graph, &req.region, req.under, req.over)
        });
        let matching: Vec<usize> = (0..rows.len())
            .filter(|&i| req.statuses.as_ref().is_none_or(|s| s.contains(&rows[i].status)))
            .collect();
        let mut counts = BTreeMap::new();
        for &i in &matching {
            *counts.entry(rows[i].status).or_insert(0) += 1;
        }
        Ok(SupplyPage {
            snapshot,
            request: req,
            rows,
            matching,
            counts,
        })
    })
    .await
}
