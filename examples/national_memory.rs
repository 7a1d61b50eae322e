//! Memory and latency at national scale: generates `SynthParams::national(SEED)` (~2,000,000
//! courses, 1,000,000 credentials, 10,000 occupations and competencies), builds the catalog
//! graph and its demand index, prints VmRSS and VmHWM after each stage, the graph's size and
//! build times, then runs a few career-map requests and prints their latency.
//!
//! `cargo run --release --example national_memory -- [SEED]` (needs several GB)

use careermap::analysis::career_map::{EntryPoint, Limits, MapContext, MapRequest, Target, career_map};
use careermap::analysis::demand::DemandIndex;
use careermap::graph::{CatalogGraph, OccupationIx};
use careermap::synth::{SynthParams, generate};
use std::time::Instant;

/// VmRSS and VmHWM from /proc/self/status, in MiB (0 where unavailable).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kib("VmRSS:") / 1024.0, kib("VmHWM:") / 1024.0)
}

fn report(stage: &str, secs: f64) {
    let (rss, hwm) = memory();
    println!("{stage:<22} {secs:>8.2} s   VmRSS {rss:>9.0} MiB   VmHWM {hwm:>9.0} MiB");
}

fn main() {
    let seed: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let p = SynthParams::national(seed);
    report("start", 0.0);

    let t = Instant::now();
    let bundle = generate(&p);
    report("generate", t.elapsed().as_secs_f64());
    let c = bundle.counts();
    println!(
        "bundle: {} courses, {} credentials, {} occupations, {} competencies, {} articulations",
        c.courses, c.credentials, c.occupations, c.competencies, c.articulations
    );

    let t = Instant::now();
    let g = CatalogGraph::build(1, bundle);
    report("graph build", t.elapsed().as_secs_f64());
    let (nodes, edges) = g.size();
    println!("graph: {nodes} nodes, {edges} edges");

    let t = Instant::now();
    let demand = DemandIndex::build(&g);
    report("demand index", t.elapsed().as_secs_f64());

    let ctx = MapContext::with_default_policy(&g, &demand);
    let limits = Limits::default();
    let n = g.n_occupations();
    for o in (0..n).step_by(n / 4) {
        for entry in EntryPoint::ALL {
            let req = MapRequest::with_defaults(Target::Occupation(OccupationIx(o as u32)), entry);
            let t = Instant::now();
            let m = career_map(&ctx, &req, &limits);
            let dt = t.elapsed();
            let soc = &g.occupation(OccupationIx(o as u32)).soc;
            println!(
                "career map {soc} {:<13} {dt:>10.2?}  paths {}  universe {}  expanded {}{}",
                entry.as_str(),
                m.paths.len(),
                m.stats.universe,
                m.stats.expanded,
                if m.stats.capped { "  (capped)" } else { "" }
            );
        }
    }
    report("after requests", 0.0);
}
