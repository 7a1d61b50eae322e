//! The counselor's record pages: a credential (what it requires, its exam fees, where it is
//! offered, what it stacks into, the occupations it qualifies for with their figures) and a
//! course (what it needs, what it counts toward, the credit it carries), and, for an occupation
//! the catalog has no route to, the related occupations that have one.

use super::{App, AppError};
use crate::analysis::demand::OccupationDemand;
use crate::domain::Evidence;
use crate::graph::{AssessmentIx, CatalogGraph, CourseIx, CredentialIx, Group, Item, OccupationIx};
use crate::service::Snapshot;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The most related occupations offered in place of a map.
pub const MAX_RELATED: usize = 6;

/// One requirement or prerequisite group: `choose` of the items, or `credits` among them.
pub struct Requirement {
    pub choose: Option<u32>,
    pub credits: Option<f64>,
    pub items: Vec<Item>,
}

fn requirements(groups: &[Group]) -> Vec<Requirement> {
    groups
        .iter()
        .map(|grp| match grp {
            Group::Choose { n, from } => Requirement {
                choose: Some(*n),
                credits: None,
                items: from.clone(),
            },
            Group::MinCredits { credits, from } => Requirement {
                choose: None,
                credits: Some(*credits),
                items: from.clone(),
            },
        })
        .collect()
}

/// Whether the catalog has a route to `item` from some entry point.
fn item_routed(snap: &Snapshot, item: Item) -> bool {
    snap.reachability().any_item(item)
}

/// Whether the catalog has a route to occupation `o` from some entry point.
pub fn occupation_routed(snap: &Snapshot, o: OccupationIx) -> bool {
    snap.reachability()
        .by_entry
        .iter()
        .any(|r| r.occupation(&snap.graph, o))
}

/// A credential's page.
pub struct CredentialDetail {
    pub snapshot: Arc<Snapshot>,
    pub credential: CredentialIx,
    pub requires: Vec<Requirement>,
    /// The exams its requirements list.
    pub exams: Vec<AssessmentIx>,
    /// Known fees of those exams, summed.
    pub exam_fees: f64,
    /// Who offers what it requires (its courses' providers) and who awards it.
    pub offered_by: Vec<String>,
    pub stacks_into: Vec<CredentialIx>,
    pub stacked_from: Vec<CredentialIx>,
    /// The occupations it qualifies for, with their figures in the region and the evidence.
    pub occupations: Vec<(OccupationDemand, Option<Evidence>)>,
    pub has_route: bool,
    pub region: String,
}

/// The credential `id`'s page in `region`.
pub fn credential(app: &App, id: &str, region: &str) -> Result<CredentialDetail, AppError> {
    let snapshot = app.catalog.snapshot();
    let g = &snapshot.graph;
    let c = g.credential_ix(id).ok_or_else(|| AppError::NotFound {
        what: "credential",
        id: id.to_owned(),
    })?;
    let requires = requirements(g.requirements(c));
    let listed: BTreeSet<Item> = requires.iter().flat_map(|r| r.items.iter().copied()).collect();
    let exams: Vec<AssessmentIx> = listed
        .iter()
        .filter_map(|i| match i {
            Item::Assessment(a) => Some(*a),
            _ => None,
        })
        .collect();
    let exam_fees = exams.iter().filter_map(|&a| g.assessment(a).cost).sum();
    let offered_by = offered_by(g, c, &listed);
    let policy = &app.settings.high_demand;
    let mut occupations: Vec<(OccupationDemand, Option<Evidence>)> = g
        .qualifies_for(c)
        .iter()
        .map(|&o| {
            (
                snapshot.demand().occupation(g, o, region, policy),
                g.link_evidence(c, o),
            )
        })
        .collect();
    occupations.sort_by(|a, b| {
        b.0.annual_openings
            .unwrap_or(0.0)
            .total_cmp(&a.0.annual_openings.unwrap_or(0.0))
    });
    let has_route = item_routed(&snapshot, Item::Credential(c));
    Ok(CredentialDetail {
        credential: c,
        requires,
        exams,
        exam_fees,
        offered_by,
        stacks_into: g.stacks_into(c).to_vec(),
        stacked_from: g.stacked_from(c).to_vec(),
        occupations,
        has_route,
        region: region.to_owned(),
        snapshot,
    })
}

