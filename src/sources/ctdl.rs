//! Credential Engine CTDL JSON-LD: a single resource document, or a registry graph
//! (`{"@graph": [...]}`), with `ceterms:` / `ceasn:` prefixed or bare terms, `@id` or `id`,
//! `@type` or `type`, and single values or arrays alike.
//!
//! * **Credentials**: every `ceterms:` credential class (`BachelorDegree`, `Certificate`,
//!   `Certification`, `License`, `Badge`, `Diploma`, `ApprenticeshipCertificate`, ...: any type
//!   ending in `Degree`, `Diploma`, `Certificate`, `Certification`, `License`, `Badge`,
//!   `Credential` or `Doctorate`). Kind and stack level follow the class.
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
//!
//! Ids: the CTID where there is one, else the `@id`. Records are keyed by source and URL.

use super::{Context, Fetched, PullError, Pulled, Warnings};
use crate::domain::*;
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

/// The credential kind and stack level of a CTDL class, if it is a credential class.
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
    Some(if t.contains("Associate") {
        (Associate, 3)
    } else if t.contains("Bachelor") {
        (Bachelor, 4)
    } else if t.starts_with("Master") && t.ends_with("Degree") {
        (Master, 5)
    } else if t.contains("Doctor") {
        (Doctorate, 6)
    } else if t == "GeneralEducationDevelopment" {
        (Hse, 1)
    } else if t.contains("Diploma") {
        (Diploma, 1)
    } else if t == "License" {
        (License, 2)
    } else if t == "Certification" {
        (IndustryCertification, 2)
    } else if t.contains("Apprenticeship") || t.contains("Journeyman") {
        (Apprenticeship, 2)
    } else if t.contains("Badge") || t == "MicroCredential" {
        (Badge, 2)
    } else if t.contains("Certificate") {
        (Certificate, 2)
    } else {
        (Other, 2)
    })
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
            pulled.owned.credentials.push(Credential {
                id: CredentialId(id.clone()),
                title: name.unwrap_or_else(|| id.clone()),
                kind,
                level,
                requires,
                competencies: Vec::new(),
                stacks_into: Vec::new(),
                codes: codes(n),
                ctid: text(get(n, "ctid")),
                provider: None,
                provenance: Some(prov.clone()),
            });
        } else if ts.iter().any(|t| COURSE_CLASSES.contains(&t.as_str())) {
            let program = ts.iter().any(|t| t == "LearningProgram");
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
            });
        } else if ts.iter().any(|t| t == "Pathway") {
            *counts.entry("pathways").or_default() += 1;
            let p = pathway(n, &id, &all, &by_uri, &resolve, &prov, &mut counts);
            pulled.owned.pathways.push(p);
        }
    }
    for (k, v) in counts {
        pulled.counts.insert(k.to_owned(), v);
    }
    pulled.counts.insert("resources".into(), all.len() as u64);
    Ok(pulled)
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
        assert_eq!(credential_class("BachelorDegree"), Some((CredentialKind::Bachelor, 4)));
        assert_eq!(credential_class("MasterDegree"), Some((CredentialKind::Master, 5)));
        assert_eq!(
            credential_class("Certification"),
            Some((CredentialKind::IndustryCertification, 2))
        );
        assert_eq!(
            credential_class("ApprenticeshipCertificate"),
            Some((CredentialKind::Apprenticeship, 2))
        );
        assert_eq!(credential_class("CredentialAlignmentObject"), None);
        assert_eq!(credential_class("CredentialComponent"), None);
        assert_eq!(credential_class("QACredentialOrganization"), None);
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
}
