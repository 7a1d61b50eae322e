//! The counselor sweep (issue 8): 1,000 seeded random career-map requests on the embedded seed
//! catalog, run through the engine in-process with the service's default search budget.
//!
//! Each request has a random target (an occupation or a credential), entry point, `k` from 1
//! to 10, objective (all four), and a learner with up to 30 completed courses, 8 credentials
//! and 40 demonstrated competencies drawn from the seed. The test prints the too-complex count
//! and the latency distribution (p50/p90/p99/max; figures for the report, not asserted) and
//! asserts that every answer is well formed and that none is refused as too complex.
//!
//! None is refused (issue 8 asks for 0). The count was 16 when the sweep was written, 12
//! before the duplicative-hours bound, 7 before the term bound of the `weeks` objective, 6
//! before the search branched on the decision with the fewest children, and 2 (both for the
//! `bas-it` bachelor by `weeks`) before forced steps stopped counting as expansions and
//! articulation loops (a certification that waives a course it requires) were cut.
//!
//! `cargo test --release --test career_map_sweep -- --nocapture`

use careermap::analysis::career_map::*;
use careermap::analysis::demand::DemandIndex;
use careermap::graph::{CatalogGraph, CompetencyIx, CourseIx, CredentialIx, OccupationIx};
use std::time::{Duration, Instant};

const REQUESTS: usize = 1000;
const SEED: u64 = 0x5eed_0008;

/// `n` distinct indices below `len`, at most `len`.
fn pick(rng: &mut fastrand::Rng, len: usize, n: usize) -> Vec<u32> {
    let mut all: Vec<u32> = (0..len as u32).collect();
    rng.shuffle(&mut all);
    all.truncate(n.min(len));
    all
}

fn requests(g: &CatalogGraph) -> Vec<MapRequest> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let objectives = [
        Objective::Hours,
        Objective::PostsecondaryHours,
        Objective::Cost,
        Objective::Weeks,
    ];
    (0..REQUESTS)
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
                optimize: objectives[rng.usize(0..4)],
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

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[test]
fn a_thousand_counselor_requests_on_the_seed_are_answered() {
    let bundle = careermap::domain::Bundle::from_json(careermap::service::SEED.as_bytes()).unwrap();
    let g = CatalogGraph::build(1, bundle);
    assert!(g.n_courses() >= 150, "the seed catalog has {} courses", g.n_courses());
    let demand = DemandIndex::build(&g);
    let ctx = MapContext::with_default_policy(&g, &demand);
    let limits = Limits::default();
    let reqs = requests(&g);
    let mut lat = Vec::with_capacity(reqs.len());
    let mut too_complex = vec![];
    let (mut answered, mut unreachable, mut expanded_max) = (0, 0, 0);
    for (i, r) in reqs.iter().enumerate() {
        let t = Instant::now();
        let out = career_map(&ctx, r, &limits);
        lat.push(t.elapsed());
        match out {
            Ok(map) => {
                answered += 1;
                expanded_max = expanded_max.max(map.stats.expanded);
                if map.paths.is_empty() {
                    unreachable += 1;
                    assert!(map.reason.is_some(), "request {i}: an empty answer has a reason");
                }
                assert!(map.paths.len() <= r.k, "request {i}: more plans than k");
                for w in map.paths.windows(2) {
                    assert!(w[0].cost <= w[1].cost, "request {i}: plans out of order");
                }
            }
            Err(MapError::TooComplex { .. }) => too_complex.push(i),
        }
    }
    lat.sort_unstable();
    eprintln!(
        "sweep of {} requests on the seed ({} courses): {} answered ({} without a path), {} too complex; \
         latency p50 {:.2?} p90 {:.2?} p99 {:.2?} max {:.2?}; most expansions {}",
        reqs.len(),
        g.n_courses(),
        answered,
        unreachable,
        too_complex.len(),
        pct(&lat, 0.50),
        pct(&lat, 0.90),
        pct(&lat, 0.99),
        lat.last().unwrap(),
        expanded_max,
    );
    for &i in too_complex.iter().take(20) {
        let r = &reqs[i];
        eprintln!(
            "  too complex: #{i} {:?} {:?} k={} {:?} completed={} credentials={} competencies={}",
            r.target,
            r.entry,
            r.k,
            r.optimize,
            r.learner.completed.len(),
            r.learner.credentials.len(),
            r.learner.competencies.len()
        );
    }
    assert!(
        too_complex.is_empty(),
        "{} of {} requests were refused as too complex",
        too_complex.len(),
        reqs.len()
    );
}
