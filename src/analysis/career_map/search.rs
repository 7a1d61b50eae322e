//! Best-first search over partial AND/OR plans.
//!
//! # Summary
//!
//! A search node is a *partial plan*: the courses taken so far, the items **committed** to (the
//! goal and everything chosen to satisfy something committed), and the courses committed to be
//! **waived** (through a committed articulation source rather than taken). Expanding a node
//! branches on one committed, unsatisfied item that still needs a decision: the one whose
//! decision has the fewest children (a forced step first), since any one of them reaches every
//! minimal plan of the node:
//!
//! - a credential (or the goal) with a group short of its `choose`/`min_credits`: one child per
//!   combination of not-yet-committed members that makes up the shortfall (for min-credits
//!   groups, only the *minimal* such sets), so choose-N and min-credits groups are chosen
//!   optimally rather than greedily;
//! - a course without a route: one child taking it (its prerequisite groups then become short
//!   groups of a committed item, so prerequisite closure is part of the search), and one child
//!   per full-credit articulation into it, committing the source instead;
//! - a taken course with a short prerequisite group: as for credentials.
//!
//! A decision with a single child is no branching point: the expansion follows it at once,
//! admitting and bounding each step like any child, so only real choices are expansions (and
//! count against `max_expansions`). An articulation source that cannot be had without the
//! course it would waive (it necessarily needs it, see [`necessary`]) is no route into that
//! course, and a node whose remaining commitments need no decision (they wait on each other)
//! is dropped when generated: neither can lead to a plan.
//!
//! A node whose commitments are all satisfied (by the closure of its courses) is a complete
//! course set; it is kept when minimal (no single course can be dropped) and new, and is queued
//! again at its exact cost from [`Evaluator::simulate`].
//!
//! Nodes are ordered by a lexicographic **lower bound** (duplicative hours, objective,
//! unknown costs, tie-break hours, courses; per unit see [`Evaluator::unit_cost`], the summed
//! objective passed through [`Evaluator::objective_bound`]), each component admissible on its
//! own: the taken courses' figures,
//! plus the committed courses that can only be taken (no articulation into them can ever be
//! satisfied), plus the largest cheapest shortfall of any short group among members nobody is
//! committed to. Duplicative hours, which come first in the order and arise mostly inside a
//! plan (a course teaching what an earlier step taught), are bounded apart: the courses every
//! completion takes (those taken and the only-take units the commitments need) that are
//! duplicative wherever the step order can put them ([`DupFacts`]); the larger of that and the
//! sum above is the bound. For the `weeks` objective, whose plans are often as long as their
//! requirement chains and stage changes rather than their hours, the objective's bound is also
//! at least the terms every completion needs ([`Depths`]). Hence complete plans leave the
//! queue in order of their true cost, and the search stops once `k` plans are out and the next node's bound exceeds the k-th cost (plans
//! tying on cost are all collected so that exit value can break the tie). Every minimal course
//! set is reachable: following it, each decision has a child consistent with it.
//!
//! # Complexity
//!
//! Exponential in the worst case; each expansion costs O(U + E) (closure and bound over the
//! request's universe) plus the children's. Bounded by `max_expansions`.

use super::centi;
use super::model::{Bits, Kind, LGroup, Model};
use super::plan::{Evaluator, Sim};
use super::{Cost, MapError, Objective, SearchStats};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

/// A complete minimal course set and its evaluation.
#[derive(Debug, Clone)]
pub struct Found {
    pub taken: Bits,
    pub sim: Sim,
}

/// Queue order: cost (bound or exact), complete before open, newest first, slot.
type QueueKey = (Cost, u8, Reverse<u64>, usize);

struct Node {
    taken: Bits,
    committed: Bits,
    waived: Bits,
    /// Groups already expanded (by slot, see [`Slots`]).
    expanded: Bits,
    sat: Bits,
}

/// Group slots: group `g` of local item `i` is slot `start[i] + g`.
struct Slots {
    start: Vec<u32>,
    total: usize,
}

impl Slots {
    fn new(m: &Model<'_>) -> Slots {
        let mut start = Vec::with_capacity(m.len());
        let mut total = 0u32;
        for gs in &m.groups {
            start.push(total);
            total += gs.len() as u32;
        }
        Slots {
            start,
            total: total as usize,
        }
    }
    fn of(&self, i: u32, g: usize) -> u32 {
        self.start[i as usize] + g as u32
    }
}

enum Slot {
    Open(Node),
    Done(Found),
}

/// Precomputed per-request facts the bound uses.
struct Facts<'m> {
    possible: &'m Bits,
    slots: Slots,
    heur: Heur,
    /// Items necessarily satisfied on any way to satisfy an item (a sound under-estimate).
    nec: Vec<Bits>,
    /// Own cost of taking an item if it can only be taken: (dup, objective, tie, courses).
    own: Vec<[u64; DIMS]>,
    /// What taking a unit adds ([`Evaluator::unit_cost`], duplicative hours made exact for
    /// courses duplicative whenever taken, see [`DupFacts`]).
    unit: Vec<[u64; DIMS]>,
    dup: DupFacts,
    /// Term-depth lower bounds, for the `weeks` objective only (see [`Depths`]).
    depths: Option<Depths>,
}

