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

mod credentials;
mod jsonld;
mod pathways;

pub use credentials::credential_class;
use credentials::*;
use jsonld::*;
use pathways::*;

use super::{Context, Fetched, PullError, Pulled, Warnings};
use crate::domain::*;
use serde_json::Value;
use std::collections::HashMap;

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
                aliases: Vec::new(),
                i18n: Default::default(),
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
