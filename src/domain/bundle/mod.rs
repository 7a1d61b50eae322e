//! The import [`Bundle`]: the whole catalog (or the part of one to merge) as the import format
//! shapes it, the kinds of its records and their counts, merging and canonical order. Parsing
//! with per-record error reporting is in `parse`, the problems it and validation report in
//! `problem`, and validation that collects every problem instead of stopping at the first in
//! `validate`.

mod parse;
mod problem;
mod validate;

pub use problem::*;

use super::ids::*;
use super::pathway::Pathway;
use super::records::*;
use foldhash::{HashSet, HashSetExt};
use serde::{Deserialize, Serialize};

/// A whole catalog, or a part of one to merge into the current catalog (the import format of
/// `POST /v1/imports`). Omitted lists are empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Bundle {
    #[serde(default)]
    pub competencies: Vec<Competency>,
    #[serde(default)]
    pub courses: Vec<Course>,
    #[serde(default)]
    pub credentials: Vec<Credential>,
    #[serde(default)]
    pub occupations: Vec<Occupation>,
    #[serde(default)]
    pub articulations: Vec<Articulation>,
    /// Published pathways (CTDL), kept as published.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pathways: Vec<Pathway>,
    /// Exams and other assessments a plan may include.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<Assessment>,
    /// Funding sources braided into plans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funding: Vec<Funding>,
}

/// The kinds of record in a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Bundle,
    Competency,
    Course,
    Credential,
    Occupation,
    Articulation,
    Pathway,
    Assessment,
    Funding,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Bundle => "bundle",
            RecordKind::Competency => "competency",
            RecordKind::Course => "course",
            RecordKind::Credential => "credential",
            RecordKind::Occupation => "occupation",
            RecordKind::Articulation => "articulation",
            RecordKind::Pathway => "pathway",
            RecordKind::Assessment => "assessment",
            RecordKind::Funding => "funding",
        }
    }

    /// The kind whose list in the bundle is called `list`.
    pub fn of_list(list: &str) -> Option<RecordKind> {
        [
            RecordKind::Competency,
            RecordKind::Course,
            RecordKind::Credential,
            RecordKind::Occupation,
            RecordKind::Articulation,
            RecordKind::Pathway,
        ]
        .into_iter()
        .find(|k| k.list() == list)
    }

    pub fn list(self) -> &'static str {
        match self {
            RecordKind::Bundle => "",
            RecordKind::Competency => "competencies",
            RecordKind::Course => "courses",
            RecordKind::Credential => "credentials",
            RecordKind::Occupation => "occupations",
            RecordKind::Articulation => "articulations",
            RecordKind::Pathway => "pathways",
            RecordKind::Assessment => "assessments",
            RecordKind::Funding => "funding",
        }
    }
}

impl Bundle {
    /// Moves every record of `other` to the end of this bundle's lists.
    pub fn append(&mut self, mut other: Bundle) {
        self.competencies.append(&mut other.competencies);
        self.courses.append(&mut other.courses);
        self.credentials.append(&mut other.credentials);
        self.occupations.append(&mut other.occupations);
        self.articulations.append(&mut other.articulations);
        self.pathways.append(&mut other.pathways);
        self.assessments.append(&mut other.assessments);
        self.funding.append(&mut other.funding);
    }

    /// Number of records per kind.
    pub fn counts(&self) -> Counts {
        Counts {
            competencies: self.competencies.len(),
            courses: self.courses.len(),
            credentials: self.credentials.len(),
            occupations: self.occupations.len(),
            articulations: self.articulations.len(),
            pathways: self.pathways.len(),
            assessments: self.assessments.len(),
            funding: self.funding.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counts().total() == 0
    }

    /// Sorts every list by id: the canonical order the store and the API use.
    pub fn canonicalize(&mut self) {
        self.competencies.sort_by(|a, b| a.id.cmp(&b.id));
        self.courses.sort_by(|a, b| a.id.cmp(&b.id));
        self.credentials.sort_by(|a, b| a.id.cmp(&b.id));
        self.occupations.sort_by(|a, b| a.soc.cmp(&b.soc));
        self.articulations.sort_by(|a, b| a.id.cmp(&b.id));
        self.pathways.sort_by(|a, b| a.id.cmp(&b.id));
        self.assessments.sort_by(|a, b| a.id.cmp(&b.id));
        self.funding.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Upserts `incoming` into `self` by id: records with a known id replace the old record,
    /// new ids are added, nothing is removed. The result is canonical.
    pub fn merge(&self, incoming: Bundle) -> Bundle {
        /// Keys are borrowed, never cloned: a national import merges millions of records.
        fn upsert<T: Clone>(base: &[T], new: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
            let mut out: Vec<T> = if base.is_empty() {
                Vec::with_capacity(new.len())
            } else {
                let replaced: HashSet<&str> = new.iter().map(&key).collect();
                base.iter().filter(|r| !replaced.contains(key(r))).cloned().collect()
            };
            // Last one wins within `new` too; duplicates in `new` are reported by validation
            // of the incoming bundle before merging.
            let keep: Vec<bool> = {
                let mut seen = HashSet::with_capacity(new.len());
                let mut keep: Vec<bool> = new.iter().rev().map(|r| seen.insert(key(r))).collect();
                keep.reverse();
                keep
            };
            out.extend(new.into_iter().zip(keep).filter_map(|(r, k)| k.then_some(r)));
            out
        }
        let mut merged = Bundle {
            competencies: upsert(&self.competencies, incoming.competencies, |r| r.id.as_str()),
            courses: upsert(&self.courses, incoming.courses, |r| r.id.as_str()),
            credentials: upsert(&self.credentials, incoming.credentials, |r| r.id.as_str()),
            occupations: upsert(&self.occupations, incoming.occupations, |r| r.soc.as_str()),
            articulations: upsert(&self.articulations, incoming.articulations, |r| r.id.as_str()),
            pathways: upsert(&self.pathways, incoming.pathways, |r| r.id.as_str()),
            assessments: upsert(&self.assessments, incoming.assessments, |r| r.id.as_str()),
            funding: upsert(&self.funding, incoming.funding, |r| r.id.as_str()),
        };
        merged.canonicalize();
        merged
    }
}

/// Per-kind record counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Counts {
    pub competencies: usize,
    pub courses: usize,
    pub credentials: usize,
    pub occupations: usize,
    pub articulations: usize,
    /// Published pathways (omitted when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pathways: usize,
    /// Assessments (omitted when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub assessments: usize,
    /// Funding sources (omitted when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub funding: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Counts {
    pub fn total(&self) -> usize {
        self.competencies
            + self.courses
            + self.credentials
            + self.occupations
            + self.articulations
            + self.pathways
            + self.assessments
            + self.funding
    }
}