/// Lower bounds of a plan's terms, for the `weeks` objective, whose plans are often as long as
/// their prerequisite chains and stage changes rather than their hours. The terms of a plan
/// follow `schedule::terms`: a term holds the courses (with hours) of one stage (their
/// system), at most `hours_per_term` hours of them unless one alone exceeds it; a course goes
/// in a term after the terms of the plan steps its groups list, an exam in the term of (or
/// after) them, a credential in the term of the step that completes it, and a course waived
/// by an articulation is held from its source's term. So a plan has at least, per stage, as
/// many terms of that stage as the courses of that stage on any chain of requirements, and
/// as its hours of that stage need; and its terms are at least the sum over stages.
///
/// Per item and stage, the fewest terms of that stage before the item can be held (a lower
/// bound; the same rules per stage, with `need(g)` the smallest count by which group `g` can
/// hold: 0 when it holds from the start, else the k-th smallest among members not held from
/// the start, or the count by which the members' credits make up the group):
///
/// - held from the start: 0;
/// - a course: the smaller of taking it (`max need(g)`, plus one in its own stage when it has
///   hours) and any articulation source's count;
/// - an exam, a credential or the goal: `max need(g)` (an exam also the smaller with sources).
///
/// Every completion holds the goal, its commitments and its taken units (from their own
/// steps). Computed by monotone relaxation from 0 in dependency order (loops keep what is
/// known so far), so every iterate is a valid lower bound; the per-stage counts are bounded
/// each on its own, so component-wise minima and k-th smallest values stay valid.
struct Depths {
    /// Per item: per stage, the fewest terms of that stage before it is held.
    held: Vec<[u32; STAGES]>,
    /// Per unit: the same when it is taken as a step.
    take: Vec<[u32; STAGES]>,
    /// Per unit: its stage and the hours it fills in a term, for courses with hours.
    fill: Vec<Option<(usize, u64)>>,
    hours_per_term: u64,
}

const STAGES: usize = 4;

impl Depths {
    const INF: u32 = u32::MAX / 4;

    fn new(m: &Model<'_>, ev: &Evaluator<'_, '_>, possible: &Bits) -> Depths {
        let n = m.len();
        let init = &ev.initial_sat;
        let hours_per_term = centi(ev.hours_per_term()).max(1);
        let fill: Vec<Option<(usize, u64)>> = (0..n)
            .map(|u| match (m.kind[u], m.system[u]) {
                (Kind::Course, Some(s)) if m.hours[u] > 0.0 => {
                    Some(((s as usize).min(STAGES - 1), centi(m.hours[u]).min(hours_per_term)))
                }
                _ => None,
            })
            .collect();
        let mut held = vec![[0u32; STAGES]; n];
        let mut take = vec![[0u32; STAGES]; n];
        for _ in 0..8 {
            let mut changed = false;
            for &i in m.order() {
                let u = i as usize;
                if init.get(i) {
                    continue;
                }
                let (h, t) = if !possible.get(i) {
                    ([Self::INF; STAGES], [Self::INF; STAGES])
                } else {
                    let mut t = [0u32; STAGES];
                    for g in &m.groups[u] {
                        let need = Self::need(g, init, possible, &held);
                        for s in 0..STAGES {
                            t[s] = t[s].max(need[s]);
                        }
                    }
                    if let Some((s, _)) = fill[u] {
                        t[s] = t[s].saturating_add(1);
                    }
                    if m.kind[u].is_unit() && !m.takeable.get(i) {
                        t = [Self::INF; STAGES];
                    }
                    let mut h = t;
                    if m.kind[u].is_unit() {
                        for &(src, _) in &m.arts_in[u] {
                            if possible.get(src) {
                                for s in 0..STAGES {
                                    h[s] = h[s].min(held[src as usize][s]);
                                }
                            }
                        }
                    }
                    (h.map(|x| x.min(Self::INF)), t.map(|x| x.min(Self::INF)))
                };
                // Keep the iteration monotone.
                let mut changed_here = false;
                for s in 0..STAGES {
                    if h[s] > held[u][s] {
                        held[u][s] = h[s];
                        changed_here = true;
                    }
                    if t[s] > take[u][s] {
                        take[u][s] = t[s];
                        changed_here = true;
                    }
                }
                changed |= changed_here;
            }
            if !changed {
                break;
            }
        }
        Depths {
            held,
            take,
            fill,
            hours_per_term,
        }
    }

    /// Per stage, the smallest count by which group `g` can hold.
    fn need(g: &LGroup, init: &Bits, possible: &Bits, held: &[[u32; STAGES]]) -> [u32; STAGES] {
        let mut out = [0u32; STAGES];
        if g.holds(init) {
            return out;
        }
        for (s, o) in out.iter_mut().enumerate() {
            *o = match g {
                LGroup::Choose { n, from } => {
                    let have = from.iter().filter(|&&x| init.get(x)).count() as u32;
                    let mut ts: Vec<u32> = from
                        .iter()
                        .filter(|&&x| !init.get(x) && possible.get(x))
                        .map(|&x| held[x as usize][s])
                        .collect();
                    ts.sort_unstable();
                    ts.get((*n - have) as usize - 1).copied().unwrap_or(Self::INF)
                }
                LGroup::Credits { min, from } => {
                    let mut left = min - from.iter().filter(|(x, _)| init.get(*x)).map(|(_, c)| c).sum::<f64>();
                    let mut ts: Vec<(u32, f64)> = from
                        .iter()
                        .filter(|(x, c)| !init.get(*x) && possible.get(*x) && *c > 0.0)
                        .map(|(x, c)| (held[*x as usize][s], *c))
                        .collect();
                    ts.sort_by_key(|a| a.0);
                    let mut at = Self::INF;
                    for (t, c) in ts {
                        left -= c;
                        if left <= 1e-9 {
                            at = t;
                            break;
                        }
                    }
                    at
                }
            };
        }
        out
    }

    /// The fewest terms of any completion of `node` whose taken set contains `fset`.
    fn terms(&self, ev: &Evaluator<'_, '_>, node: &Node, fset: &Bits) -> u32 {
        let mut chain = [0u32; STAGES];
        let mut widen = |v: &[u32; STAGES]| {
            for s in 0..STAGES {
                chain[s] = chain[s].max(v[s]);
            }
        };
        for i in node.committed.ones().chain(node.sat.ones()) {
            if !ev.initial_sat.get(i) {
                widen(&self.held[i as usize]);
            }
        }
        for i in node.taken.ones() {
            widen(&self.take[i as usize]);
        }
        let mut hours = [0u64; STAGES];
        for i in fset.ones() {
            if let Some((s, h)) = self.fill[i as usize] {
                hours[s] += h;
            }
        }
        (0..STAGES)
            .map(|s| chain[s].max(hours[s].div_ceil(self.hours_per_term) as u32))
            .fold(0u32, |a, b| a.saturating_add(b))
            .min(Self::INF)
    }
}

