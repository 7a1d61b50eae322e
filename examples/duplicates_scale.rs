//! Times duplicate detection at one size and reports memory, for sizes criterion cannot
//! sample (1M courses) and for the quadratic oracle.
//!
//! ```sh
//! cargo run --release --example duplicates_scale -- 1000000 index
//! cargo run --release --example duplicates_scale -- 100000 oracle
//! ```
//!
//! Arguments: number of courses (default 10000), `index` (the prefix-filtered join, default),
//! `oracle` (brute force) or `both` (checks that they agree), threshold (default 0.5), measure
//! (`jaccard`, default, or `containment`).
//! Memory: `heap_peak` is the largest heap in use during the join beyond what was in use
//! before it (a counting global allocator); `VmHWM` is the process's peak resident set.

use careermap::analysis::duplicates::{Measure, brute_force_join_by, similarity_join_by, synthetic_sets};
use common::{heap_in_use, mib, vm_hwm_kib};
use std::time::Instant;
mod common;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map_or(10_000, |a| a.parse().expect("number of courses"));
    let algo = args.get(1).map_or("index", String::as_str).to_owned();
    let t: f64 = args.get(2).map_or(0.5, |a| a.parse().expect("threshold"));
    let measure = args.get(3).map_or(Measure::Jaccard, |m| {
        Measure::parse(m).expect("measure: jaccard or containment")
    });
    let similarity_join = |sets: &[Vec<u32>], t: f64| similarity_join_by(sets, t, measure);
    let brute_force_join = |sets: &[Vec<u32>], t: f64| brute_force_join_by(sets, t, measure);

    let started = Instant::now();
    let sets = synthetic_sets(n, 42);
    let refs: usize = sets.iter().map(Vec::len).sum();
    println!(
        "n={n} competency_refs={refs} avg_size={:.2} generated_in={:.2}s input_heap={:.1}MiB VmHWM_after_generation={:.1}MiB",
        refs as f64 / n as f64,
        started.elapsed().as_secs_f64(),
        mib(heap_in_use()),
        vm_hwm_kib() as f64 / 1024.0
    );
    let run = |name: &str, f: &mut dyn FnMut() -> usize| common::run(&format!("{name}: n={n} t={t}"), "pairs", f);
    match algo.as_str() {
        "index" => {
            run("prefix_join", &mut || similarity_join(&sets, t).len());
        }
        "oracle" => {
            run("brute_force", &mut || brute_force_join(&sets, t).len());
        }
        "both" => {
            let a = run("prefix_join", &mut || similarity_join(&sets, t).len());
            let b = run("brute_force", &mut || brute_force_join(&sets, t).len());
            assert_eq!(
                similarity_join(&sets, t),
                brute_force_join(&sets, t),
                "the join must be exact"
            );
            println!(
                "ratio brute_force/prefix_join (cpu) = {:.1}x (answers identical)",
                b / a
            );
        }
        other => panic!("unknown algorithm `{other}`: use index, oracle or both"),
    }
}
