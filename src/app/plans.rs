//! Saved plans: a counselor's label on a career-map request, re-answered on today's dataset.
//!
//! Ids are 128 random bits from the operating system (`getrandom`), so they cannot be guessed
//! or enumerated; the delete key is another 128 random bits, returned once and stored only as
//! a SHA-256 digest ([`key_digest`]). The request and the answers are kept in the adapter's
//! wire form ([`PlanWire`]: the API's JSON), so a plan reads back as it was answered.
//!
//! The store is bounded (`CAREERMAP_PLANS_MAX`, `CAREERMAP_PLANS_MAX_BYTES`: 507 past them;
//! plans unread for `CAREERMAP_PLANS_EXPIRE_DAYS` are deleted) and holds no personal data: a
//! label is at most [`MAX_LABEL_CHARS`] characters of plain text, and a learner's eligibility
//! names only flags the catalog's funding sources use. Logs name a plan by a short hash of its
//! id ([`plan_tag`]), never the id, which is all a reader needs.

use super::maps::{self, MapOutcome};
use super::{App, AppError};
use crate::analysis::career_map::MapRequest;
use crate::graph::CatalogGraph;
use crate::service::Snapshot;
use crate::store::plans::{PlanStore, PlanTotals, StoredPlan};
use std::sync::Arc;

/// Longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 80;

/// How often expired plans are looked for (on a save or a read).
const EXPIRY_SWEEP: std::time::Duration = std::time::Duration::from_secs(3600);

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

/// What logs call plan `id`: the first 8 hex digits of its SHA-256 (a reader cannot open the
/// plan with it).
pub fn plan_tag(id: &str) -> String {
    key_digest(id)[..8].to_owned()
}

/// A request path as logs show it: a saved plan's id (`/v1/plans/{id}`, `/plans/{id}`)
/// replaced by `~` and its [`plan_tag`].
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in ["/v1/plans/", "/plans/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            let (id, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            if !id.is_empty() {
                return format!("{prefix}~{}{tail}", plan_tag(id)).into();
            }
        }
    }
    path.into()
}

