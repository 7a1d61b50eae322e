//! A lexical model of course text (titles and descriptions) and the exact cosine join behind
//! text duplicates and text-based competency suggestions.
//!
//! # Model
//!
//! [`words`] normalises text: lower case, split on anything that is not a letter or digit,
//! drop English stop words and one-character words, and strip a plural `s` (`courses` ->
//! `course`, not `class`). A document is its title (each title word counted twice, since a
//! title names the subject) and its description. [`TextModel::build`] weighs each word of a
//! document by TF-IDF, `(1 + ln tf) · ln(1 + N / df)`, and scales the vector to unit length,
//! so the cosine of two documents is the dot product of their vectors ([`dot`]).
//!
//! # Join
//!
//! [`cosine_join`] finds every pair with cosine `>= t` exactly, without visiting all pairs
//! (the prefix filter of *AllPairs*, Bayardo et al. 2007, in its weighted form):
//!
//! 1. Words are ordered by document frequency, rarest first; each vector is kept in that order.
//! 2. Each document indexes only its *prefix*: its words up to the point where the rest of its
//!    vector (the *suffix*) has norm below `t`. Two documents sharing no word in both
//!    prefixes have all their common words at or after the earlier of their two suffixes, so
//!    a cosine `<=` that suffix's norm `< t` (Cauchy-Schwarz): they cannot pass.
//! 3. Each document probes the index with its prefix words against earlier documents,
//!    accumulating the partial dot product `A` over words in both prefixes. Since every common
//!    word up to the one just met is counted, the cosine is at most `A` plus the product of
//!    the two vectors' norms after that word (stored in the index entry; the L2 positional
//!    bound of L2AP, Anastasiu and Karypis, ICDE 2014); a candidate whose bound falls below `t`
//!    is dropped at once, and at the end `A` plus the smaller of that bound and the earlier
//!    suffix's norm must reach `t`.
//! 4. Survivors are verified with [`dot`], the same function the brute force uses, so the
//!    scores are bit-for-bit those of [`brute_force_cosine`].
//!
//! Probing is split over all cores (scoped threads claiming blocks of documents); the index
//! is built once before and only read while probing.

use std::collections::HashMap;

/// Tolerance of the threshold test: a pair passes when `cosine >= t - 1e-9`.
const TOLERANCE: f64 = 1e-9;

/// Words that carry no subject.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "both",
    "but",
    "by",
    "can",
    "course",
    "each",
    "for",
    "from",
    "has",
    "have",
    "how",
    "in",
    "include",
    "includes",
    "including",
    "into",
    "is",
    "it",
    "its",
    "may",
    "more",
    "most",
    "must",
    "no",
    "not",
    "of",
    "on",
    "one",
    "or",
    "other",
    "our",
    "over",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "topics",
    "two",
    "under",
    "upon",
    "use",
    "used",
    "using",
    "was",
    "were",
    "what",
    "when",
    "which",
    "while",
    "who",
    "will",
    "with",
    "within",
    "without",
    "you",
    "your",
    "student",
    "students",
    "learn",
    "learners",
    "introduction",
    "introduces",
    "basic",
    "principles",
];

fn is_stop(w: &str) -> bool {
    static SET: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(w)
}

/// The normalised words of `text`, in order (see the module docs).
///
/// ```
/// use careermap::analysis::text::words;
/// assert_eq!(words("Introduction to Welding: the Processes"), vec!["welding", "process"]);
/// ```
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !c.is_alphanumeric()) {
        if raw.is_empty() {
            continue;
        }
        let w = raw.to_lowercase();
        if w.chars().count() < 2 || is_stop(&w) {
            continue;
        }
        out.push(stem(w));
    }
    out
}

