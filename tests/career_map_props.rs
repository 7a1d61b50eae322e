//! Property tests: on random small catalogs the career-map engine agrees with a brute-force
//! oracle that tries every set of courses and assessments (exams a credential requires, with
//! a fee; credit by exam with a `min_score` against the learner's held scores).
//!
//! The oracle is written from DESIGN.md's semantics over the plain bundle (string ids, no
//! graph): satisfaction as a least fixpoint, minimality by dropping one course at a time, the
//! documented step order, duplicative steps, and the ranking rule (docs/career-maps.md,
//! "Ranking": the objective first, then duplicative hours, total hours, steps, exit value),
//! for all five objectives. Plans alike but for interchangeable courses are one plan (the one
//! of the smallest ids, the others' courses as `alternatives`), read here from the bundle on
//! its own. It checks that the engine's plans have the same best cost, the same ordered costs
//! of the k best distinct plans, that every plan is a minimal, feasible plan in the order
//! given, with the alternatives the oracle finds, that every credit a plan uses is in
//! `skipped`, and that answers without plans are right (already qualified, or unreachable with
//! a reason).

use careermap::analysis::career_map::*;
use careermap::analysis::demand::DemandIndex;
use careermap::domain::*;
use careermap::graph::{CatalogGraph, Item};
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};

const SYSTEMS: [System; 4] = [
    System::Secondary,
    System::Adult,
    System::Postsecondary,
    System::WorkBased,
];

/// A course: system, hours, credits, competencies, prerequisite group (choose, from).
type CourseSpec = (usize, u32, u32, Vec<usize>, Option<(u32, Vec<usize>)>);

/// Random numbers a catalog is built from.
#[derive(Debug, Clone)]
struct Spec {
    courses: Vec<CourseSpec>,
    credentials: Vec<Vec<(bool, u32, Vec<usize>)>>,
    cred_comps: Vec<Vec<usize>>,
    articulations: Vec<(usize, usize, bool, usize)>,
    entry_creds: Vec<usize>,
    wages: Vec<u32>,
    completed: Vec<usize>,
    held: Vec<usize>,
    prior: Vec<usize>,
    entry: usize,
    /// 0 hours, 1 postsecondary hours, 2 cost, 3 weeks, 4 duplication.
    objective: usize,
    k: usize,
    target_credential: Option<usize>,
    exams: Exams,
    money: Money,
}

/// Costs and braided funding: each course's cost (unknown when `None`), the funding sources,
/// the learner's eligibility flags (bit 0 `low_income`, bit 1 `under_24`) and hours per term.
#[derive(Debug, Clone)]
struct Money {
    costs: Vec<Option<u32>>,
    funding: Vec<FundSpec>,
    eligibility: u8,
    hours_per_term: Option<u32>,
}

/// A funding source: share (quarters), cap, eligibility flags, systems covered (bit mask over
/// `SYSTEMS`, 0 for all), kinds (0 both, 1 courses, 2 assessments), credit-bearing only.
type FundSpec = (u32, Option<u32>, u8, u8, u8, bool);

const FLAGS: [&str; 2] = ["low_income", "under_24"];

fn flags(mask: u8) -> Vec<String> {
    (0..FLAGS.len())
        .filter(|i| mask >> i & 1 == 1)
        .map(|i| FLAGS[i].to_owned())
        .collect()
}

/// Assessments: hours of each exam (0-2 exams), the exam each credential requires (if any),
/// an articulation from an exam into a course with an optional `min_score`, the learner's
/// held results.
#[derive(Debug, Clone)]
struct Exams {
    hours: Vec<u32>,
    required_by: Vec<Option<usize>>,
    articulation: Option<(usize, usize, Option<u32>)>,
    held: Vec<(usize, Option<u32>)>,
}

const N_COMPS: usize = 6;

fn spec() -> impl Strategy<Value = Spec> {
    let course = (
        prop::sample::select(vec![0usize, 1, 2, 2, 2, 3]),
        prop::sample::select(vec![10u32, 20, 30, 45]),
        0..4u32,
        prop::collection::vec(0..N_COMPS, 0..=3),
        prop::option::weighted(0.35, (1..=2u32, prop::collection::vec(0..12usize, 1..=3))),
    );
    let group = (
        prop::bool::weighted(0.3),
        1..=3u32,
        prop::collection::vec(0..16usize, 1..=5),
    );
    (
        prop::collection::vec(course, 3..=12),
        prop::collection::vec(prop::collection::vec(group, 1..=2), 1..=4),
        prop::collection::vec(prop::collection::vec(0..N_COMPS, 0..=2), 4),
        prop::collection::vec((0..16usize, 0..12usize, prop::bool::weighted(0.7), 0..5usize), 0..=4),
        prop::collection::vec(0..4usize, 1..=2),
        prop::collection::vec(prop::sample::select(vec![30_000u32, 45_000, 60_000, 90_000]), 4),
        prop::collection::vec(0..12usize, 0..=2),
        prop::option::weighted(0.2, 0..4usize).prop_map(|o| o.into_iter().collect::<Vec<_>>()),
        prop::collection::vec(0..N_COMPS, 0..=3),
        (0..3usize, 0..5usize, 1..=4usize, prop::option::weighted(0.3, 0..4usize)),
        (
            prop::collection::vec(prop::sample::select(vec![2u32, 5, 30]), 0..=2),
            prop::collection::vec(prop::option::weighted(0.5, 0..2usize), 4),
            prop::option::weighted(0.6, (0..2usize, 0..12usize, prop::option::weighted(0.8, 1..=5u32))),
            prop::collection::vec((0..2usize, prop::option::weighted(0.8, 1..=5u32)), 0..=1),
        )
            .prop_map(|(hours, required_by, articulation, held)| Exams {
                hours,
                required_by,
                articulation,
                held,
            }),
        (
            prop::collection::vec(
                prop::option::weighted(0.8, prop::sample::select(vec![0u32, 60, 150, 400])),
                12,
            ),
            prop::collection::vec(
                (
                    1..=4u32,
                    prop::option::weighted(0.4, prop::sample::select(vec![50u32, 200])),
                    0..4u8,
                    prop::sample::select(vec![0u8, 0, 4, 12, 3]),
                    0..3u8,
                    prop::bool::weighted(0.3),
                ),
                0..=3,
            ),
            0..4u8,
            prop::option::weighted(0.5, prop::sample::select(vec![30u32, 60])),
        )
            .prop_map(|(costs, funding, eligibility, hours_per_term)| Money {
                costs,
                funding,
                eligibility,
                hours_per_term,
            }),
    )
        .prop_map(
            |(
                courses,
                credentials,
                cred_comps,
                articulations,
                entry_creds,
                wages,
                completed,
                held,
                prior,
                (entry, objective, k, tc),
                exams,
                money,
            )| Spec {
                courses,
                credentials,
                cred_comps,
                articulations,
                entry_creds,
                wages,
                completed,
                held,
                prior,
                entry,
                objective,
                k,
                target_credential: tc,
                exams,
                money,
            },
        )
}

