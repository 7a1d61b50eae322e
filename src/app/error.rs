//! What a use case can fail with, in terms a caller can act on and no HTTP. The API maps each
//! variant to one problem type (`api/error.rs`); the pages and the CLI say it in words.

use crate::domain::Problem;
use crate::service::WriteError;

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A parameter or body field is invalid, with a message that names it.
    #[error("{0}")]
    BadRequest(String),
    /// The named parameter or field is invalid.
    #[error("{name}: {message}")]
    InvalidParameter { name: String, message: String },
    /// The request conflicts with the data, e.g. a replace that would remove most records.
    #[error("{0}")]
    Conflict(String),
    /// Records failed validation, every problem listed.
    #[error("{} problem(s)", .0.len())]
    Invalid(Vec<Problem>),
    /// No such record.
    #[error("unknown {what} `{id}`")]
    NotFound { what: &'static str, id: String },
    /// Too much heavy work is running.
    #[error("the service is busy")]
    Busy,
    /// The service has started but is still loading its dataset.
    #[error("the catalog is loading")]
    Loading,
    /// A dataset version was committed but its data is no longer kept.
    #[error("version {0} is no longer kept")]
    VersionNotRetained(u64),
    /// The pull queue is full.
    #[error("{0}")]
    PullQueueFull(String),
    /// A credential other than the admin token is missing or wrong (a plan's delete key).
    #[error("{0}")]
    Forbidden(String),
    /// The disk has not enough room for the write (nothing was written), or filled during it
    /// (nothing was committed).
    #[error("{0}")]
    InsufficientStorage(crate::store::Shortage),
    /// The saved-plan store is full (`CAREERMAP_PLANS_MAX` plans or bytes).
    #[error("{0}")]
    PlansFull(String),
    /// Writes are turned off (no admin token configured).
    #[error("writes are disabled")]
    WritesDisabled,
    /// Anything else: logged once where it is answered, never shown.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<WriteError> for AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Invalid(p) => AppError::Invalid(p),
            WriteError::Refused(why) => AppError::Conflict(why),
            WriteError::NotKept(v) => AppError::NotFound {
                what: "kept dataset version",
                id: v.to_string(),
            },
            WriteError::Store(s) => AppError::from(s),
        }
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::InsufficientStorage(s) => AppError::InsufficientStorage(s),
            crate::store::StoreError::PlansFull(m) => AppError::PlansFull(m),
            e @ (crate::store::StoreError::Broken { .. } | crate::store::StoreError::CorruptChunk { .. }) => {
                AppError::Conflict(format!("{e}; see `careermap check`"))
            }
            other => AppError::Unexpected(other.into()),
        }
    }
}
