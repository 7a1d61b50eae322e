//! The import [`Bundle`]: parsing with per-record error reporting, merging, and validation that
//! collects every problem instead of stopping at the first.

use super::ids::*;
use super::pathway::Pathway;
use super::records::*;
use super::requirement::RequirementGroup;
use crate::graph::algo::Digraph;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

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

/// What is wrong with a record, as a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    Malformed,
    DuplicateId,
    UnknownReference,
    Cycle,
    ChooseOutOfRange,
    UnreachableCredits,
    InvalidNumber,
    InvalidSocCode,
    SelfArticulation,
    InvalidTier,
    EmptyField,
    /// The summary that ends a list cut at [`MAX_PROBLEMS`]; its `index` is how many more.
    TooManyProblems,
}

/// One problem found in a bundle, naming the record and the field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The kind of record (`bundle` for the document as a whole).
    pub record_kind: RecordKind,
    /// The record's position in its list, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The record's id (SOC code for occupations), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The offending field, e.g. `prerequisites[0].from[1]`.
    pub field: String,
    pub code: ProblemCode,
    pub message: String,
    /// For spreadsheet imports: the sheet (or CSV file), row and column the problem is in.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
}

/// A place in a spreadsheet: sheet (or CSV file name), 1-based row as a spreadsheet shows
/// it, and the column header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub sheet: String,
    pub row: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

impl Problem {
    /// A problem with the document as a whole.
    pub fn bundle(message: String) -> Problem {
        bundle_problem(message)
    }

    /// A problem with one record.
    pub fn at(
        kind: RecordKind,
        index: usize,
        id: Option<&str>,
        field: String,
        code: ProblemCode,
        message: String,
    ) -> Problem {
        Problem {
            record_kind: kind,
            index: Some(index),
            id: id.map(str::to_owned),
            field,
            code,
            message,
            place: None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.place {
            write!(f, "sheet `{}` row {}", p.sheet, p.row)?;
            if let Some(c) = &p.column {
                write!(f, " column `{c}`")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.record_kind.as_str())?;
        if let Some(id) = &self.id {
            write!(f, " `{id}`")?;
        } else if let Some(i) = self.index {
            write!(f, " #{i}")?;
        }
        write!(f, ", {}: {}", self.field, self.message)
    }
}

/// At most this many problems are listed for one request; past it they are only counted
/// (the last listed problem is a `too_many_problems` summary whose `index` is the number of
/// problems left out). Keeps a hostile body from turning into a huge answer.
pub const MAX_PROBLEMS: usize = 100;

/// A problem list bounded to [`MAX_PROBLEMS`] (plus the summary), every echoed text clipped.
/// Idempotent: a list that already ends with the summary keeps its total.
pub fn cap_problems(problems: &[Problem]) -> Vec<Problem> {
    let total = problems_total(problems);
    let mut out: Vec<Problem> = problems
        .iter()
        .filter(|p| p.code != ProblemCode::TooManyProblems)
        .take(MAX_PROBLEMS)
        .cloned()
        .collect();
    if total > out.len() {
        out.push(summary_problem(total));
    }
    for p in &mut out {
        clip_problem(p);
    }
    out
}

/// Longest id, field or message text echoed back in a problem, in characters.
pub const MAX_ECHO: usize = 200;

/// `s` cut to [`MAX_ECHO`] characters (with an ellipsis when cut).
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(MAX_ECHO) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn clip_problem(p: &mut Problem) {
    if let Some(id) = &p.id
        && id.chars().count() > MAX_ECHO
    {
        p.id = Some(clip(id));
    }
    if p.field.chars().count() > MAX_ECHO {
        p.field = clip(&p.field);
    }
    // Messages quote values; allow a little more than one echoed value.
    if p.message.chars().count() > 2 * MAX_ECHO {
        p.message = match p.message.char_indices().nth(2 * MAX_ECHO) {
            Some((i, _)) => format!("{}…", &p.message[..i]),
            None => p.message.clone(),
        };
    }
}

fn summary_problem(total: usize) -> Problem {
    Problem {
        record_kind: RecordKind::Bundle,
        index: Some(total - MAX_PROBLEMS),
        id: None,
        field: String::new(),
        code: ProblemCode::TooManyProblems,
        message: format!("{total} problems in all; only the first {MAX_PROBLEMS} are listed"),
        place: None,
    }
}

/// The number of problems a capped list stands for.
pub fn problems_total(problems: &[Problem]) -> usize {
    match problems.last() {
        Some(p) if p.code == ProblemCode::TooManyProblems => problems.len() - 1 + p.index.unwrap_or(0),
        _ => problems.len(),
    }
}

/// Collects at most [`MAX_PROBLEMS`] problems and counts the rest.
struct Sink {
    problems: Vec<Problem>,
    total: usize,
}

impl Sink {
    fn push(&mut self, p: Problem) {
        self.total += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(p);
        }
    }

    fn finish(mut self) -> Vec<Problem> {
        if self.total > self.problems.len() {
            self.problems.push(summary_problem(self.total));
        }
        for p in &mut self.problems {
            clip_problem(p);
        }
        self.problems
    }
}

#[derive(Deserialize)]
struct IdProbe {
    id: Option<serde_json::Value>,
    soc: Option<serde_json::Value>,
}

fn parse_record<T: for<'de> Deserialize<'de> + Serialize>(
    kind: RecordKind,
    index: usize,
    raw: &RawValue,
    sink: &mut Sink,
) -> Option<T> {
    match serde_json::from_str::<T>(raw.get()) {
        Ok(v) => match list_for_object(raw, &v) {
            None => Some(v),
            Some(path) => {
                sink.push(Problem {
                    record_kind: kind,
                    index: Some(index),
                    id: None,
                    field: format!("{}[{index}]{}", kind.list(), clip(&path)),
                    code: ProblemCode::Malformed,
                    message: "a list where the format has an object".into(),
                    place: None,
                });
                None
            }
        },
        Err(e) => {
            let id = serde_json::from_str::<IdProbe>(raw.get())
                .ok()
                .and_then(|p| p.id.or(p.soc))
                .map(|v| match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                });
            sink.push(Problem {
                record_kind: kind,
                index: Some(index),
                id,
                field: format!("{}[{index}]", kind.list()),
                code: ProblemCode::Malformed,
                message: strip_position(&e.to_string()),
                place: None,
            });
            None
        }
    }
}

