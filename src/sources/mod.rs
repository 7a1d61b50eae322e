//! Connectors: fetch external labor-market and competency data over HTTP and parse it into
//! catalog records. Pure connectors: they depend on [`crate::domain`] and a plain
//! [`FetchSettings`] only; running a pull as a job, applying it to the catalog and recording
//! it is the work of [`crate::pulls`].
//!
//! [`http::Fetcher`] is the one wire client (timeouts, retries with backoff and jitter, a size
//! cap, conditional GET). Each module parses one format into a [`Pulled`]: records the source
//! *owns* (a [`Bundle`]) and *enrichments* of existing records, with counts and warnings.

pub mod bls_api;
pub mod bls_oews;
pub mod bls_projections;
pub mod career_clusters;
pub mod case;
pub mod cip_soc;
pub mod ctdl;
pub mod guard;
pub mod http;
pub mod ipeds;
pub mod onet_db;
pub mod sced;
pub mod state_projections;
pub mod table;
pub mod workbook;

pub use crate::domain::{PullOptions, SourceKind, Validators, Warning};
pub use guard::{AllowList, provenance_url, redact};
pub use http::{FetchSettings, ProxyUrl};

use crate::domain::{Bundle, ClusterLink, Demand, ProgramLink, Provenance, Wages};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Why a pull failed, as one readable sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct PullError(pub String);

impl PullError {
    pub fn new(msg: impl Into<String>) -> Self {
        PullError(msg.into())
    }
}

impl fmt::Display for PullError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PullError {}

/// Collects warnings by code.
#[derive(Debug, Default, Clone)]
pub struct Warnings {
    by_code: BTreeMap<String, Warning>,
}

impl Warnings {
    /// Counts one occurrence of `code`, keeping `example` among the first ten.
    pub fn add(&mut self, code: &str, message: &str, example: impl Into<String>) {
        let w = self.by_code.entry(code.to_owned()).or_insert_with(|| Warning {
            code: code.to_owned(),
            message: message.to_owned(),
            count: 0,
            examples: Vec::new(),
        });
        w.count += 1;
        let example = example.into();
        if w.examples.len() < 10 && !example.is_empty() && !w.examples.contains(&example) {
            w.examples.push(example);
        }
    }

    pub fn count(&self, code: &str) -> u64 {
        self.by_code.get(code).map_or(0, |w| w.count)
    }

    pub fn into_vec(self) -> Vec<Warning> {
        self.by_code.into_values().collect()
    }

    pub fn extend(&mut self, other: Warnings) {
        for (code, w) in other.by_code {
            let mine = self.by_code.entry(code).or_insert_with(|| Warning {
                count: 0,
                examples: Vec::new(),
                ..w.clone()
            });
            mine.count += w.count;
            for e in w.examples {
                if mine.examples.len() < 10 && !mine.examples.contains(&e) {
                    mine.examples.push(e);
                }
            }
        }
    }
}

/// A fetched body and what the server said about it.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// The URL after redirects.
    pub final_url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a parser knows about the pull it serves.
#[derive(Debug, Clone)]
pub struct Context {
    pub kind: SourceKind,
    pub url: String,
    pub retrieved_at: String,
    /// The options, with the service's defaults filled in where the pull gave none.
    pub options: PullOptions,
    /// The BLS API registration key, if any.
    pub bls_api_key: Option<ApiKey>,
}

/// A registration key that never appears in `Debug` output or logs.
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl Context {
    /// The provenance of everything this pull produces.
    pub fn provenance(&self, release: Option<&str>) -> Provenance {
        Provenance {
            source: self.kind.as_str().to_owned(),
            url: Some(self.url.clone()),
            release: release.map(str::to_owned),
            retrieved_at: Some(self.retrieved_at.clone()),
        }
    }
}

