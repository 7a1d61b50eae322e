//! The career-map engine: the k best distinct minimal stackable-credential plans from where a
//! learner stands to a target occupation or credential.
//!
//! # Semantics (DESIGN.md, "Semantics that every part must agree on")
//!
//! - A **course is satisfied** when the learner completed it, when the plan takes it (after its
//!   prerequisite groups hold), or when something satisfied fully articulates into it (an
//!   articulation granting fewer credits than the course carries does not). Articulations
//!   chain: a dual-enrollment course taken in the plan waives the college course later in the
//!   same plan. A waived course needs no prerequisites and may belong to a system the entry
//!   point cannot take. A **credential is earned** when all its requirement groups hold.
//!   A credential that lists no requirement groups cannot be earned by a plan (its requirements
//!   are unknown), only held. Satisfaction is the *least* fixpoint, so a credential never justifies itself through a
//!   prior-learning articulation into one of its own courses (the seed's `lpn` and `comptia-*`
//!   loops).
//! - **Entry points**: `secondary` may take every system, `adult` not secondary courses,
//!   `postsecondary` only postsecondary and work-based ones.
//! - A **plan** is a set of courses to take; it is *feasible* when the courses can be taken in
//!   some order with prerequisites first, and *minimal* when no course can be dropped with the
//!   target still earned. For monotone requirements, "no single course can be dropped" equals
//!   "no proper subset works", so minimality is checked one course at a time.
//! - **Step order** is a fixed rule, the order a learner follows: repeatedly take, among the
//!   courses whose prerequisites hold, the one of the earliest system (secondary, adult,
//!   postsecondary, work-based), then the one with the shortest chain of plan courses it needs as
//!   prerequisites (introductions before a capstone), then the one with the longest chain of
//!   plan courses waiting on it (a course others need first), then
//!   the one teaching fewer competencies (a narrow course before the broad one that would repeat
//!   it), then by id. A credential step follows the course that
//!   completes it.
//! - A course step is **duplicative** when it teaches at least one competency and every
//!   competency it teaches is already held before it: from prior learning, completed courses,
//!   held credentials (what they certify, and the courses of their all-of groups), or earlier
//!   steps, waived courses and credentials of the plan. A course listing no competencies is never
//!   duplicative (we cannot tell). `covered_by` names the first source of each competency.
//! - **Ranking** is lexicographic: the objective first (`duplication`, the default:
//!   duplicative hours; `hours`: total hours; `postsecondary_hours`: postsecondary and
//!   work-based hours; `cost`: net cost after braided funding with unknown costs as 0, then
//!   the number of steps of unknown cost; `weeks`: weeks to finish), then duplicative hours,
//!   then total hours, then the number of courses, then the higher **exit value** (the sum,
//!   over the credentials the plan earns, of the best median wage among the occupations each
//!   qualifies for in the region), then course ids.
//!
//! # Algorithm
//!
//! Best-first (A*-style) search over partial AND/OR plans, see [`search`]. Exact: plans come
//! out in order of their true cost. A request that needs more than `max_expansions` search
//! nodes is answered with the plans found by then (each marked `optimal: false` unless it was
//! proven before the cap) and a proven lower bound on the objective, instead of tying up a
//! worker; plans alike but for interchangeable courses are one plan with `alternatives`.
//!
//! # Example
//!
//! ```
//! use careermap::analysis::career_map::*;
//! use careermap::analysis::demand::DemandIndex;
//! use careermap::graph::CatalogGraph;
//! let bundle = careermap::domain::Bundle::from_json(careermap::service::SEED.as_bytes()).unwrap();
//! let graph = CatalogGraph::build(1, bundle);
//! let demand = DemandIndex::build(&graph);
//! let ctx = MapContext::with_default_policy(&graph, &demand);
//! let req = MapRequest {
//!     target: Target::Occupation(graph.occupation_ix("29-1141").unwrap()),
//!     entry: EntryPoint::Adult,
//!     region: "US".into(),
//!     k: 2,
//!     optimize: Objective::Hours,
//!     learner: Learner { credentials: vec![graph.credential_ix("cna").unwrap()], ..Default::default() },
//! };
//! let map = career_map(&ctx, &req, &Limits::default());
//! assert!(!map.paths.is_empty());
//! assert!(map.paths[0].credentials_earned.contains(&graph.credential_ix("adn-rn").unwrap()));
//! ```

mod explain;
pub mod ladder;
pub mod learner;
mod model;
mod plan;
pub mod schedule;
pub mod search;
pub mod sweep;

