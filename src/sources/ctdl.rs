//! Credential Engine CTDL JSON-LD: a single resource document, or a registry graph
//! (`{"@graph": [...]}`), with `ceterms:` / `ceasn:` prefixed or bare terms, `@id` or `id`,
//! `@type` or `type`, and single values or arrays alike.
//!
//! * **Credentials**: every `ceterms:` credential class (`BachelorDegree`, `Certificate`,
//!   `Certification`, `License`, `Badge`, `Diploma`, `ApprenticeshipCertificate`, ...: any type
//!   ending in `Degree`, `Diploma`, `Certificate`, `Certification`, `License`, `Badge`,
//!   `Credential` or `Doctorate`). The kind follows the class, and the level is the kind's
//!   default on the one credential-level scale ([`CredentialLevel::of_kind`]: an associate
//!   degree 4, a bachelor's 5, as in the seed and spreadsheets).
//! * **Occupations a credential leads to**: a credential's `occupationType` alignments that
//!   carry a SOC or O*NET-SOC code (`codedNotation`, or a `targetNode` URL ending in one;
//!   O*NET-SOC codes roll up to their SOC code) become program links on those occupations with
//!   `evidence: "ctdl"`, listing the credential (and its CIP code, where stated), so the
//!   credential qualifies for them. They are enrichments: an occupation the catalog does not
//!   have is reported (`unmatched_occupation`), never created. Alignments with a name only are
//!   skipped (`occupation_type_uncoded`), as are the `occupationType`s of learning
//!   opportunities, which qualify for nothing (`occupation_type_not_credential`).
//! * **Courses and learning programs**: `Course`, `LearningProgram`, `LearningOpportunityProfile`
//!   become courses (system from the `system` option, default `postsecondary`); a program's
//!   `hasPart` (and the learning opportunities its `requires` names) become its `parts`. Hours
//!   come from `estimatedDuration` when it is stated in hours (`PT120H`); credits from
//!   `creditValue`; cost from the first `estimatedCost` price; CIP from
//!   `instructionalProgramType`; the local code from `codedNotation`.
//! * **Condition profiles** become requirement groups: a credential's `requires`, a course's
//!   `entryCondition` / `prerequisite`: each profile is one all-of group of the learning
//!   opportunities and credentials it targets. Targets that are not in the document or the
//!   catalog are dropped with a warning (`dropped_reference`); a profile left with no target
//!   is listed in the `text_only_condition` warning.
//! * **Pathways** (`Pathway`) are kept whole: destination, components (`*Component` classes)
//!   with their `hasChild`/`isChildOf`/`precedes`/`precededBy` links, credit value,
//!   progression level, the resource they stand for, and their conditions
//!   (`ComponentCondition`: `requiredNumber`, or `leftOperand: reqNum` with `rightOperand`;
//!   `targetComponent`; nested conditions with `logicalOperator`/`logicalOperand`).
//!   `hasChild` is read under `ceasn:`, `ceterms:` or no prefix alike.
//! * **Pathway components become plannable records**, so a career map can be planned to a
//!   pulled pathway's destination and exported as CTDL again:
//!   - A component that stands for a resource (`sourceData` / `proxyFor`) maps to that record
//!     (its id resolved as every reference is: the CTID, else the `@id`). When the document
//!     does not define it, a record is made under that id; if the catalog already has a
//!     record with that id from elsewhere, the catalog's record is kept (`kept_existing_record`).
//!   - Otherwise the component becomes a record of its own, id the component's CTID, else its
//!     `@id` (stable across pulls): a `CredentialComponent`, and every destination component
//!     (`hasDestinationComponent`, the pathway's target), becomes a credential (kind `other`,
//!     level 2, `intermediate`); every other component (`CourseComponent`, `AssessmentComponent`,
//!     `BasicComponent`, `JobComponent`...) becomes a course (system from the `system`
//!     option, default `postsecondary`; credits from `creditValue`; hours = credits × 15, as
//!     components state no hours; title from the component's name, else its id; local code
//!     from `codedNotation` / `programTerm`; the pull's provenance).
//!   - A component's conditions become requirement groups of its record (a credential's
//!     `requires`, a course's `prerequisites`), all of which must hold: a `requiredNumber` N
//!     over `targetComponent`s (or over the component's `hasChild` when a condition names no
//!     targets and nests nothing) is `{"choose": N, "from": [...]}`, N lowered to the list's
//!     length with a `condition_clamped` warning when it asks for more (no `requiredNumber`:
//!     all of them; 0: no group); nested conditions combined with AND (or no operator) add
//!     their groups. An OR of alternatives that each pick one item is exactly "1 of them all";
//!     any other OR cannot be expressed by groups that must all hold, so the alternative asking
//!     for the fewest items is kept and the job warns `or_condition_simplified`, naming the
//!     component. Targets that are not components of the document are dropped
//!     (`dropped_reference`). A record the document defines with requirements of its own
//!     keeps them and ignores its component's conditions (`component_conditions_not_applied`).
//!   - Requirement groups of pulled records that would close a cycle (which the catalog
//!     rejects) are dropped, the first of a cycle's groups in document order staying
//!     (`requirement_cycle`).
//!
//! Ids: the CTID where there is one, else the `@id`. Records are keyed by source and URL.

use super::{Context, Fetched, PullError, Pulled, Warnings};
use crate::domain::*;
use crate::graph::algo::Digraph;
use serde_json::Value;
use std::collections::HashMap;

