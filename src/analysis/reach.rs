//! Reachability per entry point: which courses and credentials a learner starting from an
//! entry point can eventually complete or earn.
//!
//! # Semantics
//!
//! An [`EntryPoint`] allows some systems (DESIGN.md, "Entry points"): `secondary` may use every
//! system, `adult` every system but secondary, `postsecondary` only postsecondary and
//! work-based courses. Starting from an empty learner (except that a `postsecondary` learner is
//! taken to hold a secondary diploma or its equivalent: every credential of kind `diploma` or
//! `hse`, as the seed's README and the career-map engine assume), the achievable set is the
//! least fixpoint of:
//!
//! * a course is achievable if its system is allowed and every prerequisite group holds over
//!   achievable items (`choose N` counts achievable listed items; `min_credits` adds the
//!   credits of achievable listed courses), **or** an articulation from an achievable item
//!   grants at least its full credits;
//! * a credential is achievable if every requirement group holds over achievable items.
//!
//! The rules are monotone, so the least fixpoint exists and the worklist below computes it
//! exactly: an item enters the worklist once, when it becomes achievable, and each of its
//! outgoing "listed in a group" and articulation edges is looked at once.

use crate::domain::{CredentialKind, System};
use crate::graph::{CatalogGraph, CourseIx, CredentialIx, Group, Item, OccupationIx};

/// Where a learner starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryPoint {
    Secondary,
    Adult,
    Postsecondary,
}

impl EntryPoint {
    pub const ALL: [EntryPoint; 3] = [EntryPoint::Secondary, EntryPoint::Adult, EntryPoint::Postsecondary];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryPoint::Secondary => "secondary",
            EntryPoint::Adult => "adult",
            EntryPoint::Postsecondary => "postsecondary",
        }
    }

    pub fn parse(s: &str) -> Option<EntryPoint> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Whether a learner from this entry point may take courses of `system`.
    pub fn allows(self, system: System) -> bool {
        match self {
            EntryPoint::Secondary => true,
            EntryPoint::Adult => system != System::Secondary,
            EntryPoint::Postsecondary => matches!(system, System::Postsecondary | System::WorkBased),
        }
    }

    /// Credentials a learner from this entry point is taken to hold already.
    pub fn assumed_credentials(self, g: &CatalogGraph) -> Vec<CredentialIx> {
        match self {
            EntryPoint::Postsecondary => (0..g.n_credentials())
                .map(|i| CredentialIx(i as u32))
                .filter(|&c| matches!(g.credential(c).kind, CredentialKind::Diploma | CredentialKind::Hse))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The achievable courses and credentials of one entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub courses: Vec<bool>,
    pub credentials: Vec<bool>,
}

impl Reach {
    pub fn course(&self, c: CourseIx) -> bool {
        self.courses[c.ix()]
    }
    pub fn credential(&self, c: CredentialIx) -> bool {
        self.credentials[c.ix()]
    }
    pub fn item(&self, item: Item) -> bool {
        match item {
            Item::Course(c) => self.course(c),
            Item::Credential(c) => self.credential(c),
        }
    }
    /// An occupation is reachable when any of its entry credentials is achievable.
    pub fn occupation(&self, g: &CatalogGraph, o: OccupationIx) -> bool {
        g.entry_credentials(o).iter().any(|&c| self.credential(c))
    }
}

/// The achievable set from an entry point (see the module docs).
pub fn reach(g: &CatalogGraph, entry: EntryPoint) -> Reach {
    reach_with(g, |s| entry.allows(s), &entry.assumed_credentials(g))
}

/// Credits an item contributes to a `min_credits` group: a course's credits; credentials 0.
fn item_credits(g: &CatalogGraph, item: Item) -> f64 {
    match item {
        Item::Course(c) => g.course(c).credits,
        Item::Credential(_) => 0.0,
    }
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
/// * `allowed`: whether courses of a system may be taken.
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
pub fn reach_with(g: &CatalogGraph, allowed: impl Fn(System) -> bool, held: &[CredentialIx]) -> Reach {
    let nc = g.n_courses();
    let nr = g.n_credentials();
    let slot = |item: Item| match item {
        Item::Course(c) => c.ix(),
        Item::Credential(c) => nc + c.ix(),
    };
    let item_of = |s: usize| {
        if s < nc {
            Item::Course(CourseIx(s as u32))
        } else {
            Item::Credential(CredentialIx((s - nc) as u32))
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
    let eligible = |s: usize| s >= nc || allowed(g.course(CourseIx(s as u32)).system);
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
            if g.articulation(a).credits + 1e-9 >= need {
                let from = slot(g.articulation_from(a));
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
        credentials: done[nc..].to_vec(),
    }
}

/// The naive oracle: repeated passes over every item until nothing changes. Time O(N · (N + R
/// + A)). For tests.
pub fn naive_reach(g: &CatalogGraph, allowed: impl Fn(System) -> bool, held: &[CredentialIx]) -> Reach {
    let mut r = Reach {
        courses: vec![false; g.n_courses()],
        credentials: vec![false; g.n_credentials()],
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
            let by_groups = allowed(g.course(c).system) && g.prerequisites(c).iter().all(|grp| holds(&r, grp));
            let by_art = g
                .articulations_to(c)
                .iter()
                .any(|&a| g.articulation(a).credits + 1e-9 >= g.course(c).credits && r.item(g.articulation_from(a)));
            if by_groups || by_art {
                r.courses[i] = true;
                changed = true;
            }
        }
        for i in 0..g.n_credentials() {
            let c = CredentialIx(i as u32);
            if !r.credentials[i] && g.requirements(c).iter().all(|grp| holds(&r, grp)) {
                r.credentials[i] = true;
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
                let held = entry.assumed_credentials(&g);
                prop_assert_eq!(
                    reach(&g, entry),
                    naive_reach(&g, |s| entry.allows(s), &held),
                    "entry {}", entry.as_str()
                );
            }
        }
    }

    #[test]
    fn entry_points_allow_the_documented_systems() {
        assert!(EntryPoint::Secondary.allows(System::Secondary));
        assert!(!EntryPoint::Adult.allows(System::Secondary));
        assert!(EntryPoint::Adult.allows(System::Postsecondary));
        assert!(!EntryPoint::Postsecondary.allows(System::Adult));
        assert!(EntryPoint::Postsecondary.allows(System::WorkBased));
    }
}
