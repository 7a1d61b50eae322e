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
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of this process, from /proc/self/stat, in seconds. Wall time on a
/// shared machine depends on the other tenants; CPU time much less.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name (in parentheses) come fields 3 (state), 4, ...; utime is field
    // 14 and stime field 15, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |k: usize| f.get(k).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    (tick(11) + tick(12)) as f64 / 100.0
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

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
        mib(IN_USE.load(Ordering::Relaxed)),
        vm_hwm_kib() as f64 / 1024.0
    );
    let run = |name: &str, f: &dyn Fn() -> usize| {
        let base = IN_USE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let started = Instant::now();
        let cpu = cpu_secs();
        let pairs = f();
        let secs = started.elapsed().as_secs_f64();
        let cpu = cpu_secs() - cpu;
        let peak = PEAK.load(Ordering::Relaxed) - base;
        println!(
            "{name}: n={n} t={t} pairs={pairs} wall={secs:.3}s cpu={cpu:.2}s heap_peak={:.1}MiB VmHWM={:.1}MiB",
            mib(peak),
            vm_hwm_kib() as f64 / 1024.0
        );
        cpu
    };
    match algo.as_str() {
        "index" => {
            run("prefix_join", &|| similarity_join(&sets, t).len());
        }
        "oracle" => {
            run("brute_force", &|| brute_force_join(&sets, t).len());
        }
        "both" => {
            let a = run("prefix_join", &|| similarity_join(&sets, t).len());
            let b = run("brute_force", &|| brute_force_join(&sets, t).len());
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
