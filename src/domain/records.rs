//! The catalog records: competencies, courses, credentials, assessments, occupations,
//! articulations and funding sources.
//!
//! These types are also the import format of `POST /v1/imports` (see docs/import-format.md), so they
//! derive serde and OpenAPI schemas. Unknown fields are rejected so that a misspelt field is
//! reported instead of silently dropped.

use super::entry::EntryPoint;
use super::ids::*;
use super::requirement::RequirementGroup;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a record (or a figure) came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// Source kind, e.g. `import`, `seed`, `bls_projections`, `onet_db`.
    pub source: String,
    /// Where it was pulled from, when pulled over HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The upstream release or date, e.g. `O*NET 29.3` or `2024-34`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// When it was retrieved (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieved_at: Option<String>,
}

/// A competency of a competency model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "hc.t4.infection-control", "name": "Infection control", "tier": 5, "framework": "health-science"}))]
pub struct Competency {
    pub id: CompetencyId,
    pub name: String,
    /// Tier 1-9 of the DOL competency-model pyramid: 1 personal effectiveness, 2 academic,
    /// 3 workplace, 4 industry-wide technical, 5 industry-sector technical, 6-8
    /// occupation-specific, 9 management.
    pub tier: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    /// The parent competency in a hierarchical framework (CASE `isChildOf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CompetencyId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// The upstream code of the competency: an O*NET content-model element id (`2.A.1.a`) or a
    /// CASE item's human coding scheme (`6.RP.A.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element_id: Option<String>,
}

/// The education system a course belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum System {
    #[default]
    Secondary,
    Adult,
    Postsecondary,
    WorkBased,
}

impl System {
    pub const ALL: [System; 4] = [
        System::Secondary,
        System::Adult,
        System::Postsecondary,
        System::WorkBased,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            System::Secondary => "secondary",
            System::Adult => "adult",
            System::Postsecondary => "postsecondary",
            System::WorkBased => "work_based",
        }
    }

    pub fn parse(s: &str) -> Option<System> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Classification codes a course or program carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Codes {
    /// NCES School Courses for the Exchange of Data code (secondary), e.g. `14001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sced: Option<String>,
    /// NCES Classification of Instructional Programs 2020 code, e.g. `51.3902`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cip: Option<String>,
    /// The provider's own course number, e.g. `NUR 101`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
}

impl Codes {
    pub fn is_empty(&self) -> bool {
        self.sced.is_none() && self.cip.is_none() && self.local.is_none()
    }
}

/// A record's words in one other language.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalText {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// A record's words in the languages other than English that careermap speaks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"es": {"title": "Auxiliar de enfermería certificado", "aliases": ["enfermera auxiliar"]}}))]
pub struct I18n {
    /// Spanish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub es: Option<LocalText>,
}

impl I18n {
    pub fn is_empty(&self) -> bool {
        self.es.is_none()
    }

    /// The Spanish title, where one is given.
    pub fn es_title(&self) -> Option<&str> {
        self.es.as_ref().and_then(|t| t.title.as_deref())
    }

    /// The Spanish aliases (none when not given).
    pub fn es_aliases(&self) -> &[String] {
        self.es.as_ref().map_or(&[], |t| t.aliases.as_slice())
    }
}

/// A course or learning unit in one of the systems.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "hs.health-sci-1", "title": "Principles of Health Science", "system": "secondary",
    "hours": 120, "credits": 1.0, "competencies": ["hc.t4.safety"], "prerequisites": [], "codes": {"sced": "14001"}}))]
pub struct Course {
    pub id: CourseId,
    pub title: String,
    pub system: System,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Contact or seat hours.
    pub hours: f64,
    #[serde(default)]
    pub credits: f64,
    #[serde(default)]
    pub competencies: Vec<CompetencyId>,
    /// Groups that must all hold before the course can be taken.
    #[serde(default)]
    #[schema(value_type = Vec<crate::domain::RawGroup>)]
    pub prerequisites: Vec<RequirementGroup>,
    #[serde(default, skip_serializing_if = "Codes::is_empty")]
    pub codes: Codes,
    /// Cost to the learner in dollars, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// The official SCED title of `codes.sced`, filled by a `sced` pull.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sced_title: Option<String>,
    /// The courses a learning program is made of (CTDL `hasPart`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<CourseId>,
    /// The entry points allowed to take the course, replacing the default by system (see
    /// [`EntryPoint`]); empty means the default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligible_entries: Vec<EntryPoint>,
    /// The institution grants credit for the course by portfolio or challenge exam: a learner
    /// who has demonstrated every competency it teaches skips it (reason `prior_learning`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prior_learning_credit: bool,
    /// What the course teaches, in the catalog's words; text duplicates and competency
    /// suggestions read it with the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Learners completing the course (or program) in a year, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_completers: Option<f64>,
    /// Other names people use for it: lay titles and abbreviations (`CNA`, `nurse aide`), in
    /// any language; search matches them (`matched: "alias"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its title, description and aliases in other languages (`{"es": {"title": ...}}`).
    #[serde(default, skip_serializing_if = "I18n::is_empty")]
    pub i18n: I18n,
}