fn cid(i: usize) -> String {
    format!("c{i:02}")
}
fn kid(i: usize) -> String {
    format!("k{i}")
}
fn eid(i: usize) -> String {
    format!("e{i}")
}

/// Builds a valid bundle from a spec (invalid groups are repaired, not rejected).
fn build(s: &Spec) -> Bundle {
    let nc = s.courses.len();
    let nk = s.credentials.len();
    let courses: Vec<Course> = s
        .courses
        .iter()
        .enumerate()
        .map(|(i, (sys, hours, credits, comps, pre))| {
            let mut prerequisites = vec![];
            if let Some((n, from)) = pre {
                // Earlier courses only: no cycles.
                let from: BTreeSet<usize> = from.iter().filter(|&&x| x < i).copied().collect();
                if !from.is_empty() {
                    prerequisites.push(RequirementGroup::Choose {
                        choose: (*n).min(from.len() as u32),
                        from: from.iter().map(|&x| ItemId(cid(x))).collect(),
                    });
                }
            }
            Course {
                id: CourseId(cid(i)),
                title: format!("Course {i}"),
                system: SYSTEMS[*sys],
                provider: None,
                hours: *hours as f64,
                credits: *credits as f64,
                competencies: comps
                    .iter()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .map(|&c| CompetencyId(format!("p{c}")))
                    .collect(),
                prerequisites,
                codes: Codes::default(),
                cost: s.money.costs[i].map(f64::from),
                // Some courses grant credit for prior learning; some work-based units are open
                // to high-school seniors and adults only (a pre-apprenticeship).
                prior_learning_credit: *hours == 20,
                eligible_entries: if SYSTEMS[*sys] == System::WorkBased && *hours == 45 {
                    vec![EntryPoint::Secondary, EntryPoint::Adult]
                } else {
                    vec![]
                },
                ..Default::default()
            }
        })
        .collect();
    let credentials: Vec<Credential> = s
        .credentials
        .iter()
        .enumerate()
        .map(|(j, groups)| {
            let requires = groups
                .iter()
                .filter_map(|(credits, n, from)| {
                    // Members: courses, or earlier credentials (no cycles).
                    let from: BTreeSet<String> = from
                        .iter()
                        .filter_map(|&x| {
                            if x < nc {
                                Some(cid(x))
                            } else if x - nc < j && !credits {
                                Some(kid(x - nc))
                            } else {
                                None
                            }
                        })
                        .collect();
                    if from.is_empty() {
                        return None;
                    }
                    let from_ids: Vec<ItemId> = from.iter().map(|x| ItemId(x.clone())).collect();
                    if *credits {
                        let total: f64 = from_ids
                            .iter()
                            .map(|x| courses.iter().find(|c| c.id.0 == x.0).unwrap().credits)
                            .sum();
                        if total <= 0.0 {
                            return None;
                        }
                        Some(RequirementGroup::MinCredits {
                            min_credits: (*n as f64).min(total),
                            from: from_ids,
                        })
                    } else {
                        Some(RequirementGroup::Choose {
                            choose: (*n).min(from_ids.len() as u32),
                            from: from_ids,
                        })
                    }
                })
                .collect();
            let mut requires: Vec<RequirementGroup> = requires;
            // The exam a credential requires (a licence's board exam), listed first so that the
            // engine must still order it after the program.
            if let Some(x) = s.exams.required_by[j].filter(|&x| x < s.exams.hours.len()) {
                requires.insert(
                    0,
                    RequirementGroup::Choose {
                        choose: 1,
                        from: vec![ItemId(eid(x))],
                    },
                );
            }
            Credential {
                id: CredentialId(kid(j)),
                title: format!("Credential {j}"),
                // The first credential of a catalog is a diploma, the second an equivalency,
                // so the entry points' credential rules are exercised.
                kind: match j {
                    0 => CredentialKind::Diploma,
                    1 => CredentialKind::Hse,
                    _ => CredentialKind::Certificate,
                },
                level: 1,
                requires,
                competencies: s.cred_comps[j]
                    .iter()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .map(|&c| CompetencyId(format!("p{c}")))
                    .collect(),
                stacks_into: vec![],
                codes: Codes::default(),
                ctid: None,
                provider: None,
                ..Default::default()
            }
        })
        .collect();
    let mut articulations = vec![];
    let mut seen = HashSet::new();
    for (a, (from, to, full, kind)) in s.articulations.iter().enumerate() {
        let to = to % nc;
        let from = if *from < nc { cid(*from) } else { kid((*from - nc) % nk) };
        if from == cid(to) || !seen.insert((from.clone(), to)) {
            continue;
        }
        let credits = courses[to].credits;
        articulations.push(Articulation {
            id: ArticulationId(format!("a{a}")),
            from: ItemId(from),
            to: CourseId(cid(to)),
            credits: if *full { credits } else { (credits - 1.0).max(0.0) },
            kind: [
                ArticulationKind::DualEnrollment,
                ArticulationKind::StatewideAgreement,
                ArticulationKind::CreditByExam,
                ArticulationKind::PriorLearning,
                ArticulationKind::CoEnrollment,
            ][*kind],
            source: None,
            start_date: None,
            end_date: None,
            ..Default::default()
        });
    }
    let n_ex = s.exams.hours.len();
    if let Some((x, to, min)) = s.exams.articulation
        && x < n_ex
    {
        let to = to % nc;
        articulations.push(Articulation {
            id: ArticulationId("a.exam".into()),
            from: ItemId(eid(x)),
            to: CourseId(cid(to)),
            credits: courses[to].credits,
            kind: ArticulationKind::CreditByExam,
            min_score: min.map(|m| m as f64),
            ..Default::default()
        });
    }
    let assessments: Vec<Assessment> = s
        .exams
        .hours
        .iter()
        .enumerate()
        .map(|(x, &h)| Assessment {
            id: AssessmentId(eid(x)),
            title: format!("Exam {x}"),
            hours: h as f64,
            cost: Some(100.0 * (x + 1) as f64),
            max_score: Some(5.0),
            ..Default::default()
        })
        .collect();
    let funding: Vec<Funding> = s
        .money
        .funding
        .iter()
        .enumerate()
        .map(|(i, &(quarters, cap, elig, systems, kinds, credit_only))| Funding {
            id: FundingId(format!("f{i}")),
            name: format!("Fund {i}"),
            eligibility: flags(elig),
            covers: FundingCovers {
                systems: (0..SYSTEMS.len())
                    .filter(|j| systems >> j & 1 == 1)
                    .map(|j| SYSTEMS[j])
                    .collect(),
                kinds: match kinds {
                    1 => vec![StepKind::Course],
                    2 => vec![StepKind::Assessment],
                    _ => vec![],
                },
                credit_bearing_only: credit_only,
                providers: vec![],
            },
            share: quarters as f64 / 4.0,
            cap: cap.map(f64::from),
            ..Default::default()
        })
        .collect();
    let entry: BTreeSet<usize> = s.entry_creds.iter().map(|&x| x % nk).collect();
    let occupations = (0..2)
        .map(|o| Occupation {
            soc: SocCode(format!("11-100{o}")),
            title: format!("Occupation {o}"),
            job_zone: None,
            competencies: vec![],
            entry_credentials: if o == 0 {
                entry.iter().map(|&x| CredentialId(kid(x))).collect()
            } else {
                vec![CredentialId(kid(nk - 1))]
            },
            demand: vec![Demand {
                region: "US".into(),
                employment: None,
                projected_employment: None,
                growth_pct: None,
                annual_openings: Some(1000.0),
                median_wage: Some(s.wages[o] as f64),
                typical_entry_education: None,
                ..Default::default()
            }],
            cluster: None,
            ..Default::default()
        })
        .collect();
    let mut b = Bundle {
        competencies: (0..N_COMPS)
            .map(|c| Competency {
                id: CompetencyId(format!("p{c}")),
                name: format!("Competency {c}"),
                tier: 4,
                framework: None,
                parent: None,
                description: None,
                ..Default::default()
            })
            .collect(),
        courses,
        credentials,
        occupations,
        articulations,
        assessments,
        funding,
        ..Default::default()
    };
    b.canonicalize();
    b
}

