//! Where a learner stands, given as ids, checked against one graph: the rules every caller of
//! the engine shares (the API's request, the map page's form, a saved plan re-answered).
//!
//! Each list holds at most [`MAX_LEARNER_IDS`] ids; every id must name a record of its kind;
//! an assessment score lies in `0..=max_score`; hours per term are positive and at most 5000;
//! an eligibility flag is a non-empty word of at most 64 characters. All problems are
//! collected, and the first [`MAX_UNKNOWN_NAMED`] are named in one message.

use super::Learner;
use crate::domain::clip;
use crate::graph::CatalogGraph;

/// Most ids in each learner list.
pub const MAX_LEARNER_IDS: usize = 1000;
/// Most problems named in one [`LearnerError::Invalid`] message (the rest are counted).
pub const MAX_UNKNOWN_NAMED: usize = 5;
/// Most hours per term a learner may ask for.
pub const MAX_HOURS_PER_TERM: f64 = 5000.0;

/// A learner as ids, before they are looked up. Field names are the request's, so messages
/// name them as the client wrote them (`learner.credentials[2]`).
#[derive(Debug, Default, Clone, Copy)]
pub struct LearnerIds<'a> {
    pub completed_courses: &'a [String],
    pub credentials: &'a [String],
    pub competencies: &'a [String],
    /// Assessment ids with the score held, if one was reported.
    pub assessments: &'a [(String, Option<f64>)],
    pub hours_per_term: Option<f64>,
    pub eligibility: &'a [String],
}

/// Why a learner cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LearnerError {
    /// A list is longer than [`MAX_LEARNER_IDS`]; `field` is its request name.
    #[error("at most {max} ids, got {got}")]
    TooMany {
        field: &'static str,
        max: usize,
        got: usize,
    },
    /// Unknown ids, scores out of range, bad hours or flags, in one message naming the first few.
    #[error("{0}")]
    Invalid(String),
}

/// Looks up every id of `ids` in `g` and checks the numbers and flags.
///
/// Returns the engine's [`Learner`] (without term defaults, which come from the settings), or
/// the first list over the limit, or every other problem in one message.
///
/// Complexity: O(n) lookups for n ids (each a hash lookup in the graph's id index).
pub fn resolve(g: &CatalogGraph, ids: &LearnerIds<'_>) -> Result<Learner, LearnerError> {
    for ((field, _), len) in [
        (COMPLETED, ids.completed_courses.len()),
        (CREDENTIALS, ids.credentials.len()),
        (COMPETENCIES, ids.competencies.len()),
    ] {
        if len > MAX_LEARNER_IDS {
            return Err(LearnerError::TooMany {
                field,
                max: MAX_LEARNER_IDS,
                got: len,
            });
        }
    }
    let mut errors = Vec::new();
    let completed = lookup(ids.completed_courses, COMPLETED, &mut errors, |id| g.course_ix(id));
    let credentials = lookup(ids.credentials, CREDENTIALS, &mut errors, |id| g.credential_ix(id));
    let competencies = lookup(ids.competencies, COMPETENCIES, &mut errors, |id| g.competency_ix(id));
    let assessments = ids
        .assessments
        .iter()
        .enumerate()
        .filter_map(|(i, (id, score))| {
            let Some(a) = g.assessment_ix(id) else {
                errors.push(format!("learner.assessments[{i}].id: unknown assessment `{id}`"));
                return None;
            };
            if let Some(score) = *score {
                let max = g.assessment(a).max_score;
                if !score.is_finite() || score < 0.0 || max.is_some_and(|m| score > m) {
                    errors.push(format!(
                        "learner.assessments[{i}].score: {score} is outside 0..={} for `{id}`",
                        max.map_or("any".to_string(), |m| m.to_string()),
                    ));
                    return None;
                }
            }
            Some((a, *score))
        })
        .collect();
    if let Some(h) = ids.hours_per_term
        && (!h.is_finite() || h <= 0.0 || h > MAX_HOURS_PER_TERM)
    {
        errors.push(format!(
            "learner.hours_per_term: must be a positive number of hours up to 5000, got {h}"
        ));
    }
    for (i, flag) in ids.eligibility.iter().enumerate() {
        if flag.trim().is_empty() || flag.len() > 64 {
            errors.push(format!(
                "learner.eligibility[{i}]: a flag is a non-empty word of at most 64 characters"
            ));
        }
    }
    if !errors.is_empty() {
        return Err(LearnerError::Invalid(summary(errors)));
    }
    Ok(Learner {
        completed,
        credentials,
        competencies,
        assessments,
        hours_per_term: ids.hours_per_term,
        eligibility: ids.eligibility.to_vec(),
        term_defaults: None,
    })
}

