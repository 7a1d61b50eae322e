//! The import [`Bundle`]: parsing with per-record error reporting, merging, and validation that
//! collects every problem instead of stopping at the first.

use super::ids::*;
use super::pathway::Pathway;
use super::records::*;
use super::requirement::RequirementGroup;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
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
        }
    }

    fn list(self) -> &'static str {
        match self {
            RecordKind::Bundle => "",
            RecordKind::Competency => "competencies",
            RecordKind::Course => "courses",
            RecordKind::Credential => "credentials",
            RecordKind::Occupation => "occupations",
            RecordKind::Articulation => "articulations",
            RecordKind::Pathway => "pathways",
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
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.record_kind.as_str())?;
        if let Some(id) = &self.id {
            write!(f, " `{id}`")?;
        } else if let Some(i) = self.index {
            write!(f, " #{i}")?;
        }
        write!(f, ", {}: {}", self.field, self.message)
    }
}

/// The top level of the wire document, each record kept raw so that a bad record is reported
/// with its id and does not hide the problems of the others.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBundle<'a> {
    #[serde(default, borrow)]
    competencies: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    courses: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    credentials: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    occupations: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    articulations: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    pathways: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct IdProbe {
    id: Option<serde_json::Value>,
    soc: Option<serde_json::Value>,
}