/// What makes a course duplicative in every plan that takes it, for the duplicative-hours
/// bound. Step order puts a course after everything its prerequisites need, and after every
/// step that is ready from the start with a smaller order key (the plan's step order is a list
/// schedule by key, see `plan.rs`). A course is duplicative when every competency it teaches
/// is held when it starts; competencies held for certain by then:
///
/// - those the learner holds (`held0`);
/// - those of the items its prerequisites necessarily need (`pre`, from [`necessary`]);
/// - those of the plan's *early* steps: courses ready from the start whose groups list no
///   course a plan may take (their depth is 0), in an earlier system, or in the same system
///   when the course is *deep* (a group short at the start can only be met by taking a
///   course, so its depth is at least 1).
struct DupFacts {
    /// Per item: its competencies (local competency bits).
    comps: Vec<Bits>,
    /// Per course: `held0` plus the competencies of its necessary prerequisites.
    pre: Vec<Bits>,
    /// Units with no route but taking them (in any completed plan they are taken).
    only_take: Bits,
    early: Bits,
    deep: Bits,
    /// Per item: the rank of its system (`None` for exams and credentials).
    system: Vec<Option<usize>>,
    hours: Vec<u64>,
}

/// Searches the `k` best minimal plans. See the module docs.
pub fn search(
    m: &Model<'_>,
    ev: &Evaluator<'_, '_>,
    possible: &Bits,
    k: usize,
    max_expansions: usize,
) -> Result<(Vec<Found>, SearchStats), MapError> {
    let n = m.len();
    let (nec, pre) = necessary(m, ev, possible);
    let dup = DupFacts::new(m, ev, possible, &pre);
    let unit: Vec<[u64; DIMS]> = (0..n as u32)
        .map(|i| {
            let mut c = ev.unit_cost(i);
            if dup.forced(i, &dup.pre[i as usize]) {
                c[0] = c[0].max(dup.hours[i as usize]);
            }
            c
        })
        .collect();
    let own: Vec<[u64; DIMS]> = (0..n as u32)
        .map(|i| {
            if dup.only_take.get(i) {
                unit[i as usize]
            } else {
                [0; DIMS]
            }
        })
        .collect();
    let depths = (ev.objective() == Objective::Weeks).then(|| Depths::new(m, ev, possible));
    let facts = Facts {
        depths,
        possible,
        slots: Slots::new(m),
        heur: Heur::new(m, ev, possible, &unit, &own),
        nec,
        own,
        unit,
        dup,
    };
    let mut stats = SearchStats::default();
    let mut slots: Vec<Slot> = Vec::new();
    let mut heap: BinaryHeap<Reverse<QueueKey>> = BinaryHeap::new();
    let mut seen = Seen::default();
    let mut results: Vec<Found> = Vec::new();
    let mut seq = 0u64;

    let mut root = Node {
        taken: Bits::new(n),
        committed: Bits::new(n),
        waived: Bits::new(n),
        expanded: Bits::new(facts.slots.total),
        sat: ev.initial_sat.clone(),
    };
    root.committed.set(0);
    let lb = bound(m, ev, &facts, &root);
    if std::env::var_os("SEARCH_TRACE").is_some() {
        eprintln!("TRACE root bound {lb:?}");
    }
    slots.push(Slot::Open(root));
    heap.push(Reverse((lb, 1, Reverse(seq), 0)));

    while let Some(Reverse((cost, _, _, idx))) = heap.pop() {
        if results.len() >= k && cost > results[k - 1].sim.cost {
            break;
        }
        let mut node = match std::mem::replace(&mut slots[idx], Slot::Open(empty())) {
            Slot::Done(f) => {
                results.push(f);
                continue;
            }
            Slot::Open(node) => node,
        };
        stats.expanded += 1;
        if stats.expanded > max_expansions {
            return Err(MapError::TooComplex { limit: max_expansions });
        }
        let kth = (results.len() >= k).then(|| results[k - 1].sim.cost);
        // A decision with one child is no branching point: follow it at once (each step
        // admitted and bounded like any child), so only real choices count as expansions.
        let admitted: Vec<Admitted> = loop {
            let mut kids = children(m, &facts, &node);
            if kids.len() == 1 {
                match admit(m, ev, &facts, &node, kids.swap_remove(0), kth, &mut seen) {
                    Admitted::Open(next, _) => {
                        node = next;
                        continue;
                    }
                    other => break vec![other],
                }
            }
            break kids
                .into_iter()
                .map(|child| admit(m, ev, &facts, &node, child, kth, &mut seen))
                .collect();
        };
        for a in admitted {
            seq += 1;
            let (key, slot) = match a {
                Admitted::Open(child, lb) => ((lb, 1), Slot::Open(child)),
                Admitted::Done(found) => ((found.sim.cost, 0), Slot::Done(found)),
                Admitted::Dropped => continue,
            };
            slots.push(slot);
            heap.push(Reverse((key.0, key.1, Reverse(u64::MAX - seq), slots.len() - 1)));
        }
    }
    stats.generated = seen.generated;
    stats.complete = seen.complete;
    // Equal costs: higher exit value first, then course ids.
    results.sort_by(|a, b| {
        a.sim
            .cost
            .cmp(&b.sim.cost)
            .then(b.sim.exit_value.total_cmp(&a.sim.exit_value))
            .then_with(|| ids(m, &a.taken).cmp(&ids(m, &b.taken)))
    });
    results.truncate(k);
    Ok((results, stats))
}

/// What the search has generated so far.
#[derive(Default)]
struct Seen {
    /// Nodes (taken, committed, waived, expanded), so each is admitted once.
    nodes: HashSet<Vec<usize>>,
    /// Complete course sets, so each is evaluated once.
    sets: HashSet<Bits>,
    generated: usize,
    complete: usize,
}

/// What becomes of a generated child.
enum Admitted {
    /// Open, with its bound.
    Open(Node, Cost),
    /// A complete, minimal, new course set at or below the k-th cost so far.
    Done(Found),
    /// Seen before, not minimal, infeasible, or bounded above the k-th cost so far.
    Dropped,
}

