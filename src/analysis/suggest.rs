//! Competency suggestions for courses that carry few or no competency tags, behind
//! `GET /v1/courses/{id}/suggested-competencies` and the bulk CSV.
//!
//! Three sources, each giving a score in `[0, 1]` and its evidence:
//!
//! * **CIP**: the course's `codes.cip` leads to occupations, through the occupations' program
//!   links (the NCES CIP-SOC crosswalk, evidence `crosswalk`) and through catalog credentials
//!   carrying the same CIP code that qualify for occupations. A competency required by `k` of
//!   those `n` occupations scores `k / n`. With pulled O*NET data the occupations'
//!   competencies are O*NET content-model elements; on the seed they are the seed's own.
//! * **Text**: the cosine between the course's title and description and the competency's
//!   name and description, in a TF-IDF model of the competencies ([`super::text`]); evidence is
//!   the shared words. Cosines below [`MIN_TEXT`] are ignored.
//! * **Similar courses**: the courses whose text is most similar to this one (cosine at least
//!   [`MIN_SIMILAR`], at most [`MAX_NEIGHBOURS`]) and that carry tags; a competency scores the
//!   largest cosine among the similar courses that teach it; evidence is those courses.
//!
//! The combined score is `1 - Π(1 - s)` over the sources that propose the competency (a
//! competency several independent sources propose ranks higher). Competencies the course
//! already has are never proposed. Suggestions are sorted by score descending, then id.

use super::text::{TextModel, Vector, dot};
use crate::graph::{CatalogGraph, CompetencyIx, CourseIx, OccupationIx};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Text cosines below this propose nothing.
pub const MIN_TEXT: f64 = 0.2;
/// Courses less similar than this are not neighbours.
pub const MIN_SIMILAR: f64 = 0.3;
/// Neighbours consulted per course.
pub const MAX_NEIGHBOURS: usize = 10;

/// Why a competency is proposed.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// `k` of the `n` occupations the course's CIP code leads to require it.
    Cip {
        cip: String,
        occupations: Vec<OccupationIx>,
        of: usize,
        score: f64,
    },
    /// Its name or description shares these words with the course.
    Text { terms: Vec<String>, score: f64 },
    /// Similar tagged courses teach it (course, cosine).
    Similar { courses: Vec<(CourseIx, f64)>, score: f64 },
}

impl Evidence {
    pub fn basis(&self) -> &'static str {
        match self {
            Evidence::Cip { .. } => "cip",
            Evidence::Text { .. } => "text",
            Evidence::Similar { .. } => "similar_courses",
        }
    }

    pub fn score(&self) -> f64 {
        match self {
            Evidence::Cip { score, .. } | Evidence::Text { score, .. } | Evidence::Similar { score, .. } => *score,
        }
    }
}

/// One proposed competency.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub competency: CompetencyIx,
    /// `1 - Π(1 - s)` over the evidence scores.
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

/// What suggestions need from one catalog, built once per snapshot.
pub struct Suggester {
    /// Competencies as documents (name, description).
    competencies: TextModel,
    /// CIP code -> occupations it leads to.
    cip_occupations: HashMap<String, BTreeSet<OccupationIx>>,
    /// Term -> courses with the term (for neighbour search), over the course model.
    postings: Vec<Vec<(u32, f32)>>,
}

impl Suggester {
    /// Heap bytes the suggester holds, an estimate for the analysis cache's budget.
    pub fn heap_bytes(&self) -> usize {
        use super::cache::Weigh;
        let postings: usize = self
            .postings
            .iter()
            .map(|p| std::mem::size_of::<Vec<(u32, f32)>>() + p.capacity() * std::mem::size_of::<(u32, f32)>())
            .sum();
        let cips: usize = self
            .cip_occupations
            .iter()
            .map(|(k, v)| k.len() + 32 + v.len() * 2 * std::mem::size_of::<OccupationIx>())
            .sum();
        self.competencies.weight() + postings + cips
    }

