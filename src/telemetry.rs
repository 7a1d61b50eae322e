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
