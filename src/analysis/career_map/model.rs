//! The per-request model the search works on: the neighbourhood of the target in the catalog,
//! re-indexed densely, with its satisfaction closure.
//!
//! The **universe** of a request is
//! - the *backward* closure of the target: every item listed in a requirement or prerequisite
//!   group of an item already in it, and every source of an articulation into a course in it
//!   (only these courses can be steps of a minimal plan);
//! - the learner's completed courses and held credentials;
//! - the *forward* closure of all that: credentials the items count toward and courses they
//!   articulate into, so that credentials earned on the way (exits) and competencies they
//!   certify are seen, without pulling in their other requirements.
//!
//! Items outside the universe can never be satisfied by a plan, so group members outside it are
//! dropped (the group keeps its `choose`). Building the universe is linear in its size, not in
//! the catalog's.

use super::{EntryPoint, Learner};
use crate::domain::System;
use crate::graph::{CatalogGraph, CompetencyIx, Edge, Group, Item, Node};
use fixedbitset::FixedBitSet;
use std::collections::HashMap;

/// A fixed-size bit set over local indices: a [`FixedBitSet`] addressed by the model's `u32`
/// indices, with the few set operations the search needs.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct Bits(FixedBitSet);

impl Bits {
    /// `n` clear bits.
    pub fn new(n: usize) -> Bits {
        Bits(FixedBitSet::with_capacity(n))
    }
    /// Number of bits (set or not).
    #[inline]
    pub fn len(&self) -> usize {
        self.0.len()
    }
    #[inline]
    pub fn get(&self, i: u32) -> bool {
        self.0.contains(i as usize)
    }
    #[inline]
    pub fn set(&mut self, i: u32) {
        self.0.insert(i as usize);
    }
    #[inline]
    pub fn clear(&mut self, i: u32) {
        self.0.remove(i as usize);
    }
    pub fn count(&self) -> usize {
        self.0.count_ones(..)
    }
    pub fn is_subset(&self, other: &Bits) -> bool {
        self.0.is_subset(&other.0)
    }
    pub fn is_disjoint(&self, other: &Bits) -> bool {
        self.0.is_disjoint(&other.0)
    }
    pub fn union_with(&mut self, other: &Bits) {
        self.0.union_with(&other.0);
    }
    pub fn intersect_with(&mut self, other: &Bits) {
        self.0.intersect_with(&other.0);
    }
    /// The set bits, in increasing order.
    pub fn ones(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.ones().map(|i| i as u32)
    }
    /// The bits as machine words, for building keys.
    #[inline]
    pub fn blocks(&self) -> &[usize] {
        self.0.as_slice()
    }
}

/// A requirement group over local indices.
#[derive(Debug, Clone)]
pub enum LGroup {
    Choose { n: u32, from: Vec<u32> },
    Credits { min: f64, from: Vec<(u32, f64)> },
}

impl LGroup {
    pub fn members(&self) -> impl Iterator<Item = u32> + '_ {
        let (a, b) = match self {
            LGroup::Choose { from, .. } => (Some(from.iter().copied()), None),
            LGroup::Credits { from, .. } => (None, Some(from.iter().map(|(i, _)| *i))),
        };
        a.into_iter().flatten().chain(b.into_iter().flatten())
    }

    /// Whether the group holds when the items in `sat` are satisfied.
    pub fn holds(&self, sat: &Bits) -> bool {
        match self {
            LGroup::Choose { n, from } => {
                let mut have = 0;
                for &i in from {
                    if sat.get(i) {
                        have += 1;
                        if have >= *n {
                            return true;
                        }
                    }
                }
                *n == 0
            }
            LGroup::Credits { min, from } => {
                let total: f64 = from.iter().filter(|(i, _)| sat.get(*i)).map(|(_, c)| c).sum();
                total + 1e-9 >= *min
            }
        }
    }
}

/// What a local item is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// The virtual goal: one group choosing one of the target credentials.
    Root,
    Course,
    Credential,
    /// An exam: plannable like a course (hours, fee), no articulations into it.
    Assessment,
}

impl Kind {
    /// A unit a plan takes (a course or an assessment), as opposed to one it earns.
    pub fn is_unit(self) -> bool {
        matches!(self, Kind::Course | Kind::Assessment)
    }
}

