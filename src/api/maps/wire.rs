//! The career-map wire types: the request a client sends and the answer it gets, and the
//! conversion of the engine's plans into that answer.

use crate::analysis::career_map::{self as engine, CareerMap, Exit, Plan, Source};
use crate::analysis::demand::{DemandIndex, HighDemandPolicy, OccupationDemand};
use crate::domain::EntryPoint;
use crate::graph::{CatalogGraph, CredentialIx, Item};
use crate::render::{self};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

// ---- request -------------------------------------------------------------------------------

/// What the map leads to: exactly one of `occupation` (SOC code) or `credential` (id).
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// What plans are ranked by first. Every objective then ranks by duplicative hours, total
/// hours, steps and exit value (docs/career-maps.md, "Ranking").
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Optimize {
    /// The default: fewest duplicative hours (hours repeating what the learner already
    /// knows), then fewest total hours.
    #[default]
    Duplication,
    /// Total new hours.
    Hours,
    /// Hours in postsecondary and work-based steps (tuition-bearing).
    PostsecondaryHours,
    /// Net cost to the learner after braided funding (`net_cost`, dollars). A step whose cost
    /// is unknown counts as 0; at equal net cost a plan with fewer such steps comes first (a
    /// plan with `cost_complete: true` before one with `false`).
    Cost,
    /// Weeks to finish (`weeks`: terms times the entry point's term length).
    Weeks,
}

pub use crate::analysis::career_map::learner::MAX_LEARNER_IDS;

impl From<Optimize> for engine::Objective {
    fn from(o: Optimize) -> Self {
        match o {
            Optimize::Duplication => engine::Objective::Duplication,
            Optimize::Hours => engine::Objective::Hours,
            Optimize::PostsecondaryHours => engine::Objective::PostsecondaryHours,
            Optimize::Cost => engine::Objective::Cost,
            Optimize::Weeks => engine::Objective::Weeks,
        }
    }
}

impl From<engine::Objective> for Optimize {
    fn from(o: engine::Objective) -> Self {
        match o {
            engine::Objective::Duplication => Optimize::Duplication,
            engine::Objective::Hours => Optimize::Hours,
            engine::Objective::PostsecondaryHours => Optimize::PostsecondaryHours,
            engine::Objective::Cost => Optimize::Cost,
            engine::Objective::Weeks => Optimize::Weeks,
        }
    }
}

/// Where the learner stands. Each list holds at most 1000 ids.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerSpec {
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub completed_courses: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub credentials: Vec<String>,
    /// Competencies demonstrated by prior learning.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub competencies: Vec<String>,
    /// Assessment results the learner holds; an articulation with `min_score` applies only
    /// when the score reaches it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<HeldAssessment>,
    /// Hours of plan steps per term (default per entry point, see docs/career-maps.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours_per_term: Option<f64>,
    /// Eligibility flags (`low_income`, `dislocated_worker`, `under_24`...) matched against
    /// the funding sources' `eligibility`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligibility: Vec<String>,
}

/// An assessment result the learner holds.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": "ex.ap-bio", "score": 4}))]
pub struct HeldAssessment {
    pub id: String,
    /// The score, for scored assessments (AP 1-5, CLEP 20-80).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

pub(crate) fn default_region() -> String {
    "US".into()
}
pub(crate) fn default_k() -> u32 {
    3
}

/// A career-map question.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target": {"occupation": "29-1141"}, "entry": "adult", "region": "US", "k": 3,
    "optimize": "hours", "learner": {"completed_courses": [], "credentials": ["cna"], "competencies": []}}))]
pub struct CareerMapRequest {
    pub target: TargetSpec,
    pub entry: EntryPoint,
    /// Region of the demand figures (`US`, a state code...); national figures are used (and
    /// flagged) where the region has none. Default `US`.
    #[serde(default = "default_region")]
    #[schema(max_length = 32, pattern = "\\S")]
    pub region: String,
    /// How many alternative plans, 1-10 (default 3).
    #[serde(default = "default_k")]
    #[schema(minimum = 1, maximum = 10)]
    pub k: u32,
    #[serde(default)]
    pub optimize: Optimize,
    #[serde(default)]
    pub learner: LearnerSpec,
}