use crate::analysis::demand::{DemandIndex, HighDemandPolicy, OccupationDemand};
use crate::domain::{ArticulationKind, System};
pub use crate::domain::{EntryPoint, TermDefaults};
use crate::graph::{
    ArticulationIx, AssessmentIx, CatalogGraph, CompetencyIx, CourseIx, CredentialIx, FundingIx, Item, OccupationIx,
};

/// What the map leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Occupation(OccupationIx),
    Credential(CredentialIx),
}

/// What "shortest" means: the measure plans are ranked by first (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Objective {
    /// Duplicative hours first, then total new hours: plans that repeat least.
    #[default]
    Duplication,
    /// Total new hours.
    Hours,
    /// Hours in postsecondary and work-based steps (ties broken by total hours).
    PostsecondaryHours,
    /// Net cost to the learner after braided funding (`net_cost`), unknown costs counted as 0;
    /// at equal net cost, fewer steps of unknown cost first, then total hours.
    Cost,
    /// Weeks to finish (`weeks`: terms times the term length), ties broken by total hours.
    Weeks,
}

/// Where the learner stands.
#[derive(Debug, Clone, Default)]
pub struct Learner {
    pub completed: Vec<CourseIx>,
    pub credentials: Vec<CredentialIx>,
    /// Competencies demonstrated by prior learning.
    pub competencies: Vec<CompetencyIx>,
    /// Assessment results held, with the score where one was reported.
    pub assessments: Vec<(AssessmentIx, Option<f64>)>,
    /// Eligibility flags matched against funding sources' `eligibility`.
    pub eligibility: Vec<String>,
    /// Hours per term (the term defaults' when absent).
    pub hours_per_term: Option<f64>,
    /// Hours per term and term length for this learner's entry point, from the settings
    /// (`CAREERMAP_*_HOURS_PER_TERM`, `..._WEEKS_PER_TERM`); absent: the domain defaults,
    /// [`EntryPoint::term_defaults`].
    pub term_defaults: Option<TermDefaults>,
}

/// One career-map question.
#[derive(Debug, Clone)]
pub struct MapRequest {
    pub target: Target,
    pub entry: EntryPoint,
    pub region: String,
    /// How many plans (at most).
    pub k: usize,
    pub optimize: Objective,
    pub learner: Learner,
}

impl MapRequest {
    /// The API's default question for `target` from `entry`: national figures, 3 plans, least
    /// repetition then fewest hours, a learner who holds nothing yet (the benchmark and the
    /// examples ask this).
    pub fn with_defaults(target: Target, entry: EntryPoint) -> Self {
        MapRequest {
            target,
            entry,
            region: "US".into(),
            k: 3,
            optimize: Objective::Duplication,
            learner: Learner::default(),
        }
    }
}

/// Bounds on the work one request may do. The default, 50,000 expanded nodes, is about 0.2 s
/// of one core on the state-scale synthetic catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Search nodes expanded before the search stops and answers with the plans it has
    /// (`CAREERMAP_MAP_MAX_EXPANSIONS`); it may then spend a tenth of that completing plans.
    pub max_expansions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_expansions: 50_000 }
    }
}

/// The read-only inputs of the engine.
pub struct MapContext<'a> {
    pub graph: &'a CatalogGraph,
    pub demand: &'a DemandIndex,
    pub policy: &'a HighDemandPolicy,
}

impl<'a> MapContext<'a> {
    /// The context of a graph and its demand index under the default high-demand rule
    /// ([`HighDemandPolicy::DEFAULT`]): what benches, examples and tests map with.
    pub fn with_default_policy(graph: &'a CatalogGraph, demand: &'a DemandIndex) -> Self {
        MapContext {
            graph,
            demand,
            policy: &HighDemandPolicy::DEFAULT,
        }
    }
}

/// Who already taught a competency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Item(Item),
    PriorLearning,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub item: Item,
    /// The course's system; for a credential, the system of the course that completes it.
    pub system: System,
    pub hours: f64,
    pub duplicative: bool,
    pub covered_by: Vec<Source>,
    /// Duplicative, and no choice avoids it: every plan takes the course (nothing can waive
    /// it for this learner) and it repeats what the learner knows wherever it falls.
    pub unavoidable: bool,
    /// Interchangeable courses of equal hours and cost another plan of the same rank takes
    /// instead (see `search::alike`).
    pub alternatives: Vec<Item>,
}

