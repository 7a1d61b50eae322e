//! How an import changes a catalog: whole records upserted by id (merge), partial records
//! that change only the fields they give (patch), the diff between two catalogs, and the
//! warnings a merge owes when it drops pulled figures. Pure functions; no I/O.
//!
//! An [`Incoming`] holds what a request brought (from JSON or from a spreadsheet) and
//! [`Origins`] remembers where each record came from (its position in its list, or its sheet,
//! row and columns) so that problems found after merging name the place the user wrote.

use super::bundle::{Bundle, Place, Problem, ProblemCode, RecordKind};
use super::records::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A record that changes only the fields it gives (`null` clears a field; lists replace lists).
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    pub kind: RecordKind,
    /// The id (SOC code for occupations) of the record to change or create.
    pub key: String,
    /// The given fields, key field included.
    pub fields: Map<String, Value>,
}

/// What an import brings: whole records and partial ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// Whole records: a known id replaces the old record; new ids are added.
    pub whole: Bundle,
    /// Partial records, applied after the whole ones, in order.
    pub partial: Vec<Partial>,
}

/// Where one incoming record came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    /// The record's position in its list (JSON) or among the data rows of its sheet.
    pub index: usize,
    /// Sheet (or CSV file) and row, for spreadsheet imports.
    pub place: Option<Place>,
    /// Field name (top level, e.g. `codes` or `prerequisites`) to column header.
    pub columns: BTreeMap<String, String>,
}

/// Where each incoming record came from, by kind and id.
///
/// The positions of a JSON bundle's records (millions in a national import) are kept compactly:
/// a 64-bit hash of kind and id to the position, with the few ids whose hashes collide (or
/// that repeat) kept whole in `by_id`, so every record the import brought is found exactly.
/// (A record it did not bring could match only on a 64-bit collision with one it did.)
#[derive(Debug, Clone, Default)]
pub struct Origins {
    by_id: HashMap<(RecordKind, String), Origin>,
    positions: HashMap<u64, u32>,
}

/// The hash `Origins::positions` is keyed by (SipHash with fixed keys: the same in every run).
fn position_key(kind: RecordKind, id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (kind, id).hash(&mut h);
    h.finish()
}

impl Origins {
    pub fn insert(&mut self, kind: RecordKind, id: &str, origin: Origin) {
        self.by_id.entry((kind, id.to_owned())).or_insert(origin);
    }

    /// Positions of the records of a JSON bundle in their lists.
    pub fn of_bundle(b: &Bundle) -> Origins {
        fn each(b: &Bundle, f: &mut dyn FnMut(RecordKind, usize, &str)) {
            let mut list = |kind, ids: &mut dyn Iterator<Item = &str>| {
                for (index, id) in ids.enumerate() {
                    f(kind, index, id);
                }
            };
            list(
                RecordKind::Competency,
                &mut b.competencies.iter().map(|r| r.id.as_str()),
            );
            list(RecordKind::Course, &mut b.courses.iter().map(|r| r.id.as_str()));
            list(RecordKind::Credential, &mut b.credentials.iter().map(|r| r.id.as_str()));
            list(
                RecordKind::Occupation,
                &mut b.occupations.iter().map(|r| r.soc.as_str()),
            );
            list(
                RecordKind::Articulation,
                &mut b.articulations.iter().map(|r| r.id.as_str()),
            );
            list(RecordKind::Pathway, &mut b.pathways.iter().map(|r| r.id.as_str()));
            list(RecordKind::Assessment, &mut b.assessments.iter().map(|r| r.id.as_str()));
            list(RecordKind::Funding, &mut b.funding.iter().map(|r| r.id.as_str()));
        }
        let mut o = Origins::default();
        o.positions.reserve(b.counts().total());
        let mut clashes = HashSet::new();
        each(b, &mut |kind, index, id| {
            let key = position_key(kind, id);
            if o.positions.insert(key, index as u32).is_some() {
                clashes.insert(key);
            }
        });
        if !clashes.is_empty() {
            // Repeated ids and true hash collisions: kept whole, first position wins.
            for key in &clashes {
                o.positions.remove(key);
            }
            each(b, &mut |kind, index, id| {
                if clashes.contains(&position_key(kind, id)) {
                    o.insert(
                        kind,
                        id,
                        Origin {
                            index,
                            ..Default::default()
                        },
                    );
                }
            });
        }
        o.positions.shrink_to_fit();
        o
    }

