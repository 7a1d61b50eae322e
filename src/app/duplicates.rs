//! Duplicate courses: the cached analysis of the current snapshot, filtered, sorted and paged.

use super::{App, AppError};
use crate::analysis::duplicate_filter::{self, DuplicateFilter, Filtered, PairOrder};
use crate::analysis::duplicates::{self, Basis, DuplicateParams, Duplicates};
use crate::service::Snapshot;
use std::sync::Arc;

/// What a reader asks of the duplicates.
#[derive(Debug, Clone)]
pub struct DuplicatesRequest {
    pub params: DuplicateParams,
    pub filter: DuplicateFilter,
    /// An order for the pages (descending when the flag is set); `None` keeps the result's.
    pub order: Option<(PairOrder, bool)>,
    pub limit: usize,
    pub offset: usize,
}

/// One page of duplicate pairs and the snapshot they were computed on.
pub struct DuplicatesPage {
    pub snapshot: Arc<Snapshot>,
    pub params: DuplicateParams,
    pub duplicates: Arc<Duplicates>,
    /// The pairs kept by the filter (all pages, in the asked order) and their clusters.
    pub filtered: Filtered,
    pub limit: usize,
    pub offset: usize,
}

impl DuplicatesPage {
    /// The pairs of this page.
    pub fn page(&self) -> impl Iterator<Item = &duplicates::DuplicatePair> {
        super::page_of(&self.duplicates.pairs, &self.filtered.pairs, self.offset, self.limit)
    }

    /// Pairs kept over all pages.
    pub fn total(&self) -> usize {
        self.filtered.pairs.len()
    }
}

/// The duplicates of `snap` for `p` on every basis, computed once per snapshot and parameters.
pub fn duplicates_of(snap: &Snapshot, p: &DuplicateParams) -> Arc<Duplicates> {
    snap.results().duplicates(p, || {
        duplicates::find_duplicates_with(&snap.graph, p, &Basis::ALL, Some(snap.text_model()))
    })
}

/// The duplicate pairs of the current dataset that `req` asks for (on the blocking pool).
pub async fn duplicates(app: &App, req: DuplicatesRequest) -> Result<DuplicatesPage, AppError> {
    let snapshot = app.catalog.snapshot();
    app.run_blocking(move || {
        let d = duplicates_of(&snapshot, &req.params);
        let mut filtered = duplicate_filter::filter(&snapshot.graph, &d, &req.filter);
        if let Some((order, desc)) = req.order {
            duplicate_filter::sort(&snapshot.graph, &d, &mut filtered.pairs, order, desc);
        }
        Ok(DuplicatesPage {
            snapshot,
            params: req.params,
            duplicates: d,
            filtered,
            limit: req.limit,
            offset: req.offset,
        })
    })
    .await
}