// ---- the oracle ---------------------------------------------------------------------------

struct Oracle<'a> {
    b: &'a Bundle,
    entry: EntryPoint,
    completed: HashSet<String>,
    held: HashSet<String>,
    prior: HashSet<String>,
    /// Held assessment results (id -> score).
    scores: HashMap<String, Option<f64>>,
    goal: Vec<String>,
    /// The learner's eligibility flags, hours per term and the entry point's term length.
    eligibility: Vec<String>,
    hours_per_term: f64,
    weeks_per_term: f64,
}

/// A reported step: id, whether a unit (course or exam) or a credential, its system (an exam's
/// and a credential's: the stage it falls in), hours.
type OStep = (String, bool, System, f64);

/// What a plan costs and takes: (total cost, cost complete, net cost, unknown-cost steps, terms).
type Money4 = (f64, bool, f64, u32, usize);

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn groups_hold(groups: &[RequirementGroup], sat: &HashSet<String>, b: &Bundle) -> bool {
    groups.iter().all(|g| {
        g.holds(
            |id| sat.contains(id.as_str()),
            |id| b.courses.iter().find(|c| c.id.0 == id.0).map_or(0.0, |c| c.credits),
        )
    })
}

/// (cost, exit value, step order) of one course set.
type Eval = (Cost, f64, Vec<String>);

