//! Reachability per entry point: which courses and credentials a learner starting from an
//! entry point can eventually complete or earn.
//!
//! # Semantics
//!
//! The entry point's eligibility rules are those of [`EntryPoint`] (domain/entry.rs), the same
//! the career-map engine applies: a course is open when [`EntryPoint::may_take`] allows it (its
//! `eligible_entries`, else the default by system), a credential when
//! [`EntryPoint::may_earn`] allows its kind (no `hse` for a high-school student), and an
//! articulation applies when [`EntryPoint::articulation_applies`] says so (college credit in
//! high school only through dual enrollment). The learner starts with the credentials the
//! entry point assumes held (a `postsecondary` learner holds every `diploma` and `hse`) or
//! earns at graduation (a `secondary` learner's `diploma`). The achievable set is the least
//! fixpoint of:
//!
//! * a course is achievable if it is open and every prerequisite group holds over achievable
//!   items (`choose N` counts achievable listed items; `min_credits` adds the credits of
//!   achievable listed courses), **or** an applicable articulation from an achievable item
//!   grants at least its full credits;
//! * an assessment is achievable if every prerequisite group holds;
//! * a credential is achievable if it is open and every requirement group holds over
//!   achievable items.
//!
//! The rules are monotone, so the least fixpoint exists and the worklist below computes it
//! exactly: an item enters the worklist once, when it becomes achievable, and each of its
//! outgoing "listed in a group" and articulation edges is looked at once.

pub use crate::domain::EntryPoint;

use crate::graph::{AssessmentIx, CatalogGraph, CourseIx, CredentialIx, Group, Item, OccupationIx};

/// The credentials a learner entering at `entry` starts with: those the entry point assumes
/// held (diploma and equivalency for `postsecondary`) and those earned at graduation (the
/// diploma for `secondary`).
pub fn assumed_credentials(g: &CatalogGraph, entry: EntryPoint) -> Vec<CredentialIx> {
    (0..g.n_credentials())
        .map(|i| CredentialIx(i as u32))
        .filter(|&c| {
            let kind = g.credential(c).kind;
            entry.assumes_held(kind) || entry.earned_at_graduation(kind)
        })
        .collect()
}

/// The achievable courses and credentials of one entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub courses: Vec<bool>,
    pub credentials: Vec<bool>,
    pub assessments: Vec<bool>,
}

impl Reach {
    pub fn course(&self, c: CourseIx) -> bool {
        self.courses[c.ix()]
    }
    pub fn credential(&self, c: CredentialIx) -> bool {
        self.credentials[c.ix()]
    }
    pub fn assessment(&self, a: AssessmentIx) -> bool {
        self.assessments[a.ix()]
    }
    pub fn item(&self, item: Item) -> bool {
        match item {
            Item::Course(c) => self.course(c),
            Item::Credential(c) => self.credential(c),
            Item::Assessment(a) => self.assessment(a),
        }
    }
    /// An occupation is reachable when any of its entry credentials is achievable.
    pub fn occupation(&self, g: &CatalogGraph, o: OccupationIx) -> bool {
        g.entry_credentials(o).iter().any(|&c| self.credential(c))
    }
}

/// The achievable set from an entry point (see the module docs).
pub fn reach(g: &CatalogGraph, entry: EntryPoint) -> Reach {
    reach_with(g, entry, &assumed_credentials(g, entry))
}

fn item_credits(g: &CatalogGraph, item: Item) -> f64 {
    g.item_credits(item)
}

/// Whether an item is open to the entry point by itself (before its requirements).
fn open(g: &CatalogGraph, entry: EntryPoint, item: Item) -> bool {
    match item {
        Item::Course(c) => entry.may_take(g.course(c)).is_ok(),
        Item::Credential(c) => entry.may_earn(g.credential(c).kind).is_ok(),
        Item::Assessment(_) => true,
    }
}

/// Whether an articulation applies for the entry point (see [`EntryPoint::articulation_applies`]).
fn applies(g: &CatalogGraph, entry: EntryPoint, a: crate::graph::ArticulationIx, to: CourseIx) -> bool {
    let from = match g.articulation_from(a) {
        Item::Course(c) if c.0 != u32::MAX => Some(g.course(c).system),
        _ => None,
    };
    entry
        .articulation_applies(g.articulation(a).kind, from, g.course(to).system)
        .is_ok()
}