const PREFIXES: [&str; 4] = ["ceterms:", "ceasn:", "asn:", "ceterms_"];

/// The value of a CTDL term under any spelling (`name`, `ceterms:name`, `ceasn:name`).
fn get<'a>(node: &'a Value, term: &str) -> Option<&'a Value> {
    let obj = node.as_object()?;
    obj.get(term)
        .or_else(|| PREFIXES.iter().find_map(|p| obj.get(&format!("{p}{term}"))))
        .filter(|v| !v.is_null())
}

/// Single values and arrays alike.
fn many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().filter(|v| !v.is_null()).collect(),
        Some(other) => vec![other],
    }
}

/// Text of a plain string, a language map (`{"en-US": ...}`, `{"@en-US": ...}`), or a list.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(|x| text(Some(x))),
        Value::Object(m) => {
            for k in ["en-US", "@en-US", "en", "@en", "@value"] {
                if let Some(t) = text(m.get(k)) {
                    return Some(t);
                }
            }
            m.values().find_map(|x| text(Some(x)))
        }
        _ => None,
    }
}

fn id_of(node: &Value) -> Option<String> {
    node.get("@id")
        .or_else(|| node.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn types(node: &Value) -> Vec<String> {
    many(node.get("@type").or_else(|| node.get("type")))
        .into_iter()
        .filter_map(Value::as_str)
        .map(|t| PREFIXES.iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t).to_owned())
        .collect()
}

/// References: strings, or embedded nodes with an id.
fn refs(v: Option<&Value>) -> Vec<String> {
    many(v)
        .into_iter()
        .filter_map(|x| match x {
            Value::String(s) => Some(s.clone()),
            other => id_of(other),
        })
        .collect()
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Array(a) => a.iter().find_map(|x| number(Some(x))),
        _ => None,
    }
}

/// The credential kind of a CTDL class, if it is a credential class, and its level: the kind's
/// default on the one credential-level scale ([`CredentialLevel::of_kind`]).
pub fn credential_class(t: &str) -> Option<(CredentialKind, u32)> {
    let is_credential = [
        "Degree",
        "Diploma",
        "Certificate",
        "Certification",
        "License",
        "Badge",
        "Credential",
        "Doctorate",
    ]
    .iter()
    .any(|s| t.ends_with(s))
        || t == "GeneralEducationDevelopment";
    if !is_credential || t.ends_with("AlignmentObject") {
        return None;
    }
    use CredentialKind::*;
    let kind = if t.contains("Associate") {
        Associate
    } else if t.contains("Bachelor") {
        Bachelor
    } else if t.starts_with("Master") && t.ends_with("Degree") {
        Master
    } else if t.contains("Doctor") {
        Doctorate
    } else if t == "GeneralEducationDevelopment" {
        Hse
    } else if t.contains("Diploma") {
        Diploma
    } else if t == "License" {
        License
    } else if t == "Certification" {
        IndustryCertification
    } else if t.contains("Apprenticeship") || t.contains("Journeyman") {
        Apprenticeship
    } else if t.contains("Badge") || t == "MicroCredential" {
        Badge
    } else if t.contains("Certificate") {
        Certificate
    } else {
        Other
    };
    Some((kind, CredentialLevel::of_kind(kind).number()))
}

const COURSE_CLASSES: [&str; 4] = [
    "Course",
    "LearningProgram",
    "LearningOpportunityProfile",
    "LearningOpportunity",
];

/// Hours of an ISO 8601 duration stated in hours/minutes (`PT120H`, `PT90M`); `None` for
/// calendar durations (`P2Y`, `P10W`), which are not contact hours.
fn iso_hours(s: &str) -> Option<f64> {
    let t = s.strip_prefix("PT")?;
    let mut hours = 0.0;
    let mut num = String::new();
    for c in t.chars() {
        match c {
            '0'..='9' | '.' => num.push(c),
            'H' => hours += num.parse::<f64>().ok()?,
            'M' => hours += num.parse::<f64>().ok()? / 60.0,
            'S' => hours += num.parse::<f64>().ok()? / 3600.0,
            _ => return None,
        }
        if c.is_ascii_alphabetic() {
            num.clear();
        }
    }
    Some(hours)
}

/// Every node of the document: the graph's members, or the document itself.
fn nodes(doc: &Value) -> Vec<&Value> {
    match doc {
        Value::Array(a) => a.iter().flat_map(nodes).collect(),
        Value::Object(_) => match get(doc, "@graph").or_else(|| doc.get("@graph")) {
            Some(g) => many(Some(g)).into_iter().filter(|n| n.is_object()).collect(),
            None => vec![doc],
        },
        _ => Vec::new(),
    }
}