/// serde reads a struct from a JSON list of its fields in order; the import format has
/// objects only. Finds where the record gave a list that was read as an object (by comparing
/// the input with the record written back), as a path such as `.conditions[0]`.
fn list_for_object<T: Serialize>(raw: &RawValue, parsed: &T) -> Option<String> {
    // Only a record with a list that is not plainly of strings or numbers can hide one.
    let text = raw.get();
    let suspicious = text
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'[' && !matches!(w[1], b'"' | b']' | b'{' | b'0'..=b'9' | b'-' | b' ' | b'\n'))
        || text.contains("[ [")
        || text.contains("[\n");
    if !suspicious {
        return None;
    }
    let input: serde_json::Value = serde_json::from_str(text).ok()?;
    let output = serde_json::to_value(parsed).ok()?;
    fn walk(a: &serde_json::Value, b: &serde_json::Value, path: &mut String) -> bool {
        use serde_json::Value as V;
        match (a, b) {
            (V::Array(_), V::Object(_)) => true,
            (V::Array(x), V::Array(y)) => x.iter().zip(y).enumerate().any(|(i, (x, y))| {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                let found = walk(x, y, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            (V::Object(x), V::Object(y)) => x.iter().any(|(k, x)| {
                y.get(k).is_some_and(|y| {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    let found = walk(x, y, path);
                    if !found {
                        path.truncate(len);
                    }
                    found
                })
            }),
            _ => false,
        }
    }
    let mut path = String::new();
    walk(&input, &output, &mut path).then_some(path)
}

/// One list of the document, parsed record by record as the parser reaches it: no list of
/// raw records is ever held, so memory follows the good records (and at most
/// [`MAX_PROBLEMS`] problems), not the length of the body.
struct ListSeed<'s, T> {
    kind: RecordKind,
    sink: &'s mut Sink,
    _t: std::marker::PhantomData<T>,
}

impl<'de, T: for<'a> Deserialize<'a> + Serialize> serde::de::DeserializeSeed<'de> for ListSeed<'_, T> {
    type Value = Vec<T>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: for<'a> Deserialize<'a> + Serialize> serde::de::Visitor<'de> for ListSeed<'_, T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {} records", self.kind.as_str())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        let mut index = 0;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if let Some(v) = parse_record(self.kind, index, raw, self.sink) {
                out.push(v);
            }
            index += 1;
        }
        Ok(out)
    }
}

/// The top level of the wire document: the six lists, each parsed by [`ListSeed`].
struct DocVisitor<'s> {
    sink: &'s mut Sink,
}

impl<'de> serde::de::Visitor<'de> for DocVisitor<'_> {
    type Value = Bundle;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an import document")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Bundle, A::Error> {
        use serde::de::Error;
        fn list<'de, 's, A: serde::de::MapAccess<'de>, T: for<'a> Deserialize<'a> + Serialize>(
            map: &mut A,
            kind: RecordKind,
            slot: &mut Option<Vec<T>>,
            sink: &'s mut Sink,
        ) -> Result<(), A::Error> {
            if slot.is_some() {
                return Err(A::Error::duplicate_field(kind.list()));
            }
            *slot = Some(map.next_value_seed(ListSeed {
                kind,
                sink,
                _t: std::marker::PhantomData,
            })?);
            Ok(())
        }
        let (mut comp, mut courses, mut creds, mut occs, mut arts, mut paths) = (None, None, None, None, None, None);
        let (mut assessments, mut funding) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "competencies" => list(&mut map, RecordKind::Competency, &mut comp, self.sink)?,
                "courses" => list(&mut map, RecordKind::Course, &mut courses, self.sink)?,
                "credentials" => list(&mut map, RecordKind::Credential, &mut creds, self.sink)?,
                "occupations" => list(&mut map, RecordKind::Occupation, &mut occs, self.sink)?,
                "articulations" => list(&mut map, RecordKind::Articulation, &mut arts, self.sink)?,
                "pathways" => list(&mut map, RecordKind::Pathway, &mut paths, self.sink)?,
                "assessments" => list(&mut map, RecordKind::Assessment, &mut assessments, self.sink)?,
                "funding" => list(&mut map, RecordKind::Funding, &mut funding, self.sink)?,
                other => return Err(A::Error::unknown_field(&clip(other), DOC_FIELDS)),
            }
        }
        Ok(Bundle {
            competencies: comp.unwrap_or_default(),
            courses: courses.unwrap_or_default(),
            credentials: creds.unwrap_or_default(),
            occupations: occs.unwrap_or_default(),
            articulations: arts.unwrap_or_default(),
            pathways: paths.unwrap_or_default(),
            assessments: assessments.unwrap_or_default(),
            funding: funding.unwrap_or_default(),
        })
    }
}