/// Strips a plural ending: `-ies` -> `-y`, `-sses`/`-shes`/`-ches`/`-xes` -> drop `es`, a
/// final `s` after a letter other than `s`, `u` or `i` (`class`, `status`, `basis` stay).
fn stem(mut w: String) -> String {
    let n = w.len();
    if n > 4 && w.ends_with("ies") {
        w.truncate(n - 3);
        w.push('y');
    } else if n > 4
        && (w.ends_with("sses")
            || w.ends_with("uses")
            || w.ends_with("shes")
            || w.ends_with("ches")
            || w.ends_with("xes"))
    {
        w.truncate(n - 2);
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(n - 1);
    }
    w
}

/// A unit TF-IDF vector: `(term, weight)` sorted by term (the model's rarest-first order).
pub type Vector = Vec<(u32, f32)>;

/// Documents as unit TF-IDF vectors over one vocabulary.
#[derive(Debug, Clone, Default)]
pub struct TextModel {
    /// Words by term number; term numbers follow document frequency, rarest first.
    pub terms: Vec<String>,
    /// Documents containing each term.
    pub df: Vec<u32>,
    /// One vector per document (empty for a document without words).
    pub vectors: Vec<Vector>,
    term_of: HashMap<String, u32>,
    n_docs: usize,
}

impl TextModel {
    /// Builds the model of `docs`, each `(title, description)`.
    ///
    /// Time O(total words · log); space O(total distinct words per document + vocabulary).
    pub fn build<'a>(docs: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> TextModel {
        // Raw term counts per document, over provisional term numbers.
        let mut provisional: HashMap<String, u32> = HashMap::new();
        let mut counts: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut df: Vec<u32> = Vec::new();
        for (title, description) in docs {
            let mut tf: HashMap<u32, u32> = HashMap::new();
            let mut add = |w: String, k: u32, tf: &mut HashMap<u32, u32>| {
                let next = provisional.len() as u32;
                let t = *provisional.entry(w).or_insert(next);
                *tf.entry(t).or_insert(0) += k;
            };
            for w in words(title) {
                add(w, 2, &mut tf);
            }
            for w in words(description.unwrap_or("")) {
                add(w, 1, &mut tf);
            }
            df.resize(provisional.len(), 0);
            for &t in tf.keys() {
                df[t as usize] += 1;
            }
            let mut v: Vec<(u32, u32)> = tf.into_iter().collect();
            v.sort_unstable();
            counts.push(v);
        }
        // Final term numbers: rarest first, ties by word.
        let mut by_word: Vec<(String, u32)> = provisional.into_iter().collect();
        by_word.sort_unstable_by(|a, b| df[a.1 as usize].cmp(&df[b.1 as usize]).then_with(|| a.0.cmp(&b.0)));
        let mut renumber = vec![0u32; by_word.len()];
        let mut terms = Vec::with_capacity(by_word.len());
        let mut final_df = Vec::with_capacity(by_word.len());
        for (new, (w, old)) in by_word.into_iter().enumerate() {
            renumber[old as usize] = new as u32;
            final_df.push(df[old as usize]);
            terms.push(w);
        }
        let n = counts.len();
        let vectors = counts
            .into_iter()
            .map(|c| {
                let raw: Vec<(u32, f64)> = c
                    .into_iter()
                    .map(|(t, tf)| {
                        let t = renumber[t as usize];
                        (t, weight(tf, final_df[t as usize], n))
                    })
                    .collect();
                unit(raw)
            })
            .collect();
        let term_of = terms.iter().enumerate().map(|(i, w)| (w.clone(), i as u32)).collect();
        TextModel {
            terms,
            df: final_df,
            vectors,
            term_of,
            n_docs: n,
        }
    }

    /// The unit vector of a new text (a query) in this model's vocabulary; words the model
    /// has never seen are ignored.
    pub fn vectorize(&self, title: &str, description: Option<&str>) -> Vector {
        let mut tf: HashMap<u32, u32> = HashMap::new();
        for (w, k) in words(title)
            .into_iter()
            .map(|w| (w, 2))
            .chain(words(description.unwrap_or("")).into_iter().map(|w| (w, 1)))
        {
            if let Some(&t) = self.term_of.get(&w) {
                *tf.entry(t).or_insert(0) += k;
            }
        }
        let raw: Vec<(u32, f64)> = tf
            .into_iter()
            .map(|(t, c)| (t, weight(c, self.df[t as usize], self.n_docs.max(1))))
            .collect();
        unit(raw)
    }

    /// The shared words of two vectors, largest contribution to their cosine first.
    pub fn shared_terms(&self, a: &Vector, b: &Vector, max: usize) -> Vec<String> {
        let mut shared: Vec<(f64, u32)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared.push((a[i].1 as f64 * b[j].1 as f64, a[i].0));
                    i += 1;
                    j += 1;
                }
            }
        }
        shared.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        shared
            .into_iter()
            .take(max)
            .map(|(_, t)| self.terms[t as usize].clone())
            .collect()
    }
}