/// The plain id lists: the request's name of each and the kind of record its ids name.
const COMPLETED: (&str, &str) = ("learner.completed_courses", "course");
const CREDENTIALS: (&str, &str) = ("learner.credentials", "credential");
const COMPETENCIES: (&str, &str) = ("learner.competencies", "competency");

/// The records `find` gives for `list`; each id it does not know adds a problem to `errors`.
fn lookup<T>(
    list: &[String],
    (field, what): (&str, &str),
    errors: &mut Vec<String>,
    find: impl Fn(&str) -> Option<T>,
) -> Vec<T> {
    list.iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let found = find(id);
            if found.is_none() {
                errors.push(format!("{field}[{i}]: unknown {what} `{id}`"));
            }
            found
        })
        .collect()
}

/// The first [`MAX_UNKNOWN_NAMED`] problems, each clipped, with the total when some are left out.
fn summary(errors: Vec<String>) -> String {
    let total = errors.len();
    let named: Vec<String> = errors.into_iter().take(MAX_UNKNOWN_NAMED).map(|e| clip(&e)).collect();
    let more = total - named.len();
    let head = if more > 0 {
        format!("{total} unknown learner ids in all; the first {}: ", named.len())
    } else {
        String::new()
    };
    format!("{head}{}", named.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Bundle;

    fn seed() -> CatalogGraph {
        CatalogGraph::build(1, Bundle::from_json(crate::service::SEED.as_bytes()).unwrap())
    }

    #[test]
    fn known_ids_resolve_and_unknown_ones_are_named_by_field() {
        let g = seed();
        let held = vec!["cna".to_owned()];
        let ok = resolve(
            &g,
            &LearnerIds {
                credentials: &held,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.credentials, vec![g.credential_ix("cna").unwrap()]);
        let bad = vec!["nope".to_owned()];
        let err = resolve(
            &g,
            &LearnerIds {
                completed_courses: &bad,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(
            err,
            LearnerError::Invalid("learner.completed_courses[0]: unknown course `nope`".into())
        );
    }

    #[test]
    fn long_lists_and_many_problems_are_cut() {
        let g = seed();
        let many: Vec<String> = (0..=MAX_LEARNER_IDS).map(|i| format!("x{i}")).collect();
        let err = resolve(
            &g,
            &LearnerIds {
                credentials: &many,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(matches!(
            err,
            LearnerError::TooMany {
                field: "learner.credentials",
                ..
            }
        ));
        let some = &many[..7];
        let LearnerError::Invalid(msg) = resolve(
            &g,
            &LearnerIds {
                competencies: some,
                ..Default::default()
            },
        )
        .unwrap_err() else {
            panic!("a message");
        };
        assert!(msg.starts_with("7 unknown learner ids in all; the first 5: "), "{msg}");
        let flags = vec![" ".to_owned()];
        let err = resolve(
            &g,
            &LearnerIds {
                hours_per_term: Some(0.0),
                eligibility: &flags,
                ..Default::default()
            },
        );
        assert!(
            matches!(err, Err(LearnerError::Invalid(m)) if m.contains("hours_per_term") && m.contains("eligibility[0]"))
        );
    }
}
