//! Catalog reads: the records of each kind that match a list's filters, and one record by id,
//! from the current snapshot. Paging and the wire are the adapter's.

use super::AppError;
use crate::analysis::catalog::matches;
use crate::domain::{
    Articulation, ArticulationKind, Competency, Course, Credential, CredentialKind, Occupation, System,
};
use crate::graph::CatalogGraph;
use crate::service::Snapshot;

/// Text to find in ids and titles: trimmed and lower-cased, `None` when blank.
pub fn needle(q: Option<&str>) -> Option<String> {
    q.map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase)
}

/// A filter on competencies.
#[derive(Debug, Default)]
pub struct CompetencyFilter<'a> {
    /// A DOL tier, 1-9.
    pub tier: Option<u8>,
    pub framework: Option<&'a str>,
    pub text: Option<String>,
}

/// Competencies matching `f`, in catalog order; a tier outside 1-9 is
/// [`AppError::InvalidParameter`].
pub fn competencies<'s>(snap: &'s Snapshot, f: &CompetencyFilter<'_>) -> Result<Vec<&'s Competency>, AppError> {
    if let Some(t) = f.tier
        && !(1..=9).contains(&t)
    {
        return Err(AppError::InvalidParameter {
            name: "tier".into(),
            message: format!("must be a DOL tier from 1 to 9, got {t}"),
        });
    }
    Ok(snap
        .bundle()
        .competencies
        .iter()
        .filter(|c| f.tier.is_none_or(|t| c.tier == t))
        .filter(|c| f.framework.is_none_or(|fw| c.framework.as_deref() == Some(fw)))
        .filter(|c| matches(&f.text, &[c.id.as_str(), &c.name]))
        .collect())
}

/// A filter on courses.
#[derive(Debug, Default)]
pub struct CourseFilter<'a> {
    pub system: Option<System>,
    /// Courses teaching this competency.
    pub competency: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub text: Option<String>,
}

/// Courses matching `f`, in catalog order.
pub fn courses<'s>(snap: &'s Snapshot, f: &CourseFilter<'_>) -> Vec<&'s Course> {
    snap.bundle()
        .courses
        .iter()
        .filter(|c| f.system.is_none_or(|s| c.system == s))
        .filter(|c| {
            f.competency
                .is_none_or(|k| c.competencies.iter().any(|x| x.as_str() == k))
        })
        .filter(|c| f.provider.is_none_or(|p| c.provider.as_deref() == Some(p)))
        .filter(|c| matches(&f.text, &[c.id.as_str(), &c.title]))
        .collect()
}

/// A filter on credentials.
#[derive(Debug, Default)]
pub struct CredentialFilter {
    pub kind: Option<CredentialKind>,
    pub level: Option<u32>,
    pub text: Option<String>,
}

/// Credentials matching `f`, in catalog order.
pub fn credentials<'s>(snap: &'s Snapshot, f: &CredentialFilter) -> Vec<&'s Credential> {
    snap.bundle()
        .credentials
        .iter()
        .filter(|c| f.kind.is_none_or(|k| c.kind == k))
        .filter(|c| f.level.is_none_or(|l| c.level == l))
        .filter(|c| matches(&f.text, &[c.id.as_str(), &c.title]))
        .collect()
}

/// A filter on occupations.
#[derive(Debug, Default)]
pub struct OccupationFilter<'a> {
    /// Occupations with demand figures for this region.
    pub region: Option<&'a str>,
    pub cluster: Option<&'a str>,
    /// A SOC major group (`29`), or any prefix of the code.
    pub major_group: Option<&'a str>,
    pub text: Option<String>,
}

/// Occupations matching `f`, in catalog order.
pub fn occupations<'s>(snap: &'s Snapshot, f: &OccupationFilter<'_>) -> Vec<&'s Occupation> {
    snap.bundle()
        .occupations
        .iter()
        .filter(|o| f.region.is_none_or(|r| o.demand.iter().any(|d| d.region == r)))
        .filter(|o| f.cluster.is_none_or(|c| o.cluster.as_deref() == Some(c)))
        .filter(|o| f.major_group.is_none_or(|g| o.soc.as_str().starts_with(g)))
        .filter(|o| matches(&f.text, &[o.soc.as_str(), &o.title]))
        .collect()
}

/// A filter on articulations.
#[derive(Debug, Default)]
pub struct ArticulationFilter<'a> {
    pub kind: Option<ArticulationKind>,
    /// Articulations from this course or credential.
    pub from: Option<&'a str>,
    /// Articulations toward this course.
    pub to: Option<&'a str>,
    pub text: Option<String>,
}

/// Articulations matching `f`, in catalog order.
pub fn articulations<'s>(snap: &'s Snapshot, f: &ArticulationFilter<'_>) -> Vec<&'s Articulation> {
    snap.bundle()
        .articulations
        .iter()
        .filter(|a| f.kind.is_none_or(|k| a.kind == k))
        .filter(|a| f.from.is_none_or(|x| a.from.as_str() == x))
        .filter(|a| f.to.is_none_or(|x| a.to.as_str() == x))
        .filter(|a| matches(&f.text, &[a.id.as_str(), a.from.as_str(), a.to.as_str()]))
        .collect()
}

fn not_found(what: &'static str, id: &str) -> AppError {
    AppError::NotFound {
        what,
        id: id.to_owned(),
    }
}

/// The record `id` of a kind the graph indexes: `ix` finds its index, `get` the record;
/// an unknown id is [`AppError::NotFound`] for `what`.
fn by_id<'s, I, T>(
    snap: &'s Snapshot,
    what: &'static str,
    id: &str,
    ix: fn(&CatalogGraph, &str) -> Option<I>,
    get: fn(&'s CatalogGraph, I) -> &'s T,
) -> Result<&'s T, AppError> {
    let g = &snap.graph;
    ix(g, id).map(|i| get(g, i)).ok_or_else(|| not_found(what, id))
}

/// The competency `id`.
pub fn competency<'s>(snap: &'s Snapshot, id: &str) -> Result<&'s Competency, AppError> {
    by_id(
        snap,
        "competency",
        id,
        CatalogGraph::competency_ix,
        CatalogGraph::competency,
    )
}

/// The course `id`.
pub fn course<'s>(snap: &'s Snapshot, id: &str) -> Result<&'s Course, AppError> {
    by_id(snap, "course", id, CatalogGraph::course_ix, CatalogGraph::course)
}

/// The credential `id`.
pub fn credential<'s>(snap: &'s Snapshot, id: &str) -> Result<&'s Credential, AppError> {
    by_id(
        snap,
        "credential",
        id,
        CatalogGraph::credential_ix,
        CatalogGraph::credential,
    )
}

/// The occupation with SOC code `soc`.
pub fn occupation<'s>(snap: &'s Snapshot, soc: &str) -> Result<&'s Occupation, AppError> {
    by_id(
        snap,
        "occupation",
        soc,
        CatalogGraph::occupation_ix,
        CatalogGraph::occupation,
    )
}

/// The articulation `id` (articulations are sorted by id).
pub fn articulation<'s>(snap: &'s Snapshot, id: &str) -> Result<&'s Articulation, AppError> {
    let all = &snap.bundle().articulations;
    all.binary_search_by(|a| a.id.as_str().cmp(id))
        .map(|i| &all[i])
        .map_err(|_| not_found("articulation", id))
}