/// Whether `id` has the shape of a plan id (32 lowercase hex digits).
pub fn is_plan_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Invisible formatting characters (zero-width, bidirectional overrides, byte-order mark):
/// not plain text, and a way to make a label read other than it is.
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Whether `s` holds a number written like a US Social Security number (`123-45-6789`,
/// `123 45 6789` or nine digits in a row).
fn has_ssn_shape(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let standalone = |start: usize, len: usize| (start == 0 || !digit(start - 1)) && !digit(start + len);
    (0..chars.len()).any(|i| {
        let sep = |j: usize| matches!(chars.get(j), Some('-' | ' '));
        let grouped = (0..3).all(|k| digit(i + k))
            && sep(i + 3)
            && (4..6).all(|k| digit(i + k))
            && sep(i + 6)
            && (7..11).all(|k| digit(i + k))
            && chars.get(i + 3) == chars.get(i + 6);
        (grouped && standalone(i, 11)) || ((0..9).all(|k| digit(i + k)) && standalone(i, 9))
    })
}

/// A label once checked: trimmed, 1-80 characters of plain text (no control or invisible
/// formatting characters) that does not look like a Social Security number.
pub fn check_label(label: &str) -> Result<String, AppError> {
    let bad = |message: String| AppError::InvalidParameter {
        name: "label".into(),
        message,
    };
    let label = label.trim();
    let chars = label.chars().count();
    if chars == 0 || chars > MAX_LABEL_CHARS {
        return Err(bad(format!(
            "must be 1-{MAX_LABEL_CHARS} characters of plain text once trimmed, got {chars}"
        )));
    }
    if let Some(c) = label.chars().find(|&c| c.is_control() || is_format_char(c)) {
        return Err(bad(format!(
            "must be plain text: it holds the control or invisible character U+{:04X}",
            c as u32
        )));
    }
    if has_ssn_shape(label) {
        return Err(bad(
            "holds a number shaped like a Social Security number; plans hold no personal data, so name the route, \
             not the learner"
                .into(),
        ));
    }
    Ok(label.to_owned())
}

/// Checks a request's eligibility flags against the flags the catalog's funding sources use
/// (an unknown flag is [`AppError::InvalidParameter`] naming it and listing the known ones).
pub fn check_eligibility(g: &CatalogGraph, flags: &[String]) -> Result<(), AppError> {
    let known: std::collections::BTreeSet<&str> = g
        .bundle()
        .funding
        .iter()
        .flat_map(|f| f.eligibility.iter().map(String::as_str))
        .collect();
    for (i, flag) in flags.iter().enumerate() {
        if !known.contains(flag.as_str()) {
            let list: Vec<&str> = known.iter().copied().collect();
            return Err(AppError::InvalidParameter {
                name: format!("request.learner.eligibility[{i}]"),
                message: format!(
                    "unknown eligibility flag `{}`; the catalog's funding sources use {}",
                    crate::domain::clip(flag),
                    if list.is_empty() {
                        "none".to_owned()
                    } else {
                        list.join(", ")
                    }
                ),
            });
        }
    }
    Ok(())
}

/// Deletes the plans unread for `CAREERMAP_PLANS_EXPIRE_DAYS`, at most once an hour.
fn expire(app: &App, store: &PlanStore) {
    let Some(days) = app.settings.plans_limits.expire_days else {
        return;
    };
    let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(u64::from(days) * 24 * 3600);
    match store.expire_if_due(cutoff, EXPIRY_SWEEP) {
        Ok(0) => {}
        Ok(n) => tracing::info!(plans = n, days, "saved plans unread for too long deleted"),
        Err(e) => tracing::warn!(error = %e, "expired plans could not be deleted"),
    }
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
    expire(app, store);
    let snapshot = app.catalog.snapshot();
    let parsed = wire.parse(&snapshot.graph, &request)?;
    check_eligibility(&snapshot.graph, &parsed.learner.eligibility)?;
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
        read_at: None,
    };
    let size = serde_json::to_vec(&stored).map_or(0, |b| b.len() as u64);
    app.catalog.ensure_space(size)?;
    let limits = app.settings.plans_limits;
    let bound = PlanTotals {
        plans: limits.max_plans,
        bytes: limits.max_bytes,
    };
    store
        .insert(&stored, bound)
        .map_err(|e| AppError::from(app.catalog.storage_error(e, size)))?;
    tracing::info!(plan = %plan_tag(&id), "plan saved");
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
    expire(app, store);
    // A read that cannot record itself (a full disk) still answers.
    if let Err(e) = store.touch(&stored, std::time::SystemTime::now()) {
        tracing::warn!(plan = %plan_tag(id), error = %e, "the read of a plan could not be recorded");
    }
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
    tracing::info!(plan = %plan_tag(id), "plan deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_name_plans_by_a_short_hash() {
        let id = "0123456789abcdef0123456789abcdef";
        let tag = plan_tag(id);
        assert_eq!(tag.len(), 8);
        for (path, prefix) in [
            (format!("/v1/plans/{id}"), "/v1/plans/~"),
            (format!("/plans/{id}"), "/plans/~"),
        ] {
            let shown = loggable_path(&path);
            assert_eq!(shown, format!("{prefix}{tag}"));
            assert!(!shown.contains(id));
        }
        assert_eq!(loggable_path("/v1/plans"), "/v1/plans");
        assert_eq!(loggable_path("/planner/gaps"), "/planner/gaps");
    }

    #[test]
    fn ssn_shapes_are_told_from_other_numbers() {
        for s in ["123-45-6789", "x 123 45 6789 y", "123456789", "SSN:123-45-6789."] {
            assert!(has_ssn_shape(s), "{s}");
        }
        for s in [
            "2026-27",
            "555-1234",
            "1234567890",
            "123-45 6789",
            "route 12",
            "12345678",
        ] {
            assert!(!has_ssn_shape(s), "{s}");
        }
    }
}
