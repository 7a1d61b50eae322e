//! CTDL pathway (JSON-LD): a `ceterms:Pathway` whose components are the plan's courses
//! (`ceterms:CourseComponent`), exams (`ceterms:AssessmentComponent`), credentials
//! (`ceterms:CredentialComponent`) and the destination job (`ceterms:JobComponent`,
//! `ceterms:hasDestinationComponent`).
//!
//! Structure follows the Credential Engine pathway samples: a component points to what leads
//! to it with `ceasn:hasChild` (what publishers write; readers should also accept
//! `ceterms:hasChild`), requirement groups become `ceterms:ComponentCondition`s with
//! `ceterms:requiredNumber` and `ceterms:targetComponent`, and precedence between steps is
//! `ceterms:preceeds` (CTDL's spelling) / `ceterms:prerequisite`.
//!
//! Each credential component also points (`ceterms:sourceData`) to a credential resource in
//! the same graph, of the CTDL class of its kind (`ceterms:AssociateDegree`,
//! `ceterms:Certification`, `ceterms:License`...), with its CTID when the catalog has one
//! (then its `@id` is its Credential Registry URI) and its CIP code
//! (`ceterms:instructionalProgramType`). The resource lists the occupations the credential
//! leads to as `ceterms:occupationType` alignments (`ceterms:CredentialAlignmentObject`,
//! `ceterms:framework` the SOC, `ceterms:codedNotation` the SOC code, `ceterms:targetNodeName`
//! its title), which a `ctdl` pull reads back as links with evidence `ctdl`. Only links someone
//! stated are written: the catalog's (an occupation's `entry_credentials`) and a publisher's
//! (a `ctdl` link naming the credential). Links derived by careermap are not: a `cip_soc` link
//! is the crosswalk's inference from a program code, which any reader can redo from the CIP
//! code the resource carries, and an aggregated occupation's (31-1120) links are inherited
//! from the detailed occupations it covers. Writing them as a publisher's `occupationType`
//! would turn an inference into a claim.

use super::title;
use crate::analysis::career_map::{CareerMap, LinkKind, Plan, Target};
use crate::domain::{CredentialKind, Evidence};
use crate::graph::{CatalogGraph, CredentialIx, Group, Item};
use serde_json::{Value, json};

const BASE: &str = "urn:careermap:";

fn iri(g: &CatalogGraph, item: Item) -> String {
    match item {
        Item::Course(c) => format!("{BASE}course:{}", g.course(c).id),
        Item::Credential(c) => format!("{BASE}credential:{}", g.credential(c).id),
        Item::Assessment(a) => format!("{BASE}assessment:{}", g.assessment(a).id),
    }
}

/// The CTDL pathway component class of an item.
fn component_type(item: Item) -> &'static str {
    match item {
        Item::Course(_) => "ceterms:CourseComponent",
        Item::Credential(_) => "ceterms:CredentialComponent",
        Item::Assessment(_) => "ceterms:AssessmentComponent",
    }
}

/// The CTDL credential class of a credential kind (the `ctdl` pull reads each back as the
/// same kind).
pub fn credential_class(kind: CredentialKind) -> &'static str {
    use CredentialKind::*;
    match kind {
        Diploma => "ceterms:Diploma",
        Hse => "ceterms:GeneralEducationDevelopment",
        IndustryCertification => "ceterms:Certification",
        License => "ceterms:License",
        Certificate => "ceterms:Certificate",
        Associate => "ceterms:AssociateDegree",
        Bachelor => "ceterms:BachelorDegree",
        Master => "ceterms:MasterDegree",
        Doctorate => "ceterms:DoctoralDegree",
        Apprenticeship => "ceterms:ApprenticeshipCertificate",
        Badge => "ceterms:Badge",
        Other => "ceterms:Credential",
    }
}

/// The IRI of a credential's resource (not its pathway component): its Credential Registry URI
/// when it has a CTID.
fn resource_iri(g: &CatalogGraph, c: CredentialIx) -> String {
    let cred = g.credential(c);
    match cred.ctid.as_deref() {
        Some(ctid) => format!("https://credentialengineregistry.org/resources/{ctid}"),
        None => format!("{BASE}resource:credential:{}", cred.id),
    }
}

