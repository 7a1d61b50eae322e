//! A 1EdTech CASE 1.0 package (`GET /ims/case/v1p0/CFPackages/{id}` of a CASE provider, or a
//! package file's URL): `CFDocument`, `CFItems`, `CFAssociations`.
//!
//! Each CFItem becomes a competency whose id is the item's `identifier` (its GUID), named by
//! its `abbreviatedStatement` (or `fullStatement`), with the `humanCodingScheme` as
//! `element_id` and the document's title as framework. `isChildOf` associations build the
//! hierarchy (`parent`); an item that is a child of the document itself is a root. Other
//! association types (`exactMatchOf`, `precedes`, `isRelatedTo`...) are counted
//! (`associations_<type>`) but not kept.
//!
//! Tiers: the pull option `case_tiers` maps a CFItemType (compared without case) to a DOL tier
//! 1-9; items whose type is not mapped get `case_default_tier` (default 2, academic, since
//! most CASE frameworks are academic standards). Records are keyed by source and URL: pulling
//! two packages keeps both.

use super::{Context, Fetched, PullError, Pulled};
use crate::domain::{Competency, CompetencyId};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

pub fn parse(f: &Fetched, ctx: &Context) -> Result<Pulled, PullError> {
    let doc: Value = serde_json::from_slice(&f.bytes)
        .map_err(|e| PullError::new(format!("the CASE package is not valid JSON: {e}")))?;
    let pkg = doc.get("CFPackage").unwrap_or(&doc);
    let document = pkg
        .get("CFDocument")
        .ok_or_else(|| PullError::new("the document is not a CASE package: it has no `CFDocument`"))?;
    let items = pkg
        .get("CFItems")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let assocs = pkg
        .get("CFAssociations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let doc_id = str_of(document, "identifier").unwrap_or_default();
    let title = str_of(document, "title").unwrap_or_else(|| "CASE framework".into());
    let mut pulled = Pulled {
        release: str_of(document, "version")
            .or_else(|| str_of(document, "lastChangeDateTime"))
            .map(|v| format!("{title} {v}")),
        ..Default::default()
    };

    let tiers: HashMap<String, u8> = ctx
        .options
        .case_tiers
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k.to_lowercase(), v))
        .collect();
    let default_tier = ctx.options.case_default_tier.unwrap_or(2);
    for (k, t) in tiers
        .iter()
        .map(|(k, t)| (k.as_str(), *t))
        .chain([("case_default_tier", default_tier)])
    {
        if !(1..=9).contains(&t) {
            return Err(PullError::new(format!(
                "the tier for `{k}` must be 1-9 (the DOL competency-model tiers), got {t}"
            )));
        }
    }

    let ids: HashSet<String> = items.iter().filter_map(|i| str_of(i, "identifier")).collect();
    let mut parent: HashMap<String, String> = HashMap::new();
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for a in &assocs {
        let kind = str_of(a, "associationType").unwrap_or_default();
        *by_type.entry(kind.clone()).or_default() += 1;
        if kind != "isChildOf" {
            continue;
        }
        let origin = a.get("originNodeURI").and_then(|n| str_of(n, "identifier"));
        let dest = a.get("destinationNodeURI").and_then(|n| str_of(n, "identifier"));
        let (Some(origin), Some(dest)) = (origin, dest) else {
            pulled.warnings.add(
                "malformed_association",
                "associations without an origin or destination identifier (skipped)",
                str_of(a, "identifier").unwrap_or_default(),
            );
            continue;
        };
        if dest == doc_id {
            continue;
        }
        if !ids.contains(&dest) {
            pulled.warnings.add(
                "unknown_parent",
                "isChildOf associations to items outside the package (the item is kept as a root)",
                format!("{origin} -> {dest}"),
            );
            continue;
        }
        if let Some(existing) = parent.get(&origin) {
            if existing != &dest {
                pulled.warnings.add(
                    "multiple_parents",
                    "items that are children of more than one item (the first parent is kept)",
                    origin.clone(),
                );
            }
            continue;
        }
        parent.insert(origin, dest);
    }
    let prov = ctx.provenance(pulled.release.as_deref());
    for item in &items {
        let Some(id) = str_of(item, "identifier") else {
            pulled
                .warnings
                .add("skipped_item", "CFItems without an identifier (skipped)", "");
            continue;
        };
        let full = str_of(item, "fullStatement");
        let abbr = str_of(item, "abbreviatedStatement");
        let name = abbr.clone().or_else(|| full.clone()).unwrap_or_else(|| id.clone());
        let item_type = str_of(item, "CFItemType")
            .or_else(|| item.get("CFItemTypeURI").and_then(|t| str_of(t, "title")))
            .unwrap_or_default();
        let tier = tiers.get(&item_type.to_lowercase()).copied().unwrap_or(default_tier);
        pulled.owned.competencies.push(Competency {
            id: CompetencyId(id.clone()),
            name,
            tier,
            framework: Some(title.clone()),
            parent: parent.get(&id).map(|p| CompetencyId(p.clone())),
            description: if abbr.is_some() { full } else { str_of(item, "notes") },
            provenance: Some(prov.clone()),
            element_id: str_of(item, "humanCodingScheme"),
        });
    }
    pulled.counts.insert("items".into(), items.len() as u64);
    pulled.counts.insert("associations".into(), assocs.len() as u64);
    pulled.counts.insert("hierarchy_links".into(), parent.len() as u64);
    for (k, n) in by_type {
        pulled.counts.insert(format!("associations_{k}"), n);
    }
    Ok(pulled)
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}
