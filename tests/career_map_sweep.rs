//! The counselor sweep (issue 8): 1,000 seeded random career-map requests on the embedded seed
//! catalog, run through the engine in-process with the service's default search budget.
//!
//! Each request has a random target (an occupation or a credential), entry point, `k` from 1
//! to 10, objective (all five), and a learner with up to 30 completed courses, 8 credentials
//! and 40 demonstrated competencies drawn from the seed
//! ([`careermap::analysis::career_map::sweep::random_requests`]). The test prints how many
//! searches reached the cap and the latency distribution (p50/p90/p99/max; figures for the
//! report, not asserted; `cargo bench --bench career_map` measures them) and asserts that every
//! answer is well formed: a capped search still answers, its unproven plans flagged
//! `optimal: false` with a lower bound no greater than their own objective.
//!
//! Since issue 21 no request is refused at all; before, a search over budget answered 422
//! `too-complex`. The count was 16 when the sweep was written, 12
//! before the duplicative-hours bound, 7 before the term bound of the `weeks` objective, 6
//! before the search branched on the decision with the fewest children, and 2 (both for the
//! `bas-it` bachelor by `weeks`) before forced steps stopped counting as expansions and
//! articulation loops (a certification that waives a course it requires) were cut.
//!
//! `cargo test --release --test career_map_sweep -- --nocapture`

use careermap::analysis::career_map::sweep::random_requests;
use careermap::analysis::career_map::*;
use careermap::analysis::demand::DemandIndex;
use careermap::graph::CatalogGraph;
use std::time::{Duration, Instant};

const REQUESTS: usize = 1000;
const SEED: u64 = 0x5eed_0008;

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
    let reqs = random_requests(&g, REQUESTS, SEED);
    let mut lat = Vec::with_capacity(reqs.len());
    let mut capped = vec![];
    let (mut answered, mut unreachable, mut expanded_max) = (0, 0, 0);
    for (i, r) in reqs.iter().enumerate() {
        let t = Instant::now();
        let map = career_map(&ctx, r, &limits);
        lat.push(t.elapsed());
        answered += 1;
        expanded_max = expanded_max.max(map.stats.expanded);
        if map.stats.capped {
            capped.push(i);
        }
        if map.paths.is_empty() {
            unreachable += 1;
            assert!(map.reason.is_some(), "request {i}: an empty answer has a reason");
        }
        assert!(map.paths.len() <= r.k, "request {i}: more plans than k");
        for w in map.paths.windows(2) {
            assert!(w[0].cost <= w[1].cost, "request {i}: plans out of order");
        }
        for p in &map.paths {
            assert_eq!(
                p.optimal,
                p.lower_bound.is_none(),
                "request {i}: a bound exactly when not optimal"
            );
            if let Some(lb) = p.lower_bound {
                assert!(
                    map.stats.capped,
                    "request {i}: unproven plans only from a capped search"
                );
                assert!(
                    lb <= p.cost.objective as f64 / 100.0 + 1e-9,
                    "request {i}: lower bound {lb} above the plan's own objective"
                );
            }
        }
    }
    lat.sort_unstable();
    eprintln!(
        "sweep of {} requests on the seed ({} courses): {} answered ({} without a path), {} reached the search cap; \
         latency p50 {:.2?} p90 {:.2?} p99 {:.2?} max {:.2?}; most expansions {}",
        reqs.len(),
        g.n_courses(),
        answered,
        unreachable,
        capped.len(),
        pct(&lat, 0.50),
        pct(&lat, 0.90),
        pct(&lat, 0.99),
        lat.last().unwrap(),
        expanded_max,
    );
    for &i in capped.iter().take(20) {
        let r = &reqs[i];
        eprintln!(
            "  capped: #{i} {:?} {:?} k={} {:?} completed={} credentials={} competencies={}",
            r.target,
            r.entry,
            r.k,
            r.optimize,
            r.learner.completed.len(),
            r.learner.credentials.len(),
            r.learner.competencies.len()
        );
    }
}
