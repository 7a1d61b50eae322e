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

mod alike;
mod bounds;
mod depths;
mod expand;

use super::centi;
use super::model::{Bits, Kind, LGroup, Model};
use super::plan::{Evaluator, Sim};
use super::{Cost, Objective, SearchStats};
use alike::*;
use bounds::*;
use depths::*;
use expand::*;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

/// A complete minimal course set and its evaluation.
#[derive(Debug, Clone)]
pub struct Found {
    pub taken: Bits,
    pub sim: Sim,
    /// The plans alike to this one (see [`alike`]): course set and walk.
    pub alike: Vec<(Bits, Sim)>,
    /// Per taken course with interchangeable choices in the alike plans: those choices.
    pub alternatives: Vec<(u32, Vec<u32>)>,
    /// Proven to be the plan of its rank: it left the queue before the search reached its cap.
    pub proven: bool,
}

/// What [`search`] found.
pub struct Outcome {
    pub found: Vec<Found>,
    pub stats: SearchStats,
    /// When the search reached its cap: a lower bound of the cost of every plan it did not
    /// prove (the bound of the queue's best node when it stopped).
    pub capped: Option<Cost>,
    /// Courses every plan takes that are duplicative wherever they fall: those necessarily
    /// satisfied for the goal that nothing can waive, and whose competencies the learner holds
    /// before them whatever the plan (see [`DupFacts`]).
    pub unavoidable: Bits,
}

/// Expansions a capped search may still spend completing plans, as a share of the cap.
const DIVE_SHARE: usize = 10;

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

/// Searches the `k` best minimal plans. See the module docs.
pub fn search(m: &Model<'_>, ev: &Evaluator<'_, '_>, possible: &Bits, k: usize, max_expansions: usize) -> Outcome {
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
    let mut unavoidable = Bits::new(n);
    for i in nec[0].ones() {
        if dup.only_take.get(i) && m.kind[i as usize] == Kind::Course && dup.forced(i, &dup.pre[i as usize]) {
            unavoidable.set(i);
        }
    }
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
    let mut results = Results::new(m);
    let mut seq = 0u64;
    let mut capped: Option<Cost> = None;

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

    while let Some(Reverse((cost, kind, order, idx))) = heap.pop() {
        if results.len() >= k && cost > results.kth(k) {
            break;
        }
        if stats.expanded >= max_expansions && kind == 1 {
            // The cap: every plan not yet out costs at least this node's bound.
            capped = Some(cost);
            heap.push(Reverse((cost, kind, order, idx)));
            break;
        }
        let mut node = match std::mem::replace(&mut slots[idx], Slot::Open(empty())) {
            Slot::Done(mut f) => {
                f.proven = true;
                results.add(m, f);
                continue;
            }
            Slot::Open(node) => node,
        };
        stats.expanded += 1;
        let kth = (results.len() >= k).then(|| results.kth(k));
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
    if capped.is_some() {
        // The plans already complete in the queue, then plans completed from its best open
        // nodes by following their cheapest child, within a tenth of the cap.
        let mut open = Vec::new();
        while let Some(Reverse((_, _, _, idx))) = heap.pop() {
            match std::mem::replace(&mut slots[idx], Slot::Open(empty())) {
                Slot::Done(f) => results.add(m, f),
                Slot::Open(node) => open.push(node),
            }
        }
        let mut budget = (max_expansions / DIVE_SHARE).max(1);
        for node in open {
            if results.len() >= k || budget == 0 {
                break;
            }
            if let Some(f) = dive(m, ev, &facts, node, &mut seen, &mut budget) {
                results.add(m, f);
            }
        }
    }
    stats.generated = seen.generated;
    stats.complete = seen.complete;
    Outcome {
        found: results.finish(m, k),
        stats,
        capped,
        unavoidable,
    }
}

/// Follows the cheapest child of `node` until a plan is complete, spending one unit of
/// `budget` per step; `None` when the way ends without one or the budget runs out.
fn dive(
    m: &Model<'_>,
    ev: &Evaluator<'_, '_>,
    facts: &Facts<'_>,
    mut node: Node,
    seen: &mut Seen,
    budget: &mut usize,
) -> Option<Found> {
    while *budget > 0 {
        *budget -= 1;
        let mut best: Option<(Cost, Node)> = None;
        let mut done: Option<Found> = None;
        for child in children(m, facts, &node) {
            match admit(m, ev, facts, &node, child, None, seen) {
                Admitted::Done(f) => {
                    if done.as_ref().is_none_or(|d| f.sim.cost < d.sim.cost) {
                        done = Some(f);
                    }
                }
                Admitted::Open(n, lb) => {
                    if best.as_ref().is_none_or(|(b, _)| lb < *b) {
                        best = Some((lb, n));
                    }
                }
                Admitted::Dropped => {}
            }
        }
        if done.is_some() {
            return done;
        }
        node = best?.1;
    }
    None
}

/// The results so far: one per class of alike plans (see [`alike`]), in the order they left
/// the queue.
struct Results {
    classes: Classes,
    list: Vec<Found>,
    by_signature: HashMap<Signature, usize>,
}

impl Results {
    fn new(m: &Model<'_>) -> Results {
        Results {
            classes: Classes::new(m),
            list: Vec::new(),
            by_signature: HashMap::new(),
        }
    }

    fn len(&self) -> usize {
        self.list.len()
    }

    /// The cost of the `k`-th result (there are at least `k`).
    fn kth(&self, k: usize) -> Cost {
        self.list[k - 1].sim.cost
    }

    /// A new result, or an alternative of the result it is alike to.
    fn add(&mut self, m: &Model<'_>, f: Found) {
        let sig = self.classes.signature(m, &f);
        match self.by_signature.get(&sig) {
            Some(&i) => self.list[i].alike.push((f.taken, f.sim)),
            None => {
                self.by_signature.insert(sig, self.list.len());
                self.list.push(f);
            }
        }
    }

    /// The `k` best results in rank order, each shown as its alike plan of the smallest course
    /// ids with the others' choices as alternatives. Equal costs: a proven plan first (only a
    /// capped search has others), then higher exit value, then course ids.
    fn finish(self, m: &Model<'_>, k: usize) -> Vec<Found> {
        let classes = self.classes;
        let mut out: Vec<Found> = self
            .list
            .into_iter()
            .map(|mut f| {
                if let Some((pos, _)) = f
                    .alike
                    .iter()
                    .enumerate()
                    .min_by(|a, b| ids(m, &a.1.0).cmp(&ids(m, &b.1.0)))
                    .filter(|(_, b)| ids(m, &b.0) < ids(m, &f.taken))
                {
                    let (taken, sim) = f.alike.swap_remove(pos);
                    let was = (
                        std::mem::replace(&mut f.taken, taken),
                        std::mem::replace(&mut f.sim, sim),
                    );
                    f.alike.push(was);
                }
                let others: Vec<&Bits> = f.alike.iter().map(|(t, _)| t).collect();
                f.alternatives = classes.alternatives(&f.taken, &others);
                f
            })
            .collect();
        out.sort_by(|a, b| {
            a.sim
                .cost
                .cmp(&b.sim.cost)
                .then(b.proven.cmp(&a.proven))
                .then(b.sim.exit_value.total_cmp(&a.sim.exit_value))
                .then_with(|| ids(m, &a.taken).cmp(&ids(m, &b.taken)))
        });
        out.truncate(k);
        out
    }
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
            alike: Vec::new(),
            alternatives: Vec::new(),
            proven: false,
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