/// Why a listed item need not be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    Completed,
    /// Credit by an articulation agreement (statewide, credit by exam, co-enrollment).
    Articulated,
    /// College credit for a high-school course (a `dual_enrollment` articulation).
    DualEnrollment,
    PriorLearning,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Completed => "completed",
            SkipReason::Articulated => "articulated",
            SkipReason::DualEnrollment => "dual_enrollment",
            SkipReason::PriorLearning => "prior_learning",
        }
    }
}

/// Something the plan's requirements list that the learner does not need to take.
#[derive(Debug, Clone, PartialEq)]
pub struct Skip {
    pub item: Item,
    pub reason: SkipReason,
    /// The item and agreement that waived it (articulated and prior-learning skips).
    pub via: Option<(Item, ArticulationIx)>,
}

/// A credential earned on the way, with the occupations it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Exit {
    pub credential: CredentialIx,
    pub occupations: Vec<OccupationDemand>,
}

/// How two items of a map relate (for pictures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `from` is in a prerequisite group of course `to`.
    Prerequisite,
    /// `from` is in a requirement group of credential `to`.
    Requirement,
    /// `from` waives course `to`.
    Articulation(ArticulationIx),
}

/// An edge of a map picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub from: Item,
    pub to: Item,
    pub kind: LinkKind,
}

/// The comparable part of a plan's cost, compared field by field in this order: the
/// objective, then duplicative hours, then total hours, then steps (exit value and course ids
/// break the remaining ties). Hours in hundredths; `objective` is hundredths of an hour
/// (`duplication`: duplicative hours; `hours`, `postsecondary_hours`), cents of net cost
/// (`cost`) or hundredths of a week (`weeks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Cost {
    pub objective: u64,
    /// Steps whose cost is unknown (counted by the `cost` objective only, else 0): part of
    /// that objective, a plan whose price is known first.
    pub unknown_costs: u32,
    pub duplicative: u64,
    /// Total hours (0 for the `hours` objective, whose objective they are).
    pub tie_hours: u64,
    pub courses: u32,
}

/// Hours as hundredths, for exact comparisons.
pub fn centi(hours: f64) -> u64 {
    (hours * 100.0).round().max(0.0) as u64
}

/// One term of a plan (see [`schedule`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Numbered from 1.
    pub term: usize,
    /// The system of the term's courses (`secondary`, `adult`, `postsecondary`, `work_based`).
    pub stage: String,
    pub steps: Vec<Item>,
    pub hours: f64,
}

/// One plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub rank: usize,
    pub total_hours: f64,
    pub duplicative_hours: f64,
    pub postsecondary_hours: f64,
    pub cost: Cost,
    pub exit_value: f64,
    /// Courses and credentials in the order to follow.
    pub steps: Vec<Step>,
    /// Credentials the plan earns, in order.
    pub credentials_earned: Vec<CredentialIx>,
    /// The target credentials (entry credentials of the occupation) the plan earns.
    pub reaches: Vec<CredentialIx>,
    pub skipped: Vec<Skip>,
    pub exits: Vec<Exit>,
    pub links: Vec<Link>,
    /// The course set (sorted), the plan's identity.
    pub courses: Vec<CourseIx>,
    /// The steps by term.
    pub terms: Vec<Term>,
    /// Terms times the entry point's term length.
    pub weeks: f64,
    /// Sum of the known costs of the course and assessment steps, dollars.
    pub total_cost: f64,
    /// False when some step's cost is unknown.
    pub cost_complete: bool,
    /// Braided funding: (source, amount).
    pub funding: Vec<(FundingIx, f64)>,
    /// `total_cost` less funding.
    pub net_cost: f64,
    /// False when the search reached its cap before proving this is the plan of its rank.
    pub optimal: bool,
    /// For a plan that is not `optimal`: a proven lower bound of the objective (hours,
    /// dollars or weeks; duplicative hours for `duplication`) of every plan the search did
    /// not prove.
    pub lower_bound: Option<f64>,
}

/// Search effort, for logs and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SearchStats {
    pub universe: usize,
    pub expanded: usize,
    pub generated: usize,
    pub complete: usize,
    /// The search reached `max_expansions`.
    pub capped: bool,
}

/// The answer to a [`MapRequest`].
#[derive(Debug, Clone)]
pub struct CareerMap {
    pub target: Target,
    /// Demand of the destination occupation(s): the target occupation, or the occupations the
    /// target credential qualifies for.
    pub destination: Vec<OccupationDemand>,
    /// Whether any destination occupation is high demand.
    pub high_demand: bool,
    pub entry: EntryPoint,
    pub region: String,
    pub optimize: Objective,
    pub paths: Vec<Plan>,
    /// Why there is no path (when `paths` is empty).
    pub reason: Option<String>,
    pub stats: SearchStats,
}