/// Admits a child of `parent`: drops it when seen before or when no completion of it can be
/// minimal or beat `kth` (the k-th cost so far, once `k` plans are out); a complete child is
/// evaluated exactly.
fn admit(
    m: &Model<'_>,
    ev: &Evaluator<'_, '_>,
    facts: &Facts<'_>,
    parent: &Node,
    (taken, committed, waived, expanded): Child,
    kth: Option<Cost>,
    seen: &mut Seen,
) -> Admitted {
    let (t, c, w, e) = (taken.blocks(), committed.blocks(), waived.blocks(), expanded.blocks());
    let mut key = Vec::with_capacity(t.len() + c.len() + w.len() + e.len());
    key.extend_from_slice(t);
    key.extend_from_slice(c);
    key.extend_from_slice(w);
    key.extend_from_slice(e);
    if !seen.nodes.insert(key) {
        return Admitted::Dropped;
    }
    seen.generated += 1;
    let sat = if taken == parent.taken {
        parent.sat.clone()
    } else {
        m.closure(&taken)
    };
    let child = Node {
        taken,
        committed,
        waived,
        expanded,
        sat,
    };
    if child.sat.get(0) && !child.committed.is_subset(&child.sat) {
        // The goal is met but commitments remain: every completion adds droppable
        // courses, so none is minimal.
        return Admitted::Dropped;
    }
    if child.committed.is_subset(&child.sat) {
        // Complete: keep it when minimal and new.
        if !seen.sets.insert(child.taken.clone()) || !minimal(m, &child.taken) {
            return Admitted::Dropped;
        }
        let Some(sim) = ev.simulate(&child.taken) else {
            return Admitted::Dropped;
        };
        seen.complete += 1;
        if kth.is_some_and(|kth| sim.cost > kth) {
            return Admitted::Dropped;
        }
        return Admitted::Done(Found {
            taken: child.taken,
            sim,
        });
    }
    if stuck(m, facts, &child) {
        // Commitments remain but none needs a decision: they wait on each other (an
        // articulation source that requires the course it waives), so nothing completes it.
        return Admitted::Dropped;
    }
    let lb = bound(m, ev, facts, &child);
    if kth.is_some_and(|kth| lb > kth) {
        return Admitted::Dropped;
    }
    Admitted::Open(child, lb)
}

/// True when no committed, unsatisfied item of `node` has a decision left (see [`decision`]).
fn stuck(m: &Model<'_>, facts: &Facts<'_>, node: &Node) -> bool {
    node.committed.ones().filter(|&i| !node.sat.get(i)).all(|i| {
        let u = i as usize;
        if m.kind[u].is_unit() && !node.taken.get(i) {
            return node.waived.get(i);
        }
        m.groups[u]
            .iter()
            .enumerate()
            .all(|(gi, g)| node.expanded.get(facts.slots.of(i, gi)) || deficit(g, &node.sat).is_none())
    })
}

fn empty() -> Node {
    Node {
        taken: Bits::default(),
        committed: Bits::default(),
        waived: Bits::default(),
        expanded: Bits::default(),
        sat: Bits::default(),
    }
}

fn ids<'a>(m: &'a Model<'_>, taken: &Bits) -> Vec<&'a str> {
    let mut v: Vec<&str> = taken.ones().map(|i| m.graph.item_id(m.item(i))).collect();
    v.sort_unstable();
    v
}

/// True when no single course of `taken` can be dropped with the goal still met.
pub fn minimal(m: &Model<'_>, taken: &Bits) -> bool {
    let mut t = taken.clone();
    for i in taken.ones() {
        t.clear(i);
        let still = m.closure(&t).get(0);
        t.set(i);
        if still {
            return false;
        }
    }
    true
}

/// How far a group is from holding, counting committed members as if satisfied:
/// `Some(shortfall)` (members for choose groups, credits for min-credits groups) or `None`.
fn shortfall(group: &LGroup, sat: &Bits, committed: &Bits) -> Option<f64> {
    match group {
        LGroup::Choose { n, from } => {
            let have = from.iter().filter(|&&i| sat.get(i) || committed.get(i)).count() as u32;
            (have < *n).then(|| (*n - have) as f64)
        }
        LGroup::Credits { min, from } => {
            let have: f64 = from
                .iter()
                .filter(|(i, _)| sat.get(*i) || committed.get(*i))
                .map(|(_, c)| c)
                .sum();
            (have + 1e-9 < *min).then_some(*min - have)
        }
    }
}

/// Members a group expansion may assign: possible and not yet satisfied (committed or not).
fn candidates(group: &LGroup, node: &Node, facts: &Facts<'_>) -> Vec<(u32, f64)> {
    let ok = |i: u32| !node.sat.get(i) && facts.possible.get(i);
    match group {
        LGroup::Choose { from, .. } => from.iter().filter(|&&i| ok(i)).map(|&i| (i, 1.0)).collect(),
        LGroup::Credits { from, .. } => from.iter().filter(|(i, c)| ok(*i) && *c > 0.0).copied().collect(),
    }
}

/// How far a group is from holding on `sat` alone: members (choose) or credits (min-credits).
fn deficit(group: &LGroup, sat: &Bits) -> Option<f64> {
    match group {
        LGroup::Choose { n, from } => {
            let have = from.iter().filter(|&&i| sat.get(i)).count() as u32;
            (have < *n).then(|| (*n - have) as f64)
        }
        LGroup::Credits { min, from } => {
            let have: f64 = from.iter().filter(|(i, _)| sat.get(*i)).map(|(_, c)| c).sum();
            (have + 1e-9 < *min).then_some(*min - have)
        }
    }
}

type Child = (Bits, Bits, Bits, Bits);

/// The children of a node: (taken, committed, waived, expanded).
fn children(m: &Model<'_>, facts: &Facts<'_>, node: &Node) -> Vec<Child> {
    // Any open decision's children reach every minimal plan of the node; the one with the
    // fewest children branches least (a forced step first).
    let mut best: Option<Vec<Child>> = None;
    for i in node.committed.ones() {
        if node.sat.get(i) {
            continue;
        }
        if let Some(out) = decision(m, facts, node, i) {
            if out.len() <= 1 {
                return out;
            }
            if best.as_ref().is_none_or(|b| out.len() < b.len()) {
                best = Some(out);
            }
        }
    }
    best.unwrap_or_default()
}

