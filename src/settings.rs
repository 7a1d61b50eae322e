//! Settings: one typed struct from CLI flags and `CAREERMAP_*` variables, checked at start.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::fmt;
use std::path::PathBuf;

/// careermap: stackable-credential career maps from CTE courses to high-demand occupations.
#[derive(Debug, Parser)]
#[command(name = "careermap", version, about, long_about = None)]
pub struct Cli {
    /// Directory of the sled store (created when missing). Only one process may use it.
    #[arg(long, env = "CAREERMAP_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `careermap=debug`.
    #[arg(long, env = "CAREERMAP_LOG", default_value = "info", global = true)]
    pub log: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (loads the embedded seed dataset into an empty store).
    Serve(ServeArgs),
    /// Import a bundle file into the store offline (the service must not be running).
    Import {
        /// The JSON import bundle (see CONTRACT.md, "Import bundle").
        file: PathBuf,
        /// `merge` upserts by id into the current dataset; `replace` swaps the whole dataset.
        #[arg(long, value_enum, default_value_t = ImportMode::Merge)]
        mode: ImportMode,
    },
    /// Print the OpenAPI document.
    Openapi,
}

/// How an import combines with the current dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Upsert records by id, keep the rest.
    Merge,
    /// Replace the whole dataset.
    Replace,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Merge => "merge",
            ImportMode::Replace => "replace",
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CAREERMAP_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Do not load the embedded seed dataset into an empty store.
    #[arg(long)]
    pub no_seed: bool,
    /// Load the seed into an empty store (`CAREERMAP_SEED=false` is the same as `--no-seed`).
    #[arg(long = "seed", env = "CAREERMAP_SEED", default_value_t = true, action = ArgAction::Set, hide = true)]
    pub seed: bool,
    /// Bearer token that write endpoints require. Without one, writes answer 403.
    #[arg(long, env = "CAREERMAP_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Largest request body accepted, in bytes (suffixes KiB, MiB, GiB allowed).
    #[arg(long, env = "CAREERMAP_BODY_LIMIT", default_value = "128MiB", value_parser = parse_bytes)]
    pub body_limit: usize,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "CAREERMAP_WORKERS")]
    pub workers: Option<usize>,
    /// Career-map and analysis searches allowed to run at once (default: one per core).
    #[arg(long, env = "CAREERMAP_MAX_SEARCHES")]
    pub max_searches: Option<usize>,
    /// Search nodes one career-map request may expand before it answers 422 too-complex.
    #[arg(long, env = "CAREERMAP_MAP_MAX_EXPANSIONS", default_value_t = 50_000)]
    pub map_max_expansions: usize,
    /// High demand: annual openings at or above this percentile (0-100) of the region's.
    #[arg(long, env = "CAREERMAP_HIGH_DEMAND_OPENINGS_PERCENTILE", default_value_t = 50.0)]
    pub high_demand_openings_percentile: f64,
    /// High demand: median wage at or above this percentile (0-100) of the region's.
    #[arg(long, env = "CAREERMAP_HIGH_DEMAND_WAGE_PERCENTILE", default_value_t = 50.0)]
    pub high_demand_wage_percentile: f64,
    /// High demand: projected growth (percent) at least this; unset means growth is not used.
    #[arg(long, env = "CAREERMAP_HIGH_DEMAND_MIN_GROWTH_PCT")]
    pub high_demand_min_growth_pct: Option<f64>,
}

/// Parses `1048576`, `512KiB`, `128MiB`, `1GiB` (also KB/MB/GB as powers of 1000).
pub fn parse_bytes(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: usize = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 1048576 or 128MiB"))?;
    let mult = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => return Err(format!("unknown size unit `{other}` (use B, KiB, MiB or GiB)")),
    };
    n.checked_mul(mult)
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("`{s}` is not a usable size"))
}

/// A secret that never appears in logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Everything [`crate::startup::Application::build`] needs; tests build it directly.
#[derive(Debug, Clone)]
pub struct Settings {
    pub bind: String,
    pub data_dir: PathBuf,
    pub seed: bool,
    pub admin_token: Option<Secret>,
    pub body_limit: usize,
    pub workers: usize,
    pub max_searches: usize,
    /// Career-map search budget (`CAREERMAP_MAP_MAX_EXPANSIONS`).
    pub map_max_expansions: usize,
    /// The high-demand rule (`CAREERMAP_HIGH_DEMAND_*`).
    pub high_demand: crate::analysis::demand::HighDemandPolicy,
}

impl Settings {
    /// Settings for `serve`, checked: a bad value stops the service with a message that says
    /// what to change.
    pub fn from_serve(data_dir: PathBuf, a: ServeArgs) -> Result<Settings, String> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        if a.bind.parse::<std::net::SocketAddr>().is_err() && !a.bind.contains(':') {
            return Err(format!("CAREERMAP_BIND / --bind `{}` is not host:port", a.bind));
        }
        let admin_token = match a.admin_token {
            Some(t) if t.trim().is_empty() => {
                return Err(
                    "CAREERMAP_ADMIN_TOKEN is set but empty: unset it to disable writes, or set a token".into(),
                );
            }
            Some(t) if t.len() < 16 => {
                return Err("CAREERMAP_ADMIN_TOKEN is shorter than 16 characters: use a longer, random token".into());
            }
            other => other.map(Secret),
        };
        let high_demand = crate::analysis::demand::HighDemandPolicy {
            openings_percentile: a.high_demand_openings_percentile,
            wage_percentile: a.high_demand_wage_percentile,
            min_growth_pct: a.high_demand_min_growth_pct,
        };
        high_demand.validate()?;
        if a.map_max_expansions == 0 {
            return Err("CAREERMAP_MAP_MAX_EXPANSIONS must be at least 1".into());
        }
        Ok(Settings {
            map_max_expansions: a.map_max_expansions,
            high_demand,
            bind: a.bind,
            data_dir,
            seed: a.seed && !a.no_seed,
            admin_token,
            body_limit: a.body_limit,
            workers: a.workers.unwrap_or(cores).max(1),
            max_searches: a.max_searches.unwrap_or(cores).max(1),
        })
    }

    /// Settings for tests: loopback port 0, a given data dir.
    pub fn for_tests(data_dir: PathBuf) -> Settings {
        Settings {
            bind: "127.0.0.1:0".into(),
            data_dir,
            seed: false,
            admin_token: None,
            body_limit: 16 << 20,
            workers: 2,
            max_searches: 2,
            map_max_expansions: 50_000,
            high_demand: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_bytes("1024"), Ok(1024));
        assert_eq!(parse_bytes("2KiB"), Ok(2048));
        assert_eq!(parse_bytes("128MiB"), Ok(128 << 20));
        assert!(parse_bytes("12 parsecs").is_err());
        assert!(parse_bytes("0").is_err());
    }

    #[test]
    fn secrets_are_redacted() {
        let s = Secret::new("super-secret-token-value");
        assert!(!format!("{s:?}").contains("super"));
    }
}
