//! Tracing setup: structured logs to stderr.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber with `filter` (EnvFilter syntax); `RUST_LOG` wins when set.
pub fn init(filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// One phase of long work (an import, a load), logged when it ends with its wall time, the
/// process's CPU time over it (all threads; above the wall time when threads ran in parallel,
/// below it when other processes took the cores) and the resident memory at its end. At debug
/// level (`--log careermap=debug`), so that the progress lines of `careermap import` stay
/// readable by default.
pub struct Phase {
    name: &'static str,
    wall: std::time::Instant,
    cpu_ms: u64,
}

impl Phase {
    pub fn start(name: &'static str) -> Phase {
        Phase {
            name,
            wall: std::time::Instant::now(),
            cpu_ms: cpu_ms(),
        }
    }

    /// Logs this phase and starts the next one.
    pub fn next(&mut self, name: &'static str) {
        self.log();
        *self = Phase::start(name);
    }

    /// Logs this phase.
    pub fn end(self) {
        self.log();
    }

    fn log(&self) {
        tracing::debug!(
            phase = self.name,
            elapsed_ms = self.wall.elapsed().as_millis() as u64,
            cpu_ms = cpu_ms().saturating_sub(self.cpu_ms),
            rss_mb = rss_mb(),
            "phase done"
        );
    }
}

/// Resident memory of this process in MiB (`/proc/self/statm`; 0 where there is none).
pub fn rss_mb() -> u64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .unwrap_or(0);
    pages * 4096 / (1 << 20)
}

/// User plus system CPU time of this process in ms (`/proc/self/stat`, 100 ticks a second on
/// Linux; 0 where there is none).
fn cpu_ms() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0;
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    (ticks(11) + ticks(12)) * 10
}
