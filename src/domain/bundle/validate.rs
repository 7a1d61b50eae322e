//! Validation of a whole catalog: every problem (unknown references, duplicate ids, cycles,
//! choose ranges, reachable credits, numbers, codes...) is collected, not only the first.

use super::super::requirement::RequirementGroup;
use super::*;
use crate::graph::algo::Digraph;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

impl Bundle {
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
