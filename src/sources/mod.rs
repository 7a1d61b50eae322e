//! Connectors that pull real labor-market and competency data over HTTP and turn it into
//! catalog records, plus the pull jobs that run them.
//!
//! # Flow of a pull
//!
//! 1. [`jobs::Puller::submit`] records a `queued` job (sled tree `jobs`) and spawns a task.
//! 2. The task waits for the pull gate (one pull at a time), marks the job `running`, and
//!    fetches the URL with [`http::Fetcher`]: connect and total timeouts, retries with
//!    exponential backoff and jitter on timeouts, connection errors, cut-off bodies and 5xx
//!    (never on 4xx), a size cap, a redirect limit, and a conditional GET with the ETag /
//!    Last-Modified of the last *successful* pull of the same source and URL (tree
//!    `pull_validators`). A 304, or a body identical (SHA-256) to the one last imported,
//!    finishes the job as `succeeded` with `not_modified: true` and no new dataset version.
//! 3. The body is parsed on the blocking pool by the source's module into a [`Pulled`]:
//!    records the source *owns* (a [`Bundle`]) and *enrichments* of existing records.
//! 4. [`apply::apply`] derives the next dataset from the current one inside
//!    [`Catalog::write_with`](crate::service::Catalog::write_with), which validates it and
//!    commits it as one new dataset version, or changes nothing. A failed pull leaves the last
//!    good dataset serving and its job says why in one sentence.
//!
//! # Ownership: what a pull replaces and what it leaves alone
//!
//! Every pulled record and every pulled figure carries a [`Provenance`] whose `source` is the
//! source kind. A pull of kind K replaces exactly what earlier pulls of K put there:
//!
//! * **Owned records** (`onet_db`: occupations and competencies; `case`: competencies;
//!   `ctdl`: courses, credentials and pathways) are removed and re-added. `case` and `ctdl`
//!   (and `bls_oews`, `bls_api`) are keyed by source *and URL*, so pulling two CTDL documents
//!   keeps both; the others are keyed by source alone, so a new O*NET release replaces the old.
//! * A pulled record whose id is already used by a record from elsewhere (an import, the seed,
//!   another source) does **not** replace it: the imported record is left alone and only
//!   enriched (O*NET adds its competencies, job zone and O*NET-SOC codes where missing), and the
//!   job warns `kept_existing_record`.
//! * **Enrichments** (`bls_projections`, `bls_api`: demand per region; `bls_oews`: wages per
//!   area; `cip_soc`: program links; `career_clusters`: cluster links; `sced`: official course
//!   titles) are written onto existing records, each with its own provenance. Pulled demand or
//!   wages for a region replace the figures for that region whatever their origin (they are
//!   newer and say where they come from); lists of links are replaced only where this source
//!   made them. Enrichment never creates records: codes that match no catalog record are
//!   listed in the job's warnings (`unmatched_occupation`...). Pull `onet_db` first.
//! * When an owned record is replaced (a new O*NET release), the enrichments other sources put
//!   on it are carried over to the new record.
//! * References that the new data leaves dangling (a competency that O*NET no longer lists, a
//!   requirement naming a course the document does not define) are dropped from the pulled
//!   records with a warning instead of failing the pull. References from imported records to
//!   a pulled record that disappeared fail validation: the pull fails and says which.
//! * After every pull, crosswalk program links are re-resolved to the catalog credentials that
//!   carry their CIP code (`ProgramLink::credentials`, evidence `crosswalk`).
//!
//! # Settings (see [`crate::settings::PullArgs`])
//!
//! | setting | env | default |
//! |---|---|---|
//! | connect timeout | `CAREERMAP_PULL_CONNECT_TIMEOUT` | `10s` |
//! | total timeout per request | `CAREERMAP_PULL_TIMEOUT` | `300s` |
//! | retries after the first attempt | `CAREERMAP_PULL_RETRIES` | `3` |
//! | first backoff delay (doubles, plus jitter) | `CAREERMAP_PULL_BACKOFF` | `500ms` |
//! | largest body | `CAREERMAP_PULL_MAX_BYTES` | `512MiB` |
//! | redirects followed | `CAREERMAP_PULL_MAX_REDIRECTS` | `5` |
//! | BLS API key (secret) | `CAREERMAP_BLS_API_KEY` | none |
//! | BLS API endpoint | `CAREERMAP_BLS_API_URL` | `https://api.bls.gov/publicAPI/v2/timeseries/data/` |
//! | CASE provider base URL | `CAREERMAP_CASE_BASE_URL` | none |
//! | sources file (JSON) | `CAREERMAP_SOURCES` | none |
//! | O*NET importance threshold | `CAREERMAP_ONET_IMPORTANCE_MIN` | `3.0` |
//! | O*NET level threshold | `CAREERMAP_ONET_LEVEL_MIN` | `0` (off) |

