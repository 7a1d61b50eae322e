//! Duplicate detection: the prefix-filtered similarity join against the brute-force oracle on
//! synthetic catalogs (`careermap::analysis::duplicates::synthetic_sets`: 8-15 competencies per
//! course, field pools, near copies). The oracle runs at 10k only (it is quadratic); the 1M
//! case and memory figures come from `examples/duplicates_scale.rs`.
//!
//! `cargo bench --bench duplicates`

use careermap::analysis::duplicates::{brute_force_join, similarity_join, synthetic_sets};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("duplicates");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    for n in [10_000usize, 100_000] {
        let sets = synthetic_sets(n, 42);
        group.bench_with_input(BenchmarkId::new("prefix_join", n), &sets, |b, sets| {
            b.iter(|| black_box(similarity_join(sets, 0.5)))
        });
        if n <= 10_000 {
            group.bench_with_input(BenchmarkId::new("brute_force", n), &sets, |b, sets| {
                b.iter(|| black_box(brute_force_join(sets, 0.5)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
