//! Settings: one typed struct from CLI flags and `CAREERMAP_*` variables, checked at start.

use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

use crate::domain::{EntryPoint, TermDefaults};
use crate::sources::FetchSettings;

pub use crate::domain::ImportMode;

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
    /// Free disk every write (import, patch, pull, restore, saved plan) must leave on the data
    /// directory's file system, beyond twice what it brings; writes answer 507 below it.
    #[arg(long, env = "CAREERMAP_MIN_FREE_DISK", default_value = "256MiB", value_parser = parse_bytes, global = true)]
    pub min_free_disk: usize,
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once at startup: the size of `serve`'s arguments does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (loads the embedded seed dataset into an empty store).
    Serve(ServeArgs),
    /// Import a file into the store offline (the service must not be running).
    Import {
        /// A JSON import bundle, an .xlsx workbook or a zip of CSV files (docs/import-format.md);
        /// told apart by content.
        file: PathBuf,
        /// `merge` upserts by id into the current dataset; `replace` swaps the whole dataset;
        /// `patch` changes only the fields each record gives.
        #[arg(long, value_enum, default_value_t = ImportMode::Merge)]
        mode: ImportMode,
        /// Print what would change and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Verify every kept dataset version of the store offline (the service must not be
    /// running) and say which are whole; exits non-zero when the current one is not.
    Check,
    /// Pull one source over HTTP into the store offline (the service must not be running),
    /// as `POST /v1/pulls` does, and print the finished job.
    Pull {
        /// Source kind: onet_db, bls_projections, bls_oews, bls_api, cip_soc, career_clusters,
        /// sced, case, ctdl, ipeds_completions or state_projections.
        #[arg(value_parser = crate::domain::SourceKind::parse)]
        kind: crate::domain::SourceKind,
        /// Where to pull from (for `bls_api` and `case` see docs/DATA_SOURCES.md).
        url: String,
        /// Pull even when the source has not changed since the last successful pull.
        #[arg(long)]
        force: bool,
        /// A pull option, `KEY=VALUE` (repeatable), as in `POST /v1/pulls` `options`, e.g.
        /// `--option region=TX --option states='["TX","OH"]' --option onet_importance_min=3.5`.
        /// VALUE is read as JSON when it is JSON, else as a string.
        #[arg(long = "option", value_name = "KEY=VALUE")]
        options: Vec<String>,
        #[command(flatten)]
        pull: PullArgs,
    },
}

