//! Cross-system duplicate courses: pairs of courses whose competency sets have a Jaccard
//! similarity of at least `min_overlap`, found by an exact set-similarity join.
//!
//! # Algorithm
//!
//! [`similarity_join`] is the *AllPairs* join with prefix and size filtering (Bayardo et al.,
//! WWW 2007; the prefix filter is Chaudhuri et al., ICDE 2006):
//!
//! 1. Competencies are ranked by global frequency, rarest first, and every set is rewritten as
//!    its sorted list of ranks.
//! 2. Sets are visited in ascending size. For threshold `t`, a pair with Jaccard `>= t` shares
//!    at least `α = ceil(t·|x|)` competencies with the larger set `x`, so it shares a
//!    competency among the first `|x| - α + 1` ranks of `x` (the *probe prefix*) and the first
//!    `|y| - ceil(2t/(1+t)·|y|) + 1` ranks of the smaller, earlier set `y` (the *index
//!    prefix*): only those ranks are probed and indexed.
//! 3. An earlier set `y` is a candidate only if `|y| >= t·|x|` (size filter); each inverted
//!    list keeps a start pointer that moves past sets that became too small, once.
//! 4. Positional filter (PPJoin, Xiao et al., WWW 2008): the index also stores where the token
//!    sits in `y`; when `x`'s `i`-th token meets `y`'s `j`-th, the overlap can be at most the
//!    prefix overlap counted so far plus `min(|x| - i, |y| - j)`; below the `ceil(t/(1+t) ·
//!    (|x| + |y|))` a passing pair needs, `y` is dropped for this `x`.
//! 5. Every surviving candidate is verified exactly by merging the two sorted lists.
//!
//! The filters only discard pairs that cannot reach the threshold, so the answer is exactly
//! the brute-force answer ([`brute_force_join`]); the property tests check this. Rounding is
//! handled by [`passes`] (one predicate for both) and by filters that err on the side of more
//! candidates.
//!
//! Courses without competencies have no defined similarity and never pair.

use crate::graph::{CatalogGraph, CompetencyIx, CourseIx, Item};
use std::cmp::Ordering;

/// The default `min_overlap` (Jaccard similarity) of `GET /v1/duplicates`.
pub const DEFAULT_MIN_OVERLAP: f64 = 0.5;

/// Tolerance of the threshold test: a pair passes when `jaccard >= t - 1e-9`.
const TOLERANCE: f64 = 1e-9;

/// Whether a pair with `inter` shared elements out of sets of sizes `sa` and `sb` has a
/// Jaccard similarity of at least `t` (within [`TOLERANCE`]).
pub fn passes(inter: usize, sa: usize, sb: usize, t: f64) -> bool {
    let union = sa + sb - inter;
    union > 0 && inter as f64 / union as f64 >= t - TOLERANCE
}

/// Jaccard similarity of two sets given their sizes and intersection size.
pub fn jaccard(inter: usize, sa: usize, sb: usize) -> f64 {
    let union = sa + sb - inter;
    if union == 0 { 0.0 } else { inter as f64 / union as f64 }
}

/// A lower bound (never above the true bound, whatever the rounding) of `ceil(f·s)`, at least 1.
fn at_least(f: f64, s: usize) -> usize {
    let v = (f * s as f64 - 1e-6 * (s as f64 + 1.0)).ceil();
    (v.max(1.0) as usize).min(s.max(1))
}

/// Size of an intersection of two sorted, deduplicated lists. Time O(|a| + |b|).
pub fn intersection_size<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Size of the intersection of two sorted lists, or `None` as soon as it cannot reach `need`.
fn intersection_reaching(a: &[u32], b: &[u32], need: usize) -> Option<usize> {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if n + (a.len() - i).min(b.len() - j) < need {
            return None;
        }
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    if n >= need { Some(n) } else { None }
}

/// One similar pair of a join: set indices `a < b` and the size of their intersection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct JoinPair {
    pub a: u32,
    pub b: u32,
    pub inter: u32,
}