fn offered_by(g: &CatalogGraph, c: CredentialIx, listed: &BTreeSet<Item>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let awarding = g.credential(c).provider.iter();
    let courses = listed.iter().filter_map(|i| match i {
        Item::Course(k) => g.course(*k).provider.as_ref(),
        _ => None,
    });
    for p in awarding.chain(courses) {
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

/// A course's page.
pub struct CourseDetail {
    pub snapshot: Arc<Snapshot>,
    pub course: CourseIx,
    pub prerequisites: Vec<Requirement>,
    /// Courses, exams and credentials whose groups list it.
    pub counts_toward: Vec<Item>,
    /// Credit it earns elsewhere: (the course credited, credits).
    pub credit_toward: Vec<(CourseIx, f64)>,
    /// Credit others earn toward it: (what earns it, credits).
    pub credit_from: Vec<(Item, f64)>,
    pub has_route: bool,
}

/// The course `id`'s page.
pub fn course(app: &App, id: &str) -> Result<CourseDetail, AppError> {
    let snapshot = app.catalog.snapshot();
    let g = &snapshot.graph;
    let c = g.course_ix(id).ok_or_else(|| AppError::NotFound {
        what: "course",
        id: id.to_owned(),
    })?;
    let credit_from = g
        .articulations_to(c)
        .iter()
        .map(|&a| (g.articulation_from(a), g.articulation(a).credits))
        .filter(|(from, _)| !matches!(from, Item::Course(k) if k.0 == u32::MAX))
        .collect();
    let credit_toward = snapshot
        .bundle()
        .articulations
        .iter()
        .filter(|a| a.from.as_str() == id)
        .filter_map(|a| Some((g.course_ix(a.to.as_str())?, a.credits)))
        .collect();
    Ok(CourseDetail {
        course: c,
        prerequisites: requirements(g.prerequisites(c)),
        counts_toward: g.counts_toward(Item::Course(c)),
        credit_toward,
        credit_from,
        has_route: item_routed(&snapshot, Item::Course(c)),
        snapshot,
    })
}

/// Up to [`MAX_RELATED`] occupations the catalog has a route to, nearest to `o` in the SOC
/// hierarchy first (same broad group, then minor group, then major group), most openings first
/// within each: what to offer for an occupation without a route.
pub fn related_with_route(snap: &Snapshot, o: OccupationIx, region: &str, app: &App) -> Vec<OccupationDemand> {
    let g = &snap.graph;
    let soc = g.occupation(o).soc.as_str().to_owned();
    // SOC NN-NNNN: broad group NN-NNN, minor group NN-NN, major group NN.
    let shared = |other: &str| -> usize {
        [6usize, 5, 2]
            .iter()
            .position(|&n| soc.get(..n).is_some_and(|p| other.starts_with(p)))
            .map_or(0, |i| 3 - i)
    };
    let mut near: Vec<(usize, OccupationDemand)> = (0..g.n_occupations())
        .map(|i| OccupationIx(i as u32))
        .filter(|&x| x != o)
        .filter_map(|x| {
            let s = shared(g.occupation(x).soc.as_str());
            (s > 0 && occupation_routed(snap, x)).then_some((s, x))
        })
        .map(|(s, x)| (s, snap.demand().occupation(g, x, region, &app.settings.high_demand)))
        .collect();
    near.sort_by(|a, b| {
        b.0.cmp(&a.0).then(
            b.1.annual_openings
                .unwrap_or(0.0)
                .total_cmp(&a.1.annual_openings.unwrap_or(0.0)),
        )
    });
    near.into_iter().take(MAX_RELATED).map(|(_, d)| d).collect()
}
