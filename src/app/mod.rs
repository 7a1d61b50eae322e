//! The use cases: one function per thing a user asks of careermap (a career map, a saved
//! plan, duplicates, gaps, the alignment report and its comparison, supply, suggestions, an
//! import from any format, a pull, a restore).
//!
//! Each takes typed parameters and returns a typed result or an [`AppError`], which knows
//! nothing of HTTP. The API (`api/`: JSON, CSV, problem+json), the pages (`web/`: templates)
//! and the CLI (`main.rs`) are adapters over these functions: they parse, call one function
//! here and render what it returns, so a page and its API twin cannot disagree.

pub mod catalog;
pub mod datasets;
pub mod detail;
pub mod duplicates;
pub mod error;
pub mod gaps;
pub mod home;
pub mod imports;
pub mod maps;
pub mod plans;
pub mod pulls;
pub mod reports;
pub mod search;
pub mod suggestions;
pub mod supply;

pub use error::AppError;

use crate::service::Catalog;
use crate::settings::Settings;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// What every use case runs against: the catalog, the settings and the bound on heavy work.
pub struct App {
    pub catalog: Arc<Catalog>,
    pub settings: Settings,
    /// Bounds how many heavy searches run at once on the blocking pool.
    pub searches: Arc<Semaphore>,
}

impl App {
    pub fn new(catalog: Arc<Catalog>, settings: Settings) -> Self {
        let searches = Arc::new(Semaphore::new(settings.max_searches));
        App {
            catalog,
            settings,
            searches,
        }
    }

    /// Runs `f` on the blocking pool, at most `max_searches` at once, with the caller's span.
    pub async fn run_blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self.searches.acquire().await.map_err(|_| AppError::Busy)?;
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(f))
            .await
            .map_err(|e| AppError::Unexpected(anyhow::anyhow!("blocking task failed: {e}")))?
    }
}

/// One page of a listing: the records of `all` at the `matching` indices, `limit` of them
/// after the first `offset`.
fn page_of<'a, T>(all: &'a [T], matching: &'a [usize], offset: usize, limit: usize) -> impl Iterator<Item = &'a T> {
    matching.iter().skip(offset).take(limit).map(move |&i| &all[i])
}