/// An assessment a learner sits: a licensing or certification exam, a credit-by-exam test
/// (AP, CLEP, IB), a skills test. Requirement groups may list it; an articulation may come
/// from it (with a `min_score`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "ex.nclex-pn", "title": "NCLEX-PN", "hours": 5, "cost": 200,
    "competencies": [], "provider": "NCSBN", "max_score": null}))]
pub struct Assessment {
    pub id: AssessmentId,
    pub title: String,
    /// Seat time, hours.
    #[serde(default)]
    pub hours: f64,
    /// Fee to the learner in dollars, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Competencies a pass demonstrates.
    #[serde(default)]
    pub competencies: Vec<CompetencyId>,
    /// Who gives the assessment (NCSBN, CompTIA, College Board...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The highest score (AP 5, CLEP 80); absent for pass/fail assessments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_score: Option<f64>,
    /// Groups that must all hold before the assessment can be taken (an approved program
    /// before a licensing exam).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<crate::domain::RawGroup>)]
    pub prerequisites: Vec<RequirementGroup>,
    /// Where the fee (or the rule) is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// The kind of a plan step, and of a unit a funding source may pay for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Course,
    Assessment,
    Credential,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Course => "course",
            StepKind::Assessment => "assessment",
            StepKind::Credential => "credential",
        }
    }
}

/// What a funding source pays for. Every condition listed must hold for a step; an empty list
/// does not restrict.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingCovers {
    /// Systems of the units it pays for (an assessment counts as the system of the plan's
    /// stage it falls in; empty: every system).
    #[serde(default)]
    pub systems: Vec<System>,
    /// Kinds of step it pays for: `course`, `assessment` (empty: both).
    #[serde(default)]
    pub kinds: Vec<StepKind>,
    /// Only courses that carry credits (Pell pays for credit-bearing study).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub credit_bearing_only: bool,
    /// Only units of these providers, e.g. the state's Eligible Training Provider List for a
    /// WIOA Title I Individual Training Account (empty: any provider).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
}

/// A funding source a state braids into a learner's plan: a grant, a training account, an
/// employer's tuition benefit, apprenticeship wages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "pell", "name": "Federal Pell Grant", "eligibility": ["low_income"],
    "covers": {"systems": ["postsecondary"], "kinds": ["course"], "credit_bearing_only": true},
    "share": 1.0, "cap": 7395, "source": "https://studentaid.gov/understand-aid/types/grants/pell"}))]
pub struct Funding {
    pub id: FundingId,
    pub name: String,
    /// Flags a learner must all carry (`learner.eligibility`, e.g. `low_income`,
    /// `dislocated_worker`, `under_24`); empty: open to all.
    #[serde(default)]
    pub eligibility: Vec<String>,
    #[serde(default)]
    pub covers: FundingCovers,
    /// Share of a covered step's cost the source pays, 0-1.
    #[serde(default = "one")]
    pub share: f64,
    /// Most the source pays over one plan, dollars (absent: no cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<f64>,
    /// Where the rule is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

fn one() -> f64 {
    1.0
}

/// The kind of a credential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    Diploma,
    Hse,
    IndustryCertification,
    License,
    Certificate,
    Associate,
    Bachelor,
    Master,
    Doctorate,
    Apprenticeship,
    Badge,
    #[default]
    Other,
}

/// A credential on the stack.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "cna", "title": "Certified Nursing Assistant", "kind": "license", "level": 1,
    "requires": [{"choose": 2, "from": ["adult.cna-theory", "adult.cna-clinical"]}], "competencies": [], "stacks_into": ["lpn"]}))]
