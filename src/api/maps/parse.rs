//! Parsing a career-map request against one snapshot's graph into the engine's request:
//! unknown targets are 404, malformed learners 422 (the learner's rules are the engine's,
//! [`crate::analysis::career_map::learner`]).

use super::wire::*;
use crate::analysis::career_map::{self as engine, learner};
use crate::app::AppError;
use crate::graph::CatalogGraph;

/// Parses the request against the snapshot's graph.
pub fn parse(g: &CatalogGraph, req: &CareerMapRequest) -> Result<engine::MapRequest, AppError> {
    let target = match (&req.target.occupation, &req.target.credential) {
        (Some(soc), None) => {
            crate::domain::SocCode::parse(soc).map_err(|e| AppError::BadRequest(format!("target.occupation: {e}")))?;
            engine::Target::Occupation(g.occupation_ix(soc).ok_or_else(|| AppError::NotFound {
                what: "occupation",
                id: soc.clone(),
            })?)
        }
        (None, Some(id)) => engine::Target::Credential(g.credential_ix(id).ok_or_else(|| AppError::NotFound {
            what: "credential",
            id: id.clone(),
        })?),
        _ => {
            return Err(AppError::BadRequest(
                "target: give exactly one of `occupation` (a SOC code) or `credential` (an id)".into(),
            ));
        }
    };
    if !(1..=10).contains(&req.k) {
        return Err(AppError::BadRequest(format!(
            "k must be between 1 and 10, got {}",
            req.k
        )));
    }
    let region = crate::app::maps::region(&req.region)
        .ok_or_else(|| AppError::BadRequest("region must be 1-32 characters, e.g. `US` or `TX`".into()))?;
    let assessments: Vec<(String, Option<f64>)> = req
        .learner
        .assessments
        .iter()
        .map(|a| (a.id.clone(), a.score))
        .collect();
    let learner = learner::resolve(
        g,
        &learner::LearnerIds {
            completed_courses: &req.learner.completed_courses,
            credentials: &req.learner.credentials,
            competencies: &req.learner.competencies,
            assessments: &assessments,
            hours_per_term: req.learner.hours_per_term,
            eligibility: &req.learner.eligibility,
        },
    )?;
    Ok(engine::MapRequest {
        target,
        entry: req.entry,
        region: region.to_owned(),
        k: req.k as usize,
        optimize: req.optimize.into(),
        learner,
    })
}