/// TF-IDF weight of a term seen `tf` times in a document, in `df` of `n` documents.
fn weight(tf: u32, df: u32, n: usize) -> f64 {
    (1.0 + (tf as f64).ln()) * (1.0 + n as f64 / df.max(1) as f64).ln()
}

/// Sorts by term and scales to unit length (an all-zero vector becomes empty).
fn unit(mut raw: Vec<(u32, f64)>) -> Vector {
    raw.sort_unstable_by_key(|x| x.0);
    let norm = raw.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
    if norm <= 0.0 {
        return Vec::new();
    }
    raw.into_iter().map(|(t, w)| (t, (w / norm) as f32)).collect()
}

/// The dot product of two term-sorted vectors (their cosine, for unit vectors), summed in
/// term order in `f64`. Time O(|a| + |b|).
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Whether a cosine passes the threshold `t` (one predicate for the join and the oracle).
pub fn passes(cos: f64, t: f64) -> bool {
    cos >= t - TOLERANCE
}

/// One similar pair: document indices `a < b` and their cosine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CosinePair {
    pub a: u32,
    pub b: u32,
    pub cosine: f64,
}

/// Every pair of documents with cosine `>= t` (see [`passes`]), exactly.
///
/// # Arguments
/// * `vectors`: unit vectors sorted by term, where smaller term numbers are rarer (as
///   [`TextModel`] makes them; any order is correct, rarest first is fast).
/// * `t`: the threshold, in `(0, 1]`.
///
/// # Returns
/// The pairs sorted by `(a, b)`; empty vectors never pair.
///
/// # Complexity
/// Time O(T + C + V): T the total vector length, C the index entries scanned (only prefixes
/// are indexed and probed, and prefixes hold the rare words, so lists are short), V the
/// verification of candidates that survive the bounds, O(|x| + |y|) each. Spread over all
/// cores. Space O(T) for the index (12 bytes an entry) plus O(n) per thread (16 bytes a
/// document).
///
/// # Example
/// ```
/// use careermap::analysis::text::{cosine_join, TextModel};
/// let m = TextModel::build([("Welding I", Some("arc welding safety")), ("Welding 1", Some("arc welding and safety")),
///     ("Nurse aide", Some("patient care"))]);
/// let pairs = cosine_join(&m.vectors, 0.8);
/// assert_eq!(pairs.len(), 1);
/// assert_eq!((pairs[0].a, pairs[0].b), (0, 1));
/// ```
pub fn cosine_join(vectors: &[Vector], t: f64) -> Vec<CosinePair> {
    assert!(t > 0.0 && t <= 1.0, "threshold must be in (0, 1]");
    let n = vectors.len();
    // Suffix norms: the prefix of a document ends before the longest suffix with norm < t.
    let mut prefix_len = vec![0u32; n];
    let mut suffix_norm = vec![0f64; n];
    let mut boundary = vec![u32::MAX; n];
    let vocab = vectors
        .iter()
        .flat_map(|v| v.last().map(|x| x.0 + 1))
        .max()
        .unwrap_or(0) as usize;
    let mut list_len = vec![0u32; vocab];
    let bound = t - 1e-6; // err on the side of indexing more
    for (d, v) in vectors.iter().enumerate() {
        let mut rest = 0.0f64;
        let mut k = v.len();
        while k > 0 {
            let w = v[k - 1].1 as f64;
            let next = rest + w * w;
            if next.sqrt() >= bound {
                break;
            }
            rest = next;
            k -= 1;
        }
        prefix_len[d] = k as u32;
        boundary[d] = v.get(k).map_or(u32::MAX, |x| x.0);
        suffix_norm[d] = rest.sqrt() + 1e-7;
        for &(term, _) in &v[..k] {
            list_len[term as usize] += 1;
        }
    }
    // Index as one flat array (CSR): term -> (document, weight, norm of the document after
    // the term), documents ascending.
    let mut starts = vec![0usize; vocab + 1];
    for term in 0..vocab {
        starts[term + 1] = starts[term] + list_len[term] as usize;
    }
    let mut fill = starts.clone();
    let mut entries: Vec<(u32, f32, f32)> = vec![(0, 0.0, 0.0); starts[vocab]];
    let mut after: Vec<f32> = Vec::new();
    for (d, v) in vectors.iter().enumerate() {
        rest_after(v, &mut after);
        for (k, &(term, w)) in v[..prefix_len[d] as usize].iter().enumerate() {
            entries[fill[term as usize]] = (d as u32, w, after[k]);
            fill[term as usize] += 1;
        }
    }
    drop(fill);

    let mut out: Vec<CosinePair> = super::probe_in_blocks(
        n,
        2048,
        // Each thread's scratch: per candidate, the dot product over the common prefix terms met
        // so far and a bound on the rest (negative once the pair cannot pass); the candidates
        // touched; the norms after each term of `x` (see `rest_after`).
        || (vec![(0.0f64, 0.0f64); n], Vec::<u32>::new(), Vec::<f32>::new()),
        |(acc, touched, after), x, found| {
            let xv = &vectors[x];
            rest_after(xv, after);
            // Only `x`'s prefix: a document sharing none of it has cosine at most
            // `x`'s suffix norm, below `t`.
            for (k, &(term, wx)) in xv[..prefix_len[x] as usize].iter().enumerate() {
                let rx = after[k] as f64;
                let list = &entries[starts[term as usize]..starts[term as usize + 1]];
                let end = list.partition_point(|e| (e.0 as usize) < x);
                for &(y, wy, ry) in &list[..end] {
                    let c = &mut acc[y as usize];
                    if c.1 < 0.0 {
                        continue;
                    }
                    if c.1 == 0.0 && c.0 == 0.0 {
                        touched.push(y);
                    }
                    // Every common term up to this one is in both prefixes, so
                    // counted; the rest is at most the product of the norms
                    // after it (Cauchy-Schwarz).
                    c.0 += wx as f64 * wy as f64;
                    c.1 = rx * ry as f64 + SLACK;
                    if c.0 + c.1 < t - TOLERANCE {
                        c.1 = -1.0;
                    }
                }
            }
            for &y in touched.iter() {
                let (a, rest) = std::mem::replace(&mut acc[y as usize], (0.0, 0.0));
                if rest < 0.0 {
                    continue;
                }
                // The common terms not counted all lie at or after the earlier of the
                // two suffixes, so they add at most that suffix's norm.
                let rest2 = if boundary[x] <= boundary[y as usize] {
                    suffix_norm[x]
                } else {
                    suffix_norm[y as usize]
                };
                if a + rest.min(rest2) < t - TOLERANCE {
                    continue;
                }
                let cos = dot(&vectors[y as usize], xv);
                if passes(cos, t) {
                    found.push(CosinePair {
                        a: y,
                        b: x as u32,
                        cosine: cos,
                    });
                }
            }
            touched.clear();
        },
    );
    out.sort_unstable_by_key(|p| (p.a, p.b));
    out
}

