//! Random career-map questions over a catalog, for the counselor sweep (the test
//! `tests/career_map_sweep.rs` and the benchmark `benches/career_map.rs` ask the same ones).

use super::{EntryPoint, Learner, MapRequest, Objective, Target};
use crate::graph::{CatalogGraph, CompetencyIx, CourseIx, CredentialIx, OccupationIx};

/// Every objective a request may rank by.
pub const OBJECTIVES: [Objective; 5] = [
    Objective::Duplication,
    Objective::Hours,
    Objective::PostsecondaryHours,
    Objective::Cost,
    Objective::Weeks,
];

/// `n` distinct indices below `len`, at most `len`.
fn pick(rng: &mut fastrand::Rng, len: usize, n: usize) -> Vec<u32> {
    let mut all: Vec<u32> = (0..len as u32).collect();
    rng.shuffle(&mut all);
    all.truncate(n.min(len));
    all
}

/// `n` random requests on `g`, the same for the same `seed`: a random target (an occupation or
/// a credential), entry point, `k` from 1 to 10, objective (all five), and a learner with up
/// to 30 completed courses, 8 credentials and 40 demonstrated competencies.
pub fn random_requests(g: &CatalogGraph, n: usize, seed: u64) -> Vec<MapRequest> {
    let mut rng = fastrand::Rng::with_seed(seed);
    (0..n)
        .map(|_| {
            let target = if rng.bool() {
                Target::Occupation(OccupationIx(rng.u32(0..g.n_occupations() as u32)))
            } else {
                Target::Credential(CredentialIx(rng.u32(0..g.n_credentials() as u32)))
            };
            let n_completed = rng.usize(0..=30);
            let n_credentials = rng.usize(0..=8);
            let n_competencies = rng.usize(0..=40);
            MapRequest {
                target,
                entry: EntryPoint::ALL[rng.usize(0..3)],
                region: "US".into(),
                k: rng.usize(1..=10),
                optimize: OBJECTIVES[rng.usize(0..OBJECTIVES.len())],
                learner: Learner {
                    completed: pick(&mut rng, g.n_courses(), n_completed)
                        .into_iter()
                        .map(CourseIx)
                        .collect(),
                    credentials: pick(&mut rng, g.n_credentials(), n_credentials)
                        .into_iter()
                        .map(CredentialIx)
                        .collect(),
                    competencies: pick(&mut rng, g.n_competencies(), n_competencies)
                        .into_iter()
                        .map(CompetencyIx)
                        .collect(),
                    ..Default::default()
                },
            }
        })
        .collect()
}