const DOC_FIELDS: &[&str] = &[
    "competencies",
    "courses",
    "credentials",
    "occupations",
    "articulations",
    "pathways",
    "assessments",
    "funding",
];

/// serde_json appends "at line L column C" relative to the record; the record is already named.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

impl Bundle {
    /// Parses the import document. Every malformed record is reported (with its id when it
    /// has one), not only the first.
    pub fn from_json(bytes: &[u8]) -> Result<Bundle, Vec<Problem>> {
        use serde::Deserializer;
        let text =
            std::str::from_utf8(bytes).map_err(|e| vec![bundle_problem(format!("the body is not UTF-8: {e}"))])?;
        if !text.trim_start().starts_with('{') {
            return Err(vec![bundle_problem("the body must be a JSON object with the lists `competencies`, `courses`, `credentials`, `occupations`, `articulations`".into())]);
        }
        let mut sink = Sink {
            problems: Vec::new(),
            total: 0,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed = de
            .deserialize_map(DocVisitor { sink: &mut sink })
            .and_then(|b| de.end().map(|()| b));
        let bundle = match parsed {
            Ok(b) => b,
            Err(e) => {
                return Err(vec![bundle_problem(clip(&format!(
                    "the body is not a valid import document: {e}"
                )))]);
            }
        };
        if sink.total == 0 {
            Ok(bundle)
        } else {
            Err(sink.finish())
        }
    }

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

    /// Checks the bundle as a whole catalog and returns every problem found.
    ///
    /// Time O(records + references), plus Tarjan's algorithm over the requirement graph.
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        let mut v = Validator::new(self);
        v.run();
        if v.problems.is_empty() { Ok(()) } else { Err(v.problems) }
    }

    /// Problems local to the incoming document (duplicate ids within it), checked before a
    /// merge would otherwise hide them.
    pub fn duplicate_ids(&self) -> Vec<Problem> {
        let mut v = Validator::new(self);
        v.check_duplicates();
        v.problems
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

fn bundle_problem(message: String) -> Problem {
    Problem {
        record_kind: RecordKind::Bundle,
        index: None,
        id: None,
        field: "body".into(),
        code: ProblemCode::Malformed,
        message,
        place: None,
    }
}

struct Validator<'a> {
    b: &'a Bundle,
    competencies: HashSet<&'a str>,
    courses: HashMap<&'a str, &'a Course>,
    credentials: HashSet<&'a str>,
    assessments: HashMap<&'a str, &'a Assessment>,
    problems: Vec<Problem>,
}

impl<'a> Validator<'a> {
    fn new(b: &'a Bundle) -> Self {
        Validator {
            b,
            competencies: b.competencies.iter().map(|c| c.id.as_str()).collect(),
            courses: b.courses.iter().map(|c| (c.id.as_str(), c)).collect(),
            credentials: b.credentials.iter().map(|c| c.id.as_str()).collect(),
            assessments: b.assessments.iter().map(|a| (a.id.as_str(), a)).collect(),
            problems: Vec::new(),
        }
    }

    fn push(&mut self, kind: RecordKind, index: usize, id: &str, field: String, code: ProblemCode, message: String) {
        self.problems.push(Problem {
            record_kind: kind,
            index: Some(index),
            id: Some(id.to_owned()),
            field,
            code,
            message,
            place: None,
        });
    }

    fn run(&mut self) {
        self.check_duplicates();
        self.check_competencies();
        self.check_courses();
        self.check_credentials();
        self.check_occupations();
        self.check_articulations();
        self.check_assessments();
        self.check_funding();
        self.check_cycles();
    }