/// The skip reason an articulation kind gives.
fn skip_reason(kind: ArticulationKind) -> SkipReason {
    match kind {
        ArticulationKind::PriorLearning => SkipReason::PriorLearning,
        ArticulationKind::DualEnrollment => SkipReason::DualEnrollment,
        ArticulationKind::StatewideAgreement | ArticulationKind::CreditByExam | ArticulationKind::CoEnrollment => {
            SkipReason::Articulated
        }
    }
}

/// Answers a career-map request: the `k` best distinct minimal plans (see the module docs).
///
/// # Arguments
/// - `ctx`: the graph, its demand index and the high-demand policy;
/// - `req`: target, entry point, region, `k`, objective and learner;
/// - `limits`: the search budget.
///
/// # Returns
/// A [`CareerMap`]: plans ranked 1..=k (fewer when fewer exist); none and a `reason` when the
/// target is out of reach; one empty plan when the learner already qualifies.
///
/// # Complexity
/// Building the request's universe is O(U + E) for the U items and E edges around the target.
/// The search is exponential in the worst case (the problem is NP-hard: set cover reduces to
/// it) and bounded by `limits.max_expansions` nodes, each costing O(U + E) for its closure and
/// bound; real catalogs need a few hundred nodes per target.
pub fn career_map(ctx: &MapContext<'_>, req: &MapRequest, limits: &Limits) -> CareerMap {
    let g = ctx.graph;
    let (targets, destination): (Vec<CredentialIx>, Vec<OccupationIx>) = match req.target {
        Target::Occupation(o) => (g.entry_credentials(o).to_vec(), vec![o]),
        Target::Credential(c) => (vec![c], g.qualifies_for(c).to_vec()),
    };
    let destination: Vec<OccupationDemand> = destination
        .iter()
        .map(|&o| ctx.demand.occupation(g, o, &req.region, ctx.policy))
        .collect();
    let high_demand = destination.iter().any(|d| d.high_demand);
    let mut map = CareerMap {
        target: req.target,
        destination,
        high_demand,
        entry: req.entry,
        region: req.region.clone(),
        optimize: req.optimize,
        paths: vec![],
        reason: None,
        stats: SearchStats::default(),
    };
    if targets.is_empty() {
        if let Target::Occupation(o) = req.target {
            let occ = g.occupation(o);
            map.reason = Some(if occ.covers.is_empty() {
                format!(
                    "no credential leads to occupation {} ({}): it lists no entry credentials",
                    occ.soc, occ.title
                )
            } else {
                let covers: Vec<&str> = occ.covers.iter().map(|c| c.as_str()).collect();
                format!(
                    "no credential leads to occupation {} ({}): neither it nor the occupations it covers ({}) list entry credentials",
                    occ.soc,
                    occ.title,
                    covers.join(", ")
                )
            });
        }
        return map;
    }
    let model = model::Model::build(g, &targets, req.entry, &req.learner);
    map.stats.universe = model.len();
    let ev = plan::Evaluator::new(ctx, &model, &req.learner, &req.region, req.optimize);
    if ev.initial_sat.get(0) {
        map.paths.push(ev.already_qualified(&targets));
        return map;
    }
    let possible = model.closure(&model.takeable);
    if !possible.get(0) {
        map.reason = Some(explain::why_unreachable(&model, &possible, req.target));
        return map;
    }
    let out = search::search(&model, &ev, &possible, req.k, limits.max_expansions);
    map.stats = SearchStats {
        universe: model.len(),
        capped: out.capped.is_some(),
        ..out.stats
    };
    map.paths = out
        .found
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let mut p = ev.plan(i + 1, &f);
            for s in p.steps.iter_mut().filter(|s| s.duplicative) {
                s.unavoidable = model.index.get(&s.item).is_some_and(|&l| out.unavoidable.get(l));
            }
            if !f.proven
                && let Some(lb) = out.capped
            {
                p.optimal = false;
                p.lower_bound = Some(lb.objective as f64 / 100.0);
            }
            p
        })
        .collect();
    if map.paths.is_empty() {
        map.reason = Some(match out.capped {
            Some(_) => format!(
                "the search reached its cap ({} expansions, CAREERMAP_MAP_MAX_EXPANSIONS) before completing a plan",
                limits.max_expansions
            ),
            None => "no minimal plan was found".into(),
        });
    }
    map
}