/// All pairs of sets with Jaccard similarity `>= t` (see [`passes`]), exactly.
///
/// # Arguments
/// * `sets`: each set as a sorted, deduplicated list of tokens (any `u32`s).
/// * `t`: the threshold, in `(0, 1]`.
///
/// # Returns
/// The pairs, sorted by `(a, b)`; empty sets never pair.
///
/// # Complexity
/// Time O(T log T + C + V) where T is the total set size, C the number of inverted-list
/// entries scanned (bounded by the prefix, size and positional filters) and V the cost of
/// verifying the surviving candidates, at most O(|x| + |y|) each and usually much less (the
/// merge covers only the tails and stops once the pair cannot pass). C is far below all
/// pairs when prefixes consist of rare competencies; with a fixed vocabulary, inverted
/// lists grow with n, so C grows about quadratically (measured: 100k -> 1M courses over
/// 10,000 competencies cost 116x; the brute force costs 100x more still). Space O(T + n +
/// distinct tokens) plus the output.
///
/// # Example
/// ```
/// use careermap::analysis::duplicates::{similarity_join, JoinPair};
/// let sets = vec![vec![1, 2, 3], vec![1, 2, 3, 4], vec![7, 8]];
/// assert_eq!(similarity_join(&sets, 0.5), vec![JoinPair { a: 0, b: 1, inter: 3 }]);
/// ```
pub fn similarity_join<S: AsRef<[u32]>>(sets: &[S], t: f64) -> Vec<JoinPair> {
    assert!(t > 0.0 && t <= 1.0, "threshold must be in (0, 1]");
    // 1. Rank tokens by frequency (rarest first), ties by token.
    let mut tokens: Vec<u32> = sets.iter().flat_map(|s| s.as_ref().iter().copied()).collect();
    tokens.sort_unstable();
    let mut freq: Vec<(u32, u32)> = Vec::new(); // (token, count)
    for &tok in &tokens {
        match freq.last_mut() {
            Some((t0, n)) if *t0 == tok => *n += 1,
            _ => freq.push((tok, 1)),
        }
    }
    drop(tokens);
    let mut by_rarity: Vec<usize> = (0..freq.len()).collect();
    by_rarity.sort_unstable_by_key(|&i| (freq[i].1, freq[i].0));
    let mut rank_of_distinct = vec![0u32; freq.len()];
    for (rank, &i) in by_rarity.iter().enumerate() {
        rank_of_distinct[i] = rank as u32;
    }
    let rank = |tok: u32| -> u32 {
        let i = freq.binary_search_by_key(&tok, |&(t0, _)| t0).expect("token counted");
        rank_of_distinct[i]
    };
    let ranked: Vec<Vec<u32>> = sets
        .iter()
        .map(|s| {
            let mut v: Vec<u32> = s.as_ref().iter().map(|&x| rank(x)).collect();
            v.sort_unstable();
            v
        })
        .collect();

    // 2. Visit non-empty sets by ascending size; lay them out contiguously in that order.
    let mut order: Vec<u32> = (0..ranked.len() as u32)
        .filter(|&i| !ranked[i as usize].is_empty())
        .collect();
    order.sort_unstable_by_key(|&i| (ranked[i as usize].len(), i));
    let mut offsets: Vec<usize> = Vec::with_capacity(order.len() + 1);
    let mut flat: Vec<u32> = Vec::with_capacity(ranked.iter().map(Vec::len).sum());
    offsets.push(0);
    for &i in &order {
        flat.extend_from_slice(&ranked[i as usize]);
        offsets.push(flat.len());
    }
    drop(ranked);
    let set = |pos: usize| &flat[offsets[pos]..offsets[pos + 1]];
    let size = |pos: usize| offsets[pos + 1] - offsets[pos];

    // Inverted index: rank -> (position in `order`, position of the token in that set).
    let mut index: Vec<Vec<(u32, u32)>> = vec![Vec::new(); freq.len()];
    let mut start: Vec<usize> = vec![0; freq.len()];
    // Per candidate: prefix overlap found so far, or PRUNED.
    const PRUNED: u32 = u32::MAX;
    let mut count: Vec<u32> = vec![0; order.len()];
    // Per candidate: positions in `x` and `y` of the last common token counted.
    let mut last: Vec<(u32, u32)> = vec![(0, 0); order.len()];
    let mut touched: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    let mid = 2.0 * t / (1.0 + t);
    let pair_factor = t / (1.0 + t);
    for pos in 0..order.len() {
        let xs = set(pos);
        let s = xs.len();
        let min_size = at_least(t, s);
        let probe = s - at_least(t, s) + 1;
        for (i, &tok) in xs[..probe].iter().enumerate() {
            let list = &index[tok as usize];
            let st = &mut start[tok as usize];
            while *st < list.len() && size(list[*st].0 as usize) < min_size {
                *st += 1;
            }
            for &(ypos, j) in &list[*st..] {
                let c = &mut count[ypos as usize];
                if *c == PRUNED {
                    continue;
                }
                if *c == 0 {
                    touched.push(ypos);
                }
                // Positional filter (PPJoin): every common token before this one was counted,
                // so the overlap is at most `c` plus what remains of the shorter tail.
                let sy = size(ypos as usize);
                let alpha = at_least(pair_factor, s + sy);
                let rest = (s - i).min(sy - j as usize);
                if *c as usize + rest >= alpha {
                    *c += 1;
                    last[ypos as usize] = (i as u32, j);
                } else {
                    *c = PRUNED;
                }
            }
        }
        for &ypos in &touched {
            let c = std::mem::replace(&mut count[ypos as usize], 0);
            if c == PRUNED {
                continue;
            }
            // Every common token up to the last one counted is in `c`; merge only the tails,
            // giving up as soon as the pair cannot reach the overlap it needs.
            let ys = set(ypos as usize);
            let (i, j) = last[ypos as usize];
            let alpha = at_least(pair_factor, s + ys.len());
            let Some(tail) = intersection_reaching(
                &xs[i as usize + 1..],
                &ys[j as usize + 1..],
                alpha.saturating_sub(c as usize),
            ) else {
                continue;
            };
            let inter = c as usize + tail;
            if passes(inter, s, ys.len(), t) {
                let (x, y) = (order[pos], order[ypos as usize]);
                out.push(JoinPair {
                    a: x.min(y),
                    b: x.max(y),
                    inter: inter as u32,
                });
            }
        }
        touched.clear();
        let indexed = s - at_least(mid, s) + 1;
        for (j, &tok) in xs[..indexed].iter().enumerate() {
            index[tok as usize].push((pos as u32, j as u32));
        }
    }
    out.sort_unstable();
    out
}