/// The children of the decision on committed, unsatisfied item `i`, if it needs one: how to
/// have a unit (take it, or waive it through a source), or which members make up the first
/// group of a credential, the goal or a taken course that neither holds nor was expanded.
fn decision(m: &Model<'_>, facts: &Facts<'_>, node: &Node, i: u32) -> Option<Vec<Child>> {
    let mut out = Vec::new();
    let u = i as usize;
    if m.kind[u].is_unit() && !node.taken.get(i) {
        if node.waived.get(i) {
            return None;
        }
        // Route: take it, or waive it through a source.
        if m.takeable.get(i) && m.groups[u].iter().all(|g| g.holds(facts.possible)) {
            let mut t = node.taken.clone();
            t.set(i);
            out.push((t, node.committed.clone(), node.waived.clone(), node.expanded.clone()));
        }
        for &(s, _) in &m.arts_in[u] {
            // A source that cannot be had without the course itself waives nothing: taking
            // the course reaches the same minimal plans.
            if facts.possible.get(s) && !facts.nec[s as usize].get(i) {
                let mut c = node.committed.clone();
                c.set(s);
                let mut w = node.waived.clone();
                w.set(i);
                out.push((node.taken.clone(), c, w, node.expanded.clone()));
            }
        }
        return Some(out);
    }
    for (gi, group) in m.groups[u].iter().enumerate() {
        let slot = facts.slots.of(i, gi);
        if node.expanded.get(slot) {
            continue;
        }
        let Some(short) = deficit(group, &node.sat) else {
            continue;
        };
        let cands = candidates(group, node, facts);
        let mut push = |chosen: &[u32]| {
            // Choosing X while leaving out a member Y that X cannot be had without gives
            // no minimal plan the choice of Y does not give (Y is below X).
            // (Choose groups only: the swap keeps the count, not the credits.)
            let implied_left_out = matches!(group, LGroup::Choose { .. })
                && chosen.iter().any(|&x| {
                    cands
                        .iter()
                        .any(|&(y, _)| y != x && facts.nec[x as usize].get(y) && !chosen.contains(&y))
                });
            if implied_left_out {
                return;
            }
            let mut c = node.committed.clone();
            for &x in chosen {
                c.set(x);
            }
            let mut e = node.expanded.clone();
            e.set(slot);
            out.push((node.taken.clone(), c, node.waived.clone(), e));
        };
        match group {
            LGroup::Choose { .. } => combinations(&cands, short as usize, &mut push),
            LGroup::Credits { .. } => minimal_credit_sets(&cands, short, &mut push),
        }
        return Some(out);
    }
    None
}

/// Calls `f` with every `r`-subset of `items` (by index order).
fn combinations(items: &[(u32, f64)], r: usize, f: &mut impl FnMut(&[u32])) {
    fn rec(items: &[(u32, f64)], r: usize, start: usize, cur: &mut Vec<u32>, f: &mut impl FnMut(&[u32])) {
        if cur.len() == r {
            f(cur);
            return;
        }
        let need = r - cur.len();
        for j in start..items.len() {
            if items.len() - j < need {
                break;
            }
            cur.push(items[j].0);
            rec(items, r, j + 1, cur, f);
            cur.pop();
        }
    }
    if r <= items.len() {
        rec(items, r, 0, &mut Vec::with_capacity(r), f);
    }
}

/// Calls `f` with every set of `items` whose credits reach `need` and from which no item can
/// be dropped.
fn minimal_credit_sets(items: &[(u32, f64)], need: f64, f: &mut impl FnMut(&[u32])) {
    fn rec(
        items: &[(u32, f64)],
        need: f64,
        start: usize,
        cur: &mut Vec<(u32, f64)>,
        sum: f64,
        f: &mut impl FnMut(&[u32]),
    ) {
        if sum + 1e-9 >= need {
            let min = cur.iter().map(|(_, c)| *c).fold(f64::INFINITY, f64::min);
            if sum - min + 1e-9 < need {
                let ids: Vec<u32> = cur.iter().map(|(i, _)| *i).collect();
                f(&ids);
            }
            return;
        }
        for j in start..items.len() {
            cur.push(items[j]);
            rec(items, need, j + 1, cur, sum + items[j].1, f);
            cur.pop();
        }
    }
    rec(items, need, 0, &mut Vec::new(), 0.0, f);
}

const INF: u64 = u64::MAX / 8;

/// Cost dimensions of the bound: duplicative, objective, unknown costs, tie hours, steps (see
/// [`Evaluator::unit_cost`]).
const DIMS: usize = 5;

/// For every item, items that are satisfied on *every* way of satisfying it from the initial
/// state: members of groups that need all their reachable members, prerequisites every route
/// of a course needs, the source of a course's only route. One pass in dependency order
/// (items in an articulation loop keep what is known so far), so the sets are sound
/// under-estimates.
///
/// Also returns, per unit, the items its prerequisites necessarily need (what must be
/// satisfied before it is taken; without the unit itself).
fn necessary(m: &Model<'_>, ev: &Evaluator<'_, '_>, possible: &Bits) -> (Vec<Bits>, Vec<Bits>) {
    let n = m.len();
    let mut pre: Vec<Bits> = vec![Bits::new(n); n];
    let mut nec: Vec<Bits> = (0..n as u32)
        .map(|i| {
            let mut b = Bits::new(n);
            b.set(i);
            b
        })
        .collect();
    let open = |x: u32| possible.get(x) && !ev.initial_sat.get(x);
    for &i in m.order() {
        let u = i as usize;
        if !open(i) {
            continue;
        }
        // Members of groups that need every reachable member.
        let mut groups_need = Bits::new(n);
        for g in &m.groups[u] {
            if let LGroup::Choose { n: k, from } = g {
                let live: Vec<u32> = from.iter().copied().filter(|&x| open(x)).collect();
                let have = from.iter().filter(|&&x| ev.initial_sat.get(x)).count() as u32;
                if have < *k && live.len() as u32 == *k - have {
                    for x in live {
                        groups_need.union_with(&nec[x as usize]);
                    }
                }
            }
        }
        let mut b = if m.kind[u].is_unit() {
            pre[u] = groups_need.clone();
            let mut routes: Vec<Bits> = Vec::new();
            if m.takeable.get(i) && m.groups[u].iter().all(|g| g.holds(possible)) {
                routes.push(groups_need);
            }
            for &(s, _) in &m.arts_in[u] {
                if open(s) {
                    routes.push(nec[s as usize].clone());
                } else if possible.get(s) {
                    routes.push(Bits::new(n));
                }
            }
            let mut it = routes.into_iter();
            let mut acc = it.next().unwrap_or_else(|| Bits::new(n));
            for r in it {
                acc.intersect_with(&r);
            }
            acc
        } else {
            groups_need
        };
        b.set(i);
        nec[u] = b;
    }
    (nec, pre)
}