    /// Where the record `kind`/`id` came from, if the import brought it.
    fn get(&self, kind: RecordKind, id: &str) -> Option<std::borrow::Cow<'_, Origin>> {
        use std::borrow::Cow;
        if let Some(o) = self.by_id.get(&(kind, id.to_owned())) {
            return Some(Cow::Borrowed(o));
        }
        self.positions.get(&position_key(kind, id)).map(|&index| {
            Cow::Owned(Origin {
                index: index as usize,
                ..Default::default()
            })
        })
    }

    /// Rewrites problems found in the merged catalog so that they name the incoming record:
    /// its position in the list the user sent (not in the merged catalog), and for
    /// spreadsheets its sheet, row and column. A problem on a record the import did not bring
    /// (an existing record it broke) keeps its id and loses its index.
    pub fn relocate(&self, problems: Vec<Problem>) -> Vec<Problem> {
        problems
            .into_iter()
            .map(|mut p| {
                if p.record_kind == RecordKind::Bundle || p.place.is_some() {
                    return p;
                }
                let Some(id) = p.id.as_deref() else { return p };
                match self.get(p.record_kind, id) {
                    Some(o) => {
                        p.index = Some(o.index);
                        if let Some(place) = &o.place {
                            let top = top_field(&p.field);
                            p.place = Some(Place {
                                column: Some(o.columns.get(top).cloned().unwrap_or_else(|| top.to_owned())),
                                ..place.clone()
                            });
                        }
                    }
                    None => p.index = None,
                }
                p
            })
            .collect()
    }
}

/// `prerequisites[0].from[1]` -> `prerequisites`; `codes.cip` -> `codes`.
fn top_field(field: &str) -> &str {
    let end = field.find(['[', '.']).unwrap_or(field.len());
    &field[..end]
}

/// A merge warning: an existing record loses fields that a pull filled.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Warning {
    pub record_kind: String,
    pub id: String,
    /// The pulled fields the record loses.
    pub fields: Vec<String>,
    pub message: String,
}

/// One record in a diff.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DiffEntry {
    pub record_kind: String,
    pub id: String,
}

/// A changed record and the names of its changed fields.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChangedEntry {
    pub record_kind: String,
    pub id: String,
    pub fields: Vec<String>,
}

/// What an import changes: records added, changed (with field names) and removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Diff {
    pub added: Vec<DiffEntry>,
    pub changed: Vec<ChangedEntry>,
    pub removed: Vec<DiffEntry>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The catalog an import produces, and what it owes the user to know.
#[derive(Debug, Clone)]
pub struct Applied {
    pub bundle: Bundle,
    pub warnings: Vec<Warning>,
}

/// A record type of the catalog: its kind and key.
trait Keyed: Serialize + DeserializeOwned + Clone + PartialEq {
    const KIND: RecordKind;
    fn key(&self) -> &str;
}

macro_rules! keyed {
    ($t:ty, $kind:expr, $field:ident) => {
        impl Keyed for $t {
            const KIND: RecordKind = $kind;
            fn key(&self) -> &str {
                self.$field.as_str()
            }
        }
    };
}
keyed!(Competency, RecordKind::Competency, id);
keyed!(Course, RecordKind::Course, id);
keyed!(Credential, RecordKind::Credential, id);
keyed!(Occupation, RecordKind::Occupation, soc);
keyed!(Articulation, RecordKind::Articulation, id);
keyed!(super::pathway::Pathway, RecordKind::Pathway, id);
keyed!(super::records::Assessment, RecordKind::Assessment, id);
keyed!(super::records::Funding, RecordKind::Funding, id);

/// The key field of a kind's records.
pub fn key_field(kind: RecordKind) -> &'static str {
    if kind == RecordKind::Occupation { "soc" } else { "id" }
}

impl Incoming {
    /// Whole records only (a JSON bundle under `merge` or `replace`).
    pub fn whole(bundle: Bundle) -> Incoming {
        Incoming {
            whole: bundle,
            partial: Vec::new(),
        }
    }