/// The universe of one request.
pub struct Model<'g> {
    pub graph: &'g CatalogGraph,
    pub entry: EntryPoint,
    /// Local index -> global item (`None` for the root).
    pub items: Vec<Option<Item>>,
    pub index: HashMap<Item, u32>,
    pub kind: Vec<Kind>,
    pub groups: Vec<Vec<LGroup>>,
    /// Full-credit articulations into a course: (source, articulation).
    pub arts_in: Vec<Vec<(u32, crate::graph::ArticulationIx)>>,
    /// Hours of a course (0 for credentials).
    pub hours: Vec<f64>,
    pub system: Vec<Option<System>>,
    /// Courses and assessments a plan may take: in the backward closure, open to the entry
    /// point, not already satisfied by the learner's own record.
    pub takeable: Bits,
    /// Learner's completed courses, held credentials and held assessment results, and the
    /// credentials the entry point assumes held.
    pub given: Bits,
    /// Credentials earned at graduation (a secondary learner's diploma): satisfied with no
    /// steps, reported as earned.
    pub graduation: Bits,
    /// Credentials the entry point may earn.
    pub earnable: Bits,
    /// Courses with `prior_learning_credit` whose every competency the learner demonstrated:
    /// waived with reason `prior_learning`.
    pub prior_waived: Bits,
    /// Per assessment: the taken items it waits for (the other members of the groups of the
    /// credentials that list it), so the exam comes after the program it certifies.
    pub after: Vec<Vec<u32>>,
    /// Position of each item in [`Model::order`].
    pub order_pos: Vec<u32>,
    /// Local competency ids taught (courses) or certified (credentials).
    pub comps: Vec<Vec<u32>>,
    /// Local competency index -> global.
    pub comp_global: Vec<CompetencyIx>,
    /// Dependencies first (cycles through articulations broken arbitrarily).
    order: Vec<u32>,
}

