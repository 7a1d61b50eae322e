//! The admissible lower bound that orders the search queue: per-request facts (items
//! necessarily satisfied, duplicative hours every completion takes, per-item heuristic values
//! over footprints) and [`bound`], which combines them for a node.

use super::*;

pub(super) const INF: u64 = u64::MAX / 8;

/// Cost dimensions of the bound: duplicative, objective, unknown costs, tie hours, steps (see
/// [`Evaluator::unit_cost`]).
pub(super) const DIMS: usize = 5;

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
pub(super) struct DupFacts {
    /// Per item: its competencies (local competency bits).
    comps: Vec<Bits>,
    /// Per course: `held0` plus the competencies of its necessary prerequisites.
    pub(super) pre: Vec<Bits>,
    /// Units with no route but taking them (in any completed plan they are taken).
    pub(super) only_take: Bits,
    early: Bits,
    deep: Bits,
    /// Per item: the rank of its system (`None` for exams and credentials).
    system: Vec<Option<usize>>,
    pub(super) hours: Vec<u64>,
}

/// For every item, items that are satisfied on *every* way of satisfying it from the initial
/// state: members of groups that need all their reachable members, prerequisites every route
/// of a course needs, the source of a course's only route. One pass in dependency order
/// (items in an articulation loop keep what is known so far), so the sets are sound
/// under-estimates.
///
/// Also returns, per unit, the items its prerequisites necessarily need (what must be
/// satisfied before it is taken; without the unit itself).
pub(super) fn necessary(m: &Model<'_>, ev: &Evaluator<'_, '_>, possible: &Bits) -> (Vec<Bits>, Vec<Bits>) {
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
    pub(super) fn new(m: &Model<'_>, ev: &Evaluator<'_, '_>, possible: &Bits, pre_items: &[Bits]) -> DupFacts {
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
    pub(super) fn forced(&self, i: u32, held: &Bits) -> bool {
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
pub(super) struct Heur {
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
    pub(super) fn new(
        m: &Model<'_>,
        ev: &Evaluator<'_, '_>,
        possible: &Bits,
        own_take: &[[u64; DIMS]],
        own: &[[u64; DIMS]],
    ) -> Heur {
        let n = m.len();
        let order = m.order();
        let mut fp: Vec<Bits> = vec![Bits::new(n); n];
        Self::sweep(order, ev, possible, |i| {
            let u = i as usize;
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
            let changed = b != fp[u];
            if changed {
                fp[u] = b;
            }
            changed
        });
        let mut hm: Vec<[u64; DIMS]> = vec![[0; DIMS]; n];
        Self::sweep(order, ev, possible, |i| {
            let u = i as usize;
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
            if v == hm[u] {
                return false;
            }
            // Keep the iteration monotone.
            let mut w = hm[u];
            for d in 0..DIMS {
                w[d] = w[d].max(v[d]);
            }
            let changed = w != hm[u];
            if changed {
                hm[u] = w;
            }
            changed
        });
        Heur { fp, hm }
    }

    /// Calls `update` on each item of `order` that is neither satisfied at the start nor
    /// impossible, sweeping again while an update changed something, at most 8 sweeps.
    fn sweep(order: &[u32], ev: &Evaluator<'_, '_>, possible: &Bits, mut update: impl FnMut(u32) -> bool) {
        for _ in 0..8 {
            let mut changed = false;
            for &i in order {
                if ev.initial_sat.get(i) || !possible.get(i) {
                    continue;
                }
                changed |= update(i);
            }
            if !changed {
                break;
            }
        }
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
pub(super) fn bound(m: &Model<'_>, ev: &Evaluator<'_, '_>, facts: &Facts<'_>, node: &Node) -> Cost {
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
    let duplicative = acc[0].saturating_add(extra[0]).max(dup_all);
    let courses = (acc[4].saturating_add(extra[4])).min(u32::MAX as u64) as u32;
    if ev.objective() == Objective::Duplication {
        // Duplicative hours first, then the hours (the summed objective dimension).
        return Cost {
            objective: duplicative,
            unknown_costs: 0,
            duplicative,
            tie_hours: objective,
            courses,
        };
    }
    Cost {
        objective,
        unknown_costs: (acc[2].saturating_add(extra[2])).min(u32::MAX as u64) as u32,
        duplicative,
        tie_hours: acc[3].saturating_add(extra[3]),
        courses,
    }
}