/// The last path segment of a registry URI when it is a CTID (`ce-...`).
fn ctid_in_uri(uri: &str) -> Option<String> {
    let seg = uri.trim_end_matches('/').rsplit('/').next()?;
    let seg = seg.trim_end_matches(".json");
    seg.starts_with("ce-").then(|| seg.to_owned())
}

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let doc: Value = serde_json::from_slice(&f.bytes)
        .map_err(|e| PullError::new(format!("the CTDL document is not valid JSON: {e}")))?;
    let all = nodes(&doc);
    if all.is_empty() {
        return Err(PullError::new("the CTDL document holds no resources"));
    }
    let system = match ctx.options.system.as_deref() {
        None => System::Postsecondary,
        Some(s) => {
            System::parse(s).ok_or_else(|| PullError::new(format!("unknown system `{s}` in the pull options")))?
        }
    };
    let mut pulled = Pulled::default();
    let prov = ctx.provenance(None);

    // Ids: the CTID where there is one, else the @id; both resolve.
    let mut ids: HashMap<String, String> = HashMap::new();
    for n in &all {
        let ctid = text(get(n, "ctid"));
        let uri = id_of(n);
        let id = ctid.clone().or_else(|| uri.clone());
        if let Some(id) = id {
            if let Some(u) = uri {
                ids.insert(u, id.clone());
            }
            if let Some(c) = ctid {
                ids.insert(c, id);
            }
        }
    }
    let resolve = |r: &str| -> String {
        ids.get(r)
            .cloned()
            .or_else(|| ctid_in_uri(r))
            .unwrap_or_else(|| r.to_owned())
    };
    let by_uri: HashMap<String, &Value> = all.iter().filter_map(|n| id_of(n).map(|u| (u, *n))).collect();

    let mut counts: HashMap<&str, u64> = HashMap::new();
    for n in &all {
        let ts = types(n);
        let Some(id) = text(get(n, "ctid")).or_else(|| id_of(n)) else {
            if !ts.is_empty() {
                pulled.warnings.add(
                    "skipped_node",
                    "resources without an id or CTID (skipped)",
                    ts.join(","),
                );
            }
            continue;
        };
        let name = text(get(n, "name"));
        if let Some((kind, level)) = ts.iter().find_map(|t| credential_class(t)) {
            *counts.entry("credentials").or_default() += 1;
            let requires = groups(n, &["requires"], &resolve, &id, &mut pulled.warnings);
            let codes = codes(n);
            let title = name.unwrap_or_else(|| id.clone());
            for soc in occupation_types(n, &id, &mut pulled.warnings) {
                *counts.entry("occupation_links").or_default() += 1;
                pulled.enrich.programs.push((
                    soc,
                    ProgramLink {
                        cip: codes.cip.clone(),
                        title: Some(title.clone()),
                        evidence: Evidence::Ctdl,
                        credentials: vec![CredentialId(id.clone())],
                        provenance: Some(prov.clone()),
                    },
                ));
            }
            pulled.owned.credentials.push(Credential {
                id: CredentialId(id.clone()),
                title,
                kind,
                level,
                requires,
                competencies: Vec::new(),
                stacks_into: Vec::new(),
                codes,
                ctid: text(get(n, "ctid")),
                provider: None,
                provenance: Some(prov.clone()),
                annual_completers: None,
            });
        } else if ts.iter().any(|t| COURSE_CLASSES.contains(&t.as_str())) {
            let program = ts.iter().any(|t| t == "LearningProgram");
            if get(n, "occupationType").is_some() {
                pulled.warnings.add(
                    "occupation_type_not_credential",
                    "learning opportunities naming occupations (occupationType): only a credential qualifies for an occupation, so these are not linked",
                    id.clone(),
                );
            }
            *counts
                .entry(if program { "learning_programs" } else { "courses" })
                .or_default() += 1;
            let mut parts: Vec<CourseId> = refs(get(n, "hasPart")).iter().map(|r| CourseId(resolve(r))).collect();
            if program {
                for cp in many(get(n, "requires")) {
                    for r in refs(get(cp, "targetLearningOpportunity")) {
                        let c = CourseId(resolve(&r));
                        if !parts.contains(&c) {
                            parts.push(c);
                        }
                    }
                }
            }
            let prerequisites = groups(
                n,
                &["entryCondition", "prerequisite"],
                &resolve,
                &id,
                &mut pulled.warnings,
            );
            let hours = many(get(n, "estimatedDuration"))
                .into_iter()
                .find_map(|d| text(get(d, "exactDuration")).and_then(|s| iso_hours(&s)));
            if hours.is_none() {
                pulled.warnings.add(
                    "hours_unknown",
                    "courses whose duration is not stated in hours (stored as 0 hours)",
                    id.clone(),
                );
            }
            let credits = many(get(n, "creditValue"))
                .into_iter()
                .find_map(|v| number(get(v, "value")).or_else(|| number(Some(v))))
                .or_else(|| number(get(n, "creditHourValue")))
                .unwrap_or(0.0);
            let cost = many(get(n, "estimatedCost"))
                .into_iter()
                .find_map(|c| number(get(c, "price")));
            pulled.owned.courses.push(Course {
                id: CourseId(id.clone()),
                title: name.unwrap_or_else(|| id.clone()),
                system,
                provider: None,
                hours: hours.unwrap_or(0.0),
                credits,
                competencies: Vec::new(),
                prerequisites,
                codes: codes(n),
                cost,
                provenance: Some(prov.clone()),
                sced_title: None,
                parts,
                description: text(get(n, "description")),
                ..Default::default()
            });
        } else if ts.iter().any(|t| t == "Pathway") {
            *counts.entry("pathways").or_default() += 1;
            let p = pathway(n, &id, &all, &by_uri, &resolve, &prov, &mut counts);
            pulled.owned.pathways.push(p);
        }
    }
    materialise(&mut pulled, system, &prov, &mut counts);
    break_cycles(&mut pulled.owned, &mut pulled.warnings);
    for (k, v) in counts {
        pulled.counts.insert(k.to_owned(), v);
    }
    pulled.counts.insert("resources".into(), all.len() as u64);
    Ok(pulled)
}