impl DupFacts {
    fn new(m: &Model<'_>, ev: &Evaluator<'_, '_>, possible: &Bits, pre_items: &[Bits]) -> DupFacts {
        let n = m.len();
        let width = ev.held0.len();
        let comps: Vec<Bits> = m
            .comps
            .iter()
            .map(|cs| {
                let mut b = Bits::new(width);
                for &k in cs {
                    b.set(k);
                }
                b
            })
            .collect();
        let init = &ev.initial_sat;
        let open = |x: u32| possible.get(x) && !init.get(x);
        let mut only_take = Bits::new(n);
        for i in 0..n as u32 {
            let u = i as usize;
            let waivable = m.arts_in[u].iter().any(|(s, _)| possible.get(*s));
            if m.kind[u].is_unit() && m.takeable.get(i) && !waivable {
                only_take.set(i);
            }
        }
        let mut early = Bits::new(n);
        let mut deep = Bits::new(n);
        let mut pre = Vec::with_capacity(n);
        for i in 0..n as u32 {
            let u = i as usize;
            let mut held = ev.held0.clone();
            for x in pre_items[u].ones() {
                held.union_with(&comps[x as usize]);
            }
            pre.push(held);
            if m.kind[u] != Kind::Course || m.system[u].is_none() {
                continue;
            }
            let course_members =
                |g: &LGroup| -> Vec<u32> { g.members().filter(|&x| m.kind[x as usize] == Kind::Course).collect() };
            if m.groups[u].iter().all(|g| g.holds(init))
                && m.groups[u]
                    .iter()
                    .all(|g| course_members(g).iter().all(|&x| !m.takeable.get(x)))
            {
                early.set(i);
            }
            if m.groups[u].iter().any(|g| {
                !g.holds(init)
                    && g.members()
                        .filter(|&x| open(x))
                        .all(|x| m.kind[x as usize] == Kind::Course && only_take.get(x))
            }) {
                deep.set(i);
            }
        }
        DupFacts {
            comps,
            pre,
            only_take,
            early,
            deep,
            system: m.system.iter().map(|s| s.map(|s| s as usize)).collect(),
            hours: m.hours.iter().map(|&h| centi(h)).collect(),
        }
    }

    /// True when course `i` is duplicative whenever it starts holding `held`.
    fn forced(&self, i: u32, held: &Bits) -> bool {
        let c = &self.comps[i as usize];
        self.system[i as usize].is_some() && c.count() > 0 && c.is_subset(held) && self.hours[i as usize] > 0
    }

    /// Duplicative hours certain in every completion whose taken set contains `fset`: (those
    /// of its members already taken, those of all of it).
    fn bound(&self, m: &Model<'_>, fset: &Bits, taken: &Bits) -> (u64, u64) {
        const SYSTEMS: usize = 4;
        let width = self.comps.first().map_or(0, Bits::len);
        let mut by_system: Vec<Bits> = vec![Bits::new(width); SYSTEMS];
        for x in fset.ones() {
            if self.early.get(x)
                && let Some(s) = self.system[x as usize]
            {
                by_system[s.min(SYSTEMS - 1)].union_with(&self.comps[x as usize]);
            }
        }
        let (mut in_taken, mut all) = (0u64, 0u64);
        for c in fset.ones() {
            let u = c as usize;
            let (Kind::Course, Some(s)) = (m.kind[u], self.system[u]) else {
                continue;
            };
            // A course listing a course the plan takes has depth at least 1.
            let deep = self.deep.get(c)
                || m.groups[u]
                    .iter()
                    .flat_map(|g| g.members())
                    .any(|x| m.kind[x as usize] == Kind::Course && fset.get(x));
            let mut held = self.pre[u].clone();
            for (t, b) in by_system.iter().enumerate() {
                if t < s || (t == s && deep) {
                    held.union_with(b);
                }
            }
            if self.forced(c, &held) {
                all += self.hours[u];
                if taken.get(c) {
                    in_taken += self.hours[u];
                }
            }
        }
        (in_taken, all)
    }
}

/// Static lower bounds of one request, from the learner's initial state.
///
/// `fp[i]` (footprint) is the set of courses that could be taken on the way to satisfying `i`
/// (its backward closure among takeable courses). `hm[i]` bounds, per cost dimension, what
/// satisfying `i` costs from the initial state: the cheaper route of a course (its own cost
/// plus its prerequisites, or an articulation source), and for groups and group lists the
/// *sum* when the footprints involved are pairwise disjoint (no course can serve two of them)
/// and the *maximum* otherwise. Computed by monotone relaxation from 0, so every iterate is a
/// valid lower bound even around articulation loops.
struct Heur {
    fp: Vec<Bits>,
    hm: Vec<[u64; DIMS]>,
}

/// A need's lower bound when its members' footprints may be summed or not.
fn group_value(
    g: &LGroup,
    short: f64,
    cands: &[(u32, f64)],
    fp: &[Bits],
    val: impl Fn(u32) -> [u64; DIMS],
) -> ([u64; DIMS], Bits) {
    let mut union = Bits::new(fp.first().map_or(0, Bits::len));
    let mut disjoint = true;
    for (c, _) in cands {
        if disjoint && !union.is_disjoint(&fp[*c as usize]) {
            disjoint = false;
        }
        union.union_with(&fp[*c as usize]);
    }
    (need_value(g, short, cands, disjoint, val), union)
}