pub struct Credential {
    pub id: CredentialId,
    pub title: String,
    pub kind: CredentialKind,
    /// Position on the stack, on the one credential-level scale: 1 `entry`, 2 `intermediate`,
    /// 3 `advanced`, 4 `associate`, 5 `bachelor`, 6 `master`, 7 `doctorate` (the
    /// `CredentialLevel` names; docs/import-format.md says what sits at each). An import may
    /// give the number or the name; answers give the number.
    #[serde(deserialize_with = "super::level::deserialize_level")]
    #[schema(value_type = crate::domain::LevelValue)]
    pub level: u32,
    /// Groups that must all hold to earn the credential.
    #[serde(default)]
    #[schema(value_type = Vec<crate::domain::RawGroup>)]
    pub requires: Vec<RequirementGroup>,
    /// Competencies the credential certifies (beyond those its courses teach).
    #[serde(default)]
    pub competencies: Vec<CompetencyId>,
    /// Higher credentials this one stacks into.
    #[serde(default)]
    pub stacks_into: Vec<CredentialId>,
    #[serde(default, skip_serializing_if = "Codes::is_empty")]
    pub codes: Codes,
    /// Credential Engine CTID, where registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// People earning the credential in a year (IPEDS completions for its `codes.cip`, or the
    /// provider's count), where known; the supply report sets it against annual openings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_completers: Option<f64>,
    /// Other names people use for it: lay titles and abbreviations (`CNA`, `nurse aide`), in
    /// any language; search matches them (`matched: "alias"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its title, description and aliases in other languages (`{"es": {"title": ...}}`).
    #[serde(default, skip_serializing_if = "I18n::is_empty")]
    pub i18n: I18n,
}

/// Labor-market demand for an occupation in one region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// `US` for national figures, a state's USPS code (`TX`) or an area code.
    pub region: String,
    /// Employment now (people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment: Option<f64>,
    /// Projected employment at the end of the projection period (people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projected_employment: Option<f64>,
    /// Projected growth over the projection period, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_pct: Option<f64>,
    /// Average annual openings (people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_openings: Option<f64>,
    /// Median annual wage, dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_wage: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typical_entry_education: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Projected employment change over the projection period (people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
    /// Work experience in a related occupation typically needed (BLS category).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experience: Option<String>,
    /// Typical on-the-job training needed to attain competency (BLS category).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<String>,
    /// The projection period, e.g. `2024-34`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Figures that are not exact numbers and must not be compared as such:
    /// `median_wage_top_coded` (BLS publishes the median only as a lower bound, `>=$239,200`;
    /// `median_wage` holds that bound, read as "at least"), and `<figure>_suppressed` for a
    /// figure the source withholds (`—`, `*`, `**`, a footnote in place of the number):
    /// `employment_suppressed`, `projected_employment_suppressed`, `change_suppressed`,
    /// `growth_pct_suppressed`, `openings_suppressed`, `median_wage_suppressed`. A suppressed
    /// figure is unknown even when a number is given beside the flag.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

/// A demand figure as the high-demand rule and the reports may compare it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Exact(f64),
    /// A lower bound (a top-coded wage): the true figure is at least this.
    AtLeast(f64),
    Unknown,
}

impl Figure {
    /// The number, for exact figures only.
    pub fn exact(self) -> Option<f64> {
        match self {
            Figure::Exact(v) => Some(v),
            _ => None,
        }
    }

    /// The value to show (an exact figure or a bound), if any.
    pub fn shown(self) -> Option<f64> {
        match self {
            Figure::Exact(v) | Figure::AtLeast(v) => Some(v),
            Figure::Unknown => None,
        }
    }

    /// Whether this figure is at or above `threshold`, when that can be known: `None` when a
    /// bound is involved and the answer depends on the unknown true figure.
    pub fn at_least(self, threshold: Figure) -> Option<bool> {
        match (self, threshold) {
            (Figure::Exact(v), Figure::Exact(t)) => Some(v >= t),
            (Figure::AtLeast(v), Figure::Exact(t)) => (v >= t).then_some(true),
            _ => None,
        }
    }
}

impl Demand {
    fn figure(&self, value: Option<f64>, suppressed: &str, top_coded: Option<&str>) -> Figure {
        let has = |f: &str| self.flags.iter().any(|x| x == f);
        match value.filter(|v| v.is_finite()) {
            _ if has(suppressed) => Figure::Unknown,
            None => Figure::Unknown,
            Some(v) if top_coded.is_some_and(has) => Figure::AtLeast(v),
            Some(v) => Figure::Exact(v),
        }
    }