/// How sources are pulled (shared by `serve` and `pull`). See `crate::pulls`.
#[derive(Debug, Clone, Args)]
pub struct PullArgs {
    /// Connect timeout of a pull request.
    #[arg(long, env = "CAREERMAP_PULL_CONNECT_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub pull_connect_timeout: std::time::Duration,
    /// Total timeout of one pull request, body included.
    #[arg(long, env = "CAREERMAP_PULL_TIMEOUT", default_value = "300s", value_parser = humantime::parse_duration)]
    pub pull_timeout: std::time::Duration,
    /// Retries after a first failed attempt (timeouts, connection errors, 5xx; never 4xx).
    #[arg(long, env = "CAREERMAP_PULL_RETRIES", default_value_t = 3)]
    pub pull_retries: u32,
    /// First retry delay; doubles with each retry, with random jitter.
    #[arg(long, env = "CAREERMAP_PULL_BACKOFF", default_value = "500ms", value_parser = humantime::parse_duration)]
    pub pull_backoff: std::time::Duration,
    /// Largest body a pull accepts (suffixes KiB, MiB, GiB allowed).
    #[arg(long, env = "CAREERMAP_PULL_MAX_BYTES", default_value = "512MiB", value_parser = parse_bytes)]
    pub pull_max_bytes: usize,
    /// Redirects a pull follows at most.
    #[arg(long, env = "CAREERMAP_PULL_MAX_REDIRECTS", default_value_t = 5)]
    pub pull_max_redirects: usize,
    /// Non-public hosts, IPs or CIDRs pulls may reach (comma-separated), e.g. `127.0.0.1`
    /// or `10.0.0.0/8,data.internal`. Loopback, private, link-local, CGNAT and metadata
    /// addresses are refused unless listed.
    #[arg(long, env = "CAREERMAP_PULL_ALLOW", default_value = "")]
    pub pull_allow: String,
    /// Proxy every pull goes through (`http://proxy.internal:3128`); the target host is still
    /// checked. Unset: pulls connect directly and ignore HTTP_PROXY / HTTPS_PROXY.
    #[arg(long, env = "CAREERMAP_PULL_PROXY", hide_env_values = true)]
    pub pull_proxy: Option<String>,
    /// Pulls that may wait or run at once; `POST /v1/pulls` answers 429 past it.
    #[arg(long, env = "CAREERMAP_PULL_QUEUE", default_value_t = 8)]
    pub pull_queue: usize,
    /// Registration key of the BLS Public Data API v2 (optional; raises the daily quota).
    #[arg(long, env = "CAREERMAP_BLS_API_KEY", hide_env_values = true)]
    pub bls_api_key: Option<String>,
    /// Endpoint of the BLS Public Data API v2, used when a `bls_api` pull gives no URL.
    #[arg(
        long,
        env = "CAREERMAP_BLS_API_URL",
        default_value = "https://api.bls.gov/publicAPI/v2/timeseries/data/"
    )]
    pub bls_api_url: String,
    /// Base URL of a CASE 1.0 provider; a `case` pull whose URL is a bare package id resolves
    /// to `{base}/ims/case/v1p0/CFPackages/{id}`.
    #[arg(long, env = "CAREERMAP_CASE_BASE_URL")]
    pub case_base_url: Option<String>,
    /// Sources to list and refresh: a JSON file `[{"source", "url", "refresh"}]`.
    #[arg(long, env = "CAREERMAP_SOURCES")]
    pub sources: Option<PathBuf>,
    /// O*NET: an element is a required competency of an occupation when its importance
    /// (1-5) is at least this.
    #[arg(long, env = "CAREERMAP_ONET_IMPORTANCE_MIN", default_value_t = 3.0)]
    pub onet_importance_min: f64,
    /// O*NET: and its level (0-7) is at least this (0 disables the level test).
    #[arg(long, env = "CAREERMAP_ONET_LEVEL_MIN", default_value_t = 0.0)]
    pub onet_level_min: f64,
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
    #[command(flatten)]
    pub pull: PullArgs,
    #[command(flatten)]
    pub http: HttpArgs,
    /// Search nodes one career-map request may expand before it answers with the plans found
    /// so far (`optimal: false`, with a proven `lower_bound`).
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
    /// Bearer token `POST /v1/plans` requires (16+ characters); unset: saving plans is open.
    #[arg(long, env = "CAREERMAP_PLANS_TOKEN", hide_env_values = true)]
    pub plans_token: Option<String>,
    /// Saved-plan writes (create, delete) allowed per client address per minute.
    #[arg(long, env = "CAREERMAP_PLANS_PER_MINUTE", default_value_t = 30)]
    pub plans_per_minute: u32,
    /// Saved plans kept at most; `POST /v1/plans` answers 507 `plans-full` past it.
    #[arg(long, env = "CAREERMAP_PLANS_MAX", default_value_t = 100_000)]
    pub plans_max: usize,
    /// Bytes the saved plans may take in all (suffixes KiB, MiB, GiB); 507 `plans-full` past it.
    #[arg(long, env = "CAREERMAP_PLANS_MAX_BYTES", default_value = "512MiB", value_parser = parse_bytes)]
    pub plans_max_bytes: usize,
    /// Delete saved plans not read for this many days (unset: plans never expire).
    #[arg(long, env = "CAREERMAP_PLANS_EXPIRE_DAYS")]
    pub plans_expire_days: Option<u32>,
    /// Career-map terms of a `secondary` learner: plan hours a term holds.
    #[arg(long, env = "CAREERMAP_SECONDARY_HOURS_PER_TERM", default_value_t = EntryPoint::Secondary.term_defaults().hours_per_term)]
    pub secondary_hours_per_term: f64,
    /// Career-map terms of a `secondary` learner: weeks a term lasts.
    #[arg(long, env = "CAREERMAP_SECONDARY_WEEKS_PER_TERM", default_value_t = EntryPoint::Secondary.term_defaults().weeks_per_term)]
    pub secondary_weeks_per_term: f64,
    /// Career-map terms of an `adult` learner: plan hours a term holds.
    #[arg(long, env = "CAREERMAP_ADULT_HOURS_PER_TERM", default_value_t = EntryPoint::Adult.term_defaults().hours_per_term)]
    pub adult_hours_per_term: f64,
    /// Career-map terms of an `adult` learner: weeks a term lasts.
    #[arg(long, env = "CAREERMAP_ADULT_WEEKS_PER_TERM", default_value_t = EntryPoint::Adult.term_defaults().weeks_per_term)]
    pub adult_weeks_per_term: f64,
    /// Career-map terms of a `postsecondary` learner: plan hours a term holds.
    #[arg(long, env = "CAREERMAP_POSTSECONDARY_HOURS_PER_TERM", default_value_t = EntryPoint::Postsecondary.term_defaults().hours_per_term)]
    pub postsecondary_hours_per_term: f64,
    /// Career-map terms of a `postsecondary` learner: weeks a term lasts.
    #[arg(long, env = "CAREERMAP_POSTSECONDARY_WEEKS_PER_TERM", default_value_t = EntryPoint::Postsecondary.term_defaults().weeks_per_term)]
    pub postsecondary_weeks_per_term: f64,
}