    /// Number of records per kind (partial records counted under their kind).
    pub fn counts(&self) -> super::Counts {
        let mut c = self.whole.counts();
        for p in &self.partial {
            match p.kind {
                RecordKind::Competency => c.competencies += 1,
                RecordKind::Course => c.courses += 1,
                RecordKind::Credential => c.credentials += 1,
                RecordKind::Occupation => c.occupations += 1,
                RecordKind::Articulation => c.articulations += 1,
                RecordKind::Pathway => c.pathways += 1,
                RecordKind::Assessment => c.assessments += 1,
                RecordKind::Funding => c.funding += 1,
                RecordKind::Bundle => {}
            }
        }
        c
    }

    /// Parses a `mode=patch` JSON document: the bundle's lists, each record an object with its
    /// id (`soc` for occupations) and only the fields to change.
    pub fn partial_from_json(bytes: &[u8]) -> Result<(Incoming, Origins), Vec<Problem>> {
        let doc: Value = serde_json::from_slice(bytes)
            .map_err(|e| vec![Problem::bundle(format!("the body is not a valid import document: {e}"))])?;
        let Value::Object(lists) = doc else {
            return Err(vec![Problem::bundle(
                "the body must be a JSON object of record lists".into(),
            )]);
        };
        let mut incoming = Incoming::default();
        let mut origins = Origins::default();
        let mut problems = Vec::new();
        for (list, records) in lists {
            let Some(kind) = RecordKind::of_list(&list) else {
                problems.push(Problem::bundle(format!("unknown list `{list}`")));
                continue;
            };
            let Value::Array(records) = records else {
                problems.push(Problem::bundle(format!("`{list}` must be a list")));
                continue;
            };
            for (index, record) in records.into_iter().enumerate() {
                let key_name = key_field(kind);
                let Value::Object(fields) = record else {
                    problems.push(Problem::at(
                        kind,
                        index,
                        None,
                        format!("{list}[{index}]"),
                        ProblemCode::Malformed,
                        "a record must be a JSON object".into(),
                    ));
                    continue;
                };
                let Some(Value::String(key)) = fields.get(key_name).cloned() else {
                    problems.push(Problem::at(
                        kind,
                        index,
                        None,
                        key_name.into(),
                        ProblemCode::Malformed,
                        format!("a patch record needs its `{key_name}` as a string"),
                    ));
                    continue;
                };
                origins.insert(
                    kind,
                    &key,
                    Origin {
                        index,
                        ..Default::default()
                    },
                );
                incoming.partial.push(Partial { kind, key, fields });
            }
        }
        if problems.is_empty() {
            Ok((incoming, origins))
        } else {
            Err(problems)
        }
    }

