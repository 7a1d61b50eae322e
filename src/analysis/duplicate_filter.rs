//! Which duplicate pairs a reader asked for: filters over one cached
//! [`Duplicates`] result (bases, systems, cross-system, unarticulated), the clusters of the
//! pairs that remain, and the orders a page may sort them in. The API and the planner page
//! both filter here, before paging.

use super::duplicates::{Basis, DuplicatePair, Duplicates, components};
use crate::domain::System;
use crate::graph::{CatalogGraph, CourseIx};
use std::cmp::Ordering;
use std::collections::HashMap;

/// The filters of a duplicates answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateFilter {
    /// Only pairs found on these bases.
    pub bases: Vec<Basis>,
    /// Only pairs whose two courses are both in these systems.
    pub systems: Option<Vec<System>>,
    /// Only pairs of courses in different systems.
    pub cross_system: bool,
    /// Only pairs no articulation links fully.
    pub unarticulated: bool,
}

impl Default for DuplicateFilter {
    fn default() -> Self {
        DuplicateFilter {
            bases: Basis::ALL.to_vec(),
            systems: None,
            cross_system: false,
            unarticulated: false,
        }
    }
}

impl DuplicateFilter {
    /// Whether `p` passes every filter.
    pub fn keeps(&self, g: &CatalogGraph, p: &DuplicatePair) -> bool {
        let (sa, sb) = (g.course(p.a).system, g.course(p.b).system);
        self.bases.contains(&p.basis)
            && self.systems.as_ref().is_none_or(|s| s.contains(&sa) && s.contains(&sb))
            && (!self.cross_system || sa != sb)
            && (!self.unarticulated || !p.articulated)
    }
}

/// The pairs of a [`Duplicates`] result that pass a filter, and their clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct Filtered {
    /// Indices into [`Duplicates::pairs`], in the result's order.
    pub pairs: Vec<usize>,
    /// Connected components of the kept pairs, largest first.
    pub clusters: Vec<Vec<CourseIx>>,
    cluster_of: HashMap<CourseIx, usize>,
}

impl Filtered {
    /// The index in `clusters` of the cluster holding `course` (a course of a kept pair).
    pub fn cluster_of(&self, course: CourseIx) -> usize {
        self.cluster_of[&course]
    }
}

/// Applies `f` to `d`: the kept pairs and the clusters over them (the result's own clusters
/// when every pair is kept). Time O(P) plus the components of the kept pairs.
pub fn filter(g: &CatalogGraph, d: &Duplicates, f: &DuplicateFilter) -> Filtered {
    let pairs: Vec<usize> = (0..d.pairs.len()).filter(|&i| f.keeps(g, &d.pairs[i])).collect();
    let clusters = if pairs.len() == d.pairs.len() {
        d.clusters.clone()
    } else {
        components(pairs.iter().map(|&i| (d.pairs[i].a, d.pairs[i].b)))
    };
    let cluster_of = clusters
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.iter().map(move |&course| (course, i)))
        .collect();
    Filtered {
        pairs,
        clusters,
        cluster_of,
    }
}

/// The orders a list of pairs may be sorted in (the result's own order is by Jaccard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairOrder {
    /// Course `a`'s id.
    A,
    /// Course `b`'s id.
    B,
    Jaccard,
    /// How many competencies the two share.
    SharedCount,
    Articulated,
    SystemA,
    SystemB,
}

impl PairOrder {
    pub const ALL: [PairOrder; 7] = [
        PairOrder::A,
        PairOrder::B,
        PairOrder::Jaccard,
        PairOrder::SharedCount,
        PairOrder::Articulated,
        PairOrder::SystemA,
        PairOrder::SystemB,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PairOrder::A => "a",
            PairOrder::B => "b",
            PairOrder::Jaccard => "jaccard",
            PairOrder::SharedCount => "shared_count",
            PairOrder::Articulated => "articulated",
            PairOrder::SystemA => "system_a",
            PairOrder::SystemB => "system_b",
        }
    }

    pub fn parse(s: &str) -> Option<PairOrder> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    fn cmp(self, g: &CatalogGraph, x: &DuplicatePair, y: &DuplicatePair) -> Ordering {
        let id = |c: CourseIx| g.course(c).id.as_str();
        let system = |c: CourseIx| g.course(c).system.as_str();
        match self {
            PairOrder::A => id(x.a).cmp(id(y.a)),
            PairOrder::B => id(x.b).cmp(id(y.b)),
            PairOrder::Jaccard => x.jaccard.total_cmp(&y.jaccard),
            PairOrder::SharedCount => x.shared.len().cmp(&y.shared.len()),
            PairOrder::Articulated => x.articulated.cmp(&y.articulated),
            PairOrder::SystemA => system(x.a).cmp(system(y.a)),
            PairOrder::SystemB => system(x.b).cmp(system(y.b)),
        }
    }
}