/// The occupations someone stated that a credential leads to: the catalog (`entry_credentials`)
/// or a publisher (a `ctdl` link). Derived links (`cip_soc`, an aggregate's inherited ones) are
/// left out (see the module docs).
fn stated_occupations(g: &CatalogGraph, c: CredentialIx) -> Vec<crate::graph::OccupationIx> {
    let id = &g.credential(c).id;
    g.qualifies_for(c)
        .iter()
        .copied()
        .filter(|&o| {
            let occ = g.occupation(o);
            occ.entry_credentials.contains(id)
                || occ
                    .programs
                    .iter()
                    .any(|p| p.evidence == Evidence::Ctdl && p.credentials.contains(id))
        })
        .collect()
}

/// The credential resource a credential component stands for (see the module docs).
fn credential_resource(g: &CatalogGraph, c: CredentialIx) -> Value {
    let cred = g.credential(c);
    let mut r = json!({
        "@id": resource_iri(g, c),
        "@type": credential_class(cred.kind),
        "ceterms:name": lang(&cred.title),
    });
    if let Some(ctid) = cred.ctid.as_deref() {
        r["ceterms:ctid"] = json!(ctid);
    }
    if let Some(cip) = cred.codes.cip.as_deref() {
        r["ceterms:instructionalProgramType"] = json!([{
            "@type": "ceterms:CredentialAlignmentObject",
            "ceterms:framework": "https://nces.ed.gov/ipeds/cipcode/",
            "ceterms:frameworkName": lang("Classification of Instructional Programs (CIP 2020)"),
            "ceterms:codedNotation": cip,
        }]);
    }
    let occupations: Vec<Value> = stated_occupations(g, c)
        .into_iter()
        .map(|o| {
            let occ = g.occupation(o);
            json!({
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:framework": "https://www.bls.gov/soc/",
                "ceterms:frameworkName": lang("Standard Occupational Classification (SOC 2018)"),
                "ceterms:codedNotation": occ.soc.as_str(),
                "ceterms:targetNodeName": lang(&occ.title),
            })
        })
        .collect();
    if !occupations.is_empty() {
        r["ceterms:occupationType"] = json!(occupations);
    }
    r
}

fn lang(s: &str) -> Value {
    json!({"en-US": s})
}