/// The catalog id of a pathway component: the resource it stands for (`sourceData` /
/// `proxyFor`, resolved like any reference) where it names one, else its own CTID, else its
/// `@id`. Stable across pulls of the same document.
fn component_item(c: &PathwayComponent) -> String {
    c.target
        .as_ref()
        .map(|t| t.0.clone())
        .or_else(|| c.ctid.clone())
        .unwrap_or_else(|| c.id.clone())
}

/// Whether a `logicalOperator` value means OR (`OR`, `or`, `ceterms:OR`, an IRI ending in OR).
fn is_or(op: Option<&str>) -> bool {
    op.and_then(|o| o.rsplit([':', '/', '#']).next())
        .is_some_and(|o| o.trim().eq_ignore_ascii_case("or"))
}

/// How many items a set of groups asks for (the size of the smallest way to meet them).
fn required_items(groups: &[RequirementGroup]) -> u32 {
    groups
        .iter()
        .map(|g| match g {
            RequirementGroup::Choose { choose, .. } => *choose,
            RequirementGroup::MinCredits { from, .. } => from.len() as u32,
        })
        .sum()
}

/// Requirement groups (all of which must hold) equivalent to, or, for OR conditions, implied
/// by one alternative of, a component condition. See [`materialise`].
fn condition_groups(
    cond: &ComponentCondition,
    comp: &PathwayComponent,
    item_of: &HashMap<&str, String>,
    warnings: &mut Warnings,
) -> Vec<RequirementGroup> {
    let label = comp.name.clone().unwrap_or_else(|| comp.id.clone());
    let mut out = Vec::new();
    // The condition's own "N of these components".
    let targets: &[String] = if !cond.target_components.is_empty() {
        &cond.target_components
    } else if cond.conditions.is_empty() {
        &comp.has_child
    } else {
        &[]
    };
    if !targets.is_empty() {
        let mut from: Vec<ItemId> = Vec::new();
        for t in targets {
            match item_of.get(t.as_str()) {
                Some(i) if !from.iter().any(|f| f.as_str() == i) => from.push(ItemId(i.clone())),
                Some(_) => {}
                None => warnings.add(
                    "dropped_reference",
                    "references to records the dataset does not have were dropped",
                    format!("{} -> component {t}", comp.id),
                ),
            }
        }
        let n = cond.required_number.unwrap_or(from.len() as u32);
        if n as usize > from.len() {
            warnings.add(
                "condition_clamped",
                "component conditions requiring more components than they list (required number lowered to the list's length)",
                format!("{label}: {n} of {}", from.len()),
            );
        }
        let n = n.min(from.len() as u32);
        if n > 0 {
            out.push(RequirementGroup::Choose { choose: n, from });
        }
    } else if cond.conditions.is_empty() {
        warnings.add(
            "text_only_condition",
            "condition profiles with no course or credential target (described in text only; not modelled)",
            format!(
                "{label}: {}",
                cond.name.clone().or(cond.description.clone()).unwrap_or_default()
            ),
        );
    }
    // Nested conditions.
    if cond.conditions.is_empty() {
        return out;
    }
    let alternatives: Vec<Vec<RequirementGroup>> = cond
        .conditions
        .iter()
        .map(|c| condition_groups(c, comp, item_of, warnings))
        .collect();
    if !is_or(cond.logical_operator.as_deref()) {
        out.extend(alternatives.into_iter().flatten());
        return out;
    }
    if alternatives.iter().any(Vec::is_empty) {
        // One alternative asks for nothing: the OR always holds.
        return out;
    }
    let single_picks = alternatives
        .iter()
        .all(|a| matches!(a.as_slice(), [RequirementGroup::Choose { choose: 1, .. }]));
    if single_picks {
        // "1 of A" OR "1 of B" is exactly "1 of A and B together".
        let mut from: Vec<ItemId> = Vec::new();
        for i in alternatives.iter().flat_map(|a| a[0].from()) {
            if !from.contains(i) {
                from.push(i.clone());
            }
        }
        out.push(RequirementGroup::Choose { choose: 1, from });
        return out;
    }
    let kept = alternatives
        .iter()
        .enumerate()
        .min_by_key(|(_, a)| required_items(a))
        .map(|(i, _)| i)
        .unwrap_or(0);
    if alternatives.len() > 1 {
        warnings.add(
            "or_condition_simplified",
            "OR conditions of pathway components, which requirement groups (all of which must hold) cannot express: the alternative asking for the fewest items is kept, the others dropped",
            format!(
                "{label}: kept alternative {} of {} ({} item(s))",
                kept + 1,
                alternatives.len(),
                required_items(&alternatives[kept])
            ),
        );
    }
    out.extend(alternatives.into_iter().nth(kept).unwrap_or_default());
    out
}