/// Slack added to the bounds of [`cosine_join`] (they round up, so filters keep more).
const SLACK: f64 = 1e-6;

/// `after[k]` = the norm of `v[k + 1..]`, rounded up (a bound, never below the true norm).
fn rest_after(v: &[(u32, f32)], after: &mut Vec<f32>) {
    after.clear();
    after.resize(v.len(), 0.0);
    let mut sq = 0.0f64;
    for k in (0..v.len()).rev() {
        after[k] = (sq.sqrt() * (1.0 + 1e-6)) as f32;
        sq += v[k].1 as f64 * v[k].1 as f64;
    }
}

/// The brute-force oracle of [`cosine_join`]: every pair, by [`dot`]. Time O(n² · length).
pub fn brute_force_cosine(vectors: &[Vector], t: f64) -> Vec<CosinePair> {
    let mut out = Vec::new();
    for (i, a) in vectors.iter().enumerate() {
        if a.is_empty() {
            continue;
        }
        for (j, b) in vectors.iter().enumerate().skip(i + 1) {
            if b.is_empty() {
                continue;
            }
            let cos = dot(a, b);
            if passes(cos, t) {
                out.push(CosinePair {
                    a: i as u32,
                    b: j as u32,
                    cosine: cos,
                });
            }
        }
    }
    out
}

