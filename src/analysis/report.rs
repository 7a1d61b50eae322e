//! The state alignment report behind `GET /v1/reports/alignment`: system-level indicators a
//! state pathway team tracks over time, and the curricular complexity of every credential.
//!
//! # Indicators
//!
//! * **Pathway share per entry point**: of the region's high-demand occupations
//!   ([`super::gaps::HighDemand`]) that the catalog describes ([`super::gaps::described`]),
//!   the share reachable from each entry point ([`super::reach`]).
//! * **Articulated transitions**: a cross-system transition is a pair (secondary or adult
//!   course, postsecondary course) that teach the same content: Jaccard similarity of at least
//!   [`super::duplicates::DEFAULT_MIN_OVERLAP`], or the source teaching all of the
//!   postsecondary course's competencies (the `missing_articulation` test). The share of them
//!   that an articulation links ([`super::duplicates::articulated`]), per source system.
//! * **Hours duplicated without articulation**: the sum of `missing_articulation` severities.
//! * **Dead ends**, **gaps by kind** and the **ten most severe gaps**, ranked on the one
//!   severity scale across kinds, annual openings behind the gap ([`super::gaps::impact`],
//!   [`super::gaps::rank_cmp`]). `uncovered_competency` gaps of tiers below `tier_min`
//!   (default 4: personal effectiveness, academic and workplace competencies) are counted
//!   apart (`foundational_uncovered`) and left out of the counts by kind and the top ten.
//!
//! # Curricular complexity (Heileman et al., 2018, "Curricular Analytics")
//!
//! A credential's curriculum is the set of courses its requirement groups list, plus their
//! prerequisite closure (courses listed in prerequisite groups, recursively), with an edge
//! `u -> v` when `v`'s prerequisite groups list `u`. In that DAG a course's **delay factor** is
//! the number of courses on the longest path through it, its **blocking factor** the number of
//! courses reachable from it, and the credential's **structural complexity** is the sum over
//! its courses of delay plus blocking. (All alternatives in a group count as edges, as in the
//! curricular-analytics tools, which treat prerequisite alternatives conservatively.)

use super::duplicates::{DEFAULT_MIN_OVERLAP, articulated, similarity_join};
use super::gaps::{
    DEFAULT_TIER_MIN, Gap, GapKind, GapParams, HighDemand, Reachability, containment_pairs, described, find_gaps_with,
    keeps_tier, rank_cmp,
};
use super::reach::EntryPoint;
use crate::domain::System;
use crate::graph::{CatalogGraph, CourseIx, CredentialIx, Item, OccupationIx};
use std::collections::{BTreeMap, BTreeSet};

/// The share of high-demand occupations reachable from one entry point.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryShare {
    pub entry: EntryPoint,
    pub reachable: usize,
    /// `reachable / high-demand occupations` (0 when there are none).
    pub share: f64,
}

/// Articulation coverage of the transitions out of one system into postsecondary.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionShare {
    pub from: System,
    pub transitions: usize,
    pub articulated: usize,
    /// `articulated / transitions` (0 when there are none).
    pub share: f64,
}

/// One course of a credential's curriculum.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseComplexity {
    pub course: CourseIx,
    pub delay: u32,
    pub blocking: u32,
}

/// Curricular complexity of one credential.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialComplexity {
    pub credential: CredentialIx,
    /// Courses in id order.
    pub courses: Vec<CourseComplexity>,
    pub structural_complexity: u64,
}

/// The alignment report of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignmentReport {
    pub region: String,
    pub high_demand_occupations: Vec<OccupationIx>,
    pub pathway_share: Vec<EntryShare>,
    pub transitions: Vec<TransitionShare>,
    pub hours_duplicated_without_articulation: f64,
    pub dead_ends: Vec<CredentialIx>,
    pub gaps_by_kind: Vec<(GapKind, usize)>,
    pub top_gaps: Vec<Gap>,
    /// `uncovered_competency` gaps of tiers below `tier_min`, reported apart.
    pub foundational_uncovered: usize,
    pub tier_min: u8,
    /// Sorted by structural complexity descending, then id.
    pub complexity: Vec<CredentialComplexity>,
}

/// Builds the report. Time: one gap analysis ([`super::gaps::find_gaps`]), one similarity
/// join, and O(Σ V·E) over the credentials' curricula.
pub fn alignment(g: &CatalogGraph, params: &GapParams) -> AlignmentReport {
    alignment_with(g, params, DEFAULT_TIER_MIN)
}

