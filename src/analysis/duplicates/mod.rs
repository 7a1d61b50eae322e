//! Cross-system duplicate courses: pairs of courses whose competency sets have a Jaccard
//! similarity (or containment) of at least a threshold, found by the exact set-similarity join
//! ([`similarity_join`], in `join.rs`), plus pairs by text similarity and by code, each labelled by how an
//! articulation links the two courses; and the grouping of pairs into clusters.
//!
//! Courses without competencies have no defined similarity and never pair.

mod join;

pub use join::*;

use super::text::{TextModel, cosine_join};
use crate::graph::algo::UnionFind;
use crate::graph::{CatalogGraph, CompetencyIx, CourseIx, Item};
use std::cmp::Ordering;

/// The default `min_overlap` (Jaccard similarity) of `GET /v1/duplicates`.
pub const DEFAULT_MIN_OVERLAP: f64 = 0.5;

/// Connected components (of size 2 or more) of the graph the pairs form, by union-find
/// ([`UnionFind`]: union by rank, path compression). Each component is sorted; components are
/// sorted largest first, then by their smallest element.
///
/// Time O(p α(n) + n log n) for p pairs over n distinct elements.
pub fn components<T: Copy + Ord + std::hash::Hash>(pairs: impl IntoIterator<Item = (T, T)>) -> Vec<Vec<T>> {
    use std::collections::HashMap;
    let mut id: HashMap<T, usize> = HashMap::new();
    let mut elems: Vec<T> = Vec::new();
    let mut intern = |v: T| -> usize {
        *id.entry(v).or_insert_with(|| {
            elems.push(v);
            elems.len() - 1
        })
    };
    let edges: Vec<(usize, usize)> = pairs.into_iter().map(|(a, b)| (intern(a), intern(b))).collect();
    let mut sets: UnionFind<usize> = UnionFind::new(elems.len());
    for (a, b) in edges {
        sets.union(a, b);
    }
    let mut groups: HashMap<usize, Vec<T>> = HashMap::new();
    for (root, &e) in sets.into_labeling().into_iter().zip(&elems) {
        groups.entry(root).or_default().push(e);
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
    articulation_between(g, a, b) != ArticulationLabel::None
}

/// How an articulation links two courses (see [`articulated`] for what links them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArticulationLabel {
    /// A linking articulation grants at least all the credits of the course it targets.
    Full,
    /// Linking articulations exist, but each grants fewer credits than its target carries.
    Partial,
    /// No articulation links them.
    None,
}

impl ArticulationLabel {
    pub fn as_str(self) -> &'static str {
        match self {
            ArticulationLabel::Full => "full",
            ArticulationLabel::Partial => "partial",
            ArticulationLabel::None => "none",
        }
    }
}

/// The [`ArticulationLabel`] of two courses: `Full` when any linking articulation (either
/// direction, directly or through a credential, as in [`articulated`]) grants at least the
/// target course's credits (within 1e-9), else `Partial` when one links them, else `None`.
pub fn articulation_between(g: &CatalogGraph, a: CourseIx, b: CourseIx) -> ArticulationLabel {
    let mut label = ArticulationLabel::None;
    for (from, to) in [(a, b), (b, a)] {
        for &r in g.articulations_to(to) {
            let links = match g.articulation_from(r) {
                Item::Course(c) => c == from,
                Item::Credential(cred) => g
                    .requirements(cred)
                    .iter()
                    .any(|grp| grp.items().contains(&Item::Course(from))),
                Item::Assessment(_) => false,
            };
            if links {
                if g.articulation(r).credits + 1e-9 >= g.course(to).credits {
                    return ArticulationLabel::Full;
                }
                label = ArticulationLabel::Partial;
            }
        }
    }
    label
}

/// What a duplicate pair was found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Basis {
    /// Their competency sets (Jaccard or containment, see [`Measure`]).
    Competencies,
    /// Their titles and descriptions ([`super::text`]).
    Text,
    /// The same SCED or CIP code, in different systems.
    Codes,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Competencies, Basis::Text, Basis::Codes];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Competencies => "competencies",
            Basis::Text => "text",
            Basis::Codes => "codes",
        }
    }

    pub fn parse(s: &str) -> Option<Basis> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// A pair of similar courses, found on one [`Basis`] (a pair found on two bases is listed once