fn group_holds_initially(grp: &Group) -> bool {
    match grp {
        Group::Choose { n, .. } => *n == 0,
        Group::MinCredits { credits, .. } => *credits <= 1e-9,
    }
}

/// The least fixpoint for an arbitrary system filter and held credentials, by a worklist.
///
/// # Arguments
/// * `entry`: the entry point whose eligibility rules apply.
/// * `held`: credentials the learner already holds.
///
/// # Complexity
/// Time O(N + R + A) and space O(N + R) for N items, R group references and A articulations:
/// each item is queued at most once, and each reference and articulation out of it is
/// processed once when it is dequeued.
///
/// # Example
/// ```
/// # use careermap::{analysis::reach::*, graph::CatalogGraph, domain::Bundle};
/// let g = CatalogGraph::build(1, Bundle::default());
/// let r = reach(&g, EntryPoint::Adult);
/// assert!(r.courses.is_empty());
/// ```
pub fn reach_with(g: &CatalogGraph, entry: EntryPoint, held: &[CredentialIx]) -> Reach {
    let nc = g.n_courses();
    // Credentials and assessments together, so `nc + nr` below counts every item slot.
    let nr = g.n_credentials() + g.n_assessments();
    let ncr = g.n_credentials();
    let slot = |item: Item| match item {
        Item::Course(c) => c.ix(),
        Item::Credential(c) => nc + c.ix(),
        Item::Assessment(a) => nc + ncr + a.ix(),
    };
    let item_of = |s: usize| {
        if s < nc {
            Item::Course(CourseIx(s as u32))
        } else if s < nc + ncr {
            Item::Credential(CredentialIx((s - nc) as u32))
        } else {
            Item::Assessment(AssessmentIx((s - nc - ncr) as u32))
        }
    };
    // Per item: number of groups still unsatisfied. Per group: progress so far.
    // Group ids are dense: `group_base[item] + g`.
    let mut group_base = Vec::with_capacity(nc + nr + 1);
    let mut total = 0usize;
    for s in 0..nc + nr {
        group_base.push(total);
        total += g.groups(item_of(s)).len();
    }
    group_base.push(total);
    let mut progress = vec![0f64; total];
    let mut group_done = vec![false; total];
    let mut pending = vec![0u32; nc + nr];
    // Reverse references: listed item -> (owner slot, group id). Deduplicated per group.
    let mut refs: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nc + nr];
    for s in 0..nc + nr {
        let owner = item_of(s);
        for (k, grp) in g.groups(owner).iter().enumerate() {
            let gid = group_base[s] + k;
            if group_holds_initially(grp) {
                group_done[gid] = true;
            } else {
                pending[s] += 1;
            }
            let mut listed: Vec<Item> = grp.items().to_vec();
            listed.sort_unstable();
            listed.dedup();
            for it in listed {
                refs[slot(it)].push((s as u32, gid as u32));
            }
        }
    }
    let mut done = vec![false; nc + nr];
    let mut queue: Vec<usize> = Vec::new();
    let eligible = |s: usize| open(g, entry, item_of(s));
    for s in 0..nc + nr {
        if pending[s] == 0 && eligible(s) {
            done[s] = true;
            queue.push(s);
        }
    }
    for &c in held {
        let s = nc + c.ix();
        if !done[s] {
            done[s] = true;
            queue.push(s);
        }
    }
    // Articulations out of each item that grant full credit.
    let mut full_arts: Vec<Vec<u32>> = vec![Vec::new(); nc + nr];
    for to in 0..nc {
        let course = CourseIx(to as u32);
        let need = g.course(course).credits;
        for &a in g.articulations_to(course) {
            if g.articulation(a).credits + 1e-9 >= need && applies(g, entry, a, course) {
                let from = g.articulation_from(a);
                if matches!(from, Item::Course(c) if c.0 == u32::MAX) {
                    continue;
                }
                let from = slot(from);
                // Unresolved sources (never in a validated bundle) carry a sentinel index.
                if from >= nc + nr {
                    continue;
                }
                full_arts[from].push(to as u32);
            }
        }
    }
    while let Some(s) = queue.pop() {
        let item = item_of(s);
        let credits = item_credits(g, item);
        for &(owner, gid) in &refs[s] {
            let (owner, gid) = (owner as usize, gid as usize);
            if group_done[gid] {
                continue;
            }
            let k = gid - group_base[owner];
            let holds = match &g.groups(item_of(owner))[k] {
                Group::Choose { n, .. } => {
                    progress[gid] += 1.0;
                    progress[gid] >= *n as f64
                }
                Group::MinCredits { credits: need, .. } => {
                    progress[gid] += credits;
                    progress[gid] + 1e-9 >= *need
                }
            };
            if holds {
                group_done[gid] = true;
                pending[owner] -= 1;
                if pending[owner] == 0 && !done[owner] && eligible(owner) {
                    done[owner] = true;
                    queue.push(owner);
                }
            }
        }
        for &to in &full_arts[s] {
            let t = to as usize;
            if !done[t] {
                done[t] = true;
                queue.push(t);
            }
        }
    }
    Reach {
        courses: done[..nc].to_vec(),
        credentials: done[nc..nc + ncr].to_vec(),
        assessments: done[nc + ncr..].to_vec(),
    }
}