impl<'g> Model<'g> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Items with dependencies first, as far as articulation loops allow.
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    pub fn item(&self, i: u32) -> Item {
        self.items[i as usize].expect("not the root")
    }

    /// Builds the universe of `targets` (the credentials any of which earns the goal).
    ///
    /// Time and space O(size of the universe + its edges).
    pub fn build(
        graph: &'g CatalogGraph,
        targets: &[crate::graph::CredentialIx],
        entry: EntryPoint,
        learner: &Learner,
    ) -> Self {
        let mut items: Vec<Option<Item>> = vec![None];
        let mut index: HashMap<Item, u32> = HashMap::new();
        let mut backward_end;
        {
            let mut add = |it: Item, items: &mut Vec<Option<Item>>| {
                if let std::collections::hash_map::Entry::Vacant(v) = index.entry(it) {
                    v.insert(items.len() as u32);
                    items.push(Some(it));
                }
            };
            for &t in targets {
                add(Item::Credential(t), &mut items);
            }
            // Backward closure, breadth first.
            let mut next = 1;
            while next < items.len() {
                let it = items[next].unwrap();
                next += 1;
                for g in graph.groups(it) {
                    for &m in g.items() {
                        add(m, &mut items);
                    }
                }
                if let Item::Course(c) = it {
                    for &a in graph.articulations_to(c) {
                        let src = graph.articulation_from(a);
                        if src != Item::Course(crate::graph::CourseIx(u32::MAX)) {
                            add(src, &mut items);
                        }
                    }
                }
            }
            backward_end = items.len();
            for &c in &learner.completed {
                add(Item::Course(c), &mut items);
            }
            for &c in &learner.credentials {
                add(Item::Credential(c), &mut items);
            }
            for &(a, _) in &learner.assessments {
                add(Item::Assessment(a), &mut items);
            }
            // Courses waived by prior learning count like completed ones.
            if !learner.competencies.is_empty() {
                for (i, c) in graph.bundle().courses.iter().enumerate() {
                    let ix = crate::graph::CourseIx(i as u32);
                    let comps = graph.course_competencies(ix);
                    if c.prior_learning_credit
                        && !comps.is_empty()
                        && comps.iter().all(|k| learner.competencies.contains(k))
                    {
                        add(Item::Course(ix), &mut items);
                    }
                }
            }
            // Credentials the entry point assumes held or grants at graduation: what they
            // certify is held whether or not the plan needs them.
            for (i, c) in graph.bundle().credentials.iter().enumerate() {
                if entry.assumes_held(c.kind) || entry.earned_at_graduation(c.kind) {
                    add(Item::Credential(crate::graph::CredentialIx(i as u32)), &mut items);
                }
            }
            // Forward closure: credentials counted toward, courses articulated into.
            let mut next = 1;
            while next < items.len() {
                let it = items[next].unwrap();
                next += 1;
                for (edge, to) in graph.edges_from(it) {
                    match (edge, to) {
                        (Edge::Requirement { .. }, Node::Credential(c)) => add(Item::Credential(c), &mut items),
                        (Edge::Articulation(_), Node::Course(c)) => add(Item::Course(c), &mut items),
                        _ => {}
                    }
                }
            }
        }
        if backward_end > items.len() {
            backward_end = items.len();
        }
        let n = items.len();
        let mut kind = Vec::with_capacity(n);
        let mut groups = Vec::with_capacity(n);
        let mut arts_in = Vec::with_capacity(n);
        let mut hours = Vec::with_capacity(n);
        let mut system = Vec::with_capacity(n);
        let mut comps_global: Vec<&[CompetencyIx]> = Vec::with_capacity(n);
        let compile = |g: &Group| match g {
            Group::Choose { n, from } => LGroup::Choose {
                n: *n,
                from: from.iter().filter_map(|m| index.get(m).copied()).collect(),
            },
            Group::MinCredits { credits, from } => LGroup::Credits {
                min: *credits,
                from: from
                    .iter()
                    .filter_map(|m| {
                        let i = index.get(m).copied()?;
                        Some((i, graph.item_credits(*m)))
                    })
                    .collect(),
            },
        };
        for it in &items {
            match it {
                None => {
                    kind.push(Kind::Root);
                    groups.push(vec![LGroup::Choose {
                        n: 1,
                        from: targets.iter().map(|t| index[&Item::Credential(*t)]).collect(),
                    }]);
                    arts_in.push(vec![]);
                    hours.push(0.0);
                    system.push(None);
                    comps_global.push(&[]);
                }
                Some(Item::Course(c)) => {
                    let course = graph.course(*c);
                    kind.push(Kind::Course);
                    groups.push(graph.prerequisites(*c).iter().map(compile).collect());
                    arts_in.push(
                        graph
                            .articulations_to(*c)
                            .iter()
                            .filter(|&&a| graph.articulation(a).credits + 1e-9 >= course.credits)
                            .filter(|&&a| articulation_counts(graph, entry, learner, a, course.system))
                            .filter_map(|&a| index.get(&graph.articulation_from(a)).map(|&s| (s, a)))
                            .collect(),
                    );
                    hours.push(course.hours);
                    system.push(Some(course.system));
                    comps_global.push(graph.course_competencies(*c));
                }
                Some(Item::Credential(c)) => {
                    kind.push(Kind::Credential);
                    groups.push(graph.requirements(*c).iter().map(compile).collect());
                    arts_in.push(vec![]);
                    hours.push(0.0);
                    system.push(None);
                    comps_global.push(graph.credential_competencies(*c));
                }
                Some(Item::Assessment(a)) => {
                    kind.push(Kind::Assessment);
                    groups.push(graph.assessment_prerequisites(*a).iter().map(compile).collect());
                    arts_in.push(vec![]);
                    hours.push(graph.assessment(*a).hours);
                    system.push(None);
                    comps_global.push(graph.assessment_competencies(*a));
                }
            }
        }
        let mut comp_local: HashMap<CompetencyIx, u32> = HashMap::new();
        let mut comp_global: Vec<CompetencyIx> = Vec::new();
        let mut local_of = |c: CompetencyIx| {
            *comp_local.entry(c).or_insert_with(|| {
                comp_global.push(c);
                comp_global.len() as u32 - 1
            })
        };
        let comps: Vec<Vec<u32>> = comps_global
            .iter()
            .map(|cs| cs.iter().map(|&c| local_of(c)).collect())
            .collect();
        for &c in &learner.competencies {
            local_of(c);
        }
        let mut given = Bits::new(n);
        for &c in &learner.completed {
            given.set(index[&Item::Course(c)]);
        }
        for &c in &learner.credentials {
            given.set(index[&Item::Credential(c)]);
        }
        for &(a, _) in &learner.assessments {
            given.set(index[&Item::Assessment(a)]);
        }
        let mut graduation = Bits::new(n);
        let mut earnable = Bits::new(n);
        for (i, it) in items.iter().enumerate() {
            if let Some(Item::Credential(c)) = it {
                let k = graph.credential(*c).kind;
                if entry.assumes_held(k) {
                    given.set(i as u32);
                } else if entry.earned_at_graduation(k) && !given.get(i as u32) {
                    graduation.set(i as u32);
                }
                if entry.may_earn(k).is_ok() {
                    earnable.set(i as u32);
                }
            }
        }
        let mut prior_waived = Bits::new(n);
        for (i, it) in items.iter().enumerate() {
            if let Some(Item::Course(c)) = it {
                let comps = graph.course_competencies(*c);
                if graph.course(*c).prior_learning_credit
                    && !given.get(i as u32)
                    && !comps.is_empty()
                    && comps.iter().all(|k| learner.competencies.contains(k))
                {
                    prior_waived.set(i as u32);
                }
            }
        }
        let mut takeable = Bits::new(n);
        for (i, it) in items.iter().enumerate().take(backward_end).skip(1) {
            let open = match *it {
                Some(Item::Course(c)) => entry.may_take(graph.course(c)).is_ok(),
                Some(Item::Assessment(_)) => true,
                _ => false,
            };
            if open && !given.get(i as u32) && !prior_waived.get(i as u32) {
                takeable.set(i as u32);
            }
        }
        let mut after: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (u, k) in kind.iter().enumerate() {
            if *k != Kind::Credential {
                continue;
            }
            let members: Vec<u32> = groups[u].iter().flat_map(|g| g.members()).collect();
            for &a in &members {
                if kind[a as usize] == Kind::Assessment {
                    for &o in &members {
                        if o != a && !after[a as usize].contains(&o) {
                            after[a as usize].push(o);
                        }
                    }
                }
            }
        }
        let order = dependency_order(&groups, &arts_in);
        let mut order_pos = vec![0u32; n];
        for (p, &i) in order.iter().enumerate() {
            order_pos[i as usize] = p as u32;
        }
        Model {
            graph,
            entry,
            items,
            index,
            kind,
            groups,
            arts_in,
            hours,
            system,
            takeable,
            given,
            graduation,
            earnable,
            prior_waived,
            after,
            order_pos,
            comps,
            comp_global,
            order,
        }
    }

    /// The least fixpoint of satisfaction when the courses in `taken` are taken (each only
    /// once its prerequisites hold): given items, taken courses whose prerequisite groups hold,
    /// courses a satisfied item fully articulates into, credentials (and the root) whose
    /// groups hold.
    ///
    /// Time O(passes · (items + group members)); passes is small (1 + the number of times
    /// an articulation points against the dependency order).
    pub fn closure(&self, taken: &Bits) -> Bits {
        let mut sat = self.given.clone();
        sat.union_with(&self.graduation);
        sat.union_with(&self.prior_waived);
        loop {
            let mut changed = false;
            for &i in &self.order {
                if sat.get(i) {
                    continue;
                }
                let u = i as usize;
                let ok = match self.kind[u] {
                    Kind::Course => {
                        self.arts_in[u].iter().any(|(s, _)| sat.get(*s))
                            || (taken.get(i) && self.groups[u].iter().all(|g| g.holds(&sat)))
                    }
                    Kind::Assessment => taken.get(i) && self.groups[u].iter().all(|g| g.holds(&sat)),
                    // A credential listing no requirements cannot be earned by a plan (its
                    // requirements are unknown), only held; nor one the entry point may not earn.
                    Kind::Credential => {
                        self.earnable.get(i)
                            && !self.groups[u].is_empty()
                            && self.groups[u].iter().all(|g| g.holds(&sat))
                    }
                    Kind::Root => !self.groups[u].is_empty() && self.groups[u].iter().all(|g| g.holds(&sat)),
                };
                if ok {
                    sat.set(i);
                    changed = true;
                }
            }
            if !changed {
                return sat;
            }
        }
    }
}

