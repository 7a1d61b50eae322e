//! The exact set-similarity join behind duplicate detection (Jaccard or containment over sorted
//! integer sets), its brute-force oracle, and synthetic sets for benchmarks.
//!
//! # Algorithm
//!
//! [`similarity_join`] is the *AllPairs* join with prefix and size filtering (Bayardo et al.,
//! WWW 2007; the prefix filter is Chaudhuri et al., ICDE 2006), with the positional filter of
//! PPJoin (Xiao et al., WWW 2008) and the bitmap filter of Sandes et al. (2020):
//!
//! 1. Tokens get compact ids ranked by global frequency, rarest first (a global order by
//!    ascending document frequency), and every set is rewritten as its sorted list of ranks.
//! 2. Sets are visited in ascending size. For threshold `t`, a pair with Jaccard `>= t` shares
//!    at least `α = ceil(t/(1+t)·(|x|+|y|))` tokens, so its *first* common token sits among the
//!    first `|x| - α + 1` ranks of the larger, later set `x` (at most `|x| - ceil(t·|x|) + 1`,
//!    the *probe prefix*) and among the first `|y| - ceil(2t/(1+t)·|y|) + 1` ranks of the
//!    smaller, earlier set `y` (the *index prefix*): only those ranks are probed and indexed.
//! 3. Size filter: an earlier set `y` is a candidate only if `|y| >= t·|x|` (a binary search
//!    on each inverted list, whose entries are in visiting order, hence by size).
//! 4. Positional filter: when `x`'s `i`-th token meets `y`'s `j`-th and this is their first
//!    common token, both tails `|x| - i` and `|y| - j` must still hold `α`; a list is left as
//!    soon as the sizes it reaches need more than `x`'s tail holds.
//! 5. Bitmap filter: each set has a 64-bit signature (one hashed bit per token, [`bit`]),
//!    stored in its index entries. Every bit set in exactly one of the signatures stands for a
//!    token of the symmetric difference, so `|x ∩ y| <= (|x| + |y| - popcount(bx ^ by)) / 2`;
//!    below `α`, the entry is skipped without reading `y`. This one test, on data read in
//!    sequence, discards about 99% of the entries the prefix filter lets through.
//! 6. A surviving entry is verified exactly by merging the two sorted lists, and the pair is
//!    reported only from the entry of its first common token (so each pair once, with no
//!    per-thread candidate table).
//!
//! The filters only discard pairs that cannot reach the threshold, so the answer is exactly
//! the brute-force answer ([`brute_force_join`]); the property tests check this. Rounding is
//! handled by [`passes`] (one predicate for both) and by filters that err on the side of more
//! candidates.

use super::*;

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
    // Any size reaches 0, so this is never `None`.
    intersection_reaching(a, b, 0).unwrap_or(0)
}

/// Size of the intersection of two sorted lists, or `None` as soon as it cannot reach `need`.
fn intersection_reaching<T: Ord>(a: &[T], b: &[T], need: usize) -> Option<usize> {
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

/// What a competency pair's `min_overlap` applies to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Measure {
    /// `|x ∩ y| / |x ∪ y|`.
    #[default]
    Jaccard,
    /// `|x ∩ y| / min(|x|, |y|)`: the share of the smaller set the other contains.
    Containment,
}

impl Measure {
    pub fn parse(s: &str) -> Option<Measure> {
        match s {
            "jaccard" => Some(Measure::Jaccard),
            "containment" => Some(Measure::Containment),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Jaccard => "jaccard",
            Measure::Containment => "containment",
        }
    }

    /// The measure of a pair with `inter` shared elements out of sets of sizes `sa`, `sb`.
    pub fn of(self, inter: usize, sa: usize, sb: usize) -> f64 {
        match self {
            Measure::Jaccard => jaccard(inter, sa, sb),
            Measure::Containment => containment(inter, sa, sb),
        }
    }

    /// Whether the pair reaches `t` (within [`TOLERANCE`]); empty sets never pass.
    pub fn passes(self, inter: usize, sa: usize, sb: usize, t: f64) -> bool {
        match self {
            Measure::Jaccard => passes(inter, sa, sb, t),
            Measure::Containment => sa.min(sb) > 0 && containment(inter, sa, sb) >= t - TOLERANCE,
        }
    }
}

/// Containment of two sets given their sizes and intersection size: the share of the smaller
/// set that the other contains (0 when one is empty).
pub fn containment(inter: usize, sa: usize, sb: usize) -> f64 {
    let m = sa.min(sb);
    if m == 0 { 0.0 } else { inter as f64 / m as f64 }
}