/// Connection limits, rate limits, CORS and version retention (see `crate::api::guard`).
#[derive(Debug, Clone, Args)]
pub struct HttpArgs {
    /// Time a client has to send a whole request head before it is answered 408 and closed.
    #[arg(long, env = "CAREERMAP_HEAD_TIMEOUT", default_value = "5s", value_parser = humantime::parse_duration)]
    pub head_timeout: std::time::Duration,
    /// A request body that sends nothing for this long is answered 408 and the connection closed.
    #[arg(long, env = "CAREERMAP_BODY_IDLE_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub body_idle_timeout: std::time::Duration,
    /// Open connections each worker accepts at most (more wait in the listen backlog).
    #[arg(long, env = "CAREERMAP_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Requests per second one client IP may make (burst twice that); unset: no general limit.
    #[arg(long, env = "CAREERMAP_RATE_LIMIT")]
    pub rate_limit: Option<u32>,
    /// Failed authentications one client IP may make in a burst before 429; one more is
    /// allowed each minute.
    #[arg(long, env = "CAREERMAP_AUTH_FAIL_BURST", default_value_t = 10)]
    pub auth_fail_burst: u32,
    /// Writes (imports, pulls, restores, saved plans) one client IP may make per minute.
    #[arg(long, env = "CAREERMAP_WRITE_RATE_LIMIT", default_value_t = 60)]
    pub write_rate_limit: u32,
    /// Origins allowed to call the API from a browser (comma-separated, e.g.
    /// `https://portal.example.gov`); none by default.
    #[arg(long, env = "CAREERMAP_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Time a client has to send a whole request body (JSON and forms), however steadily it
    /// sends: past it the request is answered 408 and the connection closed.
    #[arg(long, env = "CAREERMAP_BODY_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub body_timeout: std::time::Duration,
    /// [`HttpArgs::body_timeout`] for the admin's catalog imports (`POST /v1/imports`), which
    /// may be large workbooks.
    #[arg(long, env = "CAREERMAP_IMPORT_BODY_TIMEOUT", default_value = "300s", value_parser = humantime::parse_duration)]
    pub import_body_timeout: std::time::Duration,
    /// Open connections one client address may hold at once; past it a request is answered
    /// 429 and its connection closed. Addresses in CAREERMAP_TRUSTED_PROXIES are not capped.
    #[arg(long, env = "CAREERMAP_MAX_CONNECTIONS_PER_IP", default_value_t = 64)]
    pub max_connections_per_ip: usize,
    /// Reverse proxies (comma-separated IPs or CIDRs) whose `Forwarded` / `X-Forwarded-For`
    /// headers name the client; from any other peer those headers are ignored.
    #[arg(long, env = "CAREERMAP_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<String>,
    /// Dataset versions whose data is kept for restore (older ones keep only their history entry).
    #[arg(long, env = "CAREERMAP_KEEP_VERSIONS", default_value_t = 20)]
    pub keep_versions: usize,
    /// Memory the cached analysis results of the current dataset may take (LRU past it).
    #[arg(long, env = "CAREERMAP_ANALYSIS_CACHE_BYTES", default_value = "256MiB", value_parser = parse_bytes)]
    pub analysis_cache_bytes: usize,
}

/// Default of `CAREERMAP_MIN_FREE_DISK` (the flag's default says the same).
pub const DEFAULT_MIN_FREE_DISK: u64 = 256 << 20;