/// Plannable catalog records from the pulled pathways (see the module docs): every component
/// becomes, or maps to, a course or credential, and its conditions become that record's
/// requirement groups.
fn materialise(pulled: &mut Pulled, system: System, prov: &Provenance, counts: &mut HashMap<&'static str, u64>) {
    let owned = &mut pulled.owned;
    let warnings = &mut pulled.warnings;
    // Records the document itself defines keep their own requirements.
    let defined: std::collections::HashSet<String> = owned
        .courses
        .iter()
        .map(|c| c.id.0.clone())
        .chain(owned.credentials.iter().map(|c| c.id.0.clone()))
        .collect();
    let pathways = owned.pathways.clone();
    for p in &pathways {
        let item_of: HashMap<&str, String> = p
            .components
            .iter()
            .filter(|c| c.kind != "Unknown")
            .map(|c| (c.id.as_str(), component_item(c)))
            .collect();
        for c in &p.components {
            let Some(id) = item_of.get(c.id.as_str()) else { continue };
            let exists = owned.courses.iter().any(|x| x.id.as_str() == id)
                || owned.credentials.iter().any(|x| x.id.as_str() == id);
            if !exists {
                let title = c.name.clone().unwrap_or_else(|| c.id.clone());
                let codes = Codes {
                    local: c.code.clone(),
                    ..Default::default()
                };
                if c.kind == "CredentialComponent" || p.destination.contains(&c.id) {
                    *counts.entry("component_credentials").or_default() += 1;
                    owned.credentials.push(Credential {
                        id: CredentialId(id.clone()),
                        title,
                        kind: CredentialKind::Other,
                        level: CredentialLevel::of_kind(CredentialKind::Other).number(),
                        requires: Vec::new(),
                        competencies: Vec::new(),
                        stacks_into: Vec::new(),
                        codes,
                        ctid: c.ctid.clone(),
                        annual_completers: None,
                        provider: None,
                        provenance: Some(prov.clone()),
                    });
                } else {
                    *counts.entry("component_courses").or_default() += 1;
                    let credits = c.credit_value.unwrap_or(0.0).max(0.0);
                    owned.courses.push(Course {
                        id: CourseId(id.clone()),
                        title,
                        system,
                        provider: None,
                        hours: credits * 15.0,
                        credits,
                        competencies: Vec::new(),
                        prerequisites: Vec::new(),
                        codes,
                        cost: None,
                        provenance: Some(prov.clone()),
                        sced_title: None,
                        parts: Vec::new(),
                        ..Default::default()
                    });
                }
            }
            let mut groups: Vec<RequirementGroup> = Vec::new();
            for cond in &c.conditions {
                for mut g in condition_groups(cond, c, &item_of, warnings) {
                    // A component does not require itself.
                    if let RequirementGroup::Choose { choose, from } = &mut g {
                        from.retain(|i| i.as_str() != id);
                        *choose = (*choose).min(from.len() as u32);
                    }
                    if !g.from().is_empty() && !groups.contains(&g) {
                        groups.push(g);
                    }
                }
            }
            if groups.is_empty() {
                continue;
            }
            let slot = owned
                .courses
                .iter_mut()
                .find(|x| x.id.as_str() == id)
                .map(|x| &mut x.prerequisites)
                .or_else(|| {
                    owned
                        .credentials
                        .iter_mut()
                        .find(|x| x.id.as_str() == id)
                        .map(|x| &mut x.requires)
                });
            let Some(slot) = slot else { continue };
            if defined.contains(id.as_str()) && !slot.is_empty() {
                warnings.add(
                    "component_conditions_not_applied",
                    "pathway components standing for a resource the document defines with requirements of its own (the resource's requirements are kept)",
                    format!("{} -> {id}", c.id),
                );
                continue;
            }
            for g in groups {
                if !slot.contains(&g) {
                    slot.push(g);
                }
            }
        }
    }
}

/// Drops the requirement groups of pulled records that would close a requirement cycle (the
/// catalog accepts none), each with a `requirement_cycle` warning. Groups are taken in record
/// order, so the first of a cycle's groups stays.
fn break_cycles(b: &mut Bundle, warnings: &mut Warnings) {
    let mut g = Digraph::new();
    let mut ix: HashMap<String, u32> = HashMap::new();
    for id in b
        .courses
        .iter()
        .map(|c| c.id.0.clone())
        .chain(b.credentials.iter().map(|c| c.id.0.clone()))
    {
        ix.entry(id).or_insert_with(|| g.add_node());
    }
    let lists = b
        .courses
        .iter_mut()
        .map(|c| (c.id.0.clone(), &mut c.prerequisites))
        .chain(b.credentials.iter_mut().map(|c| (c.id.0.clone(), &mut c.requires)));
    for (id, groups) in lists {
        let me = ix[&id];
        groups.retain(|grp| {
            let to: Vec<u32> = grp.from().iter().filter_map(|i| ix.get(i.as_str()).copied()).collect();
            if to.iter().any(|&t| g.has_path(t, me)) {
                warnings.add(
                    "requirement_cycle",
                    "requirement groups that would make a record need itself (dropped)",
                    id.clone(),
                );
                return false;
            }
            for t in to {
                g.add_edge(me, t);
            }
            true
        });
    }
}

/// Requirement groups from condition profiles under `terms`: one all-of group per profile.
fn groups(
    n: &Value,
    terms: &[&str],
    resolve: &dyn Fn(&str) -> String,
    owner: &str,
    warnings: &mut Warnings,
) -> Vec<RequirementGroup> {
    let mut out = Vec::new();
    for term in terms {
        for cp in many(get(n, term)) {
            let mut from: Vec<ItemId> = Vec::new();
            for t in ["targetLearningOpportunity", "targetCredential"] {
                for r in refs(get(cp, t)) {
                    let id = ItemId(resolve(&r));
                    if !from.contains(&id) {
                        from.push(id);
                    }
                }
            }
            for r in refs(get(cp, "targetAssessment")) {
                warnings.add(
                    "assessment_target",
                    "condition targets that are assessments, which the catalog does not model (dropped)",
                    format!("{owner} -> {r}"),
                );
            }
            if from.is_empty() {
                warnings.add(
                    "text_only_condition",
                    "condition profiles with no course or credential target (described in text only; not modelled)",
                    format!(
                        "{owner}: {}",
                        text(get(cp, "name")).unwrap_or_else(|| (*term).to_owned())
                    ),
                );
                continue;
            }
            out.push(RequirementGroup::Choose {
                choose: from.len() as u32,
                from,
            });
        }
    }
    out
}