/// Sorts `pairs` (indices into `d.pairs`) by `order`, descending when `desc`; stable, so
/// ties keep the result's order.
pub fn sort(g: &CatalogGraph, d: &Duplicates, pairs: &mut [usize], order: PairOrder, desc: bool) {
    pairs.sort_by(|&i, &j| {
        let o = order.cmp(g, &d.pairs[i], &d.pairs[j]);
        if desc { o.reverse() } else { o }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::duplicates::{DuplicateParams, find_duplicates_with};
    use crate::domain::Bundle;

    fn seed() -> (CatalogGraph, Duplicates) {
        let b = Bundle::from_json(crate::service::SEED.as_bytes()).unwrap();
        let g = CatalogGraph::build(1, b);
        let d = find_duplicates_with(&g, &DuplicateParams::default(), &Basis::ALL, None);
        (g, d)
    }

    /// Against a plain reading of each filter: kept pairs in the result's order, clusters over
    /// the kept pairs only, every kept course in its pair's cluster.
    #[test]
    fn filters_keep_what_they_say_and_cluster_what_they_keep() {
        let (g, d) = seed();
        assert!(d.pairs.len() > 2, "the seed has duplicates");
        let all = filter(&g, &d, &DuplicateFilter::default());
        assert_eq!(all.pairs, (0..d.pairs.len()).collect::<Vec<_>>());
        assert_eq!(all.clusters, d.clusters);
        let f = DuplicateFilter {
            cross_system: true,
            unarticulated: true,
            systems: Some(vec![System::Secondary, System::Postsecondary]),
            ..DuplicateFilter::default()
        };
        let kept = filter(&g, &d, &f);
        let want: Vec<usize> = (0..d.pairs.len())
            .filter(|&i| {
                let p = &d.pairs[i];
                let (sa, sb) = (g.course(p.a).system, g.course(p.b).system);
                sa != sb
                    && !p.articulated
                    && [System::Secondary, System::Postsecondary].contains(&sa)
                    && [System::Secondary, System::Postsecondary].contains(&sb)
            })
            .collect();
        assert_eq!(kept.pairs, want);
        for &i in &kept.pairs {
            let p = &d.pairs[i];
            let c = kept.cluster_of(p.a);
            assert_eq!(c, kept.cluster_of(p.b));
            assert!(kept.clusters[c].contains(&p.a) && kept.clusters[c].contains(&p.b));
        }
        let in_clusters: usize = kept.clusters.iter().map(Vec::len).sum();
        let courses: std::collections::BTreeSet<CourseIx> =
            kept.pairs.iter().flat_map(|&i| [d.pairs[i].a, d.pairs[i].b]).collect();
        assert_eq!(in_clusters, courses.len(), "clusters hold only kept courses");
    }

    #[test]
    fn sorting_orders_every_pair_and_is_stable() {
        let (g, d) = seed();
        let mut pairs: Vec<usize> = (0..d.pairs.len()).collect();
        sort(&g, &d, &mut pairs, PairOrder::A, false);
        let ids: Vec<&str> = pairs.iter().map(|&i| g.course(d.pairs[i].a).id.as_str()).collect();
        assert!(ids.windows(2).all(|w| w[0] <= w[1]), "{ids:?}");
        let mut by_jaccard: Vec<usize> = (0..d.pairs.len()).collect();
        sort(&g, &d, &mut by_jaccard, PairOrder::Jaccard, true);
        assert_eq!(
            by_jaccard,
            (0..d.pairs.len()).collect::<Vec<_>>(),
            "the result is already by Jaccard, descending"
        );
        for o in PairOrder::ALL {
            assert_eq!(PairOrder::parse(o.as_str()), Some(o));
        }
    }
}