/// Output format and which plan a picture shows.
#[derive(Debug, Deserialize, IntoParams)]
pub struct MapQuery {
    /// `json` (default), `svg`, `dot`, `mermaid` or `ctdl` (JSON-LD); overrides `Accept`.
    pub format: Option<crate::api::MapFormat>,
    /// The plan (rank) a picture shows (default 1); a rank the map does not have is a 422 problem.
    pub path: Option<usize>,
}

// ---- response ------------------------------------------------------------------------------

/// Demand for an occupation in the requested region (or nationally, on fallback).
#[derive(Debug, Serialize, ToSchema)]
pub struct OccupationOut {
    pub soc: String,
    pub title: String,
    pub median_wage: Option<f64>,
    pub annual_openings: Option<f64>,
    pub growth_pct: Option<f64>,
    /// By the configured high-demand rule over the region's figures.
    pub high_demand: bool,
    /// The region the figures are for.
    pub region: String,
    /// True when the requested region had no figures and national ones are shown.
    pub region_fallback: bool,
    /// Figures that are not exact numbers (`median_wage_top_coded`: `median_wage` is a lower
    /// bound; `openings_suppressed`, `median_wage_suppressed`...: withheld by the source, so
    /// absent here and never compared).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// For an aggregated occupation (BLS's 31-1120...): the detailed occupations it covers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// For a detailed occupation with no figures of its own that an aggregate covers (31-1121,
    /// covered by 31-1120): the SOC code of that aggregate, whose figures are shown here (BLS
    /// projects them together).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures_of: Option<String>,
    /// Where the occupation is reached from a credential (exits, ladder rungs, a credential
    /// target): how that credential is known to qualify for it, `stated` (the occupation's
    /// `entry_credentials`), `ctdl` (a CTDL `occupationType`) or `cip_soc` (the CIP-SOC
    /// crosswalk maps the credential's `codes.cip` to it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::domain::Evidence>,
}

/// One step of a plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    pub id: String,
    /// `course` or `credential`.
    pub kind: &'static str,
    pub title: String,
    /// Who offers or awards it (a course's or exam's provider, a credential's awarding body);
    /// null when the catalog does not say.
    pub provider: Option<String>,
    /// Its cost to the learner in dollars before funding (a course's tuition, an exam's fee; 0
    /// for a secondary course and for a credential, earned by its steps); null when unknown.
    /// The plan's `total_cost` is the sum of the known ones.
    pub cost: Option<f64>,
    /// The course's system; for a credential, the system of the course that completes it.
    pub system: crate::domain::System,
    pub hours: f64,
    /// Every competency it teaches is already held before this step.
    pub duplicative: bool,
    /// Duplicative and no choice avoids it: every route takes this course and it repeats
    /// what the learner knows wherever it falls ("ask the college for credit").
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unavoidable: bool,
    /// Completed courses, credentials, earlier steps or `prior_learning` that taught it.
    pub covered_by: Vec<String>,
    /// Interchangeable courses (same system, hours, credits, cost and prerequisites) that
    /// another plan of the same rank takes instead of this one: any of them will do.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
}

/// Something the learner does not need to take.
#[derive(Debug, Serialize, ToSchema)]
pub struct SkipOut {
    pub id: String,
    /// `course` or `credential`.
    pub kind: &'static str,
    pub title: String,
    /// `completed`, `articulated` (an articulation agreement or credit by exam),
    /// `dual_enrollment` (college credit for a high-school course) or `prior_learning`.
    pub reason: &'static str,
    /// Where the credit comes from: the held or planned course, exam or credential
    /// (`articulated`, `dual_enrollment`, and `prior_learning` by an agreement), or
    /// `prior_learning` for competencies the learner demonstrated; absent for `completed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The course or credential that earns the credit (articulated, prior_learning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articulated_by: Option<String>,
    /// The articulation agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articulation: Option<String>,
}

/// A credential earned on the way: a place to stop and work.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExitOut {
    pub credential: String,
    pub title: String,
    pub level: u32,
    pub occupations: Vec<OccupationOut>,
}