    fn check_duplicates(&mut self) {
        let b = self.b;
        let dup = |kind: RecordKind,
                   ids: &mut dyn Iterator<Item = &'a str>,
                   seen: &mut HashSet<&'a str>,
                   problems: &mut Vec<Problem>| {
            for (i, id) in ids.enumerate() {
                if !seen.insert(id) {
                    problems.push(Problem {
                        record_kind: kind,
                        index: Some(i),
                        id: Some(id.to_owned()),
                        field: if kind == RecordKind::Occupation {
                            "soc".into()
                        } else {
                            "id".into()
                        },
                        code: ProblemCode::DuplicateId,
                        message: format!("id `{id}` is used by more than one record"),
                        place: None,
                    });
                }
            }
        };
        let p = &mut self.problems;
        dup(
            RecordKind::Competency,
            &mut b.competencies.iter().map(|r| r.id.as_str()),
            &mut HashSet::new(),
            p,
        );
        // Courses, credentials and assessments share a namespace: requirement groups may name
        // any of them.
        let mut items = HashSet::new();
        dup(
            RecordKind::Course,
            &mut b.courses.iter().map(|r| r.id.as_str()),
            &mut items,
            p,
        );
        dup(
            RecordKind::Credential,
            &mut b.credentials.iter().map(|r| r.id.as_str()),
            &mut items,
            p,
        );
        dup(
            RecordKind::Assessment,
            &mut b.assessments.iter().map(|r| r.id.as_str()),
            &mut items,
            p,
        );
        dup(
            RecordKind::Funding,
            &mut b.funding.iter().map(|r| r.id.as_str()),
            &mut HashSet::new(),
            p,
        );
        dup(
            RecordKind::Occupation,
            &mut b.occupations.iter().map(|r| r.soc.as_str()),
            &mut HashSet::new(),
            p,
        );
        dup(
            RecordKind::Articulation,
            &mut b.articulations.iter().map(|r| r.id.as_str()),
            &mut HashSet::new(),
            p,
        );
        dup(
            RecordKind::Pathway,
            &mut b.pathways.iter().map(|r| r.id.as_str()),
            &mut HashSet::new(),
            p,
        );
    }

    fn check_nonempty(&mut self, kind: RecordKind, i: usize, id: &str, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.push(
                kind,
                i,
                id,
                field.into(),
                ProblemCode::EmptyField,
                format!("`{field}` must not be empty"),
            );
        }
    }

    fn check_number(&mut self, kind: RecordKind, i: usize, id: &str, field: &str, value: f64, allow_negative: bool) {
        if !value.is_finite() || (!allow_negative && value < 0.0) {
            self.push(
                kind,
                i,
                id,
                field.into(),
                ProblemCode::InvalidNumber,
                format!(
                    "`{field}` must be a finite{} number, got {value}",
                    if allow_negative { "" } else { " non-negative" }
                ),
            );
        }
    }

    fn check_competency_refs(&mut self, kind: RecordKind, i: usize, id: &str, refs: &[CompetencyId]) {
        for (j, c) in refs.iter().enumerate() {
            if !self.competencies.contains(c.as_str()) {
                self.push(
                    kind,
                    i,
                    id,
                    format!("competencies[{j}]"),
                    ProblemCode::UnknownReference,
                    format!("unknown competency `{c}`"),
                );
            }
        }
    }

    fn check_groups(&mut self, kind: RecordKind, i: usize, id: &str, field: &str, groups: &[RequirementGroup]) {
        for (g, group) in groups.iter().enumerate() {
            let from = group.from();
            let mut listed = HashSet::new();
            for (j, item) in from.iter().enumerate() {
                if !self.is_item(item.as_str()) {
                    self.push(
                        kind,
                        i,
                        id,
                        format!("{field}[{g}].from[{j}]"),
                        ProblemCode::UnknownReference,
                        format!("unknown course, credential or assessment `{item}`"),
                    );
                }
                if !listed.insert(item.as_str()) {
                    self.push(
                        kind,
                        i,
                        id,
                        format!("{field}[{g}].from[{j}]"),
                        ProblemCode::DuplicateId,
                        format!("`{item}` is listed twice in the group"),
                    );
                }
            }
            match group {
                RequirementGroup::Choose { choose, from } => {
                    if *choose == 0 || *choose as usize > from.len() {
                        self.push(
                            kind,
                            i,
                            id,
                            format!("{field}[{g}].choose"),
                            ProblemCode::ChooseOutOfRange,
                            format!(
                                "choose {choose} of a list of {}: must be between 1 and the list's length",
                                from.len()
                            ),
                        );
                    }
                }
                RequirementGroup::MinCredits { min_credits, from } => {
                    if !min_credits.is_finite() || *min_credits <= 0.0 {
                        self.push(
                            kind,
                            i,
                            id,
                            format!("{field}[{g}].min_credits"),
                            ProblemCode::InvalidNumber,
                            format!("min_credits must be a finite positive number, got {min_credits}"),
                        );
                        continue;
                    }
                    let reachable: f64 = from
                        .iter()
                        .filter(|x| listed.remove(x.as_str()))
                        .filter_map(|x| self.courses.get(x.as_str()))
                        .map(|c| c.credits.max(0.0))
                        .sum();
                    if reachable + 1e-9 < *min_credits {
                        self.push(kind, i, id, format!("{field}[{g}].min_credits"), ProblemCode::UnreachableCredits,
                            format!("the listed courses carry {reachable} credits in all, fewer than the {min_credits} required"));
                    }
                }
            }
        }
    }

