//! CTDL pathways: pathways kept whole (components, links, conditions), components made
//! plannable records, component conditions made requirement groups, and the groups that would
//! close a requirement cycle dropped.

use super::*;
use crate::graph::algo::Digraph;

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
pub(super) fn condition_groups(
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
pub(super) fn materialise(
    pulled: &mut Pulled,
    system: System,
    prov: &Provenance,
    counts: &mut HashMap<&'static str, u64>,
) {
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
                        aliases: Vec::new(),
                        i18n: Default::default(),
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
pub(super) fn break_cycles(b: &mut Bundle, warnings: &mut Warnings) {
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

pub(super) fn pathway(
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