/// All pairs of sets with Jaccard similarity `>= t` (see [`passes`]), exactly:
/// [`similarity_join_by`] with [`Measure::Jaccard`].
///
/// # Example
/// ```
/// use careermap::analysis::duplicates::{similarity_join, JoinPair};
/// let sets = vec![vec![1, 2, 3], vec![1, 2, 3, 4], vec![7, 8]];
/// assert_eq!(similarity_join(&sets, 0.5), vec![JoinPair { a: 0, b: 1, inter: 3 }]);
/// ```
pub fn similarity_join<S: AsRef<[u32]> + Sync>(sets: &[S], t: f64) -> Vec<JoinPair> {
    similarity_join_by(sets, t, Measure::Jaccard)
}

/// All pairs of sets whose `measure` is `>= t` (see [`Measure::passes`]), exactly.
///
/// # Arguments
/// * `sets`: each set as a sorted, deduplicated list of tokens (any `u32`s).
/// * `t`: the threshold, in `(0, 1]`.
/// * `measure`: Jaccard or containment.
///
/// # Returns
/// The pairs, sorted by `(a, b)`; empty sets never pair.
///
/// # Filters
/// Sets are visited by ascending size, so of a pair the earlier set `y` is never larger than
/// the later `x`. A passing pair needs an overlap `α`: `ceil(t/(1+t)·(|x|+|y|))` for Jaccard,
/// `ceil(t·|y|)` for containment (the containment bound: the smaller set is the one that must
/// be contained). `y` indexes its first `|y| - ceil(2t/(1+t)·|y|) + 1` (Jaccard) or
/// `|y| - ceil(t·|y|) + 1` (containment) ranks; `x` probes its first `|x| - ceil(t·|x|) + 1`
/// ranks (Jaccard, with the size filter `|y| >= t·|x|`) or as many as can still hold the
/// overlap of the smallest candidate (containment has no size filter). An entry is kept only
/// if it can be the pair's first common token (both tails hold `α`, the positional filter)
/// and the signatures allow `α` common tokens (the bitmap filter); see the module docs. The
/// whole index is built first (each list in visiting order), then the probes, which only
/// read it, run on all cores, each thread claiming blocks of 1,024 sets; the pairs are sorted
/// at the end, so the answer does not depend on the threads.
///
/// # Complexity
/// Time O(T log T + C + V) where T is the total set size, C the number of inverted-list
/// entries scanned (bounded by the prefix, size and positional filters, O(1) each) and V the
/// cost of verifying the entries the bitmap filter keeps, O(|x| + |y|) each at most, C and V
/// divided over the cores. With a fixed vocabulary, inverted lists grow with n, so C grows
/// about quadratically. Space O(T + n + distinct tokens) (16 bytes per index entry) and the
/// output; no per-thread state beyond the output.
pub fn similarity_join_by<S: AsRef<[u32]> + Sync>(sets: &[S], t: f64, measure: Measure) -> Vec<JoinPair> {
    assert!(t > 0.0 && t <= 1.0, "threshold must be in (0, 1]");
    let total: usize = sets.iter().map(|s| s.as_ref().len()).sum();
    // 1. Compact token ids (a counting table when tokens are dense, else a sorted table), ranked by frequency (rarest first), ties by token.
    let max_token = sets.iter().filter_map(|s| s.as_ref().iter().max()).max().copied();
    let rank_of: Box<dyn Fn(u32) -> u32 + Sync> = match max_token {
        None => Box::new(|_| 0),
        Some(m) if (m as usize) <= 4 * total + 1024 => {
            let mut count = vec![0u32; m as usize + 1];
            for s in sets {
                for &tok in s.as_ref() {
                    count[tok as usize] += 1;
                }
            }
            let mut seen: Vec<u32> = (0..=m).filter(|&tok| count[tok as usize] > 0).collect();
            seen.sort_unstable_by_key(|&tok| (count[tok as usize], tok));
            for (rank, &tok) in seen.iter().enumerate() {
                count[tok as usize] = rank as u32;
            }
            Box::new(move |tok| count[tok as usize])
        }
        Some(_) => {
            let mut tokens: Vec<u32> = sets.iter().flat_map(|s| s.as_ref().iter().copied()).collect();
            tokens.sort_unstable();
            let mut freq: Vec<(u32, u32)> = Vec::new();
            for &tok in &tokens {
                match freq.last_mut() {
                    Some((t0, n)) if *t0 == tok => *n += 1,
                    _ => freq.push((tok, 1)),
                }
            }
            drop(tokens);
            let mut by_rarity: Vec<u32> = (0..freq.len() as u32).collect();
            by_rarity.sort_unstable_by_key(|&i| (freq[i as usize].1, freq[i as usize].0));
            let mut rank_of_distinct = vec![0u32; freq.len()];
            for (rank, &i) in by_rarity.iter().enumerate() {
                rank_of_distinct[i as usize] = rank as u32;
            }
            Box::new(move |tok| {
                let i = freq.binary_search_by_key(&tok, |&(t0, _)| t0).expect("token counted");
                rank_of_distinct[i]
            })
        }
    };

    // 2. Non-empty sets by ascending size, ranked, laid out contiguously in that order.
    let mut order: Vec<u32> = (0..sets.len() as u32)
        .filter(|&i| !sets[i as usize].as_ref().is_empty())
        .collect();
    order.sort_unstable_by_key(|&i| (sets[i as usize].as_ref().len(), i));
    let n = order.len();
    let mut offsets: Vec<usize> = Vec::with_capacity(n + 1);
    let mut flat: Vec<u32> = Vec::with_capacity(total);
    let mut sig: Vec<u64> = Vec::with_capacity(n);
    offsets.push(0);
    for &i in &order {
        let from = flat.len();
        flat.extend(sets[i as usize].as_ref().iter().map(|&x| rank_of(x)));
        flat[from..].sort_unstable();
        sig.push(flat[from..].iter().fold(0, |b, &r| b | bit(r)));
        offsets.push(flat.len());
    }
    drop(rank_of);
    let vocab = flat.iter().max().map_or(0, |&m| m as usize + 1);
    let set = |pos: usize| &flat[offsets[pos]..offsets[pos + 1]];
    let max_size = if n == 0 { 0 } else { offsets[n] - offsets[n - 1] };
    // first_of_size[s]: first position whose set has s or more elements.
    let mut first_of_size = vec![n as u32; max_size + 2];
    for pos in (0..n).rev() {
        first_of_size[offsets[pos + 1] - offsets[pos]] = pos as u32;
    }
    for s in (0..=max_size).rev() {
        first_of_size[s] = first_of_size[s].min(first_of_size[s + 1]);
    }

    // 3. The prefix index (CSR): rank -> entries in position (so size) order.
    let mid = 2.0 * t / (1.0 + t);
    let indexed = |s: usize| match measure {
        Measure::Jaccard => s - at_least(mid, s) + 1,
        Measure::Containment => s - at_least(t, s) + 1,
    };
    let mut starts = vec![0usize; vocab + 1];
    for pos in 0..n {
        let xs = set(pos);
        for &tok in &xs[..indexed(xs.len())] {
            starts[tok as usize + 1] += 1;
        }
    }
    for k in 0..vocab {
        starts[k + 1] += starts[k];
    }
    let mut fill = starts.clone();
    let mut entries: Vec<Entry> = vec![Entry::default(); starts[vocab]];
    for (pos, &bits) in sig.iter().enumerate() {
        let xs = set(pos);
        for (j, &tok) in xs[..indexed(xs.len())].iter().enumerate() {
            entries[fill[tok as usize]] = Entry {
                bits,
                pos: pos as u32,
                j: j as u32,
            };
            fill[tok as usize] += 1;
        }
    }
    drop(fill);
    let need_containment: Vec<u32> = (0..=max_size).map(|s| at_least(t, s) as u32).collect();

    // 4. Probe on all cores.
    let pair_factor = t / (1.0 + t);
    let mut out: Vec<JoinPair> = crate::analysis::probe_in_blocks(n, 1024, Vec::<u32>::new, |need, pos, found| {
        let xs = set(pos);
        let s = xs.len();
        let bx = sig[pos];
        let (probe, min_size) = match measure {
            Measure::Jaccard => {
                let min_size = at_least(t, s);
                (s - min_size + 1, min_size)
            }
            Measure::Containment => (s, 1),
        };
        need.clear();
        need.extend((0..=s).map(|sy| match measure {
            Measure::Jaccard => at_least(pair_factor, s + sy) as u32,
            Measure::Containment => need_containment[sy],
        }));
        let lo = first_of_size[min_size];
        // Probe each prefix token's list from the smallest size the size
        // filter allows, tracking the size of the entries reached.
        for (i, &tok) in xs[..probe].iter().enumerate() {
            let rest_x = (s - i) as u32;
            if need[min_size] > rest_x {
                break;
            }
            let list = &entries[starts[tok as usize]..starts[tok as usize + 1]];
            let a = list.partition_point(|e| e.pos < lo);
            let mut sy = min_size;
            let mut boundary = first_of_size[sy + 1];
            let mut need_y = need[sy];
            for e in &list[a..] {
                if e.pos as usize >= pos {
                    break;
                }
                if e.pos >= boundary {
                    while e.pos >= first_of_size[sy + 1] {
                        sy += 1;
                    }
                    boundary = first_of_size[sy + 1];
                    need_y = need[sy];
                    if need_y > rest_x {
                        break;
                    }
                }
                // This entry can be the pair's first common token only
                // if both tails can still hold `need_y` common tokens,
                // and the signatures must allow that many.
                let room_y = sy as u32 - e.j;
                let bound2 = (s + sy) as u32 - (bx ^ e.bits).count_ones();
                if (room_y < need_y) | (bound2 < 2 * need_y) {
                    continue;
                }
                let ys = set(e.pos as usize);
                let j = e.j as usize;
                if !disjoint(&xs[..i], &ys[..j]) {
                    continue;
                }
                let Some(tail) = intersection_reaching(&xs[i + 1..], &ys[j + 1..], need_y as usize - 1) else {
                    continue;
                };
                let inter = 1 + tail;
                if measure.passes(inter, s, sy, t) {
                    let (x, y) = (order[pos], order[e.pos as usize]);
                    found.push(JoinPair {
                        a: x.min(y),
                        b: x.max(y),
                        inter: inter as u32,
                    });
                }
            }
        }
    });
    out.sort_unstable();
    out
}