/// The SOC 2018 codes a node's `occupationType` alignments name, each once, in document order.
///
/// An alignment names its occupation by `codedNotation` (`29-1141`, or an O*NET-SOC code
/// `29-1141.01`, which rolls up to its SOC code) or by a `targetNode` URL ending in one
/// (`https://www.onetonline.org/link/summary/29-1141.00`). Alignments to another framework
/// (`framework`/`frameworkName` present and naming neither SOC nor O*NET) and alignments with
/// a name only are skipped with a warning (`occupation_type_uncoded`).
fn occupation_types(n: &Value, owner: &str, warnings: &mut Warnings) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in many(get(n, "occupationType")) {
        let framework = [text(get(a, "framework")), text(get(a, "frameworkName"))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let soc_framework = framework.is_empty()
            || ["soc", "standard occupational", "o*net", "onet", "bls.gov"]
                .iter()
                .any(|f| framework.contains(f));
        let code = soc_framework
            .then(|| {
                text(get(a, "codedNotation"))
                    .and_then(|c| super::soc_detailed(&c))
                    .or_else(|| {
                        let node = text(get(a, "targetNode")).or_else(|| id_of(a))?;
                        let last = node.trim_end_matches('/').rsplit('/').next()?.to_owned();
                        super::soc_detailed(&last)
                    })
            })
            .flatten();
        match code {
            Some(soc) if !out.contains(&soc) => out.push(soc),
            Some(_) => {}
            None => warnings.add(
                "occupation_type_uncoded",
                "occupationType alignments with no SOC or O*NET-SOC code (a name only, or another framework): not linked",
                format!(
                    "{owner}: {}",
                    text(get(a, "targetNodeName"))
                        .or_else(|| text(get(a, "codedNotation")))
                        .unwrap_or_default()
                ),
            ),
        }
    }
    out
}

fn codes(n: &Value) -> Codes {
    let cip = many(get(n, "instructionalProgramType")).into_iter().find_map(|a| {
        let framework =
            text(get(a, "frameworkName")).unwrap_or_default() + &text(get(a, "framework")).unwrap_or_default();
        let code = text(get(a, "codedNotation")).or_else(|| text(get(a, "targetNodeName")));
        let f = framework.to_lowercase();
        (f.contains("cip") || f.contains("instructional program") || f.contains("nces"))
            .then_some(code)
            .flatten()
            .and_then(|c| super::cip_code(&c))
    });
    Codes {
        sced: None,
        cip,
        local: text(get(n, "codedNotation")),
    }
}

fn pathway(
    n: &Value,
    id: &str,
    all: &[&Value],
    by_uri: &HashMap<String, &Value>,
    resolve: &dyn Fn(&str) -> String,
    prov: &Provenance,
    counts: &mut HashMap<&'static str, u64>,
) -> Pathway {
    let uri = id_of(n);
    let mut members: Vec<String> = refs(get(n, "hasPart"));
    let destination = refs(get(n, "hasDestinationComponent"));
    for d in &destination {
        if !members.contains(d) {
            members.push(d.clone());
        }
    }
    // Components that say they are part of this pathway.
    for m in all {
        if types(m).iter().any(|t| t.ends_with("Component"))
            && let Some(mid) = id_of(m)
            && refs(get(m, "isPartOf")).iter().any(|p| Some(p) == uri.as_ref())
            && !members.contains(&mid)
        {
            members.push(mid);
        }
    }
    let mut components = Vec::new();
    for m in &members {
        let Some(node) = by_uri.get(m) else {
            components.push(PathwayComponent {
                id: m.clone(),
                kind: "Unknown".into(),
                name: None,
                description: Some("listed by the pathway but not in the document".into()),
                ctid: None,
                code: None,
                target: None,
                target_uri: None,
                has_child: Vec::new(),
                is_child_of: Vec::new(),
                precedes: Vec::new(),
                preceded_by: Vec::new(),
                conditions: Vec::new(),
                credit_value: None,
                progression_level: None,
            });
            continue;
        };
        *counts.entry("components").or_default() += 1;
        let target_uri = refs(get(node, "sourceData"))
            .into_iter()
            .chain(refs(get(node, "proxyFor")))
            .next();
        let conditions: Vec<ComponentCondition> = many(get(node, "hasCondition"))
            .into_iter()
            .map(|c| condition(c, counts))
            .collect();
        components.push(PathwayComponent {
            id: m.clone(),
            kind: types(node)
                .into_iter()
                .find(|t| t.ends_with("Component"))
                .unwrap_or_else(|| "Component".into()),
            name: text(get(node, "name")),
            description: text(get(node, "description")),
            ctid: text(get(node, "ctid")),
            code: text(get(node, "codedNotation")).or_else(|| text(get(node, "programTerm"))),
            target: target_uri.as_deref().map(|u| ItemId(resolve(u))),
            target_uri,
            has_child: refs(get(node, "hasChild")),
            is_child_of: refs(get(node, "isChildOf")),
            precedes: refs(get(node, "precedes")),
            preceded_by: refs(get(node, "precededBy")),
            conditions,
            credit_value: many(get(node, "creditValue"))
                .into_iter()
                .find_map(|v| number(get(v, "value")).or_else(|| number(Some(v)))),
            progression_level: refs(get(node, "hasProgressionLevel")).into_iter().next(),
        });
    }
    Pathway {
        id: id.to_owned(),
        name: text(get(n, "name")),
        description: text(get(n, "description")),
        ctid: text(get(n, "ctid")),
        uri,
        destination,
        components,
        progression_model: refs(get(n, "hasProgressionModel")).into_iter().next(),
        provenance: Some(prov.clone()),
    }
}