pub mod apply;
pub mod bls_api;
pub mod bls_oews;
pub mod bls_projections;
pub mod career_clusters;
pub mod case;
pub mod cip_soc;
pub mod config;
pub mod ctdl;
pub mod http;
pub mod ipeds;
pub mod jobs;
pub mod onet_db;
pub mod sced;
pub mod table;

use crate::domain::{Bundle, ClusterLink, Demand, ProgramLink, Provenance, Wages};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use utoipa::ToSchema;

/// The kinds of source careermap can pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The O*NET database release (zip of text or Excel files).
    OnetDb,
    /// BLS Employment Projections occupation workbook (Table 1.2).
    BlsProjections,
    /// BLS OEWS wage workbook (national or state).
    BlsOews,
    /// BLS Public Data API v2 (OEWS series).
    BlsApi,
    /// NCES CIP 2020 to SOC 2018 crosswalk.
    CipSoc,
    /// Advance CTE career clusters crosswalk.
    CareerClusters,
    /// NCES SCED course-code list.
    Sced,
    /// 1EdTech CASE 1.0 package.
    Case,
    /// Credential Engine CTDL JSON-LD.
    Ctdl,
    /// NCES IPEDS Completions (awards by CIP code and award level).
    IpedsCompletions,
}

impl SourceKind {
    pub const ALL: [SourceKind; 10] = [
        SourceKind::OnetDb,
        SourceKind::BlsProjections,
        SourceKind::BlsOews,
        SourceKind::BlsApi,
        SourceKind::CipSoc,
        SourceKind::CareerClusters,
        SourceKind::Sced,
        SourceKind::Case,
        SourceKind::Ctdl,
        SourceKind::IpedsCompletions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::OnetDb => "onet_db",
            SourceKind::BlsProjections => "bls_projections",
            SourceKind::BlsOews => "bls_oews",
            SourceKind::BlsApi => "bls_api",
            SourceKind::CipSoc => "cip_soc",
            SourceKind::CareerClusters => "career_clusters",
            SourceKind::Sced => "sced",
            SourceKind::Case => "case",
            SourceKind::Ctdl => "ctdl",
            SourceKind::IpedsCompletions => "ipeds_completions",
        }
    }

    /// Parses a kind, with a message listing the known ones.
    pub fn parse(s: &str) -> Result<SourceKind, String> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown source kind `{s}`; expected one of {}", known.join(", "))
        })
    }

    /// Whether records of this kind are replaced per source *and URL* (documents that add up)
    /// rather than per source (a release that replaces the previous one).
    pub fn keyed_by_url(self) -> bool {
        matches!(
            self,
            SourceKind::Case | SourceKind::Ctdl | SourceKind::BlsOews | SourceKind::BlsApi
        )
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per-pull options (all optional; defaults come from the settings).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PullOptions {
    /// `onet_db`: importance threshold (1-5) of a required competency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onet_importance_min: Option<f64>,
    /// `onet_db`: level threshold (0-7); 0 disables it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onet_level_min: Option<f64>,
    /// `case`: DOL tier per CFItemType (e.g. `{"Standard": 2, "Competency": 4}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_tiers: Option<BTreeMap<String, u8>>,
    /// `case`: tier of items whose type is not in `case_tiers` (default 2, academic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_default_tier: Option<u8>,
    /// `bls_oews`: the region to file a national workbook's figures under (default `US`),
    /// or `bls_api`: ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// `bls_api`: state USPS codes to pull (e.g. `["TX", "OH"]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub states: Option<Vec<String>>,
    /// `bls_api`: SOC codes to pull (default: every occupation in the catalog, in batches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupations: Option<Vec<String>>,
    /// `bls_api`: data year (default: the latest the API has).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// `ctdl`: the education system of pulled courses (default `postsecondary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Pull even when the source has not changed since the last successful pull (no
    /// conditional GET), e.g. after a `replace` import removed the pulled records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

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

/// One kind of warning of a pull, counted, with a few examples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"code": "unmatched_occupation", "message": "SOC codes in the workbook that match no catalog occupation",
    "count": 3, "examples": ["13-1082", "15-1299"]}))]
pub struct Warning {
    /// Stable code, e.g. `unmatched_occupation`, `skipped_row`, `not_modified`.
    pub code: String,
    pub message: String,
    pub count: u64,
    /// Up to 10 examples (codes, row numbers).
    pub examples: Vec<String>,
}

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
    pub options: PullOptions,
    pub settings: crate::settings::PullSettings,
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

/// Normalises a CIP code cell (`51.3801`, `="51.3801"`, `1.0101` from a number) to `NN.NNNN`.
pub fn cip_code(cell: &str) -> Option<String> {
    let s = cell.trim().trim_start_matches('=').trim_matches('"').trim();
    let (a, b) = s.split_once('.')?;
    if a.is_empty() || a.len() > 2 || b.is_empty() || b.len() > 4 {
        return None;
    }
    if !a.bytes().all(|c| c.is_ascii_digit()) || !b.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{a:0>2}.{b:0<4}"))
}

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
