//! Parsing a career-map request against one snapshot's graph into the engine's request:
//! unknown targets are 404, malformed learners 422.

use super::wire::*;
use crate::analysis::career_map::{self as engine};
use crate::api::error::ApiError;
use crate::graph::CatalogGraph;

/// Parses the request against the snapshot's graph.
pub fn parse(g: &CatalogGraph, req: &CareerMapRequest) -> Result<engine::MapRequest, ApiError> {
    let target = match (&req.target.occupation, &req.target.credential) {
        (Some(soc), None) => {
            crate::domain::SocCode::parse(soc).map_err(|e| ApiError::BadRequest(format!("target.occupation: {e}")))?;
            engine::Target::Occupation(g.occupation_ix(soc).ok_or_else(|| ApiError::NotFound {
                what: "occupation",
                id: soc.clone(),
            })?)
        }
        (None, Some(id)) => engine::Target::Credential(g.credential_ix(id).ok_or_else(|| ApiError::NotFound {
            what: "credential",
            id: id.clone(),
        })?),
        _ => {
            return Err(ApiError::BadRequest(
                "target: give exactly one of `occupation` (a SOC code) or `credential` (an id)".into(),
            ));
        }
    };
    if !(1..=10).contains(&req.k) {
        return Err(ApiError::BadRequest(format!(
            "k must be between 1 and 10, got {}",
            req.k
        )));
    }
    let region = req.region.trim();
    if region.is_empty() || crate::api::region_too_long(region) {
        return Err(ApiError::BadRequest(
            "region must be 1-32 characters, e.g. `US` or `TX`".into(),
        ));
    }
    for (name, list) in [
        ("learner.completed_courses", &req.learner.completed_courses),
        ("learner.credentials", &req.learner.credentials),
        ("learner.competencies", &req.learner.competencies),
    ] {
        if list.len() > MAX_LEARNER_IDS {
            return Err(ApiError::InvalidParameter {
                name: name.into(),
                message: format!("at most {MAX_LEARNER_IDS} ids, got {}", list.len()),
            });
        }
    }
    let mut errors = Vec::new();
    let completed = req
        .learner
        .completed_courses
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            g.course_ix(id).or_else(|| {
                errors.push(format!("learner.completed_courses[{i}]: unknown course `{id}`"));
                None
            })
        })
        .collect();
    let credentials = req
        .learner
        .credentials
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            g.credential_ix(id).or_else(|| {
                errors.push(format!("learner.credentials[{i}]: unknown credential `{id}`"));
                None
            })
        })
        .collect();
    let competencies = req
        .learner
        .competencies
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            g.competency_ix(id).or_else(|| {
                errors.push(format!("learner.competencies[{i}]: unknown competency `{id}`"));
                None
            })
        })
        .collect();
    let assessments = req
        .learner
        .assessments
        .iter()
        .enumerate()
        .filter_map(|(i, held)| {
            let Some(a) = g.assessment_ix(&held.id) else {
                errors.push(format!("learner.assessments[{i}].id: unknown assessment `{}`", held.id));
                return None;
            };
            if let Some(score) = held.score {
                let max = g.assessment(a).max_score;
                if !score.is_finite() || score < 0.0 || max.is_some_and(|m| score > m) {
                    errors.push(format!(
                        "learner.assessments[{i}].score: {score} is outside 0..={} for `{}`",
                        max.map_or("any".to_string(), |m| m.to_string()),
                        held.id
                    ));
                    return None;
                }
            }
            Some((a, held.score))
        })
        .collect();
    if let Some(h) = req.learner.hours_per_term
        && (!h.is_finite() || h <= 0.0 || h > 5000.0)
    {
        errors.push(format!(
            "learner.hours_per_term: must be a positive number of hours up to 5000, got {h}"
        ));
    }
    for (i, flag) in req.learner.eligibility.iter().enumerate() {
        if flag.trim().is_empty() || flag.len() > 64 {
            errors.push(format!(
                "learner.eligibility[{i}]: a flag is a non-empty word of at most 64 characters"
            ));
        }
    }
    if !errors.is_empty() {
        let total = errors.len();
        let named: Vec<String> = errors
            .into_iter()
            .take(MAX_UNKNOWN_NAMED)
            .map(|e| crate::domain::clip(&e))
            .collect();
        let more = total - named.len();
        return Err(ApiError::BadRequest(format!(
            "{}{}",
            if more > 0 {
                format!("{total} unknown learner ids in all; the first {}: ", named.len())
            } else {
                String::new()
            },
            named.join("; "),
        )));
    }
    Ok(engine::MapRequest {
        target,
        entry: req.entry,
        region: region.to_owned(),
        k: req.k as usize,
        optimize: match req.optimize {
            Optimize::Hours => engine::Objective::Hours,
            Optimize::PostsecondaryHours => engine::Objective::PostsecondaryHours,
            Optimize::Cost => engine::Objective::Cost,
            Optimize::Weeks => engine::Objective::Weeks,
        },
        learner: engine::Learner {
            completed,
            credentials,
            competencies,
            assessments,
            hours_per_term: req.learner.hours_per_term,
            eligibility: req.learner.eligibility.clone(),
            term_defaults: None,
        },
    })
}
