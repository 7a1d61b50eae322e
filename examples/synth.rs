//! Writes a deterministic synthetic import bundle to stdout.
//!
//! - `cargo run --release --example synth -- state [SEED]`: `SynthParams::state` (~5,000
//!   courses, 2,000 credentials, 1,000 occupations, 5,000 competencies);
//! - `cargo run --release --example synth -- national [SEED]`: `SynthParams::national`;
//! - `cargo run --release --example synth -- COURSES [SEED]`: COURSES courses and proportional
//!   credentials (2/5), occupations (1/5, at most 10,000) and competencies (as many as courses,
//!   at most 10,000).

use careermap::synth::SynthParams;

fn main() {
    let mut args = std::env::args().skip(1);
    let size = args.next().unwrap_or_else(|| "100000".into());
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let p = match size.as_str() {
        "state" => SynthParams::state(seed),
        "national" => SynthParams::national(seed),
        n => {
            let courses: usize = n.parse().unwrap_or_else(|_| {
                eprintln!("usage: synth state|national|COURSES [SEED]");
                std::process::exit(2)
            });
            SynthParams {
                courses,
                credentials: courses * 2 / 5,
                occupations: (courses / 5).min(10_000),
                competencies: courses.min(10_000),
                seed,
            }
        }
    };
    let bundle = careermap::synth::generate(&p);
    serde_json::to_writer(std::io::stdout().lock(), &bundle).expect("stdout is writable");
}
