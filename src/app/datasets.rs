//! The dataset history, restoring a kept version (undo), and the offline check of a store.

use super::AppError;
use crate::service::{Catalog, WriteOptions, WriteOutcome};
use crate::store::VersionInfo;

/// One page of the committed dataset versions, oldest first.
pub struct History {
    /// Each version with whether its data is kept (so it can be restored).
    pub versions: Vec<(VersionInfo, bool)>,
    /// Versions committed in all.
    pub total: usize,
}

/// The committed versions from `offset`, at most `limit` of them (run it on the blocking pool).
pub fn history(catalog: &Catalog, limit: usize, offset: usize) -> Result<History, AppError> {
    let unexpected = |e: crate::store::StoreError| AppError::Unexpected(e.into());
    let all = catalog.history().map_err(unexpected)?;
    let total = all.len();
    let versions = all
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|info| {
            catalog
                .is_kept(info.version)
                .map(|kept| (info, kept))
                .map_err(unexpected)
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(History { versions, total })
}

/// Makes a new version equal to the kept `version` (run it on the blocking pool); a version
/// whose data is not kept is [`AppError::NotFound`].
pub fn restore(catalog: &Catalog, version: u64, opts: &WriteOptions) -> Result<WriteOutcome, AppError> {
    let outcome = catalog.restore(version, opts)?;
    tracing::info!(restored = version, version = outcome.info.version, "dataset restored");
    Ok(outcome)
}

/// Opens the store in `dir` (the service must not be running) without repairing anything and
/// verifies every kept version against its seal ([`crate::store::Store::check`]).
pub fn check_store(dir: &std::path::Path) -> Result<crate::store::StoreCheck, AppError> {
    let store = crate::store::Store::open_only(dir).map_err(|e| AppError::Unexpected(e.into()))?;
    store.check(dir).map_err(|e| AppError::Unexpected(e.into()))
}