/// One plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathOut {
    pub rank: usize,
    /// New hours.
    pub total_hours: f64,
    /// Hours of duplicative steps (unavoidable ones only).
    pub duplicative_hours: f64,
    /// Hours in postsecondary and work-based steps.
    pub postsecondary_hours: f64,
    /// Number of courses to take.
    pub courses: usize,
    /// Sum over the credentials earned of the best median wage each opens (tie-break).
    pub exit_value: f64,
    /// Whether the destination is high demand in the region.
    pub high_demand: bool,
    /// Steps in an order the learner can follow, grouped by system.
    pub steps: Vec<StepOut>,
    pub credentials_earned: Vec<String>,
    /// The target credentials (entry credentials of the occupation) this plan earns.
    pub reaches: Vec<String>,
    pub skipped: Vec<SkipOut>,
    pub exits: Vec<ExitOut>,
    /// The steps by term (docs/career-maps.md, "Terms"): consecutive terms from 1, each step
    /// in exactly one, a course after its prerequisites' terms, at most `hours_per_term` hours
    /// unless one step alone exceeds it.
    pub terms: Vec<TermOut>,
    /// Terms times the entry point's term length (18 weeks secondary, 16 otherwise).
    pub weeks: f64,
    /// Sum of the known `cost` of the course and assessment steps, dollars (a secondary
    /// course with no cost is free).
    pub total_cost: f64,
    /// False when some course or assessment step has no known cost.
    pub cost_complete: bool,
    /// Funding braided into the plan, largest share first.
    pub funding: Vec<FundingOut>,
    /// `total_cost` less `funding`.
    pub net_cost: f64,
    /// False when the search reached its budget (`CAREERMAP_MAP_MAX_EXPANSIONS`) before
    /// proving that this is the plan of its rank.
    pub optimal: bool,
    /// For a plan that is not `optimal`: a proven lower bound of the objective (hours,
    /// dollars or weeks; duplicative hours for `duplication`) of every plan the search did
    /// not prove, so how much better the best unproven plan could be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<f64>,
}

/// One term of a plan.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"term": 1, "stage": "postsecondary", "steps": ["cc.nur-101", "cc.bio-105"], "hours": 150}))]
pub struct TermOut {
    pub term: usize,
    /// `secondary`, `adult`, `postsecondary` or `work_based`: the system of the term's courses.
    pub stage: String,
    /// Step ids in order.
    pub steps: Vec<String>,
    pub hours: f64,
}

/// A funding source's part of a plan's cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundingOut {
    /// The funding source's id.
    pub source: String,
    pub name: String,
    /// Dollars.
    pub amount: f64,
}

/// The target as resolved.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetOut {
    /// `occupation` or `credential`.
    pub kind: &'static str,
    pub id: String,
    pub title: String,
    pub high_demand: bool,
    /// The destination occupation(s) and their demand.
    pub occupations: Vec<OccupationOut>,
}

/// Search effort.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchOut {
    /// Courses and credentials around the target the search looked at.
    pub universe: usize,
    /// Search nodes expanded (the budget is `CAREERMAP_MAP_MAX_EXPANSIONS`).
    pub expanded: usize,
    /// The search reached its budget: plans with `optimal: false` were not proven best.
    pub capped: bool,
}

/// What `high_demand` was judged against: the one high-demand rule (the gaps and the report use
/// it too) over every occupation with demand figures in `region`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HighDemandBasisOut {
    /// The region of the distribution: the requested one, or `US` when it has no figures
    /// (an occupation without figures of its own in the region is judged nationally).
    pub region: String,
    /// Occupations with demand figures in `region`: the whole distribution the percentiles
    /// are taken over, not only the map's occupations.
    pub occupations_in_distribution: usize,
    /// Annual openings at the configured percentile (nearest rank).
    pub openings_threshold: Option<f64>,
    /// Median wage at the configured percentile (nearest rank).
    pub wage_threshold: Option<f64>,
    pub openings_percentile: f64,
    pub wage_percentile: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_growth_pct: Option<f64>,
}