/// [`alignment`] with `uncovered_competency` gaps of tiers below `tier_min` reported apart.
pub fn alignment_with(g: &CatalogGraph, params: &GapParams, tier_min: u8) -> AlignmentReport {
    let reach = Reachability::new(g);
    let params = GapParams {
        entry: None,
        ..params.clone()
    };
    let all_gaps = find_gaps_with(g, &params, &reach);
    let foundational_uncovered = all_gaps.iter().filter(|x| !keeps_tier(x, tier_min)).count();
    let gaps: Vec<Gap> = all_gaps.into_iter().filter(|x| keeps_tier(x, tier_min)).collect();
    let hd = HighDemand::new(g, &params.region, &params.policy);
    let high_demand: Vec<OccupationIx> = (0..g.n_occupations())
        .map(|o| OccupationIx(o as u32))
        .filter(|&o| hd.is(o) && described(g, o))
        .collect();
    let pathway_share = EntryPoint::ALL
        .into_iter()
        .map(|entry| {
            let reachable = high_demand
                .iter()
                .filter(|&&o| reach.of(entry).occupation(g, o))
                .count();
            EntryShare {
                entry,
                reachable,
                share: ratio(reachable, high_demand.len()),
            }
        })
        .collect();

    // Cross-system transitions: similar or containing pairs into postsecondary.
    let mut pairs: BTreeSet<(CourseIx, CourseIx)> = containment_pairs(g, params.containment).into_iter().collect();
    let sets: Vec<Vec<u32>> = (0..g.n_courses())
        .map(|i| g.course_competencies(CourseIx(i as u32)).iter().map(|c| c.0).collect())
        .collect();
    for p in similarity_join(&sets, DEFAULT_MIN_OVERLAP) {
        let (a, b) = (CourseIx(p.a), CourseIx(p.b));
        let (sa, sb) = (g.course(a).system, g.course(b).system);
        let is_source = |s: System| matches!(s, System::Secondary | System::Adult);
        if is_source(sa) && sb == System::Postsecondary {
            pairs.insert((a, b));
        } else if is_source(sb) && sa == System::Postsecondary {
            pairs.insert((b, a));
        }
    }
    let transitions = [System::Secondary, System::Adult]
        .into_iter()
        .map(|from| {
            let of: Vec<&(CourseIx, CourseIx)> = pairs.iter().filter(|(x, _)| g.course(*x).system == from).collect();
            let art = of.iter().filter(|(x, y)| articulated(g, *x, *y)).count();
            TransitionShare {
                from,
                transitions: of.len(),
                articulated: art,
                share: ratio(art, of.len()),
            }
        })
        .collect();

    let mut by_kind: BTreeMap<GapKind, usize> = GapKind::ALL.into_iter().map(|k| (k, 0)).collect();
    for gap in &gaps {
        *by_kind.get_mut(&gap.kind).expect("every kind") += 1;
    }
    let hours = gaps
        .iter()
        .filter(|x| x.kind == GapKind::MissingArticulation)
        .map(|x| x.severity)
        .fold(0.0, |a, b| a + b); // an empty `sum` of floats is -0.0
    let dead_ends = gaps
        .iter()
        .filter(|x| x.kind == GapKind::DeadEndCredential)
        .filter_map(|x| g.credential_ix(&x.subjects[0]))
        .collect();
    let mut top = gaps.clone();
    top.sort_by(rank_cmp);
    top.truncate(10);

    let mut complexity: Vec<CredentialComplexity> = (0..g.n_credentials())
        .map(|c| credential_complexity(g, CredentialIx(c as u32)))
        .collect();
    complexity.sort_by(|a, b| {
        b.structural_complexity
            .cmp(&a.structural_complexity)
            .then(a.credential.cmp(&b.credential))
    });

    AlignmentReport {
        region: params.region.clone(),
        high_demand_occupations: high_demand,
        pathway_share,
        transitions,
        hours_duplicated_without_articulation: hours,
        dead_ends,
        gaps_by_kind: by_kind.into_iter().collect(),
        top_gaps: top,
        foundational_uncovered,
        tier_min,
        complexity,
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn course_items(items: &[Item]) -> impl Iterator<Item = CourseIx> + '_ {
    items.iter().filter_map(|&i| match i {
        Item::Course(c) => Some(c),
        Item::Credential(_) | Item::Assessment(_) => None,
    })
}

/// The curriculum of a credential (see the module docs): its courses in id order.
pub fn curriculum(g: &CatalogGraph, c: CredentialIx) -> Vec<CourseIx> {
    let mut seen: BTreeSet<CourseIx> = BTreeSet::new();
    let mut stack: Vec<CourseIx> = g
        .requirements(c)
        .iter()
        .flat_map(|grp| course_items(grp.items()))
        .collect();
    while let Some(v) = stack.pop() {
        if seen.insert(v) {
            for grp in g.prerequisites(v) {
                stack.extend(course_items(grp.items()).filter(|u| !seen.contains(u)));
            }
        }
    }
    seen.into_iter().collect()
}

/// Delay and blocking factors of every course of a credential's curriculum, and its structural
/// complexity.
///
/// Time O(V·(V + E)) for the curriculum's V courses and E prerequisite edges (one traversal
/// per course for the blocking factors; longest paths by one pass each way over a topological
/// order). Space O(V + E).
///
/// # Example
/// A chain `a -> b -> c` with `a -> d`: delays 3, 3, 3, 2; blocking 3, 1, 0, 0; complexity 15.
pub fn credential_complexity(g: &CatalogGraph, c: CredentialIx) -> CredentialComplexity {
    let courses = curriculum(g, c);
    let pos = |v: CourseIx| courses.binary_search(&v).ok();
    let n = courses.len();
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for (j, &v) in courses.iter().enumerate() {
        let mut preds: Vec<usize> = g
            .prerequisites(v)
            .iter()
            .flat_map(|grp| course_items(grp.items()))
            .filter_map(pos)
            .collect();
        preds.sort_unstable();
        preds.dedup();
        for i in preds {
            succ[i].push(j);
            indeg[j] += 1;
        }
    }
    // Kahn's topological order (validated catalogs have no prerequisite cycles).
    let mut order: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let mut k = 0;
    while k < order.len() {
        let u = order[k];
        k += 1;
        for &v in &succ[u] {
            indeg[v] -= 1;
            if indeg[v] == 0 {
                order.push(v);
            }
        }
    }
    let mut ending = vec![1u32; n]; // longest path ending at the course, in courses
    for &u in &order {
        for &v in &succ[u] {
            ending[v] = ending[v].max(ending[u] + 1);
        }
    }
    let mut starting = vec![1u32; n]; // longest path starting at the course
    for &u in order.iter().rev() {
        for &v in &succ[u] {
            starting[u] = starting[u].max(starting[v] + 1);
        }
    }
    let mut out = Vec::with_capacity(n);
    let mut total = 0u64;
    let mut mark = vec![usize::MAX; n];
    for i in 0..n {
        let mut stack = vec![i];
        let mut blocking = 0u32;
        mark[i] = i;
        while let Some(u) = stack.pop() {
            for &v in &succ[u] {
                if mark[v] != i {
                    mark[v] = i;
                    blocking += 1;
                    stack.push(v);
                }
            }
        }
        let delay = ending[i] + starting[i] - 1;
        total += (delay + blocking) as u64;
        out.push(CourseComplexity {
            course: courses[i],
            delay,
            blocking,
        });
    }
    CredentialComplexity {
        credential: c,
        courses: out,
        structural_complexity: total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Bundle;

    #[test]
    fn complexity_of_a_small_curriculum() {
        let b: Bundle = serde_json::from_value(serde_json::json!({
            "courses": [
                {"id": "a", "title": "A", "system": "postsecondary", "hours": 45},
                {"id": "b", "title": "B", "system": "postsecondary", "hours": 45,
                 "prerequisites": [{"choose": 1, "from": ["a"]}]},
                {"id": "c", "title": "C", "system": "postsecondary", "hours": 45,
                 "prerequisites": [{"choose": 1, "from": ["b"]}]},
                {"id": "d", "title": "D", "system": "postsecondary", "hours": 45,
                 "prerequisites": [{"choose": 1, "from": ["a"]}]}
            ],
            "credentials": [
                {"id": "cert", "title": "Cert", "kind": "certificate", "level": 1,
                 "requires": [{"choose": 2, "from": ["c", "d"]}]}
            ]
        }))
        .unwrap();
        assert_eq!(b.validate(), Ok(()));
        let g = CatalogGraph::build(1, b);
        let cx = credential_complexity(&g, g.credential_ix("cert").unwrap());
        let got: Vec<(&str, u32, u32)> = cx
            .courses
            .iter()
            .map(|c| (g.course(c.course).id.as_str(), c.delay, c.blocking))
            .collect();
        assert_eq!(got, vec![("a", 3, 3), ("b", 3, 1), ("c", 3, 0), ("d", 2, 0)]);
        assert_eq!(cx.structural_complexity, 15);
    }
}