/// The naive oracle: repeated passes over every item until nothing changes. Time O(N · (N + R
/// + A)). For tests.
pub fn naive_reach(g: &CatalogGraph, entry: EntryPoint, held: &[CredentialIx]) -> Reach {
    let mut r = Reach {
        courses: vec![false; g.n_courses()],
        credentials: vec![false; g.n_credentials()],
        assessments: vec![false; g.n_assessments()],
    };
    for &c in held {
        r.credentials[c.ix()] = true;
    }
    let holds = |r: &Reach, grp: &Group| match grp {
        Group::Choose { n, from } => {
            let mut f = from.clone();
            f.sort_unstable();
            f.dedup();
            f.iter().filter(|&&i| r.item(i)).count() >= *n as usize
        }
        Group::MinCredits { credits, from } => {
            let mut f = from.clone();
            f.sort_unstable();
            f.dedup();
            let sum: f64 = f.iter().filter(|&&i| r.item(i)).map(|&i| item_credits(g, i)).sum();
            sum + 1e-9 >= *credits
        }
    };
    loop {
        let mut changed = false;
        for i in 0..g.n_courses() {
            let c = CourseIx(i as u32);
            if r.courses[i] {
                continue;
            }
            let by_groups = entry.may_take(g.course(c)).is_ok() && g.prerequisites(c).iter().all(|grp| holds(&r, grp));
            let by_art = g.articulations_to(c).iter().any(|&a| {
                g.articulation(a).credits + 1e-9 >= g.course(c).credits
                    && applies(g, entry, a, c)
                    && r.item(g.articulation_from(a))
            });
            if by_groups || by_art {
                r.courses[i] = true;
                changed = true;
            }
        }
        for i in 0..g.n_credentials() {
            let c = CredentialIx(i as u32);
            if !r.credentials[i]
                && entry.may_earn(g.credential(c).kind).is_ok()
                && g.requirements(c).iter().all(|grp| holds(&r, grp))
            {
                r.credentials[i] = true;
                changed = true;
            }
        }
        for i in 0..g.n_assessments() {
            let a = AssessmentIx(i as u32);
            if !r.assessments[i] && g.assessment_prerequisites(a).iter().all(|grp| holds(&r, grp)) {
                r.assessments[i] = true;
                changed = true;
            }
        }
        if !changed {
            return r;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::System;
    use crate::synth::{SynthParams, generate};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The worklist fixpoint equals the repeated-pass oracle for every entry point.
        #[test]
        fn worklist_equals_naive_passes(seed in any::<u64>()) {
            let b = generate(&SynthParams { courses: 120, credentials: 40, occupations: 10, competencies: 80, seed });
            let g = CatalogGraph::build(1, b);
            for entry in EntryPoint::ALL {
                let held = assumed_credentials(&g, entry);
                prop_assert_eq!(
                    reach(&g, entry),
                    naive_reach(&g, entry, &held),
                    "entry {}", entry.as_str()
                );
            }
        }
    }

    #[test]
    fn entry_points_allow_the_documented_systems() {
        let ok = |e: EntryPoint, s: System| e.allows_system(s).is_ok();
        assert!(ok(EntryPoint::Secondary, System::Secondary));
        assert!(!ok(EntryPoint::Secondary, System::Adult));
        assert!(!ok(EntryPoint::Adult, System::Secondary));
        assert!(ok(EntryPoint::Adult, System::Postsecondary));
        assert!(!ok(EntryPoint::Postsecondary, System::Adult));
        assert!(ok(EntryPoint::Postsecondary, System::WorkBased));
    }
}
