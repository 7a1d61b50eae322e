//! Times the gap, duplicate and report analyses on a synthetic catalog (what one uncached
//! request to `/v1/gaps`, `/v1/duplicates` or `/v1/reports/alignment` costs).
//!
//! ```sh
//! cargo run --release --example analysis_timing -- 5000     # a state catalog
//! ```

use careermap::analysis::duplicates::find_duplicates;
use careermap::analysis::gaps::{GapParams, Reachability, find_gaps_with};
use careermap::analysis::report::alignment;
use careermap::graph::CatalogGraph;
use careermap::synth::{SynthParams, generate};
use std::time::Instant;

fn main() {
    let courses: usize = std::env::args()
        .nth(1)
        .map_or(5_000, |a| a.parse().expect("number of courses"));
    let p = SynthParams {
        courses,
        credentials: courses * 2 / 5,
        occupations: (courses / 5).max(10),
        competencies: courses,
        seed: 7,
    };
    let t = Instant::now();
    let g = CatalogGraph::build(1, generate(&p));
    println!("catalog: {p:?} built in {:.2}s", t.elapsed().as_secs_f64());
    let time = |name: &str, f: &mut dyn FnMut() -> usize| {
        let t = Instant::now();
        let n = f();
        println!("{name}: {n} results in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    };
    time("duplicates (0.5)", &mut || find_duplicates(&g, 0.5).pairs.len());
    let mut reach = None;
    time("reachability (3 entry points)", &mut || {
        reach = Some(Reachability::new(&g));
        3
    });
    let reach = reach.unwrap();
    time("gaps", &mut || find_gaps_with(&g, &GapParams::default(), &reach).len());
    time("alignment report", &mut || {
        alignment(&g, &GapParams::default()).complexity.len()
    });
}