/// Bounds of the saved plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    /// `CAREERMAP_PLANS_MAX`: plans kept at most.
    pub max_plans: usize,
    /// `CAREERMAP_PLANS_MAX_BYTES`: bytes the stored plans may take.
    pub max_bytes: u64,
    /// `CAREERMAP_PLANS_EXPIRE_DAYS`: plans not read for this many days are deleted.
    pub expire_days: Option<u32>,
}

impl Default for PlanLimits {
    fn default() -> Self {
        PlanLimits {
            max_plans: 100_000,
            max_bytes: 512 << 20,
            expire_days: None,
        }
    }
}

/// Checked [`HttpArgs`].
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub head_timeout: std::time::Duration,
    pub body_idle_timeout: std::time::Duration,
    pub max_connections: usize,
    pub rate_limit: Option<u32>,
    pub auth_fail_burst: u32,
    pub write_rate_limit: u32,
    pub cors_origins: Vec<String>,
    pub body_timeout: std::time::Duration,
    pub import_body_timeout: std::time::Duration,
    pub max_connections_per_ip: usize,
    /// Peers whose forwarding headers are believed (`CAREERMAP_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub keep_versions: usize,
    pub analysis_cache_bytes: usize,
}

impl HttpSettings {
    pub fn from_args(a: HttpArgs) -> Result<HttpSettings, String> {
        if a.head_timeout.is_zero() || a.body_idle_timeout.is_zero() {
            return Err("CAREERMAP_HEAD_TIMEOUT and CAREERMAP_BODY_IDLE_TIMEOUT must be above zero".into());
        }
        if a.max_connections == 0 {
            return Err("CAREERMAP_MAX_CONNECTIONS must be at least 1".into());
        }
        if a.rate_limit == Some(0) {
            return Err("CAREERMAP_RATE_LIMIT must be at least 1 (unset it for no limit)".into());
        }
        if a.auth_fail_burst == 0 || a.write_rate_limit == 0 {
            return Err("CAREERMAP_AUTH_FAIL_BURST and CAREERMAP_WRITE_RATE_LIMIT must be at least 1".into());
        }
        if a.body_timeout.is_zero() || a.import_body_timeout.is_zero() {
            return Err("CAREERMAP_BODY_TIMEOUT and CAREERMAP_IMPORT_BODY_TIMEOUT must be above zero".into());
        }
        if a.max_connections_per_ip == 0 {
            return Err("CAREERMAP_MAX_CONNECTIONS_PER_IP must be at least 1".into());
        }
        let trusted_proxies = parse_networks(&a.trusted_proxies)?;
        if a.keep_versions == 0 {
            return Err("CAREERMAP_KEEP_VERSIONS must be at least 1".into());
        }
        let mut cors_origins = Vec::new();
        for o in a.cors_origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            if o != "*" && !(o.starts_with("http://") || o.starts_with("https://")) {
                return Err(format!(
                    "CAREERMAP_CORS_ORIGINS: `{o}` is not an origin such as https://portal.example.gov"
                ));
            }
            cors_origins.push(o.trim_end_matches('/').to_owned());
        }
        Ok(HttpSettings {
            head_timeout: a.head_timeout,
            body_idle_timeout: a.body_idle_timeout,
            max_connections: a.max_connections,
            rate_limit: a.rate_limit,
            auth_fail_burst: a.auth_fail_burst,
            write_rate_limit: a.write_rate_limit,
            cors_origins,
            body_timeout: a.body_timeout,
            import_body_timeout: a.import_body_timeout,
            max_connections_per_ip: a.max_connections_per_ip,
            trusted_proxies,
            keep_versions: a.keep_versions,
            analysis_cache_bytes: a.analysis_cache_bytes,
        })
    }

    /// Defaults for tests.
    pub fn for_tests() -> HttpSettings {
        HttpSettings {
            head_timeout: std::time::Duration::from_secs(5),
            body_idle_timeout: std::time::Duration::from_secs(10),
            max_connections: 1024,
            rate_limit: None,
            auth_fail_burst: 10,
            write_rate_limit: 600,
            cors_origins: Vec::new(),
            body_timeout: std::time::Duration::from_secs(30),
            import_body_timeout: std::time::Duration::from_secs(300),
            max_connections_per_ip: 1024,
            trusted_proxies: Vec::new(),
            keep_versions: 20,
            analysis_cache_bytes: 256 << 20,
        }
    }
}