    /// The catalog this import makes from `current`: whole records upserted by id (onto an
    /// empty catalog when `replace`), then partial records applied field by field. Duplicate
    /// ids within the import and partial records that do not make a valid record are
    /// problems (named through `origins`). The result is canonical but not yet validated as
    /// a whole (see [`Bundle::validate`]).
    ///
    /// Time O(catalog + incoming); a merge also compares each replaced record with the old
    /// one to find the pulled fields it drops.
    pub fn apply(self, current: &Bundle, replace: bool, origins: &Origins) -> Result<Applied, Vec<Problem>> {
        let mut problems = origins.relocate(self.whole.duplicate_ids());
        let mut seen = HashSet::new();
        for p in &self.partial {
            if !seen.insert((p.kind, p.key.as_str())) {
                problems.push(Problem::at(
                    p.kind,
                    0,
                    Some(&p.key),
                    key_field(p.kind).into(),
                    ProblemCode::DuplicateId,
                    format!("id `{}` is given more than once", p.key),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(origins.relocate(problems));
        }
        let warnings = if replace {
            Vec::new()
        } else {
            merge_warnings(current, &self.whole)
        };
        let mut next = if replace {
            let mut b = self.whole;
            b.canonicalize();
            b
        } else {
            current.merge(self.whole)
        };
        for p in self.partial {
            let result = match p.kind {
                RecordKind::Competency => patch_into(&mut next.competencies, p),
                RecordKind::Course => patch_into(&mut next.courses, p),
                RecordKind::Credential => patch_into(&mut next.credentials, p),
                RecordKind::Occupation => patch_into(&mut next.occupations, p),
                RecordKind::Articulation => patch_into(&mut next.articulations, p),
                RecordKind::Pathway => patch_into(&mut next.pathways, p),
                RecordKind::Assessment => patch_into(&mut next.assessments, p),
                RecordKind::Funding => patch_into(&mut next.funding, p),
                RecordKind::Bundle => Ok(()),
            };
            if let Err(problem) = result {
                problems.push(*problem);
            }
        }
        next.canonicalize();
        if !problems.is_empty() {
            // Report the catalog's other problems too, all at once.
            if let Err(more) = next.validate() {
                problems.extend(more);
            }
            return Err(origins.relocate(problems));
        }
        Ok(Applied { bundle: next, warnings })
    }
}

/// Applies one partial record to `list`: overlays its fields on the record with its key, or
/// adds it as a new record (which then needs every required field).
fn patch_into<T: Keyed>(list: &mut Vec<T>, p: Partial) -> Result<(), Box<Problem>> {
    let position = list.iter().position(|r| r.key() == p.key);
    let fail = |e: serde_json::Error, new: bool| {
        let msg = e.to_string();
        let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]).to_owned();
        let field = quoted_field(&msg).unwrap_or_else(|| key_field(T::KIND).to_owned());
        Box::new(Problem::at(
            T::KIND,
            0,
            Some(&p.key),
            field,
            ProblemCode::Malformed,
            if new {
                format!(
                    "`{}` is not in the catalog, so it is added and needs every required field: {msg}",
                    p.key
                )
            } else {
                msg
            },
        ))
    };
    match position {
        Some(i) => {
            let Value::Object(mut record) = serde_json::to_value(&list[i]).expect("records serialise") else {
                unreachable!("records serialise to objects")
            };
            for (k, v) in p.fields.clone() {
                if v.is_null() {
                    record.remove(&k);
                } else {
                    record.insert(k, v);
                }
            }
            list[i] = serde_json::from_value(Value::Object(record)).map_err(|e| fail(e, false))?;
        }
        None => {
            let fields: Map<String, Value> = p.fields.clone().into_iter().filter(|(_, v)| !v.is_null()).collect();
            list.push(serde_json::from_value(Value::Object(fields)).map_err(|e| fail(e, true))?);
        }
    }
    Ok(())
}

/// The field a serde message names (``missing field `title` ``, ``unknown field `x` ``).
pub(crate) fn quoted_field(msg: &str) -> Option<String> {
    for lead in ["missing field `", "unknown field `"] {
        if let Some(i) = msg.find(lead) {
            let rest = &msg[i + lead.len()..];
            return rest.find('`').map(|j| rest[..j].to_owned());
        }
    }
    None
}

fn to_map<T: Serialize>(r: &T) -> Map<String, Value> {
    match serde_json::to_value(r).expect("records serialise") {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn is_empty_value(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::String(s)) => s.is_empty(),
        _ => false,
    }
}

fn has_provenance(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.contains_key("provenance") || m.values().any(has_provenance),
        Value::Array(a) => a.iter().any(has_provenance),
        _ => false,
    }
}