/// Generates `n` course titles and descriptions for benchmarks: about 50 courses share a
/// field with its own 40 subject words (fields overlap in a vocabulary of `min(20,000,
/// n/5)` invented words), each description is 3-5 sentences of 6-14 words mixing subject words
/// with common catalog prose, and one course in ten restates an earlier course of its field
/// with a few words changed, as providers describing the same course do. Deterministic.
pub fn synthetic_texts(n: usize, seed: u64) -> Vec<(String, String)> {
    const SYLLABLES: &[&str] = &[
        "ka", "to", "ri", "mel", "san", "dor", "vi", "qua", "len", "po", "tra", "ne", "shi", "bel", "cor", "du", "fen",
        "gal", "hy", "lo", "mar", "nit", "ope", "ph", "ros", "sta", "tel", "ul", "ven", "xo",
    ];
    const COMMON: &[&str] = &[
        "skills",
        "practice",
        "safety",
        "industry",
        "workplace",
        "hands-on",
        "laboratory",
        "project",
        "fundamentals",
        "applications",
        "techniques",
        "standards",
        "procedures",
        "equipment",
        "career",
        "professional",
        "communication",
        "problem",
        "solving",
        "team",
        "quality",
        "systems",
        "methods",
        "design",
        "analysis",
        "emphasis",
        "covers",
        "develop",
        "apply",
        "understand",
    ];
    let mut rng = fastrand::Rng::with_seed(seed);
    let vocab = (n / 5).clamp(400, 20_000);
    let invent = |k: usize| -> String {
        let mut w = String::new();
        let mut x = k + 1;
        while x > 0 {
            w.push_str(SYLLABLES[x % SYLLABLES.len()]);
            x /= SYLLABLES.len();
        }
        w.push_str("ics");
        w
    };
    let per_field = 50usize;
    let pool = 40usize;
    let mut out: Vec<(String, String)> = Vec::with_capacity(n);
    for i in 0..n {
        let field = i / per_field;
        let pool_start = (field as u64).wrapping_mul(2_654_435_761) as usize % vocab;
        let subject = |rng: &mut fastrand::Rng| invent((pool_start + rng.usize(0..pool)) % vocab);
        let field_start = i - i % per_field;
        if i > field_start && rng.u8(0..10) == 0 {
            let (title, desc) = out[rng.usize(field_start..i)].clone();
            let mut ws: Vec<String> = desc.split(' ').map(str::to_owned).collect();
            for _ in 0..rng.usize(0..=3) {
                let k = rng.usize(0..ws.len());
                ws[k] = subject(&mut rng);
            }
            out.push((title, ws.join(" ")));
            continue;
        }
        let title = format!(
            "{} {} {}",
            subject(&mut rng),
            subject(&mut rng),
            ["I", "II", "Fundamentals", "Lab"][rng.usize(0..4)]
        );
        let mut desc: Vec<String> = Vec::new();
        for _ in 0..rng.usize(3..=5) {
            for _ in 0..rng.usize(6..=14) {
                if rng.u8(0..100) < 45 {
                    desc.push(subject(&mut rng));
                } else if rng.u8(0..100) < 60 {
                    desc.push(COMMON[rng.usize(0..COMMON.len())].to_owned());
                } else {
                    desc.push(["the", "and", "of", "in", "students", "with", "to", "for"][rng.usize(0..8)].to_owned());
                }
            }
            if let Some(last) = desc.last_mut() {
                last.push('.');
            }
        }
        out.push((title, desc.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_normalise_case_punctuation_and_plurals() {
        assert_eq!(
            words("Patients' Rights; CLASSES, bodies & statuses -- HVAC/R 2"),
            vec!["patient", "right", "class", "body", "status", "hvac"]
        );
    }

    #[test]
    fn identical_texts_have_cosine_one_and_unrelated_zero() {
        let m = TextModel::build([
            (
                "Nurse Aide Training",
                Some("Resident rights, infection control, vital signs."),
            ),
            (
                "Nurse Aide Training",
                Some("Resident rights, infection control, vital signs."),
            ),
            ("Welding", Some("Shielded metal arc welding.")),
        ]);
        assert!((dot(&m.vectors[0], &m.vectors[1]) - 1.0).abs() < 1e-6);
        assert_eq!(dot(&m.vectors[0], &m.vectors[2]), 0.0);
        let terms = m.shared_terms(&m.vectors[0], &m.vectors[1], 3);
        assert_eq!(terms.len(), 3);
        assert!(terms.iter().all(|w| {
            [
                "nurse",
                "aide",
                "training",
                "resident",
                "right",
                "infection",
                "control",
                "vital",
                "sign",
            ]
            .contains(&w.as_str())
        }));
    }

    fn arb_docs() -> impl Strategy<Value = (Vec<(String, String)>, f64)> {
        let word = prop::sample::select(vec![
            "weld",
            "arc",
            "safety",
            "nurse",
            "aide",
            "patient",
            "care",
            "vital",
            "sign",
            "code",
            "data",
            "network",
            "math",
            "algebra",
            "engine",
            "brake",
            "circuit",
            "wiring",
            "resident",
            "infection",
        ]);
        let text = prop::collection::vec(word, 0..10).prop_map(|w| w.join(" "));
        let doc = (text.clone(), text);
        let t = prop_oneof![
            Just(0.5),
            Just(1.0),
            Just(0.3),
            (1u32..=20).prop_map(|k| k as f64 / 20.0)
        ];
        (prop::collection::vec(doc, 0..50), t)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The filtered join answers exactly the brute-force pairs with the same cosines.
        #[test]
        fn cosine_join_equals_brute_force((docs, t) in arb_docs()) {
            let m = TextModel::build(docs.iter().map(|(a, b)| (a.as_str(), Some(b.as_str()))));
            prop_assert_eq!(cosine_join(&m.vectors, t), brute_force_cosine(&m.vectors, t));
        }

        /// Near copies of generated descriptions exercise the prefix and the bound.
        #[test]
        fn cosine_join_equals_brute_force_on_generated_texts(seed in any::<u64>(), t in 0.1f64..=1.0) {
            let texts = synthetic_texts(400, seed);
            let m = TextModel::build(texts.iter().map(|(a, b)| (a.as_str(), Some(b.as_str()))));
            prop_assert_eq!(cosine_join(&m.vectors, t), brute_force_cosine(&m.vectors, t));
        }
    }
}
