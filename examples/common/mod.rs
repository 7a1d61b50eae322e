//! Scaffolding shared by the scale examples (`duplicates_scale`, `text_duplicates_scale`):
//! a counting global allocator for the heap peak of one step, the process's peak resident
//! set, and CPU time next to wall time (on a shared machine, wall time depends on the other
//! tenants; CPU time much less).
//!
//! An example includes it with `mod common;`; the allocator is then that example's global
//! allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting the bytes in use and their peak.
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

/// Heap bytes in use now.
pub fn heap_in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

/// The process's peak resident set (`VmHWM`), in KiB (0 where /proc is missing).
pub fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of this process, from /proc/self/stat, in seconds.
pub fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name (in parentheses) come fields 3 (state), 4, ...; utime is field
    // 14 and stime field 15, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |k: usize| f.get(k).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    (tick(11) + tick(12)) as f64 / 100.0
}

/// Bytes as MiB.
pub fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Runs one step and prints `{label} {what}={result} wall= cpu= heap_peak= VmHWM=`, where
/// `heap_peak` is the largest heap in use during the step beyond what was in use before it.
/// Returns the step's CPU seconds.
pub fn run(label: &str, what: &str, f: &mut dyn FnMut() -> usize) -> f64 {
    let base = IN_USE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let started = Instant::now();
    let cpu = cpu_secs();
    let out = f();
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu;
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    println!(
        "{label} {what}={out} wall={secs:.3}s cpu={cpu:.2}s heap_peak={:.1}MiB VmHWM={:.1}MiB",
        mib(peak),
        vm_hwm_kib() as f64 / 1024.0
    );
    cpu
}