/// A career map: the k best distinct minimal plans.
#[derive(Debug, Serialize, ToSchema)]
pub struct CareerMapResponse {
    pub target: TargetOut,
    pub entry: EntryPoint,
    pub region: String,
    pub optimize: Optimize,
    /// Sorted by rank; empty when the target is out of reach (see `reason`).
    pub paths: Vec<PathOut>,
    /// Why there is no path, naming the missing piece.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub search: SearchOut,
    /// The basis of the `high_demand` flags; absent when no occupation has demand figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_demand_basis: Option<HighDemandBasisOut>,
}

pub(crate) fn basis_out(demand: &DemandIndex, region: &str, policy: &HighDemandPolicy) -> Option<HighDemandBasisOut> {
    demand.basis(region, policy).map(|b| HighDemandBasisOut {
        region: b.region,
        occupations_in_distribution: b.occupations_in_distribution,
        openings_threshold: b.openings_threshold,
        wage_threshold: b.wage_threshold,
        openings_percentile: policy.openings_percentile,
        wage_percentile: policy.wage_percentile,
        min_growth_pct: policy.min_growth_pct,
    })
}

/// An occupation with its demand; `via`, the credential it is reached from, adds the evidence
/// of that link.
pub(crate) fn occupation_out(g: &CatalogGraph, d: &OccupationDemand, via: Option<CredentialIx>) -> OccupationOut {
    let occ = g.occupation(d.occupation);
    OccupationOut {
        soc: occ.soc.0.clone(),
        title: occ.title.clone(),
        median_wage: d.median_wage,
        annual_openings: d.annual_openings,
        growth_pct: d.growth_pct,
        high_demand: d.high_demand,
        region: d.region.clone(),
        region_fallback: d.fallback,
        flags: d.flags.clone(),
        covers: occ.covers.iter().map(|c| c.0.clone()).collect(),
        figures_of: d.figures_of.map(|a| g.occupation(a).soc.0.clone()),
        evidence: via.and_then(|c| g.link_evidence(c, d.occupation)),
    }
}

pub(crate) fn kind(item: Item) -> &'static str {
    item.step_kind().as_str()
}

/// The provider a step names: a course's or assessment's provider, a credential's awarding body.
fn item_provider(g: &CatalogGraph, item: Item) -> Option<&str> {
    match item {
        Item::Course(c) => g.course(c).provider.as_deref(),
        Item::Credential(c) => g.credential(c).provider.as_deref(),
        Item::Assessment(a) => g.assessment(a).provider.as_deref(),
    }
}

pub(crate) fn exit_out(g: &CatalogGraph, e: &Exit) -> ExitOut {
    let c = g.credential(e.credential);
    ExitOut {
        credential: c.id.0.clone(),
        title: c.title.clone(),
        level: c.level,
        occupations: e
            .occupations
            .iter()
            .map(|d| occupation_out(g, d, Some(e.credential)))
            .collect(),
    }
}