/// Enrichments of existing records, keyed by the record they apply to.
#[derive(Debug, Default, Clone)]
pub struct Enrichment {
    /// (SOC 2018 code, demand for one region).
    pub demand: Vec<(String, Demand)>,
    /// (SOC 2018 code, wages for one area).
    pub wages: Vec<(String, Wages)>,
    /// (SOC 2018 code, program link).
    pub programs: Vec<(String, ProgramLink)>,
    /// (SOC 2018 code, cluster link).
    pub clusters: Vec<(String, ClusterLink)>,
    /// (SOC code, title) of every occupation row of a projections table: a code that matches
    /// no catalog occupation (one of BLS's aggregated codes, e.g. `31-1120`) is kept as an
    /// occupation of its own, covering the detailed ones of its SOC group that the table does
    /// not list (see [`crate::pulls`]).
    pub occupations: Vec<(String, String)>,
    /// SCED code -> official title (a `sced` pull).
    pub sced_titles: Option<HashMap<String, String>>,
    /// CIP code -> award level -> awards in a year (an `ipeds_completions` pull).
    pub completions: Option<BTreeMap<String, BTreeMap<u32, f64>>>,
}

/// What a source's parser produces.
#[derive(Debug, Default, Clone)]
pub struct Pulled {
    /// The upstream release or date, where the data says.
    pub release: Option<String>,
    /// Records this source owns.
    pub owned: Bundle,
    pub enrich: Enrichment,
    /// What was read (rows, records per kind...), for the job.
    pub counts: BTreeMap<String, u64>,
    pub warnings: Warnings,
}

/// Parses a fetched body with the parser of `ctx.kind` (every kind but `bls_api`, which talks
/// to its API itself).
pub fn parse(fetched: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    match ctx.kind {
        SourceKind::OnetDb => onet_db::parse(fetched, ctx),
        SourceKind::BlsProjections => bls_projections::parse(fetched, ctx),
        SourceKind::BlsOews => bls_oews::parse(fetched, ctx),
        SourceKind::BlsApi => bls_api::parse_response(&fetched.bytes, ctx, &HashMap::new()),
        SourceKind::CipSoc => cip_soc::parse(fetched, ctx),
        SourceKind::CareerClusters => career_clusters::parse(fetched, ctx),
        SourceKind::Sced => sced::parse(fetched, ctx),
        SourceKind::Case => case::parse(fetched, ctx),
        SourceKind::Ctdl => ctdl::parse(fetched, ctx),
        SourceKind::IpedsCompletions => ipeds::parse(fetched, ctx),
        SourceKind::StateProjections => state_projections::parse(fetched, ctx),
    }
}

/// Normalises a SOC code cell (`29-1141`, `29-1141.00`, ` 29-1141 `) to `NN-NNNN`, if it is one.
pub fn soc_detailed(cell: &str) -> Option<String> {
    let s = cell.trim();
    let s = if s.len() == 10 && s.as_bytes()[7] == b'.' {
        &s[..7]
    } else {
        s
    };
    crate::domain::SocCode::is_well_formed(s).then(|| s.to_owned())
}

pub use crate::domain::cip_code;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalise() {
        assert_eq!(soc_detailed("29-1141.01").as_deref(), Some("29-1141"));
        assert_eq!(soc_detailed(" 29-1141 ").as_deref(), Some("29-1141"));
        assert_eq!(soc_detailed("29-114"), None);
        assert_eq!(cip_code("=\"01.0000\"").as_deref(), Some("01.0000"));
        assert_eq!(cip_code("1.01").as_deref(), Some("01.0100"));
        assert_eq!(cip_code("51.3801").as_deref(), Some("51.3801"));
        assert_eq!(cip_code("abc"), None);
    }

    #[test]
    fn kinds_parse_and_explain() {
        assert_eq!(SourceKind::parse("onet_db"), Ok(SourceKind::OnetDb));
        assert!(
            SourceKind::parse("onet")
                .unwrap_err()
                .contains("expected one of onet_db")
        );
    }

    #[test]
    fn warnings_count_and_keep_ten_examples() {
        let mut w = Warnings::default();
        for i in 0..15 {
            w.add("x", "m", i.to_string());
        }
        let v = w.into_vec();
        assert_eq!(v[0].count, 15);
        assert_eq!(v[0].examples.len(), 10);
    }
}
