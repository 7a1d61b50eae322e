//! Career maps and credential ladders.
//!
//! [`career_map`] runs the engine ([`crate::analysis::career_map`]) on the blocking pool,
//! bounded by `CAREERMAP_MAX_SEARCHES`, on the snapshot the caller parsed its request against,
//! and gives back the [`CareerMap`] with that snapshot: the API renders it as JSON or a picture,
//! the pages as HTML, and names come from the same graph the ids were found in.

use super::{App, AppError};
use crate::analysis::cache::MapKey;
use crate::analysis::career_map::ladder::Rung;
use crate::analysis::career_map::learner::LearnerError;
use crate::analysis::career_map::{self as engine, CareerMap, MapRequest};
use crate::analysis::demand::OccupationDemand;
use crate::graph::OccupationIx;
use crate::service::Snapshot;
use std::sync::Arc;

/// Longest region code, in characters (JSON Schema's `maxLength` counts characters).
pub const MAX_REGION_CHARS: usize = 32;

/// A career map and the snapshot it was computed on.
pub struct MapOutcome {
    pub snapshot: Arc<Snapshot>,
    pub map: Arc<CareerMap>,
}

impl From<LearnerError> for AppError {
    fn from(e: LearnerError) -> Self {
        match e {
            LearnerError::TooMany { field, .. } => AppError::InvalidParameter {
                name: field.into(),
                message: e.to_string(),
            },
            LearnerError::Invalid(m) => AppError::BadRequest(m),
        }
    }
}

/// The region a request names, trimmed; `None` when it is empty or longer than
/// [`MAX_REGION_CHARS`].
pub fn region(given: &str) -> Option<&str> {
    let r = given.trim();
    (!r.is_empty() && r.chars().count() <= MAX_REGION_CHARS).then_some(r)
}

/// The k best plans of `req`, which was parsed against `snapshot`'s graph.
///
/// The learner's term defaults come from the settings for its entry point; the search budget
/// is `CAREERMAP_MAP_MAX_EXPANSIONS`. A search that reaches it answers with the plans it has
/// (`optimal: false`), and that answer is kept in the snapshot's result cache, so asking again
/// costs nothing until the dataset changes.
pub async fn career_map(app: &App, snapshot: Arc<Snapshot>, req: MapRequest) -> Result<MapOutcome, AppError> {
    career_map_then(app, snapshot, req, Ok).await
}

/// [`career_map`], then `then` on its outcome in the same blocking task: a caller that renders
/// the map (JSON, a picture) does it beside the search, off the async workers.
pub async fn career_map_then<T: Send + 'static>(
    app: &App,
    snapshot: Arc<Snapshot>,
    mut req: MapRequest,
    then: impl FnOnce(MapOutcome) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    req.learner.term_defaults = Some(app.settings.term_defaults(req.entry));
    let limits = engine::Limits {
        max_expansions: app.settings.map_max_expansions,
    };
    let policy = app.settings.high_demand;
    app.run_blocking(move || {
        let ctx = engine::MapContext {
            graph: &snapshot.graph,
            demand: snapshot.demand(),
            policy: &policy,
        };
        let key = MapKey::new(&req, &limits, &policy);
        let map = snapshot
            .results()
            .career_map(key, || engine::career_map(&ctx, &req, &limits));
        tracing::debug!(
            universe = map.stats.universe,
            expanded = map.stats.expanded,
            capped = map.stats.capped,
            "career map"
        );
        then(MapOutcome { snapshot, map })
    })
    .await
}

/// The credential ladder of an occupation, with the snapshot it was read from.
pub struct LadderOutcome {
    pub snapshot: Arc<Snapshot>,
    pub occupation: OccupationIx,
    /// The occupation's own demand in `region`.
    pub demand: OccupationDemand,
    pub region: String,
    /// Lowest level first.
    pub rungs: Vec<Rung>,
}

/// The ladder that leads to occupation `soc`: its entry credentials and every credential
/// below them, with the demand of what each rung qualifies for in `region` (default `US`).
pub fn ladder(app: &App, soc: &str, region_given: Option<&str>) -> Result<LadderOutcome, AppError> {
    let snapshot = app.catalog.snapshot();
    let g = &snapshot.graph;
    let o = g.occupation_ix(soc).ok_or_else(|| AppError::NotFound {
        what: "occupation",
        id: soc.to_string(),
    })?;
    let region = region(region_given.unwrap_or("US"))
        .ok_or_else(|| AppError::BadRequest("region must be 1-32 characters".into()))?
        .to_owned();
    let policy = &app.settings.high_demand;
    let demand = snapshot.demand();
    let rungs = engine::ladder::ladder(g, demand, policy, o, &region);
    let own = demand.occupation(g, o, &region, policy);
    Ok(LadderOutcome {
        occupation: o,
        demand: own,
        region,
        rungs,
        snapshot,
    })
}