impl Oracle<'_> {
    /// The entry points' table (CONTRACT.md), written out here independently of the engine.
    fn allowed(&self, c: &Course) -> bool {
        if !c.eligible_entries.is_empty() {
            return c.eligible_entries.contains(&self.entry);
        }
        match self.entry {
            EntryPoint::Secondary => c.system != System::Adult,
            EntryPoint::Adult => c.system != System::Secondary,
            EntryPoint::Postsecondary => matches!(c.system, System::Postsecondary | System::WorkBased),
        }
    }

    fn system_of(&self, id: &str) -> Option<System> {
        self.b.courses.iter().find(|c| c.id.0 == id).map(|c| c.system)
    }

    /// Whether an articulation counts for this entry point: college credit in high school only
    /// through dual enrollment.
    fn art_applies(&self, a: &Articulation, to: &Course) -> bool {
        !(self.entry == EntryPoint::Secondary
            && self.system_of(a.from.as_str()) == Some(System::Secondary)
            && to.system == System::Postsecondary
            && a.kind != ArticulationKind::DualEnrollment)
    }

    /// Credentials the learner starts with (held, or assumed by the entry point) and those
    /// earned at graduation.
    fn start(&self) -> HashSet<String> {
        let mut sat: HashSet<String> = self
            .completed
            .iter()
            .chain(&self.held)
            .chain(self.scores.keys())
            .cloned()
            .collect();
        for k in &self.b.credentials {
            let assumed = match self.entry {
                EntryPoint::Postsecondary => matches!(k.kind, CredentialKind::Diploma | CredentialKind::Hse),
                EntryPoint::Secondary => k.kind == CredentialKind::Diploma,
                EntryPoint::Adult => false,
            };
            if assumed {
                sat.insert(k.id.0.clone());
            }
        }
        sat
    }

    /// Least fixpoint of satisfaction with the courses `taken`.
    fn closure(&self, taken: &BTreeSet<String>) -> HashSet<String> {
        let b = self.b;
        let mut sat = self.start();
        loop {
            let mut changed = false;
            for c in &b.courses {
                if sat.contains(c.id.as_str()) {
                    continue;
                }
                let waived = b.articulations.iter().any(|a| {
                    a.to == c.id
                        && a.credits + 1e-9 >= c.credits
                        && self.art_applies(a, c)
                        && sat.contains(a.from.as_str())
                        && a.min_score.is_none_or(|m| {
                            self.scores
                                .get(a.from.as_str())
                                .is_some_and(|s| s.is_some_and(|v| v + 1e-9 >= m))
                        })
                });
                let took = taken.contains(c.id.as_str()) && groups_hold(&c.prerequisites, &sat, b);
                let prior = c.prior_learning_credit
                    && !c.competencies.is_empty()
                    && c.competencies.iter().all(|k| self.prior.contains(k.as_str()));
                if waived || took || prior {
                    sat.insert(c.id.0.clone());
                    changed = true;
                }
            }
            for e in &b.assessments {
                if !sat.contains(e.id.as_str()) && taken.contains(e.id.as_str()) {
                    sat.insert(e.id.0.clone());
                    changed = true;
                }
            }
            for k in &b.credentials {
                let closed = self.entry == EntryPoint::Secondary && k.kind == CredentialKind::Hse;
                if !closed
                    && !sat.contains(k.id.as_str())
                    && !k.requires.is_empty()
                    && groups_hold(&k.requires, &sat, b)
                {
                    sat.insert(k.id.0.clone());
                    changed = true;
                }
            }
            if !changed {
                return sat;
            }
        }
    }

    fn earns(&self, sat: &HashSet<String>) -> bool {
        self.goal.iter().any(|g| sat.contains(g))
    }

    fn comps_of(&self, id: &str) -> Vec<String> {
        if let Some(c) = self.b.courses.iter().find(|c| c.id.0 == id) {
            return c.competencies.iter().map(|x| x.0.clone()).collect();
        }
        if let Some(k) = self.b.credentials.iter().find(|c| c.id.0 == id) {
            return k.competencies.iter().map(|x| x.0.clone()).collect();
        }
        vec![]
    }

    fn value(&self, cred: &str) -> f64 {
        self.b
            .occupations
            .iter()
            .filter(|o| o.entry_credentials.iter().any(|c| c.0 == cred))
            .filter_map(|o| o.demand[0].median_wage)
            .fold(0.0, f64::max)
    }

    /// Walks a course set in the documented step order.
    fn simulate(&self, taken: &BTreeSet<String>, objective: Objective) -> Option<Eval> {
        let b = self.b;
        let empty = BTreeSet::new();
        let mut sat = self.closure(&empty);
        let mut held: HashSet<String> = self.prior.clone();
        for id in &sat {
            held.extend(self.comps_of(id));
        }
        for h in &self.held {
            let k = b.credentials.iter().find(|c| c.id.0 == *h).unwrap();
            for g in &k.requires {
                if let RequirementGroup::Choose { choose, from } = g
                    && *choose as usize == from.len()
                {
                    for x in from {
                        if b.courses.iter().any(|c| c.id.0 == x.0) {
                            held.extend(self.comps_of(&x.0));
                        }
                    }
                }
            }
        }
        // Items: (system, or None for an exam; competencies; index within its kind; id; hours;
        // is an exam).
        type It = (Option<System>, usize, usize, String, f64, bool);
        let mut remaining: Vec<It> = b
            .courses
            .iter()
            .enumerate()
            .filter(|(_, c)| taken.contains(c.id.as_str()))
            .map(|(i, c)| (Some(c.system), c.competencies.len(), i, c.id.0.clone(), c.hours, false))
            .chain(
                b.assessments
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| taken.contains(e.id.as_str()))
                    .map(|(i, e)| (None, e.competencies.len(), i, e.id.0.clone(), e.hours, true)),
            )
            .collect();
        // An exam waits for the other taken members of the groups of every credential that
        // lists it (the exam after its program).
        let after = |id: &str| -> Vec<String> {
            b.credentials
                .iter()
                .filter(|k| k.requires.iter().any(|g| g.from().iter().any(|x| x.0 == id)))
                .flat_map(|k| k.requires.iter().flat_map(|g| g.from().iter().map(|x| x.0.clone())))
                .filter(|x| x != id && taken.contains(x.as_str()))
                .collect()
        };
        // Depth and height: the longest chains of taken courses below (its prerequisites) and
        // above (courses listing it) each taken course.
        let mut height: HashMap<String, u32> = HashMap::new();
        let mut depth: HashMap<String, u32> = HashMap::new();
        for _ in 0..remaining.len() {
            let mut changed = false;
            for c in b.courses.iter().filter(|c| taken.contains(c.id.as_str())) {
                for x in c.prerequisites.iter().flat_map(|g| g.from()) {
                    let is_course = b.courses.iter().any(|y| y.id.0 == x.0);
                    if !is_course || !taken.contains(x.as_str()) {
                        continue;
                    }
                    let up = height.get(c.id.as_str()).copied().unwrap_or(0) + 1;
                    if height.get(x.as_str()).copied().unwrap_or(0) < up {
                        height.insert(x.0.clone(), up);
                        changed = true;
                    }
                    let down = depth.get(x.as_str()).copied().unwrap_or(0) + 1;
                    if depth.get(c.id.as_str()).copied().unwrap_or(0) < down {
                        depth.insert(c.id.0.clone(), down);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut stage = match self.entry {
            EntryPoint::Secondary => System::Secondary,
            EntryPoint::Adult => System::Adult,
            EntryPoint::Postsecondary => System::Postsecondary,
        };
        let mut so_far = BTreeSet::new();
        let mut cost = Cost::default();
        let mut value = 0.0;
        let mut order = vec![];
        let mut units: Vec<(String, System, f64)> = vec![];
        while !remaining.is_empty() {
            let prereqs_hold = |it: &It| {
                b.courses
                    .iter()
                    .find(|c| c.id.0 == it.3)
                    .is_none_or(|c| groups_hold(&c.prerequisites, &sat, b))
            };
            let waits = |it: &It| it.5 && after(&it.3).iter().any(|x| !so_far.contains(x));
            let key = |it: &It| {
                let at = |m: &HashMap<String, u32>| {
                    if it.5 {
                        0
                    } else {
                        m.get(it.3.as_str()).copied().unwrap_or(0)
                    }
                };
                (
                    it.0.unwrap_or(stage),
                    at(&depth),
                    std::cmp::Reverse(at(&height)),
                    it.1,
                    it.2,
                )
            };
            let pick = remaining
                .iter()
                .enumerate()
                .filter(|(_, it)| prereqs_hold(it) && !waits(it))
                .min_by_key(|(_, it)| key(it))
                .or_else(|| {
                    remaining
                        .iter()
                        .enumerate()
                        .filter(|(_, it)| prereqs_hold(it))
                        .min_by_key(|(_, it)| key(it))
                })
                .map(|(p, _)| p)?;
            let it = remaining.remove(pick);
            let comps = self.comps_of(&it.3);
            let dup = !it.5 && !comps.is_empty() && comps.iter().all(|k| held.contains(k));
            let h = centi(it.4);
            let system = it.0.unwrap_or(stage);
            stage = system;
            if dup {
                cost.duplicative += h;
            }
            let ps = matches!(system, System::Postsecondary | System::WorkBased);
            // The objective's figure; total hours for every other objective (for `hours` they
            // are the objective).
            match objective {
                Objective::Hours => cost.objective += h,
                Objective::PostsecondaryHours => {
                    cost.objective += if ps { h } else { 0 };
                    cost.tie_hours += h;
                }
                _ => cost.tie_hours += h,
            }
            cost.courses += 1;
            units.push((it.3.clone(), system, it.4));
            order.push(it.3.clone());
            so_far.insert(it.3.clone());
            held.extend(comps);
            let next = self.closure(&so_far);
            for id in next.difference(&sat) {
                held.extend(self.comps_of(id));
                if b.credentials.iter().any(|k| k.id.0 == *id) {
                    value += self.value(id);
                }
            }
            sat = next;
        }
        let (_, _, net, unknown, terms) = self.money(&units);
        match objective {
            Objective::Cost => {
                cost.objective = centi(net);
                cost.unknown_costs = unknown;
            }
            Objective::Weeks => cost.objective = centi(terms as f64 * self.weeks_per_term),
            Objective::Duplication => cost.objective = cost.duplicative,
            _ => {}
        }
        Some((cost, value, order))
    }

    fn course(&self, id: &str) -> Option<&Course> {
        self.b.courses.iter().find(|c| c.id.0 == id)
    }

    /// What the learner holds before the plan, not earned by it.
    fn given(&self, id: &str) -> bool {
        self.completed.contains(id)
            || self.held.contains(id)
            || self.scores.contains_key(id)
            || (self.entry == EntryPoint::Postsecondary
                && self
                    .b
                    .credentials
                    .iter()
                    .any(|k| k.id.0 == id && matches!(k.kind, CredentialKind::Diploma | CredentialKind::Hse)))
    }

    /// Sources of the articulations that waive course `c` for this learner.
    fn waivers(&self, c: &Course) -> Vec<String> {
        self.b
            .articulations
            .iter()
            .filter(|a| {
                a.to == c.id
                    && a.credits + 1e-9 >= c.credits
                    && self.art_applies(a, c)
                    && a.min_score.is_none_or(|m| {
                        self.scores
                            .get(a.from.as_str())
                            .is_some_and(|s| s.is_some_and(|v| v + 1e-9 >= m))
                    })
            })
            .map(|a| a.from.0.clone())
            .collect()
    }

    /// The term from which the plan holds `id` (0: from the start): a step's term; a course no
    /// step takes, the earliest term of a source that waives it.
    fn held_from(
        &self,
        id: &str,
        term_of: &HashMap<String, usize>,
        start: &HashSet<String>,
        depth: usize,
    ) -> Option<usize> {
        if start.contains(id) {
            return Some(0);
        }
        if let Some(&t) = term_of.get(id) {
            return Some(t);
        }
        let c = self.course(id)?;
        if depth == 0 {
            return None;
        }
        self.waivers(c)
            .iter()
            .filter_map(|s| self.held_from(s, term_of, start, depth - 1))
            .min()
    }

    /// The reported steps of the units taken in this order: each credential right after the
    /// unit that earns it; a secondary learner's diploma, when the plan relies on it (reached
    /// from the goal through satisfied requirement members and articulation sources), after
    /// the last secondary step.
    fn full_steps(&self, units: &[(String, System, f64)]) -> Vec<OStep> {
        let b = self.b;
        let mut so_far = BTreeSet::new();
        let mut sat = self.closure(&so_far);
        let mut out: Vec<OStep> = vec![];
        for (id, system, h) in units {
            so_far.insert(id.clone());
            let next = self.closure(&so_far);
            out.push((id.clone(), true, *system, *h));
            for k in &b.credentials {
                if next.contains(k.id.as_str()) && !sat.contains(k.id.as_str()) {
                    out.push((k.id.0.clone(), false, *system, 0.0));
                }
            }
            sat = next;
        }
        if self.entry == EntryPoint::Secondary {
            let mut seen: HashSet<String> = HashSet::new();
            let mut queue: Vec<String> = self
                .goal
                .iter()
                .filter(|g| sat.contains(g.as_str()) && !self.given(g))
                .cloned()
                .collect();
            seen.extend(queue.iter().cloned());
            while let Some(x) = queue.pop() {
                let mut deps: Vec<String> = vec![];
                if let Some(c) = self.course(&x) {
                    deps.extend(
                        c.prerequisites
                            .iter()
                            .flat_map(|g| g.from().iter().map(|m| m.0.clone())),
                    );
                    deps.extend(self.waivers(c));
                } else if let Some(k) = b.credentials.iter().find(|k| k.id.0 == x) {
                    deps.extend(k.requires.iter().flat_map(|g| g.from().iter().map(|m| m.0.clone())));
                }
                for d in deps {
                    if sat.contains(d.as_str()) && !self.given(&d) && seen.insert(d.clone()) {
                        queue.push(d);
                    }
                }
            }
            let at = out.iter().rposition(|s| s.2 == System::Secondary).map_or(0, |p| p + 1);
            let grads: Vec<OStep> = b
                .credentials
                .iter()
                .filter(|k| k.kind == CredentialKind::Diploma && !self.held.contains(k.id.as_str()))
                .filter(|k| seen.contains(k.id.as_str()))
                .map(|k| (k.id.0.clone(), false, System::Secondary, 0.0))
                .collect();
            out.splice(at..at, grads);
        }
        out
    }

    /// Total cost, whether complete, net cost after braided funding, steps of unknown cost and
    /// the number of terms of the units taken in this order (CONTRACT.md's rules, written out
    /// here over the plain bundle).
    fn money(&self, units: &[(String, System, f64)]) -> Money4 {
        let b = self.b;
        let steps = self.full_steps(units);
        // Cost of each step: a course's (free in high school when unlisted), an exam's fee.
        let costs: Vec<Option<f64>> = steps
            .iter()
            .map(|(id, unit, system, _)| {
                if !unit {
                    return Some(0.0);
                }
                match self.course(id) {
                    Some(c) => c.cost.or((*system == System::Secondary).then_some(0.0)),
                    None => b.assessments.iter().find(|e| e.id.0 == *id).unwrap().cost,
                }
            })
            .collect();
        let unknown = costs.iter().filter(|c| c.is_none()).count() as u32;
        let mut unpaid: Vec<f64> = costs.iter().map(|c| c.unwrap_or(0.0)).collect();
        let total: f64 = unpaid.iter().sum();
        let mut sources: Vec<&Funding> = b
            .funding
            .iter()
            .filter(|f| f.eligibility.iter().all(|e| self.eligibility.contains(e)))
            .collect();
        sources.sort_by(|x, y| y.share.total_cmp(&x.share).then(x.id.cmp(&y.id)));
        for f in sources {
            let mut left = f.cap.unwrap_or(f64::INFINITY);
            for ((id, unit, system, _), u) in steps.iter().zip(unpaid.iter_mut()) {
                let course = self.course(id);
                let kind = if course.is_some() {
                    StepKind::Course
                } else {
                    StepKind::Assessment
                };
                let covered = *unit
                    && (f.covers.kinds.is_empty() || f.covers.kinds.contains(&kind))
                    && (f.covers.systems.is_empty() || f.covers.systems.contains(system))
                    && (!f.covers.credit_bearing_only || course.is_some_and(|c| c.credits > 0.0));
                if *u <= 0.0 || left <= 0.0 || !covered {
                    continue;
                }
                let pay = (*u * f.share).min(left);
                *u -= pay;
                left -= pay;
            }
        }
        let net: f64 = unpaid.iter().sum();
        // Terms: a course after the terms of its prerequisites among the plan's steps, in a
        // term of its own stage, within the hours per term unless alone; an exam in the term
        // so far unless full; a credential in the term so far; never back before the previous
        // step's term.
        let hpt = self.hours_per_term;
        let start = self.closure(&BTreeSet::new());
        let mut terms: Vec<(System, f64)> = vec![];
        let mut term_of: HashMap<String, usize> = HashMap::new();
        for (id, unit, system, h) in &steps {
            let last = terms.len().max(1);
            let t = match (unit, self.course(id)) {
                (false, _) => last,
                (true, None) => {
                    let mut t = last;
                    if terms.get(t - 1).is_some_and(|x| x.1 > 0.0 && x.1 + h > hpt + 1e-9) {
                        t += 1;
                    }
                    t
                }
                (true, Some(c)) => {
                    let need = c
                        .prerequisites
                        .iter()
                        .flat_map(|g| g.from())
                        .filter_map(|m| self.held_from(m.as_str(), &term_of, &start, 8))
                        .filter(|&t| t > 0)
                        .map(|t| t + 1)
                        .max()
                        .unwrap_or(1);
                    let mut t = need.max(last);
                    if terms
                        .get(t - 1)
                        .is_some_and(|x| x.1 > 0.0 && (x.0 != *system || x.1 + h > hpt + 1e-9))
                    {
                        t += 1;
                    }
                    t
                }
            };
            while terms.len() < t {
                terms.push((*system, 0.0));
            }
            let term = &mut terms[t - 1];
            if term.1 == 0.0 && self.course(id).is_some() {
                term.0 = *system;
            }
            term.1 += h;
            term_of.insert(id.clone(), t);
        }
        (round2(total), unknown == 0, round2(net), unknown, terms.len())
    }

    /// Every minimal feasible course set that earns the goal, with its evaluation.
    fn plans(&self, objective: Objective) -> Vec<(BTreeSet<String>, Eval)> {
        let pool: Vec<String> = self
            .b
            .courses
            .iter()
            .filter(|c| self.allowed(c) && !self.completed.contains(c.id.as_str()))
            .map(|c| c.id.0.clone())
            .chain(
                self.b
                    .assessments
                    .iter()
                    .filter(|e| !self.scores.contains_key(e.id.as_str()))
                    .map(|e| e.id.0.clone()),
            )
            .collect();
        let mut out = vec![];
        for mask in 0u32..(1 << pool.len()) {
            let t: BTreeSet<String> = (0..pool.len())
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| pool[i].clone())
                .collect();
            if !self.earns(&self.closure(&t)) {
                continue;
            }
            let minimal = t.iter().all(|c| {
                let mut u = t.clone();
                u.remove(c);
                !self.earns(&self.closure(&u))
            });
            if !minimal {
                continue;
            }
            if let Some(e) = self.simulate(&t, objective) {
                out.push((t, e));
            }
        }
        out.sort_by(|a, b| rank(&a.1.0).cmp(&rank(&b.1.0)).then(b.1.1.total_cmp(&a.1.1)));
        out
    }

    /// Interchangeable courses: same system, hours, credits, cost (a secondary course without
    /// one is free) and prerequisites, and no articulation from either. Each course maps to the
    /// first course of its class.
    fn classes(&self) -> HashMap<String, String> {
        let b = self.b;
        let mut first: HashMap<String, String> = HashMap::new();
        let mut out = HashMap::new();
        for c in &b.courses {
            let id = c.id.0.clone();
            if b.articulations.iter().any(|a| a.from.0 == id) {
                out.insert(id.clone(), id);
                continue;
            }
            let cost = c.cost.or((c.system == System::Secondary).then_some(0.0));
            let key = format!(
                "{:?}|{}|{}|{:?}|{:?}",
                c.system,
                centi(c.hours),
                centi(c.credits),
                cost.map(centi),
                c.prerequisites
            );
            let rep = first.entry(key).or_insert_with(|| id.clone()).clone();
            out.insert(id, rep);
        }
        out
    }

    /// The distinct plans in rank order: alike plans (same rank figures and exit value, same
    /// credentials earned, the same courses up to interchangeable ones) grouped, each group
    /// as (its member of the smallest ids, every member).
    fn distinct(&self, plans: &[(BTreeSet<String>, Eval)]) -> Vec<(BTreeSet<String>, Eval, Vec<BTreeSet<String>>)> {
        let classes = self.classes();
        let start = self.closure(&BTreeSet::new());
        let is_cred = |id: &String| self.b.credentials.iter().any(|k| k.id.0 == *id);
        let mut groups: Vec<(String, Vec<usize>)> = vec![];
        for (i, (t, e)) in plans.iter().enumerate() {
            let mut cls: Vec<&str> = t
                .iter()
                .map(|c| classes.get(c).map_or(c.as_str(), |r| r.as_str()))
                .collect();
            cls.sort_unstable();
            let earned: BTreeSet<String> = self
                .closure(t)
                .difference(&start)
                .filter(|x| is_cred(x))
                .cloned()
                .collect();
            let sig = format!("{:?}|{}|{:?}|{:?}", rank(&e.0), e.1.to_bits(), earned, cls);
            match groups.iter_mut().find(|g| g.0 == sig) {
                Some(g) => g.1.push(i),
                None => groups.push((sig, vec![i])),
            }
        }
        let mut out: Vec<(BTreeSet<String>, Eval, Vec<BTreeSet<String>>)> = groups
            .into_iter()
            .map(|(_, members)| {
                let best = members.iter().map(|&i| &plans[i]).min_by(|a, b| a.0.cmp(&b.0)).unwrap();
                (
                    best.0.clone(),
                    best.1.clone(),
                    members.iter().map(|&i| plans[i].0.clone()).collect(),
                )
            })
            .collect();
        // Equal figures: the higher exit value, then the smaller ids.
        out.sort_by(|a, b| {
            rank(&a.1.0)
                .cmp(&rank(&b.1.0))
                .then(b.1.1.total_cmp(&a.1.1))
                .then_with(|| a.0.cmp(&b.0))
        });
        out
    }
}

/// The units (courses and exams) a plan takes, by id.
fn units_of(g: &CatalogGraph, p: &Plan) -> BTreeSet<String> {
    p.steps
        .iter()
        .filter(|st| !matches!(st.item, Item::Credential(_)))
        .map(|st| g.item_id(st.item).to_owned())
        .collect()
}

/// The ranking rule, spelled out: the objective's figure (with, for `cost`, the steps of unknown
/// cost), then duplicative hours, then total hours (`tie_hours`; for `hours`, the objective
/// itself), then steps.
fn rank(c: &Cost) -> (u64, u32, u64, u64, u32) {
    (c.objective, c.unknown_costs, c.duplicative, c.tie_hours, c.courses)
}

fn check(s: &Spec) -> Result<(), TestCaseError> {
    let b = build(s);
    prop_assume!(b.validate().is_ok());
    let g = CatalogGraph::build(1, b.clone());
    let demand = DemandIndex::build(&g);
    let ctx = MapContext::with_default_policy(&g, &demand);
    let nc = b.courses.len();
    let nk = b.credentials.len();
    let completed: BTreeSet<String> = s.completed.iter().filter(|&&c| c < nc).map(|&c| cid(c)).collect();
    let held: BTreeSet<String> = s.held.iter().map(|&k| kid(k % nk)).collect();
    let prior: BTreeSet<String> = s.prior.iter().map(|&c| format!("p{c}")).collect();
    let scores: HashMap<String, Option<f64>> = s
        .exams
        .held
        .iter()
        .filter(|(x, _)| *x < b.assessments.len())
        .map(|&(x, sc)| (eid(x), sc.map(|v| v as f64)))
        .collect();
    let entry = EntryPoint::ALL[s.entry];
    let objective = [
        Objective::Hours,
        Objective::PostsecondaryHours,
        Objective::Cost,
        Objective::Weeks,
        Objective::Duplication,
    ][s.objective];
    let eligibility = flags(s.money.eligibility);
    let hours_per_term = s.money.hours_per_term.map(f64::from);
    let (target, goal) = match s.target_credential {
        Some(k) => {
            let id = kid(k % nk);
            (Target::Credential(g.credential_ix(&id).unwrap()), vec![id])
        }
        None => {
            let o = g.occupation_ix("11-1000").unwrap();
            (
                Target::Occupation(o),
                g.entry_credentials(o)
                    .iter()
                    .map(|&c| g.credential(c).id.0.clone())
                    .collect(),
            )
        }
    };
    let req = MapRequest {
        target,
        entry,
        region: "US".into(),
        k: s.k,
        optimize: objective,
        learner: Learner {
            completed: completed.iter().map(|c| g.course_ix(c).unwrap()).collect(),
            credentials: held.iter().map(|c| g.credential_ix(c).unwrap()).collect(),
            competencies: prior.iter().map(|c| g.competency_ix(c).unwrap()).collect(),
            assessments: scores
                .iter()
                .map(|(x, sc)| (g.assessment_ix(x).unwrap(), *sc))
                .collect(),
            eligibility: eligibility.clone(),
            hours_per_term,
            ..Default::default()
        },
    };
    let map = career_map(
        &ctx,
        &req,
        &Limits {
            max_expansions: 1_000_000,
        },
    );
    prop_assert!(!map.stats.capped, "small catalogs never reach the cap");
    let oracle = Oracle {
        b: &b,
        entry,
        completed: completed.into_iter().collect(),
        held: held.into_iter().collect(),
        prior: prior.into_iter().collect(),
        scores,
        goal,
        eligibility,
        hours_per_term: hours_per_term.unwrap_or(entry.term_defaults().hours_per_term),
        weeks_per_term: entry.term_defaults().weeks_per_term,
    };
    if oracle.earns(&oracle.closure(&BTreeSet::new())) {
        prop_assert_eq!(map.paths.len(), 1, "already qualified: one empty path");
        prop_assert!(map.paths[0].steps.is_empty());
        return Ok(());
    }
    let expected = oracle.plans(objective);
    if expected.is_empty() {
        prop_assert!(
            map.paths.is_empty(),
            "oracle finds no plan, engine found {:?}",
            map.paths[0].courses
        );
        prop_assert!(map.reason.is_some(), "an empty answer has a reason");
        return Ok(());
    }
    let by_set: HashMap<BTreeSet<String>, &Eval> = expected.iter().map(|(t, e)| (t.clone(), e)).collect();
    let distinct = oracle.distinct(&expected);
    // The same request under a tiny budget: still an answer, made of real plans; the plans
    // proven before the cap are the best of their ranks, and the others carry a lower bound
    // that no plan the search did not prove beats.
    for cap in [1, 3] {
        let small = career_map(&ctx, &req, &Limits { max_expansions: cap });
        let mut proven = 0;
        for (i, p) in small.paths.iter().enumerate() {
            let set = units_of(&g, p);
            let e = by_set.get(&set);
            prop_assert!(
                e.is_some(),
                "capped at {}: {:?} is not a minimal feasible plan",
                cap,
                set
            );
            prop_assert_eq!(p.cost, e.unwrap().0, "capped at {}: cost of {:?}", cap, set);
            if p.optimal {
                prop_assert_eq!(i, proven, "capped at {}: proven plans come first", cap);
                prop_assert_eq!(
                    p.cost,
                    distinct[i].1.0,
                    "capped at {}: proven plan {} is the best of its rank",
                    cap,
                    i + 1
                );
                proven += 1;
            } else {
                prop_assert!(small.stats.capped, "only a capped search leaves a plan unproven");
                let lb = p.lower_bound.expect("an unproven plan has a lower bound");
                prop_assert!(
                    lb * 100.0 <= p.cost.objective as f64 + 1e-6,
                    "bound above the plan's own objective"
                );
                if let Some(best) = distinct.get(proven) {
                    prop_assert!(
                        lb * 100.0 <= best.1.0.objective as f64 + 1e-6,
                        "capped at {}: bound {} above the objective of the best unproven plan {:?}",
                        cap,
                        lb,
                        best.1.0
                    );
                }
            }
        }
        if !small.stats.capped {
            prop_assert_eq!(
                small.paths.len(),
                map.paths.len(),
                "an uncapped search is the full answer"
            );
        }
    }
    let want: Vec<(Cost, f64)> = distinct.iter().take(s.k).map(|(_, e, _)| (e.0, e.1)).collect();
    let got: Vec<(Cost, f64)> = map.paths.iter().map(|p| (p.cost, p.exit_value)).collect();
    prop_assert_eq!(&got, &want, "ordered costs of the k best distinct plans");
    for w in map.paths.windows(2) {
        prop_assert!(rank(&w[0].cost) <= rank(&w[1].cost), "ranked by the rule");
    }
    for (p, (rep, _, members)) in map.paths.iter().zip(&distinct) {
        prop_assert!(p.optimal && p.lower_bound.is_none(), "an uncapped plan is optimal");
        let set = units_of(&g, p);
        prop_assert_eq!(
            &set,
            rep,
            "the plan of its rank, shown as its alike plan of the smallest ids"
        );
        // Each alternative replaces its step alone in a plan of the same rank; every alike
        // plan that swaps one course is listed.
        let listed: BTreeSet<(String, String)> = p
            .steps
            .iter()
            .flat_map(|st| {
                st.alternatives
                    .iter()
                    .map(|&a| (g.item_id(st.item).to_owned(), g.item_id(a).to_owned()))
            })
            .collect();
        let single: BTreeSet<(String, String)> = members
            .iter()
            .filter_map(|m| {
                let gone: Vec<&String> = rep.difference(m).collect();
                let new: Vec<&String> = m.difference(rep).collect();
                (gone.len() == 1 && new.len() == 1).then(|| (gone[0].clone(), new[0].clone()))
            })
            .collect();
        prop_assert_eq!(&listed, &single, "alternatives of {:?}", set);
        let this = by_set[rep];
        for (a, b) in &listed {
            let mut swapped = rep.clone();
            swapped.remove(a);
            swapped.insert(b.clone());
            let e = by_set.get(&swapped);
            prop_assert!(
                e.is_some_and(|e| e.0 == this.0 && e.1 == this.1),
                "{} for {} is not a plan of the same rank",
                b,
                a
            );
        }
    }
    for p in &map.paths {
        let set = units_of(&g, p);
        let e = by_set.get(&set);
        prop_assert!(e.is_some(), "plan {:?} is not a minimal feasible plan", set);
        let e = e.unwrap();
        prop_assert_eq!(p.cost, e.0);
        // Feasible in the order given.
        let mut taken = BTreeSet::new();
        let mut sat = oracle.closure(&taken);
        for st in &p.steps {
            let id = g.item_id(st.item).to_owned();
            match st.item {
                Item::Course(c) => {
                    let course = g.course(c);
                    prop_assert!(oracle.allowed(course), "{} closed to the entry point", id);
                    prop_assert!(
                        groups_hold(&course.prerequisites, &sat, &b),
                        "{} before its prerequisites",
                        id
                    );
                    taken.insert(id);
                    sat = oracle.closure(&taken);
                }
                Item::Credential(_) => prop_assert!(sat.contains(&id), "credential {} listed before it is earned", id),
                Item::Assessment(_) => {
                    taken.insert(id);
                    sat = oracle.closure(&taken);
                }
            }
        }
        prop_assert!(oracle.earns(&sat));
        // Terms: consecutive from 1, every step in exactly one, in step order, a course after
        // its prerequisites' terms, within hours per term unless one step alone exceeds it.
        let hpt = oracle.hours_per_term;
        let mut term_of: HashMap<String, usize> = HashMap::new();
        for (n, t) in p.terms.iter().enumerate() {
            prop_assert_eq!(t.term, n + 1, "terms numbered from 1");
            prop_assert!(
                t.hours <= hpt + 1e-9
                    || t.steps.len() == 1
                    || t.steps.iter().filter(|i| g.item_hours(**i) > 0.0).count() == 1,
                "term {} holds {} h > {} h",
                t.term,
                t.hours,
                hpt
            );
            for &i in &t.steps {
                prop_assert!(
                    term_of.insert(g.item_id(i).to_owned(), t.term).is_none(),
                    "a step in two terms"
                );
            }
        }
        prop_assert_eq!(term_of.len(), p.steps.len(), "every step in a term");
        let mut last = 0;
        for st in &p.steps {
            let t = term_of[g.item_id(st.item)];
            prop_assert!(t >= last, "terms follow the step order");
            last = t;
            if let Item::Course(c) = st.item {
                // What the learner holds when the term starts: everything held before the plan
                // and every step of an earlier term. A prerequisite met by a completed course
                // does not wait for a plan step of the same group.
                let before: BTreeSet<String> = term_of
                    .iter()
                    .filter(|&(_, &tx)| tx < t)
                    .map(|(id, _)| id.clone())
                    .collect();
                prop_assert!(
                    groups_hold(&g.course(c).prerequisites, &oracle.closure(&before), &b),
                    "{} in term {} before its prerequisites are held",
                    g.item_id(st.item),
                    t
                );
            }
        }
        // Exams are steps of kind assessment, never duplicative.
        for st in &p.steps {
            if let Item::Assessment(_) = st.item {
                prop_assert!(!st.duplicative, "an exam is never duplicative");
            }
        }
        // Cost, braided funding and weeks as the oracle computes them for this order.
        let units: Vec<(String, System, f64)> = p
            .steps
            .iter()
            .filter(|st| !matches!(st.item, Item::Credential(_)))
            .map(|st| (g.item_id(st.item).to_owned(), st.system, st.hours))
            .collect();
        let (total, complete, net, _, terms) = oracle.money(&units);
        prop_assert_eq!(p.total_cost, total, "total_cost");
        prop_assert_eq!(p.cost_complete, complete, "cost_complete");
        prop_assert_eq!(p.net_cost, net, "net_cost");
        let funded: f64 = p.funding.iter().map(|(_, a)| a).sum();
        prop_assert!(
            (total - funded - net).abs() < 0.011,
            "funding adds up: {} - {} != {}",
            total,
            funded,
            net
        );
        prop_assert_eq!(p.terms.len(), terms, "terms");
        prop_assert_eq!(p.weeks, terms as f64 * oracle.weeks_per_term, "weeks");
        let dup: u64 = p.steps.iter().filter(|s| s.duplicative).map(|s| centi(s.hours)).sum();
        prop_assert_eq!(dup, p.cost.duplicative);
        // No silent credit: walking the goal's requirements through what the plan satisfies,
        // every course met without a step and without the learner's record (articulation,
        // dual enrollment, prior learning) is in `skipped`, naming where the credit comes from;
        // the walk goes on through that source.
        let skipped: HashMap<String, (SkipReason, Option<String>)> = p
            .skipped
            .iter()
            .map(|k| {
                (
                    g.item_id(k.item).to_owned(),
                    (k.reason, k.via.map(|(i, _)| g.item_id(i).to_owned())),
                )
            })
            .collect();
        let units: BTreeSet<String> = taken;
        let reaches: Vec<String> = oracle.goal.iter().filter(|x| sat.contains(*x)).cloned().collect();
        let mut stack = reaches;
        let mut seen: HashSet<String> = stack.iter().cloned().collect();
        // Credentials held from the start are done, except a diploma earned at graduation.
        let start = oracle.start();
        let done = |k: &Credential| {
            start.contains(k.id.as_str()) && !(entry == EntryPoint::Secondary && k.kind == CredentialKind::Diploma)
        };
        while let Some(x) = stack.pop() {
            let mut next: Vec<String> = vec![];
            if let Some(k) = b.credentials.iter().find(|k| k.id.0 == x) {
                if !done(k) {
                    next.extend(k.requires.iter().flat_map(|gr| gr.from().iter().map(|i| i.0.clone())));
                }
            } else if let Some(c) = b.courses.iter().find(|c| c.id.0 == x) {
                if units.contains(&x) {
                    next.extend(
                        c.prerequisites
                            .iter()
                            .flat_map(|gr| gr.from().iter().map(|i| i.0.clone())),
                    );
                } else if !oracle.completed.contains(&x) {
                    let entry = skipped.get(&x);
                    prop_assert!(entry.is_some(), "credit for {} used silently", x);
                    let (reason, from) = entry.unwrap();
                    prop_assert!(*reason != SkipReason::Completed, "{} is a credit, not completed", x);
                    if let Some(f) = from {
                        prop_assert!(sat.contains(f), "{}'s credit comes from {}, which the plan lacks", x, f);
                        let kind = b
                            .articulations
                            .iter()
                            .find(|a| a.from.0 == *f && a.to.0 == x)
                            .map(|a| a.kind);
                        prop_assert!(kind.is_some(), "no articulation from {} into {}", f, x);
                        let want = match kind.unwrap() {
                            ArticulationKind::DualEnrollment => SkipReason::DualEnrollment,
                            ArticulationKind::PriorLearning => SkipReason::PriorLearning,
                            _ => SkipReason::Articulated,
                        };
                        prop_assert_eq!(*reason, want, "reason for {}", x);
                        next.push(f.clone());
                    } else {
                        prop_assert_eq!(*reason, SkipReason::PriorLearning, "{} waived with no source", x);
                    }
                }
            } else if let Some(e) = b.assessments.iter().find(|e| e.id.0 == x)
                && units.contains(&x)
            {
                next.extend(
                    e.prerequisites
                        .iter()
                        .flat_map(|gr| gr.from().iter().map(|i| i.0.clone())),
                );
            }
            for y in next {
                if sat.contains(&y) && seen.insert(y.clone()) {
                    stack.push(y);
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256), ..ProptestConfig::default() })]

    #[test]
    fn engine_matches_brute_force_oracle(s in spec()) {
        check(&s)?;
    }
}