/// Parses `CAREERMAP_TRUSTED_PROXIES`: IP addresses or CIDRs (`10.0.0.0/8`, `::1`).
fn parse_networks(items: &[String]) -> Result<Vec<ipnet::IpNet>, String> {
    let mut out = Vec::new();
    for item in items.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        let net = item
            .parse::<ipnet::IpNet>()
            .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map_err(|_| {
                format!("CAREERMAP_TRUSTED_PROXIES: `{item}` is neither an IP address nor a CIDR such as 10.0.0.0/8")
            })?;
        out.push(net);
    }
    Ok(out)
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

/// A secret that never appears in logs or `Debug` output (the admin and plans tokens, the BLS
/// API key): the one redacting type, [`crate::sources::ApiKey`].
pub use crate::sources::ApiKey as Secret;

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
    /// Career-map term defaults per entry point, in `EntryPoint::ALL` order
    /// (`CAREERMAP_{SECONDARY,ADULT,POSTSECONDARY}_{HOURS,WEEKS}_PER_TERM`).
    pub term_defaults: [TermDefaults; 3],
    /// The high-demand rule (`CAREERMAP_HIGH_DEMAND_*`).
    pub high_demand: crate::analysis::demand::HighDemandPolicy,
    /// How sources are pulled.
    pub pull: PullSettings,
    /// Connection and rate limits, CORS, version retention.
    pub http: HttpSettings,
    /// Token `POST /v1/plans` requires (`CAREERMAP_PLANS_TOKEN`); none: open.
    pub plans_token: Option<Secret>,
    /// Saved-plan writes per client address per minute (`CAREERMAP_PLANS_PER_MINUTE`).
    pub plans_per_minute: u32,
    /// Saved plans kept at most (`CAREERMAP_PLANS_MAX`, `CAREERMAP_PLANS_MAX_BYTES`) and how long
    /// an unread one lives (`CAREERMAP_PLANS_EXPIRE_DAYS`).
    pub plans_limits: PlanLimits,
    /// Free disk every write must leave (`CAREERMAP_MIN_FREE_DISK`).
    pub min_free_disk: u64,
}

/// Settings of source pulls (see `crate::pulls`): the wire client's [`FetchSettings`]
/// (reached through `Deref`, so `settings.pull.timeout` is the fetch timeout) and what the job
/// runner adds.
#[derive(Debug, Clone)]
pub struct PullSettings {
    /// Timeouts, retries, size and redirect limits, `CAREERMAP_PULL_ALLOW`.
    pub fetch: FetchSettings,
    /// `CAREERMAP_PULL_QUEUE`: queued and running pulls at most.
    pub queue: usize,
    pub bls_api_key: Option<Secret>,
    pub bls_api_url: String,
    pub case_base_url: Option<String>,
    pub sources_file: Option<PathBuf>,
    pub onet_importance_min: f64,
    pub onet_level_min: f64,
}

impl std::ops::Deref for PullSettings {
    type Target = FetchSettings;
    fn deref(&self) -> &FetchSettings {
        &self.fetch
    }
}

impl std::ops::DerefMut for PullSettings {
    fn deref_mut(&mut self) -> &mut FetchSettings {
        &mut self.fetch
    }
}

impl PullSettings {
    /// Checked pull settings.
    pub fn from_args(a: PullArgs) -> Result<PullSettings, String> {
        if a.pull_timeout.is_zero() || a.pull_connect_timeout.is_zero() {
            return Err("CAREERMAP_PULL_TIMEOUT and CAREERMAP_PULL_CONNECT_TIMEOUT must be above zero".into());
        }
        if !(1.0..=5.0).contains(&a.onet_importance_min) {
            return Err(format!(
                "CAREERMAP_ONET_IMPORTANCE_MIN must be on O*NET's importance scale 1-5, got {}",
                a.onet_importance_min
            ));
        }
        if !(0.0..=7.0).contains(&a.onet_level_min) {
            return Err(format!(
                "CAREERMAP_ONET_LEVEL_MIN must be on O*NET's level scale 0-7, got {}",
                a.onet_level_min
            ));
        }
        if !a.bls_api_url.starts_with("http://") && !a.bls_api_url.starts_with("https://") {
            return Err(format!(
                "CAREERMAP_BLS_API_URL `{}` is not an http(s) URL",
                a.bls_api_url
            ));
        }
        if a.pull_queue == 0 {
            return Err("CAREERMAP_PULL_QUEUE must be at least 1".into());
        }
        Ok(PullSettings {
            fetch: FetchSettings {
                allow: crate::sources::AllowList::parse(&a.pull_allow)?,
                connect_timeout: a.pull_connect_timeout,
                timeout: a.pull_timeout,
                retries: a.pull_retries,
                backoff: a.pull_backoff,
                max_bytes: a.pull_max_bytes,
                max_redirects: a.pull_max_redirects,
                proxy: a
                    .pull_proxy
                    .as_deref()
                    .filter(|p| !p.trim().is_empty())
                    .map(crate::sources::ProxyUrl::parse)
                    .transpose()?,
            },
            queue: a.pull_queue,
            bls_api_key: a.bls_api_key.filter(|k| !k.trim().is_empty()).map(Secret::new),
            bls_api_url: a.bls_api_url,
            case_base_url: a.case_base_url,
            sources_file: a.sources,
            onet_importance_min: a.onet_importance_min,
            onet_level_min: a.onet_level_min,
        })
    }