/// per basis).
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicatePair {
    /// The course with the smaller id.
    pub a: CourseIx,
    pub b: CourseIx,
    pub basis: Basis,
    /// Jaccard similarity of the competency sets (0 when either has none).
    pub jaccard: f64,
    /// Share of the smaller competency set the other teaches (0 when either has none).
    pub containment: f64,
    /// Competencies both teach, in id order.
    pub shared: Vec<CompetencyIx>,
    /// Cosine of the two courses' text vectors (for `Text` pairs).
    pub text_similarity: Option<f64>,
    /// The shared words contributing most to the cosine, as evidence (for `Text` pairs).
    pub terms: Vec<String>,
    /// The shared codes, `sced:CODE` or `cip:CODE` (for `Codes` pairs).
    pub codes: Vec<String>,
    /// See [`articulation_between`].
    pub articulation: ArticulationLabel,
    /// Whether the articulation is [`ArticulationLabel::Full`].
    pub articulated: bool,
}

/// The parameters of a duplicates analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DuplicateParams {
    /// Threshold of competency pairs, on `measure`.
    pub min_overlap: f64,
    pub measure: Measure,
    /// Threshold of text pairs (cosine).
    pub min_text_similarity: f64,
}

impl Default for DuplicateParams {
    fn default() -> Self {
        DuplicateParams {
            min_overlap: DEFAULT_MIN_OVERLAP,
            measure: Measure::Jaccard,
            min_text_similarity: DEFAULT_MIN_TEXT_SIMILARITY,
        }
    }
}

/// The default threshold of text pairs (cosine of TF-IDF vectors).
pub const DEFAULT_MIN_TEXT_SIMILARITY: f64 = 0.6;

/// The duplicates of one catalog at one threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicates {
    pub min_overlap: f64,
    /// Sorted by `jaccard` descending, then the basis's own score (containment or jaccard per
    /// the measure, cosine, 1 for codes) descending, then `a`, `b` and basis.
    pub pairs: Vec<DuplicatePair>,
    /// Connected components of the pairs, largest first (see [`components`]).
    pub clusters: Vec<Vec<CourseIx>>,
}

/// Finds every pair of distinct courses whose competency sets have Jaccard similarity of at
/// least `min_overlap`, with shared competencies, articulation status and clusters.
pub fn find_duplicates(g: &CatalogGraph, min_overlap: f64) -> Duplicates {
    let p = DuplicateParams {
        min_overlap,
        ..Default::default()
    };
    find_duplicates_with(g, &p, &[Basis::Competencies], None)
}

/// The text model of a catalog's courses, document `i` being course `i`.
pub fn course_text_model(g: &CatalogGraph) -> TextModel {
    TextModel::build((0..g.n_courses()).map(|i| {
        let c = g.course(CourseIx(i as u32));
        (c.title.as_str(), c.description.as_deref())
    }))
}