/// The brute-force oracle of [`similarity_join`]: every pair, verified. Time O(n² · s).
pub fn brute_force_join<S: AsRef<[u32]>>(sets: &[S], t: f64) -> Vec<JoinPair> {
    let mut out = Vec::new();
    for i in 0..sets.len() {
        let a = sets[i].as_ref();
        if a.is_empty() {
            continue;
        }
        for (j, b) in sets.iter().enumerate().skip(i + 1) {
            let b = b.as_ref();
            if b.is_empty() {
                continue;
            }
            let inter = intersection_size(a, b);
            if passes(inter, a.len(), b.len(), t) {
                out.push(JoinPair {
                    a: i as u32,
                    b: j as u32,
                    inter: inter as u32,
                });
            }
        }
    }
    out
}

/// Connected components (of size 2 or more) of the graph the pairs form, by union-find with
/// path halving and union by size. Each component is sorted; components are sorted largest
/// first, then by their smallest element.
///
/// Time O(p α(n) + n log n) for p pairs over n distinct elements.
pub fn components<T: Copy + Ord + std::hash::Hash>(pairs: impl IntoIterator<Item = (T, T)>) -> Vec<Vec<T>> {
    use std::collections::HashMap;
    let mut id: HashMap<T, usize> = HashMap::new();
    let mut elems: Vec<T> = Vec::new();
    let mut parent: Vec<usize> = Vec::new();
    let mut size: Vec<usize> = Vec::new();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut intern = |v: T, elems: &mut Vec<T>, parent: &mut Vec<usize>, size: &mut Vec<usize>| -> usize {
        *id.entry(v).or_insert_with(|| {
            elems.push(v);
            parent.push(parent.len());
            size.push(1);
            parent.len() - 1
        })
    };
    for (a, b) in pairs {
        let a = intern(a, &mut elems, &mut parent, &mut size);
        let b = intern(b, &mut elems, &mut parent, &mut size);
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            let (big, small) = if size[ra] >= size[rb] { (ra, rb) } else { (rb, ra) };
            parent[small] = big;
            size[big] += size[small];
        }
    }
    let mut groups: HashMap<usize, Vec<T>> = HashMap::new();
    for (i, &e) in elems.iter().enumerate() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(e);
    }
    let mut out: Vec<Vec<T>> = groups.into_values().filter(|g| g.len() >= 2).collect();
    for g in &mut out {
        g.sort_unstable();
    }
    out.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a[0].cmp(&b[0])));
    out
}