    fn check_competencies(&mut self) {
        let b = self.b;
        for (i, c) in b.competencies.iter().enumerate() {
            let id = c.id.as_str();
            self.check_nonempty(RecordKind::Competency, i, id, "id", id);
            self.check_nonempty(RecordKind::Competency, i, id, "name", &c.name);
            if !(1..=9).contains(&c.tier) {
                self.push(
                    RecordKind::Competency,
                    i,
                    id,
                    "tier".into(),
                    ProblemCode::InvalidTier,
                    format!("tier must be 1-9 (the DOL competency-model tiers), got {}", c.tier),
                );
            }
            if let Some(p) = &c.parent
                && !self.competencies.contains(p.as_str())
            {
                self.push(
                    RecordKind::Competency,
                    i,
                    id,
                    "parent".into(),
                    ProblemCode::UnknownReference,
                    format!("unknown parent competency `{p}`"),
                );
            }
        }
    }

    fn check_courses(&mut self) {
        let b = self.b;
        for (i, c) in b.courses.iter().enumerate() {
            let id = c.id.as_str();
            let k = RecordKind::Course;
            self.check_nonempty(k, i, id, "id", id);
            self.check_nonempty(k, i, id, "title", &c.title);
            self.check_number(k, i, id, "hours", c.hours, false);
            self.check_number(k, i, id, "credits", c.credits, false);
            if let Some(cost) = c.cost {
                self.check_number(k, i, id, "cost", cost, false);
            }
            if let Some(n) = c.annual_completers {
                self.check_number(k, i, id, "annual_completers", n, false);
            }
            self.check_competency_refs(k, i, id, &c.competencies);
            self.check_groups(k, i, id, "prerequisites", &c.prerequisites);
            let mut entries = HashSet::new();
            for (j, e) in c.eligible_entries.iter().enumerate() {
                if !entries.insert(*e) {
                    self.push(
                        k,
                        i,
                        id,
                        format!("eligible_entries[{j}]"),
                        ProblemCode::DuplicateId,
                        format!("entry point `{}` is listed twice", e.as_str()),
                    );
                }
            }
        }
    }

    fn is_item(&self, id: &str) -> bool {
        self.courses.contains_key(id) || self.credentials.contains(id) || self.assessments.contains_key(id)
    }

    fn check_assessments(&mut self) {
        let b = self.b;
        for (i, a) in b.assessments.iter().enumerate() {
            let id = a.id.as_str();
            let k = RecordKind::Assessment;
            self.check_nonempty(k, i, id, "id", id);
            self.check_nonempty(k, i, id, "title", &a.title);
            self.check_number(k, i, id, "hours", a.hours, false);
            if let Some(cost) = a.cost {
                self.check_number(k, i, id, "cost", cost, false);
            }
            if let Some(max) = a.max_score
                && (!max.is_finite() || max <= 0.0)
            {
                self.push(
                    k,
                    i,
                    id,
                    "max_score".into(),
                    ProblemCode::InvalidNumber,
                    format!("`max_score` must be a finite positive number, got {max}"),
                );
            }
            self.check_competency_refs(k, i, id, &a.competencies);
            self.check_groups(k, i, id, "prerequisites", &a.prerequisites);
        }
    }

    fn check_funding(&mut self) {
        let b = self.b;
        for (i, f) in b.funding.iter().enumerate() {
            let id = f.id.as_str();
            let k = RecordKind::Funding;
            self.check_nonempty(k, i, id, "id", id);
            self.check_nonempty(k, i, id, "name", &f.name);
            if !f.share.is_finite() || !(0.0..=1.0).contains(&f.share) {
                self.push(
                    k,
                    i,
                    id,
                    "share".into(),
                    ProblemCode::InvalidNumber,
                    format!(
                        "`share` is the part of a covered cost the source pays and must be between 0 and 1, got {}",
                        f.share
                    ),
                );
            }
            if let Some(cap) = f.cap {
                self.check_number(k, i, id, "cap", cap, false);
            }
            for (j, flag) in f.eligibility.iter().enumerate() {
                self.check_nonempty(k, i, id, &format!("eligibility[{j}]"), flag);
            }
            for (j, p) in f.covers.providers.iter().enumerate() {
                self.check_nonempty(k, i, id, &format!("covers.providers[{j}]"), p);
            }
        }
    }

    fn check_credentials(&mut self) {
        let b = self.b;
        for (i, c) in b.credentials.iter().enumerate() {
            let id = c.id.as_str();
            let k = RecordKind::Credential;
            self.check_nonempty(k, i, id, "id", id);
            self.check_nonempty(k, i, id, "title", &c.title);
            if let Some(n) = c.annual_completers {
                self.check_number(k, i, id, "annual_completers", n, false);
            }
            self.check_competency_refs(k, i, id, &c.competencies);
            self.check_groups(k, i, id, "requires", &c.requires);
            for (j, s) in c.stacks_into.iter().enumerate() {
                if !self.credentials.contains(s.as_str()) {
                    self.push(
                        k,
                        i,
                        id,
                        format!("stacks_into[{j}]"),
                        ProblemCode::UnknownReference,
                        format!("unknown credential `{s}`"),
                    );
                } else if s.as_str() == id {
                    self.push(
                        k,
                        i,
                        id,
                        format!("stacks_into[{j}]"),
                        ProblemCode::Cycle,
                        "a credential cannot stack into itself".into(),
                    );
                }
            }
        }
    }

