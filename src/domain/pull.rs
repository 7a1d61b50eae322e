//! Plain types of source pulls that more than one layer names: the kinds of source, the
//! per-pull options, a counted warning, and the conditional-GET validators of the last pull.
//! The connectors (`sources/`) produce them, the job store (`store/jobs.rs`) keeps them and
//! the API shows them. No I/O happens here.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    /// A state's long-term occupational projections (Projections Central layout).
    StateProjections,
}

impl SourceKind {
    pub const ALL: [SourceKind; 11] = [
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
        SourceKind::StateProjections,
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
            SourceKind::StateProjections => "state_projections",
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
            SourceKind::Case
                | SourceKind::Ctdl
                | SourceKind::BlsOews
                | SourceKind::BlsApi
                | SourceKind::StateProjections
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
    /// `bls_oews`: the region to file a workbook's figures under (default: from its area
    /// columns, `US` for the national file); `state_projections`: the state (default: from
    /// the file's state FIPS or name column); `bls_api`: ignored.
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

/// Conditional-GET validators of the last successful pull of one URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    /// SHA-256 (hex) of the body last imported, to skip servers that ignore validators.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// Where a pull job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// How far a running pull has got.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"phase": "fetching", "bytes_fetched": 1048576, "bytes_total": 4194304, "records_parsed": 0}))]
pub struct Progress {
    /// `fetching`, `parsing`, `committing` or `done`.
    pub phase: String,
    /// Bytes of the body received so far.
    pub bytes_fetched: u64,
    /// The body's size, when the server said.
    #[serde(default)]
    pub bytes_total: Option<u64>,
    /// Records parsed from the body so far (set when parsing ends).
    pub records_parsed: u64,
}