/// A need's lower bound from its members' own costs alone ([`Facts::own`]: a unit that can
/// only be taken costs itself; anything else 0). The members are distinct units, so their own
/// costs add up whatever their footprints; the part counts only the members themselves, so it
/// combines with any part whose footprint holds none of them.
fn own_value(g: &LGroup, short: f64, cands: &[(u32, f64)], n: usize, own: &[[u64; DIMS]]) -> ([u64; DIMS], Bits) {
    let mut members = Bits::new(n);
    for (c, _) in cands {
        if own[*c as usize] != [0; DIMS] {
            members.set(*c);
        }
    }
    (need_value(g, short, cands, true, |c| own[c as usize]), members)
}

/// A need's lower bound per dimension: the sum of the cheapest (choose groups; fractional
/// knapsack for min-credits groups) when the members' costs may be added, the cheapest single
/// member needed otherwise.
fn need_value(
    g: &LGroup,
    short: f64,
    cands: &[(u32, f64)],
    disjoint: bool,
    val: impl Fn(u32) -> [u64; DIMS],
) -> [u64; DIMS] {
    let mut out = [0u64; DIMS];
    for (dim, o) in out.iter_mut().enumerate() {
        match g {
            LGroup::Choose { .. } => {
                let d = short as usize;
                if d > cands.len() {
                    *o = INF;
                    continue;
                }
                let mut v: Vec<u64> = cands.iter().map(|(c, _)| val(*c)[dim]).collect();
                v.sort_unstable();
                *o = if d == 0 {
                    0
                } else if disjoint {
                    v[..d].iter().fold(0u64, |a, b| a.saturating_add(*b))
                } else {
                    v[d - 1]
                };
            }
            LGroup::Credits { .. } => {
                let total: f64 = cands.iter().map(|(_, cr)| cr).sum();
                if total + 1e-9 < short {
                    *o = INF;
                    continue;
                }
                if disjoint {
                    // Fractional knapsack: cheapest cost per credit first.
                    let mut v: Vec<(f64, f64)> = cands.iter().map(|(c, cr)| (val(*c)[dim] as f64 / cr, *cr)).collect();
                    v.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let (mut left, mut acc) = (short, 0.0);
                    for (rate, cr) in v {
                        if left <= 1e-9 {
                            break;
                        }
                        let take = cr.min(left);
                        acc += rate * take;
                        left -= take;
                    }
                    *o = (acc - 1e-6).max(0.0).floor() as u64;
                } else {
                    *o = cands.iter().map(|(c, _)| val(*c)[dim]).min().unwrap_or(INF);
                }
            }
        }
    }
    out
}

