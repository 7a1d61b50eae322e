//! CTDL credentials, courses and their links: the credential kind of a class, requirement
//! groups from condition profiles, the occupations a credential leads to (`occupationType`
//! alignments with SOC or O*NET-SOC codes) and a resource's codes (CIP, local).

use super::*;

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

pub(super) const COURSE_CLASSES: [&str; 4] = [
    "Course",
    "LearningProgram",
    "LearningOpportunityProfile",
    "LearningOpportunity",
];

/// Requirement groups from condition profiles under `terms`: one all-of group per profile.
pub(super) fn groups(
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
pub(super) fn occupation_types(n: &Value, owner: &str, warnings: &mut Warnings) -> Vec<String> {
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
                    .and_then(|c| super::super::soc_detailed(&c))
                    .or_else(|| {
                        let node = text(get(a, "targetNode")).or_else(|| id_of(a))?;
                        let last = node.trim_end_matches('/').rsplit('/').next()?.to_owned();
                        super::super::soc_detailed(&last)
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

pub(super) fn codes(n: &Value) -> Codes {
    let cip = many(get(n, "instructionalProgramType")).into_iter().find_map(|a| {
        let framework =
            text(get(a, "frameworkName")).unwrap_or_default() + &text(get(a, "framework")).unwrap_or_default();
        let code = text(get(a, "codedNotation")).or_else(|| text(get(a, "targetNodeName")));
        let f = framework.to_lowercase();
        (f.contains("cip") || f.contains("instructional program") || f.contains("nces"))
            .then_some(code)
            .flatten()
            .and_then(|c| super::super::cip_code(&c))
    });
    Codes {
        sced: None,
        cip,
        local: text(get(n, "codedNotation")),
    }
}
