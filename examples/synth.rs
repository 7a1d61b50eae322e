//! Writes a deterministic synthetic import bundle to stdout.
//!
//! `cargo run --release --example synth -- COURSES [SEED]` makes a catalog with COURSES
//! courses and proportional credentials (2/5), occupations (1/5, at most 10,000) and
//! competencies (as many as courses, at most 10,000).

fn main() {
    let mut args = std::env::args().skip(1);
    let courses: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let p = careermap::synth::SynthParams {
        courses,
        credentials: courses * 2 / 5,
        occupations: (courses / 5).min(10_000),
        competencies: courses.min(10_000),
        seed,
    };
    let bundle = careermap::synth::generate(&p);
    serde_json::to_writer(std::io::stdout().lock(), &bundle).expect("stdout is writable");
}
