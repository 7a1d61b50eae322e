//! Times text duplicates (title + description TF-IDF cosine join) at one size and reports
//! memory: for the 1M case criterion cannot sample, and for the quadratic oracle.
//!
//! ```sh
//! cargo run --release --example text_duplicates_scale -- 1000000 index
//! cargo run --release --example text_duplicates_scale -- 10000 both
//! ```
//!
//! Arguments: number of courses (default 10000), `index` (the prefix-filtered join, default),
//! `oracle` (brute force) or `both` (checks that they agree), threshold (default 0.6).
//! `heap_peak` is the largest heap in use during the step beyond what was in use before it
//! (a counting global allocator); `VmHWM` is the process's peak resident set.

use careermap::analysis::text::{TextModel, brute_force_cosine, cosine_join, synthetic_texts};
mod common;

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().map_or(10_000, |a| a.parse().expect("number of courses"));
    let algo = args.get(1).map_or("index", String::as_str).to_owned();
    let t: f64 = args.get(2).map_or(0.6, |a| a.parse().expect("threshold"));

    let started = Instant::now();
    let texts = synthetic_texts(n, 42);
    let words: usize = texts
        .iter()
        .map(|(a, b)| a.split(' ').count() + b.split(' ').count())
        .sum();
    println!(
        "n={n} words={words} avg_words={:.1} generated_in={:.2}s input_heap={:.1}MiB VmHWM_after_generation={:.1}MiB",
        words as f64 / n as f64,
        started.elapsed().as_secs_f64(),
        common::mib(common::heap_in_use()),
        common::vm_hwm_kib() as f64 / 1024.0
    );
    let run = |name: &str, f: &mut dyn FnMut() -> usize| {
        common::run(&format!("{name}: n={n} t={t}"), "result", f);
    };
    let mut model = TextModel::default();
    run("tfidf_model (vocabulary)", &mut || {
        model = TextModel::build(texts.iter().map(|(a, b)| (a.as_str(), Some(b.as_str()))));
        model.terms.len()
    });
    drop(texts);
    let terms: usize = model.vectors.iter().map(Vec::len).sum();
    println!("vector_entries={terms} avg_terms={:.1}", terms as f64 / n as f64);
    match algo.as_str() {
        "index" => run("cosine_join (pairs)", &mut || cosine_join(&model.vectors, t).len()),
        "oracle" => run("brute_force (pairs)", &mut || {
            brute_force_cosine(&model.vectors, t).len()
        }),
        "both" => {
            run("cosine_join (pairs)", &mut || cosine_join(&model.vectors, t).len());
            run("brute_force (pairs)", &mut || {
                brute_force_cosine(&model.vectors, t).len()
            });
            assert_eq!(
                cosine_join(&model.vectors, t),
                brute_force_cosine(&model.vectors, t),
                "the join must be exact"
            );
            println!("answers identical");
        }
        other => panic!("unknown algorithm `{other}`: use index, oracle or both"),
    }
}
