//! Pulls of external sources: start one as a background job, follow a job, list the sources.
//!
//! The job runner is [`crate::pulls::Puller`] (fetch, parse, write, record); these are the
//! questions a caller asks of it, with its errors in [`AppError`]'s terms. The API and
//! `careermap pull` both start pulls here.

use super::AppError;
use crate::domain::{PullOptions, SourceKind};
use crate::pulls::{Puller, SourceState, SubmitError};
use crate::service::Catalog;
use crate::store::JobRecord;
use std::sync::Arc;

/// Checks a pull of `kind` from `url` (or the kind's default URL) and queues it as a job
/// started by `trigger` (`api`, `cli`...). A bad or non-public URL is
/// [`AppError::BadRequest`]; a full queue [`AppError::PullQueueFull`]; a disk with less than
/// `CAREERMAP_MIN_FREE_DISK` free [`AppError::InsufficientStorage`] (nothing queued).
pub fn start(
    catalog: &Catalog,
    puller: &Arc<Puller>,
    kind: SourceKind,
    url: Option<&str>,
    options: PullOptions,
    trigger: &str,
) -> Result<JobRecord, AppError> {
    let url = puller.resolve(kind, url).map_err(AppError::BadRequest)?;
    catalog.ensure_space(0)?;
    let job = puller.submit(kind, url, options, trigger).map_err(|e| match e {
        SubmitError::QueueFull(_) => AppError::PullQueueFull(e.to_string()),
        SubmitError::Store(s) => AppError::Unexpected(s.into()),
    })?;
    tracing::info!(job = %job.id, source = %job.source, "pull queued");
    Ok(job)
}

/// The pull job `id` (its URL redacted); [`AppError::NotFound`] when there is none.
pub fn job(puller: &Puller, id: &str) -> Result<JobRecord, AppError> {
    puller
        .job(id)
        .map_err(|e| AppError::Unexpected(e.into()))?
        .ok_or_else(|| AppError::NotFound {
            what: "job",
            id: id.to_owned(),
        })
}

/// The configured sources and every source pulled, each with its last job.
pub fn sources(puller: &Puller) -> Result<Vec<SourceState>, AppError> {
    puller.sources().map_err(|e| AppError::Unexpected(e.into()))
}