    fn check_occupations(&mut self) {
        let b = self.b;
        // Which aggregate covers each detailed code: one, so no job is counted twice.
        let mut covered_by: HashMap<&str, &str> = HashMap::new();
        for (i, o) in b.occupations.iter().enumerate() {
            let id = o.soc.as_str();
            let k = RecordKind::Occupation;
            if let Err(msg) = SocCode::parse(id) {
                self.push(k, i, id, "soc".into(), ProblemCode::InvalidSocCode, msg);
            }
            self.check_nonempty(k, i, id, "title", &o.title);
            self.check_competency_refs(k, i, id, &o.competencies);
            for (j, c) in o.entry_credentials.iter().enumerate() {
                if !self.credentials.contains(c.as_str()) {
                    self.push(
                        k,
                        i,
                        id,
                        format!("entry_credentials[{j}]"),
                        ProblemCode::UnknownReference,
                        format!("unknown credential `{c}`"),
                    );
                }
            }
            for (j, c) in o.covers.iter().enumerate() {
                let field = format!("covers[{j}]");
                let problem = if let Err(msg) = SocCode::parse(c.as_str()) {
                    Some((ProblemCode::InvalidSocCode, msg))
                } else if c.as_str() == id {
                    Some((ProblemCode::Cycle, "an occupation cannot cover itself".to_owned()))
                } else {
                    match covered_by.insert(c.as_str(), id) {
                        Some(other) if other == id => {
                            Some((ProblemCode::DuplicateId, format!("`{c}` is listed more than once")))
                        }
                        Some(other) => Some((
                            ProblemCode::DuplicateId,
                            format!("`{c}` is already covered by `{other}`: a detailed occupation has one aggregate"),
                        )),
                        None => None,
                    }
                };
                if let Some((code, message)) = problem {
                    self.push(k, i, id, field, code, message);
                }
            }
            let mut regions = HashSet::new();
            for (j, d) in o.demand.iter().enumerate() {
                if !regions.insert(d.region.as_str()) {
                    self.push(
                        k,
                        i,
                        id,
                        format!("demand[{j}].region"),
                        ProblemCode::DuplicateId,
                        format!("region `{}` has more than one demand record", d.region),
                    );
                }
                let figures = [
                    ("employment", d.employment, false),
                    ("projected_employment", d.projected_employment, false),
                    ("growth_pct", d.growth_pct, true),
                    ("annual_openings", d.annual_openings, false),
                    ("median_wage", d.median_wage, false),
                ];
                for (name, value, neg) in figures {
                    if let Some(v) = value {
                        self.check_number(k, i, id, &format!("demand[{j}].{name}"), v, neg);
                    }
                }
            }
        }
    }

    fn check_articulations(&mut self) {
        let b = self.b;
        for (i, a) in b.articulations.iter().enumerate() {
            let id = a.id.as_str();
            let k = RecordKind::Articulation;
            self.check_nonempty(k, i, id, "id", id);
            let from = a.from.as_str();
            if !self.is_item(from) {
                self.push(
                    k,
                    i,
                    id,
                    "from".into(),
                    ProblemCode::UnknownReference,
                    format!("unknown course, credential or assessment `{from}`"),
                );
            }
            if let Some(min) = a.min_score {
                match self.assessments.get(from) {
                    None if self.is_item(from) => self.push(
                        k,
                        i,
                        id,
                        "min_score".into(),
                        ProblemCode::InvalidNumber,
                        format!("`min_score` applies to articulations from an assessment; `{from}` is not one"),
                    ),
                    Some(exam) => {
                        let max = exam.max_score.unwrap_or(f64::INFINITY);
                        if !min.is_finite() || min < 0.0 || min > max {
                            self.push(
                                k,
                                i,
                                id,
                                "min_score".into(),
                                ProblemCode::InvalidNumber,
                                match exam.max_score {
                                    Some(m) => format!(
                                        "`min_score` must be between 0 and the assessment's max_score {m}, got {min}"
                                    ),
                                    None => format!("`min_score` must be a finite non-negative number, got {min}"),
                                },
                            );
                        }
                    }
                    None => {}
                }
            }
            if !self.courses.contains_key(a.to.as_str()) {
                self.push(
                    k,
                    i,
                    id,
                    "to".into(),
                    ProblemCode::UnknownReference,
                    format!("unknown course `{}`", a.to),
                );
            }
            if from == a.to.as_str() {
                self.push(
                    k,
                    i,
                    id,
                    "to".into(),
                    ProblemCode::SelfArticulation,
                    format!("an articulation cannot grant `{from}` credit toward itself"),
                );
            }
            self.check_number(k, i, id, "credits", a.credits, false);
        }
    }