/// One inverted-list entry: a set (by visiting position), the 64-bit signature of the whole
/// set (see [`bit`]), and where the token sits in it. Its size follows from its position.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    bits: u64,
    pos: u32,
    j: u32,
}

/// The bit of a token (by rank) in a set's 64-bit signature: a multiplicative hash, so that
/// neighbouring ranks fall on unrelated bits.
fn bit(rank: u32) -> u64 {
    1u64 << (rank.wrapping_mul(0x9E37_79B9) >> 26)
}

/// Whether two sorted lists share no element. Time O(|a| + |b|).
fn disjoint(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => return false,
        }
    }
    true
}

/// The brute-force oracle of [`similarity_join`]: every pair, verified. Time O(n² · s).
pub fn brute_force_join<S: AsRef<[u32]>>(sets: &[S], t: f64) -> Vec<JoinPair> {
    brute_force_join_by(sets, t, Measure::Jaccard)
}

/// The brute-force oracle of [`similarity_join_by`]. Time O(n² · s).
pub fn brute_force_join_by<S: AsRef<[u32]>>(sets: &[S], t: f64, measure: Measure) -> Vec<JoinPair> {
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
            if measure.passes(inter, a.len(), b.len(), t) {
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
    fn containment_finds_a_small_set_inside_a_large_one() {
        let sets = vec![vec![1, 2], vec![1, 2, 3, 4, 5, 6, 7], vec![8, 9]];
        assert!(similarity_join(&sets, 0.5).is_empty(), "Jaccard 2/7");
        assert_eq!(
            similarity_join_by(&sets, 1.0, Measure::Containment),
            vec![JoinPair { a: 0, b: 1, inter: 2 }]
        );
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

    /// Sets over tokens spread across the whole `u32` range (the binary-searched rank table,
    /// not the dense one) and of up to 90 tokens (64-bit signatures that collide and
    /// saturate), with thresholds on both measures.
    fn arb_wide_sets() -> impl Strategy<Value = (Vec<Vec<u32>>, f64)> {
        let token = prop_oneof![0u32..40, (0u32..40).prop_map(|k| k.wrapping_mul(97_654_321) | 1 << 31)];
        let set = prop::collection::btree_set(token, 0..90).prop_map(|s| s.into_iter().collect::<Vec<_>>());
        let t = prop_oneof![Just(0.5), Just(1.0), (1u32..=20).prop_map(|k| k as f64 / 20.0)];
        (prop::collection::vec(set, 0..40), t)
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

        /// The containment join answers exactly the brute-force pairs (same intersections,
        /// hence the same scores), on random sets of very different sizes.
        #[test]
        fn containment_join_equals_brute_force((sets, t) in arb_sets()) {
            let fast = similarity_join_by(&sets, t, Measure::Containment);
            let slow = brute_force_join_by(&sets, t, Measure::Containment);
            prop_assert_eq!(&fast, &slow);
            for p in &fast {
                let (a, b) = (&sets[p.a as usize], &sets[p.b as usize]);
                prop_assert!(Measure::Containment.of(p.inter as usize, a.len(), b.len()) >= t - 1e-9);
            }
        }

        /// Wide token ranges and large sets, on both measures.
        #[test]
        fn join_equals_brute_force_on_wide_tokens_and_large_sets((sets, t) in arb_wide_sets()) {
            for measure in [Measure::Jaccard, Measure::Containment] {
                prop_assert_eq!(similarity_join_by(&sets, t, measure), brute_force_join_by(&sets, t, measure));
            }
        }

        #[test]
        fn containment_join_equals_brute_force_on_near_copies(seed in any::<u64>(), t in 0.05f64..=1.0) {
            let sets = synthetic_sets(300, seed);
            prop_assert_eq!(
                similarity_join_by(&sets, t, Measure::Containment),
                brute_force_join_by(&sets, t, Measure::Containment)
            );
        }
    }
}
