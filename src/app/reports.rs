//! The state alignment report of the current dataset, and its comparison with an earlier
//! version the store still keeps.

use super::gaps::check_region;
use super::{App, AppError};
use crate::analysis::cache::ReportKey;
use crate::analysis::gaps::GapParams;
use crate::analysis::report::{self, AlignmentReport};
use crate::analysis::report_compare::{self, Comparison};
use crate::service::{DatasetAt, Snapshot};
use std::sync::Arc;

/// What a reader asks of the report.
#[derive(Debug, Clone)]
pub struct AlignmentRequest {
    /// The region and policy (containment and entry are not used).
    pub params: GapParams,
    /// Lowest tier of `uncovered_competency` gaps counted with the others.
    pub tier_min: u8,
    /// A dataset version to compare with.
    pub compare: Option<u64>,
    /// The page of `complexity` listed.
    pub limit: usize,
    pub offset: usize,
}

/// The report, its comparison and the snapshot it was computed on.
pub struct Alignment {
    pub snapshot: Arc<Snapshot>,
    pub report: Arc<AlignmentReport>,
    pub comparison: Option<Comparison>,
    pub limit: usize,
    pub offset: usize,
}

/// The report of `snap` for `p`, computed once per snapshot and parameters.
pub fn report_of(snap: &Snapshot, p: &GapParams, tier_min: u8) -> Arc<AlignmentReport> {
    snap.results().report(ReportKey::new(p, tier_min), || {
        report::alignment_with(&snap.graph, p, tier_min)
    })
}

/// The alignment report that `req` asks for, compared with `req.compare` when given. The
/// compared version is loaded from the store (when it is not the current one) and both reports
/// are computed on the blocking pool.
pub async fn alignment(app: &App, req: AlignmentRequest) -> Result<Alignment, AppError> {
    let snapshot = app.catalog.snapshot();
    check_region(&snapshot, &req.params.region)?;
    let catalog = app.catalog.clone();
    app.run_blocking(move || {
        let other = match req.compare {
            None => None,
            Some(v) => match catalog.dataset_at(v).map_err(|e| AppError::Unexpected(e.into()))? {
                DatasetAt::Retained(s) => Some(s),
                DatasetAt::NotRetained => return Err(AppError::VersionNotRetained(v)),
                DatasetAt::Unknown => {
                    return Err(AppError::NotFound {
                        what: "dataset version",
                        id: v.to_string(),
                    });
                }
            },
        };
        let report = report_of(&snapshot, &req.params, req.tier_min);
        let comparison = other.map(|o| {
            let old = report_of(&o, &req.params, req.tier_min);
            report_compare::compare(&snapshot.graph, &report, &o.graph, &old)
        });
        Ok(Alignment {
            snapshot,
            report,
            comparison,
            limit: req.limit,
            offset: req.offset,
        })
    })
    .await
}
