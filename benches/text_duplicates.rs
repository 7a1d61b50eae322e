//! Text duplicates: the prefix-filtered cosine join over TF-IDF vectors of generated course
//! titles and descriptions (`careermap::analysis::text::synthetic_texts`: fields of about 50
//! courses with their own subject words, 3-5 sentences of catalog prose each, one course in
//! ten a near restatement of another), against the brute-force cosine where it finishes
//! (10k; it is quadratic). Threshold 0.6, seed 42. The 1M case (one run, with memory) is
//! `examples/text_duplicates_scale.rs`; set `CAREERMAP_BENCH_1M=1` to sample it here too.
//!
//! `cargo bench --bench text_duplicates`
//!
//! Measured with `examples/text_duplicates_scale.rs` (CPU time is the figure to read: the
//! shared 2-core machine ran at load average 15-19 from other builds, so wall times are
//! inflated several-fold), threshold 0.6, seed 42, 43 words and 27 distinct terms per course:
//!
//! | courses | model build | cosine join | brute force | pairs | join heap peak / VmHWM |
//! |---|---|---|---|---|---|
//! | 10k | 0.07 s CPU | 0.33 s CPU (1.5 s wall) | 10.5 s CPU (46.8 s wall) | 4,956 (identical) | 1.2 MiB / 10 MiB |
//! | 100k | 0.91 s CPU | 3.38 s CPU (12.1 s wall) | not run (quadratic, ~17 min CPU) | 51,485 | 12.2 MiB / 86 MiB |
//! | 1M | 13.9 s CPU (74 s wall) | 353 s CPU (846 s wall, load 8-10) | not run | 2,682,138 | 189 MiB / 874 MiB |
//!
//! Criterion, `cargo bench --bench text_duplicates -- --warm-up-time 1 --measurement-time 5`
//! at load average 9-10: cosine join 713 ms at 10k against 19.7 s for the brute force (28x),
//! 7.19 s at 100k.
//!
//! The 1M join finishes but grows about quadratically: the generator's vocabulary stops at
//! 20,000 words from 100k courses on, so each subject word's document frequency, hence each
//! inverted list, grows with n. At 100k the probes scan 32 million entries and 92% of the
//! candidates they touch survive the suffix-norm bound to verification (pairs of one field
//! share many subject words): the prefix filter, not verification, is the limit. Those
//! 1M figures are for the join before the L2 positional bound (only prefixes probed, the norm
//! after the last common term carried per candidate); with it, same pairs: 10k 0.23 s CPU
//! (0.33 before), 100k 2.49 s CPU (3.38 before), load average 7.5; 1M 289 s CPU, 294 s wall
//! (load average 7-8), 2,682,138 pairs, heap peak 248 MiB, VmHWM 920 MiB (`/usr/bin/time -v`:
//! 5 min 31 s in all, maximum resident set 921 MiB).

use careermap::analysis::text::{TextModel, brute_force_cosine, cosine_join, synthetic_texts};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("text_duplicates");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    let mut sizes = vec![10_000usize, 100_000];
    if std::env::var_os("CAREERMAP_BENCH_1M").is_some() {
        sizes.push(1_000_000);
    }
    for n in sizes {
        let texts = synthetic_texts(n, 42);
        let model = TextModel::build(texts.iter().map(|(t, d)| (t.as_str(), Some(d.as_str()))));
        group.bench_with_input(BenchmarkId::new("cosine_join", n), &model, |b, m| {
            b.iter(|| black_box(cosine_join(&m.vectors, 0.6)))
        });
        if n <= 10_000 {
            group.bench_with_input(BenchmarkId::new("brute_force", n), &model, |b, m| {
                b.iter(|| black_box(brute_force_cosine(&m.vectors, 0.6)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
