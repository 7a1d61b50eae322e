//! Analyses: pure functions over a [`crate::graph::CatalogGraph`]. No I/O happens here.

pub mod cache;
pub mod career_map;
pub mod catalog;
pub mod demand;
pub mod duplicate_filter;
pub mod duplicates;
pub mod gaps;
pub mod reach;
pub mod report;
pub mod report_compare;
pub mod search;
pub mod suggest;
pub mod supply;
pub mod text;

use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs `probe` on every position of `0..n`, split over up to 8 scoped threads that claim
/// blocks of `block` positions in turn, and gathers what they push (in no set order: callers
/// sort). `scratch` makes each thread's working space once; `probe` gets it, the position and
/// the thread's output.
pub(crate) fn probe_in_blocks<S, T: Send>(
    n: usize,
    block: usize,
    scratch: impl Fn() -> S + Sync,
    probe: impl Fn(&mut S, usize, &mut Vec<T>) + Sync,
) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get()).min(8);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (next, scratch, probe) = (&next, &scratch, &probe);
                scope.spawn(move || {
                    let mut state = scratch();
                    let mut found = Vec::new();
                    loop {
                        let from = next.fetch_add(block, Ordering::Relaxed);
                        if from >= n {
                            break;
                        }
                        for pos in from..(from + block).min(n) {
                            probe(&mut state, pos, &mut found);
                        }
                    }
                    found
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("join thread panicked"))
            .collect()
    })
}