fn parse_list<T: for<'de> Deserialize<'de>>(
    kind: RecordKind,
    raws: &[&RawValue],
    problems: &mut Vec<Problem>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(raws.len());
    for (index, raw) in raws.iter().enumerate() {
        match serde_json::from_str::<T>(raw.get()) {
            Ok(v) => out.push(v),
            Err(e) => {
                let id = serde_json::from_str::<IdProbe>(raw.get())
                    .ok()
                    .and_then(|p| p.id.or(p.soc))
                    .map(|v| match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    });
                problems.push(Problem {
                    record_kind: kind,
                    index: Some(index),
                    id,
                    field: format!("{}[{index}]", kind.list()),
                    code: ProblemCode::Malformed,
                    message: strip_position(&e.to_string()),
                });
            }
        }
    }
    out
}

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
        let text =
            std::str::from_utf8(bytes).map_err(|e| vec![bundle_problem(format!("the body is not UTF-8: {e}"))])?;
        if !text.trim_start().starts_with('{') {
            return Err(vec![bundle_problem("the body must be a JSON object with the lists `competencies`, `courses`, `credentials`, `occupations`, `articulations`".into())]);
        }
        let raw: RawBundle = serde_json::from_str(text)
            .map_err(|e| vec![bundle_problem(format!("the body is not a valid import document: {e}"))])?;
        let mut problems = Vec::new();
        let bundle = Bundle {
            competencies: parse_list(RecordKind::Competency, &raw.competencies, &mut problems),
            courses: parse_list(RecordKind::Course, &raw.courses, &mut problems),
            credentials: parse_list(RecordKind::Credential, &raw.credentials, &mut problems),
            occupations: parse_list(RecordKind::Occupation, &raw.occupations, &mut problems),
            articulations: parse_list(RecordKind::Articulation, &raw.articulations, &mut problems),
            pathways: parse_list(RecordKind::Pathway, &raw.pathways, &mut problems),
        };
        if problems.is_empty() { Ok(bundle) } else { Err(problems) }
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
    }

    /// Upserts `incoming` into `self` by id: records with a known id replace the old record,
    /// new ids are added, nothing is removed. The result is canonical.
    pub fn merge(&self, incoming: Bundle) -> Bundle {
        fn upsert<T: Clone, K: Eq + std::hash::Hash + Clone>(base: &[T], new: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
            let replaced: HashMap<K, usize> = new.iter().enumerate().map(|(i, r)| (key(r), i)).collect();
            let mut out: Vec<T> = base
                .iter()
                .filter(|r| !replaced.contains_key(&key(r)))
                .cloned()
                .collect();
            // Last one wins within `new` too; duplicates in `new` are reported by validation
            // of the incoming bundle before merging.
            let mut seen = HashSet::new();
            for r in new.into_iter().rev() {
                if seen.insert(key(&r)) {
                    out.push(r);
                }
            }
            out
        }
        let mut merged = Bundle {
            competencies: upsert(&self.competencies, incoming.competencies, |r| r.id.clone()),
            courses: upsert(&self.courses, incoming.courses, |r| r.id.clone()),
            credentials: upsert(&self.credentials, incoming.credentials, |r| r.id.clone()),
            occupations: upsert(&self.occupations, incoming.occupations, |r| r.soc.clone()),
            articulations: upsert(&self.articulations, incoming.articulations, |r| r.id.clone()),
            pathways: upsert(&self.pathways, incoming.pathways, |r| r.id.clone()),
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
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Counts {
    pub fn total(&self) -> usize {
        self.competencies + self.courses + self.credentials + self.occupations + self.articulations + self.pathways
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
    }
}

struct Validator<'a> {
    b: &'a Bundle,
    competencies: HashSet<&'a str>,
    courses: HashMap<&'a str, &'a Course>,
    credentials: HashSet<&'a str>,
    problems: Vec<Problem>,
}

impl<'a> Validator<'a> {
    fn new(b: &'a Bundle) -> Self {
        Validator {
            b,
            competencies: b.competencies.iter().map(|c| c.id.as_str()).collect(),
            courses: b.courses.iter().map(|c| (c.id.as_str(), c)).collect(),
            credentials: b.credentials.iter().map(|c| c.id.as_str()).collect(),
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
        });
    }

    fn run(&mut self) {
        self.check_duplicates();
        self.check_competencies();
        self.check_courses();
        self.check_credentials();
        self.check_occupations();
        self.check_articulations();
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
        // Courses and credentials share a namespace: requirement groups may name either.
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
                let known = self.courses.contains_key(item.as_str()) || self.credentials.contains(item.as_str());
                if !known {
                    self.push(
                        kind,
                        i,
                        id,
                        format!("{field}[{g}].from[{j}]"),
                        ProblemCode::UnknownReference,
                        format!("unknown course or credential `{item}`"),
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
            if !self.courses.contains_key(from) && !self.credentials.contains(from) {
                self.push(
                    k,
                    i,
                    id,
                    "from".into(),
                    ProblemCode::UnknownReference,
                    format!("unknown course or credential `{from}`"),
                );
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
        use petgraph::graph::DiGraph;
        let b = self.b;
        let mut g: DiGraph<&str, ()> = DiGraph::new();
        let mut idx = HashMap::new();
        for id in b
            .courses
            .iter()
            .map(|c| c.id.as_str())
            .chain(b.credentials.iter().map(|c| c.id.as_str()))
        {
            idx.entry(id).or_insert_with(|| g.add_node(id));
        }
        let reqs = b
            .courses
            .iter()
            .map(|c| (c.id.as_str(), &c.prerequisites))
            .chain(b.credentials.iter().map(|c| (c.id.as_str(), &c.requires)));
        for (id, groups) in reqs {
            for item in groups.iter().flat_map(|g| g.from()) {
                if let Some(&to) = idx.get(item.as_str()) {
                    g.add_edge(idx[id], to, ());
                }
            }
        }
        self.report_cycles(
            &g,
            "requirement",
            "needs itself through its prerequisites or requirements",
        );

        let mut s: DiGraph<&str, ()> = DiGraph::new();
        let sidx: HashMap<&str, _> = b
            .credentials
            .iter()
            .map(|c| (c.id.as_str(), s.add_node(c.id.as_str())))
            .collect();
        for c in &b.credentials {
            for up in &c.stacks_into {
                if let Some(&to) = sidx.get(up.as_str())
                    && up.as_str() != c.id.as_str()
                {
                    s.add_edge(sidx[c.id.as_str()], to, ());
                }
            }
        }
        self.report_cycles(&s, "stacks_into", "stacks into itself through higher credentials");
    }

    fn report_cycles(&mut self, g: &petgraph::graph::DiGraph<&str, ()>, field: &str, what: &str) {
        for scc in petgraph::algo::tarjan_scc(g) {
            let self_loop = scc.len() == 1 && g.contains_edge(scc[0], scc[0]);
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let mut ids: Vec<&str> = scc.iter().map(|n| g[*n]).collect();
            ids.sort_unstable();
            let first = ids[0];
            let kind = if self.courses.contains_key(first) {
                RecordKind::Course
            } else {
                RecordKind::Credential
            };
            let index = match kind {
                RecordKind::Course => self.b.courses.iter().position(|c| c.id.as_str() == first),
                _ => self.b.credentials.iter().position(|c| c.id.as_str() == first),
            };
            self.problems.push(Problem {
                record_kind: kind,
                index,
                id: Some(first.to_owned()),
                field: field.to_owned(),
                code: ProblemCode::Cycle,
                message: format!("cycle: `{first}` {what}: {}", ids.join(" -> ")),
            });
        }
    }
}