    /// Prerequisite and requirement cycles (a course that, through its prerequisites, needs
    /// itself) and stacking cycles, each reported once with the ids on the cycle.
    fn check_cycles(&mut self) {
        let b = self.b;
        let mut g = Digraph::new();
        let mut ids: Vec<&str> = Vec::new();
        let mut idx: HashMap<&str, u32> = HashMap::new();
        for id in b
            .courses
            .iter()
            .map(|c| c.id.as_str())
            .chain(b.credentials.iter().map(|c| c.id.as_str()))
            .chain(b.assessments.iter().map(|a| a.id.as_str()))
        {
            idx.entry(id).or_insert_with(|| {
                ids.push(id);
                g.add_node()
            });
        }
        let reqs = b
            .courses
            .iter()
            .map(|c| (c.id.as_str(), &c.prerequisites))
            .chain(b.credentials.iter().map(|c| (c.id.as_str(), &c.requires)))
            .chain(b.assessments.iter().map(|a| (a.id.as_str(), &a.prerequisites)));
        for (id, groups) in reqs {
            for item in groups.iter().flat_map(|g| g.from()) {
                if let Some(&to) = idx.get(item.as_str()) {
                    g.add_edge(idx[id], to);
                }
            }
        }
        self.report_cycles(
            &g,
            &ids,
            "requirement",
            "needs itself through its prerequisites or requirements",
        );

        let mut s = Digraph::new();
        let sids: Vec<&str> = b.credentials.iter().map(|c| c.id.as_str()).collect();
        let sidx: HashMap<&str, u32> = sids.iter().map(|&id| (id, s.add_node())).collect();
        for c in &b.credentials {
            for up in &c.stacks_into {
                if let Some(&to) = sidx.get(up.as_str())
                    && up.as_str() != c.id.as_str()
                {
                    s.add_edge(sidx[c.id.as_str()], to);
                }
            }
        }
        self.report_cycles(
            &s,
            &sids,
            "stacks_into",
            "stacks into itself through higher credentials",
        );
    }