/// Whether an articulation counts for this learner: the entry point's rule (college credit in
/// high school only through dual enrollment) and, for one with a `min_score`, a held score of
/// the assessment that reaches it.
fn articulation_counts(
    graph: &CatalogGraph,
    entry: EntryPoint,
    learner: &Learner,
    a: crate::graph::ArticulationIx,
    to: System,
) -> bool {
    let art = graph.articulation(a);
    let from = graph.articulation_from(a);
    let from_system = match from {
        Item::Course(c) if c.0 != u32::MAX => Some(graph.course(c).system),
        _ => None,
    };
    if entry.articulation_applies(art.kind, from_system, to).is_err() {
        return false;
    }
    match (art.min_score, from) {
        (Some(min), Item::Assessment(x)) => learner
            .assessments
            .iter()
            .any(|&(h, score)| h == x && score.is_some_and(|s| s + 1e-9 >= min)),
        _ => true,
    }
}

/// Items ordered so that group members and articulation sources come before the item, as far
/// as cycles allow (iterative depth-first post-order).
fn dependency_order(groups: &[Vec<LGroup>], arts_in: &[Vec<(u32, crate::graph::ArticulationIx)>]) -> Vec<u32> {
    let n = groups.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut order = Vec::with_capacity(n);
    let deps = |u: usize| -> Vec<u32> {
        let mut d: Vec<u32> = groups[u].iter().flat_map(|g| g.members()).collect();
        d.extend(arts_in[u].iter().map(|(s, _)| *s));
        d
    };
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, Vec<u32>, usize)> = vec![(start, deps(start), 0)];
        state[start] = 1;
        while let Some((u, ds, pos)) = stack.last_mut() {
            if *pos < ds.len() {
                let v = ds[*pos] as usize;
                *pos += 1;
                if state[v] == 0 {
                    state[v] = 1;
                    let dv = deps(v);
                    stack.push((v, dv, 0));
                }
            } else {
                state[*u] = 2;
                order.push(*u as u32);
                stack.pop();
            }
        }
    }
    order
}