/// Whether an articulation links two courses, in either direction:
///
/// * directly: an articulation from one course to the other (any credits; partial credit is
///   reported separately as a `partial_credit` gap), or
/// * through a credential: an articulation from a credential to one course, where the other
///   course is listed in one of that credential's requirement groups (completing the course
///   counts toward the credential, which carries credit for the other course).
///
/// Time O(articulations into `a` and `b` times the requirement groups of their sources).
pub fn articulated(g: &CatalogGraph, a: CourseIx, b: CourseIx) -> bool {
    let one_way = |from: CourseIx, to: CourseIx| {
        g.articulations_to(to).iter().any(|&r| match g.articulation_from(r) {
            Item::Course(c) => c == from,
            Item::Credential(cred) => g
                .requirements(cred)
                .iter()
                .any(|grp| grp.items().contains(&Item::Course(from))),
            Item::Assessment(_) => false,
        })
    };
    one_way(a, b) || one_way(b, a)
}

/// A pair of similar courses.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicatePair {
    /// The course with the smaller id.
    pub a: CourseIx,
    pub b: CourseIx,
    pub jaccard: f64,
    /// Competencies both teach, in id order.
    pub shared: Vec<CompetencyIx>,
    /// See [`articulated`].
    pub articulated: bool,
}

/// The duplicates of one catalog at one threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicates {
    pub min_overlap: f64,
    /// Sorted by `jaccard` descending, then `a`, then `b` (ids sort like indices).
    pub pairs: Vec<DuplicatePair>,
    /// Connected components of the pairs, largest first (see [`components`]).
    pub clusters: Vec<Vec<CourseIx>>,
}

/// Finds every pair of distinct courses whose competency sets have Jaccard similarity of at
/// least `min_overlap`, with shared competencies, articulation status and clusters.
///
/// Time: that of [`similarity_join`] over the courses' competency sets, plus O(p log p) to
/// sort the p pairs. Space O(total competency references + p).
pub fn find_duplicates(g: &CatalogGraph, min_overlap: f64) -> Duplicates {
    let sets: Vec<Vec<u32>> = (0..g.n_courses())
        .map(|i| g.course_competencies(CourseIx(i as u32)).iter().map(|c| c.0).collect())
        .collect();
    let joined = similarity_join(&sets, min_overlap);
    let mut pairs: Vec<DuplicatePair> = joined
        .iter()
        .map(|p| {
            let (a, b) = (CourseIx(p.a), CourseIx(p.b));
            let (ca, cb) = (g.course_competencies(a), g.course_competencies(b));
            let shared: Vec<CompetencyIx> = ca.iter().filter(|c| cb.binary_search(c).is_ok()).copied().collect();
            DuplicatePair {
                a,
                b,
                jaccard: jaccard(p.inter as usize, ca.len(), cb.len()),
                shared,
                articulated: articulated(g, a, b),
            }
        })
        .collect();
    sort_pairs(&mut pairs);
    let clusters = components(pairs.iter().map(|p| (p.a, p.b)));
    Duplicates {
        min_overlap,
        pairs,
        clusters,
    }
}