fn condition(c: &Value, counts: &mut HashMap<&'static str, u64>) -> ComponentCondition {
    *counts.entry("conditions").or_default() += 1;
    let required_number = number(get(c, "requiredNumber"))
        .or_else(|| {
            let left = text(get(c, "leftOperand")).unwrap_or_default();
            (left == "reqNum" || left.ends_with(":reqNum"))
                .then(|| number(get(c, "rightOperand")))
                .flatten()
        })
        .map(|n| n.max(0.0) as u32);
    ComponentCondition {
        name: text(get(c, "name")),
        description: text(get(c, "description")),
        required_number,
        target_components: refs(get(c, "targetComponent")),
        logical_operator: text(get(c, "logicalOperator")).or_else(|| text(get(c, "logicalOperand"))),
        conditions: many(get(c, "hasCondition"))
            .into_iter()
            .map(|x| condition(x, counts))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_classes_map_to_kinds() {
        assert_eq!(
            credential_class("AssociateDegree"),
            Some((CredentialKind::Associate, 4))
        );
        assert_eq!(credential_class("BachelorDegree"), Some((CredentialKind::Bachelor, 5)));
        assert_eq!(credential_class("MasterDegree"), Some((CredentialKind::Master, 6)));
        assert_eq!(credential_class("DoctoralDegree"), Some((CredentialKind::Doctorate, 7)));
        assert_eq!(
            credential_class("Certification"),
            Some((CredentialKind::IndustryCertification, 2))
        );
        assert_eq!(
            credential_class("ApprenticeshipCertificate"),
            Some((CredentialKind::Apprenticeship, 3))
        );
        assert_eq!(credential_class("CredentialAlignmentObject"), None);
        assert_eq!(credential_class("CredentialComponent"), None);
        assert_eq!(credential_class("QACredentialOrganization"), None);
    }

    #[test]
    fn occupation_types_read_soc_and_onet_codes_and_skip_the_rest() {
        // The alignments of the Credential Engine examples: SOC framework with an O*NET-SOC
        // code, an O*NET URL only, a name only, another framework.
        let n = serde_json::json!({"ceterms:occupationType": [
            {"@type": "ceterms:CredentialAlignmentObject", "ceterms:framework": "https://www.bls.gov/soc/",
             "ceterms:codedNotation": "15-1251.00", "ceterms:frameworkName": {"en-US": "Standard Occupational Classification"}},
            {"ceterms:targetNode": "https://www.onetonline.org/link/summary/29-1141.01"},
            {"ceterms:codedNotation": "15-1251"},
            {"ceterms:targetNodeName": {"en-US": "Data Analyst"}},
            {"ceterms:frameworkName": "NAICS", "ceterms:codedNotation": "62-1111"}
        ]});
        let mut w = Warnings::default();
        assert_eq!(occupation_types(&n, "c", &mut w), ["15-1251", "29-1141"]);
        assert_eq!(w.count("occupation_type_uncoded"), 2);
        let single = serde_json::json!({"occupationType": {"codedNotation": "31-1131"}});
        assert_eq!(occupation_types(&single, "c", &mut w), ["31-1131"]);
    }

    #[test]
    fn a_credential_with_occupation_types_links_them_with_ctdl_evidence() {
        let doc = serde_json::json!({"@graph": [
            {"@id": "http://x/c1", "@type": "ceterms:Certification", "ceterms:ctid": "ce-c1",
             "ceterms:name": "Nurse aide certification",
             "ceterms:instructionalProgramType": {"ceterms:frameworkName": "CIP", "ceterms:codedNotation": "51.3902"},
             "ceterms:occupationType": [{"ceterms:codedNotation": "31-1131.00"}, {"ceterms:codedNotation": "31-1131.00"}]},
            {"@id": "http://x/k1", "@type": "ceterms:Course", "ceterms:ctid": "ce-k1", "ceterms:name": "K",
             "ceterms:occupationType": [{"ceterms:codedNotation": "31-1131"}]}
        ]});
        let f = Fetched {
            bytes: serde_json::to_vec(&doc).unwrap(),
            content_type: None,
            final_url: "http://x/doc".into(),
            etag: None,
            last_modified: None,
        };
        let ctx = Context {
            kind: SourceKind::Ctdl,
            url: "http://x/doc".into(),
            retrieved_at: "2026-12-01T00:00:00Z".into(),
            options: PullOptions::default(),
            bls_api_key: None,
        };
        let pulled = parse(&f, &ctx).unwrap();
        let links = &pulled.enrich.programs;
        assert_eq!(links.len(), 1, "one link per credential and SOC code: {links:?}");
        let (soc, link) = &links[0];
        assert_eq!(soc, "31-1131");
        assert_eq!(link.evidence, Evidence::Ctdl);
        assert_eq!(link.credentials, [CredentialId("ce-c1".into())]);
        assert_eq!(link.cip.as_deref(), Some("51.3902"));
        assert_eq!(link.provenance.as_ref().unwrap().source, "ctdl");
        assert_eq!(pulled.warnings.count("occupation_type_not_credential"), 1);
    }

    #[test]
    fn durations_in_hours_only() {
        assert_eq!(iso_hours("PT120H"), Some(120.0));
        assert_eq!(iso_hours("PT1H30M"), Some(1.5));
        assert_eq!(iso_hours("P2Y"), None);
    }

    #[test]
    fn terms_resolve_under_every_spelling() {
        let n = serde_json::json!({"ceasn:name": {"@en-US": "A"}, "type": "ceterms:CourseComponent"});
        assert_eq!(text(get(&n, "name")).as_deref(), Some("A"));
        assert_eq!(types(&n), ["CourseComponent"]);
    }

    #[test]
    fn has_child_reads_under_both_prefixes() {
        let a = serde_json::json!({"ceasn:hasChild": ["x", {"@id": "y"}]});
        let b = serde_json::json!({"ceterms:hasChild": "x"});
        assert_eq!(refs(get(&a, "hasChild")), ["x", "y"]);
        assert_eq!(refs(get(&b, "hasChild")), ["x"]);
    }

    fn comp(id: &str, children: &[&str], conditions: Vec<ComponentCondition>) -> PathwayComponent {
        PathwayComponent {
            id: id.into(),
            kind: "CourseComponent".into(),
            name: None,
            description: None,
            ctid: None,
            code: None,
            target: None,
            target_uri: None,
            has_child: children.iter().map(|c| (*c).to_owned()).collect(),
            is_child_of: Vec::new(),
            precedes: Vec::new(),
            preceded_by: Vec::new(),
            conditions,
            credit_value: None,
            progression_level: None,
        }
    }

    fn cond(n: Option<u32>, targets: &[&str], op: Option<&str>, nested: Vec<ComponentCondition>) -> ComponentCondition {
        ComponentCondition {
            name: None,
            description: None,
            required_number: n,
            target_components: targets.iter().map(|c| (*c).to_owned()).collect(),
            logical_operator: op.map(str::to_owned),
            conditions: nested,
        }
    }

    fn choose(n: u32, from: &[&str]) -> RequirementGroup {
        RequirementGroup::Choose {
            choose: n,
            from: from.iter().map(|f| ItemId((*f).to_owned())).collect(),
        }
    }

    #[test]
    fn conditions_become_groups() {
        let item_of: HashMap<&str, String> = ["a", "b", "c", "d"].iter().map(|x| (*x, x.to_uppercase())).collect();
        let mut w = Warnings::default();
        let c = comp("k", &["a", "b"], Vec::new());
        // N of the targets, clamped; no targets: the children.
        assert_eq!(
            condition_groups(&cond(Some(2), &["a", "b", "c"], None, vec![]), &c, &item_of, &mut w),
            [choose(2, &["A", "B", "C"])]
        );
        assert_eq!(
            condition_groups(&cond(Some(3), &[], None, vec![]), &c, &item_of, &mut w),
            [choose(2, &["A", "B"])]
        );
        assert_eq!(w.count("condition_clamped"), 1);
        // AND: every nested group.
        let and = cond(
            None,
            &[],
            Some("AND"),
            vec![cond(Some(1), &["a"], None, vec![]), cond(Some(1), &["b"], None, vec![])],
        );
        assert_eq!(
            condition_groups(&and, &c, &item_of, &mut w),
            [choose(1, &["A"]), choose(1, &["B"])]
        );
        // OR of single picks: exact.
        let or1 = cond(
            None,
            &[],
            Some("OR"),
            vec![
                cond(Some(1), &["a"], None, vec![]),
                cond(Some(1), &["b", "c"], None, vec![]),
            ],
        );
        assert_eq!(
            condition_groups(&or1, &c, &item_of, &mut w),
            [choose(1, &["A", "B", "C"])]
        );
        assert_eq!(w.count("or_condition_simplified"), 0);
        // Any other OR: the alternative asking for the fewest items, with a warning.
        let or2 = cond(
            None,
            &[],
            Some("ceterms:OR"),
            vec![
                cond(Some(2), &["b", "c", "d"], None, vec![]),
                cond(Some(1), &["a"], None, vec![]),
            ],
        );
        assert_eq!(condition_groups(&or2, &c, &item_of, &mut w), [choose(1, &["A"])]);
        assert_eq!(w.count("or_condition_simplified"), 1);
        // Unknown targets are dropped with a warning.
        assert_eq!(
            condition_groups(&cond(Some(1), &["a", "zz"], None, vec![]), &c, &item_of, &mut w),
            [choose(1, &["A"])]
        );
        assert_eq!(w.count("dropped_reference"), 1);
    }

    #[test]
    fn cycles_are_broken_keeping_the_first_group() {
        let course = |id: &str, pre: &str| Course {
            id: CourseId(id.into()),
            title: id.into(),
            prerequisites: vec![choose(1, &[pre])],
            ..Default::default()
        };
        let mut b = Bundle {
            courses: vec![course("x", "y"), course("y", "x")],
            ..Default::default()
        };
        let mut w = Warnings::default();
        break_cycles(&mut b, &mut w);
        assert_eq!(b.courses[0].prerequisites.len(), 1);
        assert!(b.courses[1].prerequisites.is_empty());
        assert_eq!(w.count("requirement_cycle"), 1);
        assert!(b.validate().is_ok(), "{:?}", b.validate());
    }
}