    /// Annual openings, unknown when flagged `openings_suppressed`.
    pub fn openings_figure(&self) -> Figure {
        self.figure(self.annual_openings, "openings_suppressed", None)
    }

    /// The median wage: a bound when flagged `median_wage_top_coded`, unknown when flagged
    /// `median_wage_suppressed`.
    pub fn wage_figure(&self) -> Figure {
        self.figure(
            self.median_wage,
            "median_wage_suppressed",
            Some("median_wage_top_coded"),
        )
    }

    /// Projected growth, percent; unknown when flagged `growth_pct_suppressed`.
    pub fn growth_figure(&self) -> Figure {
        self.figure(self.growth_pct, "growth_pct_suppressed", None)
    }
}

/// The annual wage OEWS top-codes (`#`) in its May 2024 release: $239,200.
pub const OEWS_ANNUAL_TOP_CODE: f64 = 239_200.0;

/// Wage percentiles of one kind (hourly or annual), dollars. A figure is absent when BLS did
/// not publish it; see [`Wages::top_coded`] and [`Wages::not_available`] for why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WagePercentiles {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p10: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p25: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p75: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p90: Option<f64>,
}

/// OEWS wages of an occupation in one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"region": "US", "employment": 3282010, "hourly": {"median": 45.0},
    "annual": {"median": 93600, "p90": 135320}, "top_coded": [], "not_available": []}))]
pub struct Wages {
    /// `US`, a state's USPS code, or an OEWS area code.
    pub region: String,
    /// Employment estimate (people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment: Option<f64>,
    #[serde(default)]
    pub hourly: WagePercentiles,
    #[serde(default)]
    pub annual: WagePercentiles,
    /// Figures BLS top-codes (`#`: at or above the highest wage it publishes, $115.00 an hour
    /// or $239,200 a year in May 2024), e.g. `annual.p90`; their value is absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub top_coded: Vec<String>,
    /// Figures BLS marks not available (`*`), e.g. `hourly.mean`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_available: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// How a credential (or a program) is known to lead to an occupation, strongest first: a
/// credential linked to an occupation in several ways keeps the strongest, and an occupation
/// lists its entry credentials in this order (stated, then `ctdl`, then `cip_soc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Stated by the catalog (an occupation's `entry_credentials`): always wins.
    #[serde(alias = "explicit")]
    Stated,
    /// Stated by the credential's publisher in its CTDL description (`ceterms:occupationType`,
    /// a SOC or O*NET-SOC code): the publisher's own claim about that credential, so weaker
    /// than the catalog's statement and stronger than the crosswalk's inference from a
    /// program code.
    Ctdl,
    /// Inferred from the NCES CIP-SOC crosswalk (the credential's `codes.cip` is a program the
    /// crosswalk maps to the occupation): the weakest, as a program code says what is taught,
    /// not what the credential qualifies for.
    #[serde(alias = "crosswalk")]
    CipSoc,
}

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Stated => "stated",
            Evidence::Ctdl => "ctdl",
            Evidence::CipSoc => "cip_soc",
        }
    }
}

/// A program or credential known to prepare for an occupation: an instructional program
/// (CIP 2020) the CIP-SOC crosswalk maps to it (`evidence: "cip_soc"`), or a credential whose
/// CTDL description names the occupation in `occupationType` (`evidence: "ctdl"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cip": "51.3801", "title": "Registered Nursing/Registered Nurse.", "evidence": "cip_soc",
    "credentials": ["cc.adn"]}))]
pub struct ProgramLink {
    /// CIP 2020 code, `NN.NNNN`: the crosswalk's program (always given for `cip_soc`), or the
    /// CTDL credential's own `instructionalProgramType` (absent when it states none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cip: Option<String>,
    /// The CIP title, or for a `ctdl` link the credential's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub evidence: Evidence,
    /// The catalog credentials that qualify for the occupation with this link's evidence: for
    /// `cip_soc`, those carrying the CIP code (re-resolved after every pull); for `ctdl`, the
    /// credential whose `occupationType` names the occupation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<CredentialId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// A career cluster (and sub-cluster) an occupation belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cluster": "Healthcare & Human Services", "subcluster": "Patient Care"}))]
pub struct ClusterLink {
    pub cluster: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcluster: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// An occupation (SOC 2018 or O*NET-SOC code).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"soc": "31-1131", "title": "Nursing Assistants", "competencies": ["hc.t4.safety"],
    "entry_credentials": ["cna"], "demand": [{"region": "US", "employment": 1390000, "annual_openings": 210000,
    "growth_pct": 4.1, "median_wage": 38130}]}))]