/// The fields of `old` that carry data from a pull (the record or the figure has a
/// `provenance`) and that `new` leaves empty.
fn dropped_pulled_fields(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<String> {
    let record_pulled = old.contains_key("provenance");
    old.iter()
        .filter(|(k, v)| k.as_str() != "provenance" && !is_empty_value(Some(v)))
        .filter(|(_, v)| record_pulled || has_provenance(v))
        .filter(|(k, _)| is_empty_value(new.get(k.as_str())))
        .map(|(k, _)| k.clone())
        .collect()
}

fn warnings_for<T: Keyed>(old: &[T], new: &[T], out: &mut Vec<Warning>) {
    if new.is_empty() {
        return;
    }
    let by_key: HashMap<&str, &T> = old.iter().map(|r| (r.key(), r)).collect();
    for r in new {
        let Some(o) = by_key.get(r.key()) else { continue };
        let fields = dropped_pulled_fields(&to_map(*o), &to_map(r));
        if !fields.is_empty() {
            out.push(Warning {
                record_kind: T::KIND.as_str().into(),
                id: r.key().to_owned(),
                message: format!(
                    "merge replaces {} `{}` whole and drops its pulled {}; import with mode=patch to change only the fields given",
                    T::KIND.as_str(),
                    r.key(),
                    fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                ),
                fields,
            });
        }
    }
}

/// Warnings for a merge of `incoming` into `current`: each replaced record that loses fields
/// a pull filled.
pub fn merge_warnings(current: &Bundle, incoming: &Bundle) -> Vec<Warning> {
    let mut out = Vec::new();
    warnings_for(&current.competencies, &incoming.competencies, &mut out);
    warnings_for(&current.courses, &incoming.courses, &mut out);
    warnings_for(&current.credentials, &incoming.credentials, &mut out);
    warnings_for(&current.occupations, &incoming.occupations, &mut out);
    warnings_for(&current.articulations, &incoming.articulations, &mut out);
    out
}

fn diff_list<T: Keyed>(old: &[T], new: &[T], d: &mut Diff) {
    let kind = T::KIND.as_str();
    let olds: HashMap<&str, &T> = old.iter().map(|r| (r.key(), r)).collect();
    let news: HashMap<&str, &T> = new.iter().map(|r| (r.key(), r)).collect();
    let entry = |id: &str| DiffEntry {
        record_kind: kind.into(),
        id: id.into(),
    };
    for r in new {
        match olds.get(r.key()) {
            None => d.added.push(entry(r.key())),
            Some(o) if *o != r => {
                let (a, b) = (to_map(*o), to_map(r));
                let mut fields: Vec<String> = a
                    .keys()
                    .chain(b.keys())
                    .filter(|k| a.get(k.as_str()) != b.get(k.as_str()))
                    .cloned()
                    .collect();
                fields.sort();
                fields.dedup();
                d.changed.push(ChangedEntry {
                    record_kind: kind.into(),
                    id: r.key().into(),
                    fields,
                });
            }
            Some(_) => {}
        }
    }
    for r in old {
        if !news.contains_key(r.key()) {
            d.removed.push(entry(r.key()));
        }
    }
}

/// What changes from `old` to `new`, kind by kind, in each catalog's order.
///
/// Time O(records + size of the changed records).
pub fn diff(old: &Bundle, new: &Bundle) -> Diff {
    let mut d = Diff::default();
    diff_list(&old.competencies, &new.competencies, &mut d);
    diff_list(&old.courses, &new.courses, &mut d);
    diff_list(&old.credentials, &new.credentials, &mut d);
    diff_list(&old.occupations, &new.occupations, &mut d);
    diff_list(&old.articulations, &new.articulations, &mut d);
    diff_list(&old.pathways, &new.pathways, &mut d);
    diff_list(&old.assessments, &new.assessments, &mut d);
    diff_list(&old.funding, &new.funding, &mut d);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pulled() -> Bundle {
        serde_json::from_value(json!({
            "competencies": [{"id": "k", "name": "K", "tier": 4}],
            "credentials": [{"id": "adn", "title": "ADN", "kind": "associate", "level": 3}],
            "occupations": [{"soc": "29-1141", "title": "Registered Nurses", "competencies": ["k"],
                "demand": [{"region": "US", "employment": 3282010, "median_wage": 93600,
                            "provenance": {"source": "bls_projections"}}]}]
        }))
        .unwrap()
    }

    fn patch(kind: RecordKind, fields: Value) -> Partial {
        let Value::Object(fields) = fields else { panic!() };
        let key = fields[key_field(kind)].as_str().unwrap().to_owned();
        Partial { kind, key, fields }
    }

    #[test]
    fn patch_changes_only_given_fields() {
        let base = pulled();
        let incoming = Incoming {
            partial: vec![patch(
                RecordKind::Occupation,
                json!({"soc": "29-1141", "entry_credentials": ["adn"]}),
            )],
            ..Default::default()
        };
        let next = incoming.apply(&base, false, &Origins::default()).unwrap().bundle;
        let (o, n) = (&base.occupations[0], &next.occupations[0]);
        assert_eq!(n.entry_credentials.len(), 1);
        assert_eq!(
            serde_json::to_string(&o.demand).unwrap(),
            serde_json::to_string(&n.demand).unwrap()
        );
        assert_eq!(o.competencies, n.competencies);
        let d = diff(&base, &next);
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].fields, ["entry_credentials"]);
        assert!(d.added.is_empty() && d.removed.is_empty());
    }

    #[test]
    fn null_clears_and_new_records_need_required_fields() {
        let base = pulled();
        let incoming = Incoming {
            partial: vec![
                patch(RecordKind::Occupation, json!({"soc": "29-1141", "competencies": null})),
                patch(RecordKind::Course, json!({"id": "c1", "hours": 3})),
            ],
            ..Default::default()
        };
        let err = incoming.clone().apply(&base, false, &Origins::default()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].field, "title");
        assert!(err[0].message.contains("not in the catalog"), "{}", err[0].message);
        let incoming = Incoming {
            partial: incoming.partial[..1].to_vec(),
            ..Default::default()
        };
        let next = incoming.apply(&base, false, &Origins::default()).unwrap().bundle;
        assert!(next.occupations[0].competencies.is_empty());
    }

    #[test]
    fn merge_warns_about_dropped_pulled_fields() {
        let base = pulled();
        let whole: Bundle = serde_json::from_value(json!({
            "occupations": [{"soc": "29-1141", "title": "Registered Nurses", "entry_credentials": ["adn"]}]
        }))
        .unwrap();
        let applied = Incoming::whole(whole).apply(&base, false, &Origins::default()).unwrap();
        assert_eq!(applied.warnings.len(), 1);
        assert_eq!(applied.warnings[0].fields, ["demand"], "competencies had no provenance");
        assert!(
            applied.bundle.occupations[0].demand.is_empty(),
            "merge still replaces whole"
        );
    }

    #[test]
    fn problems_name_the_position_in_the_incoming_list() {
        let mut base = pulled();
        for i in 0..50 {
            base.courses.push(Course {
                id: format!("a{i:03}").as_str().into(),
                title: "x".into(),
                hours: 1.0,
                ..Default::default()
            });
        }
        base.canonicalize();
        let whole: Bundle = serde_json::from_value(json!({
            "courses": [{"id": "zz", "title": "T", "system": "adult", "hours": 1, "competencies": ["nope"]}]
        }))
        .unwrap();
        let origins = Origins::of_bundle(&whole);
        let next = Incoming::whole(whole).apply(&base, false, &origins).unwrap().bundle;
        let found = next.validate().unwrap_err();
        assert_eq!(found[0].index, Some(50), "the merged catalog's position");
        let problems = origins.relocate(found);
        assert_eq!(problems[0].index, Some(0), "the position in the list sent");
    }

    /// Positions of a JSON bundle, kept as hashes: every record's own position (per kind, the
    /// same id in two kinds apart), the first of a repeated id, none for an id not sent.
    #[test]
    fn bundle_positions_are_exact_per_kind_and_first_wins() {
        let b: Bundle = serde_json::from_value(json!({
            "competencies": [{"id": "x", "name": "X", "tier": 1}, {"id": "k1", "name": "K", "tier": 1}],
            "courses": [{"id": "c0", "title": "T", "system": "adult", "hours": 1},
                        {"id": "x", "title": "T", "system": "adult", "hours": 1},
                        {"id": "c0", "title": "again", "system": "adult", "hours": 1},
                        {"id": "c3", "title": "T", "system": "adult", "hours": 1}]
        }))
        .unwrap();
        let o = Origins::of_bundle(&b);
        let at = |kind, id: &str| o.get(kind, id).map(|o| o.index);
        assert_eq!(at(RecordKind::Competency, "x"), Some(0));
        assert_eq!(at(RecordKind::Competency, "k1"), Some(1));
        assert_eq!(at(RecordKind::Course, "x"), Some(1));
        assert_eq!(at(RecordKind::Course, "c0"), Some(0), "the first of a repeated id");
        assert_eq!(at(RecordKind::Course, "c3"), Some(3));
        assert_eq!(at(RecordKind::Course, "k1"), None);
        assert_eq!(at(RecordKind::Credential, "c0"), None);
    }
}
