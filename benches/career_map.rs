//! Career-map latency on the state-scale synthetic catalog and on the seed.
//!
//! Builds `SynthParams::state(1)` once, picks 300 fixed targets (100 occupations spread over the
//! catalog, each from the three entry points, an empty learner, `k = 3`, the default search
//! budget), prints the per-request latency distribution, cap hits and unreachable targets to
//! stderr, then lets criterion time the whole batch.
//!
//! Then the counselor sweep on the seed: the 1,000 random requests of
//! `tests/career_map_sweep.rs` (`sweep::random_requests`), each timed once (p50, p99, max and
//! the searches that reached the cap, printed), then criterion times the whole sweep.
//!
//! `cargo bench --bench career_map`

use careermap::analysis::career_map::sweep::random_requests;
use careermap::analysis::career_map::{EntryPoint, Limits, MapContext, MapRequest, Target, career_map};
use careermap::analysis::demand::DemandIndex;
use careermap::graph::{CatalogGraph, OccupationIx};
use careermap::synth::{SynthParams, generate};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};

const OCCUPATIONS: usize = 100;

fn targets(g: &CatalogGraph) -> Vec<MapRequest> {
    let n = g.n_occupations();
    let step = (n / OCCUPATIONS).max(1);
    (0..n)
        .step_by(step)
        .take(OCCUPATIONS)
        .flat_map(|o| {
            EntryPoint::ALL
                .into_iter()
                .map(move |entry| MapRequest::with_defaults(Target::Occupation(OccupationIx(o as u32)), entry))
        })
        .collect()
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn bench(c: &mut Criterion) {
    let t = Instant::now();
    let g = CatalogGraph::build(1, generate(&SynthParams::state(1)));
    let demand = DemandIndex::build(&g);
    let ctx = MapContext::with_default_policy(&g, &demand);
    let limits = Limits::default();
    let reqs = targets(&g);
    eprintln!(
        "state catalog: {} courses, {} credentials, {} occupations, built in {:.2?}",
        g.n_courses(),
        g.n_credentials(),
        g.n_occupations(),
        t.elapsed()
    );

    // Per-request latency over every target, once.
    let (mut lat, mut capped, mut unreachable, mut expanded) = (Vec::new(), 0, 0, Vec::new());
    let mut by_entry = [(0usize, 0usize, 0usize); 3];
    for r in &reqs {
        let e = EntryPoint::ALL.iter().position(|&x| x == r.entry).unwrap();
        let t = Instant::now();
        let m = career_map(&ctx, r, &limits);
        lat.push(t.elapsed());
        unreachable += usize::from(m.paths.is_empty());
        by_entry[e].1 += usize::from(m.paths.is_empty());
        expanded.push(m.stats.expanded);
        capped += usize::from(m.stats.capped);
        by_entry[e].2 += usize::from(m.stats.capped);
        by_entry[e].0 += 1;
    }
    lat.sort_unstable();
    expanded.sort_unstable();
    eprintln!(
        "career_map over {} targets: p50 {:.2?}  p90 {:.2?}  p99 {:.2?}  max {:.2?}  total {:.2?}",
        lat.len(),
        pct(&lat, 0.50),
        pct(&lat, 0.90),
        pct(&lat, 0.99),
        lat.last().unwrap(),
        lat.iter().sum::<Duration>(),
    );
    eprintln!(
        "  cap hits ({} expansions): {capped}; unreachable: {unreachable}; expansions p50 {} p99 {} max {}",
        limits.max_expansions,
        expanded.get(expanded.len() / 2).copied().unwrap_or(0),
        expanded
            .get((expanded.len() * 99).div_ceil(100).saturating_sub(1))
            .copied()
            .unwrap_or(0),
        expanded.last().copied().unwrap_or(0),
    );
    for (e, (n, u, c)) in EntryPoint::ALL.iter().zip(by_entry) {
        eprintln!("  {:<13} {n} targets, {u} unreachable, {c} capped", e.as_str());
    }

    let mut group = c.benchmark_group("career_map");
    group.sample_size(10);
    group.bench_function("state_300_targets", |b| {
        b.iter(|| {
            for r in &reqs {
                let _ = black_box(career_map(&ctx, black_box(r), &limits));
            }
        })
    });
    group.finish();
}

/// Requests of the seed sweep and the seed of their random choices.
const SWEEP: usize = 1000;
const SWEEP_SEED: u64 = 0x5eed_0008;

fn seed_sweep(c: &mut Criterion) {
    let bundle = careermap::domain::Bundle::from_json(careermap::service::SEED.as_bytes()).expect("the seed parses");
    let g = CatalogGraph::build(1, bundle);
    let demand = DemandIndex::build(&g);
    let ctx = MapContext::with_default_policy(&g, &demand);
    let limits = Limits::default();
    let reqs = random_requests(&g, SWEEP, SWEEP_SEED);
    let (mut lat, mut capped) = (Vec::with_capacity(reqs.len()), 0);
    for r in &reqs {
        let t = Instant::now();
        let m = career_map(&ctx, r, &limits);
        lat.push(t.elapsed());
        capped += usize::from(m.stats.capped);
    }
    lat.sort_unstable();
    eprintln!(
        "seed sweep of {} random requests: p50 {:.2?}  p90 {:.2?}  p99 {:.2?}  max {:.2?}; {capped} reached the cap (none refused)",
        lat.len(),
        pct(&lat, 0.50),
        pct(&lat, 0.90),
        pct(&lat, 0.99),
        lat.last().unwrap(),
    );
    let mut group = c.benchmark_group("career_map");
    group.sample_size(10);
    group.bench_function("seed_1000_random", |b| {
        b.iter(|| {
            for r in &reqs {
                let _ = black_box(career_map(&ctx, black_box(r), &limits));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench, seed_sweep);
criterion_main!(benches);
