//! Lower bounds on a plan's terms for the `weeks` objective ([`Depths`]): per item and stage,
//! the fewest terms of that stage before the item can be held.

use super::*;

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
pub(super) struct Depths {
    /// Per item: per stage, the fewest terms of that stage before it is held.
    held: Vec<[u32; STAGES]>,
    /// Per unit: the same when it is taken as a step.
    take: Vec<[u32; STAGES]>,
    /// Per unit: its stage and the hours it fills in a term, for courses with hours.
    fill: Vec<Option<(usize, u64)>>,
    hours_per_term: u64,
}

pub(super) const STAGES: usize = 4;

impl Depths {
    const INF: u32 = u32::MAX / 4;

    pub(super) fn new(m: &Model<'_>, ev: &Evaluator<'_, '_>, possible: &Bits) -> Depths {
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
    pub(super) fn terms(&self, ev: &Evaluator<'_, '_>, node: &Node, fset: &Bits) -> u32 {
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