pub fn career_map(g: &CatalogGraph, map: &CareerMap, plan: Option<&Plan>) -> Value {
    let dest_iri = match map.target {
        Target::Occupation(o) => format!("{BASE}job:{}", g.occupation(o).soc),
        Target::Credential(c) => format!("{BASE}credential:{}", g.credential(c).id),
    };
    let name = super::target_name(g, map);
    let mut graph: Vec<Value> = Vec::new();
    let empty = Vec::new();
    let steps = plan.map(|p| &p.steps).unwrap_or(&empty);
    let shown: Vec<Item> = plan.map(super::items_of).unwrap_or_default();
    // The credential resources the credential components stand for, after the components.
    let mut resources: Vec<Value> = Vec::new();
    // Destination component.
    let reaches: Vec<String> = plan
        .map(|p| p.reaches.iter().map(|&c| iri(g, Item::Credential(c))).collect())
        .unwrap_or_default();
    if let Target::Occupation(o) = map.target {
        let occ = g.occupation(o);
        let mut dest = json!({
            "@id": dest_iri, "@type": "ceterms:JobComponent",
            "ceterms:name": lang(&occ.title), "ceterms:codedNotation": occ.soc.as_str(),
            "ceterms:description": lang(&format!("Destination: {} (SOC {})", occ.title, occ.soc)),
            "ceasn:isDestinationComponentOf": format!("{BASE}pathway"),
            "ceasn:hasChild": reaches,
        });
        if reaches.len() > 1 {
            dest["ceterms:hasCondition"] = json!([{
                "@type": "ceterms:ComponentCondition", "ceterms:name": lang("Any one entry credential"),
                "ceterms:requiredNumber": 1, "ceterms:targetComponent": reaches,
            }]);
        }
        graph.push(dest);
    }
    for &item in &shown {
        let step = steps.iter().find(|s| s.item == item);
        let mut c = json!({
            "@id": iri(g, item),
            "@type": component_type(item),
            "ceterms:name": lang(title(g, item)),
            "ceterms:codedNotation": g.item_id(item),
            "ceasn:isChildOf": format!("{BASE}pathway"),
        });
        let mut desc = String::new();
        match step {
            Some(s) if s.duplicative => desc.push_str("Duplicative step: teaches nothing new. "),
            Some(_) => {}
            None => match plan.and_then(|p| p.skipped.iter().find(|k| k.item == item)) {
                Some(k) => {
                    let why = k.reason.as_str().replace('_', " ");
                    match k.via {
                        Some((from, _)) => desc.push_str(&format!("Not needed: {why} from {}. ", title(g, from))),
                        None => desc.push_str(&format!("Not needed: {why}. ")),
                    }
                }
                None => desc.push_str("Not needed: already completed or articulated. "),
            },
        }
        if let Item::Credential(ci) = item {
            c["ceterms:sourceData"] = json!(resource_iri(g, ci));
            resources.push(credential_resource(g, ci));
        }
        if let Item::Course(ci) = item {
            let course = g.course(ci);
            c["ceterms:points"] = json!(course.credits);
            desc.push_str(&format!("{} hours, {} system.", course.hours, course.system.as_str()));
        }
        if let Item::Assessment(ai) = item {
            let a = g.assessment(ai);
            desc.push_str(&format!(
                "Exam: {} hours, fee {}{}.",
                a.hours,
                a.cost.map(super::dollars).unwrap_or_else(|| "not published".into()),
                a.provider
                    .as_deref()
                    .map(|p| format!(", given by {p}"))
                    .unwrap_or_default()
            ));
        }
        c["ceterms:description"] = lang(desc.trim());
        // Children: what leads to it in this plan; conditions: its requirement groups.
        let children: Vec<String> = plan
            .map(|p| {
                p.links
                    .iter()
                    .filter(|l| l.to == item)
                    .map(|l| iri(g, l.from))
                    .collect()
            })
            .unwrap_or_default();
        if !children.is_empty() {
            c["ceasn:hasChild"] = json!(children);
        }
        let conditions: Vec<Value> = g
            .groups(item)
            .iter()
            .filter_map(|grp| {
                let targets: Vec<String> = grp
                    .items()
                    .iter()
                    .filter(|i| shown.contains(i))
                    .map(|&i| iri(g, i))
                    .collect();
                if targets.is_empty() {
                    return None;
                }
                Some(match grp {
                    Group::Choose { n, from } => json!({
                        "@type": "ceterms:ComponentCondition",
                        "ceterms:name": lang(&format!("Choose {n} of {}", from.len())),
                        "ceterms:requiredNumber": n, "ceterms:targetComponent": targets,
                    }),
                    Group::MinCredits { credits, .. } => json!({
                        "@type": "ceterms:ComponentCondition",
                        "ceterms:name": lang(&format!("At least {credits} credits")),
                        "ceterms:description": lang(&format!("At least {credits} credits from the listed courses")),
                        "ceterms:targetComponent": targets,
                    }),
                })
            })
            .collect();
        if !conditions.is_empty() {
            c["ceterms:hasCondition"] = json!(conditions);
        }
        if let Some(p) = plan {
            let pre: Vec<String> = p
                .links
                .iter()
                .filter(|l| l.to == item && l.kind == LinkKind::Prerequisite)
                .map(|l| iri(g, l.from))
                .collect();
            if !pre.is_empty() {
                c["ceterms:prerequisite"] = json!(pre);
            }
            if let Some(pos) = p.steps.iter().position(|s| s.item == item)
                && let Some(next) = p.steps.get(pos + 1)
            {
                c["ceterms:preceeds"] = json!([iri(g, next.item)]);
            }
        }
        graph.push(c);
    }
    let pathway = json!({
        "@id": format!("{BASE}pathway"), "@type": "ceterms:Pathway",
        "ceterms:name": lang(&format!("Career map to {name}")),
        "ceterms:description": lang(&format!(
            "{} entry, region {}; plan {} of {}{}",
            map.entry.as_str(), map.region,
            plan.map_or(0, |p| p.rank), map.paths.len(),
            plan.map(|p| format!(", {} new hours", p.total_hours)).unwrap_or_default()
        )),
        "ceterms:inLanguage": ["en-US"],
        "ceterms:hasDestinationComponent": dest_iri,
        "ceasn:hasChild": shown.iter().map(|&i| iri(g, i)).collect::<Vec<_>>(),
    });
    graph.insert(0, pathway);
    graph.extend(resources);
    json!({"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": graph})
}
