//! Expanding a search node: the unsatisfied commitment to decide next, and one child per way
//! of deciding it (combinations of group members making up a shortfall, minimal credit sets,
//! taking a course or committing an articulation source instead).

use super::*;

/// How far a group is from holding, counting committed members as if satisfied:
/// `Some(shortfall)` (members for choose groups, credits for min-credits groups) or `None`.
pub(super) fn shortfall(group: &LGroup, sat: &Bits, committed: &Bits) -> Option<f64> {
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
pub(super) fn candidates(group: &LGroup, node: &Node, facts: &Facts<'_>) -> Vec<(u32, f64)> {
    let ok = |i: u32| !node.sat.get(i) && facts.possible.get(i);
    match group {
        LGroup::Choose { from, .. } => from.iter().filter(|&&i| ok(i)).map(|&i| (i, 1.0)).collect(),
        LGroup::Credits { from, .. } => from.iter().filter(|(i, c)| ok(*i) && *c > 0.0).copied().collect(),
    }
}

/// How far a group is from holding on `sat` alone: members (choose) or credits (min-credits).
pub(super) fn deficit(group: &LGroup, sat: &Bits) -> Option<f64> {
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

pub(super) type Child = (Bits, Bits, Bits, Bits);

/// The children of a node: (taken, committed, waived, expanded).
pub(super) fn children(m: &Model<'_>, facts: &Facts<'_>, node: &Node) -> Vec<Child> {
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