    /// Defaults, with short delays, for tests.
    pub fn for_tests() -> PullSettings {
        PullSettings {
            fetch: FetchSettings {
                connect_timeout: std::time::Duration::from_secs(5),
                timeout: std::time::Duration::from_secs(60),
                retries: 3,
                backoff: std::time::Duration::from_millis(10),
                max_bytes: 512 << 20,
                max_redirects: 5,
                proxy: None,
                allow: Default::default(),
            },
            queue: 8,
            bls_api_key: None,
            bls_api_url: "https://api.bls.gov/publicAPI/v2/timeseries/data/".into(),
            case_base_url: None,
            sources_file: None,
            onet_importance_min: 3.0,
            onet_level_min: 0.0,
        }
    }
}

/// The `options` of a `careermap pull`: `KEY=VALUE` pairs (VALUE as JSON when it parses,
/// else a string) plus `--force`, checked as `POST /v1/pulls` checks its `options`.
pub fn pull_options(pairs: &[String], force: bool) -> Result<crate::domain::PullOptions, String> {
    let mut map = serde_json::Map::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("--option `{pair}` is not KEY=VALUE"))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_owned()));
        map.insert(key.trim().to_owned(), value);
    }
    if force {
        map.insert("force".into(), serde_json::Value::Bool(true));
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| format!("--option: {e}"))
}