/// Sorts pairs by `jaccard` descending, then `a`, then `b`.
pub fn sort_pairs(pairs: &mut [DuplicatePair]) {
    pairs.sort_by(|x, y| y.jaccard.total_cmp(&x.jaccard).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
}

/// Generates `n` synthetic competency sets for benchmarks: about 8-15 competencies each, drawn
/// mostly from the pool of the set's field (about 50 courses share a field pool of 30
/// competencies, pools overlap across fields in a universe of `min(10,000, n/10)` specific
/// competencies), 15% from a shared foundational pool, and one course in ten a near copy of
/// an earlier course of its field (0-3 competencies swapped), as when several providers teach
/// the same course. Deterministic for a given `seed`.
pub fn synthetic_sets(n: usize, seed: u64) -> Vec<Vec<u32>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let universe = (n / 10).clamp(200, 10_000) as u32;
    let foundational = (universe / 25).max(10);
    let pool_size = 30u32;
    let per_field = 50usize;
    let mut sets: Vec<Vec<u32>> = Vec::with_capacity(n);
    for i in 0..n {
        let field = (i / per_field) as u64;
        let pool_start = (field.wrapping_mul(2_654_435_761) % universe as u64) as u32;
        let draw = |rng: &mut fastrand::Rng| -> u32 {
            if rng.u8(0..100) < 15 {
                rng.u32(0..foundational)
            } else {
                foundational + (pool_start + rng.u32(0..pool_size)) % universe
            }
        };
        let field_start = i - i % per_field;
        let mut s: Vec<u32> = if i > field_start && rng.u8(0..10) == 0 {
            let mut s = sets[rng.usize(field_start..i)].clone();
            for _ in 0..rng.usize(0..=3) {
                let k = rng.usize(0..s.len());
                s[k] = draw(&mut rng);
            }
            s
        } else {
            let len = rng.usize(8..=15);
            let mut s = Vec::with_capacity(len);
            while s.len() < len {
                let v = draw(&mut rng);
                if !s.contains(&v) {
                    s.push(v);
                }
            }
            s
        };
        s.sort_unstable();
        s.dedup();
        sets.push(s);
    }
    sets
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_join_matches_hand_computation() {
        let sets = vec![
            vec![1, 2, 3, 4],
            vec![1, 2, 3],
            vec![3, 4, 5, 6],
            vec![],
            vec![9],
            vec![9],
        ];
        let got = similarity_join(&sets, 0.5);
        assert_eq!(
            got,
            vec![JoinPair { a: 0, b: 1, inter: 3 }, JoinPair { a: 4, b: 5, inter: 1 }]
        );
        // 0 and 2 share {3, 4}: 2/6 = 0.33.
        assert_eq!(similarity_join(&sets, 0.3).len(), 3);
    }

    #[test]
    fn thresholds_at_exact_fractions_are_inclusive() {
        // 7/10 = 0.7 exactly as the user writes it.
        let a: Vec<u32> = (0..10).collect();
        let b: Vec<u32> = (0..7).collect();
        assert_eq!(similarity_join(&[a.clone(), b.clone()], 0.7).len(), 1);
        assert_eq!(brute_force_join(&[a, b], 0.7).len(), 1);
    }

    #[test]
    fn components_are_largest_first() {
        let c = components(vec![(5, 6), (1, 2), (2, 3), (7, 7)]);
        assert_eq!(c, vec![vec![1, 2, 3], vec![5, 6]]);
    }

    fn arb_sets() -> impl Strategy<Value = (Vec<Vec<u32>>, f64)> {
        let set = prop::collection::btree_set(0u32..24, 0..9).prop_map(|s| s.into_iter().collect::<Vec<_>>());
        let t = prop_oneof![
            Just(0.5),
            Just(1.0),
            Just(1.0 / 3.0),
            Just(0.7),
            (1u32..=20).prop_map(|k| k as f64 / 20.0)
        ];
        (prop::collection::vec(set, 0..60), t)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The indexed join answers exactly the brute-force pairs, and clusters agree.
        #[test]
        fn join_equals_brute_force((sets, t) in arb_sets()) {
            let fast = similarity_join(&sets, t);
            let slow = brute_force_join(&sets, t);
            prop_assert_eq!(&fast, &slow);
            let cf = components(fast.iter().map(|p| (p.a, p.b)));
            let cs = components(slow.iter().map(|p| (p.a, p.b)));
            prop_assert_eq!(cf, cs);
        }

        /// Near-duplicate-heavy inputs (copies with a few edits) exercise the filters.
        #[test]
        fn join_equals_brute_force_on_near_copies(seed in any::<u64>(), t in 0.05f64..=1.0) {
            let sets = synthetic_sets(300, seed);
            prop_assert_eq!(similarity_join(&sets, t), brute_force_join(&sets, t));
        }
    }
}
