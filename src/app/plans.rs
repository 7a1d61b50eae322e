//! Saved plans: a counselor's label on a career-map request, re-answered on today's dataset.
//!
//! Ids are 128 random bits from the operating system (`getrandom`), so they cannot be guessed
//! or enumerated; the delete key is another 128 random bits, returned once and stored only as
//! a SHA-256 digest ([`key_digest`]). The request and the answers are kept in the adapter's
//! wire form ([`PlanWire`]: the API's JSON), so a plan reads back as it was answered.

use super::maps::{self, MapOutcome};
use super::{App, AppError};
use crate::analysis::career_map::MapRequest;
use crate::graph::CatalogGraph;
use crate::service::Snapshot;
use crate::store::plans::{PlanStore, StoredPlan};
use std::sync::Arc;

/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 120;

/// How a plan's stored request is read and its answer recorded: the adapter's wire format.
pub trait PlanWire {
    /// The engine's request of a stored request, against `g` (a malformed request is
    /// [`AppError::BadRequest`], an unknown target [`AppError::NotFound`]).
    fn parse(&self, g: &CatalogGraph, request: &serde_json::Value) -> Result<MapRequest, AppError>;
    /// The answer as it is stored and shown.
    fn answer(&self, outcome: &MapOutcome) -> Result<serde_json::Value, AppError>;
}

/// A saved plan's id and the key that deletes it (shown only once).
pub struct Created {
    pub id: String,
    pub delete_key: String,
}

/// Today's answer to a saved request.
pub struct Answered {
    pub outcome: MapOutcome,
    /// The answer in the wire form ([`PlanWire::answer`]).
    pub answer: serde_json::Value,
}

/// A saved plan and its request re-answered on `snapshot`.
pub struct ReadPlan {
    pub stored: StoredPlan,
    /// The snapshot today's answer was computed on.
    pub snapshot: Arc<Snapshot>,
    /// Today's answer, or why today's dataset cannot answer (an unknown target, a malformed
    /// request, a search over budget).
    pub current: Result<Answered, AppError>,
    /// Whether today's answer differs from the saved one (search effort aside).
    pub changed: bool,
}

/// The digest a delete key is stored as (SHA-256, hex).
pub fn key_digest(key: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_hex() -> Result<String, AppError> {
    let mut buf = [0u8; 16];
    getrandom::getrandom(&mut buf).map_err(|e| AppError::Unexpected(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether `id` has the shape of a plan id (32 lowercase hex digits).
pub fn is_plan_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A label once checked: trimmed, 1-120 characters, no control characters.
pub fn check_label(label: &str) -> Result<String, AppError> {
    let label = label.trim();
    let chars = label.chars().count();
    if chars == 0 || chars > MAX_LABEL_CHARS {
        return Err(AppError::InvalidParameter {
            name: "label".into(),
            message: format!("must be 1-{MAX_LABEL_CHARS} characters once trimmed, got {chars}"),
        });
    }
    if label.chars().any(char::is_control) {
        return Err(AppError::InvalidParameter {
            name: "label".into(),
            message: "must not contain control characters".into(),
        });
    }
    Ok(label.to_owned())
}

/// Saves a plan: checks the label, answers the request on today's dataset (an unknown target
/// is [`AppError::NotFound`], a malformed request [`AppError::BadRequest`]), stores both and
/// returns the plan's id and delete key.
pub async fn create(
    app: &App,
    store: &PlanStore,
    label: &str,
    request: serde_json::Value,
    wire: &impl PlanWire,
) -> Result<Created, AppError> {
    let label = check_label(label)?;
    let snapshot = app.catalog.snapshot();
    let parsed = wire.parse(&snapshot.graph, &request)?;
    let version = snapshot.info.version;
    let outcome = maps::career_map(app, snapshot, parsed).await?;
    let saved_answer = wire.answer(&outcome)?;
    let id = random_hex()?;
    let delete_key = random_hex()?;
    let stored = StoredPlan {
        id: id.clone(),
        label,
        request,
        saved_version: version,
        saved_answer,
        created_at: crate::store::now_rfc3339(),
        delete_key_sha256: key_digest(&delete_key),
    };
    store.insert(&stored).map_err(|e| AppError::Unexpected(e.into()))?;
    tracing::info!(plan = %id, "plan saved");
    Ok(Created { id, delete_key })
}

/// The stored plan `id`; not found (naming at most 64 characters of it) when the id is
/// malformed or unknown.
fn stored(store: &PlanStore, id: &str) -> Result<StoredPlan, AppError> {
    let not_found = || AppError::NotFound {
        what: "plan",
        id: id.chars().take(64).collect(),
    };
    if !is_plan_id(id) {
        return Err(not_found());
    }
    store
        .get(id)
        .map_err(|e| AppError::Unexpected(e.into()))?
        .ok_or_else(not_found)
}

/// Parts of an answer that are effort, not content: ignored when comparing answers.
fn content(answer: Option<&serde_json::Value>) -> serde_json::Value {
    let mut a = answer.cloned().unwrap_or_default();
    if let Some(o) = a.as_object_mut() {
        o.remove("search");
    }
    a
}

/// A saved plan with its request re-answered on today's dataset.
pub async fn read(app: &App, store: &PlanStore, id: &str, wire: &impl PlanWire) -> Result<ReadPlan, AppError> {
    let stored = stored(store, id)?;
    let snapshot = app.catalog.snapshot();
    let answered = match wire.parse(&snapshot.graph, &stored.request) {
        Ok(parsed) => match maps::career_map(app, snapshot.clone(), parsed).await {
            Ok(outcome) => wire.answer(&outcome).map(|answer| Answered { outcome, answer }),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let current = match answered {
        Ok(a) => Ok(a),
        Err(e @ (AppError::NotFound { .. } | AppError::BadRequest(_))) => Err(e),
        Err(e) => return Err(e),
    };
    let changed = content(current.as_ref().ok().map(|a| &a.answer)) != content(Some(&stored.saved_answer));
    Ok(ReadPlan {
        stored,
        snapshot,
        current,
        changed,
    })
}

/// Deletes plan `id` when `allowed` accepts the stored plan (its delete key given, or the
/// admin token; the adapter checks the credentials in constant time).
pub fn remove(store: &PlanStore, id: &str, allowed: impl FnOnce(&StoredPlan) -> bool) -> Result<(), AppError> {
    let plan = stored(store, id)?;
    if !allowed(&plan) {
        return Err(AppError::Forbidden(
            "send the plan's delete key (returned when it was saved) in `X-Delete-Key`, or the admin token".into(),
        ));
    }
    store.remove(id).map_err(|e| AppError::Unexpected(e.into()))?;
    tracing::info!(plan = %id, "plan deleted");
    Ok(())
}