/// Settings for the offline `pull` command.
pub fn for_pull(data_dir: PathBuf, a: PullArgs) -> Result<Settings, String> {
    let mut s = Settings::for_tests(data_dir);
    s.pull = PullSettings::from_args(a)?;
    Ok(s)
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
            Some(t) if t.trim() != t => {
                return Err("CAREERMAP_ADMIN_TOKEN has leading or trailing whitespace, which no client could send back: remove it".into());
            }
            Some(t) if t.len() < 16 => {
                return Err("CAREERMAP_ADMIN_TOKEN is shorter than 16 characters: use a longer, random token".into());
            }
            other => other.map(Secret::new),
        };
        let high_demand = crate::analysis::demand::HighDemandPolicy {
            openings_percentile: a.high_demand_openings_percentile,
            wage_percentile: a.high_demand_wage_percentile,
            min_growth_pct: a.high_demand_min_growth_pct,
        };
        high_demand.validate()?;
        let plans_token = match a.plans_token {
            Some(t) if t.trim().len() < 16 => {
                return Err(
                    "CAREERMAP_PLANS_TOKEN is shorter than 16 characters: unset it or use a longer token".into(),
                );
            }
            other => other.map(Secret::new),
        };
        if a.plans_per_minute == 0 {
            return Err("CAREERMAP_PLANS_PER_MINUTE must be at least 1".into());
        }
        if a.plans_max == 0 {
            return Err("CAREERMAP_PLANS_MAX must be at least 1".into());
        }
        if a.plans_expire_days == Some(0) {
            return Err("CAREERMAP_PLANS_EXPIRE_DAYS must be at least 1 (unset it so plans never expire)".into());
        }
        if a.map_max_expansions == 0 {
            return Err("CAREERMAP_MAP_MAX_EXPANSIONS must be at least 1".into());
        }
        let term_defaults = [
            ("SECONDARY", a.secondary_hours_per_term, a.secondary_weeks_per_term),
            ("ADULT", a.adult_hours_per_term, a.adult_weeks_per_term),
            (
                "POSTSECONDARY",
                a.postsecondary_hours_per_term,
                a.postsecondary_weeks_per_term,
            ),
        ]
        .map(|(name, hours, weeks)| {
            if !(hours.is_finite() && hours > 0.0 && hours <= 5000.0) {
                return Err(format!(
                    "CAREERMAP_{name}_HOURS_PER_TERM must be a positive number of hours up to 5000, got {hours}"
                ));
            }
            if !(weeks.is_finite() && weeks > 0.0 && weeks <= 104.0) {
                return Err(format!(
                    "CAREERMAP_{name}_WEEKS_PER_TERM must be a positive number of weeks up to 104, got {weeks}"
                ));
            }
            Ok(TermDefaults {
                hours_per_term: hours,
                weeks_per_term: weeks,
            })
        });
        let [s, ad, p] = term_defaults;
        let term_defaults = [s?, ad?, p?];
        Ok(Settings {
            term_defaults,
            map_max_expansions: a.map_max_expansions,
            high_demand,
            bind: a.bind,
            data_dir,
            seed: a.seed && !a.no_seed,
            admin_token,
            body_limit: a.body_limit,
            workers: a.workers.unwrap_or(cores).max(1),
            max_searches: a.max_searches.unwrap_or(cores).max(1),
            pull: PullSettings::from_args(a.pull)?,
            http: HttpSettings::from_args(a.http)?,
            plans_token,
            plans_per_minute: a.plans_per_minute,
            plans_limits: PlanLimits {
                max_plans: a.plans_max,
                max_bytes: a.plans_max_bytes as u64,
                expire_days: a.plans_expire_days,
            },
            min_free_disk: DEFAULT_MIN_FREE_DISK,
        })
    }

    /// The career-map term defaults of an entry point.
    pub fn term_defaults(&self, entry: EntryPoint) -> TermDefaults {
        let i = EntryPoint::ALL.iter().position(|&e| e == entry).unwrap_or(0);
        self.term_defaults[i]
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
            pull: PullSettings::for_tests(),
            map_max_expansions: 50_000,
            term_defaults: EntryPoint::ALL.map(EntryPoint::term_defaults),
            high_demand: Default::default(),
            http: HttpSettings::for_tests(),
            plans_token: None,
            plans_per_minute: 1000,
            plans_limits: PlanLimits::default(),
            min_free_disk: 1 << 20,
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
    fn pull_options_parse_from_key_value_pairs() {
        let o = pull_options(
            &[
                "region=TX".into(),
                "states=[\"TX\",\"OH\"]".into(),
                "onet_importance_min=3.5".into(),
            ],
            true,
        )
        .unwrap();
        assert_eq!(o.region.as_deref(), Some("TX"));
        assert_eq!(o.states, Some(vec!["TX".to_owned(), "OH".to_owned()]));
        assert_eq!(o.onet_importance_min, Some(3.5));
        assert_eq!(o.force, Some(true));
        assert!(pull_options(&["nope=1".into()], false).unwrap_err().contains("nope"));
        assert!(
            pull_options(&["region".into()], false)
                .unwrap_err()
                .contains("KEY=VALUE")
        );
    }

    #[test]
    fn term_defaults_come_from_flags_and_are_checked() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["careermap", "serve"];
            argv.extend_from_slice(extra);
            let cli = Cli::try_parse_from(argv).unwrap();
            match cli.command {
                Command::Serve(a) => Settings::from_serve(cli.data_dir, a),
                _ => panic!("not serve"),
            }
        };
        let s = parse(&[]).unwrap();
        assert_eq!(s.term_defaults(EntryPoint::Adult), EntryPoint::Adult.term_defaults());
        let s = parse(&["--adult-hours-per-term", "120", "--adult-weeks-per-term", "8"]).unwrap();
        assert_eq!(s.term_defaults(EntryPoint::Adult).hours_per_term, 120.0);
        assert_eq!(s.term_defaults(EntryPoint::Adult).weeks_per_term, 8.0);
        assert_eq!(
            s.term_defaults(EntryPoint::Secondary),
            EntryPoint::Secondary.term_defaults()
        );
        let e = parse(&["--postsecondary-hours-per-term", "0"]).unwrap_err();
        assert!(e.contains("CAREERMAP_POSTSECONDARY_HOURS_PER_TERM"), "{e}");
    }

    #[test]
    fn secrets_are_redacted() {
        let s = Secret::new("super-secret-token-value");
        assert!(!format!("{s:?}").contains("super"));
    }
}
