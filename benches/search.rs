//! Search latency, index size and build time on the national synthetic catalog.
//!
//! Generates `SynthParams::national(1)` (2,000,000 courses, 1,000,000 credentials, 10,000
//! occupations), builds its graph (timed: the part of a snapshot's load that is in memory) and
//! reachability, then the search index (timed, with its size), and prints the per-query latency
//! distribution of 1,000 queries of every shape (one word matching millions of titles, a title,
//! a number, a typo, a prefix, a code, no match) to stderr; criterion then times a batch.
//!
//! `cargo bench --bench search` (needs about 10 GB of memory).

use careermap::analysis::gaps::Reachability;
use careermap::analysis::search::{HitKind, SearchIndex, SearchQuery};
use careermap::graph::CatalogGraph;
use careermap::synth::{SynthParams, generate};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn queries(g: &CatalogGraph) -> Vec<SearchQuery> {
    let mut rng = fastrand::Rng::with_seed(7);
    let q = |text: String, kinds: Vec<HitKind>, routes_only: bool| SearchQuery {
        text,
        kinds,
        routes_only,
        limit: 20,
    };
    (0..1000)
        .map(|i| {
            let c = rng.usize(..g.n_courses());
            let o = rng.usize(..g.n_occupations());
            match i % 10 {
                0 => q("course".into(), vec![], false),
                1 => q(format!("Course {c}"), vec![], false),
                2 => q(
                    format!("Credential {}", rng.usize(..g.n_credentials())),
                    vec![HitKind::Credential],
                    false,
                ),
                3 => q(format!("Occupation {o}"), vec![HitKind::Occupation], true),
                4 => q(format!("Cuorse {c}"), vec![], false),
                5 => q("occupaton".into(), vec![], false),
                6 => q("cred".into(), vec![], false),
                7 => q(
                    g.occupation(careermap::graph::OccupationIx(o as u32)).soc.to_string(),
                    vec![],
                    false,
                ),
                8 => q("nothing matches this".into(), vec![], false),
                _ => q(format!("{c}"), vec![HitKind::Course], false),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let t = Instant::now();
    let bundle = generate(&SynthParams::national(1));
    let generated = t.elapsed();
    let t = Instant::now();
    let g = CatalogGraph::build(1, bundle);
    let graph_build = t.elapsed();
    let t = Instant::now();
    let reach = Reachability::new(&g);
    let reach_build = t.elapsed();
    let index = SearchIndex::build(&g, &reach).expect("index");
    let s = index.stats();
    eprintln!(
        "national catalog: {} courses, {} credentials, {} occupations; generated in {generated:.2?}, graph built in {graph_build:.2?}, reachability in {reach_build:.2?}",
        g.n_courses(),
        g.n_credentials(),
        g.n_occupations(),
    );
    eprintln!(
        "search index: {} documents, {:.1} MB of segments in memory, built in {:.2?} ({:.2} of the graph build)",
        s.documents,
        s.bytes as f64 / 1e6,
        s.build,
        s.build.as_secs_f64() / graph_build.as_secs_f64(),
    );

    let qs = queries(&g);
    // Warm the searcher once, then time every query.
    let _ = index.search(&g, &reach, &qs[0]);
    let mut lat: Vec<Duration> = Vec::with_capacity(qs.len());
    let mut shapes = [Duration::ZERO; 10];
    for (i, q) in qs.iter().enumerate() {
        let t = Instant::now();
        let r = index.search(&g, &reach, q).expect("search");
        let d = t.elapsed();
        black_box(r);
        shapes[i % 10] = shapes[i % 10].max(d);
        lat.push(d);
    }
    lat.sort_unstable();
    eprintln!(
        "search over {} queries: p50 {:.2?}  p90 {:.2?}  p99 {:.2?}  max {:.2?}",
        lat.len(),
        pct(&lat, 0.50),
        pct(&lat, 0.90),
        pct(&lat, 0.99),
        lat.last().unwrap(),
    );
    eprintln!(
        "  slowest per shape (word, title, credential, occupation+routes, typo, typo word, prefix, code, none, number): {shapes:.2?}"
    );

    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.bench_function("national_100_queries", |b| {
        b.iter(|| {
            for q in qs.iter().take(100) {
                let _ = black_box(index.search(&g, &reach, black_box(q)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