pub struct Occupation {
    pub soc: SocCode,
    pub title: String,
    /// O*NET job zone 1-5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_zone: Option<u8>,
    #[serde(default)]
    pub competencies: Vec<CompetencyId>,
    /// Credentials that qualify a person to enter the occupation.
    #[serde(default)]
    pub entry_credentials: Vec<CredentialId>,
    #[serde(default)]
    pub demand: Vec<Demand>,
    /// Career cluster, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Sub-cluster of `cluster`, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcluster: Option<String>,
    /// Every career cluster and sub-cluster the occupation belongs to (Advance CTE crosswalk).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<ClusterLink>,
    /// Instructional programs (CIP) that prepare for the occupation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<ProgramLink>,
    /// OEWS wage percentiles per area.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wages: Vec<Wages>,
    /// The O*NET-SOC 2019 codes rolled up into this SOC 2018 code (`29-1141.00`, `29-1141.01`...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onet_codes: Vec<String>,
    /// For an aggregated occupation (a code BLS projects in place of detailed SOC codes, e.g.
    /// `31-1120` home health and personal care aides): the detailed occupations it covers
    /// (`["31-1121", "31-1122"]`). Its demand stands for theirs; it qualifies through their
    /// entry credentials unless it states its own. Empty for a detailed occupation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<SocCode>,
    /// Other names people use for it: lay titles and abbreviations (`CNA`, `nurse aide`), in
    /// any language; search matches them (`matched: "alias"`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its title, description and aliases in other languages (`{"es": {"title": ...}}`).
    #[serde(default, skip_serializing_if = "I18n::is_empty")]
    pub i18n: I18n,
}

impl Occupation {
    /// The median annual wage in `region`: the demand record's, else the OEWS wages of that
    /// region (a `#` top-coded median is a bound, a `*` one unknown).
    pub fn wage_in(&self, d: &Demand) -> Figure {
        match d.wage_figure() {
            Figure::Unknown if !d.flags.iter().any(|f| f == "median_wage_suppressed") => {
                let Some(w) = self.wages.iter().find(|w| w.region == d.region) else {
                    return Figure::Unknown;
                };
                match w.annual.median {
                    Some(v) if v.is_finite() => Figure::Exact(v),
                    _ if w.top_coded.iter().any(|f| f == "annual.median") => {
                        // OEWS publishes the top-coded value in its documentation, not the cell.
                        Figure::AtLeast(OEWS_ANNUAL_TOP_CODE)
                    }
                    _ => Figure::Unknown,
                }
            }
            f => f,
        }
    }

    /// Demand in `region`, falling back to national (`US`) figures; the flag says whether the
    /// fallback was used.
    pub fn demand_in(&self, region: &str) -> Option<(&Demand, bool)> {
        if let Some(d) = self.demand.iter().find(|d| d.region == region) {
            return Some((d, false));
        }
        self.demand
            .iter()
            .find(|d| d.region == "US")
            .map(|d| (d, region != "US"))
    }
}

/// How an articulation grants credit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArticulationKind {
    DualEnrollment,
    #[default]
    StatewideAgreement,
    CreditByExam,
    PriorLearning,
    CoEnrollment,
}

/// Credit granted toward a course for something completed, held or passed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "a1", "from": "hs.health-sci-2", "to": "cc.hlth-101", "credits": 3, "kind": "dual_enrollment"}))]
pub struct Articulation {
    pub id: ArticulationId,
    /// The course, credential or assessment that earns the credit.
    pub from: ItemId,
    /// The course credit is granted toward.
    pub to: CourseId,
    /// Credits granted; fewer than the target course carries is partial credit.
    pub credits: f64,
    pub kind: ArticulationKind,
    /// The agreement this comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// For an articulation from an assessment: the lowest score that earns the credit (AP 3,
    /// CLEP 50). It applies only to a score the learner already holds; without it a pass
    /// (sitting the assessment in the plan) earns the credit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f64>,
}