    /// One `cycle` problem per cycle of `g`, whose node `i` is the record `ids[i]`.
    fn report_cycles(&mut self, g: &Digraph, ids: &[&str], field: &str, what: &str) {
        for cycle in g.cycles() {
            let mut ids: Vec<&str> = cycle.iter().map(|&n| ids[n as usize]).collect();
            ids.sort_unstable();
            let first = ids[0];
            let kind = if self.courses.contains_key(first) {
                RecordKind::Course
            } else if self.assessments.contains_key(first) {
                RecordKind::Assessment
            } else {
                RecordKind::Credential
            };
            let index = match kind {
                RecordKind::Course => self.b.courses.iter().position(|c| c.id.as_str() == first),
                RecordKind::Assessment => self.b.assessments.iter().position(|a| a.id.as_str() == first),
                _ => self.b.credentials.iter().position(|c| c.id.as_str() == first),
            };
            self.problems.push(Problem {
                record_kind: kind,
                index,
                id: Some(first.to_owned()),
                field: field.to_owned(),
                code: ProblemCode::Cycle,
                message: format!("cycle: `{first}` {what}: {}", ids.join(" -> ")),
                place: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small catalog with an exam, an AP-style credit rule and a funding source.
    fn catalog() -> serde_json::Value {
        serde_json::json!({
            "competencies": [{"id": "k1", "name": "K1", "tier": 5}],
            "courses": [
                {"id": "cc.bio", "title": "Biology", "system": "postsecondary", "hours": 60, "credits": 4,
                 "competencies": ["k1"], "prior_learning_credit": true, "eligible_entries": ["adult", "postsecondary"]}
            ],
            "credentials": [
                {"id": "lic", "title": "Licence", "kind": "license", "level": 1,
                 "requires": [{"choose": 2, "from": ["cc.bio", "ex.board"]}]}
            ],
            "assessments": [
                {"id": "ex.board", "title": "Board exam", "hours": 4, "cost": 200, "competencies": ["k1"],
                 "provider": "Board", "max_score": null, "prerequisites": [{"choose": 1, "from": ["cc.bio"]}]},
                {"id": "ex.ap-bio", "title": "AP Biology", "hours": 3, "cost": 99, "max_score": 5}
            ],
            "articulations": [
                {"id": "a.ap", "from": "ex.ap-bio", "to": "cc.bio", "credits": 4, "kind": "credit_by_exam", "min_score": 3}
            ],
            "funding": [
                {"id": "pell", "name": "Federal Pell Grant", "eligibility": ["low_income"],
                 "covers": {"systems": ["postsecondary"], "kinds": ["course"], "credit_bearing_only": true},
                 "share": 1.0, "cap": 7395, "source": "https://studentaid.gov/"}
            ]
        })
    }

    fn problems(v: &serde_json::Value) -> Vec<Problem> {
        let b = Bundle::from_json(v.to_string().as_bytes()).expect("parses");
        b.validate().err().unwrap_or_default()
    }

    #[test]
    fn assessments_funding_and_new_course_fields_round_trip_and_validate() {
        let v = catalog();
        let b = Bundle::from_json(v.to_string().as_bytes()).unwrap();
        assert_eq!(b.assessments.len(), 2);
        assert_eq!(b.funding[0].covers.systems, [System::Postsecondary]);
        assert!(b.courses[0].prior_learning_credit);
        assert_eq!(b.articulations[0].min_score, Some(3.0));
        assert!(b.validate().is_ok(), "{:?}", b.validate());
        let again = Bundle::from_json(serde_json::to_string(&b).unwrap().as_bytes()).unwrap();
        assert_eq!(again, b);
        assert_eq!(b.counts().assessments, 2);
        assert_eq!(b.counts().funding, 1);
    }

    #[test]
    fn an_aggregates_covers_are_checked() {
        let occs = |covers_a: serde_json::Value, covers_b: serde_json::Value| {
            problems(&serde_json::json!({"occupations": [
                {"soc": "31-1120", "title": "Home health and personal care aides", "covers": covers_a},
                {"soc": "31-9090", "title": "Other aides", "covers": covers_b}
            ]}))
            .into_iter()
            .map(|p| (p.index, p.field, p.code, p.message))
            .collect::<Vec<_>>()
        };
        // Detailed codes need not be in the catalog (the seed has no 31-1121).
        assert_eq!(
            occs(
                serde_json::json!(["31-1121", "31-1122"]),
                serde_json::json!(["31-9091"])
            ),
            []
        );
        let found = occs(
            serde_json::json!(["31-1121", "31-1120", "nurse", "31-1121"]),
            serde_json::json!(["31-9091", "31-1122", "31-1121"]),
        );
        let fields: Vec<(Option<usize>, &str, ProblemCode)> =
            found.iter().map(|(i, f, c, _)| (*i, f.as_str(), *c)).collect();
        assert_eq!(
            fields,
            [
                (Some(0), "covers[1]", ProblemCode::Cycle),
                (Some(0), "covers[2]", ProblemCode::InvalidSocCode),
                (Some(0), "covers[3]", ProblemCode::DuplicateId),
                (Some(1), "covers[2]", ProblemCode::DuplicateId),
            ],
            "{found:?}"
        );
        assert!(found[3].3.contains("already covered by `31-1120`"), "{found:?}");
    }

    #[test]
    fn bad_new_records_are_named() {
        let cases: Vec<(&str, serde_json::Value, &str, ProblemCode)> = vec![
            (
                "/funding/0/share",
                serde_json::json!(1.5),
                "share",
                ProblemCode::InvalidNumber,
            ),
            (
                "/funding/0/cap",
                serde_json::json!(-1),
                "cap",
                ProblemCode::InvalidNumber,
            ),
            (
                "/assessments/0/cost",
                serde_json::json!(-5),
                "cost",
                ProblemCode::InvalidNumber,
            ),
            (
                "/assessments/1/max_score",
                serde_json::json!(0),
                "max_score",
                ProblemCode::InvalidNumber,
            ),
            (
                "/articulations/0/min_score",
                serde_json::json!(6),
                "min_score",
                ProblemCode::InvalidNumber,
            ),
            (
                "/articulations/0/from",
                serde_json::json!("ex.nope"),
                "from",
                ProblemCode::UnknownReference,
            ),
            (
                "/credentials/0/requires/0/from/1",
                serde_json::json!("ex.nope"),
                "requires[0].from[1]",
                ProblemCode::UnknownReference,
            ),
            (
                "/assessments/0/prerequisites/0/from/0",
                serde_json::json!("nope"),
                "prerequisites[0].from[0]",
                ProblemCode::UnknownReference,
            ),
            (
                "/assessments/1/id",
                serde_json::json!("cc.bio"),
                "id",
                ProblemCode::DuplicateId,
            ),
            (
                "/courses/0/eligible_entries/1",
                serde_json::json!("adult"),
                "eligible_entries[1]",
                ProblemCode::DuplicateId,
            ),
        ];
        for (pointer, value, field, code) in cases {
            let mut v = catalog();
            *v.pointer_mut(pointer).unwrap() = value;
            let ps = problems(&v);
            assert!(
                ps.iter().any(|p| p.field == field && p.code == code),
                "{pointer}: expected {code:?} on `{field}`, got {ps:?}"
            );
        }
        // `min_score` on an articulation from a course is refused.
        let mut v = catalog();
        v["articulations"][0]["from"] = serde_json::json!("cc.bio");
        v["articulations"][0]["to"] = serde_json::json!("cc.bio");
        let ps = problems(&v);
        assert!(
            ps.iter()
                .any(|p| p.field == "min_score" && p.message.contains("not one")),
            "{ps:?}"
        );
        // An exam that needs itself is a cycle.
        let mut v = catalog();
        v["assessments"][1]["prerequisites"] = serde_json::json!([{"choose": 1, "from": ["ex.ap-bio"]}]);
        assert!(problems(&v).iter().any(|p| p.code == ProblemCode::Cycle));
        // Unknown fields and bad entry points are malformed records, with the record named.
        let mut v = catalog();
        v["funding"][0]["covers"]["sytems"] = serde_json::json!([]);
        let err = Bundle::from_json(v.to_string().as_bytes()).unwrap_err();
        assert_eq!(err[0].record_kind, RecordKind::Funding);
        assert_eq!(err[0].id.as_deref(), Some("pell"));
        let mut v = catalog();
        v["courses"][0]["eligible_entries"] = serde_json::json!(["grad_school"]);
        let err = Bundle::from_json(v.to_string().as_bytes()).unwrap_err();
        assert_eq!(err[0].record_kind, RecordKind::Course);
    }
}