    /// Builds the competency model and the CIP and neighbour indices. `courses` is the text
    /// model of the catalog's courses ([`super::duplicates::course_text_model`]).
    /// Time O(catalog text + references).
    pub fn new(g: &CatalogGraph, courses: &TextModel) -> Suggester {
        let competencies = TextModel::build((0..g.n_competencies()).map(|i| {
            let c = g.competency(CompetencyIx(i as u32));
            (c.name.as_str(), c.description.as_deref())
        }));
        let mut cip_occupations: HashMap<String, BTreeSet<OccupationIx>> = HashMap::new();
        for o in 0..g.n_occupations() {
            let o = OccupationIx(o as u32);
            for cip in g.occupation(o).programs.iter().filter_map(|p| p.cip.as_ref()) {
                cip_occupations.entry(cip.clone()).or_default().insert(o);
            }
        }
        for c in 0..g.n_credentials() {
            let c = crate::graph::CredentialIx(c as u32);
            if let Some(cip) = g.credential(c).codes.cip.as_deref() {
                cip_occupations
                    .entry(cip.trim().to_owned())
                    .or_default()
                    .extend(g.qualifies_for(c).iter().copied());
            }
        }
        let vocab = courses.terms.len();
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); vocab];
        for (d, v) in courses.vectors.iter().enumerate() {
            for &(t, w) in v {
                postings[t as usize].push((d as u32, w));
            }
        }
        Suggester {
            competencies,
            cip_occupations,
            postings,
        }
    }

    /// The occupations a CIP code leads to.
    pub fn occupations_of_cip(&self, cip: &str) -> Vec<OccupationIx> {
        self.cip_occupations
            .get(cip.trim())
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Courses whose vector has cosine at least [`MIN_SIMILAR`] with `v`, best first (at most
    /// [`MAX_NEIGHBOURS`]), `skip` excluded. Exact: accumulates the dot product over the
    /// postings of every term of `v`.
    fn neighbours(&self, v: &Vector, skip: CourseIx) -> Vec<(CourseIx, f64)> {
        let mut acc: HashMap<u32, f64> = HashMap::new();
        for &(t, w) in v {
            for &(d, wd) in &self.postings[t as usize] {
                *acc.entry(d).or_insert(0.0) += w as f64 * wd as f64;
            }
        }
        let mut out: Vec<(CourseIx, f64)> = acc
            .into_iter()
            .filter(|&(d, s)| d != skip.0 && s >= MIN_SIMILAR)
            .map(|(d, s)| (CourseIx(d), s))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out.truncate(MAX_NEIGHBOURS);
        out
    }
}

/// The suggestions for one course (see the module docs), at most `limit`, score at least
/// `min_score`. Time O(competencies + the course's CIP occupations' competencies + the
/// postings of its words).
pub fn suggest(
    g: &CatalogGraph,
    s: &Suggester,
    courses: &TextModel,
    course: CourseIx,
    min_score: f64,
    limit: usize,
) -> Vec<Suggestion> {
    let c = g.course(course);
    let has: BTreeSet<CompetencyIx> = g.course_competencies(course).iter().copied().collect();
    let mut by: BTreeMap<CompetencyIx, Vec<Evidence>> = BTreeMap::new();

    if let Some(cip) = c.codes.cip.as_deref() {
        let occs = s.occupations_of_cip(cip);
        let mut count: BTreeMap<CompetencyIx, Vec<OccupationIx>> = BTreeMap::new();
        for &o in &occs {
            for &k in g.occupation_competencies(o) {
                count.entry(k).or_default().push(o);
            }
        }
        for (k, os) in count {
            if has.contains(&k) {
                continue;
            }
            let score = os.len() as f64 / occs.len() as f64;
            by.entry(k).or_default().push(Evidence::Cip {
                cip: cip.trim().to_owned(),
                occupations: os,
                of: occs.len(),
                score,
            });
        }
    }

    let q = s.competencies.vectorize(&c.title, c.description.as_deref());
    if !q.is_empty() {
        for (i, v) in s.competencies.vectors.iter().enumerate() {
            let k = CompetencyIx(i as u32);
            if has.contains(&k) {
                continue;
            }
            let cos = dot(&q, v);
            if cos >= MIN_TEXT {
                by.entry(k).or_default().push(Evidence::Text {
                    terms: s.competencies.shared_terms(&q, v, 5),
                    score: cos.min(1.0),
                });
            }
        }
    }

    let own = &courses.vectors[course.ix()];
    let mut similar: BTreeMap<CompetencyIx, Vec<(CourseIx, f64)>> = BTreeMap::new();
    for (n, cos) in s.neighbours(own, course) {
        for &k in g.course_competencies(n) {
            if !has.contains(&k) {
                similar.entry(k).or_default().push((n, cos.min(1.0)));
            }
        }
    }
    for (k, courses) in similar {
        let score = courses.iter().map(|x| x.1).fold(0.0, f64::max);
        by.entry(k).or_default().push(Evidence::Similar { courses, score });
    }

    let mut out: Vec<Suggestion> = by
        .into_iter()
        .map(|(competency, evidence)| {
            let miss = evidence.iter().map(|e| 1.0 - e.score()).product::<f64>();
            Suggestion {
                competency,
                score: 1.0 - miss + 0.0,
                evidence,
            }
        })
        .filter(|x| x.score >= min_score - 1e-12)
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.competency.cmp(&b.competency)));
    out.truncate(limit);
    out
}

/// Courses that carry no competency tags, in id order.
pub fn untagged_courses(g: &CatalogGraph) -> Vec<CourseIx> {
    (0..g.n_courses())
        .map(|i| CourseIx(i as u32))
        .filter(|&c| g.course_competencies(c).is_empty())
        .collect()
}