/// Finds duplicate pairs on each of `bases`: competency pairs whose `measure` reaches
/// `min_overlap` ([`similarity_join_by`]), text pairs whose cosine reaches
/// `min_text_similarity` ([`super::text::cosine_join`] over `text`, or a model built here),
/// and pairs of courses in different systems sharing a SCED or CIP code; each with both
/// competency measures, shared competencies, articulation label and clusters over all pairs.
///
/// Time: the joins, plus O(k²) per code shared by k courses, plus O(p log p) to sort.
pub fn find_duplicates_with(
    g: &CatalogGraph,
    p: &DuplicateParams,
    bases: &[Basis],
    text: Option<&TextModel>,
) -> Duplicates {
    let mut pairs: Vec<DuplicatePair> = Vec::new();
    let make = |a: CourseIx, b: CourseIx, basis: Basis| {
        let (a, b) = (a.min(b), a.max(b));
        let (ca, cb) = (g.course_competencies(a), g.course_competencies(b));
        let shared: Vec<CompetencyIx> = ca.iter().filter(|c| cb.binary_search(c).is_ok()).copied().collect();
        let articulation = articulation_between(g, a, b);
        DuplicatePair {
            a,
            b,
            basis,
            jaccard: jaccard(shared.len(), ca.len(), cb.len()),
            containment: containment(shared.len(), ca.len(), cb.len()),
            shared,
            text_similarity: None,
            terms: Vec::new(),
            codes: Vec::new(),
            articulation,
            articulated: articulation == ArticulationLabel::Full,
        }
    };
    if bases.contains(&Basis::Competencies) {
        let sets: Vec<Vec<u32>> = (0..g.n_courses())
            .map(|i| g.course_competencies(CourseIx(i as u32)).iter().map(|c| c.0).collect())
            .collect();
        for jp in similarity_join_by(&sets, p.min_overlap, p.measure) {
            pairs.push(make(CourseIx(jp.a), CourseIx(jp.b), Basis::Competencies));
        }
    }
    if bases.contains(&Basis::Text) {
        let built;
        let model = match text {
            Some(m) => m,
            None => {
                built = course_text_model(g);
                &built
            }
        };
        for cp in cosine_join(&model.vectors, p.min_text_similarity) {
            let mut pair = make(CourseIx(cp.a), CourseIx(cp.b), Basis::Text);
            pair.text_similarity = Some(cp.cosine);
            pair.terms = model.shared_terms(&model.vectors[cp.a as usize], &model.vectors[cp.b as usize], 8);
            pairs.push(pair);
        }
    }
    if bases.contains(&Basis::Codes) {
        let mut by_code: std::collections::BTreeMap<String, Vec<CourseIx>> = Default::default();
        for i in 0..g.n_courses() {
            let c = CourseIx(i as u32);
            let codes = &g.course(c).codes;
            for (scheme, v) in [("sced", &codes.sced), ("cip", &codes.cip)] {
                if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    by_code.entry(format!("{scheme}:{v}")).or_default().push(c);
                }
            }
        }
        let mut shared_codes: std::collections::BTreeMap<(CourseIx, CourseIx), Vec<String>> = Default::default();
        for (code, courses) in by_code {
            for (k, &x) in courses.iter().enumerate() {
                for &y in &courses[k + 1..] {
                    if g.course(x).system != g.course(y).system {
                        shared_codes.entry((x.min(y), x.max(y))).or_default().push(code.clone());
                    }
                }
            }
        }
        for ((a, b), codes) in shared_codes {
            let mut pair = make(a, b, Basis::Codes);
            pair.codes = codes;
            pairs.push(pair);
        }
    }
    sort_pairs(&mut pairs, p.measure);
    let clusters = components(pairs.iter().map(|p| (p.a, p.b)));
    Duplicates {
        min_overlap: p.min_overlap,
        pairs,
        clusters,
    }
}

/// The score a pair was selected on: its competency `measure`, its cosine, or 1 for codes.
pub fn basis_score(p: &DuplicatePair, measure: Measure) -> f64 {
    match p.basis {
        Basis::Competencies => match measure {
            Measure::Jaccard => p.jaccard,
            Measure::Containment => p.containment,
        },
        Basis::Text => p.text_similarity.unwrap_or(0.0),
        Basis::Codes => 1.0,
    }
}

/// Sorts pairs by `jaccard` descending, then [`basis_score`] descending, then `a`, `b`, basis.
pub fn sort_pairs(pairs: &mut [DuplicatePair], measure: Measure) {
    pairs.sort_by(|x, y| {
        y.jaccard
            .total_cmp(&x.jaccard)
            .then(basis_score(y, measure).total_cmp(&basis_score(x, measure)))
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
            .then(x.basis.cmp(&y.basis))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_largest_first() {
        let c = components(vec![(5, 6), (1, 2), (2, 3), (7, 7)]);
        assert_eq!(c, vec![vec![1, 2, 3], vec![5, 6]]);
    }
}