pub(crate) fn path_out(g: &CatalogGraph, p: &Plan, high_demand: bool) -> PathOut {
    let cid = |c: &crate::graph::CredentialIx| g.credential(*c).id.0.clone();
    PathOut {
        rank: p.rank,
        total_hours: p.total_hours,
        duplicative_hours: p.duplicative_hours,
        postsecondary_hours: p.postsecondary_hours,
        courses: p.courses.len(),
        exit_value: p.exit_value,
        high_demand,
        steps: p
            .steps
            .iter()
            .map(|s| StepOut {
                id: g.item_id(s.item).to_owned(),
                kind: kind(s.item),
                title: render::title(g, s.item).to_owned(),
                provider: item_provider(g, s.item).map(str::to_owned),
                cost: crate::analysis::career_map::schedule::step_cost(g, s.item),
                system: s.system,
                hours: s.hours,
                duplicative: s.duplicative,
                unavoidable: s.unavoidable,
                covered_by: s
                    .covered_by
                    .iter()
                    .map(|c| match c {
                        Source::Item(i) => g.item_id(*i).to_owned(),
                        Source::PriorLearning => "prior_learning".to_owned(),
                    })
                    .collect(),
                alternatives: s.alternatives.iter().map(|&i| g.item_id(i).to_owned()).collect(),
            })
            .collect(),
        credentials_earned: p.credentials_earned.iter().map(cid).collect(),
        reaches: p.reaches.iter().map(cid).collect(),
        skipped: p
            .skipped
            .iter()
            .map(|s| SkipOut {
                id: g.item_id(s.item).to_owned(),
                kind: kind(s.item),
                title: render::title(g, s.item).to_owned(),
                reason: s.reason.as_str(),
                from: match (s.reason, s.via) {
                    (_, Some((i, _))) => Some(g.item_id(i).to_owned()),
                    (engine::SkipReason::PriorLearning, None) => Some("prior_learning".to_owned()),
                    _ => None,
                },
                articulated_by: s.via.map(|(i, _)| g.item_id(i).to_owned()),
                articulation: s.via.map(|(_, a)| g.articulation(a).id.0.clone()),
            })
            .collect(),
        exits: p.exits.iter().map(|e| exit_out(g, e)).collect(),
        terms: p
            .terms
            .iter()
            .map(|t| TermOut {
                term: t.term,
                stage: t.stage.clone(),
                steps: t.steps.iter().map(|&i| g.item_id(i).to_owned()).collect(),
                hours: t.hours,
            })
            .collect(),
        weeks: p.weeks,
        total_cost: p.total_cost,
        cost_complete: p.cost_complete,
        funding: p
            .funding
            .iter()
            .map(|&(f, amount)| FundingOut {
                source: g.funding(f).id.0.clone(),
                name: g.funding(f).name.clone(),
                amount,
            })
            .collect(),
        net_cost: p.net_cost,
        optimal: p.optimal,
        lower_bound: p.lower_bound,
    }
}

/// The JSON answer of a career map computed on graph `g`, with the basis of its
/// `high_demand` flags.
pub fn response(g: &CatalogGraph, map: &CareerMap, basis: Option<HighDemandBasisOut>) -> CareerMapResponse {
    let via_credential = match map.target {
        engine::Target::Credential(c) => Some(c),
        engine::Target::Occupation(_) => None,
    };
    let (kind, id, title) = match map.target {
        engine::Target::Occupation(o) => (
            "occupation",
            g.occupation(o).soc.0.clone(),
            g.occupation(o).title.clone(),
        ),
        engine::Target::Credential(c) => (
            "credential",
            g.credential(c).id.0.clone(),
            g.credential(c).title.clone(),
        ),
    };
    CareerMapResponse {
        target: TargetOut {
            kind,
            id,
            title,
            high_demand: map.high_demand,
            occupations: map
                .destination
                .iter()
                .map(|d| occupation_out(g, d, via_credential))
                .collect(),
        },
        entry: map.entry,
        region: map.region.clone(),
        optimize: map.optimize.into(),
        paths: map.paths.iter().map(|p| path_out(g, p, map.high_demand)).collect(),
        reason: map.reason.clone(),
        search: SearchOut {
            universe: map.stats.universe,
            expanded: map.stats.expanded,
            capped: map.stats.capped,
        },
        high_demand_basis: basis,
    }
}

/// Region of the demand figures.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RegionQuery {
    /// `US` (default), a state code...; national figures are used where the region has none.
    #[param(max_length = 32, pattern = "\\S")]
    pub region: Option<String>,
}

/// One rung of a credential ladder.
#[derive(Debug, Serialize, ToSchema)]
pub struct RungOut {
    pub credential: String,
    pub title: String,
    pub kind: crate::domain::CredentialKind,
    pub level: u32,
    /// An entry credential of the occupation (top of the ladder).
    pub entry: bool,
    /// Ladder credentials this one stacks into or counts toward.
    pub leads_to: Vec<String>,
    /// Occupations this rung qualifies for, with demand.
    pub occupations: Vec<OccupationOut>,
}

/// The credential ladder of an occupation.
#[derive(Debug, Serialize, ToSchema)]
pub struct LadderOut {
    pub occupation: OccupationOut,
    pub region: String,
    /// Lowest level first.
    pub rungs: Vec<RungOut>,
}