impl Heur {
    fn new(
        m: &Model<'_>,
        ev: &Evaluator<'_, '_>,
        possible: &Bits,
        own_take: &[[u64; DIMS]],
        own: &[[u64; DIMS]],
    ) -> Heur {
        let n = m.len();
        let order = m.order();
        let mut fp: Vec<Bits> = vec![Bits::new(n); n];
        for _ in 0..8 {
            let mut changed = false;
            for &i in order {
                let u = i as usize;
                if ev.initial_sat.get(i) || !possible.get(i) {
                    continue;
                }
                let mut b = fp[u].clone();
                if m.takeable.get(i) {
                    b.set(i);
                }
                for x in m.groups[u].iter().flat_map(|g| g.members()) {
                    if possible.get(x) && !ev.initial_sat.get(x) {
                        b.union_with(&fp[x as usize]);
                    }
                }
                for &(s, _) in &m.arts_in[u] {
                    if possible.get(s) && !ev.initial_sat.get(s) {
                        b.union_with(&fp[s as usize]);
                    }
                }
                if b != fp[u] {
                    fp[u] = b;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut hm: Vec<[u64; DIMS]> = vec![[0; DIMS]; n];
        for _ in 0..8 {
            let mut changed = false;
            for &i in order {
                let u = i as usize;
                if ev.initial_sat.get(i) || !possible.get(i) {
                    continue;
                }
                let groups_v = Self::groups_value(m, i, &ev.initial_sat, possible, &fp, &hm, own);
                let v = if m.kind[u].is_unit() {
                    let mut best = [INF; DIMS];
                    if m.takeable.get(i) && m.groups[u].iter().all(|g| g.holds(possible)) {
                        for d in 0..DIMS {
                            best[d] = own_take[u][d].saturating_add(groups_v[d]);
                        }
                    }
                    for &(s, _) in &m.arts_in[u] {
                        if possible.get(s) {
                            for d in 0..DIMS {
                                best[d] = best[d].min(hm[s as usize][d]);
                            }
                        }
                    }
                    best
                } else {
                    groups_v
                };
                let v = v.map(|x| x.min(INF));
                if v != hm[u] {
                    // Keep the iteration monotone.
                    let mut w = hm[u];
                    for d in 0..DIMS {
                        w[d] = w[d].max(v[d]);
                    }
                    if w != hm[u] {
                        hm[u] = w;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Heur { fp, hm }
    }

    /// The combined bound of an item's groups from state `sat`.
    fn groups_value(
        m: &Model<'_>,
        i: u32,
        sat: &Bits,
        possible: &Bits,
        fp: &[Bits],
        hm: &[[u64; DIMS]],
        own: &[[u64; DIMS]],
    ) -> [u64; DIMS] {
        let mut parts: Vec<([u64; DIMS], Bits)> = Vec::new();
        for g in &m.groups[i as usize] {
            let Some(short) = deficit(g, sat) else { continue };
            let cands: Vec<(u32, f64)> = match g {
                LGroup::Choose { from, .. } => from
                    .iter()
                    .filter(|&&x| possible.get(x) && !sat.get(x))
                    .map(|&x| (x, 1.0))
                    .collect(),
                LGroup::Credits { from, .. } => from
                    .iter()
                    .filter(|(x, c)| possible.get(*x) && !sat.get(*x) && *c > 0.0)
                    .copied()
                    .collect(),
            };
            parts.push(group_value(g, short, &cands, fp, |c| hm[c as usize]));
            parts.push(own_value(g, short, &cands, m.len(), own));
        }
        combine(parts)
    }
}

/// Sums the parts whose footprints are pairwise disjoint (greedily, largest first) and takes
/// the maximum of the rest; a valid lower bound either way.
fn combine(mut parts: Vec<([u64; DIMS], Bits)>) -> [u64; DIMS] {
    parts.sort_by(|a, b| b.0[1].cmp(&a.0[1]).then(b.0[4].cmp(&a.0[4])));
    let mut sum = [0u64; DIMS];
    let mut rest = [0u64; DIMS];
    let mut union: Option<Bits> = None;
    for (v, fp) in parts {
        let free = union.as_ref().is_none_or(|u| u.is_disjoint(&fp));
        if free {
            for d in 0..DIMS {
                sum[d] = sum[d].saturating_add(v[d]);
            }
            match &mut union {
                Some(u) => u.union_with(&fp),
                None => union = Some(fp),
            }
        } else {
            for d in 0..DIMS {
                rest[d] = rest[d].max(v[d]);
            }
        }
    }
    let mut out = [0u64; DIMS];
    for d in 0..DIMS {
        out[d] = sum[d].max(rest[d]).min(INF);
    }
    out
}

/// The lexicographic lower bound of every completion of `node` (see the module docs): the
/// taken courses' cost plus a footprint-disjoint family of open needs. A need whose footprint
/// holds a taken course may already be partly paid for; it then counts only the own cost of
/// members that can only be taken.
fn bound(m: &Model<'_>, ev: &Evaluator<'_, '_>, facts: &Facts<'_>, node: &Node) -> Cost {
    let mut acc = [0u64; DIMS];
    for i in node.taken.ones() {
        let c = facts.unit[i as usize];
        for d in 0..DIMS {
            acc[d] += c[d];
        }
    }
    // The courses every completion takes: those taken and the only-take units the
    // commitments necessarily need.
    let mut fset = node.taken.clone();
    for c in node.committed.ones() {
        if node.sat.get(c) {
            continue;
        }
        for x in facts.nec[c as usize].ones() {
            if facts.dup.only_take.get(x) && !node.sat.get(x) {
                fset.set(x);
            }
        }
    }
    let (dup_taken, dup_all) = facts.dup.bound(m, &fset, &node.taken);
    acc[0] = acc[0].max(dup_taken);
    let h = &facts.heur;
    let fresh = |b: &Bits| b.is_disjoint(&node.taken);
    let mut parts: Vec<([u64; DIMS], Bits)> = Vec::new();
    for i in node.committed.ones() {
        if node.sat.get(i) {
            continue;
        }
        let u = i as usize;
        if m.kind[u].is_unit() && !node.taken.get(i) {
            if !node.waived.get(i) {
                if fresh(&h.fp[u]) {
                    parts.push((h.hm[u], h.fp[u].clone()));
                } else {
                    let mut b = Bits::new(m.len());
                    b.set(i);
                    parts.push((facts.own[u], b));
                }
            }
            continue;
        }
        for (gi, g) in m.groups[u].iter().enumerate() {
            if node.expanded.get(facts.slots.of(i, gi)) {
                continue;
            }
            let Some(short) = shortfall(g, &node.sat, &node.committed) else {
                continue;
            };
            let cands: Vec<(u32, f64)> = candidates(g, node, facts)
                .into_iter()
                .filter(|(c, _)| !node.committed.get(*c))
                .collect();
            let (v, fp) = group_value(g, short, &cands, &h.fp, |c| h.hm[c as usize]);
            if fresh(&fp) {
                parts.push((v, fp));
            } else {
                // Only members that must be taken, at their own cost.
                let mut b = Bits::new(m.len());
                for (c, _) in &cands {
                    b.set(*c);
                }
                let (v, _) = group_value(g, short, &cands, &h.fp, |c| facts.own[c as usize]);
                parts.push((v, b));
            }
            parts.push(own_value(g, short, &cands, m.len(), &facts.own));
        }
    }
    // Every completion takes the only-take units the commitments need: their costs add up.
    let mut need = [0u64; DIMS];
    let mut need_fp = Bits::new(m.len());
    for x in fset.ones().filter(|&x| !node.taken.get(x)) {
        need_fp.set(x);
        for (n, u) in need.iter_mut().zip(facts.unit[x as usize]) {
            *n = n.saturating_add(u);
        }
    }
    parts.push((need, need_fp));
    let extra = combine(parts);
    let mut objective = ev.objective_bound(acc[1].saturating_add(extra[1]).min(INF));
    if let Some(d) = &facts.depths
        && let Some(w) = ev.weeks_of_terms(d.terms(ev, node, &fset))
    {
        objective = objective.max(w);
    }
    Cost {
        duplicative: acc[0].saturating_add(extra[0]).max(dup_all),
        objective,
        unknown_costs: (acc[2].saturating_add(extra[2])).min(u32::MAX as u64) as u32,
        tie_hours: acc[3].saturating_add(extra[3]),
        courses: (acc[4].saturating_add(extra[4])).min(u32::MAX as u64) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_and_credit_sets() {
        let items = [(1, 3.0), (2, 3.0), (3, 4.0)];
        let mut got = vec![];
        combinations(&items, 2, &mut |c| got.push(c.to_vec()));
        assert_eq!(got, vec![vec![1, 2], vec![1, 3], vec![2, 3]]);
        let mut got = vec![];
        minimal_credit_sets(&items, 6.0, &mut |c| got.push(c.to_vec()));
        assert_eq!(got, vec![vec![1, 2], vec![1, 3], vec![2, 3]]);
        let mut got = vec![];
        minimal_credit_sets(&items, 4.0, &mut |c| got.push(c.to_vec()));
        assert_eq!(got, vec![vec![1, 2], vec![3]]);
    }
}
